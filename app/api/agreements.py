"""/api/agreements: agreements with their parties and obligation counts; recording events."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from tortoise.functions import Count

from app.api.deps import CurrentUser
from app.api.schemas import (
    AgreementRead,
    AnchorRead,
    DatedRead,
    EventPreview,
    EventPreviewRequest,
    EventRequest,
    EventResponse,
    Page,
    agreement_read,
)
from app.models import Agreement, AgreementKind, AgreementParty, Document, Obligation, Role
from app.security import STAFF
from app.services import obligations as svc
from app.services.corpus import corrections
from app.services.scope import get_in_scope

EVENT_RECORDERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE})


class AgreementTitle(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(max_length=svc.TITLE_MAX)]


async def _counts(agreement_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = await (
        Obligation.filter(agreement_id__in=agreement_ids)
        .annotate(n=Count("id"))
        .group_by("agreement_id", "review_status", "state")
        .values("agreement_id", "review_status", "state", "n")
    )
    out: dict[int, dict[str, int]] = {i: {} for i in agreement_ids}
    for r in rows:
        key = r["state"] if r["review_status"] == "confirmed" else r["review_status"]
        out[r["agreement_id"]][key] = out[r["agreement_id"]].get(key, 0) + r["n"]
    return out


class AgreementController(Controller):
    path = "/api/agreements"
    tags = ["agreements"]

    @get("/", opt={"roles": STAFF})
    async def list_agreements(
        self,
        principal: CurrentUser,
        kind: FromQuery[AgreementKind | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page:
        query = Agreement.filter(svc.visible_agreements(principal))
        if principal.role == Role.DEPARTMENT:  # only its rule joins the obligations (one row each)
            query = query.distinct()
        if kind:
            query = query.filter(kind=kind)
        total = await query.count()
        rows = await query.order_by("-id").offset(offset).limit(limit)
        ids = [a.id for a in rows]
        counts = await _counts(ids)
        parties: dict[int, list[AgreementParty]] = {i: [] for i in ids}
        for p in await AgreementParty.filter(agreement_id__in=ids).order_by("id"):
            parties[p.agreement_id].append(p)
        return Page(
            items=[agreement_read(a, parties[a.id], counts[a.id]) for a in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    @get("/{agreement_id:int}", opt={"roles": STAFF})
    async def get_agreement(self, principal: CurrentUser, agreement_id: FromPath[int]) -> AgreementRead:
        agreement = await get_in_scope(Agreement, agreement_id, principal)
        parties = await AgreementParty.filter(agreement_id=agreement.id).order_by("id")
        return agreement_read(agreement, parties, (await _counts([agreement.id]))[agreement.id])

    @patch("/{agreement_id:int}", opt={"roles": EVENT_RECORDERS})
    async def retitle(
        self, principal: CurrentUser, agreement_id: FromPath[int], data: JSONBody[AgreementTitle]
    ) -> AgreementRead:
        """Correct the title (the extractor may have taken a heading for it); audited."""
        agreement = await svc.retitle_agreement(principal, agreement_id, data.title)
        parties = await AgreementParty.filter(agreement_id=agreement.id).order_by("id")
        return agreement_read(agreement, parties, (await _counts([agreement.id]))[agreement.id])

    @post("/{agreement_id:int}/events", opt={"roles": EVENT_RECORDERS}, status_code=201)
    async def record_event(
        self, principal: CurrentUser, agreement_id: FromPath[int], data: JSONBody[EventRequest]
    ) -> EventResponse:
        """Record an event (土地交付, 竣工验收 …); obligations anchored on it get their dates."""
        event, resolved = await svc.record_event(
            principal, agreement_id, data.kind, data.occurred_on, data.description, data.anchor_texts
        )
        return EventResponse(id=event.id, kind=event.kind, occurred_on=event.occurred_on, resolved_obligations=resolved)

    @get("/{agreement_id:int}/anchors", opt={"roles": EVENT_RECORDERS})
    async def anchors(self, principal: CurrentUser, agreement_id: FromPath[int]) -> list[AnchorRead]:
        """The anchors the agreement's obligations name (their anchor texts): what an event is chosen from."""
        rows = await svc.list_anchors(principal, agreement_id)
        return [AnchorRead(anchor_text=str(r["anchor_text"]), obligation_ids=list(r["obligation_ids"])) for r in rows]

    @post("/{agreement_id:int}/events/preview", opt={"roles": EVENT_RECORDERS}, status_code=200)
    async def preview_event(
        self, principal: CurrentUser, agreement_id: FromPath[int], data: JSONBody[EventPreviewRequest]
    ) -> EventPreview:
        """What recording the event would do: "dates N obligations: …"."""
        dated = await svc.preview_event(principal, agreement_id, data.anchor_texts, data.occurred_on)
        items = [
            DatedRead(
                obligation_id=d.obligation.id,
                quote=d.obligation.quote,
                anchor_text=d.obligation.anchor_text,
                due_date=d.due_date,
            )
            for d in dated
        ]
        listed = "; ".join(f"#{i.obligation_id} → {i.due_date.isoformat()}" for i in items)
        return EventPreview(summary=f"dates {len(items)} obligations: {listed}", obligations=items)

    @post("/{agreement_id:int}/events/{event_id:int}/undo", opt={"roles": EVENT_RECORDERS}, status_code=200)
    async def undo_event(
        self, principal: CurrentUser, agreement_id: FromPath[int], event_id: FromPath[int]
    ) -> EventResponse:
        """Undo a wrongly recorded event: the obligations it dated get their previous dates back (audited)."""
        event = await svc.undo_event(principal, agreement_id, event_id)
        return EventResponse(id=event.id, kind=event.kind, occurred_on=event.occurred_on, resolved_obligations=0)

    @get("/{agreement_id:int}/corrections", opt={"roles": STAFF})
    async def corrections(self, principal: CurrentUser, agreement_id: FromPath[int]) -> dict[str, object]:
        """What review changed in the extractor's proposal for this agreement's document: per field (role,
        obligor, deadline, amount, text) corrected, added and rejected counts and rates."""
        agreement = await get_in_scope(Agreement, agreement_id, principal)
        return (await corrections(await Document.get(id=agreement.document_id))).to_dict()

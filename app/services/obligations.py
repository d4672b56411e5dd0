"""Reviewing extracted obligations (confirm, edit, reject) and recording their fulfilment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

import extractors
from app import clock
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.models import (
    Agreement,
    AgreementEvent,
    FulfilmentEvidence,
    Obligation,
    Organisation,
    PartyRole,
    Role,
)
from app.security import Principal
from app.services import audit, listings, notifications
from app.services.recurring import generate_instances
from app.services.scope import get_in_scope, managed_agreements
from app.services.scope import visible_agreements as visible_agreements  # re-exported: callers read them here
from app.services.scope import visible_obligations as visible_obligations
from trackers import ActorRole, ObligationEvent, ObligationState, Payment, ReviewStatus
from trackers import apply as apply_event
from trackers.calendar import effective_due, resolve_due
from trackers.lifecycle import fulfilment_progress

REVIEW_ROLES = (Role.ADMIN, Role.INVESTMENT, Role.FINANCE)
ANCHORED_UNITS = ("day", "workday", "week", "month", "year")


def deadline_fields(deadline: extractors.Deadline, anchor_date: date | None) -> dict[str, Any]:
    """The stored deadline columns: what the text says, its nominal date and the effective due date."""
    nominal = deadline.date
    due = provisional = None
    if (
        nominal is None
        and deadline.kind == "relative"
        and deadline.offset is not None
        and deadline.anchor in ("signing", "effective")
        and anchor_date is not None
        and deadline.offset.value >= 0
    ):
        resolved = resolve_due(anchor_date, deadline.offset.value, deadline.offset.unit)
        nominal, due, provisional = (
            resolved.nominal if deadline.offset.unit != "workday" else None,
            resolved.date,
            resolved.provisional,
        )
    elif nominal is not None:
        resolved = effective_due(nominal)
        due, provisional = resolved.date, resolved.provisional
    return {
        "deadline_kind": deadline.kind,
        "deadline_text": (deadline.text or "")[:300] or None,
        "nominal_date": nominal,
        "due_date": due,
        "due_provisional": bool(provisional),
        "offset_value": deadline.offset.value if deadline.offset else None,
        "offset_unit": deadline.offset.unit if deadline.offset else None,
        "anchor": deadline.anchor,
        "anchor_text": (deadline.anchor_text or "")[:300] or None,
        "recurrence": (deadline.recurrence or "")[:100] or None,
    }


def facts(ob: Obligation) -> dict[str, Any]:
    """The facts of an obligation as the annotated corpus writes them (``extractors/corpus`` gold schema):
    what the extractor proposed (stored as ``proposal``) and what review confirmed are compared in this form."""
    offset = (
        {"value": ob.offset_value, "unit": ob.offset_unit}
        if ob.offset_value is not None and ob.offset_unit is not None
        else None
    )
    anchor = None if ob.anchor is None else "signing" if ob.anchor in ("signing", "effective") else "other"
    return {
        "quote": ob.quote,
        "obligor_role": str(ob.obligor_role),
        "obligor": ob.obligor_name or ob.obligor_label,
        "responsible": list(ob.responsible or []),
        "deadline": {
            "kind": ob.deadline_kind,
            "date": ob.nominal_date.isoformat() if ob.nominal_date else None,
            "text": ob.deadline_text,
            "offset": offset,
            "anchor": anchor,
        },
        "amount": {"value": float(ob.amount), "currency": ob.currency or "CNY"} if ob.amount is not None else None,
    }


async def locked_visible(principal: Principal, ids: list[int]) -> list[Obligation]:
    """The visible ones of ``ids``, locked for update (found first: PostgreSQL cannot lock the outer join
    the visibility condition needs)."""
    found = await Obligation.filter(visible_obligations(principal), id__in=ids).values_list("id", flat=True)
    if not found:
        return []
    return list(await Obligation.filter(id__in=list(found)).order_by("id").select_for_update())


@dataclass(frozen=True, slots=True)
class ObligationFilter:
    review_status: ReviewStatus | None = None
    state: ObligationState | None = None
    agreement_id: int | None = None
    document_id: int | None = None
    obligor_role: PartyRole | None = None
    due_before: date | None = None
    due_after: date | None = None


# what the API's obligation read needs: no timestamps (parsing them was a third of a list page on SQLite)
READ_COLUMNS = (
    "id", "agreement_id", "document_id", "page", "start", "end", "quote", "obligor_label", "obligor_name",
    "obligor_role", "responsible", "owner_id", "category", "action", "amount", "currency", "amount_text",
    "amount_fulfilled", "deadline_kind", "deadline_text", "nominal_date", "due_date", "due_provisional",
    "offset_value", "offset_unit", "anchor", "anchor_text", "recurrence", "conditions", "penalty", "confidence",
    "review_status", "state", "fulfilled_on", "version", "parent_id", "supersedes_id", "state_reason",
    "owner_unresolved", "anchor_event_id",
)  # fmt: skip


async def list_obligations(
    principal: Principal, flt: ObligationFilter, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The reviewers' list: the same query as the evaluators' filtered lists (``app.services.listings``), as
    rows of ``READ_COLUMNS`` and ``owner_name`` (``app.api.schemas.obligation_from_row``)."""
    query = listings.ObligationQuery(
        agreement_id=flt.agreement_id,
        document_id=flt.document_id,
        state=flt.state,
        review_status=flt.review_status,
        obligor_role=flt.obligor_role,
        due_from=flt.due_after,
        due_to=flt.due_before,
    )
    found = await listings.obligations(principal.scope_path, query)
    return await listings.rows_page(found, ("due_date", "id"), limit, offset, READ_COLUMNS, owner_name="owner__name")


async def get_obligation(principal: Principal, obligation_id: int) -> Obligation:
    return await get_in_scope(Obligation, obligation_id, principal, related=("owner",))


def snapshot(ob: Obligation) -> dict[str, Any]:
    return {
        "review_status": ob.review_status,
        "state": ob.state,
        "obligor_name": ob.obligor_name,
        "obligor_role": ob.obligor_role,
        "category": ob.category,
        "amount": ob.amount,
        "due_date": ob.due_date,
        "nominal_date": ob.nominal_date,
        "deadline_kind": ob.deadline_kind,
        "owner_id": ob.owner_id,
        "owner_unresolved": ob.owner_unresolved,
        "version": ob.version,
    }


@dataclass(frozen=True, slots=True)
class ObligationEdit:
    obligor_name: str | None = None
    obligor_role: PartyRole | None = None
    category: str | None = None
    action: str | None = None
    amount: Decimal | None = None
    clear_amount: bool = False
    currency: str | None = None
    nominal_date: date | None = None
    clear_deadline: bool = False
    owner_id: int | None = None
    fields_set: frozenset[str] = field(default_factory=frozenset)

    @property
    def resolves_owner(self) -> bool:
        """Whether the edit settles who owes: an owner given, or the duty moved off the government side."""
        return self.owner_id is not None or (
            "obligor_role" in self.fields_set
            and self.obligor_role is not None
            and self.obligor_role != PartyRole.GOVERNMENT
        )


async def review(
    principal: Principal,
    ids: list[int],
    decision: ReviewStatus,
    edit: ObligationEdit | None = None,
    *,
    horizon_days: int,
    today: date | None = None,
) -> list[Obligation]:
    """Confirm, reject or edit (keeping the review status) a set of proposed or confirmed obligations.
    Confirmed recurring obligations get their instances up to ``horizon_days`` (the configured horizon)
    after ``today`` (default: today)."""
    if principal.role not in REVIEW_ROLES:
        raise Forbidden("Only the investment and finance bureaus and administrators review obligations.")
    if not ids:
        raise InvalidInput("No obligation ids given.", errors=[{"key": "ids", "message": "empty"}])
    if edit and "owner_id" in edit.fields_set and edit.owner_id is not None:
        owner = await Organisation.get_or_none(id=edit.owner_id, path__startswith=principal.scope_path)
        if owner is None:
            raise InvalidInput(
                f"Organisation {edit.owner_id} does not exist or is outside your scope.",
                errors=[{"key": "owner_id", "message": "not in scope"}],
            )
    async with in_transaction():
        rows = await locked_visible(principal, ids)
        found = {r.id for r in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(f"Obligations {missing} do not exist or are not visible to you.")
        if decision == ReviewStatus.CONFIRMED and not (edit and edit.resolves_owner):
            unresolved = sorted(ob.id for ob in rows if ob.owner_unresolved)
            if unresolved:
                raise InvalidInput(
                    f"Obligations {unresolved} have no owner yet: assign the body that owes them before confirming.",
                    unresolved=unresolved,
                    errors=[{"key": "owner_id", "obligation": i, "message": "owner unresolved"} for i in unresolved],
                )
        now = datetime.now(UTC)
        assigned: list[Obligation] = []  # newly the body's to perform: confirmed, or confirmed and given a new owner
        for ob in rows:
            before = snapshot(ob)
            if decision == ReviewStatus.CONFIRMED and ob.review_status == ReviewStatus.REJECTED:
                raise Conflict(f"Obligation {ob.id} was rejected; it cannot be confirmed.", obligation=ob.id)
            if (
                decision == ReviewStatus.REJECTED
                and ob.review_status == ReviewStatus.CONFIRMED
                and ob.state != ObligationState.PENDING
            ):
                raise Conflict(
                    f"Obligation {ob.id} is already tracked ({ob.state}); waive it instead.", obligation=ob.id
                )
            if edit:
                _apply_edit(ob, edit)
            ob.review_status = decision
            ob.reviewed_by_id = principal.user_id
            ob.reviewed_at = now
            ob.version = F("version") + 1  # type: ignore[assignment]
            await ob.save()
            await ob.refresh_from_db()
            await audit.record(principal, f"obligation.{decision}", "obligation", ob.id, before, snapshot(ob))
            if decision == ReviewStatus.CONFIRMED and (
                before["review_status"] != ReviewStatus.CONFIRMED or before["owner_id"] != ob.owner_id
            ):
                assigned.append(ob)
        if decision == ReviewStatus.CONFIRMED:
            until = (today or clock.today()) + timedelta(days=horizon_days)
            for ob in rows:
                if ob.recurrence:
                    await generate_instances(ob, until)
    await notifications.notify_assignments([ob.id for ob in assigned])  # committed: the jobs see the rows
    return await Obligation.filter(id__in=ids).order_by("id").prefetch_related("owner")


def _apply_edit(ob: Obligation, edit: ObligationEdit) -> None:
    fs = edit.fields_set
    if "obligor_name" in fs:
        ob.obligor_name = edit.obligor_name
    if "obligor_role" in fs and edit.obligor_role:
        ob.obligor_role = edit.obligor_role
        if edit.obligor_role != PartyRole.GOVERNMENT:
            ob.owner_unresolved = False  # the managing bureau (the placeholder) tracks a counterparty's duty
    if "category" in fs and edit.category:
        if edit.category not in {c.value for c in extractors.Category}:
            raise InvalidInput(
                f"Unknown category {edit.category!r}.", errors=[{"key": "category", "message": "unknown"}]
            )
        ob.category = edit.category
    if "action" in fs and edit.action is not None:
        ob.action = edit.action
    if "amount" in fs:
        if edit.amount is not None and edit.amount < 0:
            raise InvalidInput("An amount cannot be negative.", errors=[{"key": "amount", "message": "negative"}])
        ob.amount = edit.amount
        ob.currency = (edit.currency or ob.currency or "CNY") if edit.amount is not None else None
    if "nominal_date" in fs:
        ob.nominal_date = edit.nominal_date
        if edit.nominal_date is None:
            ob.due_date, ob.due_provisional, ob.deadline_kind = None, False, "none"
        else:
            due = effective_due(edit.nominal_date)
            ob.due_date, ob.due_provisional = due.date, due.provisional
            if ob.deadline_kind == "none":
                ob.deadline_kind = "absolute"
    if "owner_id" in fs and edit.owner_id is not None:
        ob.owner_id = edit.owner_id
        ob.owner_unresolved = False


def _actor_role(principal: Principal) -> ActorRole:
    return ActorRole(principal.role.value)


async def record_fulfilment(
    principal: Principal,
    obligation_id: int,
    fulfilled_on: date,
    note: str,
    amount: Decimal | None,
    today: date,
    file_sha256: str | None = None,
    file_name: str | None = None,
) -> Obligation:
    """Evidence of (partial) fulfilment. Money duties add up their partial amounts."""
    async with in_transaction():
        ob = await get_in_scope(Obligation, obligation_id, principal, lock=True)
        if ob.review_status != ReviewStatus.CONFIRMED:
            raise Conflict("Only confirmed obligations are tracked; confirm it first.")
        if amount is not None and amount <= 0:
            raise InvalidInput(
                "A fulfilment amount must be positive.", errors=[{"key": "amount", "message": "not positive"}]
            )
        if not note.strip() and not file_sha256:
            raise InvalidInput(
                "Fulfilment needs evidence: a note or an attached file.",
                errors=[{"key": "note", "message": "required"}],
            )
        before = snapshot(ob)
        role = _actor_role(principal)
        responsible = principal.role != Role.ADMIN  # visible through scope = own organisation's obligation
        await FulfilmentEvidence.create(
            obligation=ob,
            note=note,
            fulfilled_on=fulfilled_on,
            amount=amount,
            file_sha256=file_sha256,
            file_name=file_name,
            recorded_by_id=principal.user_id,
        )
        state = ObligationState(ob.state)
        if ob.amount is not None and amount is not None:
            payments = [
                Payment(e.fulfilled_on, e.amount)
                for e in await FulfilmentEvidence.filter(obligation=ob)
                if e.amount is not None
            ]
            progress = fulfilment_progress(ob.amount, payments, due=ob.due_date)
            event = ObligationEvent.FULFIL if progress.completed_on else ObligationEvent.FULFIL_PARTIALLY
            apply_event(
                state,
                event,
                actor_role=role,
                responsible=responsible,
                fulfilled_on=progress.completed_on or fulfilled_on,
                due=ob.due_date,
                today=today,
            )
            new_state = (
                progress.state
                if progress.completed_on
                else (
                    state
                    if state in (ObligationState.OVERDUE, ObligationState.BREACHED)
                    else ObligationState.PARTIALLY_FULFILLED
                )
            )
            ob.amount_fulfilled = progress.paid
            ob.fulfilled_on = progress.completed_on
        else:
            new_state = apply_event(
                state,
                ObligationEvent.FULFIL,
                actor_role=role,
                responsible=responsible,
                fulfilled_on=fulfilled_on,
                due=ob.due_date,
                today=today,
            )
            ob.fulfilled_on = fulfilled_on
        ob.state = new_state
        ob.version = F("version") + 1  # type: ignore[assignment]
        await ob.save()
        await ob.refresh_from_db()
        await audit.record(principal, "obligation.fulfil", "obligation", ob.id, before, snapshot(ob))
    return ob


async def assign_owner(
    principal: Principal, ids: list[int], organisation_id: int, outside_scope: bool = False
) -> list[Obligation]:
    """Give obligations the body that owes them (clears ``owner_unresolved``). A body outside the caller's
    scope needs ``outside_scope``: an explicit decision, audited; that body then sees these obligations
    and their clauses, not the document."""
    if principal.role not in REVIEW_ROLES:
        raise Forbidden("Only the investment and finance bureaus and administrators assign owners.")
    if not ids:
        raise InvalidInput("No obligation ids given.", errors=[{"key": "ids", "message": "empty"}])

    org = await Organisation.get_or_none(id=organisation_id)
    if org is None:
        raise InvalidInput(
            f"Organisation {organisation_id} does not exist.",
            errors=[{"key": "organisation_id", "message": "unknown"}],
        )
    outside = not org.path.startswith(principal.scope_path)
    if outside and not outside_scope:
        raise InvalidInput(
            f"{org.name} is outside your scope; assigning it needs an explicit decision (outside_scope: true).",
            errors=[{"key": "outside_scope", "message": "required for an organisation outside your scope"}],
        )
    async with in_transaction():
        rows = await locked_visible(principal, ids)
        missing = sorted(set(ids) - {r.id for r in rows})
        if missing:
            raise NotFound(f"Obligations {missing} do not exist or are not visible to you.")
        for ob in rows:
            before = snapshot(ob)
            ob.owner_id, ob.owner_unresolved = org.id, False
            ob.version = F("version") + 1  # type: ignore[assignment]
            await ob.save()
            await ob.refresh_from_db()
            await audit.record(
                principal,
                "obligation.assign_owner",
                "obligation",
                ob.id,
                before,
                snapshot(ob) | {"outside_scope": outside},
            )
    await notifications.notify_assignments([ob.id for ob in rows if ob.review_status == ReviewStatus.CONFIRMED])
    return list(await Obligation.filter(id__in=ids).order_by("id").prefetch_related("owner"))


def overdue_on_confirmation(rows: list[Obligation], today: date) -> list[Obligation]:
    """Confirmed obligations whose due date has already passed: the next sweep turns them into failures."""
    return [
        o
        for o in rows
        if o.review_status == ReviewStatus.CONFIRMED
        and o.due_date is not None
        and o.due_date < today
        and o.state in (ObligationState.PENDING, ObligationState.DUE_SOON, ObligationState.OVERDUE)
    ]


# ---- events --------------------------------------------------------------------------------------------


async def _agreement_for_events(principal: Principal, agreement_id: int) -> Agreement:
    return await get_in_scope(Agreement, agreement_id, principal, scope=managed_agreements(principal))


TITLE_MAX = 500  # = Agreement.title


async def retitle_agreement(principal: Principal, agreement_id: int, title: str) -> Agreement:
    """Give an agreement its right title (the extractor may take a heading such as 一、总体思路 for it); the
    change is audited. Reviewers of the owning department's scope only; blank or overlong titles: 422."""
    if principal.role not in REVIEW_ROLES:
        raise Forbidden("Only reviewers may rename an agreement.")
    title = " ".join(title.split())
    if not title or len(title) > TITLE_MAX:
        reason = "required" if not title else "too_long"
        raise InvalidInput(f"A title needs 1 to {TITLE_MAX} characters.", errors=[{"key": "title", "message": reason}])
    async with in_transaction():
        agreement = await _agreement_for_events(principal, agreement_id)
        before = agreement.title
        if before != title:
            agreement.title = title
            await agreement.save(update_fields=["title"])
            await audit.record(
                principal, "agreement.retitle", "agreement", agreement.id, {"title": before}, {"title": title}
            )
    return agreement


def _anchored_on(ob: Obligation, needles: list[str]) -> bool:
    text = (ob.anchor_text or "").strip()
    return bool(text) and any(n in text or text in n for n in needles)


async def _open_anchored(agreement_id: int) -> list[Obligation]:
    """Obligations waiting for an event: relative to something other than signing, no date yet."""
    return list(
        await Obligation.filter(
            agreement_id=agreement_id,
            deadline_kind="relative",
            due_date=None,
            offset_unit__in=ANCHORED_UNITS,
            offset_value__gte=0,
            review_status__not=ReviewStatus.REJECTED,
        )
        .exclude(anchor__in=("signing", "effective"))
        .order_by("ordinal")
    )


async def list_anchors(principal: Principal, agreement_id: int) -> list[dict[str, Any]]:
    """The anchors the agreement's obligations actually name (their ``anchor_text``s) and the ids of the
    obligations each would date: what an event is chosen from."""
    agreement = await _agreement_for_events(principal, agreement_id)
    anchors: dict[str, list[int]] = {}
    for ob in await _open_anchored(agreement.id):
        if ob.anchor_text and ob.anchor_text.strip():
            anchors.setdefault(ob.anchor_text.strip(), []).append(ob.id)
    return [{"anchor_text": text, "obligation_ids": ids} for text, ids in anchors.items()]


@dataclass(frozen=True, slots=True)
class DatedObligation:
    obligation: Obligation
    nominal_date: date | None
    due_date: date
    due_provisional: bool


async def preview_event(
    principal: Principal, agreement_id: int, anchor_texts: list[str], occurred_on: date
) -> list[DatedObligation]:
    """What recording the event would do: the obligations it dates and their new dates."""
    agreement = await _agreement_for_events(principal, agreement_id)
    needles = [t.strip() for t in anchor_texts if t.strip()]
    if not needles:
        raise InvalidInput("Name the anchor the event is.", errors=[{"key": "anchor_texts", "message": "required"}])
    out = []
    for ob in await _open_anchored(agreement.id):
        if not _anchored_on(ob, needles):
            continue
        due = resolve_due(occurred_on, ob.offset_value or 0, ob.offset_unit)  # type: ignore[arg-type]
        nominal = due.nominal if ob.offset_unit != "workday" else None
        out.append(DatedObligation(ob, nominal, due.date, due.provisional))
    return out


def _dates(ob: Obligation) -> dict[str, Any]:
    return {
        "id": ob.id,
        "nominal_date": ob.nominal_date.isoformat() if ob.nominal_date else None,
        "due_date": ob.due_date.isoformat() if ob.due_date else None,
        "due_provisional": ob.due_provisional,
    }


async def plan_event(
    principal: Principal,
    agreement_id: int,
    kind: str,
    occurred_on: date,
    description: str,
    anchor_texts: list[str] | None = None,
) -> list[DatedObligation]:
    """What ``record_event`` with the same arguments would date, changing nothing: the agreement page's
    preview, so the list a clerk saw is the list that gets dated. Refuses what ``record_event`` refuses."""
    agreement = await _agreement_for_events(principal, agreement_id)
    return await _plan_event(principal, agreement, kind.strip(), occurred_on, description, anchor_texts)


async def _plan_event(
    principal: Principal,
    agreement: Agreement,
    kind: str,
    occurred_on: date,
    description: str,
    anchor_texts: list[str] | None,
) -> list[DatedObligation]:
    if not kind:
        raise InvalidInput("The event needs a kind.", errors=[{"key": "kind", "message": "required"}])
    needles = [t.strip() for t in [description, *(anchor_texts or [])] if t.strip()]
    if kind in ("signing", "effective"):
        planned = []
        for ob in await Obligation.filter(
            agreement=agreement,
            deadline_kind="relative",
            due_date=None,
            anchor=kind,
            offset_unit__in=ANCHORED_UNITS,
            offset_value__gte=0,
        ).order_by("start", "id"):
            due = resolve_due(occurred_on, ob.offset_value or 0, ob.offset_unit)  # type: ignore[arg-type]
            planned.append(
                DatedObligation(ob, due.nominal if ob.offset_unit != "workday" else None, due.date, due.provisional)
            )
        return planned
    if not needles:
        raise InvalidInput(
            "Name the anchor the event is (description or anchor_texts).",
            errors=[{"key": "anchor_texts", "message": "required"}],
        )
    planned = await preview_event(principal, agreement.id, needles, occurred_on)
    if not planned:
        anchors = [a["anchor_text"] for a in await list_anchors(principal, agreement.id)]
        raise InvalidInput(
            f"No obligation of agreement {agreement.id} is anchored on {needles}; "
            f"its obligations name: {anchors or 'no event'}.",
            anchors=anchors,
            errors=[{"key": "anchor_texts", "message": "matches no obligation's anchor"}],
        )
    return planned


async def record_event(
    principal: Principal,
    agreement_id: int,
    kind: str,
    occurred_on: date,
    description: str,
    anchor_texts: list[str] | None = None,
) -> tuple[AgreementEvent, int]:
    """Record an event (e.g. land handed over) and give every obligation anchored on it its date — exactly
    the obligations ``preview_event`` lists. An event no obligation is anchored on is refused (422), never
    recorded as a silent no-op; kind ``signing``/``effective`` resolves those anchors."""
    agreement = await _agreement_for_events(principal, agreement_id)
    kind = kind.strip()
    async with in_transaction():
        planned = await _plan_event(principal, agreement, kind, occurred_on, description, anchor_texts)
        event = await AgreementEvent.create(
            agreement=agreement,
            kind=kind,
            description=description,
            occurred_on=occurred_on,
            recorded_by_id=principal.user_id,
            dated=[_dates(p.obligation) for p in planned],
        )
        for p in planned:
            ob = p.obligation
            before = snapshot(ob)
            ob.nominal_date, ob.due_date, ob.due_provisional = p.nominal_date, p.due_date, p.due_provisional
            ob.anchor_event_id = event.id
            await ob.save(
                update_fields=["nominal_date", "due_date", "due_provisional", "anchor_event_id", "updated_at"]
            )
            await audit.record(principal, "obligation.anchor_resolved", "obligation", ob.id, before, snapshot(ob))
        await audit.record(
            principal,
            "agreement.event",
            "agreement",
            agreement.id,
            None,
            {"event": event.id, "kind": kind, "occurred_on": occurred_on, "dated": [p.obligation.id for p in planned]},
        )
    return event, len(planned)


async def undo_event(principal: Principal, agreement_id: int, event_id: int) -> AgreementEvent:
    """Undo a wrongly recorded event: the obligations it dated get back the dates they had (unless their
    tracking has moved on since, which is a 409)."""
    agreement = await _agreement_for_events(principal, agreement_id)
    async with in_transaction():
        event = await AgreementEvent.filter(id=event_id, agreement_id=agreement.id).select_for_update().first()
        if event is None:
            raise NotFound(f"Event {event_id} of agreement {agreement.id} does not exist.")
        if event.undone_at is not None:
            raise Conflict(f"Event {event_id} was already undone.")
        previous = {int(str(d["id"])): d for d in event.dated}
        rows = list(await Obligation.filter(id__in=list(previous)).select_for_update())
        moved = [o.id for o in rows if o.state not in (ObligationState.PENDING, ObligationState.DUE_SOON)]
        if moved:
            raise Conflict(f"Obligations {moved} are already tracked past their new date; undo is not possible.")
        for ob in rows:
            before = snapshot(ob)
            d = previous[ob.id]
            ob.nominal_date = date.fromisoformat(str(d["nominal_date"])) if d["nominal_date"] else None
            ob.due_date = date.fromisoformat(str(d["due_date"])) if d["due_date"] else None
            ob.due_provisional = bool(d["due_provisional"])
            if ob.anchor_event_id == event.id:
                ob.anchor_event_id = None
            await ob.save(
                update_fields=["nominal_date", "due_date", "due_provisional", "anchor_event_id", "updated_at"]
            )
            await audit.record(principal, "obligation.anchor_undone", "obligation", ob.id, before, snapshot(ob))
        event.undone_at = datetime.now(UTC)
        await event.save(update_fields=["undone_at"])
        await audit.record(
            principal,
            "agreement.event_undone",
            "agreement",
            agreement.id,
            {"event": event.id},
            {"restored": list(previous)},
        )
    return event


async def anchor_to_event(principal: Principal, obligation_id: int, event_id: int) -> Obligation:
    """Anchor an obligation on a recorded event by hand: its offset counted from the event's date."""
    async with in_transaction():
        ob = await get_in_scope(Obligation, obligation_id, principal, lock=True)
        event = await AgreementEvent.filter(id=event_id, agreement_id=ob.agreement_id, undone_at=None).first()
        if event is None:
            raise InvalidInput(
                f"Event {event_id} is not a standing event of this obligation's agreement.",
                errors=[{"key": "event_id", "message": "unknown"}],
            )
        if ob.offset_value is None or ob.offset_unit not in ANCHORED_UNITS or ob.offset_value < 0:
            raise InvalidInput(
                "The obligation has no offset to count from an event; set its deadline instead.",
                errors=[{"key": "event_id", "message": "obligation has no offset"}],
            )
        before = snapshot(ob)
        due = resolve_due(event.occurred_on, ob.offset_value, ob.offset_unit)  # type: ignore[arg-type]
        event.dated = [*event.dated, _dates(ob)]
        await event.save(update_fields=["dated"])
        ob.nominal_date = due.nominal if ob.offset_unit != "workday" else None
        ob.due_date, ob.due_provisional = due.date, due.provisional
        ob.deadline_kind, ob.anchor_event_id = "relative", event.id
        await ob.save(
            update_fields=[
                "nominal_date",
                "due_date",
                "due_provisional",
                "deadline_kind",
                "anchor_event_id",
                "updated_at",
            ]
        )
        await audit.record(principal, "obligation.anchor_event", "obligation", ob.id, before, snapshot(ob))
    return await Obligation.get(id=ob.id).prefetch_related("owner")

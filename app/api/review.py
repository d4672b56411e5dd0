"""The review API: an agreement's parties (preview, then apply a change that re-derives its obligations),
every field of an obligation, adding a missed clause by its text span, splitting and merging rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody

import extractors
from app.api.deps import CurrentUser
from app.api.schemas import Id, ObligationRead, obligation_read
from app.models import AgreementParty, PartyRole
from app.security import REVIEWERS
from app.services import review as svc

Label = Annotated[str, msgspec.Meta(max_length=50)]
Name = Annotated[str, msgspec.Meta(max_length=300)]
Offset = Annotated[int, msgspec.Meta(ge=0)]
Unit = Annotated[str, msgspec.Meta(max_length=200)]


class ReviewPartyRead(msgspec.Struct):
    id: int
    label: str | None
    name: str | None
    role: PartyRole
    organisation_id: int | None


class PartyPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    label: Label | msgspec.UnsetType | None = msgspec.UNSET
    name: Name | msgspec.UnsetType | None = msgspec.UNSET
    role: PartyRole | msgspec.UnsetType = msgspec.UNSET
    organisation_id: Id | msgspec.UnsetType | None = msgspec.UNSET


class DerivedChangeRead(msgspec.Struct):
    obligation_id: int
    quote: str
    role_before: str
    role_after: str
    owner_before: int
    owner_after: int
    name_before: str | None
    name_after: str | None


class PartyUpdateRead(msgspec.Struct):
    party: ReviewPartyRead
    obligations: list[DerivedChangeRead]


class ObligationFieldsPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    obligor_role: PartyRole | msgspec.UnsetType = msgspec.UNSET
    party_id: int | msgspec.UnsetType = msgspec.UNSET
    obligor_name: Name | msgspec.UnsetType | None = msgspec.UNSET
    owner_id: int | msgspec.UnsetType = msgspec.UNSET
    responsible: Annotated[list[Unit], msgspec.Meta(max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    start: Offset | msgspec.UnsetType = msgspec.UNSET
    end: Offset | msgspec.UnsetType = msgspec.UNSET
    category: extractors.Category | msgspec.UnsetType = msgspec.UNSET
    deadline_text: Annotated[str, msgspec.Meta(max_length=300)] | msgspec.UnsetType | None = msgspec.UNSET
    nominal_date: date | msgspec.UnsetType | None = msgspec.UNSET
    amount: Decimal | msgspec.UnsetType | None = msgspec.UNSET  # a negative amount: 422 from the service
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | msgspec.UnsetType = msgspec.UNSET
    recurrence: Annotated[str, msgspec.Meta(max_length=100)] | msgspec.UnsetType | None = msgspec.UNSET


class NewObligationRequest(msgspec.Struct, forbid_unknown_fields=True):
    start: Offset
    end: Offset
    party_id: int | None = None
    obligor_role: PartyRole | None = None
    category: extractors.Category = extractors.Category.OTHER
    deadline_text: Annotated[str, msgspec.Meta(max_length=300)] | None = None


class SplitRequest(msgspec.Struct, forbid_unknown_fields=True):
    at: Offset


class MergeRequest(msgspec.Struct, forbid_unknown_fields=True):
    other_id: int


def _set(data: msgspec.Struct) -> dict[str, object]:
    return {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}


def _party_read(p: AgreementParty) -> ReviewPartyRead:
    return msgspec.convert(p, ReviewPartyRead, from_attributes=True)


def _change(data: PartyPatch) -> svc.PartyChange:
    values = _set(data)
    return svc.PartyChange(**values, fields_set=frozenset(values))  # type: ignore[arg-type]


def _changes(rows: list[svc.DerivedChange]) -> list[DerivedChangeRead]:
    return [DerivedChangeRead(**{f: getattr(c, f) for f in DerivedChangeRead.__struct_fields__}) for c in rows]


class ReviewController(Controller):
    path = "/api"
    tags = ["review"]

    @get("/agreements/{agreement_id:int}/parties", opt={"roles": REVIEWERS})
    async def parties(self, principal: CurrentUser, agreement_id: FromPath[int]) -> list[ReviewPartyRead]:
        return [_party_read(p) for p in await svc.list_parties(principal, agreement_id)]

    @post("/agreements/{agreement_id:int}/parties/{party_id:int}/preview", opt={"roles": REVIEWERS}, status_code=200)
    async def preview_party(
        self, principal: CurrentUser, agreement_id: FromPath[int], party_id: FromPath[int], data: JSONBody[PartyPatch]
    ) -> list[DerivedChangeRead]:
        """What the change would do to the obligations pointing at the party (nothing is written)."""
        return _changes(await svc.preview_party(principal, agreement_id, party_id, _change(data)))

    @patch("/agreements/{agreement_id:int}/parties/{party_id:int}", opt={"roles": REVIEWERS})
    async def update_party(
        self, principal: CurrentUser, agreement_id: FromPath[int], party_id: FromPath[int], data: JSONBody[PartyPatch]
    ) -> PartyUpdateRead:
        """Change a party; its obligations' role, obligor and default owner are re-derived."""
        party, changes = await svc.update_party(principal, agreement_id, party_id, _change(data))
        return PartyUpdateRead(party=_party_read(party), obligations=_changes(changes))

    @patch("/obligations/{obligation_id:int}/fields", opt={"roles": REVIEWERS})
    async def edit_fields(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[ObligationFieldsPatch]
    ) -> ObligationRead:
        """Edit any field: obligor (party or body), role, owner, units, span, category, deadline phrase or
        date, amount, recurrence. The review status is kept."""
        values = _set(data)
        edit = svc.FieldEdit(**values, fields_set=frozenset(values))  # type: ignore[arg-type]
        return obligation_read(await svc.edit_fields(principal, obligation_id, edit))

    @post("/documents/{document_id:int}/obligations", opt={"roles": REVIEWERS}, status_code=201)
    async def add_obligation(
        self, principal: CurrentUser, document_id: FromPath[int], data: JSONBody[NewObligationRequest]
    ) -> ObligationRead:
        """Add a clause the extractor missed, by its span in the document text."""
        new = svc.NewObligation(**_set(data))  # type: ignore[arg-type]
        return obligation_read(await svc.add_obligation(principal, document_id, new))

    @post("/obligations/{obligation_id:int}/split", opt={"roles": REVIEWERS}, status_code=200)
    async def split(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[SplitRequest]
    ) -> list[ObligationRead]:
        return [obligation_read(o) for o in await svc.split_obligation(principal, obligation_id, data.at)]

    @post("/obligations/{obligation_id:int}/merge", opt={"roles": REVIEWERS}, status_code=200)
    async def merge(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[MergeRequest]
    ) -> ObligationRead:
        return obligation_read(await svc.merge_obligations(principal, obligation_id, data.other_id))

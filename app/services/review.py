"""The clerk's review of one document: correcting its parties, every field of an obligation, adding a missed
clause, splitting and merging rows.

An obligation points at a party of its agreement through its ``obligor_label`` (甲方, 乙方 …), or, when the
extractor found no label, through its ``obligor_name``: the same key ``save_extraction`` writes. Changing a
party re-derives the role, name and default owner of every untracked obligation that points at it; the
change is shown first (``preview_party``) and applied with the same computation (``update_party``).

Every use case runs in one transaction and is audited with ``app.services.audit.record``. Errors are
``InvalidInput`` naming the field (``errors=[{"key": field, "message": ...}]``), shown beside it in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

import extractors
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.models import Agreement, AgreementParty, Document, Obligation, Organisation, PartyRole
from app.security import Principal
from app.services import audit
from app.services.obligations import REVIEW_ROLES, deadline_fields, snapshot
from app.services.organisations import match_organisation
from app.services.scope import get_in_scope, managed_agreements
from extractors.recurrence import schedule_rrule
from trackers import ObligationState, ReviewStatus
from trackers.calendar import effective_due

MAX_QUOTE = 5000


def _invalid(key: str, message: str, detail: str | None = None) -> InvalidInput:
    return InvalidInput(detail or f"{key}: {message}", errors=[{"key": key, "message": message}])


def _require_reviewer(principal: Principal) -> None:
    if principal.role not in REVIEW_ROLES:
        raise Forbidden("Only the investment and finance bureaus and administrators review obligations.")


async def _agreement(principal: Principal, agreement_id: int) -> Agreement:
    return await get_in_scope(Agreement, agreement_id, principal, scope=managed_agreements(principal))


async def _organisation_in_scope(principal: Principal, org_id: int, key: str) -> Organisation:
    org = await Organisation.get_or_none(id=org_id, path__startswith=principal.scope_path)
    if org is None:
        raise _invalid(key, "not in scope", f"Organisation {org_id} does not exist or is outside your scope.")
    return org


# ---- parties -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyChange:
    """The fields of a party the clerk changes (``fields_set`` says which were given)."""

    label: str | None = None
    name: str | None = None
    role: PartyRole | None = None
    organisation_id: int | None = None
    fields_set: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class DerivedChange:
    """What a party change does to one obligation pointing at it."""

    obligation_id: int
    quote: str
    role_before: str
    role_after: str
    owner_before: int
    owner_after: int
    name_before: str | None
    name_after: str | None
    owner_unresolved: bool = False  # the party is the government side but matches no organisation yet


async def list_parties(principal: Principal, agreement_id: int) -> list[AgreementParty]:
    agreement = await _agreement(principal, agreement_id)
    return await AgreementParty.filter(agreement_id=agreement.id).order_by("id")


def _points_at(party: AgreementParty) -> Q:
    """The obligations of the party's agreement that name it (by label, or by name when it has none)."""
    if party.label:
        return Q(agreement_id=party.agreement_id, obligor_label=party.label)
    if not party.name:
        return Q(id=None)  # a party with neither label nor name is named by no obligation
    return Q(agreement_id=party.agreement_id, obligor_label=None, obligor_name=party.name)


async def default_owner(
    agreement: Agreement, role: PartyRole, organisation_id: int | None, name: str | None
) -> tuple[int, bool]:
    """The organisation an obligation of this party is charged to unless the clerk says otherwise, and whether
    that is still unresolved: a government party's linked (or name-matched) organisation; a counterparty's or
    mixed duty is tracked by the bureau managing the agreement; a government party matched to no organisation
    keeps the managing bureau only as a placeholder, marked ``owner_unresolved`` (never a silent guess)."""
    if role == PartyRole.GOVERNMENT:
        if organisation_id is not None:
            return organisation_id, False
        owning = await Organisation.get(id=agreement.owning_department_id)
        matched = await match_organisation(name, owning)
        if matched is not None:
            return matched.id, False
        return agreement.owning_department_id, True
    return agreement.owning_department_id, False


async def _party_and_changes(
    principal: Principal, agreement_id: int, party_id: int, change: PartyChange
) -> tuple[Agreement, AgreementParty, dict[str, Any], list[tuple[Obligation, DerivedChange]]]:
    _require_reviewer(principal)
    agreement = await _agreement(principal, agreement_id)
    party = await AgreementParty.get_or_none(id=party_id, agreement_id=agreement.id)
    if party is None:
        raise NotFound(f"Party {party_id} of agreement {agreement_id} does not exist.")
    fs = change.fields_set
    after: dict[str, Any] = {
        "label": party.label,
        "name": party.name,
        "role": PartyRole(party.role),
        "organisation_id": party.organisation_id,
    }
    if "label" in fs:
        label = (change.label or "").strip() or None
        if (
            label
            and label != party.label
            and await AgreementParty.filter(agreement_id=agreement.id, label=label).exclude(id=party.id).exists()
        ):
            raise _invalid("label", "duplicate", f"Another party of this agreement is already labelled {label}.")
        after["label"] = label
    if "name" in fs:
        after["name"] = (change.name or "").strip() or None
    if "role" in fs and change.role is not None:
        after["role"] = change.role
    if "organisation_id" in fs:
        if change.organisation_id is not None:
            await _organisation_in_scope(principal, change.organisation_id, "organisation_id")
        after["organisation_id"] = change.organisation_id
    if after["role"] != PartyRole.GOVERNMENT:
        after["organisation_id"] = None
    owner, unresolved = await default_owner(agreement, after["role"], after["organisation_id"], after["name"])
    rows = (
        await Obligation.filter(_points_at(party), parent_id=None, state=ObligationState.PENDING)
        .exclude(review_status=ReviewStatus.REJECTED)
        .order_by("start", "id")
    )
    changes = [
        (
            ob,
            DerivedChange(
                obligation_id=ob.id,
                quote=ob.quote,
                role_before=str(ob.obligor_role),
                role_after=str(after["role"]),
                owner_before=ob.owner_id,
                owner_after=owner,
                name_before=ob.obligor_name,
                name_after=after["name"],
                owner_unresolved=unresolved,
            ),
        )
        for ob in rows
    ]
    return agreement, party, after, changes


async def preview_party(
    principal: Principal, agreement_id: int, party_id: int, change: PartyChange
) -> list[DerivedChange]:
    """What ``update_party`` would do to the obligations pointing at the party; changes nothing."""
    _, _, _, changes = await _party_and_changes(principal, agreement_id, party_id, change)
    return [c for _, c in changes]


async def update_party(
    principal: Principal, agreement_id: int, party_id: int, change: PartyChange
) -> tuple[AgreementParty, list[DerivedChange]]:
    """Change a party and re-derive role, obligor name, label and default owner of its obligations."""
    async with in_transaction():
        _, party, after, changes = await _party_and_changes(principal, agreement_id, party_id, change)
        before = {
            "label": party.label,
            "name": party.name,
            "role": party.role,
            "organisation_id": party.organisation_id,
        }
        party.label, party.name = after["label"], after["name"]
        party.role, party.organisation_id = after["role"], after["organisation_id"]
        await party.save()
        for ob, derived in changes:
            ob_before = snapshot(ob)
            ob.obligor_label = party.label
            ob.obligor_name = (derived.name_after or "")[:300] or None
            ob.obligor_role = PartyRole(derived.role_after)
            ob.owner_id = derived.owner_after
            ob.owner_unresolved = derived.owner_unresolved
            ob.version += 1
            await ob.save()
            await audit.record(principal, "obligation.rederived", "obligation", ob.id, ob_before, snapshot(ob))
        await audit.record(
            principal,
            "agreement_party.updated",
            "agreement_party",
            party.id,
            before,
            {**after, "obligations": [c.obligation_id for _, c in changes]},
        )
    return party, [c for _, c in changes]


# ---- obligations ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldEdit:
    """Any field of an obligation; ``fields_set`` says which were given (``None`` clears where allowed)."""

    obligor_role: PartyRole | None = None
    party_id: int | None = None
    obligor_name: str | None = None
    owner_id: int | None = None
    responsible: list[str] | None = None
    start: int | None = None
    end: int | None = None
    category: extractors.Category | None = None
    deadline_text: str | None = None
    nominal_date: date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    recurrence: str | None = None
    fields_set: frozenset[str] = field(default_factory=frozenset)


async def _editable(principal: Principal, obligation_id: int) -> Obligation:
    ob = await get_in_scope(Obligation, obligation_id, principal, lock=True)
    if ob.review_status == ReviewStatus.REJECTED:
        raise Conflict(f"Obligation {ob.id} was rejected; it cannot be edited.", obligation=ob.id)
    if ob.state != ObligationState.PENDING:
        raise Conflict(f"Obligation {ob.id} is already tracked ({ob.state}).", obligation=ob.id)
    return ob


def _span(text: str, start: int, end: int) -> tuple[int, int, str]:
    if not 0 <= start < end <= len(text):
        raise _invalid("start", "outside the text", f"The span {start}-{end} is not inside the document text.")
    quote = text[start:end].strip()
    if not quote:
        raise _invalid("start", "empty", "The selected text is empty.")
    if len(quote) > MAX_QUOTE:
        raise _invalid("end", "too long", f"A clause is at most {MAX_QUOTE} characters.")
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    return start + lead, start + lead + len(quote), quote


def _read_deadline(ob: Obligation, phrase: str | None, signed_on: date | None) -> None:
    """Re-read a deadline phrase by the extractor's own rules (``extractors.resolve_deadline``)."""
    phrase = (phrase or "").strip()
    if not phrase:
        values = deadline_fields(extractors.Deadline(kind="none"), signed_on)
    else:
        deadline = extractors.resolve_deadline(phrase, signed_on)
        if deadline.kind == "none":
            raise _invalid("deadline_text", "unreadable", f"No deadline can be read from {phrase!r}.")
        values = deadline_fields(deadline, signed_on)
        values["deadline_text"] = phrase[:300]
    for key, value in values.items():
        setattr(ob, key, value)


async def _apply_fields(principal: Principal, ob: Obligation, edit: FieldEdit, agreement: Agreement, text: str) -> None:
    fs = edit.fields_set
    if "party_id" in fs and edit.party_id is not None:
        party = await AgreementParty.get_or_none(id=edit.party_id, agreement_id=agreement.id)
        if party is None:
            raise _invalid("party_id", "not a party of this agreement")
        ob.obligor_label, ob.obligor_name = party.label, party.name
        ob.obligor_role = PartyRole(party.role)
        if "owner_id" not in fs:
            ob.owner_id, ob.owner_unresolved = await default_owner(
                agreement, PartyRole(party.role), party.organisation_id, party.name
            )
    if "obligor_role" in fs and edit.obligor_role is not None:
        ob.obligor_role = edit.obligor_role
        if "owner_id" not in fs and "party_id" not in fs:
            ob.owner_id, ob.owner_unresolved = await default_owner(agreement, edit.obligor_role, None, ob.obligor_name)
    if "obligor_name" in fs:
        name = (edit.obligor_name or "").strip()
        ob.obligor_name = name[:300] or None
        if "party_id" not in fs:
            ob.obligor_label = None  # a body named by hand no longer follows a party
    if "owner_id" in fs and edit.owner_id is not None:
        ob.owner_id = (await _organisation_in_scope(principal, edit.owner_id, "owner_id")).id
        ob.owner_unresolved = False  # the clerk named the body
    if "responsible" in fs:
        ob.responsible = [u.strip() for u in edit.responsible or [] if u.strip()]
    if "start" in fs or "end" in fs:
        start = edit.start if edit.start is not None else ob.start
        end = edit.end if edit.end is not None else ob.end
        ob.start, ob.end, ob.quote = _span(text, start, end)
    if "category" in fs and edit.category is not None:
        ob.category = str(edit.category)
    if "deadline_text" in fs:
        _read_deadline(ob, edit.deadline_text, agreement.signed_on)
    if "nominal_date" in fs:
        if edit.nominal_date is None:
            ob.nominal_date = ob.due_date = None
            ob.due_provisional, ob.deadline_kind = False, "none"
        else:
            due = effective_due(edit.nominal_date)
            ob.nominal_date, ob.due_date, ob.due_provisional = edit.nominal_date, due.date, due.provisional
            ob.deadline_kind = "absolute"
            ob.offset_value = ob.offset_unit = ob.anchor = ob.anchor_text = None
    if "amount" in fs:
        if edit.amount is not None and edit.amount < 0:
            raise _invalid("amount", "negative", "An amount cannot be negative.")
        ob.amount = edit.amount
        ob.currency = (edit.currency or ob.currency or "CNY") if edit.amount is not None else None
    if "recurrence" in fs:
        words = (edit.recurrence or "").strip()[:100]
        ob.recurrence = schedule_rrule(words) or words or None  # 每年6月30日前 → its RRULE; 定期 kept as written


async def edit_fields(principal: Principal, obligation_id: int, edit: FieldEdit) -> Obligation:
    """Edit any field of a proposed (or confirmed, not yet tracked) obligation; its review status is kept."""
    _require_reviewer(principal)
    async with in_transaction():
        ob = await _editable(principal, obligation_id)
        agreement = await Agreement.get(id=ob.agreement_id)
        document = await Document.get(id=ob.document_id)
        before = snapshot(ob) | {"quote": ob.quote, "start": ob.start, "end": ob.end}
        await _apply_fields(principal, ob, edit, agreement, document.text or "")
        ob.version += 1
        await ob.save()
        after = snapshot(ob) | {"quote": ob.quote, "start": ob.start, "end": ob.end}
        await audit.record(principal, "obligation.edited", "obligation", ob.id, before, after)
    return await Obligation.get(id=ob.id).prefetch_related("owner")


@dataclass(frozen=True, slots=True)
class NewObligation:
    start: int
    end: int
    party_id: int | None = None
    obligor_role: PartyRole | None = None
    category: extractors.Category = extractors.Category.OTHER
    deadline_text: str | None = None


async def add_obligation(principal: Principal, document_id: int, new: NewObligation) -> Obligation:
    """A clause the extractor missed, selected by the clerk in the full text: a proposed obligation whose
    deadline (and amount) are read from the selected text by the extractor's rules."""
    _require_reviewer(principal)
    async with in_transaction():
        document = await get_in_scope(Document, document_id, principal)
        agreement = await Agreement.filter(document_id=document.id).order_by("-id").first()
        if agreement is None:
            raise Conflict(f"Document {document_id} has no extracted agreement yet.", document=document_id)
        text = document.text or ""
        start, end, quote = _span(text, new.start, new.end)
        last = await Obligation.filter(agreement_id=agreement.id).order_by("-ordinal").first()
        role = new.obligor_role or PartyRole.COUNTERPARTY
        owner_id, owner_unresolved = await default_owner(agreement, role, None, None)
        ob = Obligation(
            agreement=agreement,
            document=document,
            ordinal=(last.ordinal + 1) if last else 0,
            page=_page_of(text, start),
            start=start,
            end=end,
            quote=quote,
            obligor_role=role,
            owner_id=owner_id,
            owner_unresolved=owner_unresolved,
            category=str(new.category),
            action=quote[:2000],
            confidence=1.0,  # written by a person
            responsible=[],
            conditions=[],
            **deadline_fields(extractors.Deadline(kind="none"), agreement.signed_on),
        )
        edit_keys = {"party_id"} if new.party_id is not None else set()
        await _apply_fields(
            principal, ob, FieldEdit(party_id=new.party_id, fields_set=frozenset(edit_keys)), agreement, text
        )
        phrase = new.deadline_text
        if phrase is None:
            found = extractors.resolve_deadline(quote, agreement.signed_on)
            if found.kind != "none":
                for key, value in deadline_fields(found, agreement.signed_on).items():
                    setattr(ob, key, value)
        else:
            _read_deadline(ob, phrase, agreement.signed_on)
        await ob.save()
        await audit.record(principal, "obligation.added", "obligation", ob.id, None, snapshot(ob) | {"quote": ob.quote})
    return await Obligation.get(id=ob.id).prefetch_related("owner")


def _page_of(text: str, offset: int) -> int:
    return text.count("\f", 0, offset) + 1


_COPIED = (
    "obligor_label",
    "obligor_name",
    "obligor_role",
    "responsible",
    "owner_id",
    "category",
    "currency",
    "conditions",
    "penalty",
    "confidence",
    "page",
)


async def split_obligation(principal: Principal, obligation_id: int, at: int) -> tuple[Obligation, Obligation]:
    """Split one row into two at text offset ``at``: the first keeps ``start..at``, a new row gets ``at..end``;
    each reads its own deadline from its own text."""
    _require_reviewer(principal)
    async with in_transaction():
        ob = await _editable(principal, obligation_id)
        if not ob.start < at < ob.end:
            raise _invalid("at", "outside the clause", f"Split point {at} is not inside {ob.start}-{ob.end}.")
        agreement = await Agreement.get(id=ob.agreement_id)
        text = (await Document.get(id=ob.document_id)).text or ""
        before = snapshot(ob) | {"start": ob.start, "end": ob.end}
        end = ob.end
        ob.start, ob.end, ob.quote = _span(text, ob.start, at)
        second_start, second_end, second_quote = _span(text, at, end)
        last = await Obligation.filter(agreement_id=agreement.id).order_by("-ordinal").first()
        second = Obligation(
            agreement_id=ob.agreement_id,
            document_id=ob.document_id,
            ordinal=(last.ordinal if last else ob.ordinal) + 1,
            start=second_start,
            end=second_end,
            quote=second_quote,
            action=second_quote[:2000],
            review_status=ob.review_status,
            **{k: getattr(ob, k) for k in _COPIED},
        )
        for row in (ob, second):
            found = extractors.resolve_deadline(row.quote, agreement.signed_on)
            for key, value in deadline_fields(found, agreement.signed_on).items():
                setattr(row, key, value)
        ob.action = ob.quote[:2000]
        ob.version += 1
        await ob.save()
        await second.save()
        await audit.record(
            principal,
            "obligation.split",
            "obligation",
            ob.id,
            before,
            {"first": snapshot(ob) | {"start": ob.start, "end": ob.end}, "second": second.id},
        )
    first = await Obligation.get(id=ob.id).prefetch_related("owner")
    return first, await Obligation.get(id=second.id).prefetch_related("owner")


async def merge_obligations(principal: Principal, obligation_id: int, other_id: int) -> Obligation:
    """Merge two rows of one document into the first: its span covers both; the other is rejected with a
    note saying where it went."""
    _require_reviewer(principal)
    if obligation_id == other_id:
        raise _invalid("other_id", "same row", "A row cannot be merged with itself.")
    async with in_transaction():
        ob = await _editable(principal, obligation_id)
        other = await _editable(principal, other_id)
        if other.document_id != ob.document_id:
            raise _invalid("other_id", "another document", "Only rows of the same document can be merged.")
        text = (await Document.get(id=ob.document_id)).text or ""
        before = snapshot(ob) | {"start": ob.start, "end": ob.end}
        ob.start, ob.end, ob.quote = _span(text, min(ob.start, other.start), max(ob.end, other.end))
        ob.action = ob.quote[:2000]
        if ob.amount is None and other.amount is not None:
            ob.amount, ob.currency, ob.amount_text = other.amount, other.currency, other.amount_text
        if ob.deadline_kind == "none" and other.deadline_kind != "none":
            for key in (
                "deadline_kind", "deadline_text", "nominal_date", "due_date", "due_provisional",
                "offset_value", "offset_unit", "anchor", "anchor_text", "recurrence",
            ):  # fmt: skip
                setattr(ob, key, getattr(other, key))
        ob.version += 1
        await ob.save()
        other_before = snapshot(other)
        other.review_status = ReviewStatus.REJECTED
        other.state_reason = f"merged into #{ob.id}"
        other.reviewed_by_id = principal.user_id
        other.reviewed_at = datetime.now(UTC)
        other.version += 1
        await other.save()
        await audit.record(
            principal, "obligation.merged", "obligation", ob.id, before, snapshot(ob) | {"merged": other.id}
        )
        await audit.record(principal, "obligation.rejected", "obligation", other.id, other_before, snapshot(other))
    return await Obligation.get(id=ob.id).prefetch_related("owner")

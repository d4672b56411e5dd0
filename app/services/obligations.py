"""Reviewing extracted obligations (confirm, edit, reject) and recording their fulfilment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

import extractors
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.models import (
    AgreementEvent,
    FulfilmentEvidence,
    Obligation,
    PartyRole,
    Role,
)
from app.security import Principal
from app.services import audit, listings
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


def visible_obligations(principal: Principal) -> Q:
    return Q(owner__path__startswith=principal.scope_path)


def visible_agreements(principal: Principal) -> Q:
    """Agreements the caller sees: owned inside the scope; departments also those holding their obligations
    (filter with ``.distinct()``: the obligation join repeats rows)."""
    if principal.role == Role.DEPARTMENT:
        return Q(owning_department__path__startswith=principal.scope_path) | Q(
            obligations__owner__path__startswith=principal.scope_path
        )
    return Q(owning_department__path__startswith=principal.scope_path)


@dataclass(frozen=True, slots=True)
class ObligationFilter:
    review_status: ReviewStatus | None = None
    state: ObligationState | None = None
    agreement_id: int | None = None
    document_id: int | None = None
    obligor_role: PartyRole | None = None
    due_before: date | None = None
    due_after: date | None = None


async def list_obligations(
    principal: Principal, flt: ObligationFilter, limit: int, offset: int
) -> tuple[list[Obligation], int]:
    """The reviewers' list: the same query as the evaluators' filtered lists (``app.services.listings``)."""
    query = listings.ObligationQuery(
        agreement_id=flt.agreement_id,
        document_id=flt.document_id,
        state=flt.state,
        review_status=flt.review_status,
        obligor_role=flt.obligor_role,
        due_from=flt.due_after,
        due_to=flt.due_before,
    )
    return await listings.list_obligations(principal.scope_path, query, limit, offset)


async def get_obligation(principal: Principal, obligation_id: int) -> Obligation:
    obligation = (
        await Obligation.filter(visible_obligations(principal), id=obligation_id).prefetch_related("owner").first()
    )
    if obligation is None:
        raise NotFound(f"Obligation {obligation_id} does not exist or is not visible to you.")
    return obligation


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


async def review(
    principal: Principal, ids: list[int], decision: ReviewStatus, edit: ObligationEdit | None = None
) -> list[Obligation]:
    """Confirm, reject or edit (keeping the review status) a set of proposed or confirmed obligations."""
    if principal.role not in REVIEW_ROLES:
        raise Forbidden("Only the investment and finance bureaus and administrators review obligations.")
    if not ids:
        raise InvalidInput("No obligation ids given.", errors=[{"key": "ids", "message": "empty"}])
    if edit and "owner_id" in edit.fields_set and edit.owner_id is not None:
        from app.models import Organisation

        owner = await Organisation.get_or_none(id=edit.owner_id, path__startswith=principal.scope_path)
        if owner is None:
            raise InvalidInput(
                f"Organisation {edit.owner_id} does not exist or is outside your scope.",
                errors=[{"key": "owner_id", "message": "not in scope"}],
            )
    async with in_transaction():
        rows = await Obligation.filter(visible_obligations(principal), id__in=ids).select_for_update()
        found = {r.id for r in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(f"Obligations {missing} do not exist or are not visible to you.")
        now = datetime.now(UTC)
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
        if decision == ReviewStatus.CONFIRMED:
            from app import clock
            from app.services.tracking import generate_instances

            until = clock.today() + timedelta(days=366)
            for ob in rows:
                if ob.recurrence:
                    await generate_instances(ob, until)
    return await Obligation.filter(id__in=ids).order_by("id").prefetch_related("owner")


def _apply_edit(ob: Obligation, edit: ObligationEdit) -> None:
    fs = edit.fields_set
    if "obligor_name" in fs:
        ob.obligor_name = edit.obligor_name
    if "obligor_role" in fs and edit.obligor_role:
        ob.obligor_role = edit.obligor_role
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
        ob = await Obligation.filter(visible_obligations(principal), id=obligation_id).select_for_update().first()
        if ob is None:
            raise NotFound(f"Obligation {obligation_id} does not exist or is not visible to you.")
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


async def record_event(
    principal: Principal,
    agreement_id: int,
    kind: str,
    occurred_on: date,
    description: str,
    anchor_texts: list[str] | None = None,
) -> tuple[AgreementEvent, int]:
    """Record an event (e.g. land handed over) and give every obligation anchored on it its date.

    An obligation is anchored on the event when its ``anchor_text`` contains the event's description or
    one of ``anchor_texts`` (e.g. "土地交付"); kind ``signing``/``effective`` resolves those anchors."""
    from app.models import Agreement

    agreement = await Agreement.filter(
        id=agreement_id, owning_department__path__startswith=principal.scope_path
    ).first()
    if agreement is None:
        raise NotFound(f"Agreement {agreement_id} does not exist or is not visible to you.")
    kind = kind.strip()
    if not kind:
        raise InvalidInput("The event needs a kind.", errors=[{"key": "kind", "message": "required"}])
    async with in_transaction():
        event = await AgreementEvent.create(
            agreement=agreement,
            kind=kind,
            description=description,
            occurred_on=occurred_on,
            recorded_by_id=principal.user_id,
        )
        needles = [t for t in [description, *(anchor_texts or [])] if t.strip()]
        query = Obligation.filter(
            agreement=agreement, deadline_kind="relative", due_date=None, offset_unit__in=ANCHORED_UNITS
        )
        if kind in ("signing", "effective"):
            query = query.filter(anchor=kind)
        candidates = await query
        resolved = 0
        for ob in candidates:
            text = ob.anchor_text or ""
            if kind not in ("signing", "effective") and not any(n in text or text in n for n in needles if text):
                continue
            if ob.offset_value is None or ob.offset_unit is None or ob.offset_value < 0:
                continue
            before = snapshot(ob)
            due = resolve_due(occurred_on, ob.offset_value, ob.offset_unit)  # type: ignore[arg-type]
            ob.nominal_date = due.nominal if ob.offset_unit != "workday" else None
            ob.due_date, ob.due_provisional = due.date, due.provisional
            await ob.save(update_fields=["nominal_date", "due_date", "due_provisional", "updated_at"])
            await audit.record(principal, "obligation.anchor_resolved", "obligation", ob.id, before, snapshot(ob))
            resolved += 1
        await audit.record(
            principal,
            "agreement.event",
            "agreement",
            agreement.id,
            None,
            {"event": event.id, "kind": kind, "occurred_on": occurred_on, "resolved": resolved},
        )
    return event, resolved

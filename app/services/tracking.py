"""Tracking confirmed obligations: waive, amend, suspend, resume; provisional dates; early warnings.
Fulfilment and review live in ``app.services.obligations``, recurring instances in ``app.services.recurring``,
the sweep in ``app.services.sweep``.

Every transition is one explicit function: it loads the obligation within the caller's scope (404
otherwise), asks ``trackers.lifecycle.apply`` whether the caller's role may cause the event in this state
(403/409 from the trackers' errors), writes the change and its audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.errors import Conflict, InvalidInput
from app.models import Obligation, ObligationWarning
from app.security import Principal
from app.services import audit
from app.services.obligations import snapshot
from app.services.recurring import next_ordinal
from app.services.scope import get_in_scope
from trackers import ActorRole, ObligationEvent, ObligationState, ReviewStatus
from trackers import apply as apply_event
from trackers.calendar import WorkCalendar, default_calendar, effective_due, re_resolve


class SuspensionGround(StrEnum):
    CONDITION_PRECEDENT = "condition_precedent"  # 先决条件未成就
    FORCE_MAJEURE = "force_majeure"  # 不可抗力通知


async def _locked(principal: Principal, obligation_id: int) -> Obligation:
    ob = await get_in_scope(Obligation, obligation_id, principal, lock=True)
    if ob.review_status != ReviewStatus.CONFIRMED:
        raise Conflict("Only confirmed obligations are tracked; confirm it first.", obligation=obligation_id)
    return ob


def _role(principal: Principal) -> ActorRole:
    return ActorRole(principal.role.value)


async def _transition(
    principal: Principal, obligation_id: int, event: ObligationEvent, reason: str, **changes: Any
) -> Obligation:
    if not reason.strip():
        raise InvalidInput(f"{event} needs a reason.", errors=[{"key": "reason", "message": "required"}])
    async with in_transaction():
        ob = await _locked(principal, obligation_id)
        before = snapshot(ob)
        ob.state = apply_event(ObligationState(ob.state), event, actor_role=_role(principal))
        ob.state_reason = reason.strip()
        for name, value in changes.items():
            setattr(ob, name, value)
        ob.version = F("version") + 1  # type: ignore[assignment]
        await ob.save()
        await ob.refresh_from_db()
        after = snapshot(ob) | {"reason": ob.state_reason}
        await audit.record(principal, f"obligation.{event}", "obligation", ob.id, before, after)
    return await Obligation.get(id=ob.id).prefetch_related("owner")


async def waive(principal: Principal, obligation_id: int, reason: str) -> Obligation:
    """The obligee released the obligor (waived): no longer tracked, history kept; ``reopen`` undoes it."""
    return await _transition(principal, obligation_id, ObligationEvent.WAIVE, reason)


async def suspend(principal: Principal, obligation_id: int, ground: SuspensionGround, note: str) -> Obligation:
    """Suspended while a condition precedent is unmet or a force-majeure notice is in force: the sweep
    leaves it alone until ``resume``."""
    return await _transition(principal, obligation_id, ObligationEvent.SUSPEND, f"{ground}: {note}".strip())


async def resume(principal: Principal, obligation_id: int, note: str, nominal_date: date | None = None) -> Obligation:
    """Back to pending (the next sweep classifies it again), optionally with a new deadline — e.g. extended
    by the force-majeure period."""
    changes: dict[str, Any] = {}
    if nominal_date is not None:
        due = effective_due(nominal_date)
        changes = {"nominal_date": nominal_date, "due_date": due.date, "due_provisional": due.provisional}
    return await _transition(principal, obligation_id, ObligationEvent.RESUME, note or "resumed", **changes)


async def reopen(principal: Principal, obligation_id: int, reason: str) -> Obligation:
    """A waived or fulfilled obligation is tracked again (evidence found wanting, waiver revoked)."""
    return await _transition(
        principal, obligation_id, ObligationEvent.REOPEN, reason, fulfilled_on=None, amount_fulfilled=Decimal(0)
    )


@dataclass(frozen=True, slots=True)
class Amendment:
    """What a signed supplement (补充协议) changes; unset fields are carried over from the old obligation."""

    supplement: str  # the supplement's title or number and date: why the obligation changed
    action: str | None = None
    quote: str | None = None
    amount: Decimal | None = None
    nominal_date: date | None = None
    clear_deadline: bool = False


async def amend(principal: Principal, obligation_id: int, amendment: Amendment) -> tuple[Obligation, Obligation]:
    """Replace an obligation by a signed supplement: the old one becomes ``amended`` (kept, with its
    history); a new confirmed obligation ``supersedes`` it with the changed terms. Returns (old, new)."""
    if not amendment.supplement.strip():
        raise InvalidInput(
            "An amendment needs the signed supplement it comes from.",
            errors=[{"key": "supplement", "message": "required"}],
        )
    if amendment.amount is not None and amendment.amount < 0:
        raise InvalidInput("An amount cannot be negative.", errors=[{"key": "amount", "message": "negative"}])
    async with in_transaction():
        old = await _locked(principal, obligation_id)
        before = snapshot(old)
        old.state = apply_event(ObligationState(old.state), ObligationEvent.AMEND, actor_role=_role(principal))
        old.state_reason = amendment.supplement.strip()
        old.version = F("version") + 1  # type: ignore[assignment]
        await old.save()
        await old.refresh_from_db()
        nominal = None if amendment.clear_deadline else (amendment.nominal_date or old.nominal_date)
        due = effective_due(nominal) if nominal else None
        keep_due = nominal is None and not amendment.clear_deadline  # e.g. a working-day deadline
        new = await Obligation.create(
            agreement_id=old.agreement_id,
            document_id=old.document_id,
            ordinal=await next_ordinal(old.agreement_id),
            page=old.page,
            start=old.start,
            end=old.end,
            quote=amendment.quote or old.quote,
            obligor_label=old.obligor_label,
            obligor_name=old.obligor_name,
            obligor_role=old.obligor_role,
            responsible=old.responsible,
            owner_id=old.owner_id,
            category=old.category,
            action=amendment.action if amendment.action is not None else old.action,
            amount=amendment.amount if amendment.amount is not None else old.amount,
            currency=old.currency or ("CNY" if amendment.amount is not None else None),
            amount_text=old.amount_text if amendment.amount is None else None,
            deadline_kind=("none" if amendment.clear_deadline else "absolute" if nominal else old.deadline_kind),
            deadline_text=old.deadline_text if amendment.nominal_date is None else None,
            nominal_date=nominal,
            due_date=due.date if due else (old.due_date if keep_due else None),
            due_provisional=due.provisional if due else (old.due_provisional if keep_due else False),
            recurrence=old.recurrence,
            conditions=old.conditions,
            penalty=old.penalty,
            confidence=1.0,
            review_status=ReviewStatus.CONFIRMED,
            state=ObligationState.PENDING,
            reviewed_by_id=principal.user_id,
            supersedes=old,
            state_reason=f"amends #{old.id}: {amendment.supplement.strip()}",
        )
        await audit.record(
            principal, "obligation.amend", "obligation", old.id, before, snapshot(old) | {"superseded_by": new.id}
        )
        await audit.record(
            principal, "obligation.create", "obligation", new.id, None, snapshot(new) | {"supersedes": old.id}
        )
    return (
        await Obligation.get(id=old.id).prefetch_related("owner"),
        await Obligation.get(id=new.id).prefetch_related("owner"),
    )


# ---- provisional due dates -------------------------------------------------------------------------------


async def recalendar(calendar: WorkCalendar | None = None) -> dict[str, int]:
    """Re-resolve every provisional due date with the current calendar (after the State Council published
    the next year's arrangement). One UPDATE per distinct nominal date, not per row."""
    cal = calendar or default_calendar()
    nominals: list[date] = list(
        await Obligation.filter(due_provisional=True, nominal_date__isnull=False)
        .distinct()
        .values_list("nominal_date", flat=True)  # type: ignore[arg-type]
    )
    changed = settled = 0
    async with in_transaction():
        for nominal in sorted(set(nominals)):
            due = re_resolve(nominal, cal)
            query = Obligation.filter(due_provisional=True, nominal_date=nominal)
            changed += await query.filter(due_date__not=due.date).count()
            count = await query.update(due_date=due.date, due_provisional=due.provisional)
            settled += count if not due.provisional else 0
        if changed or settled:
            await audit.record(
                None, "obligation.recalendar", "obligation", None, None, {"moved": changed, "settled": settled}
            )
    return {"dates": len(set(nominals)), "moved": changed, "settled": settled}


# ---- warnings --------------------------------------------------------------------------------------------


async def list_warnings(
    principal: Principal,
    issued_from: date | None,
    issued_until: date | None,
    window_days: int | None,
    limit: int,
    offset: int,
) -> tuple[list[ObligationWarning], int]:
    query = ObligationWarning.filter(obligation__owner__path__startswith=principal.scope_path)
    if issued_from:
        query = query.filter(issued_on__gte=issued_from)
    if issued_until:
        query = query.filter(issued_on__lte=issued_until)
    if window_days is not None:
        query = query.filter(window_days=window_days)
    total = await query.count()
    rows = await query.order_by("-issued_on", "due_date", "id").offset(offset).limit(limit).select_related("obligation")
    return rows, total

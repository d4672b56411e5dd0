"""Integrity-failure records through the 1103号 procedure: verification, rectification, finding, objection,
publication and credit repair — explicit service functions over ``trackers.failures.apply_failure``.

Who may act (checked by ``apply_failure``):

* the credit office (``admin``), acting as the superior/competent department: verify, dismiss, order
  rectification, find, uphold or reject an objection, repair; it may also act for the recorded body;
* the recorded body — a user of the record's organisation or an organisation above it
  (``investment``, ``finance``, ``department`` whose own organisation path covers the record's): rectify,
  refuse rectification, object;
* evaluators: nothing; the sweep: missed rectification deadlines (``sweep_failures``).

Records outside the caller's scope answer 404. Publication windows are stored on the record
(``published_from`` ≤ day < ``published_until``) whenever its state changes, so the public endpoint is
one indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.errors import Conflict, InvalidInput
from app.models import FailureKind, IntegrityFailure, Obligation, Organisation, Role
from app.security import Principal
from app.services import audit, listings, notifications
from app.services.scope import get_in_scope, owned_within
from trackers import ActorRole
from trackers.failures import (
    COUNTING_STATES,
    ESCALATION,
    FailureEvent,
    FailureFacts,
    FailurePolicy,
    FailureSource,
    FailureState,
    ObjectionReason,
    RecordFacts,
    Severity,
    apply_failure,
    plan_failure_sweep,
    publication,
    publication_window,
    severity,
    severity_after,
)

BODY_ROLES = frozenset({Role.INVESTMENT, Role.FINANCE, Role.DEPARTMENT})
MANUAL_SOURCES = frozenset(FailureSource) - {FailureSource.SWEEP}
# steps announced as ``decision`` (the others notify as orders and findings, in their functions below)
DECISION_NOTICES = frozenset(FailureEvent) - {
    FailureEvent.ORDER_RECTIFICATION,
    FailureEvent.REFUSE_RECTIFICATION,
    FailureEvent.FIND,
    FailureEvent.MISS_RECTIFICATION_DEADLINE,
}


def failure_snapshot(f: IntegrityFailure) -> dict[str, Any]:
    return {
        "state": f.state,
        "severity": f.severity,
        "rectification_plan": f.rectification_plan,
        "rectification_deadline": f.rectification_deadline,
        "rectified_on": f.rectified_on,
        "found_on": f.found_on,
        "objection_reason": f.objection_reason,
        "objection_rejected_on": f.objection_rejected_on,
        "repaired_on": f.repaired_on,
        "published_from": f.published_from,
        "published_until": f.published_until,
        "decision_note": f.decision_note,  # the reasons or report given with this step
    }


async def get_failure(principal: Principal, failure_id: int) -> IntegrityFailure:
    return await get_in_scope(IntegrityFailure, failure_id, principal)


def is_responsible(principal: Principal, organisation: Organisation) -> bool:
    """The caller answers for records of ``organisation``: a body role of it or of an organisation above it."""
    return principal.role in BODY_ROLES and organisation.path.startswith(principal.organisation_path)


def record_facts(f: IntegrityFailure) -> RecordFacts:
    """The stored facts the state machine's guards read (``available_failure_events``, ``next_actors``)."""
    return RecordFacts(
        severity=f.severity,
        found_on=f.found_on,
        rectification_deadline=f.rectification_deadline,
        rectified_on=f.rectified_on,
        objection_reason=f.objection_reason,
        objected_on=f.objected_on,
    )


def _publication(f: IntegrityFailure, policy: FailurePolicy) -> tuple[date | None, date | None]:
    state = f.state
    facts = FailureFacts(state, f.severity, f.found_on, f.objection_rejected_on)
    window = publication(facts, policy) if state in COUNTING_STATES else None
    if window is None or window[0] == window[1]:
        return None, None
    return window


@dataclass(frozen=True, slots=True)
class Facts:
    """What a decision carries; only the fields the event needs are read."""

    note: str = ""
    rectification_plan: str | None = None
    rectification_deadline: date | None = None
    rectified_on: date | None = None
    objection_reason: ObjectionReason | None = None


async def _transition(
    principal: Principal,
    failure_id: int,
    event: FailureEvent,
    today: date,
    policy: FailurePolicy,
    facts: Facts | None = None,
) -> IntegrityFailure:
    facts = facts or Facts()
    async with in_transaction():
        f = await get_in_scope(IntegrityFailure, failure_id, principal, lock=True)
        responsible = is_responsible(principal, await Organisation.get(id=f.organisation_id))
        old = f.state
        current_severity = f.severity
        objection = (
            facts.objection_reason
            if event == FailureEvent.OBJECT
            else f.objection_reason
            if f.objection_reason and event == FailureEvent.UPHOLD_OBJECTION
            else None
        )
        new = apply_failure(
            old,
            event,
            actor_role=ActorRole(principal.role.value),
            today=today,
            responsible=responsible,
            severity=current_severity,
            found_on=f.found_on,
            rectification_deadline=(
                facts.rectification_deadline if event == FailureEvent.ORDER_RECTIFICATION else f.rectification_deadline
            ),
            rectification_plan=facts.rectification_plan,
            rectified_on=f.rectified_on,
            objection_reason=objection,
            objected_on=f.objected_on,
            policy=policy,
        )
        before = failure_snapshot(f)
        f.state = new
        f.severity = severity_after(old, new, current_severity)
        if event == FailureEvent.ORDER_RECTIFICATION:
            f.rectification_plan = facts.rectification_plan  # type: ignore[assignment]
            f.rectification_deadline = facts.rectification_deadline
        if event == FailureEvent.RECTIFY:
            rectified_on = facts.rectified_on or today
            if rectified_on > today:
                raise InvalidInput(
                    "A rectification cannot be dated in the future.",
                    errors=[{"key": "rectified_on", "message": "after today"}],
                )
            f.rectified_on = rectified_on
        if new in (FailureState.FOUND, FailureState.FOUND_RECTIFIED) and f.found_on is None:
            f.found_on = today  # the finding (认定) day: reached by find, refusal or late rectification
        if event == FailureEvent.OBJECT:
            f.objection_reason = facts.objection_reason  # type: ignore[assignment]
            f.objection_note = facts.note or None  # type: ignore[assignment]
            f.objected_on = today
        if event == FailureEvent.REJECT_OBJECTION:
            f.objection_rejected_on = today
        if event == FailureEvent.REPAIR:
            f.repaired_on = today
        if facts.note and event != FailureEvent.OBJECT:
            f.decision_note = facts.note
        if event == FailureEvent.REPAIR and f.published_from and f.published_from <= today:
            f.published_until = min(f.published_until or today, today)  # was public until today: history
        else:
            f.published_from, f.published_until = _publication(f, policy)
        await f.save()
        await audit.record(principal, f"failure.{event}", "integrity_failure", f.id, before, failure_snapshot(f))
    if event in DECISION_NOTICES:
        await notifications.notify_failure_step(f.id, str(event))  # committed: the jobs see the row
    return f


async def verify(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, note: str = ""
) -> IntegrityFailure:
    """核实: the superior/competent department confirms the facts."""
    return await _transition(principal, failure_id, FailureEvent.VERIFY, today, policy, Facts(note=note))


async def dismiss(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, note: str
) -> IntegrityFailure:
    """Verification found no failure: closed, kept in history."""
    if not note.strip():
        raise InvalidInput("A dismissal needs its reasons.", errors=[{"key": "note", "message": "required"}])
    return await _transition(principal, failure_id, FailureEvent.DISMISS, today, policy, Facts(note=note))


async def order_rectification(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, plan: str, deadline: date
) -> IntegrityFailure:
    """整改: a rectification plan and a deadline after today."""
    facts = Facts(rectification_plan=plan.strip() or None, rectification_deadline=deadline)
    f = await _transition(principal, failure_id, FailureEvent.ORDER_RECTIFICATION, today, policy, facts)
    await notifications.notify_failure_step(f.id, "rectification_ordered")  # committed: the jobs see the row
    return f


async def rectify(
    principal: Principal,
    failure_id: int,
    today: date,
    policy: FailurePolicy,
    note: str,
    rectified_on: date | None = None,
) -> IntegrityFailure:
    """The body corrected the failure: on time → rectified (closed, never published); after the deadline or
    after a finding → found_rectified (still counts, at half weight, until repaired)."""
    facts = Facts(note=note, rectified_on=rectified_on)
    return await _transition(principal, failure_id, FailureEvent.RECTIFY, today, policy, facts)


async def refuse(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, note: str = ""
) -> IntegrityFailure:
    """The body refuses to rectify: a finding with escalated severity."""
    f = await _transition(principal, failure_id, FailureEvent.REFUSE_RECTIFICATION, today, policy, Facts(note=note))
    await notifications.notify_failure_step(f.id, "found")  # a refusal is a finding (1103号)
    return f


async def find(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, note: str = ""
) -> IntegrityFailure:
    """认定: the finding proper; publication starts after the objection period."""
    f = await _transition(principal, failure_id, FailureEvent.FIND, today, policy, Facts(note=note))
    await notifications.notify_failure_step(f.id, "found")  # committed: the jobs see the row
    return f


async def object_to(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, reason: ObjectionReason, note: str
) -> IntegrityFailure:
    """异议 by the recorded body within the objection period. A change of government or of officials is
    never a reason (422 ``inadmissible_objection``)."""
    facts = Facts(note=note, objection_reason=reason)
    return await _transition(principal, failure_id, FailureEvent.OBJECT, today, policy, facts)


async def uphold_objection(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, note: str = ""
) -> IntegrityFailure:
    """The objection holds: the record is withdrawn (kept in history, never public)."""
    return await _transition(principal, failure_id, FailureEvent.UPHOLD_OBJECTION, today, policy, Facts(note=note))


async def reject_objection(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, note: str = ""
) -> IntegrityFailure:
    """The record stands; published from the day after the rejection."""
    return await _transition(principal, failure_id, FailureEvent.REJECT_OBJECTION, today, policy, Facts(note=note))


async def repair(
    principal: Principal, failure_id: int, today: date, policy: FailurePolicy, note: str = ""
) -> IntegrityFailure:
    """信用修复 after rectification and the minimum period: stops counting and publication ends."""
    return await _transition(principal, failure_id, FailureEvent.REPAIR, today, policy, Facts(note=note))


@dataclass(frozen=True, slots=True)
class ManualFailure:
    """A failure from outside the sweep: an unperformed court judgment, an administrative penalty, a
    disciplinary sanction, a complaint (12345 hotline, letters), an inspection finding."""

    organisation_id: int
    source: FailureSource
    clause: str  # what was promised or decided, as written
    due_date: date  # when it should have been performed
    source_reference: str | None = None  # case number, ticket number, decision number
    promised_to: str | None = None
    amount_outstanding: Decimal | None = None
    severity: Severity | None = None  # None: by amount, delay and repetition
    obligation_id: int | None = None


async def record_manual(
    principal: Principal, data: ManualFailure, today: date, policy: FailurePolicy
) -> IntegrityFailure:
    if data.source not in MANUAL_SOURCES:
        raise InvalidInput(
            f"Source {data.source!r} is recorded by the sweep, not by hand.",
            errors=[{"key": "source", "message": "not a manual source"}],
        )
    if not data.clause.strip():
        raise InvalidInput("Say what was promised or decided.", errors=[{"key": "clause", "message": "required"}])
    if data.due_date > today:
        raise InvalidInput("A failure cannot be due in the future.", errors=[{"key": "due_date", "message": "future"}])
    org = await get_in_scope(Organisation, data.organisation_id, principal)
    obligation = None
    if data.obligation_id is not None:  # one the scope owns (not merely one of the agreements it manages)
        scope = owned_within("owner", principal)
        obligation = await get_in_scope(Obligation, data.obligation_id, principal, scope=scope)
    async with in_transaction():
        if (
            obligation
            and await IntegrityFailure.filter(obligation_id=obligation.id, kind=FailureKind.GOVERNMENT_BREACH).exists()
        ):
            raise Conflict(f"Obligation {obligation.id} already has a failure record.", obligation=obligation.id)
        days_late = (today - data.due_date).days
        prior = await IntegrityFailure.filter(
            organisation_id=org.id,
            kind=FailureKind.GOVERNMENT_BREACH,
            state__in=[str(s) for s in COUNTING_STATES],
            found_on__gte=policy.thresholds.prior_since(today),
        ).count()
        sev = data.severity or severity(data.amount_outstanding or Decimal(0), days_late, prior, policy.thresholds)
        f = await IntegrityFailure.create(
            kind=FailureKind.GOVERNMENT_BREACH,
            obligation=obligation,
            organisation=org,
            obligor_name=org.name,
            promised_to=data.promised_to,
            state=FailureState.DETECTED,
            severity=sev,
            source=data.source,
            source_reference=data.source_reference,
            due_date=data.due_date,
            detected_on=today,
            days_late=days_late,
            amount_outstanding=data.amount_outstanding,
            clause=data.clause.strip(),
            recorded_by_id=principal.user_id,
        )
        await audit.record(principal, "failure.record", "integrity_failure", f.id, None, failure_snapshot(f))
    await notifications.notify_failure_step(f.id, "recorded")  # committed: the jobs see the row
    return f


# ---- the sweep's part ------------------------------------------------------------------------------------


async def sweep_failures(as_of: date, policy: FailurePolicy | None = None) -> int:
    """Missed rectification deadlines become findings with escalated severity — one UPDATE per current
    severity (three at most), each record's change written to the audit log in one bulk insert.
    Publication windows are constants per new severity, so they are set in the same statements."""
    policy = policy or FailurePolicy()
    plan = plan_failure_sweep(as_of)
    total = 0
    async with in_transaction():
        due = IntegrityFailure.filter(
            state=FailureState.RECTIFICATION_ORDERED, rectification_deadline__lt=plan.deadline_before
        )
        rows = await due.values("id", "severity", "rectification_deadline")
        if not rows:
            return 0
        found_facts = FailureFacts(FailureState.FOUND, Severity.GENERAL, as_of)
        start = publication(found_facts, policy)
        assert start is not None
        for old in Severity:
            new = plan.escalation[old]
            window = publication_window(new, start[0], policy)
            published = (None, None) if window[0] == window[1] else window
            total += await due.filter(severity=old).update(
                state=FailureState.FOUND,
                severity=new,
                found_on=as_of,
                published_from=published[0],
                published_until=published[1],
            )
        await audit.record_many(
            [
                audit.Entry(
                    None,
                    f"failure.{FailureEvent.MISS_RECTIFICATION_DEADLINE}",
                    "integrity_failure",
                    r["id"],
                    {"state": FailureState.RECTIFICATION_ORDERED, "severity": r["severity"]}
                    | {"rectification_deadline": r["rectification_deadline"]},
                    {
                        "state": FailureState.FOUND,
                        "severity": ESCALATION[Severity(r["severity"])],
                        "found_on": as_of,
                    },
                )
                for r in rows
            ]
        )
    return total


async def list_failures(
    principal: Principal, kind: FailureKind | None, limit: int, offset: int, columns: tuple[str, ...]
) -> tuple[list[dict[str, Any]], int]:
    """Records of bodies inside the caller's scope, newest first, as rows of ``columns`` (no models built:
    on a 50-row page that was a third of the time)."""
    query = IntegrityFailure.filter(owned_within("organisation", principal))
    if kind:
        query = query.filter(kind=kind)
    return await listings.rows_page(query, ("-detected_on", "-id"), limit, offset, columns)


async def published(today: date, q: str | None, limit: int, offset: int) -> tuple[list[IntegrityFailure], int]:
    """Government records public on ``today`` (``published_from`` ≤ today < ``published_until``), newest
    first, optionally searched by organisation name or clause — the public API and page read this."""
    query = IntegrityFailure.filter(
        kind=FailureKind.GOVERNMENT_BREACH, published_from__lte=today, published_until__gt=today
    ).select_related("organisation")
    if q:
        query = query.filter(Q(organisation__name__icontains=q) | Q(clause__icontains=q))
    total = await query.count()
    return list(await query.order_by("-published_from", "-id").offset(offset).limit(limit)), total

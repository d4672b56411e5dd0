"""Integrity-failure records (政务失信记录): their life, severity, publication and credit repair.

Following 发改财金〔2023〕1103号 (核实 → 整改 → 认定)::

    detected ──verify──▶ verified ──order_rectification──▶ rectification_ordered
      │                    │   (plan + deadline)              ├─rectify (on time)──▶ rectified (closed)
      └─dismiss─▶ dismissed├─rectify──▶ rectified             ├─rectify (late)──▶ found_rectified  ┐ severity
                           └─find──▶ found ◀──────────────────┼─refuse_rectification               │ escalates
                                      │  ▲                    └─miss_rectification_deadline (sweep)┘
                                      │  └──reject_objection──┐
                                      ├─object──▶ objected ───┴─uphold_objection──▶ withdrawn
                                      └─rectify──▶ found_rectified ──repair──▶ repaired

* ``detected`` — by the sweep (a breached government obligation) or a complaint (12345 hotline, letters,
  inspections, courts); ``dismissed`` if verification finds no failure.
* ``rectified`` — corrected within the rectification deadline: closed without a finding, never published.
* ``found`` (认定) — the record proper: counts against the body and is published (see below). Reached
  directly (``find``, e.g. an unperformed court judgment) or because rectification was refused or its
  deadline missed — then the severity escalates one step (``escalates(old, new)``).
* ``objected`` (异议) — within ``objection_days`` of the finding, with a reason code. A change of government
  or of officials (``GOVERNMENT_CHANGE``, ``OFFICIAL_CHANGE``) is never a valid reason: such an objection is
  refused outright (``InadmissibleObjection``). Upheld → ``withdrawn`` (kept in history, never public);
  rejected → back to ``found``, published from the day after the rejection.
* ``found_rectified`` — corrected after the finding; still counts (at half weight in scoring) and stays
  published until repaired. ``repair`` (信用修复) is possible once ``repair_eligible`` — after the minimum
  period from rectification — and ends publication; the record stays in history and stops counting.

Who may cause what: ``admin`` (the credit office, acting as the superior/competent department) verifies,
dismisses, orders rectification, finds, decides objections and repairs — and may act for the body; the
recorded body (``investment``, ``finance``, ``department`` with ``responsible=True``) rectifies, refuses
and objects; the sweep (``system``) records missed rectification deadlines; evaluators do nothing.

Defaults (``FailurePolicy()``), from the 2025 publication rules: objection period 15 days after the
finding; publication — minor: not published (at most 3 months when ``publish_minor``), general: 1 year
(the rules allow 3 months – 1 year), serious: 3 years (1 – 3 years); minimum period from rectification
before repair — minor: none, general: 3 months, serious: 1 year (the minimum publication periods).
Severity thresholds: see ``SeverityThresholds``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from trackers.calendar import add_months
from trackers.errors import (
    InadmissibleObjection,
    InvalidTransition,
    MissingFacts,
    NotPermitted,
    PeriodClosed,
    TooEarly,
    TransitionError,
)
from trackers.roles import ActorRole


class FailureState(StrEnum):
    DETECTED = "detected"
    DISMISSED = "dismissed"
    VERIFIED = "verified"
    RECTIFICATION_ORDERED = "rectification_ordered"
    RECTIFIED = "rectified"
    FOUND = "found"
    OBJECTED = "objected"
    WITHDRAWN = "withdrawn"
    FOUND_RECTIFIED = "found_rectified"
    REPAIRED = "repaired"


class FailureEvent(StrEnum):
    VERIFY = "verify"
    DISMISS = "dismiss"
    ORDER_RECTIFICATION = "order_rectification"
    RECTIFY = "rectify"
    REFUSE_RECTIFICATION = "refuse_rectification"
    MISS_RECTIFICATION_DEADLINE = "miss_rectification_deadline"
    FIND = "find"
    OBJECT = "object"
    UPHOLD_OBJECTION = "uphold_objection"
    REJECT_OBJECTION = "reject_objection"
    REPAIR = "repair"


class FailureSource(StrEnum):
    """How a failure was detected."""

    SWEEP = "sweep"  # a government obligation became breached
    HOTLINE_12345 = "hotline_12345"
    COMPLAINT = "complaint"  # letters and visits, online complaints, enterprise feedback
    INSPECTION = "inspection"  # supervision, audit, inspection findings
    COURT = "court"  # an unperformed judgment (失信被执行人)
    PENALTY = "penalty"  # an administrative penalty against the body
    SANCTION = "sanction"  # a disciplinary sanction (党纪政务处分) for a breach of integrity


class Severity(StrEnum):
    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"


class ObjectionReason(StrEnum):
    FACTS_INCORRECT = "facts_incorrect"  # the recorded facts are wrong
    ALREADY_PERFORMED = "already_performed"  # performed on time; evidence was missing
    WRONG_BODY = "wrong_body"  # another body is responsible
    COUNTERPARTY_DEFAULT = "counterparty_default"  # the counterparty's own breach excused performance
    FORCE_MAJEURE = "force_majeure"
    CONDITION_UNMET = "condition_unmet"  # a condition precedent was not met
    PROCEDURE = "procedure"  # the verification or finding broke procedure
    GOVERNMENT_CHANGE = "government_change"  # 政府换届 — never accepted
    OFFICIAL_CHANGE = "official_change"  # 相关责任人更替 — never accepted


INADMISSIBLE_REASONS = frozenset({ObjectionReason.GOVERNMENT_CHANGE, ObjectionReason.OFFICIAL_CHANGE})


def objection_admissible(reason: ObjectionReason) -> bool:
    """A change of government or officials is no excuse for a government's broken promise."""
    return reason not in INADMISSIBLE_REASONS


St, Ev = FailureState, FailureEvent

# ``rectify`` in rectification_ordered: the table gives the on-time target; late → found_rectified.
FAILURE_TRANSITIONS: Mapping[FailureState, Mapping[FailureEvent, FailureState]] = {
    St.DETECTED: {Ev.VERIFY: St.VERIFIED, Ev.DISMISS: St.DISMISSED},
    St.VERIFIED: {
        Ev.ORDER_RECTIFICATION: St.RECTIFICATION_ORDERED,
        Ev.FIND: St.FOUND,
        Ev.RECTIFY: St.RECTIFIED,
    },
    St.RECTIFICATION_ORDERED: {
        Ev.RECTIFY: St.RECTIFIED,
        Ev.REFUSE_RECTIFICATION: St.FOUND,
        Ev.MISS_RECTIFICATION_DEADLINE: St.FOUND,
    },
    St.FOUND: {Ev.OBJECT: St.OBJECTED, Ev.RECTIFY: St.FOUND_RECTIFIED},
    St.OBJECTED: {Ev.UPHOLD_OBJECTION: St.WITHDRAWN, Ev.REJECT_OBJECTION: St.FOUND},
    St.FOUND_RECTIFIED: {Ev.REPAIR: St.REPAIRED},
    St.DISMISSED: {},
    St.RECTIFIED: {},
    St.WITHDRAWN: {},
    St.REPAIRED: {},
}

ADJUDICATION_EVENTS = frozenset(
    {
        Ev.VERIFY,
        Ev.DISMISS,
        Ev.ORDER_RECTIFICATION,
        Ev.FIND,
        Ev.UPHOLD_OBJECTION,
        Ev.REJECT_OBJECTION,
        Ev.REPAIR,
    }
)
BODY_EVENTS = frozenset({Ev.RECTIFY, Ev.REFUSE_RECTIFICATION, Ev.OBJECT})
SYSTEM_EVENTS = frozenset({Ev.MISS_RECTIFICATION_DEADLINE})
_R = ActorRole
FAILURE_PERMISSIONS: Mapping[ActorRole, frozenset[FailureEvent]] = MappingProxyType(
    {
        _R.ADMIN: ADJUDICATION_EVENTS | BODY_EVENTS,
        _R.INVESTMENT: BODY_EVENTS,
        _R.FINANCE: BODY_EVENTS,
        _R.DEPARTMENT: BODY_EVENTS,
        _R.EVALUATOR: frozenset(),
        _R.SYSTEM: SYSTEM_EVENTS,
    }
)
_BODY_ROLES = frozenset({_R.INVESTMENT, _R.FINANCE, _R.DEPARTMENT})

FINDING_STATES = frozenset({St.FOUND, St.OBJECTED, St.FOUND_RECTIFIED})  # a finding exists
COUNTING_STATES = frozenset({St.FOUND, St.FOUND_RECTIFIED})  # count against the body (scoring)
CLOSED_STATES = frozenset(state for state, events in FAILURE_TRANSITIONS.items() if not events)

ESCALATION: Mapping[Severity, Severity] = MappingProxyType(
    {Severity.MINOR: Severity.GENERAL, Severity.GENERAL: Severity.SERIOUS, Severity.SERIOUS: Severity.SERIOUS}
)


def escalate(severity: Severity) -> Severity:
    """One step up (minor → general → serious), for a refused or missed rectification."""
    return ESCALATION[severity]


def escalates(old: FailureState, new: FailureState) -> bool:
    """True when a transition is a finding caused by refused or missed rectification: raise the severity."""
    return old == St.RECTIFICATION_ORDERED and new in FINDING_STATES


def severity_after(old: FailureState, new: FailureState, current: Severity) -> Severity:
    """The severity to store after a transition: escalated when ``escalates(old, new)``."""
    return escalate(current) if escalates(old, new) else current


@dataclass(frozen=True, slots=True)
class SeverityThresholds:
    """Reaching any "serious" threshold → serious; else any "general" one → general; else minor.

    Amounts are yuan outstanding; ``days_late`` counts from the effective due date; ``prior_failures`` are
    the body's findings still counting (not repaired) found in the last ``prior_years`` years
    (``prior_since``). The ladder (``levels``) is the one rule: ``severity`` walks it in Python and the
    sweep turns the same ladder into its SQL CASE."""

    general_amount: Decimal = Decimal(1_000_000)  # 100万元
    serious_amount: Decimal = Decimal(10_000_000)  # 1000万元
    general_days_late: int = 90
    serious_days_late: int = 365
    general_prior_failures: int = 1
    serious_prior_failures: int = 2
    prior_years: int = 3

    def levels(self) -> tuple[SeverityLevel, ...]:
        """The rungs from the most severe down; the first whose any threshold is reached applies."""
        return (
            SeverityLevel(Severity.SERIOUS, self.serious_amount, self.serious_days_late, self.serious_prior_failures),
            SeverityLevel(Severity.GENERAL, self.general_amount, self.general_days_late, self.general_prior_failures),
        )

    def prior_since(self, as_of: date) -> date:
        """Earliest finding day that still counts as a prior failure on ``as_of`` (same day, N years back)."""
        return add_months(as_of, -12 * self.prior_years)


@dataclass(frozen=True, slots=True)
class SeverityLevel:
    """One rung of the ladder: reaching the amount, the days late or the prior findings gives ``severity``."""

    severity: Severity
    amount: Decimal
    days_late: int
    prior_failures: int


def severity(
    amount_outstanding: Decimal | int,
    days_late: int,
    prior_failures: int,
    thresholds: SeverityThresholds | None = None,
) -> Severity:
    amount = Decimal(amount_outstanding)
    for level in (thresholds or SeverityThresholds()).levels():
        if amount >= level.amount or days_late >= level.days_late or prior_failures >= level.prior_failures:
            return level.severity
    return Severity.MINOR


def _default_publication_months() -> dict[Severity, int]:
    return {Severity.MINOR: 3, Severity.GENERAL: 12, Severity.SERIOUS: 36}


def _default_repair_months() -> dict[Severity, int]:
    return {Severity.MINOR: 0, Severity.GENERAL: 3, Severity.SERIOUS: 12}


@dataclass(frozen=True, slots=True)
class FailurePolicy:
    objection_days: int = 15  # calendar days after the finding day
    thresholds: SeverityThresholds = field(default_factory=SeverityThresholds)
    publish_minor: bool = False  # minor failures are normally not published
    publication_months: Mapping[Severity, int] = field(default_factory=_default_publication_months)
    repair_months: Mapping[Severity, int] = field(default_factory=_default_repair_months)


@dataclass(frozen=True, slots=True)
class FailureFacts:
    """What ``is_public`` and ``publication`` need from a stored record."""

    state: FailureState
    severity: Severity
    found_on: date | None = None  # the finding (认定) day
    objection_rejected_on: date | None = None


def publication_window(
    severity: Severity, published_on: date, policy: FailurePolicy | None = None
) -> tuple[date, date]:
    """``(start, end)`` — public on ``start <= day < end``. An empty window (start == end) for minor
    failures unless ``publish_minor``."""
    policy = policy or FailurePolicy()
    if severity == Severity.MINOR and not policy.publish_minor:
        return published_on, published_on
    return published_on, add_months(published_on, policy.publication_months[severity])


def publication_start(facts: FailureFacts, policy: FailurePolicy | None = None) -> date | None:
    """The day after the objection period ends unchallenged, or the day after an objection was rejected."""
    policy = policy or FailurePolicy()
    if facts.state not in COUNTING_STATES or facts.found_on is None:
        return None
    if facts.objection_rejected_on is not None:
        return facts.objection_rejected_on + timedelta(days=1)
    return facts.found_on + timedelta(days=policy.objection_days + 1)


def publication(facts: FailureFacts, policy: FailurePolicy | None = None) -> tuple[date, date] | None:
    """The window to store on the record (the app's SQL then tests ``start <= :today < end``); None when
    the record is not publishable in its state (detected … rectified, objected, withdrawn, repaired)."""
    start = publication_start(facts, policy)
    if start is None:
        return None
    return publication_window(facts.severity, start, policy)


def is_public(facts: FailureFacts, today: date, policy: FailurePolicy | None = None) -> bool:
    window = publication(facts, policy)
    return window is not None and window[0] <= today < window[1]


def objection_deadline(found_on: date, policy: FailurePolicy | None = None) -> date:
    """The last day an objection may be raised."""
    return found_on + timedelta(days=(policy or FailurePolicy()).objection_days)


def repair_opens_on(rectified_on: date, severity: Severity, policy: FailurePolicy | None = None) -> date:
    return add_months(rectified_on, (policy or FailurePolicy()).repair_months[severity])


def repair_eligible(
    rectified_on: date | None, today: date, severity: Severity, policy: FailurePolicy | None = None
) -> bool:
    """Rectified, and the minimum period since (minor: none, general: 3 months, serious: 1 year) passed."""
    return rectified_on is not None and today >= repair_opens_on(rectified_on, severity, policy)


def new_failure(source: FailureSource) -> FailureState:
    """Every record starts ``detected``, whatever the source (the source is stored alongside)."""
    del source
    return St.DETECTED


def allowed_failure_events(
    state: FailureState, actor_role: ActorRole, *, responsible: bool = False
) -> list[FailureEvent]:
    return [
        event
        for event in FailureEvent
        if event in FAILURE_TRANSITIONS[state] and _permitted(event, actor_role, responsible=responsible)
    ]


def _permitted(event: FailureEvent, actor_role: ActorRole, *, responsible: bool) -> bool:
    if event not in FAILURE_PERMISSIONS[actor_role]:
        return False
    return not (actor_role in _BODY_ROLES and not responsible)


def apply_failure(
    state: FailureState,
    event: FailureEvent,
    *,
    actor_role: ActorRole,
    today: date,
    responsible: bool = False,
    severity: Severity | None = None,
    found_on: date | None = None,
    rectification_deadline: date | None = None,
    rectification_plan: str | None = None,
    rectified_on: date | None = None,
    objection_reason: ObjectionReason | None = None,
    objected_on: date | None = None,
    policy: FailurePolicy | None = None,
) -> FailureState:
    """The record's state after ``event`` on ``today``. Facts needed by event:

    * ``order_rectification``: ``rectification_plan`` and a ``rectification_deadline`` after ``today``;
    * ``rectify`` (from rectification_ordered): ``rectification_deadline`` — after it, → found_rectified;
    * ``miss_rectification_deadline``: ``rectification_deadline`` before ``today``;
    * ``object``: ``objection_reason`` (admissible) and ``found_on`` (within ``objection_days``); a record
      has one objection — with ``objected_on`` set (an earlier one was decided) it is refused;
    * ``uphold_objection``: the ``objection_reason`` if known (an inadmissible one cannot be upheld);
    * ``repair``: ``rectified_on`` and ``severity``, and ``repair_eligible`` on ``today``.

    Raises NotPermitted, InvalidTransition, MissingFacts, InadmissibleObjection, PeriodClosed, TooEarly."""
    ctx = {"state": state, "event": event, "actor_role": actor_role}
    if not _permitted(event, actor_role, responsible=responsible):
        why = "only for its own organisation's records" if event in FAILURE_PERMISSIONS[actor_role] else "never"
        raise NotPermitted(f"{actor_role} may {why} cause {event}", **ctx)
    target = FAILURE_TRANSITIONS[state].get(event)
    if target is None:
        raise InvalidTransition(f"a record that is {state} cannot {event}", **ctx)

    def need(**facts: object) -> None:
        missing = tuple(name for name, value in facts.items() if value is None or value == "")
        if missing:
            raise MissingFacts(f"{event} needs {', '.join(missing)}", missing=missing, **ctx)

    if event == Ev.ORDER_RECTIFICATION:
        need(rectification_plan=rectification_plan, rectification_deadline=rectification_deadline)
        assert rectification_deadline is not None
        if rectification_deadline <= today:
            raise InvalidTransition(f"a rectification deadline must be after {today}", **ctx)
    elif event == Ev.RECTIFY and state == St.RECTIFICATION_ORDERED:
        need(rectification_deadline=rectification_deadline)
        assert rectification_deadline is not None
        if today > rectification_deadline:
            return St.FOUND_RECTIFIED
    elif event == Ev.MISS_RECTIFICATION_DEADLINE:
        need(rectification_deadline=rectification_deadline)
        assert rectification_deadline is not None
        if today <= rectification_deadline:
            raise TooEarly(
                f"the rectification deadline {rectification_deadline} has not passed",
                opens_on=rectification_deadline + timedelta(days=1),
                **ctx,
            )
    elif event in (Ev.OBJECT, Ev.UPHOLD_OBJECTION):
        if event == Ev.OBJECT:
            need(objection_reason=objection_reason, found_on=found_on)
        if objection_reason is not None and not objection_admissible(objection_reason):
            raise InadmissibleObjection(
                "a change of government or of officials is no excuse for a broken promise",
                objection_reason=objection_reason,
                **ctx,
            )
        if event == Ev.OBJECT:
            assert found_on is not None
            if objected_on is not None:
                raise InvalidTransition(f"an objection was already raised on {objected_on}", **ctx)
            closes = objection_deadline(found_on, policy)
            if today > closes:
                raise PeriodClosed(f"the objection period ended on {closes}", closed_on=closes, **ctx)
    elif event == Ev.REPAIR:
        need(rectified_on=rectified_on, severity=severity)
        assert rectified_on is not None
        assert severity is not None
        if not repair_eligible(rectified_on, today, severity, policy):
            opens = repair_opens_on(rectified_on, severity, policy)
            raise TooEarly(f"credit repair is possible from {opens}", opens_on=opens, **ctx)
    return target


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What ``apply_failure``'s guards read from a stored record (not from a form)."""

    severity: Severity = Severity.GENERAL
    found_on: date | None = None
    rectification_deadline: date | None = None
    rectified_on: date | None = None
    objection_reason: ObjectionReason | None = None
    objected_on: date | None = None


FORM_OBJECTION = ObjectionReason.FACTS_INCORRECT  # any admissible reason: the form asks for the real one


def available_failure_events(
    state: FailureState,
    actor_role: ActorRole,
    record: RecordFacts,
    today: date,
    *,
    responsible: bool = False,
    policy: FailurePolicy | None = None,
) -> list[FailureEvent]:
    """The events ``apply_failure`` accepts on ``today`` for this record — the transition table, the
    permissions and every guard (one objection, its period, repair eligibility, deadlines) — counting what
    a form supplies (a plan, a future deadline, a reason) as given. What a page may offer."""
    offered = []
    for event in allowed_failure_events(state, actor_role, responsible=responsible):
        try:
            apply_failure(
                state,
                event,
                actor_role=actor_role,
                today=today,
                responsible=responsible,
                severity=record.severity,
                found_on=record.found_on,
                rectification_deadline=(
                    today + timedelta(days=1) if event == Ev.ORDER_RECTIFICATION else record.rectification_deadline
                ),
                rectification_plan="form",
                rectified_on=record.rectified_on,
                objection_reason=FORM_OBJECTION if event == Ev.OBJECT else record.objection_reason,
                objected_on=record.objected_on,
                policy=policy,
            )
        except TransitionError:
            continue
        offered.append(event)
    return offered


class NextActor(StrEnum):
    """Who moves a record on: the credit office (adjudication), the recorded body, or the sweep."""

    CREDIT_OFFICE = "credit_office"
    BODY = "body"
    SWEEP = "sweep"


_ACTORS: tuple[tuple[NextActor, ActorRole, bool], ...] = (
    (NextActor.BODY, _R.DEPARTMENT, True),
    (NextActor.CREDIT_OFFICE, _R.ADMIN, False),
    (NextActor.SWEEP, _R.SYSTEM, False),
)


def next_actors(
    state: FailureState, record: RecordFacts, today: date, policy: FailurePolicy | None = None
) -> list[tuple[NextActor, list[FailureEvent]]]:
    """Who may act on the record on ``today`` and with which events (the credit office's own share only:
    it may also act for the body); empty when nobody can — closed, or waiting for a date."""
    out = []
    for actor, role, responsible in _ACTORS:
        events = available_failure_events(state, role, record, today, responsible=responsible, policy=policy)
        if actor == NextActor.CREDIT_OFFICE:
            events = [e for e in events if e in ADJUDICATION_EVENTS]
        if events:
            out.append((actor, events))
    return out


@dataclass(frozen=True, slots=True)
class FailureSweepPlan:
    """Set-based: records ``rectification_ordered`` with ``rectification_deadline < deadline_before`` become
    ``found`` on ``as_of`` with severity escalated by ``ESCALATION`` (a CASE over the three values)."""

    as_of: date
    deadline_before: date  # exclusive
    escalation: Mapping[Severity, Severity]


def plan_failure_sweep(as_of: date) -> FailureSweepPlan:
    return FailureSweepPlan(as_of, as_of, ESCALATION)

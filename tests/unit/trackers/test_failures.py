from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from trackers.errors import (
    InadmissibleObjection,
    InvalidTransition,
    MissingFacts,
    NotPermitted,
    PeriodClosed,
    TooEarly,
    TransitionError,
)
from trackers.failures import (
    CLOSED_STATES,
    FAILURE_PERMISSIONS,
    FAILURE_TRANSITIONS,
    FailureEvent,
    FailureFacts,
    FailurePolicy,
    FailureSource,
    FailureState,
    ObjectionReason,
    Severity,
    SeverityThresholds,
    allowed_failure_events,
    apply_failure,
    escalate,
    escalates,
    is_public,
    new_failure,
    objection_admissible,
    objection_deadline,
    plan_failure_sweep,
    publication,
    publication_window,
    repair_eligible,
    severity,
    severity_after,
)
from trackers.roles import ActorRole

St, Ev, R, Sv = FailureState, FailureEvent, ActorRole, Severity
D = date


def test_tables_are_complete() -> None:
    assert set(FAILURE_TRANSITIONS) == set(FailureState)
    assert set(FAILURE_PERMISSIONS) == set(ActorRole)
    assert {St.DISMISSED, St.RECTIFIED, St.WITHDRAWN, St.REPAIRED} == CLOSED_STATES


@pytest.mark.parametrize("source", list(FailureSource))
def test_every_record_starts_detected(source: FailureSource) -> None:
    assert new_failure(source) == St.DETECTED


@pytest.mark.parametrize(
    ("state", "event", "role", "today", "facts", "expected"),
    [
        (St.DETECTED, Ev.VERIFY, R.ADMIN, D(2025, 3, 3), {}, St.VERIFIED),
        (St.DETECTED, Ev.DISMISS, R.ADMIN, D(2025, 3, 3), {}, St.DISMISSED),
        (
            St.VERIFIED,
            Ev.ORDER_RECTIFICATION,
            R.ADMIN,
            D(2025, 3, 3),
            {"rectification_plan": "拨付剩余补贴", "rectification_deadline": D(2025, 4, 30)},
            St.RECTIFICATION_ORDERED,
        ),
        (St.VERIFIED, Ev.FIND, R.ADMIN, D(2025, 3, 3), {}, St.FOUND),
        (St.VERIFIED, Ev.RECTIFY, R.FINANCE, D(2025, 3, 3), {}, St.RECTIFIED),
        # rectified on the deadline day: on time
        (
            St.RECTIFICATION_ORDERED,
            Ev.RECTIFY,
            R.FINANCE,
            D(2025, 4, 30),
            {"rectification_deadline": D(2025, 4, 30)},
            St.RECTIFIED,
        ),
        # after the deadline: the finding stands, already rectified
        (
            St.RECTIFICATION_ORDERED,
            Ev.RECTIFY,
            R.DEPARTMENT,
            D(2025, 5, 6),
            {"rectification_deadline": D(2025, 4, 30)},
            St.FOUND_RECTIFIED,
        ),
        (St.RECTIFICATION_ORDERED, Ev.REFUSE_RECTIFICATION, R.INVESTMENT, D(2025, 3, 10), {}, St.FOUND),
        (
            St.RECTIFICATION_ORDERED,
            Ev.MISS_RECTIFICATION_DEADLINE,
            R.SYSTEM,
            D(2025, 5, 1),
            {"rectification_deadline": D(2025, 4, 30)},
            St.FOUND,
        ),
        (
            St.FOUND,
            Ev.OBJECT,
            R.FINANCE,
            D(2025, 5, 16),  # day 15 after the finding: last day
            {"found_on": D(2025, 5, 1), "objection_reason": ObjectionReason.ALREADY_PERFORMED},
            St.OBJECTED,
        ),
        (St.OBJECTED, Ev.UPHOLD_OBJECTION, R.ADMIN, D(2025, 5, 20), {}, St.WITHDRAWN),
        (St.OBJECTED, Ev.REJECT_OBJECTION, R.ADMIN, D(2025, 5, 20), {}, St.FOUND),
        (St.FOUND, Ev.RECTIFY, R.FINANCE, D(2025, 6, 30), {}, St.FOUND_RECTIFIED),
        (
            St.FOUND_RECTIFIED,
            Ev.REPAIR,
            R.ADMIN,
            D(2025, 9, 30),  # general: 3 months after rectification
            {"rectified_on": D(2025, 6, 30), "severity": Sv.GENERAL},
            St.REPAIRED,
        ),
        (
            St.FOUND_RECTIFIED,
            Ev.REPAIR,
            R.ADMIN,
            D(2025, 6, 30),  # minor: at once
            {"rectified_on": D(2025, 6, 30), "severity": Sv.MINOR},
            St.REPAIRED,
        ),
    ],
)
def test_apply_failure(
    state: FailureState,
    event: FailureEvent,
    role: ActorRole,
    today: date,
    facts: dict[str, Any],
    expected: FailureState,
) -> None:
    assert apply_failure(state, event, actor_role=role, today=today, responsible=True, **facts) == expected


@pytest.mark.parametrize(
    ("state", "event", "role", "responsible", "today", "facts", "error"),
    [
        (St.DETECTED, Ev.VERIFY, R.FINANCE, True, D(2025, 3, 3), {}, NotPermitted),  # no self-verification
        (St.DETECTED, Ev.VERIFY, R.EVALUATOR, False, D(2025, 3, 3), {}, NotPermitted),
        (St.DETECTED, Ev.VERIFY, R.SYSTEM, False, D(2025, 3, 3), {}, NotPermitted),
        (St.FOUND, Ev.RECTIFY, R.DEPARTMENT, False, D(2025, 3, 3), {}, NotPermitted),  # not its record
        (St.FOUND, Ev.OBJECT, R.EVALUATOR, True, D(2025, 3, 3), {}, NotPermitted),
        (St.FOUND_RECTIFIED, Ev.REPAIR, R.FINANCE, True, D(2026, 3, 3), {}, NotPermitted),
        (
            St.RECTIFICATION_ORDERED,
            Ev.MISS_RECTIFICATION_DEADLINE,
            R.ADMIN,
            True,
            D(2025, 5, 1),
            {},
            NotPermitted,
        ),
        (St.DETECTED, Ev.FIND, R.ADMIN, True, D(2025, 3, 3), {}, InvalidTransition),  # verify first
        (St.REPAIRED, Ev.OBJECT, R.FINANCE, True, D(2025, 3, 3), {}, InvalidTransition),
        (St.WITHDRAWN, Ev.FIND, R.ADMIN, True, D(2025, 3, 3), {}, InvalidTransition),
        (St.FOUND, Ev.REPAIR, R.ADMIN, True, D(2027, 3, 3), {}, InvalidTransition),  # rectify first
        (St.FOUND_RECTIFIED, Ev.OBJECT, R.FINANCE, True, D(2025, 3, 3), {}, InvalidTransition),
        (
            St.VERIFIED,
            Ev.ORDER_RECTIFICATION,
            R.ADMIN,
            True,
            D(2025, 3, 3),
            {"rectification_deadline": D(2025, 3, 3), "rectification_plan": "拨付"},
            InvalidTransition,  # a deadline must lie ahead
        ),
        (St.VERIFIED, Ev.ORDER_RECTIFICATION, R.ADMIN, True, D(2025, 3, 3), {}, MissingFacts),
        (
            St.VERIFIED,
            Ev.ORDER_RECTIFICATION,
            R.ADMIN,
            True,
            D(2025, 3, 3),
            {"rectification_deadline": D(2025, 4, 30), "rectification_plan": ""},
            MissingFacts,
        ),
        (St.RECTIFICATION_ORDERED, Ev.RECTIFY, R.FINANCE, True, D(2025, 3, 3), {}, MissingFacts),
        (St.FOUND, Ev.OBJECT, R.FINANCE, True, D(2025, 5, 3), {"found_on": D(2025, 5, 1)}, MissingFacts),
        (St.FOUND_RECTIFIED, Ev.REPAIR, R.ADMIN, True, D(2026, 3, 3), {"severity": Sv.GENERAL}, MissingFacts),
        (
            St.RECTIFICATION_ORDERED,
            Ev.MISS_RECTIFICATION_DEADLINE,
            R.SYSTEM,
            False,
            D(2025, 4, 30),  # the deadline day itself is still in time
            {"rectification_deadline": D(2025, 4, 30)},
            TooEarly,
        ),
        (
            St.FOUND_RECTIFIED,
            Ev.REPAIR,
            R.ADMIN,
            True,
            D(2026, 6, 29),  # serious: one year after rectification
            {"rectified_on": D(2025, 6, 30), "severity": Sv.SERIOUS},
            TooEarly,
        ),
        (
            St.FOUND,
            Ev.OBJECT,
            R.FINANCE,
            True,
            D(2025, 5, 17),  # day 16
            {"found_on": D(2025, 5, 1), "objection_reason": ObjectionReason.FACTS_INCORRECT},
            PeriodClosed,
        ),
        (
            St.FOUND,
            Ev.OBJECT,
            R.INVESTMENT,
            True,
            D(2025, 5, 2),
            {"found_on": D(2025, 5, 1), "objection_reason": ObjectionReason.GOVERNMENT_CHANGE},
            InadmissibleObjection,
        ),
        (
            St.FOUND,
            Ev.OBJECT,
            R.INVESTMENT,
            True,
            D(2025, 5, 2),
            {"found_on": D(2025, 5, 1), "objection_reason": ObjectionReason.OFFICIAL_CHANGE},
            InadmissibleObjection,
        ),
        (
            St.OBJECTED,
            Ev.UPHOLD_OBJECTION,
            R.ADMIN,
            True,
            D(2025, 5, 2),
            {"objection_reason": ObjectionReason.GOVERNMENT_CHANGE},
            InadmissibleObjection,
        ),
    ],
)
def test_apply_failure_refused(
    state: FailureState,
    event: FailureEvent,
    role: ActorRole,
    responsible: bool,
    today: date,
    facts: dict[str, Any],
    error: type[TransitionError],
) -> None:
    with pytest.raises(error) as info:
        apply_failure(state, event, actor_role=role, today=today, responsible=responsible, **facts)
    assert (info.value.state, info.value.event, info.value.actor_role) == (state, event, role)


def test_refusals_carry_structured_fields() -> None:
    with pytest.raises(PeriodClosed) as closed:
        apply_failure(
            St.FOUND,
            Ev.OBJECT,
            actor_role=R.FINANCE,
            responsible=True,
            today=D(2025, 6, 1),
            found_on=D(2025, 5, 1),
            objection_reason=ObjectionReason.FORCE_MAJEURE,
        )
    assert closed.value.closed_on == D(2025, 5, 16)
    with pytest.raises(TooEarly) as early:
        apply_failure(
            St.FOUND_RECTIFIED,
            Ev.REPAIR,
            actor_role=R.ADMIN,
            today=D(2025, 7, 1),
            rectified_on=D(2025, 1, 31),
            severity=Sv.SERIOUS,
        )
    assert early.value.opens_on == D(2026, 1, 31)
    with pytest.raises(InadmissibleObjection) as bad:
        apply_failure(
            St.FOUND,
            Ev.OBJECT,
            actor_role=R.ADMIN,
            today=D(2025, 5, 2),
            found_on=D(2025, 5, 1),
            objection_reason=ObjectionReason.OFFICIAL_CHANGE,
        )
    assert bad.value.objection_reason == "official_change"
    with pytest.raises(MissingFacts) as missing:
        apply_failure(St.VERIFIED, Ev.ORDER_RECTIFICATION, actor_role=R.ADMIN, today=D(2025, 5, 2))
    assert missing.value.missing == ("rectification_plan", "rectification_deadline")


@pytest.mark.parametrize(
    ("reason", "admissible"),
    [(r, r not in {ObjectionReason.GOVERNMENT_CHANGE, ObjectionReason.OFFICIAL_CHANGE}) for r in ObjectionReason],
)
def test_objection_admissible(reason: ObjectionReason, admissible: bool) -> None:
    assert objection_admissible(reason) is admissible


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (St.RECTIFICATION_ORDERED, St.FOUND, True),
        (St.RECTIFICATION_ORDERED, St.FOUND_RECTIFIED, True),
        (St.RECTIFICATION_ORDERED, St.RECTIFIED, False),
        (St.VERIFIED, St.FOUND, False),
        (St.OBJECTED, St.FOUND, False),
    ],
)
def test_escalates(old: FailureState, new: FailureState, expected: bool) -> None:
    assert escalates(old, new) is expected


@pytest.mark.parametrize(
    ("given", "expected"), [(Sv.MINOR, Sv.GENERAL), (Sv.GENERAL, Sv.SERIOUS), (Sv.SERIOUS, Sv.SERIOUS)]
)
def test_escalate(given: Severity, expected: Severity) -> None:
    assert escalate(given) == expected


@pytest.mark.parametrize(
    ("amount", "days_late", "prior", "expected"),
    [
        (Decimal(0), 0, 0, Sv.MINOR),
        (Decimal("999999.99"), 89, 0, Sv.MINOR),
        (Decimal(1_000_000), 0, 0, Sv.GENERAL),
        (Decimal(0), 90, 0, Sv.GENERAL),
        (Decimal(0), 0, 1, Sv.GENERAL),
        (Decimal("9999999"), 364, 1, Sv.GENERAL),
        (Decimal(10_000_000), 0, 0, Sv.SERIOUS),
        (50_000_000, 10, 0, Sv.SERIOUS),  # 伍仟万元
        (Decimal(0), 365, 0, Sv.SERIOUS),
        (Decimal(0), 0, 2, Sv.SERIOUS),
    ],
)
def test_severity(amount: Decimal | int, days_late: int, prior: int, expected: Severity) -> None:
    assert severity(amount, days_late, prior) == expected


def test_severity_thresholds_are_configurable() -> None:
    strict = SeverityThresholds(general_amount=Decimal(100_000), serious_amount=Decimal(1_000_000))
    assert severity(Decimal(200_000), 0, 0, strict) == Sv.GENERAL
    assert severity(Decimal(1_000_000), 0, 0, strict) == Sv.SERIOUS


@pytest.mark.parametrize(
    ("sev", "published_on", "policy", "expected"),
    [
        (Sv.MINOR, D(2025, 5, 17), FailurePolicy(), (D(2025, 5, 17), D(2025, 5, 17))),  # not published
        (Sv.MINOR, D(2025, 5, 17), FailurePolicy(publish_minor=True), (D(2025, 5, 17), D(2025, 8, 17))),
        (Sv.GENERAL, D(2025, 5, 17), FailurePolicy(), (D(2025, 5, 17), D(2026, 5, 17))),
        (Sv.SERIOUS, D(2025, 5, 17), FailurePolicy(), (D(2025, 5, 17), D(2028, 5, 17))),
        (Sv.SERIOUS, D(2024, 2, 29), FailurePolicy(), (D(2024, 2, 29), D(2027, 2, 28))),
        (
            Sv.GENERAL,
            D(2025, 11, 30),
            FailurePolicy(publication_months={Sv.MINOR: 3, Sv.GENERAL: 3, Sv.SERIOUS: 12}),
            (D(2025, 11, 30), D(2026, 2, 28)),
        ),
    ],
)
def test_publication_window(
    sev: Severity, published_on: date, policy: FailurePolicy, expected: tuple[date, date]
) -> None:
    assert publication_window(sev, published_on, policy) == expected


GENERAL_FOUND = FailureFacts(St.FOUND, Sv.GENERAL, found_on=D(2025, 5, 1))


@pytest.mark.parametrize(
    ("facts", "today", "window", "public"),
    [
        (GENERAL_FOUND, D(2025, 5, 16), (D(2025, 5, 17), D(2026, 5, 17)), False),  # objection period
        (GENERAL_FOUND, D(2025, 5, 17), (D(2025, 5, 17), D(2026, 5, 17)), True),
        (GENERAL_FOUND, D(2026, 5, 16), (D(2025, 5, 17), D(2026, 5, 17)), True),
        (GENERAL_FOUND, D(2026, 5, 17), (D(2025, 5, 17), D(2026, 5, 17)), False),  # period over
        (
            FailureFacts(St.FOUND, Sv.GENERAL, D(2025, 5, 1), objection_rejected_on=D(2025, 6, 10)),
            D(2025, 6, 11),
            (D(2025, 6, 11), D(2026, 6, 11)),
            True,
        ),
        (
            FailureFacts(St.FOUND_RECTIFIED, Sv.SERIOUS, D(2025, 5, 1)),
            D(2027, 1, 1),
            (D(2025, 5, 17), D(2028, 5, 17)),
            True,
        ),
        (FailureFacts(St.OBJECTED, Sv.SERIOUS, D(2025, 5, 1)), D(2025, 6, 1), None, False),
        (FailureFacts(St.WITHDRAWN, Sv.SERIOUS, D(2025, 5, 1)), D(2025, 6, 1), None, False),
        (FailureFacts(St.REPAIRED, Sv.SERIOUS, D(2025, 5, 1)), D(2025, 6, 1), None, False),
        (FailureFacts(St.RECTIFIED, Sv.SERIOUS), D(2025, 6, 1), None, False),
        (FailureFacts(St.FOUND, Sv.SERIOUS), D(2025, 6, 1), None, False),  # finding date unknown
        (
            FailureFacts(St.FOUND, Sv.MINOR, D(2025, 5, 1)),
            D(2025, 6, 1),
            (D(2025, 5, 17), D(2025, 5, 17)),
            False,
        ),
    ],
)
def test_is_public(facts: FailureFacts, today: date, window: tuple[date, date] | None, public: bool) -> None:
    assert publication(facts) == window
    assert is_public(facts, today) is public


def test_objection_deadline() -> None:
    assert objection_deadline(D(2025, 5, 1)) == D(2025, 5, 16)
    assert objection_deadline(D(2025, 5, 1), FailurePolicy(objection_days=30)) == D(2025, 5, 31)


@pytest.mark.parametrize(
    ("rectified_on", "today", "sev", "eligible"),
    [
        (None, D(2030, 1, 1), Sv.MINOR, False),
        (D(2025, 6, 30), D(2025, 6, 30), Sv.MINOR, True),
        (D(2025, 6, 30), D(2025, 9, 29), Sv.GENERAL, False),
        (D(2025, 6, 30), D(2025, 9, 30), Sv.GENERAL, True),
        (D(2025, 11, 30), D(2026, 2, 28), Sv.GENERAL, True),  # clamped month end
        (D(2024, 2, 29), D(2025, 2, 27), Sv.SERIOUS, False),
        (D(2024, 2, 29), D(2025, 2, 28), Sv.SERIOUS, True),
    ],
)
def test_repair_eligible(rectified_on: date | None, today: date, sev: Severity, eligible: bool) -> None:
    assert repair_eligible(rectified_on, today, sev) is eligible


@pytest.mark.parametrize(
    ("state", "role", "responsible", "expected"),
    [
        (St.DETECTED, R.ADMIN, False, [Ev.VERIFY, Ev.DISMISS]),
        (St.RECTIFICATION_ORDERED, R.FINANCE, True, [Ev.RECTIFY, Ev.REFUSE_RECTIFICATION]),
        (St.RECTIFICATION_ORDERED, R.FINANCE, False, []),
        (St.RECTIFICATION_ORDERED, R.SYSTEM, False, [Ev.MISS_RECTIFICATION_DEADLINE]),
        (St.FOUND, R.DEPARTMENT, True, [Ev.RECTIFY, Ev.OBJECT]),
        (St.FOUND, R.EVALUATOR, True, []),
    ],
)
def test_allowed_failure_events(
    state: FailureState, role: ActorRole, responsible: bool, expected: list[FailureEvent]
) -> None:
    assert allowed_failure_events(state, role, responsible=responsible) == expected


def test_failure_sweep_plan_matches_the_event() -> None:
    plan = plan_failure_sweep(D(2025, 5, 1))
    assert plan.deadline_before == D(2025, 5, 1)
    for deadline in (D(2025, 4, 29), D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)):
        swept = deadline < plan.deadline_before
        try:
            apply_failure(
                St.RECTIFICATION_ORDERED,
                Ev.MISS_RECTIFICATION_DEADLINE,
                actor_role=R.SYSTEM,
                today=plan.as_of,
                rectification_deadline=deadline,
            )
            found = True
        except TooEarly:
            found = False
        assert swept is found
    assert {k: plan.escalation[k] for k in Severity} == {
        Sv.MINOR: Sv.GENERAL,
        Sv.GENERAL: Sv.SERIOUS,
        Sv.SERIOUS: Sv.SERIOUS,
    }


@pytest.mark.parametrize(
    ("old", "new", "current", "expected"),
    [
        (St.RECTIFICATION_ORDERED, St.FOUND, Sv.MINOR, Sv.GENERAL),
        (St.RECTIFICATION_ORDERED, St.FOUND_RECTIFIED, Sv.GENERAL, Sv.SERIOUS),
        (St.VERIFIED, St.FOUND, Sv.MINOR, Sv.MINOR),
        (St.RECTIFICATION_ORDERED, St.RECTIFIED, Sv.GENERAL, Sv.GENERAL),
    ],
)
def test_severity_after(old: FailureState, new: FailureState, current: Severity, expected: Severity) -> None:
    assert severity_after(old, new, current) == expected

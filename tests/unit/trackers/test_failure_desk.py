"""What the failure desk offers: the events the state machine accepts today from a record's stored facts,
and who acts next — real calendar dates, one objection per record."""

from __future__ import annotations

from datetime import date

import pytest

from trackers.errors import InvalidTransition
from trackers.failures import (
    FailureEvent,
    FailureState,
    NextActor,
    ObjectionReason,
    RecordFacts,
    Severity,
    apply_failure,
    available_failure_events,
    next_actors,
)
from trackers.roles import ActorRole

D, St, Ev, R, A = date, FailureState, FailureEvent, ActorRole, NextActor
FOUND_DEC1 = RecordFacts(found_on=D(2026, 12, 1))
REJECTED = RecordFacts(found_on=D(2026, 12, 1), objected_on=D(2026, 12, 3), objection_reason=ObjectionReason.PROCEDURE)
ORDERED = RecordFacts(rectification_deadline=D(2026, 12, 31))
RECTIFIED_LATE = RecordFacts(severity=Severity.GENERAL, found_on=D(2026, 6, 1), rectified_on=D(2026, 6, 30))


@pytest.mark.parametrize(
    ("state", "role", "responsible", "record", "today", "expected"),
    [
        # the objection period: 15 days after the finding on 2026-12-01 → last day 2026-12-16
        (St.FOUND, R.DEPARTMENT, True, FOUND_DEC1, D(2026, 12, 16), [Ev.RECTIFY, Ev.OBJECT]),
        (St.FOUND, R.DEPARTMENT, True, FOUND_DEC1, D(2026, 12, 17), [Ev.RECTIFY]),
        # rejected on 2026-12-05, still inside the period: no second objection
        (St.FOUND, R.DEPARTMENT, True, REJECTED, D(2026, 12, 5), [Ev.RECTIFY]),
        (St.FOUND, R.ADMIN, False, REJECTED, D(2026, 12, 5), [Ev.RECTIFY]),
        (St.FOUND, R.DEPARTMENT, False, FOUND_DEC1, D(2026, 12, 5), []),  # not the recorded body
        (St.RECTIFICATION_ORDERED, R.SYSTEM, False, ORDERED, D(2026, 12, 31), []),  # deadline not passed
        (St.RECTIFICATION_ORDERED, R.SYSTEM, False, ORDERED, D(2027, 1, 1), [Ev.MISS_RECTIFICATION_DEADLINE]),
        # general severity: repair 3 months after rectification (2026-06-30 → 2026-09-30)
        (St.FOUND_RECTIFIED, R.ADMIN, False, RECTIFIED_LATE, D(2026, 9, 29), []),
        (St.FOUND_RECTIFIED, R.ADMIN, False, RECTIFIED_LATE, D(2026, 9, 30), [Ev.REPAIR]),
        (St.VERIFIED, R.ADMIN, False, RecordFacts(), D(2026, 12, 5), [Ev.ORDER_RECTIFICATION, Ev.RECTIFY, Ev.FIND]),
        (St.REPAIRED, R.ADMIN, False, RECTIFIED_LATE, D(2027, 1, 1), []),
    ],
)
def test_available_failure_events(
    state: FailureState,
    role: ActorRole,
    responsible: bool,
    record: RecordFacts,
    today: date,
    expected: list[FailureEvent],
) -> None:
    assert available_failure_events(state, role, record, today, responsible=responsible) == expected


def test_a_record_has_one_objection() -> None:
    with pytest.raises(InvalidTransition, match="already raised on 2026-12-03"):
        apply_failure(
            St.FOUND,
            Ev.OBJECT,
            actor_role=R.DEPARTMENT,
            responsible=True,
            today=D(2026, 12, 5),
            found_on=D(2026, 12, 1),
            objection_reason=ObjectionReason.FACTS_INCORRECT,
            objected_on=D(2026, 12, 3),
        )


@pytest.mark.parametrize(
    ("state", "record", "today", "expected"),
    [
        (St.DETECTED, RecordFacts(), D(2026, 12, 5), [(A.CREDIT_OFFICE, [Ev.VERIFY, Ev.DISMISS])]),
        (St.RECTIFICATION_ORDERED, ORDERED, D(2026, 12, 5), [(A.BODY, [Ev.RECTIFY, Ev.REFUSE_RECTIFICATION])]),
        (
            St.RECTIFICATION_ORDERED,
            ORDERED,
            D(2027, 1, 4),
            [(A.BODY, [Ev.RECTIFY, Ev.REFUSE_RECTIFICATION]), (A.SWEEP, [Ev.MISS_RECTIFICATION_DEADLINE])],
        ),
        (St.FOUND, FOUND_DEC1, D(2026, 12, 2), [(A.BODY, [Ev.RECTIFY, Ev.OBJECT])]),
        (St.OBJECTED, REJECTED, D(2026, 12, 4), [(A.CREDIT_OFFICE, [Ev.UPHOLD_OBJECTION, Ev.REJECT_OBJECTION])]),
        (St.FOUND_RECTIFIED, RECTIFIED_LATE, D(2026, 7, 1), []),  # waits for 2026-09-30
        (St.WITHDRAWN, REJECTED, D(2026, 12, 4), []),
    ],
)
def test_next_actors(
    state: FailureState, record: RecordFacts, today: date, expected: list[tuple[NextActor, list[FailureEvent]]]
) -> None:
    assert next_actors(state, record, today) == expected

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trackers.errors import InvalidTransition, MissingFacts, NotPermitted, TransitionError
from trackers.lifecycle import (
    PERMISSIONS,
    TERMINAL_STATES,
    TRANSITIONS,
    FulfilmentProgress,
    ObligationEvent,
    Payment,
    allowed_events,
    apply,
    fulfilment_progress,
    fulfilment_state,
)
from trackers.roles import ActorRole
from trackers.states import ObligationState

S, E, R = ObligationState, ObligationEvent, ActorRole
D = date


def test_every_state_has_a_row() -> None:
    assert set(TRANSITIONS) == set(ObligationState)
    assert set(PERMISSIONS) == set(ActorRole)
    assert {S.AMENDED} == TERMINAL_STATES


@pytest.mark.parametrize(
    ("state", "event", "role", "expected"),
    [
        (S.PENDING, E.WARN, R.SYSTEM, S.DUE_SOON),
        (S.PENDING, E.BECOME_OVERDUE, R.SYSTEM, S.OVERDUE),
        (S.PENDING, E.BREACH, R.SYSTEM, S.BREACHED),
        (S.DUE_SOON, E.BECOME_OVERDUE, R.SYSTEM, S.OVERDUE),
        (S.OVERDUE, E.BREACH, R.SYSTEM, S.BREACHED),
        (S.PARTIALLY_FULFILLED, E.BECOME_OVERDUE, R.SYSTEM, S.OVERDUE),
        (S.PENDING, E.FULFIL_PARTIALLY, R.FINANCE, S.PARTIALLY_FULFILLED),
        (S.DUE_SOON, E.FULFIL_PARTIALLY, R.DEPARTMENT, S.PARTIALLY_FULFILLED),
        (S.OVERDUE, E.FULFIL_PARTIALLY, R.DEPARTMENT, S.OVERDUE),
        (S.BREACHED, E.FULFIL_PARTIALLY, R.ADMIN, S.BREACHED),
        (S.PENDING, E.WAIVE, R.INVESTMENT, S.WAIVED),
        (S.BREACHED, E.WAIVE, R.FINANCE, S.WAIVED),
        (S.OVERDUE, E.AMEND, R.ADMIN, S.AMENDED),
        (S.DUE_SOON, E.SUSPEND, R.INVESTMENT, S.SUSPENDED),
        (S.SUSPENDED, E.RESUME, R.FINANCE, S.PENDING),
        (S.SUSPENDED, E.AMEND, R.INVESTMENT, S.AMENDED),
        (S.FULFILLED, E.REOPEN, R.ADMIN, S.PENDING),
        (S.FULFILLED_LATE, E.REOPEN, R.FINANCE, S.PENDING),
        (S.WAIVED, E.REOPEN, R.INVESTMENT, S.PENDING),
    ],
)
def test_apply(state: ObligationState, event: ObligationEvent, role: ActorRole, expected: ObligationState) -> None:
    assert apply(state, event, actor_role=role, responsible=True) == expected


@pytest.mark.parametrize(
    ("state", "due", "fulfilled_on", "expected"),
    [
        (S.PENDING, D(2024, 10, 8), D(2024, 9, 30), S.FULFILLED),
        (S.DUE_SOON, D(2024, 10, 8), D(2024, 10, 8), S.FULFILLED),  # on the due day is on time
        (S.DUE_SOON, D(2024, 10, 8), D(2024, 10, 9), S.FULFILLED_LATE),
        (S.OVERDUE, D(2025, 2, 5), D(2025, 2, 10), S.FULFILLED_LATE),
        (S.BREACHED, D(2025, 2, 5), D(2025, 6, 30), S.FULFILLED_LATE),
        (S.PARTIALLY_FULFILLED, D(2026, 2, 24), D(2026, 2, 24), S.FULFILLED),
        (S.PENDING, None, D(2026, 2, 24), S.FULFILLED),  # no deadline: never late
    ],
)
def test_fulfil_is_late_after_the_due_date(
    state: ObligationState, due: date | None, fulfilled_on: date, expected: ObligationState
) -> None:
    result = apply(state, E.FULFIL, actor_role=R.DEPARTMENT, responsible=True, fulfilled_on=fulfilled_on, due=due)
    assert result == expected
    assert fulfilment_state(due, fulfilled_on) == expected


def test_fulfil_without_a_date_is_missing_facts() -> None:
    with pytest.raises(MissingFacts) as info:
        apply(S.PENDING, E.FULFIL, actor_role=R.ADMIN, due=D(2024, 10, 8))
    assert info.value.missing == ("fulfilled_on",)
    assert info.value.code == "missing_facts"


@pytest.mark.parametrize(
    ("state", "event", "role", "responsible", "error"),
    [
        # sweep-only events
        (S.PENDING, E.WARN, R.ADMIN, True, NotPermitted),
        (S.OVERDUE, E.BREACH, R.FINANCE, True, NotPermitted),
        (S.DUE_SOON, E.BECOME_OVERDUE, R.DEPARTMENT, True, NotPermitted),
        # the sweep records no evidence and waives nothing
        (S.PENDING, E.FULFIL, R.SYSTEM, True, NotPermitted),
        (S.PENDING, E.WAIVE, R.SYSTEM, True, NotPermitted),
        # evaluators do nothing
        (S.PENDING, E.FULFIL, R.EVALUATOR, True, NotPermitted),
        (S.FULFILLED, E.REOPEN, R.EVALUATOR, True, NotPermitted),
        # evidence only on one's own obligations
        (S.PENDING, E.FULFIL, R.DEPARTMENT, False, NotPermitted),
        (S.PENDING, E.FULFIL_PARTIALLY, R.FINANCE, False, NotPermitted),
        # departments neither waive nor amend
        (S.PENDING, E.WAIVE, R.DEPARTMENT, True, NotPermitted),
        (S.PENDING, E.AMEND, R.DEPARTMENT, True, NotPermitted),
        (S.SUSPENDED, E.RESUME, R.DEPARTMENT, True, NotPermitted),
        # permitted roles, impossible transitions
        (S.AMENDED, E.REOPEN, R.ADMIN, True, InvalidTransition),
        (S.FULFILLED, E.FULFIL_PARTIALLY, R.ADMIN, True, InvalidTransition),
        (S.BREACHED, E.SUSPEND, R.INVESTMENT, True, InvalidTransition),
        (S.BREACHED, E.WARN, R.SYSTEM, True, InvalidTransition),
        (S.OVERDUE, E.BECOME_OVERDUE, R.SYSTEM, True, InvalidTransition),
        (S.PARTIALLY_FULFILLED, E.WARN, R.SYSTEM, True, InvalidTransition),
        (S.SUSPENDED, E.BREACH, R.SYSTEM, True, InvalidTransition),
        (S.PENDING, E.RESUME, R.FINANCE, True, InvalidTransition),
        (S.WAIVED, E.FULFIL, R.ADMIN, True, InvalidTransition),
    ],
)
def test_refused(
    state: ObligationState,
    event: ObligationEvent,
    role: ActorRole,
    responsible: bool,
    error: type[TransitionError],
) -> None:
    with pytest.raises(error) as info:
        apply(state, event, actor_role=role, responsible=responsible, fulfilled_on=D(2024, 1, 2))
    assert (info.value.state, info.value.event, info.value.actor_role) == (state, event, role)


@pytest.mark.parametrize(
    ("state", "role", "responsible", "expected"),
    [
        (S.PENDING, R.SYSTEM, False, [E.WARN, E.BECOME_OVERDUE, E.BREACH]),
        (S.PENDING, R.DEPARTMENT, True, [E.FULFIL, E.FULFIL_PARTIALLY]),
        (S.PENDING, R.DEPARTMENT, False, []),
        (S.PENDING, R.EVALUATOR, True, []),
        (S.OVERDUE, R.FINANCE, False, [E.WAIVE, E.AMEND, E.SUSPEND]),
        (S.SUSPENDED, R.ADMIN, False, [E.WAIVE, E.AMEND, E.RESUME]),
        (S.FULFILLED, R.INVESTMENT, True, [E.REOPEN]),
    ],
)
def test_allowed_events(
    state: ObligationState, role: ActorRole, responsible: bool, expected: list[ObligationEvent]
) -> None:
    assert allowed_events(state, role, responsible=responsible) == expected


def pay(*rows: tuple[date, str]) -> list[Payment]:
    return [Payment(day, Decimal(amount)) for day, amount in rows]


@pytest.mark.parametrize(
    ("amount_due", "payments", "due", "expected"),
    [
        ("1000000", [], D(2024, 12, 31), FulfilmentProgress(S.PENDING, Decimal(0), Decimal(1000000), None)),
        (
            "1000000",
            pay((D(2024, 6, 28), "400000")),
            D(2024, 12, 31),
            FulfilmentProgress(S.PARTIALLY_FULFILLED, Decimal(400000), Decimal(600000), None),
        ),
        (
            "1000000",
            pay((D(2024, 12, 31), "600000"), (D(2024, 6, 28), "400000")),  # order does not matter
            D(2024, 12, 31),
            FulfilmentProgress(S.FULFILLED, Decimal(1000000), Decimal(0), D(2024, 12, 31)),
        ),
        (
            "1000000",
            pay((D(2024, 6, 28), "400000"), (D(2025, 1, 2), "600000.00")),
            D(2024, 12, 31),
            FulfilmentProgress(S.FULFILLED_LATE, Decimal(1000000), Decimal(0), D(2025, 1, 2)),
        ),
        (
            "50000000",
            pay((D(2025, 1, 27), "50000000"), (D(2025, 2, 10), "-50000000")),  # reversed
            D(2025, 2, 5),
            FulfilmentProgress(S.PENDING, Decimal(0), Decimal(50000000), None),
        ),
        (
            "500",
            pay((D(2025, 1, 27), "500"), (D(2025, 1, 28), "-100"), (D(2025, 2, 10), "100")),
            D(2025, 2, 5),
            FulfilmentProgress(S.FULFILLED_LATE, Decimal(500), Decimal(0), D(2025, 2, 10)),
        ),
        (
            "500",
            pay((D(2025, 1, 27), "800")),  # overpaid: nothing outstanding
            None,
            FulfilmentProgress(S.FULFILLED, Decimal(800), Decimal(0), D(2025, 1, 27)),
        ),
    ],
)
def test_fulfilment_progress(
    amount_due: str, payments: list[Payment], due: date | None, expected: FulfilmentProgress
) -> None:
    assert fulfilment_progress(Decimal(amount_due), payments, due=due) == expected


@pytest.mark.parametrize(
    ("due", "fulfilled_on", "amount_due", "amount_paid", "expected"),
    [
        (D(2024, 12, 31), D(2024, 12, 31), Decimal(100), Decimal(100), S.FULFILLED),
        (D(2024, 12, 31), D(2025, 1, 2), Decimal(100), Decimal(120), S.FULFILLED_LATE),
        (D(2024, 12, 31), D(2024, 12, 30), Decimal(100), Decimal(40), S.PARTIALLY_FULFILLED),
        (D(2024, 12, 31), D(2024, 12, 30), Decimal(100), Decimal(0), S.PENDING),
        (D(2024, 12, 31), D(2025, 1, 2), None, None, S.FULFILLED_LATE),
    ],
)
def test_fulfilment_state_with_amounts(
    due: date,
    fulfilled_on: date,
    amount_due: Decimal | None,
    amount_paid: Decimal | None,
    expected: ObligationState,
) -> None:
    assert fulfilment_state(due, fulfilled_on, amount_due, amount_paid) == expected


def test_a_fulfilment_cannot_be_dated_in_the_future() -> None:
    with pytest.raises(InvalidTransition):
        apply(S.PENDING, E.FULFIL, actor_role=R.ADMIN, fulfilled_on=D(2025, 2, 6), due=None, today=D(2025, 2, 5))
    assert apply(S.PENDING, E.FULFIL, actor_role=R.ADMIN, fulfilled_on=D(2025, 2, 5), today=D(2025, 2, 5)) == (
        S.FULFILLED
    )

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from extractors import Category
from trackers.errors import InvalidRule
from trackers.lifecycle import TRANSITIONS, ObligationEvent
from trackers.roles import PartyRole
from trackers.states import ObligationState
from trackers.sweep import (
    GracePolicy,
    SweepPolicy,
    SweepStep,
    WarningPolicy,
    apply_plan,
    classify,
    due_warnings,
    plan_sweep,
    planned_warning,
    warning_band,
)

S = ObligationState
D = date
CATEGORIES = [str(c) for c in Category]
GOV, CP = PartyRole.GOVERNMENT, PartyRole.COUNTERPARTY

CUSTOM = SweepPolicy(
    warnings=WarningPolicy(by_category={"payment": (60, 30, 7, 1), "reporting": (3,)}),
    grace=GracePolicy(by_role_category={(GOV, "payment"): 60, (CP, "land"): 10}),
)


@pytest.mark.parametrize(
    ("state", "due", "as_of", "category", "role", "expected"),
    [
        # National Day 2024: sweep on 2024-10-08
        (S.PENDING, D(2024, 11, 8), D(2024, 10, 8), "land", GOV, S.PENDING),  # 31 days ahead
        (S.PENDING, D(2024, 11, 7), D(2024, 10, 8), "land", GOV, S.DUE_SOON),  # 30 days ahead
        (S.PENDING, D(2024, 10, 8), D(2024, 10, 8), "land", GOV, S.DUE_SOON),  # due today: not yet overdue
        (S.PENDING, D(2024, 9, 30), D(2024, 10, 8), "land", GOV, S.OVERDUE),
        (S.DUE_SOON, D(2024, 10, 7), D(2024, 10, 8), "land", GOV, S.OVERDUE),
        (S.OVERDUE, D(2024, 9, 8), D(2024, 10, 8), "land", GOV, S.OVERDUE),  # due + 30 = 10-08, not < as_of
        (S.OVERDUE, D(2024, 9, 7), D(2024, 10, 8), "land", GOV, S.BREACHED),
        (S.PENDING, D(2024, 9, 7), D(2024, 10, 8), "land", GOV, S.BREACHED),  # a late sweep skips steps
        (S.PENDING, D(2024, 10, 7), D(2024, 10, 8), "land", CP, S.BREACHED),  # counterparty: no grace
        (S.PENDING, D(2024, 10, 7), D(2024, 10, 8), "land", PartyRole.UNKNOWN, S.OVERDUE),
        (S.PARTIALLY_FULFILLED, D(2024, 10, 10), D(2024, 10, 8), "payment", GOV, S.PARTIALLY_FULFILLED),
        (S.PARTIALLY_FULFILLED, D(2024, 10, 7), D(2024, 10, 8), "payment", GOV, S.OVERDUE),
        (S.DUE_SOON, D(2024, 12, 31), D(2024, 10, 8), "land", GOV, S.DUE_SOON),  # never backwards
        (S.OVERDUE, D(2024, 12, 31), D(2024, 10, 8), "land", GOV, S.OVERDUE),
        # states the sweep leaves alone
        (S.SUSPENDED, D(2020, 1, 1), D(2024, 10, 8), "land", GOV, S.SUSPENDED),
        (S.FULFILLED, D(2020, 1, 1), D(2024, 10, 8), "land", GOV, S.FULFILLED),
        (S.WAIVED, D(2020, 1, 1), D(2024, 10, 8), "land", GOV, S.WAIVED),
        (S.BREACHED, D(2024, 12, 1), D(2024, 10, 8), "land", GOV, S.BREACHED),
        (S.PENDING, None, D(2024, 10, 8), "land", GOV, S.PENDING),  # no deadline
        # Spring Festival 2025: due moved to 2025-02-05
        (S.PENDING, D(2025, 2, 5), D(2025, 2, 5), "payment", GOV, S.DUE_SOON),
        (S.DUE_SOON, D(2025, 2, 5), D(2025, 2, 6), "payment", GOV, S.OVERDUE),
        (S.OVERDUE, D(2025, 2, 5), D(2025, 3, 7), "payment", GOV, S.OVERDUE),  # day 30 of grace
        (S.OVERDUE, D(2025, 2, 5), D(2025, 3, 8), "payment", GOV, S.BREACHED),
    ],
)
def test_classify_with_defaults(
    state: ObligationState, due: date | None, as_of: date, category: str, role: str, expected: ObligationState
) -> None:
    assert classify(state, due, as_of, SweepPolicy(), category, role) == expected


@pytest.mark.parametrize(
    ("state", "due", "as_of", "category", "role", "expected"),
    [
        (S.PENDING, D(2026, 4, 24), D(2026, 2, 24), "payment", GOV, S.DUE_SOON),  # 59 days: 60-day window
        (S.PENDING, D(2026, 2, 28), D(2026, 2, 24), "reporting", GOV, S.PENDING),  # 4 days: 3-day window
        (S.PENDING, D(2026, 2, 27), D(2026, 2, 24), "reporting", GOV, S.DUE_SOON),
        (S.OVERDUE, D(2025, 12, 31), D(2026, 2, 24), "payment", GOV, S.OVERDUE),  # 55 days < 60 grace
        (S.OVERDUE, D(2025, 12, 25), D(2026, 2, 24), "payment", GOV, S.BREACHED),
        (S.OVERDUE, D(2026, 2, 14), D(2026, 2, 24), "land", CP, S.OVERDUE),  # 10 days grace
        (S.OVERDUE, D(2026, 2, 13), D(2026, 2, 24), "land", CP, S.BREACHED),
    ],
)
def test_classify_with_a_custom_policy(
    state: ObligationState, due: date, as_of: date, category: str, role: str, expected: ObligationState
) -> None:
    assert classify(state, due, as_of, CUSTOM, category, role) == expected


AS_OF_DATES = [D(2024, 10, 8), D(2025, 2, 5), D(2026, 2, 24), D(2024, 2, 29)]


@pytest.mark.parametrize("policy", [SweepPolicy(), CUSTOM], ids=["default", "custom"])
@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_the_plan_matches_classify_row_by_row(policy: SweepPolicy, as_of: date) -> None:
    plan = plan_sweep(as_of, policy, categories=CATEGORIES)
    for state, offset, category, role in itertools.product(
        ObligationState, range(-75, 70), ["payment", "land", "reporting", "other"], PartyRole
    ):
        due = as_of + timedelta(days=offset)
        assert apply_plan(plan, state, due, category, role) == classify(state, due, as_of, policy, category, role)
        if state in {S.PENDING, S.DUE_SOON, S.PARTIALLY_FULFILLED}:
            windows = policy.warnings.windows(category)
            assert planned_warning(plan, state, due, category) == warning_band(due, as_of, windows)


def test_sweep_moves_are_transitions_the_system_may_make() -> None:
    sweep_events = {ObligationEvent.WARN, ObligationEvent.BECOME_OVERDUE, ObligationEvent.BREACH}
    as_of = D(2024, 10, 8)
    for state, offset in itertools.product(ObligationState, range(-40, 40)):
        target = classify(state, as_of + timedelta(days=offset), as_of)
        if target != state:
            assert any(TRANSITIONS[state].get(event) == target for event in sweep_events), (state, target)


def test_default_plan_is_small_and_explicit() -> None:
    as_of = D(2024, 10, 8)
    plan = plan_sweep(as_of, categories=CATEGORIES)
    all_cats = frozenset(CATEGORIES)
    swept = frozenset({S.PENDING, S.DUE_SOON, S.PARTIALLY_FULFILLED, S.OVERDUE})
    assert plan.steps == (
        SweepStep(S.BREACHED, swept, frozenset({CP}), all_cats, D(2024, 10, 8)),
        SweepStep(S.BREACHED, swept, frozenset({GOV, PartyRole.OTHER, PartyRole.UNKNOWN}), all_cats, D(2024, 9, 8)),
        SweepStep(
            S.OVERDUE,
            frozenset({S.PENDING, S.DUE_SOON, S.PARTIALLY_FULFILLED}),
            frozenset(PartyRole),
            all_cats,
            D(2024, 10, 8),
        ),
        SweepStep(S.DUE_SOON, frozenset({S.PENDING}), frozenset(PartyRole), all_cats, D(2024, 11, 8), D(2024, 10, 8)),
    )
    assert [(w.window, w.due_from, w.due_before) for w in plan.warnings] == [
        (30, D(2024, 10, 16), D(2024, 11, 8)),
        (7, D(2024, 10, 10), D(2024, 10, 16)),
        (1, D(2024, 10, 8), D(2024, 10, 10)),
    ]


@pytest.mark.parametrize(
    ("due", "as_of", "reached", "band"),
    [
        (D(2024, 10, 8), D(2024, 9, 7), [], None),  # 31 days
        (D(2024, 10, 8), D(2024, 9, 8), [30], 30),
        (D(2024, 10, 8), D(2024, 9, 30), [30], 30),  # 8 days
        (D(2024, 10, 8), D(2024, 10, 1), [30, 7], 7),
        (D(2024, 10, 8), D(2024, 10, 7), [30, 7, 1], 1),
        (D(2024, 10, 8), D(2024, 10, 8), [30, 7, 1], 1),  # due today
        (D(2024, 10, 8), D(2024, 10, 9), [], None),  # overdue: no more warnings
    ],
)
def test_due_warnings(due: date, as_of: date, reached: list[int], band: int | None) -> None:
    assert due_warnings(due, as_of, (1, 30, 7)) == reached
    assert warning_band(due, as_of) == band


def test_a_daily_sweep_issues_each_window_once() -> None:
    due, issued = D(2025, 2, 5), set[int]()
    log = []
    for day in range(45, -3, -1):
        band = warning_band(due, due - timedelta(days=day))
        if band is not None and band not in issued:
            issued.add(band)
            log.append((day, band))
    assert log == [(30, 30), (7, 7), (1, 1)]


@pytest.mark.parametrize(
    "make",
    [
        lambda: plan_sweep(
            D(2024, 1, 1), SweepPolicy(WarningPolicy(by_category={"bribes": (7,)})), categories=CATEGORIES
        ),
        lambda: plan_sweep(D(2024, 1, 1), SweepPolicy(grace=GracePolicy(by_role={GOV: -1})), categories=CATEGORIES),
        lambda: WarningPolicy(default=()).windows("land"),
        lambda: due_warnings(D(2024, 1, 1), D(2024, 1, 1), (7, -1)),
    ],
)
def test_invalid_policies(make: object) -> None:
    with pytest.raises(InvalidRule):
        make()  # type: ignore[operator]

from __future__ import annotations

from decimal import Decimal

import pytest

from trackers.errors import InvalidRule
from trackers.ppp import Affordability, AffordabilityPolicy, affordability, expenditure, payable

D = Decimal


@pytest.mark.parametrize(
    ("spent", "budget", "status", "new_ppp", "new_gov_pay"),
    [
        (D(0), D(1000), Affordability.WITHIN_LIMITS, True, True),
        (D(50), D(1000), Affordability.WITHIN_LIMITS, True, True),  # exactly 5 %: still allowed
        (D("50.01"), D(1000), Affordability.GOVERNMENT_PAY_BLOCKED, True, False),
        (D(100), D(1000), Affordability.GOVERNMENT_PAY_BLOCKED, True, False),  # exactly 10 %
        (D("100.01"), D(1000), Affordability.RED_LINE_BREACHED, False, False),
        (D(10), None, Affordability.NO_BUDGET, False, False),
        (D(10), D(0), Affordability.NO_BUDGET, False, False),
    ],
)
def test_affordability_thresholds(
    spent: Decimal, budget: Decimal | None, status: Affordability, new_ppp: bool, new_gov_pay: bool
) -> None:
    result = affordability(spent, budget)
    assert result.status == status
    assert result.new_ppp_allowed is new_ppp
    assert result.new_government_pay_allowed is new_gov_pay


def test_thresholds_are_configurable() -> None:
    policy = AffordabilityPolicy(red_line=D("0.08"), government_pay_limit=D("0.03"))
    assert affordability(D(90), D(1000), policy).status == Affordability.RED_LINE_BREACHED
    assert affordability(D(40), D(1000), policy).status == Affordability.GOVERNMENT_PAY_BLOCKED
    assert affordability(D(40), D(1000), policy).share == D("0.0400")
    with pytest.raises(InvalidRule):
        AffordabilityPolicy(red_line=D("0.05"), government_pay_limit=D("0.10"))


@pytest.mark.parametrize(
    ("planned", "score", "expected"),
    [
        (D(1000), None, D(1000)),
        (D(1000), D(100), D("1000.00")),
        (D(1000), D("87.5"), D("875.00")),
        (D(1000), D(0), D(0)),
    ],
)
def test_performance_scales_payments(planned: Decimal, score: Decimal | None, expected: Decimal) -> None:
    assert payable(planned, score) == expected


def test_bad_score_and_expenditure_sum() -> None:
    with pytest.raises(InvalidRule):
        payable(D(1), D(101))
    # payable 800, paid 0 → 800; payable 500 but 600 paid → 600
    assert expenditure([(D(1000), D(80), D(0)), (D(500), None, D(600))]) == D(1400)

"""PPP money: what the government owes per year after performance assessment, and fiscal affordability.

财政承受能力 (fiscal affordability): all PPP fiscal expenditure of one government level in a year must not
exceed ``red_line`` (default 10 %) of that year's general public budget expenditure (一般公共预算支出);
above ``government_pay_limit`` (default 5 %) no new government-pay (政府付费) projects may start::

    share ≤ 5 %            → within_limits
    5 % < share ≤ 10 %     → government_pay_blocked   (no new 政府付费 projects)
    share > 10 %           → red_line_breached        (no new PPP projects at all)
    no budget entered      → no_budget                (cannot be judged; enter the budget first)

Payments scale with the performance assessment (绩效考核): ``payable = planned × score / 100`` (a score
is 0–100; no score yet → the planned amount). Expenditure counts what is payable, or what was paid when
more was paid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from trackers.errors import InvalidRule

HUNDRED = Decimal(100)


class Affordability(StrEnum):
    WITHIN_LIMITS = "within_limits"
    GOVERNMENT_PAY_BLOCKED = "government_pay_blocked"
    RED_LINE_BREACHED = "red_line_breached"
    NO_BUDGET = "no_budget"


@dataclass(frozen=True, slots=True)
class AffordabilityPolicy:
    red_line: Decimal = Decimal("0.10")
    government_pay_limit: Decimal = Decimal("0.05")

    def __post_init__(self) -> None:
        if not 0 < self.government_pay_limit <= self.red_line <= 1:
            raise InvalidRule(
                f"need 0 < government-pay limit ({self.government_pay_limit}) ≤ red line ({self.red_line}) ≤ 1"
            )


@dataclass(frozen=True, slots=True)
class AffordabilityResult:
    expenditure: Decimal
    budget: Decimal | None
    share: Decimal | None  # expenditure / budget, 4 decimals
    status: Affordability
    new_ppp_allowed: bool
    new_government_pay_allowed: bool


def payable(planned: Decimal, performance_score: Decimal | None) -> Decimal:
    """What the government owes after the assessment: ``planned × score / 100`` (score clamped 0–100)."""
    if performance_score is None:
        return planned
    if not 0 <= performance_score <= HUNDRED:
        raise InvalidRule(f"a performance score is between 0 and 100, not {performance_score}")
    return (planned * performance_score / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expenditure(payments: Iterable[tuple[Decimal, Decimal | None, Decimal]]) -> Decimal:
    """Sum over ``(planned, score, paid)``: the larger of what is payable and what was paid."""
    return sum((max(payable(planned, score), paid) for planned, score, paid in payments), Decimal(0))


def affordability(
    expenditure_total: Decimal, budget: Decimal | None, policy: AffordabilityPolicy | None = None
) -> AffordabilityResult:
    policy = policy or AffordabilityPolicy()
    if budget is None or budget <= 0:
        return AffordabilityResult(expenditure_total, budget, None, Affordability.NO_BUDGET, False, False)
    share = expenditure_total / budget
    if share > policy.red_line:
        status = Affordability.RED_LINE_BREACHED
    elif share > policy.government_pay_limit:
        status = Affordability.GOVERNMENT_PAY_BLOCKED
    else:
        status = Affordability.WITHIN_LIMITS
    return AffordabilityResult(
        expenditure_total,
        budget,
        share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        status,
        status != Affordability.RED_LINE_BREACHED,
        status == Affordability.WITHIN_LIMITS,
    )

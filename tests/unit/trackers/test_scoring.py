from __future__ import annotations

from decimal import Decimal

import pytest

from trackers.errors import InvalidCounts
from trackers.failures import Severity
from trackers.scoring import FailureTally, Grade, IntegrityScore, PeriodCounts, ScoringPolicy, integrity_score

Sv = Severity


def dec(text: str) -> Decimal:
    return Decimal(text)


@pytest.mark.parametrize(
    ("counts", "score", "grade", "rate", "deductions"),
    [
        # nothing fell due, no failures
        (PeriodCounts(), "100.0", Grade.A, None, "0"),
        (PeriodCounts(due=10, fulfilled_on_time=10), "100.0", Grade.A, "1.0000", "0"),
        # r = (3 + 0)/4 = 0.75 → 100 − 40·0.25 = 90 → A (boundary)
        (PeriodCounts(due=4, fulfilled_on_time=3, overdue=1), "90.0", Grade.A, "0.7500", "0"),
        # r = (3 + ½)/4 = 0.875 → 95
        (PeriodCounts(due=4, fulfilled_on_time=3, fulfilled_late=1), "95.0", Grade.A, "0.8750", "0"),
        # r = (6 + ½·2)/10 = 0.7 → 88; one standing general failure −5 → 83
        (
            PeriodCounts(
                due=10,
                fulfilled_on_time=6,
                fulfilled_late=2,
                overdue=1,
                breached=1,
                failures={Sv.GENERAL: FailureTally(standing=1)},
            ),
            "83.0",
            Grade.B,
            "0.7000",
            "5",
        ),
        # r = 3/8 = 0.375 → 100 − 25 = 75 → B (boundary)
        (PeriodCounts(due=8, fulfilled_on_time=3, breached=5), "75.0", Grade.B, "0.3750", "0"),
        # r = 2/3 → 100 − 13.33… = 86.7
        (PeriodCounts(due=3, fulfilled_on_time=2, overdue=1), "86.7", Grade.B, "0.6667", "0"),
        # r = 0 → 60 → C (boundary)
        (PeriodCounts(due=1, overdue=1), "60.0", Grade.C, "0.0000", "0"),
        # r = (12 + ½·4)/20 = 0.7 → 88; D = 15·1 + 5·(½·2) + 2·0 = 20 → 68 → C
        (
            PeriodCounts(
                due=20,
                fulfilled_on_time=12,
                fulfilled_late=4,
                breached=4,
                failures={
                    Sv.SERIOUS: FailureTally(standing=1),
                    Sv.GENERAL: FailureTally(rectified=2),
                    Sv.MINOR: FailureTally(repaired=3),
                },
            ),
            "68.0",
            Grade.C,
            "0.7000",
            "20.0",
        ),
        # 100 − 15 = 85 would be B, but a standing serious failure caps the grade at C
        (
            PeriodCounts(due=4, fulfilled_on_time=4, failures={Sv.SERIOUS: FailureTally(standing=1)}),
            "85.0",
            Grade.C,
            "1.0000",
            "15",
        ),
        # once rectified the cap lifts: 100 − 7.5 = 92.5 → A
        (
            PeriodCounts(due=4, fulfilled_on_time=4, failures={Sv.SERIOUS: FailureTally(rectified=1)}),
            "92.5",
            Grade.A,
            "1.0000",
            "7.5",
        ),
        # repaired failures stop counting
        (
            PeriodCounts(due=4, fulfilled_on_time=4, failures={Sv.SERIOUS: FailureTally(repaired=2)}),
            "100.0",
            Grade.A,
            "1.0000",
            "0.0",
        ),
        # r = 1/3 → 100 − 26.67 − 4 (two minor) = 69.3 → C
        (
            PeriodCounts(due=3, fulfilled_on_time=1, overdue=2, failures={Sv.MINOR: FailureTally(standing=2)}),
            "69.3",
            Grade.C,
            "0.3333",
            "4",
        ),
        # 100 − 40 − 75 = −15 → 0 → D
        (
            PeriodCounts(due=10, breached=10, failures={Sv.SERIOUS: FailureTally(standing=5)}),
            "0.0",
            Grade.D,
            "0.0000",
            "75",
        ),
        # r = 0.5 → 80; D = 5·(1 standing + ½·1 rectified) = 7.5 → 72.5 → C
        (
            PeriodCounts(
                due=2,
                fulfilled_on_time=1,
                overdue=1,
                failures={Sv.GENERAL: FailureTally(standing=1, rectified=1)},
            ),
            "72.5",
            Grade.C,
            "0.5000",
            "7.5",
        ),
    ],
)
def test_integrity_score(counts: PeriodCounts, score: str, grade: Grade, rate: str | None, deductions: str) -> None:
    result = integrity_score(counts)
    assert result == IntegrityScore(dec(score), grade, dec(rate) if rate else None, dec(deductions))


def test_a_custom_policy() -> None:
    policy = ScoringPolicy(fulfilment_weight=Decimal(50), late_credit=Decimal(0))
    result = integrity_score(PeriodCounts(due=4, fulfilled_on_time=2, fulfilled_late=2), policy)
    assert (result.score, result.grade) == (Decimal("75.0"), Grade.B)


@pytest.mark.parametrize(
    "counts",
    [
        PeriodCounts(due=2, fulfilled_on_time=2, breached=1),
        PeriodCounts(due=-1),
        PeriodCounts(due=1, failures={Sv.MINOR: FailureTally(standing=-1)}),
    ],
)
def test_counts_that_do_not_add_up(counts: PeriodCounts) -> None:
    with pytest.raises(InvalidCounts):
        integrity_score(counts)

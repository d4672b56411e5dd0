"""An organisation's integrity score (0–100) and grade for a period, from counts the app aggregates.

Formula (``ScoringPolicy()`` defaults)::

    r      = (fulfilled_on_time + ½ · fulfilled_late) / due          (r = 1 when nothing fell due)
    D      = Σ over severities  weight[sev] · (standing + ½ · rectified + 0 · repaired)
             weight: minor 2, general 5, serious 15
    score  = clamp(100 − 40 · (1 − r) − D, 0, 100), rounded half-up to one decimal
    grade  = A ≥ 90 > B ≥ 75 > C ≥ 60 > D;   a standing serious failure caps the grade at C

* ``due`` — obligations of the organisation whose (effective) due date fell in the period; each is in
  exactly one of fulfilled on time, fulfilled late, overdue, breached, or still partially fulfilled, so
  ``fulfilled_on_time + fulfilled_late + overdue + breached <= due``. Overdue and breached obligations
  earn nothing toward ``r``; breaches also cost through their failure records.
* failures — integrity-failure findings against the organisation, by severity: ``standing`` (state
  ``found``), ``rectified`` (``found_rectified``: half weight), ``repaired`` (no weight: stops counting).
  Objected records await a decision and are not counted; withdrawn, dismissed and rectified-before-finding
  records never count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from trackers.errors import InvalidCounts
from trackers.failures import Severity


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


@dataclass(frozen=True, slots=True)
class FailureTally:
    standing: int = 0  # found
    rectified: int = 0  # found_rectified
    repaired: int = 0  # repaired


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    due: int = 0
    fulfilled_on_time: int = 0
    fulfilled_late: int = 0
    overdue: int = 0
    breached: int = 0
    failures: Mapping[Severity, FailureTally] = field(default_factory=dict)


def _default_weights() -> dict[Severity, Decimal]:
    return {Severity.MINOR: Decimal(2), Severity.GENERAL: Decimal(5), Severity.SERIOUS: Decimal(15)}


@dataclass(frozen=True, slots=True)
class ScoringPolicy:
    fulfilment_weight: Decimal = Decimal(40)
    late_credit: Decimal = Decimal("0.5")
    rectified_credit: Decimal = Decimal("0.5")  # share of the deduction a rectified failure still costs
    weights: Mapping[Severity, Decimal] = field(default_factory=_default_weights)
    grade_floors: tuple[tuple[Grade, Decimal], ...] = (
        (Grade.A, Decimal(90)),
        (Grade.B, Decimal(75)),
        (Grade.C, Decimal(60)),
    )
    serious_caps_at: Grade = Grade.C


@dataclass(frozen=True, slots=True)
class IntegrityScore:
    score: Decimal  # 0.0–100.0, one decimal
    grade: Grade
    fulfilment_rate: Decimal | None  # r, 4 decimals; None when nothing fell due
    deductions: Decimal  # D, before clamping


def _check(counts: PeriodCounts) -> None:
    numbers = {f.name: getattr(counts, f.name) for f in fields(counts) if f.name != "failures"}
    for severity, tally in counts.failures.items():
        for f in fields(tally):
            numbers[f"{severity}.{f.name}"] = getattr(tally, f.name)
    negative = sorted(name for name, value in numbers.items() if value < 0)
    if negative:
        raise InvalidCounts(f"counts cannot be negative: {', '.join(negative)}")
    settled = counts.fulfilled_on_time + counts.fulfilled_late + counts.overdue + counts.breached
    if settled > counts.due:
        raise InvalidCounts(f"{settled} obligations are fulfilled, overdue or breached but only {counts.due} fell due")


def _grade(score: Decimal, policy: ScoringPolicy) -> Grade:
    for grade, floor in policy.grade_floors:
        if score >= floor:
            return grade
    return Grade.D


def integrity_score(counts: PeriodCounts, policy: ScoringPolicy | None = None) -> IntegrityScore:
    policy = policy or ScoringPolicy()
    _check(counts)
    if counts.due:
        rate = (Decimal(counts.fulfilled_on_time) + policy.late_credit * counts.fulfilled_late) / counts.due
    else:
        rate = Decimal(1)
    deductions = sum(
        (
            policy.weights[severity] * (tally.standing + policy.rectified_credit * tally.rectified)
            for severity, tally in counts.failures.items()
        ),
        Decimal(0),
    )
    raw = Decimal(100) - policy.fulfilment_weight * (1 - rate) - deductions
    score = min(max(raw, Decimal(0)), Decimal(100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    grade = _grade(score, policy)
    serious = counts.failures.get(Severity.SERIOUS, FailureTally())
    order = list(Grade)
    if serious.standing and order.index(grade) < order.index(policy.serious_caps_at):
        grade = policy.serious_caps_at
    shown_rate = rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if counts.due else None
    return IntegrityScore(score, grade, shown_rate, deductions)

from __future__ import annotations

from datetime import date

import pytest

from trackers.calendar import effective_due
from trackers.errors import InvalidRule
from trackers.recurrence import Frequency, InstancePeriod, RecurrenceRule, instances, parse_rrule, period_of

D = date
F = Frequency


@pytest.mark.parametrize(
    ("rrule", "expected"),
    [
        ("RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30", RecurrenceRule(F.YEARLY, month=6, day=30)),
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1", RecurrenceRule(F.YEARLY, month=3)),
        ("rrule:freq=yearly;bymonth=12;bymonthday=-1", RecurrenceRule(F.YEARLY, month=12)),
        ("RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTH=6,12;BYMONTHDAY=-1", RecurrenceRule(F.HALF_YEARLY)),
        ("RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1", RecurrenceRule(F.QUARTERLY)),
        (
            "RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1;X-DAYS-AFTER=15",
            RecurrenceRule(F.QUARTERLY, days_after_period=15),
        ),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=10", RecurrenceRule(F.MONTHLY, day=10)),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=-1", RecurrenceRule(F.MONTHLY)),
        ("RRULE:FREQ=WEEKLY", RecurrenceRule(F.WEEKLY, anchored=True)),
        # no BY… part: the periods count from the start event (RFC 5545's DTSTART)
        ("RRULE:FREQ=YEARLY;COUNT=3", RecurrenceRule(F.YEARLY, count=3, anchored=True)),
        ("RRULE:FREQ=MONTHLY;INTERVAL=3;COUNT=4", RecurrenceRule(F.QUARTERLY, count=4, anchored=True)),
        ("RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30;COUNT=3", RecurrenceRule(F.YEARLY, month=6, day=30, count=3)),
        ("RRULE:FREQ=DAILY", None),
        ("RRULE:FREQ=YEARLY;INTERVAL=2", None),
        ("RRULE:FREQ=MONTHLY;INTERVAL=5", None),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_rrule(rrule: str | None, expected: RecurrenceRule | None) -> None:
    assert parse_rrule(rrule) == expected


@pytest.mark.parametrize(
    "rrule", ["RRULE:FREQ=YEARLY;BYMONTH=x", "RRULE:FREQ=YEARLY;BYMONTH=13", "FREQ=WEEKLY;COUNT=0"]
)
def test_malformed_rrules_are_refused(rrule: str) -> None:
    with pytest.raises(InvalidRule):
        parse_rrule(rrule)


@pytest.mark.parametrize(
    ("rule", "start", "until", "expected"),
    [
        (  # 每年6月30日前, signed 2024-03-15
            RecurrenceRule(F.YEARLY, month=6, day=30),
            D(2024, 3, 15),
            D(2026, 12, 31),
            [D(2024, 6, 30), D(2025, 6, 30), D(2026, 6, 30)],
        ),
        (  # signed on 06-30: that day's instance is not due the same day
            RecurrenceRule(F.YEARLY, month=6, day=30),
            D(2024, 6, 30),
            D(2026, 6, 30),
            [D(2025, 6, 30), D(2026, 6, 30)],
        ),
        (  # 每年2月底 clamps in common years
            RecurrenceRule(F.YEARLY, month=2, day=29),
            D(2023, 1, 1),
            D(2025, 12, 31),
            [D(2023, 2, 28), D(2024, 2, 29), D(2025, 2, 28)],
        ),
        (RecurrenceRule(F.YEARLY), D(2024, 12, 31), D(2026, 12, 31), [D(2025, 12, 31), D(2026, 12, 31)]),
        (
            RecurrenceRule(F.HALF_YEARLY),
            D(2024, 5, 1),
            D(2025, 12, 31),
            [D(2024, 6, 30), D(2024, 12, 31), D(2025, 6, 30), D(2025, 12, 31)],
        ),
        (
            RecurrenceRule(F.QUARTERLY),
            D(2024, 8, 20),
            D(2025, 6, 30),
            [D(2024, 9, 30), D(2024, 12, 31), D(2025, 3, 31), D(2025, 6, 30)],
        ),
        (  # 每季度结束后15日内: Q4 2024 falls due in January 2025
            RecurrenceRule(F.QUARTERLY, days_after_period=15),
            D(2025, 1, 1),
            D(2025, 7, 31),
            [D(2025, 1, 15), D(2025, 4, 15), D(2025, 7, 15)],
        ),
        (
            RecurrenceRule(F.MONTHLY),
            D(2024, 1, 15),
            D(2024, 4, 30),
            [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30)],
        ),
        (
            RecurrenceRule(F.MONTHLY, day=31),
            D(2025, 1, 31),
            D(2025, 4, 30),
            [D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30)],
        ),
        (
            RecurrenceRule(F.MONTHLY, day=10, count=2),
            D(2024, 9, 10),
            D(2025, 12, 31),
            [D(2024, 10, 10), D(2024, 11, 10)],
        ),
        (
            RecurrenceRule(F.WEEKLY, anchored=True),
            D(2024, 9, 27),
            D(2024, 10, 18),
            [D(2024, 10, 4), D(2024, 10, 11), D(2024, 10, 18)],
        ),
        (  # 投产后连续三年, production started 2024-02-29
            RecurrenceRule(F.YEARLY, count=3, anchored=True),
            D(2024, 2, 29),
            D(2030, 12, 31),
            [D(2025, 2, 28), D(2026, 2, 28), D(2027, 2, 28)],
        ),
        (  # until cuts the series short
            RecurrenceRule(F.YEARLY, count=3, anchored=True),
            D(2024, 6, 15),
            D(2026, 6, 14),
            [D(2025, 6, 15)],
        ),
        (  # 连续三年每年6月30日前
            RecurrenceRule(F.YEARLY, month=6, day=30, count=3),
            D(2024, 7, 1),
            D(2035, 1, 1),
            [D(2025, 6, 30), D(2026, 6, 30), D(2027, 6, 30)],
        ),
        (
            RecurrenceRule(F.QUARTERLY, anchored=True, count=2),
            D(2024, 11, 30),
            D(2026, 1, 1),
            [D(2025, 2, 28), D(2025, 5, 30)],
        ),
        (RecurrenceRule(F.MONTHLY), D(2024, 5, 1), D(2024, 4, 1), []),
    ],
)
def test_instances(rule: RecurrenceRule, start: date, until: date, expected: list[date]) -> None:
    assert instances(rule, start, until) == expected


def test_instances_then_shift_off_rest_days() -> None:
    rule = parse_rrule("RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1;X-DAYS-AFTER=15")
    assert rule is not None
    nominal = instances(rule, D(2024, 12, 31), D(2025, 12, 31))
    shifted = [effective_due(d).date for d in nominal]
    # 2025-04-15 Tue, 2025-07-15 Tue, 2025-10-15 Wed, 2025-01-15 Wed: all working days
    assert shifted == nominal == [D(2025, 1, 15), D(2025, 4, 15), D(2025, 7, 15), D(2025, 10, 15)]
    june = instances(RecurrenceRule(F.YEARLY, month=6, day=30), D(2024, 1, 1), D(2029, 12, 31))
    assert [(d.isoformat(), effective_due(d).date.isoformat(), effective_due(d).provisional) for d in june] == [
        ("2024-06-30", "2024-07-01", False),  # Sunday
        ("2025-06-30", "2025-06-30", False),
        ("2026-06-30", "2026-06-30", False),
        ("2027-06-30", "2027-06-30", True),
        ("2028-06-30", "2028-06-30", True),
        ("2029-06-30", "2029-07-02", True),  # Saturday
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"frequency": F.YEARLY, "month": 13},
        {"frequency": F.MONTHLY, "day": 0},
        {"frequency": F.YEARLY, "count": 0},
        {"frequency": F.QUARTERLY, "days_after_period": -1},
        {"frequency": F.MONTHLY, "month": 6},
    ],
)
def test_invalid_rules(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRule):
        RecurrenceRule(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rrule", "nominal", "period"),
    [
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1", date(2025, 12, 31), InstancePeriod(Frequency.YEARLY, 2025)),
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31", date(2026, 3, 31), InstancePeriod(Frequency.YEARLY, 2026)),
        (
            "FREQ=MONTHLY;INTERVAL=6;BYMONTH=6,12;BYMONTHDAY=-1",
            date(2026, 6, 30),
            InstancePeriod(Frequency.HALF_YEARLY, 2026, 1),
        ),
        (
            "FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1;X-DAYS-AFTER=15",
            date(2026, 1, 15),
            InstancePeriod(Frequency.QUARTERLY, 2025, 4),
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=10", date(2026, 2, 10), InstancePeriod(Frequency.MONTHLY, 2026, 2)),
    ],
)
def test_an_instance_names_the_calendar_period_it_is_for(rrule: str, nominal: date, period: InstancePeriod) -> None:
    rule = parse_rrule(rrule)
    assert rule is not None
    assert nominal in instances(rule, date(2025, 1, 1), date(2026, 12, 31))
    assert period_of(rule, nominal) == period


def test_weekly_and_anchored_instances_have_no_named_period() -> None:
    assert period_of(RecurrenceRule(Frequency.WEEKLY, anchored=True), date(2026, 3, 2)) is None
    assert period_of(RecurrenceRule(Frequency.YEARLY, count=3, anchored=True), date(2026, 3, 2)) is None

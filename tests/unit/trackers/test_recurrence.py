from __future__ import annotations

from datetime import date

import pytest

from trackers.calendar import effective_due
from trackers.errors import InvalidRule
from trackers.recurrence import Frequency, InstancePeriod, RecurrenceRule, instances, parse_recurrence, period_of

D = date
F = Frequency


@pytest.mark.parametrize(
    ("text", "deadline_text", "expected"),
    [
        ("每年", "每年6月30日前", RecurrenceRule(F.YEARLY, month=6, day=30)),
        ("每年6月30日前", None, RecurrenceRule(F.YEARLY, month=6, day=30)),
        (None, "每年十二月三十一日前报送", RecurrenceRule(F.YEARLY, month=12, day=31)),
        ("每年", "每年3月底前", RecurrenceRule(F.YEARLY, month=3)),
        ("每年", None, RecurrenceRule(F.YEARLY)),
        ("按年", None, RecurrenceRule(F.YEARLY)),
        ("逐年", "逐年拨付", RecurrenceRule(F.YEARLY)),
        ("每年", "每年上半年", RecurrenceRule(F.YEARLY, month=6)),
        ("每年", "每年第一季度", RecurrenceRule(F.YEARLY, month=3)),
        ("每年", "每年年底前", RecurrenceRule(F.YEARLY, month=12)),
        ("每半年", None, RecurrenceRule(F.HALF_YEARLY)),
        ("每季度", None, RecurrenceRule(F.QUARTERLY)),
        ("每季", "每季报送", RecurrenceRule(F.QUARTERLY)),
        ("按季", None, RecurrenceRule(F.QUARTERLY)),
        ("每季度", "每季度结束后15日内", RecurrenceRule(F.QUARTERLY, days_after_period=15)),
        ("每季度", "每季度终了后十日内", RecurrenceRule(F.QUARTERLY, days_after_period=10)),
        ("每月", None, RecurrenceRule(F.MONTHLY)),
        ("每月", "每月10日前", RecurrenceRule(F.MONTHLY, day=10)),
        ("按月", "按月支付", RecurrenceRule(F.MONTHLY)),
        ("每周", None, RecurrenceRule(F.WEEKLY, anchored=True)),
        ("连续三年", None, RecurrenceRule(F.YEARLY, count=3, anchored=True)),
        ("连续3年", "投产后连续3年", RecurrenceRule(F.YEARLY, count=3, anchored=True)),
        ("连续三年", "连续三年每年6月30日前", RecurrenceRule(F.YEARLY, month=6, day=30, count=3)),
        ("连续五年", "连续五年每季度", RecurrenceRule(F.QUARTERLY, count=5)),
        ("yearly", None, RecurrenceRule(F.YEARLY)),
        ("quarterly", None, RecurrenceRule(F.QUARTERLY)),
        ("monthly", None, RecurrenceRule(F.MONTHLY)),
        ("weekly", None, RecurrenceRule(F.WEEKLY, anchored=True)),
        ("RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30", None, RecurrenceRule(F.YEARLY, month=6, day=30)),
        ("RRULE:FREQ=MONTHLY;INTERVAL=3;COUNT=4", None, RecurrenceRule(F.QUARTERLY, count=4)),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=-1", None, RecurrenceRule(F.MONTHLY)),
        ("RRULE:FREQ=DAILY", None, None),
        ("定期", "定期报告", None),
        ("不定期", None, None),
        ("periodic", None, None),
        (None, None, None),
        ("", "  ", None),
    ],
)
def test_parse_recurrence(text: str | None, deadline_text: str | None, expected: RecurrenceRule | None) -> None:
    assert parse_recurrence(text, deadline_text) == expected


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
    rule = parse_recurrence("每季度", "每季度结束后15日内")
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
    ("recurrence", "deadline", "nominal", "period"),
    [
        ("每年", "每年12月31日前", date(2025, 12, 31), InstancePeriod(Frequency.YEARLY, 2025)),
        ("每年", "每年3月31日前", date(2026, 3, 31), InstancePeriod(Frequency.YEARLY, 2026)),
        ("每半年", None, date(2026, 6, 30), InstancePeriod(Frequency.HALF_YEARLY, 2026, 1)),
        ("每季度", "每季度结束后15日内", date(2026, 1, 15), InstancePeriod(Frequency.QUARTERLY, 2025, 4)),
        ("每月", "每月10日前", date(2026, 2, 10), InstancePeriod(Frequency.MONTHLY, 2026, 2)),
    ],
)
def test_an_instance_names_the_calendar_period_it_is_for(
    recurrence: str, deadline: str | None, nominal: date, period: InstancePeriod
) -> None:
    rule = parse_recurrence(recurrence, deadline)
    assert rule is not None
    assert nominal in instances(rule, date(2025, 1, 1), date(2026, 12, 31))
    assert period_of(rule, nominal) == period


def test_weekly_and_anchored_instances_have_no_named_period() -> None:
    assert period_of(RecurrenceRule(Frequency.WEEKLY, anchored=True), date(2026, 3, 2)) is None
    assert period_of(RecurrenceRule(Frequency.YEARLY, count=3, anchored=True), date(2026, 3, 2)) is None

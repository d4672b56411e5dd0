"""Schedules read from words become RRULEs; each row is read back by ``trackers.parse_rrule`` into the rule
the tracker counts, so the two packages agree on every phrase form."""

from __future__ import annotations

import pytest

from extractors.recurrence import schedule_rrule
from trackers.recurrence import Frequency, RecurrenceRule, parse_rrule

F = Frequency


@pytest.mark.parametrize(
    ("recurrence", "text", "expected"),
    [
        ("每年", "每年6月30日前", RecurrenceRule(F.YEARLY, month=6, day=30)),
        ("每年6月30日前", None, RecurrenceRule(F.YEARLY, month=6, day=30)),
        (None, "每年十二月三十一日前报送", RecurrenceRule(F.YEARLY, month=12, day=31)),
        ("每年", "每年3月底前", RecurrenceRule(F.YEARLY, month=3)),
        ("每年", None, RecurrenceRule(F.YEARLY, month=12)),
        ("按年", None, RecurrenceRule(F.YEARLY, month=12)),
        ("逐年", "逐年拨付", RecurrenceRule(F.YEARLY, month=12)),
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
        ("yearly", None, RecurrenceRule(F.YEARLY, month=12)),
        ("quarterly", None, RecurrenceRule(F.QUARTERLY)),
        ("monthly", None, RecurrenceRule(F.MONTHLY)),
        ("weekly", None, RecurrenceRule(F.WEEKLY, anchored=True)),
        ("RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30", None, RecurrenceRule(F.YEARLY, month=6, day=30)),
        ("FREQ=MONTHLY;INTERVAL=1", None, RecurrenceRule(F.MONTHLY, anchored=True)),
    ],
)
def test_schedules_become_rrules_the_tracker_reads(
    recurrence: str | None, text: str | None, expected: RecurrenceRule
) -> None:
    rrule = schedule_rrule(recurrence, text)
    assert rrule is not None
    assert rrule.startswith("RRULE:FREQ=")
    assert parse_rrule(rrule) == expected


@pytest.mark.parametrize(
    ("recurrence", "text"),
    [
        ("定期", "定期报告"),
        ("不定期", None),
        ("periodic", None),
        ("irregular", "不定期开展检查"),
        (None, None),
        ("", "  "),
    ],
)
def test_no_schedule_no_rrule(recurrence: str | None, text: str | None) -> None:
    assert schedule_rrule(recurrence, text) is None


@pytest.mark.parametrize("word", ["half-yearly", "Half-yearly reports", "submitted half_yearly"])
def test_half_yearly_is_not_yearly(word: str) -> None:
    """``yearly`` is inside ``half-yearly`` (a word boundary at the hyphen): the longer word is read first."""
    assert schedule_rrule(word) == "RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTH=6,12;BYMONTHDAY=-1"

"""A stored RRULE reads as Chinese a clerk can edit, and that Chinese reads back into the same RRULE."""

from __future__ import annotations

import pytest

from app.labels import schedule
from extractors.recurrence import schedule_rrule

RRULES = [
    "RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30",
    "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1",
    "RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTH=6,12;BYMONTHDAY=-1",
    "RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1;X-DAYS-AFTER=15",
    "RRULE:FREQ=MONTHLY;BYMONTHDAY=10",
    "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1",
    "RRULE:FREQ=WEEKLY",
    "RRULE:FREQ=YEARLY;COUNT=3",
    "RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30;COUNT=3",
]


@pytest.mark.parametrize("rrule", RRULES)
def test_the_chinese_wording_reads_back_into_the_same_rrule(rrule: str) -> None:
    words = schedule(rrule)
    assert "RRULE" not in words
    assert "FREQ" not in words
    assert schedule_rrule(words) == rrule


@pytest.mark.parametrize(
    ("rrule", "zh", "en"),
    [
        ("RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30", "每年6月30日前", "yearly by 30 Jun"),
        (
            "RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1;X-DAYS-AFTER=15",
            "每季度末后15日内",
            "quarterly, 15 days after each period",
        ),
        ("RRULE:FREQ=YEARLY;COUNT=3", "连续3年", "every year from the start, 3 times"),
    ],
)
def test_schedules_in_both_languages(rrule: str, zh: str, en: str) -> None:
    assert (schedule(rrule, "zh"), schedule(rrule, "en")) == (zh, en)


@pytest.mark.parametrize("value", ["定期", "periodic", "RRULE:FREQ=YEARLY;BYMONTH=x", "RRULE:FREQ=DAILY"])
def test_values_without_a_schedule_are_shown_as_stored(value: str) -> None:
    assert schedule(value) == value


def test_nothing_is_the_empty_string() -> None:
    assert schedule(None) == ""

"""Issue 12, point 11 (leftover): date fields show and take the Chinese forms, 2025-03-01 and 2025年3月1日,
whatever the browser's locale; an impossible day goes back beside its field with its own message."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import InvalidInput
from app.ui.forms import NoSuchDate, optional_date, parse_date, read_date, required_date
from app.ui.i18n import translator
from app.ui.render import field_message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", date(2025, 3, 1)),
        ("2025-3-1", date(2025, 3, 1)),
        (" 2024-02-29 ", date(2024, 2, 29)),  # a leap day
        ("2025年3月1日", date(2025, 3, 1)),
        ("2025年03月01日", date(2025, 3, 1)),
        ("2025 年 12 月 31 日", date(2025, 12, 31)),
        ("2025年6月30号", date(2025, 6, 30)),
        ("2025年6月30", date(2025, 6, 30)),
        ("２０２６年１１月２８日", date(2026, 11, 28)),  # full-width digits from a Chinese input method
        ("２０２６－１１－２８", date(2026, 11, 28)),
        ("03/01/2025", None),  # what an English-locale date picker shows: not read as either day
        ("01/03/2025", None),
        ("2025/3/1", None),
        ("2025.03.01", None),
        ("20250301", None),
        ("三月一日", None),
        ("2025年3月", None),
        ("", None),
    ],
)
def test_read_date_takes_both_chinese_forms_only(text: str, expected: date | None) -> None:
    assert read_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2025-02-29", "2023年2月29日", "2025-04-31", "2025年13月1日", "2025-00-10", "2025年6月0日"]
)
def test_a_day_the_calendar_lacks_is_no_such_date(text: str) -> None:
    with pytest.raises(NoSuchDate):
        read_date(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "no such date"),
        ("2025年2月30日", "no such date"),
        ("02/28/2025", "not a date"),
        ("", "not a date"),
        ("1900-01-01", "out of range"),
        ("2300年1月1日", "out of range"),
    ],
)
def test_required_date_names_its_field_and_why(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        required_date(text, "planned_on")
    assert refused.value.extra["errors"] == [{"key": "planned_on", "message": message}]


def test_the_refusals_read_in_chinese_beside_the_field() -> None:
    zh, en = translator("zh"), translator("en")
    assert zh(field_message("planned_on", "no such date")) == "日历上没有这一天，请检查月份和日期。"
    assert zh(field_message("fulfilled_on", "not a date")) == "请按“年-月-日”填写日期。"
    assert en(field_message("paid_on", "no such date")) == "The calendar has no such day; check the month and day."
    assert (zh("date.placeholder"), en("date.placeholder")) == ("年-月-日", "YYYY-MM-DD")


def test_optional_and_link_dates() -> None:
    assert optional_date("  ", "paid_on") is None
    assert optional_date("2026年1月5日", "paid_on") == date(2026, 1, 5)
    fallback = date(2026, 1, 1)
    assert parse_date("2026年2月3日", fallback) == date(2026, 2, 3)  # a list filter typed the Chinese way
    assert parse_date("2026-02-30", fallback) == fallback  # a link's impossible day: the default
    assert parse_date("12/31/2026", fallback) == fallback

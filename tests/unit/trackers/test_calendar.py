from __future__ import annotations

from datetime import date

import pytest

from trackers.calendar import (
    CalendarCoverage,
    DueDate,
    OfficialCalendar,
    add_months,
    add_workdays,
    coverage,
    covered,
    default_calendar,
    effective_due,
    is_workday,
    is_workday_assumed,
    next_workday,
    re_resolve,
    resolve_due,
    resolve_offset,
)
from trackers.errors import InvalidPeriod

D = date


def test_coverage_of_the_packaged_calendar() -> None:
    cov = coverage()
    assert (cov.first_year, cov.last_year) == (2004, 2026)
    assert cov.source.startswith("chinesecalendar")
    assert covered(2004)
    assert covered(2026)
    assert not covered(2003)
    assert not covered(2027)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 9, 28), False),  # Saturday
        (D(2024, 9, 29), True),  # Sunday, make-up working day for National Day
        (D(2024, 9, 30), True),
        (D(2024, 10, 1), False),
        (D(2024, 10, 4), False),  # Friday inside the holiday
        (D(2024, 10, 7), False),  # Monday inside the holiday
        (D(2024, 10, 8), True),
        (D(2024, 10, 12), True),  # Saturday, make-up working day
        (D(2024, 10, 13), False),
        (D(2025, 1, 26), True),  # Sunday, make-up for Spring Festival 2025
        (D(2025, 1, 28), False),  # 除夕 2025
        (D(2025, 2, 4), False),
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),  # Saturday, make-up
        (D(2026, 2, 14), True),  # Saturday, make-up for Spring Festival 2026
        (D(2026, 2, 16), False),
        (D(2026, 2, 23), False),  # Monday, last day of the 2026 holiday
        (D(2026, 2, 24), True),
        (D(2019, 4, 14), False),
        (D(2027, 1, 4), None),  # not covered
        (D(2003, 6, 2), None),
    ],
)
def test_is_workday(day: date, expected: bool | None) -> None:
    assert is_workday(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 10, 1), (False, False)),
        (D(2027, 1, 1), (True, True)),  # a Friday: assumed working day, provisional
        (D(2027, 1, 2), (False, True)),
    ],
)
def test_is_workday_assumed(day: date, expected: tuple[bool, bool]) -> None:
    assert is_workday_assumed(day) == expected


@pytest.mark.parametrize(
    ("nominal", "due", "provisional"),
    [
        (D(2019, 4, 14), D(2019, 4, 15), False),  # Sunday → Monday
        (D(2024, 9, 28), D(2024, 9, 29), False),  # Saturday → the make-up Sunday
        (D(2024, 9, 29), D(2024, 9, 29), False),  # make-up Sunday stays
        (D(2024, 9, 30), D(2024, 9, 30), False),
        (D(2024, 10, 1), D(2024, 10, 8), False),  # National Day 2024
        (D(2024, 10, 5), D(2024, 10, 8), False),
        (D(2024, 10, 7), D(2024, 10, 8), False),
        (D(2024, 10, 12), D(2024, 10, 12), False),  # make-up Saturday stays
        (D(2024, 10, 13), D(2024, 10, 14), False),
        (D(2025, 1, 28), D(2025, 2, 5), False),  # Spring Festival 2025
        (D(2025, 1, 26), D(2025, 1, 26), False),
        (D(2025, 2, 8), D(2025, 2, 8), False),
        (D(2025, 2, 9), D(2025, 2, 10), False),
        (D(2026, 2, 15), D(2026, 2, 24), False),  # Spring Festival 2026
        (D(2026, 2, 14), D(2026, 2, 14), False),
        (D(2026, 12, 31), D(2026, 12, 31), False),  # Thursday, covered
        (D(2027, 1, 1), D(2027, 1, 1), True),  # New Year 2027 unknown: a Friday, assumed working
        (D(2027, 1, 2), D(2027, 1, 4), True),  # Saturday → Monday, provisional
        (D(2027, 10, 1), D(2027, 10, 1), True),
        (D(2003, 2, 1), D(2003, 2, 3), True),  # before coverage: weekends only
    ],
)
def test_effective_due(nominal: date, due: date, provisional: bool) -> None:
    result = effective_due(nominal)
    assert result == DueDate(due, provisional, nominal)
    assert result.shifted is (due != nominal)


@pytest.mark.parametrize(
    ("day", "expected", "provisional"),
    [
        (D(2024, 9, 27), D(2024, 9, 29), False),
        (D(2024, 9, 30), D(2024, 10, 8), False),
        (D(2025, 1, 27), D(2025, 2, 5), False),
        (D(2026, 12, 31), D(2027, 1, 1), True),
        (D(2019, 4, 12), D(2019, 4, 15), False),
    ],
)
def test_next_workday(day: date, expected: date, provisional: bool) -> None:
    result = next_workday(day)
    assert (result.date, result.provisional) == (expected, provisional)


@pytest.mark.parametrize(
    ("anchor", "n", "expected", "provisional"),
    [
        (D(2024, 9, 27), 1, D(2024, 9, 29), False),  # Friday + 1 working day = the make-up Sunday
        (D(2024, 9, 27), 2, D(2024, 9, 30), False),
        (D(2024, 9, 27), 3, D(2024, 10, 8), False),
        (D(2024, 9, 30), 5, D(2024, 10, 12), False),  # 10-08..11 then the make-up Saturday
        (D(2025, 1, 24), 3, D(2025, 2, 5), False),  # 01-26 (Sun), 01-27, then after Spring Festival
        (D(2024, 9, 29), 1, D(2024, 9, 30), False),  # the anchor day is not counted
        (D(2019, 4, 12), 10, D(2019, 4, 26), False),
        (D(2026, 12, 30), 3, D(2027, 1, 4), True),  # counts into 2027
        (D(2027, 3, 1), 5, D(2027, 3, 8), True),
    ],
)
def test_add_workdays(anchor: date, n: int, expected: date, provisional: bool) -> None:
    assert add_workdays(anchor, n) == DueDate(expected, provisional, anchor)


@pytest.mark.parametrize("n", [0, -3])
def test_add_workdays_needs_a_positive_count(n: int) -> None:
    with pytest.raises(InvalidPeriod) as info:
        add_workdays(D(2024, 1, 1), n)
    assert info.value.unit == "workday"


@pytest.mark.parametrize(
    ("anchor", "value", "unit", "expected"),
    [
        (D(2019, 3, 15), 30, "day", D(2019, 4, 14)),  # 签订之日起30日内: signing day not counted
        (D(2024, 9, 1), 30, "day", D(2024, 10, 1)),
        (D(2024, 2, 28), 1, "day", D(2024, 2, 29)),
        (D(2024, 12, 20), 2, "week", D(2025, 1, 3)),
        (D(2024, 1, 31), 1, "month", D(2024, 2, 29)),  # leap year clamp
        (D(2025, 1, 31), 1, "month", D(2025, 2, 28)),
        (D(2025, 3, 31), 1, "month", D(2025, 4, 30)),
        (D(2023, 8, 31), 6, "month", D(2024, 2, 29)),
        (D(2024, 11, 30), 3, "month", D(2025, 2, 28)),
        (D(2024, 5, 15), 12, "month", D(2025, 5, 15)),
        (D(2024, 2, 29), 1, "year", D(2025, 2, 28)),
        (D(2024, 2, 29), 4, "year", D(2028, 2, 29)),
        (D(2024, 6, 30), 0, "day", D(2024, 6, 30)),
    ],
)
def test_resolve_offset(anchor: date, value: int, unit: str, expected: date) -> None:
    assert resolve_offset(anchor, value, unit) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "unit"), [(-1, "day"), (5, "workday"), (3, "fortnight")])
def test_resolve_offset_rejects(value: int, unit: str) -> None:
    with pytest.raises(InvalidPeriod):
        resolve_offset(D(2024, 1, 1), value, unit)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("anchor", "value", "unit", "expected", "nominal", "provisional"),
    [
        (D(2019, 3, 15), 30, "day", D(2019, 4, 15), D(2019, 4, 14), False),
        (D(2024, 9, 1), 30, "day", D(2024, 10, 8), D(2024, 10, 1), False),
        (D(2024, 9, 27), 3, "workday", D(2024, 10, 8), D(2024, 9, 27), False),
        (D(2025, 12, 2), 13, "month", D(2027, 1, 4), D(2027, 1, 2), True),
    ],
)
def test_resolve_due(anchor: date, value: int, unit: str, expected: date, nominal: date, provisional: bool) -> None:
    assert resolve_due(anchor, value, unit) == DueDate(expected, provisional, nominal)  # type: ignore[arg-type]


def test_add_months_matches_resolve_offset() -> None:
    assert add_months(D(2024, 1, 31), 13) == D(2025, 2, 28)
    assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)


# A newer calendar: the 2027 arrangement as it might be published (New Year 01-01..01-03 off, and an
# invented make-up Sunday 01-10 to exercise the rule).
NEWER = default_calendar().with_year(
    2027,
    holidays=frozenset({D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)}),
    makeup_workdays=frozenset({D(2027, 1, 10)}),
    source="State Council notice for 2027",
)


@pytest.mark.parametrize(
    ("nominal", "before", "after"),
    [
        (D(2027, 1, 1), (D(2027, 1, 1), True), (D(2027, 1, 4), False)),
        (D(2027, 1, 2), (D(2027, 1, 4), True), (D(2027, 1, 4), False)),
        (D(2027, 1, 9), (D(2027, 1, 11), True), (D(2027, 1, 10), False)),
        (D(2028, 1, 1), (D(2028, 1, 3), True), (D(2028, 1, 3), True)),  # 2028 still unknown
    ],
)
def test_re_resolve_with_a_newer_calendar(nominal: date, before: tuple[date, bool], after: tuple[date, bool]) -> None:
    assert effective_due(nominal) == DueDate(*before, nominal)
    assert re_resolve(nominal, NEWER) == DueDate(*after, nominal)


def test_newer_calendar_covers_the_new_year_and_counts_workdays() -> None:
    assert NEWER.coverage == CalendarCoverage(2004, 2027, "State Council notice for 2027")
    assert covered(2027, NEWER)
    assert not covered(2027)
    assert add_workdays(D(2026, 12, 30), 3, NEWER) == DueDate(D(2027, 1, 5), False, D(2026, 12, 30))
    assert is_workday(D(2024, 10, 1), NEWER) is False  # older years are kept


@pytest.mark.parametrize(
    ("year", "holidays"),
    [(2028, frozenset[date]()), (2027, frozenset({D(2028, 1, 1)}))],
)
def test_with_year_rejects(year: int, holidays: frozenset[date]) -> None:
    with pytest.raises(InvalidPeriod):
        default_calendar().with_year(year, holidays=holidays, makeup_workdays=frozenset())


def test_a_handmade_calendar_satisfies_the_protocol() -> None:
    class Weekends:
        coverage = CalendarCoverage(2000, 2100, "weekends")

        def is_workday(self, day: date) -> bool | None:
            return day.weekday() < 5

    assert effective_due(D(2024, 10, 1), Weekends()) == DueDate(D(2024, 10, 1), False, D(2024, 10, 1))
    assert OfficialCalendar.from_chinese_calendar() == default_calendar()

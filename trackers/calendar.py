"""The official working-day calendar and the Civil Code's rules for counting periods.

* art. 201 — a period counted in days, weeks, months or years starts the day after the event:
  "签订之日起30日内" ends on signing + 30 days.
* art. 202 — a month or year period ends on the same day of the month N months (years) later, or on that
  month's last day if it has no such day (Jan 31 + 1 month → Feb 28/29).
* art. 203 — a last day that is a rest day (weekend or statutory holiday) moves to the next working day.
  Rest days follow the State Council's yearly arrangement, which also turns some weekend days into working
  days (调休): Sunday 2024-09-29 and Saturday 2024-10-12 were working days.

The arrangement is published once a year (around November) for the next year. The calendar knows which
years it covers (``CalendarCoverage``); for a year it does not cover, rules fall back to "Saturday and
Sunday are rest days" and mark the result ``provisional``. When a newer calendar covers that year, call
``re_resolve(nominal, calendar)`` (or ``resolve_due`` again for working-day periods) for every provisional
due date and store the result.

A calendar is any object with ``coverage`` and ``is_workday(day) -> bool | None`` (``WorkCalendar``);
every function takes ``calendar=`` and defaults to ``default_calendar()`` (the ``chinesecalendar`` data).
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol

from dateutil.relativedelta import relativedelta

from trackers.errors import InvalidPeriod

PeriodUnit = Literal["day", "workday", "week", "month", "year"]

_MAX_WALK = 400  # longest rest-day run is 9 days; anything this long is a broken calendar


@dataclass(frozen=True, slots=True)
class CalendarCoverage:
    """The years (inclusive) for which a calendar holds the official arrangement."""

    first_year: int
    last_year: int
    source: str = ""

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class WorkCalendar(Protocol):
    @property
    def coverage(self) -> CalendarCoverage: ...

    def is_workday(self, day: date) -> bool | None:
        """True/False for a covered year; None when the year is not covered."""
        ...


@dataclass(frozen=True, slots=True)
class OfficialCalendar:
    """State Council arrangement: ``holidays`` are rest days (any weekday), ``makeup_workdays`` are weekend
    days worked (调休). Every other Monday–Friday is a working day and every other weekend day a rest day."""

    coverage: CalendarCoverage
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    @classmethod
    def from_chinese_calendar(cls) -> OfficialCalendar:
        import chinese_calendar

        holidays = frozenset(chinese_calendar.holidays)
        workdays = frozenset(chinese_calendar.workdays)
        version = getattr(chinese_calendar, "__version__", "")
        coverage = CalendarCoverage(min(holidays).year, max(holidays).year, f"chinesecalendar {version}".strip())
        return cls(coverage, holidays, workdays)

    def is_workday(self, day: date) -> bool | None:
        if not self.coverage.covers(day.year):
            return None
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def with_year(
        self, year: int, *, holidays: frozenset[date], makeup_workdays: frozenset[date], source: str = ""
    ) -> OfficialCalendar:
        """This calendar extended by the next year's published arrangement (before the package has it)."""
        if year != self.coverage.last_year + 1:
            raise InvalidPeriod(
                f"a calendar ending {self.coverage.last_year} extends by {self.coverage.last_year + 1} only",
                value=year,
                unit="year",
            )
        if any(d.year != year for d in holidays | makeup_workdays):
            raise InvalidPeriod(f"dates outside {year} in its arrangement", value=year, unit="year")
        coverage = CalendarCoverage(self.coverage.first_year, year, source or self.coverage.source)
        return OfficialCalendar(coverage, self.holidays | holidays, self.makeup_workdays | makeup_workdays)


@functools.cache
def default_calendar() -> OfficialCalendar:
    return OfficialCalendar.from_chinese_calendar()


@dataclass(frozen=True, slots=True)
class DueDate:
    """A due date after the rest-day shift. ``provisional`` when a year the calendar does not cover was
    involved (weekends only were assumed); ``nominal`` is the date before the shift."""

    date: _dt.date
    provisional: bool
    nominal: _dt.date

    @property
    def shifted(self) -> bool:
        return self.date != self.nominal


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else default_calendar()


def _workday(calendar: WorkCalendar, day: date) -> tuple[bool, bool]:
    """(is it a working day, was that a guess)."""
    official = calendar.is_workday(day)
    if official is None:
        return day.weekday() < 5, True
    return official, False


def coverage(calendar: WorkCalendar | None = None) -> CalendarCoverage:
    return _calendar(calendar).coverage


def covered(year: int, calendar: WorkCalendar | None = None) -> bool:
    return _calendar(calendar).coverage.covers(year)


def is_workday(day: date, calendar: WorkCalendar | None = None) -> bool | None:
    """Official answer, or None for a year the calendar does not cover (see ``is_workday_assumed``)."""
    return _calendar(calendar).is_workday(day)


def is_workday_assumed(day: date, calendar: WorkCalendar | None = None) -> tuple[bool, bool]:
    """``(workday, provisional)``: the official answer, or Monday–Friday for an uncovered year."""
    return _workday(_calendar(calendar), day)


def next_workday(day: date, calendar: WorkCalendar | None = None) -> DueDate:
    """The first working day strictly after ``day``."""
    return _first_workday_from(day + timedelta(days=1), _calendar(calendar), nominal=day)


def _first_workday_from(day: date, calendar: WorkCalendar, *, nominal: date) -> DueDate:
    provisional = False
    for _ in range(_MAX_WALK):
        workday, guessed = _workday(calendar, day)
        provisional = provisional or guessed
        if workday:
            return DueDate(day, provisional, nominal)
        day += timedelta(days=1)
    raise InvalidPeriod(f"no working day within {_MAX_WALK} days of {nominal}")  # pragma: no cover


def effective_due(nominal: date, calendar: WorkCalendar | None = None) -> DueDate:
    """Civil Code art. 203: a last day on a rest day moves to the next working day."""
    return _first_workday_from(nominal, _calendar(calendar), nominal=nominal)


def re_resolve(nominal: date, calendar: WorkCalendar) -> DueDate:
    """``effective_due`` under a (newer) calendar: run it over every stored provisional due date."""
    return effective_due(nominal, calendar)


def add_workdays(anchor: date, n: int, calendar: WorkCalendar | None = None) -> DueDate:
    """ "N个工作日内": the N-th working day after ``anchor`` (the anchor day itself is not counted).
    ``nominal`` is the anchor."""
    if n < 1:
        raise InvalidPeriod(f"a working-day period needs n >= 1, got {n}", value=n, unit="workday")
    cal = _calendar(calendar)
    day, counted, provisional = anchor, 0, False
    while counted < n:
        day += timedelta(days=1)
        workday, guessed = _workday(cal, day)
        provisional = provisional or guessed
        if workday:
            counted += 1
    return DueDate(day, provisional, anchor)


def days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def add_months(start: date, months: int) -> date:
    """Same day of the month ``months`` later, or that month's last day (Civil Code art. 202)."""
    result: date = start + relativedelta(months=months)
    return result


def resolve_offset(anchor: date, value: int, unit: PeriodUnit) -> date:
    """Nominal last day of a period of ``value`` ``unit``s counted from the event on ``anchor``, before the
    rest-day shift. Working-day periods need the calendar: use ``add_workdays`` or ``resolve_due``."""
    if value < 0:
        raise InvalidPeriod(f"a period cannot be negative: {value} {unit}", value=value, unit=unit)
    if unit == "day":
        return anchor + timedelta(days=value)
    if unit == "week":
        return anchor + timedelta(weeks=value)
    if unit == "month":
        return add_months(anchor, value)
    if unit == "year":
        return add_months(anchor, 12 * value)
    raise InvalidPeriod(f"{unit!r} periods need the calendar: use add_workdays", value=value, unit=unit)


def resolve_due(anchor: date, value: int, unit: PeriodUnit, calendar: WorkCalendar | None = None) -> DueDate:
    """The effective due date of any period: working days counted on the calendar, other units counted by
    arts. 201–202 then shifted off rest days (art. 203)."""
    if unit == "workday":
        return add_workdays(anchor, value, calendar)
    return effective_due(resolve_offset(anchor, value, unit), calendar)

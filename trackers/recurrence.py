"""Recurring obligations: a rule read from an RRULE, and the nominal due dates it generates.

    FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30               → yearly, month 6, day 30
    FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1              → yearly, by 12-31
    FREQ=MONTHLY;INTERVAL=6;BYMONTH=6,12;BYMONTHDAY=-1 → half-yearly, by 06-30 and 12-31
    FREQ=MONTHLY;INTERVAL=3;…;X-DAYS-AFTER=15         → quarterly, 15 days after each quarter end
    FREQ=MONTHLY;BYMONTHDAY=10                        → monthly, by the 10th (clamped to short months)
    FREQ=WEEKLY                                       → weekly, every 7 days after the start
    FREQ=YEARLY;COUNT=3                               → anchored yearly: the 1st, 2nd and 3rd anniversary

The schedule arrives as an RRULE: ``extractors.recurrence.schedule_rrule`` reads it from the deadline's words,
``parse_rrule`` here turns it into a ``RecurrenceRule`` — this package reads no Chinese.

``instances(rule, start, until)`` returns nominal due dates strictly after ``start`` (the start event's
own day is not counted, as for any period) and on or before ``until``; shift them with
``calendar.effective_due``. Anchored rules count periods from ``start`` (Civil Code art. 202 clamping).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from trackers.calendar import add_months, days_in_month
from trackers.errors import InvalidRule


class Frequency(StrEnum):
    YEARLY = "yearly"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    WEEKLY = "weekly"


_PERIOD_MONTHS = {
    Frequency.YEARLY: 12,
    Frequency.HALF_YEARLY: 6,
    Frequency.QUARTERLY: 3,
    Frequency.MONTHLY: 1,
}


@dataclass(frozen=True, slots=True)
class RecurrenceRule:
    frequency: Frequency
    month: int | None = None  # yearly: month of the due day (None: December)
    day: int | None = None  # yearly/monthly: day of the month, clamped to short months (None: last day)
    days_after_period: int = 0  # "每季度结束后15日内": due this many days after each period's end
    count: int | None = None  # only the first ``count`` instances (连续三年 → 3)
    anchored: bool = False  # periods counted from the start date instead of calendar periods

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidRule(f"no month {self.month}")
        if self.day is not None and not 1 <= self.day <= 31:
            raise InvalidRule(f"no day {self.day}")
        if self.count is not None and self.count < 1:
            raise InvalidRule(f"a recurrence needs at least one instance, got {self.count}")
        if self.days_after_period < 0:
            raise InvalidRule(f"days after a period cannot be negative: {self.days_after_period}")
        if self.month is not None and self.frequency is not Frequency.YEARLY:
            raise InvalidRule(f"a month applies to yearly rules only, not {self.frequency}")


def _on(year: int, month: int, day: int | None) -> date:
    last = days_in_month(year, month)
    return date(year, month, last if day is None else min(day, last))


_MONTHS_OF = {
    Frequency.HALF_YEARLY: (6, 12),
    Frequency.QUARTERLY: (3, 6, 9, 12),
    Frequency.MONTHLY: tuple(range(1, 13)),
}


def _calendar_due(rule: RecurrenceRule, start: date, k: int) -> date:
    """The k-th (0-based) calendar period's due date, counting from the first period of the year before
    ``start`` (a period ending in December may fall due in January)."""
    months = (rule.month or 12,) if rule.frequency is Frequency.YEARLY else _MONTHS_OF[rule.frequency]
    years, index = divmod(k, len(months))
    day = rule.day if rule.frequency in (Frequency.YEARLY, Frequency.MONTHLY) else None
    return _on(start.year - 1 + years, months[index], day) + timedelta(days=rule.days_after_period)


def instances(rule: RecurrenceRule, start: date, until: date) -> list[date]:
    """Nominal due dates in ``(start, until]``, oldest first, at most ``rule.count``."""
    result: list[date] = []
    after = timedelta(days=rule.days_after_period)
    k = 0
    while rule.count is None or len(result) < rule.count:
        if rule.frequency is Frequency.WEEKLY:
            due = start + timedelta(weeks=k + 1) + after
        elif rule.anchored:
            due = add_months(start, _PERIOD_MONTHS[rule.frequency] * (k + 1)) + after
        else:
            due = _calendar_due(rule, start, k)
        k += 1
        if due > until:
            break
        if due > start:
            result.append(due)
    return result


@dataclass(frozen=True, slots=True)
class InstancePeriod:
    """The calendar period one instance of a recurring obligation is for: ``number`` is the half, quarter or
    month of ``year`` (1 for a whole year)."""

    frequency: Frequency
    year: int
    number: int = 1


def period_of(rule: RecurrenceRule, nominal: date) -> InstancePeriod | None:
    """The calendar period of the instance with nominal due date ``nominal``: the one that contains the
    day ``rule.days_after_period`` before it (each period falls due at its end, or that many days after).
    None for weekly and anchored rules, whose periods are counted from a start day, not named."""
    if rule.frequency is Frequency.WEEKLY or rule.anchored:
        return None
    day = nominal - timedelta(days=rule.days_after_period)
    return InstancePeriod(rule.frequency, day.year, (day.month - 1) // _PERIOD_MONTHS[rule.frequency] + 1)


_FREQ = {"YEARLY": Frequency.YEARLY, "MONTHLY": Frequency.MONTHLY, "WEEKLY": Frequency.WEEKLY}
_EVERY_MONTHS = {1: Frequency.MONTHLY, 3: Frequency.QUARTERLY, 6: Frequency.HALF_YEARLY, 12: Frequency.YEARLY}


def _int(parts: dict[str, str], key: str) -> int | None:
    value = parts.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidRule(f"{key}={value} is not a number") from None


def parse_rrule(text: str | None) -> RecurrenceRule | None:
    """The rule of an RRULE (``RRULE:`` prefix optional) as ``extractors.recurrence`` writes it, or None for no
    schedule (empty, or a frequency this tracker does not keep: DAILY, every two years, …). BYMONTH and
    BYMONTHDAY make a calendar rule (BYMONTHDAY=-1: the month's last day); without them the periods count
    from the start event. ``X-DAYS-AFTER=n``: due n days after each period's end. Malformed: ``InvalidRule``."""
    if not text or not text.strip():
        return None
    body = text.strip().split()[0]
    body = body[6:] if body.upper().startswith("RRULE:") else body
    parts = {k.upper(): v for k, _, v in (p.partition("=") for p in body.split(";") if p)}
    freq = _FREQ.get(parts.get("FREQ", "").upper())
    if freq is None:
        return None
    interval = _int(parts, "INTERVAL") or 1
    if freq is Frequency.MONTHLY:
        if interval not in _EVERY_MONTHS:
            return None
        freq = _EVERY_MONTHS[interval]
    elif interval != 1:
        return None
    months = parts.get("BYMONTH")
    day = _int(parts, "BYMONTHDAY")
    anchored = freq is Frequency.WEEKLY or (months is None and day is None)
    month = None
    if freq is Frequency.YEARLY and months is not None:
        month = _int({"BYMONTH": months.split(",")[0]}, "BYMONTH")
    keeps_day = freq in (Frequency.YEARLY, Frequency.MONTHLY)
    return RecurrenceRule(
        freq,
        month=month,
        day=day if keeps_day and day not in (None, -1) else None,
        days_after_period=_int(parts, "X-DAYS-AFTER") or 0,
        count=_int(parts, "COUNT"),
        anchored=anchored,
    )

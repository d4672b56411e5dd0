"""Recurring obligations: a rule read from the deadline text, and the nominal due dates it generates.

    每年6月30日前          → yearly, month 6, day 30
    每年 / 按年 / 逐年     → yearly, by 12-31
    每年上半年 / 第一季度  → yearly, by 06-30 / 03-31
    每半年                 → half-yearly, by 06-30 and 12-31
    每季度 / 按季          → quarterly, by each quarter end (03-31, 06-30, 09-30, 12-31)
    每季度结束后15日内     → quarterly, 15 days after each quarter end
    每月 / 每月10日前      → monthly, by the month end / the 10th (clamped to short months)
    每周                   → weekly, every 7 days after the start
    连续三年               → anchored yearly, count 3: the 1st, 2nd and 3rd anniversary of the start event
    连续三年每年6月30日前  → yearly on 06-30, the first three after the start
    定期 / 不定期          → None (no schedule to track)

The extractor's ``Deadline.recurrence`` ("每年", "每季度", "连续三年", or "yearly", "quarterly", "monthly",
"RRULE:FREQ=...") and ``Deadline.text`` are read together: ``parse_recurrence(recurrence, deadline_text)``.

``instances(rule, start, until)`` returns nominal due dates strictly after ``start`` (the start event's
own day is not counted, as for any period) and on or before ``until``; shift them with
``calendar.effective_due``. Anchored rules count periods from ``start`` (Civil Code art. 202 clamping).
"""

from __future__ import annotations

import re
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


_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"[0-9零〇一二两三四五六七八九十]+"


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    return int("".join(str(_DIGITS[ch]) for ch in text))


_CONSECUTIVE = re.compile(rf"连续({_NUM})(?:个)?年")
_YEARLY_DATE = re.compile(rf"每(?:一)?年(?:度)?(?:的)?({_NUM})月(?:({_NUM})日|(底|末))?")
_YEARLY_PART = re.compile(r"每(?:一)?年(?:度)?(?:的)?(第一季度|一季度|上半年|第三季度|三季度|年底|年末|底|末)")
_HALF = re.compile(r"每半年|半年度|每六个月")
_QUARTER = re.compile(r"每(?:个)?季(?:度)?|按季(?:度)?|季度(?:结束|终了)后")
_QUARTER_AFTER = re.compile(rf"季(?:度)?(?:结束|终了|末)(?:后|之日起)({_NUM})(?:个)?(?:日|天)")
_MONTH_DAY = re.compile(rf"每(?:个)?月({_NUM})(?:日|号)")
_MONTH = re.compile(r"每(?:个)?月|按月|月度")
_WEEK = re.compile(r"每周|每星期|按周")
_YEAR = re.compile(r"每(?:一)?年|按年|逐年|年度")
_PART_END = {"第一季度": 3, "一季度": 3, "上半年": 6, "第三季度": 9, "三季度": 9}
_ENGLISH = {
    "yearly": Frequency.YEARLY,
    "annually": Frequency.YEARLY,
    "annual": Frequency.YEARLY,
    "half-yearly": Frequency.HALF_YEARLY,
    "half_yearly": Frequency.HALF_YEARLY,
    "semiannual": Frequency.HALF_YEARLY,
    "quarterly": Frequency.QUARTERLY,
    "monthly": Frequency.MONTHLY,
    "weekly": Frequency.WEEKLY,
}
_RRULE_FREQ = {"YEARLY": Frequency.YEARLY, "MONTHLY": Frequency.MONTHLY, "WEEKLY": Frequency.WEEKLY}


def _parse_rrule(text: str) -> RecurrenceRule | None:
    parts = dict(p.split("=", 1) for p in text.removeprefix("RRULE:").split(";") if "=" in p)
    freq = _RRULE_FREQ.get(parts.get("FREQ", ""))
    if freq is None:
        return None
    interval = int(parts.get("INTERVAL", "1"))
    if freq is Frequency.MONTHLY and interval in (3, 6):
        freq = Frequency.QUARTERLY if interval == 3 else Frequency.HALF_YEARLY
    elif interval != 1:
        return None
    month = int(parts["BYMONTH"]) if "BYMONTH" in parts and freq is Frequency.YEARLY else None
    day = int(parts["BYMONTHDAY"]) if "BYMONTHDAY" in parts and freq is not Frequency.WEEKLY else None
    if day == -1:
        day = None
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    return RecurrenceRule(freq, month=month, day=day, count=count)


def parse_recurrence(text: str | None, deadline_text: str | None = None) -> RecurrenceRule | None:
    """A rule from the extractor's ``recurrence`` and the deadline phrase, or None when there is no
    schedule to track (定期, 不定期, nothing recognised)."""
    combined = " ".join(t.strip() for t in (text, deadline_text) if t and t.strip())
    if not combined:
        return None
    if combined.upper().startswith("RRULE:"):
        return _parse_rrule(combined.split()[0])
    consecutive = _CONSECUTIVE.search(combined)
    count = _number(consecutive[1]) if consecutive else None
    if m := _YEARLY_DATE.search(combined):
        day = _number(m[2]) if m[2] else None
        return RecurrenceRule(Frequency.YEARLY, month=_number(m[1]), day=day, count=count)
    if m := _YEARLY_PART.search(combined):
        return RecurrenceRule(Frequency.YEARLY, month=_PART_END.get(m[1], 12), count=count)
    if _HALF.search(combined):
        return RecurrenceRule(Frequency.HALF_YEARLY, count=count)
    if _QUARTER.search(combined):
        after = _QUARTER_AFTER.search(combined)
        return RecurrenceRule(Frequency.QUARTERLY, days_after_period=_number(after[1]) if after else 0, count=count)
    if m := _MONTH_DAY.search(combined):
        return RecurrenceRule(Frequency.MONTHLY, day=_number(m[1]), count=count)
    if _MONTH.search(combined):
        return RecurrenceRule(Frequency.MONTHLY, count=count)
    if _WEEK.search(combined):
        return RecurrenceRule(Frequency.WEEKLY, count=count, anchored=True)
    if count is not None:  # 连续三年 alone: each year counted from the start event
        return RecurrenceRule(Frequency.YEARLY, count=count, anchored=True)
    if _YEAR.search(combined):
        return RecurrenceRule(Frequency.YEARLY, count=count)
    lowered = combined.lower()
    for word, frequency in _ENGLISH.items():
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            return RecurrenceRule(frequency, anchored=frequency is Frequency.WEEKLY)
    return None  # 定期, 不定期, periodic: no schedule to track

"""The schedule of a recurring deadline as an RRULE (RFC 5545): the one place that reads a schedule from
Chinese or English words. ``trackers.recurrence.parse_rrule`` reads the RRULE and nothing else.

    每年6月30日前          → FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30
    每年 / 按年 / 逐年     → FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1
    每年上半年 / 第一季度  → FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=-1 / BYMONTH=3
    每半年                 → FREQ=MONTHLY;INTERVAL=6;BYMONTH=6,12;BYMONTHDAY=-1
    每季度 / 按季          → FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1
    每季度结束后15日内     → the same with X-DAYS-AFTER=15 (due 15 days after each quarter's end)
    每月 / 每月10日前      → FREQ=MONTHLY;BYMONTHDAY=-1 / BYMONTHDAY=10
    每周                   → FREQ=WEEKLY (every 7 days after the start event)
    连续三年               → FREQ=YEARLY;COUNT=3 (no BY… part: counted from the start event)
    连续三年每年6月30日前  → FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30;COUNT=3
    定期 / 不定期          → None (no schedule to track)

A rule with BYMONTH/BYMONTHDAY falls on calendar days; one without them counts periods from the start event
(DTSTART, the agreement's signing), as RFC 5545 reads it. ``X-DAYS-AFTER`` is this project's extension part.
"""

from __future__ import annotations

import re

from extractors.numbers import parse_int

__all__ = ["schedule_rrule"]

_N = r"[0-9０-９零〇一二两三四五六七八九十]+"
_CONSECUTIVE = re.compile(rf"连续({_N})(?:个)?年")
_YEARLY_DATE = re.compile(rf"每(?:一)?年(?:度)?(?:的)?({_N})月(?:({_N})日|(底|末))?")
_YEARLY_PART = re.compile(r"每(?:一)?年(?:度)?(?:的)?(第一季度|一季度|上半年|第三季度|三季度|年底|年末|底|末)")
_HALF = re.compile(r"每半年|半年度|每六个月")
_QUARTER = re.compile(r"每(?:个)?季(?:度)?|按季(?:度)?|季度(?:结束|终了)后")
_QUARTER_AFTER = re.compile(rf"季(?:度)?(?:结束|终了|末)(?:后|之日起)({_N})(?:个)?(?:日|天)")
_MONTH_DAY = re.compile(rf"每(?:个)?月({_N})(?:日|号)")
_MONTH = re.compile(r"每(?:个)?月|按月|月度")
_WEEK = re.compile(r"每周|每星期|按周")
_YEAR = re.compile(r"每(?:一)?年|按年|逐年|年度")
_PART_END = {"第一季度": 3, "一季度": 3, "上半年": 6, "第三季度": 9, "三季度": 9}

_YEARLY = "FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"
_HALF_YEARLY = "FREQ=MONTHLY;INTERVAL=6;BYMONTH=6,12;BYMONTHDAY=-1"
_QUARTERLY = "FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
_MONTHLY = "FREQ=MONTHLY;BYMONTHDAY={day}"
_WEEKLY = "FREQ=WEEKLY"
_ENGLISH = {
    "yearly": _YEARLY.format(month=12, day=-1),
    "annually": _YEARLY.format(month=12, day=-1),
    "annual": _YEARLY.format(month=12, day=-1),
    "half-yearly": _HALF_YEARLY,
    "half_yearly": _HALF_YEARLY,
    "semiannual": _HALF_YEARLY,
    "quarterly": _QUARTERLY,
    "monthly": _MONTHLY.format(day=-1),
    "weekly": _WEEKLY,
}


def _rule(text: str) -> str | None:
    """The RRULE body (no COUNT) a schedule phrase names, or None."""
    if m := _YEARLY_DATE.search(text):
        return _YEARLY.format(month=parse_int(m[1]), day=parse_int(m[2]) if m[2] else -1)
    if m := _YEARLY_PART.search(text):
        return _YEARLY.format(month=_PART_END.get(m[1], 12), day=-1)
    if _HALF.search(text):
        return _HALF_YEARLY
    if _QUARTER.search(text):
        after = _QUARTER_AFTER.search(text)
        return _QUARTERLY + (f";X-DAYS-AFTER={parse_int(after[1])}" if after else "")
    if m := _MONTH_DAY.search(text):
        return _MONTHLY.format(day=parse_int(m[1]))
    if _MONTH.search(text):
        return _MONTHLY.format(day=-1)
    if _WEEK.search(text):
        return _WEEKLY
    return None


def schedule_rrule(recurrence: str | None, text: str | None = None) -> str | None:
    """``RRULE:…`` for a recurrence word and its deadline phrase read together (``每年`` + ``每年6月30日前``),
    an RRULE given already (with or without the ``RRULE:`` prefix) as it is, or None when there is no
    schedule to track (定期, 不定期, periodic, nothing recognised)."""
    combined = " ".join(t.strip() for t in (recurrence, text) if t and t.strip())
    if not combined:
        return None
    if combined.upper().startswith(("RRULE:", "FREQ=")):
        body = combined.split()[0]
        return body if body.upper().startswith("RRULE:") else f"RRULE:{body}"
    consecutive = _CONSECUTIVE.search(combined)
    count = f";COUNT={parse_int(consecutive[1])}" if consecutive else ""
    rule = _rule(combined)
    if rule is None and consecutive:  # 连续三年 alone: each year counted from the start event
        rule = "FREQ=YEARLY"
    if rule is None and _YEAR.search(combined):
        rule = _YEARLY.format(month=12, day=-1)
    if rule is None:
        lowered = combined.lower()
        words = sorted(_ENGLISH, key=len, reverse=True)  # half-yearly before yearly, which it contains
        rule = next((_ENGLISH[w] for w in words if re.search(rf"\b{re.escape(w)}\b", lowered)), None)
    return f"RRULE:{rule}{count}" if rule else None

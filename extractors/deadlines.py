"""Deadline phrases → ``Deadline`` values, counted by the Civil Code (arts. 201-202), before holiday shifts."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from extractors.model import Deadline, Offset, OffsetUnit

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
NUM = r"[0-9一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟零〇]+"


def parse_number(text: str) -> int:
    """Arabic or Chinese numerals (including financial capitals) below 10,000."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def add_months(start: date, months: int) -> date:
    """Same day of the month ``months`` later, or that month's last day (Civil Code art. 202)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def apply_offset(anchor: date, offset: Offset) -> date | None:
    """Nominal last day of a period counted from ``anchor`` (the anchor day itself is not counted)."""
    if offset.unit == "day":
        return anchor + timedelta(days=offset.value)
    if offset.unit == "week":
        return anchor + timedelta(weeks=offset.value)
    if offset.unit == "month":
        return add_months(anchor, offset.value)
    if offset.unit == "year":
        return add_months(anchor, 12 * offset.value)
    return None  # working days need the official calendar: the tracker resolves them


_UNIT = {"日": "day", "天": "day", "工作日": "workday", "个工作日": "workday", "周": "week", "个月": "month",
         "月": "month", "年": "year"}
_SIGNING = re.compile(r"(签订|签署|签字|签约)")
_EFFECTIVE = re.compile(r"生效")
_ABS_DATE = re.compile(rf"({NUM}|\d{{4}})年({NUM})月(?:({NUM})日)?")
_YEAR_END = re.compile(r"(\d{4})年(?:底|末|年底|内)?(?:前|之前)?")
_RELATIVE = re.compile(rf"(?P<anchor>[^，。；,;]{{0,30}}?)(?:之日|后|起)?[起后]?(?P<n>{NUM})(?P<unit>个工作日|工作日|个月|日|天|周|年)(?:内|以内|之内)")
_RECURRING = re.compile(r"每(年|季度|季|月|周|半年)|定期|按年|按季|按月|逐年|连续[一二三四五六七八九十\d]+年")
_VAGUE = re.compile(r"尽快|及时|迅速|立即|持续推进|长期坚持|合理期限内")


def resolve_deadline(phrase: str, anchor: date | None = None) -> Deadline:
    """Read one deadline phrase. ``anchor`` is the signing (or effective) date for relative phrases."""
    text = phrase.strip()
    rel = _RELATIVE.search(text)
    if rel:
        n = parse_number(rel["n"])
        unit: OffsetUnit = _UNIT[rel["unit"]]  # type: ignore[assignment]
        offset = Offset(n, unit)
        anchor_text = rel["anchor"].strip() or None
        kind_anchor = None
        if anchor_text and _SIGNING.search(anchor_text):
            kind_anchor = "signing"
        elif anchor_text and _EFFECTIVE.search(anchor_text):
            kind_anchor = "effective"
        elif anchor_text:
            kind_anchor = "other"
        else:
            kind_anchor = "signing"
        resolved = apply_offset(anchor, offset) if anchor and kind_anchor in ("signing", "effective") else None
        return Deadline(kind="relative", date=resolved, text=rel.group(0), offset=offset,
                        anchor=kind_anchor, anchor_text=anchor_text)  # type: ignore[arg-type]
    m = _ABS_DATE.search(text)
    if m:
        year = int(m[1]) if m[1].isdigit() else parse_number(m[1])
        month = parse_number(m[2])
        if 1 <= month <= 12 and year > 1900:
            day = parse_number(m[3]) if m[3] else calendar.monthrange(year, month)[1]
            try:
                return Deadline(kind="absolute", date=date(year, month, day), text=m.group(0))
            except ValueError:
                pass
    rec = _RECURRING.search(text)
    if rec:
        return Deadline(kind="recurring", text=rec.group(0), recurrence=rec.group(0))
    y = _YEAR_END.search(text)
    if y and int(y[1]) > 1900:
        return Deadline(kind="absolute", date=date(int(y[1]), 12, 31), text=y.group(0))
    vague = _VAGUE.search(text)
    if vague:
        return Deadline(kind="none", text=vague.group(0))
    return Deadline()

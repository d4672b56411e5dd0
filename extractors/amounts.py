"""Money figures → ``Amount`` in yuan (or the stated currency).

``人民币伍仟万元整（¥50,000,000）`` → 50000000 CNY (capitals and figures must agree; the figures win
otherwise); ``5000万元`` → 50000000; ``6.5亿元`` → 650000000; ``US$ 2.5 million``; ``Rs. 10 crore``.
Unit prices (``每亩12万元``, ``3万元/亩``), percentages and blanks (``_万元``) are not amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.model import Amount
from extractors.numbers import CN_NUMERAL, parse_number

__all__ = ["find_amount", "find_amounts"]

_CN_FACTORS = {
    "亿元": 1e8,
    "亿": 1e8,
    "万元": 1e4,
    "万": 1e4,
    "千元": 1e3,
    "元": 1.0,
    "亿美元": 1e8,
    "万美元": 1e4,
    "美元": 1.0,
}
_FIG = r"\d[\d,，]*(?:\.\d+)?"
_CN_AMOUNT = re.compile(
    rf"(?P<cur>人民币|RMB|CNY|¥|￥)?\s*(?P<num>{_FIG}|[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾][{CN_NUMERAL}]*)\s*(?P<unit>亿美元|万美元|美元|亿元|万元|千元|元|亿(?=人民币)|万(?=人民币))"
)
_SYMBOL_AMOUNT = re.compile(rf"(?P<cur>¥|￥|RMB|CNY)\s*(?P<num>{_FIG})(?!\s*(?:亿|万|元|%))")
_EN_AMOUNT = re.compile(
    rf"(?P<cur>US\$|USD|\$|Rs\.?|INR|₹|RMB|CNY|EUR|€)\s*(?P<num>{_FIG})\s*"
    r"(?P<scale>million|billion|thousand|crores?|lakhs?|lacs?)?\b",
    re.I,
)
_EN_SCALE = {
    "million": 1e6,
    "billion": 1e9,
    "thousand": 1e3,
    "crore": 1e7,
    "crores": 1e7,
    "lakh": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "lacs": 1e5,
}
_EN_CURRENCY = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "rs.": "INR",
    "rs": "INR",
    "inr": "INR",
    "₹": "INR",
    "rmb": "CNY",
    "cny": "CNY",
    "eur": "EUR",
    "€": "EUR",
}
_RATE_BEFORE = re.compile(r"(?:每|/|／|单价|价格为|标准为|per)\s*(?:[\u4e00-\u9fff]{0,3})?\s*$", re.I)
_RATE_AFTER = re.compile(r"^\s*(?:/|／|每)\s*[\u4e00-\u9fffA-Za-z]|^\s*per\b", re.I)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    amount: Amount


def _is_rate(text: str, start: int, end: int) -> bool:
    return bool(_RATE_BEFORE.search(text[max(0, start - 6) : start]) or _RATE_AFTER.match(text[end : end + 4]))


def find_amounts(text: str) -> list[Amount]:
    """Every money figure in ``text``, in order, unit prices excluded."""
    hits: list[_Hit] = []
    for m in _CN_AMOUNT.finditer(text):
        if _is_rate(text, m.start(), m.end()):
            continue
        try:
            number = parse_number(m["num"])
        except ValueError:
            continue
        unit = m["unit"]
        currency = "USD" if "美元" in unit else "CNY"
        value = number * _CN_FACTORS[unit]
        end = m.end()
        # 伍仟万元整（¥50,000,000）: the figures in brackets state the same sum; prefer them
        echo = re.match(
            rf"\s*整?\s*[（(]\s*(?:人民币|RMB|¥|￥)?\s*(?P<num>{_FIG})\s*(?P<unit>亿元|万元|元)?\s*[）)]",
            text[end:],
        )
        if echo:
            try:
                figure = parse_number(echo["num"]) * _CN_FACTORS.get(echo["unit"] or "元", 1.0)
            except ValueError:
                figure = value
            value = figure
            end += echo.end()
        hits.append(_Hit(m.start(), end, Amount(value=value, currency=currency, text=text[m.start() : end].strip())))
    for m in _SYMBOL_AMOUNT.finditer(text):
        if any(h.start <= m.start() < h.end for h in hits) or _is_rate(text, m.start(), m.end()):
            continue
        hits.append(_Hit(m.start(), m.end(), Amount(value=parse_number(m["num"]), currency="CNY", text=m.group(0))))
    for m in _EN_AMOUNT.finditer(text):
        if any(h.start <= m.start() < h.end for h in hits) or _is_rate(text, m.start(), m.end()):
            continue
        try:
            number = parse_number(m["num"])
        except ValueError:
            continue
        scale = _EN_SCALE.get((m["scale"] or "").lower(), 1.0)
        currency = _EN_CURRENCY.get(m["cur"].lower(), m["cur"].upper())
        hits.append(_Hit(m.start(), m.end(), Amount(value=number * scale, currency=currency, text=m.group(0).strip())))
    hits.sort(key=lambda h: h.start)
    return [h.amount for h in hits]


def find_amount(text: str) -> Amount | None:
    """The first concrete money figure of a clause, or None."""
    amounts = find_amounts(text)
    return amounts[0] if amounts else None

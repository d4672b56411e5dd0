"""Money figures → ``Amount`` in yuan (or the stated currency).

``人民币伍仟万元整（¥50,000,000）`` → 50000000 CNY (capitals and figures must agree; the figures win
otherwise); ``5000万元`` → 50000000; ``6.5亿元`` → 650000000; ``美金500万`` → 5000000 USD; ``US$ 2.5 million``,
``RMB 5 million``, ``1,000,000 USD``; ``Rs. 10 crore``.
Unit prices (``每亩12万元``, ``3万元/亩``), ranges (``10万元至20万元``), percentages and blanks (``_万元``) are not
amounts. A clause's amount is
the figure of its duty, not a threshold of its condition: ``投资额在1000万元以上的，给予50万元奖励`` → 500000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.model import Amount
from extractors.numbers import CN_NUMERAL, parse_number

__all__ = ["find_amount", "find_amounts"]

_CN_FACTORS = {
    "亿美元": 1e8,
    "万美元": 1e4,
    "美元": 1.0,
    "亿港元": 1e8,
    "万港元": 1e4,
    "港元": 1.0,
    "亿欧元": 1e8,
    "万欧元": 1e4,
    "欧元": 1.0,
    "亿元": 1e8,
    "亿": 1e8,
    "万元": 1e4,
    "万": 1e4,
    "千元": 1e3,
    "元": 1.0,
}
#: the currency a Chinese prefix (美金500万) or unit (2000万美元) names; 元 alone is yuan
_CN_CURRENCY = {"美金": "USD", "美元": "USD", "港币": "HKD", "港元": "HKD", "欧元": "EUR"}
#: a figure, also with thousands separated by commas or by single spaces (``2 000万元``, as PDF text may give it)
_FIG = r"\d[\d,，]*(?: \d{3}(?![\d.]))*(?:\.\d+)?"
_CN_AMOUNT = re.compile(
    rf"(?P<cur>人民币|美金|美元|港币|港元|欧元|RMB|CNY|¥|￥)?\s*"
    rf"(?P<num>{_FIG}|[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾][{CN_NUMERAL}]*)\s*"
    r"(?P<unit>(?:亿|万)?(?:美元|港元|欧元)|亿元|万元|千元|元|亿(?=人民币)|万(?=人民币)"
    r"|(?<=[0-9零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟])(?:亿|万)(?![\u4e00-\u9fff]{0,1}[元%％]))"
)
_EN_SCALE_WORD = r"million|billion|thousand|crores?|lakhs?|lacs?"
_SYMBOL_AMOUNT = re.compile(
    rf"(?P<cur>¥|￥|RMB|CNY)\s*(?P<num>{_FIG})(?![\d])(?![.,，]\d)(?!\s*(?:亿|万|元|%|(?:{_EN_SCALE_WORD})\b))", re.I
)
_EN_AMOUNT = re.compile(
    rf"(?P<cur>US\$|USD|\$|Rs\.?|INR|₹|RMB|CNY|EUR|€)\s*(?P<num>{_FIG})\s*"
    rf"(?P<scale>{_EN_SCALE_WORD})?\b",
    re.I,
)
#: ``1,000,000 USD``, ``5 million US dollars``: the currency after the figure
_EN_AMOUNT_AFTER = re.compile(
    rf"(?<![0-9.,])(?P<num>{_FIG})\s*(?P<scale>{_EN_SCALE_WORD})?\s*"
    r"(?P<cur>USD|US\s*dollars?|dollars?|RMB|CNY|yuan|renminbi|EUR|euros?|INR|rupees?|HKD)\b",
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
    "euro": "EUR",
    "euros": "EUR",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "rupees": "INR",
    "hkd": "HKD",
}
#: ``1000万元以上的``, ``…达到1亿元的，``: the figure is the threshold of a condition, not the duty's sum
_THRESHOLD_AFTER = re.compile(r"^\s*(?:（含）|\(含\))?\s*(?:及|或)?(?:以上|以下|以内|之内)(?:（含）|\(含\))?\s*的")
#: the rest of the figure's condition up to its closing ``的，`` (also across ``，且…``)
_CONDITION_REST = re.compile(
    r"[^，,；;。]*?的(?:项目|企业|单位|主体)?\s*[，,]|[^，,；;。]*[，,]\s*(?:且|并且|或者|或|同时)[^，,；;。]*?的\s*[，,]"
)
#: ``年纳税额首次突破1000万元，给予…``, ``凡投资1000万元以上项目，…``: the clause of the figure states a condition
_CONDITION_BEFORE = re.compile(r"(?:超过|达到|突破|凡|如果|如|若|累计达)[^，,；;。]*$")
#: ``3000万元至5000万元``, ``3-5万元``, ``10万元到20万元``: a range of sums, no single figure
_RANGE_AFTER = re.compile(
    rf"^\s*(?:至|到|~|～|-|—|–)\s*(?:人民币|¥|￥)?\s*(?:\d[\d,，.]*(?![\d,，.])|[{CN_NUMERAL}]+)(?![年月日号个天])"
)
_RANGE_BEFORE = re.compile(
    rf"(?:{_FIG}|[{CN_NUMERAL}]+)\s*(?:万元|亿元|元|万|亿)?\s*(?:至|到|~|～|-|—|–)\s*(?:人民币|¥|￥)?\s*$"
)
_RATE_BEFORE = re.compile(r"(?:每|/|／|单价|价格为|标准为|per)\s*(?:[\u4e00-\u9fff]{0,3})?\s*$", re.I)
_RATE_AFTER = re.compile(r"^\s*(?:/|／|每)\s*[\u4e00-\u9fffA-Za-z]|^\s*per\b", re.I)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    amount: Amount

    def in_range(self, text: str) -> bool:
        """One end of a range of sums (``3000万元至5000万元``, ``3-5万元``)."""
        return bool(
            _RANGE_AFTER.match(text[self.end :]) or _RANGE_BEFORE.search(text[max(0, self.start - 16) : self.start])
        )

    def in_condition(self, text: str) -> bool:
        """A threshold (``1000万元以上的``) or a figure of the ``…的，`` condition that precedes the duty."""
        rest = text[self.end :]
        return bool(_THRESHOLD_AFTER.match(rest) or _CONDITION_REST.match(rest))


def _is_rate(text: str, start: int, end: int) -> bool:
    return bool(_RATE_BEFORE.search(text[max(0, start - 6) : start]) or _RATE_AFTER.match(text[end : end + 4]))


#: a line break inside a figure or its unit (``5000\n万元``, ``人民币\n伍仟万元``), as a PDF's wrapped line leaves it
_WRAPPED = re.compile(r"(?<=[\u4e00-\u9fff0-9,，.])[ \t]*\n\s*(?=[\u4e00-\u9fff0-9,，.])")


def _unwrap(text: str) -> str:
    return _WRAPPED.sub("", text)


def _hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in _CN_AMOUNT.finditer(text):
        if _is_rate(text, m.start(), m.end()):
            continue
        try:
            number = parse_number(m["num"].replace(" ", ""))
        except ValueError:
            continue
        unit = m["unit"]
        named = next((c for word, c in _CN_CURRENCY.items() if word in unit), None)
        prefix = _CN_CURRENCY.get(m["cur"] or "")
        if unit in ("万", "亿") and not (m["cur"] and m["cur"] != "¥"):
            continue  # 500万 alone is a count (500万人), not money, unless a currency word stands before it
        currency = named or prefix or "CNY"
        value = number * _CN_FACTORS.get(unit, 1e4 if unit == "万" else 1e8)
        end = m.end()
        # 伍仟万元整（¥50,000,000）: the figures in brackets state the same sum; prefer them
        echo = re.match(
            rf"\s*整?\s*[（(]\s*(?:人民币|RMB|¥|￥)?\s*(?P<num>{_FIG})\s*(?P<unit>亿元|万元|元)?\s*[）)]",
            text[end:],
        )
        if echo:
            try:
                figure = parse_number(echo["num"].replace(" ", "")) * _CN_FACTORS.get(echo["unit"] or "元", 1.0)
            except ValueError:
                figure = value
            value = figure
            end += echo.end()
        hits.append(_Hit(m.start(), end, Amount(value=value, currency=currency, text=text[m.start() : end].strip())))
    for m in _SYMBOL_AMOUNT.finditer(text):
        if any(h.start <= m.start() < h.end for h in hits) or _is_rate(text, m.start(), m.end()):
            continue
        hits.append(
            _Hit(
                m.start(),
                m.end(),
                Amount(value=parse_number(m["num"].replace(" ", "")), currency="CNY", text=m.group(0)),
            )
        )
    for m in [*_EN_AMOUNT.finditer(text), *_EN_AMOUNT_AFTER.finditer(text)]:
        if any(h.start <= m.start() < h.end or m.start() <= h.start < m.end() for h in hits):
            continue
        if _is_rate(text, m.start(), m.end()):
            continue
        try:
            number = parse_number(m["num"].replace(" ", ""))
        except ValueError:
            continue
        scale = _EN_SCALE.get((m["scale"] or "").lower(), 1.0)
        word = m["cur"].lower()
        currency = "USD" if "dollar" in word else _EN_CURRENCY.get(word, m["cur"].upper())
        hits.append(_Hit(m.start(), m.end(), Amount(value=number * scale, currency=currency, text=m.group(0).strip())))
    hits.sort(key=lambda h: h.start)
    return hits


def find_amounts(text: str) -> list[Amount]:
    """Every money figure in ``text``, in order, unit prices excluded."""
    return [h.amount for h in _hits(_unwrap(text))]


def find_amount(text: str) -> Amount | None:
    """The money figure of a clause's duty: the first one outside its condition (``投资额在1000万元以上的，
    给予50万元奖励`` → 50万元); None when the only figures are thresholds or the figure is a range of sums."""
    text = _unwrap(text)
    hits = _hits(text)
    hit = next((h for h in hits if not h.in_condition(text)), None)
    if hit is not None and _CONDITION_BEFORE.search(text, max(0, hit.start - 30), hit.start):
        # a threshold in a condition, when a later clause names the duty's own sum
        clause_end = min((i for i in (text.find(c, hit.end) for c in "，,；;") if i >= 0), default=len(text))
        hit = next((h for h in hits if h.start > clause_end and not h.in_condition(text)), hit)
    return None if hit is None or hit.in_range(text) else hit.amount

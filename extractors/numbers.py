"""Numbers as written in Chinese and English legal text: Arabic (also full-width, with thousands
separators), Chinese numerals including the financial capitals (壹贰叁…, 伍仟万) and English words."""

from __future__ import annotations

import re
import unicodedata

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
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
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "参": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUMERAL = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"
#: a run of digits or Chinese numerals (used inside larger patterns)
NUM = rf"(?:[0-9０-９][0-9０-９,，]*(?:\.[0-9０-９]+)?|[{CN_NUMERAL}]+)"

_EN_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
EN_NUMBER_WORD = r"(?:" + "|".join(sorted(_EN_WORDS, key=len, reverse=True)) + r")"


def _parse_cn_below_10k(text: str) -> int:
    if text and not any(ch in CN_SMALL_UNITS for ch in text):
        return int("".join(str(CN_DIGITS.get(ch, 0)) for ch in text))  # positional: 二〇二〇 → 2020
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            total += (current or 1) * CN_SMALL_UNITS[ch]
            current = 0
    return total + current


def parse_cn_number(text: str) -> int:
    """Chinese numerals, including financial capitals and 万/亿: 伍仟万 → 50000000, 十五 → 15."""
    total = 0
    rest = text
    for unit_char, factor in (("亿", 100_000_000), ("億", 100_000_000), ("万", 10_000), ("萬", 10_000)):
        if unit_char in rest:
            head, rest = rest.split(unit_char, 1)
            total += (parse_cn_number(head) if head else 1) * factor
    return total + _parse_cn_below_10k(rest)


def parse_number(text: str) -> float:
    """Any number as written: ``30``, ``３０``, ``1,000.5``, ``三十``, ``壹佰``, ``thirty``."""
    s = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("，", "")
    if not s:
        raise ValueError("empty number")
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    if all(ch in CN_NUMERAL for ch in s):
        return float(parse_cn_number(s))
    words = s.lower().replace("-", " ").split()
    if words and all(w in _EN_WORDS or w in ("hundred", "thousand", "and") for w in words):
        total, current = 0, 0
        for w in words:
            if w == "and":
                continue
            if w == "hundred":
                current = (current or 1) * 100
            elif w == "thousand":
                total += (current or 1) * 1000
                current = 0
            else:
                current += _EN_WORDS[w]
        return float(total + current)
    raise ValueError(f"not a number: {text!r}")


def parse_int(text: str) -> int:
    return int(parse_number(text))

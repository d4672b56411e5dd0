"""Words that are not the marker they contain: 需 in 需要, 有权 in 所有权, 定期 in 规定期限 …

A Chinese marker is one or two characters, so a plain search finds it inside longer words that mean
something else. ``COMPOUNDS`` lists, per marker, the compounds that contain it without being it; ``mask``
blanks those compounds out (same length, so offsets stay valid) before a marker pattern is searched.
Each entry has a test on a sentence of its own (``tests/unit/extractors/test_lexicon.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["COMPOUNDS", "MaskedPattern", "mask"]

#: marker → compounds that contain it but are another word
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "需": ("需要", "确需", "所需", "急需", "亟需", "必需", "无需"),
    "有权": ("所有权",),
    "可": ("不可抗力", "许可", "认可", "不可", "可能", "可行", "可靠", "可持续"),
    "可以": ("不可以",),
    "定期": ("规定期限", "法定期限", "约定期限", "限定期", "确定期限", "规定期间", "约定期间", "法定期间"),
    "负责": ("不负责任", "不负责"),
    "同意": ("不同意",),
    "保证": ("保证金", "保证人", "保证书", "保证期", "保证合同", "保证方式"),
    "要": ("需要", "重要", "主要", "要求", "要点", "摘要", "纲要", "必要", "首要"),
}

_PATTERNS: dict[str, re.Pattern[str]] = {
    word: re.compile("|".join(sorted(map(re.escape, compounds), key=len, reverse=True)))
    for word, compounds in COMPOUNDS.items()
}


def mask(text: str, words: Iterable[str] | None = None) -> str:
    """``text`` with the compounds of ``words`` (all markers if None) replaced by spaces of the same length."""
    for word in COMPOUNDS if words is None else words:
        pattern = _PATTERNS[word]
        if word in text:
            text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


class MaskedPattern:
    """A marker pattern searched on the text with its markers' compounds masked (``search``/``match`` only)."""

    def __init__(self, pattern: re.Pattern[str], words: Iterable[str] | None = None) -> None:
        self.pattern = pattern
        self.words = tuple(COMPOUNDS if words is None else words)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(mask(text, self.words))

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(mask(text, self.words))

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self.pattern.finditer(mask(text, self.words))

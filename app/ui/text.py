"""Cutting hostile document text into the parts a page shows. The template escapes each part on its own and
puts ``<mark>`` around the middle one — the text itself never becomes markup."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Highlight:
    before: str
    inside: str
    after: str
    cut_before: bool
    cut_after: bool


def highlight(text: str, start: int, end: int, window: int = 160) -> Highlight:
    """The span ``text[start:end]`` with up to ``window`` characters of context on each side."""
    n = len(text)
    start = max(0, min(start, n))
    end = max(start, min(end, n))
    lo, hi = max(0, start - window), min(n, end + window)
    return Highlight(text[lo:start], text[start:end], text[end:hi], lo > 0, hi < n)


def find_snippet(text: str, needle: str, window: int = 60) -> Highlight | None:
    """The first occurrence of ``needle`` (case-insensitive) in context, or None."""
    if not needle:
        return None
    at = text.lower().find(needle.lower())
    if at < 0:
        return None
    return highlight(text, at, at + len(needle), window)

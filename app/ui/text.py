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


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    mark: int | None  # the obligation id whose clause this is, or None for plain text


def segments(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """The whole text cut at the given ``(start, end, id)`` spans, in order. A span overlapping an earlier
    one is left unmarked here (its own excerpt still shows it); offsets are clamped to the text, since they
    come from the extractor and are not trusted."""
    out: list[Segment] = []
    at = 0
    n = len(text)
    for start, end, ident in sorted(spans):
        start, end = max(start, 0), min(end, n)
        if end <= start or start < at:
            continue
        if start > at:
            out.append(Segment(text[at:start], None))
        out.append(Segment(text[start:end], ident))
        at = end
    if at < n:
        out.append(Segment(text[at:], None))
    return out

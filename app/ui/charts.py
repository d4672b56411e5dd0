"""Geometry for server-rendered SVG charts: pure functions from (label, value) series to coordinates.

The templates (``_charts.html``) draw the shapes; labels go through Jinja's autoescape like any other text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 40, 20, 44


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    cx: float
    label: str
    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    label: str
    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Rule:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    kind: str  # "bar" | "line"
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    ticks: list[Tick]
    bars: list[Bar] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    empty: bool = False

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10ⁿ at or above ``value`` (1 when nothing to show)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        top = step * 10.0**exp
        if top >= value - 1e-12:
            return top
    return 10.0 ** (exp + 1)  # pragma: no cover


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if value == int(value) or abs(value) >= 100 else f"{value:,.2f}"


def integer_axis(value: float) -> tuple[float, int]:
    """(top, number of ticks) for counts: every tick a whole number, at least 0…5."""
    top = max(nice_max(value), 5.0)
    return top, 4 if str(int(top))[0] == "2" else 5


def _frame(
    series: Sequence[tuple[str, float]],
    rules: Sequence[tuple[float, str]],
    unit: str,
    ticks: int,
    integer: bool,
    top: float | None = None,
) -> tuple[float, list[Tick], list[Rule]]:
    highest = max([v for _, v in series] + [r for r, _ in rules] + [0])
    if top is not None:
        top = max(top, highest)
    elif integer:
        top, ticks = integer_axis(highest)
    else:
        top = nice_max(highest)
    plot_h = HEIGHT - TOP - BOTTOM
    scale = plot_h / top
    tick_list = [
        Tick(y=HEIGHT - BOTTOM - top * i / ticks * scale, label=_fmt(top * i / ticks, unit)) for i in range(ticks + 1)
    ]
    rule_list = [Rule(y=HEIGHT - BOTTOM - v * scale, label=label) for v, label in rules]
    return scale, tick_list, rule_list


def bar_chart(
    series: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    rules: Sequence[tuple[float, str]] = (),
    ticks: int = 4,
    integer: bool = False,
    top: float | None = None,
) -> Chart:
    """Bars from 0; ``top`` fixes the axis maximum (e.g. 100 for rates) instead of fitting the data."""
    scale, tick_list, rule_list = _frame(series, rules, unit, ticks, integer, top)
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(series), 1)
    bars = []
    for i, (label, value) in enumerate(series):
        h = max(value, 0) * scale
        w = slot * 0.6
        x = LEFT + i * slot + (slot - w) / 2
        bars.append(Bar(x, HEIGHT - BOTTOM - h, w, h, x + w / 2, label, value, _fmt(value, unit)))
    return Chart(
        "bar",
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        tick_list,
        bars=bars,
        rules=rule_list,
        empty=not series,
    )


def line_chart(series: Sequence[tuple[str, float]], *, unit: str = "", ticks: int = 4, integer: bool = False) -> Chart:
    scale, tick_list, _ = _frame(series, (), unit, ticks, integer)
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(len(series) - 1, 1)
    points = [
        Point(LEFT + i * step, HEIGHT - BOTTOM - max(v, 0) * scale, label, v, _fmt(v, unit))
        for i, (label, v) in enumerate(series)
    ]
    return Chart(
        "line",
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        tick_list,
        points=points,
        empty=not series,
    )


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    label: str
    when: date
    done: bool


def timeline(marks: Sequence[tuple[str, date, bool]], *, width: int = WIDTH) -> list[Mark]:
    """Milestones placed on a horizontal axis by date (planned or actual)."""
    if not marks:
        return []
    first = min(d for _, d, _ in marks)
    last = max(d for _, d, _ in marks)
    span = max((last - first).days, 1)
    usable = width - LEFT - RIGHT
    return [Mark(LEFT + (d - first).days / span * usable, label, d, done) for label, d, done in marks]


def months_between(start: date, end: date) -> list[str]:
    """``YYYY-MM`` labels from start's month to end's month, inclusive."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out

"""Geometry for server-rendered SVG charts: pure functions from (label, value) series to coordinates.

The templates (``_charts.html``) draw the shapes; labels go through Jinja's autoescape like any other text.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from trackers.ppp import Affordability, AffordabilityPolicy

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
    tone: str = ""  # a CSS class suffix (``tone-ok`` …) when the bar's colour carries meaning


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


TICK_FONT = 13  # px, = app.css ``svg .tick``


def _plot_left(ticks: Sequence[Tick]) -> int:
    """The plot's left edge: room for the widest tick label (drawn 6 px left of it, anchored at its end)."""
    return max(LEFT, math.ceil(max((text_width(t.label, TICK_FONT) for t in ticks), default=0)) + 12)


def bar_chart(
    series: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    rules: Sequence[tuple[float, str]] = (),
    ticks: int = 4,
    integer: bool = False,
    top: float | None = None,
    tones: Sequence[str] = (),
) -> Chart:
    """Bars from 0; ``top`` fixes the axis maximum (e.g. 100 for rates) instead of fitting the data;
    ``tones`` gives bar ``i`` the class ``tone-<tones[i]>``."""
    scale, tick_list, rule_list = _frame(series, rules, unit, ticks, integer, top)
    left = _plot_left(tick_list)
    plot_w = WIDTH - left - RIGHT
    slot = plot_w / max(len(series), 1)
    bars = []
    for i, (label, value) in enumerate(series):
        h = max(value, 0) * scale
        w = slot * 0.6
        x = left + i * slot + (slot - w) / 2
        tone = tones[i] if i < len(tones) else ""
        bars.append(Bar(x, HEIGHT - BOTTOM - h, w, h, x + w / 2, label, value, _fmt(value, unit), tone))
    return Chart(
        "bar",
        WIDTH,
        HEIGHT,
        left,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        tick_list,
        bars=bars,
        rules=rule_list,
        empty=not series,
    )


AFFORDABILITY_TONES = {
    Affordability.WITHIN_LIMITS: "ok",
    Affordability.GOVERNMENT_PAY_BLOCKED: "warn",
    Affordability.RED_LINE_BREACHED: "danger",
}


def affordability_chart(rows: Sequence[tuple[str, Decimal, Affordability]], policy: AffordabilityPolicy) -> Chart:
    """PPP expenditure as % of the general public budget per (district year), with the government-pay limit
    and the red line drawn, each bar coloured by the band ``trackers.ppp`` put it in (≤ 5 % ok, up to 10 %
    warn, above danger)."""
    limits = [float(policy.government_pay_limit * 100), float(policy.red_line * 100)]
    return bar_chart(
        [(label, round(float(share) * 100, 2)) for label, share, _ in rows],
        unit="%",
        rules=[(pct, f"{pct:g}%") for pct in limits],
        tones=[AFFORDABILITY_TONES.get(status, "") for _, _, status in rows],
    )


def line_chart(series: Sequence[tuple[str, float]], *, unit: str = "", ticks: int = 4, integer: bool = False) -> Chart:
    scale, tick_list, _ = _frame(series, (), unit, ticks, integer)
    left = _plot_left(tick_list)
    plot_w = WIDTH - left - RIGHT
    step = plot_w / max(len(series) - 1, 1)
    points = [
        Point(left + i * step, HEIGHT - BOTTOM - max(v, 0) * scale, label, v, _fmt(v, unit))
        for i, (label, v) in enumerate(series)
    ]
    return Chart(
        "line",
        WIDTH,
        HEIGHT,
        left,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        tick_list,
        points=points,
        empty=not series,
    )


# ---- the PPP milestone timeline ----------------------------------------------------------------------------
#
# One row per milestone: its name in a left column, its planned date (hollow, dashed ring) and actual date
# (filled dot) on a shared time axis, the dates as text in a right column, a legend below. Columns and rows
# are disjoint, so no two texts can meet; their widths come from ``text_width`` (an upper estimate for the
# page's sans-serif fonts at the size the stylesheet fixes for ``svg.timeline text``).

TIMELINE_FONT = 13  # px, = app.css ``svg.timeline text``
ROW_H, AXIS_H, LEGEND_H, PAD, GAP = 28, 30, 30, 8, 16
MIN_PLOT = 160


def text_width(text: str, size: float = TIMELINE_FONT) -> float:
    """An upper estimate of a text's rendered width: a CJK or full-width character is one em, an upper-case
    Latin letter 0.75 em, a space 0.35 em, anything else 0.62 em."""
    total = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            total += 1.0
        elif ch.isupper():
            total += 0.75
        elif ch == " ":
            total += 0.35
        else:
            total += 0.62
    return total * size


def fit_text(text: str, room: float, size: float = TIMELINE_FONT) -> str:
    """``text``, or as much of it as fits in ``room`` followed by "…"."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


@dataclass(frozen=True, slots=True)
class Label:
    """A text at (x, baseline y); ``anchor`` as SVG's text-anchor ("start" | "middle" | "end")."""

    x: float
    y: float
    text: str
    anchor: str = "start"
    size: float = TIMELINE_FONT

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the text, from its estimated width and the font size."""
        w = text_width(self.text, self.size)
        left = self.x - {"start": 0.0, "middle": w / 2, "end": w}[self.anchor]
        return (left, self.y - self.size, left + w, self.y + self.size * 0.3)


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    y: float  # the row's centre line
    kind: str
    name: Label
    dates: Label
    full_name: str
    planned_x: float | None
    actual_x: float | None
    planned: date | None
    actual: date | None


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    plot_left: float
    plot_right: float
    axis_y: float
    ticks: list[tuple[float, Label]]
    rows: list[MilestoneRow]
    legend: list[tuple[float, float, str, Label]]  # (marker x, marker y, "planned" | "actual", its text)

    @property
    def labels(self) -> list[Label]:
        """Every text the timeline draws (for the layout tests)."""
        return (
            [t for _, t in self.ticks]
            + [r.name for r in self.rows]
            + [r.dates for r in self.rows]
            + [t for *_, t in self.legend]
        )


@dataclass(frozen=True, slots=True)
class TimelineWords:
    """The words the timeline writes, in the reader's language."""

    planned: str = "计划"
    actual: str = "实际"
    planned_legend: str = "计划日期（空心）"
    actual_legend: str = "实际日期（实心）"


def _year_step(first: int, last: int, room: float) -> int:
    """Every 1, 2, 5, 10 … years: the smallest step whose year labels do not touch."""
    label = text_width("0000") + GAP
    for step in (1, 2, 5, 10, 20, 50, 100):
        if (last - first) / step * label <= room:
            return step
    return 100  # pragma: no cover


def timeline(
    milestones: Sequence[tuple[str, str, date | None, date | None]],
    *,
    words: TimelineWords = TimelineWords(),
    width: int = WIDTH,
) -> Timeline | None:
    """``(kind, name, planned, actual)`` per milestone (already in display order) laid out in rows; None when
    no milestone has a date."""
    rows_in = [m for m in milestones if m[2] is not None or m[3] is not None]
    if not rows_in:
        return None
    days = [d for _, _, p, a in rows_in for d in (p, a) if d is not None]
    first_year, last_year = min(days).year, max(days).year + 1
    start, end = date(first_year, 1, 1), date(last_year, 1, 1)

    def dates_text(planned: date | None, actual: date | None) -> str:
        parts = [f"{words.planned} {planned}" if planned else "", f"{words.actual} {actual}" if actual else ""]
        return "  ".join(p for p in parts if p)

    date_col = max(text_width(dates_text(p, a)) for _, _, p, a in rows_in)
    name_room = width - 2 * PAD - 2 * GAP - date_col - MIN_PLOT
    name_col = min(max(text_width(n) for _, n, _, _ in rows_in), max(name_room, width * 0.2))
    plot_left = PAD + name_col + GAP
    plot_right = width - PAD - date_col - GAP
    span = (end - start).days
    usable = plot_right - plot_left

    def x_of(d: date | None) -> float | None:
        return None if d is None else plot_left + (d - start).days / span * usable

    axis_y = AXIS_H - 6.0
    step = _year_step(first_year, last_year, usable)
    ticks = [
        (x, Label(x, axis_y - 6, str(y), "middle", 12))
        for y in range(first_year, last_year + 1, step)
        if (x := x_of(date(y, 1, 1))) is not None
    ]
    rows = []
    for i, (kind, name, planned, actual) in enumerate(rows_in):
        y = AXIS_H + ROW_H * i + ROW_H / 2
        rows.append(
            MilestoneRow(
                y=y,
                kind=kind,
                name=Label(PAD, y + 4.5, fit_text(name, name_col)),
                dates=Label(width - PAD, y + 4.5, dates_text(planned, actual), "end"),
                full_name=name,
                planned_x=x_of(planned),
                actual_x=x_of(actual),
                planned=planned,
                actual=actual,
            )
        )
    legend_y = AXIS_H + ROW_H * len(rows) + LEGEND_H / 2
    planned_text = Label(PAD + 16, legend_y + 4.5, words.planned_legend)
    actual_x = planned_text.box[2] + 2 * GAP
    legend = [
        (PAD + 6.0, legend_y, "planned", planned_text),
        (actual_x, legend_y, "actual", Label(actual_x + 10, legend_y + 4.5, words.actual_legend)),
    ]
    height = int(AXIS_H + ROW_H * len(rows) + LEGEND_H)
    return Timeline(width, height, plot_left, plot_right, axis_y, ticks, rows, legend)

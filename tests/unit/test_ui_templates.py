"""The chart and timeline macros render real SVG from data (the finance page has no PPP data yet), and
template text stays escaped."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

import app
from app.ui import charts
from app.ui.i18n import translator

TEMPLATES = Path(app.__file__).parent / "templates"


def macros() -> object:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    return env.get_template("_macros.html").module


def test_affordability_chart_draws_bars_and_red_lines() -> None:
    data = [("南海区 2025", 4.2), ("南海区 2026", 7.5), ("顺德区 2026", 11.0)]
    chart = charts.bar_chart(data, unit="%", rules=[(5.0, "5%"), (10.0, "10%")])
    svg = str(macros().chart(chart, translator("zh"), "财政承受能力", "ratio"))  # type: ignore[attr-defined]
    assert svg.count("<rect") == 3
    assert svg.count('class="rule"') == 2
    assert "顺德区 2026" in svg
    assert "11.0%" in svg
    assert "暂无数据" not in svg


def test_empty_chart_says_no_data() -> None:
    svg = str(macros().chart(charts.bar_chart([]), translator("zh"), "图", "x"))  # type: ignore[attr-defined]
    assert "暂无数据" in svg
    assert "<svg" not in svg


def test_chart_labels_are_escaped() -> None:
    chart = charts.line_chart([("<script>alert(1)</script>", 3.0)])
    svg = str(macros().chart(chart, translator("en"), "<b>t</b>", "x"))  # type: ignore[attr-defined]
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;b&gt;t&lt;/b&gt;" in svg


def test_timeline_places_milestones_in_order() -> None:
    tl = charts.timeline(
        [
            ("financial_close", "融资交割", date(2024, 1, 10), date(2024, 2, 1)),
            ("construction_start", "开工", None, date(2024, 6, 1)),
            ("completion_acceptance", "竣工验收", date(2026, 3, 1), None),
        ]
    )
    svg = str(macros().timeline(tl, "里程碑"))  # type: ignore[attr-defined]
    actual = [float(x) for x in re.findall(r'<circle class="actual" cx="([\d.]+)"', svg)]
    planned = [float(x) for x in re.findall(r'<circle class="planned" cx="([\d.]+)"', svg)]
    assert len(actual) == 3
    assert len(planned) == 3
    assert actual[:2] == sorted(actual[:2])
    assert svg.count('class="slip"') == 1  # planned and actual of the financial close joined
    assert svg.count('<g class="milestone"') == 3
    assert "计划 2026-03-01" in svg
    assert "计划 2024-01-10  实际 2024-02-01" in svg
    assert "实际日期（实心）" in svg
    assert "计划日期（空心）" in svg


def test_no_template_turns_off_escaping() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", ""), template.name
        assert "autoescape false" not in text, template.name

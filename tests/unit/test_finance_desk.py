"""The finance page's pure parts (issue 12, point 8): the milestone timeline keeps every text apart and inside
the picture in both languages and with long names, planned and actual dates are drawn differently, the
affordability bars take the tracker's band (boundaries 5 % and 10 %) in colours with AA contrast, and a form's
values are checked by the API's own request bodies."""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import app
from app.api.schemas import MilestoneRequest, PaymentRequest, ProjectCreate
from app.errors import InvalidInput
from app.models import MilestoneKind
from app.ui import charts
from app.ui.forms import optional_date, request_body, whole_number
from app.ui.i18n import translator
from app.ui.render import field_message
from trackers.ppp import AffordabilityPolicy, affordability

LONG_ZH = "项目公司完成全部融资交割并取得金融机构首笔贷款资金到位确认书及政府方出具的核查意见"
LONG_EN = "Completion acceptance of the wastewater treatment plant, its pipe network and all ancillary works"


def _words(lang: str) -> charts.TimelineWords:
    t = translator(lang)
    return charts.TimelineWords(
        t("timeline.planned"), t("timeline.actual"), t("timeline.planned_legend"), t("timeline.actual_legend")
    )


def _milestones(lang: str, long_name: str) -> list[tuple[str, str, date | None, date | None]]:
    t = translator(lang)
    days = [
        (date(2024, 3, 1), date(2024, 3, 20)),  # planned and actual close together
        (date(2024, 6, 1), None),
        (date(2026, 6, 30), date(2027, 1, 15)),
        (None, date(2027, 2, 1)),
        (date(2054, 12, 31), None),  # a 30-year concession: year ticks must thin out
    ]
    rows = [(str(k), t(f"milestone.{k}"), p, a) for k, (p, a) in zip(MilestoneKind, days, strict=True)]
    rows[2] = (rows[2][0], long_name, rows[2][2], rows[2][3])
    return rows


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("lang", "long_name"), [("zh", LONG_ZH), ("en", LONG_EN), ("zh", "开工"), ("en", "x")])
def test_no_two_timeline_labels_overlap_and_none_leaves_the_picture(lang: str, long_name: str) -> None:
    tl = charts.timeline(_milestones(lang, long_name), words=_words(lang))
    assert tl is not None
    labels = tl.labels
    assert len(labels) == len(tl.ticks) + 2 * 5 + 2
    for a, b in itertools.combinations(labels, 2):
        assert not _overlap(a.box, b.box), (a, b)
    for label in labels:
        left, top, right, bottom = label.box
        assert left >= 0, label
        assert right <= tl.width, label
        assert top >= 0, label
        assert bottom <= tl.height, label
    for row in tl.rows:  # markers stay on the time axis, between the name and the dates columns
        for x in (row.planned_x, row.actual_x):
            assert x is None or tl.plot_left <= x <= tl.plot_right
        assert row.name.box[2] < tl.plot_left - 6
        assert row.dates.box[0] > tl.plot_right + 6
    assert len(tl.ticks) <= 8  # 2024 … 2055 in steps of 5, not 32 labels


def test_a_long_name_is_shortened_with_an_ellipsis_and_kept_whole_in_the_tooltip() -> None:
    tl = charts.timeline(_milestones("zh", LONG_ZH), words=_words("zh"))
    assert tl is not None
    row = tl.rows[2]
    assert row.full_name == LONG_ZH
    assert row.name.text.endswith("…")
    assert LONG_ZH.startswith(row.name.text[:-1])
    assert tl.plot_right - tl.plot_left >= charts.MIN_PLOT


def test_text_width_counts_cjk_wider_than_latin() -> None:
    assert charts.text_width("竣工验收") == pytest.approx(4 * charts.TIMELINE_FONT)
    assert charts.text_width("abcd") < charts.text_width("ABCD") < charts.text_width("竣工验收")
    assert charts.fit_text("short", 500) == "short"
    assert charts.text_width(charts.fit_text(LONG_EN, 120)) <= 120


def test_planned_and_actual_dates_are_drawn_differently() -> None:
    tl = charts.timeline([("financial_close", "融资交割", date(2025, 1, 1), date(2025, 3, 1))], words=_words("zh"))
    assert tl is not None
    row = tl.rows[0]
    assert row.planned_x is not None
    assert row.actual_x is not None
    assert row.planned_x < row.actual_x
    assert row.dates.text == "计划 2025-01-01  实际 2025-03-01"
    assert [kind for _, _, kind, _ in tl.legend] == ["planned", "actual"]
    css = (Path(app.__file__).parent / "static" / "app.css").read_text(encoding="utf-8")
    planned = re.search(r"svg\.timeline circle\.planned \{([^}]*)\}", css)
    actual = re.search(r"svg\.timeline circle\.actual \{([^}]*)\}", css)
    assert planned
    assert "fill: #fff" in planned.group(1)
    assert "stroke-dasharray" in planned.group(1)
    assert actual
    assert "fill: #fff" not in actual.group(1)
    assert "stroke-dasharray" not in actual.group(1)


@pytest.mark.parametrize(
    ("percent", "tone"),
    [
        ("0", "ok"),
        ("0.7", "ok"),
        ("4.99", "ok"),
        ("5", "ok"),  # exactly the government-pay limit is still within it
        ("5.01", "warn"),
        ("9.3", "warn"),
        ("10", "warn"),  # exactly the red line is not above it
        ("10.01", "danger"),
        ("35", "danger"),
    ],
)
def test_affordability_bars_take_the_band_of_their_share(percent: str, tone: str) -> None:
    policy = AffordabilityPolicy()
    result = affordability(Decimal(percent), Decimal(100), policy)
    assert result.share is not None
    chart = charts.affordability_chart([("南海区 2026", result.share, result.status)], policy)
    assert chart.bars[0].tone == tone
    assert chart.bars[0].value == pytest.approx(float(percent))
    assert [r.label for r in chart.rules] == ["5%", "10%"]


def test_the_bands_follow_a_configured_policy() -> None:
    policy = AffordabilityPolicy(red_line=Decimal("0.08"), government_pay_limit=Decimal("0.03"))
    results = [(p, affordability(Decimal(p), Decimal(100), policy)) for p in ("2", "4", "9")]
    rows = [(f"x{p}", r.share, r.status) for p, r in results]
    chart = charts.affordability_chart(rows, policy)  # type: ignore[arg-type]
    assert [b.tone for b in chart.bars] == ["ok", "warn", "danger"]
    assert [r.label for r in chart.rules] == ["3%", "8%"]


def _luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def test_band_and_marker_colours_meet_wcag_aa_on_white_and_differ() -> None:
    css = (Path(app.__file__).parent / "static" / "app.css").read_text(encoding="utf-8")
    block = css[css.index("/* ==== PPP desk") : css.index("/* ==== end PPP desk")]
    tones = {
        tone: re.search(rf"\.bar\.tone-{tone} rect[^{{]*\{{ fill: (#[0-9a-f]{{6}})", block).group(1)  # type: ignore[union-attr]
        for tone in ("ok", "warn", "danger")
    }
    assert len(set(tones.values())) == 3
    for colour in [*tones.values(), *re.findall(r"circle\.\w+ \{[^}]*stroke: (#[0-9a-f]{6})", block)]:
        assert contrast(colour, "#ffffff") >= 4.5, colour
    assert contrast("#1f7a3a", "#ffffff") == pytest.approx(5.38, abs=0.01)  # the formula, checked once


def test_the_template_gives_each_bar_its_band_class() -> None:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(app.__file__).parent / "templates"), autoescape=select_autoescape(default=True)
    )
    policy = AffordabilityPolicy()
    rows = [(str(p), r.share, r.status) for p in ("0.7", "9.3", "12") if (r := affordability(Decimal(p), Decimal(100)))]
    chart = charts.affordability_chart(rows, policy)  # type: ignore[arg-type]
    svg = str(env.get_template("_macros.html").module.chart(chart, translator("zh"), "财政承受能力", "r"))  # type: ignore[attr-defined]
    assert re.findall(r'<g class="bar tone-(\w+)">', svg) == ["ok", "warn", "danger"]


# ---- forms read into the API's request bodies ------------------------------------------------------------------


def _refusal(cls: type[Any], values: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        request_body(cls, values)
    return list(caught.value.extra["errors"])


def test_request_body_applies_the_api_constraints_and_names_the_field() -> None:
    ok = request_body(PaymentRequest, {"year": 2026, "kind": "availability", "amount_planned": Decimal("8000000")})
    assert ok.year == 2026
    assert ok.performance_score is None
    base = {"year": 2026, "kind": "availability", "amount_planned": Decimal(5)}
    assert _refusal(PaymentRequest, base | {"year": 1900}) == [{"key": "year", "message": "out of range"}]
    assert _refusal(PaymentRequest, base | {"amount_planned": Decimal(-5)}) == [
        {"key": "amount_planned", "message": "negative"}
    ]
    assert _refusal(PaymentRequest, base | {"amount_planned": None}) == [
        {"key": "amount_planned", "message": "required"}
    ]
    assert _refusal(PaymentRequest, base | {"performance_score": Decimal(101)}) == [
        {"key": "performance_score", "message": "out of range"}
    ]
    project = {"name": "x" * 301, "district_id": 1, "payment_mechanism": "user_pay"}
    assert _refusal(ProjectCreate, project) == [{"key": "name", "message": "too long"}]
    assert _refusal(ProjectCreate, project | {"name": ""}) == [{"key": "name", "message": "required"}]
    assert request_body(MilestoneRequest, {"planned_on": None, "actual_on": date(2025, 1, 1)}).planned_on is None


def test_form_field_parsers_and_the_messages_they_lead_to() -> None:
    assert optional_date("", "d") is None
    assert optional_date("2026-02-01", "d") == date(2026, 2, 1)
    with pytest.raises(InvalidInput):
        optional_date("2026-02-30", "d")
    assert whole_number(" 2026 ", "year") == 2026
    assert whole_number("", "year") is None
    with pytest.raises(InvalidInput):
        whole_number("二〇二六", "year")
    zh = translator("zh")
    assert zh(field_message("year", "out of range")) == "年度须在 1990 至 2100 之间。"
    assert zh(field_message("amount_planned", "negative")) == "金额不能为负数。"
    assert zh(field_message("planned_on", "one date")) == "请填写计划日期或实际日期（至少一项）。"
    assert zh(field_message("kind", "unknown value 'mayor'")) == "填写有误。"  # never a raw message key

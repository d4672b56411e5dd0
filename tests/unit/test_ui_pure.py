"""The UI's pure parts: chart geometry, the clause highlight and the message catalogue."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.ui import charts
from app.ui.i18n import MESSAGES, pick_lang, translator
from app.ui.text import find_snippet, highlight


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1.0), (0.3, 0.5), (1, 1.0), (1.2, 2.0), (3, 5.0), (7, 10.0), (10, 10.0), (11, 20.0), (4_200_000, 5_000_000.0)],
)
def test_nice_max(value: float, expected: float) -> None:
    assert charts.nice_max(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "top", "ticks"), [(0, 5, 5), (2, 5, 5), (6, 10, 5), (13, 20, 4), (33, 50, 5), (120, 200, 4)]
)
def test_count_axes_have_whole_ticks(value: float, top: float, ticks: int) -> None:
    assert charts.integer_axis(value) == (top, ticks)
    chart = charts.line_chart([("2026-01", value)], integer=True)
    assert all(float(t.label.replace(",", "")).is_integer() for t in chart.ticks)


def test_bar_chart_scales_bars_to_the_plot() -> None:
    chart = charts.bar_chart([("2025", 50.0), ("2026", 100.0)], rules=[(10.0, "10%")])
    low, high = chart.bars
    assert high.h == pytest.approx(chart.plot_bottom - chart.plot_top)  # the tallest bar fills the plot
    assert low.h == pytest.approx(high.h / 2)
    assert low.x < high.x
    assert chart.rules[0].y == pytest.approx(chart.plot_bottom - high.h / 10)
    assert [b.label for b in chart.bars] == ["2025", "2026"]


def test_line_chart_points_and_empty_chart() -> None:
    chart = charts.line_chart([("a", 0.0), ("b", 2.0), ("c", 1.0)])
    assert chart.points[0].y == chart.plot_bottom
    assert chart.points[1].y < chart.points[2].y < chart.points[0].y
    assert chart.polyline.count(",") == 3
    assert charts.line_chart([]).empty


def test_timeline_places_planned_and_actual_dates() -> None:
    tl = charts.timeline([("a", "签约", None, date(2025, 1, 1)), ("b", "竣工", date(2026, 1, 1), None)])
    assert tl is not None
    assert tl.rows[0].actual_x is not None
    assert tl.rows[1].planned_x is not None
    assert tl.rows[0].actual_x < tl.rows[1].planned_x
    assert charts.timeline([]) is None
    assert charts.timeline([("a", "签约", None, None)]) is None


def test_highlight_splits_text_into_three_parts_and_clamps() -> None:
    text = "前文<script>x</script>条款内容后文"
    at = text.index("条款内容")
    h = highlight(text, at, at + 4, window=100)
    assert (h.before, h.inside, h.after) == ("前文<script>x</script>", "条款内容", "后文")
    assert not h.cut_before
    assert not h.cut_after
    wild = highlight(text, -5, 999, window=3)
    assert wild.inside == text
    cut = highlight("a" * 50 + "X" + "b" * 50, 50, 51, window=10)
    assert cut.cut_before
    assert cut.cut_after
    assert cut.before == "a" * 10


def test_find_snippet_is_case_insensitive() -> None:
    found = find_snippet("Alpha Beta gamma", "beta")
    assert found is not None
    assert found.inside == "Beta"
    assert find_snippet("abc", "zzz") is None
    assert find_snippet("abc", "") is None


def test_catalogue_has_both_languages() -> None:
    assert all(zh and en for zh, en in MESSAGES.values())
    assert translator("en")("nav.search") == "Search"
    assert translator("zh")("review.page", n=3) == "第3页"
    assert translator("zh")("no.such.key") == "no.such.key"
    assert pick_lang("en") == "en"
    assert pick_lang("fr") == "zh"
    assert pick_lang(None) == "zh"


def test_every_message_the_templates_use_exists() -> None:
    import re
    from pathlib import Path

    import app
    import extractors
    from app.models import (
        AgreementKind,
        GovernmentPaymentKind,
        MilestoneKind,
        OrgKind,
        PartyRole,
        PaymentMechanism,
        PPPPhase,
        PPPTag,
        Role,
    )
    from trackers import FailureState, ObligationState, ReviewStatus, Severity

    used = set()
    for template in (Path(app.__file__).parent / "templates").glob("*.html"):
        used |= {
            k for k in re.findall(r"""\bt\('([a-z_.]+)'""", template.read_text(encoding="utf-8")) if not k.endswith(".")
        }
    dynamic = {
        "state": ObligationState,
        "review": ReviewStatus,
        "kind": AgreementKind,
        "category": extractors.Category,
        "fstate": FailureState,
        "severity": Severity,
        "role": Role,
        "org": OrgKind,
        "party": PartyRole,
        "mechanism": PaymentMechanism,
        "paykind": GovernmentPaymentKind,
        "ppptag": PPPTag,
        "milestone": MilestoneKind,
        "phase": PPPPhase,
    }
    for prefix, enum in dynamic.items():
        used |= {f"{prefix}.{member.value}" for member in enum}
    assert sorted(used - set(MESSAGES)) == []


def test_rates_use_a_fixed_hundred_percent_axis() -> None:
    chart = charts.bar_chart([("南海区", 0.0), ("顺德区", 50.0)], unit="%", top=100.0)
    assert [t.label for t in chart.ticks] == ["0.0%", "25.0%", "50.0%", "75.0%", "100.0%"]
    assert chart.bars[1].h == pytest.approx((chart.plot_bottom - chart.plot_top) / 2)


def test_every_page_declares_its_roles_and_sends_the_csp(tmp_path: Path) -> None:
    from app.asgi import create_app
    from app.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, secret_key="x"), init_db=False)
    pages = [r for r in app.routes if not r.path.startswith(("/api", "/schema", "/static", "/health"))]
    assert len(pages) >= 15
    for route in pages:
        for handler in route.route_handlers:  # type: ignore[attr-defined]
            if handler.http_methods == {"OPTIONS"}:  # Litestar's automatic OPTIONS handler
                continue
            assert handler.opt.get("roles"), route.path
            headers = {h.name for layer in handler.ownership_layers for h in layer.response_headers or []}
            assert "Content-Security-Policy" in headers, route.path


def test_segments_cover_the_text_once_and_survive_bad_offsets() -> None:
    from app.ui.text import Segment, segments

    text = "甲方应付款。乙方应建设。其他。"
    parts = segments(text, [(6, 12, 2), (0, 6, 1), (3, 8, 3), (50, 60, 4), (-5, 0, 5)])
    assert "".join(p.text for p in parts) == text
    assert parts[0] == Segment("甲方应付款。", 1)
    assert parts[1] == Segment("乙方应建设。", 2)
    assert parts[2] == Segment("其他。", None)
    assert segments("", [(0, 3, 1)]) == []


@pytest.mark.parametrize("make", [charts.bar_chart, charts.line_chart])
def test_tick_labels_of_large_amounts_fit_left_of_the_plot(make: Any) -> None:
    chart = make([("2025", 1_250_000.0), ("2026", 38_000_000.0)])
    assert chart.ticks[-1].label == "50,000,000"
    for tick in chart.ticks:  # drawn end-anchored 6 px left of the plot
        assert charts.text_width(tick.label, charts.TICK_FONT) <= chart.plot_left - 6
    assert all(b.x >= chart.plot_left for b in chart.bars)
    assert all(p.x >= chart.plot_left for p in chart.points)

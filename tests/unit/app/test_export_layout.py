"""Exports a person hands on: dense ranks, XLSX labels and widths, a PDF report without overprints, orphaned
headings or internal names, a time axis that aggregates long periods. PDFs are read back with pdfplumber."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pdfplumber
import pytest
from openpyxl import load_workbook

from app.exports import tables
from app.exports.pdf_report import FailureLine, ReportData, render
from app.services.stats import Period, StatsRow, coarsen, dense_ranks, period_for


@pytest.mark.parametrize(
    ("keys", "ranks"),
    [
        ([], []),
        ([(90,)], [1]),
        ([(90,), (80,), (80,), (70,)], [1, 2, 2, 3]),
        ([(90,), (90,), (90,), (10,)], [1, 1, 1, 2]),
        ([(5, 1), (5, 2), (5, 2), (5, 3), (4, 0)], [1, 2, 2, 3, 4]),
    ],
)
def test_dense_ranks(keys: list[tuple[int, ...]], ranks: list[int]) -> None:
    assert dense_ranks(keys) == ranks


def _row(key: str, due: int = 2, on_time: int = 1, late: int = 0, **kw: Any) -> StatsRow:
    return StatsRow(key=key, label=key, due=due, fulfilled_on_time=on_time, fulfilled_late=late, **kw).finish()


def test_xlsx_labels_categories_and_fits_widths() -> None:
    rows = [_row("investment_promotion"), _row("ppp")]
    table = tables.stats_table("按协议类型统计", "协议类型", rows, group="kind")
    wb = load_workbook(io.BytesIO(tables.to_xlsx(table)))
    ws = wb.active
    assert ws is not None
    assert [ws.cell(row=i, column=1).value for i in (2, 3)] == ["招商引资协议", "PPP项目合同"]
    assert ws.freeze_panes == "A2"
    # "招商引资协议" is 6 wide characters = 12 columns; the header "协议类型" 8: the column fits the longest
    assert ws.column_dimensions["A"].width >= tables.display_width("招商引资协议")
    # "承诺金额（元）" is 7 wide characters: the header is not cut
    header = {ws.cell(row=1, column=c).value: c for c in range(1, ws.max_column + 1)}
    from openpyxl.utils import get_column_letter

    money = ws.column_dimensions[get_column_letter(header["承诺金额（元）"])].width
    assert money >= 14


def test_xlsx_category_labels_and_long_text_capped() -> None:
    table = tables.stats_table("按义务类别统计", "义务类别", [_row("payment"), _row("land")], group="category")
    ws = load_workbook(io.BytesIO(tables.to_xlsx(table))).active
    assert ws is not None
    assert ws["A2"].value == "资金支付"
    assert ws["A3"].value == "土地"
    assert tables.display_width("南海区ab") == 8
    long = tables.Column("条款原文", tables.Cell.TEXT, lambda r: r)
    assert tables.column_width(long, ["甲" * 300]) == tables.MAX_WIDTH
    assert tables.column_width(long, ["甲方"]) == max(tables.MIN_WIDTH, 8 + 2)


@pytest.mark.parametrize(
    ("months", "period", "points", "first"),
    [
        (12, Period.MONTH, 12, "2018-01"),
        (24, Period.MONTH, 24, "2018-01"),
        (30, Period.QUARTER, 10, "2018-Q1"),
        (60, Period.QUARTER, 20, "2018-Q1"),
        (108, Period.YEAR, 9, "2018年"),
    ],
)
def test_time_axis_aggregates_long_periods(months: int, period: Period, points: int, first: str) -> None:
    trend = [_row(f"{2018 + i // 12}-{i % 12 + 1:02d}") for i in range(months)]
    assert period_for(months) == period
    out = coarsen(trend)
    assert len(out) == points
    assert out[0].key == first
    assert sum(r.due for r in out) == 2 * months  # counts are summed, then scored again


def test_coarsen_scores_counts_not_mean_of_scores() -> None:
    trend = [_row("2020-01", due=1, on_time=1), _row("2020-02", due=9, on_time=0)] + [
        _row(f"{y}-01", due=0, on_time=0) for y in range(2021, 2027)
    ]
    (y2020, *_rest) = coarsen(trend, Period.YEAR)
    assert y2020.due == 10
    assert y2020.score == _row("x", due=10, on_time=1).score


LONG_UNIT = "佛山市南海区狮山镇人民政府经济发展和科技促进办公室（招商引资服务中心）"


def _report(ranking: int = 3, failures: int = 3, months: int = 12) -> ReportData:
    rows = [
        StatsRow(key=str(i), label=f"{LONG_UNIT}{i}", due=4, fulfilled_on_time=4 - i % 3, rank=i + 1).finish()
        for i in range(ranking)
    ]
    return ReportData(
        organisation="南海区",
        date_from=date(2018, 1, 1),
        date_to=date(2026, 12, 31),
        summary=_row("total"),
        ranking=rows,
        trend=[_row(f"{2018 + i // 12}-{i % 12 + 1:02d}") for i in range(months)],
        failures=[
            FailureLine(
                organisation=LONG_UNIT,
                due_date=date(2025, 6, 30),
                detected_on=date(2025, 7, 1),
                days_late=1,
                amount_outstanding=Decimal("1000.00"),
                severity="general",
                state="found",
                clause="甲方应于2025年6月30日前支付补贴。" * 3,
            )
            for _ in range(failures)
        ],
        generated_on=date(2027, 1, 5),
    )


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return dx > 0.5 and dy > 0.5


def test_long_unit_names_wrap_inside_their_cell() -> None:
    with pdfplumber.open(io.BytesIO(render(_report()))) as pdf:
        for page in pdf.pages:
            words = [w for w in page.extract_words(keep_blank_chars=False) if w["upright"]]
            dates = [w for w in words if w["text"].startswith("2025-0")]
            others = [w for w in words if w not in dates]
            for d in dates:
                assert not [w["text"] for w in others if _overlaps(d, w)], d["text"]
            chars = [c for c in page.chars if c["upright"] and c["text"].strip()]
            clashes = [(a["text"], b["text"]) for i, a in enumerate(chars) for b in chars[i + 1 :] if _overlaps(a, b)]
            assert not clashes, clashes[:5]
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "").replace("\n", "")
    # wrapped, not cut: the name's head and tail are both printed for each failure and ranking row
    assert text.count(LONG_UNIT[:6]) >= 6
    assert text.count("服务中心）") >= 3


def test_no_internal_module_name_is_printed() -> None:
    with pdfplumber.open(io.BytesIO(render(_report()))) as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages)
    for name in ("trackers", "scoring", "app.", "chengxin", "_"):
        assert name not in text


def test_long_trend_axis_reads_as_years() -> None:
    with pdfplumber.open(io.BytesIO(render(_report(months=108)))) as pdf:
        words = {w["text"] for p in pdf.pages for w in p.extract_words()}
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "")
    assert {f"{y}年" for y in range(2018, 2027)} <= words
    assert "2019-07" not in text
    assert "年度诚信得分趋势" in text


HEADINGS = ("一、总体情况", "二、单位排名", "三、得分趋势", "四、失信记录", "五、评分方法")


@pytest.mark.parametrize("ranking", range(4, 40, 3))
def test_no_heading_orphaned_at_a_page_foot(ranking: int) -> None:
    with pdfplumber.open(io.BytesIO(render(_report(ranking=ranking, failures=6)))) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            lines = [line.replace(" ", "") for line in (page.extract_text() or "").splitlines() if line.strip()]
            assert lines, number
            assert lines[-1] not in HEADINGS, (number, lines[-3:])

"""The evaluation report of a district (or any organisation) for a period, as PDF: summary, ranking
table, monthly trend chart, failure records and the score formula. Chinese text uses reportlab's built-in
``STSong-Light`` CID font (Adobe's Asian font pack name; viewers supply the glyphs), so no font file ships.

Rendering is CPU-bound: call ``render`` off the event loop."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.labels import label
from app.services.stats import Period, StatsRow, coarsen, period_for

FONT = "STSong-Light"

FORMULA = [
    "诚信得分计算方法（默认参数）：",
    "履约率 r = (按期履行数 + 0.5 × 逾期履行数) ÷ 应履行数（无应履行义务时 r = 1）；",
    "扣分 D = Σ 严重程度权重 × (已认定未整改数 + 0.5 × 认定后已整改数)，"
    "权重：轻微 2、一般 5、严重 15；信用修复后不再扣分；",
    "得分 = 100 - 40 × (1 - r) - D，限定在 0–100 之间，四舍五入保留一位小数；",
    "等级：A ≥ 90 > B ≥ 75 > C ≥ 60 > D；存在未整改的严重失信认定时最高为 C。",
]


@dataclass(frozen=True, slots=True)
class FailureLine:
    organisation: str
    due_date: date
    detected_on: date
    days_late: int
    amount_outstanding: Decimal | None
    severity: str
    state: str
    clause: str


@dataclass(frozen=True, slots=True)
class ReportData:
    organisation: str
    date_from: date | None
    date_to: date | None
    summary: StatsRow
    ranking: Sequence[StatsRow]
    trend: Sequence[StatsRow]
    failures: Sequence[FailureLine]
    generated_on: date


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11, wordWrap="CJK")
AXIS_TITLES = {Period.MONTH: "月度", Period.QUARTER: "季度", Period.YEAR: "年度"}


def _cell(text: str) -> Paragraph:
    """Text that wraps inside its column (unit names, clauses) instead of running over the next one. The
    text comes from documents and the organisation table: escaped, never read as markup."""
    return Paragraph(escape(text), CELL)


def _table(rows: Sequence[Sequence[str | Paragraph]], widths: list[float] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _trend_chart(trend: Sequence[StatsRow]) -> Drawing:
    """Scores over time; more than two years of months are drawn as quarters, more than five as years, so
    every axis label stands on its own (horizontal while it fits its slot, else turned 45°)."""
    step = period_for(len(trend))
    points = coarsen(trend, step)
    drawing = Drawing(240 * mm, 70 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 14 * mm, 215 * mm, 48 * mm
    chart.data = [[float(r.score) for r in points] or [0.0]]
    names = [r.key for r in points] or [""]
    chart.categoryAxis.categoryNames = names
    font_size = 7
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = font_size
    slot = chart.width / max(len(names), 1)
    widest = max(pdfmetrics.stringWidth(n, FONT, font_size) for n in names)
    if widest + 4 > slot:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.dy = -3
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = colors.HexColor("#1f5fa8")
    chart.lines[0].strokeWidth = 1.5
    drawing.add(chart)
    drawing.add(String(15 * mm, 65 * mm, f"{AXIS_TITLES[step]}诚信得分趋势", fontName=FONT, fontSize=9))
    return drawing


def render(data: ReportData) -> bytes:
    _register_font()
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=6)
    heading = ParagraphStyle(
        "heading", fontName=FONT, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4, keepWithNext=1
    )

    def section(title: str) -> list[Flowable]:
        # a heading never stands alone at a page foot: room for it and a few rows, or a new page
        return [CondPageBreak(40 * mm), Paragraph(title, heading)]

    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=14)
    period = f"{data.date_from or '—'} 至 {data.date_to or '—'}"
    s = data.summary
    story: list[object] = [
        Paragraph(f"{escape(data.organisation)}政务诚信评估报告", title),
        Paragraph(f"评估期间：{period}　　生成日期：{data.generated_on}", body),
        *section("一、总体情况"),
        _table(
            [
                [
                    "应履行",
                    "按期履行",
                    "逾期履行",
                    "逾期未履行",
                    "违约",
                    "失信认定",
                    "已整改",
                    "已修复",
                    "按期履行率",
                    "承诺金额（元）",
                    "已兑现金额（元）",
                    "得分",
                    "等级",
                ],
                [
                    str(s.due),
                    str(s.fulfilled_on_time),
                    str(s.fulfilled_late),
                    str(s.overdue),
                    str(s.breached),
                    str(s.failures),
                    str(s.rectified),
                    str(s.repaired),
                    _pct(s.on_time_rate),
                    _money(s.amount_promised),
                    _money(s.amount_delivered),
                    str(s.score),
                    s.grade,
                ],
            ]
        ),
        *section("二、单位排名"),
        _table(
            [["排名", "单位", "应履行", "按期履行率", "违约", "失信认定", "得分", "等级"]]
            + [
                [
                    str(r.rank),
                    _cell(r.label),
                    str(r.due),
                    _pct(r.on_time_rate),
                    str(r.breached),
                    str(r.failures),
                    str(r.score),
                    r.grade,
                ]
                for r in data.ranking
            ],
            widths=[14 * mm, 92 * mm, 20 * mm, 26 * mm, 18 * mm, 22 * mm, 18 * mm, 16 * mm],
        ),
        *section("三、得分趋势"),
        _trend_chart(data.trend),
        *section("四、失信记录"),
    ]
    if data.failures:
        story.append(
            _table(
                [["失信主体", "约定期限", "发现日期", "逾期天数", "未履行金额（元）", "严重程度", "状态", "条款"]]
                + [
                    [
                        _cell(f.organisation),
                        str(f.due_date),
                        str(f.detected_on),
                        str(f.days_late),
                        _money(f.amount_outstanding),
                        label("severity", f.severity),
                        label("fstate", f.state),
                        _cell(f.clause[:120]),
                    ]
                    for f in data.failures
                ],
                widths=[38 * mm, 22 * mm, 22 * mm, 16 * mm, 28 * mm, 16 * mm, 24 * mm, 95 * mm],
            )
        )
    else:
        story.append(Paragraph("本期无失信记录。", body))
    story.extend(section("五、评分方法"))
    story.extend(Paragraph(line, body) for line in FORMULA)
    story.append(Spacer(1, 4 * mm))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{data.organisation}政务诚信评估报告",
        author="chengxin",
    )
    doc.build(story)
    return buffer.getvalue()

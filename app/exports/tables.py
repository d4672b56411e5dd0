"""Tables with Chinese headers, written as CSV (UTF-8 with BOM, so Excel reads it) or XLSX with real number
and date cells (openpyxl).

Text comes from uploaded contracts, so a clause may begin like a spreadsheet formula (``=HYPERLINK(…)``,
``+1+cmd|…``, ``@SUM(…)``): every text cell whose first character is one of ``FORMULA_STARTS`` is written with
a leading apostrophe (OWASP "CSV injection"), in CSV and XLSX alike. Numbers stay numbers — a negative
amount is a number cell, not text, and is never touched."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.clock import to_beijing_date
from app.labels import label
from app.models import Agreement, Document, IntegrityFailure, Obligation, Organisation
from app.services.stats import StatsRow


class Cell(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"
    RATE = "rate"
    SCORE = "score"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: Cell
    value: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]

    def values(self) -> list[list[Any]]:
        return [[c.value(r) for c in self.columns] for r in self.rows]


def stats_columns(first: str, group: str | None = None) -> list[Column]:
    """Columns of a statistics table; ``group`` names the label group of the first column's stored codes
    (``kind``, ``category``) so a reader sees 招商引资协议, never ``investment_promotion``."""

    def first_value(r: StatsRow) -> str:
        return label(group, r.label) if group else r.label

    return [
        Column(first, Cell.TEXT, first_value),
        Column("应履行数", Cell.INT, lambda r: r.due),
        Column("按期履行数", Cell.INT, lambda r: r.fulfilled_on_time),
        Column("逾期履行数", Cell.INT, lambda r: r.fulfilled_late),
        Column("逾期未履行数", Cell.INT, lambda r: r.overdue),
        Column("违约数", Cell.INT, lambda r: r.breached),
        Column("部分履行数", Cell.INT, lambda r: r.partially_fulfilled),
        Column("失信认定数", Cell.INT, lambda r: r.failures),
        Column("已整改数", Cell.INT, lambda r: r.rectified),
        Column("已信用修复数", Cell.INT, lambda r: r.repaired),
        Column("按期履行率", Cell.RATE, lambda r: r.on_time_rate),
        Column("承诺金额（元）", Cell.MONEY, lambda r: r.amount_promised),
        Column("已兑现金额（元）", Cell.MONEY, lambda r: r.amount_delivered),
        Column("诚信得分", Cell.SCORE, lambda r: r.score),
        Column("等级", Cell.TEXT, lambda r: r.grade),
    ]


def stats_table(
    title: str, first: str, rows: Sequence[StatsRow], *, ranked: bool = False, group: str | None = None
) -> Table:
    columns = stats_columns(first, group)
    if ranked:
        columns = [Column("排名", Cell.INT, lambda r: r.rank), *columns]
    return Table(title, columns, rows)


def _org_name(org: object) -> str:
    """An organisation's name when it was fetched with the row, else empty."""
    return org.name if isinstance(org, Organisation) else ""


def obligations_table(rows: Sequence[Obligation]) -> Table:
    return Table(
        "义务清单",
        [
            Column("编号", Cell.INT, lambda o: o.id),
            Column("协议编号", Cell.INT, lambda o: o.agreement_id),
            Column("责任单位", Cell.TEXT, lambda o: _org_name(o.owner)),
            Column("义务人", Cell.TEXT, lambda o: o.obligor_name or ""),
            Column("类别", Cell.TEXT, lambda o: label("category", o.category)),
            Column("义务内容", Cell.TEXT, lambda o: o.quote),
            Column("金额（元）", Cell.MONEY, lambda o: o.amount),
            Column("已兑现金额（元）", Cell.MONEY, lambda o: o.amount_fulfilled),
            Column("约定日期", Cell.DATE, lambda o: o.nominal_date),
            Column("到期日", Cell.DATE, lambda o: o.due_date),
            Column("履行日期", Cell.DATE, lambda o: o.fulfilled_on),
            Column("状态", Cell.TEXT, lambda o: label("state", o.state)),
        ],
        rows,
    )


def agreements_table(rows: Sequence[Agreement]) -> Table:
    return Table(
        "协议清单",
        [
            Column("编号", Cell.INT, lambda a: a.id),
            Column(
                "协议名称",
                Cell.TEXT,
                lambda a: a.title or (a.document.filename if isinstance(a.document, Document) else ""),
            ),
            Column("类型", Cell.TEXT, lambda a: label("kind", a.kind)),
            Column("主管单位", Cell.TEXT, lambda a: _org_name(a.owning_department)),
            Column("签订日期", Cell.DATE, lambda a: a.signed_on),
            Column("协议金额（元）", Cell.MONEY, lambda a: a.value),
        ],
        rows,
    )


def documents_table(rows: Sequence[Document]) -> Table:
    return Table(
        "文件清单",
        [
            Column("编号", Cell.INT, lambda d: d.id),
            Column("文件名", Cell.TEXT, lambda d: d.filename),
            Column("上传单位", Cell.TEXT, lambda d: _org_name(d.organisation)),
            Column("类型", Cell.TEXT, lambda d: label("kind", d.kind_hint) if d.kind_hint else ""),
            Column("状态", Cell.TEXT, lambda d: label("status", d.status)),
            Column("页数", Cell.INT, lambda d: d.pages),
            Column("上传日期", Cell.DATE, lambda d: to_beijing_date(d.created_at)),
        ],
        rows,
    )


def failures_table(rows: Sequence[IntegrityFailure]) -> Table:
    return Table(
        "失信记录",
        [
            Column("编号", Cell.INT, lambda f: f.id),
            Column("失信主体", Cell.TEXT, lambda f: _org_name(f.organisation)),
            Column("类型", Cell.TEXT, lambda f: label("fkind", f.kind)),
            Column("承诺对象", Cell.TEXT, lambda f: f.promised_to or ""),
            Column("约定期限", Cell.DATE, lambda f: f.due_date),
            Column("发现日期", Cell.DATE, lambda f: f.detected_on),
            Column("逾期天数", Cell.INT, lambda f: f.days_late),
            Column("未履行金额（元）", Cell.MONEY, lambda f: f.amount_outstanding),
            Column("严重程度", Cell.TEXT, lambda f: label("severity", f.severity)),
            Column("状态", Cell.TEXT, lambda f: label("fstate", f.state)),
            Column("整改期限", Cell.DATE, lambda f: f.rectification_deadline),
            Column("条款原文", Cell.TEXT, lambda f: f.clause),
        ],
        rows,
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it, never evaluates it: an apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text_safe(value: Any) -> Any:
    return neutralise(str(value)) if isinstance(value, str) else value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(str(value))
    return str(value)


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in table.columns])
    for values in table.values():
        writer.writerow([_csv_value(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_FORMATS = {
    Cell.INT: "0",
    Cell.MONEY: "#,##0.00",
    Cell.RATE: "0.00%",
    Cell.SCORE: "0.0",
    Cell.DATE: "yyyy-mm-dd",
}


MIN_WIDTH, MAX_WIDTH = 6, 60


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: CJK (East Asian wide/full-width) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _shown(value: Any, kind: Cell) -> str:
    """``value`` roughly as Excel shows it with the column's number format."""
    if value is None:
        return ""
    if kind == Cell.MONEY:
        return f"{value:,.2f}"
    if kind == Cell.RATE:
        return f"{value * 100:.2f}%"
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    return str(value)


def column_width(column: Column, values: Sequence[Any]) -> int:
    """A column as wide as its header or widest value (plus padding), between MIN_WIDTH and MAX_WIDTH;
    long text (clauses) stops at MAX_WIDTH and wraps."""
    widest = max([display_width(column.header), *(display_width(_shown(v, column.kind)) for v in values)])
    return max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))


def to_xlsx(table: Table) -> bytes:
    # openpyxl takes ~0.9 s to import: loaded by the first spreadsheet asked for, not by every process
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = table.title[:31]
    ws.append([c.header for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = table.values()
    for values in rows:
        ws.append([float(v) if isinstance(v, Decimal) else _text_safe(v) for v in values])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        fmt = _FORMATS.get(column.kind)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
        ws.column_dimensions[letter].width = column_width(column, [row[index - 1] for row in rows])
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

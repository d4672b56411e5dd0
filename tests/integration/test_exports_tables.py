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

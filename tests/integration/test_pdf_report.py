"""The PDF evaluation report, read back with pdfplumber."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pytest

from tests.conftest import City
from tests.integration.stats_city import build_stats_city


@pytest.fixture
async def stats_city(city: City) -> City:
    await build_stats_city(city)
    return city


def text_of(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        parts = []
        for page in doc.pages:
            parts.append(page.extract_text() or "")
            page.close()
    return "\n".join(parts)


async def test_district_report(client: Any, stats_city: City) -> None:
    response = await client.get(
        f"/api/reports/{stats_city.orgs['district']}/evaluation.pdf?from=2025-01-01&to=2025-12-31",
        headers=stats_city.auth("evaluator"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = text_of(response.content)
    compact = text.replace(" ", "")
    assert "南海区政务诚信评估报告" in compact
    assert "2025-01-01至2025-12-31" in compact
    assert "77.5" in text  # the district's score (hand-computed in stats_city)
    assert "单位排名" in compact
    assert "南海区发展改革局" in compact
    assert "月度诚信得分趋势" in compact
    assert "第8项义务条款" in compact  # the failure record F2
    assert "认定后已整改" in compact
    assert "100-40×(1-r)-D" in compact
    assert "2025-07" in text  # a trend chart axis label


async def test_city_report_ranks_departments(client: Any, stats_city: City) -> None:
    response = await client.get(
        f"/api/reports/{stats_city.orgs['city']}/evaluation.pdf?from=2025-01-01&to=2025-12-31",
        headers=stats_city.auth("admin"),
    )
    compact = text_of(response.content).replace(" ", "")
    assert "58.5" in compact
    assert compact.index("南海区发展改革局") < compact.index("市投资促进局")
    assert "第3项义务条款" in compact


async def test_report_outside_scope(client: Any, stats_city: City) -> None:
    response = await client.get("/api/reports/99999/evaluation.pdf", headers=stats_city.auth("admin"))
    assert response.status_code == 404

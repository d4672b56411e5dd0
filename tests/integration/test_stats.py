"""Statistics over the fixture city (tests/integration/stats_city.py): every figure hand-computed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import City
from tests.integration.stats_city import build_stats_city

YEAR = "from=2025-01-01&to=2025-12-31"


@pytest.fixture
async def stats_city(city: City) -> City:
    await build_stats_city(city)
    return city


async def get(client: Any, city: City, url: str, who: str = "evaluator") -> Any:
    response = await client.get(url, headers=city.auth(who))
    assert response.status_code == 200, response.text
    return response.json()


def by_label(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["label"]: i for i in items}


async def test_organisation_figures_roll_up_the_hierarchy(client: Any, stats_city: City) -> None:
    page = await get(client, stats_city, f"/api/stats/organisations?{YEAR}")
    rows = by_label(page["items"])
    assert page["total"] == 7
    inv = rows["市投资促进局"]
    assert (inv["due"], inv["fulfilled_on_time"], inv["fulfilled_late"], inv["overdue"], inv["breached"]) == (
        4,
        1,
        1,
        0,
        1,
    )
    assert (inv["failures"], inv["rectified"], inv["repaired"]) == (1, 1, 0)
    assert (inv["amount_promised"], inv["amount_delivered"]) == ("1500000.00", "1200000.00")
    assert (inv["on_time_rate"], inv["breach_rate"]) == ("0.2500", "0.2500")
    assert (inv["score"], inv["grade"]) == ("60.0", "C")

    fin = rows["市财政局"]
    assert (fin["due"], fin["fulfilled_on_time"], fin["overdue"], fin["partially_fulfilled"]) == (3, 1, 1, 1)
    assert (fin["failures"], fin["rectified"], fin["repaired"]) == (0, 0, 1)
    assert (fin["amount_promised"], fin["amount_delivered"], fin["delivery_rate"]) == (
        "7000000.00",
        "3000000.00",
        "0.4286",
    )
    assert (fin["score"], fin["grade"]) == ("73.3", "C")

    for name in ("南海区发展改革局", "南海区"):
        d = rows[name]
        assert (d["due"], d["fulfilled_on_time"], d["fulfilled_late"], d["breached"]) == (3, 1, 1, 1)
        assert (d["rectified"], d["amount_promised"], d["amount_delivered"]) == (1, "300000.00", "300000.00")
        assert (d["score"], d["grade"]) == ("77.5", "B")

    assert (rows["市发展改革局"]["due"], rows["市发展改革局"]["score"], rows["市发展改革局"]["grade"]) == (
        0,
        "100.0",
        "A",
    )

    city = rows["佛山市"]
    assert (
        city["due"],
        city["fulfilled_on_time"],
        city["fulfilled_late"],
        city["overdue"],
        city["breached"],
        city["partially_fulfilled"],
    ) == (10, 3, 2, 1, 2, 1)
    assert (city["failures"], city["rectified"], city["repaired"]) == (1, 2, 1)
    assert (city["amount_promised"], city["amount_delivered"]) == ("8800000.00", "4500000.00")
    assert (city["on_time_rate"], city["late_rate"], city["overdue_rate"]) == ("0.3000", "0.2000", "0.1000")
    assert (city["score"], city["grade"]) == ("58.5", "D")


async def test_summary_equals_the_city_row(client: Any, stats_city: City) -> None:
    s = await get(client, stats_city, f"/api/stats/summary?{YEAR}")
    assert (s["due"], s["score"], s["grade"], s["amount_delivered"]) == (10, "58.5", "D", "4500000.00")
    narrowed = await get(client, stats_city, f"/api/stats/summary?{YEAR}&organisation_id={stats_city.orgs['district']}")
    assert (narrowed["due"], narrowed["score"]) == (3, "77.5")


async def test_by_kind_and_category(client: Any, stats_city: City) -> None:
    kinds = by_label((await get(client, stats_city, f"/api/stats/kinds?{YEAR}"))["items"])
    assert set(kinds) == {"investment_promotion", "ppp", "policy_commitment"}
    assert (kinds["investment_promotion"]["due"], kinds["investment_promotion"]["score"]) == (4, "60.0")
    assert (kinds["ppp"]["score"], kinds["policy_commitment"]["score"]) == ("73.3", "77.5")

    cats = by_label((await get(client, stats_city, f"/api/stats/categories?{YEAR}"))["items"])
    assert (cats["subsidy"]["due"], cats["subsidy"]["fulfilled_late"], cats["subsidy"]["breached"]) == (3, 1, 1)
    assert (cats["subsidy"]["amount_promised"], cats["subsidy"]["amount_delivered"]) == ("1800000.00", "1500000.00")
    assert (cats["subsidy"]["score"], cats["subsidy"]["grade"]) == ("65.0", "C")
    assert (cats["land"]["score"], cats["approval"]["score"], cats["other"]["score"]) == ("80.0", "77.5", "60.0")
    assert cats["payment"]["repaired"] == 1

    ppp_only = await get(client, stats_city, f"/api/stats/summary?{YEAR}&agreement_kind=ppp")
    assert (ppp_only["due"], ppp_only["score"]) == (3, "73.3")


async def test_counterparty_side_is_kept_apart(client: Any, stats_city: City) -> None:
    s = await get(client, stats_city, f"/api/stats/summary?{YEAR}&obligor_role=counterparty")
    assert (s["due"], s["breached"], s["failures"]) == (1, 1, 1)


async def test_period_bounds(client: Any, stats_city: City) -> None:
    h1 = await get(client, stats_city, "/api/stats/summary?from=2025-01-01&to=2025-06-30")
    assert (h1["due"], h1["fulfilled_on_time"], h1["fulfilled_late"], h1["breached"]) == (5, 3, 1, 1)
    assert h1["rectified"] == 1  # F4 detected 2025-05-05; F1 is detected in July
    everything = await get(client, stats_city, "/api/stats/summary")
    assert everything["due"] == 12  # adds 2024-12-31 (#15) and 2026-02-01 (#14)
    bad = await client.get("/api/stats/summary?from=2025-02-01&to=2025-01-01", headers=stats_city.auth("evaluator"))
    assert bad.status_code == 422


async def test_ranking_of_departments(client: Any, stats_city: City) -> None:
    page = await get(client, stats_city, f"/api/stats/ranking?{YEAR}&organisation_kind=department")
    assert [(i["rank"], i["label"], i["score"]) for i in page["items"]] == [
        (1, "南海区发展改革局", "77.5"),
        (2, "市财政局", "73.3"),
        (3, "市投资促进局", "60.0"),
    ]


async def test_monthly_trend(client: Any, stats_city: City) -> None:
    page = await get(client, stats_city, f"/api/stats/trend?{YEAR}")
    months = {i["key"]: i for i in page["items"]}
    assert list(months) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert [months[k]["score"] for k in sorted(months)] == [
        "100.0",
        "100.0",
        "100.0",
        "80.0",
        "100.0",
        "60.0",
        "42.5",
        "60.0",
        "60.0",
        "100.0",
        "80.0",
        "60.0",
    ]
    assert (months["2025-07"]["grade"], months["2025-07"]["failures"], months["2025-07"]["rectified"]) == ("D", 1, 1)
    assert months["2025-09"]["repaired"] == 1


async def test_scope_and_roles(client: Any, stats_city: City) -> None:
    from app.models import Role
    from app.security import new_api_token
    from app.services.users import add_user

    user = await add_user("district_evaluator", "correct horse battery", Role.EVALUATOR, stats_city.orgs["district"])
    token = await new_api_token(user, "evaluation program", read_only=True)
    response = await client.get(f"/api/stats/organisations?{YEAR}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert {i["label"] for i in response.json()["items"]} == {"南海区", "南海区发展改革局"}
    outside = await client.get(
        f"/api/stats/summary?{YEAR}&organisation_id={stats_city.orgs['finance']}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert outside.json()["due"] == 0
    for who in ("department", "district_department"):
        denied = await client.get("/api/stats/summary", headers=stats_city.auth(who))
        assert denied.status_code == 403
    assert (await client.get("/api/stats/summary")).status_code == 401


async def test_filtered_lists(client: Any, stats_city: City) -> None:
    page = await get(client, stats_city, "/api/stats/obligations?state=breached&obligor_role=government&limit=1")
    assert (page["total"], len(page["items"])) == (2, 1)
    page = await get(
        client, stats_city, f"/api/stats/obligations?organisation_id={stats_city.orgs['district']}&due_from=2025-06-01"
    )
    assert [o["action"] for o in page["items"]] == ["义务8", "义务9"]
    page = await get(client, stats_city, "/api/stats/failures?kind=government_breach&severity=minor")
    assert page["total"] == 2
    page = await get(client, stats_city, "/api/stats/failures?failure_state=found&detected_from=2025-05-01")
    assert [f["obligation_id"] for f in page["items"]] == [page["items"][0]["obligation_id"]]
    assert page["total"] == 1


@pytest.mark.parametrize(
    ("start", "end"), [("2025-01-01", "2025-12-31"), ("2025-07-01", "2025-07-31"), ("2025-01-01", "2025-06-30")]
)
async def test_ratings_and_stats_organisations_agree(client: Any, stats_city: City, start: str, end: str) -> None:
    """One engine: /api/ratings and /api/stats/organisations give the same figures for a period and scope."""
    ratings = await get(client, stats_city, f"/api/ratings?period_start={start}&period_end={end}")
    stats = (await get(client, stats_city, f"/api/stats/organisations?from={start}&to={end}&limit=100"))["items"]
    fields = ("due", "fulfilled_on_time", "fulfilled_late", "overdue", "breached", "rectified", "repaired")
    assert len(ratings) == len(stats) == 7
    by_id = {s["organisation_id"]: s for s in stats}
    for r in ratings:
        s = by_id[r["organisation_id"]]
        assert tuple(r[f] for f in fields) == tuple(s[f] for f in fields), r["name"]
        assert Decimal(str(r["amount_promised"])) == Decimal(s["amount_promised"]), r["name"]
        assert Decimal(str(r["amount_delivered"])) == Decimal(s["amount_delivered"]), r["name"]
        assert (Decimal(str(r["score"])), r["grade"]) == (Decimal(s["score"]), s["grade"]), r["name"]
        assert sum(t["standing"] for t in r["failures"].values()) == s["failures"], r["name"]
    assert any(r["due"] for r in ratings)

"""PPP projects, payments, budgets and affordability; integrity ratings rolled up the hierarchy."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tests.conftest import City
from tests.integration.tracking_helpers import agreement, obligation, principal
from trackers import PeriodCounts, integrity_score


async def project(client: Any, city: City, district: str = "district", **extra: Any) -> dict[str, Any]:
    body = {"name": "南海区污水处理PPP项目", "district_id": city.orgs[district], "payment_mechanism": "government_pay"}
    response = await client.post("/api/ppp/projects", json=body | extra, headers=city.auth("finance"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_ppp_projects_milestones_payments_and_roles(client: Any, city: City) -> None:
    p = await project(client, city, phase="procurement")
    assert p["phase"] == "procurement"
    assert p["tag"] == "stock"
    body = {"name": "x", "district_id": city.orgs["district"], "payment_mechanism": "government_pay"}
    for who in ("department", "district_department", "evaluator"):
        assert (await client.post("/api/ppp/projects", json=body, headers=city.auth(who))).status_code == 403
    bad = await client.post("/api/ppp/projects", json=body | {"tag": "new_mechanism"}, headers=city.auth("investment"))
    assert bad.status_code == 422
    assert "user-pays" in bad.json()["detail"]
    not_government = await client.post(
        "/api/ppp/projects", json=body | {"district_id": city.orgs["ndrc"]}, headers=city.auth("finance")
    )
    assert not_government.status_code == 422
    url = f"/api/ppp/projects/{p['id']}"
    m = await client.put(
        f"{url}/milestones/financial_close", json={"planned_on": "2025-03-31"}, headers=city.auth("finance")
    )
    assert m.status_code == 200, m.text
    m = await client.put(
        f"{url}/milestones/financial_close", json={"actual_on": "2025-04-15"}, headers=city.auth("finance")
    )
    assert m.json() == {"kind": "financial_close", "planned_on": "2025-03-31", "actual_on": "2025-04-15"}
    assert (
        await client.put(f"{url}/milestones/groundbreaking", json={}, headers=city.auth("finance"))
    ).status_code == 422
    back = await client.post(f"{url}/phase", json={"phase": "preparation"}, headers=city.auth("finance"))
    assert back.status_code == 409
    on = await client.post(f"{url}/phase", json={"phase": "execution"}, headers=city.auth("finance"))
    assert on.json()["phase"] == "execution"
    pay = await client.put(
        f"{url}/payments",
        json={"year": 2025, "kind": "availability", "amount_planned": "40000000", "performance_score": "90"},
        headers=city.auth("finance"),
    )
    assert pay.status_code == 200, pay.text
    assert Decimal(pay.json()["amount_payable"]) == 36_000_000
    bad_score = await client.put(
        f"{url}/payments",
        json={"year": 2025, "kind": "availability", "amount_planned": "1", "performance_score": "120"},
        headers=city.auth("finance"),
    )
    assert bad_score.status_code == 422
    read = (await client.get(url, headers=city.auth("evaluator"))).json()
    assert [x["kind"] for x in read["milestones"]] == ["financial_close"]
    assert len(read["payments"]) == 1
    # a department sees only its own subtree: not its district's projects, nor the city's
    assert (await client.get(url, headers=city.auth("district_department"))).status_code == 404
    city_project = await project(client, city, district="city", name="市级轨道交通PPP")
    assert (
        await client.get(f"/api/ppp/projects/{city_project['id']}", headers=city.auth("district_department"))
    ).status_code == 404
    user_pays = await project(client, city, name="停车场特许经营", payment_mechanism="user_pay", tag="new_mechanism")
    no_subsidy = await client.put(
        f"/api/ppp/projects/{user_pays['id']}/payments",
        json={"year": 2025, "kind": "viability_gap", "amount_planned": "1000"},
        headers=city.auth("finance"),
    )
    assert no_subsidy.status_code == 422


async def test_affordability_red_line_and_government_pay_limit(client: Any, city: City) -> None:
    from app.services.ppp import affordability_check
    from trackers.ppp import AffordabilityPolicy

    district = city.orgs["district"]
    query = f"/api/ppp/affordability?district={district}&year=2025"
    none = (await client.get(query, headers=city.auth("finance"))).json()
    assert none["status"] == "no_budget"
    assert none["new_ppp_allowed"] is False
    for who in ("investment", "department", "evaluator"):
        denied = await client.put(
            f"/api/ppp/budgets/{district}/2025", json={"general_expenditure": "1"}, headers=city.auth(who)
        )
        assert denied.status_code == 403, who
    budget = await client.put(
        f"/api/ppp/budgets/{district}/2025", json={"general_expenditure": "1000000000"}, headers=city.auth("finance")
    )
    assert budget.status_code == 200, budget.text
    first = await project(client, city)
    await client.put(
        f"/api/ppp/projects/{first['id']}/payments",
        json={"year": 2025, "kind": "availability", "amount_planned": "40000000", "performance_score": "90"},
        headers=city.auth("finance"),
    )
    await client.put(
        f"/api/ppp/projects/{first['id']}/payments",
        json={"year": 2025, "kind": "om_performance", "amount_planned": "10000000"},
        headers=city.auth("finance"),
    )
    within = (await client.get(query, headers=city.auth("evaluator"))).json()
    assert Decimal(within["expenditure"]) == 46_000_000
    assert Decimal(within["share"]) == Decimal("0.046")
    assert within["status"] == "within_limits"
    assert within["new_government_pay_allowed"] is True
    second = await project(client, city, name="道路PPP", payment_mechanism="viability_gap")
    await client.put(
        f"/api/ppp/projects/{second['id']}/payments",
        json={"year": 2025, "kind": "viability_gap", "amount_planned": "20000000", "amount_paid": "21000000"},
        headers=city.auth("finance"),
    )
    blocked = (await client.get(query, headers=city.auth("finance"))).json()
    assert Decimal(blocked["expenditure"]) == 67_000_000  # paid more than planned: what was paid counts
    assert blocked["status"] == "government_pay_blocked"
    assert blocked["new_ppp_allowed"] is True
    assert blocked["new_government_pay_allowed"] is False
    assert blocked["projects"] == 2
    await client.put(
        f"/api/ppp/projects/{second['id']}/payments",
        json={"year": 2025, "kind": "viability_gap", "amount_planned": "60000000"},
        headers=city.auth("finance"),
    )
    red = (await client.get(query, headers=city.auth("finance"))).json()
    assert red["status"] == "red_line_breached"
    assert red["new_ppp_allowed"] is False
    other_year = (
        await client.get(f"/api/ppp/affordability?district={district}&year=2026", headers=city.auth("finance"))
    ).json()
    assert other_year["status"] == "no_budget"
    assert Decimal(other_year["expenditure"]) == 0
    looser = await affordability_check(
        await principal("finance"),
        district,
        2025,
        AffordabilityPolicy(red_line=Decimal("0.2"), government_pay_limit=Decimal("0.1")),
    )
    assert str(looser.result.status) == "government_pay_blocked"
    outside = await client.get(
        f"/api/ppp/affordability?district={city.orgs['city']}&year=2025", headers=city.auth("district_department")
    )
    assert outside.status_code == 404
    budgets = (await client.get("/api/ppp/budgets?year=2025", headers=city.auth("evaluator"))).json()
    assert [(b["district_id"], b["year"], Decimal(b["general_expenditure"])) for b in budgets] == [
        (district, 2025, Decimal(1_000_000_000))
    ]


# ---- ratings ---------------------------------------------------------------------------------------------

STATES = ["pending", "due_soon", "overdue", "breached", "fulfilled", "fulfilled_late", "partially_fulfilled", "waived"]


async def test_ratings_match_a_python_reference_and_roll_up(client: Any, city: City) -> None:
    from app.models import IntegrityFailure
    from trackers.failures import Severity
    from trackers.scoring import FailureTally, PeriodCounts, integrity_score

    rng = random.Random(4)
    ag = await agreement(city)
    owners = ["ndrc", "district_ndrc", "district", "investment"]
    made: list[tuple[str, str, date, str, Decimal | None, Decimal]] = []
    for _ in range(120):
        owner, state = rng.choice(owners), rng.choice(STATES)
        nominal = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 500))
        role = rng.choice(["government", "government", "counterparty"])
        amount = Decimal(rng.randrange(1, 100) * 10_000) if rng.random() < 0.5 else None
        paid = amount / 2 if amount is not None and state == "partially_fulfilled" else Decimal(0)
        ob = await obligation(ag, city, owner=owner, nominal=nominal, role=role, state=state, amount=amount)
        ob.amount_fulfilled = paid
        await ob.save(update_fields=["amount_fulfilled"])
        made.append((owner, state, ob.due_date, role, amount, paid))
    await IntegrityFailure.create(
        kind="government_breach",
        organisation_id=city.orgs["district_ndrc"],
        state="found",
        severity="general",
        due_date=date(2024, 2, 1),
        detected_on=date(2024, 3, 1),
        found_on=date(2024, 4, 1),
        clause="c",
    )
    await IntegrityFailure.create(
        kind="government_breach",
        organisation_id=city.orgs["ndrc"],
        state="found_rectified",
        severity="serious",
        due_date=date(2024, 2, 1),
        detected_on=date(2024, 3, 1),
        found_on=date(2024, 4, 1),
        rectified_on=date(2024, 6, 1),
        clause="c",
    )
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    response = await client.get(f"/api/ratings?period_start={start}&period_end={end}", headers=city.auth("evaluator"))
    assert response.status_code == 200, response.text
    by_org = {r["organisation_id"]: r for r in response.json()}
    subtree = {
        "city": set(owners),
        "district": {"district", "district_ndrc"},
        "district_ndrc": {"district_ndrc"},
        "ndrc": {"ndrc"},
        "finance": set(),
    }
    failures = {
        "city": {Severity.GENERAL: FailureTally(standing=1), Severity.SERIOUS: FailureTally(rectified=1)},
        "district": {Severity.GENERAL: FailureTally(standing=1)},
        "district_ndrc": {Severity.GENERAL: FailureTally(standing=1)},
        "ndrc": {Severity.SERIOUS: FailureTally(rectified=1)},
        "finance": {},
    }
    for key, members in subtree.items():
        rows = [
            m for m in made if m[0] in members and m[3] != "counterparty" and start <= m[2] <= end and m[1] != "waived"
        ]
        count = {s: sum(1 for m in rows if m[1] == s) for s in STATES}
        expected = PeriodCounts(
            len(rows), count["fulfilled"], count["fulfilled_late"], count["overdue"], count["breached"], failures[key]
        )
        score = integrity_score(expected)
        got = by_org[city.orgs[key]]
        assert (got["due"], got["fulfilled_on_time"], got["fulfilled_late"], got["overdue"], got["breached"]) == (
            expected.due,
            expected.fulfilled_on_time,
            expected.fulfilled_late,
            expected.overdue,
            expected.breached,
        ), key
        assert Decimal(str(got["score"])) == score.score, key
        assert got["grade"] == str(score.grade), key
        promised = sum((m[4] for m in rows if m[4] is not None), Decimal(0))
        assert Decimal(str(got["amount_promised"])) == promised, key
        # unified with app.services.stats: a fulfilled money duty without recorded payments counts in full
        delivered = sum(
            ((m[4] or Decimal(0)) if m[1] in ("fulfilled", "fulfilled_late") and not m[5] else m[5] for m in rows),
            Decimal(0),
        )
        assert Decimal(str(got["amount_delivered"])) == delivered, key
    assert by_org[city.orgs["ndrc"]]["rectified"] == 1
    assert by_org[city.orgs["ndrc"]]["failures"] == {"serious": {"standing": 0, "rectified": 1, "repaired": 0}}
    one = (
        await client.get(
            f"/api/ratings?org_id={city.orgs['district']}&period_start={start}&period_end={end}",
            headers=city.auth("admin"),
        )
    ).json()
    assert [r["organisation_id"] for r in one] == [city.orgs["district"]]
    assert one[0]["due"] == by_org[city.orgs["district"]]["due"]
    for who in ("department", "district_department"):
        assert (await client.get("/api/ratings", headers=city.auth(who))).status_code == 403
    for who in ("investment", "finance", "admin"):
        assert (await client.get("/api/ratings", headers=city.auth(who))).status_code == 200
    backwards = await client.get(
        "/api/ratings?period_start=2024-12-31&period_end=2024-01-01", headers=city.auth("admin")
    )
    assert backwards.status_code == 422


async def test_ratings_scope_and_monthly_snapshots(client: Any, city: City) -> None:
    from app.models import Role
    from app.security import new_api_token
    from app.services.users import add_user

    user = await add_user("district_evaluator", "correct horse battery", Role.EVALUATOR, city.orgs["district"])
    headers = {"Authorization": f"Bearer {await new_api_token(user, 'test', read_only=True)}"}
    ag = await agreement(city)
    await obligation(ag, city, owner="district_ndrc", nominal=date(2024, 7, 10), state="fulfilled")
    await obligation(ag, city, owner="ndrc", nominal=date(2024, 7, 11))
    mine = (await client.get("/api/ratings?period_start=2024-07-01&period_end=2024-07-31", headers=headers)).json()
    assert {r["organisation_id"] for r in mine} == {city.orgs["district"], city.orgs["district_ndrc"]}
    outside = await client.get(f"/api/ratings?org_id={city.orgs['ndrc']}", headers=headers)
    assert outside.status_code == 404
    swept = await client.post("/api/sweep", json={"as_of": "2024-08-01"}, headers=city.auth("admin"))
    assert swept.json()["snapshots"] == 7  # every organisation, for July
    again = await client.post("/api/sweep", json={"as_of": "2024-08-01"}, headers=city.auth("admin"))
    assert again.json()["snapshots"] == 0
    trend = (await client.get(f"/api/ratings/{city.orgs['city']}/snapshots", headers=city.auth("evaluator"))).json()
    assert len(trend) == 1
    july = trend[0]
    assert (july["period_start"], july["period_end"]) == ("2024-07-01", "2024-07-31")
    assert (july["due"], july["fulfilled_on_time"], july["overdue"]) == (2, 1, 1)
    # one of two duties met on time, no failure record: the pure rule's score and grade for those counts
    expected = integrity_score(PeriodCounts(due=2, fulfilled_on_time=1, overdue=1))
    assert expected.score == Decimal("80.0")
    assert (Decimal(str(july["score"])), july["grade"]) == (expected.score, expected.grade)
    assert (await client.get(f"/api/ratings/{city.orgs['ndrc']}/snapshots", headers=headers)).status_code == 404
    denied = await client.get(f"/api/ratings/{city.orgs['city']}/snapshots", headers=city.auth("department"))
    assert denied.status_code == 403

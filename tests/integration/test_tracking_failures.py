"""Integrity-failure records through the 1103号 procedure, over the HTTP API (roles, scope, today's date)
and the services (dates in the past, to walk through periods)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app import clock
from tests.conftest import City
from tests.integration.tracking_helpers import agreement, obligation, principal
from trackers.calendar import add_months


async def breach(client: Any, city: City, owner: str = "ndrc", amount: Decimal | None = None) -> dict[str, Any]:
    """A government obligation due 2024-01-31, swept on 2024-04-01: a detected failure record."""
    ag = await agreement(city)
    ob = await obligation(ag, city, owner=owner, nominal=date(2024, 1, 31), amount=amount)
    swept = await client.post("/api/sweep", json={"as_of": "2024-04-01"}, headers=city.auth("admin"))
    assert swept.json()["government_failures"] == 1, swept.text
    failures = (await client.get("/api/failures", headers=city.auth("admin"))).json()["items"]
    record = next(f for f in failures if f["obligation_id"] == ob.id)
    assert record["state"] == "detected"
    return dict(record)


async def post(client: Any, city: City, who: str, failure_id: int, action: str, body: dict[str, Any]) -> Any:
    return await client.post(f"/api/failures/{failure_id}/{action}", json=body, headers=city.auth(who))


async def test_verify_order_and_rectify_on_time_closes_without_publication(client: Any, city: City) -> None:
    from app.models import AuditLog

    record = await breach(client, city)
    fid = record["id"]
    assert record["severity"] == "minor"
    assert record["days_late"] == (date(2024, 4, 1) - date(2024, 1, 31)).days
    for who in ("evaluator", "department", "investment", "finance"):
        assert (await post(client, city, who, fid, "verify", {})).status_code == 403, who
    verified = await post(client, city, "admin", fid, "verify", {"note": "经核实属实"})
    assert verified.status_code == 200, verified.text
    assert verified.json()["state"] == "verified"
    deadline = (clock.today() + timedelta(days=30)).isoformat()
    no_plan = await post(client, city, "admin", fid, "rectification-order", {"plan": "", "deadline": deadline})
    assert no_plan.status_code in (400, 422)
    past = await post(client, city, "admin", fid, "rectification-order", {"plan": "补足款项", "deadline": "2024-01-01"})
    assert past.status_code == 409
    ordered = await post(
        client, city, "admin", fid, "rectification-order", {"plan": "30日内补足款项", "deadline": deadline}
    )
    assert ordered.json()["state"] == "rectification_ordered"
    assert ordered.json()["rectification_deadline"] == deadline
    outside = await post(client, city, "district_department", fid, "rectify", {"note": "x"})
    assert outside.status_code == 404
    assert (await client.get(f"/api/failures/{fid}", headers=city.auth("district_department"))).status_code == 404
    assert (await post(client, city, "evaluator", fid, "rectify", {})).status_code == 403
    done = await post(client, city, "department", fid, "rectify", {"note": "已补足款项"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["state"] == "rectified"
    assert body["published_from"] is None
    assert body["rectified_on"] == clock.today().isoformat()
    actions = await AuditLog.filter(entity="integrity_failure", entity_id=fid).values_list("action", flat=True)
    assert list(actions) == ["failure.verify", "failure.order_rectification", "failure.rectify"]
    public = (await client.get("/api/public/failures")).json()
    assert public["total"] == 0


async def test_refusal_escalates_then_objection_rules(client: Any, city: City) -> None:
    fid = (await breach(client, city))["id"]
    await post(client, city, "admin", fid, "verify", {})
    deadline = (clock.today() + timedelta(days=10)).isoformat()
    await post(client, city, "admin", fid, "rectification-order", {"plan": "补足", "deadline": deadline})
    refused = await post(client, city, "department", fid, "refuse", {"note": "无预算"})
    assert refused.status_code == 200, refused.text
    body = refused.json()
    today = clock.today()
    assert body["state"] == "found"
    assert body["severity"] == "general"  # escalated from minor
    assert body["found_on"] == today.isoformat()
    assert body["published_from"] == (today + timedelta(days=16)).isoformat()  # after the 15-day objection period
    for reason in ("government_change", "official_change"):
        inadmissible = await post(client, city, "department", fid, "objection", {"reason": reason, "note": "换届"})
        assert inadmissible.status_code == 422, inadmissible.text
        assert inadmissible.json()["code"] == "inadmissible_objection"
    unknown = await post(client, city, "department", fid, "objection", {"reason": "bad_luck"})
    assert unknown.status_code == 422
    assert (
        await post(client, city, "district_department", fid, "objection", {"reason": "procedure"})
    ).status_code == 404
    objected = await post(client, city, "department", fid, "objection", {"reason": "facts_incorrect", "note": "已付"})
    assert objected.json()["state"] == "objected"
    assert objected.json()["published_from"] is None
    assert (await post(client, city, "department", fid, "objection/reject", {})).status_code == 403
    rejected = await post(client, city, "admin", fid, "objection/reject", {"note": "证据不足"})
    assert rejected.json()["state"] == "found"
    assert rejected.json()["published_from"] == (today + timedelta(days=1)).isoformat()
    assert rejected.json()["published_until"] == add_months(today + timedelta(days=1), 12).isoformat()


async def test_upheld_objection_withdraws_the_record(client: Any, city: City) -> None:
    fid = (await breach(client, city))["id"]
    await post(client, city, "admin", fid, "verify", {})
    await post(client, city, "admin", fid, "find", {"note": "认定"})
    await post(client, city, "admin", fid, "objection", {"reason": "already_performed", "note": "付款凭证"})
    upheld = await post(client, city, "admin", fid, "objection/uphold", {"note": "异议成立"})
    assert upheld.json()["state"] == "withdrawn"
    assert upheld.json()["published_from"] is None
    assert (await post(client, city, "admin", fid, "rectify", {})).status_code == 409


async def test_published_only_after_the_objection_period(client: Any, city: City) -> None:
    from app.services import failures as svc
    from trackers.failures import FailurePolicy

    fid = (await breach(client, city, amount=Decimal(2_000_000)))["id"]
    admin = await principal("admin")
    today = clock.today()
    policy = FailurePolicy()
    await svc.verify(admin, fid, today - timedelta(days=30), policy)
    found = await svc.find(admin, fid, today - timedelta(days=20), policy)
    assert found.severity == "general"  # 200万 outstanding
    assert found.published_from == today - timedelta(days=4)
    public = (await client.get("/api/public/failures")).json()
    assert [f["id"] for f in public["items"]] == [fid]
    assert "decision_note" not in public["items"][0]
    client.cookies.clear()  # the anonymous GET set a CSRF cookie; API programs send bearer tokens only
    late = await post(client, city, "department", fid, "objection", {"reason": "facts_incorrect"})
    assert late.status_code == 409, late.text
    assert late.json()["code"] == "period_closed"


async def test_missed_rectification_deadline_is_found_by_the_sweep(client: Any, city: City) -> None:
    from app.models import AuditLog, IntegrityFailure
    from app.services import failures as svc
    from trackers.failures import FailurePolicy

    fid = (await breach(client, city))["id"]
    admin = await principal("admin")
    policy = FailurePolicy()
    await svc.verify(admin, fid, date(2024, 4, 2), policy)
    await svc.order_rectification(admin, fid, date(2024, 4, 2), policy, "补足款项", date(2024, 5, 31))
    on_deadline = await client.post("/api/sweep", json={"as_of": "2024-05-31"}, headers=city.auth("admin"))
    assert on_deadline.json()["rectification_missed"] == 0
    after = await client.post("/api/sweep", json={"as_of": "2024-06-01"}, headers=city.auth("admin"))
    assert after.json()["rectification_missed"] == 1
    record = await IntegrityFailure.get(id=fid)
    assert record.state == "found"
    assert record.severity == "general"  # escalated from minor
    assert record.found_on == date(2024, 6, 1)
    assert record.published_from == date(2024, 6, 17)
    assert record.published_until == date(2025, 6, 17)
    entry = await AuditLog.filter(entity_id=fid, action="failure.miss_rectification_deadline").first()
    assert entry is not None
    assert entry.actor_label == "system"
    assert entry.after == {"state": "found", "severity": "general", "found_on": "2024-06-01"}
    again = await client.post("/api/sweep", json={"as_of": "2024-06-01"}, headers=city.auth("admin"))
    assert again.json()["rectification_missed"] == 0


async def test_credit_repair_after_the_minimum_period(client: Any, city: City) -> None:
    from app.services import failures as svc
    from trackers.errors import TooEarly
    from trackers.failures import FailurePolicy

    fid = (await breach(client, city, amount=Decimal(2_000_000)))["id"]
    admin, department = await principal("admin"), await principal("department")
    policy = FailurePolicy()
    await svc.verify(admin, fid, date(2024, 4, 2), policy)
    await svc.find(admin, fid, date(2024, 4, 3), policy)
    rectified = await svc.rectify(department, fid, date(2024, 5, 10), policy, "已补足")
    assert rectified.state == "found_rectified"
    assert rectified.published_from == date(2024, 4, 19)
    with pytest.raises(TooEarly) as raised:
        await svc.repair(admin, fid, date(2024, 8, 9), policy)
    assert raised.value.opens_on == date(2024, 8, 10)  # general: 3 months after rectification
    repaired = await svc.repair(admin, fid, date(2024, 8, 10), policy, "信用修复")
    assert repaired.state == "repaired"
    assert repaired.repaired_on == date(2024, 8, 10)
    assert repaired.published_from == date(2024, 4, 19)  # history: it was public
    assert repaired.published_until == date(2024, 8, 10)  # and no longer is
    too_early = await post(client, city, "department", fid, "repair", {})
    assert too_early.status_code == 403


async def test_manual_failures_from_outside(client: Any, city: City) -> None:
    body = {
        "organisation_id": city.orgs["district_ndrc"],
        "source": "court",
        "source_reference": "(2024)粤0605执123号",
        "clause": "判决南海区发展改革局支付工程款",
        "due_date": "2024-03-01",
        "amount_outstanding": "12000000",
        "promised_to": "某建设公司",
    }
    for who in ("department", "district_department", "evaluator", "investment"):
        assert (await client.post("/api/failures", json=body, headers=city.auth(who))).status_code == 403
    created = await client.post("/api/failures", json=body, headers=city.auth("admin"))
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["state"] == "detected"
    assert record["source"] == "court"
    assert record["obligation_id"] is None
    assert record["severity"] == "serious"  # 1200万 outstanding
    assert record["source_reference"] == "(2024)粤0605执123号"
    mine = await client.get(f"/api/failures/{record['id']}", headers=city.auth("district_department"))
    assert mine.status_code == 200
    assert (await client.get(f"/api/failures/{record['id']}", headers=city.auth("department"))).status_code == 404
    for source in ("penalty", "sanction", "hotline_12345"):
        again = await client.post("/api/failures", json=body | {"source": source}, headers=city.auth("admin"))
        assert again.status_code == 201
        assert again.json()["source"] == source
    sweep_source = await client.post("/api/failures", json=body | {"source": "sweep"}, headers=city.auth("admin"))
    assert sweep_source.status_code == 422
    future = await client.post("/api/failures", json=body | {"due_date": "2099-01-01"}, headers=city.auth("admin"))
    assert future.status_code == 422
    nowhere = await client.post("/api/failures", json=body | {"organisation_id": 99999}, headers=city.auth("admin"))
    assert nowhere.status_code == 404
    # the recorded district unit may rectify once ordered; its users act on it, others cannot see it
    fid = record["id"]
    await post(client, city, "admin", fid, "verify", {})
    await post(
        client,
        city,
        "admin",
        fid,
        "rectification-order",
        {"plan": "执行判决", "deadline": (clock.today() + timedelta(days=5)).isoformat()},
    )
    assert (await post(client, city, "department", fid, "rectify", {})).status_code == 404
    rectified = await post(client, city, "district_department", fid, "rectify", {"note": "已执行"})
    assert rectified.json()["state"] == "rectified"


async def test_sweep_severity_agrees_with_the_python_rule_on_a_grid(city: City) -> None:
    """The sweep's SQL CASE and ``trackers.failures.severity`` are one ladder: on a grid of amounts, days
    late and prior findings (some of them older than the 3 counting years) they grade every record alike."""
    import itertools

    from app.models import FailureKind, IntegrityFailure, Obligation, OrgKind
    from app.services.organisations import create_organisation
    from app.services.sweep import sweep_obligations
    from trackers.failures import FailurePolicy, SeverityThresholds, severity
    from trackers.policies import TrackingPolicies

    as_of = date(2024, 10, 8)
    thresholds = SeverityThresholds()
    since = thresholds.prior_since(as_of)
    assert since == date(2021, 10, 8)
    # prior findings per body: the day each was found (the first body has none)
    priors = [
        [],
        [since],  # exactly 3 years ago: still counts
        [since - timedelta(days=1)],  # a day older: does not
        [since, as_of - timedelta(days=200)],
        [since - timedelta(days=1), since - timedelta(days=400)],
    ]
    amounts = [None, Decimal(999_999), Decimal(1_000_000), Decimal(9_999_999), Decimal(10_000_000)]
    days_late = [31, 89, 90, 364, 365, 800]
    bodies = []
    for i, found in enumerate(priors):
        org = await create_organisation(f"网格局{i}", OrgKind.DEPARTMENT, parent_id=city.orgs["city"])
        bodies.append(org.id)
        for day in found:
            await IntegrityFailure.create(
                kind=FailureKind.GOVERNMENT_BREACH,
                organisation_id=org.id,
                obligor_name=org.name,
                state="found",
                severity="minor",
                source="sweep",
                due_date=day - timedelta(days=60),
                detected_on=day - timedelta(days=30),
                found_on=day,
                clause="此前认定的失信",
            )
    ag = await agreement(city)
    grid = list(itertools.product(range(len(priors)), amounts, days_late))
    rows = [
        Obligation(
            agreement_id=ag.id,
            document_id=ag.document_id,
            ordinal=n,
            start=0,
            end=1,
            quote=f"第{n}项",
            obligor_role="government",
            owner_id=bodies[body],
            category="payment",
            amount=amount,
            amount_fulfilled=Decimal(0),
            deadline_kind="absolute",
            nominal_date=as_of - timedelta(days=late),
            due_date=as_of - timedelta(days=late),
            review_status="confirmed",
            state="overdue",
        )
        for n, (body, amount, late) in enumerate(grid)
    ]
    await Obligation.bulk_create(rows, batch_size=500)
    await sweep_obligations(as_of, TrackingPolicies(failure=FailurePolicy(thresholds=thresholds)), snapshots=False)
    graded = dict(
        await IntegrityFailure.filter(obligation__agreement_id=ag.id).values_list("obligation__ordinal", "severity")
    )
    counting = [sum(day >= since for day in found) for found in priors]
    expected = {
        n: str(severity(amount or 0, late, counting[body], thresholds)) for n, (body, amount, late) in enumerate(grid)
    }
    assert graded == expected
    assert set(expected.values()) == {"minor", "general", "serious"}

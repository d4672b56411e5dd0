"""The OCDS release package, validated offline against the vendored official schema (PPP profile)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.conftest import City
from tests.integration.stats_city import build_stats_city

USCC = "91440605MA4UJ6AN6G"


def validator() -> Draft4Validator:
    from app.exports.ocds import PACKAGE_SCHEMA_URL, SCHEMA_DIR

    resources = []
    for name in ("release-package-schema.json", "release-schema.json"):
        schema = json.loads((SCHEMA_DIR / "ppp-profile" / name).read_text())
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    registry = Registry().with_resources(resources)  # never fetched from the network
    package_schema = registry[PACKAGE_SCHEMA_URL].contents
    return Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())


@pytest.fixture
async def ocds_city(city: City) -> City:
    from app.models import AgreementParty, Counterparty, FulfilmentEvidence, Obligation

    ids = await build_stats_city(city)
    company = await Counterparty.create(name="广东某某科技有限公司", uscc=USCC)
    await AgreementParty.filter(role="counterparty").update(counterparty_id=company.id)
    await Obligation.filter(id=ids[6]).update(penalty="每逾期一日按未付金额的万分之五支付违约金")
    await Obligation.filter(id=ids[5]).update(penalty="每逾期一日按未付金额的万分之五支付违约金")
    await FulfilmentEvidence.create(
        obligation_id=ids[6], note="第一期", fulfilled_on=date(2025, 9, 20), amount=Decimal("1000000.00")
    )
    await FulfilmentEvidence.create(
        obligation_id=ids[4], note="全额", fulfilled_on=date(2025, 2, 27), amount=Decimal("2000000.00")
    )
    city.ids = ids  # type: ignore[attr-defined]
    return city


async def test_release_package_validates_and_says_what_happened(client: Any, ocds_city: City) -> None:
    response = await client.get("/api/ocds/release-package", headers=ocds_city.auth("evaluator"))
    assert response.status_code == 200, response.text
    package = response.json()
    errors = sorted(validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert len(package["releases"]) == 3
    ids = ocds_city.ids  # type: ignore[attr-defined]
    ppp = next(r for r in package["releases"] if r["contracts"][0]["title"].endswith("PPP项目合同"))
    implementation = ppp["contracts"][0]["implementation"]
    milestones = {m["id"]: m for m in implementation["milestones"]}
    assert milestones[f"obligation-{ids[4]}"]["status"] == "met"
    assert milestones[f"obligation-{ids[4]}"]["dateMet"] == "2025-02-27T00:00:00+08:00"
    assert milestones[f"obligation-{ids[5]}"]["status"] == "notMet"
    assert milestones[f"obligation-{ids[6]}"]["status"] == "partiallyMet"
    assert milestones[f"obligation-{ids[6]}"]["dueDate"] == "2025-09-30T00:00:00+08:00"
    assert milestones[f"obligation-{ids[6]}"]["type"] == "payment"
    transactions = {t["relatedImplementationMilestone"]["id"]: t for t in implementation["transactions"]}
    assert transactions[f"obligation-{ids[6]}"]["value"] == {"amount": 1000000, "currency": "CNY"}
    assert set(transactions) <= set(milestones)
    (failure,) = implementation["performanceFailures"]  # F3 (repaired) counts; F6 is withdrawn
    assert failure["penaltyContracted"].startswith("每逾期一日")
    assert failure["period"]["startDate"] == "2025-08-31T00:00:00+08:00"
    supplier = next(p for p in ppp["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"] == {"scheme": "CN-USCC", "id": USCC, "legalName": "广东某某科技有限公司"}
    assert transactions[f"obligation-{ids[6]}"]["payee"]["id"] == supplier["id"]
    assert ppp["buyer"]["id"] in {p["id"] for p in ppp["parties"]}
    invest = next(r for r in package["releases"] if r is not ppp and "智能制造" in r["contracts"][0]["title"])
    assert "performanceFailures" not in invest["contracts"][0]["implementation"]  # PPP profile only


async def test_late_fulfilment_is_derived_from_dates(client: Any, ocds_city: City) -> None:
    package = (
        await client.get("/api/ocds/release-package?agreement_kind=policy_commitment", headers=ocds_city.auth("admin"))
    ).json()
    (release,) = package["releases"]
    ids = ocds_city.ids  # type: ignore[attr-defined]
    late = next(m for m in release["contracts"][0]["implementation"]["milestones"] if m["id"] == f"obligation-{ids[9]}")
    assert late["status"] == "met"
    assert late["dateMet"] > late["dueDate"]
    assert set(late) <= {"id", "title", "type", "description", "dueDate", "dateMet", "dateModified", "status"}


async def test_scope(client: Any, ocds_city: City) -> None:
    from app.models import Role
    from app.security import new_api_token
    from app.services.users import add_user

    user = await add_user("district_evaluator", "correct horse battery", Role.EVALUATOR, ocds_city.orgs["district"])
    token = await new_api_token(user, "ocds", read_only=True)
    package = (await client.get("/api/ocds/release-package", headers={"Authorization": f"Bearer {token}"})).json()
    assert [r["contracts"][0]["title"] for r in package["releases"]] == ["南海区营商环境优化实施方案"]
    assert not list(validator().iter_errors(package))


async def test_ppp_project_milestones_payments_and_failures(client: Any, ocds_city: City) -> None:
    """A PPP fixture: project milestones (planned vs actual), government payments as transactions linked to
    their payment milestone, and the agreement's failure records as the PPP profile's performanceFailures."""
    from app.models import Agreement, GovernmentPayment, PPPMilestone, PPPProject

    ppp_agreement = await Agreement.get(kind="ppp")
    project = await PPPProject.create(
        name="城市污水处理厂PPP项目",
        agreement=ppp_agreement,
        district_id=ocds_city.orgs["city"],
        phase="execution",
        payment_mechanism="viability_gap",
    )
    late = await PPPMilestone.create(
        project=project, kind="financial_close", planned_on=date(2025, 3, 1), actual_on=date(2025, 3, 10)
    )
    missed = await PPPMilestone.create(project=project, kind="construction_start", planned_on=date(2025, 4, 1))
    ahead = await PPPMilestone.create(project=project, kind="handover", planned_on=date(2099, 1, 1))
    paid = await GovernmentPayment.create(
        project=project,
        year=2025,
        kind="availability",
        amount_planned=Decimal("1000000.00"),
        performance_score=Decimal("90"),
        amount_paid=Decimal("900000.00"),
        paid_on=date(2025, 12, 20),
    )
    part = await GovernmentPayment.create(
        project=project,
        year=2025,
        kind="viability_gap",
        amount_planned=Decimal("500000.00"),
        amount_paid=Decimal("200000.00"),
        paid_on=date(2025, 12, 25),
    )
    future = await GovernmentPayment.create(
        project=project, year=2099, kind="om_performance", amount_planned=Decimal("100000.00")
    )
    package = (await client.get("/api/ocds/release-package?agreement_kind=ppp", headers=ocds_city.auth("admin"))).json()
    errors = sorted(validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    (release,) = package["releases"]
    implementation = release["contracts"][0]["implementation"]
    milestones = {m["id"]: m for m in implementation["milestones"]}
    m = milestones[f"ppp-milestone-{late.id}"]
    assert (m["type"], m["status"], m["dueDate"], m["dateMet"]) == (
        "financing",
        "met",
        "2025-03-01T00:00:00+08:00",
        "2025-03-10T00:00:00+08:00",
    )
    assert m["dateMet"] > m["dueDate"]  # late, derived from the dates
    assert milestones[f"ppp-milestone-{missed.id}"]["status"] == "notMet"
    assert "dateMet" not in milestones[f"ppp-milestone-{missed.id}"]
    assert milestones[f"ppp-milestone-{ahead.id}"]["status"] == "scheduled"
    assert milestones[f"ppp-payment-{paid.id}"]["status"] == "met"
    assert milestones[f"ppp-payment-{paid.id}"]["value"] == {"amount": 900000, "currency": "CNY"}
    assert milestones[f"ppp-payment-{part.id}"]["status"] == "partiallyMet"
    assert milestones[f"ppp-payment-{future.id}"]["status"] == "scheduled"
    transactions = {t["id"]: t for t in implementation["transactions"]}
    payment = transactions[f"ppp-payment-{paid.id}"]
    assert payment["relatedImplementationMilestone"]["id"] == f"ppp-payment-{paid.id}"
    assert (payment["value"], payment["date"]) == ({"amount": 900000, "currency": "CNY"}, "2025-12-20T00:00:00+08:00")
    assert payment["payer"]["id"] == release["buyer"]["id"]
    assert transactions[f"ppp-payment-{part.id}"]["value"]["amount"] == 200000
    assert f"ppp-payment-{future.id}" not in transactions  # nothing paid yet
    assert {t["relatedImplementationMilestone"]["id"] for t in transactions.values()} <= set(milestones)
    (failure,) = implementation["performanceFailures"]
    assert failure["penaltyContracted"].startswith("每逾期一日")

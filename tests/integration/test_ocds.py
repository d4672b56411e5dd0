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

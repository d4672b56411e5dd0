"""Enums end to end at the API edge: request structs carry the ``StrEnum``s (msgspec refuses a bad value with a
422 that names the field and the allowed values), read structs carry them too, and the OpenAPI document lists
their values."""

from __future__ import annotations

from typing import Any

from app.models import GovernmentPaymentKind, MilestoneKind, OrgKind, PPPPhase
from tests.conftest import City
from trackers import ObligationState
from trackers.failures import FailureSource, FailureState, ObjectionReason, Severity


async def test_a_bad_enum_value_in_a_body_is_a_422_naming_the_field_and_the_values(client: Any, city: City) -> None:
    body = {"organisation_id": city.orgs["ndrc"], "source": "rumour", "clause": "x", "due_date": "2024-01-01"}
    bad = await client.post("/api/failures", json=body, headers=city.auth("admin"))
    assert bad.status_code == 422, bad.text
    problem = bad.json()
    assert problem["detail"] == f"source must be one of: {', '.join(FailureSource)}."
    assert problem["errors"][0]["key"] == "source"
    bad_severity = await client.post(
        "/api/failures", json=body | {"source": "court", "severity": "grave"}, headers=city.auth("admin")
    )
    assert bad_severity.status_code == 422
    assert bad_severity.json()["detail"] == f"severity must be one of: {', '.join(Severity)}."
    org = await client.post("/api/organisations", json={"name": "某局", "kind": "ministry"}, headers=city.auth("admin"))
    assert org.status_code == 422
    assert org.json()["detail"] == f"kind must be one of: {', '.join(OrgKind)}."


async def test_a_bad_enum_value_in_the_path_names_the_values(client: Any, city: City) -> None:
    body = {"name": "某PPP项目", "district_id": city.orgs["district"], "payment_mechanism": "government_pay"}
    project = await client.post("/api/ppp/projects", json=body, headers=city.auth("finance"))
    assert project.status_code == 201, project.text
    assert project.json()["phase"] == PPPPhase.IDENTIFICATION
    url = f"/api/ppp/projects/{project.json()['id']}"
    bad = await client.put(f"{url}/milestones/groundbreaking", json={}, headers=city.auth("finance"))
    assert bad.status_code == 422
    assert bad.json()["detail"] == f"kind must be one of: {', '.join(MilestoneKind)}."
    payment = {"year": 2025, "kind": "tip", "amount_planned": "1"}
    bad_kind = await client.put(f"{url}/payments", json=payment, headers=city.auth("finance"))
    assert bad_kind.json()["detail"] == f"kind must be one of: {', '.join(GovernmentPaymentKind)}."


def _schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = doc["components"]["schemas"][name]
    return schema


def _enum(doc: dict[str, Any], prop: dict[str, Any]) -> list[str]:
    """The values a property allows: inline, behind a ``$ref`` or inside a ``oneOf`` with null."""
    for option in [prop, *prop.get("oneOf", []), *prop.get("anyOf", [])]:
        if "$ref" in option:
            option = doc["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]
        if "enum" in option:
            return list(option["enum"])
    raise AssertionError(f"no enum in {prop}")


async def test_openapi_lists_the_enum_values_of_requests_and_reads(client: Any) -> None:
    doc = (await client.get("/schema/openapi.json")).json()
    manual = _schema(doc, "ManualFailureRequest")["properties"]
    assert _enum(doc, manual["source"]) == list(FailureSource)
    assert _enum(doc, manual["severity"]) == list(Severity)
    assert _enum(doc, _schema(doc, "ObjectionRequest")["properties"]["reason"]) == list(ObjectionReason)
    read = _schema(doc, "FailureRead")["properties"]
    assert _enum(doc, read["state"]) == list(FailureState)
    assert _enum(doc, _schema(doc, "ObligationRead")["properties"]["state"]) == list(ObligationState)

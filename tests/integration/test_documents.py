"""Upload → extraction job → proposed obligations → review → sweep, through the HTTP API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import City, wait_for_jobs
from tests.pdfs import agreement_pdf

PDF = "application/pdf"


async def upload(
    client: Any, city: City, data: bytes, name: str = "协议.pdf", who: str = "investment", **fields: str
) -> Any:
    return await client.post("/api/documents", files={"file": (name, data, PDF)}, data=fields, headers=city.auth(who))


async def extracted_document(client: Any, city: City, **fields: str) -> dict[str, Any]:
    response = await upload(client, city, agreement_pdf(), signed_on="2025-03-01", **fields)
    assert response.status_code == 202, response.text
    await wait_for_jobs(client)
    doc = (await client.get(response.headers["location"], headers=city.auth("investment"))).json()
    assert doc["status"] == "extracted", doc
    return dict(doc)


async def test_upload_is_stored_then_extracted_with_progress(client: Any, city: City, db: Any) -> None:
    response = await upload(client, city, agreement_pdf(), signed_on="2025-03-01")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] in ("queued", "extracting", "extracted")
    assert response.headers["location"] == f"/api/documents/{body['id']}"
    from app.storage import FileStore

    assert FileStore(db.files_dir).exists(body["sha256"])  # durable before the answer
    await wait_for_jobs(client)
    doc = (await client.get(f"/api/documents/{body['id']}", headers=city.auth("investment"))).json()
    assert doc["status"] == "extracted"
    assert doc["pages"] == 1
    assert doc["pages_done"] == 1
    assert doc["progress"] == 1.0
    assert doc["failure_reason"] is None


async def test_identical_bytes_give_the_same_document(client: Any, city: City) -> None:
    first = await upload(client, city, agreement_pdf())
    second = await upload(client, city, agreement_pdf(), name="renamed.pdf")
    assert first.status_code == 202
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    await wait_for_jobs(client)
    listing = (await client.get("/api/documents", headers=city.auth("admin"))).json()
    assert listing["total"] == 1


async def test_rerunning_the_job_changes_nothing(client: Any, city: City, db: Any) -> None:
    from app.models import Agreement, Document, Obligation
    from app.services.extraction import run_extraction

    doc = await extracted_document(client, city)
    before = await Obligation.filter(document_id=doc["id"]).count()
    assert before >= 3
    await Document.filter(id=doc["id"]).update(status="extracting")  # as if a worker died after the commit
    await run_extraction(doc["id"], db)
    assert await Obligation.filter(document_id=doc["id"]).count() == before
    assert await Agreement.filter(document_id=doc["id"]).count() == 1


async def test_review_confirm_edit_reject(client: Any, city: City) -> None:
    doc = await extracted_document(client, city)
    auth = city.auth("investment")
    items = (await client.get(f"/api/obligations?document_id={doc['id']}&review_status=proposed", headers=auth)).json()
    obligations = items["items"]
    assert len(obligations) >= 3
    payment = next(o for o in obligations if o["amount"] and float(o["amount"]) == 3_000_000)
    assert payment["obligor_role"] == "government"
    assert payment["deadline"]["nominal_date"] == "2025-12-31"
    assert payment["deadline"]["due_date"] == "2025-12-31"
    # edit the deadline and confirm in one call; 2025-10-01 is a National Day holiday → due moves on
    edited = await client.patch(
        f"/api/obligations/{payment['id']}",
        json={"nominal_date": "2025-10-01", "review_status": "confirmed"},
        headers=auth,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["deadline"]["due_date"] == "2025-10-09"
    assert edited.json()["review_status"] == "confirmed"
    others = [o["id"] for o in obligations if o["id"] != payment["id"]]
    rejected = await client.post(
        "/api/obligations/review", json={"ids": others[:1], "decision": "rejected"}, headers=auth
    )
    assert rejected.status_code == 200
    again = await client.post(f"/api/obligations/{others[0]}/confirm", headers=auth)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    from app.models import AuditLog

    actions = await AuditLog.filter(entity="obligation").values_list("action", flat=True)
    assert "obligation.confirmed" in actions
    assert "obligation.rejected" in actions


async def test_sweep_records_government_breach(client: Any, city: City) -> None:
    doc = await extracted_document(client, city)
    auth = city.auth("investment")
    ids = [
        o["id"] for o in (await client.get(f"/api/obligations?document_id={doc['id']}", headers=auth)).json()["items"]
    ]
    assert (
        await client.post("/api/obligations/review", json={"ids": ids, "decision": "confirmed"}, headers=auth)
    ).status_code == 200
    swept = await client.post("/api/sweep", json={"as_of": "2026-03-01"}, headers=city.auth("admin"))
    assert swept.status_code == 200, swept.text
    report = swept.json()
    assert report["government_failures"] >= 1, report
    again = (await client.post("/api/sweep", json={"as_of": "2026-03-01"}, headers=city.auth("admin"))).json()
    assert again["government_failures"] == 0
    assert not any(again["moved"].values())
    failures = (await client.get("/api/failures", headers=city.auth("admin"))).json()["items"]
    payment = next(f for f in failures if f["amount_outstanding"] and float(f["amount_outstanding"]) == 3_000_000)
    assert payment["kind"] == "government_breach"
    assert payment["due_date"] == "2025-12-31"
    assert payment["days_late"] == (date(2026, 3, 1) - date(2025, 12, 31)).days


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> garbage", None),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "unsupported_format"),
        (b"PK\x03\x04" + bytes(100), "corrupt"),
    ],
)
async def test_bad_files_fail_with_a_reason_and_nothing_else_is_affected(
    client: Any, city: City, data: bytes, code: str | None
) -> None:
    good = await extracted_document(client, city)
    response = await upload(client, city, data, name="bad.pdf")
    assert response.status_code == 202
    await wait_for_jobs(client)
    doc = (await client.get(response.headers["location"], headers=city.auth("investment"))).json()
    assert doc["status"] == "failed"
    assert doc["failure_reason"]
    assert "Traceback" not in doc["failure_reason"]
    if code:
        assert doc["failure_code"] == code
    still = (await client.get(f"/api/documents/{good['id']}", headers=city.auth("investment"))).json()
    assert still["status"] == "extracted"


async def test_empty_upload_and_bad_fields_are_problems(client: Any, city: City) -> None:
    auth = city.auth("investment")
    empty = await client.post("/api/documents", files={"file": ("x.pdf", b"", PDF)}, headers=auth)
    assert empty.status_code == 422
    assert empty.json()["title"] == "Invalid input"
    no_file = await client.post("/api/documents", data={"kind": "ppp"}, headers=auth)
    assert no_file.status_code in (400, 422)
    bad_kind = await upload(client, city, agreement_pdf(), kind="lottery")
    assert bad_kind.status_code == 422
    assert "kind" in bad_kind.json()["detail"]
    bad_date = await upload(client, city, agreement_pdf(), signed_on="2025-02-30")
    assert bad_date.status_code == 422
    for path in ("/api/documents/999999", "/api/obligations/999999", "/api/agreements/999999"):
        missing = await client.get(path, headers=auth)
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["status"] == 404
    bad_query = await client.get("/api/obligations?limit=100000", headers=auth)
    assert bad_query.status_code in (400, 422)
    bad_body = await client.post("/api/obligations/review", json={"ids": "x", "decision": "confirmed"}, headers=auth)
    assert bad_body.status_code in (400, 422)


async def test_owner_can_only_move_within_scope(client: Any, city: City) -> None:
    from app.models import Organisation, OrgKind

    doc = await extracted_document(client, city)
    auth = city.auth("investment")
    ob = (await client.get(f"/api/obligations?document_id={doc['id']}", headers=auth)).json()["items"][0]
    elsewhere = await Organisation.create(name="广州市", kind=OrgKind.CITY, path="/")
    elsewhere.path = f"/{elsewhere.id}/"
    await elsewhere.save()
    refused = await client.patch(f"/api/obligations/{ob['id']}", json={"owner_id": elsewhere.id}, headers=auth)
    assert refused.status_code == 422
    moved = await client.patch(f"/api/obligations/{ob['id']}", json={"owner_id": city.orgs["ndrc"]}, headers=auth)
    assert moved.status_code == 200
    assert moved.json()["owner_id"] == city.orgs["ndrc"]

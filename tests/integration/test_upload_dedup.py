"""De-duplication of uploads is per organisation: the same bytes uploaded by another district get a document
of that district's own, and nothing about the first district's document shows through."""

from __future__ import annotations

from typing import Any

from tests.conftest import City, wait_for_jobs
from tests.pdfs import agreement_pdf


async def _district_uploader(city: City, name: str, username: str) -> dict[str, str]:
    from app.models import OrgKind, Role
    from app.security import new_api_token
    from app.services.organisations import create_organisation
    from app.services.users import add_user
    from tests.conftest import PASSWORD

    district = await create_organisation(name, OrgKind.DISTRICT, city.orgs["city"])
    bureau = await create_organisation(f"{name}投资促进局", OrgKind.DEPARTMENT, district.id)
    user = await add_user(username, PASSWORD, Role.INVESTMENT, bureau.id)
    return {"Authorization": f"Bearer {await new_api_token(user, 'test', read_only=False)}"}


async def _upload(client: Any, headers: dict[str, str], name: str) -> Any:
    files = {"file": (name, agreement_pdf(), "application/pdf")}
    return await client.post("/api/documents", files=files, data={"signed_on": "2025-03-01"}, headers=headers)


async def test_identical_bytes_from_another_district_get_their_own_document(client: Any, city: City) -> None:
    from app.models import AuditLog, Document

    nanhai = await _district_uploader(city, "顺德区", "shunde")
    chancheng = await _district_uploader(city, "禅城区", "chancheng")
    first = await _upload(client, nanhai, "顺德-招商协议.pdf")
    assert first.status_code == 202
    await wait_for_jobs(client)
    second = await _upload(client, chancheng, "禅城-renamed.pdf")
    assert second.status_code == 202, second.text  # a new document, queued for extraction
    theirs, mine = first.json(), second.json()
    assert mine["id"] != theirs["id"]
    assert mine["filename"] == "禅城-renamed.pdf"
    assert mine["status"] == "queued"  # not the first district's state
    assert "顺德" not in second.text
    assert mine["sha256"] == theirs["sha256"]  # one stored file, two documents
    await wait_for_jobs(client)
    # each district sees its own document only; the second one was extracted for the second district
    for headers, own, other in ((nanhai, theirs, mine), (chancheng, mine, theirs)):
        listing = (await client.get("/api/documents", headers=headers)).json()
        assert [d["id"] for d in listing["items"]] == [own["id"]]
        assert (await client.get(f"/api/documents/{other['id']}", headers=headers)).status_code == 404
        doc = (await client.get(f"/api/documents/{own['id']}", headers=headers)).json()
        assert doc["status"] == "extracted"
    documents = await Document.filter(sha256=mine["sha256"]).order_by("id").values_list("organisation_id", flat=True)
    assert len(set(documents)) == 2
    uploads = await AuditLog.filter(action="document.upload").count()
    assert uploads == 2  # the second district's upload is on the record
    # the same district uploading the same bytes again still gets its own existing document back
    again = await _upload(client, chancheng, "again.pdf")
    assert again.status_code == 200
    assert again.json()["id"] == mine["id"]

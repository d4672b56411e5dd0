"""What a clerk meets on ``/documents`` after pressing upload, on both job paths (in-process tasks, and arq
on Redis with a real worker): the notice for a file already uploaded, retrying and deleting a failed upload
(behind the uploader role and the organisation's scope, audited), a clear result for a file without
obligations, and a scan's OCR progress page by page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import PASSWORD, REDIS_URL, City
from tests.pdfs import agreement_pdf
from tests.reading_builders import ENGLISH_LINES, scanned_pages_pdf

PDF = "application/pdf"
NOTHING_OWED = "本文件为会议纪要，记录二〇二五年三月一日参会人员名单及会议议程。\n会议由市投资促进局主持。\n"


@dataclass
class Jobs:
    """The HTTP client of an app on one job path, and how to let that path's jobs run to the end."""

    http: httpx.AsyncClient
    settings: Settings
    run: Callable[[], Awaitable[None]]
    path: str


async def _in_process(db: Settings) -> AsyncIterator[Jobs]:
    from app.asgi import create_app
    from app.jobs import InProcessQueue

    app = create_app(db, init_db=False)
    app.state.queue = queue = InProcessQueue(db)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            yield Jobs(http, db, queue.drain, "in-process")
    finally:
        await queue.close()


async def _arq(db: Settings, queue_name: str) -> AsyncIterator[Jobs]:
    from app.asgi import create_app
    from app.jobs import ArqQueue
    from app.worker import build_worker

    assert REDIS_URL
    settings = db.with_(redis_url=REDIS_URL, queue_name=queue_name)

    async def run_worker_until_idle() -> None:
        worker = build_worker(settings, burst=True)
        try:
            await worker.main()
        finally:
            await worker.close()

    app = create_app(settings, init_db=False)
    app.state.queue = queue = ArqQueue(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            yield Jobs(http, settings, run_worker_until_idle, "arq")
    finally:
        await queue.close()


@pytest.fixture(
    params=[
        "in-process",
        pytest.param(
            "arq",
            marks=[pytest.mark.redis, pytest.mark.skipif(not REDIS_URL, reason="CHENGXIN_TEST_REDIS_URL is not set")],
        ),
    ]
)
async def jobs(request: pytest.FixtureRequest, db: Settings, queue_name: str) -> AsyncIterator[Jobs]:
    source = _in_process(db) if request.param == "in-process" else _arq(db, queue_name)
    async for value in source:
        yield value


async def upload(jobs: Jobs, city: City, data: bytes, name: str = "协议.pdf", who: str = "investment") -> Any:
    files = {"file": (name, data, PDF)}
    return await jobs.http.post("/api/documents", files=files, data={"signed_on": "2025-03-01"}, headers=city.auth(who))


async def document(jobs: Jobs, city: City, doc_id: int, who: str = "investment") -> dict[str, Any]:
    response = await jobs.http.get(f"/api/documents/{doc_id}", headers=city.auth(who))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def failed_upload(jobs: Jobs, city: City) -> dict[str, Any]:
    """Text saved under a PDF's name: the reader refuses it."""
    response = await upload(jobs, city, NOTHING_OWED.encode(), name="会议纪要.pdf")
    assert response.status_code == 202, response.text
    await jobs.run()
    doc = await document(jobs, city, response.json()["id"])
    assert doc["status"] == doc["outcome"] == "failed", doc
    return doc


async def other_district_uploader(city: City) -> dict[str, str]:
    from app.models import OrgKind, Role
    from app.security import new_api_token
    from app.services.organisations import create_organisation
    from app.services.users import add_user

    district = await create_organisation("顺德区", OrgKind.DISTRICT, city.orgs["city"])
    bureau = await create_organisation("顺德区投资促进局", OrgKind.DEPARTMENT, district.id)
    user = await add_user("shunde", PASSWORD, Role.INVESTMENT, bureau.id)
    return {"Authorization": f"Bearer {await new_api_token(user, 'test', read_only=False)}"}


# ---- duplicates ----------------------------------------------------------------------------------------


async def test_the_same_bytes_again_are_answered_with_the_document_already_uploaded(jobs: Jobs, city: City) -> None:
    first = await upload(jobs, city, agreement_pdf(), name="招商协议.pdf")
    assert first.status_code == 202, first.text
    assert first.json()["duplicate"] is False
    await jobs.run()
    again = await upload(jobs, city, agreement_pdf(), name="招商协议(1).pdf")
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["duplicate"] is True
    assert body["id"] == first.json()["id"]
    assert body["filename"] == "招商协议.pdf"  # the document it already is, under its first name
    assert body["status"] == "extracted"
    assert again.headers["location"] == f"/api/documents/{body['id']}"


# ---- retry ---------------------------------------------------------------------------------------------


async def test_a_failed_upload_is_retried_and_fails_again_with_its_reason(jobs: Jobs, city: City) -> None:
    from app.models import AuditLog

    doc = await failed_upload(jobs, city)
    retried = await jobs.http.post(f"/api/documents/{doc['id']}/retry", headers=city.auth("investment"))
    assert retried.status_code == 202, retried.text
    assert retried.json()["status"] == "queued"
    await jobs.run()
    again = await document(jobs, city, doc["id"])
    assert again["status"] == "failed"
    assert again["failure_reason"] == doc["failure_reason"]
    entries = AuditLog.filter(entity="document", entity_id=doc["id"]).order_by("id")
    actions = await entries.values_list("action", flat=True)
    assert actions[:3] == ["document.upload", "document.failed", "document.retry"]
    # failed again (a burst worker's start also re-enqueues every queued document: it may run twice)
    assert set(actions[3:]) == {"document.failed"}


async def test_a_retried_upload_is_extracted(jobs: Jobs, city: City) -> None:
    """Failed by an extractor bug (the row says failed), retried through the same job: extracted."""
    from app.models import Document

    response = await upload(jobs, city, agreement_pdf())
    doc_id = response.json()["id"]
    await jobs.run()
    await Document.filter(id=doc_id).update(status="failed", failure_code="internal", failure_reason="x")
    retried = await jobs.http.post(f"/api/documents/{doc_id}/retry", headers=city.auth("investment"))
    assert retried.status_code == 202, retried.text
    await jobs.run()
    doc = await document(jobs, city, doc_id)
    assert doc["status"] == doc["outcome"] == "extracted"
    assert doc["failure_reason"] is None


async def test_retry_is_for_uploaders_in_scope_and_failed_documents(jobs: Jobs, city: City) -> None:
    doc = await failed_upload(jobs, city)
    url = f"/api/documents/{doc['id']}/retry"
    for who in ("evaluator", "department", "district_department"):
        assert (await jobs.http.post(url, headers=city.auth(who))).status_code == 403, who
    assert (await jobs.http.post(url, headers=await other_district_uploader(city))).status_code == 404
    assert (await document(jobs, city, doc["id"]))["status"] == "failed"  # none of them changed it
    good = await upload(jobs, city, agreement_pdf())
    await jobs.run()
    extracted = await jobs.http.post(f"/api/documents/{good.json()['id']}/retry", headers=city.auth("investment"))
    assert extracted.status_code == 409


# ---- delete --------------------------------------------------------------------------------------------


async def test_a_failed_upload_is_deleted_and_audited(jobs: Jobs, city: City) -> None:
    from app.models import AuditLog, Document
    from app.storage import FileStore

    doc = await failed_upload(jobs, city)
    response = await jobs.http.delete(f"/api/documents/{doc['id']}", headers=city.auth("investment"))
    assert response.status_code == 204, response.text
    assert (await jobs.http.get(f"/api/documents/{doc['id']}", headers=city.auth("investment"))).status_code == 404
    assert not await Document.exists(id=doc["id"])
    entry = await AuditLog.get(action="document.delete", entity_id=doc["id"])
    assert entry.actor_id == city.users["investment"]
    assert entry.before is not None
    assert entry.before["filename"] == "会议纪要.pdf"
    assert entry.before["sha256"] == doc["sha256"]
    assert FileStore(jobs.settings.files_dir).exists(doc["sha256"])  # the original is kept, named in the log
    again = await jobs.http.delete(f"/api/documents/{doc['id']}", headers=city.auth("investment"))
    assert again.status_code == 404


async def test_delete_is_for_uploaders_in_scope_and_failed_documents(jobs: Jobs, city: City) -> None:
    from app.models import Document

    doc = await failed_upload(jobs, city)
    url = f"/api/documents/{doc['id']}"
    for who in ("evaluator", "department", "district_department"):
        assert (await jobs.http.delete(url, headers=city.auth(who))).status_code == 403, who
    assert (await jobs.http.delete(url, headers=await other_district_uploader(city))).status_code == 404
    assert await Document.exists(id=doc["id"])
    good = await upload(jobs, city, agreement_pdf())
    await jobs.run()
    extracted = await jobs.http.delete(f"/api/documents/{good.json()['id']}", headers=city.auth("investment"))
    assert extracted.status_code == 409
    assert await Document.exists(id=good.json()["id"])


async def test_delete_never_removes_what_confirmed_obligations_refer_to(jobs: Jobs, city: City) -> None:
    from app.models import Agreement, Document, Obligation

    auth = city.auth("investment")
    response = await upload(jobs, city, agreement_pdf())
    doc_id = response.json()["id"]
    await jobs.run()
    obligations = (await jobs.http.get(f"/api/obligations?document_id={doc_id}", headers=auth)).json()["items"]
    assert len(obligations) >= 3
    confirmed = await jobs.http.post(f"/api/obligations/{obligations[0]['id']}/confirm", headers=auth)
    assert confirmed.status_code == 200, confirmed.text
    await Document.filter(id=doc_id).update(status="failed", failure_code="internal", failure_reason="x")
    refused = await jobs.http.delete(f"/api/documents/{doc_id}", headers=auth)
    assert refused.status_code == 409, refused.text
    assert "确认" in refused.json()["detail"]
    assert await Obligation.filter(document_id=doc_id).count() == len(obligations)
    assert await Agreement.exists(document_id=doc_id)
    # without the confirmation, the proposals of the earlier extraction go with the document
    await Obligation.filter(document_id=doc_id).update(review_status="proposed")
    deleted = await jobs.http.delete(f"/api/documents/{doc_id}", headers=auth)
    assert deleted.status_code == 204, deleted.text
    assert not await Obligation.exists(document_id=doc_id)
    assert not await Agreement.exists(document_id=doc_id)


# ---- no obligations, and text named .pdf -----------------------------------------------------------------


async def test_a_document_without_obligations_says_so_with_the_reason(jobs: Jobs, city: City) -> None:
    response = await upload(jobs, city, NOTHING_OWED.encode(), name="会议纪要.txt")
    assert response.status_code == 202, response.text
    await jobs.run()
    doc = await document(jobs, city, response.json()["id"])
    assert doc["status"] == "extracted"
    assert doc["outcome"] == "no_obligations"
    assert doc["failure_code"] == "no_obligations"
    assert "没有找到约定义务的条款" in doc["failure_reason"]
    assert "1 页" in doc["failure_reason"]
    assert "\n" not in doc["failure_reason"]


async def test_text_named_pdf_fails_with_a_reason_a_clerk_understands(jobs: Jobs, city: City) -> None:
    doc = await failed_upload(jobs, city)
    assert doc["failure_code"] == "unsupported_format"
    assert "纯文本" in doc["failure_reason"]
    assert "不是 PDF 文件" in doc["failure_reason"]


# ---- OCR progress --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"])  # the job path matters here, not the database: OCR is slow
async def test_a_scan_reports_ocr_progress_page_by_page(jobs: Jobs, city: City, backend: str) -> None:
    from app.models import Document

    pages = [list(ENGLISH_LINES), ["Article 2. Party B shall invest."], ["Article 3. Party A shall approve it."]]
    response = await upload(jobs, city, scanned_pages_pdf(pages), name="扫描件.pdf")
    assert response.status_code == 202, response.text
    doc_id = response.json()["id"]
    seen: list[tuple[str, int, int | None]] = []
    running = asyncio.create_task(jobs.run())
    while True:  # what the page's polling sees, every 50 ms
        state = await Document.get(id=doc_id).values_list("status", "pages_done", "pages")
        if not seen or seen[-1] != state:
            seen.append(state)
        if state[0] in ("extracted", "failed") and running.done():
            break
        await asyncio.sleep(0.05)
    await running
    extracting = [(done, total) for status, done, total in seen if status == "extracting" and total]
    assert extracting[:3] == [(0, 3), (1, 3), (2, 3)], seen  # the count at once, then each page as it is read
    assert seen[-1] == ("extracted", 3, 3), seen
    doc = await document(jobs, city, doc_id)
    assert doc["ocr"] is True

"""Jobs without a worker: what the web process does when Redis is down, ``/health``, the re-enqueue of
documents whose job was lost, and the per-process limit on documents read at once."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.asgi import create_app, resume_in_process
from app.jobs import ArqQueue, InProcessQueue, JobQueue, QueueUnavailable, requeue_stale_documents, stale_documents
from app.models import Document, DocumentStatus
from app.services.extraction import run_extraction
from app.settings import Settings
from tests.conftest import REDIS_URL, City
from tests.pdfs import agreement_pdf


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def client_without_redis(db: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app configured for a Redis that is down."""
    settings = db.with_(redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    app = create_app(settings, init_db=False)
    app.state.queue = queue = ArqQueue(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            yield http
    finally:
        await queue.close()


async def test_upload_is_accepted_while_redis_is_down(client_without_redis: httpx.AsyncClient, city: City) -> None:
    response = await client_without_redis.post(
        "/api/documents", files={"file": ("a.pdf", agreement_pdf(), "application/pdf")}, headers=city.auth("investment")
    )
    assert response.status_code == 202, response.text
    document = await Document.get(id=response.json()["id"])
    assert document.status == DocumentStatus.QUEUED  # the periodic re-enqueue will find it


async def test_retry_is_accepted_while_redis_is_down(client_without_redis: httpx.AsyncClient, city: City) -> None:
    document = await Document.create(
        sha256="f" * 64,
        filename="a.pdf",
        media_type="application/pdf",
        size=1,
        status=DocumentStatus.FAILED,
        organisation_id=city.orgs["investment"],
    )
    response = await client_without_redis.post(f"/api/documents/{document.id}/retry", headers=city.auth("investment"))
    assert response.status_code == 202, response.text
    assert (await Document.get(id=document.id)).status == DocumentStatus.QUEUED


async def test_arq_queue_reports_redis_down_as_queue_unavailable(db: Settings) -> None:
    queue = ArqQueue(db.with_(redis_url=f"redis://127.0.0.1:{closed_port()}/0"))
    try:
        with pytest.raises(QueueUnavailable):
            await queue.enqueue_extraction(1)
        with pytest.raises(QueueUnavailable):
            await queue.ping()
        # a delivery row is its own outbox: the pending-deliveries job sends it once Redis is back
        assert await queue.enqueue_notification(1) is False
    finally:
        await queue.close()


async def test_health_reports_redis_down_as_degraded(client_without_redis: httpx.AsyncClient) -> None:
    response = await client_without_redis.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["status"] == "ok"
    assert body["database"]["latency_ms"] >= 0
    assert body["redis"]["status"] == "down"


async def test_health_in_process(client: Any) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["redis"] == {"status": "not configured"}


@pytest.mark.skipif(not REDIS_URL, reason="CHENGXIN_TEST_REDIS_URL is not set")
async def test_health_measures_redis(db: Settings) -> None:
    settings = db.with_(redis_url=REDIS_URL)
    app = create_app(settings, init_db=False)
    app.state.queue = queue = ArqQueue(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            body = (await http.get("/health")).json()
    finally:
        await queue.close()
    assert body["status"] == "ok"
    assert body["redis"]["status"] == "ok"
    assert 0 <= body["redis"]["latency_ms"] < 2000


async def test_health_is_503_when_the_database_is_down(tmp_path: Path) -> None:
    from tortoise import Tortoise

    from app.db import tortoise_config

    settings = Settings(
        data_dir=tmp_path, database_url=f"postgres://postgres@127.0.0.1:{closed_port()}/x", secret_key="t"
    )
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
    try:
        app = create_app(settings, init_db=False)
        app.state.queue = InProcessQueue(settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            response = await http.get("/health")
    finally:
        await Tortoise.close_connections()
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"]["status"] == "down"


# ---- the re-enqueue of stale documents ------------------------------------------------------------


class RecordingExtract:
    """Stands in for ``run_extraction`` in an ``InProcessQueue``: records which documents it was given."""

    def __init__(self) -> None:
        self.documents: list[int] = []

    async def __call__(self, document_id: int, settings: Settings, slots: asyncio.Semaphore | None) -> object:
        self.documents.append(document_id)
        return None


async def _document(city: City, name: str, status: DocumentStatus, age: timedelta) -> int:
    document = await Document.create(
        sha256=name.ljust(64, "0"),
        filename=f"{name}.pdf",
        media_type="application/pdf",
        size=1,
        status=status,
        organisation_id=city.orgs["investment"],
    )
    await Document.filter(id=document.id).update(updated_at=datetime.now(UTC) - age)
    return document.id


@pytest.fixture
async def documents(city: City) -> dict[str, int]:
    old, new = timedelta(minutes=10), timedelta(seconds=5)
    return {
        "old_queued": await _document(city, "a", DocumentStatus.QUEUED, old),
        "old_extracting": await _document(city, "b", DocumentStatus.EXTRACTING, old),
        "new_queued": await _document(city, "c", DocumentStatus.QUEUED, new),
        "new_extracting": await _document(city, "d", DocumentStatus.EXTRACTING, new),
        "old_extracted": await _document(city, "e", DocumentStatus.EXTRACTED, old),
        "old_failed": await _document(city, "f", DocumentStatus.FAILED, old),
    }


async def test_stale_documents(db: Settings, documents: dict[str, int]) -> None:
    settings = db.with_(requeue_after_s=300)
    assert sorted(await stale_documents(settings)) == [documents["old_queued"], documents["old_extracting"]]
    assert sorted(await stale_documents(settings, all_queued=True)) == sorted(
        [documents["old_queued"], documents["old_extracting"], documents["new_queued"]]
    )
    assert await stale_documents(settings, now=datetime.now(UTC) - timedelta(hours=1)) == []


async def test_requeue_gives_stale_documents_their_job_once(db: Settings, documents: dict[str, int]) -> None:
    extract = RecordingExtract()
    queue: JobQueue = InProcessQueue(db.with_(requeue_after_s=300), extract=extract)
    assert await requeue_stale_documents(queue) == 2
    await queue.close()
    assert sorted(extract.documents) == [documents["old_queued"], documents["old_extracting"]]


async def test_in_process_start_resumes_every_queued_document(db: Settings, documents: dict[str, int]) -> None:
    extract = RecordingExtract()
    queue = InProcessQueue(db.with_(requeue_after_s=300), extract=extract)
    await resume_in_process(queue)
    await queue.close()
    assert sorted(extract.documents) == sorted(
        [documents["old_queued"], documents["old_extracting"], documents["new_queued"]]
    )


# ---- reading slots: a busy process delays a document instead of failing it --------------------------


async def test_a_document_waits_for_a_reading_slot_while_queued(client: Any, db: Settings, city: City) -> None:
    response = await client.post(
        "/api/documents", files={"file": ("a.pdf", agreement_pdf(), "application/pdf")}, headers=city.auth("investment")
    )
    doc_id = response.json()["id"]
    await client.app.state.queue.drain()  # the upload's own job
    await Document.filter(id=doc_id).update(status=DocumentStatus.QUEUED, extractor_version=None)
    slots = asyncio.Semaphore(1)
    await slots.acquire()  # another document is being read
    job = asyncio.create_task(run_extraction(doc_id, db, slots))
    await asyncio.sleep(0.3)
    assert not job.done()
    assert (await Document.get(id=doc_id)).status == DocumentStatus.QUEUED  # waiting, not started
    slots.release()
    assert await asyncio.wait_for(job, 60) == DocumentStatus.EXTRACTED

"""The production path: jobs go to Redis and a real arq worker runs them (skipped without
CHENGXIN_TEST_REDIS_URL; CI sets it). Every test has a queue of its own (``queue_name``) and its worker
processes are killed as a group when it ends."""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import REDIS_URL, City, Processes, chengxin_command, worker_env
from tests.pdfs import agreement_pdf, make_pdf

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="CHENGXIN_TEST_REDIS_URL is not set"),
]


@pytest.fixture
def redis_settings(db: Settings, queue_name: str) -> Settings:
    assert REDIS_URL
    return db.with_(redis_url=REDIS_URL, queue_name=queue_name)


@pytest.fixture
async def redis_client(redis_settings: Settings) -> Any:
    import httpx

    from app.asgi import create_app
    from app.jobs import ArqQueue, make_queue

    app = create_app(redis_settings, init_db=False)
    app.state.queue = queue = make_queue(redis_settings)
    assert isinstance(queue, ArqQueue)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            yield http
    finally:
        await queue.close()


async def queued_job_ids(settings: Settings) -> list[str]:
    from arq.connections import RedisSettings, create_pool

    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url or ""), default_queue_name=settings.queue_name)
    try:
        return [job.job_id for job in await pool.queued_jobs(queue_name=settings.queue_name)]
    finally:
        await pool.aclose()


async def run_worker_until_idle(settings: Settings) -> None:
    """The real worker (``build_worker``) on this event loop, sharing the test's database, in burst mode."""
    from app.worker import build_worker

    worker = build_worker(settings, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()


async def upload(client: Any, city: City, data: bytes, name: str = "a.pdf") -> int:
    response = await client.post(
        "/api/documents",
        files={"file": (name, data, "application/pdf")},
        data={"signed_on": "2025-03-01"},
        headers=city.auth("investment"),
    )
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


async def test_upload_is_extracted_by_an_arq_worker(redis_client: Any, redis_settings: Settings, city: City) -> None:
    from app.jobs import extraction_job_id

    doc_id = await upload(redis_client, city, agreement_pdf())
    assert await queued_job_ids(redis_settings) == [extraction_job_id(redis_settings.queue_name, doc_id)]
    status = (await redis_client.get(f"/api/documents/{doc_id}", headers=city.auth("investment"))).json()["status"]
    assert status == "queued"  # nothing ran in the web process
    await run_worker_until_idle(redis_settings)
    doc = (await redis_client.get(f"/api/documents/{doc_id}", headers=city.auth("investment"))).json()
    assert doc["status"] == "extracted"
    listing = (await redis_client.get(f"/api/obligations?document_id={doc_id}", headers=city.auth("investment"))).json()
    assert listing["total"] >= 3


async def test_enqueueing_twice_runs_one_job(redis_client: Any, redis_settings: Settings, city: City) -> None:
    from app.jobs import ArqQueue, JobRefused
    from app.models import Obligation

    doc_id = await upload(redis_client, city, agreement_pdf())
    queue = ArqQueue(redis_settings)
    try:
        with pytest.raises(JobRefused):  # a new document's job must run: a duplicate id is an error
            await queue.enqueue_extraction(doc_id)
        assert await queue.ensure_extraction(doc_id) is False  # the re-enqueue knows it is already there
    finally:
        await queue.close()
    assert len(await queued_job_ids(redis_settings)) == 1
    await run_worker_until_idle(redis_settings)
    count = await Obligation.filter(document_id=doc_id).count()
    assert count >= 3


async def test_installations_sharing_a_redis_keep_their_jobs(redis_settings: Settings) -> None:
    """Two installations (two queue names) on one Redis with a document 1 each: both jobs are queued."""
    from app.jobs import ArqQueue

    other = redis_settings.with_(queue_name=redis_settings.queue_name + ":other")
    ours, theirs = ArqQueue(redis_settings), ArqQueue(other)
    try:
        first = await ours.enqueue_extraction(1)
        second = await theirs.enqueue_extraction(1)
    finally:
        await ours.close()
        await theirs.close()
    assert first != second
    assert await queued_job_ids(redis_settings) == [first]
    assert await queued_job_ids(other) == [second]


async def test_retry_runs_now(redis_client: Any, redis_settings: Settings, city: City) -> None:
    """A document extracted once, then failed (as after an extractor bug), is retried: the job runs at
    once, although arq may still remember the document's earlier job id."""
    from app.jobs import extraction_job_id
    from app.models import Document

    doc_id = await upload(redis_client, city, agreement_pdf())
    await run_worker_until_idle(redis_settings)
    await Document.filter(id=doc_id).update(status="failed", failure_code="internal", failure_reason="x")
    response = await redis_client.post(f"/api/documents/{doc_id}/retry", headers=city.auth("investment"))
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    (job_id,) = await queued_job_ids(redis_settings)
    assert job_id.startswith(f"{redis_settings.queue_name}:extract:{doc_id}:")
    assert job_id != extraction_job_id(redis_settings.queue_name, doc_id)  # a fresh id, not the stable one
    again = await redis_client.post(f"/api/documents/{doc_id}/retry", headers=city.auth("investment"))
    assert again.status_code == 409  # already queued: a second retry changes nothing
    await run_worker_until_idle(redis_settings)
    assert (await Document.get(id=doc_id)).status == "extracted"


async def test_worker_start_requeues_documents_whose_job_was_lost(
    redis_client: Any, redis_settings: Settings, city: City
) -> None:
    from arq.connections import RedisSettings, create_pool

    from app.models import Document

    doc_id = await upload(redis_client, city, agreement_pdf())
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL or ""))
    try:
        (job_id,) = await queued_job_ids(redis_settings)
        await pool.zrem(redis_settings.queue_name, job_id)  # as if Redis had restarted empty
        await pool.delete(f"arq:job:{job_id}")
    finally:
        await pool.aclose()
    assert await queued_job_ids(redis_settings) == []
    await run_worker_until_idle(redis_settings)
    assert (await Document.get(id=doc_id)).status == "extracted"


@pytest.mark.timeout_sensitive
async def test_killed_worker_job_finishes_after_restart_without_duplicates(
    redis_client: Any, redis_settings: Settings, city: City, processes: Processes
) -> None:
    from app.models import Agreement, Document, Obligation

    pages = [
        [f"第{i}页 甲方应当在2025年12月31日前向乙方支付第{i}期扶持资金10万元。", "乙方应于2026年6月30日前建成投产。"]
        for i in range(1, 301)
    ]
    doc_id = await upload(redis_client, city, make_pdf(pages), "long.pdf")
    # a killed worker's job is picked up again after 20 + 10 s (arq's in-progress key expires)
    env = worker_env(redis_settings, CHENGXIN_JOB_TIMEOUT="20")
    first = processes.start(chengxin_command("worker"), env, "worker-1")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        doc = await Document.get(id=doc_id)
        if doc.status == "extracting" and doc.pages_done > 0:
            break
        assert doc.status != "extracted", "the job finished before it could be killed"
        await asyncio.sleep(0.02)
    else:
        pytest.fail("the worker never started the job:\n" + processes.log_tail())
    processes.kill(first)
    assert (await Document.get(id=doc_id)).status == "extracting"
    assert await Obligation.filter(document_id=doc_id).count() == 0  # the transaction never committed

    second = processes.start(chengxin_command("worker"), env, "worker-2")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (await Document.get(id=doc_id)).status in ("extracted", "failed"):
            break
        await asyncio.sleep(0.2)
    processes.kill(second, signal.SIGTERM)
    doc = await Document.get(id=doc_id)
    assert doc.status == "extracted", processes.log_tail()
    assert await Agreement.filter(document_id=doc_id).count() == 1
    ordinals = await Obligation.filter(document_id=doc_id).values_list("ordinal", flat=True)
    assert len(ordinals) >= 300
    assert len(ordinals) == len(set(ordinals))


async def test_a_running_worker_picks_up_a_document_whose_job_was_lost(
    redis_settings: Settings, city: City, processes: Processes
) -> None:
    """The periodic re-enqueue: a document committed while the web process could not reach Redis gets
    its job from a worker that is already running (not only from one that starts)."""
    import httpx
    from arq.connections import RedisSettings, create_pool

    from app.asgi import create_app
    from app.jobs import ArqQueue
    from app.models import Document
    from tests.integration.test_jobs import closed_port

    env = worker_env(redis_settings, CHENGXIN_REQUEUE_INTERVAL="1", CHENGXIN_REQUEUE_AFTER="1")
    processes.start(chengxin_command("worker"), env, "worker")
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL or ""))
    try:
        deadline = time.monotonic() + 60
        while not await pool.exists(f"{redis_settings.queue_name}:health-check"):  # it is past its start-up
            assert time.monotonic() < deadline, processes.log_tail()
            await asyncio.sleep(0.1)
    finally:
        await pool.aclose()
    cut_off = redis_settings.with_(redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    app = create_app(cut_off, init_db=False)
    app.state.queue = queue = ArqQueue(cut_off)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            doc_id = await upload(http, city, agreement_pdf())
    finally:
        await queue.close()
    deadline = time.monotonic() + 60
    while (await Document.get(id=doc_id)).status != "extracted":
        assert time.monotonic() < deadline, processes.log_tail()
        await asyncio.sleep(0.2)

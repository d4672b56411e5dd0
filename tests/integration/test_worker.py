"""The production path: jobs go to Redis and a real arq worker runs them (skipped without
CHENGXIN_TEST_REDIS_URL; CI sets it)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import REDIS_URL, City
from tests.pdfs import agreement_pdf, make_pdf

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="CHENGXIN_TEST_REDIS_URL is not set"),
]


@pytest.fixture
async def redis_settings(db: Settings) -> Settings:
    from redis.asyncio import Redis

    assert REDIS_URL
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    await redis.aclose()
    return db.with_(redis_url=REDIS_URL)


@pytest.fixture
async def redis_client(redis_settings: Settings) -> Any:
    import httpx

    from app.asgi import create_app
    from app.queue import ArqQueue, make_queue

    app = create_app(redis_settings, init_db=False)
    app.state.queue = queue = make_queue(redis_settings)
    assert isinstance(queue, ArqQueue)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            yield http
    finally:
        await queue.close()


async def run_worker_until_idle(settings: Settings) -> None:
    """A real arq worker on this event loop (sharing the test's database connection), in burst mode."""
    from arq.connections import RedisSettings
    from arq.worker import Worker

    from app.worker import extract_document

    assert settings.redis_url
    worker = Worker(
        functions=[extract_document],
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        ctx={"settings": settings},
        burst=True,
        poll_delay=0.01,
        handle_signals=False,
    )
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_upload_is_extracted_by_an_arq_worker(redis_client: Any, redis_settings: Settings, city: City) -> None:
    from arq.connections import RedisSettings, create_pool

    response = await redis_client.post(
        "/api/documents",
        files={"file": ("a.pdf", agreement_pdf(), "application/pdf")},
        data={"signed_on": "2025-03-01"},
        headers=city.auth("investment"),
    )
    assert response.status_code == 202
    doc_id = response.json()["id"]
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL or ""))
    try:
        queued = await pool.queued_jobs()
        assert [j.function for j in queued] == ["extract_document"]
    finally:
        await pool.aclose()
    status = (await redis_client.get(f"/api/documents/{doc_id}", headers=city.auth("investment"))).json()["status"]
    assert status == "queued"  # nothing ran in the web process
    await run_worker_until_idle(redis_settings)
    doc = (await redis_client.get(f"/api/documents/{doc_id}", headers=city.auth("investment"))).json()
    assert doc["status"] == "extracted"
    listing = (await redis_client.get(f"/api/obligations?document_id={doc_id}", headers=city.auth("investment"))).json()
    assert listing["total"] >= 3


async def test_enqueueing_twice_runs_one_job(redis_client: Any, redis_settings: Settings, city: City) -> None:
    from app.models import Obligation
    from app.queue import ArqQueue

    response = await redis_client.post(
        "/api/documents", files={"file": ("a.pdf", agreement_pdf(), "application/pdf")}, headers=city.auth("investment")
    )
    doc_id = response.json()["id"]
    queue = ArqQueue(redis_settings)
    await queue.enqueue_extraction(doc_id)  # same stable job id: ignored by arq
    await queue.close()
    await run_worker_until_idle(redis_settings)
    count = await Obligation.filter(document_id=doc_id).count()
    assert count >= 3
    assert await Obligation.filter(document_id=doc_id).count() == count


def _worker_process(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CHENGXIN_DATABASE_URL": settings.db_url,
        "CHENGXIN_REDIS_URL": settings.redis_url or "",
        "CHENGXIN_DATA_DIR": str(settings.data_dir),
        "CHENGXIN_SECRET_KEY": "test",
        "CHENGXIN_JOB_TIMEOUT": "20",  # a killed worker's job is picked up again after 20 + 10 s
    }
    chengxin = Path(sys.executable).parent / "chengxin"
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [str(chengxin), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


@pytest.mark.timeout_sensitive
async def test_killed_worker_job_finishes_after_restart_without_duplicates(
    redis_client: Any, redis_settings: Settings, city: City, tmp_path: Path
) -> None:
    from app.models import Agreement, Document, Obligation

    pages = [
        [f"第{i}页 甲方应当在2025年12月31日前向乙方支付第{i}期扶持资金10万元。", "乙方应于2026年6月30日前建成投产。"]
        for i in range(1, 301)
    ]
    response = await redis_client.post(
        "/api/documents",
        files={"file": ("long.pdf", make_pdf(pages), "application/pdf")},
        data={"signed_on": "2025-03-01"},
        headers=city.auth("investment"),
    )
    doc_id = response.json()["id"]
    log = tmp_path / "worker.log"
    first = _worker_process(redis_settings, log)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            doc = await Document.get(id=doc_id)
            if doc.status == "extracting" and doc.pages_done > 0:
                break
            assert doc.status != "extracted", "the job finished before it could be killed"
            await asyncio.sleep(0.02)
        else:
            pytest.fail("the worker never started the job:\n" + log.read_text())
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert (await Document.get(id=doc_id)).status == "extracting"
    assert await Obligation.filter(document_id=doc_id).count() == 0  # the transaction never committed

    second = _worker_process(redis_settings, log)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if (await Document.get(id=doc_id)).status in ("extracted", "failed"):
                break
            await asyncio.sleep(0.2)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    doc = await Document.get(id=doc_id)
    assert doc.status == "extracted", log.read_text()[-3000:]
    assert await Agreement.filter(document_id=doc_id).count() == 1
    ordinals = await Obligation.filter(document_id=doc_id).values_list("ordinal", flat=True)
    assert len(ordinals) >= 300
    assert len(ordinals) == len(set(ordinals))

"""The fault test: PostgreSQL, a Redis server of the test's own (another port, no persistence) and a real
``chengxin worker`` process. Uploads run without pause while that Redis is killed and, a few seconds
later, started again (empty: its queue is gone). Afterwards every upload answered 2xx is extracted with
no manual step, and none twice."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import time

import httpx
import pytest

from app.settings import Settings
from tests.conftest import PG_URL, City, Processes, chengxin_command, worker_env
from tests.pdfs import agreement_pdf

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not PG_URL, reason="CHENGXIN_TEST_DATABASE_URL is not set"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]

OUTAGE_S = 4.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """``redis-server`` on a loopback port of its own, started and killed by the test."""

    def __init__(self, processes: Processes, port: int) -> None:
        self.processes, self.port = processes, port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = self.processes.start(argv, {}, f"redis-{self.port}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.3)
                continue
            writer.close()
            await writer.wait_closed()
            return
        pytest.fail("redis-server did not start:\n" + self.processes.log_tail())

    def kill(self) -> None:
        assert self.process is not None
        self.processes.kill(self.process, signal.SIGKILL)


@pytest.fixture
async def own_redis(db: Settings, processes: Processes) -> RedisServer:
    if not db.db_url.startswith("postgres"):
        pytest.skip("the fault test runs on PostgreSQL")
    redis = RedisServer(processes, free_port())
    await redis.start()
    return redis  # killed with the test's other processes (``processes``)


async def test_uploads_survive_a_redis_outage(
    db: Settings, own_redis: RedisServer, queue_name: str, city: City, processes: Processes
) -> None:
    from app.asgi import create_app
    from app.jobs import ArqQueue
    from app.models import Agreement, Document, Obligation

    redis = own_redis
    settings = db.with_(redis_url=redis.url, queue_name=queue_name)
    env = worker_env(
        settings,
        CHENGXIN_REQUEUE_INTERVAL="1",
        CHENGXIN_REQUEUE_AFTER="3",
        CHENGXIN_WORKER_RECONNECT_MAX="1",
        CHENGXIN_WORKER_MAX_JOBS="2",
    )
    processes.start(chengxin_command("worker"), env, "worker")

    app = create_app(settings, init_db=False)
    app.state.queue = queue = ArqQueue(settings)
    accepted: list[int] = []
    answers: dict[int, int] = {}
    stop = asyncio.Event()

    async def upload_continuously(http: httpx.AsyncClient) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            response = await http.post(
                "/api/documents",
                files={"file": (f"a{i}.pdf", agreement_pdf(f"第六条 编号{i}。"), "application/pdf")},
                data={"signed_on": "2025-03-01"},
                headers=city.auth("investment"),
            )
            answers[response.status_code] = answers.get(response.status_code, 0) + 1
            if response.is_success:
                accepted.append(int(response.json()["id"]))
            await asyncio.sleep(0.3)

    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            uploads = asyncio.create_task(upload_continuously(http))
            await asyncio.sleep(2)  # uploads flow through the worker
            before = len(accepted)
            redis.kill()  # mid-upload
            await asyncio.sleep(OUTAGE_S)
            during = len(accepted) - before
            await redis.start()  # empty: every queued job is gone
            await asyncio.sleep(2)
            stop.set()
            await uploads
    finally:
        await queue.close()

    assert set(answers) == {202}, answers  # no 500 while Redis was down
    assert before > 0
    assert during > 0  # uploads went on during the outage
    started = time.monotonic()
    deadline = started + 240  # ends as soon as all are extracted (~10 s on a quiet machine)
    while time.monotonic() < deadline:
        statuses = await Document.filter(id__in=accepted).values_list("status", flat=True)
        if all(s in ("extracted", "failed") for s in statuses):
            break
        await asyncio.sleep(0.25)
    documents = await Document.filter(id__in=accepted).values_list("id", "status")
    unfinished = {doc_id: status for doc_id, status in documents if status != "extracted"}
    assert not unfinished, f"{unfinished}\n{processes.log_tail()}"
    assert len(documents) == len(accepted)
    per_document = await Obligation.filter(document_id__in=accepted).values_list("document_id", "ordinal")
    counts: dict[int, int] = {}
    for doc_id, _ in per_document:
        counts[doc_id] = counts.get(doc_id, 0) + 1
    assert len(set(per_document)) == len(per_document)  # no obligation twice
    assert len(set(counts.values())) == 1, counts  # the same agreement: the same number of obligations
    assert set(counts) == set(accepted)
    agreements = await Agreement.filter(document_id__in=accepted).values_list("document_id", flat=True)
    assert sorted(agreements) == sorted(accepted)  # one agreement per document
    print(  # the measurement the report quotes (pytest -s)
        f"\n{len(accepted)} uploads ({during} during a {OUTAGE_S:g} s outage), all extracted "
        f"{time.monotonic() - started:.1f} s after the last upload"
    )

"""Jobs: their names, their ids and where they go — the one home of all three.

arq on Redis when ``CHENGXIN_REDIS_URL`` is set, otherwise the same job functions run in-process as
asyncio tasks (one process, no Redis: the embedded default). Whoever enqueues is handed the queue (the
app keeps it on ``app.state.queue``, the worker in its ``ctx``). The one module global left is the queue
``app.services.notifications.use_queue`` hands webhook deliveries to, set by the app's lifespan and the
worker's start-up (removing it means passing the queue through the sweep and failure services).

Job ids carry the queue name, so installations sharing one Redis never take each other's ids. An
extraction's id is stable per document and extractor version (enqueueing twice never runs it twice at
once); a retry gets a fresh id so that it runs now, whatever arq still remembers of earlier runs.

Errors::

    JobError                 enqueueing did not happen
     ├── QueueUnavailable    Redis cannot be reached (the document stays queued; the periodic
     │                       re-enqueue picks it up once Redis is back)
     └── JobRefused          arq answered ``None``: a job with this id is already queued or running
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import extractors
from app.models import Document, DocumentStatus
from app.services import notifications
from app.services.extraction import run_extraction
from app.settings import Settings

if TYPE_CHECKING:
    from arq.connections import ArqRedis

log = logging.getLogger("chengxin.jobs")

# job names are verbs: the arq function names the worker registers
EXTRACT_DOCUMENT = "extract_document"
DELIVER_NOTIFICATION = "deliver_notification"
SWEEP_DAILY = "sweep_daily"
REQUEUE_STALE_DOCUMENTS = "requeue_stale_documents"
DELIVER_PENDING_NOTIFICATIONS = "deliver_pending_notifications"

UNFINISHED = (DocumentStatus.QUEUED, DocumentStatus.EXTRACTING)


@functools.cache
def redis_down() -> tuple[type[Exception], ...]:
    """What a lost Redis raises (redis-py's errors are imported only when Redis is used: the web process
    without Redis, and the CLI, never load it)."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


class JobError(Exception):
    def __init__(self, job_id: str, message: str) -> None:
        super().__init__(f"{message} (job {job_id})")
        self.job_id = job_id


class QueueUnavailable(JobError):
    pass


class JobRefused(JobError):
    pass


def extraction_job_id(queue_name: str, document_id: int, attempt: str | None = None) -> str:
    """Stable per queue, document and extractor version; ``attempt`` makes a fresh one (a retry)."""
    base = f"{queue_name}:extract:{document_id}:{extractors.EXTRACTOR_VERSION}"
    return f"{base}:{attempt}" if attempt else base


def notification_job_id(queue_name: str, delivery_id: int) -> str:
    """Stable per queue and delivery."""
    return f"{queue_name}:notify:{delivery_id}"


def cron_name(queue_name: str, job: str) -> str:
    """arq names a unique cron job's id ``{name}:{time}``: the queue name in it keeps two installations
    on one Redis from swallowing each other's runs."""
    return f"cron:{queue_name}:{job}"


def cron_times(interval_s: int) -> dict[str, set[int]]:
    """``cron(...)`` arguments that run a job every ``interval_s`` seconds (rounded to what a wall-clock
    schedule can express: a divisor of 60 s below a minute, whole minutes dividing an hour above)."""
    if interval_s < 60:
        step = next(d for d in range(max(1, interval_s), 61) if 60 % d == 0)
        return {"second": set(range(0, 60, step))}
    minutes = next(d for d in range(max(1, interval_s // 60), 61) if 60 % d == 0)
    return {"minute": set(range(0, 60, minutes)), "second": {0}}


class JobQueue(ABC):
    """Where jobs go. ``enqueue_*`` raise a ``JobError`` when a job that should run was not queued."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def queue_name(self) -> str:
        return self.settings.queue_name

    @abstractmethod
    async def _enqueue(self, function: str, job_id: str, *args: Any, defer_s: float = 0.0) -> bool:
        """Queue ``function(*args)`` under ``job_id``; False when a job with that id already exists."""

    async def enqueue_extraction(self, document_id: int) -> str:
        """A new document's extraction: it must run, so an existing job with its id is an error."""
        job_id = extraction_job_id(self.queue_name, document_id)
        if not await self._enqueue(EXTRACT_DOCUMENT, job_id, document_id):
            raise JobRefused(job_id, f"an extraction of document {document_id} is already queued")
        return job_id

    async def retry_extraction(self, document_id: int) -> str:
        """A retried document runs now: a fresh id, whatever the queue remembers of earlier attempts."""
        job_id = extraction_job_id(self.queue_name, document_id, uuid.uuid4().hex[:12])
        if not await self._enqueue(EXTRACT_DOCUMENT, job_id, document_id):
            raise JobRefused(job_id, f"a retry of document {document_id} was not queued")
        return job_id

    async def ensure_extraction(self, document_id: int) -> bool:
        """Make sure an unfinished document has a job (re-enqueue); False if its job is still there."""
        return await self._enqueue(EXTRACT_DOCUMENT, extraction_job_id(self.queue_name, document_id), document_id)

    async def enqueue_notification(self, delivery_id: int, defer_s: float = 0.0) -> bool:
        """False when the delivery's job is already queued (a notification is never sent twice at once)
        or Redis is down: the delivery row is the outbox, the workers' ``deliver_pending_notifications``
        sends it once Redis is back, so the sweep or request that raised it does not fail."""
        job_id = notification_job_id(self.queue_name, delivery_id)
        try:
            return await self._enqueue(DELIVER_NOTIFICATION, job_id, delivery_id, defer_s=defer_s)
        except QueueUnavailable as exc:
            log.warning("delivery %s waits for the pending-deliveries job: %s", delivery_id, exc)
            return False

    @abstractmethod
    async def ping(self) -> float | None:
        """Seconds one round trip to the queue takes; None when there is nothing to reach (in-process)."""

    @abstractmethod
    async def close(self) -> None: ...


class InProcessQueue(JobQueue):
    """Jobs as tasks on this event loop: ``extract`` (``run_extraction``) and ``deliver`` (a webhook
    attempt) by default, or what a test passes in."""

    def __init__(
        self,
        settings: Settings,
        *,
        extract: Callable[[int, Settings, asyncio.Semaphore | None], Awaitable[object]] = run_extraction,
        deliver: Callable[[int, Settings], Awaitable[float | None]] = notifications.deliver,
    ) -> None:
        super().__init__(settings)
        self._extract = extract
        self._deliver = deliver
        self._tasks: dict[str, asyncio.Task[object]] = {}
        self._functions: dict[str, str] = {}
        self._semaphore = asyncio.Semaphore(max(1, settings.worker_max_jobs))
        self.reading_slots = reading_slots(settings)

    async def _enqueue(self, function: str, job_id: str, *args: Any, defer_s: float = 0.0) -> bool:
        if job_id in self._tasks and not self._tasks[job_id].done():
            return False
        (target,) = args
        if function == EXTRACT_DOCUMENT:
            coroutine = self._run_extraction(int(target))
        elif function == DELIVER_NOTIFICATION:
            coroutine = self._run_delivery(int(target), defer_s)
        else:
            raise ValueError(f"unknown job {function!r}")
        task = asyncio.create_task(coroutine, name=job_id)
        self._tasks[job_id] = task
        self._functions[job_id] = function
        task.add_done_callback(self._done)
        return True

    async def _run_extraction(self, document_id: int) -> object:
        async with self._semaphore:
            return await self._extract(document_id, self.settings, self.reading_slots)

    async def _run_delivery(self, delivery_id: int, defer_s: float) -> None:
        """Deliver, sleeping through the backoff between attempts."""
        delay: float | None = defer_s
        while delay is not None:
            if delay:
                await asyncio.sleep(delay)
            async with self._semaphore:
                delay = await self._deliver(delivery_id, self.settings)

    def _done(self, task: asyncio.Task[object]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("job %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for every job queued so far (the demo and tests use this)."""
        while pending := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def ping(self) -> float | None:
        return None

    async def close(self) -> None:
        # a webhook retrying with backoff may wait for hours: stop it (its delivery row stays pending and
        # is picked up again at the next start), then let the other jobs finish
        for job_id, task in self._tasks.items():
            if self._functions[job_id] == DELIVER_NOTIFICATION and not task.done():
                task.cancel()
        await self.drain()


class ArqQueue(JobQueue):
    """Jobs on Redis for ``chengxin worker``. ``pool`` is an open arq pool (the worker's own); without
    one the queue opens its own on first use, failing fast (one attempt, 1 s) when Redis is down."""

    def __init__(self, settings: Settings, pool: ArqRedis | None = None) -> None:
        super().__init__(settings)
        self._pool = pool
        self._owns_pool = pool is None

    async def _redis(self) -> ArqRedis:
        # arq (and redis-py) load only when Redis is used: not in the CLI, nor in a web process without Redis
        from arq import create_pool
        from arq.connections import RedisSettings

        if self._pool is None:
            assert self.settings.redis_url
            redis_settings = RedisSettings.from_dsn(self.settings.redis_url)
            redis_settings.conn_retries = 0  # a request must not wait for Redis: the document stays queued
            redis_settings.conn_timeout = 1
            self._pool = await create_pool(redis_settings, default_queue_name=self.queue_name)
        return self._pool

    async def _enqueue(self, function: str, job_id: str, *args: Any, defer_s: float = 0.0) -> bool:
        try:
            pool = await self._redis()
            job = await pool.enqueue_job(
                function, *args, _job_id=job_id, _queue_name=self.queue_name, _defer_by=defer_s or None
            )
        except redis_down() as exc:
            raise QueueUnavailable(job_id, f"Redis is unreachable: {exc}") from exc
        return job is not None

    async def ping(self) -> float | None:
        started = time.perf_counter()
        try:
            pool = await self._redis()
            await pool.ping()
        except redis_down() as exc:
            raise QueueUnavailable("ping", f"Redis is unreachable: {exc}") from exc
        return time.perf_counter() - started

    async def close(self) -> None:
        if self._pool is not None and self._owns_pool:
            with contextlib.suppress(*redis_down()):
                await self._pool.aclose()
            self._pool = None


def reading_slots(settings: Settings) -> asyncio.Semaphore:
    """How many documents one process reads (parses, OCRs) at once: one per core it may run on, so that
    jobs competing for the CPU wait their turn instead of each running out of time."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return asyncio.Semaphore(settings.reading_slots or max(1, cores))


def make_queue(settings: Settings) -> JobQueue:
    """The queue ``settings`` ask for; the caller keeps it (``app.state.queue``) and closes it."""
    return ArqQueue(settings) if settings.redis_url else InProcessQueue(settings)


async def stale_documents(settings: Settings, *, now: datetime | None = None, all_queued: bool = False) -> list[int]:
    """Documents left queued or extracting without a change for ``requeue_after_s`` (every queued one
    with ``all_queued``, at start-up)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=settings.requeue_after_s)
    ids: list[int] = []
    for doc_id, status, updated_at in await Document.filter(status__in=UNFINISHED).values_list(
        "id", "status", "updated_at"
    ):
        if (all_queued and status == DocumentStatus.QUEUED) or updated_at <= cutoff:
            ids.append(int(doc_id))
    return ids


async def requeue_stale_documents(queue: JobQueue, *, all_queued: bool = False) -> int:
    """Give every stale unfinished document a job again (after a Redis outage, a lost job, a crash);
    the stable job id keeps a job that is still queued or running from being doubled. Returns how many
    were queued."""
    count = 0
    for doc_id in await stale_documents(queue.settings, all_queued=all_queued):
        if await queue.ensure_extraction(doc_id):
            count += 1
    if count:
        log.info("re-enqueued %d unfinished documents", count)
    return count


async def submit_extraction(queue: JobQueue, document_id: int, *, retry: bool = False) -> str | None:
    """Queue a committed document's extraction from a request: the upload (or retry) is accepted either
    way, since the document row is what the periodic re-enqueue works from. Returns the job id, or None
    when it could not be queued now (logged: Redis down is a warning, a refused job an error)."""
    try:
        return await (queue.retry_extraction(document_id) if retry else queue.enqueue_extraction(document_id))
    except QueueUnavailable as exc:
        log.warning("document %s stays queued until Redis is back: %s", document_id, exc)
    except JobRefused as exc:
        log.error("document %s: %s; it stays queued for the periodic re-enqueue", document_id, exc)
    return None

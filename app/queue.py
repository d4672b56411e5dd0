"""Where jobs go: arq on Redis when ``CHENGXIN_REDIS_URL`` is set, otherwise the same job functions run
in-process as asyncio tasks (one process, no Redis: the embedded default)."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import extractors
from app.settings import Settings

if TYPE_CHECKING:
    from arq.connections import ArqRedis

log = logging.getLogger("chengxin.queue")


def extraction_job_id(document_id: int) -> str:
    """Stable per document and extractor version: enqueueing twice never runs the job twice at once."""
    return f"extract:{document_id}:{extractors.EXTRACTOR_VERSION}"


def notification_job_id(delivery_id: int, queue_name: str = "arq:queue") -> str:
    """Stable per delivery (and queue, for installations sharing one Redis)."""
    prefix = "" if queue_name == "arq:queue" else f"{queue_name}:"
    return f"{prefix}notify:{delivery_id}"


class JobQueue(ABC):
    @abstractmethod
    async def enqueue_extraction(self, document_id: int) -> None: ...

    async def enqueue_notification(self, delivery_id: int, defer_s: float = 0.0) -> None:
        raise NotImplementedError

    @abstractmethod
    async def close(self) -> None: ...


class InProcessQueue(JobQueue):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._tasks: dict[str, asyncio.Task[object]] = {}
        self._semaphore = asyncio.Semaphore(max(1, settings.worker_max_jobs))

    async def enqueue_extraction(self, document_id: int) -> None:
        from app.services.extraction import run_extraction

        job_id = extraction_job_id(document_id)
        if job_id in self._tasks and not self._tasks[job_id].done():
            return

        async def run() -> object:
            async with self._semaphore:
                return await run_extraction(document_id, self.settings)

        task = asyncio.create_task(run(), name=job_id)
        self._tasks[job_id] = task
        task.add_done_callback(self._done)

    async def enqueue_notification(self, delivery_id: int, defer_s: float = 0.0) -> None:
        """Deliver in a task on this loop, sleeping through the backoff between attempts."""
        from app.services.notifications import deliver

        job_id = notification_job_id(delivery_id)
        if job_id in self._tasks and not self._tasks[job_id].done():
            return

        async def run() -> object:
            delay: float | None = defer_s
            while delay is not None:
                if delay:
                    await asyncio.sleep(delay)
                async with self._semaphore:
                    delay = await deliver(delivery_id, self.settings)
            return None

        task = asyncio.create_task(run(), name=job_id)
        self._tasks[job_id] = task
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[object]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("job %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for every job queued so far (the demo and tests use this)."""
        while pending := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        # a webhook retrying with backoff may wait for hours: stop it (its delivery row stays pending and
        # is picked up again at the next start), then let the other jobs finish
        for name, task in self._tasks.items():
            if name.startswith("notify:") and not task.done():
                task.cancel()
        await self.drain()


class ArqQueue(JobQueue):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: ArqRedis | None = None

    async def _redis(self) -> ArqRedis:
        from arq import create_pool
        from arq.connections import RedisSettings

        if self._pool is None:
            assert self.settings.redis_url
            self._pool = await create_pool(
                RedisSettings.from_dsn(self.settings.redis_url), default_queue_name=self.settings.queue_name
            )
        return self._pool

    async def enqueue_extraction(self, document_id: int) -> None:
        pool = await self._redis()
        await pool.enqueue_job("extract_document", document_id, _job_id=extraction_job_id(document_id))

    async def enqueue_notification(self, delivery_id: int, defer_s: float = 0.0) -> None:
        pool = await self._redis()
        await pool.enqueue_job(
            "deliver_notification",
            delivery_id,
            _job_id=notification_job_id(delivery_id, self.settings.queue_name),
            _defer_by=defer_s or None,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


def make_queue(settings: Settings) -> JobQueue:
    from app.services import notifications

    queue: JobQueue = ArqQueue(settings) if settings.redis_url else InProcessQueue(settings)
    notifications.use_queue(queue)  # notifications raised anywhere in this process go to this queue
    return queue

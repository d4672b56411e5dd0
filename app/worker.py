"""The arq worker (``chengxin worker``): extraction jobs, webhook deliveries, the daily sweep, and the
periodic re-enqueue of documents whose job was lost.

A worker survives a Redis outage: ``run_worker`` catches the connection error arq's loop ends with, lets
the jobs it was running finish (they write to the database, not to Redis), waits 1 s, 2 s, 4 s … (up to
``worker_reconnect_max_s``) and starts again; on each start it re-enqueues the documents left queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from arq import Retry, cron, func
from arq.connections import RedisSettings
from arq.worker import Worker
from tortoise import Tortoise

from app import clock
from app.db import tortoise_config
from app.jobs import (
    DELIVER_NOTIFICATION,
    DELIVER_PENDING_NOTIFICATIONS,
    EXTRACT_DOCUMENT,
    REQUEUE_STALE_DOCUMENTS,
    SWEEP_DAILY,
    ArqQueue,
    JobQueue,
    QueueUnavailable,
    cron_name,
    cron_times,
    reading_slots,
    redis_down,
    requeue_stale_documents,
)
from app.services import notifications
from app.services.extraction import run_extraction
from app.services.sweep import sweep_obligations
from app.settings import Settings

log = logging.getLogger("chengxin.worker")

LOST_REDIS: tuple[type[Exception], ...] = (*redis_down(), QueueUnavailable)
BURST_ATTEMPTS = 3  # workers a `--burst` run starts against an unreachable Redis before it gives up
BURST_CONNECT_RETRIES = 2  # connection retries of each (arq's default is 5, a second apart)


class RedisUnreachable(Exception):
    """A burst run could not reach Redis; ``reason`` is the one line ``chengxin worker`` prints."""

    def __init__(self, url: str, attempts: int) -> None:
        where = redact_url(url)
        self.reason = (
            f"无法连接 Redis（{where}），已尝试 {attempts} 次，请检查 CHENGXIN_REDIS_URL 与 Redis 服务 "
            f"(cannot reach Redis at {where} after {attempts} attempts)"
        )
        super().__init__(self.reason)


def redact_url(url: str) -> str:
    """A connection URL without its password: ``redis://:secret@host:6379/0`` → ``redis://host:6379/0``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def _queue(ctx: dict[str, Any]) -> JobQueue:
    queue: JobQueue = ctx["queue"]
    return queue


async def extract_document(ctx: dict[str, Any], document_id: int) -> str:
    status = await run_extraction(document_id, ctx["settings"], ctx.get("reading_slots"))
    return str(status)


async def sweep_daily(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, Any]:
    day = date.fromisoformat(as_of) if as_of else clock.today()
    report = await sweep_obligations(day, ctx["settings"].tracking_policies())
    return report.to_dict()


async def requeue_stale(ctx: dict[str, Any]) -> int:
    """Documents left queued or extracting too long (a Redis outage, a lost job) get their job again."""
    return await requeue_stale_documents(_queue(ctx))


async def deliver_notification(ctx: dict[str, Any], delivery_id: int) -> str:
    """Send one webhook; a failed attempt is retried after the delivery's exponential backoff."""
    delay = await notifications.deliver(delivery_id, ctx["settings"])
    if delay is not None:
        raise Retry(defer=delay)
    return "done"


async def deliver_pending_notifications(ctx: dict[str, Any]) -> int:
    """Deliveries written while no queue was configured (e.g. ``chengxin sweep``) or whose job was lost."""
    count = 0
    for delivery_id in await notifications.due_deliveries():
        if await _queue(ctx).enqueue_notification(delivery_id):
            count += 1
    return count


def build_worker(settings: Settings, *, burst: bool = False, slots: asyncio.Semaphore | None = None) -> Worker:
    """One arq worker; the database connection is opened by ``run_worker`` (or the caller) beforehand."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        ctx["reading_slots"] = slots or reading_slots(settings)
        ctx["queue"] = ArqQueue(settings, pool=ctx["redis"])
        notifications.use_queue(ctx["queue"])  # notifications raised by jobs (the sweep) are queued here
        await requeue_stale_documents(ctx["queue"], all_queued=True)

    async def shutdown(ctx: dict[str, Any]) -> None:
        notifications.use_queue(None)  # the queue's pool is the worker's, closed with it

    assert settings.redis_url, "the worker needs CHENGXIN_REDIS_URL"
    q = settings.queue_name
    redis_settings = RedisSettings.from_dsn(settings.redis_url)
    if burst:
        redis_settings.conn_retries = BURST_CONNECT_RETRIES
    return Worker(
        functions=[
            func(extract_document, name=EXTRACT_DOCUMENT, keep_result=0),  # its stable id is free once done
            func(sweep_daily, name=SWEEP_DAILY),
            func(deliver_notification, name=DELIVER_NOTIFICATION, max_tries=settings.notify_max_attempts + 1),
        ],
        cron_jobs=[
            cron(sweep_daily, name=cron_name(q, SWEEP_DAILY), hour={1}, minute={5}, unique=True),
            cron(
                deliver_pending_notifications,
                name=cron_name(q, DELIVER_PENDING_NOTIFICATIONS),
                second={0},
                unique=True,
            ),
            cron(
                requeue_stale,
                name=cron_name(q, REQUEUE_STALE_DOCUMENTS),
                unique=True,
                **cron_times(settings.requeue_interval_s),  # type: ignore[arg-type]
            ),
        ],
        redis_settings=redis_settings,
        queue_name=q,
        on_startup=startup,
        on_shutdown=shutdown,
        poll_delay=settings.worker_poll_delay_s,  # arq's 0.5 s default caps a worker at 200 jobs/s
        max_jobs=settings.worker_max_jobs,
        job_timeout=settings.job_timeout_s,
        burst=burst,
        handle_signals=not burst,
    )


async def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Run workers one after another until stopped (a signal) or, with ``burst``, the queue is empty;
    a lost Redis connection ends one worker and, after a backoff, starts the next. A burst run gives up
    after ``BURST_ATTEMPTS`` workers in a row could not reach Redis (``RedisUnreachable``): it is a
    one-off run, and a cron job or script calling it needs an exit code, not a wait without end."""
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
    slots = reading_slots(settings)
    delay, failures = 1.0, 0
    try:
        while True:
            worker = build_worker(settings, burst=burst, slots=slots)
            worker.main_task = asyncio.create_task(worker.main())
            started = asyncio.get_running_loop().time()
            try:
                await worker.main_task
                return  # burst: the queue is empty
            except asyncio.CancelledError:
                if worker.main_task.cancelled():
                    return  # stopped by a signal
                raise
            except LOST_REDIS as exc:
                if asyncio.get_running_loop().time() - started > 60:
                    delay, failures = 1.0, 0  # it ran a good while: this outage starts the backoff afresh
                failures += 1
                if burst and failures >= BURST_ATTEMPTS:
                    raise RedisUnreachable(settings.redis_url or "", failures) from exc
                log.warning("lost a connection (%s: %s); reconnecting in %.0f s", type(exc).__name__, exc, delay)
            finally:
                await _close(worker)
            await asyncio.sleep(delay)
            delay = min(delay * 2, settings.worker_reconnect_max_s)
    finally:
        notifications.use_queue(None)
        await Tortoise.close_connections()


async def _close(worker: Worker) -> None:
    """Let the running jobs finish (their results go to the database), then drop the Redis pool; unlike
    ``Worker.close`` this works with Redis gone."""
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    pool = worker._pool
    worker._pool = None
    if pool is not None:
        with contextlib.suppress(*redis_down()):
            await pool.delete(worker.health_check_key)
        with contextlib.suppress(*redis_down()):
            await pool.aclose()

"""The arq worker: extraction jobs and the daily sweep (``chengxin worker``)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from arq import cron, func
from arq.connections import RedisSettings
from arq.worker import Worker

from app import clock
from app.db import tortoise_config
from app.settings import Settings

log = logging.getLogger("chengxin.worker")


async def extract_document(ctx: dict[str, Any], document_id: int) -> str:
    from app.services.extraction import run_extraction

    status = await run_extraction(document_id, ctx["settings"])
    return str(status)


async def sweep_daily(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, Any]:
    from app.services.sweep import sweep_with_settings

    report = await sweep_with_settings(date.fromisoformat(as_of) if as_of else clock.today(), ctx["settings"])
    return report.to_dict()


async def requeue_unfinished(ctx: dict[str, Any]) -> int:
    """Documents left queued or extracting (e.g. after a crash) are enqueued again; the stable job id
    keeps a job that is still queued or running from being duplicated."""
    from app.models import Document, DocumentStatus
    from app.queue import extraction_job_id

    count = 0
    for doc_id in await Document.filter(status__in=[DocumentStatus.QUEUED, DocumentStatus.EXTRACTING]).values_list(
        "id", flat=True
    ):
        assert isinstance(doc_id, int)
        if await ctx["redis"].enqueue_job("extract_document", doc_id, _job_id=extraction_job_id(doc_id)):
            count += 1
    return count


async def deliver_notification(ctx: dict[str, Any], delivery_id: int) -> str:
    """Send one webhook; a failed attempt is retried after the delivery's exponential backoff."""
    from arq import Retry

    from app.services.notifications import deliver

    delay = await deliver(delivery_id, ctx["settings"])
    if delay is not None:
        raise Retry(defer=delay)
    return "done"


async def deliver_pending_notifications(ctx: dict[str, Any]) -> int:
    """Deliveries written while no queue was configured (e.g. ``chengxin sweep``) or whose job was lost."""
    from app.queue import notification_job_id
    from app.services.notifications import due_deliveries

    count = 0
    for delivery_id in await due_deliveries():
        if await ctx["redis"].enqueue_job(
            "deliver_notification", delivery_id, _job_id=notification_job_id(delivery_id, ctx["settings"].queue_name)
        ):
            count += 1
    return count


def build_worker(settings: Settings, *, burst: bool = False) -> Worker:
    from tortoise import Tortoise

    async def startup(ctx: dict[str, Any]) -> None:
        await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
        ctx["settings"] = settings
        from app.queue import ArqQueue
        from app.services import notifications

        ctx["queue"] = ArqQueue(settings)
        notifications.use_queue(ctx["queue"])  # notifications raised by jobs (the sweep) are queued here
        requeued = await requeue_unfinished(ctx)
        if requeued:
            log.info("requeued %d unfinished documents", requeued)

    async def shutdown(ctx: dict[str, Any]) -> None:
        if "queue" in ctx:
            await ctx["queue"].close()
        await Tortoise.close_connections()

    assert settings.redis_url, "the worker needs CHENGXIN_REDIS_URL"
    return Worker(
        functions=[
            extract_document,
            sweep_daily,
            func(deliver_notification, max_tries=settings.notify_max_attempts + 1),
        ],
        cron_jobs=[
            cron(sweep_daily, hour={1}, minute={5}, unique=True),
            cron(deliver_pending_notifications, second={0}, unique=True),
        ],
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=settings.queue_name,
        on_startup=startup,
        on_shutdown=shutdown,
        poll_delay=settings.worker_poll_delay_s,  # arq's 0.5 s default caps a worker at 200 jobs/s
        max_jobs=settings.worker_max_jobs,
        job_timeout=settings.job_timeout_s,
        burst=burst,
        handle_signals=not burst,
    )

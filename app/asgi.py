"""The Litestar application: ``create_app(settings)``; ``app:create_app`` for servers via factory."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from tortoise import Tortoise, connections

from app.api.admin import AdminController
from app.api.agreements import AgreementController
from app.api.auth import AuthController
from app.api.calendar import CalendarController
from app.api.deps import provide_principal, provide_queue, provide_settings, provide_store
from app.api.docs import StaticDocsPlugin
from app.api.documents import DocumentController
from app.api.failures import FailureController, PublicFailureController, SweepController
from app.api.file_grants import FileGrantController
from app.api.guard import RequestGuardMiddleware, bound_path_ids
from app.api.obligations import ObligationController
from app.api.ocds import OcdsController
from app.api.organisations import OrganisationController
from app.api.ppp import PPPController
from app.api.ratings import RatingController
from app.api.reports import ReportController
from app.api.review import ReviewController
from app.api.stats import ExportController, StatsController
from app.api.tracking import ObligationTrackingController, WarningController
from app.api.ui import ui_router
from app.api.webhooks import WebhookController
from app.db import tortoise_config
from app.errors import EXCEPTION_HANDLERS
from app.jobs import InProcessQueue, JobQueue, make_queue, requeue_stale_documents
from app.security import CSRF_COOKIE, CSRF_HEADER, PUBLIC, AuthMiddleware, SessionCSRFMiddleware, role_guard
from app.services import notifications
from app.settings import Settings
from app.storage import FileStore

HERE = Path(__file__).parent
log = logging.getLogger("chengxin")


@get("/health", opt={"roles": PUBLIC}, include_in_schema=False)
async def health(state: State) -> Response[dict[str, Any]]:
    """The database and the job queue, each with its status and round-trip time: 503 when the database
    is down (nothing works), 200 "degraded" when only Redis is (uploads are accepted and wait)."""
    database = await _probe(_ping_database)
    queue: JobQueue | None = getattr(state, "queue", None)
    if queue is None or queue.settings.redis_url is None:
        redis: dict[str, Any] = {"status": "not configured"}  # jobs run in this process
    else:
        redis = await _probe(queue.ping)
    status = "ok" if database["status"] == "ok" and redis["status"] != "down" else "degraded"
    if database["status"] != "ok":
        status = "down"
    return Response(
        {"status": status, "database": database, "redis": redis},
        status_code=503 if status == "down" else 200,
        headers={"Cache-Control": "no-store"},
    )


async def _ping_database() -> float:
    started = time.perf_counter()
    await connections.get("default").execute_query("SELECT 1")
    return time.perf_counter() - started


async def _probe(ping: Callable[[], Awaitable[float | None]], timeout_s: float = 2.0) -> dict[str, Any]:
    try:
        seconds = await asyncio.wait_for(ping(), timeout_s)
    except Exception as exc:  # any failure to answer is "down"; the reason is for the operator
        log.warning("health check: %s", exc)
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "ok", "latency_ms": round((seconds or 0.0) * 1000, 2)}


def create_app(settings: Settings | None = None, *, init_db: bool = True) -> Litestar:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if init_db:
            await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
        queue = make_queue(settings)
        app.state.queue = queue
        notifications.use_queue(queue)  # notifications raised anywhere in this process go to this queue
        if isinstance(queue, InProcessQueue):
            await resume_in_process(queue)
        try:
            yield
        finally:
            await queue.close()
            notifications.use_queue(None)
            if init_db:
                await Tortoise.close_connections()

    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_httponly=False,
        exclude_from_csrf_key="exclude_from_csrf",
    )
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    return Litestar(
        route_handlers=[
            health,
            AuthController,
            AdminController,
            DocumentController,
            ObligationController,
            AgreementController,
            ReviewController,
            OrganisationController,
            FailureController,
            PublicFailureController,
            SweepController,
            ObligationTrackingController,
            WarningController,
            PPPController,
            RatingController,
            StatsController,
            ExportController,
            WebhookController,
            FileGrantController,
            CalendarController,
            ReportController,
            OcdsController,
            ui_router,
            create_static_files_router(
                path="/static", directories=[HERE / "static"], opt={"roles": PUBLIC}, include_in_schema=False
            ),
        ],
        dependencies={
            "principal": Provide(provide_principal),
            "settings": Provide(provide_settings),
            "store": Provide(provide_store),
            "queue": Provide(provide_queue),
        },
        guards=[role_guard],
        middleware=[
            RequestGuardMiddleware,
            AuthMiddleware,
            DefineMiddleware(SessionCSRFMiddleware, config=csrf, trust_proxy_headers=settings.trust_proxy_headers),
        ],
        before_request=bound_path_ids,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        state=_state(settings),
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(env)),
        openapi_config=OpenAPIConfig(
            title="chengxin API",
            version="0.1.0",
            path="/schema",
            render_plugins=[StaticDocsPlugin(path=["/", "/docs"])],  # no scripts from a CDN
            openapi_router=Router(path="/schema", route_handlers=[], opt={"roles": PUBLIC}),
        ),
        request_max_body_size=settings.max_upload_mb * 1024 * 1024 + 1024 * 1024,
        debug=settings.debug,
    )


def _state(settings: Settings) -> State:
    return State({"settings": settings, "store": FileStore(settings.files_dir)})


async def resume_in_process(queue: InProcessQueue) -> None:
    """In-process jobs do not survive a restart: start the pending deliveries and unfinished documents
    again (``chengxin serve`` without Redis)."""
    await notifications.resume_pending(queue)
    await requeue_stale_documents(queue, all_queued=True)

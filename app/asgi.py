"""The Litestar application: ``create_app(settings)``; ``app:create_app`` for servers via factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from tortoise import Tortoise

from app.api.agreements import AgreementController
from app.api.auth import AuthController
from app.api.calendar import CalendarController
from app.api.deps import provide_principal, provide_queue, provide_settings, provide_store
from app.api.documents import DocumentController
from app.api.failures import FailureController, PublicFailureController, SweepController
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
from app.queue import InProcessQueue, make_queue
from app.security import CSRF_COOKIE, CSRF_HEADER, PUBLIC, AuthMiddleware, SessionCSRFMiddleware, role_guard
from app.settings import Settings
from app.storage import FileStore

HERE = Path(__file__).parent
log = logging.getLogger("chengxin")


@get("/health", opt={"roles": PUBLIC}, include_in_schema=False)
async def health() -> dict[str, str]:
    return {"status": "ok"}


def create_app(settings: Settings | None = None, *, init_db: bool = True) -> Litestar:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if init_db:
            await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
        queue = make_queue(settings)
        app.state.queue = queue
        if isinstance(queue, InProcessQueue):
            await requeue_unfinished(queue)
        try:
            yield
        finally:
            await queue.close()
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
        middleware=[AuthMiddleware, DefineMiddleware(SessionCSRFMiddleware, config=csrf)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        state=_state(settings),
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(env)),
        openapi_config=OpenAPIConfig(
            title="chengxin API",
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(), ScalarRenderPlugin()],
            openapi_router=Router(path="/schema", route_handlers=[], opt={"roles": PUBLIC}),
        ),
        request_max_body_size=settings.max_upload_mb * 1024 * 1024 + 1024 * 1024,
        debug=settings.debug,
    )


def _state(settings: Settings) -> Any:
    from litestar.datastructures import State

    return State({"settings": settings, "store": FileStore(settings.files_dir)})


async def requeue_unfinished(queue: InProcessQueue) -> None:
    from app.models import Document, DocumentStatus
    from app.services.notifications import resume_pending

    await resume_pending(queue)

    for doc_id in await Document.filter(status__in=[DocumentStatus.QUEUED, DocumentStatus.EXTRACTING]).values_list(
        "id", flat=True
    ):
        assert isinstance(doc_id, int)
        await queue.enqueue_extraction(doc_id)

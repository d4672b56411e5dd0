"""Server-rendered pages (Chinese first, English via the ``lang`` cookie), mounted as one router that adds
the Content-Security-Policy (self only) to every page and turns domain errors into pages or a login redirect.

Forms carry the CSRF token as ``_csrf_token``; scripts send it as ``x-csrf-token`` from the ``chengxin_csrf``
cookie. Every value is escaped by Jinja's autoescape; no template marks document or user data ``|safe``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, Router, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from app.api.auth import expired_session_cookie, session_cookie
from app.api.deps import AppSettings
from app.demo import DEMO_PASSWORD, USERS
from app.errors import AppError, RateLimited
from app.models import User
from app.security import PUBLIC, SESSION_COOKIE, Principal, client_address
from app.services import users
from app.settings import Settings
from app.ui.accounts import AccountPages
from app.ui.failure_desk import FailurePages
from app.ui.finance_desk import FinancePages
from app.ui.inbox import InboxPages, before_page
from app.ui.pages import AgreementPages, DocumentPages, PublicPages, WorkPages
from app.ui.render import LANDING, PAGE_HEADERS, page, page_error_handler, safe_next
from trackers.errors import TrackerError


def demo_accounts(settings: Settings) -> dict[str, Any]:
    """In demo mode only: the demo's accounts (name, role, organisation) and their published password."""
    if not settings.demo:
        return {"demo_users": (), "demo_password": ""}
    return {"demo_users": [(name, role.value, org) for name, role, org in USERS], "demo_password": DEMO_PASSWORD}


class UIController(Controller):
    include_in_schema = False

    @get("/login", opt={"roles": PUBLIC})
    async def login_page(
        self, request: Request[Any, Any, Any], settings: AppSettings, next_path: FromQuery[str] = "/"
    ) -> Template:
        return page(request, "login.html", error_key=None, next_path=safe_next(next_path), **demo_accounts(settings))

    @post("/login", opt={"roles": PUBLIC})
    async def login_form(
        self, request: Request[Any, Any, Any], settings: AppSettings, data: URLEncodedBody[dict[str, str]]
    ) -> Response[Any]:
        next_path = safe_next(data.get("next_path"))
        address = client_address(request.scope, settings.trust_proxy_headers)
        try:
            raw, session = await users.login(
                data.get("username", ""), data.get("password", ""), settings.session_hours, address
            )
        except AppError as exc:
            message = "login.rate_limited" if isinstance(exc, RateLimited) else "login.failed"
            return page(
                request,
                "login.html",
                status_code=exc.status,
                error_key=message,
                next_path=next_path,
                **demo_accounts(settings),
            )
        user: User = session.user  # loaded by the login: no second query for the account
        if next_path == "/":  # straight to the role's page, not through the redirect of ``/``
            next_path = LANDING[user.role]
        if user.must_change_password:
            next_path = f"/password?next_path={quote(next_path, safe='')}"
        return Redirect(next_path, cookies=[session_cookie(raw, settings, request)])

    @post("/logout", opt={"roles": PUBLIC})
    async def logout_form(self, request: Request[Any, Any, Any], settings: AppSettings) -> Redirect:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            await users.logout(raw)
        return Redirect("/login", cookies=[expired_session_cookie(settings, request)])

    @get("/", opt={"roles": PUBLIC})
    async def home(self, request: Request[Any, Any, Any]) -> Redirect:
        principal: Principal | None = request.scope.get("user")
        return Redirect(LANDING[principal.role] if principal else "/login")


ui_router = Router(
    path="/",
    route_handlers=[
        UIController,
        AccountPages,
        DocumentPages,
        AgreementPages,
        WorkPages,
        FailurePages,
        FinancePages,
        InboxPages,
        PublicPages,
    ],
    response_headers=PAGE_HEADERS,
    before_request=before_page,
    exception_handlers={AppError: page_error_handler, TrackerError: page_error_handler},
    include_in_schema=False,
)

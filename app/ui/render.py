"""Rendering pages: the shared context (user, language, CSRF token, navigation), security headers and the
mapping of domain errors to pages (a browser gets a login redirect or a readable page, not JSON)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.response import Redirect, Template
from litestar.utils.scope.state import ScopeState

from app import clock
from app.errors import AppError, Unauthenticated
from app.models import Role
from app.security import Principal
from app.ui.i18n import LANG_COOKIE, pick_lang, translator

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
PAGE_HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=CSP),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
    ResponseHeader(name="X-Frame-Options", value="DENY"),
]

# (path, message key, roles)
NAV: list[tuple[str, str, frozenset[Role]]] = [
    ("/documents", "nav.documents", frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE})),
    ("/agreements", "nav.agreements", frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE, Role.DEPARTMENT})),
    ("/my", "nav.my", frozenset({Role.ADMIN, Role.DEPARTMENT})),
    ("/finance", "nav.finance", frozenset({Role.ADMIN, Role.FINANCE})),
    ("/evaluate", "nav.evaluate", frozenset({Role.ADMIN, Role.EVALUATOR})),
    ("/search", "nav.search", frozenset(Role)),
    ("/calendar", "nav.calendar", frozenset(Role)),
    ("/sweep", "nav.sweep", frozenset({Role.ADMIN})),
    ("/admin/users", "nav.admin", frozenset({Role.ADMIN})),
]

LANDING = {
    Role.ADMIN: "/agreements",
    Role.INVESTMENT: "/documents",
    Role.FINANCE: "/finance",
    Role.DEPARTMENT: "/my",
    Role.EVALUATOR: "/evaluate",
}


def csrf_token(request: Request[Any, Any, Any]) -> str:
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def lang_of(request: Request[Any, Any, Any]) -> str:
    return pick_lang(request.cookies.get(LANG_COOKIE))


def page(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    principal: Principal | None = request.scope.get("user")
    lang = lang_of(request)
    nav = [(path, key) for path, key, roles in NAV if principal is not None and principal.role in roles]
    return Template(
        template,
        status_code=status_code,
        context={
            "csrf": csrf_token(request),
            "user": principal,
            "lang": lang,
            "t": translator(lang),
            "nav": nav,
            "path": request.url.path,
            "today": clock.today(),
            **context,
        },
    )


def page_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    if isinstance(exc, Unauthenticated) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next_path={quote(target, safe='')}")
    if exc.extra.get("code") == "password_change_required" and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/password?next_path={quote(target, safe='')}")
    return page(request, "error.html", status_code=exc.status, title=exc.title, detail=exc.detail)


def safe_next(value: str | None, default: str = "/") -> str:
    """Only same-site paths: ``/x`` yes, ``//evil.example`` or ``https://…`` no."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default

"""Rendering pages: the shared context (user, language, CSRF token, navigation), security headers and the
mapping of domain errors to pages (a browser gets a login redirect or a readable page, not JSON)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.datastructures import Cookie, ResponseHeader
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template
from litestar.utils.scope.state import ScopeState

from app import clock, labels
from app.errors import AppError, Unauthenticated
from app.models import Role
from app.security import Principal
from app.ui.flash import FLASH_COOKIE, Flash, set_flash, take_flash
from app.ui.forms import kept_values
from app.ui.i18n import LANG_COOKIE, pick_lang, translator
from trackers.errors import MissingFacts, NotPermitted, PeriodClosed, TooEarly, TrackerError

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
    ("/failures", "nav.failures", frozenset(Role)),
    ("/search", "nav.search", frozenset(Role)),
    ("/calendar", "nav.calendar", frozenset(Role)),
    ("/sweep", "nav.sweep", frozenset({Role.ADMIN})),
    ("/admin/users", "nav.admin", frozenset({Role.ADMIN})),
]

UNREAD_KEY = "chengxin.unread"  # set on the scope by app.ui.inbox.before_page: the bell's count

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
    t = translator(lang)
    nav = [(path, key) for path, key, roles in NAV if principal is not None and principal.role in roles]
    flash = take_flash(request)
    cookies = [Cookie(key=FLASH_COOKIE, value="", path="/", max_age=0)] if flash else []
    return Template(
        template,
        status_code=status_code,
        cookies=cookies,
        context={
            "csrf": csrf_token(request),
            "user": principal,
            "lang": lang,
            "t": t,
            "nav": nav,
            "path": request.url.path,
            "today": clock.today(),
            "schedule": lambda rrule, in_lang=lang: labels.schedule(rrule, in_lang),
            "unread": request.scope.get(UNREAD_KEY, 0),
            "flash": flash,
            "flash_text": t(flash.key, **flash.values) if flash else "",
            "flash_form": (
                {"action": flash.action, "form": flash.form, "fields": {k: t(v) for k, v in flash.fields.items()}}
                if flash and (flash.fields or flash.form)
                else None
            ),
            **context,
        },
    )


def succeeded(request: Request[Any, Any, Any], url: str, key: str, **values: Any) -> Response[Any]:
    """The answer to a successful form: back to a page (POST → GET) that says what was done."""
    return set_flash(Redirect(url), request, Flash("ok", key, values))


# ---- errors as pages ---------------------------------------------------------------------------------------

ROW_SUFFIX = re.compile(r"_\d+$")


def field_message(key: str, message: str) -> str:
    """The message key for one field's error: ``ferr.<field>.<message>`` when the catalogue has a
    specific text (row suffixes like ``_91`` dropped), else ``ferr.<message>``, else ``ferr.invalid`` (never
    a raw key on the page, e.g. for an unknown choice in a select)."""
    field, code = ROW_SUFFIX.sub("", key), message.replace(" ", "_")
    zh = translator("zh")
    specific, general = f"ferr.{field}.{code}", f"ferr.{code}"
    if zh(specific) != specific:
        return specific
    return general if zh(general) != general else "ferr.invalid"


def error_key(exc: Exception) -> tuple[str, int, dict[str, Any]]:
    """(message key, status, placeholders) for a domain, tracker or HTTP error — what a person reads."""
    if isinstance(exc, TrackerError):
        code = getattr(exc, "code", "tracker_error")
        values: dict[str, Any] = {}
        if isinstance(exc, PeriodClosed):
            values["day"] = exc.closed_on.isoformat()
        if isinstance(exc, TooEarly):
            values["day"] = exc.opens_on.isoformat()
        status = 403 if isinstance(exc, NotPermitted) else 422 if isinstance(exc, MissingFacts) else 409
        return f"err.{code}", status, values
    if isinstance(exc, AppError):
        status, code = exc.status, str(exc.extra.get("code") or "")
    elif isinstance(exc, HTTPException):
        status, code = (422 if isinstance(exc, ValidationException) else exc.status_code), ""
    else:
        status, code = 500, ""
    specific = f"err.{code}"
    if code and translator("zh")(specific) != specific:
        return specific, status, {}
    return f"err.{status}" if translator("zh")(f"err.{status}") != f"err.{status}" else "err.other", status, {}


def _field_errors(exc: Exception) -> dict[str, str]:
    fields: dict[str, str] = {}
    if isinstance(exc, MissingFacts):
        return {name: "ferr.required" for name in exc.missing}
    errors = exc.extra.get("errors") if isinstance(exc, AppError) else None  # also a conflict naming its field
    for e in errors if isinstance(errors, list) else []:
        if isinstance(e, dict) and e.get("key"):
            fields[str(e["key"])] = field_message(str(e["key"]), str(e.get("message") or "invalid"))
    return fields


def _back(request: Request[Any, Any, Any]) -> str | None:
    """The page a form was on (its Referer, on this site only)."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.headers.get("host", parts.netloc):
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(target, "") or None


def page_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Errors on pages: a login or password redirect; a form sent back to its page with the messages beside
    the fields and the values kept; otherwise a page that says, in the reader's language, what to do."""
    if isinstance(exc, Unauthenticated) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next_path={quote(target, safe='')}")
    if isinstance(exc, AppError) and exc.extra.get("code") == "password_change_required" and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/password?next_path={quote(target, safe='')}")
    key, status, values = error_key(exc)
    back = _back(request) if request.method == "POST" else None
    if back is not None and status in (409, 413, 422):
        fields = _field_errors(exc)
        form = ScopeState.from_scope(request.scope).form
        flash = Flash(
            "error",
            "err.fields" if fields else key,
            values,
            fields,
            kept_values(form) if isinstance(form, dict) else {},
            request.url.path,
        )
        return set_flash(Redirect(back), request, flash)
    principal: Principal | None = request.scope.get("user")
    return page(
        request,
        "error.html",
        status_code=status,
        status=status,
        message_key=key,
        values=values,
        role=str(principal.role) if principal else "",
        field_errors=_field_errors(exc),
    )


def safe_next(value: str | None, default: str = "/") -> str:
    """Only same-site paths: ``/x`` yes, ``//evil.example`` or ``https://…`` no."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default

"""/api/auth: password login (session cookie + CSRF token), logout, the caller, the caller's password and
API tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody

from app.api.account_schemas import PasswordChange, TokenRead, token_read
from app.api.deps import AppSettings, CurrentUser
from app.api.ids import IdPath
from app.api.schemas import LoginRequest, LoginResponse, TokenRequest
from app.errors import Forbidden
from app.models import User
from app.security import PUBLIC, SESSION_COOKIE, STAFF, client_address, is_https
from app.services import users as svc
from app.settings import Settings

# open to every signed-in person, evaluators and accounts that must change their password included
SELF_SERVICE = {"roles": STAFF, "session_write": True, "before_password_change": True}


def session_cookie(raw: str, settings: Settings, request: Request[Any, Any, Any] | None = None) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=raw,
        httponly=True,
        samesite="lax",
        path="/",
        max_age=settings.session_hours * 3600,
        secure=request is not None and is_https(request.scope, settings.trust_proxy_headers),
    )


def expired_session_cookie(settings: Settings, request: Request[Any, Any, Any]) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        max_age=0,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request.scope, settings.trust_proxy_headers),
    )


def check_login_origin(request: Request[Any, Any, Any]) -> None:
    """Login CSRF: another site must not log the visitor's browser into an account of its choosing. The
    JSON login is exempt from the double-submit token (there is no session yet), so it insists on a JSON
    body (a cross-site form cannot send one without a CORS preflight, which this app never grants) and
    refuses requests a browser marks as coming from another site."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise Forbidden("Send the login as application/json.", code="login_csrf")
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        raise Forbidden("Logins from another site are refused.", code="login_csrf")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc.lower() != host.lower():
            raise Forbidden("Logins from another site are refused.", code="login_csrf")
    elif origin == "null":
        raise Forbidden("Logins from another site are refused.", code="login_csrf")


class TokenIssued(msgspec.Struct):
    id: int
    token: str  # shown once
    read_only: bool
    expires_at: datetime


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", opt={"roles": PUBLIC, "exclude_from_csrf": True}, status_code=200)
    async def login(
        self, request: Request[Any, Any, Any], settings: AppSettings, data: JSONBody[LoginRequest]
    ) -> Response[LoginResponse]:
        """Log in with username and password; answers a session cookie and the CSRF token for later writes.
        Throttled per client address and per account (429 with ``retry_after``)."""
        check_login_origin(request)
        address = client_address(request.scope, settings.trust_proxy_headers)
        raw, session = await svc.login(data.username, data.password, settings.session_hours, address)
        user = await User.get(id=session.user_id)
        body = LoginResponse(
            username=user.username,
            role=user.role,
            organisation_id=user.organisation_id,
            csrf_token=session.csrf_token,
        )
        return Response(body, cookies=[session_cookie(raw, settings, request)])

    @post("/logout", opt={"roles": PUBLIC}, status_code=200)
    async def logout(self, request: Request[Any, Any, Any], settings: AppSettings) -> Response[dict[str, str]]:
        """End the session of the cookie, whoever it belongs to (a write: cookie sessions send the CSRF token).
        Open to every caller, so no role and no read-only or password-change state can keep anyone logged in."""
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            await svc.logout(raw)
        return Response({"status": "logged out"}, cookies=[expired_session_cookie(settings, request)])

    @get("/me", opt=SELF_SERVICE)
    async def me(self, principal: CurrentUser) -> dict[str, Any]:
        return {
            "username": principal.username,
            "role": str(principal.role),
            "organisation_id": principal.organisation_id,
            "scope": principal.scope_path,
            "read_only": principal.read_only,
            "must_change_password": principal.must_change_password,
        }

    @post("/password", opt=SELF_SERVICE, status_code=200)
    async def change_password(
        self, request: Request[Any, Any, Any], principal: CurrentUser, data: JSONBody[PasswordChange]
    ) -> dict[str, str]:
        """Change the caller's own password (needs the current one); the caller's other sessions end."""
        if principal.via_token:
            raise Forbidden("Change the password in a logged-in session, not with an API token.")
        await svc.change_password(
            principal, data.current_password, data.new_password, keep_session=request.cookies.get(SESSION_COOKIE)
        )
        return {"status": "password changed"}

    @get("/tokens", opt={"roles": STAFF})
    async def list_tokens(self, principal: CurrentUser) -> list[TokenRead]:
        """The caller's own API tokens (never the token values)."""
        now = datetime.now(UTC)
        return [token_read(t, now) for t in await svc.list_tokens(user_id=principal.user_id)]

    @post("/tokens", opt={"roles": STAFF, "session_write": True}, status_code=201)
    async def create_token(
        self, principal: CurrentUser, settings: AppSettings, data: JSONBody[TokenRequest]
    ) -> TokenIssued:
        """A bearer token for programs, shown once, expiring after ``days`` (default: the installation's
        token lifetime). Any session may mint read-only tokens for itself; only an administrator may mint
        read-write ones. Tokens cannot mint tokens."""
        if principal.via_token:
            raise Forbidden("Tokens are minted in a logged-in session, not with another token.")
        read_only = data.read_only or principal.read_only
        issued = await svc.issue_token(
            principal,
            principal.username,
            data.name,
            read_only=read_only,
            days=min(data.days or settings.token_days, 3650),
        )
        return TokenIssued(id=issued.id, token=issued.token, read_only=issued.read_only, expires_at=issued.expires_at)

    @delete("/tokens/{token_id:int}", opt={"roles": STAFF, "session_write": True}, status_code=200)
    async def revoke_token(self, principal: CurrentUser, token_id: IdPath) -> TokenRead:
        """Revoke one of the caller's own tokens."""
        token = await svc.revoke_token(principal, token_id, owner_id=principal.user_id)
        await token.fetch_related("user")
        return token_read(token, datetime.now(UTC))

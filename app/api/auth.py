"""/api/auth: password login (session cookie + CSRF token), logout, the caller, API tokens."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody

from app.api.deps import AppSettings, CurrentUser
from app.api.schemas import LoginRequest, LoginResponse, TokenRequest, TokenResponse
from app.models import User
from app.security import PUBLIC, SESSION_COOKIE, STAFF, new_api_token
from app.services import audit
from app.services import users as svc
from app.settings import Settings


def session_cookie(raw: str, settings: Settings) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=raw,
        httponly=True,
        samesite="lax",
        path="/",
        max_age=settings.session_hours * 3600,
        secure=False,
    )


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", opt={"roles": PUBLIC, "exclude_from_csrf": True}, status_code=200)
    async def login(self, settings: AppSettings, data: JSONBody[LoginRequest]) -> Response[LoginResponse]:
        """Log in with username and password; answers a session cookie and the CSRF token for later writes."""
        raw, session = await svc.login(data.username, data.password, settings.session_hours)
        user = await User.get(id=session.user_id)
        body = LoginResponse(
            username=user.username,
            role=str(user.role),
            organisation_id=user.organisation_id,
            csrf_token=session.csrf_token,
        )
        return Response(body, cookies=[session_cookie(raw, settings)])

    @post("/logout", opt={"roles": STAFF}, status_code=200)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            await svc.logout(raw)
        return Response({"status": "logged out"}, cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")])

    @get("/me", opt={"roles": STAFF})
    async def me(self, principal: CurrentUser) -> dict[str, Any]:
        return {
            "username": principal.username,
            "role": str(principal.role),
            "organisation_id": principal.organisation_id,
            "scope": principal.scope_path,
            "read_only": principal.read_only,
        }

    @post("/tokens", opt={"roles": STAFF}, status_code=201)
    async def create_token(self, principal: CurrentUser, data: JSONBody[TokenRequest]) -> TokenResponse:
        """A bearer token for programs, shown once. Evaluators only get read-only tokens."""
        user = await User.get(id=principal.user_id)
        read_only = data.read_only or principal.read_only
        token = await new_api_token(user, data.name, read_only=read_only, days=data.days)
        await audit.record(
            principal, "token.create", "user", user.id, None, {"name": data.name, "read_only": read_only}
        )
        return TokenResponse(token=token, read_only=read_only)

"""Account pages: the user's own password change (forced after an admin created or reset the account) and
the administrators' pages for users and API tokens. Forms post back here and redirect (POST → GET)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from app.api.auth import SELF_SERVICE
from app.api.deps import CurrentUser
from app.api.ids import MAX_ID
from app.errors import AppError, InvalidInput, NotFound
from app.models import Organisation, Role, User
from app.passwords import MAX_LENGTH, MIN_LENGTH
from app.security import ADMIN_ONLY, SESSION_COOKIE, token_expiry
from app.services import users as svc
from app.ui.render import LANDING, page, safe_next

ADMIN = {"roles": ADMIN_ONLY}
PASSWORD_LIMITS = {"password_min": MIN_LENGTH, "password_max": MAX_LENGTH}  # for the error messages


def field_errors(exc: AppError) -> dict[str, str]:
    """The fields an error names, each with the message key the page shows beside it (``error.<code>``)."""
    return {
        str(item["key"]): f"error.{item['code']}"
        for item in exc.extra.get("errors", [])
        if isinstance(item, dict) and item.get("key") and item.get("code")
    }


def _user_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"No user {value}.")
    return value


async def _username(user_id: int) -> str:
    user = await User.get_or_none(id=_user_id(user_id))
    if user is None:
        raise NotFound(f"No user {user_id}.")
    return user.username


class AccountPages(Controller):
    include_in_schema = False

    @get("/password", opt=SELF_SERVICE)
    async def password_page(
        self, request: Request[Any, Any, Any], principal: CurrentUser, next_path: FromQuery[str] = ""
    ) -> Template:
        return page(
            request,
            "password.html",
            error=None,
            errors={},
            forced=principal.must_change_password,
            next_path=next_path,
            **PASSWORD_LIMITS,
        )

    @post("/password", opt=SELF_SERVICE)
    async def password_form(
        self, request: Request[Any, Any, Any], principal: CurrentUser, data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        next_path = safe_next(data.get("next_path"), LANDING[principal.role])
        if data.get("new_password", "") != data.get("confirm_password", ""):
            return page(
                request,
                "password.html",
                status_code=422,
                error=None,
                errors={"confirm_password": "error.password.mismatch"},
                forced=principal.must_change_password,
                next_path=next_path,
                **PASSWORD_LIMITS,
            )
        try:
            await svc.change_password(
                principal,
                data.get("current_password", ""),
                data.get("new_password", ""),
                keep_session=request.cookies.get(SESSION_COOKIE),
            )
        except InvalidInput as exc:
            errors = field_errors(exc)
            return page(
                request,
                "password.html",
                status_code=exc.status,
                error=None if errors else exc.detail,
                errors=errors,
                forced=principal.must_change_password,
                next_path=next_path,
                **PASSWORD_LIMITS,
            )
        return Redirect(next_path)

    @get("/admin/users", opt=ADMIN)
    async def users_page(self, request: Request[Any, Any, Any], message: FromQuery[str] = "") -> Template:
        return await self._users(request, message=message)

    async def _users(
        self,
        request: Request[Any, Any, Any],
        status_code: int = 200,
        error: str | None = None,
        message: str = "",
        *,
        errors: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        reset_user: int | None = None,
    ) -> Template:
        """The users page; after a refused form, ``errors`` (field → message key) beside the fields, the
        form's other input (never a password) kept in ``form``, a refused reset beside ``reset_user``'s row."""
        return page(
            request,
            "admin_users.html",
            status_code=status_code,
            users=await svc.list_users(),
            organisations=await Organisation.all().order_by("path"),
            roles=list(Role),
            error=error,
            message=message,
            errors=errors or {},
            form={k: v for k, v in (form or {}).items() if "password" not in k},
            reset_user=reset_user,
            **PASSWORD_LIMITS,
        )

    @post("/admin/users", opt=ADMIN)
    async def create_user(
        self, request: Request[Any, Any, Any], principal: CurrentUser, data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        refused: dict[str, str] = {}
        try:
            role = Role(data.get("role", ""))
        except ValueError:
            refused["role"] = "error.account.role"
        try:
            organisation_id = int(data.get("organisation_id", "0") or "0")
        except ValueError:
            organisation_id = 0
        if not 1 <= organisation_id <= MAX_ID:
            refused["organisation_id"] = "error.account.organisation"
        if refused:
            return await self._users(request, 422, errors=refused, form=data)
        try:
            user = await svc.add_user(
                data.get("username", ""),
                data.get("password", ""),
                role,
                organisation_id,
                data.get("display_name", ""),
                principal,
                must_change_password=True,
            )
        except AppError as exc:
            errors = field_errors(exc)
            return await self._users(request, exc.status, None if errors else exc.detail, errors=errors, form=data)
        return Redirect(f"/admin/users?message=created:{user.username}")

    @post("/admin/users/{user_id:int}/disable", opt=ADMIN)
    async def disable_user(
        self, request: Request[Any, Any, Any], principal: CurrentUser, user_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await svc.set_active(principal, await _username(user_id), False)
        except AppError as exc:
            return await self._users(request, exc.status, exc.detail)
        return Redirect("/admin/users")

    @post("/admin/users/{user_id:int}/enable", opt=ADMIN)
    async def enable_user(self, principal: CurrentUser, user_id: FromPath[int]) -> Redirect:
        await svc.set_active(principal, await _username(user_id), True)
        return Redirect("/admin/users")

    @post("/admin/users/{user_id:int}/password", opt=ADMIN)
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        user_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        try:
            user = await svc.reset_password(principal, await _username(user_id), data.get("password", ""))
        except AppError as exc:
            errors = field_errors(exc)
            return await self._users(
                request, exc.status, None if errors else exc.detail, errors=errors, reset_user=user_id
            )
        return Redirect(f"/admin/users?message=reset:{user.username}")

    @get("/admin/tokens", opt=ADMIN)
    async def tokens_page(self, request: Request[Any, Any, Any]) -> Template:
        now = datetime.now(UTC)
        tokens = await svc.list_tokens()
        rows = [(t, token_expiry(t), t.revoked_at is None and token_expiry(t) > now) for t in tokens]
        return page(request, "admin_tokens.html", tokens=rows)

    @post("/admin/tokens/{token_id:int}/revoke", opt=ADMIN)
    async def revoke_token(self, principal: CurrentUser, token_id: FromPath[int]) -> Redirect:
        await svc.revoke_token(principal, _user_id(token_id))
        return Redirect("/admin/tokens")

"""/api/admin: accounts and API tokens, for administrators only (every change is audited by the service)."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, delete, get, post
from litestar.params import JSONBody

from app.api.account_schemas import PasswordReset, TokenRead, UserCreate, UserRead, token_read, user_read
from app.api.deps import CurrentUser
from app.api.ids import IdPath, IdQuery
from app.errors import NotFound
from app.models import User
from app.security import ADMIN_ONLY
from app.services import users as svc

ADMIN = {"roles": ADMIN_ONLY}


async def _username(user_id: int) -> str:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.")
    return user.username


class AdminController(Controller):
    path = "/api/admin"
    tags = ["admin"]

    @get("/users", opt=ADMIN)
    async def list_users(self) -> list[UserRead]:
        return [user_read(u) for u in await svc.list_users()]

    @post("/users", opt=ADMIN, status_code=201)
    async def create_user(self, principal: CurrentUser, data: JSONBody[UserCreate]) -> UserRead:
        """A new account; its owner must change the password at the first login."""
        user = await svc.add_user(
            data.username,
            data.password,
            data.role,
            data.organisation_id,
            data.display_name,
            principal,
            must_change_password=True,
        )
        return user_read(user)

    @post("/users/{user_id:int}/disable", opt=ADMIN, status_code=200)
    async def disable_user(self, principal: CurrentUser, user_id: IdPath) -> UserRead:
        """Disable an account: its sessions end and its tokens stop working."""
        return user_read(await svc.set_active(principal, await _username(user_id), False))

    @post("/users/{user_id:int}/enable", opt=ADMIN, status_code=200)
    async def enable_user(self, principal: CurrentUser, user_id: IdPath) -> UserRead:
        return user_read(await svc.set_active(principal, await _username(user_id), True))

    @post("/users/{user_id:int}/password", opt=ADMIN, status_code=200)
    async def reset_password(self, principal: CurrentUser, user_id: IdPath, data: JSONBody[PasswordReset]) -> UserRead:
        """Set a new password the owner must change at the next login; the owner's sessions end."""
        return user_read(await svc.reset_password(principal, await _username(user_id), data.password))

    @get("/tokens", opt=ADMIN)
    async def list_tokens(self, user_id: IdQuery = None) -> list[TokenRead]:
        """Every API token (or one user's), newest first; never the token values."""
        now = datetime.now(UTC)
        username = await _username(user_id) if user_id is not None else None
        return [token_read(t, now) for t in await svc.list_tokens(username)]

    @delete("/tokens/{token_id:int}", opt=ADMIN, status_code=200)
    async def revoke_token(self, principal: CurrentUser, token_id: IdPath) -> TokenRead:
        token = await svc.revoke_token(principal, token_id)
        await token.fetch_related("user")
        return token_read(token, datetime.now(UTC))

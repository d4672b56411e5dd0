"""Users, logins (throttled, see ``app.services.throttle``), passwords and API tokens.

Accounts created or reset by an admin or by the command line get ``must_change_password``: until their owner
has chosen a password of their own, every endpoint except logout and the password change refuses them.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from app.models import ApiToken, LoginAttempt, Organisation, Role, User, UserSession
from app.passwords import PROBLEMS, password_problem_code
from app.security import (
    DEFAULT_TOKEN_DAYS,
    Principal,
    create_api_token,
    hash_password,
    new_session,
    sha256_hex,
    verify_password,
)
from app.services import audit, throttle


@functools.cache
def _dummy_hash() -> str:
    """Verified when the user name is unknown, so the answer takes as long as for a wrong password."""
    return hash_password("not a password of anyone")


def check_password(password: str, username: str, key: str = "password") -> None:
    code = password_problem_code(password, username)
    if code:
        raise InvalidInput(PROBLEMS[code], errors=[{"key": key, "message": PROBLEMS[code], "code": code}])


async def add_user(
    username: str,
    password: str,
    role: Role,
    organisation_id: int,
    display_name: str = "",
    actor: Principal | None = None,
    *,
    must_change_password: bool = False,
    enforce_policy: bool = True,
) -> User:
    """A new account. The command line and the admin API pass ``must_change_password=True``;
    ``enforce_policy=False`` is for the demo's well-known accounts only."""
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() or c == "\x00" for c in username):
        message = "A username of 1-64 characters without spaces is required."
        raise InvalidInput(message, errors=[{"key": "username", "message": message, "code": "account.username"}])
    if enforce_policy:
        check_password(password, username)
    if len(display_name) > 100 or "\x00" in display_name:
        message = "The display name must have at most 100 characters and no NUL."
        raise InvalidInput(
            message, errors=[{"key": "display_name", "message": message, "code": "account.display_name"}]
        )
    if await User.filter(username=username).exists():
        raise Conflict(f"The user {username!r} already exists.", errors=[{"key": "username", "code": "account.exists"}])
    org = await Organisation.get_or_none(id=organisation_id)
    if org is None:
        raise NotFound(f"Organisation {organisation_id} does not exist.")
    async with in_transaction():
        user = await User.create(
            username=username,
            password_hash=hash_password(password),
            role=role,
            organisation=org,
            display_name=display_name or username,
            must_change_password=must_change_password,
        )
        await audit.record(
            actor,
            "user.create",
            "user",
            user.id,
            None,
            {"username": username, "role": role, "organisation_id": org.id},
        )
    return user


async def login(
    username: str,
    password: str,
    session_hours: int,
    address: str = "unknown",
    limits: throttle.LoginLimits = throttle.LIMITS,
) -> tuple[str, UserSession]:
    if "\x00" in username or "\x00" in password or len(username) > 64:
        raise Unauthenticated("Wrong username or password.")
    address = address[:64]
    account_reserved = await throttle.admit(username, address, datetime.now(UTC), limits)
    user = await User.get_or_none(username=username)
    if user is None or not user.is_active:
        await asyncio.to_thread(verify_password, _dummy_hash(), password)
        ok = False
    else:
        ok = await asyncio.to_thread(verify_password, user.password_hash, password)
    await LoginAttempt.create(username=username, address=address, succeeded=ok)
    if not ok or user is None:
        raise Unauthenticated("Wrong username or password.")
    await throttle.succeeded(username, address, account_reserved)
    return await new_session(user, session_hours)


async def logout(raw_session: str) -> None:
    await UserSession.filter(session_hash=sha256_hex(raw_session)).delete()


async def change_password(principal: Principal, current: str, new: str, keep_session: str | None = None) -> None:
    """The user's own change: needs the current password; ends the user's other sessions."""
    user = await User.get(id=principal.user_id)
    if not await asyncio.to_thread(verify_password, user.password_hash, current):
        message = "The current password is wrong."
        raise InvalidInput(
            message, errors=[{"key": "current_password", "message": message, "code": "password.wrong_current"}]
        )
    if new == current:
        message = "The new password must differ from the current one."
        raise InvalidInput(message, errors=[{"key": "new_password", "message": message, "code": "password.unchanged"}])
    check_password(new, user.username, key="new_password")
    async with in_transaction():
        user.password_hash = hash_password(new)
        user.must_change_password = False
        await user.save(update_fields=["password_hash", "must_change_password"])
        others = UserSession.filter(user_id=user.id)
        if keep_session:
            others = others.exclude(session_hash=sha256_hex(keep_session))
        await others.delete()
        await audit.record(principal, "user.password_change", "user", user.id)


async def reset_password(actor: Principal | None, username: str, password: str) -> User:
    """An admin's (or the command line's) reset: the owner must change it at the next login; every session
    of the user ends."""
    user = await _user(username)
    check_password(password, user.username)
    async with in_transaction():
        user.password_hash = hash_password(password)
        user.must_change_password = True
        await user.save(update_fields=["password_hash", "must_change_password"])
        await UserSession.filter(user_id=user.id).delete()
        await audit.record(actor, "user.password_reset", "user", user.id)
    return user


async def set_active(actor: Principal | None, username: str, active: bool) -> User:
    """Disable (or enable again) an account. A disabled user's sessions end and tokens stop working."""
    user = await _user(username)
    if not active and actor is not None and actor.user_id == user.id:
        raise Conflict("An administrator cannot disable their own account.")
    last_admin = user.role == Role.ADMIN and await User.filter(role=Role.ADMIN, is_active=True).count() <= 1
    if not active and user.is_active and last_admin:
        raise Conflict("This is the last active administrator; create another one first.")
    async with in_transaction():
        before = user.is_active
        user.is_active = active
        await user.save(update_fields=["is_active"])
        if not active:
            await UserSession.filter(user_id=user.id).delete()
        await audit.record(
            actor, "user.enable" if active else "user.disable", "user", user.id, {"active": before}, {"active": active}
        )
    return user


async def _user(username: str) -> User:
    user = await User.get_or_none(username=username)
    if user is None:
        raise NotFound(f"No user {username!r}.")
    return user


async def list_users() -> list[User]:
    return await User.all().order_by("username").prefetch_related("organisation")


# ---- tokens -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    token: str  # shown once
    read_only: bool
    expires_at: datetime


async def issue_token(
    actor: Principal | None,
    username: str,
    name: str,
    *,
    read_only: bool,
    days: int = DEFAULT_TOKEN_DAYS,
) -> IssuedToken:
    """A bearer token. Read-write tokens only from an admin (``actor``) or the command line (``None``);
    evaluators' tokens are always read-only; every token expires."""
    name = name.strip()
    if not name or len(name) > 100 or "\x00" in name:
        message = "A token name of 1-100 characters (no NUL) is required."
        raise InvalidInput(message, errors=[{"key": "name", "message": message}])
    user = await _user(username)
    if not user.is_active:
        raise Conflict(f"The user {username!r} is disabled.")
    if user.role == Role.EVALUATOR:
        read_only = True
    if not read_only and actor is not None and actor.role != Role.ADMIN:
        raise Forbidden("Only an administrator may issue read-write tokens.", code="read_write_token_admin_only")
    if not 1 <= days <= 3650:
        raise InvalidInput("days must be between 1 and 3650.", errors=[{"key": "days", "message": "1-3650"}])
    async with in_transaction():
        raw, token = await create_api_token(user, name, read_only=read_only, days=days)
        await audit.record(
            actor,
            "token.create",
            "api_token",
            token.id,
            None,
            {"user": user.username, "name": name, "read_only": read_only, "expires_at": token.expires_at},
        )
    assert token.expires_at is not None
    return IssuedToken(token.id, raw, read_only, token.expires_at)


async def list_tokens(username: str | None = None, user_id: int | None = None) -> list[ApiToken]:
    query = ApiToken.all().select_related("user").order_by("-id")
    if username is not None:
        query = query.filter(user__username=username)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    return await query


async def revoke_token(actor: Principal | None, token_id: int, *, owner_id: int | None = None) -> ApiToken:
    """Revoke a token; with ``owner_id`` only one of that user's (anything else is not found)."""
    query = ApiToken.filter(id=token_id)
    if owner_id is not None:
        query = query.filter(user_id=owner_id)
    token = await query.first()
    if token is None:
        raise NotFound(f"No token {token_id}.")
    if token.revoked_at is None:
        async with in_transaction():
            token.revoked_at = datetime.now(UTC)
            await token.save(update_fields=["revoked_at"])
            await audit.record(actor, "token.revoke", "api_token", token.id, None, {"user_id": token.user_id})
    return token

"""Users, logins (rate-limited) and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthenticated
from app.models import LoginAttempt, Organisation, Role, User, UserSession
from app.security import Principal, hash_password, new_api_token, new_session, sha256_hex, verify_password
from app.services import audit

MAX_FAILED_LOGINS = 5
LOGIN_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 8


async def add_user(
    username: str,
    password: str,
    role: Role,
    organisation_id: int,
    display_name: str = "",
    actor: Principal | None = None,
) -> User:
    username = username.strip()
    if not username or len(username) > 64:
        raise InvalidInput("A username of 1-64 characters is required.")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD} characters.")
    if await User.filter(username=username).exists():
        raise Conflict(f"The user {username!r} already exists.")
    org = await Organisation.get_or_none(id=organisation_id)
    if org is None:
        raise NotFound(f"Organisation {organisation_id} does not exist.")
    user = await User.create(
        username=username,
        password_hash=hash_password(password),
        role=role,
        organisation=org,
        display_name=display_name or username,
    )
    await audit.record(actor, "user.create", "user", user.id, None, {"username": username, "role": role})
    return user


async def login(username: str, password: str, session_hours: int) -> tuple[str, UserSession]:
    since = datetime.now(UTC) - LOGIN_WINDOW
    failures = await LoginAttempt.filter(username=username, succeeded=False, at__gte=since).count()
    if failures >= MAX_FAILED_LOGINS:
        raise RateLimited("Too many failed logins; try again in 15 minutes.")
    user = await User.get_or_none(username=username, is_active=True)
    ok = user is not None and verify_password(user.password_hash, password)
    await LoginAttempt.create(username=username, succeeded=ok)
    if not ok or user is None:
        raise Unauthenticated("Wrong username or password.")
    return await new_session(user, session_hours)


async def logout(raw_session: str) -> None:
    await UserSession.filter(session_hash=sha256_hex(raw_session)).delete()


async def issue_token(username: str, name: str, *, read_only: bool, days: int | None = None) -> str:
    user = await User.get_or_none(username=username)
    if user is None:
        raise NotFound(f"No user {username!r}.")
    token = await new_api_token(user, name, read_only=read_only or user.role == Role.EVALUATOR, days=days)
    await audit.record(None, "token.create", "user", user.id, None, {"name": name, "read_only": read_only})
    return token

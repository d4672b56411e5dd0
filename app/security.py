"""Authentication (session cookie or bearer token), the role guard and CSRF for cookie sessions.

Every route handler declares who may call it in ``opt["roles"]``: a set of roles, or ``PUBLIC``.
A handler without that declaration is refused to everyone (secure by default; a test walks the routes).

Two more declarations relax the guard for the few handlers every signed-in person needs:
``opt["session_write"]`` lets a read-only *session* (an evaluator) write there (change the password, mint
or revoke its own read-only tokens) — read-only tokens still cannot; ``opt["before_password_change"]`` stays open to an
account that must change its password first (everything else answers ``password_change_required``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import Forbidden, Unauthenticated
from app.models import ApiToken, Organisation, OrgKind, Role, User, UserSession
from app.sql import fetch

SESSION_COOKIE = "chengxin_session"
CSRF_COOKIE = "chengxin_csrf"
CSRF_HEADER = "x-csrf-token"
PUBLIC = "public"

STAFF = frozenset(Role)
REVIEWERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE})
UPLOADERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE})
ADMIN_ONLY = frozenset({Role.ADMIN})

DEFAULT_TOKEN_DAYS = 90

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, as every service sees it."""

    user_id: int
    username: str
    role: Role
    organisation_id: int
    organisation_path: str  # "/1/4/": scope covers this organisation and everything under it
    scope_path: str = "/"  # objects owned by organisations whose path starts with this are visible
    read_only: bool = False
    via_token: bool = False
    must_change_password: bool = False

    def can_see(self, owner_path: str) -> bool:
        return owner_path.startswith(self.scope_path)


GOVERNMENT_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN)


async def scope_path_for(role: Role, org: Organisation) -> str:
    """Admins see everything; departments see their own subtree; the bureaus and evaluators see the
    subtree of the government (city, district or town) they belong to."""
    if role == Role.ADMIN:
        return "/"
    if role == Role.DEPARTMENT or org.kind in GOVERNMENT_KINDS:
        return org.path
    ids = [int(x) for x in org.path.strip("/").split("/") if x]
    ancestors = {o.id: o for o in await Organisation.filter(id__in=ids)}
    for org_id in reversed(ids):
        ancestor = ancestors.get(org_id)
        if ancestor and ancestor.kind in GOVERNMENT_KINDS:
            return ancestor.path
    return org.path


async def principal_for(user: User, *, read_only: bool = False, via_token: bool = False) -> Principal:
    loaded = user.organisation  # already there when the caller's query selected it
    org: Organisation = loaded if isinstance(loaded, Organisation) else await loaded
    return await _principal(
        Role(user.role),
        user.id,
        user.username,
        user.must_change_password,
        org,
        read_only=read_only,
        via_token=via_token,
    )


async def _principal(
    role: Role,
    user_id: int,
    username: str,
    must_change_password: bool,
    org: Organisation,
    *,
    read_only: bool,
    via_token: bool,
) -> Principal:
    return Principal(
        user_id=user_id,
        username=username,
        role=role,
        organisation_id=org.id,
        organisation_path=org.path,
        scope_path=await scope_path_for(role, org),
        read_only=read_only or role == Role.EVALUATOR,
        via_token=via_token,
        must_change_password=must_change_password,
    )


async def new_session(user: User, hours: int) -> tuple[str, UserSession]:
    raw = secrets.token_urlsafe(32)
    session = await UserSession.create(
        user=user,
        session_hash=sha256_hex(raw),
        csrf_token=secrets.token_urlsafe(24),
        expires_at=datetime.now(UTC) + timedelta(hours=hours),
    )
    return raw, session


async def create_api_token(
    user: User, name: str, *, read_only: bool, days: int = DEFAULT_TOKEN_DAYS
) -> tuple[str, ApiToken]:
    """A bearer token (``cx_…``, only its SHA-256 stored) that expires after ``days``."""
    raw = "cx_" + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days)
    token = await ApiToken.create(
        user=user, name=name[:100], token_hash=sha256_hex(raw), read_only=read_only, expires_at=expires
    )
    return raw, token


async def new_api_token(user: User, name: str, *, read_only: bool, days: int = DEFAULT_TOKEN_DAYS) -> str:
    raw, _ = await create_api_token(user, name, read_only=read_only, days=days)
    return raw


def token_expiry(token: ApiToken) -> datetime:
    return expiry_of_token(token.created_at, token.expires_at)


def expiry_of_token(created_at: datetime, expires_at: datetime | None) -> datetime:
    """Tokens from before expiry existed expire ``DEFAULT_TOKEN_DAYS`` after they were made."""
    return expires_at or created_at + timedelta(days=DEFAULT_TOKEN_DAYS)


# The caller, its account and its organisation in one statement written out: built by the ORM it cost more
# than the whole of a small list page (``benchmarks/api.py --profile``). ``{table}``/``{key}`` are constants.
_CALLER_SQL = (
    "SELECT c.expires_at AS expires_at, c.created_at AS created_at, {read_only} AS read_only, u.id AS user_id, "
    "u.username AS username, u.role AS role, u.is_active AS is_active, "
    "u.must_change_password AS must_change_password, o.id AS org_id, o.path AS org_path, o.kind AS org_kind "
    'FROM {table} c JOIN "user" u ON u.id = c.user_id JOIN organisation o ON o.id = u.organisation_id '
    "WHERE c.{key} = ?{live}"
)
_TOKEN_SQL = _CALLER_SQL.format(
    read_only="c.read_only", table="api_token", key="token_hash", live=" AND c.revoked_at IS NULL"
)
_SESSION_SQL = _CALLER_SQL.format(read_only="0", table="user_session", key="session_hash", live="")


async def authenticate(scope: Scope) -> Principal | None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return await _caller(_TOKEN_SQL, sha256_hex(auth[7:].strip()), via_token=True)
    raw = _cookie(headers.get("cookie", ""), SESSION_COOKIE)
    return await _caller(_SESSION_SQL, sha256_hex(raw), via_token=False) if raw else None


async def _caller(sql: str, secret_hash: str, *, via_token: bool) -> Principal | None:
    """The principal of a live token or session whose hash is ``secret_hash``, if its account is active."""
    rows = await fetch(sql, [secret_hash])
    if not rows or not rows[0]["is_active"]:
        return None
    row = rows[0]
    expires = _moment(row["expires_at"]) if row["expires_at"] is not None else None
    if via_token:
        expires = expiry_of_token(_moment(row["created_at"]), expires)
    if expires is None or expires <= datetime.now(UTC):
        return None
    org = Organisation(id=row["org_id"], path=row["org_path"], kind=OrgKind(row["org_kind"]))
    return await _principal(
        Role(row["role"]),
        row["user_id"],
        row["username"],
        bool(row["must_change_password"]),
        org,
        read_only=bool(row["read_only"]),
        via_token=via_token,
    )


def _moment(value: datetime | str) -> datetime:
    """A timestamp as the driver returns it (asyncpg: aware datetime; SQLite: ISO text), aware in UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class AuthMiddleware:
    """Resolves the caller into ``scope["user"]`` (``None`` when anonymous); never rejects by itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope["user"] = await authenticate(scope)
        await self.app(scope, receive, send)


class SessionCSRFMiddleware(CSRFMiddleware):
    """Double-submit CSRF for cookie sessions. A request authenticated by a bearer token and carrying no
    session cookie cannot be forged by another site, so programs skip it. Served over HTTPS (``is_https``),
    the CSRF cookie is ``Secure`` like the session cookie."""

    def __init__(self, app: ASGIApp, config: CSRFConfig, trust_proxy_headers: bool = False) -> None:
        super().__init__(app, config)
        self.trust_proxy_headers = trust_proxy_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            headers = dict(scope.get("headers", []))
            bearer = headers.get(b"authorization", b"").lower().startswith(b"bearer ")
            if bearer and not _cookie(headers.get(b"cookie", b"").decode("latin-1"), SESSION_COOKIE):
                await self.app(scope, receive, send)
                return
            if is_https(scope, self.trust_proxy_headers):
                send = _secure_cookie(send, self.config.cookie_name)
        await super().__call__(scope, receive, send)


def _secure_cookie(send: Send, name: str) -> Send:
    """``send`` with the ``Secure`` attribute added to the cookie ``name`` wherever it is set."""
    prefix = name.encode() + b"="

    async def secure_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = []
            for key, value in message.get("headers", []):
                if key.lower() == b"set-cookie" and value.startswith(prefix):
                    attributes = [part.strip().lower() for part in value.split(b";")[1:]]
                    if b"secure" not in attributes:
                        value += b"; Secure"
                headers.append((key, value))
            message["headers"] = headers
        await send(message)

    return secure_send


def is_https(scope: Scope, trust_proxy_headers: bool) -> bool:
    """Served over HTTPS: the request's own scheme, or ``X-Forwarded-Proto`` from a trusted proxy."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    if not trust_proxy_headers:
        return False
    headers = dict(scope.get("headers", []))
    forwarded = headers.get(b"x-forwarded-proto", b"").decode("latin-1").split(",")[0].strip().lower()
    return forwarded == "https"


def client_address(scope: Scope, trust_proxy_headers: bool) -> str:
    """The caller's address: the peer, or the address a trusted proxy appended last to ``X-Forwarded-For``."""
    if trust_proxy_headers:
        headers = dict(scope.get("headers", []))
        forwarded = [a.strip() for a in headers.get(b"x-forwarded-for", b"").decode("latin-1").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1][:64]
    client = scope.get("client")
    return str(client[0])[:64] if client else "unknown"


def role_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    roles = handler.opt.get("roles")
    if roles == PUBLIC:
        return
    if roles is None:
        raise Forbidden("This endpoint declares no roles and is closed to everyone.")
    principal: Principal | None = connection.scope.get("user")
    if principal is None:
        raise Unauthenticated("Log in or send a valid bearer token.")
    if principal.must_change_password and not handler.opt.get("before_password_change"):
        raise Forbidden(
            "Choose a new password first (POST /api/auth/password, or the page /password).",
            code="password_change_required",
        )
    if principal.role not in roles:
        raise Forbidden(f"The role '{principal.role}' may not use this endpoint.")
    writing = connection.scope.get("method", "GET") not in ("GET", "HEAD", "OPTIONS")
    if principal.read_only and writing and not (handler.opt.get("session_write") and not principal.via_token):
        raise Forbidden("This API token is read-only." if principal.via_token else "This account is read-only.")


def require_user(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal: Principal | None = connection.scope.get("user")
    if principal is None:
        raise Unauthenticated("Log in or send a valid bearer token.")
    return principal

"""Login throttling: per client address, per account at an address, and a progressive delay per account.

Every attempt first *reserves* its place in three counters, each with one atomic upsert that answers the
new count (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), and only then is the password checked. Parallel
attempts therefore each get a different count, and no more than the limit are ever checked.

1. ``addr:{address}`` — every failed attempt from one address, whatever account it names: stops password
   spraying from one address (``per_address`` per window, then refused).
2. ``pair:{address}:{account}`` — one address guessing one account (``per_account_address``, then refused).
   A stranger hits this limit for *their* address only; the owner's address is unaffected.
3. ``acct:{account}`` — the account across all addresses, for attacks from many addresses. It is never a
   hard lock: after ``account_free`` attempts each further one needs a slot, the slots spaced by a delay
   that doubles up to ``max_delay``. Addresses the account logged in from successfully in the last
   ``known_days`` skip this rule, so a stranger cannot keep the owner out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections

from app.errors import RateLimited
from app.models import LoginAttempt
from app.sql import dialect_sql


@dataclass(frozen=True, slots=True)
class LoginLimits:
    window: timedelta = timedelta(minutes=15)
    per_address: int = 20
    per_account_address: int = 5
    account_free: int = 10
    first_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=2)
    known_days: int = 30


LIMITS = LoginLimits()

_RESERVE = """
INSERT INTO login_throttle (key, hits, window_start) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN login_throttle.window_start < ? THEN 1 ELSE login_throttle.hits + 1 END,
  window_start = CASE WHEN login_throttle.window_start < ? THEN excluded.window_start
                      ELSE login_throttle.window_start END
RETURNING hits
"""
_CLAIM_SLOT = """
UPDATE login_throttle SET next_allowed_at = ?
WHERE key = ? AND (next_allowed_at IS NULL OR next_allowed_at <= ?)
RETURNING id
"""
_RELEASE = "UPDATE login_throttle SET hits = hits - 1 WHERE key = ? AND hits > 0"
_FORGET = "DELETE FROM login_throttle WHERE key = ?"


def account_delay(hits: int, limits: LoginLimits) -> timedelta:
    """The spacing of checked attempts on one account once ``hits`` exceeds the free allowance."""
    over = hits - limits.account_free
    if over <= 0:
        return timedelta(0)
    delay: timedelta = limits.first_delay * (2 ** min(over - 1, 30))
    return min(delay, limits.max_delay)


def keys(username: str, address: str) -> tuple[str, str, str]:
    account = username[:64]
    return f"addr:{address}", f"pair:{address}:{account}", f"acct:{account}"


async def _execute(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    values = [_sqlite_time(p) if dialect != "postgres" and isinstance(p, datetime) else p for p in params]
    return list(await conn.execute_query_dict(dialect_sql(dialect, sql), values))


def _sqlite_time(value: datetime) -> str:
    """The form Tortoise stores aware datetimes in on SQLite, always with microseconds, so text compares
    in time order."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


async def _reserve(key: str, now: datetime, limits: LoginLimits) -> int:
    cutoff = now - limits.window
    rows = await _execute(_RESERVE, [key, now, cutoff, cutoff])
    return int(rows[0]["hits"])


async def admit(username: str, address: str, now: datetime, limits: LoginLimits = LIMITS) -> bool:
    """Reserve this attempt in the counters, or refuse it (``RateLimited``) before any password is checked.
    Answers whether the per-account counter was reserved too (not for an address the account knows)."""
    by_address, by_pair, by_account = keys(username, address)
    window_s = int(limits.window.total_seconds())
    if await _reserve(by_address, now, limits) > limits.per_address:
        raise RateLimited(
            "Too many failed logins from this address; try again later.", retry_after=window_s, limit="address"
        )
    if await _reserve(by_pair, now, limits) > limits.per_account_address:
        raise RateLimited("Too many failed logins; try again in 15 minutes.", retry_after=window_s, limit="account")
    if await known_address(username, address, now, limits):
        return False
    hits = await _reserve(by_account, now, limits)
    delay = account_delay(hits, limits)
    if delay and not await _execute(_CLAIM_SLOT, [now + delay, by_account, now]):
        raise RateLimited(
            "This account is receiving many failed logins; wait and try again.",
            retry_after=int(delay.total_seconds()),
            limit="account_delay",
        )
    return True


async def known_address(username: str, address: str, now: datetime, limits: LoginLimits = LIMITS) -> bool:
    since = now - timedelta(days=limits.known_days)
    return await LoginAttempt.filter(username=username[:64], address=address, succeeded=True, at__gte=since).exists()


async def succeeded(username: str, address: str, account_reserved: bool) -> None:
    """A correct password: the attempt counts against neither the address nor the account, and the pair
    starts afresh."""
    by_address, by_pair, by_account = keys(username, address)
    await _execute(_RELEASE, [by_address])
    await _execute(_FORGET, [by_pair])
    if account_reserved:
        await _execute(_RELEASE, [by_account])

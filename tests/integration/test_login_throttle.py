"""Login throttling through the API, on SQLite and (when configured) PostgreSQL: per address, per account at an
address, a progressive per-account delay across addresses — atomic under parallel guesses, and never a lock
a stranger can put on the owner. The client address comes from ``X-Forwarded-For`` (a trusted proxy)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.services.throttle import LIMITS
from app.settings import Settings
from tests.conftest import PASSWORD, City


@pytest.fixture
async def proxied(db: Settings) -> AsyncIterator[httpx.AsyncClient]:
    from app.asgi import create_app
    from app.jobs import make_queue

    settings = db.with_(trust_proxy_headers=True)
    app = create_app(settings, init_db=False)
    app.state.queue = queue = make_queue(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http
    await queue.close()


async def attempt(http: httpx.AsyncClient, username: str, password: str, address: str) -> httpx.Response:
    return await http.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        headers={"x-forwarded-for": f"203.0.113.250, {address}"},  # the proxy appends the real peer last
    )


async def checked(username: str | None = None) -> int:
    """How many passwords were actually verified."""
    from app.models import LoginAttempt

    query = LoginAttempt.all() if username is None else LoginAttempt.filter(username=username)
    return await query.count()


async def test_thirty_parallel_guesses_check_no_more_than_the_limit(proxied: httpx.AsyncClient, city: City) -> None:
    guesses = (attempt(proxied, "admin", f"wrong guess {i}", "198.51.100.7") for i in range(30))
    responses = await asyncio.gather(*guesses)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {401: LIMITS.per_account_address, 429: 30 - LIMITS.per_account_address}, statuses
    assert await checked("admin") == LIMITS.per_account_address
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["limit"] == "account"
    assert refused.json()["retry_after"] > 0
    # the same address stays refused even with the right password; the owner elsewhere is not
    assert (await attempt(proxied, "admin", PASSWORD, "198.51.100.7")).status_code == 429
    assert (await attempt(proxied, "admin", PASSWORD, "192.0.2.10")).status_code == 200


async def test_password_spraying_from_one_address_is_refused(proxied: httpx.AsyncClient, city: City) -> None:
    names = [*city.users, *(f"nobody{i}" for i in range(30))][:30]
    responses = await asyncio.gather(*(attempt(proxied, name, "Summer2026!!", "198.51.100.8") for name in names))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {401: LIMITS.per_address, 429: 30 - LIMITS.per_address}, statuses
    assert await checked() == LIMITS.per_address
    assert {r.json()["limit"] for r in responses if r.status_code == 429} == {"address"}
    assert (await attempt(proxied, "finance", PASSWORD, "198.51.100.8")).status_code == 429
    assert (await attempt(proxied, "finance", PASSWORD, "192.0.2.11")).status_code == 200


async def test_a_success_does_not_count_against_the_address(proxied: httpx.AsyncClient, city: City) -> None:
    """Colleagues behind one NAT address log in all day: only failures fill the address's allowance."""
    for _ in range(LIMITS.per_address + 5):
        assert (await attempt(proxied, "investment", PASSWORD, "198.51.100.9")).status_code == 200
    for _ in range(3):
        assert (await attempt(proxied, "investment", "typo typo typo", "198.51.100.9")).status_code == 401
    assert (await attempt(proxied, "investment", PASSWORD, "198.51.100.9")).status_code == 200


async def test_many_addresses_get_a_progressive_delay_not_a_lock(proxied: httpx.AsyncClient, city: City) -> None:
    from app.models import LoginThrottle

    # the owner logged in from home before the attack
    assert (await attempt(proxied, "admin", PASSWORD, "192.0.2.20")).status_code == 200
    # thirty strangers at thirty addresses guess in parallel
    guesses = (attempt(proxied, "admin", f"guess {i}", f"198.51.100.{i + 100}") for i in range(30))
    responses = await asyncio.gather(*guesses)
    statuses = Counter(r.status_code for r in responses)
    # the free allowance plus the one slot the delay lets through; the rest wait
    assert statuses[401] == LIMITS.account_free + 1, statuses
    assert await checked("admin") == 1 + LIMITS.account_free + 1
    assert {r.json()["limit"] for r in responses if r.status_code == 429} == {"account_delay"}
    # the owner at home is not affected
    assert (await attempt(proxied, "admin", PASSWORD, "192.0.2.20")).status_code == 200
    # the attack holds a slot: a delay is in force on the account
    counter = await LoginThrottle.get(key="acct:admin")
    assert counter.hits == 30
    assert counter.next_allowed_at is not None
    # at a new address the owner waits for the next free slot (a stranger just took one) — then gets in
    await LoginThrottle.filter(key="acct:admin").update(next_allowed_at=datetime.now(UTC) + timedelta(minutes=1))
    waiting = await attempt(proxied, "admin", PASSWORD, "192.0.2.21")
    assert waiting.status_code == 429
    assert waiting.json()["limit"] == "account_delay"
    past = datetime.now(UTC) - timedelta(seconds=1)
    await LoginThrottle.filter(key="acct:admin").update(next_allowed_at=past)
    assert (await attempt(proxied, "admin", PASSWORD, "192.0.2.21")).status_code == 200


async def test_counters_start_afresh_after_the_window(proxied: httpx.AsyncClient, city: City) -> None:
    from app.models import LoginThrottle

    for _ in range(LIMITS.per_account_address):
        assert (await attempt(proxied, "finance", "wrong wrong wrong", "198.51.100.30")).status_code == 401
    assert (await attempt(proxied, "finance", PASSWORD, "198.51.100.30")).status_code == 429
    earlier = datetime.now(UTC) - LIMITS.window - timedelta(seconds=5)
    await LoginThrottle.all().update(window_start=earlier)
    assert (await attempt(proxied, "finance", PASSWORD, "198.51.100.30")).status_code == 200


async def test_untrusted_forwarded_for_is_ignored(client: Any, city: City) -> None:
    """Without CHENGXIN_TRUST_PROXY_HEADERS a client cannot pick a fresh address per guess."""
    statuses = []
    for i in range(LIMITS.per_account_address + 2):
        response = await client.post(
            "/api/auth/login",
            json={"username": "admin", "password": "wrong wrong"},
            headers={"x-forwarded-for": f"10.9.9.{i}"},
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert await checked("admin") == LIMITS.per_account_address


async def test_odd_login_names_are_refused_not_crashed(client: Any, city: City) -> None:
    for name in ("x" * 65, "x" * 200, "ad\x00min"):
        response = await client.post("/api/auth/login", json={"username": name, "password": "wrong"})
        assert 400 <= response.status_code < 500, (name, response.text)

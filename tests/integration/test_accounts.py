"""Accounts (admin API and pages), the forced password change, sessions (Secure cookie, login CSRF, logout for
every role) and API tokens (expiry, scopes, revocation) — on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.security import CSRF_COOKIE
from app.settings import Settings
from tests.conftest import PASSWORD, City

NEW_PASSWORD = "a brand new passphrase"


async def api_login(client: Any, username: str, password: str = PASSWORD) -> httpx.Response:
    response: httpx.Response = await client.post("/api/auth/login", json={"username": username, "password": password})
    return response


async def as_program(client: Any, method: str, url: str, headers: dict[str, str], **kw: Any) -> httpx.Response:
    """A bearer-token call from a program, i.e. without the browser session the client also holds."""
    jar = client.cookies
    client.cookies = httpx.Cookies()
    try:
        response: httpx.Response = await client.request(method, url, headers=headers, **kw)
        return response
    finally:
        client.cookies = jar


async def csrf(client: Any) -> dict[str, str]:
    """The double-submit header for cookie-session writes (the cookie is set by any safe request)."""
    await client.get("/api/auth/me")
    return {"x-csrf-token": client.cookies.get("chengxin_csrf")}


@pytest.fixture
async def app_with(db: Settings) -> AsyncIterator[Any]:
    """Build clients for an app with changed settings: ``await app_with(base_url=..., **settings)``."""
    from app.asgi import create_app
    from app.jobs import make_queue

    opened: list[tuple[httpx.AsyncClient, Any]] = []

    async def build(base_url: str = "http://testserver", **changes: Any) -> httpx.AsyncClient:
        settings = db.with_(**changes)
        app = create_app(settings, init_db=False)
        app.state.queue = queue = make_queue(settings)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)
        opened.append((http, queue))
        return http

    yield build
    for http, queue in opened:
        await http.aclose()
        await queue.close()


# ---- administration and the forced password change -----------------------------------------------------


async def test_admin_creates_a_user_who_must_change_the_password_first(client: Any, city: City) -> None:
    from app.models import AuditLog

    body = {"username": "clerk", "password": "initial passphrase 1", "role": "department"}
    created = await client.post(
        "/api/admin/users", json=body | {"organisation_id": city.orgs["ndrc"]}, headers=city.auth("admin")
    )
    assert created.status_code == 201, created.text
    assert created.json()["must_change_password"] is True
    assert await AuditLog.filter(action="user.create", entity_id=created.json()["id"]).exists()

    assert (await api_login(client, "clerk", "initial passphrase 1")).status_code == 200
    blocked = await client.get("/api/obligations")
    assert blocked.status_code == 403
    assert blocked.headers["content-type"].startswith("application/problem+json")
    assert blocked.json()["code"] == "password_change_required"
    assert (await client.get("/api/auth/me")).json()["must_change_password"] is True

    headers = await csrf(client)
    weak = await client.post(
        "/api/auth/password",
        json={"current_password": "initial passphrase 1", "new_password": "123456789012"},
        headers=headers,
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["key"] == "new_password"
    wrong = await client.post(
        "/api/auth/password", json={"current_password": "not it at all!", "new_password": NEW_PASSWORD}, headers=headers
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["key"] == "current_password"
    changed = await client.post(
        "/api/auth/password",
        json={"current_password": "initial passphrase 1", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/obligations")).status_code == 200  # the same session goes on
    assert await AuditLog.filter(action="user.password_change").exists()
    client.cookies.clear()
    assert (await api_login(client, "clerk", "initial passphrase 1")).status_code == 401
    assert (await api_login(client, "clerk", NEW_PASSWORD)).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "12345678"}, "password"),
        ({"password": "password1234"}, "password"),
        ({"username": "has space"}, "username"),
        ({"username": "x" * 65}, "username"),
        ({"role": "emperor"}, "role"),
        ({"organisation_id": 2**31}, "organisation_id"),
        ({"display_name": "nul\x00byte"}, "display_name"),
    ],
)
async def test_admin_create_user_refuses_bad_input_naming_the_field(
    client: Any, city: City, change: dict[str, Any], field: str
) -> None:
    body = {"username": "clerk", "password": "initial passphrase 1", "role": "department"}
    body |= {"organisation_id": city.orgs["ndrc"]} | change
    response = await client.post("/api/admin/users", json=body, headers=city.auth("admin"))
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text


async def test_admin_endpoints_are_for_admins_only(client: Any, city: City) -> None:
    for who in ("investment", "finance", "department", "evaluator"):
        assert (await client.get("/api/admin/users", headers=city.auth(who))).status_code == 403
        assert (await client.get("/api/admin/tokens", headers=city.auth(who))).status_code == 403
    users = (await client.get("/api/admin/users", headers=city.auth("admin"))).json()
    assert {u["username"] for u in users} >= {"admin", "evaluator"}
    assert "password_hash" not in users[0]


async def test_disabling_a_user_ends_sessions_and_tokens(client: Any, city: City) -> None:
    from app.models import AuditLog

    assert (await api_login(client, "finance")).status_code == 200
    assert (await client.get("/api/auth/me")).status_code == 200
    url = f"/api/admin/users/{city.users['finance']}/disable"
    disabled = await as_program(client, "POST", url, city.auth("admin"))
    assert disabled.status_code == 200
    assert disabled.json()["is_active"] is False
    assert (await client.get("/api/auth/me")).status_code == 401  # the session is gone
    assert (await client.get("/api/auth/me", headers=city.auth("finance"))).status_code == 401  # the token too
    client.cookies.clear()
    assert (await api_login(client, "finance")).status_code == 401
    assert await AuditLog.filter(action="user.disable", entity_id=city.users["finance"]).exists()
    enabled = await client.post(f"/api/admin/users/{city.users['finance']}/enable", headers=city.auth("admin"))
    assert enabled.json()["is_active"] is True
    assert (await client.get("/api/auth/me", headers=city.auth("finance"))).status_code == 200


async def test_the_last_admin_cannot_be_disabled(client: Any, city: City) -> None:
    own = await client.post(f"/api/admin/users/{city.users['admin']}/disable", headers=city.auth("admin"))
    assert own.status_code == 409
    from app.services.users import set_active

    with pytest.raises(Exception, match="last active administrator"):
        await set_active(None, "admin", False)


async def test_admin_reset_forces_a_change_and_ends_sessions(client: Any, city: City) -> None:
    assert (await api_login(client, "investment")).status_code == 200
    url = f"/api/admin/users/{city.users['investment']}/password"
    reset = await as_program(client, "POST", url, city.auth("admin"), json={"password": "temporary passphrase"})
    assert reset.status_code == 200, reset.text
    assert reset.json()["must_change_password"] is True
    assert (await client.get("/api/auth/me")).status_code == 401
    weak = await as_program(client, "POST", url, city.auth("admin"), json={"password": "qwerty123456"})
    assert weak.status_code == 422
    assert (await api_login(client, "investment", "temporary passphrase")).status_code == 200
    assert (await client.get("/api/documents")).json()["code"] == "password_change_required"


async def test_pages_send_a_forced_user_to_the_password_page(client: Any, city: City) -> None:
    from app.models import User

    await User.filter(username="department").update(must_change_password=True)
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    login = await client.post(
        "/login", data={"username": "department", "password": PASSWORD, "_csrf_token": token, "next_path": "/my"}
    )
    assert login.status_code in (302, 303)
    assert login.headers["location"].startswith("/password?next_path=%2Fmy")
    redirected = await client.get("/my")
    assert redirected.status_code in (302, 303)
    assert redirected.headers["location"].startswith("/password")
    form = await client.get("/password")
    assert form.status_code == 200
    assert 'id="password-forced"' in form.text
    data = {"_csrf_token": token, "current_password": PASSWORD, "next_path": "/my"}
    mismatch = await client.post("/password", data=data | {"new_password": NEW_PASSWORD, "confirm_password": "x"})
    assert mismatch.status_code == 422
    done = await client.post("/password", data=data | {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code in (302, 303)
    assert done.headers["location"] == "/my"
    assert (await client.get("/my")).status_code == 200


async def test_admin_pages_list_create_disable_and_revoke(client: Any, city: City) -> None:
    from app.models import ApiToken, User

    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    await client.post("/login", data={"username": "admin", "password": PASSWORD, "_csrf_token": token})
    users = await client.get("/admin/users")
    assert users.status_code == 200
    assert "evaluator" in users.text
    form = {
        "_csrf_token": token,
        "username": "newclerk",
        "role": "department",
        "organisation_id": str(city.orgs["ndrc"]),
        "password": "short",
    }
    refused = await client.post("/admin/users", data=form)
    assert refused.status_code == 422
    assert "12" in refused.text
    created = await client.post("/admin/users", data=form | {"password": "initial passphrase 1"})
    assert created.status_code in (302, 303)
    clerk = await User.get(username="newclerk")
    assert clerk.must_change_password
    await client.post(f"/admin/users/{clerk.id}/disable", data={"_csrf_token": token})
    assert not (await User.get(id=clerk.id)).is_active
    tokens = await client.get("/admin/tokens")
    assert tokens.status_code == 200
    victim = await ApiToken.get(user_id=city.users["finance"])
    assert f'data-token="{victim.id}"' in tokens.text
    await client.post(f"/admin/tokens/{victim.id}/revoke", data={"_csrf_token": token})
    assert (await ApiToken.get(id=victim.id)).revoked_at is not None
    assert (await client.get("/api/auth/me", headers=city.auth("finance"))).status_code == 401
    for who in ("investment", "evaluator"):
        assert (await client.get("/admin/users", headers=city.auth(who))).status_code == 403


# ---- sessions --------------------------------------------------------------------------------------------


async def test_logout_works_for_every_role(client: Any, city: City) -> None:
    for who in ("admin", "investment", "finance", "department", "evaluator"):
        client.cookies.clear()
        assert (await api_login(client, who)).status_code == 200
        assert (await client.get("/api/auth/me")).status_code == 200
        out = await client.post("/api/auth/logout", headers=await csrf(client))
        assert out.status_code == 200, (who, out.text)
        assert (await client.get("/api/auth/me")).status_code == 401, who


async def test_evaluator_session_stays_read_only_but_may_mint_read_only_tokens(client: Any, city: City) -> None:
    assert (await api_login(client, "evaluator")).status_code == 200
    headers = await csrf(client)
    sweep = await client.post("/api/sweep", json={"as_of": "2026-01-01"}, headers=headers)
    assert sweep.status_code == 403
    minted = await client.post("/api/auth/tokens", json={"name": "stats", "read_only": False}, headers=headers)
    assert minted.status_code == 201, minted.text
    assert minted.json()["read_only"] is True


HTTPS_CASES = pytest.mark.parametrize(
    ("base_url", "trust", "forwarded", "secure"),
    [
        ("http://testserver", False, None, False),
        ("https://testserver", False, None, True),
        ("http://testserver", True, "https", True),
        ("http://testserver", False, "https", False),  # an untrusted header is ignored
        ("http://testserver", True, "http", False),
    ],
)


@HTTPS_CASES
async def test_session_cookie_is_secure_over_https(
    app_with: Any, city: City, base_url: str, trust: bool, forwarded: str | None, secure: bool
) -> None:
    http = await app_with(base_url=base_url, trust_proxy_headers=trust)
    headers = {"x-forwarded-proto": forwarded} if forwarded else {}
    response = await http.post("/api/auth/login", json={"username": "admin", "password": PASSWORD}, headers=headers)
    assert response.status_code == 200
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("chengxin_session="))
    assert ("secure" in cookie.lower().split("; ")) is secure, cookie
    assert "httponly" in cookie.lower()


@HTTPS_CASES
async def test_csrf_cookie_is_secure_over_https(
    app_with: Any, city: City, base_url: str, trust: bool, forwarded: str | None, secure: bool
) -> None:
    http = await app_with(base_url=base_url, trust_proxy_headers=trust)
    headers = {"x-forwarded-proto": forwarded} if forwarded else {}
    response = await http.get("/login", headers=headers)
    assert response.status_code == 200
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{CSRF_COOKIE}=")]
    assert len(cookies) == 1, response.headers.get_list("set-cookie")
    assert ("secure" in cookies[0].lower().split("; ")) is secure, cookies[0]


@pytest.mark.parametrize(
    ("headers", "content", "allowed"),
    [
        ({"content-type": "application/json"}, None, True),
        ({"content-type": "application/json", "origin": "http://testserver"}, None, True),
        ({"content-type": "text/plain"}, None, False),  # what a cross-site <form enctype="text/plain"> sends
        ({"content-type": "application/x-www-form-urlencoded"}, None, False),
        ({"content-type": "application/json", "origin": "https://evil.example"}, None, False),
        ({"content-type": "application/json", "origin": "null"}, None, False),
        ({"content-type": "application/json", "sec-fetch-site": "cross-site"}, None, False),
    ],
)
async def test_login_csrf_is_refused(
    client: Any, city: City, headers: dict[str, str], content: str | None, allowed: bool
) -> None:
    body = json.dumps({"username": "admin", "password": PASSWORD})
    response = await client.post("/api/auth/login", content=content or body, headers=headers)
    if allowed:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "login_csrf"
        assert "chengxin_session" not in response.headers.get("set-cookie", "")


# ---- tokens ----------------------------------------------------------------------------------------------


async def test_only_admins_mint_read_write_tokens(client: Any, city: City) -> None:
    assert (await api_login(client, "investment")).status_code == 200
    headers = await csrf(client)
    refused = await client.post("/api/auth/tokens", json={"name": "rw", "read_only": False}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_write_token_admin_only"
    ok = await client.post("/api/auth/tokens", json={"name": "ro"}, headers=headers)
    assert ok.status_code == 201
    nul = await client.post("/api/auth/tokens", json={"name": "a\x00b"}, headers=headers)
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["key"] == "name"
    client.cookies.clear()
    assert (await api_login(client, "admin")).status_code == 200
    rw = await client.post("/api/auth/tokens", json={"name": "rw", "read_only": False}, headers=await csrf(client))
    assert rw.status_code == 201
    assert rw.json()["read_only"] is False
    client.cookies.clear()
    # a token cannot mint another one (not even an admin's read-write token)
    minted = await client.post("/api/auth/tokens", json={"name": "x"}, headers=city.auth("admin"))
    assert minted.status_code == 403


async def test_tokens_expire_by_default_and_on_request(app_with: Any, city: City) -> None:
    from app.models import ApiToken, AuditLog

    http = await app_with(token_days=30)
    login = await http.post("/api/auth/login", json={"username": "finance", "password": PASSWORD})
    assert login.status_code == 200
    await http.get("/api/auth/me")
    headers = {"x-csrf-token": http.cookies.get("chengxin_csrf")}
    default = (await http.post("/api/auth/tokens", json={"name": "default"}, headers=headers)).json()
    short = (await http.post("/api/auth/tokens", json={"name": "short", "days": 2}, headers=headers)).json()
    now = datetime.now(UTC)
    assert abs(datetime.fromisoformat(default["expires_at"]) - (now + timedelta(days=30))) < timedelta(minutes=1)
    assert abs(datetime.fromisoformat(short["expires_at"]) - (now + timedelta(days=2))) < timedelta(minutes=1)
    assert await AuditLog.filter(action="token.create", entity_id=default["id"]).exists()
    bearer = {"Authorization": f"Bearer {short['token']}"}
    http.cookies.clear()
    assert (await http.get("/api/auth/me", headers=bearer)).status_code == 200
    await ApiToken.filter(id=short["id"]).update(expires_at=now - timedelta(seconds=1))
    assert (await http.get("/api/auth/me", headers=bearer)).status_code == 401
    # a token made before expiry existed lives the default lifetime from its creation
    await ApiToken.filter(id=default["id"]).update(expires_at=None, created_at=now - timedelta(days=91))
    assert (await http.get("/api/auth/me", headers={"Authorization": f"Bearer {default['token']}"})).status_code == 401


async def test_tokens_are_listed_and_revoked_by_their_owner_and_by_admins(client: Any, city: City) -> None:
    from app.models import AuditLog

    assert (await api_login(client, "department")).status_code == 200
    headers = await csrf(client)
    made = (await client.post("/api/auth/tokens", json={"name": "script"}, headers=headers)).json()
    bearer = {"Authorization": f"Bearer {made['token']}"}
    mine = (await client.get("/api/auth/tokens")).json()
    assert {t["name"] for t in mine} == {"test", "script"}
    assert all("token" not in t for t in mine)  # the value is shown once, at creation
    # someone else's token is not found through the own-token endpoint
    every = (await as_program(client, "GET", "/api/admin/tokens", city.auth("admin"))).json()
    admin_token_id = next(t["id"] for t in every if t["username"] == "admin")
    assert (await client.delete(f"/api/auth/tokens/{admin_token_id}", headers=headers)).status_code == 404
    revoked = await client.delete(f"/api/auth/tokens/{made['id']}", headers=headers)
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False
    assert (await client.get("/api/auth/me", headers=bearer)).status_code == 401
    assert await AuditLog.filter(action="token.revoke", entity_id=made["id"]).exists()
    client.cookies.clear()
    listed = await client.get(f"/api/admin/tokens?user_id={city.users['department']}", headers=city.auth("admin"))
    assert {t["name"]: t["active"] for t in listed.json()} == {"test": True, "script": False}
    dept_token = next(t["id"] for t in listed.json() if t["name"] == "test")
    assert (await client.delete(f"/api/admin/tokens/{dept_token}", headers=city.auth("admin"))).status_code == 200
    assert (await client.get("/api/auth/me", headers=city.auth("department"))).status_code == 401
    assert (await client.delete("/api/admin/tokens/999999", headers=city.auth("admin"))).status_code == 404


async def test_an_expired_session_or_a_disabled_account_is_anonymous(client: Any, city: City) -> None:
    from app.models import User, UserSession

    assert (await api_login(client, "investment")).status_code == 200
    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["role"] == "investment"
    assert me.json()["scope"] == f"/{city.orgs['city']}/"  # a bureau sees its government's subtree
    user = await User.get(username="investment")
    await UserSession.filter(user_id=user.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await client.get("/api/auth/me")).status_code == 401
    client.cookies.clear()
    bearer = city.auth("investment")
    assert (await client.get("/api/auth/me", headers=bearer)).status_code == 200
    await User.filter(id=user.id).update(is_active=False)
    assert (await client.get("/api/auth/me", headers=bearer)).status_code == 401
    assert (await client.get("/api/auth/me", headers={"Authorization": "Bearer not-a-token"})).status_code == 401

"""Every route, every role: allowed or denied as the route declares, never a server error; and each role
sees only what its organisation scope covers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.models import Role
from app.security import PUBLIC
from tests.conftest import City, wait_for_jobs
from tests.pdfs import agreement_pdf

ROLES = ["admin", "investment", "finance", "department", "evaluator", None]  # None = anonymous
WRITE = {"POST", "PUT", "PATCH", "DELETE"}
SKIP_PREFIXES = ("/schema", "/static")


def routes(app: Any) -> list[tuple[str, str, Any]]:
    out = []
    for route in app.routes:
        if route.path.startswith(SKIP_PREFIXES):
            continue
        for method, handler in getattr(route, "route_handler_map", {}).items():
            if method in ("OPTIONS", "HEAD"):
                continue
            out.append((route.path, method, handler[0] if isinstance(handler, tuple) else handler))
    return out


def concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+):int\}", lambda m: str(ids.get(m.group(1), 1)), path)


async def fixture_ids(client: Any, city: City) -> dict[str, int]:
    response = await client.post(
        "/api/documents",
        files={"file": ("a.pdf", agreement_pdf(), "application/pdf")},
        data={"signed_on": "2025-03-01"},
        headers=city.auth("investment"),
    )
    await wait_for_jobs(client)
    doc_id = response.json()["id"]
    obligations = (await client.get(f"/api/obligations?document_id={doc_id}", headers=city.auth("admin"))).json()
    first = obligations["items"][0]
    spare = await _spare_account(city)
    return {"document_id": doc_id, "obligation_id": first["id"], "agreement_id": first["agreement_id"], **spare}


async def _spare_account(city: City) -> dict[str, int]:
    """A user and a token the admin endpoints may disable and revoke without locking the matrix out."""
    from app.models import ApiToken, Role
    from app.security import new_api_token
    from app.services.users import add_user
    from tests.conftest import PASSWORD

    spare = await add_user("spare", PASSWORD, Role.DEPARTMENT, city.orgs["ndrc"])
    raw = await new_api_token(spare, "spare", read_only=True)
    token = await ApiToken.get(user_id=spare.id)
    assert raw
    return {"user_id": spare.id, "token_id": token.id}


def handler_roles(handler: Any) -> Any:
    return handler.opt.get("roles")  # merged from app, router, controller and handler


def test_every_route_declares_its_roles(db: Any) -> None:
    from app.asgi import create_app

    app = create_app(db, init_db=False)
    undeclared = [(p, m) for p, m, h in routes(app) if handler_roles(h) is None]
    assert undeclared == []


async def test_role_matrix(client: Any, city: City) -> None:
    ids = await fixture_ids(client, city)
    matrix: dict[tuple[str, str], dict[str, int]] = {}
    for path, method, handler in routes(client.app):
        allowed = handler_roles(handler)
        url = concrete(path, ids)
        for who in ROLES:
            headers = city.auth(who) if who else {}
            response = await client.request(method, url, headers=headers, json={} if method in WRITE else None)
            status = response.status_code
            matrix[(method, path)] = {**matrix.get((method, path), {}), str(who): status}
            assert status < 500, (method, path, who, response.text)
            if allowed == PUBLIC:  # only logins and feeds that check their own token answer 401 there
                csrf_stop = who is None and method in WRITE and not handler.opt.get("exclude_from_csrf")
                assert status != 403 or csrf_stop, (method, path, who, status)
                checks_itself = path.endswith("login") or handler.opt.get("authenticates_itself")
                assert status != 401 or checks_itself, (method, path, who, status)
                continue
            permitted = who is not None and Role(who) in allowed
            if who == "evaluator" and method in WRITE and permitted:
                assert status == 403, (method, path, who, status)  # evaluators are read-only everywhere
            elif who == "evaluator" and handler.opt.get("file_grant"):
                assert status == 403, (method, path, who, status)  # original files need a grant
            elif permitted:
                assert status not in (401, 403), (method, path, who, status, response.text)
            elif who is None:  # writes without a session are stopped by the CSRF check (403) before the guard
                expected = (401, 403) if method in WRITE else (401,)
                if not path.startswith("/api/"):  # pages send a visitor to the login page instead
                    expected = (*expected, 302, 303)
                assert status in expected, (method, path, status)
            else:
                assert status == 403, (method, path, who, status, response.text)
    assert len(matrix) >= 20


async def test_evaluators_download_files_only_when_granted(client: Any, city: City) -> None:
    """An evaluator sees a document's record, text and obligations, but its file only after an admin grants
    it to the evaluator's organisation or to the evaluator; revoking takes it away again."""
    from app.models import AuditLog, OrgKind, Role
    from app.security import new_api_token
    from app.services.organisations import create_organisation
    from app.services.users import add_user
    from tests.conftest import PASSWORD

    ids = await fixture_ids(client, city)
    doc, admin, evaluator = ids["document_id"], city.auth("admin"), city.auth("evaluator")
    file_url = f"/api/documents/{doc}/file"
    other_org = await create_organisation("第三方评估公司", OrgKind.DEPARTMENT, city.orgs["city"])
    other = await add_user("evaluator2", PASSWORD, Role.EVALUATOR, other_org.id)

    other_auth = {"Authorization": f"Bearer {await new_api_token(other, 'test', read_only=True)}"}

    denied = await client.get(file_url, headers=evaluator)
    assert denied.status_code == 403
    assert denied.headers["content-type"].startswith("application/problem+json")
    for allowed in (f"/api/documents/{doc}", f"/api/documents/{doc}/text", f"/api/obligations?document_id={doc}"):
        assert (await client.get(allowed, headers=evaluator)).status_code == 200, allowed
    assert (await client.get(file_url, headers=city.auth("investment"))).status_code == 200
    assert (
        await client.post("/api/file-grants", json={"user_id": city.users["evaluator"]}, headers=evaluator)
    ).status_code == 403

    by_org = await client.post("/api/file-grants", json={"organisation_id": city.orgs["eval"]}, headers=admin)
    assert by_org.status_code == 201, by_org.text
    granted = await client.get(file_url, headers=evaluator)
    assert granted.status_code == 200
    assert granted.content.startswith(b"%PDF")
    assert (await client.get(file_url, headers=other_auth)).status_code == 403  # another organisation
    assert (await client.delete(f"/api/file-grants/{by_org.json()['id']}", headers=admin)).status_code == 204
    assert (await client.get(file_url, headers=evaluator)).status_code == 403

    by_user = await client.post("/api/file-grants", json={"user_id": other.id}, headers=admin)
    assert by_user.status_code == 201
    assert (await client.get(file_url, headers=other_auth)).status_code == 200
    assert (await client.get(file_url, headers=evaluator)).status_code == 403
    listed = (await client.get("/api/file-grants", headers=admin)).json()
    assert [(g["organisation_id"], g["user_id"]) for g in listed] == [(None, other.id)]

    for bad in ({}, {"organisation_id": city.orgs["eval"], "user_id": other.id}, {"user_id": 2**40}):
        response = await client.post("/api/file-grants", json=bad, headers=admin)
        assert response.status_code in (400, 422), (bad, response.text)
    assert (await client.post("/api/file-grants", json={"user_id": other.id}, headers=admin)).status_code == 409
    actions = await AuditLog.filter(entity="file_grant").order_by("id").values_list("action", flat=True)
    assert actions == ["file_grant.create", "file_grant.delete", "file_grant.create"]


@pytest.mark.parametrize("who", ["department", "district_department"])
async def test_department_sees_only_its_own_obligations(client: Any, city: City, who: str) -> None:
    from app.models import Obligation

    ids = await fixture_ids(client, city)
    # hand one obligation to the city development-reform bureau, another to the district's
    await Obligation.filter(id=ids["obligation_id"]).update(owner_id=city.orgs["ndrc"])
    other = await Obligation.filter(document_id=ids["document_id"]).exclude(id=ids["obligation_id"]).first()
    assert other is not None
    await Obligation.filter(id=other.id).update(owner_id=city.orgs["district_ndrc"])
    mine = ids["obligation_id"] if who == "department" else other.id
    theirs = other.id if who == "department" else ids["obligation_id"]
    listing = (await client.get("/api/obligations", headers=city.auth(who))).json()
    assert [o["id"] for o in listing["items"]] == [mine]
    assert (await client.get(f"/api/obligations/{mine}", headers=city.auth(who))).status_code == 200
    assert (await client.get(f"/api/obligations/{theirs}", headers=city.auth(who))).status_code == 404
    # … its obligations and their clauses, never the whole document (issue 10)
    assert (await client.get(f"/api/documents/{ids['document_id']}", headers=city.auth(who))).status_code == 404
    # the city-wide bureaus see both
    both = (await client.get("/api/obligations", headers=city.auth("investment"))).json()["total"]
    assert both >= 2


async def test_cookie_session_needs_csrf_for_writes(client: Any, city: City) -> None:
    from tests.conftest import PASSWORD

    login = await client.post("/api/auth/login", json={"username": "investment", "password": PASSWORD})
    assert login.status_code == 200
    csrf_header = login.json()["csrf_token"]
    assert csrf_header
    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["role"] == "investment"
    csrf_cookie = client.cookies.get("chengxin_csrf")
    assert csrf_cookie  # set by the first safe request
    body = {"name": "script", "read_only": True}
    assert (await client.post("/api/auth/tokens", json=body)).status_code == 403
    ok = await client.post("/api/auth/tokens", json=body, headers={"x-csrf-token": csrf_cookie})
    assert ok.status_code == 201
    assert ok.json()["read_only"] is True


async def test_login_is_rate_limited(client: Any, city: City) -> None:
    for _ in range(5):
        wrong = await client.post("/api/auth/login", json={"username": "finance", "password": "wrong password"})
        assert wrong.status_code == 401
    blocked = await client.post("/api/auth/login", json={"username": "finance", "password": "wrong password"})
    assert blocked.status_code == 429
    assert blocked.headers["content-type"].startswith("application/problem+json")


async def test_read_only_token_cannot_write(client: Any, city: City) -> None:
    from app.models import User
    from app.security import new_api_token

    token = await new_api_token(await User.get(username="admin"), "ro", read_only=True)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/documents", headers=headers)).status_code == 200
    assert (await client.post("/api/sweep", json={"as_of": "2026-01-01"}, headers=headers)).status_code == 403
    bad = {"Authorization": "Bearer cx_not-a-token"}
    assert (await client.get("/api/documents", headers=bad)).status_code == 401


async def test_openapi_document_covers_every_api_route(client: Any) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    api_routes = {re.sub(r":\w+\}", "}", p) for p, _, _ in routes(client.app) if p.startswith("/api/")}
    assert api_routes <= paths, api_routes - paths

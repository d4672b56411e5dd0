"""Every tracking endpoint with every role: the role guard lets exactly the declared roles through (an
unknown id then answers 404 or a bad body 422 — never 403 or 500)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import City

ALL = {"admin", "investment", "finance", "department", "district_department", "evaluator"}
REVIEWERS = {"admin", "investment", "finance"}
BODY = {"admin", "investment", "finance", "department", "district_department"}
ADMIN = {"admin"}
RATERS = {"admin", "investment", "finance", "evaluator"}

MISSING = 999_999
ROUTES: list[tuple[str, str, dict[str, Any] | None, set[str]]] = [
    ("POST", f"/api/obligations/{MISSING}/waive", {"reason": "r"}, REVIEWERS),
    ("POST", f"/api/obligations/{MISSING}/reopen", {"reason": "r"}, REVIEWERS),
    ("POST", f"/api/obligations/{MISSING}/suspend", {"ground": "force_majeure"}, REVIEWERS),
    ("POST", f"/api/obligations/{MISSING}/resume", {}, REVIEWERS),
    ("POST", f"/api/obligations/{MISSING}/amend", {"supplement": "补充协议"}, REVIEWERS),
    ("GET", "/api/warnings", None, ALL),
    ("GET", f"/api/failures/{MISSING}", None, ALL),
    (
        "POST",
        "/api/failures",
        {"organisation_id": MISSING, "source": "court", "clause": "c", "due_date": "2024-01-01"},
        ADMIN,
    ),
    ("POST", f"/api/failures/{MISSING}/verify", {}, ADMIN),
    ("POST", f"/api/failures/{MISSING}/dismiss", {"note": "n"}, ADMIN),
    ("POST", f"/api/failures/{MISSING}/rectification-order", {"plan": "p", "deadline": "2099-01-01"}, ADMIN),
    ("POST", f"/api/failures/{MISSING}/find", {}, ADMIN),
    ("POST", f"/api/failures/{MISSING}/objection/uphold", {}, ADMIN),
    ("POST", f"/api/failures/{MISSING}/objection/reject", {}, ADMIN),
    ("POST", f"/api/failures/{MISSING}/repair", {}, ADMIN),
    ("POST", f"/api/failures/{MISSING}/rectify", {}, BODY),
    ("POST", f"/api/failures/{MISSING}/refuse", {}, BODY),
    ("POST", f"/api/failures/{MISSING}/objection", {"reason": "procedure"}, BODY),
    ("GET", "/api/ppp/projects", None, ALL),
    ("GET", f"/api/ppp/projects/{MISSING}", None, ALL),
    ("POST", "/api/ppp/projects", {"name": "n", "district_id": MISSING, "payment_mechanism": "user_pay"}, REVIEWERS),
    ("POST", f"/api/ppp/projects/{MISSING}/phase", {"phase": "execution"}, REVIEWERS),
    ("PUT", f"/api/ppp/projects/{MISSING}/milestones/handover", {}, REVIEWERS),
    (
        "PUT",
        f"/api/ppp/projects/{MISSING}/payments",
        {"year": 2025, "kind": "availability", "amount_planned": "1"},
        REVIEWERS,
    ),
    ("PUT", f"/api/ppp/budgets/{MISSING}/2025", {"general_expenditure": "1"}, {"admin", "finance"}),
    ("GET", "/api/ppp/budgets", None, ALL),
    ("GET", f"/api/ppp/affordability?district={MISSING}&year=2025", None, ALL),
    ("GET", "/api/ratings", None, RATERS),
    ("GET", f"/api/ratings/{MISSING}/snapshots", None, RATERS),
]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
async def test_role_matrix(client: Any, city: City, method: str, path: str, body: Any, allowed: set[str]) -> None:
    for who in sorted(ALL):
        response = await client.request(method, path, json=body, headers=city.auth(who))
        if who in allowed:
            assert response.status_code not in (401, 403, 500), (who, response.text)
        else:
            assert response.status_code == 403, (who, response.status_code, response.text)
    anonymous = await client.request(method, path, json=body)
    assert anonymous.status_code == (401 if method == "GET" else 403)  # CSRF refuses cookie-less writes first


async def test_evidence_upload_roles(client: Any, city: City) -> None:
    url = f"/api/obligations/{MISSING}/evidence"
    for who in sorted(ALL):
        response = await client.post(
            url, files={"file": ("a.pdf", b"x")}, data={"fulfilled_on": "2024-01-01"}, headers=city.auth(who)
        )
        assert response.status_code == (403 if who == "evaluator" else 404), who


def test_every_route_declares_its_roles() -> None:
    from app.asgi import create_app
    from app.settings import Settings

    app = create_app(Settings(database_url="sqlite://:memory:", secret_key="x"), init_db=False)
    undeclared = [
        (route.path, handler.handler_name)
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.opt.get("roles") is None
        and handler.handler_name != "options_handler"  # Litestar's automatic CORS preflight
        and not route.path.startswith("/schema")
    ]
    assert undeclared == []

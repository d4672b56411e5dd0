"""The pages over HTTP (no browser): escaping of hostile text, CSRF on forms, roles, CSP, publication window,
the CSV download and the language switch."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from app import clock
from tests.conftest import PASSWORD, City, wait_for_jobs
from tests.integration.test_failure_desk import flash_form
from tests.pdfs import agreement_pdf

HOSTILE = "第六条 甲方应当在2026年10月31日前向乙方支付奖励资金100万元<script>alert(1)</script>。"


async def extracted(client: Any, city: City, extra: str = HOSTILE) -> int:
    response = await client.post(
        "/api/documents",
        files={"file": ("协议.pdf", agreement_pdf(extra), "application/pdf")},
        headers=city.auth("investment"),
    )
    assert response.status_code == 202, response.text
    await wait_for_jobs(client)
    return int(response.json()["id"])


async def form_login(client: Any, who: str) -> str:
    """Log in through the form like a browser; returns the CSRF token for later forms."""
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = await client.post(
        "/login", data={"username": who, "password": PASSWORD, "_csrf_token": token, "next_path": "/"}
    )
    assert response.status_code in (301, 302, 303), response.text
    return str(token)


async def test_review_page_escapes_document_text_and_highlights_the_clause(client: Any, city: City) -> None:
    doc = await extracted(client, city)
    page = await client.get(f"/documents/{doc}/review", headers=city.auth("investment"))
    assert page.status_code == 200
    html = page.text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    marks = re.findall(r"<mark>(.*?)</mark>", html, re.S)
    assert any("300万元" in m for m in marks)
    assert "第1页" in html
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


async def test_bulk_review_form_needs_csrf_then_confirms(client: Any, city: City) -> None:
    doc = await extracted(client, city)
    token = await form_login(client, "investment")
    ids = [o["id"] for o in (await client.get(f"/api/obligations?document_id={doc}")).json()["items"]]
    form = {f"sel_{i}": "1" for i in ids} | {"action": "confirm"}
    refused = await client.post(f"/documents/{doc}/review", data=form)
    assert refused.status_code == 403
    done = await client.post(f"/documents/{doc}/review", data=form | {"_csrf_token": token})
    assert done.status_code in (302, 303), done.text
    states = {o["review_status"] for o in (await client.get(f"/api/obligations?document_id={doc}")).json()["items"]}
    assert states == {"confirmed"}


async def test_review_refuses_an_owner_outside_the_scope(client: Any, city: City) -> None:
    from app.models import Organisation, OrgKind

    other_city = await Organisation.create(name="广州市", kind=OrgKind.CITY, path="/")
    other_city.path = f"/{other_city.id}/"
    await other_city.save()
    doc = await extracted(client, city)
    token = await form_login(client, "investment")
    first = (await client.get(f"/api/obligations?document_id={doc}")).json()["items"][0]
    form = {
        "_csrf_token": token,
        "action": "save",
        f"obligor_{first['id']}": "x",
        f"owner_{first['id']}": str(other_city.id),
    }
    response = await client.post(f"/documents/{doc}/review", data=form)
    assert response.status_code == 422
    assert "该单位不在您的管辖范围内。" in response.text  # beside the field's name, in Chinese
    assert "outside your scope" not in response.text
    assert response.headers["content-type"].startswith("text/html")


async def test_pages_by_role_and_login_redirect(client: Any, city: City) -> None:
    anonymous = await client.get("/evaluate")
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"] == "/login?next_path=%2Fevaluate"
    allowed = {
        "investment": ["/documents", "/agreements", "/search?q=x", "/calendar"],
        "finance": ["/finance", "/documents", "/agreements"],
        "department": ["/my", "/agreements", "/calendar"],
        "evaluator": ["/evaluate", "/evaluate.csv", "/search", "/calendar"],
        "admin": ["/sweep", "/my", "/finance", "/evaluate", "/documents"],
    }
    denied = {
        "investment": ["/evaluate", "/finance", "/sweep", "/my"],
        "finance": ["/evaluate", "/my", "/sweep"],
        "department": ["/documents", "/evaluate", "/finance", "/sweep"],
        "evaluator": ["/documents", "/agreements", "/my", "/finance", "/sweep"],
    }
    for who, paths in allowed.items():
        for path in paths:
            response = await client.get(path, headers=city.auth(who))
            assert response.status_code == 200, (who, path, response.text[:500])
    for who, paths in denied.items():
        for path in paths:
            response = await client.get(path, headers=city.auth(who))
            assert response.status_code == 403, (who, path)
            assert response.headers["content-type"].startswith("text/html")


async def test_public_page_shows_only_records_inside_their_window(client: Any, city: City) -> None:
    from app.models import IntegrityFailure

    doc = await extracted(client, city)
    ids = [
        o["id"]
        for o in (await client.get(f"/api/obligations?document_id={doc}", headers=city.auth("admin"))).json()["items"]
    ]
    review = await client.post(
        "/api/obligations/review", json={"ids": ids, "decision": "confirmed"}, headers=city.auth("admin")
    )
    assert review.status_code == 200
    today = clock.today()
    sweep = await client.post("/api/sweep", json={"as_of": today.isoformat()}, headers=city.auth("admin"))
    assert sweep.json()["government_failures"] == 2
    published, expired = await IntegrityFailure.filter(kind="government_breach").order_by("id")
    published.published_from, published.published_until = today - timedelta(days=1), today + timedelta(days=90)
    expired.published_from, expired.published_until = today - timedelta(days=100), today
    await published.save()
    await expired.save()
    page = (await client.get("/public")).text
    assert published.clause[:10] in page
    assert expired.clause[:10] not in page
    assert "&lt;script&gt;" in page or "<script>alert" not in page
    assert "南海区" in page  # the body that owed (甲方 佛山市南海区人民政府), no personal data
    assert "investment" not in page  # no user names
    miss = (await client.get("/public", params={"q": "不存在的单位"})).text
    assert "暂无公示记录" in miss


async def test_evaluation_csv_and_language_switch(client: Any, city: City) -> None:
    csv_response = await client.get("/evaluate.csv", headers=city.auth("evaluator"))
    assert csv_response.headers["content-type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("排名,单位,到期义务")
    # services.stats.ranking lists only organisations with duties or records in the period: none here
    assert len(text.splitlines()) == 1
    trend = (await client.get("/evaluate.csv", params={"table": "trend"}, headers=city.auth("evaluator"))).text
    assert trend.lstrip("\ufeff").startswith("月份,已违约")
    upcoming = await client.get("/evaluate.csv", params={"table": "upcoming"}, headers=city.auth("evaluator"))
    assert upcoming.headers["content-disposition"].endswith("chengxin-upcoming.csv")
    switch = await client.get("/lang/en", params={"next_path": "//evil.example/x"})
    assert switch.headers["location"] == "/"
    assert "lang=en" in switch.headers["set-cookie"]
    english = await client.get("/evaluate.csv", headers=city.auth("evaluator"))
    assert english.content.decode("utf-8-sig").startswith("Rank,Organisation")


async def test_login_form_says_why_it_failed_and_rate_limits(client: Any, city: City) -> None:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    statuses = []
    for _ in range(12):
        response = await client.post("/login", data={"username": "admin", "password": "wrong", "_csrf_token": token})
        statuses.append(response.status_code)
    assert statuses[0] == 401
    assert (
        "用户名或密码错误"
        in (await client.post("/login", data={"username": "x", "password": "y", "_csrf_token": token})).text
    )
    assert statuses[-1] == 429
    blocked = await client.post("/login", data={"username": "admin", "password": PASSWORD, "_csrf_token": token})
    assert "登录失败次数过多" in blocked.text


async def test_evidence_attachment_is_scoped_and_downloaded(client: Any, city: City) -> None:
    doc = await extracted(client, city)
    token = await form_login(client, "investment")
    items = (await client.get(f"/api/obligations?document_id={doc}")).json()["items"]
    production = next(o for o in items if "建成投产" in o["quote"])
    form = {f"sel_{o['id']}": "1" for o in items} | {"action": "confirm", "_csrf_token": token}
    assert (await client.post(f"/documents/{doc}/review", data=form)).status_code in (302, 303)
    response = await client.post(
        f"/obligations/{production['id']}/fulfilment",
        data={"_csrf_token": token, "fulfilled_on": "2026-06-20", "note": "已投产"},
        files={"file": ("<报告>.html", b"<script>alert(1)</script>", "text/html")},
    )
    assert response.status_code in (302, 303), response.text
    from app.models import FulfilmentEvidence

    evidence = await FulfilmentEvidence.get(obligation_id=production["id"])
    mine = await client.get(f"/evidence/{evidence.id}/file")
    assert mine.content == b"<script>alert(1)</script>"
    assert mine.headers["content-type"] == "application/octet-stream"
    assert mine.headers["content-disposition"].startswith("attachment;")
    client.cookies.clear()
    other = await client.get(f"/evidence/{evidence.id}/file", headers=city.auth("district_department"))
    assert other.status_code == 404


async def test_login_redirects_only_to_this_site(client: Any, city: City) -> None:
    page = await client.get("/login", params={"next_path": "//evil.example/"})
    assert 'name="next_path" value="/"' in page.text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = await client.post(
        "/login",
        data={"username": "evaluator", "password": PASSWORD, "_csrf_token": token, "next_path": "https://evil.example"},
    )
    assert response.headers["location"] == "/evaluate"  # the role's own page, on this site


async def test_full_text_marks_every_clause_and_escapes_the_rest(client: Any, city: City) -> None:
    doc = await extracted(client, city)
    page = await client.get(f"/documents/{doc}/text", headers=city.auth("investment"))
    assert page.status_code == 200
    marks = re.findall(r'<mark class="clause" id="clause-(\d+)"', page.text)
    ids = [
        o["id"]
        for o in (await client.get(f"/api/obligations?document_id={doc}", headers=city.auth("investment"))).json()[
            "items"
        ]
    ]
    assert sorted(map(int, marks)) == sorted(ids)
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    # evaluators read the text as /api/documents/{id}/text lets them (issue 12: no dead ends), read-only
    as_evaluator = await client.get(f"/documents/{doc}/text", headers=city.auth("evaluator"))
    assert as_evaluator.status_code == 200
    assert "/review" not in as_evaluator.text
    assert (await client.get(f"/documents/{doc}/text", headers=city.auth("district_department"))).status_code == 404


async def test_agreement_title_is_corrected_through_the_form_and_the_api(client: Any, city: City) -> None:
    from app.models import Agreement, AuditLog, Role
    from app.security import new_api_token
    from app.services.users import add_user

    doc = await extracted(client, city)
    agreement = await Agreement.get(document_id=doc)
    # the form: a blank title goes back beside the field, a real one is saved and audited
    token = await form_login(client, "investment")
    page_url = f"/agreements/{agreement.id}"
    refused = await client.post(
        f"{page_url}/title", data={"title": "  ", "_csrf_token": token}, headers={"referer": page_url}
    )
    assert refused.status_code in (302, 303)
    back = await client.get(refused.headers["location"])
    sent_back = flash_form(back.text)
    assert sent_back["action"] == f"{page_url}/title"
    assert sent_back["fields"] == {"title": "请填写协议标题。"}
    saved = await client.post(f"{page_url}/title", data={"title": " 佛山市 招商引资 协议书 ", "_csrf_token": token})
    assert saved.status_code in (302, 303)
    shown = await client.get(saved.headers["location"])
    assert "<h1>佛山市 招商引资 协议书</h1>" in shown.text
    assert "标题已改为" in shown.text
    await agreement.refresh_from_db()
    assert agreement.title == "佛山市 招商引资 协议书"
    entry = await AuditLog.filter(action="agreement.retitle", entity_id=agreement.id).get()
    assert entry.after == {"title": "佛山市 招商引资 协议书"}
    # the API (bearer tokens, no session): same service, same rules, same scope
    client.cookies.clear()
    api = f"/api/agreements/{agreement.id}"
    ok = await client.patch(api, json={"title": "投资协议"}, headers=city.auth("admin"))
    assert ok.status_code == 200, ok.text
    assert ok.json()["title"] == "投资协议"
    assert (await client.patch(api, json={"title": ""}, headers=city.auth("admin"))).status_code == 422
    assert (await client.patch(api, json={"title": "x" * 501}, headers=city.auth("admin"))).status_code == 422
    outsider = await add_user("district_investment", PASSWORD, Role.INVESTMENT, city.orgs["district_ndrc"])
    district = {"Authorization": f"Bearer {await new_api_token(outsider, 'test', read_only=False)}"}
    assert (await client.patch(api, json={"title": "别处"}, headers=district)).status_code == 404  # 南海区's bureau
    for role in ("department", "evaluator"):
        assert (await client.patch(api, json={"title": "别处"}, headers=city.auth(role))).status_code == 403
    await agreement.refresh_from_db()
    assert agreement.title == "投资协议"

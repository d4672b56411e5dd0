"""Issue 12, points 3–6 over HTTP: the failure-record desk (list + record page), the in-app inbox and the
feedback after every action, errors shown in place in the reader's language, read-only views for what an
evaluator finds, and the sweep page's result in words with links."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from typing import Any

from app import clock
from tests.conftest import City
from tests.integration.test_tracking_failures import breach, post
from tests.integration.tracking_helpers import agreement, obligation

H = dict[str, str]


def flash_form(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="flash-form">(.*?)</script>', html, re.S)
    assert found, "no form sent back"
    return dict(json.loads(found.group(1)))


def flash_text(html: str) -> str:
    found = re.search(r'<div class="flash flash-(\w+)" id="flash"[^>]*>(.*?)</div>', html, re.S)
    assert found, "no flash message"
    return f"{found.group(1)}:{unescape(found.group(2))}"


def ids_in(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-failure="(\d+)">', html)]


# ---- point 3: the desk ------------------------------------------------------------------------------------


async def test_failure_list_searches_filters_sorts_pages_and_keeps_the_scope(client: Any, city: City) -> None:
    from app.models import IntegrityFailure

    ag = await agreement(city)
    for i, owner in enumerate(["ndrc"] * 27 + ["district_ndrc"] * 3):
        await obligation(ag, city, owner=owner, nominal=date(2024, 1, 2) + timedelta(days=i))
    await client.post("/api/sweep", json={"as_of": "2024-06-01"}, headers=city.auth("admin"))
    await IntegrityFailure.filter(organisation_id=city.orgs["district_ndrc"]).update(clause="南海区专项奖励条款")
    admin: H = city.auth("admin")

    first = await client.get("/failures", headers=admin)
    assert first.status_code == 200
    assert "共 30 条" in first.text
    assert len(ids_in(first.text)) == 25  # one page
    second = await client.get("/failures?page_no=2", headers=admin)
    assert len(ids_in(second.text)) == 5
    assert not set(ids_in(first.text)) & set(ids_in(second.text))

    found = await client.get("/failures?q=南海区专项", headers=admin)
    assert len(ids_in(found.text)) == 3
    district = await client.get(f"/failures?district={city.orgs['district']}", headers=admin)
    assert len(ids_in(district.text)) == 3
    body = await client.get(f"/failures?body={city.orgs['ndrc']}&kind=government_breach&state=detected", headers=admin)
    assert "共 27 条" in body.text
    assert (await client.get("/failures?kind=counterparty_default", headers=admin)).text.count("data-failure=") == 0

    by_days = await client.get("/failures?sort=days_late-", headers=admin)
    rows = await IntegrityFailure.all().order_by("-days_late", "-id").limit(25).values_list("id", flat=True)
    assert ids_in(by_days.text) == list(rows)
    # the URL keeps the state: the next-page and sort links carry the filters
    filtered = await client.get(f"/failures?body={city.orgs['ndrc']}&sort=due", headers=admin)
    nxt = re.search(r'href="(\?[^"]*page_no=2[^"]*)"', filtered.text)
    assert nxt
    assert f"body={city.orgs['ndrc']}" in unescape(nxt.group(1))
    assert "sort=due" in unescape(nxt.group(1))

    # scope as /api/failures: the district department sees its 3, the city department its 27
    assert "共 3 条" in (await client.get("/failures", headers=city.auth("district_department"))).text
    assert "共 27 条" in (await client.get("/failures", headers=city.auth("department"))).text
    assert (await client.get("/failures", headers=city.auth("evaluator"))).status_code == 200


async def test_record_page_tells_the_whole_story_and_offers_only_what_the_state_allows(client: Any, city: City) -> None:
    from app.models import IntegrityFailure

    record = await breach(client, city, amount=Decimal(2_000_000))  # general: published after a finding
    fid = record["id"]
    admin, dept = city.auth("admin"), city.auth("department")
    page = (await client.get(f"/failures/{fid}", headers=admin)).text
    assert "信用办（管理员）" in page
    assert "核实" in page
    assert 'id="clause-agreement"' in page
    assert 'id="clause-source"' in page
    src = re.search(r'href="(/documents/\d+/text#clause-\d+)"', page)
    assert src
    assert (await client.get(src.group(1).split("#")[0], headers=admin)).status_code == 200

    assert (await post(client, city, "admin", fid, "verify", {"note": "经核实属实"})).status_code == 200
    assert (await post(client, city, "admin", fid, "find", {"note": "认定"})).status_code == 200
    page = (await client.get(f"/failures/{fid}", headers=dept)).text
    deadline = (clock.today() + timedelta(days=15)).isoformat()
    assert f'<time id="objection-deadline">{deadline}</time>' in page
    assert "被记录单位" in page
    assert 'class="step step-object"' in page  # the body may object, within the period
    objected = await post(client, city, "department", fid, "objection", {"reason": "procedure", "note": "程序有误"})
    assert objected.status_code == 200
    assert (await post(client, city, "admin", fid, "objection/reject", {"note": "程序合法"})).status_code == 200

    page = (await client.get(f"/failures/{fid}", headers=dept)).text
    assert 'class="step step-object"' not in page  # rejected once: 提出异议 is not offered again
    assert 'class="step step-rectify"' in page
    again = await post(client, city, "department", fid, "objection", {"reason": "facts_incorrect", "note": "再议"})
    assert again.status_code == 409  # and the API refuses it too
    timeline = re.search(r'<ol class="timeline-list" id="failure-timeline">(.*?)</ol>', page, re.S)
    assert timeline
    keys = re.findall(r'data-key="([\w.]+)"', timeline.group(1))
    assert keys[:5] == ["source.sweep", "step.verify", "step.find", "step.object", "step.reject_objection"]
    assert "desk.published_from" in keys  # publication ahead, the day after the rejection
    assert "程序有误" in timeline.group(1)
    row = await IntegrityFailure.get(id=fid)
    assert row.published_from == clock.today() + timedelta(days=1)

    # a counterparty's default says 违约, never 政务失信
    ag = await agreement(city)
    await obligation(ag, city, owner="ndrc", nominal=date(2024, 1, 31), role="counterparty")
    await client.post("/api/sweep", json={"as_of": "2024-04-01"}, headers=admin)
    default = await IntegrityFailure.get(kind="counterparty_default")
    assert "<h1>违约" in (await client.get(f"/failures/{default.id}", headers=admin)).text


# ---- point 4: notifications and feedback -------------------------------------------------------------------


async def test_rectification_order_reaches_the_bodys_inbox_and_every_step_says_it_was_done(
    client: Any, city: City
) -> None:
    from app.models import InboxMessage

    record = await breach(client, city)
    fid = record["id"]
    admin, dept = city.auth("admin"), city.auth("department")
    done = await client.post(
        f"/failures/{fid}/steps", data={"step": "verify", "note": "属实"}, headers=admin, follow_redirects=True
    )
    assert flash_text(done.text) == "ok:已核实。"
    assert "已核实。" not in (await client.get(f"/failures/{fid}", headers=admin)).text  # shown once
    deadline = (clock.today() + timedelta(days=20)).isoformat()
    ordered = await client.post(
        f"/failures/{fid}/steps",
        data={"step": "order_rectification", "plan": "20日内补足款项", "deadline": deadline},
        headers=admin,
        follow_redirects=True,
    )
    assert flash_text(ordered.text).startswith("ok:已责令整改")

    mine = await InboxMessage.filter(user_id=city.users["department"]).order_by("id")
    assert [(m.event, m.step) for m in mine] == [
        ("failure", ""),  # the sweep's new record
        ("decision", "verify"),
        ("rectification_deadline", "rectification_ordered"),
    ]
    assert mine[-1].link == f"/failures/{fid}"
    assert str(mine[-1].due_date) == deadline
    assert not await InboxMessage.filter(user_id=city.users["district_department"]).exists()  # not its record
    assert not await InboxMessage.filter(user_id=city.users["evaluator"]).exists()

    page = (await client.get("/my", headers=dept)).text
    assert '<span class="count" id="unread-count">3</span>' in page  # the bell
    inbox = (await client.get("/inbox", headers=dept)).text
    assert inbox.count('class="unread"') == 3
    assert '<span class="badge">整改通知</span>' in inbox  # the message itself, not the filter's option
    opened = await client.get(f"/inbox/{mine[-1].id}", headers=dept)
    assert opened.status_code in (302, 303)
    assert opened.headers["location"] == f"/failures/{fid}"
    assert '<span class="count" id="unread-count">2</span>' in (await client.get("/my", headers=dept)).text
    unread = await client.post(f"/inbox/{mine[-1].id}/read", headers=dept, follow_redirects=True)
    assert flash_text(unread.text) == "ok:已标为未读。"
    everything = await client.post("/inbox/read-all", headers=dept, follow_redirects=True)
    assert flash_text(everything.text) == "ok:已将 3 条消息标为已读。"
    assert 'id="unread-count"' not in everything.text
    assert (await client.get(f"/inbox/{mine[-1].id}", headers=city.auth("district_department"))).status_code == 404


async def test_a_warning_and_an_assignment_reach_the_owner_once(client: Any, city: City) -> None:
    from app.models import InboxMessage

    ag = await agreement(city)
    ob = await obligation(ag, city, owner="ndrc", nominal=date(2024, 3, 15), confirmed=False)
    confirmed = await client.post("/api/obligations/confirm", json={"ids": [ob.id]}, headers=city.auth("investment"))
    assert confirmed.status_code == 200, confirmed.text
    for _ in range(2):
        await client.post("/api/sweep", json={"as_of": "2024-03-01"}, headers=city.auth("admin"))
    mine = await InboxMessage.filter(user_id=city.users["department"]).order_by("id")
    events = [m.event for m in mine]
    assert events[0] == "assignment"
    assert events.count("assignment") == 1
    assert events.count("warning") >= 1
    assert len(events) == len({m.dedupe_key for m in mine})
    assert {m.link for m in mine} == {f"/obligations/{ob.id}"}
    target = await client.get(f"/obligations/{ob.id}", headers=city.auth("department"))
    assert target.headers["location"] == f"/agreements/{ag.id}#ob-{ob.id}"


# ---- point 5: errors in place -------------------------------------------------------------------------------


async def test_a_form_error_comes_back_beside_its_field_with_the_other_values_kept(client: Any, city: City) -> None:
    ag = await agreement(city)
    ob = await obligation(ag, city, owner="ndrc", nominal=date(2030, 3, 15), amount=None)
    dept = city.auth("department") | {"referer": "http://testserver/my"}
    sent = await client.post(
        f"/obligations/{ob.id}/fulfilment",
        files={"fulfilled_on": (None, "2026-11-30"), "note": (None, "")},
        headers=dept,
    )
    assert sent.status_code in (302, 303)
    assert sent.headers["location"] == "/my"
    back = (await client.get("/my", headers=dept)).text
    assert flash_text(back) == "error:请更正标出的项目，其余填写内容已保留。"
    form = flash_form(back)
    assert form["action"] == f"/obligations/{ob.id}/fulfilment"
    assert form["fields"] == {"note": "请填写履行说明或附上文件作为证据。"}
    assert form["form"]["fulfilled_on"] == "2026-11-30"
    assert "Fulfilment needs evidence" not in back

    await client.get("/lang/en?next_path=/my")
    bad_date = await client.post(
        f"/obligations/{ob.id}/fulfilment",
        files={"fulfilled_on": (None, "30.11.2026"), "note": (None, "付讫")},
        headers=dept,
    )
    assert bad_date.status_code in (302, 303)
    form = flash_form((await client.get("/my", headers=dept)).text)
    assert form["fields"] == {"fulfilled_on": "Enter a date as YYYY-MM-DD."}
    assert form["form"]["note"] == "付讫"
    await client.get("/lang/zh?next_path=/my")


async def test_review_amount_error_names_the_row_field_in_chinese(client: Any, city: City) -> None:
    ag = await agreement(city)
    ob = await obligation(ag, city, owner="investment", nominal=date(2030, 3, 15), confirmed=False)
    inv = city.auth("investment") | {"referer": f"http://testserver/documents/{ag.document_id}/review"}
    data = {
        f"obligor_{ob.id}": "佛山市人民政府",
        f"due_{ob.id}": "2030-03-15",
        f"amount_{ob.id}": "一百万",
        "action": "save",
    }
    sent = await client.post(f"/documents/{ag.document_id}/review", data=data, headers=inv)
    assert sent.status_code in (302, 303)
    back = (await client.get(f"/documents/{ag.document_id}/review", headers=inv)).text
    form = flash_form(back)
    assert form["fields"] == {f"amount_{ob.id}": "请填写数字，如 1200000 或 1,200,000.00。"}
    assert form["form"][f"obligor_{ob.id}"] == "佛山市人民政府"
    assert "must be a number" not in back


async def test_forbidden_and_missing_pages_say_what_to_do_in_chinese(client: Any, city: City) -> None:
    denied = await client.get("/documents", headers=city.auth("department"))
    assert denied.status_code == 403
    assert "无权访问" in denied.text
    assert "部门/区镇" in denied.text
    assert "联系本单位管理员" in denied.text
    assert "may not use this endpoint" not in denied.text
    missing = await client.get("/failures/999999", headers=city.auth("department"))
    assert missing.status_code == 404
    assert "找不到该页面或记录" in missing.text
    assert "does not exist" not in missing.text
    await client.get("/lang/en?next_path=/")
    english = await client.get("/documents", headers=city.auth("department"))
    assert "Not allowed" in english.text
    assert "department / district" in english.text


# ---- point 6: evaluators -----------------------------------------------------------------------------------


async def test_every_search_result_and_calendar_chip_opens_for_an_evaluator(client: Any, city: City) -> None:
    from app.models import Document

    ag = await agreement(city)
    due = clock.today().replace(day=15)
    await obligation(ag, city, owner="ndrc", nominal=due, quote="甲方应向乙方支付设备补助资金。")
    await Document.filter(id=ag.document_id).update(text="第五条 甲方应向乙方支付设备补助资金。")
    ev = city.auth("evaluator")
    found = (await client.get("/search?q=设备补助", headers=ev)).text
    found += (await client.get(f"/search?q={ag.title}", headers=ev)).text
    calendar = (await client.get(f"/calendar?month={due:%Y-%m}", headers=ev)).text
    links = re.findall(r'<li[^>]*>.*?<a href="(/[^"#]+)', found) + re.findall(
        r'<div class="card"><a href="(/[^"]+)"', found
    )
    links += re.findall(r'<a class="due[^"]*" href="(/[^"#]+)"', calendar)
    assert len(links) >= 4, links  # agreement, obligation, document, calendar chip
    for link in links:
        response = await client.get(link, headers=ev, follow_redirects=True)
        assert response.status_code == 200, (link, response.status_code)
        assert "fulfil-form" not in response.text
        assert "/review" not in response.text


# ---- point 4: the sweep page -------------------------------------------------------------------------------


async def test_sweep_page_reports_in_words_with_links(client: Any, city: City) -> None:
    ag = await agreement(city)
    await obligation(ag, city, owner="ndrc", nominal=date(2024, 1, 31))
    await obligation(ag, city, owner="ndrc", nominal=date(2024, 4, 20))
    page = await client.post("/sweep", data={"as_of": "2024-04-01"}, headers=city.auth("admin"))
    assert page.status_code == 200
    result = re.search(r'<section class="card" id="sweep-result">(.*?)</section>', page.text, re.S)
    assert result
    text = result.group(1)
    assert "counterparty" not in text
    assert "对方违约记录" in text
    failure_links = re.findall(r'href="(/failures/\d+)"', text)
    warning_links = re.findall(r'href="(/obligations/\d+)"', text)
    assert len(failure_links) == 1
    assert warning_links
    for link in failure_links + warning_links:
        assert (await client.get(link, headers=city.auth("admin"), follow_redirects=True)).status_code == 200

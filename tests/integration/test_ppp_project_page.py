"""Issue 12, PPP leftovers over HTTP: each PPP project has a page of its own (``/finance/projects/{id}``),
linked from ``/finance``, with its phase and a form to move it on (audited, forward only, through
``app.services.ppp.set_phase``), its milestones planned against actual, its payments and its share of its
level's fiscal affordability limit — for the finance bureau and the administrators, inside their scope only."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from app import clock
from app.models import AuditLog, OrgKind, Role
from app.security import new_api_token
from app.services.organisations import create_organisation
from app.services.users import add_user
from tests.conftest import City
from tests.integration.test_failure_desk import flash_form, flash_text
from tests.integration.test_finance_forms import finance, new_project, submit


def row(html: str, attr: str, value: object) -> str:
    found = re.search(rf'<tr {attr}="{value}">(.*?)</tr>', html, re.S)
    assert found, f"no row {attr}={value}"
    return unescape(re.sub(r"<[^>]+>", "|", found.group(1)))


def cells(text: str) -> list[str]:
    return [c.strip() for c in text.split("|") if c.strip()]


async def project_with_money(client: Any, city: City) -> int:
    pid = await new_project(client, city)  # 南海区, execution, government pay
    url = f"/finance/projects/{pid}"
    await submit(client, f"{url}/milestones", {"kind": "financial_close", "planned_on": "2025-03-31",
                                                "actual_on": "2025-04-18"}, finance(city))  # fmt: skip
    await submit(client, f"{url}/milestones", {"kind": "construction_start", "planned_on": "2025-06-30"}, finance(city))
    await submit(client, f"{url}/milestones", {"kind": "completion_acceptance", "planned_on": "2026-05-01",
                                                "actual_on": "2026-04-20"}, finance(city))  # fmt: skip
    for year, planned, score in (("2026", "3,000,000", "90"), ("2027", "4,000,000", "")):
        form = {"year": year, "kind": "availability", "amount_planned": planned, "performance_score": score}
        await submit(client, f"{url}/payments", form, finance(city))
    await submit(client, "/finance/budgets", {"district_id": str(city.orgs["district"]), "year": "2026",
                                              "general_expenditure": "45,000,000"}, finance(city))  # fmt: skip
    return pid


async def test_the_project_page_shows_phase_milestones_payments_and_share(client: Any, city: City) -> None:
    pid = await project_with_money(client, city)
    # a second project of the same level takes its own part of the same budget
    other = await new_project(client, city, "南海区垃圾焚烧PPP项目")
    await submit(client, f"/finance/projects/{other}/payments",
                 {"year": "2026", "kind": "availability", "amount_planned": "1,800,000"}, finance(city))  # fmt: skip

    desk = (await client.get("/finance", headers=finance(city))).text
    assert f'<a href="/finance/projects/{pid}">项目详情：南海区污水处理PPP项目</a>' in desk

    page = (await client.get(f"/finance/projects/{pid}", headers=finance(city))).text
    assert "<h1>南海区污水处理PPP项目</h1>" in page
    steps = re.search(r'<ol class="phase-steps" id="phase-steps">(.*?)</ol>', page, re.S)
    assert steps, "no phase steps"
    assert re.findall(r'<li class="(\w+)"', steps.group(1)) == ["done", "done", "done", "current"]
    assert '<li class="current" aria-current="step">执行</li>' in steps.group(1)
    phase_form = re.search(r'<form method="post" action="/finance/projects/\d+/phase".*?</form>', page, re.S)
    assert phase_form, "no phase form"
    assert re.findall(r'<option value="(\w+)">', phase_form.group(0)) == ["handover"]  # forward only

    assert cells(row(page, "data-kind", "financial_close")) == ["融资交割", "2025-03-31", "2025-04-18", "晚 18 天"]
    past = (clock.today() - clock.today().replace(year=2025, month=6, day=30)).days
    assert cells(row(page, "data-kind", "construction_start")) == [
        "开工", "2025-06-30", "—", f"尚未完成，已超过计划 {past} 天"
    ]  # fmt: skip
    assert cells(row(page, "data-kind", "completion_acceptance"))[-1] == "早 11 天"
    assert '<svg class="timeline"' in page or 'class="timeline"' in page

    assert "2,700,000.00" in page  # 2026 payable after the 90-point assessment
    # the payments table is named by the section's heading, not by a second caption under it
    assert page.count("政府支付责任</") == 1
    assert 'aria-labelledby="payments-heading"' in page
    assert "<caption>政府支付责任</caption>" in desk  # on the desk the caption still names it
    # 2026: the project 2.7 M of a 45 M budget = 6.00 %, 60.0 % of the 10 % ceiling; the level with the
    # other project's 1.8 M: 4.5 M = 10.00 %, at the red line (not above): no new government-pay projects
    assert cells(row(page, "data-year", 2026)) == [
        "2026", "2,700,000.00", "4,500,000.00", "45,000,000.00", "6.00%", "60.0%", "10.00% · 不得新上政府付费项目"
    ]  # fmt: skip
    assert cells(row(page, "data-year", 2027)) == [
        "2027", "4,000,000.00", "4,000,000.00", "—", "—", "—", "未登记预算，无法判断"
    ]  # fmt: skip
    assert 'class="band band-government_pay_blocked"' in page


async def test_the_phase_form_moves_the_project_forward_through_the_service(client: Any, city: City) -> None:
    pid = await new_project(client, city)
    url = f"/finance/projects/{pid}"
    page = await submit(client, f"{url}/phase", {"phase": "handover"}, finance(city) | {"referer": url})
    assert flash_text(page) == "ok:项目阶段已变更为：移交。"
    assert '<li class="current" aria-current="step">移交</li>' in page
    assert "项目已处于最后阶段（移交）。" in page
    assert 'action="/finance/projects/' + str(pid) + '/phase"' not in page  # nothing left to move to
    api = (await client.get(f"/api/ppp/projects/{pid}", headers=city.auth("finance"))).json()
    assert api["phase"] == "handover"
    [entry] = await AuditLog.filter(action="ppp.phase", entity_id=pid)
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["phase"], entry.after["phase"]) == ("execution", "handover")

    back = await submit(client, f"{url}/phase", {"phase": "preparation"}, finance(city) | {"referer": url})
    assert flash_form(back)["fields"] == {"phase": "项目阶段只能向后推进，不能退回。"}
    unknown = await submit(client, f"{url}/phase", {"phase": "closed"}, finance(city) | {"referer": url})
    assert flash_form(unknown)["fields"] == {"phase": "无法识别的选项。"}
    assert await AuditLog.filter(action="ppp.phase", entity_id=pid).count() == 1


async def test_each_role_sees_only_the_projects_it_may(client: Any, city: City) -> None:
    pid = await new_project(client, city)  # a 南海区 project
    city_level = (
        await client.post(
            "/api/ppp/projects",
            json={"name": "佛山市本级项目", "district_id": city.orgs["city"], "payment_mechanism": "government_pay"},
            headers=city.auth("finance"),
        )
    ).json()["id"]
    for who in ("finance", "admin"):
        assert (await client.get(f"/finance/projects/{pid}", headers=city.auth(who))).status_code == 200, who
    for who in ("investment", "department", "district_department", "evaluator"):
        assert (await client.get(f"/finance/projects/{pid}", headers=city.auth(who))).status_code == 403, who
        refused = await client.post(f"/finance/projects/{pid}/phase", data={"phase": "handover"},
                                    headers=finance(city, who))  # fmt: skip
        assert refused.status_code == 403, who

    other = await create_organisation("顺德区", OrgKind.DISTRICT, city.orgs["city"])
    bureau = await create_organisation("顺德区财政局", OrgKind.DEPARTMENT, other.id)
    user = await add_user("shunde_finance", "correct horse battery", Role.FINANCE, bureau.id)
    city.tokens["shunde_finance"] = await new_api_token(user, "test", read_only=False)
    for project in (pid, city_level):  # another district's project and the city's: as if they did not exist
        assert (
            await client.get(f"/finance/projects/{project}", headers=city.auth("shunde_finance"))
        ).status_code == 404
        moved = await client.post(f"/finance/projects/{project}/phase", data={"phase": "handover"},
                                  headers=finance(city, "shunde_finance"))  # fmt: skip
        assert moved.status_code == 404
    assert (await client.get("/finance/projects/999999", headers=city.auth("finance"))).status_code == 404
    assert not await AuditLog.filter(action="ppp.phase").exists()

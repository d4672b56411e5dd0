"""Issue 12, point 8 over HTTP: the finance page's forms (project, milestone dates, payment obligation,
general public budget) create their rows through the services of ``/api/ppp`` (audited like the API), answer
a bad amount or date with a Chinese message beside the field and the other values kept, are closed to every
role but the finance bureau and the administrators, and keep a district finance bureau inside its district."""

from __future__ import annotations

import re
from typing import Any

from app.models import AuditLog
from tests.conftest import City
from tests.integration.test_failure_desk import flash_form, flash_text

H = dict[str, str]
BACK = {"referer": "http://testserver/finance"}


def finance(city: City, who: str = "finance") -> H:
    return city.auth(who) | BACK


async def submit(client: Any, url: str, data: dict[str, str], headers: H) -> str:
    """Post a form like a browser (POST → redirect) and return the page it lands on."""
    sent = await client.post(url, data=data, headers=headers)
    assert sent.status_code in (302, 303), sent.text
    landing = sent.headers["location"].split("#")[0]
    return str((await client.get(landing, headers=headers)).text)


async def new_project(client: Any, city: City, name: str = "南海区污水处理PPP项目", who: str = "finance") -> int:
    form = {"name": name, "district_id": str(city.orgs["district"]), "payment_mechanism": "government_pay",
            "phase": "execution", "tag": "stock", "agreement_id": ""}  # fmt: skip
    page = await submit(client, "/finance/projects", form, finance(city, who))
    assert flash_text(page) == f"ok:已登记PPP项目：{name}。"
    found = re.search(rf'<article class="ppp-project" id="project-(\d+)"[^>]*>\s*<h3>{name} ', page)
    assert found, "the new project is not on the page"
    return int(found.group(1))


async def test_project_form_creates_the_project_through_the_service(client: Any, city: City) -> None:
    pid = await new_project(client, city)
    api = (await client.get(f"/api/ppp/projects/{pid}", headers=city.auth("finance"))).json()
    assert api["name"] == "南海区污水处理PPP项目"
    assert api["district_id"] == city.orgs["district"]
    assert (api["phase"], api["tag"], api["payment_mechanism"]) == ("execution", "stock", "government_pay")
    assert await AuditLog.filter(action="ppp.create", entity_id=pid).count() == 1  # the service wrote it


async def test_project_form_refusals_stand_beside_their_fields(client: Any, city: City) -> None:
    form = {"name": "顺德新机制项目", "district_id": str(city.orgs["district"]),
            "payment_mechanism": "government_pay", "tag": "new_mechanism"}  # fmt: skip
    page = await submit(client, "/finance/projects", form, finance(city))
    assert flash_text(page) == "error:请更正标出的项目，其余填写内容已保留。"
    back = flash_form(page)
    assert back["action"] == "/finance/projects"
    assert back["fields"] == {"payment_mechanism": "新机制项目须采用使用者付费。"}
    assert back["form"]["name"] == "顺德新机制项目"
    not_a_level = await submit(client, "/finance/projects", form | {"district_id": str(city.orgs["ndrc"]),
                                                                    "tag": "stock"}, finance(city))  # fmt: skip
    assert flash_form(not_a_level)["fields"] == {"district_id": "所选单位不是有本级预算的政府层级。"}
    too_long = await submit(client, "/finance/projects", form | {"name": "长" * 301, "tag": "stock"}, finance(city))
    assert flash_form(too_long)["fields"] == {"name": "项目名称最多 300 个字。"}
    assert not (await client.get("/api/ppp/projects", headers=city.auth("finance"))).json()["items"]


async def test_milestone_form_sets_planned_and_actual_dates(client: Any, city: City) -> None:
    pid = await new_project(client, city)
    url = f"/finance/projects/{pid}/milestones"
    page = await submit(client, url, {"kind": "financial_close", "planned_on": "2025-03-31"}, finance(city))
    assert flash_text(page) == "ok:已保存里程碑日期：融资交割。"
    page = await submit(client, url, {"kind": "financial_close", "actual_on": "2025-04-18"}, finance(city))
    api = (await client.get(f"/api/ppp/projects/{pid}", headers=city.auth("finance"))).json()
    assert api["milestones"] == [{"kind": "financial_close", "planned_on": "2025-03-31", "actual_on": "2025-04-18"}]
    assert await AuditLog.filter(action="ppp.milestone", entity_id=pid).count() == 2
    # the timeline draws one row with both dates: a hollow planned ring and a filled actual dot, joined
    row = re.search(r'<g class="milestone" data-kind="financial_close">(.*?)</g>', page, re.S)
    assert row, "no timeline row"
    assert '<circle class="planned"' in row.group(1)
    assert '<circle class="actual"' in row.group(1)
    assert "计划 2025-03-31  实际 2025-04-18" in row.group(1)

    bad = await submit(client, url, {"kind": "construction_start", "planned_on": "2025-02-30"}, finance(city))
    back = flash_form(bad)
    assert back["action"] == url
    assert back["fields"] == {"planned_on": "日历上没有这一天，请检查月份和日期。"}
    assert back["form"]["kind"] == "construction_start"
    empty = await submit(client, url, {"kind": "handover", "planned_on": "", "actual_on": ""}, finance(city))
    assert flash_form(empty)["fields"] == {"planned_on": "请填写计划日期或实际日期（至少一项）。"}
    assert len((await client.get(f"/api/ppp/projects/{pid}", headers=city.auth("finance"))).json()["milestones"]) == 1


async def test_payment_form_records_the_obligation_and_refuses_a_bad_amount(client: Any, city: City) -> None:
    pid = await new_project(client, city)
    url = f"/finance/projects/{pid}/payments"
    form = {"year": "2026", "kind": "availability", "amount_planned": "8,000,000", "performance_score": "95",
            "amount_paid": "", "paid_on": ""}  # fmt: skip
    page = await submit(client, url, form, finance(city))
    assert flash_text(page) == "ok:已保存 2026 年度的政府支付责任。"
    [payment] = (await client.get(f"/api/ppp/projects/{pid}", headers=city.auth("finance"))).json()["payments"]
    assert (payment["year"], payment["kind"]) == (2026, "availability")
    assert payment["amount_planned"] == "8000000.00"
    assert payment["amount_payable"] == "7600000.00"
    assert "7,600,000.00" in page  # payable after the assessment, in the project's table

    words = await submit(client, url, form | {"year": "2027", "amount_planned": "一百万"}, finance(city))
    back = flash_form(words)
    assert back["fields"] == {"amount_planned": "请填写数字，如 1200000 或 1,200,000.00。"}
    assert back["form"]["year"] == "2027"
    assert back["form"]["performance_score"] == "95"
    negative = await submit(client, url, form | {"amount_planned": "-5"}, finance(city))
    assert flash_form(negative)["fields"] == {"amount_planned": "金额不能为负数。"}
    score = await submit(client, url, form | {"performance_score": "120"}, finance(city))
    assert flash_form(score)["fields"] == {"performance_score": "绩效评分须在 0 到 100 之间。"}
    year = await submit(client, url, form | {"year": "1800"}, finance(city))
    assert flash_form(year)["fields"] == {"year": "年度须在 1990 至 2100 之间。"}
    paid_on = await submit(client, url, form | {"paid_on": "31/12/2026"}, finance(city))
    assert flash_form(paid_on)["fields"] == {"paid_on": "请按“年-月-日”填写日期。"}
    payments = (await client.get(f"/api/ppp/projects/{pid}", headers=city.auth("finance"))).json()["payments"]
    assert payments == [payment]  # nothing refused was written


async def test_budget_form_feeds_the_affordability_bars_and_their_band(client: Any, city: City) -> None:
    pid = await new_project(client, city)
    await submit(client, f"/finance/projects/{pid}/payments",
                 {"year": "2026", "kind": "availability", "amount_planned": "9300000"}, finance(city))  # fmt: skip
    form = {"district_id": str(city.orgs["district"]), "year": "2026", "general_expenditure": "100000000"}
    page = await submit(client, "/finance/budgets", form, finance(city))
    assert flash_text(page) == "ok:已保存 2026 年度的一般公共预算支出。"
    budgets = (await client.get("/api/ppp/budgets?year=2026", headers=city.auth("finance"))).json()
    assert [(b["district_id"], b["general_expenditure"]) for b in budgets] == [(city.orgs["district"], "100000000.00")]
    chart = re.search(r'<figure class="chart" id="affordability-chart">(.*?)</figure>', page, re.S)
    assert chart, "no affordability chart"
    assert re.findall(r'<g class="bar tone-(\w+)">', chart.group(1)) == ["warn"]  # 9.3 %: above 5, not above 10
    assert "9.3%" in chart.group(1)

    zero = await submit(client, "/finance/budgets", form | {"general_expenditure": "0", "year": "2027"}, finance(city))
    back = flash_form(zero)
    assert back["fields"] == {"general_expenditure": "金额须大于零。"}
    assert back["form"]["year"] == "2027"
    no_year = await submit(client, "/finance/budgets", form | {"year": "明年"}, finance(city))
    assert flash_form(no_year)["fields"] == {"year": "请填写四位数的年度，如 2026。"}


async def test_only_the_finance_bureau_and_administrators_post(client: Any, city: City) -> None:
    pid = await new_project(client, city)
    await new_project(client, city, "市级轨道交通PPP项目", who="admin")
    posts = [
        (
            "/finance/projects",
            {"name": "x", "district_id": str(city.orgs["district"]), "payment_mechanism": "user_pay"},
        ),
        (f"/finance/projects/{pid}/milestones", {"kind": "handover", "planned_on": "2040-01-01"}),
        (f"/finance/projects/{pid}/payments", {"year": "2026", "kind": "availability", "amount_planned": "1"}),
        ("/finance/budgets", {"district_id": str(city.orgs["district"]), "year": "2026", "general_expenditure": "1"}),
    ]
    for who in ("investment", "department", "district_department", "evaluator"):
        assert (await client.get("/finance", headers=city.auth(who))).status_code == 403
        for url, data in posts:
            refused = await client.post(url, data=data, headers=finance(city, who))
            assert refused.status_code == 403, (who, url)
    assert len((await client.get("/api/ppp/projects", headers=city.auth("finance"))).json()["items"]) == 2
    assert not (await client.get("/api/ppp/budgets", headers=city.auth("finance"))).json()


async def test_a_district_finance_bureau_works_only_on_its_district(client: Any, city: City) -> None:
    from app.models import OrgKind, Role
    from app.security import new_api_token
    from app.services.organisations import create_organisation
    from app.services.users import add_user

    bureau = await create_organisation("南海区财政局", OrgKind.DEPARTMENT, city.orgs["district"])
    user = await add_user("district_finance", "correct horse battery", Role.FINANCE, bureau.id)
    city.tokens["district_finance"] = await new_api_token(user, "test", read_only=False)
    city_project = await new_project(client, city, "市级轨道交通PPP项目")
    await client.post(
        "/api/ppp/projects",
        json={"name": "佛山市本级项目", "district_id": city.orgs["city"], "payment_mechanism": "government_pay"},
        headers=city.auth("finance"),
    )
    mine = finance(city, "district_finance")
    page = (await client.get("/finance", headers=mine)).text
    budget_form = r'<form method="post" action="/finance/budgets".*?<select name="district_id"[^>]*>(.*?)</select>'
    levels = re.search(budget_form, page, re.S)
    assert levels, "no budget form"
    assert re.findall(r">([^<]+)</option>", levels.group(1)) == ["南海区"]
    assert "佛山市本级项目" not in page
    own = await new_project(client, city, "南海区垃圾焚烧PPP项目", who="district_finance")
    assert own != city_project
    outside = await client.post(
        "/finance/budgets",
        data={"district_id": str(city.orgs["city"]), "year": "2026", "general_expenditure": "5"},
        headers=mine,
    )
    assert outside.status_code == 404  # the city's budget is not visible from the district
    city_level = (await client.get("/api/ppp/projects", headers=city.auth("finance"))).json()["items"]
    city_only = next(p["id"] for p in city_level if p["name"] == "佛山市本级项目")
    milestone = await client.post(
        f"/finance/projects/{city_only}/milestones", data={"kind": "handover", "planned_on": "2040-01-01"}, headers=mine
    )
    assert milestone.status_code == 404
    assert not (await client.get("/api/ppp/budgets", headers=city.auth("finance"))).json()

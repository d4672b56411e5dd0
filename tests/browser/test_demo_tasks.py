"""Each demo account does its main task on the demo city's data, through the pages a person uses: the
department answers a rectification order, the investment bureau records fulfilment on an agreement, the
finance bureau records a PPP payment, the evaluator downloads the ranking, the administrator runs the sweep.
Screenshots of each result go to artifacts/screenshots/task-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app import clock
from tests.browser.conftest import CHROMIUM, Screens, Server, demo_login

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not installed: apt-get install chromium"
)


def flash(page: Any) -> str:
    box = page.locator("#flash")
    assert box.count() == 1, "no message after the action"
    assert "flash-ok" in (box.get_attribute("class") or ""), box.inner_text()
    return str(box.inner_text())


def test_the_department_answers_a_rectification_order(demo_server: Server, browser: Any, screens: Screens) -> None:
    dept = demo_login(browser, demo_server, "department")
    dept.goto("/failures?state=rectification_ordered")
    records = dept.locator("#failure-list tbody a[href^='/failures/']")
    assert records.count() >= 1, "the demo leaves no rectification order for the department to answer"
    records.first.click()
    dept.wait_for_load_state("networkidle")
    assert dept.locator("#failure-state").inner_text() == "责令整改"
    step = dept.locator("details.step-rectify")
    step.locator("summary").click()
    step.locator("textarea[name=note]").fill("已按整改通知补签用地协议并拨付奖励资金。")
    step.locator("button[type=submit]").click()
    dept.wait_for_load_state("networkidle")
    flash(dept)
    assert dept.locator("#failure-state").inner_text() != "责令整改"
    assert "已按整改通知补签用地协议" in dept.locator("#failure-timeline").inner_text()
    screens.shot(dept, "task-department-rectified")


def test_the_investment_bureau_records_fulfilment(demo_server: Server, browser: Any, screens: Screens) -> None:
    inv = demo_login(browser, demo_server, "investment")
    inv.goto("/agreements")
    agreements = [a.get_attribute("href") for a in inv.locator("#agreements tbody a[href^='/agreements/']").all()]
    article_id = None
    for href in agreements:  # the first agreement with a confirmed duty still to be met
        inv.goto(href)
        open_duties = inv.locator("article.obligation:has(form.fulfil-form)")
        if open_duties.count():
            article_id = open_duties.first.get_attribute("id")
            break
    assert article_id is not None, "no agreement of the demo has an open confirmed obligation"
    article = inv.locator(f"#{article_id}")
    form = article.locator("form.fulfil-form")
    article.locator("details summary").click()
    form.locator("input[name=fulfilled_on]").fill(clock.today().isoformat())
    form.locator("input[name=note]").fill("项目已按约定竣工投产，附验收报告。")
    if form.locator("input[name=amount]").count():
        form.locator("input[name=amount]").fill("1000")
    form.locator("button[type=submit]").click()
    inv.wait_for_load_state("networkidle")
    flash(inv)
    assert "项目已按约定竣工投产" in inv.locator(f"#{article_id} .evidence").all_inner_texts()[-1]
    screens.shot(inv, "task-investment-fulfilment")


def test_the_finance_bureau_records_a_ppp_payment(demo_server: Server, browser: Any, screens: Screens) -> None:
    fin = demo_login(browser, demo_server, "finance")
    fin.goto("/finance")
    project = fin.locator("[id^=project-]:has(form[action$='/payments'])").first
    assert project.count() == 1, "the demo city has no PPP project"
    details = project.locator("details.ppp-form:has(form[action$='/payments'])")
    details.locator("summary").click()
    form = details.locator("form")
    year = str(clock.today().year + 1)
    form.locator("input[name=year]").fill(year)
    form.locator("input[name=amount_planned]").fill("2,500,000")
    form.locator("button[type=submit]").click()
    fin.wait_for_load_state("networkidle")
    flash(fin)
    rows = fin.locator(f"#{project.get_attribute('id')} table.ppp-payments tbody tr").all_inner_texts()
    assert any(r.startswith(year) and "2,500,000" in r for r in rows), rows
    screens.shot(fin, "task-finance-payment")


def test_the_evaluator_downloads_the_ranking(demo_server: Server, browser: Any, screens: Screens) -> None:
    ev = demo_login(browser, demo_server, "evaluator")
    ev.goto("/evaluate")
    ranked = ev.locator("#ranking tbody tr")
    assert ranked.count() >= 2, "the demo's ranking is empty"
    with ev.expect_download() as download:
        ev.click("#csv")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == ranked.count() + 1  # a header and one line per ranked body
    screens.shot(ev, "task-evaluator-ranking")


def test_the_administrator_runs_the_sweep(demo_server: Server, browser: Any, screens: Screens) -> None:
    admin = demo_login(browser, demo_server, "admin")
    admin.goto("/sweep")
    admin.locator("main form button[type=submit]").first.click()
    admin.wait_for_load_state("networkidle")
    assert admin.locator("#sweep-government-failures").count() == 1
    screens.shot(admin, "task-admin-sweep")

"""The finance bureau's PPP desk in a real browser (issue 12, point 8): a project, its milestones, a payment
and the district's budget entered through the page's forms (no API calls), a refused amount shown beside its
field with the other values kept, and the rendered timeline checked with the browser's own text measurements:
no two labels overlap and none leaves the picture, in Chinese and in English. Screenshots: finance-forms-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, Screens, Server
from tests.browser.test_pages import login

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not installed")

# Every text of every timeline: its box as the browser lays it out (SVG user units), and the viewBox.
TEXT_BOXES = """() => Array.from(document.querySelectorAll('svg.timeline')).map(svg => ({
  width: svg.viewBox.baseVal.width, height: svg.viewBox.baseVal.height,
  boxes: Array.from(svg.querySelectorAll('text')).map(t => {
    const b = t.getBBox(); return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height};
  })
}))"""


def submit(page: Any, form: str) -> None:
    page.locator(f"{form} button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def assert_labels_apart(page: Any) -> int:
    """No two texts of a timeline overlap, none leaves its viewBox; returns how many texts were checked."""
    checked = 0
    for svg in page.evaluate(TEXT_BOXES):
        boxes = svg["boxes"]
        for i, a in enumerate(boxes):
            assert a["x"] >= 0, a
            assert a["x"] + a["w"] <= svg["width"], a
            assert a["y"] >= 0, a
            assert a["y"] + a["h"] <= svg["height"], a
            for b in boxes[i + 1 :]:
                apart = (
                    a["x"] + a["w"] <= b["x"]
                    or b["x"] + b["w"] <= a["x"]
                    or a["y"] + a["h"] <= b["y"]
                    or b["y"] + b["h"] <= a["y"]
                )
                assert apart, (a, b)
            checked += 1
    return checked


def test_finance_records_a_project_with_a_milestone_and_a_payment_through_the_forms(
    server_on_each_backend: Server, browser: Any, screens: Screens
) -> None:
    server = server_on_each_backend
    fin = login(browser, server, "finance")
    assert fin.url.endswith("/finance")
    assert "尚未登记PPP项目" in fin.locator(".notice").inner_text()

    form = "#project-form"  # open while there is no project
    fin.fill(f"{form} input[name=name]", "南海区污水处理厂及配套管网PPP项目")
    fin.select_option(f"{form} select[name=district_id]", label="南海区")
    fin.select_option(f"{form} select[name=payment_mechanism]", "government_pay")
    fin.select_option(f"{form} select[name=phase]", "execution")
    submit(fin, form)
    assert fin.locator("#flash").inner_text() == "已登记PPP项目：南海区污水处理厂及配套管网PPP项目。"
    project = fin.locator("article.ppp-project").first
    pid = project.get_attribute("data-project")

    milestones = f"form[action='/finance/projects/{pid}/milestones']"
    for kind, field, day in [
        ("financial_close", "planned_on", "2025-03-31"),
        ("financial_close", "actual_on", "2025-04-18"),
        ("completion_acceptance", "planned_on", "2027-06-30"),
        ("commercial_operation", "planned_on", "2027-09-30"),
        ("handover", "planned_on", "2052-12-31"),
    ]:
        fin.locator(f"#project-{pid} details.milestone-form summary").click()
        fin.select_option(f"{milestones} select[name=kind]", kind)
        fin.fill(f"{milestones} input[name={field}]", day)
        submit(fin, milestones)
        assert fin.locator("#flash").inner_text().startswith("已保存里程碑日期")

    payments = f"form[action='/finance/projects/{pid}/payments']"
    fin.locator(f"#project-{pid} details.payment-form summary").click()
    fin.fill(f"{payments} input[name=year]", "2026")
    fin.fill(f"{payments} input[name=amount_planned]", "一百万")
    submit(fin, payments)
    assert fin.locator("#error-amount_planned").inner_text() == "请填写数字，如 1200000 或 1,200,000.00。"
    assert fin.locator(f"{payments} input[name=year]").input_value() == "2026"  # kept
    assert fin.locator(f"{payments} input[name=amount_planned]").get_attribute("aria-invalid") == "true"
    fin.fill(f"{payments} input[name=amount_planned]", "8,000,000")
    submit(fin, payments)
    assert fin.locator("#flash").inner_text() == "已保存 2026 年度的政府支付责任。"

    fin.locator("details.budget-form summary").click()
    fin.select_option("#budget-form select[name=district_id]", label="南海区")
    fin.fill("#budget-form input[name=year]", "2026")
    fin.fill("#budget-form input[name=general_expenditure]", "100000000")
    submit(fin, "#budget-form")
    assert fin.locator("#flash").inner_text() == "已保存 2026 年度的一般公共预算支出。"

    assert fin.locator(f"#project-{pid} svg.timeline g.milestone").count() == 4
    assert fin.locator(f"#project-{pid} svg.timeline g.milestone circle.actual").count() == 1
    assert fin.locator(f"#project-{pid} svg.timeline g.milestone circle.planned").count() == 4
    assert "8,000,000.00" in fin.locator(f"#project-{pid} table.ppp-payments").inner_text()
    assert fin.locator("#affordability-chart g.bar.tone-warn").count() == 1  # 800万 ÷ 1亿 = 8 %
    assert assert_labels_apart(fin) >= 4 + 4 + 2
    screens.shot(fin, f"finance-forms-zh-{server.backend}")

    fin.goto("/lang/en?next_path=/finance")
    assert "Financial close" in fin.locator(f"#project-{pid} svg.timeline").text_content()
    assert assert_labels_apart(fin) >= 10
    screens.shot(fin, f"finance-forms-en-{server.backend}")
    assert not fin.console_errors
    fin.context.close()
    log = (server.data_dir / "serve.log").read_text()
    assert "Traceback" not in log, log[-3000:]

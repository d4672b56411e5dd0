"""Every page each role visits, on the demo's data: no serious or critical axe-core violation (at desktop and
phone size) and, on a 390 × 844 phone, nothing wider than the screen. Screenshots of the phone view go to
artifacts/screenshots/phone-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import clock
from app.demo import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM, Screens, Server, axe_violations

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not installed: apt-get install chromium"
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The first link of each kind on a role's pages leads to a page of that kind: review, agreement, failure
# record, message, obligation, document text.
DETAIL_LINKS = {
    "review": "main a[href^='/documents/'][href$='/review']",
    "agreement": "main a[href^='/agreements/']",
    "failure": "main a[href^='/failures/']",
    "message": "main a[href^='/inbox/']",
    "obligation": "main a[href^='/obligations/']",
    "text": "main a[href^='/documents/'][href$='/text']",
    "ppp_project": "main a[href^='/finance/projects/']",
}
# What each demo account must have reached, so the walk cannot quietly shrink.
MUST_VISIT = {
    "admin": {"/documents", "/agreements", "/my", "/finance", "/evaluate", "/failures", "/search", "/calendar",
              "/sweep", "/admin/users", "/inbox", "/public", "review", "agreement", "failure", "obligation",
              "ppp_project"},
    "investment": {"/documents", "/agreements", "/inbox", "review", "agreement", "failure"},
    "finance": {"/finance", "/documents", "/agreements", "review", "agreement", "ppp_project"},
    "department": {"/my", "/agreements", "agreement", "failure"},
    "evaluator": {"/evaluate", "/failures", "/search", "/calendar", "failure"},
}  # fmt: skip
MMDDYYYY = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


def _check(page: object, path: str, name: str, screens: Screens, problems: list[str]) -> None:
    """Open ``path`` at desktop size and at phone size; add what is wrong to ``problems``."""
    page.set_viewport_size(DESKTOP)  # type: ignore[attr-defined]
    response = page.goto(path)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    if response.status != 200:
        problems.append(f"{path}: HTTP {response.status}")
        return
    problems += [f"{path} (desktop): {v}" for v in axe_violations(page)]
    if found := MMDDYYYY.findall(page.locator("main").inner_text()):  # type: ignore[attr-defined]
        problems.append(f"{path}: dates as mm/dd/yyyy {found[:3]}")
    page.set_viewport_size(PHONE)  # type: ignore[attr-defined]
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # type: ignore[attr-defined]  # layout.js
    width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    if width > PHONE["width"]:
        problems.append(f"{path}: {width} px wide on a {PHONE['width']} px phone")
    problems += [f"{path} (phone): {v}" for v in axe_violations(page)]
    screens.shot(page, f"phone-{name}", full_page=False)


def _login(browser: object, server: Server, username: str | None) -> object:
    context = browser.new_context(base_url=server.url, locale="zh-CN", viewport=DESKTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    if username:
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login" not in page.url, page.content()
    return page


def test_login_and_public_pages_pass_axe_and_fit_a_phone(
    demo_server: Server, browser: object, screens: Screens
) -> None:
    page = _login(browser, demo_server, None)
    assert page.evaluate("document.activeElement.name") == "username"  # type: ignore[attr-defined]  # autofocus
    problems: list[str] = []
    for path, name in (("/login", "login"), ("/public", "public")):
        _check(page, path, name, screens, problems)
    page.context.close()  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", list(MUST_VISIT))
def test_every_page_of_a_role_passes_axe_and_fits_a_phone(
    demo_server: Server, browser: object, screens: Screens, username: str
) -> None:
    page = _login(browser, demo_server, username)
    pages = [a.get_attribute("href") for a in page.locator("header nav a").all()]  # type: ignore[attr-defined]
    pages += ["/inbox"]
    visited: set[str] = set()
    problems: list[str] = []
    details: dict[str, str] = {}
    for path in pages:
        _check(page, path, f"{username}{path.replace('/', '-')}", screens, problems)
        visited.add(path)
        for kind, selector in DETAIL_LINKS.items():
            link = page.locator(selector)  # type: ignore[attr-defined]
            if kind not in details and link.count():
                details[kind] = link.first.get_attribute("href").split("#")[0]
    for kind, path in details.items():
        _check(page, path, f"{username}-{kind}", screens, problems)
        visited.add(kind)
    page.context.close()  # type: ignore[attr-defined]
    assert MUST_VISIT[username] <= visited, f"never reached: {MUST_VISIT[username] - visited}"
    assert not problems, "\n".join(problems)


def test_instances_name_their_period_and_calendar_chips_their_obligor(demo_server: Server, browser: object) -> None:
    public = _login(browser, demo_server, None)
    public.goto("/public")  # type: ignore[attr-defined]
    labels = public.locator("#public-failures .badge.period").all_inner_texts()  # type: ignore[attr-defined]
    assert labels, "the demo publishes breaches of yearly duties: each names its year"
    assert all(re.fullmatch(r"\d{4}年度", label) for label in labels), labels
    public.context.close()  # type: ignore[attr-defined]

    admin = _login(browser, demo_server, "admin")
    admin.goto("/my")  # type: ignore[attr-defined]
    mine = admin.locator("#my-obligations .badge.period").all_inner_texts()  # type: ignore[attr-defined]
    assert any(re.fullmatch(r"\d{4}年度", label) for label in mine), mine
    # the same yearly duty's instances in one list are told apart by their year
    rows = admin.locator("#my-obligations tbody tr").filter(has=admin.locator(".badge.period"))  # type: ignore[attr-defined]
    by_quote: dict[str, set[str]] = {}
    for row in rows.all():
        label = row.locator(".badge.period").inner_text()
        by_quote.setdefault(row.locator("td.quote").inner_text().removeprefix(label), set()).add(label)
    assert any(len(years) > 1 for years in by_quote.values()), by_quote
    chips = admin.locator("#calendar a.due")  # type: ignore[attr-defined]
    month = clock.today()  # walk back from the current month to one with deadlines on it
    for _ in range(24):
        admin.goto(f"/calendar?month={month:%Y-%m}")  # type: ignore[attr-defined]
        if chips.count():
            break
        month = month.replace(day=1) - timedelta(days=1)
    assert chips.count(), "no month of the demo's last two years has a deadline on the calendar"
    for chip in chips.all():
        who, what = chip.locator(".who"), chip.locator(".what")
        assert chip.get_attribute("title") == f"{who.inner_text()} · {what.inner_text()}"  # obligor · clause
        # the obligor is shown whole on the chip (it wraps), only the clause may be cut
        assert who.evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1")
    admin.context.close()  # type: ignore[attr-defined]


def test_a_ppp_project_page_at_desktop_and_phone(demo_server: Server, browser: object, screens: Screens) -> None:
    """The finance bureau opens a project from /finance: its phase steps, milestones planned against actual,
    payments and share of the limit, with no serious or critical axe violation and nothing wider than a
    phone; screenshots at 1280 and 390 px (artifacts/screenshots/ppp-project-*.png)."""
    page = _login(browser, demo_server, "finance")
    page.goto("/finance")  # type: ignore[attr-defined]
    links = page.locator("main a[href^='/finance/projects/']")  # type: ignore[attr-defined]
    assert links.count() == 5, "the demo has five PPP projects, each with a link to its page"
    links.first.click()
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert re.fullmatch(r".*/finance/projects/\d+", page.url), page.url  # type: ignore[attr-defined]
    assert page.locator("#phase-steps li.current").count() == 1  # type: ignore[attr-defined]
    assert page.locator(".milestone-table tbody tr").count() >= 1  # type: ignore[attr-defined]
    assert page.locator(".share-table tbody tr").count() >= 1  # type: ignore[attr-defined]
    problems = [f"desktop: {v}" for v in axe_violations(page)]
    screens.shot(page, "ppp-project-1280")
    page.set_viewport_size(PHONE)  # type: ignore[attr-defined]
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # type: ignore[attr-defined]
    width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    if width > PHONE["width"]:
        problems.append(f"{width} px wide on a {PHONE['width']} px phone")
    problems += [f"phone: {v}" for v in axe_violations(page)]
    # the payments table scrolls sideways on a phone: a payment type stays on one line (not a letter a line)
    kind = page.locator("table.ppp-payments tbody tr td:nth-child(2)").first  # type: ignore[attr-defined]
    lines = kind.evaluate("td => td.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)")
    if lines > 1.9:
        problems.append(f"a payment type wraps over {lines:.1f} lines on a phone")
    screens.shot(page, "ppp-project-390")
    page.context.close()  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


# every page with a date field, as the administrator sees it (the review and agreement pages: the demo's first)
DATE_PAGES = ["/documents", "/agreements", "/my", "/evaluate", "/sweep", "/inbox", "/finance", "/failures"]


def test_date_fields_show_the_chinese_form_in_an_english_locale_browser(demo_server: Server, browser: object) -> None:
    """In an en-US Chromium the native date picker shows mm/dd/yyyy; every date field of the UI shows
    2025-03-01 instead, with the placeholder 年-月-日 (YYYY-MM-DD in the English UI), and takes 2025年3月1日."""
    context = browser.new_context(base_url=demo_server.url, locale="en-US", viewport=DESKTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto("/agreements")
    agreement = page.locator("main a[href^='/agreements/']").first.get_attribute("href")
    page.goto("/documents")
    review = page.locator("main a[href^='/documents/'][href$='/review']").first.get_attribute("href")
    problems: list[str] = []
    fields = 0
    for path in [*DATE_PAGES, agreement, review]:
        page.goto(path)
        if page.locator("input[type=date]").count():
            problems.append(f"{path}: a native date picker")
        for field in page.locator("input.date-input").all():
            fields += 1
            name, value = field.get_attribute("name"), field.input_value()
            if field.get_attribute("placeholder") != "年-月-日":
                problems.append(f"{path} {name}: placeholder {field.get_attribute('placeholder')!r}")
            if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                problems.append(f"{path} {name}: shows {value!r}")
        shown = page.locator("main").inner_text()
        if found := MMDDYYYY.findall(shown):
            problems.append(f"{path}: dates as mm/dd/yyyy {found[:3]}")
    assert fields >= 15, f"only {fields} date fields found"
    assert not problems, "\n".join(problems)

    page.goto("/evaluate")
    start = page.locator("#filters input[name=start]")
    start.fill("2025年3月1日")
    start.press("Tab")  # leaving the field writes it the one way the pages show dates
    assert start.input_value() == "2025-03-01"
    page.goto("/evaluate?start=2025年3月1日&end=2026年2月28日")  # typed without scripts: the server reads it
    assert page.locator("#filters input[name=start]").input_value() == "2025-03-01"
    assert page.locator("#filters input[name=end]").input_value() == "2026-02-28"

    page.goto("/sweep")
    page.locator("input[name=as_of]").fill("2026年2月30日")
    page.locator("input[name=as_of]").evaluate("e => e.form.requestSubmit()")
    page.wait_for_load_state("networkidle")
    error = page.locator("input[name=as_of] + .field-error")
    assert error.inner_text() == "日历上没有这一天，请检查月份和日期。"  # beside the field, in Chinese

    page.goto("/lang/en")
    page.goto("/evaluate")
    assert page.locator("#filters input[name=start]").get_attribute("placeholder") == "YYYY-MM-DD"
    context.close()

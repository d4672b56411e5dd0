"""Every page each role visits, on the demo's data: no serious or critical axe-core violation (at desktop and
phone size) and, on a 390 × 844 phone, nothing wider than the screen. Screenshots of the phone view go to
artifacts/screenshots/phone-*.png."""

from __future__ import annotations

import re

import pytest

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
}
# What each demo account must have reached, so the walk cannot quietly shrink.
MUST_VISIT = {
    "admin": {"/documents", "/agreements", "/my", "/finance", "/evaluate", "/failures", "/search", "/calendar",
              "/sweep", "/admin/users", "/inbox", "/public", "review", "agreement", "failure", "obligation"},
    "investment": {"/documents", "/agreements", "/inbox", "review", "agreement", "failure"},
    "finance": {"/finance", "/documents", "/agreements", "review", "agreement"},
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


def test_login_and_public_pages_pass_axe_and_fit_a_phone(demo_server: Server, browser: object, screens: Screens) -> None:
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

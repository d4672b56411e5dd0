"""Issue 12, point 2 in the browser on the demo's data: 我的义务 is one page of rows, not all of them —
the admin's list used to be about 7,000 px tall with ~150 rows — and its pager, column sorting and filter
form keep their state in the URL."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import Screens, Server, demo_login


def rows(page: Any) -> list[str]:
    return [r.get_attribute("data-obligation") for r in page.locator("#my-obligations tbody tr[data-obligation]").all()]


def total(page: Any) -> int:
    found = re.search(r"\d+", page.locator("#my-total").inner_text())
    assert found
    return int(found.group())


def test_my_obligations_on_the_demo_are_paged_sorted_and_filtered(
    demo_server: Server, browser: Any, screens: Screens
) -> None:
    admin = demo_login(browser, demo_server, "admin")
    admin.goto("/my")
    listed = total(admin)
    assert listed > 100  # the demo city's open obligations: several pages of them
    first = rows(admin)
    assert len(first) == 25
    height = admin.evaluate("document.documentElement.scrollHeight")
    assert height < 3500, height  # one page of rows and the latest records, not 7,000 px of everything
    screens.shot(admin, "my-obligations-paged")

    admin.click("#my-pager a[rel=next]")
    admin.wait_for_load_state("networkidle")
    assert "page_no=2" in admin.url
    second = rows(admin)
    assert len(second) == 25
    assert not set(first) & set(second)
    assert "第 2 /" in admin.locator("#my-pager").inner_text()

    # sorting by a column goes back to page 1 and says so on the header; a second click reverses it
    admin.click("#my-obligations a.sort[data-sort=state]")
    admin.wait_for_load_state("networkidle")
    assert "sort=state" in admin.url
    assert "page_no" not in admin.url
    assert admin.locator("#my-obligations th[aria-sort=ascending] a[data-sort=state]").count() == 1
    admin.click("#my-obligations a.sort[data-sort=state]")
    admin.wait_for_load_state("networkidle")
    assert "sort=state-" in admin.url
    assert admin.locator("#my-obligations th[aria-sort=descending]").count() == 1

    # a filter through the form: the count shrinks, the sort stays, the pager and export links carry it
    admin.select_option("#my-filters select[name=state]", "breached")
    admin.click("#my-filters button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "state=breached" in admin.url
    assert "sort=state-" in admin.url
    breached = total(admin)
    assert 0 < breached < listed
    assert all("已违约" in t for t in admin.locator("#my-obligations tbody tr").all_inner_texts())
    assert "state=breached" in (admin.locator("#my-export a[data-format=xlsx]").get_attribute("href") or "")
    screens.shot(admin, "my-obligations-filtered")
    admin.context.close()

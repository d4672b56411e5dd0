"""Errors in place, in a real browser: a refused form comes back to its page with the message beside the
field (in the reader's language), the value the person typed put back, the field marked and focused —
the work of static/forms.js from the signed flash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from tests.browser.conftest import CHROMIUM, Screens, Server
from tests.browser.test_pages import login

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not installed")


def test_a_refused_form_shows_its_error_beside_the_field_and_keeps_the_value(
    server: Server, browser: object, screens: Screens
) -> None:
    page = login(browser, server, "admin")
    future = (clock.today() + timedelta(days=3)).isoformat()
    page.goto("/sweep")  # type: ignore[attr-defined]
    page.fill("#sweep-form input[name=as_of]", future)  # type: ignore[attr-defined]
    page.click("#sweep-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.url.endswith("/sweep")  # type: ignore[attr-defined]
    field = page.locator("#sweep-form input[name=as_of]")  # type: ignore[attr-defined]
    message = page.locator("#error-as_of")  # type: ignore[attr-defined]
    assert message.inner_text() == "扫描日期不能晚于今天。"
    assert field.input_value() == future
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby") == "error-as_of"
    assert page.evaluate("document.activeElement.name") == "as_of"  # type: ignore[attr-defined]
    assert page.locator("#flash").inner_text() == "请更正标出的项目，其余填写内容已保留。"  # type: ignore[attr-defined]
    assert "in the future" not in page.content()  # type: ignore[attr-defined]
    screens.shot(page, "form-error-zh")

    page.reload()  # type: ignore[attr-defined]  # shown once: the flash was consumed
    assert page.locator("#error-as_of").count() == 0  # type: ignore[attr-defined]

    page.goto("/lang/en?next_path=/sweep")  # type: ignore[attr-defined]
    page.fill("#sweep-form input[name=as_of]", future)  # type: ignore[attr-defined]
    page.click("#sweep-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.locator("#error-as_of").inner_text() == "The date cannot be after today."  # type: ignore[attr-defined]
    screens.shot(page, "form-error-en")

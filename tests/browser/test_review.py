"""A clerk works through the review of a contract whose two parties are defined on one line: fixes the
government party, sees its obligations re-derived, adds a missed clause by selecting it, edits a deadline
phrase (an unreadable one first, shown inline in Chinese), confirms with the keyboard (an overdue row asks
twice) and in bulk — then the API shows the right roles, owners and due dates; the credit office sweeps, and
each missed duty is recorded against the body that owed it: the township's as 政务失信 of 南海区, the
company's as a 违约 of the bureau managing the agreement, never shown as 失信. On SQLite and, when
``CHENGXIN_TEST_DATABASE_URL`` is set, PostgreSQL (a server per backend). Screenshots go to the test's tmp dir
at 1440×900 and 390×844."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from app import clock
from tests.browser.conftest import CHROMIUM, Server
from tests.browser.test_pages import login
from tests.review_contract import LAND, MISSED, SIGNED_ON, STARTED, SUBSIDY, contract_pdf

ME = "/api/auth/me"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not installed")


def csrf(page: Any) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "chengxin_csrf")


def upload(page: Any) -> int:
    response = page.request.post(
        "/api/documents",
        multipart={
            "file": {"name": "一行两方协议.pdf", "mimeType": "application/pdf", "buffer": contract_pdf()},
            "signed_on": SIGNED_ON,
        },
        headers={"x-csrf-token": csrf(page)},
    )
    assert response.status in (200, 202), response.text()
    doc_id = int(response.json()["id"])
    deadline = time.monotonic() + 60
    while page.request.get(f"/api/documents/{doc_id}").json()["status"] != "extracted":
        assert time.monotonic() < deadline, "extraction did not finish"
        time.sleep(0.2)
    return doc_id


def obligations(page: Any, doc_id: int) -> list[dict[str, Any]]:
    return list(page.request.get(f"/api/obligations?document_id={doc_id}&limit=100").json()["items"])


def row(page: Any, clause: str) -> Any:
    return page.locator("article.review-row").filter(has=page.locator("blockquote.source mark", has_text=clause))


def organisation_id(page: Any, name: str) -> int:
    return int(
        page.locator("form.party select[name=organisation_id] option", has_text=name).first.get_attribute("value")
    )


def select_in_text(page: Any, text: str) -> None:
    """Select ``text`` in the full-text pane, as a clerk's mouse would."""
    page.evaluate(
        """(text) => {
            const node = document.getElementById('review-text').firstChild;
            const at = node.textContent.indexOf(text);
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + text.length);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        }""",
        text,
    )


def test_review_walkthrough_one_line_parties(server_on_each_backend: Server, browser: Any, tmp_path: Path) -> None:
    server = server_on_each_backend
    page = login(browser, server, "investment")
    page.set_viewport_size({"width": 1440, "height": 900})
    doc_id = upload(page)
    page.goto(f"/documents/{doc_id}/review")
    page.wait_for_load_state("networkidle")
    proposed = obligations(page, doc_id)
    total = len(proposed)
    assert page.locator("#progress").inner_text() == f"已审核 0 / {total}"
    # least confident first, each row flagged with its confidence
    shown = [float(t.split()[-1].rstrip("%")) for t in page.locator(".review-row .confidence").all_inner_texts()]
    assert shown == sorted(shown)
    page.screenshot(path=str(tmp_path / "review-1440-before.png"), full_page=False)

    # --- the parties panel: 甲方 is the township government, linked to 南海区
    party = page.locator("form.party[data-label='甲方']")
    nanhai = organisation_id(page, "南海区")
    party.locator("input[name=name]").fill("某镇人民政府")
    party.locator("select[name=role]").select_option("government")
    party.locator("select[name=organisation_id]").select_option(str(nanhai))
    party.locator(".party-preview-btn").click()
    preview = party.locator(".party-preview")
    preview.locator("li").first.wait_for()
    items = preview.locator("li").all_inner_texts()
    assert len(items) == 2
    assert any(LAND[:10] in i for i in items)
    assert any(SUBSIDY[:10] in i for i in items)
    assert all("→ 政府方" in i and "→ 南海区" in i for i in items)
    page.screenshot(path=str(tmp_path / "review-1440-party-preview.png"), full_page=False)
    # nothing changed before it is applied
    assert {o["obligor_role"] for o in obligations(page, doc_id)} == {o["obligor_role"] for o in proposed}
    with page.expect_navigation():
        preview.locator(".party-apply").click()
    page.wait_for_load_state("networkidle")
    for clause in (LAND, SUBSIDY):
        assert row(page, clause).locator(".s-role").inner_text() == "政府方"
        assert row(page, clause).locator(".s-owner").inner_text() == "南海区"

    # --- add the missed clause by selecting it in the full text
    assert row(page, MISSED).count() == 0
    select_in_text(page, MISSED)
    assert f"已选中 {len(MISSED)} 字" in page.locator("#add-form .selection-info").inner_text()
    page.locator("#add-form select[name=party_id]").select_option(
        label=page.locator("#add-form select[name=party_id] option", has_text="甲方").inner_text()
    )
    page.locator("#add-form select[name=category]").select_option("construction")
    with page.expect_navigation():
        page.locator("#add-selected").click()
    page.wait_for_load_state("networkidle")
    added = row(page, MISSED)
    added.wait_for()
    assert added.count() == 1
    assert "current" in (added.get_attribute("class") or "")  # the new row has the keyboard focus
    assert added.locator(".s-owner").inner_text() == "南海区"
    assert "2026-09-30" in added.locator(".s-due").inner_text()
    assert page.locator("#progress").inner_text() == f"已审核 0 / {total + 1}"

    # --- split the payment clause at a selection, then merge the two rows back
    select_in_text(page, SUBSIDY[SUBSIDY.index("向乙方") :])
    subsidy = row(page, SUBSIDY)
    subsidy.locator(".act-edit").click()
    with page.expect_navigation():
        subsidy.locator(".act-split").click()
    page.wait_for_load_state("networkidle")
    head, tail = SUBSIDY[: SUBSIDY.index("向乙方")], SUBSIDY[SUBSIDY.index("向乙方") :]
    first, second = row(page, head), row(page, tail)
    assert first.locator("blockquote.source mark").inner_text() == head
    assert "2026-06-30" in first.locator(".s-due").inner_text()
    assert first.locator(".s-owner").inner_text() == second.locator(".s-owner").inner_text() == "南海区"
    second_id = second.get_attribute("data-id")
    first.locator(".act-edit").click()
    first.locator(".merge-with").select_option(second_id)
    with page.expect_navigation():
        first.locator(".act-merge").click()
    page.wait_for_load_state("networkidle")
    assert row(page, SUBSIDY).count() == 1
    assert page.locator(f"#ob-{second_id}").get_attribute("data-status") == "rejected"
    assert page.locator("#progress").inner_text() == f"已审核 1 / {total + 2}"

    # --- edit a deadline phrase: an unreadable one is refused beside the field, the other edits stay
    land = row(page, LAND)
    land.locator(".act-edit").click()
    form = land.locator("form.edit")
    form.locator("input[name=recurrence]").fill("")
    form.locator("input[name=amount]").fill("12345")
    form.locator("input[name=deadline_text]").fill("尽快")
    form.locator("button[type=submit]").click()
    error = form.locator('.field-error[data-for="deadline_text"]')
    error.wait_for()
    assert "期限表述：无法识别该期限表述" in error.inner_text()
    assert form.locator("input[name=amount]").input_value() == "12345"  # nothing typed was lost
    page.screenshot(path=str(tmp_path / "review-1440-inline-error.png"), full_page=False)
    form.locator("input[name=deadline_text]").fill("本协议签订之日起60日内")
    form.locator("button[type=submit]").click()
    form.wait_for(state="hidden")
    assert land.locator(".s-due").inner_text() == "→ 2026-03-11"
    assert land.locator(".s-phrase").inner_text() == "本协议签订之日起60日内"
    assert error.inner_text() == ""

    # --- confirm with the keyboard: the row is already overdue, so the first c warns and the second confirms
    land.locator("dl.summary").click()
    page.keyboard.press("c")
    warning = land.locator(".overdue-warning")
    assert "确认时已逾期" in warning.inner_text()
    assert land.get_attribute("data-status") == "proposed"
    page.keyboard.press("c")
    page.locator(f"#ob-{land.get_attribute('data-id')}.confirmed").wait_for()  # no reload: painted from the JSON
    assert page.locator("#progress").get_attribute("data-done") == "2"
    assert land.get_attribute("data-status") == "confirmed"
    assert "已逾期" in warning.inner_text()
    # j moves to the next row; the rest are confirmed in bulk
    page.keyboard.press("j")
    assert page.locator("article.review-row.current").count() == 1
    page.check("#select-all")
    with page.expect_navigation():
        page.click("button[value=confirm]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#progress").inner_text() == f"已审核 {total + 2} / {total + 2}"
    page.screenshot(path=str(tmp_path / "review-1440-confirmed.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "review-390-confirmed.png"), full_page=False)

    # --- the resulting obligations, through the API
    every = obligations(page, doc_id)
    assert [o["id"] for o in every if o["review_status"] == "rejected"] == [int(second_id)]  # merged away
    final = {o["quote"]: o for o in every if o["review_status"] != "rejected"}
    investment = int(page.request.get(ME).json()["organisation_id"])
    assert {o["review_status"] for o in final.values()} == {"confirmed"}
    for clause, due in ((LAND, "2026-03-11"), (SUBSIDY, "2026-06-30"), (MISSED, "2026-09-30")):
        ob = next(o for q, o in final.items() if clause in q)
        assert (ob["obligor_role"], ob["owner_id"], ob["deadline"]["due_date"]) == ("government", nanhai, due), ob
    assert float(next(o for q, o in final.items() if LAND in q)["amount"]) == 12345.0
    counterparty = [o for q, o in final.items() if not any(c in q for c in (LAND, SUBSIDY, MISSED))]
    assert counterparty
    assert {o["obligor_role"] for o in counterparty} == {"counterparty"}
    assert all(o["owner_id"] != nanhai for o in counterparty)
    assert {o["owner_id"] for o in counterparty} == {investment}  # the bureau managing the agreement
    started = next(o for q, o in final.items() if STARTED in q)
    assert started["deadline"]["due_date"] == "2026-04-30"

    # --- the credit office sweeps today: every duty past its date becomes a record of the body that owed it
    today = clock.today()
    admin = login(browser, server, "admin")
    admin.goto("/sweep")
    admin.fill("input[name=as_of]", today.isoformat())
    admin.click("#sweep-form button")
    admin.wait_for_load_state("networkidle")
    assert admin.locator("#sweep-government-failures").inner_text().isdigit()
    records = admin.request.get("/api/failures?limit=200").json()["items"]
    mine = {f["obligation_id"]: f for f in records if f["obligation_id"] in {o["id"] for o in final.values()}}
    late = {o["id"] for o in final.values() if o["deadline"]["due_date"] and o["deadline"]["due_date"] < str(today)}
    assert set(mine) == late
    assert len(late) == 4  # the three of the township, the company's permit and start of works
    for ob in final.values():
        if ob["id"] not in late:
            continue
        kind = "government_breach" if ob["obligor_role"] == "government" else "counterparty_default"
        assert (mine[ob["id"]]["kind"], mine[ob["id"]]["organisation_id"]) == (kind, ob["owner_id"]), ob
    assert {(f["kind"], f["organisation_id"]) for f in mine.values()} == {
        ("government_breach", nanhai),
        ("counterparty_default", investment),
    }
    tracked = {o["id"]: o for o in obligations(page, doc_id)}
    assert {tracked[i]["state"] for i in late} == {"breached"}
    assert {o["state"] for i, o in tracked.items() if i not in late and o["review_status"] == "confirmed"} == {
        "pending"
    }
    # --- the township sees its three 政务失信 records; the credit office sees them as 南海区's and the
    # company's default apart, typed 违约, never among the 失信 records; so does the bureau's clerk
    nanhai_page = login(browser, server, "nanhai")
    nanhai_page.goto("/my")
    breaches = nanhai_page.locator("#my-failures tbody tr[data-failure]")
    assert breaches.count() == 3
    assert all(any(c[:10] in t for c in (LAND, SUBSIDY, MISSED)) for t in breaches.all_inner_texts())
    nanhai_page.context.close()
    default = next(f for f in mine.values() if f["kind"] == "counterparty_default")
    admin.goto("/my")
    listed = admin.locator("#my-failures tbody tr[data-failure]")
    assert sorted(int(r.get_attribute("data-failure")) for r in listed.all()) == sorted(
        f["id"] for f in mine.values() if f["kind"] == "government_breach"
    )
    assert {t.split("\t")[1] for t in listed.all_inner_texts()} == {"南海区"}
    assert admin.locator(f"#my-defaults tr[data-failure='{default['id']}']").inner_text().split("\t")[1] == "违约"
    admin.context.close()
    page.goto(f"/failures/{default['id']}")
    assert page.locator("#failure-kind").inner_text() == "违约"
    assert "失信" not in page.locator("h1").inner_text()
    assert "失信" not in page.title()
    page.context.close()

"""A person's path through the UI in a real browser: upload → progress → review → events and fulfilment →
sweep → evaluation dashboard → public record. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

import httpx
import pytest

from app import clock
from tests.browser.conftest import CHROMIUM, PASSWORD, Screens, Server
from tests.pdfs import agreement_pdf

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not installed: apt-get install chromium"
)

HOSTILE = "第六条 甲方应当在2026年10月31日前向乙方支付奖励资金100万元<img src=x onerror=alert(1)>。"
# A sweep after both government deadlines in the test PDF (2025-12-31 and 2026-10-31 → 2026-11-02): today,
# since the sweep refuses a future date; the dashboard's default period ends today, so it includes it.
SWEEP_DAY = clock.today()
assert date(2026, 11, 2) < SWEEP_DAY, "the test PDF's government deadlines must have passed"
SWEEP_DATE = SWEEP_DAY.isoformat()


def login(browser: object, server: Server, username: str) -> object:
    context = browser.new_context(base_url=server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    page.console_errors = errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, page.content()
    return page


def row_for(page: object, clause: str) -> object:
    """The review row whose highlighted clause contains ``clause`` (context around it may show others)."""
    return page.locator("article.review-row").filter(has=page.locator("mark", has_text=clause))  # type: ignore[attr-defined]


def edit(row: object, **fields: str) -> None:
    """Open a review row's edit form (``e``), change fields (a select by its label) and save it (JSON, no reload)."""
    row.locator(".act-edit").click()  # type: ignore[attr-defined]
    form = row.locator("form.edit")  # type: ignore[attr-defined]
    for key, value in fields.items():
        field = form.locator(f"[name={key}]")
        if key.endswith("_id"):
            field.select_option(label=value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    form.wait_for(state="hidden")


def step(page: object, name: str, *, row: str | None = None, **fields: str) -> None:
    """Open the workflow step ``name`` (on the record page, or in the ``/my`` row of record ``row``), fill
    its form and submit it."""
    scope = page.locator(f"tr[data-failure='{row}']") if row else page  # type: ignore[attr-defined]
    form = scope.locator(f"details.step-{name}")
    form.locator("summary").click()
    for key, value in fields.items():
        field = form.locator(f"[name={key}]")
        if key == "reason":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]


def trend_total(page: object) -> int:
    caption = page.locator("#trend-chart figcaption").inner_text()  # type: ignore[attr-defined]
    return int(re.search(r"（(\d+)）", caption).group(1))  # type: ignore[union-attr]


def test_public_page_needs_no_login_and_pages_send_csp(server: Server, browser: object, screens: Screens) -> None:
    context = browser.new_context(base_url=server.url)  # type: ignore[attr-defined]
    page = context.new_page()
    response = page.goto("/public")
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("h1").inner_text() == "政务失信记录公示"
    page.goto("/evaluate")
    assert "/login" in page.url  # staff pages send the anonymous visitor to the login form
    context.close()


def test_language_switch(server: Server, browser: object, screens: Screens) -> None:
    page = login(browser, server, "investment")
    assert page.locator("h1").inner_text() == "上传合同与政策文件"
    page.click("text=English")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Upload contracts and policy plans"
    screens.shot(page, "upload-english")
    page.click("text=中文")
    assert page.locator("h1").inner_text() == "上传合同与政策文件"
    page.context.close()


def test_roles_only_reach_their_pages(server: Server, browser: object) -> None:
    page = login(browser, server, "evaluator")
    assert page.url.endswith("/evaluate")
    assert page.goto("/documents").status == 403
    assert "评价人员" in page.locator("header").inner_text()
    page.context.close()


def test_from_upload_to_public_record(server: Server, browser: object, screens: Screens) -> None:
    # --- evaluator: the dashboard before anything happened
    evaluator = login(browser, server, "evaluator")
    evaluator.goto("/evaluate")
    before = trend_total(evaluator)
    assert evaluator.locator("#trend-chart svg polyline").count() == 1
    screens.shot(evaluator, "evaluate-before")

    # --- investment bureau: upload, watch the progress bar finish
    inv = login(browser, server, "investment")
    assert inv.url.endswith("/documents")
    inv.set_input_files(
        "#file-input",
        files=[{"name": "招商协议<b>.pdf", "mimeType": "application/pdf", "buffer": agreement_pdf(HOSTILE)}],
    )
    item = inv.locator("#uploads li").first
    item.locator(".review-link").wait_for(timeout=60_000)
    assert item.get_attribute("data-status") == "extracted"
    assert "已提取" in item.locator(".status").inner_text()
    bar = item.locator("progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "1"
    assert "招商协议<b>.pdf" in item.locator(".name").inner_text()
    screens.shot(inv, "upload-progress-done")

    # --- review: each proposed obligation beside its highlighted clause, confirm in bulk
    item.locator(".review-link").click()
    inv.wait_for_load_state("networkidle")
    rows = inv.locator("article.review-row")
    assert rows.count() >= 3
    marks = inv.locator("blockquote.source mark").all_inner_texts()
    assert any("300万元" in m for m in marks)
    assert any("第1页" in t for t in inv.locator(".source-pane .muted").all_inner_texts())
    # hostile document text is shown as text, never run or parsed
    assert "<img src=x onerror=alert(1)>" in inv.locator("main").inner_text()
    assert inv.locator("main img").count() == 0
    land = row_for(inv, "交付项目用地")
    land_id = land.get_attribute("id").removeprefix("ob-")  # type: ignore[union-attr]
    edit(land, obligor_name="南海区人民政府")
    # the reviewer makes the district government responsible for the government-side payments
    for clause in ("产业扶持资金", "奖励资金"):
        edit(row_for(inv, clause), owner_id="南海区")
    inv.check("#select-all")
    screens.shot(inv, "review-before-confirm")
    inv.click("button[value=confirm]")
    inv.wait_for_load_state("networkidle")
    assert inv.locator(".badge.review-proposed").count() == 0
    assert inv.locator("article.review-row.confirmed").count() == rows.count()
    assert inv.locator(f"#ob-{land_id} .s-name").inner_text() == "南海区人民政府"
    assert row_for(inv, "产业扶持资金").locator(".s-owner").inner_text() == "南海区"
    screens.shot(inv, "review-confirmed")
    n_rows = rows.count()
    row_for(inv, "产业扶持资金").locator(".source-pane a").click()
    inv.wait_for_load_state("networkidle")
    assert "#clause-" in inv.url
    assert "300万元" in inv.locator("mark.clause:target").inner_text()
    assert inv.locator("#fulltext mark.clause").count() == n_rows
    screens.shot(inv, "document-full-text")

    # --- agreements: fulfilment at a glance, record an event and a fulfilment with an attachment
    inv.goto("/agreements")
    assert "履行中" in inv.locator("#agreements").inner_text()
    screens.shot(inv, "agreements")
    inv.locator("#agreements tbody a").first.click()  # the header row holds the sort links
    inv.wait_for_load_state("networkidle")
    # the contract names no 土地交付 anchor (its land is due 30 days from signing), so recording the signing
    # is the event that dates something: the land duty, due 30 days later, after the sweep below
    signed = (clock.today() - timedelta(days=1)).isoformat()
    inv.select_option("#event-form select[name=kind]", "signing")
    inv.fill("#event-form input[name=occurred_on]", signed)
    inv.click("#event-form button[value=preview]")  # the preview lists the land duty and keeps the inputs
    inv.wait_for_load_state("networkidle")
    assert "将确定以下 1 项义务的期限" in inv.locator("#event-preview").inner_text()
    assert "交付项目用地" in inv.locator("#event-preview").inner_text()
    assert inv.locator("#event-form input[name=occurred_on]").input_value() == signed
    inv.click("#event-form button[value=record]")
    inv.wait_for_load_state("networkidle")
    assert f"{signed} · 协议签订" in inv.locator("#events").inner_text()
    production = inv.locator("article.obligation", has_text="建成投产")
    production.locator("summary").click()
    production.locator("input[name=fulfilled_on]").fill("2026-06-20")
    production.locator("input[name=note]").fill("项目已建成投产，验收报告见附件")
    production.locator("input[name=file]").set_input_files(
        files=[{"name": "验收报告.txt", "mimeType": "text/plain", "buffer": "验收合格".encode()}]
    )
    production.locator("button[type=submit]").click()
    inv.wait_for_load_state("networkidle")
    production = inv.locator("article.obligation", has_text="建成投产")
    assert "按期履行" in production.inner_text()
    assert "验收报告.txt" in production.locator(".evidence").inner_text()
    with inv.expect_download() as attachment:
        production.locator(".evidence a").click()
    assert attachment.value.path().read_text(encoding="utf-8") == "验收合格"
    screens.shot(inv, "agreement-detail")

    # --- admin: sweep for a later date
    admin = login(browser, server, "admin")
    admin.goto("/sweep")
    admin.fill("input[name=as_of]", SWEEP_DATE)
    admin.click("#sweep-form button")
    admin.wait_for_load_state("networkidle")
    failures = int(admin.locator("#sweep-government-failures").inner_text())
    assert failures >= 1
    screens.shot(admin, "sweep")
    admin.goto("/agreements")
    glance = admin.locator("#agreements tbody tr").first.locator(".glance")
    assert "已违约 2" in glance.inner_text()
    assert "按期履行 1" in glance.inner_text()
    assert glance.locator("svg rect.seg-breached").count() == 1
    screens.shot(admin, "agreements-after-sweep")

    # --- evaluator: the trend chart and ranking changed; CSV downloads
    evaluator.goto("/evaluate")
    assert trend_total(evaluator) == before + failures
    assert (
        evaluator.locator("#trend-chart g.point[data-value='0']").count()
        < evaluator.locator("#trend-chart g.point").count()
    )
    assert f"{SWEEP_DAY:%Y-%m}" in evaluator.locator("#trend-chart svg").inner_html()
    ranking = evaluator.locator("#ranking").inner_text()
    assert re.search(r"\t[BCD]\n|\t[BCD]$", ranking), ranking  # someone lost their A
    assert "南海区" in evaluator.locator("#rate-chart svg").text_content()  # type: ignore[operator]
    screens.shot(evaluator, "evaluate-after")
    with evaluator.expect_download() as dl:
        evaluator.click("#csv")
    csv_text = dl.value.path().read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("排名,单位")
    # the XLSX and PDF links beside it (the PDF opens inline, so fetch both with the page's session)
    for link, magic in (("#xlsx", b"PK"), ("#pdf", b"%PDF")):
        export = evaluator.request.get(evaluator.locator(link).get_attribute("href"))
        assert export.ok, export.text()
        assert export.body().startswith(magic)

    # --- district government: my obligations with their states; its failure records
    nanhai = login(browser, server, "nanhai")
    assert nanhai.url.endswith("/my")
    assert "已违约" in nanhai.locator("#my-obligations").inner_text()
    assert nanhai.locator("#my-failures tbody tr").count() >= 1
    screens.shot(nanhai, "my-obligations")

    # --- calendar and search for everyone
    nanhai.goto("/calendar?month=2026-11")
    assert nanhai.locator("#calendar a.due").count() >= 1
    ics = nanhai.request.get(nanhai.locator("#ics").get_attribute("href"))
    assert ics.ok
    assert "BEGIN:VCALENDAR" in ics.text()
    screens.shot(nanhai, "calendar")
    nanhai.goto("/search?q=" + "产业扶持资金")
    assert "300万元" in nanhai.locator("#obligation-results").inner_text()
    screens.shot(nanhai, "search")

    # --- the 1103号 workflow through the pages: the credit office (admin) verifies both records the sweep
    # wrote and orders rectification; 南海区 answers one with a rectification plan and refuses the other,
    # which becomes a finding; its objection is rejected, so the record is published from the next day.
    today = clock.today()  # the server's notion of today (Beijing date)
    nanhai.goto("/my")
    rows = nanhai.locator("#my-failures tbody tr[data-failure]")
    published = rows.filter(has_text="300万元").first.get_attribute("data-failure")
    answered = next(r.get_attribute("data-failure") for r in rows.all() if r.get_attribute("data-failure") != published)
    for failure_id in (published, answered):
        admin.goto(f"/failures/{failure_id}")
        step(admin, "verify", note="已核实：逾期未履行")
        assert admin.locator("#failure-state").inner_text() == "已核实"
        step(admin, "order_rectification", plan="限期支付", deadline=(today + timedelta(days=7)).isoformat())
        assert admin.locator("#failure-state").inner_text() == "责令整改"
    screens.shot(admin, "failure-admin")

    nanhai.goto("/my")
    step(nanhai, "rectify", row=answered, note="整改方案：已筹措资金并于本月全额支付")
    assert nanhai.url.endswith("/my")
    assert "已整改" in nanhai.locator(f"tr[data-failure='{answered}']").inner_text()
    step(nanhai, "refuse_rectification", row=published, note="资金未到位")
    assert "认定失信" in nanhai.locator(f"tr[data-failure='{published}']").inner_text()
    screens.shot(nanhai, "my-failures-answered")
    nanhai.goto(f"/failures/{published}")
    reasons = nanhai.locator(".step-object select[name=reason] option").all_text_contents()
    assert "不可抗力" in reasons
    assert "政府换届" not in reasons  # never an admissible reason
    step(nanhai, "object", reason="already_performed", note="已按期支付", evidence="银行回单编号 2026-001")
    assert nanhai.locator("#failure-state").inner_text() == "异议中"
    screens.shot(nanhai, "failure-objection")
    admin.goto(f"/failures/{published}")
    step(admin, "reject_objection", note="回单日期晚于约定期限")
    assert admin.locator("#failure-state").inner_text() == "认定失信"
    tomorrow = today + timedelta(days=1)
    assert admin.locator("#published-window").inner_text().startswith(tomorrow.isoformat())
    screens.shot(admin, "failure-found")

    # The served app reads the real clock, so "the next day" comes by moving this record's stored window
    # back one day — a change of dates only; the state came from the workflow above.
    with sqlite3.connect(server.db_path) as db:
        db.execute(
            "UPDATE integrity_failure SET published_from = ?, published_until = date(published_until, '-1 day')"
            " WHERE id = ?",
            (today.isoformat(), int(published)),
        )
    public = browser.new_context(base_url=server.url).new_page()  # type: ignore[attr-defined]
    public.goto("/public")
    table = public.locator("#public-failures").inner_text()
    assert "300万元" in table
    public.fill("input[name=q]", "产业扶持")
    public.click("button[type=submit]")
    public.wait_for_load_state("networkidle")
    assert public.locator("#public-failures tbody tr").count() >= 1
    assert "项目已建成投产" not in public.content()  # no internal notes
    screens.shot(public, "public")

    for p in (evaluator, inv, admin, nanhai, public):
        assert not getattr(p, "dialogs", []), "a script ran from document text"
        assert not getattr(p, "console_errors", []), "console errors (e.g. CSP violations)"
        p.context.close()


def test_pages_answer_html_with_csrf_protection(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        page = client.get("/login")
        assert page.headers["content-type"].startswith("text/html")
        refused = client.post("/login", data={"username": "admin", "password": PASSWORD})
        assert refused.status_code == 403  # no CSRF token


@pytest.fixture(autouse=True)
def _no_server_errors(server: Server) -> object:
    yield
    log = (server.data_dir / "serve.log").read_text()
    assert "Traceback" not in log, log[-3000:]


def test_finance_sees_ppp_projects_payments_and_affordability(
    server: Server, browser: object, screens: Screens
) -> None:
    fin = login(browser, server, "finance")
    assert fin.url.endswith("/finance")
    assert "尚未登记PPP项目" in fin.locator(".notice").inner_text()
    # the finance bureau records a project, its milestones, payments and the district's budget through the API
    csrf = next(c["value"] for c in fin.context.cookies() if c["name"] == "chengxin_csrf")
    headers = {"x-csrf-token": csrf}

    def call(method: str, url: str, body: dict[str, object]) -> dict[str, object]:
        response = fin.request.fetch(url, method=method, data=body, headers=headers)
        assert response.ok, response.text()
        return response.json()

    orgs = fin.request.get("/api/organisations").json()
    district = next(o["id"] for o in (orgs["items"] if isinstance(orgs, dict) else orgs) if o["name"] == "南海区")
    project = call(
        "POST", "/api/ppp/projects", {"name": "南海污水处理PPP项目", "district_id": district,
                                      "payment_mechanism": "government_pay", "phase": "execution"}
    )  # fmt: skip
    pid = project["id"]
    call("PUT", f"/api/ppp/projects/{pid}/milestones/financial_close", {"actual_on": "2025-03-01"})
    call("PUT", f"/api/ppp/projects/{pid}/milestones/completion_acceptance", {"planned_on": "2027-06-30"})
    for year, amount in ((2026, "8000000"), (2027, "12000000")):
        call("PUT", f"/api/ppp/projects/{pid}/payments", {"year": year, "kind": "availability",
                                                         "amount_planned": amount})  # fmt: skip
    call("PUT", f"/api/ppp/budgets/{district}/2026", {"general_expenditure": "200000000"})

    fin.goto("/finance")
    assert "南海污水处理PPP项目" in fin.locator("main").inner_text()
    bars = fin.locator("#schedule-chart svg g.bar")
    assert bars.count() == 2
    labels = fin.locator("#schedule-chart svg text.label").all_text_contents()
    assert "2027" in labels
    ratio = fin.locator("#affordability-chart svg").text_content()
    assert "南海区 2026" in ratio  # 800万 ÷ 2亿 = 4 %
    screens.shot(fin, "finance")
    fin.context.close()


def test_a_bad_file_fails_with_a_reason_in_plain_words(server: Server, browser: object, screens: Screens) -> None:
    inv = login(browser, server, "investment")
    inv.set_input_files(
        "#file-input",
        files=[
            {"name": "损坏.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n1 0 obj broken"},
            {"name": "空白.txt", "mimeType": "text/plain", "buffer": b"   "},
        ],
    )
    # a third file arrives by drag and drop onto the drop zone
    dropped = inv.evaluate_handle(
        "() => { const dt = new DataTransfer();"
        " dt.items.add(new File(['%PDF-1.4 truncated'], '拖放.pdf', {type: 'application/pdf'})); return dt; }"
    )
    inv.dispatch_event("#dropzone", "drop", {"dataTransfer": dropped})
    items = inv.locator("#uploads li")
    inv.wait_for_function(
        "() => [...document.querySelectorAll('#uploads li')].filter(li => li.dataset.status === 'failed'"
        " || li.querySelector('.status-failed')).length === 3",
        timeout=60_000,
    )
    assert "拖放.pdf" in items.locator(".name").all_inner_texts()
    texts = items.locator(".status").all_inner_texts()
    assert all(t.startswith("失败：") for t in texts), texts
    assert any("文件" in t for t in texts)
    screens.shot(inv, "upload-failed")
    inv.context.close()

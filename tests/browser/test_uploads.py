"""/documents in a real browser: a scan shows its pages and the time left; a failed upload is retried and
deleted with its buttons (in the upload list and in the recent table after a reload); a file uploaded twice is
named with a link; a file without obligations says so."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.browser.conftest import Screens, Server
from tests.browser.test_pages import login
from tests.reading_builders import scanned_pages_pdf

MINUTES = "会议纪要：记录二〇二五年三月一日参会人员名单及会议议程。会议由市投资促进局主持。".encode()


def _audit_actions(server: Server, doc_id: int) -> list[str]:
    with sqlite3.connect(server.db_path) as db:
        rows = db.execute(
            "SELECT action FROM audit_log WHERE entity = 'document' AND entity_id = ? ORDER BY id", (doc_id,)
        ).fetchall()
    return [r[0] for r in rows]


def _document_exists(server: Server, doc_id: int) -> bool:
    with sqlite3.connect(server.db_path) as db:
        return db.execute("SELECT COUNT(*) FROM document WHERE id = ?", (doc_id,)).fetchone()[0] == 1


def test_a_failed_upload_is_retried_and_deleted(server: Server, browser: object, screens: Screens) -> None:
    inv = login(browser, server, "investment")
    inv.goto("/documents")
    inv.set_input_files(
        "#file-input",
        files=[
            {"name": "纪要-文本.pdf", "mimeType": "application/pdf", "buffer": MINUTES + b" 1"},
            {"name": "纪要.txt", "mimeType": "text/plain", "buffer": MINUTES + b" 2"},
        ],
    )
    failed = inv.locator("#uploads li", has_text="纪要-文本.pdf")
    empty = inv.locator("#uploads li", has_text="纪要.txt")
    inv.wait_for_function(
        "() => [...document.querySelectorAll('#uploads li')].map(li => li.dataset.status).sort().join()"
        " === 'failed,no_obligations'",
        timeout=60_000,
    )
    assert "纯文本" in failed.locator(".status").inner_text()
    assert "不是 PDF 文件" in failed.locator(".status").inner_text()
    assert empty.locator(".status").inner_text().startswith("未找到义务：")
    assert "没有找到约定义务的条款" in empty.locator(".status").inner_text()
    assert empty.locator("button.retry").is_hidden()  # only failed uploads have the buttons
    doc_id = int(failed.get_attribute("data-document") or 0)
    empty_id = int(empty.get_attribute("data-document") or 0)

    # retry: queued again, read again by the same job, failed again with the same reason
    failed.locator("button.retry").click()
    inv.wait_for_function(
        "id => { const li = document.querySelector(`#uploads li[data-document='${id}']`);"
        " return li && li.dataset.status === 'failed' && !li.querySelector('button.retry').disabled; }",
        arg=doc_id,
        timeout=60_000,
    )
    actions = _audit_actions(server, doc_id)
    assert actions[:3] == ["document.upload", "document.failed", "document.retry"], actions
    assert set(actions[3:]) == {"document.failed"}, actions  # failed again: not empty

    # the same bytes again: named as already uploaded, with a link to it
    inv.set_input_files(
        "#file-input", files=[{"name": "再传一次.txt", "mimeType": "text/plain", "buffer": MINUTES + b" 2"}]
    )
    again = inv.locator("#uploads li", has_text="再传一次.txt")
    notice = again.locator(".upload-note.notice")
    notice.wait_for(timeout=30_000)
    assert "该文件已上传过" in notice.inner_text()
    assert "纪要.txt" in notice.inner_text()
    assert notice.locator("a").get_attribute("href") == f"/documents/{empty_id}/review"
    screens.shot(inv, "upload-retry-duplicate-no-obligations")

    # delete from the list
    failed.locator("button.delete").click()
    inv.wait_for_function(
        "id => document.querySelector(`#uploads li[data-document='${id}']`).dataset.status === 'deleted'",
        arg=doc_id,
        timeout=30_000,
    )
    assert failed.locator(".status").inner_text() == "已删除"
    assert not _document_exists(server, doc_id)
    assert _audit_actions(server, doc_id)[-1] == "document.delete"
    screens.shot(inv, "upload-deleted")
    assert inv.console_errors == []  # type: ignore[attr-defined]
    inv.context.close()


def test_the_recent_table_retries_and_deletes_failed_uploads(server: Server, browser: object, screens: Screens) -> None:
    inv = login(browser, server, "investment")
    inv.goto("/documents")
    inv.set_input_files(
        "#file-input", files=[{"name": "表格里删.pdf", "mimeType": "application/pdf", "buffer": MINUTES + b" table"}]
    )
    item = inv.locator("#uploads li", has_text="表格里删.pdf")
    inv.wait_for_function(
        "() => [...document.querySelectorAll('#uploads li')].some(li => li.dataset.status === 'failed')",
        timeout=60_000,
    )
    doc_id = int(item.get_attribute("data-document") or 0)
    inv.reload()
    row = inv.locator(f"#recent tr#document-{doc_id}")
    assert row.get_attribute("data-status") == "failed"
    assert row.locator(".status").inner_text() == "失败"
    assert "纯文本" in row.locator(".reason").inner_text()
    row.locator("button.retry").click()
    inv.wait_for_function(
        "id => { const tr = document.getElementById('document-' + id);"
        " return tr.dataset.status === 'failed' && !tr.querySelector('button.retry').disabled; }",
        arg=doc_id,
        timeout=60_000,
    )
    assert "document.retry" in _audit_actions(server, doc_id)
    row.locator("button.delete").click()
    inv.wait_for_function(
        "id => document.getElementById('document-' + id).dataset.status === 'deleted'", arg=doc_id, timeout=30_000
    )
    assert row.locator(".status").inner_text() == "已删除"
    assert not _document_exists(server, doc_id)
    screens.shot(inv, "recent-table-deleted")
    inv.reload()
    assert inv.locator(f"#recent tr#document-{doc_id}").count() == 0
    assert inv.console_errors == []  # type: ignore[attr-defined]
    inv.context.close()


@pytest.mark.slow
def test_a_scan_shows_its_pages_and_the_time_left_while_ocr_runs(
    server: Server, browser: object, screens: Screens
) -> None:
    pages = [[f"Article {n}. Party A shall pay the subsidy of {n},000 yuan."] for n in range(1, 5)]
    inv = login(browser, server, "investment")
    inv.goto("/documents")
    inv.set_input_files(
        "#file-input", files=[{"name": "扫描件.pdf", "mimeType": "application/pdf", "buffer": scanned_pages_pdf(pages)}]
    )
    item = inv.locator("#uploads li", has_text="扫描件.pdf")
    # the page count shows before the first page is read, then the time left once a page is done
    inv.wait_for_function(
        "() => /^0\\/4 /.test(document.querySelector('#uploads li .pages').textContent)", timeout=60_000
    )
    inv.wait_for_function(
        "() => document.querySelector('#uploads li .eta').textContent.startsWith('预计还需约')", timeout=120_000
    )
    done = int(item.locator(".pages").inner_text().split("/")[0])
    assert 1 <= done < 4
    assert re.fullmatch(r"预计还需约 \d+ (秒|分钟)", item.locator(".eta").inner_text())
    assert item.get_attribute("data-status") == "extracting"
    screens.shot(inv, "upload-ocr-time-left")
    item.locator(".review-link").wait_for(timeout=180_000)
    assert item.locator(".pages").inner_text() == "4/4 页"
    assert item.locator(".eta").inner_text() == ""
    inv.context.close()

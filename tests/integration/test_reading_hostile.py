"""Hostile and broken files: each must fail fast with a one-line reason, never a traceback or a hang."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest

from extractors import (
    CorruptDocument,
    EmptyDocument,
    ExtractionError,
    LimitExceeded,
    Limits,
    UnsupportedFormat,
)
from extractors.reading import read_pages
from tests.reading_builders import (
    docx_file,
    docx_xml_bomb,
    docx_zip_bomb,
    flate_bomb_pdf,
    many_pages_pdf,
    one_page,
    page_count_lie_pdf,
    page_tree_loop_pdf,
    plain_zip,
    replace_part,
    self_drawing_form_pdf,
    self_referencing_object_stream_pdf,
    text_pdf,
    xobject_laughs_pdf,
)

LIMITS = Limits(timeout_seconds=30, memory_mb=768)


def _check_reason(error: ExtractionError) -> None:
    reason = error.reason
    assert "\n" not in reason
    assert "Traceback" not in reason
    assert re.fullmatch(r"[^()]*[\u4e00-\u9fff][^()]* \([ -~]+\)", reason), reason  # 中文 first, then (English)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        pytest.param(lambda: b"", EmptyDocument, id="empty-file"),
        pytest.param(lambda: b"  \n\t ", EmptyDocument, id="whitespace-only"),
        pytest.param(lambda: bytes(range(256)) * 64, UnsupportedFormat, id="random-bytes"),
        pytest.param(lambda: b"MZ\x90\x00" + bytes(2000), UnsupportedFormat, id="exe-named-pdf"),
        pytest.param(lambda: b"\x7fELF\x02\x01\x01" + bytes(500), UnsupportedFormat, id="elf"),
        pytest.param(plain_zip, UnsupportedFormat, id="zip-named-pdf"),
        pytest.param(lambda: plain_zip("OFD.xml"), UnsupportedFormat, id="ofd"),
        pytest.param(
            lambda: b"<!DOCTYPE html>\n<html><body>404 Not Found</body></html>",
            UnsupportedFormat,
            id="html-named-pdf",
        ),
        pytest.param(lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), UnsupportedFormat, id="png"),
        pytest.param(lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), UnsupportedFormat, id="old-doc"),
        pytest.param(lambda: b"%PDF-1.7\n", CorruptDocument, id="pdf-header-only"),
        pytest.param(lambda: text_pdf([["甲方应当履行义务。"]])[:300], CorruptDocument, id="truncated-pdf"),
        pytest.param(lambda: b"%PDF-1.4\n" + bytes(range(256)) * 40, CorruptDocument, id="pdf-header-then-garbage"),
        pytest.param(lambda: docx_file(["甲方应当"])[:400], CorruptDocument, id="truncated-docx"),
        pytest.param(page_count_lie_pdf, LimitExceeded, id="page-count-100000-lie"),
        pytest.param(lambda: many_pages_pdf(100_000), LimitExceeded, id="100000-real-pages"),
        pytest.param(docx_zip_bomb, LimitExceeded, id="docx-zip-bomb"),
        pytest.param(self_referencing_object_stream_pdf, EmptyDocument, id="self-referencing-object-stream"),
        pytest.param(page_tree_loop_pdf, CorruptDocument, id="page-tree-loop"),
    ],
)
def test_fails_with_a_one_line_reason(build: Callable[[], bytes], expected: type[ExtractionError]) -> None:
    started = time.monotonic()
    with pytest.raises(expected) as caught:
        read_pages(build(), LIMITS)
    _check_reason(caught.value)
    assert time.monotonic() - started < 20


def test_decompression_bomb_hits_the_memory_limit() -> None:
    with pytest.raises(LimitExceeded, match="内存") as caught:
        read_pages(flate_bomb_pdf(400), Limits(timeout_seconds=30, memory_mb=256))
    _check_reason(caught.value)


def test_xobject_billion_laughs_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        read_pages(xobject_laughs_pdf(), Limits(timeout_seconds=15, memory_mb=512))
    _check_reason(caught.value)
    assert time.monotonic() - started < 20


def test_docx_xml_bomb_is_not_expanded() -> None:
    started = time.monotonic()
    try:
        _, pages = read_pages(docx_xml_bomb(), LIMITS)
    except ExtractionError as error:
        _check_reason(error)
    else:
        assert len(pages[0].text) < 1000  # the entities stayed unexpanded
    assert time.monotonic() - started < 20


def test_docx_with_a_broken_document_part() -> None:
    data = replace_part(docx_file(["x"]), "word/document.xml", b"<w:document><not-closed>")
    with pytest.raises(CorruptDocument) as caught:
        read_pages(data, LIMITS)
    _check_reason(caught.value)


def test_self_drawing_form_is_read_without_recursing_forever() -> None:
    _, pages = read_pages(self_drawing_form_pdf(), LIMITS)
    assert "Recursion" in pages[0].text


def test_wall_clock_timeout_kills_the_child() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="时限") as caught:
        read_pages(text_pdf([["甲方应当"]] * 3), Limits(timeout_seconds=0.01))
    _check_reason(caught.value)
    assert time.monotonic() - started < 5


def test_too_large_file_is_refused_before_parsing() -> None:
    with pytest.raises(LimitExceeded, match="MB"):
        read_pages(b"%PDF-1.7\n" + bytes(3 << 20), Limits(max_bytes=1 << 20))


def test_page_limit_is_checked_before_any_page_is_parsed() -> None:
    progress: list[tuple[int, int]] = []
    with pytest.raises(LimitExceeded, match="页"):
        read_pages(text_pdf([["一页"]] * 4), Limits(max_pages=3), lambda done, total: progress.append((done, total)))
    assert progress == []


def test_blank_pdf_page_is_empty() -> None:
    with pytest.raises(EmptyDocument):
        read_pages(one_page(b""), LIMITS)


@pytest.mark.parametrize("seed", range(12))
def test_damaged_bytes_give_text_or_a_reason(seed: int) -> None:
    """Flipped, zeroed and cut bytes in a real PDF: either text or a clean ExtractionError."""
    rnd = random.Random(seed)
    data = bytearray(text_pdf([["第一条 甲方应当于2021年10月31日前完成土地交付。"], ["第二条 乙方应当按期开工。"]]))
    for _ in range(rnd.randint(1, 40)):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    if seed % 3 == 0:
        data = data[: rnd.randrange(200, len(data))]
    try:
        _, pages = read_pages(bytes(data), LIMITS, ocr=False)
    except ExtractionError as error:
        _check_reason(error)
    else:
        text = "\n".join(p.text for p in pages)
        assert all(text[p.start : p.start + len(p.text)] == p.text for p in pages)


class _SpinningPage:
    """A pdfplumber page whose layout never ends, as pdfminer's does on some reference loops."""

    closed = False

    def find_tables(self) -> list[object]:
        while True:
            pass

    def close(self) -> None:
        self.closed = True


class _FakePlumber:
    def __init__(self) -> None:
        self.spinning = _SpinningPage()
        self.given_up = False

    def page(self, index: int) -> _SpinningPage:
        return self.spinning

    def give_up(self) -> None:
        self.given_up = True


def test_pdfminer_spinning_on_a_page_falls_back_within_its_budget() -> None:
    from extractors.reading.pdf import _plumber_page

    plumber = _FakePlumber()
    started = time.monotonic()
    assert _plumber_page(plumber, 0, budget=0.2) is None  # type: ignore[arg-type]
    assert time.monotonic() - started < 2
    assert plumber.given_up  # the rest of the document goes to pdfium
    assert plumber.spinning.closed

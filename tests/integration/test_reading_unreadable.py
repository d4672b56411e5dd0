"""PDFs whose text layer cannot be read — fonts without a Unicode map, a scrambled map, Type3 bitmap fonts,
text only in annotations — and turned pages: each is read with its text (from the font, the annotations,
or OCR), or fails with a one-line reason that says the text layer cannot be read."""

from __future__ import annotations

import io

import pytest

from extractors import EmptyDocument, Limits
from extractors.reading import UNREADABLE_LAYER, UNREADABLE_LAYER_WITH_OCR, read_pages
from extractors.reading.ocr import looks_turned
from tests.integration.test_reading_hostile import _check_reason
from tests.reading_builders import (
    ENGLISH_LINES,
    annotation_only_pdf,
    identity_h_pdf,
    rotated_pdf,
    scrambled_map,
    sideways_scan_pdf,
    table_pdf,
    type3_bitmap_pdf,
)

LIMITS = Limits(timeout_seconds=120)
LINES = ENGLISH_LINES
CLAUSES = ["第一条 甲方应当于2025年12月31日前向乙方支付补助资金100万元。", "第二条 乙方应当按时足额缴纳土地出让金。"]
SCRAMBLED = scrambled_map(LINES)


def _text(data: bytes, ocr: bool = False) -> str:
    return "\n".join(page.text for page in read_pages(data, LIMITS, ocr=ocr)[1])


def test_a_font_without_a_unicode_map_is_read_through_its_own_character_map() -> None:
    # pdfium gives the glyph ids ("3DUW\\$"); pdfminer maps them back through the embedded font's cmap
    assert _text(identity_h_pdf(LINES)) == " ".join(LINES)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: identity_h_pdf(LINES, SCRAMBLED), id="scrambled-tounicode"),
        pytest.param(lambda: type3_bitmap_pdf(LINES), id="type3-bitmap-font"),
    ],
)
def test_an_unreadable_text_layer_without_ocr_fails_saying_so(build: object) -> None:
    assert callable(build)
    with pytest.raises(EmptyDocument) as caught:
        read_pages(build(), LIMITS, ocr=False)
    assert caught.value.reason == UNREADABLE_LAYER
    _check_reason(caught.value)


def test_an_unreadable_text_layer_that_ocr_cannot_read_either_fails_saying_so() -> None:
    with pytest.raises(EmptyDocument) as caught:
        read_pages(identity_h_pdf(LINES, SCRAMBLED, invisible=True), LIMITS)
    assert caught.value.reason == UNREADABLE_LAYER_WITH_OCR
    _check_reason(caught.value)


def test_text_only_in_annotations_is_read_top_to_bottom() -> None:
    data = annotation_only_pdf([("FreeText", CLAUSES[0]), ("Text", CLAUSES[1])])
    assert _text(data) == "\n".join(CLAUSES)


@pytest.mark.parametrize(("rotate", "drawn_at"), [(90, 0), (180, 0), (270, 0), (0, 90), (0, 180), (0, 30), (90, 90)])
def test_turned_pages_and_turned_text_keep_their_text_in_order(rotate: int, drawn_at: int) -> None:
    assert _text(rotated_pdf(CLAUSES, rotate, drawn_at)) == "\n".join(CLAUSES)


@pytest.mark.parametrize("rotate", [90, 270])
def test_a_turned_page_with_a_table_keeps_its_rows_in_order(rotate: int) -> None:
    from pypdf import PdfReader, PdfWriter

    data = table_pdf(
        ["前言：任务分工如下。"],
        [["序号", "任务", "牵头单位"], ["1", "完成土地交付", "区自然资源局"]],
        ["其他事项另行约定。"],
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.pages[0].rotate(rotate)
    out = io.BytesIO()
    writer.write(out)
    text = _text(out.getvalue())
    assert text.index("前言") < text.index("完成土地交付") < text.index("其他事项"), text


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        ([(10, 40, 5, "Article 1. Party A shall pay", 0.98, 400)], False),  # a line across the page
        ([(10, 400, 5, "Article 1. Party A shall pay", 0.9, 30)], True),  # a line up the page
        ([(10, 40, 5, "paA ytraP .1 elcitrA", 0.4, 400)], True),  # upside down: read, but unsure
        ([(10, 40, 5, "甲", 0.95, 30), (10, 40, 40, "方", 0.95, 30)], False),  # square CJK glyphs
        ([], False),  # a blank page is not turned
    ],
)
def test_looks_turned(boxes: list[tuple[float, float, float, str, float, float]], expected: bool) -> None:
    assert looks_turned(boxes) is expected


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180])
def test_a_sideways_or_upside_down_scan_is_turned_upright_and_read(turn: int) -> None:
    text = _text(sideways_scan_pdf(LINES, turn), ocr=True)
    assert "Party A shall pay the subsidy" in text
    assert "31 December 2025" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: identity_h_pdf(LINES, SCRAMBLED), id="scrambled-tounicode"),
        pytest.param(lambda: type3_bitmap_pdf(LINES), id="type3-bitmap-font"),
    ],
)
def test_an_unreadable_text_layer_is_ocrd(build: object) -> None:
    assert callable(build)
    _, pages = read_pages(build(), LIMITS)
    assert pages[0].ocr
    assert "Party A shall pay" in pages[0].text

"""Turn file bytes into pages of clean text. The format is detected from the bytes, never from a name.

    read_pages(data, limits, progress, ocr=True, filename=None) -> (media type, [Page, ...])

Modules, one concern each:

* ``sniff``     which format the bytes really are; text decoding (UTF-8, UTF-16, GB18030/GBK)
* ``sandbox``   runs the PDF and DOCX parsers in a child process with resource limits
* ``child``     the child's side: limits itself, parses, streams pages back as JSON (``raw``)
* ``pdf``       pypdfium2 + pdfplumber hybrid, tables, OCR fallback for pages without a text layer
* ``docx``      paragraphs and tables in document order, zip-bomb checks
* ``ocr``       RapidOCR on rendered page images
* ``textclean`` running headers/footers, page numbers, wrapped lines, full-width digits and letters

Every failure is an ``ExtractionError`` subclass with a one-line, clerk-facing reason.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from extractors.errors import EmptyDocument, LimitExceeded
from extractors.model import Limits, Page
from extractors.reading.raw import RawPage
from extractors.reading.sandbox import parse_in_child
from extractors.reading.sniff import DOCX, PDF, TEXT, check_name_matches, decode_text, sniff_media_type
from extractors.reading.textclean import (
    join_across_pages,
    ocr_punctuation,
    page_paragraphs,
    strip_running_lines,
    to_halfwidth,
    typical_width,
)

ProgressCallback = Callable[[int, int], None]

UNREADABLE_LAYER = (
    "PDF 的文字层无法读取（字体缺少字符映射或映射错乱），需要开启文字识别 "
    "(the PDF's text layer cannot be read: its fonts map to no characters; OCR is needed)"
)
UNREADABLE_LAYER_WITH_OCR = (
    "PDF 的文字层无法读取（字体缺少字符映射或映射错乱），文字识别也未能识别出文字 "
    "(the PDF's text layer cannot be read and OCR found no text either)"
)

__all__ = ["DOCX", "PDF", "TEXT", "ProgressCallback", "read_pages", "sniff_media_type"]


def read_pages(
    data: bytes,
    limits: Limits,
    progress: ProgressCallback | None = None,
    *,
    ocr: bool = True,
    filename: str | None = None,
) -> tuple[str, list[Page]]:
    """Return (media type, pages). Raises an ``ExtractionError`` subclass with a clerk-facing reason;
    ``filename`` (as uploaded) only serves to refuse plain text named like a PDF or Word file.

    ``Page.start`` is the offset of the page's text in ``"\\n".join(page.text for page in pages)``.
    """
    if len(data) > limits.max_bytes:
        raise LimitExceeded(
            f"文件超过 {limits.max_bytes // (1024 * 1024)} MB 上限 (the file is larger than "
            f"{limits.max_bytes // (1024 * 1024)} MB)"
        )
    if not data.strip():
        raise EmptyDocument("文件是空的 (the file is empty)")
    media_type = sniff_media_type(data)
    check_name_matches(media_type, filename)
    raw: list[RawPage] = []
    if media_type == TEXT:
        text = (decode_text(data) or "").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        text = to_halfwidth(text)
        pages = [Page(number=None, text=text)]
        if progress is not None:
            progress(1, 1)
    else:
        raw = parse_in_child(data, media_type, limits, ocr, progress)
        pages = clean(raw)
    if not any(has_text(p.text) for p in pages):
        if media_type == PDF and any(p.unreadable for p in raw):
            raise EmptyDocument(UNREADABLE_LAYER_WITH_OCR if ocr else UNREADABLE_LAYER)
        if media_type == PDF and not ocr:
            raise EmptyDocument("PDF 中没有文字层，可能是扫描件，需要开启文字识别 (no text layer: a scan needs OCR)")
        if media_type == PDF:
            raise EmptyDocument("PDF 中没有可识别的文字，扫描件也未能识别出文字 (no text found, not even by OCR)")
        raise EmptyDocument("文件中没有文字 (the file contains no text)")
    return media_type, with_offsets(pages)


def has_text(text: str) -> bool:
    """Anything but whitespace, invisible format characters (zero-width spaces, BOMs) and control codes."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs") for ch in text)


def clean(raw: list[RawPage]) -> list[Page]:
    """Raw pages → pages of clean text: running lines removed, wrapped lines joined (across page breaks
    too), OCR punctuation restored, full-width digits and letters in half width."""
    wrapped = [p for p in raw if p.wrapped]
    stripped = iter(strip_running_lines([p.blocks for p in wrapped]))
    widths = {
        False: typical_width([p.blocks for p in wrapped if not p.ocr]),
        True: typical_width([p.blocks for p in wrapped if p.ocr]),
    }
    blocks = [list(next(stripped)) if p.wrapped else list(p.blocks) for p in raw]
    paragraphs = [
        page_paragraphs(b, widths[p.ocr]) if p.wrapped else page_paragraphs(b) for p, b in zip(raw, blocks, strict=True)
    ]
    for ocr in (False, True):
        run = [i for i, p in enumerate(raw) if p.wrapped and p.ocr == ocr]
        for start, end in _consecutive(run):
            join_across_pages(blocks[start:end], paragraphs[start:end], widths[ocr])
    pages = []
    for p, lines in zip(raw, paragraphs, strict=True):
        text = to_halfwidth("\n".join(lines))
        if p.ocr:
            text = ocr_punctuation(text)
        pages.append(Page(number=p.number, text=text, ocr=p.ocr, tables=p.tables))
    return pages


def _consecutive(indexes: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive indexes as (start, end) slices: [1, 2, 3, 5] → [(1, 4), (5, 6)]."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


def with_offsets(pages: list[Page]) -> list[Page]:
    out, position = [], 0
    for p in pages:
        out.append(Page(number=p.number, text=p.text, start=position, ocr=p.ocr, tables=p.tables))
        position += len(p.text) + 1
    return out

"""Turn file bytes into pages of text. Detects the format from the bytes, never from the name alone."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

from extractors.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    LimitExceeded,
    UnsupportedFormat,
)
from extractors.model import Limits, Page

ProgressCallback = Callable[[int, int], None]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"


def sniff_media_type(data: bytes) -> str:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            pass
        raise UnsupportedFormat("这是一个压缩包而不是 PDF、Word 或文本文件 (a zip archive, not a PDF, DOCX or text file)")
    if _decode_text(data) is not None:
        return TEXT
    raise UnsupportedFormat("无法识别的文件格式，仅支持 PDF、DOCX 和文本文件 (unsupported file type)")


def _decode_text(data: bytes) -> str | None:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="strict")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def read_pages(data: bytes, limits: Limits, progress: ProgressCallback | None = None) -> tuple[str, list[Page]]:
    """Return (media type, pages). Raises an ``ExtractionError`` subclass with a clerk-facing reason."""
    if not data.strip():
        raise EmptyDocument("文件是空的 (the file is empty)")
    if len(data) > limits.max_bytes:
        raise LimitExceeded(f"文件超过 {limits.max_bytes // (1024 * 1024)} MB 上限 (file too large)")
    media_type = sniff_media_type(data)
    if media_type == PDF:
        pages = list(_pdf_pages(data, limits, progress))
    elif media_type == DOCX:
        pages = [_docx_page(data)]
    else:
        text = _decode_text(data) or ""
        pages = [Page(number=None, text=text)]
    if not any(p.text.strip() for p in pages):
        raise EmptyDocument("文件中没有可识别的文字 (no text found; a scanned file needs OCR)")
    return media_type, _with_offsets(pages)


def _with_offsets(pages: list[Page]) -> list[Page]:
    out, pos = [], 0
    for p in pages:
        out.append(Page(number=p.number, text=p.text, start=pos, ocr=p.ocr, tables=p.tables))
        pos += len(p.text) + 1
    return out


def _pdf_pages(data: bytes, limits: Limits, progress: ProgressCallback | None) -> Iterator[Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedDocument("文件有密码保护，请上传未加密的版本 (the PDF is password protected)") from exc
    except Exception as exc:
        raise CorruptDocument("PDF 文件已损坏或不完整 (the PDF is damaged or truncated)") from exc
    with pdf:
        total = len(pdf.pages)
        if total > limits.max_pages:
            raise LimitExceeded(f"文件有 {total} 页，超过 {limits.max_pages} 页上限 (too many pages)")
        for i, page in enumerate(pdf.pages, start=1):
            try:
                text = page.extract_text() or ""
            except Exception as exc:
                raise CorruptDocument(f"PDF 第 {i} 页已损坏 (page {i} of the PDF is damaged)") from exc
            finally:
                page.close()
            if progress:
                progress(i, total)
            yield Page(number=i, text=text)


def _docx_page(data: bytes) -> Page:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise CorruptDocument("Word 文件已损坏 (the DOCX file is damaged)") from exc
    return Page(number=None, text="\n".join(p.text for p in document.paragraphs))

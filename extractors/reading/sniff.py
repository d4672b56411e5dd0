"""Which format a file really is, from its bytes (never from its name), and text decoding."""

from __future__ import annotations

import io
import re
import zipfile

from extractors.errors import CorruptDocument, UnsupportedFormat

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"

_PROGRAM = "这是一个可执行程序而不是文档 (an executable program, not a document)"
_OLD_OFFICE = "这是旧版 Word/Excel 文件，请另存为 .docx 或 PDF 后上传 (an old .doc/.xls file: save as .docx)"
_IMAGE = "这是一张图片，请扫描成 PDF 后上传 (an image; upload a PDF instead)"
_ARCHIVE = "这是一个压缩包而不是 PDF、Word 或文本文件 (a compressed archive, not a PDF, DOCX or text file)"
_OFFICE = "这是 Excel 或 PowerPoint 文件，请另存为 PDF 后上传 (a spreadsheet or slides, not a document)"
_OFD = "这是 OFD 版式文件，请另存为 PDF 后上传 (an OFD file; save it as PDF)"
_BROKEN_ZIP = "压缩文件已损坏或不完整，无法打开 (the DOCX/zip file is damaged or truncated)"
_MARKUP_FILE = "这是网页或 XML 文件，请另存为 PDF 后上传 (a web page or XML file, not a document)"
_SCRIPT = "这是程序脚本而不是文档 (a program script, not a document)"
_UNKNOWN = "无法识别的文件格式，仅支持 PDF、DOCX 和文本文件 (unsupported file type)"
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", _PROGRAM),
    (b"\x7fELF", _PROGRAM),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _OLD_OFFICE),
    (b"\x89PNG", _IMAGE),
    (b"\xff\xd8\xff", _IMAGE),
    (b"GIF8", _IMAGE),
    (b"II*\x00", _IMAGE),
    (b"MM\x00*", _IMAGE),
    (b"Rar!", _ARCHIVE),
    (b"7z\xbc\xaf", _ARCHIVE),
    (b"\x1f\x8b", _ARCHIVE),
    (b"{\\rtf", "这是 RTF 文件，请另存为 .docx 或 PDF 后上传 (an RTF file; save it as .docx or PDF)"),
)
_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<svg", b"<script")
# How scripts begin (JavaScript, shell, batch, PHP, Python, PowerShell): a document never opens this way.
_SCRIPT_START = re.compile(
    r"(#!|<\?php|@echo\s+off|'use strict'|\"use strict\"|\(function\b|function\s+\w*\s*\(|"
    r"(var|let|const)\s+\w+\s*=|import\s+[\w{*]|from\s+\w+\s+import\s|export\s+(default|function|const)\b|"
    r"require\(|document\.|window\.|set\s+-e\b|param\s*\()",
    re.I,
)
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def strip_ansi(text: str) -> str:
    """Terminal colour and cursor codes (text copied from a console) removed; the words stay."""
    return _ANSI.sub("", text) if "\x1b" in text else text


def looks_like_script(text: str) -> bool:
    first = next((line.strip() for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    return bool(_SCRIPT_START.match(first))


def sniff_media_type(data: bytes) -> str:
    """PDF, DOCX or text; raises ``UnsupportedFormat`` for anything else (an exe, a zip, HTML...)."""
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise CorruptDocument(_BROKEN_ZIP) from exc
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
            raise UnsupportedFormat(_OFFICE)
        if "OFD.xml" in names:
            raise UnsupportedFormat(_OFD)
        raise UnsupportedFormat(_ARCHIVE)
    for magic, reason in _OTHER_FORMATS:
        if data.startswith(magic):
            raise UnsupportedFormat(reason)
    text = decode_text(data)
    if text is None:
        raise UnsupportedFormat(_UNKNOWN)
    if text.lstrip("\ufeff \t\r\n").lower().encode()[:64].startswith(_MARKUP):
        raise UnsupportedFormat(_MARKUP_FILE)
    if looks_like_script(text):
        raise UnsupportedFormat(_SCRIPT)
    return TEXT


# Names that promise a laid-out document: plain text under one of them is a mistake (a text export saved
# with the wrong name, a file renamed by hand), and extracting it would hide that from the clerk.
_DOCUMENT_SUFFIXES = {".pdf": "PDF", ".docx": "Word", ".doc": "Word", ".ofd": "OFD"}


def check_name_matches(media_type: str, filename: str | None) -> None:
    """Refuse plain text whose name says it is a PDF or Word file (``协议.pdf`` holding text): the bytes decide
    the format, and a clerk must learn that the file is not the document its name promises."""
    if media_type != TEXT or not filename:
        return
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    claimed = _DOCUMENT_SUFFIXES.get(suffix)
    if claimed is not None:
        raise UnsupportedFormat(
            f"文件名是 {suffix}，但内容是纯文本，不是 {claimed} 文件；请上传原始 {claimed} 文件，"
            f"或改名为 .txt 后上传 (named {suffix} but the content is plain text, not a {claimed} file)"
        )


_PLAUSIBLE = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _plausible(text: str) -> bool:
    """Mostly Chinese, Latin, digits, punctuation and whitespace: what a document decoded right looks like."""
    sample = text[:4000]
    return bool(sample) and len(_PLAUSIBLE.findall(sample)) >= 0.95 * len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - len(data) % 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text
    return None


def _looks_like_text(text: str) -> bool:
    sample = strip_ansi(text[:20000])
    if not sample:
        return True
    control = sum(
        1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or "\x7f" <= ch < "\xa0" or ch == "\ufffd"
    )
    return control <= len(sample) * 0.01


def decode_text(data: bytes) -> str | None:
    """Text in UTF-8, UTF-16 (with or without a BOM) or GB18030/GBK, terminal escape codes removed; None when
    it is not text."""
    text = _decode_text(data)
    return strip_ansi(text) if text is not None else None


def _decode_text(data: bytes) -> str | None:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return text if _looks_like_text(text) else None
    if b"\x00" in data[:4096]:  # ASCII in UTF-16 has a zero byte; no 8-bit encoding of text has one
        return _utf16_without_bom(data)
    try:
        text = data.decode("utf-8")
        return text if _looks_like_text(text) else None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _plausible(text):
            return text
    except UnicodeDecodeError:
        pass
    text16 = _utf16_without_bom(data)  # UTF-16 Chinese without a single ASCII character
    if text16 is not None:
        return text16
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        return None
    text = data.decode(best.encoding, errors="replace")
    return text if _looks_like_text(text) else None

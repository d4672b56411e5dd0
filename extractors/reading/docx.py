"""DOCX → one raw page of paragraphs and table rows in document order. Runs inside the sandboxed child.

Before python-docx reads a part, the zip directory is checked: python-docx loads every part into memory,
so a zip bomb is refused from the sizes the directory declares (and ``zipfile`` never inflates a member
past its declared size). XML bombs stay inert: python-docx's parser does not resolve entities.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from extractors.errors import CorruptDocument, LimitExceeded
from extractors.reading.raw import RawPage, Table
from extractors.reading.textclean import Block

MAX_RATIO = 100  # uncompressed / compressed, beyond which a large part is a zip bomb
MAX_ENTRIES = 10_000


def check_zip(data: bytes, max_unpacked: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptDocument("Word 文件已损坏或不完整 (the DOCX file is damaged or truncated)") from exc
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    bomb = unpacked > 20_000_000 and unpacked > MAX_RATIO * packed
    if len(infos) > MAX_ENTRIES or unpacked > max_unpacked or bomb:
        raise LimitExceeded("Word 文件解压后过大，可能是压缩炸弹 (the DOCX unpacks to too much data: a zip bomb)")


def read_docx(data: bytes, max_unpacked: int) -> RawPage:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    check_zip(data, max_unpacked)
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:
        raise CorruptDocument("Word 文件已损坏或格式不正确 (the DOCX file is damaged or not a Word document)") from exc
    body = document.element.body
    blocks: list[Block] = []
    tables: list[Table] = []
    paragraphs: list[str] = []
    for element in body.iter(qn("w:p"), qn("w:tbl")):
        if any(True for _ in element.iterancestors(qn("w:tbl"))):
            continue  # inside a table: read with the table
        if element.tag == qn("w:p"):
            paragraphs.append(Paragraph(element, document).text)
            continue
        if paragraphs:
            blocks.append(Block(tuple(paragraphs), joinable=False))
            paragraphs = []
        rows = _rows(DocxTable(element, document))
        tables.append(rows)
        blocks.append(Block(tuple(" ".join(c for c in row if c) for row in rows), joinable=False))
    if paragraphs:
        blocks.append(Block(tuple(paragraphs), joinable=False))
    return RawPage(None, tuple(blocks), tables=tuple(tables), wrapped=False)


def _rows(table: Any) -> Table:
    rows = []
    for row in table.rows:
        cells: list[str | None] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is returned once per grid column it spans
                continue
            previous = cell._tc
            text = " ".join(cell.text.split())
            cells.append(text or None)
        rows.append(tuple(cells))
    return tuple(rows)

"""What the parsing child sends back per page, before cleanup, and its JSON form on the wire.

The child parses hostile files, so what it sends is plain JSON, never a pickle: a child subverted
through a parser bug can send wrong text, but not code for the parent to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractors.reading.textclean import Block

Table = tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True, slots=True)
class RawPage:
    number: int | None
    blocks: tuple[Block, ...]
    ocr: bool = False
    tables: tuple[Table, ...] = ()
    wrapped: bool = True  # lines are layout lines (PDF, OCR) to re-join; False for DOCX paragraphs
    unreadable: bool = False  # a text layer that is not text, and OCR (if on) found none either


def page_to_json(page: RawPage) -> dict[str, Any]:
    return {
        "number": page.number,
        "blocks": [[list(block.lines), block.joinable] for block in page.blocks],
        "ocr": page.ocr,
        "tables": [[list(row) for row in table] for table in page.tables],
        "wrapped": page.wrapped,
        "unreadable": page.unreadable,
    }


def page_from_json(data: dict[str, Any]) -> RawPage:
    number = data["number"]
    return RawPage(
        number=int(number) if number is not None else None,
        blocks=tuple(Block(tuple(str(line) for line in lines), bool(joinable)) for lines, joinable in data["blocks"]),
        ocr=bool(data["ocr"]),
        tables=tuple(
            tuple(tuple(None if cell is None else str(cell) for cell in row) for row in table)
            for table in data["tables"]
        ),
        wrapped=bool(data["wrapped"]),
        unreadable=bool(data.get("unreadable", False)),
    )

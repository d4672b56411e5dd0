"""What the parsing child sends back per page, before cleanup."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.reading.textclean import Block

Table = tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True, slots=True)
class RawPage:
    number: int | None
    blocks: tuple[Block, ...]
    ocr: bool = False
    tables: tuple[Table, ...] = ()
    wrapped: bool = True  # lines are layout lines (PDF, OCR) to re-join; False for DOCX paragraphs

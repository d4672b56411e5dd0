"""Errors raised by the extractors. Every message is one line a clerk understands.

ExtractionError                 base; ``reason`` is the clerk-facing sentence, ``code`` a stable key
 ├── UnreadableDocument         the file cannot be read at all
 │    ├── UnsupportedFormat     not a PDF, DOCX or text file (or lies about its type)
 │    ├── EncryptedDocument     password protected
 │    ├── CorruptDocument       damaged or truncated
 │    └── EmptyDocument         no text (and OCR found none)
 └── LimitExceeded              too large, too many pages, too slow or too much memory
"""

from __future__ import annotations


class ExtractionError(Exception):
    code = "extraction_failed"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnreadableDocument(ExtractionError):
    code = "unreadable"


class UnsupportedFormat(UnreadableDocument):
    code = "unsupported_format"


class EncryptedDocument(UnreadableDocument):
    code = "encrypted"


class CorruptDocument(UnreadableDocument):
    code = "corrupt"


class EmptyDocument(UnreadableDocument):
    code = "empty"


class LimitExceeded(ExtractionError):
    code = "limit_exceeded"

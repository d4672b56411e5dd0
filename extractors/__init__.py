"""Document → obligations. Pure: bytes in, frozen dataclasses out; no web, database, clock or environment.

>>> from extractors import extract, ExtractOptions
>>> result = extract(pdf_bytes, ExtractOptions(signed_on=date(2019, 3, 15)))
>>> result.to_dict()["obligations"][0]["deadline"]
"""

from extractors.deadlines import resolve_deadline
from extractors.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    ExtractionError,
    LimitExceeded,
    UnreadableDocument,
    UnsupportedFormat,
)
from extractors.model import (
    Amount,
    Category,
    Deadline,
    DocumentInfo,
    DocumentKind,
    ExtractionResult,
    ExtractOptions,
    Limits,
    Obligation,
    Offset,
    Page,
    Party,
)
from extractors.pipeline import EXTRACTOR_VERSION, extract, extract_path

__all__ = [
    "EXTRACTOR_VERSION",
    "Amount",
    "Category",
    "CorruptDocument",
    "Deadline",
    "DocumentInfo",
    "DocumentKind",
    "EmptyDocument",
    "EncryptedDocument",
    "ExtractOptions",
    "ExtractionError",
    "ExtractionResult",
    "LimitExceeded",
    "Limits",
    "Obligation",
    "Offset",
    "Page",
    "Party",
    "UnreadableDocument",
    "UnsupportedFormat",
    "extract",
    "extract_path",
    "resolve_deadline",
]

"""Document → obligations. Pure: bytes in, frozen dataclasses out; no web, database, clock or environment.

>>> from extractors import extract, ExtractOptions
>>> result = extract(pdf_bytes, ExtractOptions(signed_on=date(2019, 3, 15)))
>>> result.to_dict()["obligations"][0]["deadline"]

Importing the package is cheap: ``extract`` and ``extract_path`` (the rules, the reader) are loaded on first use,
so ``resolve_deadline`` and the value types cost no NLP start-up.
"""

from typing import TYPE_CHECKING, Any

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
    EXTRACTOR_VERSION,
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

if TYPE_CHECKING:
    from extractors.pipeline import extract, extract_path

_LAZY = {"extract", "extract_path"}  # from extractors.pipeline (spaCy only once a clause is categorized)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from extractors import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'extractors' has no attribute {name!r}")


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

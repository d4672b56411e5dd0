"""Value types the extractors return: frozen dataclasses, serialisable to the documented JSON contract.

The JSON shape (``ExtractionResult.to_dict()``) is the public contract shared by the library, the
``chengxin extract --json`` command and the web application.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

#: changes whenever the same document may give a different result (stored with each extraction, in job ids)
EXTRACTOR_VERSION = "spacy-rules-0.3"

Role = Literal["government", "counterparty", "other", "unknown"]
DeadlineKind = Literal["absolute", "relative", "recurring", "none"]
OffsetUnit = Literal["day", "workday", "week", "month", "year"]
Anchor = Literal["signing", "effective", "other"]


class DocumentKind(StrEnum):
    INVESTMENT_PROMOTION = "investment_promotion"
    PPP = "ppp"
    POLICY_COMMITMENT = "policy_commitment"
    PROCUREMENT = "procurement"
    OTHER = "other"


class Category(StrEnum):
    """The closed list of obligation categories (documented in the README)."""

    PAYMENT = "payment"  # money the obligor pays: subsidies, fees, availability payments, rebates
    INVESTMENT = "investment"  # investment totals, registered capital, financing close
    LAND = "land"  # land supply, handover, land-use rights, premises
    APPROVAL = "approval"  # permits, approvals, registration, filings
    CONSTRUCTION = "construction"  # start, completion, infrastructure works
    OPERATION = "operation"  # operation and maintenance standards, service levels
    PERFORMANCE = "performance"  # output, tax, employment targets
    REPORTING = "reporting"  # notices, reports, information disclosure
    COMPLIANCE = "compliance"  # prohibitions (不得), lawful conduct, confidentiality
    GOVERNANCE = "governance"  # institutions, mechanisms, supervision, evaluation (policy tasks)
    SERVICE = "service"  # coordination, assistance, services to the other party
    HANDOVER = "handover"  # transfer of assets at the end of a concession
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Party:
    label: str | None  # 甲方, 乙方, Party A, the Company ...
    name: str | None
    role: Role

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "name": self.name, "role": self.role}


@dataclass(frozen=True, slots=True)
class Offset:
    value: int
    unit: OffsetUnit

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind = "none"
    date: date | None = None  # nominal end of the period (Civil Code arts. 201-202), before holiday shifts
    text: str | None = None
    offset: Offset | None = None
    anchor: Anchor | None = None
    anchor_text: str | None = None
    recurrence: str | None = None  # "RRULE:FREQ=…" (extractors.recurrence), or "periodic"/"irregular": no schedule

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "offset": self.offset.to_dict() if self.offset else None,
            "anchor": self.anchor,
            "anchor_text": self.anchor_text,
            "recurrence": self.recurrence,
        }


NO_DEADLINE = Deadline()


@dataclass(frozen=True, slots=True)
class Amount:
    value: float
    currency: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {"value": value, "currency": self.currency, "text": self.text}


@dataclass(frozen=True, slots=True)
class Obligation:
    text: str
    page: int | None
    start: int  # character offsets into ExtractionResult.text
    end: int
    obligor: Party
    responsible: tuple[str, ...] = ()
    category: Category = Category.OTHER
    action: str = ""
    deadline: Deadline = NO_DEADLINE
    amount: Amount | None = None
    conditions: tuple[str, ...] = ()
    penalty: str | None = None
    confidence: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "obligor": self.obligor.to_dict(),
            "responsible": list(self.responsible),
            "category": str(self.category),
            "action": self.action,
            "deadline": self.deadline.to_dict(),
            "amount": self.amount.to_dict() if self.amount else None,
            "conditions": list(self.conditions),
            "penalty": self.penalty,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True, slots=True)
class Page:
    """One page of extracted text. ``start`` is the page's offset in the document text."""

    number: int | None
    text: str
    start: int = 0
    ocr: bool = False
    tables: tuple[tuple[tuple[str | None, ...], ...], ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    sha256: str
    pages: int
    language: Literal["zh", "en"]
    kind: DocumentKind
    title: str | None
    signed_on: date | None
    parties: tuple[Party, ...] = ()
    media_type: str = "application/octet-stream"
    ocr: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "pages": self.pages,
            "language": self.language,
            "kind": str(self.kind),
            "title": self.title,
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "parties": [p.to_dict() for p in self.parties],
            "media_type": self.media_type,
            "ocr": self.ocr,
        }


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    document: DocumentInfo
    obligations: tuple[Obligation, ...]
    text: str = field(default="", repr=False)  # the full extracted text the offsets point into
    extractor_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract; each obligation's ``party`` is the index of its obligor in ``document.parties``
        (null when the obligor is a body the party table does not define)."""
        index = {p.label: i for i, p in reversed(list(enumerate(self.document.parties))) if p.label}
        return {
            "document": self.document.to_dict(),
            "obligations": [
                {**o.to_dict(), "party": index.get(o.obligor.label) if o.obligor.label else None}
                for o in self.obligations
            ],
            "extractor_version": self.extractor_version,
        }


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for parsing untrusted files. Time is CPU time of the parsing process, so that a
    busy machine delays a document instead of failing it; the wall clock only catches a hung parser."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    timeout_seconds: float = 300.0  # CPU seconds for the whole document (wall: ``WALL_FACTOR`` × this)
    memory_mb: int = 1536
    page_cpu_seconds: float = 120.0  # CPU seconds for one page, OCR included (an OCR page takes 5-35 s)


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Everything an extraction depends on besides the bytes (never the clock or the environment)."""

    filename: str | None = None
    media_type: str | None = None
    kind: DocumentKind | None = None  # None = detect
    signed_on: date | None = None  # anchor for relative deadlines when the text does not state it
    ocr: bool = True
    limits: Limits = field(default_factory=Limits)
    learned: bool = True  # apply the learned clause and role models (``extractors.learn``) after the rules
    models: Path | None = None  # where those models are; None = the weights shipped in the package
    piece_chars: int = 500_000  # longer texts are annotated in pieces, cut at line breaks

    def replace(self, **changes: Any) -> ExtractOptions:
        return dataclasses.replace(self, **changes)

"""Corrections are data: confirmed documents exported in the annotated corpus's gold format, and the
difference between the extractor's proposal and the confirmed facts per document.

The gold format is ``extractors/corpus``'s (``<doc_id>.txt`` + ``<doc_id>.gold.json``, see the corpus
README); an obligation's facts in that form come from ``app.services.obligations.facts`` — the same function
wrote the proposal at extraction, so proposal and confirmed facts compare field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import NotFound
from app.models import Agreement, Document, Obligation
from app.services.obligations import facts
from trackers import ObligationState, ReviewStatus

CORRECTED_FIELDS = ("role", "obligor", "deadline", "amount", "text")
_FACT_OF = {"role": "obligor_role", "obligor": "obligor", "deadline": "deadline", "amount": "amount", "text": "quote"}


def doc_id(document: Document) -> str:
    return f"chengxin_{document.id}"


async def _agreement(document: Document) -> Agreement | None:
    return await Agreement.filter(document_id=document.id).order_by("-id").first()


async def _kept(agreement: Agreement) -> list[Obligation]:
    """The confirmed facts: confirmed rows, not recurring instances, not replaced by an amendment."""
    return list(
        await Obligation.filter(agreement_id=agreement.id, review_status=ReviewStatus.CONFIRMED, parent_id=None)
        .exclude(state=ObligationState.AMENDED)
        .order_by("start", "ordinal")
    )


async def gold(document: Document) -> dict[str, Any]:
    agreement = await _agreement(document)
    if agreement is None:
        raise NotFound(f"Document {document.id} has no extracted agreement.")
    return {
        "doc_id": doc_id(document),
        "kind": str(agreement.kind),
        "language": document.language or "zh",
        "signed_on": agreement.signed_on.isoformat() if agreement.signed_on else None,
        "signed_on_note": "from review (chengxin corpus export)",
        "obligations": [facts(o) for o in await _kept(agreement)],
    }


async def reviewed_documents(document_id: int | None = None) -> list[Document]:
    """Documents whose review is finished: no proposal left, at least one confirmed obligation."""
    query = Document.filter(obligations__review_status=ReviewStatus.CONFIRMED).distinct()
    if document_id is not None:
        query = query.filter(id=document_id)
    docs = list(await query.order_by("id"))
    pending: set[int] = {
        int(i)  # type: ignore[call-overload]
        for i in await Obligation.filter(
            document_id__in=[d.id for d in docs], review_status=ReviewStatus.PROPOSED
        ).values_list("document_id", flat=True)
    }
    return [d for d in docs if d.id not in pending]


async def export_corpus(out: Path, document_id: int | None = None) -> list[str]:
    """Write ``<doc_id>.txt`` and ``<doc_id>.gold.json`` for every reviewed document; the doc ids."""
    files = [(doc_id(d), d.text or "", await gold(d)) for d in await reviewed_documents(document_id)]
    if document_id is not None and not files:
        raise NotFound(f"Document {document_id} does not exist or its review is not finished.")
    _write(out, files)
    return [name for name, _, _ in files]


def _write(out: Path, files: list[tuple[str, str, dict[str, Any]]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text, data in files:
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
        (out / f"{name}.gold.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


@dataclass(slots=True)
class Corrections:
    """What review changed in one document's proposal. Rates are over the proposed rows."""

    document_id: int
    proposed: int = 0
    confirmed: int = 0
    corrected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CORRECTED_FIELDS, 0))
    added: int = 0
    rejected: int = 0

    def to_dict(self) -> dict[str, Any]:
        n = self.proposed or 1
        return {
            "document_id": self.document_id,
            "proposed": self.proposed,
            "confirmed": self.confirmed,
            "corrected": dict(self.corrected),
            "added": self.added,
            "rejected": self.rejected,
            "rates": {
                **{k: v / n for k, v in self.corrected.items()},
                "added": self.added / n,
                "rejected": self.rejected / n,
            },
        }


def changed_fields(proposal: dict[str, Any], confirmed: dict[str, Any]) -> list[str]:
    return [name for name in CORRECTED_FIELDS if proposal.get(_FACT_OF[name]) != confirmed.get(_FACT_OF[name])]


async def corrections(document: Document) -> Corrections:
    agreement = await _agreement(document)
    result = Corrections(document.id)
    if agreement is None:
        return result
    rows = await Obligation.filter(agreement_id=agreement.id, parent_id=None, supersedes_id=None)
    for ob in rows:
        if ob.proposal is not None:
            result.proposed += 1
        if ob.review_status == ReviewStatus.REJECTED:
            result.rejected += ob.proposal is not None
            continue
        if ob.review_status != ReviewStatus.CONFIRMED:
            continue
        result.confirmed += 1
        if ob.proposal is None:
            result.added += 1
            continue
        for name in changed_fields(ob.proposal, facts(ob)):
            result.corrected[name] += 1
    return result

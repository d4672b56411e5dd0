"""Running the extractor over a stored document and writing its agreement and proposed obligations.

Idempotent: the agreement is keyed by (document, extractor version) and its obligations by ordinal, all
written in one transaction, so a re-run (a retried or restarted job) changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

import extractors
from app.models import (
    NO_OBLIGATIONS,
    Agreement,
    AgreementKind,
    AgreementParty,
    Document,
    DocumentStatus,
    Obligation,
    Organisation,
    PartyRole,
    User,
)
from app.security import scope_path_for
from app.services import audit
from app.services.obligations import deadline_fields, facts
from app.services.organisations import counterparty_named, district_of, match_organisation, unlabelled
from app.settings import Settings
from app.storage import FileStore

log = logging.getLogger("chengxin.extraction")

PROGRESS_INTERVAL_S = 0.25
INTERNAL_FAILURE = "处理该文件时发生内部错误，已记录，请联系管理员 (an internal error occurred; it has been logged)"


def no_obligations_reason(result: extractors.ExtractionResult) -> str:
    """Why an extracted document has no obligations, in words a clerk can act on: how much was read, and
    what kind of clause was looked for."""
    chars = sum(1 for ch in result.text if not ch.isspace())
    read = f"已读取 {result.document.pages} 页、{chars} 字"
    if result.document.ocr:
        read += "（文字识别）"
    return (
        f"{read}，但没有找到约定义务的条款（如“甲方应当……”“乙方承诺……”），请确认这是协议、合同或政策文件 "
        f"(read {result.document.pages} page(s), {chars} characters; no clause stating an obligation was found)"
    )


def extract_options(document: Document, settings: Settings) -> extractors.ExtractOptions:
    kind = extractors.DocumentKind(document.kind_hint) if document.kind_hint else None
    return extractors.ExtractOptions(
        filename=document.filename,
        media_type=document.media_type,
        kind=kind,
        signed_on=document.signed_on_hint,
        limits=extractors.Limits(
            max_bytes=settings.max_upload_mb * 1024 * 1024,
            max_pages=settings.max_pages,
            timeout_seconds=float(settings.extraction_timeout_s),
        ),
    )


async def run_extraction(
    document_id: int, settings: Settings, reading_slots: asyncio.Semaphore | None = None
) -> DocumentStatus:
    """The body of the extraction job. Returns the document's final status.

    ``reading_slots`` bounds how many documents this process reads at once: a job waits for a slot with
    its document still queued, so that jobs competing for the CPU delay each other instead of running
    out of time together."""
    if reading_slots is None:
        return await _run_extraction(document_id, settings)
    async with reading_slots:
        return await _run_extraction(document_id, settings)


async def _run_extraction(document_id: int, settings: Settings) -> DocumentStatus:
    document = await Document.get_or_none(id=document_id)
    if document is None:
        log.warning("document %s vanished before extraction", document_id)
        return DocumentStatus.FAILED
    version = extractors.EXTRACTOR_VERSION
    # claimed unless already extracted by this version (a second job for the document, e.g. re-enqueued
    # after a Redis outage while the first was running, must not put an extracted document back)
    claimed = await Document.filter(
        Q(status__not=DocumentStatus.EXTRACTED) | Q(extractor_version__isnull=True) | Q(extractor_version__not=version),
        id=document_id,
    ).update(
        status=DocumentStatus.EXTRACTING,
        pages_done=0,
        failure_code=None,
        failure_reason=None,
        updated_at=datetime.now(UTC),
    )
    if not claimed:
        return DocumentStatus.EXTRACTED
    store = FileStore(settings.files_dir)
    loop = asyncio.get_running_loop()
    last = [0.0]

    def progress(done: int, total: int) -> None:  # called from the worker thread
        now = time.monotonic()
        if done < total and now - last[0] < PROGRESS_INTERVAL_S:
            return
        last[0] = now
        asyncio.run_coroutine_threadsafe(_record_progress(document_id, done, total), loop)

    try:
        data = store.get(document.sha256)
        result = await asyncio.to_thread(extractors.extract, data, extract_options(document, settings), progress)
    except extractors.ExtractionError as exc:
        await _fail(document, exc.code, exc.reason)
        return DocumentStatus.FAILED
    except FileNotFoundError:
        await _fail(
            document,
            "missing_file",
            "存储的原始文件丢失，请重新上传 (the stored file is missing; upload it again)",
        )
        return DocumentStatus.FAILED
    except Exception:
        log.exception("extraction of document %s failed", document_id)
        await _fail(document, "internal", INTERNAL_FAILURE)
        return DocumentStatus.FAILED
    await save_extraction(document, result)
    return DocumentStatus.EXTRACTED


async def _record_progress(document_id: int, done: int, total: int) -> None:
    try:
        # never backwards: updates sent from the reading thread may be applied out of order
        await Document.filter(id=document_id, status=DocumentStatus.EXTRACTING, pages_done__lte=done).update(
            pages_done=done,
            pages=total,
            updated_at=datetime.now(UTC),  # a heartbeat: not stale while it moves
        )
    except Exception:  # progress is informative only; never let it break an extraction
        log.debug("progress update for document %s failed", document_id, exc_info=True)


async def _fail(document: Document, code: str, reason: str) -> None:
    await (
        Document.filter(id=document.id)
        .exclude(status=DocumentStatus.EXTRACTED)  # another run of the same document succeeded meanwhile
        .update(status=DocumentStatus.FAILED, failure_code=code, failure_reason=reason)
    )
    await audit.record(
        None,
        "document.failed",
        "document",
        document.id,
        {"status": document.status},
        {"status": DocumentStatus.FAILED, "reason": reason},
    )


async def _uploader_scope(document: Document, owner: Organisation) -> str:
    """The scope of the uploader: obligations it may be given without an explicit decision."""
    user = await User.get_or_none(id=document.uploaded_by_id) if document.uploaded_by_id else None
    if user is None:
        return f"/{owner.path.split('/')[1]}/"
    org = owner if user.organisation_id == owner.id else await Organisation.get(id=user.organisation_id)
    return await scope_path_for(user.role, org)


async def resolve_owner(
    ob: extractors.Obligation, parties: dict[str, AgreementParty], uploader: Organisation, scope: str
) -> tuple[Organisation, bool]:
    """The organisation that owes a government-side obligation and whether it is still unresolved.

    Tried in order: the party the obligor's label points at (its linked organisation, then its name), the
    obligor's own name (``甲方（X）`` → X) or, when it names none, the lead responsible unit — never another
    unit the clause lists (that would charge a co-responsible unit with the lead's duty). Nothing matched, or a match
    outside the uploader's scope (which needs an explicit decision), leaves the uploader as a placeholder
    with ``owner_unresolved`` set: review cannot confirm the obligation until someone assigns it."""
    names: list[str] = []
    party = parties.get(ob.obligor.label or "") or parties.get(unlabelled(ob.obligor.name or ""))
    if party is not None:
        if party.organisation is not None:
            return _within(party.organisation, uploader, scope)
        if party.name:
            names.append(party.name)
    lead = ob.obligor.name or next(iter(ob.responsible), None)  # the lead unit owes; co-responsible units do not
    if lead:
        names.append(lead)
    for name in names:
        found = await match_organisation(name, uploader)
        if found is not None:
            return _within(found, uploader, scope)
    return uploader, True


def _within(found: Organisation, uploader: Organisation, scope: str) -> tuple[Organisation, bool]:
    return (found, False) if found.path.startswith(scope) else (uploader, True)


async def save_extraction(document: Document, result: extractors.ExtractionResult) -> Agreement:
    """Write the agreement, its parties and obligations in one transaction; a concurrent run of the same
    document loses on the (document, extractor version) key and returns the winner's agreement."""
    try:
        return await _save_extraction(document, result)
    except IntegrityError:
        existing = await Agreement.get_or_none(document_id=document.id, extractor_version=result.extractor_version)
        if existing is None:
            raise
        await _mark_extracted(document, result, await Obligation.filter(agreement_id=existing.id).count())
        return existing


async def _save_extraction(document: Document, result: extractors.ExtractionResult) -> Agreement:
    info = result.document
    owner = await Organisation.get(id=document.organisation_id)
    district = await district_of(owner)
    async with in_transaction():
        existing = await Agreement.get_or_none(document_id=document.id, extractor_version=result.extractor_version)
        if existing is not None:  # an earlier run wrote it (a retry, a re-run after a crash)
            await _mark_extracted(document, result, await Obligation.filter(agreement_id=existing.id).count())
            return existing
        agreement = await Agreement.create(
            kind=AgreementKind(str(info.kind)),
            title=info.title,
            signed_on=info.signed_on,
            document=document,
            extractor_version=result.extractor_version,
            owning_department=owner,
            district=district,
        )
        parties = [
            AgreementParty(
                agreement=agreement,
                label=p.label,
                name=p.name,
                role=PartyRole(p.role),
                organisation=await match_organisation(p.name, owner) if p.role == "government" else None,
                counterparty=await counterparty_named(p.name) if p.role == "counterparty" else None,
            )
            for p in info.parties
        ]
        if parties:
            await AgreementParty.bulk_create(parties)
        scope = await _uploader_scope(document, owner)
        by_label = {p.label: p for p in parties if p.label}
        rows = []
        for ordinal, ob in enumerate(result.obligations):
            responsible_org, unresolved = owner, False
            if ob.obligor.role == "government":
                responsible_org, unresolved = await resolve_owner(ob, by_label, owner, scope)
            rows.append(
                Obligation(
                    agreement=agreement,
                    document=document,
                    ordinal=ordinal,
                    page=ob.page,
                    start=ob.start,
                    end=ob.end,
                    quote=ob.text,
                    obligor_label=ob.obligor.label,
                    obligor_name=(ob.obligor.name or "")[:300] or None,
                    obligor_role=PartyRole(ob.obligor.role),
                    responsible=list(ob.responsible),
                    owner=responsible_org,
                    owner_unresolved=unresolved,
                    category=str(ob.category),
                    action=ob.action,
                    amount=Decimal(str(ob.amount.value)) if ob.amount else None,
                    currency=ob.amount.currency if ob.amount else None,
                    amount_text=ob.amount.text[:200] if ob.amount else None,
                    conditions=list(ob.conditions),
                    penalty=ob.penalty,
                    confidence=ob.confidence,
                    **deadline_fields(ob.deadline, info.signed_on),
                )
            )
        for row in rows:
            row.proposal = facts(row)
        if rows:
            await Obligation.bulk_create(rows, batch_size=500)
        await _mark_extracted(document, result, len(rows))
        await audit.record(
            None,
            "document.extracted",
            "document",
            document.id,
            {"status": document.status},
            {"status": DocumentStatus.EXTRACTED, "agreement": agreement.id, "obligations": len(rows)},
        )
    return agreement


async def _mark_extracted(document: Document, result: extractors.ExtractionResult, obligations: int) -> None:
    """Extracted; with no obligations found the document says why (``NO_OBLIGATIONS`` and a reason), so
    that an empty result is not mistaken for a finished one."""
    info = result.document
    empty = obligations == 0
    await Document.filter(id=document.id).update(
        status=DocumentStatus.EXTRACTED,
        pages=info.pages,
        pages_done=info.pages,
        language=info.language,
        ocr=info.ocr,
        text=result.text,
        extractor_version=result.extractor_version,
        extracted_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
        failure_code=NO_OBLIGATIONS if empty else None,
        failure_reason=no_obligations_reason(result) if empty else None,
    )

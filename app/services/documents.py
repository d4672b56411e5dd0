"""Uploading documents, reading their status, retrying and deleting failed ones. Files are stored before the
upload is answered."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePath

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.errors import Conflict, InvalidInput, PayloadTooLarge
from app.models import (
    NO_OBLIGATIONS,
    Agreement,
    AgreementKind,
    Document,
    DocumentStatus,
    FulfilmentEvidence,
    IntegrityFailure,
    Obligation,
    PPPProject,
)
from app.security import Principal
from app.services import audit
from app.services.scope import get_in_scope
from app.services.scope import visible_documents as visible_documents  # re-exported: callers read it here
from app.storage import FileStore
from trackers import ReviewStatus

MAX_FILENAME = 255


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes
    content_type: str | None = None
    kind: AgreementKind | None = None
    signed_on: date | None = None


_FORMAT_CHARACTERS = "Cf"  # bidirectional overrides (U+202E), zero-width characters: they disguise a name
_RISKY_SUFFIXES = {".exe", ".com", ".bat", ".cmd", ".ps1", ".sh", ".js", ".vbs", ".msi", ".scr", ".dll", ".jar"}


def clean_filename(name: str | None) -> str:
    """The last path component, without control or format characters, at most ``MAX_FILENAME`` characters
    with its extension kept; a program's extension is neutralised (``setup.exe`` → ``setup.exe.txt``), and it
    is never empty."""
    base = PurePath((name or "").replace("\\", "/").replace("\x00", "")).name
    base = "".join(ch for ch in base if ch.isprintable() and unicodedata.category(ch) != _FORMAT_CHARACTERS)
    base = base.strip().strip(".") or "document"
    suffix = PurePath(base).suffix
    if suffix.lower() in _RISKY_SUFFIXES:
        base, suffix = f"{base}.txt", ".txt"
    if len(base) > MAX_FILENAME:
        keep = suffix if len(suffix) <= 16 else ""
        base = base[: MAX_FILENAME - len(keep)] + keep
    return base


async def upload_document(
    principal: Principal, upload: Upload, store: FileStore, max_bytes: int
) -> tuple[Document, bool]:
    """Store the file and create its document (queued). Identical bytes uploaded again by the same organisation
    return that organisation's document; another organisation gets a document of its own (the stored file is
    shared, content-addressed), so nothing about one organisation's upload is revealed to another."""
    if not upload.data:
        raise InvalidInput("The uploaded file is empty.", errors=[{"key": "file", "message": "empty file"}])
    if len(upload.data) > max_bytes:
        raise PayloadTooLarge(f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit.")
    digest = store.put(upload.data)  # durable before we answer
    existing = await Document.get_or_none(sha256=digest, organisation_id=principal.organisation_id)
    if existing is not None:
        return existing, False
    try:
        async with in_transaction():
            document = await Document.create(
                sha256=digest,
                filename=clean_filename(upload.filename),
                media_type=(upload.content_type or "application/octet-stream")[:120],
                size=len(upload.data),
                status=DocumentStatus.QUEUED,
                kind_hint=upload.kind.value if upload.kind else None,
                signed_on_hint=upload.signed_on,
                organisation_id=principal.organisation_id,
                uploaded_by_id=principal.user_id,
            )
            await audit.record(
                principal,
                "document.upload",
                "document",
                document.id,
                None,
                {"sha256": digest, "filename": document.filename, "size": document.size},
            )
    except IntegrityError:  # a concurrent upload of the same bytes won the race
        return await Document.get(sha256=digest, organisation_id=principal.organisation_id), False
    return document, True


async def get_document(principal: Principal, document_id: int) -> Document:
    return await get_in_scope(Document, document_id, principal)


def outcome(document: Document) -> str:
    """What the clerk sees: the status, except that an extracted document without obligations says so
    (``no_obligations``; its ``failure_reason`` says what was read)."""
    if document.status == DocumentStatus.EXTRACTED and document.failure_code == NO_OBLIGATIONS:
        return NO_OBLIGATIONS
    return str(document.status)


async def list_documents(
    principal: Principal, status: DocumentStatus | None, limit: int, offset: int
) -> tuple[list[Document], int]:
    query = Document.filter(visible_documents(principal)).distinct()
    if status:
        query = query.filter(status=status)
    total = await query.count()
    return await query.order_by("-id").offset(offset).limit(limit), total


async def queue_retry(principal: Principal, document_id: int) -> Document:
    """Put a failed document back in the queue; of two concurrent retries only one succeeds."""
    document = await get_document(principal, document_id)
    changed = await Document.filter(id=document.id, status=DocumentStatus.FAILED).update(
        status=DocumentStatus.QUEUED, updated_at=datetime.now(UTC)
    )
    if not changed:
        raise Conflict(f"Only failed documents can be retried; this one is {document.status}.")
    await document.refresh_from_db()
    await audit.record(principal, "document.retry", "document", document.id, {"status": "failed"}, {"status": "queued"})
    return document


async def delete_document(principal: Principal, document_id: int) -> Document:
    """Delete a failed document with what an earlier extraction of it left (proposed or rejected obligations,
    the agreement and its parties), in one transaction with its audit entry. Refused (409) while it is not
    failed, and when anything tracked hangs on it: a confirmed obligation, fulfilment evidence, a recorded integrity
    failure or a PPP project built on its agreement. The stored file stays: it is content-addressed and may be the same
    bytes as another organisation's document, and the audit entry names it by its SHA-256."""
    document = await get_document(principal, document_id)
    if document.status != DocumentStatus.FAILED:
        raise Conflict(
            f"只能删除处理失败的文件，该文件状态为 {document.status} "
            f"(only failed documents can be deleted; this one is {document.status})",
            document=document.id,
        )
    async with in_transaction():
        obligations = Obligation.filter(document_id=document.id)
        agreements = Agreement.filter(document_id=document.id)
        tracked = (
            await obligations.filter(review_status=ReviewStatus.CONFIRMED).exists()
            or await FulfilmentEvidence.filter(obligation__document_id=document.id).exists()
            or await IntegrityFailure.filter(obligation__document_id=document.id).exists()
            or await PPPProject.filter(agreement__document_id=document.id).exists()
        )
        if tracked:
            raise Conflict(
                "该文件已有确认的义务或据此记录的履约情况，不能删除 "
                "(confirmed obligations or records based on them refer to this document)",
                document=document.id,
            )
        removed = len(await obligations.values_list("id", flat=True))
        await Obligation.filter(document_id=document.id, parent_id__isnull=False).delete()  # instances first
        await obligations.delete()
        await agreements.delete()
        if not await Document.filter(id=document.id, status=DocumentStatus.FAILED).delete():
            raise Conflict("该文件刚被重新排队，未删除 (the document was queued again meanwhile)", document=document.id)
        await audit.record(
            principal,
            "document.delete",
            "document",
            document.id,
            {
                "status": document.status,
                "filename": document.filename,
                "sha256": document.sha256,
                "failure_code": document.failure_code,
                "obligations": removed,
            },
            None,
        )
    return document

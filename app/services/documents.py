"""Uploading documents and reading their status. Files are stored before the upload is answered."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePath

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.errors import Conflict, InvalidInput, PayloadTooLarge
from app.models import AgreementKind, Document, DocumentStatus
from app.security import Principal
from app.services import audit
from app.services.scope import get_in_scope
from app.services.scope import visible_documents as visible_documents  # re-exported: callers read it here
from app.storage import FileStore

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

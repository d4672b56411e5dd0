"""Uploading documents and reading their status. Files are stored before the upload is answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.errors import InvalidInput, NotFound, PayloadTooLarge
from app.models import AgreementKind, Document, DocumentStatus
from app.security import Principal
from app.services import audit
from app.storage import FileStore

MAX_FILENAME = 255


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes
    content_type: str | None = None
    kind: AgreementKind | None = None
    signed_on: date | None = None


def clean_filename(name: str | None) -> str:
    """The last path component, without control characters; never empty."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "document")[:MAX_FILENAME]


async def upload_document(
    principal: Principal, upload: Upload, store: FileStore, max_bytes: int
) -> tuple[Document, bool]:
    """Store the file and create its document (queued). Identical bytes return the existing document."""
    if not upload.data:
        raise InvalidInput("The uploaded file is empty.", errors=[{"key": "file", "message": "empty file"}])
    if len(upload.data) > max_bytes:
        raise PayloadTooLarge(f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit.")
    digest = store.put(upload.data)  # durable before we answer
    existing = await Document.get_or_none(sha256=digest)
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
        return await Document.get(sha256=digest), False
    return document, True


def visible_documents(principal: Principal) -> Q:
    """Documents uploaded inside the caller's scope. A body given obligations of a document from outside
    sees those obligations and their clauses, never the document itself (issue 10)."""
    return Q(organisation__path__startswith=principal.scope_path)


async def get_document(principal: Principal, document_id: int) -> Document:
    document = await Document.filter(visible_documents(principal), id=document_id).distinct().first()
    if document is None:
        raise NotFound(f"Document {document_id} does not exist or is not visible to you.")
    return document


async def list_documents(
    principal: Principal, status: DocumentStatus | None, limit: int, offset: int
) -> tuple[list[Document], int]:
    query = Document.filter(visible_documents(principal)).distinct()
    if status:
        query = query.filter(status=status)
    total = await query.count()
    return await query.order_by("-id").offset(offset).limit(limit), total

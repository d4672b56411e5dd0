"""/api/documents: upload, status and progress, the extracted text, the original file."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, Parameter

from app.api.deps import AppSettings, CurrentUser, Queue, Store
from app.api.schemas import SANE_DATES, DocumentRead, Page, document_read
from app.errors import InvalidInput
from app.jobs import submit_extraction
from app.models import AgreementKind, DocumentStatus
from app.security import STAFF, UPLOADERS
from app.services import documents as svc
from app.services.file_grants import require_file_access

UPLOAD_FIELDS = {"file", "kind", "signed_on"}


class DocumentController(Controller):
    path = "/api/documents"
    tags = ["documents"]

    @post("/", opt={"roles": UPLOADERS}, status_code=202)
    async def upload(
        self,
        principal: CurrentUser,
        settings: AppSettings,
        store: Store,
        queue: Queue,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[DocumentRead]:
        """Upload a contract or plan (PDF, DOCX or TXT). Stored durably before answering 202; identical bytes
        return the existing document (200, ``duplicate`` true). Extraction runs as a job; poll the document's
        URL."""
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "Send the document as the multipart field 'file'.",
                errors=[{"key": "file", "message": "required"}],
            )
        unknown = sorted(set(data) - UPLOAD_FIELDS)
        if unknown:
            raise InvalidInput(f"Unknown form fields: {', '.join(unknown)}.")
        kind = _parse_kind(data.get("kind"))
        signed_on = _parse_date(data.get("signed_on"))
        content = await upload.read()
        document, created = await svc.upload_document(
            principal,
            svc.Upload(upload.filename, content, upload.content_type, kind, signed_on),
            store,
            settings.max_upload_mb * 1024 * 1024,
        )
        if created:  # file and row are committed: the upload is accepted even if Redis is down
            await submit_extraction(queue, document.id)
        return Response(
            document_read(document, duplicate=not created),
            status_code=202 if created else 200,
            headers={"Location": f"/api/documents/{document.id}"},
        )

    @get("/", opt={"roles": STAFF})
    async def list_documents(
        self,
        principal: CurrentUser,
        status: FromQuery[DocumentStatus | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page:
        rows, total = await svc.list_documents(principal, status, limit, offset)
        return Page(items=[document_read(d) for d in rows], total=total, limit=limit, offset=offset)

    @get("/{document_id:int}", opt={"roles": STAFF})
    async def get_document(self, principal: CurrentUser, document_id: FromPath[int]) -> DocumentRead:
        return document_read(await svc.get_document(principal, document_id))

    @get("/{document_id:int}/text", opt={"roles": STAFF})
    async def get_text(self, principal: CurrentUser, document_id: FromPath[int]) -> dict[str, Any]:
        document = await svc.get_document(principal, document_id)
        return {"id": document.id, "status": str(document.status), "text": document.text or ""}

    @get("/{document_id:int}/file", opt={"roles": STAFF, "file_grant": True}, media_type="application/octet-stream")
    async def download(self, principal: CurrentUser, store: Store, document_id: FromPath[int]) -> Response[bytes]:
        """The original file. Evaluators need a grant (``/api/file-grants``); without one: 403."""
        document = await svc.get_document(principal, document_id)
        await require_file_access(principal)
        return Response(  # always a download of bytes: never the client's type, never rendered by a browser
            store.get(document.sha256),
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(document.filename)}",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @post("/{document_id:int}/retry", opt={"roles": UPLOADERS}, status_code=202)
    async def retry(self, principal: CurrentUser, queue: Queue, document_id: FromPath[int]) -> DocumentRead:
        """Queue a failed document for extraction again (e.g. after the extractor was improved)."""
        document = await svc.queue_retry(principal, document_id)
        await submit_extraction(queue, document.id, retry=True)  # a fresh job id: it runs now
        return document_read(document)

    @delete("/{document_id:int}", opt={"roles": UPLOADERS}, status_code=204)
    async def delete_document(self, principal: CurrentUser, document_id: FromPath[int]) -> None:
        """Delete a failed upload (409 while it is not failed or anything confirmed refers to it)."""
        await svc.delete_document(principal, document_id)


def _quote(name: str) -> str:
    return quote(name, safe="")


def _parse_kind(value: Any) -> AgreementKind | None:
    if value in (None, "", "auto"):
        return None
    try:
        return AgreementKind(str(value))
    except ValueError:
        allowed = ", ".join(k.value for k in AgreementKind)
        raise InvalidInput(
            f"Unknown document kind {value!r}; use one of: auto, {allowed}.",
            errors=[{"key": "kind", "message": "unknown"}],
        ) from None


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        parsed = date.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or not SANE_DATES[0] <= parsed <= SANE_DATES[1]:
        raise InvalidInput(
            f"signed_on must be a date as YYYY-MM-DD between {SANE_DATES[0]} and {SANE_DATES[1]}, not {value!r}.",
            errors=[{"key": "signed_on", "message": "not a date"}],
        )
    return parsed

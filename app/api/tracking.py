"""Tracking endpoints: waive, amend, suspend, resume, reopen an obligation; fulfilment evidence with an
attached file; early warnings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, Parameter

from app import clock
from app.api.deps import AppSettings, CurrentUser, Store
from app.api.schemas import (
    AmendRequest,
    AmendResponse,
    ObligationRead,
    Page,
    ReasonRequest,
    ResumeRequest,
    SuspendRequest,
    WarningRead,
    obligation_read,
)
from app.errors import InvalidInput
from app.models import Role
from app.security import REVIEWERS, STAFF
from app.services import obligations as obligations_svc
from app.services import tracking as svc

FULFILLERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE, Role.DEPARTMENT})
EVIDENCE_FIELDS = {"file", "fulfilled_on", "note", "amount"}


class ObligationTrackingController(Controller):
    path = "/api/obligations/{obligation_id:int}"
    tags = ["tracking"]

    @post("/waive", opt={"roles": REVIEWERS}, status_code=200)
    async def waive(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[ReasonRequest]
    ) -> ObligationRead:
        """The obligee released the obligor; no longer tracked, history kept."""
        return obligation_read(await svc.waive(principal, obligation_id, data.reason))

    @post("/reopen", opt={"roles": REVIEWERS}, status_code=200)
    async def reopen(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[ReasonRequest]
    ) -> ObligationRead:
        """Track a waived or fulfilled obligation again."""
        return obligation_read(await svc.reopen(principal, obligation_id, data.reason))

    @post("/suspend", opt={"roles": REVIEWERS}, status_code=200)
    async def suspend(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[SuspendRequest]
    ) -> ObligationRead:
        """Suspend while a condition precedent is unmet or a force-majeure notice is in force."""
        return obligation_read(await svc.suspend(principal, obligation_id, data.ground, data.note))

    @post("/resume", opt={"roles": REVIEWERS}, status_code=200)
    async def resume(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[ResumeRequest]
    ) -> ObligationRead:
        """Resume tracking, optionally with a new (extended) deadline."""
        return obligation_read(await svc.resume(principal, obligation_id, data.note, data.nominal_date))

    @post("/amend", opt={"roles": REVIEWERS}, status_code=201)
    async def amend(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[AmendRequest]
    ) -> AmendResponse:
        """Replace the obligation by a signed supplement: the old one is kept as ``amended``, the new one
        references it (``supersedes_id``) and is tracked from now on."""
        old, new = await svc.amend(
            principal,
            obligation_id,
            svc.Amendment(
                supplement=data.supplement,
                action=data.action,
                quote=data.quote,
                amount=data.amount,
                nominal_date=data.nominal_date,
                clear_deadline=data.clear_deadline,
            ),
        )
        return AmendResponse(amended=obligation_read(old), replacement=obligation_read(new))

    @post("/evidence", opt={"roles": FULFILLERS}, status_code=200)
    async def evidence(
        self,
        principal: CurrentUser,
        store: Store,
        settings: AppSettings,
        obligation_id: FromPath[int],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ObligationRead:
        """Fulfilment evidence with an attached file (multipart: ``file``, ``fulfilled_on``, ``note``,
        ``amount``). The file is stored content-addressed by SHA-256 before the evidence is recorded."""
        unknown = sorted(set(data) - EVIDENCE_FIELDS)
        if unknown:
            raise InvalidInput(f"Unknown form fields: {', '.join(unknown)}.")
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("Attach the evidence as the multipart field 'file'.", errors=[{"key": "file"}])
        try:
            fulfilled_on = date.fromisoformat(str(data.get("fulfilled_on", "")))
        except ValueError:
            raise InvalidInput("fulfilled_on must be a date YYYY-MM-DD.", errors=[{"key": "fulfilled_on"}]) from None
        amount = None
        if data.get("amount") not in (None, ""):
            try:
                amount = Decimal(str(data["amount"]))
            except InvalidOperation:
                raise InvalidInput("amount must be a number.", errors=[{"key": "amount"}]) from None
        content = await upload.read()
        if not content:
            raise InvalidInput("The attached file is empty.", errors=[{"key": "file", "message": "empty"}])
        if len(content) > settings.max_upload_mb * 1024 * 1024:
            raise InvalidInput("The attached file is too large.", errors=[{"key": "file", "message": "too large"}])
        await obligations_svc.get_obligation(principal, obligation_id)  # 404 before storing anything
        sha256 = store.put(content)
        row = await obligations_svc.record_fulfilment(
            principal,
            obligation_id,
            fulfilled_on,
            str(data.get("note") or ""),
            amount,
            today=clock.today(),
            file_sha256=sha256,
            file_name=(upload.filename or "evidence")[:255],
        )
        return obligation_read(row)


class WarningController(Controller):
    path = "/api/warnings"
    tags = ["tracking"]

    @get("/", opt={"roles": STAFF})
    async def list_warnings(
        self,
        principal: CurrentUser,
        issued_from: FromQuery[date | None] = None,
        issued_until: FromQuery[date | None] = None,
        window_days: FromQuery[int | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page:
        """Early warnings issued by the sweep (30, 7, 1 days ahead by default), within your scope."""
        rows, total = await svc.list_warnings(principal, issued_from, issued_until, window_days, limit, offset)
        items = [
            WarningRead(
                id=w.id,
                obligation_id=w.obligation.id,
                window_days=w.window_days,
                due_date=w.due_date,
                issued_on=w.issued_on,
                obligor_name=w.obligation.obligor_name,
                category=w.obligation.category,
                state=w.obligation.state,
                quote=w.obligation.quote[:300],
            )
            for w in rows
        ]
        return Page(items=items, total=total, limit=limit, offset=offset)

"""/api/failures (internal, scoped) and /api/public/failures (published records, no login)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from app import clock
from app.api.deps import AppSettings, CurrentUser
from app.api.schemas import (
    FailureRead,
    ManualFailureRequest,
    NoteRequest,
    ObjectionRequest,
    Page,
    PublicFailureRead,
    RectificationOrder,
    RectifyRequest,
    SweepRequest,
    failure_read,
)
from app.models import FailureKind, Role
from app.security import ADMIN_ONLY, PUBLIC, STAFF
from app.services import failures as svc
from app.services.sweep import sweep_obligations

# the recorded body (and the credit office acting for it) rectifies, refuses, objects
BODY = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE, Role.DEPARTMENT})


class FailureController(Controller):
    path = "/api/failures"
    tags = ["integrity failures"]

    @get("/", opt={"roles": STAFF})
    async def list_failures(
        self,
        principal: CurrentUser,
        kind: FromQuery[FailureKind | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page:
        rows, total = await svc.list_failures(principal, kind, limit, offset, FailureRead.__struct_fields__)
        return Page(items=[failure_read(row) for row in rows], total=total, limit=limit, offset=offset)

    @get("/{failure_id:int}", opt={"roles": STAFF})
    async def get_failure(self, principal: CurrentUser, failure_id: FromPath[int]) -> FailureRead:
        return failure_read(await svc.get_failure(principal, failure_id))

    @post("/", opt={"roles": ADMIN_ONLY}, status_code=201)
    async def record(
        self, principal: CurrentUser, settings: AppSettings, data: JSONBody[ManualFailureRequest]
    ) -> FailureRead:
        """Record a failure from outside the sweep — an unperformed court judgment, an administrative
        penalty, a disciplinary sanction, a 12345 complaint — with its source and reference."""
        manual = svc.ManualFailure(
            organisation_id=data.organisation_id,
            source=data.source,
            clause=data.clause,
            due_date=data.due_date,
            source_reference=data.source_reference,
            promised_to=data.promised_to,
            amount_outstanding=data.amount_outstanding,
            severity=data.severity,
            obligation_id=data.obligation_id,
        )
        return failure_read(await svc.record_manual(principal, manual, clock.today(), settings.failure_policy()))

    # --- the superior / competent department (the credit office) ---

    @post("/{failure_id:int}/verify", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def verify(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[NoteRequest]
    ) -> FailureRead:
        """核实: the facts are confirmed."""
        return failure_read(
            await svc.verify(principal, failure_id, clock.today(), settings.failure_policy(), data.note)
        )

    @post("/{failure_id:int}/dismiss", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def dismiss(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[NoteRequest]
    ) -> FailureRead:
        """Verification found no failure (reasons required)."""
        return failure_read(
            await svc.dismiss(principal, failure_id, clock.today(), settings.failure_policy(), data.note)
        )

    @post("/{failure_id:int}/rectification-order", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def order_rectification(
        self,
        principal: CurrentUser,
        settings: AppSettings,
        failure_id: FromPath[int],
        data: JSONBody[RectificationOrder],
    ) -> FailureRead:
        """整改: a rectification plan and a deadline after today."""
        row = await svc.order_rectification(
            principal, failure_id, clock.today(), settings.failure_policy(), data.plan, data.deadline
        )
        return failure_read(row)

    @post("/{failure_id:int}/find", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def find(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[NoteRequest]
    ) -> FailureRead:
        """认定: the breach finding; public after the objection period passes unchallenged."""
        return failure_read(await svc.find(principal, failure_id, clock.today(), settings.failure_policy(), data.note))

    @post("/{failure_id:int}/objection/uphold", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def uphold(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[NoteRequest]
    ) -> FailureRead:
        """The objection holds: the record is withdrawn (kept in history, never public)."""
        row = await svc.uphold_objection(principal, failure_id, clock.today(), settings.failure_policy(), data.note)
        return failure_read(row)

    @post("/{failure_id:int}/objection/reject", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def reject(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[NoteRequest]
    ) -> FailureRead:
        """The record stands and is published from the next day."""
        row = await svc.reject_objection(principal, failure_id, clock.today(), settings.failure_policy(), data.note)
        return failure_read(row)

    @post("/{failure_id:int}/repair", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def repair(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[NoteRequest]
    ) -> FailureRead:
        """信用修复 after rectification and the minimum period: no longer counted or published."""
        row = await svc.repair(principal, failure_id, clock.today(), settings.failure_policy(), data.note)
        return failure_read(row)

    # --- the recorded body ---

    @post("/{failure_id:int}/rectify", opt={"roles": BODY}, status_code=200)
    async def rectify(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[RectifyRequest]
    ) -> FailureRead:
        """The failure was corrected (on time: closed without a finding)."""
        row = await svc.rectify(
            principal, failure_id, clock.today(), settings.failure_policy(), data.note, data.rectified_on
        )
        return failure_read(row)

    @post("/{failure_id:int}/refuse", opt={"roles": BODY}, status_code=200)
    async def refuse(
        self, principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int], data: JSONBody[NoteRequest]
    ) -> FailureRead:
        """The body refuses to rectify: a finding with escalated severity."""
        row = await svc.refuse(principal, failure_id, clock.today(), settings.failure_policy(), data.note)
        return failure_read(row)

    @post("/{failure_id:int}/objection", opt={"roles": BODY}, status_code=200)
    async def object_to(
        self,
        principal: CurrentUser,
        settings: AppSettings,
        failure_id: FromPath[int],
        data: JSONBody[ObjectionRequest],
    ) -> FailureRead:
        """异议 within the objection period, with a reason code (``government_change`` and
        ``official_change`` are never accepted: 422)."""
        row = await svc.object_to(
            principal, failure_id, clock.today(), settings.failure_policy(), data.reason, data.note
        )
        return failure_read(row)


class PublicFailureController(Controller):
    path = "/api/public/failures"
    tags = ["public"]

    @get("/", opt={"roles": PUBLIC})
    async def published(
        self,
        q: Annotated[str | None, Parameter(max_length=100)] = None,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page:
        """Published government integrity-failure records: no internal notes, no personal data."""
        rows, total = await svc.published(clock.today(), q, limit, offset)
        items = [
            PublicFailureRead(
                id=f.id,
                organisation=f.organisation.name,
                promised_to=f.promised_to,
                severity=f.severity,
                due_date=f.due_date,
                days_late=f.days_late,
                amount_outstanding=f.amount_outstanding,
                clause=f.clause,
                published_from=f.published_from,
                published_until=f.published_until,
            )
            for f in rows
        ]
        return Page(items=items, total=total, limit=limit, offset=offset)


class SweepController(Controller):
    path = "/api/sweep"
    tags = ["tracking"]

    @post("/", opt={"roles": ADMIN_ONLY}, status_code=200)
    async def run(
        self, principal: CurrentUser, settings: AppSettings, data: JSONBody[SweepRequest]
    ) -> dict[str, object]:
        """Run the deadline sweep for a date (the daily job does this for today)."""
        del principal
        return (await sweep_obligations(data.as_of, settings.tracking_policies())).to_dict()

"""/api/obligations: list and read within scope, review (confirm / edit / reject), record fulfilment."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter, QueryParameter

from app import clock
from app.api.deps import AppSettings, CurrentUser
from app.api.schemas import (
    AnchorRequest,
    AssignOwnerRequest,
    ConfirmRequest,
    ConfirmResult,
    FulfilmentRequest,
    ObligationPatch,
    ObligationRead,
    Page,
    ReviewRequest,
    obligation_from_row,
    obligation_read,
)
from app.errors import InvalidInput
from app.models import PartyRole, Role
from app.security import REVIEWERS, STAFF
from app.services import obligations as svc
from trackers import ObligationState, ReviewStatus

FULFILLERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE, Role.DEPARTMENT})


class ObligationController(Controller):
    path = "/api/obligations"
    tags = ["obligations"]

    @get("/", opt={"roles": STAFF})
    async def list_obligations(
        self,
        principal: CurrentUser,
        review_status: FromQuery[ReviewStatus | None] = None,
        tracking_state: Annotated[ObligationState | None, QueryParameter(name="state")] = None,
        agreement_id: FromQuery[int | None] = None,
        document_id: FromQuery[int | None] = None,
        obligor_role: FromQuery[PartyRole | None] = None,
        due_before: FromQuery[date | None] = None,
        due_after: FromQuery[date | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page:
        flt = svc.ObligationFilter(
            review_status, tracking_state, agreement_id, document_id, obligor_role, due_before, due_after
        )
        rows, total = await svc.list_obligations(principal, flt, limit, offset)
        return Page(items=[obligation_from_row(row) for row in rows], total=total, limit=limit, offset=offset)

    @get("/{obligation_id:int}", opt={"roles": STAFF})
    async def get_obligation(self, principal: CurrentUser, obligation_id: FromPath[int]) -> ObligationRead:
        return obligation_read(await svc.get_obligation(principal, obligation_id))

    @patch("/{obligation_id:int}", opt={"roles": REVIEWERS})
    async def edit(
        self,
        principal: CurrentUser,
        settings: AppSettings,
        obligation_id: FromPath[int],
        data: JSONBody[ObligationPatch],
    ) -> ObligationRead:
        """Edit obligor, category, amount, deadline or owner; optionally confirm or reject in the same call."""
        fields = {f for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET} - {"review_status"}
        values = {f: getattr(data, f) for f in fields}
        edit = svc.ObligationEdit(**values, fields_set=frozenset(fields))
        current = await svc.get_obligation(principal, obligation_id)
        decision = (
            data.review_status if data.review_status is not msgspec.UNSET else ReviewStatus(current.review_status)
        )
        (row,) = await svc.review(
            principal, [obligation_id], decision, edit, horizon_days=settings.recurrence_horizon_days
        )
        return obligation_read(row)

    @post("/{obligation_id:int}/confirm", opt={"roles": REVIEWERS}, status_code=200)
    async def confirm(
        self, principal: CurrentUser, settings: AppSettings, obligation_id: FromPath[int]
    ) -> ObligationRead:
        (row,) = await svc.review(
            principal, [obligation_id], ReviewStatus.CONFIRMED, horizon_days=settings.recurrence_horizon_days
        )
        return obligation_read(row)

    @post("/{obligation_id:int}/reject", opt={"roles": REVIEWERS}, status_code=200)
    async def reject(
        self, principal: CurrentUser, settings: AppSettings, obligation_id: FromPath[int]
    ) -> ObligationRead:
        (row,) = await svc.review(
            principal, [obligation_id], ReviewStatus.REJECTED, horizon_days=settings.recurrence_horizon_days
        )
        return obligation_read(row)

    @post("/review", opt={"roles": REVIEWERS}, status_code=200)
    async def review_bulk(
        self, principal: CurrentUser, settings: AppSettings, data: JSONBody[ReviewRequest]
    ) -> list[ObligationRead]:
        """Confirm or reject many proposed obligations at once (all or none)."""
        if data.decision == ReviewStatus.PROPOSED:
            raise InvalidInput("decision must be 'confirmed' or 'rejected'.")
        rows = await svc.review(
            principal, list(dict.fromkeys(data.ids)), data.decision, horizon_days=settings.recurrence_horizon_days
        )
        return [obligation_read(o) for o in rows]

    @post("/confirm", opt={"roles": REVIEWERS}, status_code=200)
    async def confirm_bulk(
        self, principal: CurrentUser, settings: AppSettings, data: JSONBody[ConfirmRequest]
    ) -> ConfirmResult:
        """Confirm many obligations (all or none); answers which of them are already overdue. Obligations
        without an owner (``owner_unresolved``) are refused with 422 naming them."""
        rows = await svc.review(
            principal,
            list(dict.fromkeys(data.ids)),
            ReviewStatus.CONFIRMED,
            horizon_days=settings.recurrence_horizon_days,
        )
        overdue = svc.overdue_on_confirmation(rows, clock.today())
        return ConfirmResult(
            obligations=[obligation_read(o) for o in rows], overdue_on_confirmation=[o.id for o in overdue]
        )

    @post("/owner", opt={"roles": REVIEWERS}, status_code=200)
    async def assign_owner(self, principal: CurrentUser, data: JSONBody[AssignOwnerRequest]) -> list[ObligationRead]:
        """Assign the body that owes the obligations; one outside your scope needs ``outside_scope: true``."""
        rows = await svc.assign_owner(
            principal, list(dict.fromkeys(data.ids)), data.organisation_id, data.outside_scope
        )
        return [obligation_read(o) for o in rows]

    @post("/{obligation_id:int}/anchor", opt={"roles": REVIEWERS}, status_code=200)
    async def anchor(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[AnchorRequest]
    ) -> ObligationRead:
        """Anchor the obligation on a recorded event of its agreement by hand."""
        return obligation_read(await svc.anchor_to_event(principal, obligation_id, data.event_id))

    @post("/{obligation_id:int}/fulfilment", opt={"roles": FULFILLERS}, status_code=200)
    async def fulfil(
        self, principal: CurrentUser, obligation_id: FromPath[int], data: JSONBody[FulfilmentRequest]
    ) -> ObligationRead:
        """Record evidence of fulfilment (a note, the date, an amount for money duties; partial amounts add up)."""
        row = await svc.record_fulfilment(
            principal, obligation_id, data.fulfilled_on, data.note, data.amount, today=clock.today()
        )
        return obligation_read(row)

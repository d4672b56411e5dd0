"""/api/failures (internal, scoped) and /api/public/failures (published records, no login)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody, Parameter
from tortoise.expressions import Q

from app import clock
from app.api.deps import AppSettings, CurrentUser, Queue, Store  # noqa: F401
from app.api.schemas import Page, PublicFailureRead, SweepRequest, failure_read
from app.models import FailureKind, IntegrityFailure
from app.security import ADMIN_ONLY, PUBLIC, STAFF
from app.services.sweep import sweep_with_settings


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
        query = IntegrityFailure.filter(organisation__path__startswith=principal.scope_path)
        if kind:
            query = query.filter(kind=kind)
        total = await query.count()
        rows = await query.order_by("-detected_on", "-id").offset(offset).limit(limit)
        return Page(items=[failure_read(f) for f in rows], total=total, limit=limit, offset=offset)


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
        today = clock.today()
        query = IntegrityFailure.filter(
            kind=FailureKind.GOVERNMENT_BREACH, published_from__lte=today, published_until__gt=today
        ).select_related("organisation")
        if q:
            query = query.filter(Q(organisation__name__icontains=q) | Q(clause__icontains=q))
        total = await query.count()
        rows = await query.order_by("-published_from", "-id").offset(offset).limit(limit)
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
        return (await sweep_with_settings(data.as_of, settings)).to_dict()

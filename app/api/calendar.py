"""/api/calendar/{organisation_id}/deadlines.ics: a subscribable iCalendar feed of deadlines.

Calendar clients cannot send headers, so besides bearer auth the feed accepts an API token in the URL
(``?token=cx_…``; create a read-only one for this). The caller must see the organisation."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from app import clock
from app.api.ids import IdPath
from app.errors import Unauthenticated
from app.exports.ical import deadlines_calendar
from app.models import IntegrityFailure, Obligation, Organisation
from app.security import PUBLIC, STAFF, Principal, authenticate
from app.services.scope import get_in_scope
from trackers import ReviewStatus

OPEN = ("pending", "due_soon", "overdue", "partially_fulfilled")
PAST_DAYS = 90


async def feed_principal(request: Request[Any, Any, Any], token: str | None) -> Principal:
    principal: Principal | None = request.scope.get("user")
    if principal is None and token:
        scope: Any = {"type": "http", "headers": [(b"authorization", f"Bearer {token}".encode())]}
        principal = await authenticate(scope)
    if principal is None or principal.role not in STAFF:
        raise Unauthenticated("Send a bearer token or put an API token in the URL (?token=…).")
    return principal


class CalendarController(Controller):
    path = "/api/calendar"
    tags = ["exports"]

    @get(
        "/{organisation_id:int}/deadlines.ics",
        opt={"roles": PUBLIC, "authenticates_itself": True},  # by bearer token or ?token=
        media_type="text/calendar",
        response_description="RFC 5545 calendar with VALARM reminders",
    )
    async def deadlines(
        self,
        request: Request[Any, Any, Any],
        organisation_id: IdPath,
        token: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> Response[bytes]:
        """Open obligations (due from 90 days ago) and rectification deadlines of the organisation's subtree."""
        principal = await feed_principal(request, token)
        org = await get_in_scope(Organisation, organisation_id, principal)
        since = clock.today() - timedelta(days=PAST_DAYS)
        obligations = await Obligation.filter(
            owner__path__startswith=org.path,
            review_status=ReviewStatus.CONFIRMED,
            state__in=OPEN,
            due_date__gte=since,
        ).order_by("due_date", "id")
        failures = await IntegrityFailure.filter(
            organisation__path__startswith=org.path,
            state="rectification_ordered",
            rectification_deadline__isnull=False,
        ).order_by("rectification_deadline", "id")
        body = deadlines_calendar(org, obligations, failures, host=request.url.hostname or "chengxin")
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'inline; filename="deadlines-{organisation_id}.ics"'},
        )

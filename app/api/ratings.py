"""/api/ratings: integrity figures, score and grade per organisation (rolled up), and monthly trends."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from app import clock
from app.api.deps import CurrentUser
from app.api.schemas import SnapshotRead
from app.models import Role
from app.services import ratings as svc

RATING_READERS = frozenset({Role.EVALUATOR, Role.ADMIN, Role.INVESTMENT, Role.FINANCE})


class RatingController(Controller):
    path = "/api/ratings"
    tags = ["ratings"]

    @get("/", opt={"roles": RATING_READERS})
    async def ratings(
        self,
        principal: CurrentUser,
        period_start: FromQuery[date | None] = None,
        period_end: FromQuery[date | None] = None,
        org_id: FromQuery[int | None] = None,
    ) -> list[dict[str, Any]]:
        """Counts, rates, amounts, score and grade per organisation in your scope, each rolled up over the
        organisations under it. Default period: this calendar year up to today."""
        end = period_end or clock.today()
        start = period_start or end.replace(month=1, day=1)
        return [s.to_dict() for s in await svc.organisation_stats(principal, start, end, org_id)]

    @get("/{org_id:int}/snapshots", opt={"roles": RATING_READERS})
    async def trend(
        self, principal: CurrentUser, org_id: FromPath[int], since: FromQuery[date | None] = None
    ) -> list[SnapshotRead]:
        """Monthly snapshots (written by the first sweep of each month) for trend charts."""
        rows = await svc.snapshots(principal, org_id, since)
        return msgspec.convert(rows, list[SnapshotRead], from_attributes=True)

"""/api/reports/{district_id}/evaluation.pdf: the evaluation report of a district for a period."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from litestar import Controller, Response, get
from litestar.di import Provide

from app import clock
from app.api.deps import CurrentUser
from app.api.ids import IdPath
from app.api.stats import STATS_ROLES, StatsQuery, provide_stats_filter
from app.exports.pdf_report import FailureLine, ReportData, render
from app.models import FailureKind, Organisation
from app.services import listings
from app.services import stats as svc
from app.services.scope import get_in_scope


class ReportController(Controller):
    path = "/api/reports"
    tags = ["exports"]
    dependencies = {"flt": Provide(provide_stats_filter)}

    @get(
        "/{district_id:int}/evaluation.pdf",
        opt={"roles": STATS_ROLES},
        media_type="application/pdf",
        response_description="PDF report: summary, ranking, trend chart, failure records, score formula",
    )
    async def evaluation(self, principal: CurrentUser, district_id: IdPath, flt: StatsQuery) -> Response[bytes]:
        """Filters as /api/stats (``from``, ``to``, ``agreement_kind`` …); the path names the district."""
        org = await get_in_scope(Organisation, district_id, principal)
        flt = replace(flt, organisation_id=org.id)
        scope = principal.scope_path
        ranking = [
            r for r in await svc.ranking(scope, replace(flt, organisation_kind=None)) if r.organisation_id != org.id
        ]
        failures, _ = await listings.list_failures(
            scope,
            listings.FailureQuery(
                organisation_id=org.id,
                kind=str(FailureKind.GOVERNMENT_BREACH),
                detected_from=flt.date_from,
                detected_to=flt.date_to,
            ),
            500,
        )
        data = ReportData(
            organisation=org.name,
            date_from=flt.date_from,
            date_to=flt.date_to,
            summary=await svc.summary(scope, flt),
            ranking=ranking,
            trend=await svc.trend(scope, flt),
            failures=[
                FailureLine(
                    organisation=f.organisation.name,
                    due_date=f.due_date,
                    detected_on=f.detected_on,
                    days_late=f.days_late,
                    amount_outstanding=f.amount_outstanding,
                    severity=f.severity,
                    state=f.state,
                    clause=f.clause,
                )
                for f in failures
                if f.state not in ("withdrawn", "dismissed")
            ],
            generated_on=clock.today(),
        )
        body = await asyncio.to_thread(render, data)
        return Response(
            body,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="evaluation-{org.id}.pdf"'},
        )

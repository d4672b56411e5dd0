"""/api/stats: integrity statistics, ranking, trend and the filtered lists evaluators read; /api/exports:
the same as CSV or XLSX. Everything is scoped to the caller's ``scope_path``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, Parameter, QueryParameter

from app.api.deps import CurrentUser
from app.api.ids import IdQuery
from app.api.schemas import Page, failure_read, obligation_read
from app.errors import InvalidInput
from app.exports import tables
from app.models import AgreementKind, FailureKind, OrgKind, PartyRole, Role
from app.services import listings
from app.services import stats as svc
from app.services.stats import Dimension, StatsFilter, StatsRow
from trackers import ObligationState, ReviewStatus
from trackers.failures import FailureState, Severity

STATS_ROLES = frozenset({Role.EVALUATOR, Role.ADMIN, Role.INVESTMENT, Role.FINANCE})


class StatsRead(msgspec.Struct):
    key: str
    label: str
    organisation_id: int | None
    organisation_kind: str | None
    due: int
    fulfilled_on_time: int
    fulfilled_late: int
    overdue: int
    breached: int
    partially_fulfilled: int
    failures: int
    rectified: int
    repaired: int
    on_time_rate: Decimal | None
    late_rate: Decimal | None
    overdue_rate: Decimal | None
    breach_rate: Decimal | None
    amount_promised: Decimal
    amount_delivered: Decimal
    delivery_rate: Decimal | None
    score: Decimal
    grade: str
    rank: int | None = None


def stats_read(r: StatsRow) -> StatsRead:
    return StatsRead(
        key=r.key,
        label=r.label,
        organisation_id=r.organisation_id,
        organisation_kind=r.organisation_kind,
        due=r.due,
        fulfilled_on_time=r.fulfilled_on_time,
        fulfilled_late=r.fulfilled_late,
        overdue=r.overdue,
        breached=r.breached,
        partially_fulfilled=r.partially_fulfilled,
        failures=r.failures,
        rectified=r.rectified,
        repaired=r.repaired,
        on_time_rate=r.on_time_rate,
        late_rate=r.late_rate,
        overdue_rate=r.overdue_rate,
        breach_rate=r.breach_rate,
        amount_promised=r.amount_promised,
        amount_delivered=r.amount_delivered,
        delivery_rate=r.delivery_rate,
        score=r.score,
        grade=r.grade,
        rank=r.rank,
    )


class StatsPage(msgspec.Struct):
    items: list[StatsRead]
    total: int
    limit: int
    offset: int


async def provide_stats_filter(
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    agreement_kind: FromQuery[AgreementKind | None] = None,
    category: Annotated[str | None, Parameter(max_length=30)] = None,
    obligor_role: FromQuery[PartyRole | None] = None,
    organisation_id: IdQuery = None,
    organisation_kind: FromQuery[OrgKind | None] = None,
) -> StatsFilter:
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("'from' is after 'to'.", errors=[{"key": "from", "message": "after 'to'"}])
    return StatsFilter(
        date_from=date_from,
        date_to=date_to,
        agreement_kind=str(agreement_kind) if agreement_kind else None,
        category=category,
        obligor_role=obligor_role or PartyRole.GOVERNMENT,  # integrity figures are per side: government unless asked
        organisation_id=organisation_id,
        organisation_kind=str(organisation_kind) if organisation_kind else None,
    )


async def provide_obligation_query(
    organisation_id: IdQuery = None,
    agreement_id: IdQuery = None,
    agreement_kind: FromQuery[AgreementKind | None] = None,
    category: Annotated[str | None, Parameter(max_length=30)] = None,
    obligation_state: Annotated[ObligationState | None, QueryParameter(name="state")] = None,
    review_status: FromQuery[ReviewStatus | None] = None,
    obligor_role: FromQuery[PartyRole | None] = None,
    due_from: FromQuery[date | None] = None,
    due_to: FromQuery[date | None] = None,
) -> listings.ObligationQuery:
    return listings.ObligationQuery(
        organisation_id=organisation_id,
        agreement_id=agreement_id,
        agreement_kind=str(agreement_kind) if agreement_kind else None,
        category=category,
        state=str(obligation_state) if obligation_state else None,
        review_status=str(review_status) if review_status else None,
        obligor_role=str(obligor_role) if obligor_role else None,
        due_from=due_from,
        due_to=due_to,
    )


async def provide_failure_query(
    organisation_id: IdQuery = None,
    failure_kind: Annotated[FailureKind | None, QueryParameter(name="kind")] = None,
    failure_state: Annotated[FailureState | None, QueryParameter(name="failure_state")] = None,
    severity: FromQuery[Severity | None] = None,
    detected_from: FromQuery[date | None] = None,
    detected_to: FromQuery[date | None] = None,
) -> listings.FailureQuery:
    return listings.FailureQuery(
        organisation_id=organisation_id,
        kind=str(failure_kind) if failure_kind else None,
        state=str(failure_state) if failure_state else None,
        severity=str(severity) if severity else None,
        detected_from=detected_from,
        detected_to=detected_to,
    )


StatsQuery = NamedDependency[StatsFilter]
ObligationQuery = NamedDependency[listings.ObligationQuery]
FailureQuery = NamedDependency[listings.FailureQuery]

Limit = Annotated[int, Parameter(ge=1, le=500)]
Offset = Annotated[int, Parameter(ge=0)]


def _page(rows: list[StatsRow], limit: int, offset: int) -> StatsPage:
    return StatsPage(
        items=[stats_read(r) for r in rows[offset : offset + limit]], total=len(rows), limit=limit, offset=offset
    )


class StatsController(Controller):
    path = "/api/stats"
    tags = ["statistics"]
    dependencies = {
        "flt": Provide(provide_stats_filter),
        "oq": Provide(provide_obligation_query),
        "fq": Provide(provide_failure_query),
    }

    @get("/summary", opt={"roles": STATS_ROLES})
    async def summary(self, principal: CurrentUser, flt: StatsQuery) -> StatsRead:
        """All obligations in scope (or under ``organisation_id``) as one row, with score and grade."""
        return stats_read(await svc.summary(principal.scope_path, flt))

    @get("/organisations", opt={"roles": STATS_ROLES})
    async def organisations(
        self, principal: CurrentUser, flt: StatsQuery, limit: Limit = 100, offset: Offset = 0
    ) -> StatsPage:
        """Every organisation in scope with the figures of its whole subtree (roll-up by ``path``)."""
        return _page(await svc.by_organisation(principal.scope_path, flt), limit, offset)

    @get("/kinds", opt={"roles": STATS_ROLES})
    async def kinds(self, principal: CurrentUser, flt: StatsQuery, limit: Limit = 100, offset: Offset = 0) -> StatsPage:
        """Figures per agreement (document) kind."""
        return _page(await svc.by_dimension(principal.scope_path, flt, Dimension.KIND), limit, offset)

    @get("/categories", opt={"roles": STATS_ROLES})
    async def categories(
        self, principal: CurrentUser, flt: StatsQuery, limit: Limit = 100, offset: Offset = 0
    ) -> StatsPage:
        """Figures per obligation category."""
        return _page(await svc.by_dimension(principal.scope_path, flt, Dimension.CATEGORY), limit, offset)

    @get("/trend", opt={"roles": STATS_ROLES})
    async def trend(self, principal: CurrentUser, flt: StatsQuery, limit: Limit = 500, offset: Offset = 0) -> StatsPage:
        """Monthly figures (``key`` is ``YYYY-MM``); months without activity appear when from/to are given."""
        return _page(await svc.trend(principal.scope_path, flt), limit, offset)

    @get("/ranking", opt={"roles": STATS_ROLES})
    async def ranking(
        self, principal: CurrentUser, flt: StatsQuery, limit: Limit = 100, offset: Offset = 0
    ) -> StatsPage:
        """Organisations (filter with ``organisation_kind``) ranked by score, on-time rate, fewer breaches."""
        return _page(await svc.ranking(principal.scope_path, flt), limit, offset)

    @get("/obligations", opt={"roles": STATS_ROLES})
    async def obligations(
        self, principal: CurrentUser, oq: ObligationQuery, limit: Limit = 50, offset: Offset = 0
    ) -> Page:
        """Obligations in scope, filtered by organisation subtree, agreement, kind, category, state, due dates."""
        rows, total = await listings.list_obligations(principal.scope_path, oq, limit, offset)
        return Page(items=[obligation_read(o) for o in rows], total=total, limit=limit, offset=offset)

    @get("/failures", opt={"roles": STATS_ROLES})
    async def failures(self, principal: CurrentUser, fq: FailureQuery, limit: Limit = 50, offset: Offset = 0) -> Page:
        """Integrity-failure records in scope, filtered by organisation subtree, kind, state, severity, dates."""
        rows, total = await listings.list_failures(principal.scope_path, fq, limit, offset)
        return Page(items=[failure_read(f) for f in rows], total=total, limit=limit, offset=offset)


class Dataset(StrEnum):
    SUMMARY = "summary"
    ORGANISATIONS = "organisations"
    KINDS = "kinds"
    CATEGORIES = "categories"
    TREND = "trend"
    RANKING = "ranking"
    OBLIGATIONS = "obligations"
    FAILURES = "failures"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_ROWS = 100_000


async def build_table(
    dataset: Dataset,
    scope_path: str,
    flt: StatsFilter,
    oq: listings.ObligationQuery,
    fq: listings.FailureQuery,
) -> tables.Table:
    if dataset == Dataset.SUMMARY:
        return tables.stats_table("汇总", "范围", [await svc.summary(scope_path, flt)])
    if dataset == Dataset.ORGANISATIONS:
        return tables.stats_table("按单位统计", "单位", await svc.by_organisation(scope_path, flt))
    if dataset == Dataset.KINDS:
        return tables.stats_table(
            "按协议类型统计", "协议类型", await svc.by_dimension(scope_path, flt, Dimension.KIND), group="kind"
        )
    if dataset == Dataset.CATEGORIES:
        rows = await svc.by_dimension(scope_path, flt, Dimension.CATEGORY)
        return tables.stats_table("按义务类别统计", "义务类别", rows, group="category")
    if dataset == Dataset.TREND:
        return tables.stats_table("月度趋势", "月份", await svc.trend(scope_path, flt))
    if dataset == Dataset.RANKING:
        return tables.stats_table("排名", "单位", await svc.ranking(scope_path, flt), ranked=True)
    if dataset == Dataset.OBLIGATIONS:
        obligations, _ = await listings.list_obligations(scope_path, oq, EXPORT_ROWS)
        return tables.obligations_table(obligations)
    failures, _ = await listings.list_failures(scope_path, fq, EXPORT_ROWS)
    return tables.failures_table(failures)


class ExportController(Controller):
    path = "/api/exports"
    tags = ["exports"]
    dependencies = StatsController.dependencies

    @get(
        "/{dataset:str}",
        opt={"roles": STATS_ROLES},
        response_description="CSV (UTF-8 with BOM) or XLSX with Chinese headers",
    )
    async def export(
        self,
        principal: CurrentUser,
        dataset: FromPath[Dataset],
        flt: StatsQuery,
        oq: ObligationQuery,
        fq: FailureQuery,
        export_format: Annotated[ExportFormat, QueryParameter(name="format")] = ExportFormat.XLSX,
    ) -> Response[bytes]:
        """Any statistic or list as a spreadsheet; takes the same filters as the matching /api/stats route."""
        return spreadsheet(await build_table(dataset, principal.scope_path, flt, oq, fq), export_format, dataset)


def spreadsheet(table: tables.Table, export_format: ExportFormat, name: str) -> Response[bytes]:
    """``table`` as a download: ``name.csv`` (UTF-8 with BOM) or ``name.xlsx`` — the API's exports and
    the list pages' export links."""
    body = tables.to_csv(table) if export_format == ExportFormat.CSV else tables.to_xlsx(table)
    return Response(
        body,
        media_type=MEDIA[export_format],
        headers={"Content-Disposition": f'attachment; filename="{name}.{export_format}"'},
    )

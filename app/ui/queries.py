"""What the dashboards show, shaped for the templates: thin adapters over the services the JSON API uses
(``app.services.stats`` for rates, grades, ranking and trend; ``app.services.ppp`` for projects, payments
and affordability), plus the few bounded reads only pages need (fulfilment at a glance, upcoming deadlines).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.functions import Count

from app.models import (
    Agreement,
    AgreementKind,
    FiscalBudget,
    GovernmentPayment,
    IntegrityFailure,
    MilestoneKind,
    Obligation,
    Organisation,
    OrgKind,
    PPPProject,
)
from app.security import Principal
from app.services import ppp, stats
from app.services.obligations import visible_agreements, visible_obligations
from extractors.recurrence import schedule_rrule
from trackers import InstancePeriod, InvalidRule, ObligationState, ReviewStatus, parse_rrule, period_of
from trackers.ppp import Affordability, AffordabilityPolicy

OPEN_STATES = tuple(
    str(s)
    for s in (
        ObligationState.PENDING,
        ObligationState.DUE_SOON,
        ObligationState.OVERDUE,
        ObligationState.PARTIALLY_FULFILLED,
    )
)


# ---- filters ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class DashboardFilter:
    period: Period
    kind: AgreementKind | None = None
    organisation_id: int | None = None


async def organisation_path(principal: Principal, organisation_id: int | None) -> str:
    """The path to filter on: the chosen organisation if it is inside the caller's scope, else the scope."""
    if organisation_id is not None:
        org = await Organisation.filter(id=organisation_id, path__startswith=principal.scope_path).first()
        if org is not None:
            return org.path
    return principal.scope_path


async def organisations_in_scope(principal: Principal) -> list[Organisation]:
    return await Organisation.filter(path__startswith=principal.scope_path).order_by("path")


def local_governments(organisations: Iterable[Organisation]) -> list[Organisation]:
    """The district and town governments among ``organisations``: what a list page's 区/镇 filter offers."""
    return [o for o in organisations if o.kind in (OrgKind.DISTRICT, OrgKind.TOWN)]


# ---- fulfilment at a glance ---------------------------------------------------------------------------------

GLANCE = {
    "fulfilled": "on_time",
    "fulfilled_late": "late",
    "pending": "pending",
    "partially_fulfilled": "pending",
    "due_soon": "due_soon",
    "overdue": "overdue",
    "breached": "breached",
}


async def instance_periods(obligation_ids: Iterable[int]) -> dict[int, InstancePeriod]:
    """The calendar period (2025年度, 2026年第1季度 …) of each instance of a recurring obligation among
    ``obligation_ids``, by id; other obligations are absent. One query, reading the parents' rules."""
    ids = set(obligation_ids)
    if not ids:
        return {}
    rows = await Obligation.filter(id__in=ids, parent_id__not_isnull=True).values(
        "id", "nominal_date", "parent__recurrence", "parent__deadline_text"
    )
    periods: dict[int, InstancePeriod] = {}
    for row in rows:
        try:  # rows stored before schedules were RRULEs hold the extractor's word: read with its phrase
            rule = parse_rrule(schedule_rrule(row["parent__recurrence"], row["parent__deadline_text"]))
        except InvalidRule:
            continue  # a malformed stored rule names no period; the instance is still listed
        if rule is not None and row["nominal_date"] is not None and (p := period_of(rule, row["nominal_date"])):
            periods[row["id"]] = p
    return periods


async def agreement_glance(agreement_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per agreement, confirmed obligations by bucket, plus how many still await review."""
    out: dict[int, dict[str, int]] = {i: defaultdict(int) for i in agreement_ids}
    if not agreement_ids:
        return out
    rows = await (
        Obligation.filter(agreement_id__in=agreement_ids)
        .annotate(n=Count("id"))
        .group_by("agreement_id", "review_status", "state")
        .values("agreement_id", "review_status", "state", "n")
    )
    for r in rows:
        if r["review_status"] == ReviewStatus.CONFIRMED:
            bucket = GLANCE.get(str(r["state"]), "other")
        else:
            bucket = str(r["review_status"])
        out[r["agreement_id"]][bucket] += r["n"]
    return out


# ---- evaluation: the statistics service ---------------------------------------------------------------

RATED_KINDS = frozenset({OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.DEPARTMENT, OrgKind.COMMITTEE})


def stats_filter(flt: DashboardFilter) -> stats.StatsFilter:
    return stats.StatsFilter(
        date_from=flt.period.start,
        date_to=flt.period.end,
        agreement_kind=flt.kind.value if flt.kind else None,
        organisation_id=flt.organisation_id,
    )


async def ratings(principal: Principal, flt: DashboardFilter) -> list[stats.StatsRow]:
    """Districts, towns, departments and committees with duties or records in the period, ranked."""
    rows = await stats.ranking(principal.scope_path, stats_filter(flt))
    return [r for r in rows if r.organisation_kind in RATED_KINDS]


async def breaches_per_month(principal: Principal, flt: DashboardFilter) -> list[tuple[str, float]]:
    """Government obligations breached per due month of the period (every month, zeros included)."""
    return [(r.key, float(r.breached)) for r in await stats.trend(principal.scope_path, stats_filter(flt))]


async def latest_failure_date(principal: Principal) -> date | None:
    row = (
        await IntegrityFailure.filter(organisation__path__startswith=principal.scope_path)
        .order_by("-detected_on")
        .first()
        .values("detected_on")
    )
    return row["detected_on"] if row else None


async def upcoming(
    principal: Principal, today: date, *, days: int = 60, flt: DashboardFilter | None = None, limit: int = 50
) -> list[Obligation]:
    """Confirmed, still open obligations due within ``days`` of ``today``, soonest first."""
    q = visible_obligations(principal) & Q(review_status=ReviewStatus.CONFIRMED, state__in=OPEN_STATES)
    if flt is not None:
        q &= Q(owner__path__startswith=await organisation_path(principal, flt.organisation_id))
        if flt.kind:
            q &= Q(agreement__kind=flt.kind)
    return (
        await Obligation.filter(q, due_date__gte=today, due_date__lte=today + timedelta(days=days))
        .order_by("due_date", "id")
        .limit(limit)
        .prefetch_related("owner")
    )


# ---- finance: the PPP service ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FinanceProject:
    project: PPPProject
    milestones: list[tuple[str, date | None, date | None]]  # (kind, planned, actual) in the kinds' order
    payments: list[GovernmentPayment]  # by year and kind


_MILESTONE_ORDER = {str(k): i for i, k in enumerate(MilestoneKind)}


def finance_project(p: PPPProject) -> FinanceProject:
    """A project whose milestones and payments are loaded, shaped for the pages."""
    milestones = sorted(p.milestones, key=lambda m: _MILESTONE_ORDER.get(str(m.kind), len(_MILESTONE_ORDER)))
    payments = sorted(p.payments, key=lambda x: (x.year, str(x.kind)))  # type: ignore[attr-defined]
    return FinanceProject(p, [(str(m.kind), m.planned_on, m.actual_on) for m in milestones], payments)


async def ppp_projects(principal: Principal) -> list[FinanceProject]:
    """Projects in scope with every milestone (planned and actual date) and the government's payments."""
    return [finance_project(p) for p in await ppp.list_projects(principal)]


async def ppp_project(principal: Principal, project_id: int) -> FinanceProject:
    """One project in scope (else 404), shaped like ``ppp_projects``' items."""
    return finance_project(await ppp.project_detail(principal, project_id))


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    kind: str
    planned: date | None
    actual: date | None
    days_late: int | None  # actual − planned (negative: early); no actual date yet: today − planned when past
    reached: bool


def milestone_rows(milestones: list[tuple[str, date | None, date | None]], today: date) -> list[MilestoneRow]:
    """Planned against actual, one row per milestone: how many days late (or early) it was reached, or how
    long a planned date has passed without it."""
    rows = []
    for kind, planned, actual in milestones:
        late: int | None = None
        if planned is not None and actual is not None:
            late = (actual - planned).days
        elif planned is not None and actual is None and planned < today:
            late = (today - planned).days
        rows.append(MilestoneRow(kind, planned, actual, late, actual is not None))
    return rows


async def government_levels(principal: Principal) -> list[Organisation]:
    """The city, districts, towns and committees in scope: the levels with a budget of their own."""
    return list(
        await Organisation.filter(path__startswith=principal.scope_path, kind__in=ppp.GOVERNMENT_LEVELS).order_by(
            "path"
        )
    )


async def budgets(principal: Principal) -> list[FiscalBudget]:
    """The general public budgets entered for the levels in scope, latest year first."""
    return list(
        await FiscalBudget.filter(district__path__startswith=principal.scope_path)
        .order_by("-year", "district_id")
        .prefetch_related("district")
    )


async def payment_schedule(principal: Principal) -> list[tuple[str, float]]:
    """The government's payable PPP amounts by year in 万元 (every year from first to last, zeros included)."""
    rows = {r.year: r for r in await ppp.payment_schedule(principal)}
    if not rows:
        return []
    return [
        (str(y), round(float(rows[y].payable) / 10_000, 2) if y in rows else 0.0)
        for y in range(min(rows), max(rows) + 1)
    ]


async def affordability(principal: Principal, policy: AffordabilityPolicy) -> list[tuple[str, Decimal, Affordability]]:
    """(``district year``, PPP expenditure ÷ general public budget expenditure, its band) where a budget
    exists."""
    return [
        (f"{r.district} {r.year}", r.result.share, r.result.status)
        for r in await ppp.affordability_overview(principal, policy)
        if r.result.share is not None
    ]


async def ppp_agreements(principal: Principal) -> list[Agreement]:
    """Agreements extracted as PPP contracts (the projects' documents)."""
    return await Agreement.filter(visible_agreements(principal), kind=AgreementKind.PPP).distinct().order_by("-id")

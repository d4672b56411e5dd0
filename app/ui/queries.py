"""Read-only aggregates the dashboards show, scoped by ``principal.scope_path``.

Every function here is a SQL aggregate (``annotate``/``group_by``) or a bounded, filtered read — nothing a user
types is formatted into SQL. They stand in for the statistics service (``app/services/stats.py``) and the
ratings service (``app/services/ratings.py``) being built in parallel; when those land, point these functions
at them and the pages keep working. The PPP functions return empty data until the PPP models exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from app.models import Agreement, AgreementKind, FailureKind, IntegrityFailure, Obligation, Organisation, OrgKind, Role
from app.security import Principal
from app.services.obligations import visible_obligations
from trackers import FailureTally, Grade, PeriodCounts, ReviewStatus, Severity, integrity_score

OPEN_STATES = ("pending", "due_soon", "overdue", "partially_fulfilled")
STANDING = ("detected", "verified", "rectification_ordered", "found")


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


def visible_agreements(principal: Principal) -> Q:
    """Agreements the caller sees: owned inside the scope; departments also those holding their obligations."""
    if principal.role == Role.DEPARTMENT:
        return Q(owning_department__path__startswith=principal.scope_path) | Q(
            obligations__owner__path__startswith=principal.scope_path
        )
    return Q(owning_department__path__startswith=principal.scope_path)


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


# ---- evaluation: rates, grades, ranking -------------------------------------------------------------------


@dataclass(slots=True)
class OrgRating:
    organisation_id: int
    name: str
    kind: str
    path: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    breached: int = 0
    failures: dict[str, dict[str, int]] = field(default_factory=dict)
    rate: Decimal | None = None
    score: Decimal = Decimal(100)
    grade: Grade = Grade.A

    @property
    def failure_count(self) -> int:
        return sum(sum(v.values()) for v in self.failures.values())


def _obligation_query(principal: Principal, flt: DashboardFilter, path: str) -> Q:
    q = visible_obligations(principal) & Q(owner__path__startswith=path, review_status=ReviewStatus.CONFIRMED)
    if flt.kind:
        q &= Q(agreement__kind=flt.kind)
    return q


async def ratings(principal: Principal, flt: DashboardFilter) -> list[OrgRating]:
    """Fulfilment counts, rate, score and grade per district and department (rolled up by path), ranked."""
    path = await organisation_path(principal, flt.organisation_id)
    orgs = await Organisation.filter(
        path__startswith=path, kind__in=[OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.DEPARTMENT, OrgKind.COMMITTEE]
    ).order_by("path")
    due_rows = await (
        Obligation.filter(
            _obligation_query(principal, flt, path),
            due_date__gte=flt.period.start,
            due_date__lte=flt.period.end,
        )
        .annotate(n=Count("id"))
        .group_by("owner__path", "state")
        .values("owner__path", "state", "n")
    )
    failure_query = IntegrityFailure.filter(
        kind=FailureKind.GOVERNMENT_BREACH,
        organisation__path__startswith=path,
        detected_on__gte=flt.period.start,
        detected_on__lte=flt.period.end,
    )
    if flt.kind:
        failure_query = failure_query.filter(obligation__agreement__kind=flt.kind)
    failure_rows = await (
        failure_query.annotate(n=Count("id"))
        .group_by("organisation__path", "severity", "state")
        .values("organisation__path", "severity", "state", "n")
    )
    out = []
    for org in orgs:
        r = OrgRating(org.id, org.name, str(org.kind), org.path)
        for row in due_rows:
            if not str(row["owner__path"]).startswith(org.path):
                continue
            state, n = str(row["state"]), int(row["n"])
            r.due += n
            if state == "fulfilled":
                r.on_time += n
            elif state == "fulfilled_late":
                r.late += n
            elif state == "overdue":
                r.overdue += n
            elif state == "breached":
                r.breached += n
        for row in failure_rows:
            if str(row["organisation__path"]).startswith(org.path):
                sev = r.failures.setdefault(str(row["severity"]), defaultdict(int))
                sev[str(row["state"])] += int(row["n"])
        scored = integrity_score(
            PeriodCounts(
                due=r.due,
                fulfilled_on_time=r.on_time,
                fulfilled_late=r.late,
                overdue=r.overdue,
                breached=r.breached,
                failures={Severity(s): _tally(states) for s, states in r.failures.items() if s in set(Severity)},
            )
        )
        r.rate, r.score, r.grade = scored.fulfilment_rate, scored.score, scored.grade
        out.append(r)
    out.sort(key=lambda x: (-x.score, x.due == 0, x.path))  # ties: those with duties due rank first
    return out


def _tally(states: dict[str, int]) -> FailureTally:
    return FailureTally(
        standing=sum(n for s, n in states.items() if s in STANDING),
        rectified=states.get("found_rectified", 0),
        repaired=states.get("repaired", 0),
    )


async def failures_per_month(principal: Principal, flt: DashboardFilter) -> list[tuple[str, float]]:
    """Government integrity-failure records detected per month of the period (every month, zeros included)."""
    from app.ui.charts import months_between

    path = await organisation_path(principal, flt.organisation_id)
    query = IntegrityFailure.filter(
        kind=FailureKind.GOVERNMENT_BREACH,
        organisation__path__startswith=path,
        detected_on__gte=flt.period.start,
        detected_on__lte=flt.period.end,
    )
    if flt.kind:
        query = query.filter(obligation__agreement__kind=flt.kind)
    per_day = await query.annotate(n=Count("id")).group_by("detected_on").values("detected_on", "n")
    counts: dict[str, int] = defaultdict(int)
    for row in per_day:
        d = row["detected_on"]
        d = d if isinstance(d, date) else date.fromisoformat(str(d)[:10])
        counts[f"{d.year:04d}-{d.month:02d}"] += int(row["n"])
    return [(m, float(counts.get(m, 0))) for m in months_between(flt.period.start, flt.period.end)]


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


# ---- finance ---------------------------------------------------------------------------------------------


async def payment_schedule(principal: Principal) -> list[tuple[str, float]]:
    """Government-side money obligations of PPP contracts, summed by the year they fall due, in 万元
    (every year from the first to the last, zeros included)."""
    rows = await (
        Obligation.filter(
            visible_obligations(principal),
            agreement__kind=AgreementKind.PPP,
            obligor_role="government",
            amount__not_isnull=True,
            due_date__not_isnull=True,
        )
        .exclude(review_status=ReviewStatus.REJECTED)
        .annotate(total=Sum("amount"))
        .group_by("due_date")
        .values("due_date", "total")
    )
    by_year: dict[str, float] = defaultdict(float)
    for r in rows:
        d = r["due_date"]
        year = d.year if isinstance(d, date) else int(str(d)[:4])
        by_year[str(year)] += float(r["total"] or 0) / 10_000
    if not by_year:
        return []
    years = [int(y) for y in by_year]
    return [(str(y), round(by_year.get(str(y), 0.0), 2)) for y in range(min(years), max(years) + 1)]


@dataclass(frozen=True, slots=True)
class PPPProject:
    id: int
    name: str
    phase: str
    milestones: list[tuple[str, date, bool]]  # (name, planned or actual date, reached)


async def ppp_projects(principal: Principal) -> list[PPPProject]:
    """PPP projects with phase and milestones. Empty until the PPP models (issue 4) exist."""
    del principal
    return []


async def affordability(principal: Principal) -> list[tuple[str, float]]:
    """(``district year``, PPP expenditure ÷ general public budget expenditure in %). Empty until the budget
    figures and PPP payment models (issue 4) exist."""
    del principal
    return []


async def ppp_agreements(principal: Principal) -> list[Agreement]:
    """Agreements extracted as PPP contracts (the projects' documents) — shown until PPP projects exist."""
    return await Agreement.filter(visible_agreements(principal), kind=AgreementKind.PPP).distinct().order_by("-id")


# ---- public ----------------------------------------------------------------------------------------------


async def published_failures(today: date, q: str | None, limit: int, offset: int) -> tuple[list[IntegrityFailure], int]:
    """The ``/api/public/failures`` rule: government breaches with published_from ≤ today < published_until."""
    query = IntegrityFailure.filter(
        kind=FailureKind.GOVERNMENT_BREACH, published_from__lte=today, published_until__gt=today
    ).select_related("organisation")
    if q:
        query = query.filter(Q(organisation__name__icontains=q) | Q(clause__icontains=q))
    total = await query.count()
    return await query.order_by("-published_from", "-id").offset(offset).limit(limit), total

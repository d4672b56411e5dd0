"""Integrity ratings: per organisation, rolled up the hierarchy, with score and grade; monthly snapshots.

Public entry point (the evaluator statistics and exports reuse it)::

    organisation_stats(principal, period_start, period_end, org_id=None) -> list[OrgStats]

* one ``OrgStats`` per organisation visible to ``principal`` (``org_id``: just that one; 404 if it is not
  visible), each **rolled up** over the organisation and everything under it (materialised ``path``
  prefix), ordered by ``path`` (parents before their children);
* the figures are ``app.services.stats.by_organisation``'s for the filter
  ``StatsFilter(date_from=period_start, date_to=period_end)`` — one SQL aggregate path, so ``/api/ratings``
  and ``/api/stats/organisations`` agree; what is counted is defined in ``app.services.stats``;
* ``failures`` breaks the score's tallies down by severity (standing / rectified after a finding /
  repaired); ``score`` and ``grade`` by ``trackers.scoring.integrity_score`` (formula in the README).

``take_snapshots`` stores every organisation's figures for a calendar month (the sweep calls it on the
first of each month for the month before); ``snapshots`` reads one organisation's trend.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from app.errors import InvalidInput, NotFound
from app.models import IntegritySnapshot, Organisation
from app.security import Principal
from app.services.scope import get_in_scope
from app.services.stats import StatsFilter, StatsRow, by_organisation
from trackers.scoring import ScoringPolicy

# The figures a monthly snapshot keeps (columns of IntegritySnapshot, fields of OrgStats and SnapshotRead).
SNAPSHOT_FIGURES = (
    "due",
    "fulfilled_on_time",
    "fulfilled_late",
    "overdue",
    "breached",
    "rectified",
    "repaired",
    "amount_promised",
    "amount_delivered",
    "score",
    "grade",
)


@dataclass(frozen=True, slots=True)
class OrgStats:
    organisation_id: int
    name: str
    kind: str
    path: str
    parent_id: int | None
    period_start: date
    period_end: date
    due: int
    fulfilled_on_time: int
    fulfilled_late: int
    overdue: int
    breached: int
    rectified: int
    repaired: int
    amount_promised: Decimal
    amount_delivered: Decimal
    on_time_rate: Decimal | None  # fulfilled_on_time / due, 4 decimals
    fulfilment_rate: Decimal | None  # the score's r
    score: Decimal
    grade: str
    failures: dict[str, dict[str, int]] = field(default_factory=dict)  # severity → standing/rectified/repaired

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


async def stats_for_scope(
    scope_path: str,
    period_start: date,
    period_end: date,
    org_id: int | None = None,
    policy: ScoringPolicy | None = None,
) -> list[OrgStats]:
    """``organisation_stats`` without a caller: every organisation whose path starts with ``scope_path``
    (or just ``org_id``), from ``app.services.stats.by_organisation`` — the one SQL aggregate path."""
    if period_end < period_start:
        raise InvalidInput(
            "The period ends before it starts.", errors=[{"key": "period_end", "message": "before start"}]
        )
    flt = StatsFilter(date_from=period_start, date_to=period_end, organisation_id=org_id)
    rows = await by_organisation(scope_path, flt, policy=policy)
    if org_id is not None:
        rows = [r for r in rows if r.organisation_id == org_id]
        if not rows:
            raise NotFound(f"Organisation {org_id} does not exist or is not visible to you.")
    parents = dict(await Organisation.filter(id__in=[r.organisation_id for r in rows]).values_list("id", "parent_id"))
    return [_org_stats(r, parents.get(r.organisation_id), period_start, period_end) for r in rows]


def _org_stats(row: StatsRow, parent_id: int | None, period_start: date, period_end: date) -> OrgStats:
    assert row.organisation_id is not None  # organisation rows carry their id and path
    assert row.path is not None
    return OrgStats(
        organisation_id=row.organisation_id,
        name=row.label,
        kind=str(row.organisation_kind),
        path=row.path,
        parent_id=parent_id,
        period_start=period_start,
        period_end=period_end,
        due=row.due,
        fulfilled_on_time=row.fulfilled_on_time,
        fulfilled_late=row.fulfilled_late,
        overdue=row.overdue,
        breached=row.breached,
        rectified=row.rectified,
        repaired=row.repaired,
        amount_promised=row.amount_promised,
        amount_delivered=row.amount_delivered,
        on_time_rate=row.on_time_rate,
        fulfilment_rate=row.fulfilment_rate,
        score=row.score,
        grade=row.grade,
        failures={
            str(sev): {"standing": t.standing, "rectified": t.rectified, "repaired": t.repaired}
            for sev, t in sorted(row.tallies.items())
        },
    )


async def organisation_stats(
    principal: Principal,
    period_start: date,
    period_end: date,
    org_id: int | None = None,
    policy: ScoringPolicy | None = None,
) -> list[OrgStats]:
    """Integrity figures for the period, per organisation visible to ``principal`` (or just ``org_id``),
    each rolled up over its subtree. See the module docstring for what is counted."""
    return await stats_for_scope(principal.scope_path, period_start, period_end, org_id, policy)


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=_calendar.monthrange(day.year, day.month)[1])


async def take_snapshots(month: date, policy: ScoringPolicy | None = None) -> int:
    """Store every organisation's figures for the month containing ``month`` (replacing an earlier snapshot
    of the same month): the sweep calls it on the first day of each month for the month before."""
    start, end = month_bounds(month)
    stats = await stats_for_scope("/", start, end, policy=policy)
    async with in_transaction():
        await IntegritySnapshot.filter(period_start=start).delete()
        await IntegritySnapshot.bulk_create(
            [
                IntegritySnapshot(
                    organisation_id=s.organisation_id,
                    period_start=start,
                    period_end=end,
                    **{name: getattr(s, name) for name in SNAPSHOT_FIGURES},
                )
                for s in stats
            ],
            batch_size=500,
        )
    return len(stats)


async def snapshots(principal: Principal, org_id: int, since: date | None = None) -> list[IntegritySnapshot]:
    """The trend of one visible organisation, oldest month first."""
    org = await get_in_scope(Organisation, org_id, principal)
    query = IntegritySnapshot.filter(organisation_id=org.id)
    if since:
        query = query.filter(period_start__gte=since)
    return await query.order_by("period_start")

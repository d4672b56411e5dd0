"""Integrity ratings: per organisation, rolled up the hierarchy, with score and grade; monthly snapshots.

Public entry point (the evaluator statistics and exports reuse it)::

    organisation_stats(principal, period_start, period_end, org_id=None) -> list[OrgStats]

* one ``OrgStats`` per organisation visible to ``principal`` (``org_id``: just that one; 404 if it is not
  visible), each **rolled up** over the organisation and everything under it (materialised ``path``
  prefix): a district's figures include its departments and towns, the city's everything;
* computed by two SQL aggregates (obligations, failure records) grouped by owner, then joined to the
  organisation tree by path prefix and summed — no loop over obligations in Python;
* ordered by ``path`` (a tree walk: parents before their children).

What is counted, for the period ``[period_start, period_end]`` (inclusive):

* obligations: confirmed, government side (obligor role not ``counterparty`` — counterparty defaults are
  kept apart from government integrity), with an effective due date in the period, excluding waived,
  amended and suspended ones. ``due`` counts them; ``fulfilled_on_time``, ``fulfilled_late``,
  ``overdue``, ``breached`` count their current states; ``amount_promised`` sums their amounts and
  ``amount_delivered`` what was paid towards those amounts;
* failure records (government breaches) standing during the period: found on or before ``period_end``
  and, if repaired, repaired on or after ``period_start``. By severity: ``standing`` (found),
  ``rectified`` (found_rectified), ``repaired``. ``rectified`` and ``repaired`` in ``OrgStats`` count the
  records rectified / repaired within the period;
* ``score`` and ``grade`` by ``trackers.scoring.integrity_score`` (formula in its docstring and the README).
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from app.errors import InvalidInput, NotFound
from app.models import IntegritySnapshot, Organisation
from app.security import Principal
from app.services.sweep import _params, _sql
from trackers.errors import InvalidCounts
from trackers.failures import Severity
from trackers.scoring import FailureTally, PeriodCounts, ScoringPolicy, integrity_score

CENT = Decimal("0.01")


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


OBLIGATION_AGGREGATE = """
WITH per_owner AS (
  SELECT owner_id,
         COUNT(*) AS due,
         SUM(CASE WHEN state = 'fulfilled' THEN 1 ELSE 0 END) AS on_time,
         SUM(CASE WHEN state = 'fulfilled_late' THEN 1 ELSE 0 END) AS late,
         SUM(CASE WHEN state = 'overdue' THEN 1 ELSE 0 END) AS overdue,
         SUM(CASE WHEN state = 'breached' THEN 1 ELSE 0 END) AS breached,
         SUM(COALESCE(amount, 0)) AS promised,
         SUM(CASE WHEN amount IS NULL THEN 0 ELSE amount_fulfilled END) AS delivered
    FROM obligation
   WHERE review_status = 'confirmed' AND obligor_role <> 'counterparty'
     AND due_date >= ? AND due_date <= ?
     AND state NOT IN ('waived', 'amended', 'suspended')
   GROUP BY owner_id
)
SELECT a.id AS org_id,
       COALESCE(SUM(p.due), 0) AS due, COALESCE(SUM(p.on_time), 0) AS on_time,
       COALESCE(SUM(p.late), 0) AS late, COALESCE(SUM(p.overdue), 0) AS overdue,
       COALESCE(SUM(p.breached), 0) AS breached, COALESCE(SUM(p.promised), 0) AS promised,
       COALESCE(SUM(p.delivered), 0) AS delivered
  FROM organisation a
  JOIN organisation b ON substr(b.path, 1, length(a.path)) = a.path
  JOIN per_owner p ON p.owner_id = b.id
 WHERE a.path LIKE ? {org_filter}
 GROUP BY a.id
"""

FAILURE_AGGREGATE = """
WITH per_org AS (
  SELECT organisation_id, severity,
         SUM(CASE WHEN state = 'found' AND found_on <= ? THEN 1 ELSE 0 END) AS standing,
         SUM(CASE WHEN state = 'found_rectified' AND found_on <= ? THEN 1 ELSE 0 END) AS rect_counting,
         SUM(CASE WHEN state = 'repaired' AND found_on <= ? AND repaired_on >= ? THEN 1 ELSE 0 END)
           AS repaired_counting,
         SUM(CASE WHEN rectified_on >= ? AND rectified_on <= ? THEN 1 ELSE 0 END) AS rectified_in,
         SUM(CASE WHEN repaired_on >= ? AND repaired_on <= ? THEN 1 ELSE 0 END) AS repaired_in
    FROM integrity_failure
   WHERE kind = 'government_breach'
   GROUP BY organisation_id, severity
)
SELECT a.id AS org_id, p.severity,
       SUM(p.standing) AS standing, SUM(p.rect_counting) AS rect_counting,
       SUM(p.repaired_counting) AS repaired_counting, SUM(p.rectified_in) AS rectified_in,
       SUM(p.repaired_in) AS repaired_in
  FROM organisation a
  JOIN organisation b ON substr(b.path, 1, length(a.path)) = a.path
  JOIN per_org p ON p.organisation_id = b.id
 WHERE a.path LIKE ? {org_filter}
 GROUP BY a.id, p.severity
"""


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


async def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    result = await conn.execute_query(_sql(dialect, sql), _params(dialect, params))
    return [tuple(r.values()) if hasattr(r, "values") else tuple(r) for r in result[1]]


async def stats_for_scope(
    scope_path: str,
    period_start: date,
    period_end: date,
    org_id: int | None = None,
    policy: ScoringPolicy | None = None,
) -> list[OrgStats]:
    """``organisation_stats`` without a caller: every organisation whose path starts with ``scope_path``."""
    if period_end < period_start:
        raise InvalidInput(
            "The period ends before it starts.", errors=[{"key": "period_end", "message": "before start"}]
        )
    orgs_query = Organisation.filter(path__startswith=scope_path)
    if org_id is not None:
        orgs_query = orgs_query.filter(id=org_id)
    orgs = await orgs_query.order_by("path")
    if org_id is not None and not orgs:
        raise NotFound(f"Organisation {org_id} does not exist or is not visible to you.")
    org_filter = "AND a.id = ?" if org_id is not None else ""
    tail: list[Any] = [scope_path + "%", *([org_id] if org_id is not None else [])]
    ob_rows = await _rows(OBLIGATION_AGGREGATE.format(org_filter=org_filter), [period_start, period_end, *tail])
    s, e = period_start, period_end
    f_rows = await _rows(FAILURE_AGGREGATE.format(org_filter=org_filter), [e, e, e, s, s, e, s, e, *tail])
    counts = {int(r[0]): r[1:] for r in ob_rows}
    tallies: dict[int, dict[str, tuple[int, ...]]] = {}
    for r in f_rows:
        tallies.setdefault(int(r[0]), {})[str(r[1])] = tuple(int(x or 0) for x in r[2:])
    out = []
    for org in orgs:
        due, on_time, late, overdue, breached, promised, delivered = counts.get(org.id, (0, 0, 0, 0, 0, 0, 0))
        due, on_time, late, overdue, breached = (int(x) for x in (due, on_time, late, overdue, breached))
        by_sev = tallies.get(org.id, {})
        failures = {
            sev: FailureTally(standing=t[0], rectified=t[1], repaired=t[2])
            for sev, t in by_sev.items()
            if sev in Severity.__members__.values()
        }
        try:
            result = integrity_score(
                PeriodCounts(due, on_time, late, overdue, breached, {Severity(k): v for k, v in failures.items()}),
                policy,
            )
        except InvalidCounts:  # pragma: no cover - states are exclusive, so counts always add up
            raise
        out.append(
            OrgStats(
                organisation_id=org.id,
                name=org.name,
                kind=str(org.kind),
                path=org.path,
                parent_id=org.parent_id,  # type: ignore[attr-defined]
                period_start=period_start,
                period_end=period_end,
                due=due,
                fulfilled_on_time=on_time,
                fulfilled_late=late,
                overdue=overdue,
                breached=breached,
                rectified=sum(t[3] for t in by_sev.values()),
                repaired=sum(t[4] for t in by_sev.values()),
                amount_promised=_dec(promised),
                amount_delivered=_dec(delivered),
                on_time_rate=(Decimal(on_time) / due).quantize(Decimal("0.0001"), ROUND_HALF_UP) if due else None,
                fulfilment_rate=result.fulfilment_rate,
                score=result.score,
                grade=str(result.grade),
                failures={
                    sev: {"standing": t.standing, "rectified": t.rectified, "repaired": t.repaired}
                    for sev, t in failures.items()
                },
            )
        )
    return out


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
                    due=s.due,
                    fulfilled_on_time=s.fulfilled_on_time,
                    fulfilled_late=s.fulfilled_late,
                    overdue=s.overdue,
                    breached=s.breached,
                    rectified=s.rectified,
                    repaired=s.repaired,
                    amount_promised=s.amount_promised,
                    amount_delivered=s.amount_delivered,
                    score=s.score,
                    grade=s.grade,
                )
                for s in stats
            ],
            batch_size=500,
        )
    return len(stats)


async def snapshots(principal: Principal, org_id: int, since: date | None = None) -> list[IntegritySnapshot]:
    """The trend of one visible organisation, oldest month first."""
    org = await Organisation.filter(id=org_id, path__startswith=principal.scope_path).first()
    if org is None:
        raise NotFound(f"Organisation {org_id} does not exist or is not visible to you.")
    query = IntegritySnapshot.filter(organisation_id=org.id)
    if since:
        query = query.filter(period_start__gte=since)
    return await query.order_by("period_start")

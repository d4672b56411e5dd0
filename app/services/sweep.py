"""The deadline sweep: moves every confirmed obligation to its state for a date, issues early warnings and
turns breached obligations into integrity-failure records — set-based statements, never a loop over rows.

The thresholds come from ``trackers.plan_sweep``; this module only turns them into SQL. Running the sweep
twice for the same date changes nothing (state moves are monotone, inserts skip existing rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

import extractors
from app.models import IntegrityFailure, Obligation, ObligationWarning
from app.services import audit
from trackers import ReviewStatus
from trackers.failures import SeverityThresholds
from trackers.sweep import RECORDED_ROLES, SweepPolicy, plan_sweep

CATEGORIES = tuple(str(c) for c in extractors.Category)


@dataclass(frozen=True, slots=True)
class SweepReport:
    as_of: date
    moved: dict[str, int]
    warnings: int
    failures: int
    defaults: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "moved": self.moved,
            "warnings": self.warnings,
            "government_failures": self.failures,
            "counterparty_defaults": self.defaults,
        }


def _sql(dialect: str, text: str) -> str:
    """Write statements with ``?`` placeholders; PostgreSQL's driver wants ``$1, $2, …``."""
    if dialect != "postgres":
        return text
    parts = text.split("?")
    return "".join(p + (f"${i}" if i < len(parts) else "") for i, p in enumerate(parts, start=1))


def _params(dialect: str, params: list[Any]) -> list[Any]:
    """asyncpg takes dates and Decimals as they are; SQLite stores them as ISO text and REAL numbers."""
    if dialect == "postgres":
        return params
    out: list[Any] = []
    for p in params:
        if isinstance(p, date | datetime):
            out.append(p.isoformat())
        elif isinstance(p, Decimal):
            out.append(float(p))
        else:
            out.append(p)
    return out


def _days_between(dialect: str, later: str, earlier: str) -> str:
    if dialect == "postgres":
        return f"({later}::date - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


async def sweep_obligations(as_of: date, policy: SweepPolicy | None = None) -> SweepReport:
    plan = plan_sweep(as_of, policy, categories=CATEGORIES)
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    moved: dict[str, int] = {}
    from app.services import notifications

    marks = await notifications.last_ids()
    async with in_transaction() as tx:
        for step in plan.steps:
            query = Obligation.filter(
                review_status=ReviewStatus.CONFIRMED,
                state__in=[str(s) for s in step.from_states],
                obligor_role__in=sorted(step.roles),
                category__in=sorted(step.categories),
                due_date__lt=step.due_before,
            )
            if step.due_from is not None:
                query = query.filter(due_date__gte=step.due_from)
            count = await query.update(state=step.to_state)
            moved[str(step.to_state)] = moved.get(str(step.to_state), 0) + count

        warnings_before = await ObligationWarning.all().using_db(tx).count()
        for w in plan.warnings:
            states, cats = sorted(str(s) for s in w.states), sorted(w.categories)
            sql = (
                "INSERT INTO obligation_warning (obligation_id, window_days, due_date, issued_on) "
                "SELECT id, ?, due_date, ? FROM obligation WHERE review_status = ? "
                f"AND state IN ({','.join('?' * len(states))}) AND category IN ({','.join('?' * len(cats))}) "
                "AND due_date >= ? AND due_date < ? ON CONFLICT DO NOTHING"
            )
            params = [w.window, as_of, ReviewStatus.CONFIRMED.value, *states, *cats, w.due_from, w.due_before]
            await tx.execute_query(_sql(dialect, sql), _params(dialect, params))
        warnings = await ObligationWarning.all().using_db(tx).count() - warnings_before

        t = SeverityThresholds()
        days_late = _days_between(dialect, "?", "o.due_date")
        now = datetime.now(UTC)
        created: dict[str, int] = {}
        for kind, roles in (
            ("government_breach", sorted(RECORDED_ROLES)),
            ("counterparty_default", ["counterparty"]),
        ):
            prior = (
                "(SELECT COUNT(*) FROM integrity_failure p WHERE p.organisation_id = o.owner_id "
                "AND p.kind = 'government_breach' AND p.state IN ('found', 'found_rectified'))"
            )
            outstanding = "(o.amount - o.amount_fulfilled)"
            sql = (
                "INSERT INTO integrity_failure (kind, obligation_id, organisation_id, obligor_name, promised_to, "
                "state, severity, source, due_date, detected_on, days_late, amount_outstanding, clause, "
                "created_at, updated_at) "
                f"SELECT ?, o.id, o.owner_id, o.obligor_name, "
                "(SELECT ap.name FROM agreement_party ap WHERE ap.agreement_id = o.agreement_id "
                "AND ap.role <> o.obligor_role ORDER BY ap.id LIMIT 1), "
                f"'detected', CASE WHEN COALESCE({outstanding}, 0) >= ? OR {days_late} >= ? OR {prior} >= ? "
                "THEN 'serious' "
                f"WHEN COALESCE({outstanding}, 0) >= ? OR {days_late} >= ? OR {prior} >= ? THEN 'general' "
                "ELSE 'minor' END, "
                f"'sweep', o.due_date, ?, {days_late}, {outstanding}, o.quote, ?, ? "
                f"FROM obligation o WHERE o.state = 'breached' AND o.obligor_role IN ({','.join('?' * len(roles))}) "
                "AND o.due_date IS NOT NULL AND NOT EXISTS (SELECT 1 FROM integrity_failure f "
                "WHERE f.obligation_id = o.id AND f.kind = ?)"
            )
            params: list[Any] = [
                kind,
                t.serious_amount,
                as_of,
                t.serious_days_late,
                t.serious_prior_failures,
                t.general_amount,
                as_of,
                t.general_days_late,
                t.general_prior_failures,
                as_of,
                as_of,
                now,
                now,
                *roles,
                kind,
            ]
            before = await IntegrityFailure.filter(kind=kind).using_db(tx).count()
            await tx.execute_query(_sql(dialect, sql), _params(dialect, params))
            created[kind] = await IntegrityFailure.filter(kind=kind).using_db(tx).count() - before
        report = SweepReport(as_of, moved, warnings, created["government_breach"], created["counterparty_default"])
        if any(moved.values()) or warnings or any(created.values()):
            await audit.record(None, "sweep", "sweep", None, None, report.to_dict())
    await notifications.notify_after_sweep(as_of, *marks)  # after the commit: the jobs must see the rows
    return report

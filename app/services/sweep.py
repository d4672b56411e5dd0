"""The deadline sweep: moves every confirmed obligation to its state for a date, issues early warnings and
turns breached obligations into integrity-failure records — set-based statements, never a loop over rows.

The thresholds come from ``trackers.plan_sweep``; this module only turns them into SQL. Running the sweep
twice for the same date changes nothing (state moves are monotone, inserts skip existing rows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

import extractors
from app import clock
from app.errors import InvalidInput
from app.models import IntegritySnapshot, PartyRole
from app.services import audit, notifications
from app.services.failures import sweep_failures
from app.services.ratings import take_snapshots
from app.services.recurring import generate_all_instances
from app.sql import days_between, dialect_params, dialect_sql
from trackers import ObligationState, ReviewStatus
from trackers.failures import COUNTING_STATES, FailureState, Severity, SeverityThresholds
from trackers.policies import TrackingPolicies
from trackers.sweep import RECORDED_ROLES, SweepPlan, SweepPolicy, SweepStep, plan_sweep

CATEGORIES = tuple(str(c) for c in extractors.Category)


class FutureSweep(InvalidInput):
    """A sweep ``as_of`` a date after today."""


def refuse_future(as_of: date, today: date) -> None:
    if as_of > today:
        raise FutureSweep(
            f"as_of {as_of.isoformat()} is in the future (today is {today.isoformat()}); "
            "a sweep can only record deadlines that have passed.",
            errors=[{"key": "as_of", "message": "in the future"}],
        )


@dataclass(frozen=True, slots=True)
class SweepReport:
    as_of: date
    moved: dict[str, int]
    warnings: int
    failures: int
    defaults: int
    instances: int = 0  # recurring obligations' instances created
    rectification_missed: int = 0  # failure records found because their rectification deadline passed
    snapshots: int = 0  # monthly integrity snapshots written (first sweep of a month, for the month before)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "moved": self.moved,
            "warnings": self.warnings,
            "government_failures": self.failures,
            "counterparty_defaults": self.defaults,
            "instances": self.instances,
            "rectification_missed": self.rectification_missed,
            "snapshots": self.snapshots,
        }


async def sweep_obligations(
    as_of: date,
    policies: TrackingPolicies,
    *,
    snapshots: bool = True,
    catch_up: bool | None = None,
    today: date | None = None,
) -> SweepReport:
    """The whole daily run for ``as_of``: recurring instances, state moves, warnings, failure records,
    missed rectification deadlines, and (once a month) the integrity snapshots of the month before.

    ``as_of`` may not be after ``today`` (default: today in Beijing): a sweep of the future would record
    breaches of deadlines that have not passed yet (``FutureSweep``).

    Failure records are written for the obligations this run breached. ``catch_up`` (default: on the first
    day of a month) also writes them for every breached obligation that lacks one — e.g. one whose obligor
    role was corrected after the breach — which reads every breached row, so it is not done daily."""
    refuse_future(as_of, clock.today() if today is None else today)
    instances = await generate_all_instances(as_of, policies.recurrence_horizon_days)
    catch_up = as_of.day == 1 if catch_up is None else catch_up
    report = await _sweep_states(as_of, policies.sweep, policies.failure.thresholds, catch_up=catch_up)
    missed = await sweep_failures(as_of, policies.failure)
    written = 0
    if snapshots and as_of.day == 1:
        previous = as_of - timedelta(days=1)
        if not await IntegritySnapshot.filter(period_start=previous.replace(day=1)).exists():
            written = await take_snapshots(previous)
    return replace(report, instances=instances, rectification_missed=missed, snapshots=written)


def _in(column: str, values: list[str], everything: frozenset[str] | None = None) -> tuple[str, list[str]]:
    """`` AND column IN (?, …)``, or nothing when the list is every value the column holds."""
    if everything is not None and set(values) >= everything:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(values))})", values


def _ids(dialect: str) -> str:
    """A condition on ``o.id`` matching a list of ids passed as one parameter."""
    return "o.id = ANY(?::int[])" if dialect == "postgres" else "o.id IN (SELECT value FROM json_each(?))"


def _first_match_equivalent(steps: tuple[SweepStep, ...]) -> bool:
    return all(step.to_state not in later.from_states for i, step in enumerate(steps) for later in steps[i + 1 :])


def _step_condition(
    step: SweepStep, all_roles: frozenset[str], all_categories: frozenset[str]
) -> tuple[str, list[Any]]:
    states = sorted(str(s) for s in step.from_states)
    roles_sql, roles = _in("obligor_role", sorted(step.roles), all_roles)
    cats_sql, cats = _in("category", sorted(step.categories), all_categories)
    cond = f"(state IN ({','.join('?' * len(states))}){roles_sql}{cats_sql} AND due_date < ?"
    params: list[Any] = [*states, *roles, *cats, step.due_before]
    if step.due_from is not None:
        cond += " AND due_date >= ?"
        params.append(step.due_from)
    return cond + ")", params


async def move_states(tx: Any, plan: SweepPlan) -> tuple[dict[str, int], list[int]]:
    """Every state step of ``plan`` in one UPDATE: a CASE whose branches are the steps in plan order. Running
    the steps one after another is the same as the first matching branch, because no step's target state is
    a source state of a later step (checked by ``_first_match_equivalent``). Returns the rows moved per
    target state and the ids of the obligations it breached."""
    assert _first_match_equivalent(plan.steps)
    dialect = tx.capabilities.dialect
    all_categories, all_roles = frozenset(CATEGORIES), frozenset(str(r) for r in PartyRole)
    branches, conditions, params_case, params_where = [], [], [], []
    for step in plan.steps:
        cond, cond_params = _step_condition(step, all_roles, all_categories)
        branches.append(f"WHEN {cond} THEN ?")
        params_case += [*cond_params, str(step.to_state)]
        conditions.append(cond)
        params_where += cond_params
    swept = sorted({str(state) for step in plan.steps for state in step.from_states})
    latest = max(step.due_before for step in plan.steps)
    sql = (
        f"UPDATE obligation SET state = CASE {' '.join(branches)} ELSE state END "
        f"WHERE review_status = ? AND state IN ({','.join('?' * len(swept))}) AND due_date < ? "
        f"AND ({' OR '.join(conditions)}) RETURNING id, state"
    )
    params: list[Any] = [*params_case, ReviewStatus.CONFIRMED.value, *swept, latest, *params_where]
    moved_rows = await tx.execute_query_dict(dialect_sql(dialect, sql), dialect_params(dialect, params))
    moved = {str(step.to_state): 0 for step in plan.steps}
    breached: list[int] = []
    for row in moved_rows:
        moved[str(row["state"])] = moved.get(str(row["state"]), 0) + 1
        if row["state"] == ObligationState.BREACHED:
            breached.append(int(row["id"]))
    return moved, breached


async def _sweep_states(
    as_of: date, policy: SweepPolicy, thresholds: SeverityThresholds, *, catch_up: bool = False
) -> SweepReport:
    """State steps, warnings and failure records for the obligations the breach steps moved. Every
    statement filters on ``review_status = 'confirmed'`` and open states by due date, which the partial
    index ``idx_obligation_sweep_open`` serves: the daily run reads only what is due."""
    plan = plan_sweep(as_of, policy, categories=CATEGORIES)
    dialect = connections.get("default").capabilities.dialect
    all_categories = frozenset(CATEGORIES)
    marks = await notifications.last_ids()
    async with in_transaction() as tx:
        moved, breached_ids = await move_states(tx, plan)

        # 2. warnings: the bands are disjoint, so one INSERT picks each row's band with a CASE.
        warnings = 0
        if plan.warnings:
            branches, conditions, params_case, params_where = [], [], [], []
            for w in plan.warnings:
                cats_sql, cats = _in("category", sorted(w.categories), all_categories)
                cond = f"(due_date >= ? AND due_date < ?{cats_sql})"
                branches.append(f"WHEN {cond} THEN CAST(? AS INTEGER)")
                params_case += [w.due_from, w.due_before, *cats, w.window]
                conditions.append(cond)
                params_where += [w.due_from, w.due_before, *cats]
            states = sorted({str(state) for w in plan.warnings for state in w.states})
            # Rows already warned for their band are skipped by an index probe (NOT EXISTS) rather than a
            # conflicting insert: inside a 30-day window that is most rows, every day.
            sql = (
                "INSERT INTO obligation_warning (obligation_id, window_days, due_date, issued_on) "
                "SELECT c.id, c.win, c.due_date, ? FROM ("
                f"SELECT id, due_date, CASE {' '.join(branches)} END AS win FROM obligation WHERE review_status = ? "
                f"AND state IN ({','.join('?' * len(states))}) AND due_date >= ? AND due_date < ? "
                f"AND ({' OR '.join(conditions)})) c WHERE NOT EXISTS (SELECT 1 FROM obligation_warning w "
                "WHERE w.obligation_id = c.id AND w.window_days = c.win AND w.due_date = c.due_date) "
                "ON CONFLICT DO NOTHING RETURNING id"
            )
            params = [as_of, *params_case, ReviewStatus.CONFIRMED.value, *states]
            params += [min(w.due_from for w in plan.warnings), max(w.due_before for w in plan.warnings)]
            params += params_where
            warnings = len(await tx.execute_query_dict(dialect_sql(dialect, sql), dialect_params(dialect, params)))

        days_late = days_between(dialect, "?", "o.due_date")
        now = datetime.now(UTC)
        counting = ", ".join(f"'{state}'" for state in sorted(COUNTING_STATES))
        prior = (
            "(SELECT COUNT(*) FROM integrity_failure p WHERE p.organisation_id = o.owner_id "
            f"AND p.kind = 'government_breach' AND p.state IN ({counting}) AND p.found_on >= ?)"
        )
        outstanding = "COALESCE(o.amount - o.amount_fulfilled, 0)"
        grade, grade_params = severity_case(outstanding, days_late, prior, thresholds, as_of)
        created: dict[str, int] = {"government_breach": 0, "counterparty_default": 0}
        ids_param: Any = breached_ids if dialect == "postgres" else json.dumps(breached_ids)
        for kind, roles in (
            ("government_breach", sorted(RECORDED_ROLES)),
            ("counterparty_default", ["counterparty"]),
        ):
            if not breached_ids and not catch_up:
                break
            # a government breach is the owing body's record; a counterparty's default is the 违约 record of
            # the bureau that manages the agreement (the basis for clawing back incentives), never its 失信
            charged_to = (
                "o.owner_id"
                if kind == "government_breach"
                else "(SELECT a.owning_department_id FROM agreement a WHERE a.id = o.agreement_id)"
            )
            sql = (
                "INSERT INTO integrity_failure (kind, obligation_id, organisation_id, obligor_name, promised_to, "
                "state, severity, source, due_date, detected_on, days_late, amount_outstanding, clause, "
                "created_at, updated_at) "
                f"SELECT ?, o.id, {charged_to}, o.obligor_name, "
                "(SELECT ap.name FROM agreement_party ap WHERE ap.agreement_id = o.agreement_id "
                "AND ap.role <> o.obligor_role ORDER BY ap.id LIMIT 1), "
                f"'{FailureState.DETECTED}', {grade}, "
                "'sweep', o.due_date, ?, "
                f"{days_late}, o.amount - o.amount_fulfilled, o.quote, ?, ? "
                f"FROM obligation o WHERE {'' if catch_up else _ids(dialect) + ' AND '}"
                f"o.state = '{ObligationState.BREACHED}' "
                f"AND o.obligor_role IN ({','.join('?' * len(roles))}) "
                "AND o.due_date IS NOT NULL AND NOT EXISTS (SELECT 1 FROM integrity_failure f "
                "WHERE f.obligation_id = o.id AND f.kind = ?) RETURNING id"
            )
            params = [
                kind,
                *grade_params,
                as_of,
                as_of,
                now,
                now,
                *([] if catch_up else [ids_param]),
                *roles,
                kind,
            ]
            created[kind] = len(await tx.execute_query_dict(dialect_sql(dialect, sql), dialect_params(dialect, params)))
        report = SweepReport(as_of, moved, warnings, created["government_breach"], created["counterparty_default"])
        if any(moved.values()) or warnings or any(created.values()):
            await audit.record(None, "sweep", "sweep", None, None, report.to_dict())
    await notifications.notify_after_sweep(as_of, *marks)  # after the commit: the jobs must see the rows
    return report


def severity_case(
    amount_sql: str, days_late_sql: str, prior_sql: str, thresholds: SeverityThresholds, as_of: date
) -> tuple[str, list[Any]]:
    """The SQL CASE of ``trackers.failures.severity`` for a sweep of ``as_of``, generated from the same
    ladder (``levels()``), and its parameters in order. ``days_late_sql`` holds one ``?`` for the sweep date,
    ``prior_sql`` one for the earliest finding day that still counts (``prior_since``)."""
    levels = thresholds.levels()
    branches = " ".join(
        f"WHEN {amount_sql} >= ? OR {days_late_sql} >= ? OR {prior_sql} >= ? THEN '{level.severity}'"
        for level in levels
    )
    since = thresholds.prior_since(as_of)
    params = [v for lv in levels for v in (lv.amount, as_of, lv.days_late, since, lv.prior_failures)]
    return f"CASE {branches} ELSE '{Severity.MINOR}' END", params

"""Sweep planning: the date thresholds the app's set-based UPDATEs use, and the per-row rule they must match.

The sweep moves open obligations forward by their effective due date (never backward):

* ``breached`` when ``due + grace < as_of``, i.e. ``due < as_of − grace`` (grace by obligor role/category);
* ``overdue`` when ``due < as_of``;
* ``due_soon`` (from ``pending`` only) when ``due ≤ as_of + the category's widest warning window``.

``partially_fulfilled`` becomes overdue/breached like the others but is not relabelled ``due_soon`` (its
warnings are still issued). ``suspended``, ``breached`` and closed states are left alone.

Warnings are issued once per (obligation, window): on a given day each obligation falls in at most one
*band* — the narrowest window it has reached — so a daily sweep issues 30, then 7, then 1 days ahead, and
an obligation first seen 5 days ahead gets the 7-day then the 1-day warning, never the 30-day one.

Defaults (``SweepPolicy()``):

* warning windows: (30, 7, 1) days for every category;
* grace before ``breached``: government 30 days, counterparty 0, other/unknown 30 (unknown obligors are
  mostly units of policy plans, i.e. government). Overdue government obligations get 30 days to perform
  before the breach creates an integrity-failure record; counterparty contracts carry their own cure
  periods, so their obligations are breached the day after the due date.

Obligations of a ``RECORDED_ROLES`` obligor (the government) that a breach step moves get an
integrity-failure record: ``failures.new_failure(FailureSource.SWEEP)`` (state ``detected``), in the same
transaction (``INSERT … SELECT … RETURNING`` on the UPDATE's rows).

Running a plan (one transaction, steps in the given order)::

    for step in plan.steps:
        UPDATE obligation SET state = :to_state
         WHERE state IN :from_states AND obligor_role IN :roles AND category IN :categories
           AND due_date < :due_before [AND due_date >= :due_from]
    for w in plan.warnings:
        INSERT INTO obligation_warning (obligation_id, window_days, issued_on)
        SELECT id, :window, :as_of FROM obligation
         WHERE state IN :states AND category IN :categories
           AND due_date >= :due_from AND due_date < :due_before
        ON CONFLICT (obligation_id, window_days) DO NOTHING
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from trackers.errors import InvalidRule
from trackers.roles import PartyRole
from trackers.states import ObligationState

S = ObligationState

DEFAULT_WINDOWS: tuple[int, ...] = (30, 7, 1)
DEFAULT_GRACE_BY_ROLE: Mapping[str, int] = MappingProxyType(
    {PartyRole.GOVERNMENT: 30, PartyRole.COUNTERPARTY: 0, PartyRole.OTHER: 30, PartyRole.UNKNOWN: 30}
)

RECORDED_ROLES = frozenset({PartyRole.GOVERNMENT})  # breaches of these obligors become failure records
SWEPT_STATES = frozenset({S.PENDING, S.DUE_SOON, S.PARTIALLY_FULFILLED, S.OVERDUE})
WARNED_STATES = frozenset({S.PENDING, S.DUE_SOON, S.PARTIALLY_FULFILLED})
_RANK = {S.PENDING: 0, S.PARTIALLY_FULFILLED: 0, S.DUE_SOON: 1, S.OVERDUE: 2, S.BREACHED: 3}


def _windows(windows: Iterable[int]) -> tuple[int, ...]:
    result = tuple(sorted(set(windows), reverse=True))
    if not result or result[-1] < 0:
        raise InvalidRule(f"warning windows must be non-negative days, at least one: {tuple(windows)}")
    return result


@dataclass(frozen=True, slots=True)
class WarningPolicy:
    """Warning windows in days before the due date, per obligation category."""

    default: tuple[int, ...] = DEFAULT_WINDOWS
    by_category: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def windows(self, category: str) -> tuple[int, ...]:
        """Distinct windows, widest first."""
        return _windows(self.by_category.get(category, self.default))


@dataclass(frozen=True, slots=True)
class GracePolicy:
    """Days after the due date before an overdue obligation is breached, by obligor role, optionally
    refined by (role, category)."""

    by_role: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_GRACE_BY_ROLE))
    by_role_category: Mapping[tuple[str, str], int] = field(default_factory=dict)
    fallback: int = 30  # a role missing from ``by_role``

    def days(self, role: str, category: str) -> int:
        days = self.by_role_category.get((role, category), self.by_role.get(role, self.fallback))
        if days < 0:
            raise InvalidRule(f"a grace period cannot be negative: {role}/{category} {days}")
        return days


@dataclass(frozen=True, slots=True)
class SweepPolicy:
    warnings: WarningPolicy = field(default_factory=WarningPolicy)
    grace: GracePolicy = field(default_factory=GracePolicy)


@dataclass(frozen=True, slots=True)
class SweepStep:
    """One set-based UPDATE: rows in ``from_states`` whose obligor role is in ``roles``, category in
    ``categories`` and ``due_from <= due_date < due_before`` move to ``to_state``."""

    to_state: ObligationState
    from_states: frozenset[ObligationState]
    roles: frozenset[str]
    categories: frozenset[str]
    due_before: date  # exclusive
    due_from: date | None = None  # inclusive; None = no lower bound

    def matches(self, state: ObligationState, due: date, category: str, role: str) -> bool:
        return (
            state in self.from_states
            and role in self.roles
            and category in self.categories
            and due < self.due_before
            and (self.due_from is None or due >= self.due_from)
        )


@dataclass(frozen=True, slots=True)
class WarningStep:
    """Issue warning ``window`` to rows in ``states`` with ``due_from <= due_date < due_before``."""

    window: int
    states: frozenset[ObligationState]
    categories: frozenset[str]
    due_from: date  # inclusive
    due_before: date  # exclusive

    def matches(self, state: ObligationState, due: date, category: str) -> bool:
        return state in self.states and category in self.categories and self.due_from <= due < self.due_before


@dataclass(frozen=True, slots=True)
class SweepPlan:
    as_of: date
    steps: tuple[SweepStep, ...]  # run in this order
    warnings: tuple[WarningStep, ...]


def _grouped(keyed: Mapping[str, date]) -> dict[date, frozenset[str]]:
    groups: defaultdict[date, set[str]] = defaultdict(set)
    for key, threshold in keyed.items():
        groups[threshold].add(key)
    return {threshold: frozenset(keys) for threshold, keys in sorted(groups.items())}


def plan_sweep(
    as_of: date,
    policy: SweepPolicy | None = None,
    *,
    categories: Iterable[str],
    roles: Iterable[str] = tuple(PartyRole),
) -> SweepPlan:
    """Thresholds for the sweep on ``as_of``. ``categories``: every category value the app stores (pass
    ``[str(c) for c in extractors.Category]``); ``roles``: every obligor role value (default: PartyRole)."""
    policy = policy or SweepPolicy()
    categories, roles = sorted(set(categories)), sorted(set(roles))
    unknown = {c for c in policy.warnings.by_category if c not in categories} | {
        c for _, c in policy.grace.by_role_category if c not in categories
    }
    if unknown:
        raise InvalidRule(f"policy names categories the app does not store: {sorted(unknown)}")
    all_categories = frozenset(categories)

    steps: list[SweepStep] = []
    # 1. breached: group roles that share the same category → threshold map, then categories by threshold.
    by_role: defaultdict[tuple[tuple[str, date], ...], set[str]] = defaultdict(set)
    for role in roles:
        thresholds = tuple((c, as_of - timedelta(days=policy.grace.days(role, c))) for c in categories)
        by_role[thresholds].add(role)
    for thresholds, role_set in sorted(by_role.items(), key=lambda item: sorted(item[1])):
        for threshold, cats in _grouped(dict(thresholds)).items():
            steps.append(SweepStep(S.BREACHED, SWEPT_STATES, frozenset(role_set), cats, threshold))
    # 2. overdue: the same for everyone.
    open_before_overdue = frozenset({S.PENDING, S.DUE_SOON, S.PARTIALLY_FULFILLED})
    steps.append(SweepStep(S.OVERDUE, open_before_overdue, frozenset(roles), all_categories, as_of))
    # 3. due_soon: by the category's widest window.
    widest = {c: as_of + timedelta(days=policy.warnings.windows(c)[0] + 1) for c in categories}
    for threshold, cats in _grouped(widest).items():
        steps.append(SweepStep(S.DUE_SOON, frozenset({S.PENDING}), frozenset(roles), cats, threshold, due_from=as_of))

    # Warnings: one band per window per category group.
    bands: defaultdict[tuple[int, date, date], set[str]] = defaultdict(set)
    for c in categories:
        windows = policy.warnings.windows(c)
        for i, window in enumerate(windows):
            narrower = windows[i + 1] if i + 1 < len(windows) else None
            due_from = as_of if narrower is None else as_of + timedelta(days=narrower + 1)
            bands[(window, due_from, as_of + timedelta(days=window + 1))].add(c)
    warnings = tuple(
        WarningStep(window, WARNED_STATES, frozenset(cats), due_from, due_before)
        for (window, due_from, due_before), cats in sorted(bands.items(), key=lambda b: (-b[0][0], b[0][1]))
    )
    return SweepPlan(as_of, tuple(steps), warnings)


def classify(
    state: ObligationState,
    due: date | None,
    as_of: date,
    policy: SweepPolicy | None = None,
    category: str = "other",
    role: str = PartyRole.GOVERNMENT,
) -> ObligationState:
    """Reference semantics for one row: the state the sweep on ``as_of`` leaves it in. ``due`` is the
    effective due date (None: no deadline, never swept)."""
    policy = policy or SweepPolicy()
    if due is None or state not in SWEPT_STATES:
        return state
    if due < as_of - timedelta(days=policy.grace.days(role, category)):
        target = S.BREACHED
    elif due < as_of:
        target = S.OVERDUE
    elif due <= as_of + timedelta(days=policy.warnings.windows(category)[0]) and state == S.PENDING:
        target = S.DUE_SOON
    else:
        return state
    return target if _RANK[target] > _RANK[state] else state


def apply_plan(plan: SweepPlan, state: ObligationState, due: date | None, category: str, role: str) -> ObligationState:
    """What running ``plan.steps`` in order does to one row (the SQL, in Python: for tests and dry runs)."""
    if due is None:
        return state
    for step in plan.steps:
        if step.matches(state, due, category, role):
            state = step.to_state
    return state


def due_warnings(due: date, as_of: date, windows: Iterable[int] = DEFAULT_WINDOWS) -> list[int]:
    """Every window reached on ``as_of`` (``0 <= due − as_of <= window``), widest first; [] once overdue."""
    left = (due - as_of).days
    return [w for w in _windows(windows) if 0 <= left <= w]


def warning_band(due: date, as_of: date, windows: Iterable[int] = DEFAULT_WINDOWS) -> int | None:
    """The one warning to issue on ``as_of`` (unless already issued): the narrowest window reached."""
    reached = due_warnings(due, as_of, windows)
    return reached[-1] if reached else None


def planned_warning(plan: SweepPlan, state: ObligationState, due: date, category: str) -> int | None:
    """What running ``plan.warnings`` issues for one row."""
    hits = [step.window for step in plan.warnings if step.matches(state, due, category)]
    if len(hits) > 1:  # pragma: no cover - bands are disjoint by construction
        raise InvalidRule(f"overlapping warning bands {hits}")
    return hits[0] if hits else None

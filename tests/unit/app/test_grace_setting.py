from __future__ import annotations

from datetime import date

from app.services.sweep import CATEGORIES
from app.settings import Settings
from trackers import ObligationState
from trackers.sweep import apply_plan, plan_sweep


def test_grace_days_reach_the_sweep_plan() -> None:
    """CHENGXIN_GRACE_DAYS reaches the plan the sweep turns into SQL (``plan_sweep``), not only a policy."""
    settings = Settings.from_env({"CHENGXIN_GRACE_DAYS": "10", "CHENGXIN_SECRET_KEY": "x", "CHENGXIN_DATA_DIR": "/tmp"})
    policy = settings.sweep_policy()
    assert policy.grace.days("government", "payment") == 10
    assert policy.grace.days("counterparty", "payment") == 0
    due = date(2025, 1, 10)

    def swept(as_of: date, role: str) -> ObligationState:
        plan = plan_sweep(as_of, policy, categories=CATEGORIES)
        return apply_plan(plan, ObligationState.OVERDUE, due, "payment", role)

    # a government duty 10 days late is still overdue, 11 days late breached; a company's breaches at once
    assert swept(date(2025, 1, 20), "government") == ObligationState.OVERDUE
    assert swept(date(2025, 1, 21), "government") == ObligationState.BREACHED
    assert swept(date(2025, 1, 11), "counterparty") == ObligationState.BREACHED

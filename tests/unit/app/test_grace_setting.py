from __future__ import annotations

from datetime import date

from app.settings import Settings
from trackers import ObligationState
from trackers.sweep import classify


def test_grace_days_reach_the_sweep_policy() -> None:
    settings = Settings.from_env({"CHENGXIN_GRACE_DAYS": "10", "CHENGXIN_SECRET_KEY": "x", "CHENGXIN_DATA_DIR": "/tmp"})
    policy = settings.sweep_policy()
    assert policy.grace.days("government", "payment") == 10
    assert policy.grace.days("counterparty", "payment") == 0
    due = date(2025, 1, 10)
    # 10 days late: still overdue; 11 days late: breached
    assert classify(ObligationState.OVERDUE, due, date(2025, 1, 20), policy, "payment", "government") == "overdue"
    assert classify(ObligationState.OVERDUE, due, date(2025, 1, 21), policy, "payment", "government") == "breached"

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.settings import Settings
from trackers.errors import InvalidRule


def test_tracking_settings_from_the_environment(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "CHENGXIN_DATA_DIR": str(tmp_path),
            "CHENGXIN_SECRET_KEY": "k",
            "CHENGXIN_WARNING_WINDOWS": "14,3",
            "CHENGXIN_WARNING_WINDOWS_BY_CATEGORY": "payment=60,30,7; reporting=7,1",
            "CHENGXIN_OBJECTION_DAYS": "10",
            "CHENGXIN_PUBLISH_MINOR": "true",
            "CHENGXIN_PPP_RED_LINE": "0.08",
            "CHENGXIN_PPP_GOVERNMENT_PAY_LIMIT": "0.04",
        }
    )
    policy = s.sweep_policy()
    assert policy.warnings.windows("payment") == (60, 30, 7)
    assert policy.warnings.windows("reporting") == (7, 1)
    assert policy.warnings.windows("land") == (14, 3)
    failures = s.failure_policy()
    assert failures.objection_days == 10
    assert failures.publish_minor is True
    ppp = s.affordability_policy()
    assert (ppp.red_line, ppp.government_pay_limit) == (Decimal("0.08"), Decimal("0.04"))


def test_defaults_and_contradictions(tmp_path: Path) -> None:
    s = Settings.from_env({"CHENGXIN_DATA_DIR": str(tmp_path), "CHENGXIN_SECRET_KEY": "k"})
    assert s.sweep_policy().warnings.windows("payment") == (30, 7, 1)
    assert s.affordability_policy().red_line == Decimal("0.10")
    with pytest.raises(InvalidRule):
        s.with_(ppp_red_line=Decimal("0.03")).affordability_policy()

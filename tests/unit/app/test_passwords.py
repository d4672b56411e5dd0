"""The password policy and the progressive login delay: pure functions, tables of cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.passwords import MIN_LENGTH, common_passwords, password_problem
from app.services.throttle import LoginLimits, account_delay


@pytest.mark.parametrize(
    ("password", "username", "refused_because"),
    [
        ("12345678", "", "at least 12"),  # the audit's example admin password
        ("short pass1", "", "at least 12"),  # 11 characters
        ("深圳湾的晚风很舒服啊", "", "at least 12"),  # characters, not bytes, are counted
        ("123456789012", "", "common"),
        ("Password1234", "", "common"),  # compared case-insensitively
        ("  password1234  ", "", "common"),  # and trimmed
        ("chengxin-demo", "", "common"),  # the demo password never serves a production account
        ("woaini1314520", "", "common"),
        ("zhangwei-secret-2026", "zhangwei", "user name"),
        ("aaaaaaaaaaab", "", "distinct"),
        ("x" * 201, "", "at most"),
        ("with a nul \x00 inside", "", "NUL"),
    ],
)
def test_refused_passwords(password: str, username: str, refused_because: str) -> None:
    problem = password_problem(password, username)
    assert problem is not None
    assert refused_because in problem


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("correct horse battery", "admin"),
        ("吃葡萄不吐葡萄皮不吃葡萄", "admin"),
        ("Tr0ub4dor&3-but-longer", "zhangwei"),
    ],
)
def test_accepted_passwords(password: str, username: str) -> None:
    assert len(password) >= MIN_LENGTH
    assert password_problem(password, username) is None


def test_block_list_is_loaded_and_long_enough_to_matter() -> None:
    entries = common_passwords()
    assert len(entries) >= 100
    assert all(e == e.casefold().strip() for e in entries)
    assert not any(e.startswith("#") for e in entries)


LIMITS = LoginLimits(account_free=10, first_delay=timedelta(seconds=2), max_delay=timedelta(minutes=2))


@pytest.mark.parametrize(
    ("hits", "delay_s"),
    [(0, 0), (1, 0), (10, 0), (11, 2), (12, 4), (13, 8), (15, 32), (16, 64), (17, 120), (50, 120), (10_000, 120)],
)
def test_account_delay_doubles_up_to_the_cap(hits: int, delay_s: int) -> None:
    assert account_delay(hits, LIMITS) == timedelta(seconds=delay_s)

"""The password policy: at least 12 characters, not a common password, not the user name.

Pure functions over values; ``app.services.users`` turns a refusal into ``InvalidInput`` naming the field.
"""

from __future__ import annotations

import functools
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


PROBLEMS = {  # code → the English sentence (the pages show ``error.<code>`` from ``app.ui.i18n``)
    "password.too_short": f"The password must have at least {MIN_LENGTH} characters.",
    "password.too_long": f"The password may have at most {MAX_LENGTH} characters.",
    "password.nul": "The password may not contain NUL characters.",
    "password.common": "This password is on the list of common passwords; choose another.",
    "password.has_username": "The password may not contain the user name.",
    "password.too_few_characters": "The password repeats too few distinct characters.",
}


def password_problem_code(password: str, username: str = "") -> str | None:
    """Why ``password`` may not be used, as a ``PROBLEMS`` code, or ``None`` when it may."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    if len(password) > MAX_LENGTH:
        return "password.too_long"
    if "\x00" in password:
        return "password.nul"
    folded = password.strip().casefold()
    if folded in common_passwords():
        return "password.common"
    if username and username.strip().casefold() in folded:
        return "password.has_username"
    if len(set(folded)) < 4:
        return "password.too_few_characters"
    return None


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` may not be used, or ``None`` when it may."""
    code = password_problem_code(password, username)
    return PROBLEMS[code] if code else None

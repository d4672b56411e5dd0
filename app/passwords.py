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


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` may not be used, or ``None`` when it may."""
    if len(password) < MIN_LENGTH:
        return f"The password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password may have at most {MAX_LENGTH} characters."
    if "\x00" in password:
        return "The password may not contain NUL characters."
    folded = password.strip().casefold()
    if folded in common_passwords():
        return "This password is on the list of common passwords; choose another."
    if username and username.strip().casefold() in folded:
        return "The password may not contain the user name."
    if len(set(folded)) < 4:
        return "The password repeats too few distinct characters."
    return None

"""Reading form fields: dates, amounts and the values kept for a form sent back with errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.api.schemas import SANE_DATES
from app.errors import InvalidInput

KEPT_OUT = frozenset({"_csrf_token", "password", "new_password", "current_password", "confirm"})


def parse_date(value: str | None, default: date | None = None) -> date | None:
    """A date from a form or a link; an impossible one, or one outside ``SANE_DATES``, counts as none."""
    try:
        parsed = date.fromisoformat(value) if value else None
    except ValueError:
        return default
    if parsed is None or not SANE_DATES[0] <= parsed <= SANE_DATES[1]:
        return default
    return parsed


def required_date(value: str | None, key: str) -> date:
    parsed = parse_date(value)
    if parsed is None:
        raise InvalidInput(f"{key} must be a date as YYYY-MM-DD.", errors=[{"key": key, "message": "not a date"}])
    return parsed


def amount(value: str | None, key: str) -> Decimal | None:
    text = (value or "").replace(",", "").replace("，", "").strip()
    if not text:
        return None
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"{key} must be a number.", errors=[{"key": key, "message": "not a number"}]) from None
    if not parsed.is_finite():
        raise InvalidInput(f"{key} must be a number.", errors=[{"key": key, "message": "not a number"}])
    return parsed


def kept_values(data: dict[str, Any]) -> dict[str, str]:
    """What a form gets back after an error: its text fields, never the token, passwords or files."""
    return {k: v for k, v in data.items() if isinstance(v, str) and k not in KEPT_OUT}

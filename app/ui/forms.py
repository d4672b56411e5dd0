"""Reading form fields: dates, amounts and the values kept for a form sent back with errors."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

import msgspec

from app.api.schemas import SANE_DATES
from app.errors import InvalidInput

S = TypeVar("S", bound=msgspec.Struct)
E = TypeVar("E", bound=StrEnum)
_AT_FIELD = re.compile(r"at `\$\.(\w+)`")

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


def optional_date(value: str | None, key: str) -> date | None:
    """A date field that may stay empty; anything typed must be a date."""
    return required_date(value, key) if (value or "").strip() else None


def choice(cls: type[E], value: str | None, key: str) -> E:
    """One of a select's values; anything else goes back beside the field (无法识别的选项)."""
    try:
        return cls((value or "").strip())
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise InvalidInput(f"{key} must be one of: {allowed}.", errors=[{"key": key, "message": "unknown"}]) from None


def whole_number(value: str | None, key: str) -> int | None:
    """An integer field (a year): empty → None, anything else must be digits."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput(f"{key} must be a whole number.", errors=[{"key": key, "message": "not a number"}])
    return int(text)


def request_body(cls: type[S], values: dict[str, Any]) -> S:
    """The API's request body built from a form's parsed values (``None`` or ``""`` = not given), checked
    by the same constraints the JSON API applies (lengths, ranges, bounds). A refusal names its field and
    says ``required`` (missing), ``negative`` (a number below zero), ``too long`` (text) or ``out of range``."""
    given = {k: v for k, v in values.items() if v is not None and v != ""}
    try:
        return msgspec.convert(given, cls)
    except msgspec.ValidationError as exc:
        text = str(exc)
        found = _AT_FIELD.search(text)
        key = found.group(1) if found else "form"
        value = given.get(key)
        if text.startswith("Object missing required field"):
            key, message = text.split("`")[1], "required"
        elif isinstance(value, Decimal | int) and value < 0:
            message = "negative"
        elif isinstance(value, str):
            message = "too long"
        else:
            message = "out of range"
        raise InvalidInput(text, errors=[{"key": key, "message": message}]) from None


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

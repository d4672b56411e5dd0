"""Reading form fields: dates, amounts and the values kept for a form sent back with errors."""

from __future__ import annotations

import re
import unicodedata
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


# The two ways a date is written on the pages: 2025-03-01 (what every date field shows) and 2025年3月1日;
# months and days with or without their leading zero, full-width digits as typed by a Chinese input method.
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")


class NoSuchDate(ValueError):
    """Written as a date, but the calendar has no such day (2025-02-30, 2025年13月1日)."""


def read_date(text: str) -> date | None:
    """A date written as ``2025-03-01`` or ``2025年3月1日`` (``None``: not written as a date at all);
    ``NoSuchDate`` for one the calendar does not have."""
    text = unicodedata.normalize("NFKC", text).strip()
    found = _ISO_DATE.fullmatch(text) or _ZH_DATE.fullmatch(text)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise NoSuchDate(text) from None


def parse_date(value: str | None, default: date | None = None) -> date | None:
    """A date from a form or a link; an impossible one, or one outside ``SANE_DATES``, counts as none."""
    try:
        parsed = read_date(value) if value else None
    except NoSuchDate:
        return default
    if parsed is None or not SANE_DATES[0] <= parsed <= SANE_DATES[1]:
        return default
    return parsed


def required_date(value: str | None, key: str) -> date:
    """A date field that must be filled: ``2025-03-01`` or ``2025年3月1日``; anything else goes back beside
    the field — ``not a date`` (empty, another form), ``no such date`` (2025-02-30) or ``out of range``."""
    try:
        parsed = read_date(value or "")
    except NoSuchDate:
        raise InvalidInput(
            f"{key}: {value!r} is not a day of the calendar.", errors=[{"key": key, "message": "no such date"}]
        ) from None
    if parsed is None:
        raise InvalidInput(f"{key} must be a date as YYYY-MM-DD.", errors=[{"key": key, "message": "not a date"}])
    if not SANE_DATES[0] <= parsed <= SANE_DATES[1]:
        raise InvalidInput(
            f"{key} must be between {SANE_DATES[0]} and {SANE_DATES[1]}.",
            errors=[{"key": key, "message": "out of range"}],
        )
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

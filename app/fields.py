"""Tortoise's date, JSON and enum fields, read faster: under cProfile, converting the rows of a 50-obligation page
was a fifth of its time (``benchmarks/api.py --profile 3 --profile-sort tottime``), most of it parsers far heavier
than the values need. Each keeps its parent's class name, column type and errors, so the migrations
see no change (``tools/make_migration.py`` says "no changes") and a value the parent refuses is still refused."""

from __future__ import annotations

import datetime
import re
from typing import Any, Literal, overload

import msgspec
from tortoise import fields
from tortoise.fields.data import T_DATE, CharEnumType

_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)  # fromisoformat alone also takes 20260228xx and week dates


class DateField(fields.DateField[T_DATE]):
    """Tortoise's date field, read from SQLite's ISO text with ``date.fromisoformat`` (tortoise's iso8601
    parser was 13 % of a 50-obligation page); anything but a plain date goes to the parent, as before."""

    @overload
    def __init__(self: DateField[datetime.date], *, null: Literal[False] = False, **kwargs: Any) -> None: ...
    @overload
    def __init__(self: DateField[datetime.date | None], *, null: Literal[True], **kwargs: Any) -> None: ...
    def __init__(self, **kwargs: Any) -> None:  # the parent's overloads, so null=True types as date | None
        super().__init__(**kwargs)  # type: ignore[misc]  # the parent binds its overloads to its own class

    def to_python_value(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and _PLAIN_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass  # 2026-02-30: the parent's parser says what is wrong with it
        return super().to_python_value(value)


class JSONField(fields.JSONField[Any]):
    """Tortoise's JSON field, decoded by msgspec (the standard library's ``json``: 4 % of the page)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(decoder=msgspec.json.decode, **kwargs)


class CharEnumFieldInstance(fields.data.CharEnumFieldInstance):
    """Tortoise's enum column, read through the enum's value map (calling the enum: 4 % of the page)."""

    def to_python_value(self, value: str | None) -> Any:
        if value is None:
            return None
        member = self.enum_type._value2member_map_.get(value)
        return member if member is not None else self.enum_type(value)  # the enum's own error for a stray value


def CharEnumField(
    enum_type: type[CharEnumType], description: str | None = None, max_length: int = 0, **kwargs: Any
) -> fields.Field[CharEnumType]:
    """Tortoise's ``CharEnumField``, reading through the value map (the enum is the column's type)."""
    return CharEnumFieldInstance(enum_type, description, max_length, **kwargs)

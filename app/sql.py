"""Raw SQL that runs on both SQLite and PostgreSQL: statements are written once with ``?`` placeholders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise import connections


def dialect_sql(dialect: str, text: str) -> str:
    """``?`` placeholders as they are for SQLite; ``$1, $2, …`` for asyncpg."""
    if dialect != "postgres":
        return text
    parts = text.split("?")
    return "".join(p + (f"${i}" if i < len(parts) else "") for i, p in enumerate(parts, start=1))


def dialect_params(dialect: str, params: list[Any]) -> list[Any]:
    """asyncpg takes dates and Decimals as they are; SQLite stores them as ISO text and REAL numbers."""
    if dialect == "postgres":
        return params
    out: list[Any] = []
    for p in params:
        if isinstance(p, date | datetime):
            out.append(p.isoformat())
        elif isinstance(p, Decimal):
            out.append(float(p))
        else:
            out.append(p)
    return out


def days_between(dialect: str, later: str, earlier: str) -> str:
    """An SQL expression: whole days from ``earlier`` to ``later``."""
    if dialect == "postgres":
        return f"({later}::date - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def month_of(dialect: str, column: str) -> str:
    """An SQL expression: ``YYYY-MM`` of a date column."""
    return f"to_char({column}, 'YYYY-MM')" if dialect == "postgres" else f"strftime('%Y-%m', {column})"


async def fetch(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Rows of ``sql`` (``?`` placeholders) on the default connection, parameters as its dialect takes them."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    return list(await conn.execute_query_dict(dialect_sql(dialect, sql), dialect_params(dialect, params)))

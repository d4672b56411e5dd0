"""The one place the application reads the clock. Deadlines are Beijing dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in China (a deadline "by 30 June" ends at midnight Beijing time)."""
    return datetime.now(BEIJING).date()


def to_beijing_date(moment: datetime) -> date:
    """The Beijing date of a stored timestamp (naive ones are UTC, as the database keeps them)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).date()


def start_of_beijing_day(day: date) -> datetime:
    """The instant a Beijing day begins, in UTC: stored timestamps are UTC, and SQLite compares them as text,
    so a bound in another offset ("…00:00+08:00") would be compared with "…16:00+00:00" letter by letter."""
    return datetime.combine(day, time(), BEIJING).astimezone(UTC)

"""The one clock: "today" and "now" in Europe/Copenhagen, and UTC for stored times.

Every date that decides something (decay, partner lapse, retention, the next working day)
is a Copenhagen date; every stored timestamp is UTC. ``--as-of`` replaces :func:`today`
for a whole command, so the same inputs give the same output (conventions.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import pandas as pd

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def today() -> date:
    """Today's date in Copenhagen."""
    return datetime.now(COPENHAGEN).date()


def now_local() -> datetime:
    """The time now in Copenhagen (aware)."""
    return datetime.now(COPENHAGEN)


def now_utc() -> datetime:
    """The time now in UTC (aware): what the store keeps."""
    return datetime.now(UTC)


def to_utc(when: datetime) -> datetime:
    """``when`` as an aware UTC time, as the store keeps it; a time without a zone is
    Copenhagen time (what a person in the field writes).

    SQLite keeps no zone: a Copenhagen time stored as it is comes back as if it were UTC,
    an hour or two late (23:54 on 30 November read as 00:54 on 1 December).

    >>> to_utc(datetime(2026, 11, 30, 23, 54)).isoformat()
    '2026-11-30T22:54:00+00:00'
    """
    if when.tzinfo is None:
        when = when.replace(tzinfo=COPENHAGEN)
    return when.astimezone(UTC)


def from_store(value: datetime) -> datetime:
    """A time read from the store as Copenhagen time (aware); a time without a zone is UTC
    (SQLite's)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(COPENHAGEN)


def local_times(values: pd.Series) -> pd.Series:
    """Stored times as aware Copenhagen times, a whole column at once (:func:`from_store`
    for one): SQLite gives naive UTC, PostgreSQL aware times."""
    import pandas as pd  # here only: the CLI's parser needs the clock, not pandas

    return pd.to_datetime(values, utc=True).dt.tz_convert(COPENHAGEN)


def local_midnight_utc(day: date) -> datetime:
    """Midnight at the start of ``day`` in Copenhagen, as a UTC time."""
    return datetime(day.year, day.month, day.day, tzinfo=COPENHAGEN).astimezone(UTC)


def days_before_utc(as_of: date, days: int) -> datetime:
    """Midnight (Copenhagen) ``days`` before ``as_of``, in UTC: a retention cut-off."""
    return local_midnight_utc(as_of - timedelta(days=days))

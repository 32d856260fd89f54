"""The one clock: "today" and "now" in Europe/Copenhagen, and UTC for stored times.

Every date that decides something (decay, partner lapse, retention, the next working day)
is a Copenhagen date; every stored timestamp is UTC. ``--as-of`` replaces :func:`today`
for a whole command, so the same inputs give the same output (conventions.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

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


def local_midnight_utc(day: date) -> datetime:
    """Midnight at the start of ``day`` in Copenhagen, as a UTC time."""
    return datetime(day.year, day.month, day.day, tzinfo=COPENHAGEN).astimezone(UTC)


def days_before_utc(as_of: date, days: int) -> datetime:
    """Midnight (Copenhagen) ``days`` before ``as_of``, in UTC: a retention cut-off."""
    return local_midnight_utc(as_of - timedelta(days=days))

"""Pieces every part of the repository shares: the acting user, the ``@operation`` access
check, and small SQL helpers. Kept apart from :mod:`detection.repository` so the
repository's feature mixins (:mod:`detection.repo_imports`, :mod:`detection.repo_priorities`)
can use them without a circular import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, insert

from detection.access import ACCESS

if TYPE_CHECKING:
    from geo.network import WalkingNetwork

_CHUNK = 5_000

@dataclass(frozen=True)
class Actor:
    """Who is acting: a user name and its role."""

    name: str
    role: str


@dataclass(frozen=True)
class WorkspaceData:
    """Everything a workspace is built from, ready to store (all in EPSG:25832)."""

    name: str
    kommunekode: str
    synthetic: bool
    boundary: object | None  # shapely geometry
    sources: list[dict]
    entrances: pd.DataFrame
    units: pd.DataFrame
    buildings: pd.DataFrame
    bbr_units: pd.DataFrame
    area_layers: dict[str, gpd.GeoDataFrame]
    network: WalkingNetwork | None
    problems: pd.DataFrame
    partners: pd.DataFrame | None = None
    signals: pd.DataFrame | None = None


F = TypeVar("F", bound=Callable[..., Any])


def operation(name: str) -> Callable[[F], F]:
    """Mark a repository method with its access-matrix operation and check it on every call.

    The operation name is kept on the function (``fn.operation``) so a test can check that
    every public method is covered by :data:`detection.access.ACCESS`.
    """
    if name not in ACCESS:
        raise KeyError(f"operation {name!r} is not in detection.access.ACCESS")

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            self._check(name)
            return fn(self, *args, **kwargs)

        wrapper.operation = name  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return deco


DEFAULT_SETTINGS: dict[str, int] = {
    "retention_signals_days": 183,   # signals with no follow-up: 6 months
    "retention_outcomes_days": 365,  # door outcomes: 12 months
    "retention_rejected_days": 30,   # rejected import rows: 30 days
    "retention_audit_days": 183,     # audit entries: 6 months
    "partner_active_months": 6,      # a partner with a contact within this many months is active
}

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _cutoff(as_of: date, days: int) -> datetime:
    """Midnight (Copenhagen) ``days`` before ``as_of``, in UTC."""
    d = as_of - timedelta(days=days)
    return datetime(d.year, d.month, d.day, tzinfo=COPENHAGEN).astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts with NaN → None (SQL NULL)."""
    clean = df.astype(object).where(pd.notna(df), None)
    return clean.to_dict("records")


def _insert_many(conn: Connection, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), _CHUNK):
        conn.execute(insert(table), rows[i:i + _CHUNK])


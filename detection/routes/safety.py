"""Pair safety (issue 17): overdue pairs and doors next to an unsafe one. Pure: data in, data out.

- A pair checks in at the start of its route and out at the end (the repository stores
  it, :meth:`detection.repository.routes.RouteOps.check_in`). A route is **overdue** when
  it has a pair, has no check-out, and its shift ended at least ``overdue_minutes`` (a
  workspace setting, 30 by default) ago: at exactly shift end + 30 minutes it is listed,
  a second earlier it is not (:func:`overdue`).
- A door recorded ``unsafe`` is never planned again without a team lead's decision
  (:mod:`detection.routes.revisits`). The doors **next to** it get a warning on the walk
  list and the phone page: another entrance within :data:`UNSAFE_NEAR_M` metres
  (EPSG:25832), or with the same street, postcode and house number (12, 12A and 12B are
  one building's doors) (:func:`near_unsafe`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

#: The two checks of a route: at the start and at the end (one of each per route).
CHECK_KINDS: tuple[str, ...] = ("in", "out")

#: Distance (metres, EPSG:25832) within which another entrance counts as next to an unsafe
#: door: a door or two along a street, the other stairways of a block.
UNSAFE_NEAR_M = 50.0

#: How far back (days) the dashboard looks for pairs not checked out: a route of last month
#: that nobody checked out of is history, not an alarm.
OVERDUE_LOOKBACK_DAYS = 7

_NUMBER = re.compile(r"^\s*(\d+)")


def _building_key(street: object, number: object, postcode: object) -> tuple[str, str, str] | None:
    """(street, house number without its letter, postcode), lower-case; ``None`` without a number."""
    m = _NUMBER.match(str(number or ""))
    if not m or not str(street or "").strip():
        return None
    return str(street).strip().casefold(), m.group(1), str(postcode or "").strip()


def near_unsafe(stops: pd.DataFrame, unsafe: pd.DataFrame, *, radius_m: float = UNSAFE_NEAR_M) -> list[list[str]]:
    """For each stop, the unsafe entrances next to it (ids, nearest first).

    Parameters
    ----------
    stops, unsafe : DataFrame
        ``entrance_id, x, y, street, house_number, postcode`` (x, y in EPSG:25832 metres).
        ``unsafe``: entrances with an unsafe mark not cleared by a team lead.
    radius_m : float
        Within this distance (metres) an unsafe entrance is next to the stop.

    Returns
    -------
    list of list of str
        One list per row of ``stops``, in its order; a stop is never next to itself.

    Examples
    --------
    >>> s = pd.DataFrame({"entrance_id": ["A", "B"], "x": [0.0, 500.0], "y": [0.0, 0.0],
    ...                   "street": ["Vej", "Vej"], "house_number": ["1", "12B"], "postcode": ["8305"] * 2})
    >>> u = pd.DataFrame({"entrance_id": ["U1", "U2"], "x": [30.0, 900.0], "y": [0.0, 0.0],
    ...                   "street": ["Vej", "Vej"], "house_number": ["3", "12A"], "postcode": ["8305"] * 2})
    >>> near_unsafe(s, u)
    [['U1'], ['U2']]
    """
    if radius_m < 0:
        raise ValueError(f"radius_m must be >= 0 metres. Got {radius_m} instead.")
    if stops.empty:
        return []
    if unsafe.empty:
        return [[] for _ in range(len(stops))]
    ux, uy = unsafe["x"].to_numpy(float), unsafe["y"].to_numpy(float)
    uids = unsafe["entrance_id"].astype(str).tolist()
    ukeys = [_building_key(*k) for k in zip(unsafe["street"], unsafe["house_number"], unsafe["postcode"],
                                            strict=True)]
    out: list[list[str]] = []
    for sid, x, y, street, number, postcode in zip(stops["entrance_id"].astype(str), stops["x"], stops["y"],
                                                   stops["street"], stops["house_number"], stops["postcode"],
                                                   strict=True):
        d = np.hypot(ux - float(x), uy - float(y))
        key = _building_key(street, number, postcode)
        hit = [(d[i], uids[i]) for i in range(len(uids))
               if uids[i] != sid and (d[i] <= radius_m or (key is not None and ukeys[i] == key))]
        out.append([u for _, u in sorted(hit)])
    return out


def overdue(routes: Iterable[Mapping], checked_out: Iterable[str], *, now: datetime,
            minutes: int) -> list[dict]:
    """The routes whose pair has not checked out ``minutes`` after the shift ended.

    Parameters
    ----------
    routes : iterable of mappings
        ``route_id``, ``members`` (list of names; empty = unassigned, never overdue) and
        ``shift_end`` (aware datetime), plus anything else (kept in the result).
    checked_out : iterable of str
        Route ids with a check-out.
    now : datetime
        Aware.
    minutes : int
        The setting ``overdue_minutes``.

    Returns
    -------
    list of dict
        The overdue routes with ``minutes_over`` (whole minutes since the shift ended,
        rounded down), most overdue first. A route is listed from exactly
        ``shift_end + minutes`` on.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (e.g. clock.now_utc())")
    done = set(checked_out)
    limit = timedelta(minutes=int(minutes))
    out = []
    for r in routes:
        if not r["members"] or r["route_id"] in done:
            continue
        late = now - r["shift_end"]
        if late >= limit:
            out.append({**r, "minutes_over": int(late.total_seconds() // 60)})
    return sorted(out, key=lambda r: (-r["minutes_over"], r["route_id"]))

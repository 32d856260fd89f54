"""Door outcomes as the field brings them back: read (CSV or the exported GeoPackage),
checked row by row, and flagged when a log is implausible for a pair on foot.

Every row is accounted for: a row is good or rejected with a reason (``entrance_missing``,
``entrance_unknown``, ``unit_unknown``, ``outcome_unknown``, ``date_missing``,
``date_invalid``, ``date_future``, ``field_too_long``, ``bad_encoding``); a file whose
header lacks the columns is refused as ``header_unknown``, and a CSV whose quoting breaks
is refused naming the line (``bad_quoting``, :func:`detection.tabular.read_csv_rows`; a
long cell rejects its row, never the file). The repository stores the good rows
(:meth:`detection.repository.routes.RouteOps.import_outcomes`).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from detection.clock import COPENHAGEN, local_times
from detection.errors import InputError
from detection.routes.field_files import read_outcomes_gpkg
from detection.tabular import decode_text, read_csv_rows
from detection.vocab import OUTCOME_BY_ID, parse_outcome

OUTCOME_COLUMNS = ("entrance_id", "unit_id", "outcome", "visited_at", "note")
MAX_FIELD = 2000
FAST_MPS = 2.0
"""Faster than this between two doors (straight line, 7.2 km/h) plus a minute at the door
is implausible for a pair on foot."""
MAX_DOORS_PER_HOUR = 20


def read_outcome_file(path: str | Path) -> tuple[pd.DataFrame, int]:
    """The rows of an outcome file and the row number of its first data row (as a
    spreadsheet shows it: 2 for a CSV under its header, 1 for a GeoPackage layer)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"file {str(path)!r} does not exist")
    if path.suffix.lower() == ".gpkg":
        return read_outcomes_gpkg(path), 1
    return _read_outcome_csv(path), 2


def check_outcome_rows(frame: pd.DataFrame, *, entrances: set[str], unit_entrance: dict[str, str],
                       as_of: date, first_row: int) -> tuple[list[dict], list[dict]]:
    """The good rows (``row, entrance_id, unit_id, outcome, visited_at`` (UTC), ``note``)
    and the rejected ones (``row, field, value, reason, message``) of an outcome frame.

    A visit time without a zone is Copenhagen time; one after ``as_of`` is in the future.
    """
    missing = [c for c in ("entrance_id", "outcome", "visited_at") if c not in frame.columns]
    if missing:
        raise InputError(f"header_unknown: the file lacks column(s) {missing}; expected "
                         f"{', '.join(OUTCOME_COLUMNS)}")
    rejected: list[dict] = []
    good: list[dict] = []
    end_of_today = datetime(as_of.year, as_of.month, as_of.day, tzinfo=COPENHAGEN) + timedelta(days=1)
    xy = entrances
    unit_entr = unit_entrance
    for k, row in enumerate(frame.to_dict("records")):
        rown = k + first_row
        vals = {c: ("" if row.get(c) is None or (isinstance(row.get(c), float) and math.isnan(row.get(c)))
                    else str(row.get(c)).strip()) for c in OUTCOME_COLUMNS}

        def rej(field: str, reason: str, message: str, vals=vals, rown=rown) -> None:
            rejected.append({"row": rown, "field": field, "value": vals.get(field, "")[:200],
                             "reason": reason, "message": message})
        bad = next((c for c, v in vals.items() if "\x00" in v or "\ufffd" in v), None)
        if bad:
            rej(bad, "bad_encoding", "the value holds NUL bytes or undecodable characters")
            continue
        long = next((c for c, v in vals.items() if len(v) > MAX_FIELD), None)
        if long:
            rej(long, "field_too_long", "over 2,000 characters")
            continue
        eid, uid = vals["entrance_id"], vals["unit_id"] or None
        if not eid:
            rej("entrance_id", "entrance_missing", "no entrance id")
            continue
        if eid not in xy:
            rej("entrance_id", "entrance_unknown", "not an entrance of the register")
            continue
        if uid is not None and unit_entr.get(uid) != eid:
            rej("unit_id", "unit_unknown", "not a unit of this entrance")
            continue
        if not vals["outcome"]:
            rej("outcome", "outcome_unknown", "no outcome given")
            continue
        try:
            code = parse_outcome(vals["outcome"])
        except InputError:
            rej("outcome", "outcome_unknown", f"use one of: {', '.join(OUTCOME_BY_ID)}")
            continue
        if not vals["visited_at"]:
            rej("visited_at", "date_missing", "no visit time")
            continue
        try:
            ts = pd.Timestamp(vals["visited_at"])
            if pd.isna(ts):
                raise ValueError
        except (ValueError, TypeError):
            rej("visited_at", "date_invalid", "use ISO 8601, e.g. 2026-11-03T10:15")
            continue
        ts = ts.tz_localize(COPENHAGEN) if ts.tzinfo is None else ts
        when = ts.tz_convert(UTC).to_pydatetime()
        if when >= end_of_today:
            rej("visited_at", "date_future", f"after {as_of.isoformat()}")
            continue
        good.append({"row": rown, "entrance_id": eid, "unit_id": uid, "outcome": code,
                     "visited_at": when, "note": vals["note"]})
    return good, rejected


def outcomes_by_day(outcomes: pd.DataFrame) -> dict[tuple[str, date], list[str]]:
    """``(entrance_id, Copenhagen date of the visit)`` → the outcomes recorded there that day,
    oldest first: what a route of that day has done at each door.

    ``visited_at`` may be aware (any zone) or naive; a naive time is UTC, as the store keeps
    it. So a visit at 23:54 on 30 November (Copenhagen) counts on 30 November, not on the
    1 December route.
    """
    if not len(outcomes):
        return {}
    when = local_times(outcomes["visited_at"])
    out: dict[tuple[str, date], list[str]] = {}
    order = when.argsort(kind="stable")
    for i in order:
        out.setdefault((str(outcomes["entrance_id"].iloc[i]), when.iloc[i].date()), []).append(
            str(outcomes["outcome"].iloc[i]))
    return out


def _read_outcome_csv(path: Path) -> pd.DataFrame:
    # strictly: a broken quote refuses the file naming the line, a long cell reaches the row
    # check (field_too_long) — detection.tabular.read_csv_rows
    rows = [cells for _, cells in read_csv_rows(decode_text(path.read_bytes(), replace_bad=True), path.name)]
    if not rows:
        raise InputError("header_unknown: the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    data = [{h: (r[i] if i < len(r) else "") for i, h in enumerate(header)} for r in body]
    return pd.DataFrame(data, columns=header)


def implausible(rows: list[dict], xy: dict) -> list[dict]:
    """Rows of a log that a pair on foot could not have walked (see import_outcomes)."""
    flagged = []
    per_entrance = {}
    for g in rows:  # one visit per entrance and time
        per_entrance.setdefault((g["entrance_id"], g["visited_at"]), g)
    visits = sorted(per_entrance.values(), key=lambda g: g["visited_at"])
    for a, b in zip(visits, visits[1:], strict=False):
        if a["entrance_id"] == b["entrance_id"]:
            continue
        gap = (b["visited_at"] - a["visited_at"]).total_seconds()
        (ax, ay), (bx, by) = xy[a["entrance_id"]], xy[b["entrance_id"]]
        need = math.hypot(bx - ax, by - ay) / FAST_MPS + 60
        if gap < need:
            flagged.append({"row": b["row"], "entrance_id": b["entrance_id"], "flag": "too_fast",
                            "message": f"{gap:.0f} s after the previous door; walking there takes ≥ {need:.0f} s"})
    times = [v["visited_at"] for v in visits]
    j = 0
    for i, v in enumerate(visits):
        while times[i] - times[j] > timedelta(hours=1):
            j += 1
        if i - j + 1 > MAX_DOORS_PER_HOUR:
            flagged.append({"row": v["row"], "entrance_id": v["entrance_id"], "flag": "too_many_doors",
                            "message": f"{i - j + 1} doors within an hour"})
    return flagged

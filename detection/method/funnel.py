"""The phase-2 funnel by channel (issue 16): from a partner's report or a knock on the door
to contact, relationship work and handover.

The method finds citizens two ways (docs/method.md): *indirect detection*, a partner reports
a concern about an entrance, and *direct detection*, the team knocks on doors in the focus
areas. This module counts how far each way leads — reports received, reports assessed in the
target group, doors knocked, contacts (courses started), relationships and handovers — over a
period, in total and split by channel, month or area, and measures the days from the first
report to contact and from contact to handover.

Pure rules: pandas frames in, plain dicts and frames out; no store, no UI. The inputs:

- ``reports``: ``signal_id, entrance_id, kind, received, assessment, assessed_at, area``;
  ``assessment`` one of :data:`ASSESSMENTS`;
- ``knocks``: door outcomes, one row per door knocked: ``entrance_id, outcome, visited_at,
  area``; ``outcome`` one of :data:`OUTCOMES`;
- ``courses``: ``course_id, entrance_id, started_on, stage, relationship_on, bridging_on,
  handed_over_on, closed_on, origin, area``; ``started_on`` is the day of the contact,
  ``stage`` one of :data:`COURSE_STAGES`, ``origin`` one of :data:`ORIGINS`.

Dates may be :class:`datetime.date`, :class:`pandas.Timestamp` (naive, or tz-aware: then
read in Europe/Copenhagen), ``numpy.datetime64`` or ISO strings (``YYYY-MM-DD``); all are
compared as calendar days, and a period ``[start, end]`` includes both ends. A frame with no
rows and no columns (``pd.DataFrame()``) is read as empty; any other frame needs all its
columns. Inputs are never changed.

The **channel** that found a citizen (:func:`course_channels`), derived from the data:

- ``report``: a report at the entrance received on or before the contact, and no knock at the
  entrance on or before it (also a course started by hand from a report, ``origin='report'``,
  with neither);
- ``door``: knocked on or before the contact (a course started from a door outcome,
  ``origin='door'``, counts as knocked), and no report on or before it;
- ``both``: a report and a knock, each on or before the contact.

Reports assessed ``not_in_target_group`` are not how a citizen was found: they are ignored
for channels (they still count as reports received in the funnel).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from detection.errors import InputError

ASSESSMENTS = ("new", "in_target_group", "not_in_target_group", "unclear")
OUTCOMES = (
    "not_home",
    "letter_left",
    "talked_no_need",
    "contact_established",
    "declined",
    "moved_wrong_address",
    "ask_caretaker",
    "unsafe",
)
COURSE_STAGES = ("contact", "relationship", "bridging", "handed_over", "closed")
ORIGINS = ("door", "report")
CHANNELS = ("report", "door", "both")
FUNNEL_STAGES = (
    "reports",
    "in_target_group",
    "doors_knocked",
    "contacts",
    "relationships",
    "handovers",
)
COURSE_FUNNEL_STAGES = ("contacts", "relationships", "handovers")

REPORT_COLUMNS = (
    "signal_id",
    "entrance_id",
    "kind",
    "received",
    "assessment",
    "assessed_at",
    "area",
)
KNOCK_COLUMNS = ("entrance_id", "outcome", "visited_at", "area")
COURSE_COLUMNS = (
    "course_id",
    "entrance_id",
    "started_on",
    "stage",
    "relationship_on",
    "bridging_on",
    "handed_over_on",
    "closed_on",
    "origin",
    "area",
)

MAX_ERRORS = 20  # problems listed in one InputError; the rest are counted
TIMEZONE = "Europe/Copenhagen"  # tz-aware timestamps are read as local calendar days
_ISO_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # a day as ISO 8601 writes it, with nothing else
# the first and last whole days a datetime64[ns] (a pandas.Timestamp in ns) holds
_FIRST_DAY = np.datetime64(pd.Timestamp.min.ceil("D").date(), "D")
_LAST_DAY = np.datetime64(pd.Timestamp.max.floor("D").date(), "D")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # datetime64 counts days from 1970-01-01

# frame name -> (columns, id column named in messages, {column: allowed values},
#                 date columns that must be set, date columns that may be empty)
_SPECS: dict[
    str, tuple[tuple[str, ...], str, dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...]]
] = {
    "reports": (
        REPORT_COLUMNS,
        "signal_id",
        {"assessment": ASSESSMENTS},
        ("received",),
        ("assessed_at",),
    ),
    "knocks": (KNOCK_COLUMNS, "entrance_id", {"outcome": OUTCOMES}, ("visited_at",), ()),
    "courses": (
        COURSE_COLUMNS,
        "course_id",
        {"stage": COURSE_STAGES, "origin": ORIGINS},
        ("started_on",),
        ("relationship_on", "bridging_on", "handed_over_on", "closed_on"),
    ),
}
_REACHED_RELATIONSHIP = ("relationship", "bridging", "handed_over")
_WHAT = {
    "assessment": "assessment",
    "outcome": "door outcome",
    "stage": "course stage",
    "origin": "course origin",
}


# ---------------------------------------------------------------------------------------------
# dates and validation


def _one_date(value: object) -> pd.Timestamp:
    """One value as a calendar day (a midnight :class:`pandas.Timestamp`), ``NaT`` if empty.

    Raises ``ValueError`` for anything that is not a date.
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return pd.NaT
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, date | np.datetime64):
        raise ValueError(f"not a date: {value!r}")
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(TIMEZONE).tz_localize(None)
    return ts.normalize()


def _dates(values: pd.Series) -> tuple[pd.Series, list[Any]]:
    """``values`` as calendar days (``datetime64[ns]``, ``NaT`` where empty), and the index
    labels of the values that are not dates.

    The same days and labels as :func:`_one_date` value by value, in bulk for a datetime
    column and for what callers pass most: :class:`datetime.date` objects (the repository's
    frames), ``YYYY-MM-DD`` strings and empty values; any other value (a timestamp, a string
    with a time) goes through :func:`_one_date` on its own. A day a ``datetime64[ns]`` can't
    hold (before 1677-09-22 or after 2262-04-11) is not a date either.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
        days = values.to_numpy().astype("datetime64[D]")
        bad = np.zeros(len(days), dtype=bool)
    else:
        days, bad = _object_days(values.to_numpy(dtype=object))
    bad |= ~np.isnat(days) & ((days < _FIRST_DAY) | (days > _LAST_DAY))
    days[bad] = np.datetime64("NaT")
    return pd.Series(days.astype("datetime64[ns]"), index=values.index), list(values.index[bad])


def _object_days(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Objects as days (``datetime64[D]``, ``NaT`` where empty or not a date), and which are
    not dates (:func:`_one_date`'s reading)."""
    days = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[D]")
    bad = np.zeros(len(raw), dtype=bool)
    kinds = np.frompyfunc(type, 1, 1)(raw)
    todo = ~pd.isna(raw)
    plain = todo & np.equal(kinds, date)  # exactly date: a datetime is a date too, with a time
    ordinals = np.fromiter(
        (d.toordinal() for d in raw[plain]), dtype=np.int64, count=int(plain.sum())
    )
    days[plain] = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")
    todo &= ~plain
    strings = todo & np.equal(kinds, str)
    if strings.any():
        text = pd.Series(raw[strings], dtype=object).str.strip()
        iso = text.str.fullmatch(_ISO_DAY).to_numpy(dtype=bool)
        at = np.flatnonzero(strings)[iso]
        parsed = pd.to_datetime(text[iso], format="%Y-%m-%d", errors="coerce")
        days[at] = parsed.to_numpy(dtype="datetime64[D]")
        bad[at] = np.isnat(days[at])  # no such day (2026-02-31)
        todo[at] = False
    for i in np.flatnonzero(todo):
        try:
            days[i] = _one_date(raw[i]).to_datetime64()
        except (ValueError, TypeError, OverflowError):
            bad[i] = True
    return days, bad


def _areas(values: pd.Series) -> pd.Series:
    """Area labels as objects, ``None`` where missing."""
    s = values.astype(object)
    return s.where(s.notna(), None)


def _row(name: str, frame: pd.DataFrame, label: Any, id_col: str) -> str:
    return f"{name} row {label!r} ({id_col}={frame.at[label, id_col]!r})"


def _checked_frame(name: str, frame: object, problems: list[str]) -> pd.DataFrame | None:
    """A normalised copy of one input frame, or ``None`` (with ``problems`` added)."""
    columns, id_col, allowed, required_dates, optional_dates = _SPECS[name]
    if not isinstance(frame, pd.DataFrame):
        problems.append(
            f"{name}: expected a pandas DataFrame, got {type(frame).__name__} "
            f"(pass a DataFrame with columns {', '.join(columns)})"
        )
        return None
    if len(frame) == 0 and len(frame.columns) == 0:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        problems.append(
            f"{name}: missing column(s) {', '.join(repr(c) for c in missing)} "
            f"(expected {', '.join(columns)}; add them, empty values are fine for "
            "optional dates and area)"
        )
        return None
    if not frame.index.is_unique:
        problems.append(
            f"{name}: the index has repeated labels, so rows can't be named "
            "(pass frame.reset_index(drop=True))"
        )
        return None
    out = frame.loc[:, list(columns)].copy()
    for col, values in allowed.items():
        ok = out[col].isin(values)
        for label in out.index[~ok.to_numpy()]:
            problems.append(
                f"{_row(name, out, label, id_col)}: field '{col}' = "
                f"{out.at[label, col]!r} is not a known {_WHAT[col]} "
                f"(expected one of {', '.join(values)})"
            )
    for col in required_dates + optional_dates:
        parsed, bad = _dates(out[col])
        for label in bad:
            problems.append(
                f"{_row(name, out, label, id_col)}: field '{col}' = "
                f"{out.at[label, col]!r} is not a date (expected YYYY-MM-DD or a "
                "datetime.date)"
            )
        if col in required_dates:
            bad_set = set(bad)
            for label in out.index[parsed.isna().to_numpy()]:
                if label not in bad_set:
                    problems.append(
                        f"{_row(name, out, label, id_col)}: field '{col}' is "
                        "empty (every row needs this date; fill it in or leave "
                        "the row out)"
                    )
        out[col] = parsed
    out["area"] = _areas(out["area"])
    return out


def _period(start: object, end: object, problems: list[str]) -> tuple[pd.Timestamp, pd.Timestamp]:
    got = []
    for name, value in (("start", start), ("end", end)):
        try:
            ts = _one_date(value)
        except (ValueError, TypeError, OverflowError):
            ts = pd.NaT
        if ts is pd.NaT:
            problems.append(f"the period's {name} = {value!r} is not a date (pass a datetime.date)")
        got.append(ts)
    s, e = got
    if s is not pd.NaT and e is not pd.NaT and s > e:
        problems.append(
            f"the period starts {s.date().isoformat()} after it ends "
            f"{e.date().isoformat()} (pass start <= end)"
        )
    return s, e


def _raise(problems: list[str]) -> None:
    if not problems:
        return
    shown = problems[:MAX_ERRORS]
    more = len(problems) - len(shown)
    text = "\n".join(shown) + (f"\n… and {more} more" if more else "")
    raise InputError(
        f"the funnel can't use its input ({len(problems)} problem(s)):\n{text}", code="funnel_input"
    )


def _checked(
    reports: object,
    knocks: object,
    courses: object,
    *,
    period: bool = False,
    start: object = None,
    end: object = None,
    problems: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    """Validated, normalised copies of the inputs and the period; raises once for all."""
    problems = list(problems or [])
    r = _checked_frame("reports", reports, problems)
    k = _checked_frame("knocks", knocks, problems)
    c = _checked_frame("courses", courses, problems)
    s, e = _period(start, end, problems) if period else (pd.NaT, pd.NaT)
    _raise(problems)
    assert r is not None and k is not None and c is not None
    return r, k, c, s, e


def validate(
    reports: pd.DataFrame,
    knocks: pd.DataFrame,
    courses: pd.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
) -> None:
    """Check the funnel's inputs; raise one :class:`~detection.errors.InputError` listing
    every problem (the first :data:`MAX_ERRORS`, then how many more).

    Checked: each frame is a DataFrame with all its columns (module docstring); ``assessment``,
    ``outcome``, ``stage`` and ``origin`` hold known values; dates are dates, and
    ``received``, ``visited_at`` and ``started_on`` are set; when ``start`` or ``end`` is
    given, both are dates and ``start <= end``. Each problem names the frame, the row (index
    label and id), the field, the value and the fix. The error's ``code`` is
    ``"funnel_input"``. The other functions of this module validate on their own.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"signal_id": ["S1"], "entrance_id": ["E1"],
    ...     "kind": ["landlord_report"], "received": [date(2026, 11, 2)],
    ...     "assessment": ["maybe"], "assessed_at": [None], "area": ["Nordby"]})
    >>> validate(reports, pd.DataFrame(), pd.DataFrame())
    Traceback (most recent call last):
    ...
    detection.errors.InputError: the funnel can't use its input (1 problem(s)):
    reports row 0 (signal_id='S1'): field 'assessment' = 'maybe' is not a known assessment (expected one of new, in_target_group, not_in_target_group, unclear)
    """
    given = start is not None or end is not None
    _checked(reports, knocks, courses, period=given, start=start, end=end)


# ---------------------------------------------------------------------------------------------
# channels


def _lookup(mapping: pd.Series, keys: pd.Series) -> pd.Series:
    """``mapping[key]`` for each key (missing where absent), indexed like ``keys``."""
    return pd.Series(mapping.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def _channels(r: pd.DataFrame, k: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """Channel, report kind and first report day (Timestamp) per course; normalised frames."""
    counting = r[r["assessment"] != "not_in_target_group"]
    # the earliest report at each entrance, ties by the signal id as text: ordered by the id,
    # then (stable) by the day received — one sort by (day, id), in a third of the time
    sid = counting["signal_id"].astype(str).reset_index(drop=True)
    by_id = sid.sort_values(kind="stable").index.to_numpy()
    order = by_id[np.argsort(counting["received"].to_numpy()[by_id], kind="stable")]
    first = (
        counting[["entrance_id", "received", "kind"]]
        .iloc[order]
        .drop_duplicates("entrance_id", keep="first")
        .set_index("entrance_id")
    )
    first_knock = k.groupby("entrance_id", sort=False)["visited_at"].min()

    started = c["started_on"]
    first_on = _lookup(first["received"], c["entrance_id"]).astype("datetime64[ns]")
    first_kind = _lookup(first["kind"], c["entrance_id"])
    knock_on = _lookup(first_knock, c["entrance_id"]).astype("datetime64[ns]")
    has_report = (first_on <= started).to_numpy(bool)  # NaT compares False
    knocked = ((knock_on <= started) | (c["origin"] == "door")).to_numpy(bool)
    channel = np.select(
        [has_report & knocked, has_report, knocked], ["both", "report", "door"], default="report"
    )  # a report-origin course with neither
    return pd.DataFrame(
        {
            "course_id": c["course_id"],
            "channel": pd.Series(channel, index=c.index, dtype=object),
            "report_kind": first_kind.astype(object).where(has_report, None),
            "first_report_on": first_on.where(has_report),
        },
        index=c.index,
    )


def course_channels(
    courses: pd.DataFrame, reports: pd.DataFrame, knocks: pd.DataFrame
) -> pd.DataFrame:
    """The channel that found the citizen of each course.

    Parameters
    ----------
    courses : DataFrame
        Phase-2 courses (module docstring); ``started_on`` is the day of the contact.
    reports : DataFrame
        Partners' reports; those assessed ``not_in_target_group`` are ignored.
    knocks : DataFrame
        Door outcomes, one row per door knocked.

    Returns
    -------
    DataFrame
        Indexed like ``courses``, columns ``course_id``; ``channel`` (``report``, ``door`` or
        ``both``, see the module docstring); ``report_kind``, the ``kind`` of the earliest
        counting report at the entrance received on or before the contact (ties: the lowest
        ``signal_id``), ``None`` when there is none (``door``, or a report-origin course with
        neither); ``first_report_on``, that report's ``received`` day as a
        :class:`datetime.date`, ``None`` when there is none.

    Examples
    --------
    >>> import pandas as pd
    >>> courses = pd.DataFrame({"course_id": ["C1", "C2"], "entrance_id": ["E1", "E2"],
    ...     "started_on": [date(2026, 11, 10)] * 2, "stage": ["contact"] * 2,
    ...     "relationship_on": None, "bridging_on": None, "handed_over_on": None,
    ...     "closed_on": None, "origin": ["report", "door"], "area": None})
    >>> reports = pd.DataFrame({"signal_id": ["S1"], "entrance_id": ["E1"],
    ...     "kind": ["eviction_risk"], "received": [date(2026, 11, 2)],
    ...     "assessment": ["in_target_group"], "assessed_at": [None], "area": [None]})
    >>> course_channels(courses, reports, pd.DataFrame())
      course_id channel    report_kind first_report_on
    0        C1  report  eviction_risk      2026-11-02
    1        C2    door           None            None
    """
    r, k, c, _, _ = _checked(reports, knocks, courses)
    out = _channels(r, k, c)
    first = out["first_report_on"]
    out["first_report_on"] = pd.Series(
        [None if pd.isna(d) else d.date() for d in first], index=out.index, dtype=object
    )
    return out


# ---------------------------------------------------------------------------------------------
# the funnel


def _stages(counts: dict[str, int], ids: tuple[str, ...] = FUNNEL_STAGES) -> list[dict[str, Any]]:
    """Stage dicts in order, each rate the count over the previous stage's count."""
    out: list[dict[str, Any]] = []
    previous: int | None = None
    for sid in ids:
        n = int(counts[sid])
        rate = None if not previous else n / previous
        out.append({"id": sid, "count": n, "rate": rate})
        previous = n
    return out


def _texts(values: pd.Series | pd.api.extensions.ExtensionArray | np.ndarray) -> list[str]:
    """Each value as ``str`` (through ``tolist``: a text column's values at C speed)."""
    return [str(x) for x in values.tolist()]


def _members(rep: pd.DataFrame, kno: pd.DataFrame, cou: pd.DataFrame) -> dict[str, list[str]]:
    """The records each stage counts: report ids, entrance ids (doors), course ids."""
    return {
        "reports": _texts(rep["signal_id"]),
        "in_target_group": _texts(rep.loc[rep["assessment"] == "in_target_group", "signal_id"]),
        "doors_knocked": _texts(kno["entrance_id"].unique()),
        "contacts": _texts(cou["course_id"]),
        "relationships": _texts(cou.loc[cou["_relationship"].astype(bool), "course_id"]),
        "handovers": _texts(cou.loc[cou["_handover"].astype(bool), "course_id"]),
    }


def _counts(rep: pd.DataFrame, kno: pd.DataFrame, cou: pd.DataFrame) -> dict[str, int]:
    return {k: len(v) for k, v in _members(rep, kno, cou).items()}


def _split(frame: pd.DataFrame, column: str) -> dict[Any, pd.DataFrame]:
    """The rows of ``frame`` by their value in ``column`` (``values == value``; missing values
    under ``None``), each part in the frame's order."""
    return {
        None if pd.isna(key) else key: part
        for key, part in frame.groupby(column, dropna=False, sort=False)
    }


def _parts(
    parts: list[dict[Any, pd.DataFrame]], key: Any, frames: tuple[pd.DataFrame, ...]
) -> list[pd.DataFrame]:
    """Each frame's rows under ``key`` in its :func:`_split` (none: the frame's empty head)."""
    return [split.get(key, frame.iloc[:0]) for split, frame in zip(parts, frames, strict=True)]


def _isin(values: pd.Series, others: pd.Series) -> np.ndarray:
    """``values.isin(others)``, as objects: for a text column pandas hands each of ``others``
    to pyarrow one by one."""
    objects = pd.Series(values.to_numpy(dtype=object), dtype=object)
    return objects.isin(others.to_numpy(dtype=object)).to_numpy(dtype=bool)


def _months(days: pd.Series) -> pd.Series:
    """Each day's month as ``YYYY-MM`` (the days are set, as in a period)."""
    return pd.Series(
        days.to_numpy().astype("datetime64[M]").astype(str), index=days.index, dtype=object
    )


def _in_period(
    r: pd.DataFrame, k: pd.DataFrame, c: pd.DataFrame, s: pd.Timestamp, e: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The rows of the period, each with its channel (and the courses with their flags)."""
    rep = r[(r["received"] >= s) & (r["received"] <= e)].copy()
    kno = k[(k["visited_at"] >= s) & (k["visited_at"] <= e)].copy()
    ch = _channels(r, k, c)
    cou = c.join(ch[["channel", "report_kind", "first_report_on"]])
    cou = cou[(cou["started_on"] >= s) & (cou["started_on"] <= e)].copy()

    rep["_channel"] = np.where(_isin(rep["entrance_id"], kno["entrance_id"]), "both", "report")
    reported = r.loc[
        (r["received"] <= e) & (r["assessment"] != "not_in_target_group"), "entrance_id"
    ]
    kno["_channel"] = np.where(_isin(kno["entrance_id"], reported), "both", "door")
    cou["_channel"] = cou["channel"]

    reached = cou[["relationship_on", "bridging_on", "handed_over_on"]].notna().any(axis=1) | cou[
        "stage"
    ].isin(_REACHED_RELATIONSHIP)
    cou["_relationship"] = reached.to_numpy(bool)
    cou["_handover"] = (cou["handed_over_on"].notna() | (cou["stage"] == "handed_over")).to_numpy(
        bool
    )

    rep["_month"] = _months(rep["received"])
    kno["_month"] = _months(kno["visited_at"])
    cou["_month"] = _months(cou["started_on"])
    return rep, kno, cou


def funnel(
    reports: pd.DataFrame,
    knocks: pd.DataFrame,
    courses: pd.DataFrame,
    *,
    start: date,
    end: date,
    by: Literal["channel", "month", "area"] | None = None,
    members: bool = False,
    medians: bool = False,
) -> dict[str, Any]:
    """The funnel from reports and knocks to contact, relationship and handover in a period.

    Stages, in this order (the period ``[start, end]`` includes both days):

    ========================  ===============================================================
    ``reports``               reports ``received`` in the period
    ``in_target_group``       of those, assessed ``in_target_group``
    ``doors_knocked``         distinct entrances knocked (``visited_at``) in the period
    ``contacts``              courses started (``started_on``) in the period
    ``relationships``         of those courses, the ones that reached relationship work or
                              later: ``relationship_on``, ``bridging_on`` or
                              ``handed_over_on`` set, or ``stage`` relationship, bridging or
                              handed_over (a closed course counts by its dates)
    ``handovers``             of those courses, the ones handed over: ``handed_over_on`` set
                              or ``stage`` handed_over
    ========================  ===============================================================

    ``rate`` is each stage's count over the previous stage's count (``None`` for the first
    stage, or when the previous count is 0). Rates are stage-to-stage ratios, not cohort
    conversions: ``doors_knocked`` over ``in_target_group`` and ``contacts`` over
    ``doors_knocked`` compare different things counted in the same period. Only contacts →
    relationships → handovers follow one cohort: the courses started in the period, with the
    stage they have reached in the data (also when that was after ``end``).

    Parameters
    ----------
    reports, knocks, courses : DataFrame
        The inputs described in the module docstring.
    start, end : datetime.date
        The period, both days included.
    by : {None, "channel", "month", "area"}
        Also split every stage:

        - ``"channel"``: by ``report``, ``door``, ``both`` (always all three, in that order).
          Reports (and ``in_target_group``): ``both`` when their entrance was knocked in the
          period, else ``report``. ``doors_knocked``: ``both`` when the entrance has a report
          received on or before ``end`` and not assessed ``not_in_target_group``, else
          ``door``. Courses: by their channel (:func:`course_channels`). Each stage's channel
          counts sum to its total. Also ``by_report_kind``: the courses' stages by their
          ``report_kind`` (kinds present only, sorted; courses without a report kind are
          left out).
        - ``"month"``: every calendar month touching the period, each row counted in the
          month of its own date (a course in the month of its contact, so a month's
          relationships and handovers are its contacts' cohort). ``doors_knocked`` counts
          distinct entrances per month, so months sum to more than the total when a door is
          knocked again in a later month; every other stage sums to its total.
        - ``"area"``: by each row's own ``area`` column, areas sorted by name with ``None``
          (no area) last; areas with nothing in the period are left out.
    members : bool
        Also ``members`` in every stage: the ids of the records it counts (report, entrance
        or course ids; for disclosure control, never shown).
    medians : bool
        Also ``medians``: :func:`median_days` of the period, from the same checked inputs.

    Returns
    -------
    dict
        ::

            {"period": {"from": "2026-11-01", "to": "2026-12-31"},
             "stages": [{"id": "reports", "count": 12, "rate": None},
                        {"id": "in_target_group", "count": 5, "rate": 0.4166},
                        {"id": "doors_knocked", ...}, {"id": "contacts", ...},
                        {"id": "relationships", ...}, {"id": "handovers", ...}],
             # by="channel":
             "by_channel": [{"channel": "report", "stages": [...6 stages...]},
                            {"channel": "door", "stages": [...]},
                            {"channel": "both", "stages": [...]}],
             "by_report_kind": [{"kind": "eviction_risk",
                                 "stages": [{"id": "contacts", "count", "rate": None},
                                            {"id": "relationships", ...},
                                            {"id": "handovers", ...}]}],
             # by="month":
             "by_month": [{"month": "2026-11", "stages": [...]}, ...],
             # by="area":
             "by_area": [{"area": "Nordby", "stages": [...]}, {"area": None, ...}]}

        Counts are ``int``, rates ``float`` or ``None``.

    Raises
    ------
    InputError
        Inputs that :func:`validate` refuses, ``start > end`` or an unknown ``by``.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"signal_id": ["S1", "S2"], "entrance_id": ["E1", "E2"],
    ...     "kind": "landlord_report", "received": [date(2026, 11, 2), date(2026, 11, 3)],
    ...     "assessment": ["in_target_group", "unclear"], "assessed_at": None,
    ...     "area": "Nordby"})
    >>> knocks = pd.DataFrame({"entrance_id": ["E1", "E3"],
    ...     "outcome": ["contact_established", "not_home"],
    ...     "visited_at": [date(2026, 11, 5), date(2026, 11, 6)], "area": "Nordby"})
    >>> courses = pd.DataFrame({"course_id": ["C1"], "entrance_id": ["E1"],
    ...     "started_on": [date(2026, 11, 5)], "stage": ["relationship"],
    ...     "relationship_on": [date(2026, 11, 20)], "bridging_on": None,
    ...     "handed_over_on": None, "closed_on": None, "origin": ["door"], "area": "Nordby"})
    >>> result = funnel(reports, knocks, courses, start=date(2026, 11, 1),
    ...                 end=date(2026, 11, 30), by="channel")
    >>> [(s["id"], s["count"], s["rate"]) for s in result["stages"]]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('reports', 2, None), ('in_target_group', 1, 0.5), ('doors_knocked', 2, 2.0),
     ('contacts', 1, 0.5), ('relationships', 1, 1.0), ('handovers', 0, 0.0)]
    >>> {g["channel"]: [s["count"] for s in g["stages"]] for g in result["by_channel"]}
    {'report': [1, 0, 0, 0, 0, 0], 'door': [0, 0, 1, 0, 0, 0], 'both': [1, 1, 1, 1, 1, 0]}
    """
    problems: list[str] = []
    if by not in (None, "channel", "month", "area"):
        problems.append(
            f"by = {by!r} is not a known split (expected None, 'channel', 'month' or 'area')"
        )
    r, k, c, s, e = _checked(
        reports, knocks, courses, period=True, start=start, end=end, problems=problems
    )
    rep, kno, cou = _in_period(r, k, c, s, e)

    def _stages_of(
        rep_: pd.DataFrame,
        kno_: pd.DataFrame,
        cou_: pd.DataFrame,
        ids: tuple[str, ...] = FUNNEL_STAGES,
    ) -> list[dict[str, Any]]:
        held = _members(rep_, kno_, cou_)
        out = _stages({k_: len(v) for k_, v in held.items()}, ids)
        if members:  # the records behind each count (for disclosure control; never shown)
            for st in out:
                st["members"] = held[st["id"]]
        return out

    result: dict[str, Any] = {
        "period": {"from": s.date().isoformat(), "to": e.date().isoformat()},
        "stages": _stages_of(rep, kno, cou),
    }
    if by == "channel":
        result["by_channel"] = [
            {
                "channel": ch,
                "stages": _stages_of(
                    rep[rep["_channel"] == ch],
                    kno[kno["_channel"] == ch],
                    cou[cou["_channel"] == ch],
                ),
            }
            for ch in CHANNELS
        ]
        kinds = sorted(cou["report_kind"].dropna().unique(), key=str)
        result["by_report_kind"] = [
            {
                "kind": kind,
                "stages": _stages_of(
                    rep.iloc[:0],
                    kno.iloc[:0],
                    cou[cou["report_kind"] == kind],
                    COURSE_FUNNEL_STAGES,
                ),
            }
            for kind in kinds
        ]
    elif by == "month":
        months = pd.period_range(s, e, freq="M").strftime("%Y-%m")
        parts = [_split(rep, "_month"), _split(kno, "_month"), _split(cou, "_month")]
        result["by_month"] = [
            {"month": m, "stages": _stages_of(*_parts(parts, m, (rep, kno, cou)))} for m in months
        ]
    elif by == "area":
        present = pd.concat([rep["area"], kno["area"], cou["area"]], ignore_index=True)
        areas: list[Any] = sorted(present.dropna().unique(), key=str)
        if present.isna().any():
            areas.append(None)
        parts = [_split(rep, "area"), _split(kno, "area"), _split(cou, "area")]
        result["by_area"] = [
            {"area": a, "stages": _stages_of(*_parts(parts, a, (rep, kno, cou)))} for a in areas
        ]
    if medians:
        result["medians"] = _medians(cou)
    return result


# ---------------------------------------------------------------------------------------------
# time between stages


def _median(days: pd.Series) -> dict[str, Any]:
    n = len(days)
    return {"median_days": float(np.median(days.to_numpy(float))) if n else None, "n": int(n)}


def _medians(cou: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """:func:`median_days` of the courses of a period (as :func:`_in_period` gives them)."""
    with_report = cou[cou["first_report_on"].notna()]
    handed = cou[cou["handed_over_on"].notna()]
    return {
        "report_to_contact": _median(
            (with_report["started_on"] - with_report["first_report_on"]).dt.days
        ),
        "contact_to_handover": _median((handed["handed_over_on"] - handed["started_on"]).dt.days),
    }


def median_days(
    reports: pd.DataFrame, knocks: pd.DataFrame, courses: pd.DataFrame, *, start: date, end: date
) -> dict[str, dict[str, Any]]:
    """Median days from first report to contact and from contact to handover.

    Over the courses started in ``[start, end]``: ``report_to_contact`` over those with a
    first report (``first_report_on`` of :func:`course_channels`: channel ``report`` or
    ``both``), ``started_on − first_report_on``; ``contact_to_handover`` over those with
    ``handed_over_on`` set, ``handed_over_on − started_on``. Whole calendar days.

    Returns
    -------
    dict
        ``{"report_to_contact": {"median_days": float | None, "n": int},
        "contact_to_handover": {"median_days": float | None, "n": int}}``;
        ``median_days`` is ``None`` when ``n`` is 0, and the mean of the middle two for an
        even ``n`` (so e.g. ``12.5``).

    Examples
    --------
    >>> import pandas as pd
    >>> courses = pd.DataFrame({"course_id": ["C1", "C2"], "entrance_id": ["E1", "E2"],
    ...     "started_on": [date(2026, 11, 10), date(2026, 11, 12)], "stage": "handed_over",
    ...     "relationship_on": None, "bridging_on": None,
    ...     "handed_over_on": [date(2026, 12, 10), date(2026, 12, 27)], "closed_on": None,
    ...     "origin": "door", "area": None})
    >>> median_days(pd.DataFrame(), pd.DataFrame(), courses,
    ...             start=date(2026, 11, 1), end=date(2026, 11, 30))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'report_to_contact': {'median_days': None, 'n': 0},
     'contact_to_handover': {'median_days': 37.5, 'n': 2}}
    """
    r, k, c, s, e = _checked(reports, knocks, courses, period=True, start=start, end=end)
    return _medians(_in_period(r, k, c, s, e)[2])

"""What each door needs next, from the outcomes recorded so far (pure), and working days.

Rules (per unit; an outcome recorded for the whole entrance counts for every unit):

- no outcome since the entrance's newest report → ``visit``;
- last outcome ``not_home`` with fewer than ``attempts`` (default 3) not-home visits →
  ``revisit``: only on a day after the last visit, and in another time-of-day bucket
  than the not-home visits so far (morning / afternoon / evening; when the shift holds
  no untried bucket, another bucket than the last visit's);
- ``attempts`` not-home visits → ``letter`` (put a letter through the door);
- ``letter_left``, ``talked_no_need``, ``contact_established``, ``declined``,
  ``moved_wrong_address`` → done (not planned; a newer report starts over);
- ``ask_caretaker`` → not planned (the lead contacts the caretaker);
- ``unsafe`` anywhere at the entrance → the whole entrance is never planned again until a
  team lead records a decision to clear it (``decisions``), newer than the unsafe mark.

A door's task is the most demanding of its units' (visit > revisit > letter); the units
of that task are knocked on, the letter units get a letter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from detection.clock import COPENHAGEN
from detection.routes.planner import BUCKETS, Door, bucket_of

ATTEMPTS = 3
FINAL = frozenset({"letter_left", "talked_no_need", "contact_established", "declined",
                   "moved_wrong_address"})


# --------------------------------------------------------------------------- holidays


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian; anonymous algorithm, Meeus/Jones/Butcher).

    >>> easter_sunday(2026), easter_sunday(2027)
    (datetime.date(2026, 4, 5), datetime.date(2027, 3, 28))
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def danish_holidays(year: int) -> dict[date, str]:
    """Danish public holidays (helligdage) of ``year``.

    Store bededag is a holiday until 2023 (abolished from 2024). Grundlovsdag (5 June),
    juleaftensdag and nytårsaftensdag are not public holidays and are not included.

    >>> h = danish_holidays(2026)
    >>> h[date(2026, 4, 3)], h[date(2026, 5, 14)], date(2026, 5, 1) in h
    ('Langfredag', 'Kristi himmelfartsdag', False)
    """
    e = easter_sunday(year)
    out = {
        date(year, 1, 1): "Nytårsdag",
        e - timedelta(days=3): "Skærtorsdag",
        e - timedelta(days=2): "Langfredag",
        e: "Påskedag",
        e + timedelta(days=1): "2. påskedag",
        e + timedelta(days=39): "Kristi himmelfartsdag",
        e + timedelta(days=49): "Pinsedag",
        e + timedelta(days=50): "2. pinsedag",
        date(year, 12, 25): "Juledag",
        date(year, 12, 26): "2. juledag",
    }
    if year <= 2023:
        out[e + timedelta(days=26)] = "Store bededag"
    return out


def is_working_day(d: date) -> bool:
    """A weekday that is not a Danish public holiday."""
    return d.weekday() < 5 and d not in danish_holidays(d.year)


def working_days(start: date, n: int) -> list[date]:
    """The first ``n`` working days from ``start`` (included when it is one).

    >>> working_days(date(2026, 4, 1), 3)  # Easter: Thursday 2 and Friday 3 April are holidays
    [datetime.date(2026, 4, 1), datetime.date(2026, 4, 7), datetime.date(2026, 4, 8)]
    """
    out: list[date] = []
    d = start
    while len(out) < n:
        if is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def next_working_day(after: date) -> date:
    """The first working day after ``after``."""
    return working_days(after + timedelta(days=1), 1)[0]


# --------------------------------------------------------------------------- door states


@dataclass(frozen=True)
class Candidate:
    """An entrance the plan considers: where it is, its units, its priority."""

    entrance_id: str
    x: float
    y: float
    units: tuple[str, ...]
    """Unit ids to knock on; empty = the entrance is one dwelling."""
    prize: float
    newest_report: date | None = None


def _local(ts: object) -> datetime:
    t = pd.Timestamp(ts)
    if t.tzinfo is None:
        t = t.tz_localize("UTC")
    return t.tz_convert(COPENHAGEN).to_pydatetime()


def door_needs(candidates: Iterable[Candidate], outcomes: pd.DataFrame,
               decisions: pd.DataFrame | None = None, *, attempts: int = ATTEMPTS,
               shift: tuple[int, int] = (9 * 3600, 15 * 3600)) -> tuple[list[Door], list[tuple[str, str]]]:
    """Doors to plan and the entrances left out (with a reason), per the module rules.

    Parameters
    ----------
    candidates : iterable of Candidate
    outcomes : DataFrame
        ``entrance_id, unit_id (None = whole entrance), outcome, visited_at``.
    decisions : DataFrame, optional
        A lead's decisions: ``entrance_id, decision ('clear_unsafe'), decided_at``.
    attempts : int
        Not-home visits before a letter is left instead.
    shift : (start, end) seconds after midnight
        To know which time-of-day buckets a revisit can move to.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    shift_buckets = {name for name, lo, hi in BUCKETS if max(lo, shift[0]) < min(hi, shift[1])}
    by_entr: dict[str, pd.DataFrame] = {}
    if outcomes is not None and len(outcomes):
        o = outcomes.copy()
        o["_t"] = [_local(v) for v in o["visited_at"]]
        o = o.sort_values("_t", kind="mergesort")
        by_entr = {k: g for k, g in o.groupby("entrance_id", sort=False)}
    cleared: dict[str, datetime] = {}
    if decisions is not None and len(decisions):
        for r in decisions.itertuples(index=False):
            if r.decision == "clear_unsafe":
                t = _local(r.decided_at)
                cleared[r.entrance_id] = max(cleared.get(r.entrance_id, t), t)
    doors: list[Door] = []
    left: list[tuple[str, str]] = []
    for c in candidates:
        hist = by_entr.get(c.entrance_id)
        if hist is not None and c.newest_report is not None:
            hist = hist[[t.date() >= c.newest_report for t in hist["_t"]]]
        if hist is not None and len(hist):
            unsafe = hist[hist["outcome"] == "unsafe"]
            if len(unsafe) and (c.entrance_id not in cleared
                                or unsafe["_t"].max() > cleared[c.entrance_id]):
                left.append((c.entrance_id, "unsafe"))
                continue
            if c.entrance_id in cleared:
                hist = hist[hist["_t"] > cleared[c.entrance_id]]
        units = c.units or ("",)
        need: dict[str, list[str]] = {"visit": [], "revisit": [], "letter": []}
        not_before: date | None = None
        tried: set[str] = set()
        last_bucket: set[str] = set()
        final = caretaker = 0
        for uid in units:
            mine = (hist[hist["unit_id"].isna() | (hist["unit_id"] == uid) | (hist["unit_id"] == "")]
                    if hist is not None and len(hist) else None)
            if mine is None or not len(mine):
                need["visit"].append(uid)
                continue
            last = mine.iloc[-1]
            if last["outcome"] in FINAL:
                final += 1
            elif last["outcome"] == "ask_caretaker":
                caretaker += 1
            elif last["outcome"] == "not_home":
                nh = mine[mine["outcome"] == "not_home"]
                if len(nh) >= attempts:
                    need["letter"].append(uid)
                else:
                    need["revisit"].append(uid)
                    d = last["_t"].date()
                    not_before = d if not_before is None else max(not_before, d)
                    tried |= {bucket_of(t.hour * 3600 + t.minute * 60) for t in nh["_t"]}
                    lt = last["_t"]
                    last_bucket.add(bucket_of(lt.hour * 3600 + lt.minute * 60))
            else:  # an unknown code: visit again
                need["visit"].append(uid)
        labels = [lab for lab in (need["visit"] or need["revisit"] or need["letter"]) if lab]
        if need["visit"]:
            task = "visit"
        elif need["revisit"]:
            task = "revisit"
        elif need["letter"]:
            task = "letter"
        else:
            left.append((c.entrance_id, "ask_caretaker" if caretaker and not final else "done"))
            continue
        avoid: frozenset[str] = frozenset()
        nb = None
        if task == "revisit":
            nb = not_before
            avoid = frozenset(tried) if shift_buckets - tried else frozenset(last_bucket)
        elif need["revisit"] or need["letter"]:
            nb = None
        letters = tuple(lab for lab in need["letter"] if lab) if task != "letter" else ()
        doors.append(Door(c.entrance_id, c.x, c.y, units=tuple(labels), prize=c.prize, task=task,
                          not_before=nb, avoid_buckets=avoid, letter_units=letters))
    return doors, left

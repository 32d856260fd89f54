"""What each door needs next, from the outcomes recorded so far (pure), and working days
(weekdays that are neither Danish public holidays nor the municipality's closed days).

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

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import pandas as pd

from detection.clock import COPENHAGEN
from detection.routes.planner import BUCKETS, Door, bucket_of

ATTEMPTS = 3
FINAL = frozenset({"letter_left", "talked_no_need", "contact_established", "declined",
                   "moved_wrong_address"})


# --------------------------------------------------------------------------- working days

#: The ``holidays`` package's category used: only Denmark's public holidays (helligdage).
#: Its ``optional`` category (Arbejdernes kampdag, Grundlovsdag, Juleaftensdag, Nytårsaften)
#: holds days that are working days by law; a municipality that closes on some of them
#: says so with its closed days (:class:`ClosedDays`).
HOLIDAY_CATEGORIES: tuple[str, ...] = ("public",)

_LANGUAGES = {"da": "da", "en": "en_US"}


@functools.lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> tuple[tuple[date, str], ...]:
    import holidays  # loaded on first use

    cal = holidays.country_holidays("DK", years=year, categories=HOLIDAY_CATEGORIES,
                                    language=_LANGUAGES[language])
    return tuple(sorted(cal.items()))


def danish_holidays(year: int, *, language: Literal["da", "en"] = "da") -> dict[date, str]:
    """Danish public holidays (helligdage) of ``year``, from the maintained ``holidays`` package.

    Only its ``public`` category: Store bededag until 2023 (abolished from 2024); not
    Grundlovsdag (5 June), juleaftensdag, nytårsaftensdag or 1 May, which are working days
    by law (the package's ``optional`` category) — a municipality that closes on them sets
    them as closed days (:class:`ClosedDays`). Names in Danish, or in English with
    ``language="en"``.

    >>> h = danish_holidays(2026)
    >>> h[date(2026, 4, 3)], h[date(2026, 5, 14)], date(2026, 5, 1) in h
    ('Langfredag', 'Kristi himmelfartsdag', False)
    """
    if language not in _LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(_LANGUAGES)}. Got {language!r} instead.")
    return dict(_holidays(int(year), language))


class ClosedDayError(ValueError):
    """A closed day that is not a date; ``value`` is the text as given."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(
            f"closed day {value!r} is not a date: write DD.MM for a day closed every year "
            "(e.g. 24.12) or DD.MM.YYYY for one day (e.g. 02.01.2027), separated by commas")


_DAY_MONTH = re.compile(r"(\d{1,2})\.(\d{1,2})\.?")
_FULL_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class ClosedDays:
    """The municipality's own closed days: no routes are planned on them.

    ``every_year`` holds (day, month) pairs closed every year (e.g. 24.12 and 31.12,
    working days by law that many municipalities close on); ``dates`` holds single days
    (e.g. a bridge day, 15.05.2026). Empty by default: every weekday that is not a public
    holiday is a working day.

    >>> closed = ClosedDays.parse("24.12, 31.12, 02.01.2027")
    >>> date(2026, 12, 24) in closed, date(2027, 1, 2) in closed, date(2028, 1, 2) in closed
    (True, True, False)
    >>> closed.texts()
    ['24.12', '31.12', '02.01.2027']
    """

    every_year: frozenset[tuple[int, int]] = frozenset()
    dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for d, m in self.every_year:
            try:
                date(2000, m, d)  # a leap year: 29.02 is allowed
            except (TypeError, ValueError):
                raise ClosedDayError(f"{d}.{m}") from None

    @classmethod
    def parse(cls, values: str | Iterable[str] | None) -> ClosedDays:
        """Closed days from text: ``DD.MM`` (every year) or ``DD.MM.YYYY`` / ``YYYY-MM-DD``
        (one day), separated by commas, semicolons, spaces or new lines.

        Raises :class:`ClosedDayError` naming the first value that is not one of these.
        """
        if values is None:
            return cls()
        items = re.split(r"[,;\s]+", values) if isinstance(values, str) else list(values)
        every: set[tuple[int, int]] = set()
        dates: set[date] = set()
        for raw in items:
            text = str(raw).strip()
            if not text:
                continue
            try:
                if m := _FULL_DATE.fullmatch(text):
                    dates.add(date(int(m[3]), int(m[2]), int(m[1])))
                elif m := _ISO_DATE.fullmatch(text):
                    dates.add(date(int(m[1]), int(m[2]), int(m[3])))
                elif m := _DAY_MONTH.fullmatch(text):
                    date(2000, int(m[2]), int(m[1]))
                    every.add((int(m[1]), int(m[2])))
                else:
                    raise ValueError(text)
            except ValueError:
                raise ClosedDayError(text) from None
        return cls(frozenset(every), frozenset(dates))

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and (d in self.dates or (d.day, d.month) in self.every_year)

    def __bool__(self) -> bool:
        return bool(self.every_year or self.dates)

    def texts(self) -> list[str]:
        """The closed days as written (``24.12``, ``02.01.2027``): every-year days by date
        in the year, then single days in order."""
        return ([f"{d:02d}.{m:02d}" for d, m in sorted(self.every_year, key=lambda dm: (dm[1], dm[0]))]
                + [f"{d:%d.%m.%Y}" for d in sorted(self.dates)])


NO_CLOSED_DAYS = ClosedDays()

DayOffReason = Literal["holiday", "closed", "weekend"]


@dataclass(frozen=True)
class DayOff:
    """A day no route is planned on, and why: a public holiday (``name`` is the holiday's),
    one of the municipality's closed days, or a Saturday or Sunday."""

    day: date
    reason: DayOffReason
    name: str = ""


def day_off(d: date, *, closed: ClosedDays = NO_CLOSED_DAYS,
            language: Literal["da", "en"] = "da") -> DayOff | None:
    """Why ``d`` is not a working day (a holiday first, then a closed day, then the weekend),
    or ``None`` when it is one.

    >>> day_off(date(2026, 12, 25))
    DayOff(day=datetime.date(2026, 12, 25), reason='holiday', name='Juledag')
    >>> day_off(date(2026, 12, 24), closed=ClosedDays.parse("24.12")).reason
    'closed'
    """
    name = danish_holidays(d.year, language=language).get(d)
    if name is not None:
        return DayOff(d, "holiday", name)
    if d in closed:
        return DayOff(d, "closed")
    if d.weekday() >= 5:
        return DayOff(d, "weekend")
    return None


def is_working_day(d: date, *, closed: ClosedDays = NO_CLOSED_DAYS) -> bool:
    """A weekday that is neither a Danish public holiday nor one of the ``closed`` days."""
    return d.weekday() < 5 and d not in closed and d not in danish_holidays(d.year)


def working_days(start: date, n: int, *, closed: ClosedDays = NO_CLOSED_DAYS) -> list[date]:
    """The first ``n`` working days from ``start`` (included when it is one).

    >>> working_days(date(2026, 4, 1), 3)  # Easter: Thursday 2 and Friday 3 April are holidays
    [datetime.date(2026, 4, 1), datetime.date(2026, 4, 7), datetime.date(2026, 4, 8)]
    >>> working_days(date(2026, 12, 23), 2, closed=ClosedDays.parse("24.12"))
    [datetime.date(2026, 12, 23), datetime.date(2026, 12, 28)]
    """
    out: list[date] = []
    d = start
    limit = start + timedelta(days=366 + 7 * n)  # a closed day every day of a year is a mistake
    while len(out) < n:
        if d > limit:
            raise ValueError(f"no {n} working days from {start:%d.%m.%Y}: are all days closed?")
        if is_working_day(d, closed=closed):
            out.append(d)
        d += timedelta(days=1)
    return out


def next_working_day(after: date, *, closed: ClosedDays = NO_CLOSED_DAYS) -> date:
    """The first working day after ``after``."""
    return working_days(after + timedelta(days=1), 1, closed=closed)[0]


def days_off(first: date, last: date, *, closed: ClosedDays = NO_CLOSED_DAYS,
             language: Literal["da", "en"] = "da") -> list[DayOff]:
    """Every day from ``first`` to ``last`` (both included) that is not a working day, and why.

    >>> [(o.day.day, o.reason) for o in days_off(date(2026, 12, 23), date(2026, 12, 28))]
    [(25, 'holiday'), (26, 'holiday'), (27, 'weekend')]
    """
    out: list[DayOff] = []
    d = first
    while d <= last:
        off = day_off(d, closed=closed, language=language)
        if off is not None:
            out.append(off)
        d += timedelta(days=1)
    return out


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

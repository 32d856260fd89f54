"""The repository's one explicit base: who acts, what they may do, and the audit log.

Every concept's operations (:mod:`.workspace`, :mod:`.accounts`, :mod:`.governance`,
:mod:`.signals`, :mod:`.priorities`, :mod:`.routes`, :mod:`.partners`) are a subclass of
:class:`RepositoryBase`; what a subclass needs from another concept it inherits from that
concept's class by name, so the contract is in the class line, not implied.
:class:`detection.repository.Repository` combines them.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from detection import clock
from detection.access import ACCESS, allowed
from detection.errors import InputError, NotAllowed
from detection.routes.revisits import ClosedDayError, ClosedDays
from detection.store import engine as store_engine
from detection.store import idsets
from detection.store import schema as t
from detection.store.retention import MIN_AUDIT_DAYS

_CHUNK = 5_000


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user name and its role."""

    name: str
    role: str


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


#: Workspace settings and their defaults. The ``retention_*`` periods are in days; which
#: table each one rules is in :data:`detection.store.retention.RETENTION`.
DEFAULT_SETTINGS: dict[str, int] = {
    "retention_signals_days": 183,   # signals with no follow-up: 6 months
    "retention_outcomes_days": 365,  # door outcomes and leads' door decisions: 12 months
    "retention_rejected_days": 30,   # rejected import rows: 30 days
    "retention_imports_days": 183,   # import batches (file names, hashes), register problems: 6 months
    "retention_plans_days": 183,     # route plans, routes, stops, assignments, focus areas: 6 months
    "retention_contacts_days": 730,  # partner contact log: 2 years
    "retention_courses_days": 730,   # courses handed over or closed, with their meetings: 2 years
    "retention_audit_days": 183,     # audit entries, sign-in failures, disabled users: 6 months (minimum)
    "partner_active_months": 6,      # a partner with a contact within this many months is active
    "session_idle_minutes": 30,      # the app signs a user out after this long without use
    "sign_in_lockout_failures": 10,  # consecutive failed sign-ins that lock an account
    "overdue_minutes": 30,           # a pair not checked out this long after its shift ends is overdue
    "drive_walk_m": 1000,            # walking limit: doors farther apart on foot are driven between
    "min_route_minutes": 60,         # a route shorter than this is merged into another or explained
    # method fidelity (issue 16): each core element's threshold, percent
    "fidelity_partners_pct": 80,     # active partners contacted in the last 3 months
    "fidelity_assessed_pct": 90,     # reports assessed within 14 days
    "fidelity_doors_pct": 80,        # focus-area doors knocked in the period
    "fidelity_contacts_pct": 100,    # contacts against the period's goal
    "fidelity_meetings_pct": 50,     # courses with at least 3 meetings
    "fidelity_handover_pct": 50,     # handed over among the courses ended
}

#: Smallest value a setting may take (default 1).
MIN_SETTINGS: dict[str, int] = {"retention_audit_days": MIN_AUDIT_DAYS, "drive_walk_m": 100}

#: Largest value a setting may take (no limit when not named): a pair is overdue within
#: the day its shift ends, never days later.
MAX_SETTINGS: dict[str, int] = {"overdue_minutes": 720, **{k: 100 for k in DEFAULT_SETTINGS if k.endswith("_pct")},
                                 "fidelity_contacts_pct": 500}


#: The setting that holds the municipality's own closed days (no routes planned on them):
#: text, not a number — ``DD.MM`` every year, ``DD.MM.YYYY`` one day, comma-separated
#: (:class:`detection.routes.revisits.ClosedDays`). Empty by default.
CLOSED_DAYS_KEY = "closed_days"

#: Longest stored closed-days text (the ``settings.value`` column).
CLOSED_DAYS_MAX_CHARS = 200


def check_closed_days(value: str | Iterable[str] | None) -> ClosedDays:
    """``value`` as closed days, or :class:`InputError` (code ``closed_day``, ``value`` the
    bad text) naming the value and the fix."""
    try:
        closed = ClosedDays.parse(value)
    except ClosedDayError as exc:
        err = InputError(f"setting 'closed_days': {exc}", code="closed_day")
        err.value = exc.value  # type: ignore[attr-defined]
        raise err from None
    text = ",".join(closed.texts())
    if len(text) > CLOSED_DAYS_MAX_CHARS:
        err = InputError(f"setting 'closed_days': {len(closed.texts())} closed days are too many to store "
                         f"({len(text)} characters, at most {CLOSED_DAYS_MAX_CHARS}); remove single days "
                         "that have passed, or write a day closed every year once as DD.MM",
                         code="closed_days_too_many")
        err.value = text  # type: ignore[attr-defined]
        raise err
    return closed


def check_setting(key: str, value: object) -> int:
    """``value`` as the whole number ``key`` takes, or :class:`InputError` saying why not."""
    if key == CLOSED_DAYS_KEY:
        raise InputError(f"setting {key!r} takes dates, not a number; set it with set_closed_days")
    if key not in DEFAULT_SETTINGS:
        raise InputError(f"setting {key!r} is not known; settings: "
                         f"{', '.join([*DEFAULT_SETTINGS, CLOSED_DAYS_KEY])}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(f"setting {key!r} takes a whole number. Got {value!r} instead.") from None
    least = MIN_SETTINGS.get(key, 1)
    if number < least:
        unit = ("month" if key.endswith("_months") else "minute" if key.endswith("_minutes")
                else "metre" if key.endswith("_m") else "percent" if key.endswith("_pct") else "day")
        why = (" (the audit trail is kept at least six months; docs/privacy.md)"
               if key == "retention_audit_days" else "")
        raise InputError(f"setting {key!r} must be at least {least} {unit}{'s' if least > 1 else ''}"
                         f"{why}. Got {value!r} instead.")
    most = MAX_SETTINGS.get(key)
    if most is not None and number > most:
        why = (" minutes (12 hours: a pair is missed the same day)" if key == "overdue_minutes"
               else " percent")
        raise InputError(f"setting {key!r} must be at most {most}{why}. Got {value!r} instead.",
                         code="setting_too_large" if key == "overdue_minutes" else "setting_above_max")
    return number


def frame_rows(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts with NaN → None (SQL NULL)."""
    clean = df.astype(object).where(pd.notna(df), None)
    return clean.to_dict("records")


class ProcessCache:
    """A small least-recently-used cache shared by every repository of this process (one
    Streamlit server serves many sessions): values built from the store once per data
    version. ``functools.lru_cache`` does not fit: the key is built from the store's
    version, and the value by a closure over the calling repository.

    A key is built once even when several threads ask for it at the same time (the app's
    warm-up thread and a session's page, or two sessions): the later callers wait for the
    first build instead of repeating it. If that build fails, the next caller builds.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._building: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value kept for ``key``, else ``make()`` kept (the oldest goes beyond maxsize)."""
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
                busy = self._building.get(key)
                if busy is None:
                    busy = self._building[key] = threading.Event()
                    break
            busy.wait()  # another thread builds this key: take its value (or build after its failure)
        try:
            value = make()  # outside the lock: a slow build does not block other keys
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._building.pop(key, None)
            busy.set()


def insert_many(conn: Connection, table, rows: list[dict],
                progress: Callable[[float], None] | None = None) -> None:
    """Insert ``rows`` in chunks; ``progress`` (if given) hears the share done after each."""
    for i in range(0, len(rows), _CHUNK):
        conn.execute(insert(table), rows[i:i + _CHUNK])
        if progress is not None:
            progress(min(1.0, (i + _CHUNK) / len(rows)))


class RepositoryBase:
    """The store, the acting user, the access check and the audit log.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`detection.store.engine.get_engine`.
    actor : Actor
        The acting user.
    """

    def __init__(self, engine: Engine, actor: Actor) -> None:
        self.engine = engine
        self.actor = actor

    def _check(self, operation: str) -> None:
        if not allowed(self.actor.role, operation):
            raise NotAllowed(
                f"user {self.actor.name!r} (role {self.actor.role}) may not {operation}"
            )

    def _audit(self, conn: Connection, action: str, obj: str, purpose: str,
               entrance_ids: Iterable[str] = (), *, actor: Actor | None = None) -> None:
        """Append one audit entry (and the addresses it concerns) in ``conn``'s transaction.

        Up to :data:`~detection.store.idsets.SET_MIN` addresses are kept one
        ``audit_subjects`` row each; more (a map view) as one compressed
        ``audit_subject_sets`` row (:mod:`detection.store.idsets`, migration 0015), so a
        view of a city's addresses costs kilobytes, not megabytes.

        Called inside the transaction of the read or write it records: if the audit write
        fails, the read or write fails with it. ``actor`` names who acted when it is not the
        repository's user (a sign-in records the user signing in).
        """
        who = actor or self.actor
        audit_id = conn.execute(insert(t.audit_log).values(
            at=clock.now_utc(), user_name=who.name, role=who.role, action=action,
            object=obj, purpose=purpose).returning(t.audit_log.c.id)).scalar_one()
        subjects = sorted({e for e in entrance_ids if e})
        if len(subjects) > idsets.SET_MIN:
            conn.execute(insert(t.audit_subject_sets).values(
                idsets.set_row(audit_id, idsets.numbers_for(conn, subjects))))
        elif subjects:
            insert_many(conn, t.audit_subjects, [{"audit_id": audit_id, "entrance_id": e} for e in subjects])

    def _restricted_ids(self, conn: Connection) -> set[str]:
        """Addresses under restriction of processing: never planned or shown (GDPR art. 18)."""
        return set(conn.execute(select(t.restrictions.c.entrance_id)).scalars())

    def _bump_version(self, conn: Connection) -> None:
        conn.execute(update(t.workspace).values(data_version=t.workspace.c.data_version + 1))

    def _settings(self) -> dict[str, int]:
        """Settings without an access check (for checked methods that need a default)."""
        with store_engine.read_tx(self.engine) as conn:
            stored = dict(conn.execute(select(t.settings.c.key, t.settings.c.value)).all())
        out: dict[str, int] = {}
        for k, v in DEFAULT_SETTINGS.items():
            try:
                out[k] = int(stored.get(k, v))
            except ValueError:
                out[k] = v
            # a value written around set_setting (straight into the table) never goes below
            # the minimum: the audit trail is not shortened that way either
            out[k] = max(out[k], MIN_SETTINGS.get(k, 1))
            out[k] = min(out[k], MAX_SETTINGS.get(k, out[k]))
        return out

    def _closed_days(self) -> ClosedDays:
        """The municipality's closed days without an access check (for checked methods that
        plan); a stored value that no longer parses counts as none."""
        with store_engine.read_tx(self.engine) as conn:
            raw = conn.execute(select(t.settings.c.value).where(t.settings.c.key == CLOSED_DAYS_KEY)).scalar()
        try:
            return ClosedDays.parse(raw or "")
        except ClosedDayError:
            return ClosedDays()

    def data_version(self) -> tuple:
        """A key that changes whenever the register or the signals change (for caches).

        It names the database without its password: a cache key is no place for a secret.
        """
        s = t.signals
        with store_engine.read_tx(self.engine) as conn:
            dv = conn.execute(select(t.workspace.c.data_version)).scalar()
            n, last, assessed = conn.execute(select(func.count(), func.max(s.c.created_at),
                                                    func.max(s.c.assessed_at))).one()
            n_e = conn.execute(select(func.count()).select_from(t.entrances)).scalar_one()
        return (self.engine.url.render_as_string(hide_password=True), dv, n, str(last), str(assessed), n_e)

"""Governance: workspace settings, the retention purge and the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, delete, func, insert, select, update

from detection import clock
from detection.errors import InputError
from detection.repository.base import (
    CLOSED_DAYS_KEY,
    RepositoryBase,
    check_closed_days,
    check_setting,
    operation,
)
from detection.routes.revisits import ClosedDays
from detection.store import engine as store_engine
from detection.store import idsets, maintenance, retention
from detection.store import schema as t

#: The ``settings`` row that remembers tables whose compaction is still to do (not a
#: setting an administrator changes; :meth:`RepositoryBase._settings` ignores it).
PENDING_KEY = "purge_pending_compaction"


class PurgeResult(dict):
    """Rows deleted (or, in a dry run, to delete) per table — the dict itself — and what
    the purge used and achieved: ``as_of``, ``cutoffs`` (table → ISO time, UTC: rows
    before it go), ``reclaimed`` (the bytes are gone from disk), ``pending`` (tables whose
    bytes are not yet; the next purge compacts them) and ``reason`` (why not)."""

    def __init__(self, counts: dict[str, int], *, as_of: date, dry_run: bool,
                 cutoffs: dict[str, str]) -> None:
        super().__init__(counts)
        self.as_of = as_of
        self.dry_run = dry_run
        self.cutoffs = cutoffs
        self.reclaimed = True
        self.pending: list[str] = []
        self.reason = ""


@dataclass(frozen=True)
class _Plan:
    where: dict[str, ColumnElement[bool]]
    cutoffs: dict[str, str]
    unlink: list[tuple[str, Any]]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _purge_plan(cfg: dict[str, int], as_of: date) -> _Plan:
    """Which rows of each table :data:`retention.RETENTION` sends away as of ``as_of``."""
    def cut(table: str) -> datetime:
        rule = retention.RETENTION[table]
        assert isinstance(rule, retention.Rule), table
        if rule.setting == "retention_audit_days":
            return maintenance.audit_cutoff(as_of, cfg[rule.setting])
        return clock.days_before_utc(as_of, cfg[rule.setting])

    def day(table: str) -> date:  # for DATE columns: the first Copenhagen day kept
        return cut(table).astimezone(clock.COPENHAGEN).date()

    s, o, b = t.signals, t.outcomes, t.import_batches
    followed = select(o.c.outcome_id).where(o.c.entrance_id == s.c.entrance_id, o.c.visited_at >= s.c.received)
    old_batches = select(b.c.batch_id).where(b.c.created_at < cut("import_batches"))
    p, r, st = t.route_plans, t.routes, t.route_stops
    old_plans = select(p.c.plan_id).where(p.c.created_at < cut("route_plans"))
    old_routes = select(r.c.route_id).where(r.c.plan_id.in_(old_plans))
    a, sj = t.audit_log, t.audit_subjects
    audit_cut = cut("audit_log")
    u, f = t.users, t.sign_in_failures
    active_since = select(a.c.id).where(a.c.user_name == u.c.name, a.c.at >= audit_cut)
    c = t.courses
    ended_courses = ((c.c.handed_over_on < day("courses")) | (c.c.closed_on < day("courses")))
    where: dict[str, ColumnElement[bool]] = {
        "signals": (s.c.received < day("signals")) & (s.c.assessment != "in_target_group") & ~followed.exists(),
        "outcomes": o.c.visited_at < cut("outcomes"),
        "door_decisions": t.door_decisions.c.decided_at < cut("door_decisions"),
        "rejected_rows": (t.rejected_rows.c.created_at < cut("rejected_rows"))
                         | t.rejected_rows.c.batch_id.in_(old_batches),
        "import_batches": b.c.created_at < cut("import_batches"),
        "register_problems": t.register_problems.c.batch_id.in_(old_batches),
        "route_plans": p.c.created_at < cut("route_plans"),
        "routes": r.c.plan_id.in_(old_plans),
        "route_stops": st.c.route_id.in_(old_routes),
        "route_checks": t.route_checks.c.route_id.in_(old_routes),
        "assignments": (t.assignments.c.assigned_at < cut("assignments"))
                       | t.assignments.c.assigned_at.is_(None),
        "focus_areas": t.focus_areas.c.created_at < cut("focus_areas"),
        "partner_contacts": t.partner_contacts.c.contact_date < day("partner_contacts"),
        "courses": ended_courses,
        "course_meetings": t.course_meetings.c.course_id.in_(select(c.c.course_id).where(ended_courses)),
        "audit_log": a.c.at < audit_cut,
        "audit_subjects": sj.c.audit_id.in_(select(a.c.id).where(a.c.at < audit_cut)),
        "audit_subject_sets": t.audit_subject_sets.c.audit_id.in_(select(a.c.id).where(a.c.at < audit_cut)),
        "sign_in_failures": ~f.c.locked & ((f.c.last_failed_at < audit_cut) | f.c.last_failed_at.is_(None)),
        "users": u.c.disabled & (u.c.created_at < audit_cut) & ~active_since.exists(),
    }
    missing = set(retention.PURGED) - set(where)
    if missing:  # a rule in the registry with no query here
        raise RuntimeError(f"retention rules without a purge query: {sorted(missing)}")
    unlink = [  # what points at an import batch about to go, and stays
        ("signals", update(s).where(s.c.batch_id.in_(old_batches)).values(batch_id=None)),
        ("partner_coverage", update(t.partner_coverage)
         .where(t.partner_coverage.c.batch_id.in_(old_batches)).values(batch_id=None)),
    ]
    return _Plan(where=where, cutoffs={name: _iso(cut(name)) for name in retention.PURGED}, unlink=unlink)


#: Children before parents; signals before outcomes (a signal's follow-up is judged on the
#: outcomes as they were). The audit log goes last, through maintenance.purge_audit.
_DELETE_ORDER = ("course_meetings", "courses", "route_stops", "route_checks", "routes", "route_plans", "assignments", "focus_areas",
                 "rejected_rows", "register_problems", "import_batches", "door_decisions",
                 "signals", "outcomes", "partner_contacts", "sign_in_failures", "users")


def _pending(conn: Connection) -> list[str]:
    raw = conn.execute(select(t.settings.c.value).where(t.settings.c.key == PENDING_KEY)).scalar()
    if not raw:
        return []
    if raw.strip() == "*":
        return list(retention.COMPACTED)
    return [name for name in raw.split(",") if name in retention.COMPACTED]


def _set_pending(conn: Connection, tables: list[str]) -> None:
    conn.execute(delete(t.settings).where(t.settings.c.key == PENDING_KEY))
    if tables:
        value = ",".join(tables)
        conn.execute(insert(t.settings).values(key=PENDING_KEY, value=value if len(value) <= 200 else "*"))


def audit_uses(conn: Connection, entrance_id: str, *columns: str) -> list[dict]:
    """``columns`` of ``audit_log`` for every entry concerning ``entrance_id``, oldest first
    (by time, then id): the entries with an ``audit_subjects`` row for it and those whose
    compressed subject set holds it (:func:`detection.store.idsets.entries_with`)."""
    a = t.audit_log
    ids = idsets.entries_with(conn, entrance_id)
    rows: list[dict] = []
    for i in range(0, len(ids), 5_000):
        rows += conn.execute(select(a.c.id, *(a.c[name] for name in columns))
                             .where(a.c.id.in_(ids[i:i + 5_000]))).mappings().all()
    rows.sort(key=lambda r: (r["at"], r["id"]))
    return [{name: r[name] for name in columns} for r in rows]


class GovernanceOps(RepositoryBase):
    """Governance: workspace settings, the retention purge and the audit log."""

    @operation("settings.read")
    def settings(self) -> dict[str, Any]:
        """Workspace settings (retention periods in days, partner lapse in months), defaults
        filled in, and ``closed_days``: the municipality's closed days as written (``24.12``
        every year, ``02.01.2027`` one day; empty by default)."""
        return {**self._settings(), CLOSED_DAYS_KEY: self._closed_days().texts()}

    @operation("settings.read")
    def closed_days(self) -> ClosedDays:
        """The municipality's own closed days: no routes are planned on them."""
        return self._closed_days()

    @operation("calendar.write")
    def set_closed_days(self, value: str | list[str] | None) -> ClosedDays:
        """Set the municipality's closed days (replacing the list): ``DD.MM`` for a day closed
        every year (``24.12``), ``DD.MM.YYYY`` or ``YYYY-MM-DD`` for one day, separated by
        commas; empty clears them. Raises :class:`InputError` (code ``closed_day``) naming a
        value that is not a date."""
        closed = check_closed_days(value)
        text = ",".join(closed.texts())
        with store_engine.write_tx(self.engine) as conn:
            conn.execute(delete(t.settings).where(t.settings.c.key == CLOSED_DAYS_KEY))
            if text:
                conn.execute(insert(t.settings).values(key=CLOSED_DAYS_KEY, value=text))
            self._audit(conn, "settings.write", f"{CLOSED_DAYS_KEY}={text}", "change workspace settings")
        return closed

    @operation("settings.write")
    def set_setting(self, key: str, value: int) -> None:
        number = check_setting(key, value)
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(update(t.settings).where(t.settings.c.key == key).values(value=str(number))).rowcount
            if n == 0:
                conn.execute(insert(t.settings).values(key=key, value=str(number)))
            self._audit(conn, "settings.write", f"{key}={number}", "change workspace settings")

    @operation("retention.purge")
    def purge(self, *, as_of: date, dry_run: bool = False) -> PurgeResult:
        """Delete for real what is past its retention period; rows per table.

        The rules are :data:`detection.store.retention.RETENTION` (docs/privacy.md): each
        table's rows older than its setting's number of days before ``as_of`` go. ``as_of``
        may not be after today (a later day would delete what is still within its period);
        the audit log is purged only by ``retention_audit_days``, never fewer than
        :data:`~detection.store.retention.MIN_AUDIT_DAYS` days, so this run's own entry is
        never touched (on PostgreSQL the database computes that cut-off itself).

        Then the freed bytes are removed from disk (:func:`detection.store.maintenance.compact`:
        SQLite ``VACUUM`` and a full WAL checkpoint; PostgreSQL a rewrite of each table
        touched). When others using the database keep that from finishing, the result says
        ``reclaimed=False`` with the ``pending`` tables; they are recorded in ``settings``
        and the next purge compacts them even when it deletes nothing.

        The purge is logged, with ``as_of``, each table's cut-off and the counts as JSON.
        Works as the app's database role on both backends.
        """
        today = clock.today()
        if as_of > today:
            raise InputError(f"the purge date {as_of.isoformat()} is after today ({today.isoformat()}); "
                             "purge as of today or an earlier day (a later date would delete what "
                             "is still within its retention period)")
        cfg = self.settings()
        plan = _purge_plan(cfg, as_of)
        counts: dict[str, int] = {}
        with store_engine.write_tx(self.engine) as conn:
            pending_before = _pending(conn)
            for name in retention.PURGED:
                counts[name] = conn.execute(select(func.count()).select_from(
                    t.metadata.tables[name]).where(plan.where[name])).scalar_one()
            cutoffs = dict(plan.cutoffs)
            if not dry_run:
                for _table, stmt in plan.unlink:
                    conn.execute(stmt)
                for name in _DELETE_ORDER:
                    if counts[name]:
                        conn.execute(delete(t.metadata.tables[name]).where(plan.where[name]))
                n, used = maintenance.purge_audit(conn, as_of=as_of, days=cfg["retention_audit_days"])
                counts["audit_log"] = n
                for name in ("audit_log", "audit_subjects", "audit_subject_sets"):  # sets: by cascade
                    cutoffs[name] = _iso(used)
                if any(counts.values()):
                    self._bump_version(conn)
            detail = {"as_of": as_of.isoformat(), "dry_run": bool(dry_run), "cutoffs": cutoffs,
                      "deleted": counts}
            if pending_before:
                detail["pending_before"] = pending_before
            self._audit(conn, "retention.purge" + (".dry_run" if dry_run else ""),
                        json.dumps(detail), "retention purge")
        result = PurgeResult(counts, as_of=as_of, dry_run=dry_run, cutoffs=cutoffs)
        if dry_run:
            result.pending = pending_before
            result.reclaimed = not pending_before
            return result
        touched = [name for name in retention.COMPACTED if counts.get(name)]
        todo = list(dict.fromkeys(touched + pending_before))
        if not todo:
            return result
        done = maintenance.compact(self.engine, tables=todo)
        result.reclaimed, result.pending, result.reason = done.reclaimed, done.pending, done.reason
        with store_engine.write_tx(self.engine) as conn:
            _set_pending(conn, done.pending)
        return result

    @operation("audit.read")
    def audit_list(self, *, since: datetime | None = None, user: str | None = None,
                   action: str | None = None, limit: int = 10_000) -> pd.DataFrame:
        """Audit entries, newest first, filtered by time, user and action (prefix)."""
        a = t.audit_log
        q = select(a).order_by(a.c.id.desc()).limit(limit)
        if since is not None:
            q = q.where(a.c.at >= since)
        if user:
            q = q.where(a.c.user_name == user)
        if action:
            q = q.where(a.c.action.startswith(action))
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(q, conn)

    @operation("audit.export")
    def audit_export_entrance(self, entrance_id: str) -> pd.DataFrame:
        """Every audit entry concerning one address, for an access request.

        Dates, actions, roles and purposes — without staff names (GDPR art. 15).
        """
        with store_engine.write_tx(self.engine) as conn:
            # the rows of the entries found, in the order found, read as before (same dtypes)
            a = t.audit_log
            ids = idsets.entries_with(conn, entrance_id)
            parts = [pd.read_sql(select(a.c.id, a.c.at, a.c.role, a.c.action, a.c.purpose)
                                 .where(a.c.id.in_(ids[i:i + 5_000])), conn)
                     for i in range(0, max(len(ids), 1), 5_000)]
            df = (pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0])
            df = df.sort_values(["at", "id"], kind="stable").drop(columns="id").reset_index(drop=True)
            self._audit(conn, "audit.export", entrance_id, "access request (indsigt)", [entrance_id])
        return df

    @operation("audit.read")
    def audit_entries(self) -> pd.DataFrame:
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.audit_log).order_by(t.audit_log.c.id), conn)

    @operation("workspace.backup")
    def log_backup(self, what: str, detail: str) -> None:
        """Record a backup or a restore (``what``) in the audit log."""
        if what not in ("backup", "restore"):
            raise InputError(f"{what!r}: log a 'backup' or a 'restore'")
        with store_engine.write_tx(self.engine) as conn:
            self._audit(conn, f"workspace.{what}", detail[:300], "backup and restore of the workspace")

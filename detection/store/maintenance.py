"""Deleting for real: the audit purge and compaction after hard deletes.

A soft delete is not deletion (Datatilsynet). After hard deletes, SQLite keeps the bytes in
free pages and in the WAL until ``VACUUM`` and a complete checkpoint; PostgreSQL keeps dead
tuples until the table is rewritten (field-notes, conventions).

Both run as the app's own database role. On PostgreSQL that role may neither delete audit
entries nor rewrite tables it does not own: it calls the ``SECURITY DEFINER`` functions of
migration 0014 (``opspor_purge_audit``, which computes its own cut-off, and
``opspor_compact``, which rewrites one whitelisted table with ``CLUSTER``). The owner's URL
is never needed.

Compaction can be refused by others using the database at that moment (a reader holding a
snapshot, a writer holding the lock): :func:`compact` then says so (:class:`Compaction`
with ``reclaimed=False``) instead of pretending, and the caller records what is pending and
compacts again on its next run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, Engine, delete, exc, func, inspect, select, text

from detection import clock
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.store.retention import MIN_AUDIT_DAYS

#: How long compaction waits for other connections (SQLite: for the write lock and for
#: readers to leave old snapshots; PostgreSQL: ``lock_timeout`` for each table's rewrite).
#: When it runs out the purge reports the bytes as not reclaimed yet and retries next run.
RECLAIM_WAIT_MS = 10_000


@dataclass
class Compaction:
    """What :func:`compact` achieved."""

    reclaimed: bool
    pending: list[str] = field(default_factory=list)  #: tables whose bytes may still be on disk
    reason: str = ""                                  #: why not (first line of the error)


def audit_cutoff(as_of: date, days: int) -> datetime:
    """The audit cut-off for ``as_of`` and a ``retention_audit_days`` of ``days`` (UTC):
    never fewer than :data:`MIN_AUDIT_DAYS` days, never from a day after today."""
    return clock.days_before_utc(min(as_of, clock.today()), max(int(days), MIN_AUDIT_DAYS))


def count_audit_before(conn: Connection, cutoff: datetime) -> int:
    """How many audit entries a purge with ``cutoff`` removes (for ``--dry-run``)."""
    return conn.execute(select(func.count()).select_from(t.audit_log)
                        .where(t.audit_log.c.at < cutoff)).scalar_one()


def purge_audit(conn: Connection, *, as_of: date, days: int) -> tuple[int, datetime]:
    """Delete audit entries past their period inside ``conn``'s transaction: (count, cut-off).

    SQLite: opens the one-row gate ``audit_purge_gate`` for the length of this
    transaction only. PostgreSQL: ``opspor_purge_audit`` (migration 0014), which reads the
    period from ``settings`` itself and runs with the owner's rights; ``days`` is only its
    fallback when the setting is missing. Either way the cut-off is at least
    :data:`MIN_AUDIT_DAYS` before today, so the entries of this run are never touched.
    """
    if store_engine.is_postgres(conn):
        n, cutoff = conn.execute(text("SELECT deleted, cutoff FROM opspor_purge_audit(:d, :n)"),
                                 {"d": as_of, "n": int(days)}).one()
        return int(n), cutoff
    cutoff = audit_cutoff(as_of, days)
    return purge_audit_before(conn, cutoff), cutoff


def purge_audit_before(conn: Connection, cutoff: datetime) -> int:
    """SQLite: delete audit entries older than ``cutoff`` inside ``conn``'s transaction.

    The audit log is append-only by trigger; this opens the one-row gate
    ``audit_purge_gate`` for the length of its own transaction. (PostgreSQL: use
    :func:`purge_audit`, which goes through ``opspor_purge_audit``.)
    """
    gate = conn.dialect.name == "sqlite" and "audit_purge_gate" in inspect(conn).get_table_names()
    if gate:
        conn.execute(text("UPDATE audit_purge_gate SET allow = 1"))
    n = conn.execute(delete(t.audit_log).where(t.audit_log.c.at < cutoff)).rowcount
    if gate:
        conn.execute(text("UPDATE audit_purge_gate SET allow = 0"))
    return n


def compact(engine: Engine, *, tables: Sequence[str]) -> Compaction:
    """Remove deleted rows' bytes from disk; whether that worked, and what is still pending.

    SQLite: ``VACUUM`` (rewrites the whole file) and ``PRAGMA wal_checkpoint(TRUNCATE)``.
    The checkpoint's answer ``(busy, log, checkpointed)`` is checked: ``busy`` = 1 or
    ``log != checkpointed`` means a reader still holds an old snapshot, so the old pages
    are still in the file or the WAL. ``VACUUM`` failing with "database is locked" (a
    writer held the lock for :data:`RECLAIM_WAIT_MS`) counts the same.
    PostgreSQL: ``SELECT opspor_compact(table)`` per table (``CLUSTER``, as the owner),
    each in its own transaction with ``lock_timeout`` = :data:`RECLAIM_WAIT_MS`; a table
    that could not be locked or rewritten stays pending.
    """
    tables = list(dict.fromkeys(tables))
    if engine.dialect.name == "sqlite":
        return _compact_sqlite(engine, tables)
    pending, reason = [], ""
    with engine.connect() as conn:
        for name in tables:
            try:
                with conn.begin():
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(RECLAIM_WAIT_MS)}")
                    conn.execute(text("SELECT opspor_compact(:t)"), {"t": name})
            except exc.DBAPIError as error:
                pending.append(name)
                reason = reason or f"{name}: {store_engine.first_line(error)}"
    return Compaction(reclaimed=not pending, pending=pending, reason=reason)


def _compact_sqlite(engine: Engine, tables: list[str]) -> Compaction:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute(f"PRAGMA busy_timeout = {int(RECLAIM_WAIT_MS)}")
        try:
            try:
                raw.execute("VACUUM")
            except sqlite3.OperationalError as error:  # database is locked / busy
                return Compaction(False, tables, f"VACUUM: {error}")
            busy, log, done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.execute(f"PRAGMA busy_timeout = {store_engine.BUSY_TIMEOUT_MS}")
    if busy or log != done:
        return Compaction(False, tables,
                          f"WAL checkpoint incomplete (busy={busy}, log={log}, checkpointed={done}): "
                          "another connection still reads an older snapshot")
    return Compaction(True)

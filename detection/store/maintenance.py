"""Deleting for real: the audit purge gate and compaction after hard deletes.

A soft delete is not deletion (Datatilsynet). After hard deletes, SQLite keeps the bytes in
free pages and in the WAL until ``VACUUM`` and a checkpoint; PostgreSQL keeps dead tuples
until ``VACUUM FULL`` rewrites the table (field-notes, conventions).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, inspect, text

from detection.store import schema as t


def purge_audit_before(conn: Connection, cutoff: datetime) -> int:
    """Delete audit entries older than ``cutoff`` inside ``conn``'s transaction.

    On SQLite the audit log is append-only by trigger; the purge opens the one-row gate
    ``audit_purge_gate`` for the length of its own transaction. On PostgreSQL the app role
    has no DELETE on ``audit_log``; the purge must run on an owner connection.
    """
    gate = conn.dialect.name == "sqlite" and "audit_purge_gate" in inspect(conn).get_table_names()
    if gate:
        conn.execute(text("UPDATE audit_purge_gate SET allow = 1"))
    n = conn.execute(delete(t.audit_log).where(t.audit_log.c.at < cutoff)).rowcount
    if gate:
        conn.execute(text("UPDATE audit_purge_gate SET allow = 0"))
    return n


def compact(engine: Engine, *, tables: Sequence[str]) -> None:
    """Remove deleted rows' bytes from disk: SQLite VACUUM + WAL checkpoint; PG VACUUM FULL."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in tables:
                conn.execute(text(f'VACUUM FULL "{name}"'))

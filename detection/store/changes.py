"""The change token of the method's inputs: a value that every write to their tables replaces.

The method's figures (:mod:`detection.repository.method`) read every report, door outcome
and course of the workspace, and each entrance's area; a city has 100,000 reports, so the
repository keeps what it read and reuses it while the token stays the same.

The token is a fresh random UUID stored in the ``settings`` row :data:`SETTING`. The engine
event :func:`watch` (set by :func:`detection.store.engine.get_engine` on every engine)
writes a new one before each INSERT, UPDATE or DELETE on a table of :data:`TABLES`, on the
same connection, so in the same transaction: it commits and rolls back with the write, and
every code path that writes through an Opspor engine — a repository method, the CLI, a
migration, a test writing straight to a table — changes it. Two reads that see the same
token see the same rows: a random token, unlike a counter, is never reached again, not
even by a copy of the database that took other writes. A database has no token (``None``)
until the first such write.

What SQLAlchemy never sees does not change it: SQL run as a raw string (no code path writes
these tables that way), and the foreign keys' ``ON DELETE`` actions. Those into these tables
come from a table of :data:`TABLES` (an entrance, a report, a door outcome, an area layer
deleted), or set to NULL a column the method does not read (:data:`UNREAD_COLUMNS`);
``tests/detection/test_method_cache.py`` checks that against the schema.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.sql.dml import UpdateBase

from detection.store import schema as t

#: the tables the method's figures read: reports, door outcomes, courses, and the entrances'
#: coordinates and the area layers that give each its area
TABLES = frozenset({"signals", "outcomes", "courses", "entrances", "areas", "area_layers"})

#: columns of :data:`TABLES` the method does not read, which another table's deletion sets
#: to NULL without a statement on the table itself
UNREAD_COLUMNS = frozenset({"signals.unit_id", "signals.partner_id", "signals.batch_id", "outcomes.unit_id",
                            "courses.unit_id", "courses.signal_id", "courses.outcome_id"})

#: the ``settings`` row that holds the token (not a setting: ``_settings`` ignores it)
SETTING = "change_token.method_inputs"


def token(conn: Connection) -> str | None:
    """The current token, ``None`` before the first write that set one."""
    return conn.execute(select(t.settings.c.value).where(t.settings.c.key == SETTING)).scalar()


def watch(engine: Engine) -> None:
    """Renew the token before every INSERT, UPDATE or DELETE on :data:`TABLES` run on
    ``engine`` (once per engine)."""
    if not event.contains(engine, "before_execute", _before_execute):
        event.listen(engine, "before_execute", _before_execute)


def _before_execute(conn: Connection, statement: Any, multiparams: Any, params: Any,
                    execution_options: Any) -> None:
    table = getattr(statement, "table", None) if isinstance(statement, UpdateBase) else None
    if getattr(table, "name", None) in TABLES:
        _renew(conn)


def _renew(conn: Connection) -> None:
    """Store a fresh token (inserted the first time; an upsert, so two first writers on
    PostgreSQL do not collide on the key)."""
    value = str(uuid.uuid4())  # a UUID: the store's guard never takes it for a CPR number
    if conn.dialect.name == "postgresql":  # the dialect's module is loaded when it is used
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(t.settings).values(key=SETTING, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=[t.settings.c.key], set_={"value": value}))

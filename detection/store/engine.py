"""Database URL resolution, engine set-up, migrations, transactions and the audit purge.

Which database
--------------
Precedence: ``--db`` > ``OPSPOR_DB`` > the embedded default, a SQLite file at
``$OPSPOR_HOME/opspor.sqlite`` (``OPSPOR_HOME`` defaults to
``$XDG_DATA_HOME/opspor``, i.e. ``~/.local/share/opspor``). A bare path means
``sqlite:///PATH``.

A SQLite database is private to the user that runs Opspor: the folders made for it are
0700 and the file, its ``-wal`` and ``-shm`` are made 0600 whenever a connection opens
(group and others lose their permissions; a file of another user is left alone).

Environment variables
---------------------
``OPSPOR_DB``
    The database the app and the CLI use. On a PostgreSQL server this is the URL of the
    *app role* (``postgresql+psycopg://opspor_app:…@host/opspor``), a login role that is
    **not** the tables' owner (see :mod:`detection.store.postgres`).
``OPSPOR_DB_OWNER``
    PostgreSQL only: the URL of the role that owns the tables. Read only by the operator's
    tools that need it — migrations (:func:`resolve_owner_url`, ``python -m
    detection.store.postgres migrate``) and granting the app role. The retention purge
    runs as the app role (migration 0014's ``SECURITY DEFINER`` functions). Never put it in
    the app server's environment. Without it those tools fall back
    to ``OPSPOR_DB`` (right for SQLite, where there is only one "role").

SQLite
------
WAL, a busy timeout, foreign keys on every connection, and ``BEGIN IMMEDIATE`` for write
transactions (field-notes: a DEFERRED transaction that reads then writes gets SQLITE_BUSY
at once). Write transactions are opened with :func:`write_tx`.

PostgreSQL
----------
Sessions run in UTC. :func:`write_tx` is a plain READ COMMITTED transaction: concurrent
writers are kept apart by the primitives below (optimistic version columns,
``SELECT … FOR UPDATE``, advisory locks, unique indexes), not by serialising every write.
:func:`read_tx` is REPEATABLE READ, so a multi-statement read (``summary``) sees one
snapshot, as it does on SQLite. Read-only REPEATABLE READ transactions never fail with
serialisation errors.

:func:`migrate` never tries DDL on a role that cannot do it: a database already at the
newest schema is left alone (the app role's normal case); one that is behind raises
:class:`MigrationNeeded` telling the operator to migrate as the owner.

Concurrency primitives (plain functions on a :class:`~sqlalchemy.Connection` inside
:func:`write_tx`; identical calls on both backends): :func:`versioned_update`,
:func:`select_for_update`, :func:`serialize_on`, :func:`is_unique_violation`.

Audit log
---------
``audit_log`` (and ``audit_subjects``) are append-only for every role (migration 0004).
Entries leave only by their own retention period (:func:`detection.store.maintenance.purge_audit`):
on SQLite by opening the one-row ``audit_purge_gate`` inside its own ``BEGIN IMMEDIATE``
transaction; on PostgreSQL through ``opspor_purge_audit`` (migration 0014), a ``SECURITY
DEFINER`` function that reads the period itself and never cuts below its minimum — the app
role has no DELETE on the table. :func:`purge_audit_before` is the owner's low-level tool.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    Table,
    create_engine,
    event,
    exc,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError

from detection.errors import InputError, NotAllowed, WorkspaceError
from detection.files import make_private, private_dir
from detection.store import changes
from detection.store import schema as t
from detection.store.schema import metadata

if TYPE_CHECKING:  # alembic is loaded when a migration is needed (0.3 s with its scripts)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
OWNER_ENV = "OPSPOR_DB_OWNER"

#: Tables whose rows are never updated and deleted only by the retention purge (the
#: entrance numbers of audit subject sets, migration 0015, are never deleted at all).
AUDIT_TABLES: tuple[str, ...] = ("audit_log", "audit_subjects", "audit_subject_sets",
                                 "audit_entrance_numbers")


class MigrationNeeded(WorkspaceError):
    """The database schema is not the one this Opspor needs and this role can't fix it."""

    code = "migration_needed"


def default_home() -> Path:
    """Folder of the embedded default database."""
    if os.environ.get("OPSPOR_HOME"):
        return Path(os.environ["OPSPOR_HOME"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "opspor"


def resolve_db_url(db: str | None = None) -> str:
    """The database URL from ``--db``, ``OPSPOR_DB`` or the embedded default.

    >>> resolve_db_url("/tmp/x.sqlite")
    'sqlite:////tmp/x.sqlite'
    >>> resolve_db_url("postgresql+psycopg://u@h/db")
    'postgresql+psycopg://u@h/db'
    """
    raw = db or os.environ.get("OPSPOR_DB") or ""
    if not raw:
        home = private_dir(default_home())  # made 0700 (XDG: a missing data home is 0700)
        return f"sqlite:///{home / 'opspor.sqlite'}"
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def resolve_owner_url(db: str | None = None) -> str:
    """The URL for migrations and the audit purge: ``--db`` > ``OPSPOR_DB_OWNER`` > ``OPSPOR_DB``."""
    return resolve_db_url(db or os.environ.get(OWNER_ENV) or None)


def _sqlite_files(path: str | None) -> list[str]:
    """The database file and its WAL and shared-memory files (nothing for ``:memory:``)."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return []
    return [path, f"{path}-wal", f"{path}-shm"]


def _sqlite_setup(engine: Engine, path: str | None = None) -> None:
    files = _sqlite_files(path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        if files:  # the file sqlite3 just created has the umask's mode: make it 0600 at once
            make_private(files[0])
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        # SQLite gives a new -wal/-shm the database file's mode; ones left from before may differ.
        for f in files:
            make_private(f)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("opspor_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """One engine per URL per process (engines are thread-safe and pooled)."""
    eng = _ENGINES.get(url)
    if eng is None:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                private_dir(Path(path).parent)
            eng = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _sqlite_setup(eng, make_url(url).database)
        else:
            connect_args: dict[str, Any] = {}
            if url.startswith("postgresql"):
                query = make_url(url).query
                options = query.get("options") or ""
                options = options if isinstance(options, str) else " ".join(options)
                if "timezone" not in options.lower():
                    connect_args["options"] = f"{options} -c timezone=UTC".strip()
                if "application_name" not in query:
                    connect_args["application_name"] = "opspor"
            eng = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        changes.watch(eng)  # writes to the method's inputs renew their change token
        _ENGINES[url] = eng
    return eng


def dispose_engine(url: str) -> None:
    """Close the pooled connections of one URL's engine and forget it (before dropping a DB)."""
    eng = _ENGINES.pop(url, None)
    if eng is not None:
        eng.dispose()


def dispose_engines() -> None:
    """Close all pooled connections (tests, and before deleting a database file)."""
    for eng in _ENGINES.values():
        eng.dispose()
    _ENGINES.clear()


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


# --------------------------------------------------------------------------- transactions


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A write transaction, committed on success, rolled back on an exception.

    SQLite: ``BEGIN IMMEDIATE`` (the database's one writer lock is taken at once).
    PostgreSQL: READ COMMITTED; use the primitives below where two users may race.
    """
    with _guard_errors(), engine.connect().execution_options(opspor_write=True) as conn:
        with conn.begin():
            yield conn


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read transaction (one consistent snapshot; REPEATABLE READ on PostgreSQL)."""
    with _guard_errors(), engine.connect() as conn:
        if is_postgres(conn):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


@contextmanager
def _guard_errors() -> Iterator[None]:
    """Let a write-path guard's refusal (:mod:`detection.store.guard`, raised while a value
    is bound) reach the caller as the input error it is, not as SQLAlchemy's wrapper."""
    try:
        yield
    except StatementError as exc:
        if isinstance(exc.orig, InputError):
            raise exc.orig from None
        raise


def versioned_update(conn: Connection, table: Table, where: ColumnElement[bool], *,
                     expected_version: int, values: Mapping[str, Any] | None = None,
                     version_column: str = "version") -> bool:
    """Optimistic write: ``UPDATE … SET …, version = version + 1 WHERE … AND version = :v``.

    Returns ``True`` when exactly this version was updated, ``False`` when someone changed
    (or deleted) the row first — the caller reports a :class:`~detection.errors.Conflict`
    ("already assigned; reload"). Works alike under SQLite's BEGIN IMMEDIATE and
    PostgreSQL's READ COMMITTED (the second writer's UPDATE waits for the first to commit,
    then re-checks the version and matches 0 rows).
    """
    col = table.c[version_column]
    stmt = (update(table).where(where, col == expected_version)
            .values({**dict(values or {}), version_column: col + 1}))
    return conn.execute(stmt).rowcount == 1


def select_for_update(conn: Connection, stmt: Select) -> Any:
    """Run ``stmt`` locking the rows it reads until the transaction ends.

    PostgreSQL: ``SELECT … FOR UPDATE`` (a second writer waits, then reads the committed
    row). SQLite: a plain SELECT — inside :func:`write_tx` the ``BEGIN IMMEDIATE`` lock
    already keeps every other writer out. Returns the :class:`~sqlalchemy.Result`.
    """
    if is_postgres(conn):
        stmt = stmt.with_for_update()
    return conn.execute(stmt)


def serialize_on(conn: Connection, key: str) -> None:
    """Make write transactions that call this with the same ``key`` run one after another.

    PostgreSQL: ``pg_advisory_xact_lock`` (released at commit/rollback), e.g. for
    "plan routes for area X" where no single row is there to lock. SQLite: nothing to do,
    a write transaction already holds the database's writer lock.
    """
    if is_postgres(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def is_unique_violation(error: BaseException) -> bool:
    """True when ``error`` is a unique / primary-key violation (SQLite or PostgreSQL).

    For "one active assignment per entrance" with a (partial) unique index: the loser's
    INSERT fails with this; report a conflict instead of a crash. On PostgreSQL the
    transaction is then aborted — roll it back (leave :func:`write_tx` by raising).
    """
    if not isinstance(error, exc.IntegrityError):
        return False
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:  # psycopg
        return sqlstate == "23505"
    name = getattr(orig, "sqlite_errorname", None)  # sqlite3, Python >= 3.11
    if name is not None:
        return name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
    return "UNIQUE constraint failed" in str(orig)


# --------------------------------------------------------------------------- migrations


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def head_revision() -> str:
    """The newest migration this version of Opspor knows."""
    return _script().get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """The migration a database is at (``None`` for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        schema = None
        if is_postgres(conn):  # as migrations/env.py: only the schema the tables go to
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        return MigrationContext.configure(
            conn, opts={"version_table_schema": schema}).get_current_revision()


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def _head_from_files() -> str | None:
    """The newest migration as the files in ``migrations/versions`` name it, read without
    loading alembic and its scripts; ``None`` unless every file has one plain
    ``revision = "…"`` and ``down_revision = "…"`` (or ``None``) and they form one chain
    (then alembic decides). Equal to :func:`head_revision` (tested)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        lines = _REVISION_LINE.findall(path.read_text(encoding="utf-8"))
        values = {}
        for name, value in lines:
            try:
                values.setdefault(name, []).append(ast.literal_eval(value))
            except (ValueError, SyntaxError):
                return None
        if [len(values.get("revision", [])), len(values.get("down_revision", []))] != [1, 1]:
            return None
        (rev,), (parent,) = values["revision"], values["down_revision"]
        if not isinstance(rev, str) or not (parent is None or isinstance(parent, str)):
            return None
        revisions.add(rev)
        parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """True when the database is at :func:`_head_from_files`, read with one query instead
    of alembic (which takes 0.3 s to load with its scripts, on every command of the CLI;
    issue 18); False when that is not sure (no version table, no head from the files …)."""
    head = _head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            table = "alembic_version"
            if is_postgres(conn):  # as current_revision: the schema the tables go to
                schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
                if not schema:
                    return False
                table = f"{conn.dialect.identifier_preparer.quote_schema(schema)}.{table}"
            versions = conn.exec_driver_sql(f"SELECT version_num FROM {table}").scalars().all()
    except exc.DBAPIError:
        return False
    return versions == [head]


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for unknown ids
        return False


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Bring the database to the newest schema (alembic ``upgrade head``).

    Does nothing — and runs no DDL — when the database is already at ``head``. On
    PostgreSQL a role that can't run the migrations (the app role) gets
    :class:`MigrationNeeded` naming what to run instead of a failed ``CREATE``.
    """
    if revision == "head" and _at_head(engine):
        return
    head = head_revision()
    try:
        current = current_revision(engine)
    except exc.ProgrammingError as error:  # e.g. permission denied for table alembic_version
        raise MigrationNeeded(
            f"cannot read the schema version of this database ({first_line(error)}); "
            "the app role needs its grants: as the owner run "
            "`python -m detection.store.postgres app-role ROLE`") from error
    if revision == "head" and current == head:
        return
    if current is not None and not _known(current):
        raise MigrationNeeded(
            f"the database is at schema {current}, newer than this version of Opspor "
            f"knows (newest {head}); upgrade Opspor")
    if is_postgres(engine):
        with engine.connect() as conn:
            blocker = migration_blocker(conn)
        if blocker:
            raise MigrationNeeded(
                f"the database is at schema {current or '(empty)'}, this Opspor needs "
                f"{head}, and {blocker}. Run the migrations as the tables' owner: "
                f"`{OWNER_ENV}=postgresql+psycopg://OWNER@HOST/DB opspor migrate` "
                "(or `python -m detection.store.postgres migrate --db OWNER_URL`), then "
                "start the app again")
    from alembic import command

    cfg = _alembic_config()
    with engine.connect().execution_options(opspor_write=True) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def downgrade(engine: Engine, revision: str) -> None:
    """Alembic ``downgrade`` to ``revision`` (tests and operators' roll-backs)."""
    from alembic import command

    cfg = _alembic_config()
    with engine.connect().execution_options(opspor_write=True) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def is_empty(engine: Engine) -> bool:
    """True when the database has no Opspor tables at all (PostGIS's own don't count)."""

    with engine.connect() as conn:
        # PostgreSQL: only the schema the tables go to (schema=None would list every
        # table visible on search_path, PostGIS's and other schemas' included).
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar() if is_postgres(conn) else None
        names = set(inspect(conn).get_table_names(schema=schema))
    return not (names & set(metadata.tables))


def first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


# --------------------------------------------------------------------------- audit purge


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def purge_audit_before(engine: Engine, cutoff_utc: datetime, *,
                       owner_engine: Engine | None = None) -> int:
    """Delete audit entries older than ``cutoff_utc`` in their own transaction; how many.

    The only way audit rows leave the database (``audit_subjects`` rows go with their
    entry by ``ON DELETE CASCADE``). A naive ``cutoff_utc`` is taken as UTC.

    SQLite: inside one ``BEGIN IMMEDIATE`` transaction, set ``audit_purge_gate.allow`` to
    1, delete, set it back to 0 — no other connection ever sees the gate open, and a
    crash rolls it back closed. PostgreSQL: a plain ``DELETE`` on ``owner_engine`` (the
    tables' owner, ``OPSPOR_DB_OWNER``); the app role has no DELETE on ``audit_log``, so
    without an owner engine this raises :class:`~detection.errors.NotAllowed`.

    A low-level tool for any cut-off. The retention purge (``opspor purge``) does not use
    it: it goes through :func:`detection.store.maintenance.purge_audit`, which runs as the
    app role (PostgreSQL: ``opspor_purge_audit``, migration 0014) and never cuts the log
    shorter than its minimum period.
    """

    cutoff = _as_utc(cutoff_utc)
    target = owner_engine or engine
    where = t.audit_log.c.at < cutoff
    if not is_postgres(target):
        with write_tx(target) as conn:
            conn.execute(text("UPDATE audit_purge_gate SET allow = 1"))
            n = conn.execute(t.audit_log.delete().where(where)).rowcount
            conn.execute(text("UPDATE audit_purge_gate SET allow = 0"))
        return n
    try:
        with write_tx(target) as conn:
            return conn.execute(t.audit_log.delete().where(where)).rowcount
    except exc.ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise NotAllowed(
                "the audit log is append-only for the app's database role; deleting audit "
                f"entries before any cut-off must run as the tables' owner (set {OWNER_ENV}); "
                "the retention purge (`opspor purge`) runs as the app role") from error
        raise


def count_audit_before(engine: Engine, cutoff_utc: datetime) -> int:
    """How many audit entries :func:`purge_audit_before` would remove (``--dry-run``)."""

    with read_tx(engine) as conn:
        return conn.execute(select(func.count()).select_from(t.audit_log)
                            .where(t.audit_log.c.at < _as_utc(cutoff_utc))).scalar_one()


def migration_blocker(conn: Connection) -> str | None:
    """Why this connection's role can't run the migrations (``None`` when it can).

    Checked by :func:`migrate` before any DDL, so the app role
    gets a clear message instead of ``permission denied`` half-way through.
    """
    r = conn.execute(text("""
        SELECT current_user AS me,
               (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
               current_schema() AS schema,
               CASE WHEN current_schema() IS NULL THEN false
                    ELSE has_schema_privilege(current_schema(), 'CREATE') END AS can_create,
               (SELECT pg_get_userbyid(c.relowner) FROM pg_class c
                 WHERE c.oid = to_regclass(quote_ident(current_schema()) || '.alembic_version')) AS owner,
               EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') AS has_postgis,
               EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')
                   AS postgis_available,
               current_database() AS db
    """)).mappings().one()
    if r["superuser"]:
        return None if r["postgis_available"] or r["has_postgis"] else _NO_POSTGIS
    if r["owner"] is not None:
        member = conn.execute(text("SELECT pg_has_role(current_user, :o, 'USAGE')"),
                              {"o": r["owner"]}).scalar_one()
        if not member:
            return f"role {r['me']} is not the tables' owner ({r['owner']})"
    elif not r["can_create"]:
        return f"role {r['me']} may not create tables in schema {r['schema'] or '(none)'}"
    if not r["has_postgis"]:
        if not r["postgis_available"]:
            return _NO_POSTGIS
        return (f"PostGIS is not enabled in database {r['db']} and only a superuser can "
                "enable it: run `CREATE EXTENSION postgis;` in it as a superuser")
    return None


_NO_POSTGIS = ("PostGIS is not installed on the database server "
               "(Debian: apt-get install postgresql-15-postgis-3)")

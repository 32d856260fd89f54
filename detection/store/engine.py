"""Database URL resolution, engine set-up and migrations.

Precedence: ``--db`` > ``OPSPOR_DB`` > the embedded default, a SQLite file at
``$OPSPOR_HOME/opspor.sqlite`` (``OPSPOR_HOME`` defaults to
``$XDG_DATA_HOME/opspor``, i.e. ``~/.local/share/opspor``). A bare path means
``sqlite:///PATH``.

SQLite gets WAL, a busy timeout, foreign keys on every connection, and ``BEGIN IMMEDIATE``
for write transactions (field-notes: a DEFERRED transaction that reads then writes gets
SQLITE_BUSY at once). Write transactions are opened with :func:`write_tx`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


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
        home = default_home()
        home.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{home / 'opspor.sqlite'}"
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

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
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            eng = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _sqlite_setup(eng)
        else:
            eng = create_engine(url, pool_pre_ping=True)
        _ENGINES[url] = eng
    return eng


def dispose_engines() -> None:
    """Close all pooled connections (tests, and before deleting a database file)."""
    for eng in _ENGINES.values():
        eng.dispose()
    _ENGINES.clear()


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
    with engine.connect().execution_options(opspor_write=True) as conn:
        with conn.begin():
            yield conn


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read transaction (one consistent snapshot)."""
    with engine.connect() as conn:
        with conn.begin():
            yield conn


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest migration this version of Opspor knows."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """The migration a database is at (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Bring the database to the newest schema (alembic ``upgrade head``)."""
    cfg = _alembic_config()
    with engine.connect().execution_options(opspor_write=True) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def is_empty(engine: Engine) -> bool:
    """True when the database has no Opspor tables at all."""
    names = set(inspect(engine).get_table_names())
    return not (names - {"alembic_version"})

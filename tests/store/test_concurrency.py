"""Write transactions and the concurrency primitives on both backends."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import exc, insert, select, text, update

from detection.store import engine as store_engine
from detection.store import schema as t
from tests.store.helpers import sqlstate

THREADS, ROUNDS = 6, 15


@pytest.fixture(params=["sqlite", "postgis"])
def eng(request, tmp_path):
    """A migrated database with a workspace row (``data_version`` 1) on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    else:
        url = request.getfixturevalue("pg_schema")(migrate=True).owner
    engine = store_engine.get_engine(url)
    store_engine.migrate(engine)
    with store_engine.write_tx(engine) as conn:
        conn.execute(insert(t.workspace).values(
            id=1, name="W", kommunekode="0741", synthetic=True, created_at=datetime.now(UTC),
            sources="[]", data_version=1))
    return engine


def _version(engine) -> int:
    with store_engine.read_tx(engine) as conn:
        return conn.execute(select(t.workspace.c.data_version)).scalar_one()


def _hammer(engine, work) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(ROUNDS):
                work()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors


def test_versioned_update__no_lost_updates(eng):
    def increment() -> None:
        while True:
            with store_engine.write_tx(eng) as conn:
                v = conn.execute(select(t.workspace.c.data_version)).scalar_one()
                if store_engine.versioned_update(conn, t.workspace, t.workspace.c.id == 1,
                                                 expected_version=v, version_column="data_version"):
                    return

    _hammer(eng, increment)
    assert _version(eng) == 1 + THREADS * ROUNDS


def test_select_for_update__no_lost_updates(eng):
    def increment() -> None:
        with store_engine.write_tx(eng) as conn:
            v = store_engine.select_for_update(
                conn, select(t.workspace.c.data_version).where(t.workspace.c.id == 1)).scalar_one()
            conn.execute(update(t.workspace).values(data_version=v + 1))

    _hammer(eng, increment)
    assert _version(eng) == 1 + THREADS * ROUNDS


def test_versioned_update__second_writer_with_a_stale_version_loses(eng):
    with store_engine.write_tx(eng) as conn:
        assert store_engine.versioned_update(conn, t.workspace, t.workspace.c.id == 1,
                                             expected_version=1, values={"name": "first"},
                                             version_column="data_version")
    with store_engine.write_tx(eng) as conn:
        assert not store_engine.versioned_update(conn, t.workspace, t.workspace.c.id == 1,
                                                 expected_version=1, values={"name": "second"},
                                                 version_column="data_version")
    with eng.connect() as conn:
        assert conn.execute(select(t.workspace.c.name, t.workspace.c.data_version)).one() == ("first", 2)


def test_versioned_update__interleaved_on_postgres(pg_schema):
    """READ COMMITTED: both read version 1; the one that writes second matches 0 rows."""
    engine = store_engine.get_engine(pg_schema(migrate=True).owner)
    with store_engine.write_tx(engine) as conn:
        conn.execute(insert(t.workspace).values(id=1, name="W", kommunekode="0741", synthetic=True,
                                                created_at=datetime.now(UTC), sources="[]",
                                                data_version=1))
    with store_engine.write_tx(engine) as a:
        va = a.execute(select(t.workspace.c.data_version)).scalar_one()
        with store_engine.write_tx(engine) as b:
            vb = b.execute(select(t.workspace.c.data_version)).scalar_one()
            assert store_engine.versioned_update(b, t.workspace, t.workspace.c.id == 1,
                                                 expected_version=vb, version_column="data_version")
        assert not store_engine.versioned_update(a, t.workspace, t.workspace.c.id == 1,
                                                 expected_version=va, version_column="data_version")
    assert _version(engine) == 2


@pytest.mark.parametrize("lock", ["row", "key"])
def test_postgres__row_lock_and_advisory_lock_make_the_second_writer_wait(pg_schema, lock):
    engine = store_engine.get_engine(pg_schema(migrate=True).owner)
    with store_engine.write_tx(engine) as conn:
        conn.execute(insert(t.workspace).values(id=1, name="W", kommunekode="0741", synthetic=True,
                                                created_at=datetime.now(UTC), sources="[]",
                                                data_version=1))

    def take(conn, key: str = "area:7240") -> None:
        if lock == "row":
            store_engine.select_for_update(conn, select(t.workspace).where(t.workspace.c.id == 1)).all()
        else:
            store_engine.serialize_on(conn, key)

    with store_engine.write_tx(engine) as a:
        take(a)
        with store_engine.write_tx(engine) as b:
            b.execute(text("SET LOCAL lock_timeout = '150ms'"))
            with pytest.raises(exc.OperationalError) as err:
                take(b)
            assert sqlstate(err.value) == "55P03"  # lock_not_available
            b.rollback()
        if lock == "key":  # another key is not blocked
            with store_engine.write_tx(engine) as c:
                c.execute(text("SET LOCAL lock_timeout = '150ms'"))
                take(c, "area:7241")


def test_is_unique_violation__unique_yes_foreign_key_no(eng):
    now = datetime.now(UTC)
    row = {"name": "dup", "role": "planner", "disabled": False, "created_at": now}
    with store_engine.write_tx(eng) as conn:
        conn.execute(insert(t.users).values(**row))
    with pytest.raises(exc.IntegrityError) as err, store_engine.write_tx(eng) as conn:
        conn.execute(insert(t.users).values(**row))
    assert store_engine.is_unique_violation(err.value)
    with pytest.raises(exc.IntegrityError) as err, store_engine.write_tx(eng) as conn:
        conn.execute(insert(t.units).values(unit_id="u1", entrance_id="nowhere", floor="", door=""))
    assert not store_engine.is_unique_violation(err.value)
    assert not store_engine.is_unique_violation(ValueError("x"))


def test_write_tx__sqlite_takes_the_writer_lock_at_begin(tmp_path):
    path = tmp_path / "w.sqlite"
    engine = store_engine.get_engine(f"sqlite:///{path}")
    store_engine.migrate(engine)
    with store_engine.write_tx(engine) as conn:
        conn.execute(select(1)).scalar()  # only a read so far …
        other = sqlite3.connect(path, timeout=0)
        try:  # … yet no other writer can start: BEGIN IMMEDIATE holds the lock
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    with store_engine.read_tx(engine) as conn:
        conn.execute(select(1)).scalar()
        other = sqlite3.connect(path, timeout=0)
        try:  # a read transaction does not block writers
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_transactions__postgres_isolation_levels(pg_url):
    engine = store_engine.get_engine(pg_url.owner)
    with store_engine.write_tx(engine) as conn:
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
    with store_engine.read_tx(engine) as conn:
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
        before = conn.execute(select(t.settings.c.key)).all()
        with store_engine.write_tx(engine) as w:
            w.execute(insert(t.settings).values(key=f"snap_{datetime.now(UTC):%H%M%S%f}", value="1"))
        assert conn.execute(select(t.settings.c.key)).all() == before  # one snapshot
    with store_engine.read_tx(engine) as conn:
        assert len(conn.execute(select(t.settings.c.key)).all()) == len(before) + 1
        assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
    with store_engine.write_tx(engine) as conn:  # pooled connection is back to the default
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "read committed"

"""SQLite: the audit log is append-only by trigger, except through the retention purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import exc, func, insert, select, text

from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
AGES = (400, 366, 364, 10)  # days


@pytest.fixture()
def eng(tmp_path):
    repo = Repository.open(f"sqlite:///{tmp_path / 'w.sqlite'}", None)
    with store_engine.write_tx(repo.engine) as conn:
        for days in AGES:
            aid = conn.execute(insert(t.audit_log).values(
                at=NOW - timedelta(days=days), user_name="p", role="planner",
                action="signals.read", object="x", purpose=f"{days}d")
                .returning(t.audit_log.c.id)).scalar_one()
            conn.execute(insert(t.audit_subjects).values(audit_id=aid, entrance_id=f"e{days}"))
    return repo.engine


def _purposes(eng) -> list[str]:
    with eng.connect() as conn:
        return list(conn.execute(select(t.audit_log.c.purpose).order_by(t.audit_log.c.id)).scalars())


def _gate(eng) -> int:
    with eng.connect() as conn:
        return conn.execute(text("SELECT allow FROM audit_purge_gate")).scalar()


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET purpose = 'rewritten'",
    "UPDATE audit_log SET at = '2000-01-01 00:00:00' WHERE id = 1",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE id = 1",
    "UPDATE audit_subjects SET entrance_id = 'other'",
    "DELETE FROM audit_subjects",
])
def test_triggers__update_and_delete_refused(eng, sql):
    before = _purposes(eng)
    with pytest.raises(exc.IntegrityError, match="append-only"):
        with store_engine.write_tx(eng) as conn:
            conn.execute(text(sql))
    assert _purposes(eng) == before
    with eng.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.audit_subjects)).scalar() == len(AGES)


def test_purge__removes_older_entries_keeps_newer_and_closes_the_gate(eng):
    cutoff = NOW - timedelta(days=365)
    assert store_engine.count_audit_before(eng, cutoff) == 2
    assert store_engine.purge_audit_before(eng, cutoff) == 2
    assert _purposes(eng) == ["364d", "10d"]
    with eng.connect() as conn:  # the purged entries' subjects went with them
        assert sorted(conn.execute(select(t.audit_subjects.c.entrance_id)).scalars()) == ["e10", "e364"]
    assert _gate(eng) == 0
    with pytest.raises(exc.IntegrityError, match="append-only"):
        with store_engine.write_tx(eng) as conn:
            conn.execute(text("DELETE FROM audit_log"))


def test_purge__cutoff_in_another_timezone_means_the_same_instant(eng):
    cutoff = NOW - timedelta(days=365)
    with store_engine.write_tx(eng) as conn:  # 30 minutes younger than the cutoff: kept
        conn.execute(insert(t.audit_log).values(
            at=cutoff + timedelta(minutes=30), user_name="p", role="planner",
            action="signals.read", object="x", purpose="just inside"))
    local = cutoff.astimezone(ZoneInfo("Europe/Copenhagen"))
    assert local.utcoffset() == timedelta(hours=1)
    assert store_engine.purge_audit_before(eng, local) == 2
    assert "just inside" in _purposes(eng)


def test_purge__naive_cutoff_is_utc(eng):
    assert store_engine.purge_audit_before(eng, (NOW - timedelta(days=365)).replace(tzinfo=None)) == 2


def test_gate__opened_in_a_failed_transaction_is_closed_again(eng):
    with pytest.raises(RuntimeError), store_engine.write_tx(eng) as conn:
        conn.execute(text("UPDATE audit_purge_gate SET allow = 1"))
        raise RuntimeError("crash half-way through a purge")
    assert _gate(eng) == 0


def test_gate__missing_row_counts_as_closed(eng):
    with store_engine.write_tx(eng) as conn:
        conn.execute(text("DELETE FROM audit_purge_gate"))
    with pytest.raises(exc.IntegrityError, match="append-only"):
        with store_engine.write_tx(eng) as conn:
            conn.execute(text("DELETE FROM audit_log"))
    with pytest.raises(exc.IntegrityError):  # and a second gate row can't be added
        with store_engine.write_tx(eng) as conn:
            conn.execute(text("INSERT INTO audit_purge_gate (id, allow) VALUES (2, 1)"))


def test_repository__still_appends_audit_entries(eng):
    repo = Repository(eng, Repository.open(str(eng.url), None).actor)
    repo.add_user("newcomer", role="planner", password="pw-12345-long-enough")
    assert _purposes(eng)[-1] == "add user with role planner"

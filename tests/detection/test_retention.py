"""Retention: what is past its period is deleted for real, the rest stays, the purge is logged."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from detection import clock
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user

AS_OF = date(2026, 11, 1)


def _files(url: str) -> bytes:
    """Every byte of the database's files on disk.

    SQLite: the database file with its ``-wal``/``-shm``. PostgreSQL: every file of the
    database's directory (``base/<oid>``) after a ``CHECKPOINT`` (as the test server's
    superuser; the test runs as root on CI, so it can read the cluster's files). WAL
    segments are left out: they recycle on their own (conventions.md).
    """
    if url.startswith("sqlite"):
        db = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    from tests.store.pgserver import _connect

    admin = _ADMIN[url]
    with _connect(admin) as conn:
        conn.execute("CHECKPOINT")
        data_dir = conn.execute("SHOW data_directory").fetchone()[0]
        oid = conn.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
    base = Path(data_dir) / "base" / str(oid)
    return b"".join(p.read_bytes() for p in sorted(base.iterdir()) if p.is_file())


_ADMIN: dict[str, str] = {}


@pytest.fixture()
def url(db_url, request) -> str:
    """``db_url``, remembering the superuser URL of its PostgreSQL database (for _files)."""
    if not db_url.startswith("sqlite"):
        server = request.getfixturevalue("pg_server")
        _ADMIN[db_url] = server.admin_url_for(server.database)
    return db_url


def _signal(conn, entrance_id: str, received: date, note: str, assessment: str = "new") -> str:
    sid = str(uuid.uuid4())
    conn.execute(insert(t.signals).values(
        signal_id=sid, kind="eviction_risk", received=received, entrance_id=entrance_id,
        source="canary", external_ref=sid, note=note, credibility=2, match_quality="exact",
        synthetic=True, assessment=assessment, created_at=datetime.now(UTC)))
    return sid


def test_purge__canary_gone_from_the_database_files(url):
    admin = make_workspace(url, received=date(2026, 10, 1))
    e = admin.entrances()["entrance_id"].tolist()
    canary = f"CANARY-{uuid.uuid4().hex}"
    with store_engine.write_tx(admin.engine) as conn:
        _signal(conn, e[100], date(2025, 11, 1), canary)                        # old, no follow-up
        keep_recent = _signal(conn, e[101], date(2026, 9, 1), "recent")           # within 6 months
        keep_followed = _signal(conn, e[102], date(2025, 10, 1), "followed", "in_target_group")
    assert canary.encode() in _files(url)
    if not url.startswith("sqlite"):  # what autovacuum does whenever it likes: ANALYZE every table
        from tests.store.pgserver import _connect

        with _connect(_ADMIN[url]) as conn:
            conn.execute("ANALYZE")
    dry = admin.purge(as_of=AS_OF, dry_run=True)
    assert dry["signals"] == 1
    assert canary.encode() in _files(url)  # a dry run deletes nothing
    counts = admin.purge(as_of=AS_OF)
    assert counts["signals"] == 1
    planner = admin.as_user(role_user("planner"))
    left = set(planner.signals(purpose="test")["signal_id"])
    assert {keep_recent, keep_followed} <= left
    store_engine.dispose_engines()
    assert canary.encode() not in _files(url)
    log = admin.audit_list(action="retention.purge")
    assert len(log) == 2  # the dry run and the purge are both logged


def test_purge__outcome_keeps_its_signal_until_the_outcome_expires(db_url, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2027, 2, 1))  # a purge date is never after today
    admin = make_workspace(db_url, n_signals=0)
    e = admin.entrances()["entrance_id"].iloc[0]
    with store_engine.write_tx(admin.engine) as conn:
        sid = _signal(conn, e, date(2025, 12, 1), "old")
    lead = admin.as_user(role_user("team_lead"))
    lead.record_outcome(e, "not_home", visited_at=datetime(2026, 1, 10, 10, tzinfo=UTC))
    assert admin.purge(as_of=AS_OF)["signals"] == 0  # followed up by a visit
    assert admin.purge(as_of=date(2027, 2, 1))["outcomes"] == 1  # the visit expires after 12 months
    assert admin.purge(as_of=date(2027, 2, 1))["signals"] == 1
    assert sid not in set(admin.as_user(role_user("planner")).signals(purpose="t")["signal_id"])


def test_purge__old_audit_entries_and_rejected_rows(db_url):
    admin = make_workspace(db_url, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        conn.execute(insert(t.audit_log).values(at=datetime(2025, 1, 1, tzinfo=UTC), user_name="x",
                                                role="planner", action="signals.read", object="old", purpose="p"))
        batch = conn.execute(text("SELECT batch_id FROM import_batches")).scalar()
        conn.execute(insert(t.rejected_rows).values(batch_id=batch, row=2, field="f", value="v", reason="date_missing",
                                                    message="m", raw="", created_at=datetime(2026, 9, 1, tzinfo=UTC)))
    counts = admin.purge(as_of=AS_OF)
    assert counts["audit_log"] == 1 and counts["rejected_rows"] == 1
    assert "old" not in set(admin.audit_list()["object"])


def test_settings__retention_period_is_configurable(db_url):
    admin = make_workspace(db_url, received=date(2026, 8, 1))
    assert admin.purge(as_of=AS_OF, dry_run=True)["signals"] == 0
    admin.set_setting("retention_signals_days", 60)
    assert admin.settings()["retention_signals_days"] == 60
    assert admin.purge(as_of=AS_OF, dry_run=True)["signals"] == 30

"""Many writers at once: no lost outcome, no double assignment; a failed audit write fails the read."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from detection.errors import Conflict
from detection.repository import Repository
from detection.store import engine as store_engine
from tests.detection.conftest import make_workspace, role_user

#: concurrent writers per backend (issue 3: 8 on SQLite, 16 on PostGIS)
WRITERS_BY_BACKEND = {"sqlite": 8, "postgresql": 16}
PER_WRITER = 200
RACES = 1000


def _writer(url: str, user: str, entrance_ids: list[str], n: int) -> None:
    repo = Repository.open(url, user, migrate=False)
    for i in range(n):
        repo.record_outcome(entrance_ids[i % len(entrance_ids)], "not_home",
                            visited_at=datetime(2026, 11, 2, 10, tzinfo=UTC), note=f"{user}-{i}")


def _racer(url: str, user: str, entrance_id: str, barrier, results) -> None:
    repo = Repository.open(url, user, migrate=False)
    wins = 0
    for round_ in range(RACES):
        barrier.wait()
        try:
            repo.assign_entrance(entrance_id, [role_user("field_worker")], expected_version=round_)
            wins += 1
        except Conflict:
            pass
        barrier.wait()
    results.put((user, wins))


def _writers(url: str) -> int:
    return WRITERS_BY_BACKEND["sqlite" if url.startswith("sqlite") else "postgresql"]


@pytest.fixture()
def shared(db_url) -> tuple[str, Repository]:
    url = db_url
    admin = make_workspace(url, n_signals=0)
    for i in range(_writers(url)):
        admin.upsert_user(f"fw{i}", role="field_worker", password="pw")
    admin.upsert_user("lead2", role="team_lead", password="pw")
    store_engine.dispose_engines()
    return url, admin


def test_outcomes__8_or_16_writers_x_200_lose_nothing(shared):
    url, admin = shared
    writers = _writers(url)
    entr = admin.entrances()["entrance_id"].iloc[:writers].tolist()
    lead = admin.as_user(role_user("team_lead"))
    for i, e in enumerate(entr):
        lead.assign_entrance(e, [f"fw{i}"], expected_version=0)
    store_engine.dispose_engines()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, f"fw{i}", [entr[i]], PER_WRITER)) for i in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * writers
    with admin.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outcomes")).scalar() == writers * PER_WRITER
        assert conn.execute(text("SELECT count(DISTINCT note) FROM outcomes")).scalar() == writers * PER_WRITER
        if url.startswith("sqlite"):
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_assignments__2_leads_racing_1000_times_exactly_one_wins_each_time(shared):
    url, admin = shared
    e = admin.entrances()["entrance_id"].iloc[0]
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [ctx.Process(target=_racer, args=(url, u, e, barrier, results))
             for u in (role_user("team_lead"), "lead2")]
    for p in procs:
        p.start()
    got = dict(results.get(timeout=600) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert sum(got.values()) == RACES  # every round exactly one winner, never two
    version = admin.as_user("lead2").assignments().set_index("entrance_id").loc[e, "version"]
    assert version == RACES


def test_audit__when_the_audit_write_fails_the_read_fails(db_url):
    admin = make_workspace(db_url)
    planner = admin.as_user(role_user("planner"))
    with admin.engine.begin() as conn:
        if db_url.startswith("sqlite"):
            conn.execute(text("CREATE TRIGGER audit_broken BEFORE INSERT ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END"))
        else:
            conn.execute(text("CREATE FUNCTION audit_broken() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$"))
            conn.execute(text("CREATE TRIGGER audit_broken BEFORE INSERT ON audit_log "
                              "FOR EACH ROW EXECUTE FUNCTION audit_broken()"))
    with pytest.raises(Exception, match="audit store unavailable"):
        planner.signals(purpose="look")
    lead = admin.as_user(role_user("team_lead"))
    e = admin.entrances()["entrance_id"].iloc[0]
    with pytest.raises(Exception, match="audit store unavailable"):
        lead.record_outcome(e, "not_home", visited_at=datetime(2026, 11, 2, tzinfo=UTC))
    with admin.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outcomes")).scalar() == 0  # rolled back

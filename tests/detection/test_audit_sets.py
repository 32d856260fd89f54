"""Audit subject sets (issue 18, migration 0015), on SQLite and PostGIS: a map view's
addresses stored as one compressed set give the same access-request answer as one row per
address did, cost kilobytes instead of hundreds of kilobytes, stay append-only and leave
with their entry at the retention purge."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import exc, func, insert, select, text

from detection import clock
from detection.cli.main import main
from detection.store import engine as store_engine
from detection.store import idsets
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user
from tests.detection.test_retention import url  # noqa: F401 - url is a fixture

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- the encoding


@pytest.mark.parametrize("numbers", [
    [1], [1, 2, 3], [127, 128, 129, 16_383, 16_384, 2_097_151, 2_097_152],
    [5, 2**28 - 1, 2**28, 2**35 + 7], list(range(1, 100_001)),
])
def test_encode_decode__round_trip(numbers):
    arr = np.array(numbers, dtype=np.int64)
    assert np.array_equal(idsets.decode(idsets.encode(arr)), arr)


def test_encode_decode__random_sets_round_trip():
    rng = np.random.default_rng(18)
    for size in (51, 1_000, 28_717):
        arr = np.sort(rng.choice(np.arange(1, 200_000), size=size, replace=False))
        assert np.array_equal(idsets.decode(idsets.encode(arr)), arr)


def test_encode__refuses_unsorted_or_zero():
    for bad in ([2, 1], [1, 1], [0, 3]):
        with pytest.raises(ValueError):
            idsets.encode(np.array(bad))
    with pytest.raises(ValueError, match="unknown"):
        idsets.decode(idsets.encode(np.array([1])), "other")


# --------------------------------------------------------------------------- same answer


@pytest.fixture()
def two_urls(url, request, tmp_path):  # noqa: F811 - the fixture imported above
    """Two empty databases on the same backend: one audited the old way, one the new."""
    if url.startswith("sqlite"):
        return url, f"sqlite:///{tmp_path / 'w2.sqlite'}"
    return url, str(request.getfixturevalue("pg_schema")())


class _Clock:
    """A clock that ticks one second per call, from T0: the same views at the same times."""

    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def _views_and_answers(db: str, monkeypatch, *, old_way: bool, capsys) -> dict:
    admin = make_workspace(db, n_signals=30)
    ids = sorted(admin.entrances()["entrance_id"])
    assert len(ids) > 3 * idsets.SET_MIN, len(ids)
    planner = admin.as_user(role_user("planner"))
    lead = admin.as_user(role_user("team_lead"))
    with monkeypatch.context() as m:
        m.setattr(clock, "now_utc", _Clock())
        m.setattr(idsets, "SET_MIN", 10**9 if old_way else idsets.SET_MIN)
        # a Kort-sized view of every address, some single-address reads, views just at and
        # above the threshold, half the register, a read of the signals (30 addresses)
        planner.log_view(entrance_ids=ids, what=f"Kort: {len(ids)} addresses", purpose="map")
        planner.address_history(ids[5])
        lead.log_view(entrance_ids=[ids[7]], what="door", purpose="field visit")
        planner.log_view(entrance_ids=ids[:50], what="50", purpose="map")
        planner.log_view(entrance_ids=ids[:51], what="51", purpose="map")
        planner.signals(purpose="ranking")
        lead.log_view(entrance_ids=ids[::2], what="half", purpose="team map")
        planner.log_view(entrance_ids=ids + [ids[0]], what="again", purpose="map")
        planner.address_history(ids[-1])
        chosen = [ids[0], ids[1], ids[5], ids[7], ids[50], ids[51], ids[len(ids) // 2], ids[-1]]
        answers = {}
        for eid in chosen:
            df = admin.audit_export_entrance(eid)
            capsys.readouterr()
            assert main(["--db", db, "--user", admin.actor.name, "--json", "audit", "export",
                         "--entrance", eid]) == 0
            cli = json.loads(capsys.readouterr().out)
            uses = admin.subject_export(eid)["uses"]
            answers[eid] = (df, cli, uses)
    with store_engine.read_tx(admin.engine) as conn:
        sets = conn.execute(select(func.count()).select_from(t.audit_subject_sets)).scalar_one()
    answers["sets"] = sets
    return answers


def test_access_answer__the_same_per_row_and_as_sets(two_urls, monkeypatch, capsys):
    old_db, new_db = two_urls
    old = _views_and_answers(old_db, monkeypatch, old_way=True, capsys=capsys)
    new = _views_and_answers(new_db, monkeypatch, old_way=False, capsys=capsys)
    assert old.pop("sets") == 0 and new.pop("sets") == 4  # all, 51, half, again
    assert old.keys() == new.keys()
    for eid in old:
        (df_old, cli_old, uses_old), (df_new, cli_new, uses_new) = old[eid], new[eid]
        pd.testing.assert_frame_equal(df_old, df_new)
        assert cli_old == cli_new
        assert uses_old == uses_new
        assert len(df_new) >= 2, eid  # "all" and "again" showed every address
    views = lambda d, eid: list(d[eid][0]["action"])  # noqa: E731
    first = list(old)[0]
    assert views(new, first).count("signals.view") == 5  # all, 50, 51, half, again


# --------------------------------------------------------------------------- bytes


def _row_bytes(conn, audit_id: int) -> int:
    """The bytes of one entry's rows: the log row, its subject rows or its set."""
    a, sj, ss = t.audit_log, t.audit_subjects, t.audit_subject_sets
    log = conn.execute(select(a).where(a.c.id == audit_id)).one()
    size = 8 + sum(len(str(v)) for v in log[1:])
    size += sum(8 + len(e) for e in conn.execute(select(sj.c.entrance_id).where(sj.c.audit_id == audit_id)).scalars())
    row = conn.execute(select(ss.c.encoding, ss.c.data).where(ss.c.audit_id == audit_id)).first()
    if row is not None:
        size += 8 * 4 + len(row.encoding) + len(row.data)
    return size


def test_a_view_of_5000_addresses_adds_less_than_50_kb(db_url, monkeypatch):
    admin = make_workspace(db_url, n_signals=0)
    planner = admin.as_user(role_user("planner"))
    ids = [str(uuid.uuid4()) for _ in range(5_000)]  # DAR ids: random UUIDs
    sizes = {}
    for way, set_min in (("old", 10**9), ("first", idsets.SET_MIN), ("new", idsets.SET_MIN)):
        monkeypatch.setattr(idsets, "SET_MIN", set_min)
        planner.log_view(entrance_ids=ids, what="Kort", purpose="map")
        with store_engine.read_tx(admin.engine) as conn:
            sizes[way] = _row_bytes(conn, conn.execute(select(func.max(t.audit_log.c.id))).scalar_one())
    assert sizes["old"] > 200_000, sizes          # 5,000 rows of 36 + 8 bytes
    assert sizes["new"] < 50_000, sizes           # one row; the numbers are dense: far less
    with store_engine.read_tx(admin.engine) as conn:
        numbered = conn.execute(select(func.count()).select_from(t.audit_entrance_numbers)).scalar_one()
        if store_engine.is_postgres(conn):  # what PostgreSQL stores: the row as it is on disk
            on_disk = conn.execute(text("SELECT max(pg_column_size(s.*)) FROM audit_subject_sets s")).scalar_one()
            assert on_disk < 50_000
    assert numbered == 5_000  # numbered once, on the first view; the second view adds none


def test_a_sparse_view_of_a_city_stays_under_50_kb(db_url):
    """28,717 addresses spread over 150,000 numbers, as a city's Kort view: the encoding's bound."""
    rng = np.random.default_rng(4)
    numbers = np.sort(rng.choice(np.arange(1, 150_001), size=28_717, replace=False))
    assert len(idsets.encode(numbers)) < 20_000


# --------------------------------------------------------------------------- purge, append-only


def _entry_with_set(conn, when: datetime, ids: list[str]) -> int:
    aid = conn.execute(insert(t.audit_log).values(
        at=when, user_name="u_planner", role="planner", action="signals.view", object="Kort",
        purpose="map").returning(t.audit_log.c.id)).scalar_one()
    conn.execute(insert(t.audit_subject_sets).values(idsets.set_row(aid, idsets.numbers_for(conn, ids))))
    return aid


def test_purge__removes_old_sets_with_their_entries_and_keeps_the_numbers(url, monkeypatch):  # noqa: F811
    admin = make_workspace(url, n_signals=0)
    ids = sorted(admin.entrances()["entrance_id"])[:120]
    today = clock.today()
    old_at = datetime(today.year - 2, today.month, 1, 12, tzinfo=UTC)
    with store_engine.write_tx(admin.engine) as conn:
        old = _entry_with_set(conn, old_at, ids)
        new = _entry_with_set(conn, clock.now_utc() - timedelta(days=1), ids[60:])
    assert len(admin.audit_export_entrance(ids[0])) == 1 + 0  # the old view (then this request)
    res = admin.purge(as_of=today)
    assert res["audit_subject_sets"] == 1 and res["audit_log"] >= 1
    with store_engine.read_tx(admin.engine) as conn:
        kept = set(conn.execute(select(t.audit_subject_sets.c.audit_id)).scalars())
        numbered = conn.execute(select(func.count()).select_from(t.audit_entrance_numbers)).scalar_one()
    assert old not in kept and new in kept
    assert numbered == 120
    gone = admin.audit_export_entrance(ids[0])
    assert list(gone["action"]) == ["audit.export"]  # the first request; the view is gone
    assert list(admin.audit_export_entrance(ids[100])["action"]) == ["signals.view"]


def test_sqlite__sets_and_numbers_are_append_only(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    admin = make_workspace(db, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        _entry_with_set(conn, clock.now_utc(), [f"e{i}" for i in range(60)])
    for sql in ("UPDATE audit_subject_sets SET lo = 0", "DELETE FROM audit_subject_sets",
                "UPDATE audit_entrance_numbers SET entrance_id = 'x'", "DELETE FROM audit_entrance_numbers"):
        with pytest.raises(exc.DBAPIError, match="append-only"):
            with store_engine.write_tx(admin.engine) as conn:
                conn.execute(text(sql))
    with store_engine.write_tx(admin.engine) as conn:  # the purge gate opens the sets, not the numbers
        conn.execute(text("UPDATE audit_purge_gate SET allow = 1"))
        with pytest.raises(exc.DBAPIError, match="append-only"):
            with conn.begin_nested():
                conn.execute(text("DELETE FROM audit_entrance_numbers"))
        conn.execute(text("UPDATE audit_purge_gate SET allow = 0"))


def test_postgres__app_role_and_owner_may_not_change_sets_or_numbers(pg_url):
    app, owner = store_engine.get_engine(pg_url.app), store_engine.get_engine(pg_url.owner)
    with store_engine.write_tx(app) as conn:  # the app role appends
        _entry_with_set(conn, datetime.now(UTC), [str(uuid.uuid4()) for _ in range(60)])
    for sql in ("UPDATE audit_subject_sets SET lo = 0", "DELETE FROM audit_subject_sets",
                "UPDATE audit_entrance_numbers SET entrance_id = 'x'", "DELETE FROM audit_entrance_numbers",
                "TRUNCATE audit_subject_sets"):
        with app.connect() as conn, pytest.raises(exc.ProgrammingError, match="permission denied"):
            conn.execute(text(sql))
    for sql in ("UPDATE audit_subject_sets SET lo = 0", "TRUNCATE audit_subject_sets, audit_entrance_numbers",
                "UPDATE audit_entrance_numbers SET entrance_id = entrance_id",
                "DELETE FROM audit_entrance_numbers"):
        with pytest.raises(exc.DBAPIError, match="append-only"):
            with store_engine.write_tx(owner) as conn:
                conn.execute(text(sql))

"""The retention purge's life cycle (issue 13, "Retention that does not happen").

- Every table of the schema is classified in one registry: a retention rule, personal data
  kept until something else ends it, or no personal data; each rule deletes exactly the
  rows past their period (an old and a new row per rule, on SQLite and PostGIS).
- A purge date after today is refused; the audit log is purged only by its own period,
  never below the minimum, never up to the purge's own entry, which records the dates and
  counts.
- The purge runs as the app role on PostgreSQL (SECURITY DEFINER functions, no owner URL);
  the app role can not make the database cut the audit log shorter, nor rewrite other tables.
- Bytes that could not be reclaimed yet (a reader holding a snapshot, a table lock) are
  reported (exit code 4, ``reclaimed: false``, ``pending``) and the next purge finishes it.
- ``python -m detection.store.postgres app-role`` without CREATEROLE: one line, exit 1.

No test waits for time: the readers and locks are held for as long as the test needs them
and compaction's wait is set to nothing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import shapely
from sqlalchemy import exc, func, insert, select, text

from detection import clock
from detection.cli.main import PURGE_PENDING_EXIT, main
from detection.errors import InputError
from detection.repository.base import DEFAULT_SETTINGS
from detection.repository.routes import new_plan_id
from detection.store import engine as store_engine
from detection.store import idsets, maintenance, postgres, retention
from detection.store import schema as t
from tests.detection.conftest import make_workspace
from tests.detection.test_retention import _ADMIN, _files

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 1)
OLD = datetime(2024, 1, 10, 12, tzinfo=UTC)   # before every period as of AS_OF (the longest is 730 days)
NEW = datetime(2026, 10, 25, 12, tzinfo=UTC)  # within every period as of AS_OF (the shortest is 30 days)


def _cli(*argv: str) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    text_out = out.getvalue().strip()
    return code, json.loads(text_out) if text_out else {}


@pytest.fixture()
def url(db_url, request) -> str:
    if not db_url.startswith("sqlite"):
        server = request.getfixturevalue("pg_server")
        _ADMIN[db_url] = server.admin_url_for(server.database)
    return db_url


# --------------------------------------------------------------------------- the registry


def test_registry__every_table_is_classified():
    tables = set(t.metadata.tables)
    missing = sorted(tables - set(retention.RETENTION))
    assert not missing, f"tables with no retention rule and no classification: {missing}"
    assert not sorted(set(retention.RETENTION) - tables), "the registry names tables the schema lacks"
    for name, rule in retention.RETENTION.items():
        if isinstance(rule, retention.Rule):
            assert rule.setting in DEFAULT_SETTINGS, (name, rule.setting)
            assert rule.rule.strip(), name
        else:
            assert isinstance(rule, retention.Kept | retention.NoPersonalData), name
            assert len(rule.reason.strip()) > 10, f"{name}: say why"
    assert retention.settings_used() <= set(DEFAULT_SETTINGS)
    assert DEFAULT_SETTINGS["retention_audit_days"] >= retention.MIN_AUDIT_DAYS


def _migration(name: str):
    path = ROOT / f"detection/store/migrations/versions/{name}.py"
    spec = importlib.util.spec_from_file_location(f"m{name[:4]}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_registry__the_database_may_rewrite_every_purged_table():
    # opspor_compact's whitelist: 0014's, replaced by 0015 (the audit subject sets), then by
    # 0016 (the route check-ins and check-outs), then by 0018 (courses and their meetings)
    latest = _migration("0018_courses")
    assert set(retention.COMPACTED) <= set(latest.COMPACTED)
    assert set(latest.COMPACTED_0016) == set(_migration("0016_route_checks").COMPACTED)
    assert set(_migration("0016_route_checks").COMPACTED_0015) == set(_migration("0015_audit_subject_sets").COMPACTED)
    assert set(_migration("0015_audit_subject_sets").COMPACTED_0014) == set(
        _migration("0014_retention_functions").COMPACTED)
    assert _migration("0014_retention_functions").MIN_AUDIT_DAYS == retention.MIN_AUDIT_DAYS


def test_registry__every_retention_setting_has_words_in_both_languages():
    from ui.i18n import TEXTS

    for key in DEFAULT_SETTINGS:
        assert key in TEXTS and TEXTS[key].get("da") and TEXTS[key].get("en"), key


# --------------------------------------------------------------------------- one test per rule
# Each maker inserts one row "as of" ``when`` for its table and returns what identifies
# it; ``ids`` lists the identifiers still there.

def _entrances(conn, n: int = 2) -> list[str]:
    return list(conn.execute(select(t.entrances.c.entrance_id).order_by(t.entrances.c.entrance_id)
                             .limit(n)).scalars())


def _batch(conn, when: datetime, tag: str) -> str:
    bid = str(uuid.uuid4())
    conn.execute(insert(t.import_batches).values(batch_id=bid, kind="signals", file_name=f"{tag}.csv",
                                                 created_at=when, created_by="u_planner", rows=1,
                                                 imported=1, rejected=0, file_sha256="ab" * 32))
    return bid


def _plan(conn, when: datetime, tag: str) -> tuple[str, str]:
    pid = new_plan_id()  # as the planner makes them: never CPR-shaped (a random 10 hex could be)
    conn.execute(insert(t.route_plans).values(plan_id=pid, area=tag, created_by="u_team_lead", created_at=when,
                                              params="{}", method="prize", engine="test", start_x=0.0,
                                              start_y=0.0))
    rid = f"{pid}-1-1"
    conn.execute(insert(t.routes).values(route_id=rid, plan_id=pid, team=1, day=when.date(), start_at=when,
                                         end_at=when + timedelta(hours=1)))
    return pid, rid


def _make_signals(conn, when, tag):
    sid = str(uuid.uuid4())
    e = _entrances(conn, 40)[-1 if tag == "old" else -2]
    conn.execute(insert(t.signals).values(
        signal_id=sid, kind="eviction_risk", received=when.date(), entrance_id=e, source="test",
        external_ref=sid, note=tag, credibility=2, match_quality="exact", synthetic=True,
        assessment="new", created_at=when))
    return sid


def _make_outcomes(conn, when, tag):
    oid = str(uuid.uuid4())
    conn.execute(insert(t.outcomes).values(outcome_id=oid, entrance_id=_entrances(conn)[0], outcome="not_home",
                                           visited_at=when, recorded_by="u_field_worker", recorded_at=when,
                                           note=tag))
    return oid


def _make_door_decisions(conn, when, tag):
    conn.execute(insert(t.door_decisions).values(entrance_id=_entrances(conn)[0], decision="clear_unsafe",
                                                 decided_by="u_team_lead", decided_at=when, note=tag))
    return tag


def _make_rejected_rows(conn, when, tag):
    bid = _batch(conn, NEW, f"batch-{tag}")  # a recent batch: only the row's own age counts
    conn.execute(insert(t.rejected_rows).values(batch_id=bid, row=2, field="date", value=tag,
                                                reason="date_missing", message="m", raw="", created_at=when))
    return tag


def _make_import_batches(conn, when, tag):
    return _batch(conn, when, tag)


def _make_register_problems(conn, when, tag):
    bid = _batch(conn, when, tag)
    conn.execute(insert(t.register_problems).values(batch_id=bid, file="dar.csv", row=3, field="x", value=tag,
                                                    reason="bad_coordinates", message="m", kept=False))
    return tag


def _make_route_plans(conn, when, tag):
    return _plan(conn, when, tag)[0]


def _make_routes(conn, when, tag):
    return _plan(conn, when, tag)[1]


def _make_route_stops(conn, when, tag):
    _pid, rid = _plan(conn, when, tag)
    conn.execute(insert(t.route_stops).values(route_id=rid, seq=1, entrance_id=_entrances(conn)[0],
                                              task="visit", arrive=when))
    return rid


def _make_route_checks(conn, when, tag):
    _pid, rid = _plan(conn, when, tag)
    conn.execute(insert(t.route_checks).values(route_id=rid, kind="in", user_name="u_field_worker", at=when))
    return rid


def _course(conn, when, tag) -> str:
    """A course handed over on ``when``'s day (an ended course follows the retention rule)."""
    cid = str(uuid.uuid4())
    day = when.date()
    conn.execute(insert(t.courses).values(
        course_id=cid, entrance_id=_entrances(conn)[0], origin="door", owner="u_field_worker", stage="handed_over",
        started_on=day - timedelta(days=60), relationship_on=day - timedelta(days=40),
        bridging_on=day - timedelta(days=20), handed_over_on=day, target="cti", created_by="u_field_worker",
        created_at=when, updated_at=when))
    return cid


def _make_courses(conn, when, tag):
    return _course(conn, when, tag)


def _make_course_meetings(conn, when, tag):
    cid = _course(conn, when, tag)
    mid = str(uuid.uuid4())
    conn.execute(insert(t.course_meetings).values(meeting_id=mid, course_id=cid, met_on=when.date() - timedelta(days=30),
                                                  kind="home_visit", minutes=45, recorded_by="u_field_worker",
                                                  recorded_at=when))
    return mid


def _make_assignments(conn, when, tag):
    e = _entrances(conn)[0 if tag == "old" else 1]
    conn.execute(insert(t.assignments).values(entrance_id=e, team="u_field_worker", assigned_by="u_team_lead",
                                              assigned_at=when, version=1))
    return e


def _make_focus_areas(conn, when, tag):
    fid = str(uuid.uuid4())
    conn.execute(insert(t.focus_areas).values(
        focus_id=fid, name=f"focus {tag}", origin="drawn",
        geometry_wkb=shapely.to_wkb(shapely.box(0, 0, 100, 100)), created_by="u_planner", created_at=when))
    return fid


def _make_partner_contacts(conn, when, tag):
    pid = str(uuid.uuid4())
    conn.execute(insert(t.partners).values(partner_id=pid, name=f"Partner {tag}", kind="housing_association"))
    cid = str(uuid.uuid4())
    conn.execute(insert(t.partner_contacts).values(
        contact_id=cid, partner_id=pid, contact_date=when.date(), channel="phone", who="a caretaker",
        summary=tag, created_by="u_planner", created_at=when))
    return cid


def _make_audit_log(conn, when, tag):
    conn.execute(insert(t.audit_log).values(at=when, user_name="u_planner", role="planner",
                                            action="signals.read", object=tag, purpose="p"))
    return tag


def _make_audit_subjects(conn, when, tag):
    aid = conn.execute(insert(t.audit_log).values(
        at=when, user_name="u_planner", role="planner", action="signals.read", object=tag,
        purpose="p").returning(t.audit_log.c.id)).scalar_one()
    conn.execute(insert(t.audit_subjects).values(audit_id=aid, entrance_id=f"subject-{tag}"))
    return f"subject-{tag}"


def _make_audit_subject_sets(conn, when, tag):
    aid = conn.execute(insert(t.audit_log).values(
        at=when, user_name="u_planner", role="planner", action="signals.view", object=tag,
        purpose="p").returning(t.audit_log.c.id)).scalar_one()
    ids = [f"set-{tag}-{i}" for i in range(idsets.SET_MIN + 10)]
    conn.execute(insert(t.audit_subject_sets).values(idsets.set_row(aid, idsets.numbers_for(conn, ids))))
    return aid


def _make_sign_in_failures(conn, when, tag):
    conn.execute(insert(t.sign_in_failures).values(subject=f"name:{tag}", failures=3, last_failed_at=when,
                                                   locked=False))
    return f"name:{tag}"


def _make_users(conn, when, tag):
    conn.execute(insert(t.users).values(name=f"gone_{tag}", role="planner", password_hash=None, disabled=True,
                                        created_at=when))
    return f"gone_{tag}"


_ID_COLUMN = {
    "signals": t.signals.c.signal_id, "outcomes": t.outcomes.c.outcome_id, "door_decisions": t.door_decisions.c.note,
    "rejected_rows": t.rejected_rows.c.value, "import_batches": t.import_batches.c.batch_id,
    "register_problems": t.register_problems.c.value, "route_plans": t.route_plans.c.plan_id,
    "routes": t.routes.c.route_id, "route_stops": t.route_stops.c.route_id,
    "route_checks": t.route_checks.c.route_id,
    "courses": t.courses.c.course_id, "course_meetings": t.course_meetings.c.meeting_id,
    "assignments": t.assignments.c.entrance_id, "focus_areas": t.focus_areas.c.focus_id,
    "partner_contacts": t.partner_contacts.c.contact_id, "audit_log": t.audit_log.c.object,
    "audit_subjects": t.audit_subjects.c.entrance_id,
    "audit_subject_sets": t.audit_subject_sets.c.audit_id, "sign_in_failures": t.sign_in_failures.c.subject,
    "users": t.users.c.name,
}
MAKERS: dict[str, Callable] = {name: globals()[f"_make_{name}"] for name in _ID_COLUMN}


def test_every_rule_has_an_old_and_new_row_test():
    assert set(MAKERS) == set(retention.PURGED)


@pytest.mark.parametrize("table", retention.PURGED)
def test_rule__purge_deletes_the_old_row_and_keeps_the_new(url, table):
    admin = make_workspace(url, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        old, new = MAKERS[table](conn, OLD, "old"), MAKERS[table](conn, NEW, "new")
    col = _ID_COLUMN[table]

    def ids() -> set:
        with store_engine.read_tx(admin.engine) as conn:
            return set(conn.execute(select(col).where(col.in_([old, new]))).scalars())

    assert ids() == {old, new}
    assert admin.purge(as_of=AS_OF, dry_run=True)[table] == 1
    assert ids() == {old, new}  # a dry run deletes nothing
    res = admin.purge(as_of=AS_OF)
    assert res[table] == 1, dict(res)
    assert ids() == {new}, f"{table}: {retention.RETENTION[table]}"


def test_import_batch__its_signals_stay_without_it(url):
    admin = make_workspace(url, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        bid = _batch(conn, OLD, "old")
        sid = _make_signals(conn, NEW, "new")
        conn.execute(t.signals.update().where(t.signals.c.signal_id == sid).values(batch_id=bid))
    res = admin.purge(as_of=AS_OF)
    assert res["import_batches"] == 1 and res["signals"] == 0
    with store_engine.read_tx(admin.engine) as conn:
        assert conn.execute(select(t.signals.c.batch_id).where(t.signals.c.signal_id == sid)).one() == (None,)


def test_sign_in_failures__a_locked_name_stays_until_unlocked(url):
    admin = make_workspace(url, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        conn.execute(insert(t.sign_in_failures).values(subject="name:locked", failures=10, last_failed_at=OLD,
                                                       locked=True))
    assert admin.purge(as_of=AS_OF)["sign_in_failures"] == 0
    with store_engine.read_tx(admin.engine) as conn:
        assert conn.execute(select(t.sign_in_failures.c.subject)).scalars().all() == ["name:locked"]


def test_users__a_disabled_user_stays_while_the_audit_log_names_them(url):
    admin = make_workspace(url, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        _make_users(conn, OLD, "recent_work")
        conn.execute(insert(t.audit_log).values(at=NEW, user_name="gone_recent_work", role="planner",
                                                action="signals.read", object="x", purpose="p"))
    assert admin.purge(as_of=AS_OF)["users"] == 0
    users = {u["name"] for u in admin.list_users()}
    assert "gone_recent_work" in users and "admin" in users  # active accounts are never purged


# --------------------------------------------------------------------------- dates


def test_purge__a_date_after_today_is_refused(url):
    admin = make_workspace(url, received=date(2026, 10, 1))
    def state() -> tuple[int, int]:
        with store_engine.read_tx(admin.engine) as conn:
            return (conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one(),
                    conn.execute(select(func.count()).select_from(t.signals)).scalar_one())

    before = state()
    assert before[0] > 0 and before[1] == 30
    tomorrow = clock.today() + timedelta(days=1)
    for day in (tomorrow, date(2099, 1, 1)):
        with pytest.raises(InputError, match="after today"):
            admin.purge(as_of=day)
        with pytest.raises(InputError, match="after today"):
            admin.purge(as_of=day, dry_run=True)
    code, out = _cli("--db", url, "--json", "--as-of", "2099-01-01", "purge")
    assert code == 1 and out["error"]["code"] == "bad_input" and "after today" in out["error"]["message"]
    assert state() == before  # nothing deleted, not even logged as a purge
    assert admin.purge(as_of=clock.today())["audit_log"] == 0  # today itself is fine


def test_audit__not_erased_by_a_far_back_setting(url):
    admin = make_workspace(url, n_signals=0)
    with pytest.raises(InputError, match="at least 183"):
        admin.set_setting("retention_audit_days", 1)
    with pytest.raises(InputError, match="at least 183"):
        admin.set_setting("retention_audit_days", 0)
    admin.set_setting("retention_audit_days", 183)
    now = clock.now_utc()
    with store_engine.write_tx(admin.engine) as conn:  # as a careless script, around set_setting
        conn.execute(t.settings.update().where(t.settings.c.key == "retention_audit_days").values(value="1"))
        for days in (400, 190, 10):
            conn.execute(insert(t.audit_log).values(at=now - timedelta(days=days), user_name="u_planner",
                                                    role="planner", action="signals.read",
                                                    object=f"{days} days ago", purpose="p"))
    assert admin.settings()["retention_audit_days"] == retention.MIN_AUDIT_DAYS
    res = admin.purge(as_of=clock.today())
    assert res["audit_log"] == 2
    objects = set(admin.audit_list()["object"])
    assert "10 days ago" in objects and "400 days ago" not in objects and "190 days ago" not in objects
    entries = admin.audit_list(action="retention.purge")
    assert len(entries) == 1  # the purge's own entry is there
    assert len(admin.audit_list()) >= 3  # with everything of this workspace's last 183 days


def test_purge__entry_records_as_of_cutoffs_and_counts(url):
    admin = make_workspace(url, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        for table in ("signals", "outcomes", "audit_log", "route_stops"):
            MAKERS[table](conn, OLD, "old")
    dry = admin.purge(as_of=AS_OF, dry_run=True)
    res = admin.purge(as_of=AS_OF)
    assert dict(dry) == dict(res)
    entries = admin.audit_list(action="retention.purge").sort_values("id")
    assert list(entries["action"]) == ["retention.purge.dry_run", "retention.purge"]
    detail = json.loads(entries["object"].iloc[-1])
    assert detail["as_of"] == "2026-11-01" and detail["dry_run"] is False
    assert detail["deleted"] == dict(res)
    assert detail["deleted"]["signals"] == detail["deleted"]["outcomes"] == 1
    assert detail["deleted"]["route_plans"] == detail["deleted"]["routes"] == detail["deleted"]["route_stops"] == 1
    assert set(detail["cutoffs"]) == set(retention.PURGED)
    cut = {k: datetime.fromisoformat(v) for k, v in detail["cutoffs"].items()}
    assert cut["signals"] == clock.days_before_utc(AS_OF, 183)
    assert cut["outcomes"] == clock.days_before_utc(AS_OF, 365)
    assert cut["rejected_rows"] == clock.days_before_utc(AS_OF, 30)
    assert cut["partner_contacts"] == clock.days_before_utc(AS_OF, 730)
    assert cut["audit_log"] == clock.days_before_utc(AS_OF, 183)
    assert res.cutoffs == detail["cutoffs"] and res.as_of == AS_OF
    assert json.loads(entries["object"].iloc[0])["dry_run"] is True


def test_cli__purge_json_says_what_it_used_and_reclaimed(url):
    make_workspace(url, n_signals=0)
    code, out = _cli("--db", url, "--json", "purge", "--as-of", "2026-11-01")
    assert code == 0, out
    assert out["as_of"] == "2026-11-01" and out["reclaimed"] is True and out["pending"] == []
    assert set(out["deleted"]) == set(retention.PURGED) == set(out["cutoffs"])


def test_cli__purge_help_documents_the_exit_codes(capsys):
    assert main(["purge", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert f"{PURGE_PENDING_EXIT}  deleted, but the bytes could not be reclaimed yet" in help_text
    assert "0  done" in help_text


# --------------------------------------------------------------------------- bytes not reclaimed yet


def test_sqlite__reader_holding_a_snapshot_leaves_it_pending_and_the_next_purge_finishes(tmp_path, monkeypatch):
    monkeypatch.setattr(maintenance, "RECLAIM_WAIT_MS", 0)  # do not wait for the reader: it stays
    path = tmp_path / "w.sqlite"
    url = f"sqlite:///{path}"
    admin = make_workspace(url, n_signals=0)
    canary = f"CANARY-{uuid.uuid4().hex}"
    with store_engine.write_tx(admin.engine) as conn:
        sid = _make_signals(conn, OLD, "old")
        conn.execute(t.signals.update().where(t.signals.c.signal_id == sid).values(note=canary))
    # an idle connection kept open throughout, so that no close of the last connection
    # checkpoints the file behind the purge's back: only the purge may remove the bytes
    keeper = sqlite3.connect(path, isolation_level=None)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM signals").fetchone() == (1,)  # holds its snapshot
        code, out = _cli("--db", str(path), "--json", "purge", "--as-of", "2026-11-01")
        assert code == PURGE_PENDING_EXIT, out
        assert out["deleted"]["signals"] == 1 and out["reclaimed"] is False and "signals" in out["pending"]
        store_engine.dispose_engines()
        assert canary.encode() in _files(url)  # really still on disk: the report is no false alarm
        with sqlite3.connect(path) as other:
            assert other.execute("SELECT value FROM settings WHERE key = 'purge_pending_compaction'"
                                 ).fetchone()[0].split(",")[0] == "signals"
    finally:
        reader.execute("COMMIT")
        reader.close()
    try:
        assert canary.encode() in _files(url)  # the reader is gone, the bytes are not
        code, out = _cli("--db", str(path), "--json", "purge", "--as-of", "2026-11-01")
        assert code == 0, out
        assert not any(out["deleted"].values()), "nothing new to delete …"
        assert out["reclaimed"] is True and out["pending"] == []  # … but the compaction was done
        store_engine.dispose_engines()
        assert canary.encode() not in _files(url)
    finally:
        keeper.close()
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT count(*) FROM settings WHERE key = 'purge_pending_compaction'"
                             ).fetchone() == (0,)
    details = [json.loads(o) for o in admin.audit_list(action="retention.purge")["object"]]
    assert any(d.get("pending_before") for d in details)


def test_sqlite__vacuum_locked_by_a_writer_is_pending(tmp_path, monkeypatch):
    monkeypatch.setattr(maintenance, "RECLAIM_WAIT_MS", 0)
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    admin = make_workspace(url, n_signals=0)
    with store_engine.write_tx(admin.engine) as conn:
        _make_outcomes(conn, OLD, "old")
    real_compact = maintenance.compact

    def compact_while_written(engine, *, tables):
        writer = sqlite3.connect(tmp_path / "w.sqlite", isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")  # another process writing, holding the lock
            return real_compact(engine, tables=tables)
        finally:
            writer.execute("ROLLBACK")
            writer.close()

    monkeypatch.setattr(maintenance, "compact", compact_while_written)
    res = admin.purge(as_of=AS_OF)
    assert res["outcomes"] == 1 and res.reclaimed is False and "outcomes" in res.pending
    assert "locked" in res.reason
    monkeypatch.setattr(maintenance, "compact", real_compact)
    again = admin.purge(as_of=AS_OF)
    assert again.reclaimed is True and again.pending == []


# --------------------------------------------------------------------------- PostgreSQL: as the app role


def _pg_connect(url: str):
    from tests.store.pgserver import _connect

    return _connect(url)


def test_postgres__purge_as_the_app_role(pg_schema, pg_server, monkeypatch):
    """The README's cron line: `opspor --db <app role> --user ADMIN --json purge`."""
    db = pg_schema(migrate=True, app_role=True)
    admin = make_workspace(db.app, n_signals=0)  # built and used as the app role only
    canary = f"CANARY-{uuid.uuid4().hex}"
    made = {}
    with store_engine.write_tx(admin.engine) as conn:
        for table in retention.PURGED:
            made[table] = (MAKERS[table](conn, OLD, "old"), MAKERS[table](conn, NEW, "new"))
        conn.execute(t.signals.update().where(t.signals.c.signal_id == made["signals"][0]).values(note=canary))
        conn.execute(insert(t.audit_log).values(at=OLD, user_name="u_planner", role="planner",
                                                action="signals.read", object=canary, purpose="p"))
    _ADMIN[db.app] = pg_server.admin_url_for(pg_server.database)
    assert canary.encode() in _files(db.app)

    # a table in use: the rewrite can't get its lock; pending, exit 4
    monkeypatch.setattr(maintenance, "RECLAIM_WAIT_MS", 1)
    with _pg_connect(db.admin) as holder:
        holder.execute("BEGIN")
        holder.execute(f'LOCK TABLE "{db.schema}".signals IN ACCESS SHARE MODE')
        code, out = _cli("--db", db.app, "--user", "admin", "--json", "purge", "--as-of", "2026-11-01")
        holder.execute("ROLLBACK")
    assert code == PURGE_PENDING_EXIT, out
    assert out["reclaimed"] is False and out["pending"] == ["signals"]
    for table in retention.PURGED:
        assert out["deleted"][table] >= 1, table
    assert out["deleted"]["audit_log"] >= 2
    with store_engine.read_tx(admin.engine) as conn:
        for table in retention.PURGED:
            col = _ID_COLUMN[table]
            assert set(conn.execute(select(col).where(col.in_(made[table]))).scalars()) == {made[table][1]}, table
        assert conn.execute(select(t.audit_log.c.id).where(t.audit_log.c.object == canary)).first() is None

    # the lock is gone: the next night's purge rewrites the pending table, deleting nothing new
    code, out = _cli("--db", db.app, "--user", "admin", "--json", "purge", "--as-of", "2026-11-01")
    assert code == 0, out
    assert out["reclaimed"] is True and out["pending"] == [] and not any(out["deleted"].values())
    store_engine.dispose_engines()
    assert canary.encode() not in _files(db.app)
    details = [json.loads(o) for o in admin.audit_list(action="retention.purge")["object"]]
    assert len(details) == 2 and details[0]["pending_before"] == ["signals"]  # newest first


def test_postgres__the_app_role_can_not_shorten_the_audit_log_or_rewrite_other_tables(pg_schema, pg_server):
    db = pg_schema(migrate=True, app_role=True)
    app = store_engine.get_engine(db.app)
    now = clock.now_utc()
    with store_engine.write_tx(app) as conn:
        conn.execute(insert(t.settings).values(key="retention_audit_days", value="1"))
        for days in (400, 10, 0):
            conn.execute(insert(t.audit_log).values(at=now - timedelta(days=days), user_name="x", role="planner",
                                                    action="signals.read", object=f"{days}", purpose="p"))
    with store_engine.write_tx(app) as conn:  # straight at the function, with the widest arguments
        n, cutoff = conn.execute(text("SELECT deleted, cutoff FROM opspor_purge_audit('2099-01-01', 1)")).one()
    assert n == 1
    assert cutoff <= now - timedelta(days=retention.MIN_AUDIT_DAYS - 1)
    with store_engine.read_tx(app) as conn:
        assert sorted(conn.execute(select(t.audit_log.c.object)).scalars()) == ["0", "10"]
    with app.connect() as conn, pytest.raises(exc.DBAPIError, match="not a table the retention purge rewrites"):
        conn.execute(text("SELECT opspor_compact('entrances')"))
    # no one but the app role may call them (EXECUTE revoked from PUBLIC)
    other = pg_server.role_name("nopurge")
    postgres.ensure_gis_role(store_engine.get_engine(db.owner), other, "other-pw-1")
    other_url = pg_server.url(other, "other-pw-1", db.schema)
    try:
        for sql in ("SELECT * FROM opspor_purge_audit(current_date, 183)", "SELECT opspor_compact('signals')"):
            with store_engine.get_engine(other_url).connect() as conn, pytest.raises(exc.DBAPIError) as err:
                conn.execute(text(sql))
            assert "permission denied" in str(err.value)
    finally:
        store_engine.dispose_engine(other_url)


def test_postgres__app_role_without_createrole_says_what_to_fix(pg_schema, pg_server):
    db = pg_schema(migrate=True, app_role=True)
    weak = pg_server.role_name("weak")
    with _pg_connect(pg_server.admin_url_for(pg_server.database)) as conn:
        conn.execute(f"DROP ROLE IF EXISTS \"{weak}\"")
        conn.execute(f"CREATE ROLE \"{weak}\" LOGIN NOCREATEROLE PASSWORD 'weak-pw-1'")
        conn.execute(f'GRANT "{db.owner_role}" TO "{weak}"')  # may act as the owner, but not create roles
    weak_url = pg_server.url(weak, "weak-pw-1", db.schema)
    try:
        for argv, stdin, what in (
                (["app-role", pg_server.role_name("brand_new"), "--json"], "", "cannot create the app role"),
                (["app-role", db.app_role, "--password-stdin", "--json"], "a-new-password-1\n",
                 "cannot set the password")):
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err, \
                    _stdin(stdin):
                code = postgres.main([*argv, "--db", weak_url])
            assert code == 1, out.getvalue()
            lines = out.getvalue().strip().splitlines()
            assert len(lines) == 1
            error = json.loads(lines[0])["error"]
            assert error["code"] == "database_role" and what in error["message"]
            assert "CREATEROLE" in error["message"] and weak in error["message"]
            assert "SCRAM" not in out.getvalue() + err.getvalue()  # no SQL, no verifier
            assert "Traceback" not in err.getvalue() and len(err.getvalue().strip().splitlines()) == 1
    finally:
        store_engine.dispose_engine(weak_url)


@contextlib.contextmanager
def _stdin(data: str):
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(data)
    try:
        yield
    finally:
        sys.stdin = saved


def test_postgres__app_role_grants_what_the_purge_needs_and_takes_the_functions_from_public(pg_schema):
    db = pg_schema(migrate=True, app_role=True)
    owner = store_engine.get_engine(db.owner)
    with owner.begin() as conn:  # as a pg_restore --no-privileges leaves them
        for sig in postgres.PURGE_FUNCTIONS:
            conn.exec_driver_sql(f'GRANT EXECUTE ON FUNCTION "{db.schema}".{sig} TO PUBLIC')
    postgres.ensure_app_role(owner, db.app_role)
    with owner.connect() as conn:
        privs = postgres.role_privileges(conn, db.app_role)
        for table in retention.PURGED:
            if table not in store_engine.AUDIT_TABLES:
                assert "DELETE" in privs[table], table
        for sig in postgres.PURGE_FUNCTIONS:
            fn = f'"{db.schema}".{sig}'
            assert conn.execute(text("SELECT has_function_privilege(:r, :f, 'EXECUTE')"),
                                {"r": db.app_role, "f": fn}).scalar_one(), sig
            public = conn.execute(text(
                "SELECT bool_or(a.grantee = 0) FROM pg_proc p, aclexplode(p.proacl) a "
                "WHERE p.oid = to_regprocedure(:f)"), {"f": fn}).scalar_one()
            assert not public, f"{sig}: EXECUTE still granted to PUBLIC"
            definer, config, owner_name = conn.execute(text(
                "SELECT prosecdef, proconfig, pg_get_userbyid(proowner) FROM pg_proc "
                "WHERE oid = to_regprocedure(:f)"), {"f": fn}).one()
            assert definer and owner_name == db.owner_role
            assert any(c.startswith("search_path=") and db.schema in c for c in config), config

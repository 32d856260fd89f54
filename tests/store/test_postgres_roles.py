"""PostgreSQL roles: the app role is not the owner, can't touch audit rows, runs no DDL."""

from __future__ import annotations

import base64
import contextlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import exc, insert, select, text

from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import postgres
from detection.store import schema as t
from tests.store.helpers import ddl_in, sqlstate, statements

DML = {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_app_role__privileges_per_table(pg_url):
    with store_engine.get_engine(pg_url.owner).connect() as conn:
        privs = postgres.role_privileges(conn, pg_url.app_role)
        tables = {name for (name,) in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = current_user"))}
    assert set(t.metadata.tables) <= tables
    for name in tables:
        expected = {"audit_log": {"SELECT", "INSERT"}, "audit_subjects": {"SELECT", "INSERT"},
                    "audit_subject_sets": {"SELECT", "INSERT"},
                    "audit_entrance_numbers": {"SELECT", "INSERT"},
                    "alembic_version": {"SELECT"}}.get(name, DML)
        assert privs.get(name) == expected, name
    assert privs["v_area_dwellings"] == {"SELECT"}
    assert not any("TRUNCATE" in p for p in privs.values())


def test_app_role__may_not_create_tables(pg_url):
    with store_engine.get_engine(pg_url.app).connect() as conn:
        with pytest.raises(exc.ProgrammingError) as err:
            conn.execute(text("CREATE TABLE intruder (id int)"))
    assert sqlstate(err.value) == "42501"


def test_app_role__reads_and_appends_audit_but_cannot_change_or_delete_it(pg_url):
    repo = Repository.open(pg_url.app, None)  # as the app role; makes `admin` if missing
    repo.add_user(f"auditee_{datetime.now(UTC):%H%M%S%f}", role="planner", password="pw-12345-long-enough")
    log = repo.audit_entries()
    assert len(log) >= 1 and log.iloc[-1]["action"] == "users.add"
    eng = store_engine.get_engine(pg_url.app)
    for sql in ("UPDATE audit_log SET purpose = 'rewritten'",
                "DELETE FROM audit_log",
                "DELETE FROM audit_subjects",
                "UPDATE audit_subjects SET entrance_id = 'x'",
                "TRUNCATE audit_log"):
        with eng.connect() as conn, pytest.raises(exc.ProgrammingError) as err:
            conn.execute(text(sql))
        assert sqlstate(err.value) == "42501", sql  # insufficient_privilege
        assert "permission denied" in str(err.value)
    assert len(repo.audit_entries()) == len(log)


def test_owner__cannot_update_audit_rows_either(pg_url):
    Repository.open(pg_url.app, None).add_user("auditee_owner", role="analyst", password="pw-12345-long-enough")
    eng = store_engine.get_engine(pg_url.owner)
    for sql in ("UPDATE audit_log SET purpose = 'rewritten'",
                "TRUNCATE audit_log, audit_subjects, audit_subject_sets"):
        with pytest.raises(exc.DBAPIError, match="append-only"):
            with store_engine.write_tx(eng) as conn:
                conn.execute(text(sql))


def test_app_role__open_at_head_runs_no_ddl(pg_url):
    eng = store_engine.get_engine(pg_url.app)
    with statements(eng) as sql:
        repo = Repository.open(pg_url.app, None)
        repo.list_users()
    assert not ddl_in(sql), ddl_in(sql)


def test_app_role__behind_schema_says_migrate_as_owner(pg_schema):
    db = pg_schema(migrate=False)
    owner = store_engine.get_engine(db.owner)
    store_engine.migrate(owner, revision="0010")
    postgres.ensure_app_role(owner, db.app_role)
    app = store_engine.get_engine(db.app)
    with statements(app) as sql, pytest.raises(store_engine.MigrationNeeded) as err:
        Repository.open(db.app, None)
    msg = str(err.value)
    assert "0010" in msg and store_engine.head_revision() in msg
    assert "not the tables' owner" in msg and "OPSPOR_DB_OWNER" in msg
    assert not ddl_in(sql), ddl_in(sql)
    assert store_engine.current_revision(owner) == "0010"
    store_engine.migrate(owner)  # the operator migrates as the owner …
    postgres.ensure_app_role(owner, db.app_role)
    assert Repository.open(db.app, None).actor.role == "administrator"  # … and the app opens


def test_app_role__empty_database_says_migrate_as_owner(pg_schema, pg_url):  # pg_url: app role exists
    db = pg_schema(migrate=False)
    with store_engine.get_engine(db.owner).begin() as conn:  # as a DBA would, before migrating
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{db.schema}" TO "{db.app_role}"')
    with pytest.raises(store_engine.MigrationNeeded, match=f"may not create tables in schema {db.schema}"):
        Repository.open(db.app, None)


def test_purge_audit_before__postgres_needs_the_owner(pg_schema):
    db = pg_schema(migrate=True, app_role=True)
    app, owner = store_engine.get_engine(db.app), store_engine.get_engine(db.owner)
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    with store_engine.write_tx(app) as conn:
        for days in (400, 380, 10, 1):
            aid = conn.execute(insert(t.audit_log).values(
                at=now - timedelta(days=days), user_name="p", role="planner", action="signals.read",
                object="x", purpose=f"{days} days ago").returning(t.audit_log.c.id)).scalar_one()
            conn.execute(insert(t.audit_subjects).values(audit_id=aid, entrance_id=f"e{days}"))
    cutoff = now - timedelta(days=365)
    assert store_engine.count_audit_before(app, cutoff) == 2
    with pytest.raises(NotAllowed, match="owner"):
        store_engine.purge_audit_before(app, cutoff)
    assert store_engine.purge_audit_before(app, cutoff, owner_engine=owner) == 2
    with app.connect() as conn:
        kept = conn.execute(select(t.audit_log.c.purpose).order_by(t.audit_log.c.id)).scalars().all()
        subjects = conn.execute(select(t.audit_subjects.c.entrance_id)).scalars().all()
    assert kept == ["10 days ago", "1 days ago"]
    assert sorted(subjects) == ["e1", "e10"]


def test_ensure_app_role__idempotent_and_refuses_owner_and_superuser(pg_url, pg_server):
    owner = store_engine.get_engine(pg_url.owner)
    postgres.ensure_app_role(owner, pg_url.app_role)
    postgres.ensure_app_role(owner, pg_url.app_role)
    with owner.connect() as conn:
        assert postgres.role_privileges(conn, pg_url.app_role)["audit_log"] == {"SELECT", "INSERT"}
    with pytest.raises(InputError, match="owner"):
        postgres.ensure_app_role(owner, pg_url.owner_role)
    with pytest.raises(InputError, match="role name"):
        postgres.ensure_app_role(owner, "bad name; DROP TABLE users")
    admin = store_engine.get_engine(pg_server.admin_url)
    with store_engine.read_tx(admin) as conn:
        superuser = conn.execute(text("SELECT current_user")).scalar()
    with pytest.raises(InputError, match="superuser"):
        postgres.ensure_app_role(owner, superuser)


def test_password__sent_as_a_scram_verifier_the_server_would_make(pg_url, pg_server):
    owner = store_engine.get_engine(pg_url.owner)
    postgres.ensure_app_role(owner, pg_url.app_role, pg_server.app_password)
    admin = store_engine.get_engine(pg_server.admin_url)
    with admin.connect() as conn:  # rolled back at the end: the role keeps its password
        stored = conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"),
                              {"r": pg_url.app_role}).scalar_one()
        conn.execute(text("SET LOCAL password_encryption = 'scram-sha-256'"))
        conn.exec_driver_sql(f"ALTER ROLE \"{pg_url.app_role}\" PASSWORD 'server-made-1'")
        server_made = conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"),
                                   {"r": pg_url.app_role}).scalar_one()
        conn.rollback()
    assert stored.startswith("SCRAM-SHA-256$4096:") and pg_server.app_password not in stored
    iterations, salt = server_made.split("$")[1].split(":")
    mine = postgres.scram_sha256_verifier("server-made-1", salt=base64.b64decode(salt),
                                          iterations=int(iterations))
    assert mine == server_made


def test_gis_role__reads_aggregates_and_geometry_but_no_addresses(pg_demo, pg_server):
    role = pg_server.role_name("gis")
    postgres.ensure_gis_role(store_engine.get_engine(pg_demo.owner), role, "gis-pw-1")
    postgres.ensure_gis_role(store_engine.get_engine(pg_demo.owner), role, None)  # idempotent
    url = pg_server.url(role, "gis-pw-1", pg_demo.schema)
    gis = store_engine.get_engine(url)
    try:
        with gis.connect() as conn:
            assert conn.execute(text("SELECT sum(dwellings) FROM v_area_dwellings")).scalar() > 0
            assert conn.execute(text("SELECT count(*) FROM areas WHERE geom IS NOT NULL")).scalar() == 5
            assert conn.execute(text("SELECT kommunekode FROM workspace")).scalar() == "0741"
        for sql in ("SELECT street FROM entrances LIMIT 1", "SELECT kind FROM signals LIMIT 1",
                    "SELECT sources FROM workspace", "SELECT * FROM audit_log LIMIT 1",
                    "SELECT name FROM users LIMIT 1"):
            with gis.connect() as conn, pytest.raises(exc.ProgrammingError) as err:
                conn.execute(text(sql))
            assert sqlstate(err.value) == "42501", sql
    finally:
        store_engine.dispose_engine(url)


def test_module_cli__status_and_app_role(pg_url, pg_server):
    def run(*argv: str) -> tuple[int, dict]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = postgres.main(list(argv))
        return code, json.loads(out.getvalue())

    code, status = run("status", "--db", pg_url.app)
    assert code == 0 and status["current"] == status["head"] == store_engine.head_revision()
    assert status["role"] == pg_url.app_role and status["can_migrate"] is False
    assert "***" in status["url"]  # no password in the output
    code, out = run("app-role", pg_url.app_role, "--db", pg_url.owner)
    assert code == 0 and out == {"role": pg_url.app_role, "granted": "app"}
    code, out = run("app-role", pg_server.role_name("other"), "--db", pg_url.app)
    assert code == 3 and out["error"]["code"] == "not_allowed"
    assert "connect as the tables' owner" in out["error"]["message"]
    code, out = run("app-role", pg_url.app_role, "--db", pg_url.app)
    assert code == 1 and "must not be" in out["error"]["message"]

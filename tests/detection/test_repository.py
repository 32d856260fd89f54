"""The repository: access matrix enforced, audit written with the read, migrations, SQLite set-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from detection.access import ACCESS, ROLES, allowed
from detection.errors import InputError, NotAllowed, UnknownUser, WorkspaceError
from detection.repository import Repository
from detection.store import engine as store_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def repo(tmp_path) -> Repository:
    return Repository.open(f"sqlite:///{tmp_path / 'w.sqlite'}", None)


def test_open__fresh_database_migrated_to_head_with_admin(repo):
    assert store_engine.current_revision(repo.engine) == store_engine.head_revision()
    assert repo.actor.name == "admin" and repo.actor.role == "administrator"
    assert not repo.has_workspace()
    with pytest.raises(WorkspaceError, match="opspor init"):
        repo.workspace_info()


def test_open__second_open_does_not_remigrate_or_duplicate_admin(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    Repository.open(url, None)
    r2 = Repository.open(url, None)
    assert [u["name"] for u in r2.list_users()] == ["admin"]


def test_open__unknown_user_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    Repository.open(url, None)
    with pytest.raises(UnknownUser, match="'nobody' does not exist"):
        Repository.open(url, "nobody")


def test_sqlite__wal_and_foreign_keys_on_every_connection(repo):
    with repo.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == store_engine.BUSY_TIMEOUT_MS


@pytest.mark.parametrize("role", ROLES)
def test_access__users_manage_only_administrator(repo, role):
    repo.add_user(f"u_{role}", role=role, password="pw-12345-long-enough")
    other = repo.as_user(f"u_{role}")
    if allowed(role, "users.manage"):
        other.add_user(f"v_{role}", role="analyst", password="pw-12345-long-enough")
    else:
        with pytest.raises(NotAllowed, match=f"role {role}"):
            other.add_user(f"v_{role}", role="analyst", password="pw-12345-long-enough")


@pytest.mark.parametrize("role", ROLES)
def test_access__signals_read_only_roles_in_the_matrix(repo, role):
    repo.add_user("x", role=role, password="pw-12345-long-enough")
    other = repo.as_user("x")
    if role in ACCESS["signals.read"]:
        df = other.signals(purpose="test")
        assert df.empty
    else:
        with pytest.raises(NotAllowed):
            other.signals(purpose="test")


def test_signals__read_needs_purpose_and_is_audited(repo):
    repo.add_user("p", role="planner", password="pw-12345-long-enough")
    p = repo.as_user("p")
    with pytest.raises(InputError, match="purpose is required"):
        p.signals(purpose="  ")
    p.signals(purpose="plan the week")
    log = repo.audit_entries()
    last = log.iloc[-1]
    assert (last.user_name, last.role, last.action, last.purpose) == ("p", "planner", "signals.read", "plan the week")


def test_verify_password__right_wrong_disabled(repo):
    repo.add_user("lone", role="planner", password="correct horse")
    assert repo.verify_password("lone", "correct horse").role == "planner"
    assert repo.verify_password("lone", "wrong") is None
    assert repo.verify_password("nobody", "correct horse") is None
    repo.disable_user("lone")
    assert repo.verify_password("lone", "correct horse") is None


def test_password__stored_as_argon2_hash(repo):
    repo.add_user("lone", role="planner", password="correct horse")
    with repo.engine.connect() as conn:
        h = conn.execute(text("SELECT password_hash FROM users WHERE name='lone'")).scalar()
    assert h.startswith("$argon2") and "correct horse" not in h


def test_public__before_sign_in_only_workspace_info(repo):
    pub = Repository.public(repo.engine)
    with pytest.raises(NotAllowed):
        pub.entrances()
    with pytest.raises(NotAllowed):
        pub.signals(purpose="x")


def test_migrate__workspace_made_at_first_revision_opens_in_newest(tmp_path):
    """A workspace written by an older version (schema 0001) opens, data kept, in this one."""
    from datetime import UTC, date, datetime

    from sqlalchemy import insert

    from detection.store import schema as t

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    eng = store_engine.get_engine(url)
    store_engine.migrate(eng, revision="0001")
    assert store_engine.current_revision(eng) == "0001"
    now = datetime.now(UTC)
    with store_engine.write_tx(eng) as conn:
        conn.execute(text(
            "INSERT INTO workspace (id, name, kommunekode, synthetic, created_at, sources, data_version) "
            "VALUES (1, 'Gammel', '0741', 0, :now, '[]', 1)"), {"now": now})
        conn.execute(insert(t.users).values(name="admin", role="administrator", disabled=False, created_at=now))
        conn.execute(text(
            "INSERT INTO entrances (entrance_id, street, house_number, postcode, city, kommunekode, "
            "address_key, x, y, source) VALUES ('0a3f5095-31e1-32b8-e044-0003ba298018', 'Agerup', '2', "
            "'8305', 'Samsø', '0741', 'agerup|2|8305', 600651.48, 6192174.37, 'osm')"))
        conn.execute(text(
            "INSERT INTO signals (signal_id, kind, received, entrance_id, source, note, credibility, "
            "match_quality, synthetic, assessment, created_at) VALUES ('s1', 'neighbour_complaint', :d, "
            "'0a3f5095-31e1-32b8-e044-0003ba298018', 'x', '', 2, 'exact', 1, 'new', :now)"),
            {"d": date(2026, 1, 5), "now": now})
    repo = Repository.open(url, "admin")
    assert store_engine.current_revision(eng) == store_engine.head_revision() != "0001"
    assert repo.summary()["entrances"] == 1
    assert repo.summary()["signals"] == "<5"  # the administrator sees no small counts
    with eng.connect() as conn:
        assert conn.execute(text("SELECT cpr_removed, assessed_by FROM signals")).one() == (0, None)


def test_cache_keys_name_the_database_without_its_password(db_url):
    """What names a database in a cache key (the app's Streamlit caches, the repository's
    own) never holds its password."""
    from sqlalchemy.engine import make_url

    secret = "s3cret-Pw-in-url"
    assert secret not in Repository.database_key(f"postgresql+psycopg://opspor_app:{secret}@dbhost/opspor")
    assert "opspor_app" in Repository.database_key(f"postgresql+psycopg://opspor_app:{secret}@dbhost/opspor")
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":  # trust auth here: any password connects
        url = url.set(password=secret)
    repo = Repository.open(url.render_as_string(hide_password=False), None)
    assert secret not in repr(repo.data_version())
    assert Repository.database_key(url.render_as_string(hide_password=False)) in repr(repo.data_version())

"""URLs, migrations that know when not to run, and the ``db_url`` fixture on each backend."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from detection.repository import Repository
from detection.store import engine as store_engine
from tests.store.helpers import cli_json, ddl_in, statements


def test_resolve_owner_url__db_then_owner_env_then_app_env(monkeypatch, tmp_path):
    monkeypatch.setenv("OPSPOR_DB", "postgresql+psycopg://app@h/db")
    assert store_engine.resolve_owner_url() == "postgresql+psycopg://app@h/db"
    monkeypatch.setenv("OPSPOR_DB_OWNER", "postgresql+psycopg://owner@h/db")
    assert store_engine.resolve_owner_url() == "postgresql+psycopg://owner@h/db"
    assert store_engine.resolve_db_url() == "postgresql+psycopg://app@h/db"  # the app's stays
    assert store_engine.resolve_owner_url(str(tmp_path / "x.sqlite")).startswith("sqlite:///")


def test_migrate__at_head_runs_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    Repository.open(url, None)
    eng = store_engine.get_engine(url)
    with statements(eng) as sql:
        store_engine.migrate(eng)
    assert not ddl_in(sql) and len(sql) <= 3, sql


def test_migrate__database_newer_than_this_opspor_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    Repository.open(url, None)
    eng = store_engine.get_engine(url)
    with store_engine.write_tx(eng) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    code, out = cli_json("--db", url, "summary")
    assert code == 1 and out["error"]["code"] == "migration_needed"
    assert "newer than this version of Opspor" in out["error"]["message"]


def test_db_url__empty_database_opens_and_works(db_url):
    """The fixture other test modules can switch to (``OPSPOR_TEST_BACKEND``)."""
    assert store_engine.is_empty(store_engine.get_engine(db_url))
    repo = Repository.open(db_url, None)
    assert store_engine.current_revision(repo.engine) == store_engine.head_revision()
    repo.add_user("planner1", role="planner", password="pw-12345-long-enough")
    assert [u["name"] for u in repo.list_users()] == ["admin", "planner1"]
    assert repo.audit_entries().iloc[-1]["action"] == "users.add"


def test_db_url__every_test_gets_its_own(db_url):
    repo = Repository.open(db_url, None)
    assert [u["name"] for u in repo.list_users()] == ["admin"]


@pytest.mark.parametrize("revision", ["0001", "0002", "0010", "0003", "0004", "0005", "0006"])
def test_migrate__each_older_revision_upgrades_to_head(db_url, revision):
    eng = store_engine.get_engine(db_url)
    store_engine.migrate(eng, revision=revision)
    assert store_engine.current_revision(eng) == revision
    Repository.open(db_url, None)
    assert store_engine.current_revision(eng) == store_engine.head_revision()

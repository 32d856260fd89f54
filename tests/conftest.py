"""Shared pytest setup for the whole suite.

- ``OPSPOR_HOME`` points at a fresh temporary folder for the whole session (so no test
  ever reads or writes the user's ``~/.local/share/opspor``), and ``OPSPOR_DB`` /
  ``OPSPOR_USER`` from the caller's shell are cleared (tests choose their database).
- ``demo_db``: the Samsø demo workspace, built once per session into a SQLite file.
- With ``CI`` set, a skipped test fails the run: on CI every test must really run.

PostgreSQL/PostGIS (see ``tests/store/pgserver.py``):

- ``pg_server`` (session): a fresh database ``opspor_test_<random>`` with PostGIS on the
  local server, owned by a fresh owner role, plus an app role name; all dropped at the
  end. The superuser connection is ``OPSPOR_TEST_PG_ADMIN`` or found on the local server.
  Without a server or PostGIS these fixtures skip — and with ``CI`` set they fail, saying
  what is missing.
- ``pg_url`` (session): that database migrated to head by the owner, with the app role
  granted by ``ensure_app_role``; a :class:`PgDatabase` with ``.owner`` and ``.app`` URLs
  (``str()`` is the owner URL). No workspace in it; tests may add, never delete.
- ``pg_demo`` (session): the Samsø demo built by ``opspor --db <owner url> demo`` into a
  schema of its own.
- ``pg_schema`` (function): a factory, ``pg_schema(migrate=…, app_role=…)`` → a fresh
  schema (own ``search_path``), dropped after the test.
- ``db_url`` (function): an empty database for one test, on the backend chosen by
  ``OPSPOR_TEST_BACKEND``: ``sqlite`` (default; a file in ``tmp_path``), ``postgis`` (an
  empty schema on the PostgreSQL server, owner URL) or ``all`` (the test runs on both).
  Open it with ``Repository.open(db_url, …)`` as with a SQLite path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_AS_OF = "2026-11-01"

_saved_env: dict[str, str | None] = {}
_home: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    # Done here, not in a fixture, so it holds before any test module is imported.
    global _home
    _home = tempfile.mkdtemp(prefix="opspor-test-home-")
    for name in ("OPSPOR_HOME", "OPSPOR_DB", "OPSPOR_USER", "OPSPOR_WARMUP"):
        _saved_env[name] = os.environ.pop(name, None)
    os.environ["OPSPOR_HOME"] = _home
    # no background warm-up threads in the test process (ui/warmup.py): one could still be
    # reading a test's database when the next test drops it; the browser tests' real server
    # turns it on again, and tests/ui/test_warmup.py tests it
    os.environ["OPSPOR_WARMUP"] = "0"


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _saved_env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if _home:
        shutil.rmtree(_home, ignore_errors=True)


@pytest.fixture(scope="session")
def opspor_home() -> Path:
    """The session's ``OPSPOR_HOME`` (a temporary folder)."""
    return Path(os.environ["OPSPOR_HOME"])


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a SQLite file holding the Samsø demo workspace (built once per session).

    Treat it as read-only: it is shared by every test that asks for it.
    """
    from detection.cli.main import main

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    code = main(["--db", str(path), "demo", "--as-of", DEMO_AS_OF])
    assert code == 0, f"`opspor demo` exited {code}"
    assert path.exists(), f"`opspor demo` made no database at {path}"
    return path


@pytest.fixture()
def demo_copy(demo_db, tmp_path) -> Path:
    """A private file copy of the demo (WAL included) for a test that writes; a test file may
    define its own ``demo_copy`` (that one wins)."""
    path = tmp_path / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{path}{suffix}")
    return path


# --- PostgreSQL / PostGIS ------------------------------------------------------------------

BACKEND_ENV = "OPSPOR_TEST_BACKEND"


def _backends() -> list[str]:
    raw = (os.environ.get(BACKEND_ENV) or "sqlite").strip().lower()
    aliases = {"sqlite": ["sqlite"], "postgis": ["postgis"], "postgres": ["postgis"],
               "postgresql": ["postgis"], "pg": ["postgis"], "all": ["sqlite", "postgis"],
               "both": ["sqlite", "postgis"]}
    if raw not in aliases:
        raise pytest.UsageError(f"{BACKEND_ENV}={raw!r}: use sqlite, postgis or all")
    return aliases[raw]


def _pg_missing(message: str):  # noqa: ANN202 - never returns
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL/PostGIS is required on CI (CI is set): {message}", pytrace=False)
    pytest.skip(f"PostgreSQL/PostGIS not available: {message}")


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL database, owner role and app role (dropped at the end)."""
    from tests.store.pgserver import PgServer, PgUnavailable

    try:
        server = PgServer.start()
    except PgUnavailable as exc:
        _pg_missing(str(exc))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def pg_url(pg_server):
    """The session database (schema ``public``) at head, app role granted; no workspace."""
    return pg_server.prepare(pg_server.database_urls("public"), migrate=True, app_role=True)


@pytest.fixture(scope="session")
def pg_demo(pg_server):
    """The Samsø demo built through the CLI as the owner into a schema of its own."""
    from detection.cli.main import main
    from detection.store.engine import get_engine
    from detection.store.postgres import ensure_app_role

    db = pg_server.schema(migrate=False)
    code = main(["--db", db.owner, "demo", "--as-of", DEMO_AS_OF])
    assert code == 0, f"`opspor --db <postgis> demo` exited {code}"
    ensure_app_role(get_engine(db.owner), pg_server.app_role, pg_server.app_password)
    return db


@pytest.fixture()
def pg_schema(pg_server):
    """Factory: ``pg_schema(migrate=False, app_role=False)`` → a fresh :class:`PgDatabase`."""
    made = []

    def make(*, migrate: bool = False, app_role: bool = False):
        db = pg_server.schema(migrate=migrate, app_role=app_role)
        made.append(db)
        return db

    yield make
    for db in made:
        pg_server.drop_schema(db)


@pytest.fixture(params=_backends())
def db_url(request, tmp_path) -> str:
    """An empty database for one test on the backend(s) ``OPSPOR_TEST_BACKEND`` names."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'w.sqlite'}"
    return str(request.getfixturevalue("pg_schema")())


# --- CI: skipped tests are failures -------------------------------------------------------


def _skipped(session_or_config) -> list:
    config = getattr(session_or_config, "config", session_or_config)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return list(reporter.stats.get("skipped", [])) if reporter is not None else []


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if os.environ.get("CI") and _skipped(config):
        terminalreporter.write_line(
            f"CI is set: {len(_skipped(config))} skipped test(s) count as failure "
            "(every test must run on CI).",
            red=True, bold=True,
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") and _skipped(session) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

"""What Opspor writes to disk is private: files 0600, the folders it creates 0700.

The database holds personal data and so does every export (walk lists, GPX, GeoPackage,
the gap list, the ranking, the audit export for an access request, feedback files). Each
test starts from a permissive umask (0o022, the usual default) so that a missing
``os.umask``/``chmod`` shows up as a 0644 file or a 0755 folder.

- The CLI is run in a subprocess (``python -c`` calling ``detection.cli.main.main`` once per
  command, the umask put back to 0o022 before each, as a fresh ``opspor`` process would
  start), in a temporary ``HOME`` with no ``OPSPOR_HOME``/``OPSPOR_DB``: the default
  ``~/.local/share/opspor`` is used. The demo is built once for the module.
- The shared writers and the store are also called in-process under umask 0o022, as a
  library caller that sets no umask would.
- The app (``app.py`` under Streamlit's AppTest) runs in a subprocess started with umask 0o022.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from detection.partners.feedback import COLUMNS, write_feedback_csv, write_feedback_pdf
from detection.repository import Repository
from detection.routes.field_files import write_plan_files
from detection.store import engine as store_engine
from detection.tabular import write_csv
from tests.conftest import DEMO_AS_OF

ROOT = Path(__file__).resolve().parents[1]
PERMISSIVE = 0o022

# Runs the CLI commands in one process (one import instead of one per command); argv[1] is
# the folder for the exports, argv[2] the JSON file for the results.
DRIVER = r"""
import contextlib, io, json, os, sys
from detection.cli.main import main

out, results = sys.argv[1], {"umask_after": {}}

def run(*argv):
    os.umask(0o022)  # as a fresh process in a shell with the usual umask
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*argv, "--json"])
    results["umask_after"][argv[0] if argv[0] != "--user" else argv[2]] = os.umask(0o022)
    assert code == 0, (argv, code, buf.getvalue()[-2000:])
    return json.loads(buf.getvalue())

run("demo", "--as-of", AS_OF)
plan = run("--user", "teamleder", "plan-routes", "--area", "parishes:7242", "--teams", "1", "--days", "1",
           "--seconds", "0.5", "--as-of", AS_OF, "--out", f"{out}/plan/day1")
results["plan"] = plan
entrance = next(s["entrance_id"] for r in plan["routes"] for s in r["stops"])
run("--user", "analytiker", "partners", "gaps", "--areas", "grid1km", "--top", "3", "--as-of", AS_OF,
    "--out", f"{out}/gaps.csv")
run("--user", "planner", "priorities", "--areas", "parishes", "--as-of", AS_OF, "--out", f"{out}/priorities.csv")
run("--user", "admin", "audit", "export", "--entrance", entrance, "--out", f"{out}/audit.csv")
partner = run("--user", "planner", "partners", "list", "--as-of", AS_OF)["partners"][0]["name"]
run("--user", "planner", "partners", "feedback", partner, "--as-of", AS_OF, "--out", f"{out}/feedback.pdf")
run("--user", "planner", "partners", "feedback", partner, "--as-of", AS_OF, "--out", f"{out}/feedback.csv")
run("--user", "planner", "rejected", "export", "--out", f"{out}/rejected.csv")
with open(sys.argv[2], "w") as f:
    json.dump(results, f)
""".replace("AS_OF", repr(DEMO_AS_OF))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(paths) -> dict[str, str]:  # noqa: ANN001
    return {str(p): oct(mode(p)) for p in paths}


@contextmanager
def permissive_umask() -> Iterator[None]:
    """Umask 0o022 for the block (other tests may have left the CLI's 0o077 behind)."""
    old = os.umask(PERMISSIVE)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo built by the CLI in a fresh ``HOME`` and every export written once."""
    base = tmp_path_factory.mktemp("modes")
    home, out, result = base / "home", base / "out", base / "result.json"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPSPOR_HOME", "OPSPOR_DB", "OPSPOR_DB_OWNER", "OPSPOR_USER", "XDG_DATA_HOME")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(out), str(result)], cwd=base, env=env,
                          umask=PERMISSIVE, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return {"home": home, "out": out, **json.loads(result.read_text())}


def test_cli__every_command_leaves_a_private_umask(cli_run):
    assert cli_run["umask_after"] and set(cli_run["umask_after"].values()) == {0o077}, {
        k: oct(v) for k, v in cli_run["umask_after"].items()}


def test_cli__default_home_and_database_are_private(cli_run):
    share = cli_run["home"] / ".local" / "share"
    data_home = share / "opspor"
    db = data_home / "opspor.sqlite"
    assert db.is_file()
    # the folders Opspor made (XDG: a missing data home is made 0700), and the database
    folders = [cli_run["home"] / ".local", share, data_home]
    assert {mode(p) for p in folders} == {0o700}, modes(folders)
    files = [p for p in data_home.iterdir()]
    assert {p.name for p in files} <= {"opspor.sqlite", "opspor.sqlite-wal", "opspor.sqlite-shm"}
    assert {mode(p) for p in files} == {0o600}, modes(files)


def test_cli__exports_are_private(cli_run):
    out = cli_run["out"]
    files = sorted(p for p in out.rglob("*") if p.is_file())
    names = {p.name for p in files}
    plan_id = cli_run["plan"]["plan_id"]
    # not vacuous: every kind of export is there
    assert {"gaps.csv", "priorities.csv", "audit.csv", "feedback.pdf", "feedback.csv", "rejected.csv",
            f"plan_{plan_id}.gpkg"} <= names, names
    assert any(n.endswith(".pdf") and n.startswith("walk_") for n in names), names
    assert any(n.endswith(".gpx") for n in names), names
    assert {mode(p) for p in files} == {0o600}, modes(files)
    # plan-routes --out made these three folders
    folders = [out, out / "plan", out / "plan" / "day1"]
    assert {mode(p) for p in folders} == {0o700}, modes(folders)


def test_writers__private_for_a_library_caller_without_umask(cli_run, tmp_path):
    plan = cli_run["plan"]
    feedback = {"name": "Partner", "as_of": DEMO_AS_OF,
                "quarters": [dict.fromkeys(COLUMNS, "<5") | {"quarter": "2026K3"}]}
    existing = tmp_path / "existing.csv"
    with permissive_umask():
        existing.write_text("old")  # 0644, written before: overwriting it makes it private
        assert mode(existing) == 0o644
        csv = write_csv(pd.DataFrame({"a": ["=1+1", "x"], "b": [1, 2]}), tmp_path / "new.csv")
        write_csv(pd.DataFrame({"a": ["y"]}), existing)
        plan_files = write_plan_files(plan, tmp_path / "a" / "b")
        pdf = write_feedback_pdf(feedback, tmp_path / "fb.pdf")
        fb_csv = write_feedback_csv(feedback, tmp_path / "fb.csv")
    files = [csv, existing, pdf, fb_csv, *plan_files]
    assert {p.suffix for p in plan_files} == {".pdf", ".gpx", ".gpkg"}
    assert {mode(p) for p in files} == {0o600}, modes(files)
    assert {mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b")} == {0o700}
    # the content is what it was: UTF-8 with BOM, ';', formulas neutralised
    assert csv.read_bytes() == "\ufeffa;b\n'=1+1;1\nx;2\n".encode()
    assert existing.read_bytes() == "\ufeffa\ny\n".encode()
    assert pdf.read_bytes().startswith(b"%PDF")


def test_store__new_sqlite_database_wal_and_shm_are_private(tmp_path):
    path = tmp_path / "new" / "dir" / "x.sqlite"
    with permissive_umask():
        Repository.open(str(path), None)  # creates the file and migrates it
    try:
        files = [path, path.with_name("x.sqlite-wal"), path.with_name("x.sqlite-shm")]
        assert all(p.exists() for p in files), "the engine's connection keeps the WAL open"
        assert {mode(p) for p in files} == {0o600}, modes(files)
        folders = [tmp_path / "new", tmp_path / "new" / "dir"]
        assert {mode(p) for p in folders} == {0o700}, modes(folders)
    finally:
        store_engine.dispose_engine(store_engine.resolve_db_url(str(path)))


def test_store__an_existing_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "old.sqlite"
    with permissive_umask():
        sqlite3.connect(path).close()
        assert mode(path) == 0o644
        Repository.open(str(path), None)
    try:
        assert mode(path) == 0o600
    finally:
        store_engine.dispose_engine(store_engine.resolve_db_url(str(path)))


def test_store__default_home_is_made_private(tmp_path, monkeypatch):
    home = tmp_path / "x" / "opspor"
    monkeypatch.setenv("OPSPOR_HOME", str(home))
    monkeypatch.delenv("OPSPOR_DB", raising=False)
    with permissive_umask():
        url = store_engine.resolve_db_url()
    assert url == f"sqlite:///{home / 'opspor.sqlite'}"
    assert {mode(home.parent), mode(home)} == {0o700}


# In a subprocess: AppTest makes app.py the process's ``__main__``, which would break later
# tests that start processes with multiprocessing's "spawn".
APP_DRIVER = r"""
import os
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60).run()
assert not at.exception, at.exception
print(oct(os.umask(0o022)))
"""


def test_app__sets_a_private_umask_first(tmp_path):
    db = tmp_path / "empty.sqlite"  # no workspace: the app shows its start page
    env = {**os.environ, "OPSPOR_DB": str(db), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", APP_DRIVER], cwd=ROOT, env=env, umask=PERMISSIVE,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.split()[-1] == "0o77", proc.stdout
    assert mode(db) == 0o600

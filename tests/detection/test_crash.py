"""kill -9 in the middle of storing a batch: the store holds the whole batch or none of it.

The test forks a writer (after all imports, so a trial takes well under a second), lets it
start the one write transaction that stores a workspace, and kills it with SIGKILL at a
random moment. Then the database must pass its integrity check and hold exactly one of the
two complete workspaces. Trials alternate between two datasets so every trial replaces
something.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from detection.repository import Repository
from detection.store import engine as store_engine
from detection.workspace import WorkspaceSpec, build_workspace_data

ROOT = Path(__file__).resolve().parents[2]
ODENSE = ROOT / "data" / "odense"
TRIALS = 50

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


def _datasets():
    a = build_workspace_data(WorkspaceSpec(name="A", osm=ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"))
    b = build_workspace_data(WorkspaceSpec(
        name="B", addresses=ODENSE / "dawa_test_adgangsadresser.csv", units=ODENSE / "dawa_test_enhedsadresser.csv",
        bbr_buildings=ODENSE / "bbr2020_test_bygninger.csv", bbr_units=ODENSE / "bbr2020_test_enheder.csv"))
    return {"A": a, "B": b}


def _counts(url: str) -> tuple[str, dict]:
    eng = store_engine.get_engine(url)
    with eng.connect() as conn:
        if eng.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).first() is None
        else:  # PostgreSQL: no row left whose parent is gone, no entry left of a dead writer
            assert conn.execute(text(
                "SELECT count(*) FROM units u LEFT JOIN entrances e USING (entrance_id) "
                "WHERE e.entrance_id IS NULL")).scalar_one() == 0
        name = conn.execute(text("SELECT name FROM workspace")).scalar_one()
        got = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
               for t in ("entrances", "units", "buildings", "bbr_units", "network_nodes", "network_edges")}
    return name, got


def _expected(data) -> dict:
    return {"entrances": len(data.entrances), "units": len(data.units), "buildings": len(data.buildings),
            "bbr_units": len(data.bbr_units),
            "network_nodes": data.network.n_nodes if data.network is not None else 0,
            "network_edges": data.network.n_edges if data.network is not None else 0}


def run_crash_trials(url: str, trials: int = TRIALS, seed: int = 11) -> dict:
    data = _datasets()
    admin = Repository.open(url, None)
    admin.replace_workspace(data["A"], force=True)
    store_engine.dispose_engines()
    rng = random.Random(seed)
    killed_mid_write = 0
    for _ in range(trials):
        current, _ = _counts(url)
        store_engine.dispose_engines()
        target = "B" if current == "A" else "A"
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer
            os.close(r)
            try:
                store_engine._ENGINES.clear()  # never reuse the parent's pooled connections
                repo = Repository.open(url, None, migrate=False)
                os.write(w, b"s")
                repo.replace_workspace(data[target], force=True)
                os.write(w, b"d")
            finally:
                os._exit(0)
        os.close(w)
        assert os.read(r, 1) == b"s"
        time.sleep(rng.uniform(0.0, 0.5))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        finished = os.read(r, 1) == b"d"
        os.close(r)
        killed_mid_write += not finished
        name, got = _counts(url)
        assert name in ("A", "B")
        assert got == _expected(data[name]), f"half a batch after kill -9: {name} {got}"
        store_engine.dispose_engines()
    return {"trials": trials, "killed_mid_write": killed_mid_write}


def test_kill_9_while_storing__never_half_a_batch(db_url):
    result = run_crash_trials(db_url)
    # the test only proves something if most kills hit the open write transaction
    assert result["killed_mid_write"] >= TRIALS // 2, result

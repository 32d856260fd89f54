"""kill -9 in the middle of storing a batch: the store holds the whole batch or none of it.

The test forks a writer (after all imports, so a trial takes well under a second) that
stores a workspace in its one write transaction, and kills it with SIGKILL inside that
transaction. Then the database must pass its integrity check and hold exactly one of the
two complete workspaces — the one that was there before, since the writer never got to
commit. Trials alternate between two datasets so every trial replaces something.

Where the kill lands does not depend on how busy the machine is: the writer itself says
when it has reached the kill point. Before each trial the parent picks one of the write
transaction's statements at random (the first one, which opens the transaction, excluded);
the writer writes to a pipe just before running that statement and carries on, and the
parent sends SIGKILL after a further random few milliseconds — during that statement or a
later one. Should the writer get as far as a COMMIT after the kill point (say the parent
was slow to wake up), it stops there and waits for the kill instead of committing. So
every kill lands after the transaction began and before any later commit: if the store
ever committed part of a batch on its own (two transactions, autocommit), the statements
after that commit would be killed too and the half batch would show.
"""

from __future__ import annotations

import os
import random
import select
import signal
import time
import traceback
from pathlib import Path

import pytest
from sqlalchemy import event, text

from detection.register.workspace import WorkspaceSpec, build_workspace_data
from detection.repository import Repository
from detection.store import engine as store_engine

ROOT = Path(__file__).resolve().parents[2]
ODENSE = ROOT / "data" / "odense"
TRIALS = 30
#: After the writer reached the kill point, the parent waits up to this long before the kill.
MAX_KILL_DELAY_S = 0.03
#: A writer that says nothing for this long is stuck (the trial fails rather than hangs).
WRITER_TIMEOUT_S = 60.0

# Messages from the writer to the parent (one byte each, on a pipe).
AT_KILL_POINT = b"k"  # about to run the chosen statement, inside the write transaction
AT_COMMIT = b"c"      # reached a COMMIT after the kill point: stopped there, waiting for the kill
COMMITTED = b"d"      # replace_workspace returned (must never happen: the kill comes first)
FAILED = b"e"         # the writer raised (the traceback follows)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


def _datasets():
    a = build_workspace_data(WorkspaceSpec(name="A", osm=ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"))
    b = build_workspace_data(WorkspaceSpec(
        name="B", addresses=ODENSE / "dawa_test_adgangsadresser.csv", units=ODENSE / "dawa_test_enhedsadresser.csv",
        bbr_buildings=ODENSE / "bbr2020_test_bygninger.csv", bbr_units=ODENSE / "bbr2020_test_enheder.csv"))
    return {"A": a, "B": b}


def _counts(url: str) -> tuple[str | None, dict]:
    eng = store_engine.get_engine(url)
    with eng.connect() as conn:
        if eng.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).first() is None
        else:  # PostgreSQL: no row left whose parent is gone, no entry left of a dead writer
            assert conn.execute(text(
                "SELECT count(*) FROM units u LEFT JOIN entrances e USING (entrance_id) "
                "WHERE e.entrance_id IS NULL")).scalar_one() == 0
        name = conn.execute(text("SELECT name FROM workspace")).scalar_one_or_none()
        got = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
               for t in ("entrances", "units", "buildings", "bbr_units", "network_nodes", "network_edges")}
    return name, got


def _expected(data) -> dict:
    return {"entrances": len(data.entrances), "units": len(data.units), "buildings": len(data.buildings),
            "bbr_units": len(data.bbr_units),
            "network_nodes": data.network.n_nodes if data.network is not None else 0,
            "network_edges": data.network.n_edges if data.network is not None else 0}


def _is_write(conn) -> bool:
    return bool(conn.get_execution_options().get("opspor_write"))


def _store(url: str, data) -> int:
    """Store ``data`` (no kill) and return how many statements its write transaction ran."""
    repo = Repository.open(url, None, migrate=False)
    statements = 0

    def count(conn, *_args) -> None:
        nonlocal statements
        statements += _is_write(conn)

    event.listen(repo.engine, "before_cursor_execute", count)
    try:
        repo.replace_workspace(data, force=True)
    finally:
        event.remove(repo.engine, "before_cursor_execute", count)
    store_engine.dispose_engines()
    return statements


def _writer(url: str, data, kill_at: int, w: int) -> None:
    """The child: store ``data``; say so on ``w`` just before write statement ``kill_at``;
    never commit after that (wait for the kill at the COMMIT instead)."""
    store_engine._ENGINES.clear()  # never reuse the parent's pooled connections
    repo = Repository.open(url, None, migrate=False)
    seen = 0

    @event.listens_for(repo.engine, "before_cursor_execute")
    def _statement(conn, *_args) -> None:
        nonlocal seen
        if _is_write(conn):
            seen += 1
            if seen == kill_at:
                os.write(w, AT_KILL_POINT)

    @event.listens_for(repo.engine, "commit")
    def _commit(conn) -> None:  # runs before the driver's COMMIT
        if seen >= kill_at:
            os.write(w, AT_COMMIT)
            time.sleep(WRITER_TIMEOUT_S)  # the kill comes long before
            os._exit(3)  # no kill (the parent is gone): give up without committing

    repo.replace_workspace(data, force=True)
    os.write(w, COMMITTED)


def _read(r: int, timeout: float) -> bytes:
    ready, _, _ = select.select([r], [], [], timeout)
    return os.read(r, 1) if ready else b""


def _read_rest(r: int) -> bytes:
    chunks = []
    while chunk := os.read(r, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def run_crash_trials(url: str, trials: int = TRIALS, seed: int = 11) -> dict:
    data = _datasets()
    Repository.open(url, None)  # migrate
    store_engine.dispose_engines()
    # How many statements each write transaction runs (statement 1 opens the transaction:
    # BEGIN IMMEDIATE on SQLite, the first SELECT on PostgreSQL).
    statements = {"B": _store(url, data["B"]), "A": _store(url, data["A"])}
    assert min(statements.values()) >= 3, statements
    rng = random.Random(seed)
    at_commit = 0
    kill_points = []
    for trial in range(trials):
        before, _ = _counts(url)
        assert before in ("A", "B"), before
        store_engine.dispose_engines()
        target = "B" if before == "A" else "A"
        kill_at = rng.randint(2, statements[target])
        kill_points.append(kill_at)
        where = f"trial {trial}: {before} → {target}, kill at write statement {kill_at}/{statements[target]}"
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer
            os.close(r)
            try:
                _writer(url, data[target], kill_at, w)
            except BaseException:
                os.write(w, FAILED + traceback.format_exc().encode())
                os._exit(1)
            os._exit(0)
        os.close(w)
        try:
            said = _read(r, WRITER_TIMEOUT_S)
            if said == AT_KILL_POINT:
                time.sleep(rng.uniform(0.0, MAX_KILL_DELAY_S))
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            rest = _read_rest(r)
        finally:
            os.close(r)
        assert said == AT_KILL_POINT, (
            f"{where}: the writer never reached the kill point (said {said + rest!r}"
            f"{f' within {WRITER_TIMEOUT_S:.0f} s' if not said else ''})")
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
            f"{where}: the writer was not killed by SIGKILL (status {status}, said {said + rest!r})")
        assert rest in (b"", AT_COMMIT), f"{where}: the writer said {rest!r} before the kill"
        at_commit += rest == AT_COMMIT
        name, got = _counts(url)
        assert name in ("A", "B"), f"{where}: no workspace after kill -9: {got}"
        assert got == _expected(data[name]), f"{where}: half a batch after kill -9: {name} {got}"
        assert name == before, f"{where}: killed before its commit, yet the database holds {name}"
        store_engine.dispose_engines()
        _store(url, data[target])  # the next trial replaces this one
    return {"trials": trials, "killed_mid_write": trials, "parked_at_commit": at_commit,
            "statements": statements, "kill_points": sorted(set(kill_points))}


def test_kill_9_while_storing__never_half_a_batch(db_url):
    result = run_crash_trials(db_url)
    # every trial checked its own kill; the seed spreads the kills over the transaction
    assert len(result["kill_points"]) >= min(result["statements"].values()) // 2, result

"""The analysis pages' caches computed ahead (issue 18): the same results as computed on
demand, nothing audited, only for roles with the analysis pages, and one build per key even
when two threads ask at once."""

from __future__ import annotations

import threading
import time
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from detection.errors import NotAllowed
from detection.repository import base as repo_base
from detection.repository import partners as partners_mod
from detection.repository import priorities as prio_mod
from detection.repository.base import ProcessCache
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import role_user

AS_OF = date(2026, 11, 1)


def _audit_rows(repo) -> int:  # noqa: ANN001
    with store_engine.read_tx(repo.engine) as conn:
        return conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one()


def _clear_caches(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(prio_mod, "_CACHE", ProcessCache(32))
    monkeypatch.setattr(prio_mod, "_FOCUS", ProcessCache(16))
    monkeypatch.setattr(partners_mod, "_ANALYSES", ProcessCache(8))


def _reads(repo) -> tuple:  # noqa: ANN001
    """What the three pages read first, at their default settings."""
    names = repo.area_layer_names()
    layer = "parishes" if "parishes" in names else "grid250"
    cover = names[0] if names else "grid1km"
    return (repo.priorities(layer, as_of=AS_OF), repo.focus_candidates(as_of=AS_OF),
            repo.coverage_layers(cover, as_of=AS_OF, months=min(36, repo.active_months()))["areas"])


@pytest.mark.parametrize("role", ["planner", "analyst"])
def test_prepared_caches_give_the_same_results_and_write_no_audit(nordby, role, monkeypatch):
    repo = nordby.as_user(role_user(role))
    _clear_caches(monkeypatch)
    cold = _reads(repo)

    _clear_caches(monkeypatch)
    before = _audit_rows(repo)
    steps = repo.prepare_analyses(as_of=AS_OF)
    assert _audit_rows(repo) == before, "the warm-up read as if a user had seen something"
    assert steps[0] == "inputs" and any(s.startswith("ranking ") for s in steps)
    assert "focus candidates" in steps and any(s.startswith("coverage ") for s in steps)
    assert steps[-1] == "method inputs"

    # the pages' reads now take what was prepared: nothing is computed again …
    built = []
    real_prepare = prio_mod.prepare_ranking
    monkeypatch.setattr(prio_mod, "prepare_ranking", lambda *a, **k: built.append("ranking") or real_prepare(*a, **k))
    real_analysis = partners_mod.PartnerOps._analysis_uncached
    monkeypatch.setattr(partners_mod.PartnerOps, "_analysis_uncached",
                        lambda self, *a, **k: built.append("coverage") or real_analysis(self, *a, **k))
    warm = _reads(repo)
    assert built == [], built
    # … and it is what they computed on their own
    pd.testing.assert_frame_equal(cold[0].drop(columns=["why"]), warm[0].drop(columns=["why"]))
    assert list(cold[0]["why"]) == list(warm[0]["why"])
    pd.testing.assert_frame_equal(pd.DataFrame(cold[1].drop(columns="geometry")),
                                  pd.DataFrame(warm[1].drop(columns="geometry")))
    assert list(cold[1].geometry.to_wkb()) == list(warm[1].geometry.to_wkb())
    pd.testing.assert_frame_equal(pd.DataFrame(cold[2].drop(columns="geometry")),
                                  pd.DataFrame(warm[2].drop(columns="geometry")))


def test_the_pause_is_asked_before_every_step(nordby, monkeypatch):
    """The app's pause (wait while a page runs) comes before each step, not only the first."""
    repo = nordby.as_user(role_user("planner"))
    _clear_caches(monkeypatch)
    log: list[str] = []
    real = repo._priority_inputs
    monkeypatch.setattr(repo, "_priority_inputs", lambda: log.append("inputs") or real())
    steps = repo.prepare_analyses(as_of=AS_OF, pause=lambda: log.append("pause"))
    assert log[:2] == ["pause", "inputs"]
    assert log.count("pause") == len(steps) == 5


def test_the_clusters_handed_out_are_copies(nordby, monkeypatch):
    repo = nordby.as_user(role_user("planner"))
    _clear_caches(monkeypatch)
    first = repo.focus_candidates(as_of=AS_OF)
    assert len(first), "the Nordby workspace should have clusters"
    first.iloc[0, first.columns.get_loc("dwellings")] = -1
    assert repo.focus_candidates(as_of=AS_OF)["dwellings"].iloc[0] != -1


@pytest.mark.parametrize("role", ["field_worker", "administrator"])
def test_roles_without_the_analysis_pages_cannot_prepare_them(nordby, role):
    with pytest.raises(NotAllowed):
        nordby.as_user(role_user(role)).prepare_analyses(as_of=AS_OF)


def test_process_cache_builds_a_key_once_when_two_threads_ask():
    cache, calls, gate = ProcessCache(4), [], threading.Event()

    def slow() -> str:
        calls.append(threading.current_thread().name)
        gate.wait(10)
        return "value"

    out: list[str] = []
    threads = [threading.Thread(target=lambda: out.append(cache.get("k", slow)), name=f"t{i}") for i in range(3)]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 10
    while not calls and time.monotonic() < deadline:  # the first thread is inside its build
        time.sleep(0.01)
    gate.set()
    for th in threads:
        th.join(10)
    assert len(calls) == 1, calls
    assert out == ["value"] * 3


def test_process_cache_after_a_failed_build_the_next_caller_builds():
    cache = ProcessCache(4)

    def broken() -> str:
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        cache.get("k", broken)
    assert cache.get("k", lambda: "second") == "second"
    assert cache.get("k", lambda: "third") == "second"
    assert repo_base.ProcessCache is ProcessCache

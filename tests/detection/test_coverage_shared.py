"""*Dækning* computes its analysis once (issue 18): coverage, its map layers and its gap list
share one data-version-keyed analysis, with the same results as computing each alone."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from detection.repository import Repository
from detection.repository import partners as partners_mod

AS_OF = date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("cov") / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{path}{suffix}")
    return f"sqlite:///{path}"


def _all(repo: Repository, layer: str) -> tuple:
    cov = repo.coverage(layer, as_of=AS_OF)
    lay = repo.coverage_layers(layer, as_of=AS_OF)
    gaps = repo.coverage_gaps(layer, as_of=AS_OF)
    return cov, lay, gaps


def _same(a: tuple, b: tuple) -> None:
    assert a[0] == b[0]
    assert a[2] == b[2]
    la, lb = a[1], b[1]
    assert set(la) == set(lb)
    pd.testing.assert_frame_equal(pd.DataFrame(la["areas"]), pd.DataFrame(lb["areas"]))
    if "entrances" in la:
        pd.testing.assert_frame_equal(la["entrances"], lb["entrances"])
    assert la["need_source"] == lb["need_source"]


@pytest.mark.parametrize("user", ["planner", "analytiker"])
@pytest.mark.parametrize("layer", ["parishes", "grid1km"])
def test_shared_analysis_gives_the_same_results_and_is_computed_once(demo, monkeypatch, user, layer):
    repo = Repository.open(demo, user, migrate=False)
    calls: list[tuple] = []
    real = partners_mod.PartnerOps._analysis_uncached

    def counted(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(args)
        return real(self, *args, **kwargs)

    # before: every call computes its own analysis (as the three methods did)
    monkeypatch.setattr(partners_mod._ANALYSES, "get", lambda key, make: make())
    monkeypatch.setattr(partners_mod.PartnerOps, "_analysis_uncached", counted)
    before = _all(repo, layer)
    assert len(calls) == 3
    monkeypatch.undo()
    # after: one analysis for the three, and a second page visit computes nothing
    monkeypatch.setattr(partners_mod, "_ANALYSES", partners_mod.ProcessCache(8))
    monkeypatch.setattr(partners_mod.PartnerOps, "_analysis_uncached", counted)
    calls.clear()
    after = _all(repo, layer)
    again = _all(repo, layer)
    assert len(calls) == 1
    _same(before, after)
    _same(before, again)
    if user == "analytiker":
        assert "entrances" not in after[1]


def test_a_write_refreshes_the_shared_analysis(demo, monkeypatch):
    monkeypatch.setattr(partners_mod, "_ANALYSES", partners_mod.ProcessCache(8))
    planner = Repository.open(demo, "planner", migrate=False)
    first = planner.coverage("parishes", as_of=AS_OF)
    pid = planner.add_partner("Boligselskabet Test", "caretaker")
    e = planner.entrances()
    planner.add_coverage(pid, "entrances", entrance_ids=list(e["entrance_id"].head(50)))
    planner.log_contact(pid, contact_date=AS_OF, channel="meeting")
    second = planner.coverage("parishes", as_of=AS_OF)
    assert second["partners"]["active"] == first["partners"]["active"] + 1
    assert second != first

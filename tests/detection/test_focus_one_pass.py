"""Clusters in one pass (issue 18): every cluster's statistics from one spatial join equal
those of the old way, one scan of the register per cluster (``_one_by_one``), on the demo and
on random points and polygons, for both views (exact, and protected for roles that may not
see addresses)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from detection.priorities.focus import (
    _one_by_one,
    focus_candidates,
    polygon_stats,
    polygons_stats,
    protect_clusters,
)
from detection.privacy import publication_date
from detection.repository import Repository

AS_OF = date(2026, 11, 1)


def _same_frames(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    for da, db in zip(a["signals_by_kind"], b["signals_by_kind"], strict=True):
        assert list(da.items()) == list(db.items())  # the same kinds in the same order
    assert all(ga.equals_exact(gb, 0) for ga, gb in zip(a.geometry, b.geometry, strict=True))


def _same_stats(a: list[dict], b: list[dict]) -> None:
    assert a == b
    for da, db in zip(a, b, strict=True):
        assert list(da) == list(db)
        assert list(da["signals_by_kind"].items()) == list(db["signals_by_kind"].items())


@pytest.mark.parametrize("role", ["planner", "analyst"])
def test_one_pass__equals_per_cluster_on_the_demo(demo_db, role):
    repo = Repository.open(str(demo_db), {"planner": "planner", "analyst": "analytiker"}[role])
    as_of = AS_OF if role == "planner" else publication_date(AS_OF)
    ctx = repo._focus_context(repo._model(), as_of)  # noqa: SLF001 - the inputs the repository uses
    for eps_m, min_samples in ((150.0, 3), (400.0, 2), (60.0, 2)):
        new = focus_candidates(eps_m=eps_m, min_samples=min_samples, **ctx)
        old = focus_candidates(eps_m=eps_m, min_samples=min_samples, _stats_of=_one_by_one, **ctx)
        assert len(new) > 0
        _same_frames(new, old)
        if role == "analyst":
            shown = protect_clusters(new, **ctx)
            assert len(shown) > 0 or min_samples == 3 and eps_m == 60.0
            _same_frames(shown, protect_clusters(old, _stats_of=_one_by_one, **ctx))
    got = repo.focus_candidates(as_of=AS_OF)
    ref = focus_candidates(_stats_of=_one_by_one, **ctx)
    if role == "analyst":
        ref = protect_clusters(ref, _stats_of=_one_by_one, **ctx)
    _same_frames(got, ref)


def _random_world(seed: int):
    rng = np.random.default_rng(seed)
    n = 3_000
    xy = np.column_stack([600_000 + rng.uniform(0, 5_000, n), 6_200_000 + rng.uniform(0, 5_000, n)])
    xy[rng.choice(n, 20, replace=False)] = np.nan  # entrances without coordinates are in no polygon
    ids = [f"e{i}" for i in range(n)]
    ent = pd.DataFrame({"entrance_id": ids, "x": xy[:, 0], "y": xy[:, 1]})
    uniq = pd.Index(ent["entrance_id"].unique())
    scores = pd.Series(np.where(rng.random(len(uniq)) < 0.3, rng.uniform(0.1, 5, len(uniq)), 0.0), index=uniq)
    dw = pd.Series(rng.integers(1, 12, len(uniq)), index=uniq).iloc[: len(uniq) - 50]  # some unknown: 1
    m = 2_500
    sig_ent = list(rng.choice(uniq, m)) + ["not-in-register"] * 5
    sig = pd.DataFrame({"entrance_id": sig_ent,
                        "kind": rng.choice(["eviction_risk", "landlord_report", "neighbour_complaint",
                                            "caretaker_concern"], len(sig_ent)),
                        "signal_id": [f"s{seed}-{i}" for i in range(len(sig_ent))]})
    sig = sig.sample(frac=1.0, random_state=seed).set_index(pd.Index(rng.permutation(len(sig)) * 3))
    return ent, dw, sig, scores, rng


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_pass__equals_per_polygon_on_random_polygons(seed):
    ent, dw, sig, scores, rng = _random_world(seed)
    polys = []
    for _ in range(60):
        cx, cy = 600_000 + rng.uniform(-200, 5_200), 6_200_000 + rng.uniform(-200, 5_200)
        pts = np.column_stack([cx + rng.normal(0, 250, 8), cy + rng.normal(0, 250, 8)])
        polys.append(shapely.MultiPoint(pts).convex_hull.buffer(float(rng.uniform(0, 80))))
    polys += [shapely.box(590_000, 6_190_000, 590_100, 6_190_100),  # empty of entrances
              shapely.box(600_000, 6_200_000, 605_000, 6_205_000),  # all of them
              shapely.box(601_000, 6_201_000, 602_000, 6_202_000).union(
                  shapely.box(603_000, 6_203_000, 603_500, 6_203_500))]  # a MultiPolygon
    ctx = {"entrances": ent, "dwellings": dw, "signals": sig, "scores": scores}
    for protected in (False, True):
        _same_stats(polygons_stats(polys, **ctx, protected=protected), _one_by_one(polys, **ctx, protected=protected))
    assert polygons_stats([], **ctx) == []
    # and through the clusters, both views
    new = focus_candidates(eps_m=120, min_samples=3, **ctx)
    old = focus_candidates(eps_m=120, min_samples=3, _stats_of=_one_by_one, **ctx)
    assert len(new) > 5
    _same_frames(new, old)
    _same_frames(protect_clusters(new, **ctx), protect_clusters(old, _stats_of=_one_by_one, **ctx))
    assert polygons_stats(polys[:1], **ctx) == [polygon_stats(polys[0], **ctx)]

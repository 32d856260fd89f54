"""Focus-area candidates: DBSCAN in metres, polygons and their statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from detection.priorities.focus import focus_candidates, polygon_stats, protect_clusters


def _world():
    rng = np.random.default_rng(3)
    # two tight groups of concerned entrances (10 and 5) far apart, plus lone ones and quiet neighbours
    a = np.column_stack([600_000 + rng.uniform(0, 120, 10), 6_200_000 + rng.uniform(0, 120, 10)])
    b = np.column_stack([603_000 + rng.uniform(0, 60, 5), 6_201_000 + rng.uniform(0, 60, 5)])
    lone = np.array([[605_000, 6_205_000], [608_000, 6_190_000]])
    quiet = np.column_stack([600_050 + rng.uniform(0, 20, 30), 6_200_050 + rng.uniform(0, 20, 30)])
    xy = np.vstack([a, b, lone, quiet])
    ent = pd.DataFrame({"entrance_id": [f"e{i}" for i in range(len(xy))], "x": xy[:, 0], "y": xy[:, 1]})
    concerned = ent["entrance_id"].iloc[:17]
    scores = pd.Series(0.0, index=ent["entrance_id"])
    scores[concerned] = [2.0] * 10 + [1.0] * 5 + [3.0, 3.0]
    sig = pd.DataFrame({"entrance_id": list(concerned) + ["e0"], "kind": ["eviction_risk"] * 18,
                        "signal_id": [f"s{i}" for i in range(18)]})
    dw = pd.Series(1, index=ent["entrance_id"])
    return ent, dw, sig, scores


def test_candidates__two_clusters_numbered_by_score_with_stats():
    ent, dw, sig, scores = _world()
    c = focus_candidates(entrances=ent, dwellings=dw, signals=sig, scores=scores, eps_m=100, min_samples=3)
    assert list(c["cluster"]) == [1, 2]
    first, second = c.iloc[0], c.iloc[1]
    assert first["concerned_entrances"] == 10 and first["signals"] == 11 and first["score"] == 20.0
    assert first["dwellings"] == 40 and first["entrances"] == 40  # quiet neighbours inside count as dwellings
    assert second["concerned_entrances"] == 5 and second["dwellings"] == 5
    assert first["signals_by_kind"] == {"eviction_risk": 11}
    assert all(g.geom_type == "Polygon" and g.is_valid for g in c.geometry)
    # lone entrances are noise, in no polygon
    for x, y in [(605_000, 6_205_000), (608_000, 6_190_000)]:
        assert not c.geometry.contains(shapely.Point(x, y)).any()
    again = focus_candidates(entrances=ent, dwellings=dw, signals=sig, scores=scores, eps_m=100, min_samples=3)
    assert again.drop(columns="geometry").equals(c.drop(columns="geometry"))


def test_candidates__eps_changes_clustering():
    ent, dw, sig, scores = _world()
    none = focus_candidates(entrances=ent, dwellings=dw, signals=sig, scores=scores, eps_m=10, min_samples=6)
    assert len(none) == 0 and "cluster" in none.columns


def test_protect_clusters__small_left_out_counts_rounded_shapes_coarsened():
    ent, dw, sig, scores = _world()
    c = focus_candidates(entrances=ent, dwellings=dw, signals=sig, scores=scores, eps_m=100, min_samples=3)
    m = protect_clusters(c, entrances=ent, dwellings=dw, signals=sig, scores=scores)
    assert list(m["cluster"]) == [1]  # the 5-dwelling cluster is under 20
    first = m.iloc[0]
    assert first["signals"] in (10, 15) and first["concerned_entrances"] == 10 and first["score"] == 20
    assert first["entrances"] == 40 and first["dwellings"] == 40
    assert first["signals_by_kind"] == {"eviction_risk": first["signals"]}
    assert m.geometry.iloc[0].contains(c.geometry.iloc[0])  # 250 m cells, not the hull
    again = protect_clusters(c, entrances=ent, dwellings=dw, signals=sig, scores=scores)
    assert again.drop(columns="geometry").equals(m.drop(columns="geometry"))


def test_polygon_stats__any_polygon():
    ent, dw, sig, scores = _world()
    st = polygon_stats(shapely.box(602_900, 6_200_900, 603_100, 6_201_100), entrances=ent, dwellings=dw,
                       signals=sig, scores=scores)
    assert st["entrances"] == 5 and st["signals"] == 5 and st["score"] == 5.0 and st["area_m2"] == 40_000.0

"""Gi* hot spots with Benjamini–Hochberg: a planted hot spot is found, background is not."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from detection.priorities.hotspots import benjamini_hochberg, gi_star, grid_weights, hotspots
from detection.priorities.ranking import entrance_area_ids, rank_areas
from detection.priorities.scoring import ModelParams

AS_OF = date(2026, 11, 1)
X0, Y0 = 590_000, 6_190_000


def _planted(seed: int = 11):
    """15 × 15 cells of 250 m, 40 dwellings each; ~4 % background, a 3 × 3 block at 30 % around cell (7, 7)."""
    rng = np.random.default_rng(seed)
    rows, sig = [], []
    for i in range(15):
        for j in range(15):
            hot = abs(i - 7) <= 1 and abs(j - 7) <= 1
            p = (0.45 if (i, j) == (7, 7) else 0.30) if hot else 0.04
            for k in range(40):
                eid = f"{i}-{j}-{k}"
                rows.append((eid, X0 + j * 250 + rng.uniform(5, 245), Y0 + i * 250 + rng.uniform(5, 245)))
                if rng.random() < p:
                    sig.append((eid, "landlord_report", AS_OF, 2, f"p{rng.integers(6)}", ""))
    ent = pd.DataFrame(rows, columns=["entrance_id", "x", "y"])
    signals = pd.DataFrame(sig, columns=["entrance_id", "kind", "received", "credibility", "partner_id", "source"])
    return ent, signals


def test_planted_hotspot__ranks_first_and_is_flagged():
    ent, sig = _planted()
    aoe = entrance_area_ids(ent, "grid250")
    r = rank_areas(area_of_entrance=aoe, dwellings=pd.Series(1, index=ent["entrance_id"]), signals=sig,
                   params=ModelParams(), as_of=AS_OF, weights=grid_weights)
    centre = aoe[ent.set_index("entrance_id").index[(ent["x"] > X0 + 7 * 250) & (ent["x"] < X0 + 8 * 250)
                                                    & (ent["y"] > Y0 + 7 * 250) & (ent["y"] < Y0 + 8 * 250)]].iloc[0]
    assert r["area_id"].iloc[0] == centre
    assert bool(r["hotspot"].iloc[0]) and r["hotspot_p"].iloc[0] < 0.05
    # the flagged cells are the planted block (and at most its direct ring); none far away
    flagged = r[r["hotspot"]]["area_id"]
    xy = flagged.str.split("_", expand=True)[[1, 2]].astype(int)
    ci, cj = (int(v) for v in centre.split("_")[1:])
    assert ((xy[1] - ci).abs() <= 50).all() and ((xy[2] - cj).abs() <= 50).all()  # within 2 cells (25 = 250 m)
    assert len(flagged) >= 5
    # same inputs, same result
    again = rank_areas(area_of_entrance=aoe, dwellings=pd.Series(1, index=ent["entrance_id"]), signals=sig,
                       params=ModelParams(), as_of=AS_OF, weights=grid_weights)
    pd.testing.assert_frame_equal(r, again)


def test_background_only__no_hotspot():
    rng = np.random.default_rng(5)
    ids = np.array([f"250m_{619000 + 25 * i}_{5900 + 25 * j}" for i in range(12) for j in range(12)])
    values = rng.poisson(2.0, len(ids)).astype(float)
    hs = hotspots(values, grid_weights(ids))
    assert not hs["hotspot"].any()


def test_gi_star__degenerate_inputs():
    ids = np.array(["250m_619000_5900", "250m_619000_5925", "250m_619025_5900"])
    z, p = gi_star(np.array([1.0, 1.0, 1.0]), grid_weights(ids))
    assert z.tolist() == [0, 0, 0] and p.tolist() == [1, 1, 1]


def test_benjamini_hochberg__matches_definition():
    rng = np.random.default_rng(2)
    p = np.concatenate([rng.uniform(0, 0.01, 10), rng.uniform(0, 1, 90)])
    sig, q = benjamini_hochberg(p, 0.05)
    # definition: reject the k smallest, k = max{i : p_(i) ≤ i/m · α}
    s = np.sort(p)
    ok = np.nonzero(s <= np.arange(1, 101) / 100 * 0.05)[0]
    k = ok.max() + 1 if len(ok) else 0
    assert sig.sum() == k and set(np.nonzero(sig)[0]) == set(np.argsort(p)[:k])
    assert (q >= p).all() and (q <= 1).all()


def test_gi_star_prepared__equals_esda_grid_and_polygons():
    """The cached Gi* (one sparse mat-vec on a kept CSR matrix) gives esda's analytic z
    and p on a grid and on polygons, so caching changes no hot spot."""
    import geopandas as gpd
    from shapely.geometry import box

    from detection.priorities.hotspots import gi_star_prepared, polygon_weights, prepare_gi_star

    rng = np.random.default_rng(3)
    ids = np.array([f"250m_{619000 + 25 * i}_{5900 + 25 * j}" for i in range(14) for j in range(11)
                    if (i * 7 + j) % 5])  # holes: cells with fewer neighbours
    polys = gpd.GeoDataFrame({"area_id": [f"p{i}" for i in range(30)]},
                             geometry=[box(590_000 + 100 * (i % 6), 6_190_000 + 100 * (i // 6),
                                           590_100 + 100 * (i % 6), 6_190_100 + 100 * (i // 6))
                                       for i in range(30)], crs="EPSG:25832")
    for w_make, n in ((lambda: grid_weights(ids), len(ids)), (lambda: polygon_weights(polys), 30)):
        gw = prepare_gi_star(w_make())
        for values in (rng.gamma(2.0, 10.0, n), np.r_[np.full(n - 3, 1.0), [40.0, 35.0, 50.0]]):
            z_ref, p_ref = gi_star(values, w_make())
            z, p = gi_star_prepared(values, gw)
            np.testing.assert_allclose(z, z_ref, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(p, p_ref, rtol=1e-12, atol=1e-15)
            assert np.abs(z_ref).max() > 1.0
            pd.testing.assert_frame_equal(hotspots(values, gw), hotspots(values, w_make()))
    gw = prepare_gi_star(grid_weights(ids[:3]))
    z, p = gi_star_prepared(np.array([1.0, 1.0, 1.0]), gw)
    assert z.tolist() == [0, 0, 0] and p.tolist() == [1, 1, 1]


def test_planted_hotspot__prepared_weights_accepted():
    """A weights builder may hand back prepared Gi* weights (cached by the caller)."""
    from detection.priorities.hotspots import prepare_gi_star

    ent, sig = _planted()
    aoe = entrance_area_ids(ent, "grid250")
    dw = pd.Series(1, index=ent["entrance_id"])
    a = rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=ModelParams(), as_of=AS_OF,
                   weights=lambda ids: prepare_gi_star(grid_weights(ids)))
    b = rank_areas(area_of_entrance=aoe, dwellings=dw, signals=sig, params=ModelParams(), as_of=AS_OF,
                   weights=grid_weights)
    pd.testing.assert_frame_equal(a, b)
    assert a["hotspot"].sum() >= 5


def test_grid_gi_weights__equal_libpysal_distance_band():
    """The direct grid matrix is libpysal's DistanceBand (1.5 sides) with self-weight 1,
    entry for entry, on 100 m, 250 m and 1 km cells with holes and isolated cells."""
    from detection.priorities.hotspots import grid_gi_weights, prepare_gi_star

    rng = np.random.default_rng(9)
    for prefix, unit_n, unit_e, step in (("250m", 619000, 5900, 25), ("100m", 61900, 5900, 1), ("1km", 6190, 590, 1)):
        cells = [(i, j) for i in range(12) for j in range(9) if rng.random() < 0.6] + [(30, 30)]
        ids = np.array([f"{prefix}_{unit_n + step * i}_{unit_e + step * j}" for i, j in cells], dtype=object)
        ids = ids[rng.permutation(len(ids))]
        direct = grid_gi_weights(ids)
        ref = prepare_gi_star(grid_weights(ids))
        assert (direct.matrix != ref.matrix).nnz == 0 and direct.matrix.nnz > len(ids)
        np.testing.assert_array_equal(direct.expected, ref.expected)
        np.testing.assert_array_equal(direct.var_factor, ref.var_factor)

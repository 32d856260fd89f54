"""Focus areas (*fokusområder*): clusters of concerned entrances, as polygons with statistics.

A *concerned* entrance is one with at least one signal that counts (score > 0,
:mod:`detection.priorities.scoring`). DBSCAN (scikit-learn, Euclidean distance in EPSG:25832 metres)
groups concerned entrances that lie within ``eps_m`` of each other, a cluster needing at
least ``min_samples`` of them; each cluster is drawn as the convex hull of its entrances
buffered by ``buffer_m`` (so two or three entrances in a row still make an area). Its
statistics count everything inside the polygon: concerned entrances, signals (by kind),
dwellings (all entrances, concerned or not) and the summed score. The statistics of all
clusters come from one spatial join of the register with their polygons (:func:`polygons_stats`).

Clusters are numbered 1, 2, … by descending score (ties by position), so the same inputs
give the same numbers.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from detection.errors import InputError
from detection.privacy import (
    KEY_SPACE,
    MIN_DWELLINGS,
    one_cell_key,
    protect,
    protect_parts,
    record_keys,
    round_keyed,
    shown,
    value_number,
)
from geo.areas import cell_polygon, ddkn_cell_ids
from geo.crs import WORK_CRS, in_denmark

EPS_M = 150.0
MIN_SAMPLES = 3
BUFFER_M = 40.0


def dbscan_labels(xy: np.ndarray, *, eps_m: float = EPS_M, min_samples: int = MIN_SAMPLES) -> np.ndarray:
    """DBSCAN cluster label per point (−1 = noise); metres in, deterministic."""
    from sklearn.cluster import DBSCAN

    if len(xy) == 0:
        return np.zeros(0, dtype=int)
    return DBSCAN(eps=float(eps_m), min_samples=int(min_samples), algorithm="kd_tree").fit(
        np.asarray(xy, dtype=float)).labels_


def polygon_stats(geometry, *, entrances: pd.DataFrame, dwellings: pd.Series,
                  signals: pd.DataFrame, scores: pd.Series, protected: bool = False) -> dict:
    """Statistics of any polygon (EPSG:25832).

    ``entrances``: ``entrance_id, x, y``; ``dwellings``/``scores``: indexed by entrance id;
    ``signals``: counting signals with ``entrance_id, kind`` (and ``signal_id`` for
    ``protected``). With ``protected`` (docs/privacy.md) every count and the score are
    rounded to a multiple of 5 by cell-key random rounding (``"<5"`` for 0), the signals
    total is the sum of the rounded kinds; dwellings are the register's, exact.
    """
    inside = shapely.contains_xy(geometry, entrances["x"].to_numpy(float), entrances["y"].to_numpy(float))
    ids = entrances["entrance_id"].to_numpy()[inside]
    sig = signals[signals["entrance_id"].isin(ids)]
    return _stats(geometry, ids, sig, dwellings=dwellings, scores=scores, protected=protected)


def polygons_stats(geometries, *, entrances: pd.DataFrame, dwellings: pd.Series,
                   signals: pd.DataFrame, scores: pd.Series, protected: bool = False) -> list[dict]:
    """:func:`polygon_stats` of many polygons from one spatial join (an STR tree of the
    entrances queried with every polygon at once) and grouped sums, not one scan of the
    register per polygon: the same dicts, in the order of ``geometries``."""
    geoms = np.asarray(list(geometries), dtype=object)
    n_poly = len(geoms)
    if n_poly == 0:
        return []
    # ---- the join: (polygon, entrance row) pairs, per polygon in register order
    x = entrances["x"].to_numpy(float)
    y = entrances["y"].to_numpy(float)
    finite = np.flatnonzero(np.isfinite(x) & np.isfinite(y))  # contains_xy: no NaN point is inside
    tree = shapely.STRtree(shapely.points(x[finite], y[finite]))
    poly_i, ent_i = tree.query(geoms, predicate="contains")
    ent_i = finite[ent_i]
    order = np.lexsort((ent_i, poly_i))
    poly_i, ent_i = poly_i[order], ent_i[order]
    ent_start = np.searchsorted(poly_i, np.arange(n_poly + 1))
    ent_ids = entrances["entrance_id"].to_numpy()
    member_ids = ent_ids[ent_i]
    sc = scores.reindex(member_ids).fillna(0.0).to_numpy(float)
    dw = dwellings.reindex(member_ids).fillna(1).to_numpy(float)
    n_ent = np.diff(ent_start)
    n_concerned = np.bincount(poly_i[sc > 0], minlength=n_poly)
    n_dw = np.bincount(poly_i, weights=dw, minlength=n_poly)
    # the score as pandas sums it: numpy's pairwise sum over each polygon's values in register order
    score = [round(float(sc[ent_start[p]:ent_start[p + 1]].sum()), 3) for p in range(n_poly)]

    # ---- signals: each polygon's rows, via the codes of its entrances' ids
    codes, uniques = pd.factorize(ent_ids, use_na_sentinel=False)
    sig_code = pd.Index(uniques).get_indexer(signals["entrance_id"].to_numpy())
    with_code = np.flatnonzero(sig_code >= 0)
    by_code = with_code[np.argsort(sig_code[with_code], kind="stable")]
    code_start = np.searchsorted(sig_code[by_code], np.arange(len(uniques) + 1))
    pc = np.unique(poly_i.astype(np.int64) * len(uniques) + codes[ent_i])  # each (polygon, id) once
    pc_poly, pc_code = pc // len(uniques), pc % len(uniques)
    lens = code_start[pc_code + 1] - code_start[pc_code]
    s_poly = np.repeat(pc_poly, lens)
    offs = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
    s_row = by_code[np.repeat(code_start[pc_code], lens) + offs]
    order = np.lexsort((s_row, s_poly))
    s_poly, s_row = s_poly[order], s_row[order]
    kind_code, kinds = pd.factorize(signals["kind"].to_numpy()[s_row], sort=True)
    kinds = [str(k) for k in kinds]
    n_kinds = len(kinds)
    by_kind = np.bincount(s_poly * n_kinds + kind_code, minlength=n_poly * n_kinds).reshape(n_poly, n_kinds) \
        if n_kinds else np.zeros((n_poly, 0), dtype=np.int64)
    n_sig = np.bincount(s_poly, minlength=n_poly)

    out = []
    for p in range(n_poly):
        present = np.flatnonzero(by_kind[p])
        counts = by_kind[p, present]
        # the order of ``Series.sort_values(ascending=False)`` (pandas' nargsort), without a Series
        desc = np.arange(len(counts))[::-1][counts[::-1].argsort(kind="quicksort")][::-1]
        out.append({
            "entrances": int(n_ent[p]),
            "concerned_entrances": int(n_concerned[p]),
            "signals": int(n_sig[p]),
            "signals_by_kind": {kinds[present[j]]: int(counts[j]) for j in desc},
            "dwellings": int(n_dw[p]),
            "score": score[p],
            "area_m2": round(float(geoms[p].area), 1),
        })
    if not protected:
        return out

    # ---- protected: the cell keys of each polygon's records, summed per polygon
    def keys_per_poly(poly: np.ndarray, ids: np.ndarray, size: int) -> np.ndarray:
        uniq, inv = np.unique(ids.astype(str), return_inverse=True)
        acc = np.zeros(size, dtype=np.uint64)
        np.add.at(acc, poly, record_keys(uniq)[inv])
        return acc % np.uint64(KEY_SPACE)

    ent_key = keys_per_poly(poly_i, member_ids, n_poly)
    conc_key = keys_per_poly(poly_i[sc > 0], member_ids[sc > 0], n_poly)
    sig_ids = signals["signal_id"].to_numpy()[s_row]
    sig_key = keys_per_poly(s_poly, sig_ids, n_poly)
    kind_key = keys_per_poly(s_poly * n_kinds + kind_code, sig_ids, n_poly * n_kinds).reshape(n_poly, n_kinds)
    p_ent = protect(n_ent, ent_key, "entrances")
    p_conc = protect(n_concerned, conc_key, "concerned_entrances")
    p_score = protect(np.array(score, dtype=float), sig_key, "score")
    pp, kk = np.nonzero(by_kind)
    parts = np.zeros_like(by_kind)
    parts[pp, kk] = round_keyed(by_kind[pp, kk].astype(float), kind_key[pp, kk], "signals")
    for p in range(n_poly):
        present = np.flatnonzero(by_kind[p])
        part = parts[p, present]
        order = np.argsort(-part, kind="stable")
        out[p].update({
            "entrances": p_ent[p],
            "concerned_entrances": p_conc[p],
            "signals": shown(int(part.sum())) if len(present) else shown(0),
            "signals_by_kind": {kinds[present[j]]: int(part[j]) for j in order if part[j] > 0},
            "score": p_score[p],
        })
    return out


def _stats(geometry, ids: np.ndarray, sig: pd.DataFrame, *, dwellings: pd.Series, scores: pd.Series,  # noqa: ANN001
           protected: bool) -> dict:
    """The statistics of a polygon holding the entrances ``ids`` and the signals ``sig``."""
    by_kind = sig.groupby("kind").size().sort_values(ascending=False)
    sc = scores.reindex(ids).fillna(0.0)
    out = {
        "entrances": int(len(ids)),
        "concerned_entrances": int((sc > 0).sum()),
        "signals": int(len(sig)),
        "signals_by_kind": {str(k): int(v) for k, v in by_kind.items()},
        "dwellings": int(dwellings.reindex(ids).fillna(1).sum()),
        "score": round(float(sc.sum()), 3),
        "area_m2": round(float(geometry.area), 1),
    }
    if not protected:
        return out
    def key(record_ids) -> np.ndarray:  # noqa: ANN001
        return one_cell_key(record_keys(record_ids))

    sig_key = key(sig["signal_id"].astype(str).tolist())
    kinds = sorted(by_kind.index.astype(str))
    kind_keys = np.array([key(sig.loc[sig["kind"] == k, "signal_id"].astype(str).tolist())[0] for k in kinds],
                         dtype=np.uint64)
    parts, total = protect_parts(np.array([[by_kind[k] for k in kinds]], dtype=float).reshape(1, len(kinds)),
                                 kind_keys.reshape(1, len(kinds)), "signals")
    order = np.argsort(-parts[0], kind="stable")
    out.update({
        "entrances": protect(np.array([len(ids)]), key(list(map(str, ids))), "entrances")[0],
        "concerned_entrances": protect(np.array([(sc > 0).sum()]), key(list(map(str, sc.index[sc > 0]))),
                                       "concerned_entrances")[0],
        "signals": shown(int(total[0])) if len(kinds) else shown(0),
        "signals_by_kind": {kinds[j]: int(parts[0][j]) for j in order if parts[0][j] > 0},
        "score": protect(np.array([out["score"]]), sig_key, "score")[0],
    })
    return out


def _one_by_one(geometries, **ctx) -> list[dict]:  # noqa: ANN001, ANN003
    """:func:`polygon_stats` per polygon, each scanning the whole register: the reference
    that :func:`polygons_stats` equals (tests, ``bench/focus.py``)."""
    return [polygon_stats(g, **ctx) for g in geometries]


def focus_candidates(*, entrances: pd.DataFrame, dwellings: pd.Series, signals: pd.DataFrame,
                     scores: pd.Series, eps_m: float = EPS_M, min_samples: int = MIN_SAMPLES,
                     buffer_m: float = BUFFER_M, _stats_of=polygons_stats) -> gpd.GeoDataFrame:  # noqa: ANN001
    """Cluster the concerned entrances; one row per cluster with its polygon and statistics.

    Returns a GeoDataFrame (EPSG:25832) with ``cluster`` (1 = highest score), ``geometry``
    and the keys of :func:`polygon_stats` as columns, sorted by ``cluster``. The statistics
    of all clusters come from one spatial join (:func:`polygons_stats`).
    """
    cols = ["cluster", "entrances", "concerned_entrances", "signals", "signals_by_kind",
            "dwellings", "score", "area_m2"]
    concerned = scores[scores > 0]
    pts = entrances.set_index("entrance_id").reindex(concerned.index)[["x", "y"]].dropna()
    labels = dbscan_labels(pts.to_numpy(), eps_m=eps_m, min_samples=min_samples)
    rows, geoms = [], []
    for lab in sorted(set(labels) - {-1}):
        member = pts[labels == lab]
        hull = shapely.MultiPoint(member.to_numpy()).convex_hull.buffer(buffer_m, quad_segs=8)
        rows.append({"_x": float(member["x"].min()), "_y": float(member["y"].min())})
        geoms.append(hull)
    stats = _stats_of(geoms, entrances=entrances, dwellings=dwellings, signals=signals, scores=scores)
    rows = [{**st, **r} for st, r in zip(stats, rows, strict=True)]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=WORK_CRS)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=WORK_CRS)
    gdf = gdf.sort_values(["score", "_x", "_y"], ascending=[False, True, True], kind="mergesort")
    gdf["cluster"] = np.arange(1, len(gdf) + 1)
    return gdf[[*cols, "geometry"]].reset_index(drop=True)


def protect_clusters(gdf: gpd.GeoDataFrame, *, entrances: pd.DataFrame, dwellings: pd.Series,
                     signals: pd.DataFrame, scores: pd.Series, _stats_of=polygons_stats) -> gpd.GeoDataFrame:  # noqa: ANN001
    """Clusters as those who may not see addresses see them (docs/privacy.md): under 20
    dwellings left out, the statistics of each shape protected (:func:`polygon_stats`),
    numbered again by the protected score, each shape coarsened to the 250 m grid cells it
    touches."""
    rows, geoms = [], []
    stats = _stats_of(list(gdf.geometry), entrances=entrances, dwellings=dwellings, signals=signals,
                      scores=scores, protected=True)
    for geometry, st in zip(gdf.geometry, stats, strict=True):
        if st["dwellings"] < MIN_DWELLINGS:
            continue
        rows.append({**st, "_order": len(rows), "_score": value_number(st["score"])})
        geoms.append(coarsen_to_grid(geometry))
    cols = [c for c in gdf.columns if c != "geometry"]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=WORK_CRS)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=WORK_CRS)
    out = out.sort_values(["_score", "_order"], ascending=[False, True], kind="mergesort")
    out["cluster"] = np.arange(1, len(out) + 1)
    return out[[*cols, "geometry"]].reset_index(drop=True)


def valid_area_polygon(geometry, what: str = "a focus area"):  # noqa: ANN001, ANN201
    """``geometry`` repaired (``make_valid``) as a (Multi)Polygon in EPSG:25832 inside
    Denmark, or :class:`InputError` saying what is wrong (used for saved focus areas and
    for areas drawn to plan routes in)."""
    if geometry is None:
        raise InputError(f"{what} needs a polygon")
    geometry = shapely.make_valid(geometry)
    if geometry.geom_type == "GeometryCollection":
        geometry = shapely.union_all([g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError(f"{what} must be a polygon; got {geometry.geom_type}")
    minx, miny, maxx, maxy = geometry.bounds
    if not in_denmark(minx, miny, maxx, maxy):
        raise InputError("the polygon is not in Denmark in EPSG:25832 metres (were the coordinates "
                         "longitude/latitude?)")
    return geometry


def coarsen_to_grid(geometry):  # noqa: ANN001, ANN201
    """The union of the 250 m DDKN cells a shape touches: what a role that may not see
    addresses sees of a cluster's shape (no outline traces single buildings)."""
    minx, miny, maxx, maxy = geometry.bounds
    xs = np.arange(np.floor(minx / 250) * 250, maxx, 250) + 125
    ys = np.arange(np.floor(miny / 250) * 250, maxy, 250) + 125
    gx, gy = np.meshgrid(xs, ys)
    cells = np.unique(ddkn_cell_ids(gx.ravel(), gy.ravel(), size_m=250))
    polys = [cell_polygon(c) for c in cells]
    polys = [p for p in polys if p.intersects(geometry)]
    return shapely.union_all(polys) if polys else geometry.envelope

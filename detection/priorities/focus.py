"""Focus areas (*fokusområder*): clusters of concerned entrances, as polygons with statistics.

A *concerned* entrance is one with at least one signal that counts (score > 0,
:mod:`detection.priorities.scoring`). DBSCAN (scikit-learn, Euclidean distance in EPSG:25832 metres)
groups concerned entrances that lie within ``eps_m`` of each other, a cluster needing at
least ``min_samples`` of them; each cluster is drawn as the convex hull of its entrances
buffered by ``buffer_m`` (so two or three entrances in a row still make an area). Its
statistics count everything inside the polygon: concerned entrances, signals (by kind),
dwellings (all entrances, concerned or not) and the summed score.

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
    MIN_DWELLINGS,
    one_cell_key,
    protect,
    protect_parts,
    record_keys,
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


def focus_candidates(*, entrances: pd.DataFrame, dwellings: pd.Series, signals: pd.DataFrame,
                     scores: pd.Series, eps_m: float = EPS_M, min_samples: int = MIN_SAMPLES,
                     buffer_m: float = BUFFER_M) -> gpd.GeoDataFrame:
    """Cluster the concerned entrances; one row per cluster with its polygon and statistics.

    Returns a GeoDataFrame (EPSG:25832) with ``cluster`` (1 = highest score), ``geometry``
    and the keys of :func:`polygon_stats` as columns, sorted by ``cluster``.
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
        st = polygon_stats(hull, entrances=entrances, dwellings=dwellings, signals=signals, scores=scores)
        rows.append({**st, "_x": float(member["x"].min()), "_y": float(member["y"].min())})
        geoms.append(hull)
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=WORK_CRS)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=WORK_CRS)
    gdf = gdf.sort_values(["score", "_x", "_y"], ascending=[False, True, True], kind="mergesort")
    gdf["cluster"] = np.arange(1, len(gdf) + 1)
    return gdf[[*cols, "geometry"]].reset_index(drop=True)


def protect_clusters(gdf: gpd.GeoDataFrame, *, entrances: pd.DataFrame, dwellings: pd.Series,
                     signals: pd.DataFrame, scores: pd.Series) -> gpd.GeoDataFrame:
    """Clusters as those who may not see addresses see them (docs/privacy.md): under 20
    dwellings left out, the statistics of each shape protected (:func:`polygon_stats`),
    numbered again by the protected score, each shape coarsened to the 250 m grid cells it
    touches."""
    rows, geoms = [], []
    for r in gdf.itertuples(index=False):
        st = polygon_stats(r.geometry, entrances=entrances, dwellings=dwellings, signals=signals, scores=scores,
                           protected=True)
        if st["dwellings"] < MIN_DWELLINGS:
            continue
        rows.append({**st, "_order": len(rows), "_score": value_number(st["score"])})
        geoms.append(coarsen_to_grid(r.geometry))
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

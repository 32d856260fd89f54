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
from detection.privacy import mask_aggregates, mask_record
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
                  signals: pd.DataFrame, scores: pd.Series) -> dict:
    """Statistics of any polygon (EPSG:25832).

    ``entrances``: ``entrance_id, x, y``; ``dwellings``/``scores``: indexed by entrance id;
    ``signals``: counting signals with ``entrance_id, kind``.
    """
    inside = shapely.contains_xy(geometry, entrances["x"].to_numpy(float), entrances["y"].to_numpy(float))
    ids = entrances["entrance_id"].to_numpy()[inside]
    sig = signals[signals["entrance_id"].isin(ids)]
    by_kind = sig.groupby("kind").size().sort_values(ascending=False)
    sc = scores.reindex(ids).fillna(0.0)
    return {
        "entrances": int(len(ids)),
        "concerned_entrances": int((sc > 0).sum()),
        "signals": int(len(sig)),
        "signals_by_kind": {str(k): int(v) for k, v in by_kind.items()},
        "dwellings": int(dwellings.reindex(ids).fillna(1).sum()),
        "score": round(float(sc.sum()), 3),
        "area_m2": round(float(geometry.area), 1),
    }


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


FOCUS_COUNTS = ("entrances", "concerned_entrances", "signals")


def mask_stats(stats: dict) -> dict:
    """Statistics of one focus area as a role that may not see addresses sees them."""
    return mask_record(stats, counts=FOCUS_COUNTS)


def mask_clusters(gdf: gpd.GeoDataFrame, *, sees_addresses: bool) -> gpd.GeoDataFrame:
    """Clusters as a role may see them: under 20 dwellings left out, counts 1–4 as ``<5``."""
    if sees_addresses:
        return gdf
    return mask_aggregates(gdf, counts=FOCUS_COUNTS).reset_index(drop=True)


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

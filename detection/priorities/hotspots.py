"""Hot spots: Getis-Ord Gi* (esda/libpysal) with a Benjamini–Hochberg correction.

For each area, Gi* compares the sum of a value over the area and its neighbours (the area
itself included: the *star*) with what the whole layer would give at random. We use the
analytic z-score of ``esda.G_Local`` (binary weights, ``star=True``, no permutations), so
the result is deterministic and fast; the one-sided p-value is ``P(Z ≥ z)`` (hot spots
only). For a live re-rank the same formula is evaluated from weights prepared once
(:class:`GiStarWeights`, :func:`gi_star_prepared`; tested equal to esda). The p-values of all areas are then corrected for multiple testing with the
Benjamini–Hochberg step-up procedure (our own five lines, :func:`benjamini_hochberg`), and
an area is a hot spot when its corrected test is significant at ``alpha`` (0.05).

Neighbours: polygons (parishes, uploaded layers) share an edge or a corner (queen
contiguity); DDKN grid cells are neighbours when their centres are within 1.5 cell sides
(the 8 surrounding cells). Only cells holding dwellings exist, so empty cells are not
neighbours.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse, special

ALPHA = 0.05


def benjamini_hochberg(p: np.ndarray, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg FDR: (significant mask, adjusted p-values).

    Own implementation (no statsmodels): sort p ascending, ``q_(i) = min_{j≥i} p_(j)·m/j``.

    >>> sig, q = benjamini_hochberg(np.array([0.01, 0.03, 0.02, 0.5]))
    >>> sig.tolist(), [round(float(v), 3) for v in q]
    ([True, True, True, False], [0.04, 0.04, 0.04, 0.5])
    """
    p = np.asarray(p, dtype=float)
    m = len(p)
    if m == 0:
        return np.zeros(0, dtype=bool), np.zeros(0)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    q = np.empty(m)
    q[order] = q_sorted
    return q <= alpha, q


def norm_sf(z: np.ndarray) -> np.ndarray:
    """``scipy.stats.norm.sf(z)``: the same function (``ndtr(−z)``), so the same bits, without
    importing ``scipy.stats`` (half a second of every ``opspor priorities``; issue 18)."""
    return special.ndtr(-np.asarray(z, dtype=float))


def cell_centres(cell_ids: np.ndarray) -> tuple[np.ndarray, float]:
    """Centres (x, y) of DDKN cell ids and the cell side in metres."""
    parts = [str(c).split("_") for c in np.asarray(cell_ids, dtype=object)]
    prefix = parts[0][0] if parts else "250m"
    n = np.array([int(p[1]) for p in parts], dtype=np.int64)
    e = np.array([int(p[2]) for p in parts], dtype=np.int64)
    size, unit = {"100m": (100.0, 100.0), "250m": (250.0, 10.0), "1km": (1000.0, 1000.0)}[prefix]
    xy = np.column_stack([e * unit + size / 2, n * unit + size / 2])
    return xy, size


def _star(w):
    """``w`` with self-weights 1 (Gi*), binary transform; done once so each Gi* call reuses it."""
    from libpysal.weights.util import fill_diagonal

    w = fill_diagonal(w, 1)
    w.transform = "B"
    return w


def grid_weights(cell_ids: np.ndarray):
    """Binary libpysal weights with self-weight (Gi*): the cell and its 8 surrounding cells
    (centres within 1.5 sides)."""
    from libpysal.weights import DistanceBand

    xy, size = cell_centres(cell_ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _star(DistanceBand(xy, threshold=size * 1.5, binary=True, silence_warnings=True))


def polygon_weights(areas: gpd.GeoDataFrame):
    """Binary queen-contiguity weights of polygons with self-weight (Gi*), in the frame's row order."""
    from libpysal.weights import Queen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _star(Queen.from_dataframe(areas.reset_index(drop=True), use_index=False, silence_warnings=True))


def gi_star(values: np.ndarray, w) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z-scores and one-sided p-values (``P(Z ≥ z)``) of ``values`` under weights ``w``.

    Areas where the statistic is undefined (no variation, fewer than 3 areas) get z = 0,
    p = 1.
    """
    import esda

    y = np.asarray(values, dtype=float)
    n = len(y)
    if _degenerate(y):
        return np.zeros(n), np.ones(n)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        g = esda.G_Local(y, w, transform="B", permutations=0, star=True)
    z = np.nan_to_num(np.asarray(g.Zs, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    return z, norm_sf(z)


@dataclass(frozen=True)
class GiStarWeights:
    """The value-independent part of Gi*, computed once per layer and area set.

    ``esda.G_Local`` re-sets the weights' transform on every call, which empties
    libpysal's cache, so each call rebuilt the sparse matrix from the neighbour dicts
    (≈0.4 s for 24k cells) — most of a slider move. Here the binary matrix with its unit
    diagonal is kept as CSR together with the moments that depend only on it, and
    :func:`gi_star_prepared` evaluates esda's analytic formula (``G_Local.calc`` with
    ``star=True``, esda 2.x) in the same order of operations. A test checks it against
    esda on fixtures (tests/detection/test_hotspots.py).
    """

    matrix: sparse.csr_array
    """Binary weights in the areas' order, self-weight 1."""
    expected: np.ndarray
    """E[G*_i] = cardinality_i / N."""
    var_factor: np.ndarray
    """card_i (N − card_i) / (N − 1) / N²; times var(y) / mean(y)² gives Var[G*_i]."""

    @property
    def n(self) -> int:
        return self.matrix.shape[0]


def prepare_gi_star(w) -> GiStarWeights:
    """:class:`GiStarWeights` of libpysal weights ``w`` (as esda would use them: a zero
    diagonal is filled with 1, binary transform)."""
    from libpysal.weights.util import fill_diagonal

    if (w.sparse.diagonal() == 0).all():
        w = fill_diagonal(w, 1)
    if w.transform.upper() != "B":  # setting it, even to the same value, drops libpysal's cached matrix
        w.transform = "B"
    return _gi_from_matrix(sparse.csr_array(w.sparse))


def _gi_from_matrix(m: sparse.csr_array) -> GiStarWeights:
    big_n = m.shape[0]
    card = np.asarray(m.sum(axis=1)).squeeze()
    ev = card * (big_n - card)
    ev = ev / (big_n - 1)
    ev = ev * (1 / big_n**2)
    return GiStarWeights(matrix=m, expected=card / big_n, var_factor=ev)


def grid_gi_weights(cell_ids: np.ndarray) -> GiStarWeights:
    """:func:`grid_weights` for Gi*, built straight from the cells' integer grid positions
    (the cell and its 8 surrounding cells that exist — exactly the centres within 1.5
    sides), without libpysal's per-cell Python loops: 24k cells in milliseconds instead of
    seconds. Equal to ``prepare_gi_star(grid_weights(cell_ids))`` (tested)."""
    ids = np.asarray(cell_ids, dtype=object)
    n = len(ids)
    if n == 0:
        return _gi_from_matrix(sparse.csr_array((0, 0)))
    xy, size = cell_centres(ids)
    col = np.floor(xy[:, 0] / size).astype(np.int64)
    row = np.floor(xy[:, 1] / size).astype(np.int64)
    span = int(col.max() - col.min()) + 3
    key = (row - row.min() + 1) * span + (col - col.min() + 1)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    rows, cols = [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            target = key + dr * span + dc
            pos = np.searchsorted(sorted_key, target).clip(max=n - 1)
            hit = sorted_key[pos] == target
            rows.append(np.flatnonzero(hit))
            cols.append(order[pos[hit]])
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = sparse.csr_array((np.ones(len(r)), (r, c)), shape=(n, n))
    m.sum_duplicates()
    m.sort_indices()
    return _gi_from_matrix(m)


def polygon_gi_weights(areas: gpd.GeoDataFrame) -> GiStarWeights:
    """:func:`polygon_weights` for Gi*, without libpysal (which takes a second to import,
    the most of ranking a layer of parishes; issue 18): polygons are neighbours when their
    boundaries share a vertex — libpysal's queen contiguity, which compares the boundary
    points' exact coordinates — and each polygon is its own neighbour. Equal to
    ``prepare_gi_star(polygon_weights(areas))`` (tested)."""
    geoms = np.asarray(areas.geometry, dtype=object)
    n = len(geoms)
    if n == 0:
        return _gi_from_matrix(sparse.csr_array((0, 0)))
    xy, owner = shapely.get_coordinates(shapely.boundary(geoms), return_index=True)
    vertex = pd.factorize(pd.MultiIndex.from_arrays([xy[:, 0], xy[:, 1]]))[0]
    at = pd.DataFrame({"v": vertex, "p": owner}).drop_duplicates()
    pairs = at.merge(at, on="v")[["p_x", "p_y"]].drop_duplicates()  # a polygon with itself as well
    r, c = pairs["p_x"].to_numpy(np.int64), pairs["p_y"].to_numpy(np.int64)
    diagonal = np.arange(n)  # a polygon without vertices (empty) is still its own neighbour
    r, c = np.concatenate([r, diagonal]), np.concatenate([c, diagonal])
    keep = np.unique(r * n + c)
    m = sparse.csr_array((np.ones(len(keep)), (keep // n, keep % n)), shape=(n, n))
    m.sort_indices()
    return _gi_from_matrix(m)


def _degenerate(y: np.ndarray) -> bool:
    return len(y) < 3 or not np.isfinite(y).all() or np.ptp(y) == 0 or y.sum() <= 0


def gi_star_prepared(values: np.ndarray, gw: GiStarWeights) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gi_star` from prepared weights: one sparse mat-vec instead of esda's rebuild."""
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n != gw.n:
        raise ValueError(f"{n} values for weights of {gw.n} areas")
    if _degenerate(y):
        return np.zeros(n), np.ones(n)
    with np.errstate(all="ignore"):
        statistic = (gw.matrix @ y) / y.sum()
        mean = y.sum() / n
        variance = (y**2).sum() / n - mean**2
        z = (statistic - gw.expected) / np.sqrt(gw.var_factor * (variance / (mean**2)))
    z = np.nan_to_num(np.asarray(z, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    return z, norm_sf(z)


def hotspots(values: np.ndarray, w, *, alpha: float = ALPHA) -> pd.DataFrame:
    """Gi* with Benjamini–Hochberg: ``hotspot`` (bool), ``hotspot_p`` (BH-adjusted), ``hotspot_z``.

    ``w``: libpysal weights (esda computes Gi*) or :class:`GiStarWeights` (cached path).
    """
    z, p = gi_star_prepared(values, w) if isinstance(w, GiStarWeights) else gi_star(values, w)
    sig, q = benjamini_hochberg(p, alpha)
    return pd.DataFrame({"hotspot": sig & (z > 0), "hotspot_p": q, "hotspot_z": z})

"""Turfs: cut the doors of a focus area into K compact turfs of about equal work, one per
pair, and plan each pair inside its own turf from day to day (issue 17; pure: no database,
no UI).

Method
------
1. **Work per door** (seconds): its service time (:meth:`PlanSettings.service_s`: 60 s per
   entrance + 90 s per unit by default) plus a share of walking: the mean walk to its two
   nearest doors at the walking speed (a round visits each door with one leg in and one
   out, so a tour is about the sum of these shares). The walk from the start point to a
   turf is not counted: it is the same trip whichever doors the turf holds.
2. **Contiguity**: two doors are neighbours when their Voronoi cells touch (the Delaunay
   triangulation; always one connected graph, also across fields and water).
3. **Regions**: ``spopt``'s region k-means (:class:`spopt.region.RegionKMeansHeuristic`,
   PySAL) grows K contiguous, compact regions. Its run time grows steeply with the number
   of units (3 s for 500 doors, a minute for 1,500), so above :data:`TURF_BLOCKS` doors it
   runs on blocks of nearby doors (k-means on the coordinates, weighted by work) instead.
4. **Balance**: region k-means minimises the spread of coordinates, not the work, so a
   dense village next to scattered farms gets one heavy and one light turf. A local search
   then moves single doors on a turf's edge to a lighter neighbouring turf: each move must
   lower the sum of squared turf work (so the search ends), must not cut the giving turf
   in two, and of the allowed moves the one that costs least compactness (the door closest
   to the receiving turf's centre, relative to its own) is made, until the most ÷ least
   work is within :data:`BALANCE_TOL` or no move helps.
5. **Polygons**: each door's Voronoi cell clipped to the area (the focus area's polygon,
   else the doors' hull widened by :data:`HULL_BUFFER_M`); a turf is the union of its
   doors' cells, so the turfs tile the area without overlap. Compactness is
   Polsby–Popper, 4πA/P² (1 = a circle).

Units: EPSG:25832 metres, seconds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import shapely
from shapely.geometry import mapping

from detection.routes import planner as rt
from geo.crs import xy_to_lonlat

TURF_BLOCKS = 200
"""Region k-means runs on at most this many units (doors, or blocks of nearby doors)."""
BALANCE_TOL = 1.10
"""The balancing search stops once the most ÷ least turf work is at most this."""
HULL_BUFFER_M = 50.0
"""Without an area polygon, the turfs tile the doors' convex hull widened by this (metres)."""
JITTER_M = 0.5
"""Doors at the very same point are spread this far apart, so each has its own cell."""
MIN_TURF_SECONDS = 0.2
"""Each turf's solve gets at least this much time (seconds)."""


@dataclass(frozen=True)
class Turf:
    """One pair's turf: ``number`` (1…K, the pair), ``doors`` (indices into the input
    doors), ``work_s`` (seconds), ``compactness`` (Polsby–Popper, 0 for an empty turf) and
    ``geometry`` (EPSG:25832)."""

    number: int
    doors: tuple[int, ...]
    work_s: float
    compactness: float
    geometry: shapely.Geometry


@dataclass(frozen=True)
class Turfs:
    """The result of :func:`make_turfs`: ``labels[i]`` is door ``i``'s turf number (1…K)."""

    turfs: tuple[Turf, ...]
    labels: np.ndarray
    method: str

    @property
    def balance_ratio(self) -> float:
        """Most ÷ least work over the turfs (1 = even; ``inf`` with an empty turf)."""
        work = [tf.work_s for tf in self.turfs]
        if not work or max(work) == 0:
            return 1.0
        return max(work) / min(work) if min(work) > 0 else math.inf

    @property
    def compactness(self) -> float:
        """Mean Polsby–Popper over the non-empty turfs (0 when there are none)."""
        vals = [tf.compactness for tf in self.turfs if tf.doors]
        return float(np.mean(vals)) if vals else 0.0


def polsby_popper(geom: shapely.Geometry) -> float:
    """4πA/P² of a polygon (1 = a circle; a square is π/4 ≈ 0,785); 0 when it has no area.

    >>> round(polsby_popper(shapely.box(0, 0, 10, 10)), 3)
    0.785
    """
    a, p = float(geom.area), float(geom.length)
    return min(1.0, 4 * math.pi * a / (p * p)) if a > 0 and p > 0 else 0.0


def door_work_s(doors: Sequence[rt.Door], *, settings: rt.PlanSettings | None = None,
                walking: rt.Walking | None = None) -> np.ndarray:
    """Work per door in seconds: service time + the mean walk to its two nearest doors.

    ``walking`` (index 0 = the start point, 1… = ``doors``) gives walking metres; without
    it (or where it is ``inf``) straight lines × :data:`planner.STRAIGHT_LINE_DETOUR`.
    """
    from scipy.spatial import cKDTree  # loaded on first use

    s = settings or rt.PlanSettings(days=(date(2026, 1, 5),), start_xy=(0.0, 0.0))
    n = len(doors)
    service = np.array([s.service_s(d) for d in doors], dtype=float)
    if n < 2:
        return service
    xy = np.array([(d.x, d.y) for d in doors], dtype=float)
    kk = min(3, n)
    dist, idx = cKDTree(xy).query(xy, k=kk)
    straight = dist[:, 1:] * rt.STRAIGHT_LINE_DETOUR
    if walking is not None and walking.dist_m.shape[0] == n + 1:
        dm = walking.dist_m[1:, 1:].copy()
        np.fill_diagonal(dm, np.inf)
        part = np.partition(dm, 1, axis=1)[:, :2] if n > 2 else dm[:, :1]
        near = np.where(np.isfinite(part), part, straight[:, :part.shape[1]])
    else:
        near = straight
    return service + near.mean(axis=1) / s.speed_mps


# --------------------------------------------------------------------------- turfs


def make_turfs(doors: Sequence[rt.Door], k: int, *, seed: int = 1, walking: rt.Walking | None = None,
               settings: rt.PlanSettings | None = None, area: shapely.Geometry | None = None,
               balance_tol: float = BALANCE_TOL) -> Turfs:
    """Cut ``doors`` into ``k`` compact, contiguous turfs of about equal work.

    Parameters
    ----------
    doors : sequence of Door
        EPSG:25832 coordinates.
    k : int
        Number of turfs (pairs), ≥ 1. With fewer doors than ``k`` the last turfs are empty.
    seed : int
        Seed of the region k-means (same inputs and seed, same turfs).
    walking : Walking, optional
        Walking distances (index 0 = start point) for each door's share of walking.
    settings : PlanSettings, optional
        Service times and walking speed (defaults: the planner's).
    area : shapely geometry, optional
        The focus area (EPSG:25832) the turfs tile; default the doors' hull + 50 m.
    balance_tol : float
        Most ÷ least work the balancing search aims for (≥ 1).

    Every door is in exactly one turf.
    """
    if int(k) < 1:
        raise ValueError(f"The number of turfs must be ≥ 1. Got {k} instead.")
    if not balance_tol >= 1:
        raise ValueError(f"balance_tol must be ≥ 1. Got {balance_tol} instead.")
    k = int(k)
    doors = list(doors)
    n = len(doors)
    work = door_work_s(doors, settings=settings, walking=walking)
    xy = _spread(np.array([(d.x, d.y) for d in doors], dtype=float).reshape(-1, 2))
    if n <= k:
        labels = np.arange(n)
        method = "one door per turf"
    else:
        nbrs = _neighbours(xy)
        labels, method = _regions(xy, work, nbrs, k, seed)
        labels = _fill_empty(labels, work, xy, nbrs, k)
        labels = _balance(labels, work, xy, nbrs, k, balance_tol)
    cells = _cells(xy, area)
    turfs = []
    for j in range(k):
        idx = np.flatnonzero(labels == j)
        geom = shapely.union_all(cells[idx]) if len(idx) else shapely.Polygon()
        turfs.append(Turf(j + 1, tuple(int(i) for i in idx), float(work[idx].sum()),
                          polsby_popper(geom) if len(idx) else 0.0, geom))
    return Turfs(tuple(turfs), labels + 1, method)


def _spread(xy: np.ndarray) -> np.ndarray:
    """Doors at the same point moved :data:`JITTER_M` apart on a spiral (new array)."""
    out = xy.copy()
    seen: dict[tuple[float, float], int] = {}
    for i, (x, y) in enumerate(np.round(xy, 2)):
        c = seen.get((x, y), 0)
        seen[(x, y)] = c + 1
        if c:
            a = c * 2.399963  # the golden angle
            out[i] += JITTER_M * math.sqrt(c) * np.array([math.cos(a), math.sin(a)])
    return out


def _neighbours(xy: np.ndarray) -> list[np.ndarray]:
    """Doors whose Voronoi cells touch (Delaunay); a chain when the doors lie on a line."""
    from scipy.spatial import Delaunay, QhullError  # loaded on first use

    n = len(xy)
    try:
        if n < 3:
            raise QhullError("too few points")
        indptr, ind = Delaunay(xy).vertex_neighbor_vertices
        return [ind[indptr[i]:indptr[i + 1]] for i in range(n)]
    except QhullError:
        order = np.argsort(xy[:, 0] + 1e-6 * xy[:, 1])
        nb: list[list[int]] = [[] for _ in range(n)]
        for a, b in zip(order, order[1:], strict=False):
            nb[a].append(int(b))
            nb[b].append(int(a))
        return [np.array(x, dtype=int) for x in nb]


def _regions(xy: np.ndarray, work: np.ndarray, nbrs: list[np.ndarray], k: int,
             seed: int) -> tuple[np.ndarray, str]:
    """Region k-means (spopt) on the doors, or on blocks of doors above TURF_BLOCKS."""
    import libpysal
    from sklearn.cluster import KMeans
    from spopt.region import RegionKMeansHeuristic

    n = len(xy)
    n_blocks = min(n, max(TURF_BLOCKS, 4 * k))
    if n > n_blocks:
        km = KMeans(n_clusters=n_blocks, n_init=1, random_state=seed).fit(xy, sample_weight=work)
        block = np.unique(km.labels_, return_inverse=True)[1].ravel()
        method = f"region k-means (spopt) on {int(block.max()) + 1} blocks, balanced"
    else:
        block = np.arange(n)
        method = "region k-means (spopt), balanced"
    m = int(block.max()) + 1
    links: list[set[int]] = [set() for _ in range(m)]
    for i in range(n):
        for j in nbrs[i]:
            if block[i] != block[j]:
                links[block[i]].add(int(block[j]))
    w = libpysal.weights.W({b: sorted(links[b]) for b in range(m)}, silence_warnings=True)
    wsum = np.bincount(block, weights=work, minlength=m)
    cx = np.bincount(block, weights=work * xy[:, 0], minlength=m) / np.maximum(wsum, 1e-9)
    cy = np.bincount(block, weights=work * xy[:, 1], minlength=m) / np.maximum(wsum, 1e-9)
    centres = np.column_stack([cx, cy])
    # one scale for x and y, so distances stay round
    data = (centres - centres.mean(axis=0)) / (float(centres.std()) or 1.0)
    model = RegionKMeansHeuristic(data, k, w, seed=int(seed))
    model.solve()
    lab = np.unique(np.asarray(model.labels_), return_inverse=True)[1].ravel()
    return lab[block], method


def _fill_empty(labels: np.ndarray, work: np.ndarray, xy: np.ndarray, nbrs: list[np.ndarray],
                k: int) -> np.ndarray:
    """Give every empty turf one door: the door of the heaviest turf farthest from its
    centre whose removal keeps that turf in one piece (new array)."""
    labels = labels.copy()
    for j in range(k):
        if np.any(labels == j):
            continue
        tw = np.bincount(labels, weights=work, minlength=k)
        a = int(np.argmax(tw))
        idx = np.flatnonzero(labels == a)
        c = np.average(xy[idx], axis=0, weights=np.maximum(work[idx], 1e-9))
        for i in idx[np.argsort(-np.hypot(*(xy[idx] - c).T))]:
            if _keeps_connected(int(i), labels, nbrs):
                labels[i] = j
                break
    return labels


def _keeps_connected(u: int, labels: np.ndarray, nbrs: list[np.ndarray]) -> bool:
    """Whether taking door ``u`` out of its turf leaves its turf-neighbours connected to
    each other within the turf (so the move cuts no turf in two)."""
    a = labels[u]
    mine = [int(v) for v in nbrs[u] if labels[v] == a]
    if len(mine) <= 1:
        return True
    todo, seen = set(mine[1:]), {mine[0]}
    stack = [mine[0]]
    while stack and todo:
        v = stack.pop()
        for w in nbrs[v]:
            w = int(w)
            if w != u and w not in seen and labels[w] == a:
                seen.add(w)
                todo.discard(w)
                stack.append(w)
    return not todo


def _balance(labels: np.ndarray, work: np.ndarray, xy: np.ndarray, nbrs: list[np.ndarray], k: int,
             tol: float) -> np.ndarray:
    """Move doors on turf edges to lighter neighbouring turfs (see the module docstring)."""
    labels = labels.copy()
    n = len(labels)
    tw = np.bincount(labels, weights=work, minlength=k).astype(float)
    sx = np.bincount(labels, weights=work * xy[:, 0], minlength=k)
    sy = np.bincount(labels, weights=work * xy[:, 1], minlength=k)
    u = np.repeat(np.arange(n), [len(x) for x in nbrs])
    v = np.concatenate(nbrs).astype(int) if n else np.zeros(0, dtype=int)
    for _ in range(4 * n):
        if tw.min() > 0 and tw.max() / tw.min() <= tol:
            break
        a, b = labels[u], labels[v]
        ok = (a != b) & (tw[a] - tw[b] > work[u] + 1e-9)
        if not ok.any():
            break
        cu, ca, cb = u[ok], a[ok], b[ok]
        focus = (ca == int(np.argmax(tw))) | (cb == int(np.argmin(tw)))
        if focus.any():
            cu, ca, cb = cu[focus], ca[focus], cb[focus]
        cen = np.column_stack([sx, sy]) / np.maximum(tw, 1e-9)[:, None]
        cost = np.hypot(*(xy[cu] - cen[cb]).T) - np.hypot(*(xy[cu] - cen[ca]).T)
        moved = False
        for p in np.argsort(cost, kind="stable")[:64]:
            i, fa, fb = int(cu[p]), int(ca[p]), int(cb[p])
            if _keeps_connected(i, labels, nbrs):
                labels[i] = fb
                for arr, val in ((tw, work[i]), (sx, work[i] * xy[i, 0]), (sy, work[i] * xy[i, 1])):
                    arr[fa] -= val
                    arr[fb] += val
                moved = True
                break
        if not moved:
            break
    return labels


def _cells(xy: np.ndarray, area: shapely.Geometry | None) -> np.ndarray:
    """Each door's Voronoi cell clipped to the area (array of polygons, input order)."""
    n = len(xy)
    pts = shapely.MultiPoint(xy) if n else shapely.MultiPoint()
    if area is None or area.is_empty:
        clip = pts.convex_hull.buffer(HULL_BUFFER_M)
    else:
        clip = shapely.make_valid(area)
        # doors just outside the area (e.g. on its edge) keep a cell of their own
        out = ~shapely.contains_xy(clip, xy[:, 0], xy[:, 1]) if n else np.zeros(0, dtype=bool)
        if out.any():
            clip = shapely.union(clip, shapely.union_all(shapely.buffer(shapely.points(xy[out]), 1.0)))
    if n == 0:
        return np.array([], dtype=object)
    if n == 1:
        return np.array([clip], dtype=object)
    box = shapely.box(*shapely.union(clip, pts).bounds).buffer(100.0)
    vor = shapely.voronoi_polygons(pts, extend_to=box, ordered=True)
    cells = np.array(list(vor.geoms), dtype=object)
    if len(cells) != n:  # e.g. points on one line: fall back to the nearest door per cell
        cells = _cells_by_nearest(vor, xy)
    return shapely.intersection(cells, clip)


def _cells_by_nearest(vor: shapely.Geometry, xy: np.ndarray) -> np.ndarray:
    from scipy.spatial import cKDTree  # loaded on first use

    out = [shapely.Polygon()] * len(xy)
    tree = cKDTree(xy)
    for cell in vor.geoms:
        p = cell.representative_point()
        i = int(tree.query([p.x, p.y])[1])
        out[i] = shapely.union(out[i], cell)
    return np.array(out, dtype=object)


def turf_geojson(geom: shapely.Geometry, *, decimals: int = 6) -> dict | None:
    """A turf polygon (EPSG:25832) as a GeoJSON geometry in EPSG:4326 (lon, lat), simplified
    by 1 m; ``None`` when empty."""
    if geom is None or geom.is_empty:
        return None

    def to_lonlat(c: np.ndarray) -> np.ndarray:
        lon, lat = xy_to_lonlat(c[:, 0], c[:, 1])
        return np.round(np.column_stack([np.asarray(lon), np.asarray(lat)]), decimals)

    g = shapely.transform(shapely.simplify(geom, 1.0), to_lonlat)
    return mapping(g) if not g.is_empty else None


def _label_lonlat(geom: shapely.Geometry) -> list[float] | None:
    """``[lon, lat]`` of a point inside the turf's largest part (for its label)."""
    if geom is None or geom.is_empty:
        return None
    parts = list(getattr(geom, "geoms", [geom]))
    p = max(parts, key=lambda g: g.area).representative_point()
    lon, lat = xy_to_lonlat([p.x], [p.y])
    return [round(float(np.asarray(lon)[0]), 6), round(float(np.asarray(lat)[0]), 6)]


# --------------------------------------------------------------------------- planning

#: fields of a drive-then-walk matrix (:class:`detection.routes.drive.CarLegs`) indexed by
#: point (0 = start, 1… = doors), and by pairs of points; its parking-point fields stay whole
_CAR_POINT_FIELDS = ("parking_of", "to_parking_m", "groups")
_CAR_PAIR_FIELDS = ("walk_m", "car", "via_parking")


def slice_walking(walking: rt.Walking, rows: np.ndarray) -> rt.Walking:
    """The distances between the points ``rows`` only (row 0 should be 0, the start), a
    drive-then-walk matrix's car legs included (parking points keep their numbers)."""
    rows = np.asarray(rows, dtype=int)
    ix = np.ix_(rows, rows)
    car = getattr(walking, "car", None)
    changes: dict = {"dist_m": walking.dist_m[ix],
                     "node_ids": None if walking.node_ids is None else walking.node_ids[rows],
                     "snap_m": None if walking.snap_m is None else walking.snap_m[rows]}
    if car is not None:
        sub = {f: getattr(car, f)[rows] for f in _CAR_POINT_FIELDS if hasattr(car, f)}
        sub.update({f: getattr(car, f)[ix] for f in _CAR_PAIR_FIELDS if hasattr(car, f)})
        changes["car"] = replace(car, **sub)
    return replace(walking, **changes)



def plan_with_turfs(doors: Sequence[rt.Door], settings: rt.PlanSettings, *, net=None,  # noqa: ANN001
                    walking: rt.Walking | None = None, progress: Callable[[float], None] | None = None,
                    engine: str = "pyvrp", area: shapely.Geometry | None = None) -> rt.Plan:
    """Plan one route per pair and day, each pair inside its own turf on every day.

    One turf per pair (``K = settings.teams``, :func:`make_turfs`); each turf is planned by
    :func:`planner.plan_routes` with one pair over all the days, with a share of the time
    limit in proportion to its doors; the walking matrix is computed once and sliced per
    turf. The routes' ``team`` is the turf number, so a pair keeps its turf (and meets the
    same caretakers) from day to day. ``stats`` gain ``turf_compactness`` (mean
    Polsby–Popper), ``turf_balance_ratio`` (most ÷ least turf work) and ``turfs``: per turf
    ``number``, ``doors``, ``work_s``, ``compactness``, ``geometry`` (GeoJSON, EPSG:4326)
    and ``label`` (``[lon, lat]`` of a point inside the turf, for its number on a map).
    """
    t0 = time.perf_counter()
    s = settings
    doors = list(doors)
    if walking is None:
        xy = np.array([s.start_xy] + [(d.x, d.y) for d in doors], dtype=float).reshape(-1, 2)
        walking = rt.walking_distances(xy, net, max_snap_m=s.max_snap_m)
    turfs = make_turfs(doors, s.teams, seed=s.seed, walking=walking, settings=s, area=area)
    n = max(1, len(doors))
    routes: list[rt.Route] = []
    unplanned: list[tuple[str, str]] = []
    done = 0.0
    for tf in turfs.turfs:
        idx = np.array(tf.doors, dtype=int)
        sub = slice_walking(walking, np.concatenate([[0], idx + 1]))
        share = s.seconds * len(idx) / n
        sec = max(MIN_TURF_SECONDS, share)

        def part(f: float, done: float = done, sec: float = sec) -> None:
            if progress is not None:
                progress(min(1.0, (done + f * sec) / s.seconds))

        sub_plan = rt.plan_routes([doors[i] for i in idx], replace(s, teams=1, seconds=sec), walking=sub,
                                  engine=engine, progress=part)
        done += share
        for r in sub_plan.routes:
            r.team = tf.number
            r.stops = [replace(st, index=int(idx[st.index])) for st in r.stops]
            routes.append(r)
        unplanned.extend(sub_plan.unplanned)
    routes.sort(key=lambda r: (r.day, r.team))
    order = {d.entrance_id: i for i, d in enumerate(doors)}
    unplanned.sort(key=lambda r: (-doors[order[r[0]]].prize, order[r[0]]))
    visited = {st.index for r in routes for st in r.stops}
    plan = rt.Plan(routes, unplanned, walking.method, engine, time.perf_counter() - t0,
                   sum(doors[i].prize for i in visited), sum(d.prize for d in doors))
    bal = plan.balance_ratio()
    rows = [{"number": tf.number, "doors": len(tf.doors), "work_s": int(round(tf.work_s)),
             "compactness": round(tf.compactness, 3), "geometry": turf_geojson(tf.geometry),
             "label": _label_lonlat(tf.geometry)} for tf in turfs.turfs]
    plan.stats = {
        "doors": len(doors), "visited": len(visited), "vehicles": s.teams * len(s.days),
        "balance_ratio": round(bal, 3) if math.isfinite(bal) else None,
        "turf_overlap": round(rt.turf_overlap(plan.routes, doors), 3),
        "turf_method": turfs.method,
        # the mean of the rounded values, as a stored plan gives it back (turf_stats)
        "turf_compactness": turf_stats(rows).get("turf_compactness", 0.0),
        "turf_balance_ratio": round(turfs.balance_ratio, 3) if math.isfinite(turfs.balance_ratio) else None,
        "turfs": rows,
    }
    plan.walking = walking
    return plan


def turf_records(stats: dict) -> list[dict]:
    """The plan JSON's ``turfs`` from :func:`plan_with_turfs`'s ``stats["turfs"]``: per
    turf ``team`` (the pair), ``doors``, ``work_s``, ``compactness``, ``geometry``
    (GeoJSON, EPSG:4326) and ``label`` (``[lon, lat]``)."""
    return [{"team": x["number"], "doors": x["doors"], "work_s": x["work_s"], "compactness": x["compactness"],
             "geometry": x["geometry"], "label": x.get("label")} for x in stats.get("turfs") or []]


def turf_stats(records: Sequence[dict]) -> dict:
    """``{"turf_compactness": mean Polsby–Popper}`` of stored turf records (empty turfs
    left out); ``{}`` for a plan without turfs."""
    vals = [float(x["compactness"]) for x in records if x.get("doors")]
    return {"turf_compactness": round(float(np.mean(vals)), 3)} if vals else {}

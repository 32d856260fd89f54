"""Drive, then walk: travel between doors for a pair with a car (pure: no database, no UI).

In a rural municipality a pair drives from the office to a parking point, walks a group of
doors from there and back to the car, and drives on. This module turns that into one
travel-time matrix, so the same planner (:func:`detection.routes.planner.plan_routes`)
plans the whole day as one problem: which doors, in which order, where the car stops.

The model, with ``L`` the walking limit (a setting, ``drive_walk_m``):

1. **Walk groups.** The start point and the doors are joined when they are at most ``L``
   apart on foot (single linkage on the walking network: a village, a street of farms).
   Two doors of different groups are more than ``L`` apart on foot, so a car leg always
   replaces a walk longer than the limit.
2. **Parking points.** Each group gets as few parking points as cover its doors within
   ``L`` on foot (greedy set cover over the road nodes nearest its doors; the start
   point's own node is the start group's first). A door is walked from its nearest
   parking point. A door farther than ``L`` on foot from every road a car may use is left
   out (reason ``no_parking``).
3. **Legs.** Between two doors of one parking point: on foot, straight if at most ``L``,
   else via the car's place (never a walk leg over ``L``). Between parking points: walk
   back to the car, park and unpark (:data:`PARK_S`), drive the fastest way on the road
   network, walk to the door. A door-to-door car leg is only allowed where it is faster
   than walking the same way, since otherwise the pair would walk and leave the car
   behind, nor between two doors at most ``L`` apart on foot (the pair walks those); such
   pairs of doors are simply never consecutive. The car always stays with the pair: every
   leg that changes the parking point passes the car. A door within ``L`` of the start
   point's parking point is walked from the start.

Roads a car may use are the walking network's ways of the classes in
:data:`CAR_KMH` (OSM ``highway``), at those speeds. Motorways and trunk roads are not in
the walking network, so they are missing here too (they matter little inside a
municipality's villages; a drive across a city would be slower than in reality).
One-way streets are driven both ways. Both are said in ``docs/routing.md``.

The planner works on *walk-equivalent metres* (seconds × walking speed), so its time
checks, its costs and its search are unchanged; :class:`CarLegs` gives the real metres on
foot and by car of each leg, the parking points and the car's path for maps and files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

WALK_LIMIT_M = 1_000
"""Default walking limit (setting ``drive_walk_m``): doors farther apart on foot are driven
between; also the longest walk leg in a drive-then-walk plan."""

PARK_S = 120
"""Seconds to park, lock and get going again at each car stop."""

#: Road classes a car may use (OSM ``highway``) and their speeds in km/h: typical Danish
#: travel speeds rather than limits (narrow rural roads, villages, farm tracks).
CAR_KMH: dict[str, float] = {
    "primary": 70.0, "primary_link": 50.0, "secondary": 60.0, "secondary_link": 40.0,
    "tertiary": 50.0, "tertiary_link": 40.0, "unclassified": 45.0, "road": 30.0,
    "residential": 30.0, "living_street": 10.0, "service": 15.0, "track": 15.0,
}

MODES = ("walk", "drive_walk", "auto")

FORBIDDEN_S = 86_400
"""Travel time given to a leg the pair may not take (longer than any shift, so no plan uses
it; a finite number, since PyVRP and LKH fail on huge ones)."""


@dataclass(frozen=True)
class CarGraph:
    """The roads a car may use, as a sparse graph over the walking network's nodes."""

    node_ids: np.ndarray
    """Walking-network node ids of the graph's nodes (positions 0…m-1)."""
    xy: np.ndarray
    time_s: sp.csr_array
    length_m: sp.csr_array
    tree: cKDTree | None
    """Nearest road node, over the largest connected part of the road network only."""
    main: np.ndarray
    """Positions of the nodes of the largest connected part."""


_GRAPH_CACHE: dict[int, tuple[object, CarGraph]] = {}


def car_graph(net) -> CarGraph:  # noqa: ANN001
    """The car's graph of a :class:`geo.network.WalkingNetwork` (cached per network)."""
    from scipy.sparse.csgraph import connected_components  # loaded on first use
    from scipy.spatial import cKDTree  # loaded on first use

    hit = _GRAPH_CACHE.get(id(net))
    if hit is not None and hit[0] is net:
        return hit[1]
    e = net.edges
    keep = e["highway"].isin(list(CAR_KMH)).to_numpy()
    u = e["u"].to_numpy()[keep]
    v = e["v"].to_numpy()[keep]
    length = e["length_m"].to_numpy(dtype=float)[keep]
    kmh = e["highway"].map(CAR_KMH).to_numpy(dtype=float)[keep]
    ids = np.unique(np.concatenate([u, v]))
    m = len(ids)
    pu, pv = np.searchsorted(ids, u), np.searchsorted(ids, v)
    secs = length / (kmh / 3.6)
    # parallel edges: keep the fastest (csr would sum duplicates)
    a, b = np.minimum(pu, pv), np.maximum(pu, pv)
    order = np.lexsort((secs, b, a))
    a, b, secs, length = a[order], b[order], secs[order], length[order]
    first = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])] if len(a) else np.zeros(0, bool)
    a, b, secs, length = a[first], b[first], secs[first], length[first]
    rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
    time_s = sp.csr_array((np.concatenate([secs, secs]) + 1e-3, (rows, cols)), shape=(m, m))
    length_m = sp.csr_array((np.concatenate([length, length]), (rows, cols)), shape=(m, m))
    nodes = net.nodes.set_index("node_id")
    xy = nodes.loc[ids, ["x", "y"]].to_numpy(dtype=float) if m else np.zeros((0, 2))
    if m:
        _, comp = connected_components(time_s, directed=False)
        main = np.flatnonzero(comp == np.bincount(comp).argmax())
        tree = cKDTree(xy[main])
    else:
        main, tree = np.zeros(0, dtype=np.int64), None
    g = CarGraph(ids, xy, time_s, length_m, tree, main)
    _GRAPH_CACHE.clear()
    _GRAPH_CACHE[id(net)] = (net, g)
    return g


@dataclass
class CarLegs:
    """What a drive-then-walk matrix knows beyond the planner's times.

    ``parking_of[i]`` is the parking point (index into ``parking_xy``) of point ``i``
    (0 = the start, 1… = the doors), -1 for a door with no road within the limit.
    ``walk_m[i, j]`` are the metres on foot of the leg from point ``i`` to ``j``
    (both walks of a car leg together), ``car[i, j]`` whether it uses the car.
    """

    walk_limit_m: float
    park_s: int
    parking_of: np.ndarray
    parking_xy: np.ndarray
    parking_node: np.ndarray
    """Walking-network node id of each parking point."""
    walk_m: np.ndarray
    car: np.ndarray
    via_parking: np.ndarray
    """Legs on foot between two doors of one parking point that pass the car (the doors are
    more than the limit apart)."""
    to_parking_m: np.ndarray
    """Metres on foot from each point to its parking point."""
    drive_s: np.ndarray
    """Seconds by car between parking points (``inf`` where no road joins them)."""
    groups: np.ndarray
    """The walk group (single linkage at the limit) of each point."""
    graph: CarGraph = field(repr=False)
    _pos: np.ndarray = field(repr=False)
    _pred: np.ndarray = field(repr=False)

    def walk_legs(self, i: int, j: int) -> list[float]:
        """Metres of each stretch on foot of the leg from point ``i`` to ``j``: one for a
        straight walk, two for a walk past the car or around a car leg."""
        if self.car[i, j] or self.via_parking[i, j]:
            return [float(self.to_parking_m[i]), float(self.to_parking_m[j])]
        return [float(self.walk_m[i, j])]

    def drive_m(self, i: int, j: int) -> float:
        """Metres by car on the leg from point ``i`` to point ``j`` (0 when on foot)."""
        if not self.car[i, j]:
            return 0.0
        path = self.car_path_nodes(int(self.parking_of[i]), int(self.parking_of[j]))
        if len(path) < 2:
            return 0.0
        return float(sum(self.graph.length_m[a, b] for a, b in zip(path, path[1:], strict=False)))

    def car_path_nodes(self, pa: int, pb: int) -> list[int]:
        """Graph positions of the fastest drive from parking point ``pa`` to ``pb``."""
        target = int(self._pos[pb])
        pred = self._pred[pa]
        out = [target]
        while out[-1] != self._pos[pa] and pred[out[-1]] >= 0:
            out.append(int(pred[out[-1]]))
        return out[::-1]

    def car_path_xy(self, i: int, j: int) -> list[tuple[float, float]]:
        """The car's line (EPSG:25832) on the leg from point ``i`` to ``j``, parking to parking."""
        if not self.car[i, j]:
            return []
        path = self.car_path_nodes(int(self.parking_of[i]), int(self.parking_of[j]))
        return [tuple(map(float, self.graph.xy[k])) for k in path]


def _walk_from_nodes(net, src_nodes: np.ndarray, walking) -> np.ndarray:  # noqa: ANN001
    """Metres on foot from network nodes ``src_nodes`` to every point of ``walking``."""
    from detection.routes.planner import network_distances

    pts = np.asarray(walking.node_ids, dtype=np.int64)
    allnodes = np.concatenate([np.asarray(src_nodes, dtype=np.int64), pts])
    d = network_distances(net, allnodes)[: len(src_nodes), len(src_nodes):]
    return d + np.asarray(walking.snap_m, dtype=float)[None, :]


def drive_then_walk(walking, net, *, speed_mps: float, walk_limit_m: float = WALK_LIMIT_M,  # noqa: ANN001
                    park_s: int = PARK_S):  # noqa: ANN201
    """A :class:`~detection.routes.planner.Walking` for a pair with a car (see the module
    docstring): ``dist_m`` in walk-equivalent metres, ``car`` the :class:`CarLegs`.

    ``walking`` is the plain walking matrix of the same points on ``net`` (index 0 = the
    start point). Returns ``walking`` itself when the network has no road a car may use.
    """
    from scipy.sparse.csgraph import connected_components, dijkstra  # loaded on first use

    from detection.routes.planner import Walking

    if walking.node_ids is None:
        raise ValueError("drive then walk needs the walking network (no straight lines)")
    g = car_graph(net)
    n = len(walking.dist_m)
    if g.tree is None or n == 0:
        return walking
    L = float(walk_limit_m)
    W = np.asarray(walking.dist_m, dtype=float)
    Wsym = np.minimum(W, W.T)
    # 1. walk groups: single linkage at the limit
    adj = sp.csr_array(np.isfinite(Wsym) & (Wsym <= L))
    _, groups = connected_components(adj, directed=False)
    # 2. candidate parking points: the road node nearest each point
    xy_nodes = walking.node_ids
    node_xy = _node_xy(net, xy_nodes)
    _, k = g.tree.query(node_xy, k=1)
    cand_pos = g.main[np.asarray(k)]
    cand_nodes = g.node_ids[cand_pos]
    uniq_nodes, cand_of = np.unique(cand_nodes, return_inverse=True)
    walk_c = _walk_from_nodes(net, uniq_nodes, walking)  # (candidates, points)
    chosen: list[int] = []
    parking_of = np.full(n, -1)
    for grp in np.unique(groups):
        members = np.flatnonzero(groups == grp)
        cands = np.unique(cand_of[members])
        cover = walk_c[np.ix_(cands, members)] <= L
        left = np.ones(len(members), dtype=bool)
        picked: list[int] = []
        if 0 in members:  # the car stands at the start point: the start group's first parking
            c0 = int(np.flatnonzero(cands == cand_of[0])[0])
            picked.append(c0)
            left &= ~cover[c0]
            left[np.flatnonzero(members == 0)[0]] = False
        while left.any():
            gain = (cover & left[None, :]).sum(axis=1)
            if gain.max() == 0:
                break
            best = np.flatnonzero(gain == gain.max())
            cost = np.where(cover[best] & left[None, :], walk_c[np.ix_(cands[best], members)], 0.0).sum(axis=1)
            c = int(best[np.argmin(cost)])
            picked.append(c)
            left &= ~cover[c]
        if not picked:
            continue
        ids = cands[picked]
        dist = walk_c[np.ix_(ids, members)]
        near = dist.argmin(axis=0)
        if 0 in members:  # a door within walking of the car at the start is walked from there
            near = np.where(dist[0] <= L, 0, near)
        ok = dist[near, np.arange(len(members))] <= L
        base = len(chosen)
        chosen.extend(int(x) for x in ids)
        parking_of[members[ok]] = base + near[ok]
        if 0 in members:
            parking_of[0] = base  # the start always parks at its own node
    chosen_arr = np.array(chosen, dtype=np.int64)
    p_nodes = uniq_nodes[chosen_arr] if len(chosen_arr) else np.zeros(0, dtype=np.int64)
    p_pos = np.searchsorted(g.node_ids, p_nodes)
    to_p = np.full(n, np.inf)
    has = parking_of >= 0
    to_p[has] = walk_c[chosen_arr[parking_of[has]], np.flatnonzero(has)]
    # 3. drive times between parking points (fastest path), predecessors kept for paths
    uniq_pos, inv = np.unique(p_pos, return_inverse=True)
    if len(uniq_pos):
        dt, pred = dijkstra(g.time_s, directed=False, indices=uniq_pos, return_predecessors=True)
        drive_s = dt[inv][:, p_pos]
        pred = pred[inv]
    else:
        drive_s, pred = np.zeros((0, 0)), np.zeros((0, len(g.node_ids)), dtype=np.int64)
    # legs
    P = parking_of
    same = (P[:, None] == P[None, :]) & has[:, None] & has[None, :]
    via_p = to_p[:, None] + to_p[None, :]
    walk_same = np.where(W <= L, W, via_p)
    Pc = np.where(has, P, 0)
    car_t = via_p / speed_mps + park_s + (drive_s[Pc][:, Pc] if len(drive_s) else np.inf)
    car_t = np.where(has[:, None] & has[None, :], car_t, np.inf)
    t = np.where(same, walk_same / speed_mps, car_t)
    car = ~same & np.isfinite(t)
    # a car leg between two doors only where it beats walking the same way
    slower = car & (~(car_t < W / speed_mps) | (W <= L))
    slower[0, :] = False
    slower[:, 0] = False
    t = np.where(slower, np.inf, t)
    car &= ~slower
    # legs the pair may not take: longer than any shift (finite; the start's legs stay
    # infinite where no road reaches, so those doors are "unreachable"/"no_parking")
    doors_only = np.ones_like(car)
    doors_only[0, :] = False
    doors_only[:, 0] = False
    t = np.where(~np.isfinite(t) & doors_only & has[:, None] & has[None, :], FORBIDDEN_S, t)
    np.fill_diagonal(t, 0.0)
    np.fill_diagonal(car, False)
    walk_leg = np.where(same, walk_same, via_p)
    via = same & ~(W <= L)
    np.fill_diagonal(via, False)
    legs = CarLegs(L, int(park_s), P, g.xy[p_pos] if len(p_pos) else np.zeros((0, 2)), p_nodes,
                   walk_leg, car, via, to_p, drive_s, groups, g, p_pos, pred)
    return Walking(t * speed_mps, "drive_walk", walking.node_ids, walking.snap_m, car=legs)


def _node_xy(net, node_ids: np.ndarray) -> np.ndarray:  # noqa: ANN001
    ids = net.nodes["node_id"].to_numpy()
    pos = np.searchsorted(ids, np.asarray(node_ids, dtype=np.int64))
    return np.column_stack([net.nodes["x"].to_numpy()[pos], net.nodes["y"].to_numpy()[pos]])


def spread_beyond(walking, walk_limit_m: float = WALK_LIMIT_M) -> bool:  # noqa: ANN001
    """Whether the start and the doors of ``walking`` lie beyond walking of each other: they
    fall into more than one walk group at the limit (some doors are more than
    ``walk_limit_m`` on foot from all the others and from the start). The rule "automatisk"
    uses to choose drive-then-walk."""
    from scipy.sparse.csgraph import connected_components  # loaded on first use

    W = np.asarray(walking.dist_m, dtype=float)
    reach = np.isfinite(W[0]) & np.isfinite(W[:, 0])
    W = W[np.ix_(reach, reach)]
    if len(W) <= 1:
        return False
    Wsym = np.minimum(W, W.T)
    n_groups, _ = connected_components(sp.csr_array(Wsym <= float(walk_limit_m)), directed=False)
    return n_groups > 1

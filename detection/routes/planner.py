"""Door-to-door route planning for pairs of field workers (pure: no database, no UI).

The problem: *doors* (entrances, each with the units to knock on and a priority prize),
*teams* (pairs: one pair walks one route a day), *days*, a *shift window* per day, one
start/end point, a walking speed and service times. The plan is one route per pair and
day that

- never exceeds the shift (start at the start point at shift start, back by shift end),
- collects the most priority when not every door fits (prize-collecting: doors are
  optional, each with its prize; the doors left out are listed with a reason),
- is balanced between pairs (a soft per-route upper bound on the working time: a route
  over the average pays an overtime cost, so no pair gets twice the work of another
  while there is work enough for all),
- keeps revisits at another time of day on a later day (a revisit door may only be
  visited inside the windows the caller gives; copies of the door per window form a
  mutually exclusive group, so it is visited at most once).

Solver: PyVRP (iterated local search for prize-collecting VRPs with time windows) on the
walking-time matrix, with a granular neighbourhood of 20 and a late-acceptance history of
50 (when far from every door fits, the least promising doors are left out of PyVRP's model
and only the search on the prize afterwards may add them, and the searches start from a
sweep instead of PyVRP's own construction: :func:`_sweep_starts`); with two CPUs and a time limit of 4 s or more a second PyVRP
search (the next seed) runs in a helper process to the same deadline, and its plan gets the
polish and the search below in a forked copy of this process while this one does the same
to its own plan: the plan worth more after both is kept. Each route's sequence is polished with LKH
(``elkai``), kept only when it is shorter and still meets every window and the shift, and
a search on the prize (:func:`improve_prizes`: insert left-out doors, replace planned
doors by better ones, move a replaced door to another route, trade two doors for one)
runs, alternating with the polish, and then with kicks (a few doors taken out, searched
again) until the time limit, which bounds the whole plan (issue 17; ``bench/teams.py``). An OR-Tools model of the same problem (disjunction penalties = prizes, a time
dimension with the shift, a global span cost for balance) is available as
``engine="ortools"`` and serves as the baseline in ``bench/routing.py``.

Walking times come from shortest paths on the workspace's walking network
(:mod:`geo.network`): entrances are snapped to the largest connected component and
the snap distance is walked too. Without a network the distances are straight lines
times :data:`STRAIGHT_LINE_DETOUR`, and the plan says so (``method = "straight_line"``).

Units: metres, seconds; days are dates, times of day are seconds after local midnight
(Europe/Copenhagen); arrivals are returned as timezone-aware datetimes.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
import scipy.sparse as sp
import shapely

from detection import clock
from geo.network import shortest_path, snap_points

SPEED_KMH = 4.5
PER_ENTRANCE_S = 60
PER_UNIT_S = 90
LETTER_PER_UNIT_S = 20
"""A letter is put through each unit's door: 20 s per unit on top of the entrance time."""
STRAIGHT_LINE_DETOUR = 1.3
"""Walking distance ÷ straight line (median 1.31 measured on Samsø's network)."""
MAX_SNAP_M = 500.0
"""An entrance more than this far from the walking network is ``unreachable``."""
DAY_S = 86_400
PRIZE_SCALE = 100_000
"""Solver prize per unit of priority; walking costs 1 per metre, so priority dominates."""
OVERTIME_COST = 50
POST_SHARE = 0.35
"""Share of the time limit kept for polishing the routes and the search on the prize."""
POST_MAX_S = 3.5
"""…but never more than this (seconds)…"""
POST_PER_DOOR_S = 0.006
"""…nor more than 0.5 s and this per door (measured: ~2 s for 500 doors, 0.3 s for 200)."""
POST_ROUNDS = 4
"""Rounds of search on the prize and polish at most."""
NEIGHBOURS = 20
"""PyVRP's granular neighbourhood size (its default is 50); see :func:`_solve_params`."""
HISTORY = 50
"""PyVRP's late-acceptance history length (its default is 300); see :func:`_solve_params`."""
HISTORY_SWEEP = 150
"""…and from a sweep start (:func:`_sweep_starts`), which is already good: a longer history
searches wider around it (500 doors, 10 s, seeds 1–8: mean 18,373 and lowest 18,295 against
18,315 and 18,062 with 50; bench/RESULTS.md, round 4)."""
PRUNE = 0.4
"""When the shifts hold clearly fewer doors than there are, PyVRP is not given this share of
the doors that will not fit (the least promising ones; :func:`_solver_doors`)…"""
PRUNE_MIN_DOORS = 250
"""…and only on this many candidate doors or more (fewer: PyVRP converges anyway)."""
HELPER_MARGIN_S = 0.3
"""The helper process stops this much before the solver's own deadline."""
HELPER_MIN_S = 4.0
"""A helper process only for time limits this long (it needs ~1 s to start)."""
DAY_COST = 3_000
"""Cost of using a pair on a day beyond the days the work needs (when every door fits)."""
"""Cost per second a route runs over the balanced target (the soft upper bound)."""

#: time-of-day buckets (seconds after midnight): a revisit goes to another bucket.
BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("morning", 0, 12 * 3600),
    ("afternoon", 12 * 3600, 17 * 3600),
    ("evening", 17 * 3600, DAY_S),
)

#: reason codes for doors that are not in the plan.
REASONS = ("no_time", "letter_due", "unreachable", "no_other_time", "unsafe", "done",
           "ask_caretaker", "no_parking")


def bucket_of(seconds_of_day: float) -> str:
    """The time-of-day bucket of a time (seconds after midnight).

    >>> bucket_of(9 * 3600), bucket_of(13 * 3600), bucket_of(18 * 3600)
    ('morning', 'afternoon', 'evening')
    """
    for name, lo, hi in BUCKETS:
        if lo <= seconds_of_day < hi:
            return name
    return BUCKETS[-1][0]


def parse_shift(text: str) -> tuple[int, int]:
    """``"09:00-15:00"`` → ``(32400, 54000)`` seconds after midnight.

    >>> parse_shift("09:00-15:30")
    (32400, 55800)
    """
    try:
        a, b = str(text).replace("–", "-").split("-")
        s = [int(p.split(":")[0]) * 3600 + int(p.split(":")[1]) * 60 for p in (a.strip(), b.strip())]
    except (ValueError, IndexError):
        raise ValueError(f"shift {text!r} is not HH:MM-HH:MM, e.g. 09:00-15:00") from None
    if not (0 <= s[0] < s[1] <= DAY_S):
        raise ValueError(f"shift {text!r} must start before it ends, within one day")
    return s[0], s[1]


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Door:
    """One entrance to visit.

    ``units`` are the units to knock on (labels such as ``"2. th"`` or unit ids); empty
    means the entrance is one dwelling. ``prize`` is the priority (> 0). A ``revisit``
    may only happen after ``not_before`` (exclusive) and outside ``avoid_buckets``.
    """

    entrance_id: str
    x: float
    y: float
    units: tuple[str, ...] = ()
    prize: float = 1.0
    task: str = "visit"
    not_before: date | None = None
    avoid_buckets: frozenset[str] = frozenset()
    letter_units: tuple[str, ...] = ()
    """Units at this door that get a letter (their not-home visits are used up)."""


@dataclass(frozen=True)
class PlanSettings:
    """Teams, days, shift, start point, speed and service times of a plan."""

    days: tuple[date, ...]
    start_xy: tuple[float, float]
    teams: int = 2
    shift: tuple[int, int] = (9 * 3600, 15 * 3600)
    speed_kmh: float = SPEED_KMH
    per_entrance_s: int = PER_ENTRANCE_S
    per_unit_s: int = PER_UNIT_S
    letter_per_unit_s: int = LETTER_PER_UNIT_S
    seconds: float = 3.0
    seed: int = 1
    iterations: int | None = None
    """If set, the search stops after this many iterations as well (deterministic runs)."""
    max_snap_m: float = MAX_SNAP_M
    polish: bool = True
    balance: bool = True
    workers: int | None = None
    """Searches at once: 2 = a second seed in a helper process, kept when better; None =
    2 when there are two CPUs (never with ``iterations``, so such runs stay deterministic)."""

    def __post_init__(self) -> None:
        if self.teams < 1:
            raise ValueError("teams must be at least 1")
        if not self.days:
            raise ValueError("a plan needs at least one day")
        if not (self.speed_kmh > 0):
            raise ValueError("walking speed must be > 0 km/h")
        if self.per_entrance_s < 0 or self.per_unit_s < 0:
            raise ValueError("service times must be ≥ 0 seconds")
        if not (self.seconds > 0):
            raise ValueError("the time limit must be > 0 seconds")

    @property
    def speed_mps(self) -> float:
        return self.speed_kmh / 3.6

    def service_s(self, door: Door) -> int:
        n = max(1, len(door.units))
        per = self.letter_per_unit_s if door.task == "letter" else self.per_unit_s
        return int(self.per_entrance_s + per * n + self.letter_per_unit_s * len(door.letter_units))


# --------------------------------------------------------------------------- walking


@dataclass(frozen=True)
class Walking:
    """Walking distances between the start point (index 0) and the doors (1…n).

    ``dist_m[i, j]`` metres (``inf`` where unreachable); ``method`` is ``"network"`` or
    ``"straight_line"``; ``node_ids`` the snapped network nodes (network only);
    ``snap_m`` the straight distance from each point to its node.
    """

    dist_m: np.ndarray
    method: str
    node_ids: np.ndarray | None = None
    snap_m: np.ndarray | None = None
    car: object | None = None
    """Drive then walk (:class:`detection.routes.drive.CarLegs`): ``dist_m`` is then in
    walk-equivalent metres (seconds × walking speed) and this gives the real legs."""

    def leg(self, i: int, j: int) -> tuple[float, float, bool]:
        """(metres on foot, metres by car, car used) of the leg from point ``i`` to ``j``."""
        if self.car is None:
            return float(self.dist_m[i, j]), 0.0, False
        c = self.car
        return float(c.walk_m[i, j]), c.drive_m(i, j), bool(c.car[i, j])

    @property
    def reachable(self) -> np.ndarray:
        return np.isfinite(self.dist_m[0]) & np.isfinite(self.dist_m[:, 0])


def walking_distances(xy: np.ndarray, net=None, *, max_snap_m: float = MAX_SNAP_M) -> Walking:  # noqa: ANN001
    """Walking distances (metres) between points ``xy`` (``(n, 2)`` EPSG:25832).

    On a network (:class:`geo.network.WalkingNetwork`): snap every point to the largest
    component, distance = snap + shortest path + snap (0 for the same point); points
    farther than ``max_snap_m`` from the network are unreachable (``inf``). Without a
    network: straight line × :data:`STRAIGHT_LINE_DETOUR`.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if net is None or getattr(net, "n_nodes", 0) == 0:
        d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        return Walking(d * STRAIGHT_LINE_DETOUR, "straight_line")

    snap = snap_points(net, xy[:, 0], xy[:, 1])
    nodes = snap["node_id"].to_numpy()
    s = snap["snap_m"].to_numpy()
    d = network_distances(net, nodes) + s[:, None] + s[None, :]
    np.fill_diagonal(d, 0.0)
    same = (nodes[:, None] == nodes[None, :]) & (np.hypot(
        xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) <= s[:, None] + s[None, :])
    # two doors on one node: walk straight from door to door (never farther than via the node)
    straight = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    d = np.where(same, np.minimum(d, straight * STRAIGHT_LINE_DETOUR), d)
    far = s > max_snap_m
    d[far, :] = np.inf
    d[:, far] = np.inf
    d[np.flatnonzero(far), np.flatnonzero(far)] = 0.0
    return Walking(d, "network", nodes, s)


_DEGREE_CACHE: dict[int, tuple] = {}


def network_distances(net, node_ids: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """Shortest-path metres between the given network nodes (``(n, n)``; ``inf`` when
    unconnected) — equal to :func:`geo.network.distance_matrix_m`, but faster on walking
    networks, which are mostly chains of degree-2 nodes: those chains are contracted into
    single edges between junctions, dead ends and the requested nodes, and Dijkstra runs
    on that much smaller graph (scipy.sparse.csgraph)."""
    from scipy.sparse.csgraph import connected_components, dijkstra  # loaded on first use


    key = id(net)
    if key not in _DEGREE_CACHE:
        ids = net.nodes["node_id"].to_numpy()
        u = np.searchsorted(ids, net.edges["u"].to_numpy())
        v = np.searchsorted(ids, net.edges["v"].to_numpy())
        w = net.edges["length_m"].to_numpy(dtype=float)
        deg = np.bincount(np.concatenate([u, v]), minlength=len(ids))
        _DEGREE_CACHE.clear()
        _DEGREE_CACHE[key] = (net, ids, u, v, w, deg)
    _, ids, u, v, w, deg = _DEGREE_CACHE[key]
    want = np.searchsorted(ids, np.asarray(node_ids, dtype=np.int64))
    if len(want) and not np.array_equal(ids[np.minimum(want, len(ids) - 1)], np.asarray(node_ids)):
        raise ValueError("node ids are not nodes of the network")
    n = len(ids)
    term = deg != 2
    term[want] = True
    tu, tv = term[u], term[v]
    # chain components: the subgraph of non-terminal nodes (each a path of degree-2 nodes)
    inner = ~tu & ~tv
    g = sp.csr_array((np.ones(int(inner.sum())), (u[inner], v[inner])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    internal = np.bincount(comp[u[inner]], weights=w[inner], minlength=comp.max() + 1)
    ends = tu ^ tv  # one end a terminal, the other a chain node
    t_end = np.where(tu[ends], u[ends], v[ends])
    c_end = comp[np.where(tu[ends], v[ends], u[ends])]
    w_end = w[ends]
    order = np.argsort(c_end, kind="stable")
    c_sorted, t_sorted, w_sorted = c_end[order], t_end[order], w_end[order]
    first = np.flatnonzero(np.r_[True, c_sorted[1:] != c_sorted[:-1]])
    counts = np.diff(np.r_[first, len(c_sorted)])
    two = first[counts == 2]
    a_t, b_t = t_sorted[two], t_sorted[two + 1]
    chain_w = w_sorted[two] + w_sorted[two + 1] + internal[c_sorted[two]]
    keep = a_t != b_t
    direct = tu & tv
    cu = np.concatenate([u[direct], a_t[keep]])
    cv = np.concatenate([v[direct], b_t[keep]])
    cw = np.concatenate([w[direct], chain_w[keep]])
    tid = np.flatnonzero(term)
    pos = np.full(n, -1)
    pos[tid] = np.arange(len(tid))
    m = len(tid)
    graph = sp.csr_array((np.concatenate([cw, cw]), (np.concatenate([pos[cu], pos[cv]]),
                                                       np.concatenate([pos[cv], pos[cu]]))), shape=(m, m))
    # parallel contracted edges: csr sums duplicates, so keep the minimum explicitly
    if len(cu):
        a = np.minimum(pos[cu], pos[cv])
        b = np.maximum(pos[cu], pos[cv])
        order = np.lexsort((cw, b, a))
        a, b, ww = a[order], b[order], cw[order]
        uniq = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])]
        a, b, ww = a[uniq], b[uniq], ww[uniq]
        graph = sp.csr_array((np.concatenate([ww, ww]), (np.concatenate([a, b]), np.concatenate([b, a]))),
                             shape=(m, m))
    src = pos[want]
    uniq_src, inverse = np.unique(src, return_inverse=True)
    dist = dijkstra(graph, directed=False, indices=uniq_src)
    return dist[inverse][:, src]


# --------------------------------------------------------------------------- outputs


@dataclass
class Stop:
    entrance_id: str
    units: tuple[str, ...]
    task: str
    arrive: datetime
    depart: datetime
    walk_m: float
    """Metres walked from the previous stop (the start point for the first)."""
    index: int = 0
    """Position of the door in the input list."""
    drive_m: float = 0.0
    """Metres driven on the way from the previous stop (drive then walk)."""
    parking: int | None = None
    """The parking point the car was moved to on the way here (drive then walk), else None."""


@dataclass
class Route:
    team: int
    day: date
    stops: list[Stop] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    walk_m: float = 0.0
    """Metres walked, back to the start point included."""
    drive_m: float = 0.0
    """Metres driven (drive then walk; 0 on foot)."""
    duration_s: int = 0
    service_s: int = 0
    prize: float = 0.0


@dataclass
class Plan:
    routes: list[Route]
    unplanned: list[tuple[str, str]]
    method: str
    engine: str
    seconds: float
    prize_collected: float
    prize_total: float
    stats: dict = field(default_factory=dict)
    walking: Walking | None = None

    def balance_ratio(self) -> float:
        """Most work ÷ least work over the teams (each team's days summed); 1 = even."""
        return balance_of_teams([(r.team, r.duration_s) for r in self.routes])


# --------------------------------------------------------------------------- model


@dataclass
class _Visit:
    """One solver client: a door, optionally restricted to a window on one day."""

    door: int
    day: int | None
    early: int
    late: int


def _windows(door: Door, s: PlanSettings) -> list[tuple[int, int, int]] | None:
    """(day index, early, late) absolute seconds where the door may be visited.

    ``None`` = anywhere in any shift. ``[]`` = nowhere (no later day / no other bucket).
    """
    if door.task != "revisit" and door.not_before is None and not door.avoid_buckets:
        return None
    out = []
    lo, hi = s.shift
    for d, day in enumerate(s.days):
        if door.not_before is not None and day <= door.not_before:
            continue
        for name, blo, bhi in BUCKETS:
            if name in door.avoid_buckets:
                continue
            a, b = max(lo, blo), min(hi, bhi)
            if a < b:
                out.append((d, d * DAY_S + a, d * DAY_S + b - 1))
    if not door.avoid_buckets and door.not_before is not None:
        # only a day restriction: one window per eligible day (the whole shift)
        days = sorted({w[0] for w in out})
        out = [(d, d * DAY_S + lo, d * DAY_S + hi) for d in days]
    return out


class _Progress:
    """A PyVRP stopping criterion: stop at the time limit, report progress as it goes."""

    def __init__(self, seconds: float, iterations: int | None,
                 progress: Callable[[float], None] | None) -> None:
        self.seconds = seconds
        self.iterations = iterations
        self.progress = progress
        self.t0 = time.perf_counter()
        self.n = 0
        self.last = -1.0

    def __call__(self, best_cost: float) -> bool:  # noqa: ARG002
        self.n += 1
        elapsed = time.perf_counter() - self.t0
        if self.progress is not None and elapsed - self.last >= 0.1:
            self.last = elapsed
            self.progress(min(1.0, elapsed / self.seconds))
        if self.iterations is not None and self.n > self.iterations:
            return True
        return elapsed >= self.seconds


def plan_routes(doors: Sequence[Door], settings: PlanSettings, *, net=None,  # noqa: ANN001
                walking: Walking | None = None, engine: str = "pyvrp",
                progress: Callable[[float], None] | None = None) -> Plan:
    """Plan one route per team and day over ``doors``; see the module docstring.

    Parameters
    ----------
    doors : sequence of Door
    settings : PlanSettings
    net : geo.network.WalkingNetwork, optional
        The walking network; without it (and without ``walking``) straight lines.
    walking : Walking, optional
        Precomputed distances, index 0 = ``settings.start_xy``, 1… = ``doors``.
    engine : ``"pyvrp"`` (default) or ``"ortools"``
    progress : callable, optional
        Called with the fraction of the time limit used (0…1) while solving.
    """
    t0 = time.perf_counter()
    s = settings
    doors = list(doors)
    if walking is None:
        xy = np.array([s.start_xy] + [(d.x, d.y) for d in doors], dtype=float).reshape(-1, 2)
        walking = walking_distances(xy, net, max_snap_m=s.max_snap_m)
    n_vehicles = s.teams * len(s.days)
    shift_len = s.shift[1] - s.shift[0]
    unplanned: list[tuple[str, str]] = []
    visits: list[_Visit] = []
    reach = walking.reachable
    no_road = (walking.car.parking_of < 0) if walking.car is not None else np.zeros(len(doors) + 1, bool)
    for i, door in enumerate(doors):
        if not reach[i + 1]:
            unplanned.append((door.entrance_id, "no_parking" if no_road[i + 1] else "unreachable"))
            continue
        service = s.service_s(door)
        back = walking.dist_m[0, i + 1] + walking.dist_m[i + 1, 0]
        if service + back / s.speed_mps > shift_len:
            unplanned.append((door.entrance_id, "no_time"))
            continue
        wins = _windows(door, s)
        if wins is None:
            visits.append(_Visit(i, None, 0, 0))
        elif not wins:
            unplanned.append((door.entrance_id, "no_other_time"))
        else:
            visits.extend(_Visit(i, d, a, b) for d, a, b in wins)
    planned_doors = sorted({v.door for v in visits})
    # the time limit holds for the whole plan: the solver stops early enough to leave the
    # polish and the search on the prize their share
    deadline = t0 + s.seconds
    solver_info: dict = {}
    post = min(POST_SHARE * s.seconds, POST_MAX_S, 0.5 + POST_PER_DOOR_S * len(planned_doors)) if s.polish else 0.0
    solve_s = max(0.05, deadline - time.perf_counter() - post)
    if planned_doors:
        if engine == "pyvrp":
            orders = _solve_pyvrp(doors, visits, planned_doors, walking, replace(s, seconds=solve_s), progress,
                                  solver_info)
        elif engine == "ortools":
            orders = _solve_ortools(doors, visits, planned_doors, walking, replace(s, seconds=solve_s),
                                    progress)
        else:
            raise ValueError(f"engine {engine!r} is not known; use pyvrp or ortools")
    else:
        orders = {}
    windows = {}
    for v in visits:
        if v.day is not None:
            windows.setdefault(v.door, []).append((v.day, v.early, v.late))
    routes: list[Route] = []
    other = solver_info.pop("other_orders", None)
    steps = {**solver_info, "solve_s": round(time.perf_counter() - t0, 2),
             "prize_solver": _prize_of([list(orders.values())], doors)}
    t1 = time.perf_counter()
    # the other search's plan is polished and searched at the same time on the second CPU
    # (it was idle during this phase): the plan worth more after both is kept
    child = _PostSolveChild.start(other, planned_doors, walking, doors, windows, replace(s, seed=s.seed + 1),
                                  deadline) if other is not None and s.polish and _use_helper(s) else None
    all_days = _post_solve(orders, planned_doors, walking, doors, windows, s, deadline, steps)
    used = time.perf_counter() - t1
    if child is not None:
        got = child.result(grace_s=0.3)
        steps["other_post"] = "none" if got is None else "worse"
        if got is not None:
            all2, steps2 = got
            steps["prize_other"] = steps2.get("prize_search")
            if _prize_of(all2, doors) > _prize_of(all_days, doors):
                all_days = all2
                steps.update({k: v for k, v in steps2.items() if k.startswith("prize_")})
                steps["prize_solver"] = _prize_of([list(other.values())], doors)
                steps["helper"] = steps["other_post"] = "better after search"
        other = None
    if other is not None and s.polish and deadline - time.perf_counter() > 1.5 * used:
        # the other search's plan, polished and searched too: keep the one worth more
        steps2: dict = {}
        all2 = _post_solve(other, planned_doors, walking, doors, windows, s, deadline, steps2)
        steps["prize_other"] = steps2.get("prize_search")
        if _prize_of(all2, doors) > _prize_of(all_days, doors):
            all_days = all2
            steps.update({k: v for k, v in steps2.items() if k.startswith("prize_")})
            steps["prize_solver"] = _prize_of([list(other.values())], doors)
            steps["helper"] = "better after search"
    steps["post_s"] = round(time.perf_counter() - t1, 2)
    load: dict[int, int] = {}
    for d, day in enumerate(s.days):
        built = [_schedule(seq, d, day, walking, doors, windows, s) for seq in all_days[d]]
        routes.extend(_number_teams(built, day, s, doors, load))
    visited = {st.index for r in routes for st in r.stops}
    for i in planned_doors:
        if i not in visited:
            unplanned.append((doors[i].entrance_id, "letter_due" if doors[i].task == "letter" else "no_time"))
    order = {e: k for k, e in enumerate(d.entrance_id for d in doors)}
    unplanned.sort(key=lambda r: (-doors[order[r[0]]].prize, order[r[0]]))
    collected = sum(doors[i].prize for i in visited)
    plan = Plan(routes, unplanned, walking.method, engine, time.perf_counter() - t0,
                collected, sum(d.prize for d in doors))
    plan.stats = {"doors": len(doors), "visited": len(visited), "vehicles": n_vehicles,
                  "balance_ratio": round(plan.balance_ratio(), 3)
                  if math.isfinite(plan.balance_ratio()) else None,
                  "turf_overlap": round(turf_overlap(plan.routes, doors), 3), **steps}
    plan.walking = walking
    return plan


def _post_solve(orders: dict, planned: list[int], walking: Walking, doors: list[Door], windows: dict,
                s: PlanSettings, deadline: float, steps: dict) -> list[list[list[int]]]:
    """The solver's routes, polished by LKH, filled, then searched on the prize (polish and
    search again while that gains and time is left); ``steps`` gets the prize after each."""
    n_vehicles = s.teams * len(s.days)
    all_days = []
    for d in range(len(s.days)):
        day_routes = [list(orders.get((d, k), [])) for k in range(s.teams)]
        if s.polish:
            per = min(0.5, max(0.02, 0.1 * (deadline - time.perf_counter()) / max(1, n_vehicles)))
            day_routes = [_polish(seq, d, walking, doors, windows, s, seconds=per) for seq in day_routes]
        all_days.append(day_routes)
    if not s.polish:
        return all_days
    _fill(all_days, planned, walking, doors, windows, s, limit_s=max(0.05, 0.5 * (deadline - time.perf_counter())))
    steps["prize_fill"] = _prize_of(all_days, doors)
    # the doors the search adds go to their cheapest places: polish and search again
    steps["prize_moves"] = 0
    for _round in range(POST_ROUNDS):
        moves = improve_prizes(all_days, planned, walking, doors, windows, s,
                               seconds=max(0.05, deadline - time.perf_counter()))
        steps["prize_moves"] += moves
        left = deadline - time.perf_counter()
        if not moves or left < 0.2:
            break
        per = min(0.5, max(0.02, 0.1 * left / max(1, n_vehicles)))
        polished = [[_polish(seq, d, walking, doors, windows, s, seconds=per) for seq in day]
                    for d, day in enumerate(all_days)]
        if polished == all_days:
            break
        all_days = polished
    if s.iterations is None:
        all_days = _kick_and_search(all_days, planned, walking, doors, windows, s, deadline, steps)
    steps["prize_search"] = _prize_of(all_days, doors)
    return all_days


POST_CHILD_MARGIN_S = 0.1
"""The forked post-solve stops this much before the plan's deadline (it must send its plan)."""


class _PostSolveChild:
    """:func:`_post_solve` of another plan in a forked copy of this process, to the same
    deadline, its result read back through a pipe. Forked rather than started anew: a new
    Python needs ~0.5 s to import this module, a fork shares the parent's memory (copy on
    write) and starts at once. The child touches nothing but its arguments (no database, no
    files) and ends with ``os._exit``. Any failure (no fork on this platform, a crash, too
    late: the child is killed) leaves the parent's own plan."""

    def __init__(self, pid: int, fd: int, deadline: float) -> None:
        self.pid, self.fd, self.deadline = pid, fd, deadline

    @classmethod
    def start(cls, orders: dict, planned: list[int], walking: Walking, doors: list[Door], windows: dict,
              s: PlanSettings, deadline: float) -> _PostSolveChild | None:
        import pickle

        if not hasattr(os, "fork"):  # pragma: no cover - not on Linux
            return None
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None
        if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
            code = 1
            try:
                os.close(r)
                steps: dict = {}
                out = _post_solve(orders, planned, walking, doors, windows, s, deadline - POST_CHILD_MARGIN_S, steps)
                with os.fdopen(w, "wb") as fh:
                    fh.write(pickle.dumps((out, steps)))
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        return cls(pid, r, deadline)

    def result(self, grace_s: float) -> tuple[list[list[list[int]]], dict] | None:
        import pickle
        import select
        import signal

        chunks = []
        try:
            while True:
                left = self.deadline + grace_s - time.perf_counter()
                ready, _, _ = select.select([self.fd], [], [], max(0.0, left))
                if not ready:
                    os.kill(self.pid, signal.SIGKILL)
                    return None
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            return pickle.loads(b"".join(chunks)) if chunks else None
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            return None
        finally:
            os.close(self.fd)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self.pid, 0)


def _kick_and_search(all_days: list[list[list[int]]], planned: list[int], walking: Walking,
                     doors: list[Door], windows: dict, s: PlanSettings, deadline: float,
                     steps: dict) -> list[list[list[int]]]:
    """Time left after the search (small instances): take a few neighbouring doors out of
    one route (seeded at random), search on the prize again, and keep the result when it
    is worth at least as much; the best plan seen is returned. Not with ``iterations``
    (those runs stay deterministic)."""
    if set(planned) <= {i for day in all_days for q in day for i in q}:
        return all_days  # every door is planned: nothing to gain
    rng = np.random.default_rng(s.seed)
    best = [[list(q) for q in day] for day in all_days]
    best_p = cur_p = _prize_of(best, doors)
    cur = best
    kicks = 0
    while deadline - time.perf_counter() > 0.1:
        cand = [[list(q) for q in day] for day in cur]
        filled = [(d, k) for d, day in enumerate(cand) for k, q in enumerate(day) if q]
        if not filled:
            break
        d, k = filled[int(rng.integers(len(filled)))]
        q = cand[d][k]
        n_out = int(rng.integers(2, 7))
        at = int(rng.integers(max(1, len(q) - n_out + 1)))
        del q[at:at + n_out]
        improve_prizes(cand, planned, walking, doors, windows, s, seconds=max(0.05, deadline - time.perf_counter()))
        kicks += 1
        p = _prize_of(cand, doors)
        if p >= cur_p:
            cur, cur_p = cand, p
            if p > best_p:
                best, best_p = [[list(x) for x in day] for day in cand], p
    steps["kicks"] = kicks
    return best


def turf_overlap(routes: Sequence[Route], doors: Sequence[Door]) -> float:
    """How much the pairs' turfs overlap: per day, the area shared by two routes' turfs
    (convex hull of their doors) over the sum of the turfs' areas, summed over the days.
    0 = no pair's turf reaches into another's that day; routes with fewer than 3 doors
    have no area and count nothing."""
    return overlap_of_turfs([(r.day, [(doors[st.index].x, doors[st.index].y) for st in r.stops])
                             for r in routes])


def overlap_of_turfs(turfs: Sequence[tuple[object, Sequence[tuple[float, float]]]]) -> float:
    """:func:`turf_overlap` for ``(day, [(x, y) of each door])`` per route (EPSG:25832)."""

    hulls: dict[object, list] = {}
    for day, pts in turfs:
        if len(pts) >= 3:
            hulls.setdefault(day, []).append(shapely.MultiPoint(list(pts)).convex_hull)
    shared = total = 0.0
    for day_hulls in hulls.values():
        total += sum(h.area for h in day_hulls)
        for i, a in enumerate(day_hulls):
            for b in day_hulls[i + 1:]:
                shared += a.intersection(b).area
    return shared / total if total > 0 else 0.0


def balance_of_teams(work: Sequence[tuple[int, float]]) -> float:
    """Most ÷ least work over the teams' totals (``(team, seconds)`` per route); 1 = even,
    ``inf`` when a team has no work at all."""
    per: dict[int, float] = {}
    for team, sec in work:
        per[team] = per.get(team, 0.0) + float(sec)
    vals = list(per.values())
    if not vals or max(vals) == 0:
        return 1.0
    return max(vals) / min(vals) if min(vals) > 0 else math.inf


def _durations(walking: Walking, s: PlanSettings) -> np.ndarray:
    d = walking.dist_m
    with np.errstate(invalid="ignore"):
        t = np.where(np.isfinite(d), np.ceil(d / s.speed_mps), 10**9)
    return t.astype(np.int64)


def _balance_target(doors: list[Door], planned: list[int], walking: Walking,
                    s: PlanSettings) -> tuple[int, int]:
    """(soft per-route working time, days needed): when every door clearly fits, the
    estimated work is shared evenly between the pairs over the first days it needs, and
    later days stay free (for revisits); else the full shift on every day."""
    shift_len = s.shift[1] - s.shift[0]
    n_days = len(s.days)
    n_vehicles = s.teams * n_days
    if not s.balance or not planned:
        return shift_len, n_days
    idx = np.array(planned) + 1
    sub = walking.dist_m[np.ix_(idx, idx)].copy()
    np.fill_diagonal(sub, np.inf)
    nn = np.where(np.isfinite(sub.min(axis=1)), sub.min(axis=1), 0.0) if len(idx) > 1 else np.zeros(1)
    walk = nn.sum() + n_vehicles * 2 * float(np.median(walking.dist_m[0, idx]))
    est = sum(s.service_s(doors[i]) for i in planned) + walk / s.speed_mps
    if 2.0 * est >= n_vehicles * shift_len:
        # not every door will fit (the estimate is optimistic): every pair works the full
        # shift, and a soft bound would only cost priority
        return shift_len, n_days
    days_needed = min(n_days, max(1, math.ceil(1.5 * est / (s.teams * shift_len))))
    return int(min(shift_len, math.ceil(est / (s.teams * days_needed)))), days_needed


def _work_terms(doors, planned, walking, s) -> tuple[float, np.ndarray, np.ndarray]:  # noqa: ANN001
    """``(fit, near, service)``: the share of the doors' work the shifts hold (estimated as
    in :func:`_balance_target`: service + the mean walk to the 5 nearest doors + a trip out
    and back per route; ≥ 1 when everything fits), and per planned door its mean walk to
    its 5 nearest doors and its service, in seconds."""
    n_vehicles = s.teams * len(s.days)
    shift_len = s.shift[1] - s.shift[0]
    svc = np.array([s.service_s(doors[i]) for i in planned], dtype=float)
    if len(planned) < 2:
        return 1.0, np.zeros(len(planned)), svc
    idx = np.array(planned) + 1
    sub = walking.dist_m[np.ix_(idx, idx)] / s.speed_mps
    np.fill_diagonal(sub, np.inf)
    k = min(5, len(idx) - 1)
    near = np.sort(np.where(np.isfinite(sub), sub, 1e9), axis=1)[:, :k].mean(axis=1)
    walk = near.sum() + n_vehicles * 2 * float(np.median(walking.dist_m[0, idx])) / s.speed_mps
    return n_vehicles * shift_len / max(1.0, svc.sum() + walk), near, svc


def _solver_doors(doors, planned, walking, s, terms=None) -> list[int]:  # noqa: ANN001
    """The doors PyVRP is given. When the shifts hold clearly fewer doors than there are
    (estimated as in :func:`_balance_target`: a share ``fit`` of the work fits), the
    ``PRUNE × (1 − fit)`` least promising of them — priority per second of service plus
    the mean walk to the 5 nearest doors; never a door with windows — are left out of
    PyVRP's model (fewer clients, more iterations in the same time). They stay candidates:
    the search on the prize after the solve may still plan them. On the 120 s best plans
    of bench/teams.py the doors left out this way carried 0–17 priority (500 doors, 101
    left out) and 12–16 (300 doors, 35 left out)."""
    free = [i for i in planned if doors[i].task != "revisit" and doors[i].not_before is None
            and not doors[i].avoid_buckets]
    if len(planned) < PRUNE_MIN_DOORS or len(free) < 10:
        return planned
    fit, near, svc = terms if terms is not None else _work_terms(doors, planned, walking, s)
    share = PRUNE * (1.0 - fit)
    if share <= 0:
        return planned
    score = np.array([doors[i].prize for i in planned], dtype=float) / (svc + near)
    pos = {i: p for p, i in enumerate(planned)}
    cand = sorted(free, key=lambda i: score[pos[i]])
    drop = set(cand[:int(share * len(planned))])
    return [i for i in planned if i not in drop]


def _solve_pyvrp(doors, visits, planned, walking, s, progress, info):  # noqa: ANN001, ANN202
    from pyvrp import Model, solve

    target, days_needed = _balance_target(doors, planned, walking, s)
    terms = _work_terms(doors, planned, walking, s)  # once: the sweep and the pruning both use it
    fit = terms[0]
    info["fit"] = round(float(fit), 3)
    if PRUNE > 0:
        keep = _solver_doors(doors, planned, walking, s, terms)
        if len(keep) < len(planned):
            info["pruned"] = len(planned) - len(keep)
            kept = set(keep)
            planned = keep
            visits = [v for v in visits if v.door in kept]
    m = Model()
    loc_of: dict[int, int] = {}
    locs = [m.add_location(*s.start_xy)]
    for i in planned:
        loc_of[i] = len(locs)
        locs.append(m.add_location(doors[i].x, doors[i].y))
    depot = m.add_depot(locs[0])
    shift_len = s.shift[1] - s.shift[0]
    for d in range(len(s.days)):
        m.add_vehicle_type(num_available=s.teams, start_depot=depot, end_depot=depot,
                           tw_early=d * DAY_S + s.shift[0], tw_late=d * DAY_S + s.shift[1],
                           shift_duration=target, max_overtime=shift_len - target,
                           unit_overtime_cost=OVERTIME_COST, unit_distance_cost=1,
                           fixed_cost=DAY_COST * max(0, d + 1 - days_needed), name=f"day{d}")
    groups: dict[int, object] = {}
    client_visit: list[_Visit] = []
    for v in visits:
        door = doors[v.door]
        prize = max(1, int(round(PRIZE_SCALE * door.prize)))
        kw = {}
        if v.day is not None:
            if v.door not in groups:
                groups[v.door] = m.add_client_group(required=False)
            kw = {"tw_early": v.early, "tw_late": v.late, "group": groups[v.door]}
        m.add_client(locs[loc_of[v.door]], service_duration=s.service_s(door), prize=prize,
                     required=False, **kw)
        client_visit.append(v)
    sel = [0] + [i + 1 for i in planned]
    dist = walking.dist_m[np.ix_(sel, sel)]
    dist_i = np.where(np.isfinite(dist), np.round(dist), 10**9).astype(np.int64)
    dur_i = _durations(Walking(dist, walking.method), s)
    data = m.data().replace(distance_matrices=[dist_i], duration_matrices=[dur_i])
    stop_t0 = time.perf_counter()
    two = _use_helper(s)
    # far from everything fits: both searches start from a sweep (the two best rotations;
    # see _sweep_starts), otherwise from PyVRP's own construction
    starts = _sweep_starts(data) if fit < SWEEP_BELOW_FIT else []
    init = starts[0] if starts else None
    other_init = starts[1] if len(starts) > 1 else init
    helper = _Helper.start(data, s, other_init, HISTORY_SWEEP if other_init is not None else HISTORY) if two else None
    info["start"] = "sweep" if init is not None else "pyvrp"
    stop = _Progress(max(0.05, s.seconds - (time.perf_counter() - stop_t0)), s.iterations, progress)
    history = HISTORY_SWEEP if init is not None else HISTORY
    res = solve(data, stop=stop, seed=s.seed, display=False, params=_solve_params(history=history),
                collect_stats=False,
                initial_solution=init)
    best = _pyvrp_routes(res.best, data)
    if helper is not None:
        other = helper.result(grace_s=0.5)
        info["helper"] = "none" if other is None else "better" if best is None or other[0] < best[0] else "worse"
        if info["helper"] == "better":
            best, other = other, best
        if other is not None:
            info["other_orders"] = _orders(other, client_visit)
    if best is None:
        return {}
    return _orders(best, client_visit)


SWEEP_STARTS = 12
"""Sweep starts tried (rotations of the first sector's edge); the two worth most are used."""
SWEEP_BELOW_FIT = 0.6
"""The searches start from a sweep only when the shifts hold less than this share of the
doors' work (:func:`_work_terms`); otherwise from PyVRP's own construction."""


def _sweep_starts(data, n_starts: int = SWEEP_STARTS) -> list:  # noqa: ANN001
    """First solutions for PyVRP built by the classic sweep, best first: the doors around
    the start point are cut into one sector of equal priority per route (pair × day), and
    each route is filled with its sector's doors, highest prize first, at the cheapest place
    while the shift holds. ``n_starts`` rotations of the sectors are tried; the feasible ones
    are returned by the priority they collect (``[]`` when none is). Doors with windows
    (revisits) are left to the search.

    Why: when the shifts hold far from all the work, PyVRP's own start leads it, in some
    draws, to a plan that splits one village between two routes and reaches another by a
    long loop, and its search does not leave that plan in seconds (plain PyVRP did not in
    120 s either: 17,670 against 18,241 on bench/teams.py's 500 doors). Started from a
    sweep, whose routes each take one direction, the same search did better and more
    evenly there: 8,000 iterations, seeds 1–8, mean 18,092 and lowest 17,825 against mean
    17,764 and lowest 17,204 from PyVRP's start. Where most of the work fits (300 doors,
    fit 0.71) the sweep did worse (mean 13,818 against 13,909), hence
    :data:`SWEEP_BELOW_FIT`. PyVRP has no sweep construction of its own
    (bench/RESULTS.md, round 4).
    """
    from pyvrp import Route as PyvrpRoute
    from pyvrp import Solution

    clients = data.clients()
    if not clients or data.num_depots != 1:
        return []
    dur = np.asarray(data.duration_matrix(0), dtype=float)
    depot = data.location(0)
    vehicles = []
    for t in range(data.num_vehicle_types):
        vt = data.vehicle_type(t)
        cap = min(vt.tw_late - vt.tw_early, vt.shift_duration + vt.max_overtime)
        vehicles.extend([(t, float(cap))] * vt.num_available)
    free = [c for c, cl in enumerate(clients) if cl.group is None and cl.tw_early == 0]
    if not free or not vehicles:
        return []
    loc = np.array([clients[c].location for c in free])
    prize = np.array([clients[c].prize for c in free], dtype=float)
    svc = np.array([clients[c].service_duration for c in free], dtype=float)
    xy = np.array([(data.location(int(v)).x, data.location(int(v)).y) for v in loc], dtype=float)
    angle = np.arctan2(xy[:, 1] - depot.y, xy[:, 0] - depot.x)
    k_routes = len(vehicles)
    found = []
    for off in np.linspace(0.0, 2 * math.pi, n_starts, endpoint=False):
        order = np.argsort((angle - off) % (2 * math.pi), kind="stable")
        share = np.cumsum(prize[order]) / max(prize.sum(), 1.0)
        sector = np.minimum((share * k_routes - 1e-9).astype(int), k_routes - 1)
        routes, total = [], 0.0
        for k, (t, cap) in enumerate(vehicles):
            members = order[sector == k]
            seq: list[int] = []  # positions into ``free``
            used = 0.0
            for j in members[np.argsort(-prize[members], kind="stable")]:
                path = np.array([0] + [int(loc[x]) for x in seq] + [0])
                add = dur[path[:-1], loc[j]] + dur[loc[j], path[1:]] - dur[path[:-1], path[1:]] + svc[j]
                pos = int(np.argmin(add))
                if used + add[pos] <= cap:
                    seq.insert(pos, int(j))
                    used += float(add[pos])
            if seq:
                routes.append(PyvrpRoute(data, [free[x] for x in seq], t))
                total += float(prize[seq].sum())
        if routes:
            sol = Solution(data, routes)
            if sol.is_feasible():
                found.append((total, len(found), sol))
    return [sol for _p, _k, sol in sorted(found, key=lambda f: (-f[0], f[1]))]


def _orders(best: tuple, client_visit: list[_Visit]) -> dict[tuple[int, int], list[int]]:
    """(day, pair) → door order from :func:`_pyvrp_routes`' routes."""
    orders: dict[tuple[int, int], list[int]] = {}
    counters: dict[int, int] = {}
    for d, clients in best[1]:
        k = counters.get(d, 0)
        counters[d] = k + 1
        orders[(d, k)] = [client_visit[c].door for c in clients]
    return orders


def _pyvrp_routes(sol, data) -> tuple[int, list[tuple[int, list[int]]]] | None:  # noqa: ANN001
    """(PyVRP's objective, [(vehicle type, client indices), …]) of a feasible solution."""
    from pyvrp import CostEvaluator

    if not sol.is_feasible():
        return None
    cost = CostEvaluator([0.0] * data.num_load_dimensions, 0.0, 0.0).cost(sol)
    return (int(cost), [(r.vehicle_type(), [a.idx for a in r.schedule() if a.is_client()])
                        for r in sol.routes()])


def _solve_params(neighbours: int | None = None, history: int | None = None):  # noqa: ANN202
    """PyVRP's parameters for these problems: a granular neighbourhood of 20 instead of 50
    (on door-to-door walking instances of 200–500 doors, ~3× the iterations in the same
    time and as good or better plans) and a late-acceptance history of 50 instead of 300
    (a run of a few seconds makes only ~8,000–10,000 iterations on 300–500 doors; with the
    shorter history the search converges within them: at 8,000 iterations, six seeds,
    500 doors 17,630 vs 17,326 priority, 300 doors 13,904 vs 13,816, 200 doors even;
    bench/teams.py, bench/RESULTS.md)."""
    from pyvrp import IteratedLocalSearchParams, SolveParams
    from pyvrp.search import NeighbourhoodParams

    return SolveParams(ils=IteratedLocalSearchParams(history_length=HISTORY if history is None else history),
                       neighbourhood=NeighbourhoodParams(num_neighbours=NEIGHBOURS if neighbours is None
                                                         else neighbours))


_HELPER_CODE = """
import pickle, sys, time
from pyvrp import IteratedLocalSearchParams, SolveParams, solve
from pyvrp.search import NeighbourhoodParams
from pyvrp.stop import MaxRuntime
with open(sys.argv[1], "rb") as fh:
    data, seed, deadline, neighbours, history, start = pickle.load(fh)
params = SolveParams(ils=IteratedLocalSearchParams(history_length=history),
                     neighbourhood=NeighbourhoodParams(num_neighbours=neighbours))
init = None
if start:
    from pyvrp import Route, Solution
    init = Solution(data, [Route(data, clients, vt) for vt, clients in start])
res = solve(data, stop=MaxRuntime(max(0.05, deadline - time.time())), seed=seed, display=False, params=params,
            collect_stats=False, initial_solution=init)
best = res.best
out = None
if best.is_feasible():
    out = [(r.vehicle_type(), [a.idx for a in r.schedule() if a.is_client()]) for r in best.routes()]
pickle.dump(out, sys.stdout.buffer)
"""


def _use_helper(s: PlanSettings) -> bool:
    """A second search (another seed) in a helper process when it can pay: a second CPU,
    no iteration limit (runs with one stay deterministic), time for the helper to start."""
    workers = s.workers if s.workers is not None else (2 if _cpus() >= 2 else 1)
    return workers >= 2 and s.iterations is None and s.seconds >= HELPER_MIN_S


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class _Helper:
    """PyVRP with the next seed in a child Python (only pyvrp imported there), to the same
    wall-clock deadline; its best plan is read back and compared on PyVRP's objective.
    Any failure (no Python, a crash, late) just leaves the parent's own result."""

    def __init__(self, proc, path: str, deadline: float, data) -> None:  # noqa: ANN001
        self.proc, self.path, self.deadline, self.data = proc, path, deadline, data

    @classmethod
    def start(cls, data, s: PlanSettings, start=None, history: int = HISTORY) -> _Helper | None:  # noqa: ANN001
        import pickle
        import subprocess
        import sys
        import tempfile

        deadline = time.time() + s.seconds
        try:
            fd, path = tempfile.mkstemp(prefix="opspor-pyvrp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                # the helper stops a little earlier: it still has to send its plan back
                first = None if start is None else [(r.vehicle_type(), [a.idx for a in r.schedule() if a.is_client()])
                                                    for r in start.routes()]
                pickle.dump((data, s.seed + 1, deadline - HELPER_MARGIN_S, NEIGHBOURS, history, first), fh)
            proc = subprocess.Popen([sys.executable, "-c", _HELPER_CODE, path], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except (OSError, pickle.PicklingError):
            return None
        return cls(proc, path, deadline, data)

    def result(self, grace_s: float) -> tuple[int, list[tuple[int, list[int]]]] | None:
        import pickle
        import subprocess

        from pyvrp import Solution

        try:
            out, _ = self.proc.communicate(timeout=max(0.05, self.deadline - time.time() + grace_s))
            routes = pickle.loads(out) if self.proc.returncode == 0 and out else None
        except (subprocess.TimeoutExpired, pickle.UnpicklingError, EOFError, ValueError):
            self.proc.kill()
            self.proc.communicate()
            routes = None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        if not routes:
            return None
        from pyvrp import Route as PyvrpRoute

        sol = Solution(self.data, [PyvrpRoute(self.data, clients, vt) for vt, clients in routes])
        return _pyvrp_routes(sol, self.data)


def _solve_ortools(doors, visits, planned, walking, s, progress):  # noqa: ANN001, ANN202
    """The same problem as an OR-Tools routing model (baseline and alternative)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n_days = len(s.days)
    n_vehicles = s.teams * n_days
    nodes = [None] + visits  # node 0 = start point
    mgr = pywrapcp.RoutingIndexManager(len(nodes), n_vehicles, 0)
    routing = pywrapcp.RoutingModel(mgr)
    loc = [0] + [v.door + 1 for v in visits]
    dist = np.where(np.isfinite(walking.dist_m), np.round(walking.dist_m), 10**9).astype(np.int64)
    dur = _durations(walking, s)
    service = [0] + [s.service_s(doors[v.door]) for v in visits]

    def dist_cb(a: int, b: int) -> int:
        return int(dist[loc[mgr.IndexToNode(a)], loc[mgr.IndexToNode(b)]])

    def time_cb(a: int, b: int) -> int:
        i, j = mgr.IndexToNode(a), mgr.IndexToNode(b)
        return int(service[i] + dur[loc[i], loc[j]])

    dcb = routing.RegisterTransitCallback(dist_cb)
    tcb = routing.RegisterTransitCallback(time_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(dcb)
    horizon = n_days * DAY_S
    routing.AddDimension(tcb, DAY_S, horizon, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    if s.balance:
        tdim.SetGlobalSpanCostCoefficient(OVERTIME_COST)
    for veh in range(n_vehicles):
        d = veh // s.teams
        lo, hi = d * DAY_S + s.shift[0], d * DAY_S + s.shift[1]
        tdim.CumulVar(routing.Start(veh)).SetRange(lo, hi)
        tdim.CumulVar(routing.End(veh)).SetRange(lo, hi)
    by_door: dict[int, list[int]] = {}
    for k, v in enumerate(visits, start=1):
        by_door.setdefault(v.door, []).append(k)
        idx = mgr.NodeToIndex(k)
        if v.day is not None:
            tdim.CumulVar(idx).SetRange(v.early, v.late)
            allowed = [veh for veh in range(n_vehicles) if veh // s.teams == v.day]
            routing.SetAllowedVehiclesForIndex(allowed, idx)
    for door, ks in by_door.items():
        prize = max(1, int(round(PRIZE_SCALE * doors[door].prize)))
        routing.AddDisjunction([mgr.NodeToIndex(k) for k in ks], prize, 1)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(s.seconds * 1000))
    if progress is not None:
        progress(0.0)
    sol = routing.SolveWithParameters(params)
    if progress is not None:
        progress(1.0)
    orders: dict[tuple[int, int], list[int]] = {}
    if sol is None:
        return orders
    for veh in range(n_vehicles):
        idx = routing.Start(veh)
        seq = []
        while not routing.IsEnd(idx):
            node = mgr.IndexToNode(idx)
            if node:
                seq.append(visits[node - 1].door)
            idx = sol.Value(routing.NextVar(idx))
        orders[(veh // s.teams, veh % s.teams)] = seq
    return orders


# --------------------------------------------------------------------------- routes


def _times(seq: list[int], d: int, walking: Walking, doors: list[Door],
           windows: dict, s: PlanSettings, delay: float = 0.0) -> list[tuple[float, float]] | None:
    """(arrive, depart) absolute seconds per stop, leaving ``delay`` seconds after shift
    start, or None when a window or the shift breaks."""
    t = d * DAY_S + s.shift[0] + delay
    prev = 0
    out = []
    for i in seq:
        t += walking.dist_m[prev, i + 1] / s.speed_mps
        wins = [(a, b) for dd, a, b in windows.get(i, []) if dd == d]
        if i in windows:
            ok = [(a, b) for a, b in sorted(wins) if t <= b]
            if not ok:
                return None
            t = max(t, ok[0][0])
        depart = t + s.service_s(doors[i])
        out.append((t, depart))
        t = depart
        prev = i + 1
    end = t + walking.dist_m[prev, 0] / s.speed_mps
    if end > d * DAY_S + s.shift[1] + 1e-6:
        return None
    return out


def _length(seq: list[int], walking: Walking) -> float:
    path = [0] + [i + 1 for i in seq] + [0]
    return float(sum(walking.dist_m[a, b] for a, b in zip(path, path[1:], strict=False)))


def _polish(seq: list[int], d: int, walking: Walking, doors: list[Door], windows: dict,
            s: PlanSettings, seconds: float = 0.5) -> list[int]:
    """Reorder a route with LKH when that is shorter and keeps windows and the shift."""
    if len(seq) < 3:
        return seq
    idx = [0] + [i + 1 for i in seq]
    tour = sequence_tour(walking.dist_m[np.ix_(idx, idx)], runs=3, seconds=seconds)[1:]
    best, best_len = seq, _length(seq, walking)
    for cand in (tour, tour[::-1]):
        cseq = [seq[k - 1] for k in cand]
        clen = _length(cseq, walking)
        if clen < best_len - 1e-6 and _times(cseq, d, walking, doors, windows, s) is not None:
            best, best_len = cseq, clen
    return best


def sequence_tour(dist: np.ndarray, *, runs: int = 3, seconds: float | None = None) -> list[int]:
    """A short closed tour through every point of a (symmetric) distance matrix, by LKH
    (``elkai``): the positions in visiting order, starting at 0 (not repeated at the end).

    Distances are rounded to integers for LKH. ``seconds`` bounds LKH's search
    (``TOTAL_TIME_LIMIT``; the candidate-set preparation comes on top). Up to 3 points
    are returned as they are (every order is optimal).
    """
    n = len(dist)
    if n <= 3:
        return list(range(n))
    import elkai

    mat = np.where(np.isfinite(dist), np.round(dist), 10**9).astype(np.int64)
    symmetric = bool((mat == mat.T).all())
    try:
        from elkai import _elkai

        params = f"RUNS = {max(1, int(runs))}\nPROBLEM_FILE = :stdin:\n"
        if seconds is not None:
            params += f"TOTAL_TIME_LIMIT = {max(0.01, float(seconds)):.3f}\n"
        problem = (f"TYPE : {'TSP' if symmetric else 'ATSP'}\nDIMENSION : {n}\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
                   "EDGE_WEIGHT_FORMAT : FULL_MATRIX\nEDGE_WEIGHT_SECTION\n"
                   + "\n".join(" ".join(map(str, row)) for row in mat.tolist()) + "\n")
        tour = [k - 1 for k in _elkai.solve_problem(params, problem)]
    except (ImportError, AttributeError):  # pragma: no cover - elkai's public API as fallback
        tour = elkai.DistanceMatrix(mat.tolist()).solve_tsp(runs=max(1, int(runs)))
    if len(tour) > n:
        tour = tour[:n]
    k = tour.index(0)
    return tour[k:] + tour[:k]


def _fill(all_days: list[list[list[int]]], planned: list[int], walking: Walking, doors: list[Door],
          windows: dict, s: PlanSettings, *, limit_s: float = 2.0) -> None:
    """After polishing, routes are shorter: insert left-out doors (highest prize first) at
    their cheapest feasible position while time allows (in place)."""
    t0 = time.perf_counter()
    used = {i for day in all_days for seq in day for i in seq}
    left = sorted((i for i in planned if i not in used), key=lambda i: -doors[i].prize)
    dm = walking.dist_m
    for i in left:
        if time.perf_counter() - t0 > limit_s:
            break
        best = None
        for d, day in enumerate(all_days):
            if i in windows and not any(w[0] == d for w in windows[i]):
                continue
            for k, seq in enumerate(day):
                path = [0] + [j + 1 for j in seq] + [0]
                add = dm[path[:-1], i + 1] + dm[i + 1, path[1:]] - dm[path[:-1], path[1:]]
                for pos in np.argsort(add, kind="stable")[:8]:
                    if best is not None and add[pos] >= best[0]:
                        break
                    cand = seq[:pos] + [i] + seq[pos:]
                    if _times(cand, d, walking, doors, windows, s) is not None:
                        best = (float(add[pos]), d, k, cand)
                        break
        if best is not None:
            all_days[best[1]][best[2]] = best[3]


def improve_prizes(all_days: list[list[list[int]]], candidates: Sequence[int], walking: Walking,
                   doors: Sequence[Door], windows: dict, s: PlanSettings, *,
                   seconds: float = 1.0) -> int:
    """A local search on the prize after the solve (in place); returns the moves made.

    ``all_days[d][k]`` is the order of door indices of pair ``k`` on day ``d``;
    ``candidates`` the door indices that may be planned (those not in a route are the
    left-out doors); ``windows`` the revisit windows as in :func:`plan_routes`. Each step
    makes the move that gains the most priority (ties: the least extra time), of:

    - *insert* a left-out door at its cheapest place where it fits;
    - *replace* a planned door by a left-out one worth more (the left-out door at its
      cheapest place in the route without the other);
    - *replace and move*: the same, but the door taken out moves to another route where
      it fits, so nothing is lost;
    - *replace two*: two neighbouring planned doors by one left-out door worth more than
      both (the trade a route full of cheap doors near the start needs).

    A move is made only when every route it touches still meets the shift and every
    window (checked with :func:`_times`), and only when it raises the priority collected:
    the prize never goes down, no route breaks the shift, no door is planned twice.
    Stops when no move gains or after ``seconds``.
    """
    t_end = time.perf_counter() + seconds
    n = len(doors)
    doors = list(doors)
    with np.errstate(invalid="ignore", divide="ignore"):
        tt = np.where(np.isfinite(walking.dist_m), walking.dist_m / s.speed_mps, np.inf)
    svc = np.zeros(n + 1)
    svc[1:] = [s.service_s(door) for door in doors]
    prize = np.zeros(n + 1)
    prize[1:] = [door.prize for door in doors]
    limit = float(s.shift[1] - s.shift[0]) + 1e-6
    pool = np.zeros(n + 1, dtype=bool)
    pool[[int(i) + 1 for i in candidates]] = True
    n_days = len(all_days)
    day_ok = np.ones((n_days, n + 1), dtype=bool)  # may door (node) x go to day d
    for i, wins in windows.items():
        day_ok[:, i + 1] = False
        for w in wins:
            if 0 <= w[0] < n_days:
                day_ok[w[0], i + 1] = True
    cache: dict[tuple[int, int], tuple] = {}
    banned: set[tuple] = set()
    moves = 0
    while time.perf_counter() < t_end:
        routes = [(d, k) for d, day in enumerate(all_days) for k in range(len(day))]
        used = np.zeros(n + 1, dtype=bool)
        for d, k in routes:
            used[[i + 1 for i in all_days[d][k]]] = True
        out = pool & ~used
        if not out.any():
            break
        ev = []
        for d, k in routes:
            key = tuple(all_days[d][k])
            if (d, k) not in cache or cache[(d, k)][0] != key:
                cache[(d, k)] = (key, _route_moves(np.array([0] + [i + 1 for i in key] + [0]), tt, svc))
            ev.append(cache[(d, k)][1])
        best = None  # (gain, -extra seconds, kind, route, node, position, other route)
        for r, (d, _k) in enumerate(routes):
            e = ev[r]
            rows = np.flatnonzero(out & day_ok[d])
            if not len(rows):
                continue
            # insert
            c = e["ins_cost"][rows]
            fit = e["dur"] + c <= limit
            for q in np.lexsort((c[fit], -prize[rows][fit]))[:4]:
                x = int(rows[fit][q])
                cand = (float(prize[x]), -float(c[fit][q]), "insert", r, x, int(e["ins_pos"][x]), None)
                if ("insert", r, x) not in banned:
                    if best is None or cand[:2] > best[:2]:
                        best = cand
                    break
            m = len(e["path"]) - 2
            if m == 0:
                continue
            node = e["path"][1:-1]
            # where each planned door of this route could move to (another route with room)
            moved_to = np.full(m, -1)
            for r2, (d2, _k2) in enumerate(routes):
                if r2 != r:
                    can = (ev[r2]["dur"] + ev[r2]["ins_cost"][node] <= limit) & day_ok[d2, node] & (moved_to < 0)
                    moved_to[can] = r2
            options = [("replace", e["dur"] - e["save1"][None, :] + e["cost1"][rows],
                        prize[rows][:, None] - np.where(moved_to >= 0, 0.0, prize[node])[None, :])]
            if m >= 2:
                options.append(("replace2", e["dur"] - e["save2"][None, :] + e["cost2"][rows],
                                prize[rows][:, None] - (prize[node[:-1]] + prize[node[1:]])[None, :]))
            for kind, new_dur, gain in options:
                good = (new_dur <= limit) & (gain > 1e-9)
                if not good.any():
                    continue
                qs, ps = np.nonzero(good)
                order = np.lexsort((new_dur[qs, ps], -gain[qs, ps]))
                for o in order[:8]:
                    q, p = int(qs[o]), int(ps[o])
                    x = int(rows[q])
                    if (kind, r, x, p) in banned:
                        continue
                    cand = (float(gain[q, p]), -float(new_dur[q, p] - e["dur"]), kind, r, x, p,
                            int(moved_to[p]) if kind == "replace" and moved_to[p] >= 0 else None)
                    if best is None or cand[:2] > best[:2]:
                        best = cand
                    break
        if best is None:
            break
        _gain, _extra, kind, r, x, pos, r2 = best
        d, k = routes[r]
        seq = list(all_days[d][k])
        changed: dict[tuple[int, int], list[int]] = {}
        if kind == "insert":
            changed[(d, k)] = seq[:pos] + [x - 1] + seq[pos:]
            key: tuple = ("insert", r, x)
        else:
            key = (kind, r, x, pos)
            v = seq.pop(pos)
            if kind == "replace2":
                seq.pop(pos)
            changed[(d, k)] = _cheapest_insertion(seq, x - 1, tt, svc)
            if r2 is not None:
                d2, k2 = routes[r2]
                changed[(d2, k2)] = _cheapest_insertion(list(all_days[d2][k2]), v, tt, svc)
        if all(_times(sq, dd, walking, doors, windows, s) is not None for (dd, _), sq in changed.items()):
            for (dd, kk), sq in changed.items():
                all_days[dd][kk] = sq
            moves += 1
            banned.clear()
        else:
            banned.add(key)
    return moves


def _route_moves(path: np.ndarray, tt: np.ndarray, svc: np.ndarray) -> dict:
    """For one route (``path`` = start, door nodes…, start): its duration and, for every
    node, the extra seconds to insert it at its cheapest place (``ins_cost``/``ins_pos``),
    into the route without the door at position p (``cost1``, with ``save1[p]`` the
    seconds that removal saves), and without the doors at p and p + 1 (``cost2``/``save2``)."""
    a, b = path[:-1], path[1:]
    m = len(path) - 2
    ins = tt[a].T + tt[:, b] - tt[a, b][None, :] + svc[:, None]  # (nodes, edges)
    out = {"path": path, "dur": float(tt[a, b].sum() + svc[path].sum()),
           "ins_cost": ins.min(axis=1), "ins_pos": ins.argmin(axis=1)}
    if m == 0:
        return out
    k = min(4, m + 1)
    idx = np.argpartition(ins, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(ins, idx, axis=1)
    p = np.arange(m)
    prev, node, nxt = path[p], path[p + 1], path[p + 2]
    out["save1"] = tt[prev, node] + svc[node] + tt[node, nxt] - tt[prev, nxt]
    bridge = tt[prev].T + svc[:, None] + tt[:, nxt] - tt[prev, nxt][None, :]
    excl = (idx[:, None, :] == p[None, :, None]) | (idx[:, None, :] == p[None, :, None] + 1)
    out["cost1"] = np.minimum(np.where(excl, np.inf, vals[:, None, :]).min(axis=2), bridge)
    if m >= 2:
        p2 = np.arange(m - 1)
        prev2, v1, v2, nxt2 = path[p2], path[p2 + 1], path[p2 + 2], path[p2 + 3]
        out["save2"] = (tt[prev2, v1] + svc[v1] + tt[v1, v2] + svc[v2] + tt[v2, nxt2] - tt[prev2, nxt2])
        bridge2 = tt[prev2].T + svc[:, None] + tt[:, nxt2] - tt[prev2, nxt2][None, :]
        ex2 = excl[:, :-1, :] | (idx[:, None, :] == p2[None, :, None] + 2)
        out["cost2"] = np.minimum(np.where(ex2, np.inf, vals[:, None, :]).min(axis=2), bridge2)
    return out


def _prize_of(all_days: list[list[list[int]]], doors: Sequence[Door]) -> float:
    return float(sum(doors[i].prize for day in all_days for seq in day for i in seq))


def _cheapest_insertion(seq: list[int], i: int, tt: np.ndarray, svc: np.ndarray) -> list[int]:
    """``seq`` with door ``i`` inserted where it adds the least time."""
    path = np.array([0] + [j + 1 for j in seq] + [0])
    add = tt[path[:-1], i + 1] + tt[i + 1, path[1:]] - tt[path[:-1], path[1:]]
    pos = int(np.argmin(add))
    return seq[:pos] + [i] + seq[pos:]


def _at(day: date, seconds: float) -> datetime:
    base = datetime(day.year, day.month, day.day, tzinfo=clock.COPENHAGEN)
    return base + timedelta(seconds=round(seconds))


def _schedule(seq: list[int], d: int, day: date, walking: Walking, doors: list[Door],
              windows: dict, s: PlanSettings) -> Route:
    times = _times(seq, d, walking, doors, windows, s)
    if times is None:  # a solver order that breaks a window: drop stops from the end until it fits
        while seq and times is None:
            seq = seq[:-1]
            times = _times(seq, d, walking, doors, windows, s)
        times = times or []
    # a route whose first window opens later (a revisit in the afternoon) starts later
    # instead of waiting: delay the start by the first wait when everything still fits
    delay = 0.0
    if times:
        t = d * DAY_S + s.shift[0]
        prev = 0
        for i, (a, b) in zip(seq, times, strict=True):
            reach = t + walking.dist_m[prev, i + 1] / s.speed_mps
            if a > reach + 1e-6:
                delay = a - reach
                break
            t, prev = b, i + 1
        if delay > 0:
            later = _times(seq, d, walking, doors, windows, s, delay)
            if later is not None and later[-1][1] <= times[-1][1] + 1e-6:
                times = later
            else:
                delay = 0.0
    r = Route(team=0, day=day, start=_at(day, s.shift[0] + delay))
    prev = 0
    for i, (a, b) in zip(seq, times, strict=True):
        walk, drive, by_car = walking.leg(prev, i + 1)
        r.stops.append(Stop(doors[i].entrance_id, doors[i].units, doors[i].task,
                            _at(day, a - d * DAY_S), _at(day, b - d * DAY_S), walk, i, drive,
                            int(walking.car.parking_of[i + 1]) if by_car else None))
        r.walk_m += walk
        r.drive_m += drive
        r.service_s += s.service_s(doors[i])
        r.prize += doors[i].prize
        prev = i + 1
    back_walk, back_drive, _ = walking.leg(prev, 0) if seq else (0.0, 0.0, False)
    r.walk_m += back_walk
    r.drive_m += back_drive
    back = float(walking.dist_m[prev, 0]) if seq else 0.0
    end_abs = (times[-1][1] if times else d * DAY_S + s.shift[0]) + back / s.speed_mps
    r.end = _at(day, end_abs - d * DAY_S)
    r.duration_s = int(round(end_abs - (d * DAY_S + s.shift[0] + delay))) if seq else 0
    return r


def _number_teams(routes: list[Route], day: date, s: PlanSettings, doors: list[Door],
                  load: dict[int, int] | None = None) -> list[Route]:
    """Team numbers 1…N for one day's routes, so the pairs' totals stay even over the plan.

    The solver's vehicles of one day are interchangeable (same start, same shift), so which
    pair walks which route is free: the longest route of the day goes to the pair with the
    least work so far (``load``: team → seconds over the earlier days, updated here), the
    next longest to the next, and so on (longest-processing-time-first); ties go by team
    number. Pairs without a route that day get an empty one. Balance between pairs is
    asked for by the issue; keeping the same turf from day to day is not, and gives way.
    """
    load = {} if load is None else load
    teams = list(range(1, s.teams + 1))
    busy = sorted((r for r in routes if r.stops), key=lambda r: -r.duration_s)
    free = sorted(teams, key=lambda k: (load.get(k, 0), k))
    for k, r in zip(free, busy, strict=False):
        r.team = k
        load[k] = load.get(k, 0) + r.duration_s
    out = list(busy)
    for k in free[len(busy):]:
        out.append(Route(team=k, day=day, start=_at(day, s.shift[0]), end=_at(day, s.shift[0])))
    return sorted(out, key=lambda r: r.team)


# --------------------------------------------------------------------------- paths


def walked_path(route: Route, walking: Walking, doors: Sequence[Door],
                start_xy: tuple[float, float], net=None) -> list[tuple[float, float]]:  # noqa: ANN001
    """The walked line of a route (EPSG:25832 coordinates): along the network's shortest
    paths between snapped nodes when there is a network, else straight lines."""
    pts = [start_xy] + [(doors[st.index].x, doors[st.index].y) for st in route.stops] + [start_xy]
    if not route.stops:
        return []
    if net is None or walking.node_ids is None:
        return [(float(x), float(y)) for x, y in pts]
    if walking.car is not None:
        return car_route_lines(route, walking, doors, start_xy, net)[0]

    ids = [0] + [st.index + 1 for st in route.stops] + [0]
    out: list[tuple[float, float]] = [tuple(map(float, pts[0]))]
    for k in range(len(ids) - 1):
        a, b = int(walking.node_ids[ids[k]]), int(walking.node_ids[ids[k + 1]])
        out.extend(_node_line(net, [a, b]))
        out.append(tuple(map(float, pts[k + 1])))
    return out


def _node_line(net, via: Sequence[int]) -> list[tuple[float, float]]:  # noqa: ANN001
    """The walked line through network nodes ``via`` (shortest paths between them)."""
    geoms = _edge_coords(net)
    out: list[tuple[float, float]] = [geoms["xy"][int(via[0])]]
    for a, b in zip(via, via[1:], strict=False):
        a, b = int(a), int(b)
        nodes = shortest_path(net, a, b) if a != b else [a]
        for p, q in zip(nodes, nodes[1:], strict=False):
            line = geoms["edge"][(min(p, q), max(p, q))]
            out.extend(line[1:] if p < q else line[::-1][1:])
    return out


def car_route_lines(route: Route, walking: Walking, doors: Sequence[Door], start_xy: tuple[float, float],
                    net) -> tuple[list[tuple[float, float]], list[list[tuple[float, float]]], list[int]]:  # noqa: ANN001
    """A drive-then-walk route's whole line (walks and drives, EPSG:25832), its car legs
    (one line each, parking point to parking point) and the parking points it uses, in
    order of use (indices into ``walking.car.parking_xy``)."""
    c = walking.car
    pts = [start_xy] + [(doors[st.index].x, doors[st.index].y) for st in route.stops] + [start_xy]
    ids = [0] + [st.index + 1 for st in route.stops] + [0]
    full: list[tuple[float, float]] = [tuple(map(float, pts[0]))]
    cars: list[list[tuple[float, float]]] = []
    used: list[int] = []
    for k in range(len(ids) - 1):
        a, b = ids[k], ids[k + 1]
        na, nb = int(walking.node_ids[a]), int(walking.node_ids[b])
        pa, pb = int(c.parking_of[a]), int(c.parking_of[b])
        if c.car[a, b]:
            full.extend(_node_line(net, [na, int(c.parking_node[pa])]))
            line = c.car_path_xy(a, b)
            cars.append(line)
            full.extend(line)
            full.extend(_node_line(net, [int(c.parking_node[pb]), nb]))
            if pb not in used:
                used.append(pb)
        elif c.via_parking[a, b]:
            full.extend(_node_line(net, [na, int(c.parking_node[pa]), nb]))
        else:
            full.extend(_node_line(net, [na, nb]))
        full.append(tuple(map(float, pts[k + 1])))
    if route.stops:  # the car's place at the start point is always the first
        home = int(c.parking_of[0])
        used = [home] + [p for p in used if p != home]
    return full, cars, used


_EDGE_CACHE: dict[int, dict] = {}


def _edge_coords(net) -> dict:  # noqa: ANN001
    """Node coordinates and each edge's line (u → v), cached per network object."""
    key = id(net)
    if key not in _EDGE_CACHE:
        xy = dict(zip(net.nodes["node_id"].tolist(),
                      zip(net.nodes["x"].tolist(), net.nodes["y"].tolist(), strict=True), strict=True))
        lines = shapely.from_wkb(net.edges["geometry_wkb"].to_numpy())
        edge = {(int(u), int(v)): [tuple(map(float, c)) for c in shapely.get_coordinates(g)]
                for u, v, g in zip(net.edges["u"], net.edges["v"], lines, strict=True)}
        _EDGE_CACHE.clear()
        _EDGE_CACHE[key] = {"xy": xy, "edge": edge, "net": net}
    return _EDGE_CACHE[key]

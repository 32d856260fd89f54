"""Route planning benchmarks (issue 6), each beside a baseline run in the same process.

    python bench/routing.py --tsplib FILE [--seconds S] [--json]
        the project's sequencing code (LKH via detection.routes.planner.sequence_tour) on a TSPLIB
        instance; baseline: nearest neighbour + 2-opt. Prints {"instance", "length",
        "optimum", "gap_pct", "seconds"} (optimum from the companion .opt.tour).
    python bench/routing.py --random N [--seconds S]
        uniform random instance of N points; reference = LKH with many runs.
    python bench/routing.py --solomon FILE [--seconds S] [--json]
        PyVRP on a Solomon VRPTW instance; baseline OR-Tools; gap to the distance BKS.
    python bench/routing.py --instance FILE [--seconds S] [--json]
        prize-collecting team routes on a walking instance (bench/teams format): the
        project's planner (PyVRP + balance + LKH polish) beside plain OR-Tools and plain
        PyVRP with the same time budget; every route checked against the shift.
    python bench/routing.py --samsoe-team N [--seconds S]
        the same on N real Samsø entrances around Tranebjerg (5 pairs, 6 h shift).
    python bench/routing.py --samsoe-matrix N
        walking matrix for N Samsø entrances on the real network (build not timed);
        baseline: networkx Dijkstra from a sample of sources, scaled.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detection.routes import planner as rt  # noqa: E402

SOLOMON_BKS = {"C101": 828.94, "C201": 591.56, "R101": 1642.88, "R201": 1149.68,
               "RC101": 1643.41, "RC201": 1265.56}
"""Distance BKS (only distance minimised), from /work/shared/bench/README.md."""


# --------------------------------------------------------------------------- TSPLIB


def read_tsplib(path: Path) -> tuple[np.ndarray, str]:
    text = path.read_text()
    kind = re.search(r"EDGE_WEIGHT_TYPE\s*:\s*(\w+)", text).group(1)
    body = text.split("NODE_COORD_SECTION")[1]
    pts = []
    for line in body.splitlines():
        parts = line.split()
        if not parts or parts[0] == "EOF":
            if pts:
                break
            continue
        pts.append((float(parts[1]), float(parts[2])))
    return np.array(pts), kind


def tsplib_matrix(pts: np.ndarray, kind: str) -> np.ndarray:
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    if kind == "EUC_2D":
        return np.floor(d + 0.5)
    if kind == "CEIL_2D":
        return np.ceil(d)
    if kind == "ATT":
        r = np.sqrt((d**2) / 10.0)
        t = np.floor(r + 0.5)
        return np.where(t < r, t + 1, t)
    raise SystemExit(f"edge weight type {kind} not supported here")


def tour_length(d: np.ndarray, tour: list[int]) -> float:
    return float(sum(d[a, b] for a, b in zip(tour, tour[1:] + tour[:1], strict=True)))


def read_opt_tour(path: Path) -> list[int]:
    body = path.read_text().split("TOUR_SECTION")[1].split()
    out = []
    for tok in body:
        v = int(tok)
        if v == -1:
            break
        out.append(v - 1)
    return out


def nn_2opt(d: np.ndarray, seconds: float) -> list[int]:
    """Baseline: nearest neighbour, then 2-opt until no gain or the time is up."""
    n = len(d)
    left = set(range(1, n))
    tour = [0]
    while left:
        last = tour[-1]
        nxt = min(left, key=lambda j: d[last, j])
        tour.append(nxt)
        left.remove(nxt)
    t0 = time.perf_counter()
    improved = True
    while improved and time.perf_counter() - t0 < seconds:
        improved = False
        for i in range(1, n - 1):
            a, b = tour[i - 1], tour[i]
            c = np.array(tour[i + 1:])
            nxt = np.array(tour[i + 2:] + tour[:1])
            gain = d[a, b] + d[c, nxt] - d[a, c] - d[b, nxt]
            k = int(np.argmax(gain)) if len(gain) else -1
            if k >= 0 and gain[k] > 1e-9:
                j = i + 1 + k
                tour[i:j + 1] = reversed(tour[i:j + 1])
                improved = True
            if time.perf_counter() - t0 >= seconds:
                break
    return tour


def bench_tsplib(path: Path, seconds: float) -> dict:
    pts, kind = read_tsplib(path)
    d = tsplib_matrix(pts, kind)
    t0 = time.perf_counter()
    tour = rt.sequence_tour(d, runs=10, seconds=seconds)
    ours_s = time.perf_counter() - t0
    length = tour_length(d, tour)
    opt_file = path.with_suffix(".opt.tour")
    optimum = tour_length(d, read_opt_tour(opt_file)) if opt_file.exists() else None
    t0 = time.perf_counter()
    base = nn_2opt(d, seconds)
    base_s = time.perf_counter() - t0
    base_len = tour_length(d, base)
    gap = round(100 * (length - optimum) / optimum, 3) if optimum else None
    return {"instance": path.stem, "nodes": len(d), "length": length, "optimum": optimum, "gap_pct": gap,
            "seconds": round(ours_s, 3), "baseline": "nearest neighbour + 2-opt", "baseline_length": base_len,
            "baseline_gap_pct": round(100 * (base_len - optimum) / optimum, 3) if optimum else None,
            "baseline_seconds": round(base_s, 3)}


def bench_random(n: int, seconds: float, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 10_000, size=(n, 2))
    d = np.floor(np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1]) + 0.5)
    t0 = time.perf_counter()
    tour = rt.sequence_tour(d, runs=10, seconds=seconds)
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = rt.sequence_tour(d, runs=10, seconds=60)
    ref_s = time.perf_counter() - t0
    length, ref_len = tour_length(d, tour), tour_length(d, ref)
    t0 = time.perf_counter()
    base_len = tour_length(d, nn_2opt(d, seconds))
    base_s = time.perf_counter() - t0
    best = min(length, ref_len)
    return {"instance": f"random{n}", "nodes": n, "length": length, "optimum": best,
            "reference": "LKH 10 runs, 60 s (or ours if shorter)", "reference_seconds": round(ref_s, 2),
            "gap_pct": round(100 * (length - best) / best, 3), "seconds": round(ours_s, 3),
            "baseline": "nearest neighbour + 2-opt", "baseline_length": base_len,
            "baseline_gap_pct": round(100 * (base_len - best) / best, 3), "baseline_seconds": round(base_s, 3)}


# --------------------------------------------------------------------------- Solomon


def read_solomon(path: Path) -> dict:
    lines = [ln.split() for ln in path.read_text().splitlines()]
    veh = next(i for i, ln in enumerate(lines) if ln and ln[0] == "VEHICLE")
    n_veh, cap = int(lines[veh + 2][0]), int(lines[veh + 2][1])
    rows = [ln for ln in lines if len(ln) == 7 and ln[0].isdigit()]
    a = np.array([[float(v) for v in r] for r in rows])
    return {"vehicles": n_veh, "capacity": cap, "xy": a[:, 1:3], "demand": a[:, 3].astype(int),
            "ready": a[:, 4], "due": a[:, 5], "service": a[:, 6]}


def bench_solomon(path: Path, seconds: float) -> dict:
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    inst = read_solomon(path)
    scale = 100  # PyVRP needs integers: centi-units
    xy = inst["xy"]
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    di = np.round(d * scale).astype(np.int64)
    m = Model()
    locs = [m.add_location(float(x), float(y)) for x, y in xy]
    depot = m.add_depot(locs[0], tw_early=int(inst["ready"][0] * scale), tw_late=int(inst["due"][0] * scale))
    m.add_vehicle_type(num_available=inst["vehicles"], capacity=inst["capacity"], start_depot=depot,
                       end_depot=depot, tw_early=int(inst["ready"][0] * scale),
                       tw_late=int(inst["due"][0] * scale))
    for k in range(1, len(xy)):
        m.add_client(locs[k], delivery=int(inst["demand"][k]), service_duration=int(inst["service"][k] * scale),
                     tw_early=int(inst["ready"][k] * scale), tw_late=int(inst["due"][k] * scale))
    data = m.data().replace(distance_matrices=[di], duration_matrices=[di])
    from pyvrp import solve

    t0 = time.perf_counter()
    res = solve(data, stop=MaxRuntime(seconds), seed=1, display=False)
    ours_s = time.perf_counter() - t0
    best = res.best
    routes = [[a.idx for a in r.schedule() if a.is_client()] for r in best.routes()]
    # unrounded distance of the routes found
    dist = 0.0
    for r in routes:
        stops = [0] + [c + 1 for c in r] + [0]
        dist += float(sum(d[a, b] for a, b in zip(stops, stops[1:], strict=False)))
    base = _solomon_ortools(inst, d, seconds)
    bks = SOLOMON_BKS.get(path.stem.upper())
    return {"instance": path.stem, "distance": round(dist, 2), "vehicles": len(routes), "feasible": best.is_feasible(),
            "bks": bks, "gap_pct": round(100 * (dist - bks) / bks, 3) if bks else None, "seconds": round(ours_s, 2),
            "baseline": "OR-Tools (parallel cheapest insertion + GLS)", "baseline_distance": base[0],
            "baseline_vehicles": base[1],
            "baseline_gap_pct": round(100 * (base[0] - bks) / bks, 3) if bks and base[0] else None}


def _solomon_ortools(inst: dict, d: np.ndarray, seconds: float) -> tuple[float | None, int]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(d)
    scale = 100
    di = np.round(d * scale).astype(np.int64)
    mgr = pywrapcp.RoutingIndexManager(n, inst["vehicles"], 0)
    routing = pywrapcp.RoutingModel(mgr)
    service = (inst["service"] * scale).astype(np.int64)

    def dcb(a, b):
        return int(di[mgr.IndexToNode(a), mgr.IndexToNode(b)])

    def tcb(a, b):
        i, j = mgr.IndexToNode(a), mgr.IndexToNode(b)
        return int(service[i] + di[i, j])

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(dcb))
    horizon = int(inst["due"][0] * scale)
    routing.AddDimension(routing.RegisterTransitCallback(tcb), horizon, horizon, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    for k in range(1, n):
        tdim.CumulVar(mgr.NodeToIndex(k)).SetRange(int(inst["ready"][k] * scale), int(inst["due"][k] * scale))
    dem = inst["demand"]
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(lambda a: int(dem[mgr.IndexToNode(a)])), 0,
        [inst["capacity"]] * inst["vehicles"], True, "load")
    p = pywrapcp.DefaultRoutingSearchParameters()
    p.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    p.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    p.time_limit.FromMilliseconds(int(seconds * 1000))
    sol = routing.SolveWithParameters(p)
    if sol is None:
        return None, 0
    total, used = 0.0, 0
    for v in range(inst["vehicles"]):
        idx = routing.Start(v)
        path = []
        while not routing.IsEnd(idx):
            path.append(mgr.IndexToNode(idx))
            idx = sol.Value(routing.NextVar(idx))
        path.append(0)
        if len(path) > 2:
            used += 1
            total += float(sum(d[a, b] for a, b in zip(path, path[1:], strict=False)))
    return round(total, 2), used


# --------------------------------------------------------------------------- team instance


def samsoe_team_instance(n: int, seed: int = 1) -> dict:
    """A bench/teams-style instance from the real Samsø demo: ``n`` entrances drawn at
    random within 3 km of the island's median entrance (Tranebjerg), priority 1–99 and 1–3
    units at random (seeded), 5 pairs, 6 h — more doors than the shifts can hold."""
    from detection.register.demo import build_demo_data

    data = build_demo_data(as_of=date(2026, 11, 1))
    e = data.entrances
    cx, cy = float(e["x"].median()), float(e["y"].median())
    e = e[np.hypot(e["x"] - cx, e["y"] - cy) <= 3000].sample(n=n, random_state=seed)
    rng = np.random.default_rng(seed)
    xy = np.vstack([[cx, cy], e[["x", "y"]].to_numpy()])
    w = rt.walking_distances(xy, data.network)
    units = rng.integers(1, 4, size=n)
    return {"name": f"samsoe_walk_{n}", "depot_xy": [cx, cy], "shift_s": 6 * 3600, "teams": 5,
            "ids": ["start"] + e["entrance_id"].tolist(), "xy": xy.tolist(),
            "service_s": [0] + [rt.PER_ENTRANCE_S + rt.PER_UNIT_S * int(u) for u in units],
            "priority": [0] + rng.integers(1, 100, size=n).tolist(),
            "walk_s": (w.dist_m / (rt.SPEED_KMH / 3.6)).tolist()}


def load_team_instance(path: Path | dict) -> tuple[list[rt.Door], rt.PlanSettings, rt.Walking, dict]:
    inst = path if isinstance(path, dict) else json.loads(path.read_text())
    speed = rt.SPEED_KMH
    walk_s = np.array(inst["walk_s"], dtype=float)
    walking = rt.Walking(walk_s * (speed / 3.6), "network")
    xy = inst["xy"]
    doors = []
    for k in range(1, len(inst["ids"])):
        units = max(1, round((inst["service_s"][k] - rt.PER_ENTRANCE_S) / rt.PER_UNIT_S))
        doors.append(rt.Door(str(k), float(xy[k][0]), float(xy[k][1]), units=tuple(f"u{j}" for j in range(units)),
                             prize=float(inst["priority"][k])))
    s = rt.PlanSettings(days=(date(2026, 11, 2),), start_xy=tuple(inst["depot_xy"]), teams=int(inst["teams"]),
                        shift=(9 * 3600, 9 * 3600 + int(inst["shift_s"])), speed_kmh=speed, seconds=1.0)
    return doors, s, walking, inst


def _check(plan: rt.Plan, doors: list[rt.Door], s: rt.PlanSettings, walking: rt.Walking, inst: dict) -> tuple[int, list]:
    """Recompute priority and check each route (walk + service, start back to start) ≤ shift."""
    routes = []
    total = 0
    walk_s = np.array(inst["walk_s"], dtype=float)
    for r in plan.routes:
        idx = [int(st.entrance_id) for st in r.stops]
        path = [0] + idx + [0]
        dur = sum(walk_s[a, b] for a, b in zip(path, path[1:], strict=False)) + sum(inst["service_s"][i] for i in idx)
        assert dur <= inst["shift_s"] + 1, f"route over the shift: {dur} > {inst['shift_s']}"
        total += sum(inst["priority"][i] for i in idx)
        routes.append(idx)
    return total, routes


def bench_team(path: Path | dict, seconds: float) -> dict:
    from dataclasses import replace

    doors, s, walking, inst = load_team_instance(path)
    out = {"instance": inst["name"] if isinstance(path, dict) else path.stem, "doors": len(doors), "seconds": seconds,
           "priority_total": int(sum(inst["priority"][1:]))}
    variants = [
        ("opspor", "pyvrp", replace(s, seconds=seconds)),
        ("plain_pyvrp", "pyvrp", replace(s, seconds=seconds, polish=False, balance=False)),
        ("plain_ortools", "ortools", replace(s, seconds=seconds, polish=False, balance=False)),
    ]
    for name, engine, st_ in variants:
        t0 = time.perf_counter()
        plan = rt.plan_routes(doors, st_, walking=walking, engine=engine)
        el = time.perf_counter() - t0
        prio, routes = _check(plan, doors, st_, walking, inst)
        walk = sum(r.walk_m for r in plan.routes) / (rt.SPEED_KMH / 3.6)
        out[name] = {"priority": prio, "visited": sum(len(r) for r in routes), "walk_s": round(walk),
                     "wall_s": round(el, 2), "balance_ratio": plan.stats.get("balance_ratio")}
        if name == "opspor":
            out["priority"] = prio
            out["routes"] = routes
    return out


# --------------------------------------------------------------------------- matrix


def bench_matrix(n: int) -> dict:
    import networkx as nx

    from detection.register.demo import build_demo_data
    from geo.network import snap_points

    t0 = time.perf_counter()
    data = build_demo_data(as_of=date(2026, 11, 1))
    build_s = time.perf_counter() - t0
    net = data.network
    e = data.entrances.sample(n=min(n, len(data.entrances)), random_state=1)
    xy = e[["x", "y"]].to_numpy()
    _ = net._graph, net._largest_tree  # build the cached graph once (part of loading the network)
    t0 = time.perf_counter()
    w = rt.walking_distances(xy, net)
    ours = time.perf_counter() - t0
    from geo.network import distance_matrix_m

    nodes0 = snap_points(net, xy[:, 0], xy[:, 1])["node_id"].to_numpy()
    t0 = time.perf_counter()
    distance_matrix_m(net, nodes0)
    plain = time.perf_counter() - t0
    # baseline: networkx single-source Dijkstra, timed on 50 sources and scaled to n
    g = nx.Graph()
    g.add_weighted_edges_from(zip(net.edges["u"], net.edges["v"], net.edges["length_m"], strict=True))
    nodes = snap_points(net, xy[:, 0], xy[:, 1])["node_id"].to_numpy()
    k = 50
    t0 = time.perf_counter()
    for src in nodes[:k]:
        nx.single_source_dijkstra_path_length(g, int(src), weight="weight")
    base = (time.perf_counter() - t0) * len(nodes) / k
    return {"entrances": len(xy), "network_nodes": net.n_nodes, "network_edges": net.n_edges,
            "matrix_s": round(ours, 3), "finite_share": float(np.isfinite(w.dist_m).mean()),
            "plain_scipy_s": round(plain, 3),
            "baseline": "networkx single-source Dijkstra (50 sources, scaled)", "baseline_s": round(base, 2),
            "demo_build_s": round(build_s, 2)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--tsplib", type=Path)
    g.add_argument("--random", type=int)
    g.add_argument("--solomon", type=Path)
    g.add_argument("--instance", type=Path)
    g.add_argument("--samsoe-matrix", type=int, dest="samsoe_matrix")
    g.add_argument("--samsoe-team", type=int, dest="samsoe_team",
                   help="team instance of N real Samsø entrances (5 pairs, 6 h)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    if a.tsplib:
        out = bench_tsplib(a.tsplib, a.seconds)
    elif a.random:
        out = bench_random(a.random, a.seconds)
    elif a.solomon:
        out = bench_solomon(a.solomon, a.seconds)
    elif a.instance:
        out = bench_team(a.instance, a.seconds)
    elif a.samsoe_team:
        out = bench_team(samsoe_team_instance(a.samsoe_team), a.seconds)
    else:
        out = bench_matrix(a.samsoe_matrix)
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            if k != "routes":
                print(f"{k:>18}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


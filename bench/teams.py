"""Issue 17's quality goal: the route planner in 10 s against plain PyVRP in 120 s.

    python bench/teams.py [--baseline-s 120] [--seeds 1 2] [--planner-s 10]
                          [--sizes 300 500] [--no-shared] [--json FILE]
                          [--cache DIR [--reuse-baselines]]

Instances (prize-collecting, door-to-door on the real walking network, 5 pairs, 6 h):

- ``samsoe_nordby_walk_200``: the public instance in ``../shared/bench/teams/`` (when that
  folder exists);
- ``samsoe_walk_N`` for each ``--sizes N``: N real Samsø entrances drawn within 3 km of
  Tranebjerg from the shipped data (``data/samsoe``, via the demo's register and walking
  network; :func:`bench.routing.samsoe_team_instance`), priority 1–99 and 1–3 units at
  random (seeded), like the shared instance.

For each instance, in one run and one after the other (never two solvers at once):
plain PyVRP (a model written here, independent of the planner: one vehicle type of 5,
``shift_duration`` = the shift, 1 per metre walked, prize = priority × 100,000; default
solver parameters) for ``--baseline-s`` seconds per seed, the best of the seeds being the
best known; then the project's planner (:func:`detection.routes.planner.plan_routes`)
with ``seconds = --planner-s``, timed around the call. Every plan is checked here,
independently of the solvers: each door at most once, each route's walk + service from
the start back to the start within the shift (walking seconds from the instance's
matrix, not rounded). Prints one Markdown table; ``--json`` writes the rows too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.routing import load_team_instance, samsoe_team_instance  # noqa: E402
from detection.routes import planner as rt  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench" / "teams" / "samsoe_nordby_walk_200.json"


def instances(sizes: list[int], shared: bool, cache: Path | None) -> list[dict]:
    out = []
    if shared and SHARED.exists():
        inst = json.loads(SHARED.read_text())
        inst["source"] = "../shared/bench/teams"
        out.append(inst)
    for n in sizes:
        f = cache / f"samsoe_walk_{n}.json" if cache else None
        if f is not None and f.exists():
            inst = json.loads(f.read_text())
        else:
            inst = samsoe_team_instance(n)
            if f is not None:
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_text(json.dumps(inst))
        inst["source"] = "data/samsoe (Tranebjerg, 3 km)"
        out.append(inst)
    return out


def baseline_file(cache: Path, inst: dict, seconds: float, seed: int) -> Path:
    """Where plain PyVRP's routes for this instance (by content), time and seed are kept."""
    import hashlib

    key = hashlib.sha256(json.dumps([inst["walk_s"], inst["service_s"], inst["priority"], inst["shift_s"],
                                     inst["teams"]]).encode()).hexdigest()[:12]
    return cache / "baselines" / f"{inst['name']}_{key}_{seconds:g}s_seed{seed}.json"


def check(routes: list[list[int]], inst: dict) -> dict:
    """Independent feasibility and prize: indices into the instance (1…n)."""
    walk = np.asarray(inst["walk_s"], dtype=float)
    service = inst["service_s"]
    seen: set[int] = set()
    durations = []
    for r in routes:
        for i in r:
            if not (1 <= i < len(inst["ids"])):
                raise AssertionError(f"index {i} is not a door")
            if i in seen:
                raise AssertionError(f"door {i} visited twice")
            seen.add(i)
        path = [0, *r, 0]
        dur = float(walk[path[:-1], path[1:]].sum()) + sum(service[i] for i in r) if r else 0.0
        if dur > inst["shift_s"] + 1.0:
            raise AssertionError(f"a route takes {dur:.0f} s > shift {inst['shift_s']} s")
        durations.append(dur)
    return {"prize": int(sum(inst["priority"][i] for i in seen)), "doors": len(seen),
            "max_route_s": max(durations, default=0.0), "routes": len(routes)}


def plain_pyvrp(inst: dict, seconds: float, seed: int) -> tuple[list[list[int]], float]:
    """Plain PyVRP on the instance: no balance, no polish, default parameters."""
    from pyvrp import Model, solve
    from pyvrp.stop import MaxRuntime

    walk = np.asarray(inst["walk_s"], dtype=float)
    dist_m = walk * (rt.SPEED_KMH / 3.6)
    m = Model()
    xy = inst["xy"]
    locs = [m.add_location(float(x), float(y)) for x, y in xy]
    depot = m.add_depot(locs[0])
    m.add_vehicle_type(num_available=int(inst["teams"]), start_depot=depot, end_depot=depot,
                       shift_duration=int(inst["shift_s"]), unit_distance_cost=1)
    for k in range(1, len(xy)):
        m.add_client(locs[k], service_duration=int(inst["service_s"][k]),
                     prize=int(inst["priority"][k]) * rt.PRIZE_SCALE, required=False)
    dist_i = np.round(dist_m).astype(np.int64)
    dur_i = np.ceil(walk).astype(np.int64)
    data = m.data().replace(distance_matrices=[dist_i], duration_matrices=[dur_i])
    t0 = time.perf_counter()
    res = solve(data, stop=MaxRuntime(seconds), seed=seed, display=False)
    el = time.perf_counter() - t0
    routes = [[a.idx + 1 for a in r.schedule() if a.is_client()] for r in res.best.routes()]
    # PyVRP numbers clients from 0 (door k of the instance is client k - 1)
    return routes, el


def opspor(inst: dict, seconds: float, seed: int = 1) -> tuple[list[list[int]], float, rt.Plan]:
    doors, s, walking, _ = load_team_instance(inst)
    s = replace(s, seconds=seconds, seed=seed)
    t0 = time.perf_counter()
    plan = rt.plan_routes(doors, s, walking=walking)
    el = time.perf_counter() - t0
    routes = [[int(st.entrance_id) for st in r.stops] for r in plan.routes]
    return routes, el, plan


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline-s", type=float, default=120.0)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    p.add_argument("--planner-s", type=float, default=10.0)
    p.add_argument("--planner-seeds", type=int, nargs="+", default=[1])
    p.add_argument("--sizes", type=int, nargs="*", default=[300, 500])
    p.add_argument("--no-shared", action="store_true")
    p.add_argument("--no-baseline", action="store_true", help="planner only (%% against the total)")
    p.add_argument("--reuse-baselines", action="store_true",
                   help="take plain PyVRP's result from --cache when this instance, seed and --baseline-s were "
                        "run before (checked again here; the table marks them 'cached'); else run and cache it")
    p.add_argument("--cache", type=Path, default=None, help="folder to keep the generated instances (and plain PyVRP's results, baselines/) in")
    p.add_argument("--json", type=Path, default=None)
    a = p.parse_args(argv)

    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs",
          file=sys.stderr)
    rows = []
    for inst in instances(a.sizes, not a.no_shared, a.cache):
        name, n = inst["name"], len(inst["ids"]) - 1
        total = int(sum(inst["priority"][1:]))
        base = []
        if not a.no_baseline:
            for seed in a.seeds:
                f = baseline_file(a.cache, inst, a.baseline_s, seed) if a.cache else None
                if a.reuse_baselines and f is not None and f.exists():
                    kept = json.loads(f.read_text())
                    routes, el, cached = kept["routes"], kept["wall_s"], kept.get("measured", "cached")
                else:
                    routes, el = plain_pyvrp(inst, a.baseline_s, seed)
                    cached = None
                    if f is not None:
                        f.parent.mkdir(parents=True, exist_ok=True)
                        f.write_text(json.dumps({"routes": routes, "wall_s": el, "load1": os.getloadavg()[0],
                                                 "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}))
                c = check(routes, inst)
                base.append({"seed": seed, "wall_s": el, "cached": cached, **c})
                print(f"{name}: plain PyVRP {a.baseline_s:.0f} s seed {seed}: {c['prize']} "
                      f"({el:.1f} s{', cached from ' + cached if cached else ''})", file=sys.stderr)
        best = max((b["prize"] for b in base), default=total)
        for seed in a.planner_seeds:
            routes, el, plan = opspor(inst, a.planner_s, seed)
            c = check(routes, inst)
            assert abs(c["prize"] - plan.prize_collected) < 1e-6, "the plan's own prize differs"
            print(f"{name}: planner {a.planner_s:.0f} s seed {seed}: {c['prize']} ({el:.1f} s) {plan.stats} "
                  f"= {100 * c['prize'] / best:.2f} %  load {os.getloadavg()[0]:.2f}", file=sys.stderr)
            rows.append({"instance": name, "n_doors": n, "total": total, "baseline": base, "best": best,
                         "seed": seed, "wall_s": el, "load1": os.getloadavg()[0],
                         "stats": {k: v for k, v in plan.stats.items() if isinstance(v, int | float | str)},
                         **c})
    bl = f"plain PyVRP {a.baseline_s:.0f} s (seed {', '.join(map(str, a.seeds))})"
    print(f"\n| instance | doors | priority total | {bl} | best known | planner {a.planner_s:.0f} s "
          "(seed) | % of best | doors visited | longest route / shift | planner wall s | load 1 min |")
    print("|---|---:|---:|---|---:|---|---:|---:|---|---:|---:|")
    for r in rows:
        bs = ", ".join(f"{b['prize']:,}{' (cached)' if b.get('cached') else ''}" for b in r["baseline"]) or "—"
        print(f"| {r['instance']} | {r['n_doors']} | {r['total']:,} | {bs} | {r['best']:,} | "
              f"{r['prize']:,} ({r['seed']}) | {100 * r['prize'] / r['best']:.2f} % | {r['doors']} | {r['max_route_s'] / 3600:.2f} h / 6 h | {r['wall_s']:.2f} | {r['load1']:.2f} |")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

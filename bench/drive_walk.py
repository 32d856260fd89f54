"""Issue 17's "drive, then walk" on Samsø: doors visited per shift, walk-only against
drive-then-walk, on the same doors and the same shift.

    python bench/drive_walk.py [--seconds 10] [--seeds 1] [--limit 1000] [--teams 3]
                               [--spread 150 300] [--compact 200] [--compact-radius 1500 1000]
                               [--draw-seed 17] [--json FILE]

Data: the shipped Samsø demo (``data/samsoe``: the register's entrances and the walking
network with OSM road classes), built in memory with
:func:`detection.register.demo.build_demo_data` as :func:`bench.routing.samsoe_team_instance`
does (the same entrances and network ``opspor demo`` stores). Start point: Tranebjerg,
the median of all the island's entrances (as in ``tests/detection/test_drive_walk.py``).

Instances (doors drawn with ``--draw-seed``; priority 1–3 and 1–3 units per door at random):

- ``spread_N`` for each ``--spread N``: N entrances drawn from all of Samsø's entrances;
- ``compact_N_R``: N entrances within R metres of the start for each ``--compact-radius R``
  (1500 and 1000), a village where "automatisk" (``mode="auto"``) should choose walking;
  whether it does is printed (``spread_beyond``, with the sizes of the walk groups that do
  not hold the start).

For each instance: the walking matrix (:func:`detection.routes.planner.walking_distances`)
and the drive-then-walk matrix (:func:`detection.routes.drive.drive_then_walk`, limit
``--limit``) of the same points; what ``spread_beyond`` says (the rule "auto" uses); then,
one after the other (never two solvers at once), for each seed, the planner
(:func:`detection.routes.planner.plan_routes`) on ``--teams`` pairs × 1 day × 6 h with the
walk-only matrix (the baseline, measured in the same run) and with the drive-then-walk
matrix: same doors, shift, solver seconds and seed.

Every plan is checked here from the matrices, independently of the planner: each door at
most once; each route's travel (matrix seconds) + service from the start back to the start
within the shift; no leg the pair may not take; no stretch on foot longer than the limit
(:meth:`CarLegs.walk_legs` along the planned sequence); the prize, metres walked and driven
recomputed and compared with the plan's own. Prints one Markdown table (one row per
instance, mode and seed) with the 1-minute load average after each solve; ``--json``
writes the rows too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detection.routes import drive as drv  # noqa: E402
from detection.routes import planner as rt  # noqa: E402

DAY = date(2026, 11, 2)  # a Monday
SHIFT = (9 * 3600, 15 * 3600)


def samsoe() -> tuple[object, object, tuple[float, float]]:
    """(walking network, entrances sorted by id, Tranebjerg start point) of the Samsø demo."""
    from detection.register.demo import build_demo_data

    data = build_demo_data(as_of=date(2026, 11, 30))
    e = data.entrances[["entrance_id", "x", "y"]].sort_values("entrance_id").reset_index(drop=True)
    start = (float(e["x"].median()), float(e["y"].median()))
    return data.network, e, start


def make_doors(pick, rng: np.random.Generator) -> list[rt.Door]:
    prize = rng.integers(1, 4, size=len(pick))
    units = rng.integers(1, 4, size=len(pick))
    return [rt.Door(str(r.entrance_id), float(r.x), float(r.y), units=tuple(f"u{j}" for j in range(int(u))),
                    prize=float(p))
            for r, p, u in zip(pick.itertuples(index=False), prize, units, strict=True)]


def instances(ent, start: tuple[float, float], spread: list[int], compact: int, radii: list[float],
              seed: int) -> list[tuple[str, str, list[rt.Door]]]:
    out = []
    for n in spread:
        rng = np.random.default_rng(seed)
        pick = ent.iloc[np.sort(rng.choice(len(ent), size=n, replace=False))]
        out.append((f"spread_{n}", "all of Samsø", make_doors(pick, rng)))
    for radius in radii if compact else []:
        near = ent[np.hypot(ent["x"] - start[0], ent["y"] - start[1]) <= radius]
        rng = np.random.default_rng(seed)
        n = min(compact, len(near))
        pick = near.iloc[np.sort(rng.choice(len(near), size=n, replace=False))]
        out.append((f"compact_{n}_{radius:.0f}", f"≤ {radius / 1000:g} km of Tranebjerg ({len(near)} entrances)",
                    make_doors(pick, rng)))
    return out


def check(plan: rt.Plan, doors: list[rt.Door], s: rt.PlanSettings, walking: rt.Walking,
          limit: float | None) -> dict:
    """Independent feasibility and totals of ``plan`` from the matrix ``walking``."""
    speed = s.speed_mps
    T = np.asarray(walking.dist_m, dtype=float) / speed  # seconds
    c = walking.car
    shift_s = s.shift[1] - s.shift[0]
    pos = {d.entrance_id: k for k, d in enumerate(doors)}
    seen: set[int] = set()
    prize = walk_m = drive_m = 0.0
    longest_stretch = longest_route = 0.0
    car_stops, parks = 0, set()
    for r in plan.routes:
        idx = [pos[st.entrance_id] for st in r.stops]
        for i in idx:
            if i in seen:
                raise AssertionError(f"door {doors[i].entrance_id} visited twice")
            seen.add(i)
        if not idx:
            continue
        seq = [0, *(i + 1 for i in idx), 0]
        legs = list(zip(seq, seq[1:], strict=False))
        travel = float(sum(T[a, b] for a, b in legs))
        if not np.isfinite(travel) or any(T[a, b] >= drv.FORBIDDEN_S for a, b in legs):
            raise AssertionError("a route takes a leg the pair may not take")
        dur = travel + sum(s.service_s(doors[i]) for i in idx)
        if dur > shift_s + 1.0:
            raise AssertionError(f"a route takes {dur:.0f} s > shift {shift_s} s")
        if r.duration_s > shift_s + 1:
            raise AssertionError(f"the plan says a route takes {r.duration_s} s > shift {shift_s} s")
        longest_route = max(longest_route, dur)
        prize += sum(doors[i].prize for i in idx)
        rw = rd = 0.0
        for a, b in legs:
            if c is None:
                stretches = [float(walking.dist_m[a, b])]
                rw += stretches[0]
            else:
                stretches = c.walk_legs(a, b)
                rw += float(c.walk_m[a, b])
                rd += c.drive_m(a, b)
                if c.car[a, b] and b != 0:
                    car_stops += 1
                    parks.add(int(c.parking_of[b]))
            longest_stretch = max(longest_stretch, *stretches)
        if abs(rw - r.walk_m) > 1.0 or abs(rd - r.drive_m) > 1.0:
            raise AssertionError(f"metres differ: walk {rw:.0f}/{r.walk_m:.0f}, drive {rd:.0f}/{r.drive_m:.0f}")
        walk_m += rw
        drive_m += rd
    if limit is not None and longest_stretch > limit + 1e-6:
        raise AssertionError(f"a stretch on foot of {longest_stretch:.0f} m > limit {limit:.0f} m")
    if abs(prize - plan.prize_collected) > 1e-6:
        raise AssertionError(f"the plan's own prize differs: {plan.prize_collected} ≠ {prize}")
    return {"doors": len(seen), "prize": prize, "walk_km": walk_m / 1000, "drive_km": drive_m / 1000,
            "car_stops": car_stops, "parking_points": len(parks), "longest_stretch_m": longest_stretch,
            "longest_route_h": longest_route / 3600}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=10.0, help="solver seconds per plan [10]")
    p.add_argument("--seeds", type=int, nargs="+", default=[1], help="solver seeds [1]")
    p.add_argument("--limit", type=float, default=float(drv.WALK_LIMIT_M), help="walking limit, metres [1000]")
    p.add_argument("--teams", type=int, default=3, help="pairs [3]")
    p.add_argument("--spread", type=int, nargs="*", default=[150, 300], help="doors drawn from all of Samsø")
    p.add_argument("--compact", type=int, default=200, help="doors near Tranebjerg (0: none) [200]")
    p.add_argument("--compact-radius", type=float, nargs="+", default=[1500.0, 1000.0],
                   help="metres, one compact instance each [1500 1000]")
    p.add_argument("--draw-seed", type=int, default=17, help="seed of the doors, prizes and units [17]")
    p.add_argument("--json", type=Path, default=None)
    a = p.parse_args(argv)

    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs",
          file=sys.stderr)
    net, ent, start = samsoe()
    print(f"Samsø: {len(ent)} entrances, start {start[0]:.0f} {start[1]:.0f} (EPSG:25832)", file=sys.stderr)
    rows, infos = [], []
    for name, where, doors in instances(ent, start, a.spread, a.compact, a.compact_radius, a.draw_seed):
        xy = np.array([start, *((d.x, d.y) for d in doors)])
        t0 = time.perf_counter()
        walking = rt.walking_distances(xy, net)
        t1 = time.perf_counter()
        dw = drv.drive_then_walk(walking, net, speed_mps=rt.SPEED_KMH / 3.6, walk_limit_m=a.limit)
        t2 = time.perf_counter()
        spread = drv.spread_beyond(walking, a.limit)
        c = dw.car
        sizes = np.bincount(c.groups)
        outlying = sorted((int(k) for g, k in enumerate(sizes) if g != c.groups[0]), reverse=True)
        info = {"instance": name, "where": where, "n_doors": len(doors),
                "prize_total": float(sum(d.prize for d in doors)),
                "spread_beyond": bool(spread), "auto_mode": "drive_walk" if spread else "walk",
                "walk_groups": int(len(sizes)), "outlying_group_sizes": outlying,
                "parking_points": int(len(c.parking_xy)),
                "no_parking": int((c.parking_of[1:] < 0).sum()),
                "unreachable_on_foot": int((~walking.reachable[1:]).sum()),
                "walk_matrix_s": t1 - t0, "drive_matrix_s": t2 - t1}
        infos.append(info)
        print(f"{name}: {len(doors)} doors ({where}); spread_beyond={spread} → auto = {info['auto_mode']}; "
              f"{info['walk_groups']} walk groups (sizes without the start's: {outlying[:12]}), "
              f"{info['parking_points']} parking points, "
              f"{info['no_parking']} doors without parking; matrices {t1 - t0:.1f} s + {t2 - t1:.1f} s",
              file=sys.stderr)
        for seed in a.seeds:
            s = rt.PlanSettings(days=(DAY,), start_xy=start, teams=a.teams, shift=SHIFT, seconds=a.seconds,
                                seed=seed)
            for mode, matrix, limit in (("walk", walking, None), ("drive_walk", dw, a.limit)):
                t0 = time.perf_counter()
                plan = rt.plan_routes(doors, s, walking=matrix)
                el = time.perf_counter() - t0
                load1 = os.getloadavg()[0]
                chk = check(plan, doors, s, matrix, limit)
                row = {"instance": name, "mode": mode, "seed": seed, "method": plan.method,
                       "n_doors": len(doors), "prize_total": info["prize_total"], "wall_s": el, "load1": load1,
                       "auto_mode": info["auto_mode"],
                       "unplanned": {k: sum(1 for _, r in plan.unplanned if r == k)
                                     for k in sorted({r for _, r in plan.unplanned})}, **chk}
                rows.append(row)
                print(f"  {mode:10s} seed {seed}: {chk['doors']} doors, prize {chk['prize']:.0f}/"
                      f"{info['prize_total']:.0f}, walk {chk['walk_km']:.1f} km, drive {chk['drive_km']:.1f} km, "
                      f"{chk['car_stops']} car stops, longest stretch {chk['longest_stretch_m']:.0f} m "
                      f"({el:.1f} s, load {load1:.2f})", file=sys.stderr)

    print(f"\n{a.teams} pairs × 1 day × 6 h (09–15), planner {a.seconds:g} s per plan, walking limit "
          f"{a.limit:.0f} m, start Tranebjerg\n")
    print("| instance | spread_beyond → auto | mode | seed | doors visited | prize / total | km walked | "
          "km driven | car stops (parking points) | longest walk stretch | longest route | planner wall s | "
          "load 1 min |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['instance']} | {r['auto_mode']} | {r['mode']} | {r['seed']} | {r['doors']} / {r['n_doors']} | "
              f"{r['prize']:.0f} / {r['prize_total']:.0f} | {r['walk_km']:.1f} | {r['drive_km']:.1f} | "
              f"{r['car_stops']} ({r['parking_points']}) | {r['longest_stretch_m']:.0f} m | "
              f"{r['longest_route_h']:.2f} h | {r['wall_s']:.1f} | {r['load1']:.2f} |")
    if a.json:
        a.json.write_text(json.dumps({"instances": infos, "rows": rows, "seconds": a.seconds, "seeds": a.seeds,
                                      "limit_m": a.limit, "teams": a.teams, "start_xy": start}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The planner's two starts and its second CPU after the solve (issue 17's quality goal):
the sweep gives PyVRP feasible first plans, best first, and is used only when the shifts
hold far from all the work; the other search's plan is polished and searched in a forked
child whose plan comes back valid and whose process is reaped. Behaviour only: the gain in
priority is measured by ``bench/teams.py`` (bench/RESULTS.md), not asserted here."""

from __future__ import annotations

import os
from datetime import date

import numpy as np
import pytest
from pyvrp import Model

from detection.routes import planner as rt
from detection.routes.planner import Door, PlanSettings, Walking, plan_routes

MON = date(2026, 11, 2)


def _ring(n: int, seed: int = 5) -> tuple[list[Door], np.ndarray]:
    """``n`` doors 300–1,500 m around the start at (0, 0), priorities 1–99."""
    rng = np.random.default_rng(seed)
    ang = rng.uniform(0, 2 * np.pi, n)
    rad = rng.uniform(300, 1500, n)
    xy = np.c_[rad * np.cos(ang), rad * np.sin(ang)]
    doors = [Door(f"e{k}", float(x), float(y), prize=float(rng.integers(1, 100))) for k, (x, y) in enumerate(xy)]
    return doors, xy


def _model(xy: np.ndarray, prizes: list[int], *, vehicles: int, cap_s: int, service_s: int = 120,
           revisit: int | None = None):
    """A PyVRP model as the planner writes one (walking 1 m/s, straight lines); door
    ``revisit`` gets a window and a group, as a revisit does."""
    m = Model()
    locs = [m.add_location(0, 0)] + [m.add_location(int(x), int(y)) for x, y in xy]
    depot = m.add_depot(locs[0])
    m.add_vehicle_type(num_available=vehicles, start_depot=depot, end_depot=depot, tw_early=0, tw_late=cap_s,
                       shift_duration=cap_s, unit_distance_cost=1)
    for k, p in enumerate(prizes):
        kw = {}
        if k == revisit:
            kw = {"tw_early": 100, "tw_late": 2000, "group": m.add_client_group(required=False)}
        m.add_client(locs[k + 1], service_duration=service_s, prize=p * rt.PRIZE_SCALE, required=False, **kw)
    pts = np.vstack([[0, 0], xy])
    d = np.rint(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))).astype(np.int64)
    return m.data().replace(distance_matrices=[d], duration_matrices=[d])


def test_sweep_starts_are_feasible_best_first_and_leave_revisits_to_the_search():
    doors, xy = _ring(80)
    prizes = [int(d.prize) for d in doors]
    data = _model(xy, prizes, vehicles=3, cap_s=3600, revisit=7)
    starts = rt._sweep_starts(data)
    assert len(starts) >= 2
    collected = [sol.prizes() for sol in starts]
    assert collected == sorted(collected, reverse=True)
    dur = np.asarray(data.duration_matrix(0))
    for sol in starts:
        assert sol.is_feasible()
        assert len(sol.routes()) <= 3
        visits = [a.idx for r in sol.routes() for a in r.schedule() if a.is_client()]
        assert len(visits) == len(set(visits))
        assert 7 not in visits  # the revisit (window + group) is left to the search
        for r in sol.routes():
            clients = [a.idx for a in r.schedule() if a.is_client()]
            path = [0] + [c + 1 for c in clients] + [0]
            walk = sum(int(dur[a, b]) for a, b in zip(path, path[1:], strict=False))
            assert walk + 120 * len(clients) <= 3600
    # the shifts hold far from everything: each start leaves doors out, so there is a choice
    assert all(len({a.idx for r in sol.routes() for a in r.schedule() if a.is_client()}) < 80 for sol in starts)


def test_sweep_gives_each_route_one_direction():
    # four villages north, east, south and west of the start, four routes of an hour: a route
    # can walk one village, not two, so the best start gives each route one village
    rng = np.random.default_rng(2)
    centres = [(0, 1000), (1000, 0), (0, -1000), (-1000, 0)]
    xy = np.vstack([np.array(c) + rng.uniform(-100, 100, (10, 2)) for c in centres])
    data = _model(xy, [50] * 40, vehicles=4, cap_s=3600, service_s=60)
    best = rt._sweep_starts(data)[0]
    villages = [{a.idx // 10 for a in r.schedule() if a.is_client()} for r in best.routes()]
    assert all(len(v) == 1 for v in villages)
    assert len({next(iter(v)) for v in villages}) == 4


def test_nothing_to_sweep_gives_no_start():
    data = _model(np.zeros((0, 2)), [], vehicles=2, cap_s=3600)
    assert rt._sweep_starts(data) == []


@pytest.mark.parametrize(("minutes", "start"), [(60, "sweep"), (600, "pyvrp")])
def test_the_sweep_is_used_only_when_far_from_all_the_work_fits(minutes, start):
    doors, _ = _ring(120)
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 9 * 3600 + 60 * minutes),
                     seconds=5, iterations=300, seed=1)
    plan = plan_routes(doors, s)
    assert (plan.stats["fit"] < rt.SWEEP_BELOW_FIT) == (start == "sweep")
    assert plan.stats["start"] == start
    seen = [st.entrance_id for r in plan.routes for st in r.stops]
    assert len(seen) == len(set(seen))
    for r in plan.routes:
        assert (r.end - r.start).total_seconds() <= 60 * minutes + 1


def test_the_other_plan_is_searched_in_a_forked_child_and_comes_back_valid():
    doors, xy = _ring(60)
    walking = Walking(np.hypot(*(np.vstack([[0, 0], xy])[:, None, :]
                                 - np.vstack([[0, 0], xy])[None, :, :]).transpose(2, 0, 1)), "straight_line")
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 10 * 3600), seconds=2, seed=3)
    orders = {(0, 0): [0, 1, 2], (0, 1): [3, 4]}
    given = sum(doors[i].prize for q in orders.values() for i in q)
    import time

    child = rt._PostSolveChild.start(orders, list(range(60)), walking, doors, {}, s, time.perf_counter() + 1.5)
    assert child is not None
    got = child.result(grace_s=30)
    assert got is not None
    all_days, steps = got
    planned = [i for day in all_days for q in day for i in q]
    assert len(planned) == len(set(planned))
    assert steps["prize_search"] == sum(doors[i].prize for i in planned) >= given
    for q in all_days[0]:
        path = [0] + [i + 1 for i in q] + [0]
        walk = sum(walking.dist_m[a, b] for a, b in zip(path, path[1:], strict=False)) / s.speed_mps
        assert walk + sum(s.service_s(doors[i]) for i in q) <= 3600 + 1e-6
    with pytest.raises(ChildProcessError):  # the child has been reaped: no zombie left
        os.waitpid(child.pid, os.WNOHANG)


def test_two_searches_report_the_other_plans_search():
    doors, _ = _ring(120)
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 10 * 3600),
                     seconds=rt.HELPER_MIN_S + 2, seed=1, workers=2)
    plan = plan_routes(doors, s)
    assert plan.stats["helper"] in {"better", "worse", "better after search"}
    assert plan.stats["other_post"] in {"worse", "better after search"}
    assert plan.stats["prize_other"] is not None
    assert plan.prize_collected >= max(plan.stats["prize_other"], plan.stats["prize_solver"]) - 1e-9

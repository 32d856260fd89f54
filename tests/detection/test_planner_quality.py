"""The planner's search on the prize after the solve (issue 17's quality goal): it never
lowers the priority collected, never breaks the shift or a window, never plans a door
twice, and finds the moves it is there for. Behaviour only: no timed assertions (the
quality within 10 s is measured by ``bench/teams.py``)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detection.routes.planner import (
    DAY_S,
    Door,
    PlanSettings,
    Walking,
    improve_prizes,
    plan_routes,
    walking_distances,
)

MON = date(2026, 11, 2)


def _line_walking(xs: list[float]) -> Walking:
    """Points on a line (index 0 = the start at x = 0): distance = |x_i - x_j|."""
    x = np.array([0.0, *xs])
    return Walking(np.abs(x[:, None] - x[None, :]), "straight_line")


def _route_seconds(seq: list[int], walking: Walking, doors: list[Door], s: PlanSettings) -> float:
    """Independently: walk from the start through the doors and back, plus service."""
    path = [0] + [i + 1 for i in seq] + [0]
    walk = sum(walking.dist_m[a, b] for a, b in zip(path, path[1:], strict=False)) / s.speed_mps
    return walk + sum(s.service_s(doors[i]) for i in seq)


def _prize(all_days, doors) -> float:
    return sum(doors[i].prize for day in all_days for seq in day for i in seq)


def _doors(xs, prizes) -> list[Door]:
    return [Door(f"e{k}", float(x), 0.0, prize=float(p)) for k, (x, p) in enumerate(zip(xs, prizes, strict=True))]


def test_a_left_out_high_prize_door_that_fits_is_inserted():
    # one pair, 1 h; the route uses 3 doors near the start and leaves time for a fourth
    xs = [100.0, 200.0, 300.0, 150.0]
    doors = _doors(xs, [1, 1, 1, 50])
    walking = _line_walking(xs)
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=1, shift=(9 * 3600, 10 * 3600))
    all_days = [[[0, 1, 2]]]
    moves = improve_prizes(all_days, range(4), walking, doors, {}, s, seconds=5)
    assert moves >= 1
    assert 3 in all_days[0][0]
    assert _prize(all_days, doors) == 53
    assert _route_seconds(all_days[0][0], walking, doors, s) <= 3600


def test_a_full_route_swaps_a_low_prize_door_for_a_left_out_high_prize_one():
    # a 520 s shift: 150 s of service per door, so 3 doors next to the start fill it; the
    # left-out door is worth 40 and sits beside them: it replaces the door worth 1
    xs = [10.0, 20.0, 30.0, 25.0]
    doors = _doors(xs, [5, 1, 5, 40])
    walking = _line_walking(xs)
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=1, shift=(9 * 3600, 9 * 3600 + 520))
    all_days = [[[0, 1, 2]]]
    assert _route_seconds(all_days[0][0], walking, doors, s) <= 520
    assert _route_seconds([0, 1, 3, 2], walking, doors, s) > 520  # no room for a fourth
    improve_prizes(all_days, range(4), walking, doors, {}, s, seconds=5)
    assert sorted(all_days[0][0]) == [0, 2, 3]
    assert _prize(all_days, doors) == 50
    assert _route_seconds(all_days[0][0], walking, doors, s) <= 520


def test_a_swapped_out_door_moves_to_a_route_with_room_instead_of_being_lost():
    # pair 1 walks doors 0 (x = 10) and 1 (x = -20) and is full; pair 2 walks door 2
    # (x = -30) and has room for door 1 only. The left-out door 3 (x = 15, worth 30) fits
    # nowhere as it is, but fits pair 1 once door 1 moves to pair 2: all four are planned
    xs = [10.0, -20.0, -30.0, 15.0]
    doors = _doors(xs, [25, 20, 5, 30])
    walking = _line_walking(xs)
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 9 * 3600 + 350))
    all_days = [[[0, 1], [2]]]
    for seq in ([0, 1], [2], [2, 1], [3, 0]):
        assert _route_seconds(seq, walking, doors, s) <= 350
    for seq in ([0, 3, 1], [3, 2], [2, 3]):
        assert _route_seconds(seq, walking, doors, s) > 350
    improve_prizes(all_days, range(4), walking, doors, {}, s, seconds=5)
    assert sorted(i for seq in all_days[0] for i in seq) == [0, 1, 2, 3]
    assert _prize(all_days, doors) == 80
    for seq in all_days[0]:
        assert _route_seconds(seq, walking, doors, s) <= 350


def test_a_door_with_a_window_on_another_day_is_not_put_on_this_day():
    xs = [50.0, 60.0]
    doors = _doors(xs, [1, 99])
    walking = _line_walking(xs)
    tue = MON + timedelta(days=1)
    s = PlanSettings(days=(MON, tue), start_xy=(0.0, 0.0), teams=1, shift=(9 * 3600, 12 * 3600))
    # door 1 may only be visited on day 1 (Tuesday), in the afternoon bucket's part of the shift
    windows = {1: [(1, DAY_S + 9 * 3600, DAY_S + 12 * 3600)]}
    all_days = [[[0]], [[]]]
    improve_prizes(all_days, [0, 1], walking, doors, windows, s, seconds=5)
    assert 1 not in all_days[0][0]
    assert all_days[1][0] == [1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 30), teams=st.integers(1, 3), days=st.integers(1, 2),
       minutes=st.integers(10, 120), seed=st.integers(0, 10_000))
def test_the_search_never_lowers_the_prize_never_breaks_the_shift_never_plans_twice(n, teams, days, minutes, seed):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 800, size=(n, 2))
    doors = [Door(f"e{k}", float(x), float(y), units=tuple(f"u{j}" for j in range(int(rng.integers(1, 3)))),
                  prize=float(rng.integers(1, 100))) for k, (x, y) in enumerate(xy)]
    s = PlanSettings(days=tuple(MON + timedelta(days=k) for k in range(days)), start_xy=(400.0, 400.0),
                     teams=teams, shift=(9 * 3600, 9 * 3600 + 60 * minutes))
    walking = walking_distances(np.vstack([[400.0, 400.0], xy]))
    # a feasible start: doors in random order, each appended to the first route it fits
    all_days = [[[] for _ in range(teams)] for _ in range(days)]
    for i in rng.permutation(n).tolist():
        for day in all_days:
            placed = False
            for seq in day:
                if rng.random() < 0.5 and _route_seconds([*seq, i], walking, doors, s) <= 60 * minutes:
                    seq.append(i)
                    placed = True
                    break
            if placed:
                break
    before = _prize(all_days, doors)
    candidates = [i for i in range(n) if rng.random() < 0.9 or any(i in q for day in all_days for q in day)]
    improve_prizes(all_days, candidates, walking, doors, {}, s, seconds=10)
    assert _prize(all_days, doors) >= before
    planned = [i for day in all_days for seq in day for i in seq]
    assert len(planned) == len(set(planned))
    assert set(planned) <= set(candidates)
    for day in all_days:
        for seq in day:
            assert _route_seconds(seq, walking, doors, s) <= 60 * minutes + 1e-6


def test_the_plan_reports_each_step_and_the_search_only_adds():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 1500, size=(60, 2))
    doors = [Door(f"e{k}", float(x), float(y), prize=float(rng.integers(1, 100))) for k, (x, y) in enumerate(xy)]
    s = PlanSettings(days=(MON,), start_xy=(750.0, 750.0), teams=2, shift=(9 * 3600, 10 * 3600),
                     seconds=5, iterations=200, seed=1)
    plan = plan_routes(doors, s)
    st_ = plan.stats
    assert st_["prize_solver"] <= st_["prize_fill"] <= st_["prize_search"] == plan.prize_collected
    for r in plan.routes:
        assert (r.end - r.start).total_seconds() <= 3600 + 1
    seen = [stop.entrance_id for r in plan.routes for stop in r.stops]
    assert len(seen) == len(set(seen))

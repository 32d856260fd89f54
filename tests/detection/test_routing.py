"""The route solver: shifts, prizes, balance, revisit windows, walking on the real network."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detection.routes.planner import (
    DAY_S,
    Door,
    PlanSettings,
    Walking,
    bucket_of,
    parse_shift,
    plan_routes,
    walked_path,
    walking_distances,
)
from geo.network import distance_matrix_m, shortest_path, snap_points
from tests.detection.conftest import NORDBY

MON = date(2026, 11, 2)
TUE = date(2026, 11, 3)


@pytest.fixture(scope="module")
def nordby_data():
    from detection.register.workspace import WorkspaceSpec, build_workspace_data

    return build_workspace_data(WorkspaceSpec(name="Nordby", osm=NORDBY))


def _grid_doors(n: int, *, seed: int = 0, spread: float = 600.0, prize=lambda k: 1.0) -> list[Door]:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, spread, size=(n, 2))
    return [Door(f"e{k}", float(x), float(y), units=tuple(f"u{k}.{j}" for j in range(1 + k % 2)),
                 prize=prize(k)) for k, (x, y) in enumerate(xy)]


def _check_shift(plan, s: PlanSettings) -> None:
    for r in plan.routes:
        assert r.start.hour * 3600 + r.start.minute * 60 == s.shift[0]
        if r.stops:
            end_s = (r.end - r.start).total_seconds() + s.shift[0]
            assert end_s <= s.shift[1] + 1, (r.team, r.day, r.end)
            assert all(st.arrive.date() == r.day for st in r.stops)
            arr = [st.arrive for st in r.stops]
            assert arr == sorted(arr)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(3, 25), teams=st.integers(1, 3), days=st.integers(1, 2),
       hours=st.floats(0.5, 3.0), seed=st.integers(0, 1000))
def test_routes_never_exceed_the_shift_and_each_door_once(n, teams, days, hours, seed):
    doors = _grid_doors(n, seed=seed, spread=900)
    s = PlanSettings(days=tuple(MON + timedelta(days=k) for k in range(days)), start_xy=(450.0, 450.0),
                     teams=teams, shift=(9 * 3600, 9 * 3600 + int(hours * 3600)), seconds=0.3,
                     iterations=300, seed=seed)
    plan = plan_routes(doors, s)
    _check_shift(plan, s)
    visited = [st.entrance_id for r in plan.routes for st in r.stops]
    assert len(visited) == len(set(visited))
    # every door is either visited or listed with a reason, never both
    unplanned = {e for e, _ in plan.unplanned}
    assert set(visited) | unplanned == {d.entrance_id for d in doors}
    assert not set(visited) & unplanned
    assert len(plan.routes) == teams * days  # one route per pair and day (empty ones too)
    assert plan.method == "straight_line"


def test_highest_prize_first_when_not_all_fit():
    # 30 doors mixed in one small area; a 40-minute shift fits only some of them
    doors = _grid_doors(30, seed=3, spread=250, prize=lambda k: 10.0 if k % 2 else 1.0)
    s = PlanSettings(days=(MON,), start_xy=(125.0, 125.0), teams=1, shift=(9 * 3600, 9 * 3600 + 40 * 60),
                     seconds=1.0, seed=2)
    plan = plan_routes(doors, s)
    prize = {d.entrance_id: d.prize for d in doors}
    visited = [st.entrance_id for r in plan.routes for st in r.stops]
    left = [e for e, reason in plan.unplanned]
    assert visited and left
    assert all(reason == "no_time" for _, reason in plan.unplanned)
    # no cheap door is visited while a valuable one is left out
    assert not ([e for e in left if prize[e] == 10.0] and [e for e in visited if prize[e] == 1.0])
    # the unplanned list comes highest priority first
    assert [prize[e] for e in left] == sorted((prize[e] for e in left), reverse=True)


def test_pairs_are_balanced_when_all_doors_fit():
    doors = _grid_doors(24, seed=5, spread=800)
    s = PlanSettings(days=(MON, TUE), start_xy=(400.0, 400.0), teams=3, shift=(9 * 3600, 15 * 3600),
                     seconds=1.5, seed=1)
    plan = plan_routes(doors, s)
    assert not plan.unplanned
    assert plan.balance_ratio() <= 2.0, [(r.team, r.day, r.duration_s) for r in plan.routes]
    # the work fits in one day: it is shared between the pairs on day 1, day 2 stays free
    day1 = [r.duration_s for r in plan.routes if r.day == MON]
    assert all(day1) and max(day1) <= 2 * min(day1), day1
    assert not [r for r in plan.routes if r.day == TUE and r.stops]


def test_revisit_goes_to_a_later_day_in_another_time_of_day():
    doors = _grid_doors(6, seed=7, spread=300)
    doors[0] = Door("rev", 150.0, 150.0, prize=5.0, task="revisit", not_before=MON,
                    avoid_buckets=frozenset({"morning"}))
    s = PlanSettings(days=(MON, TUE), start_xy=(0.0, 0.0), teams=1, shift=(9 * 3600, 15 * 3600),
                     seconds=0.5, seed=1)
    plan = plan_routes(doors, s)
    stop = next(st for r in plan.routes for st in r.stops if st.entrance_id == "rev")
    assert stop.arrive.date() == TUE
    assert bucket_of(stop.arrive.hour * 3600 + stop.arrive.minute * 60) == "afternoon"
    assert stop.task == "revisit"


def test_revisit_with_no_other_time_of_day_in_the_shift_is_listed():
    door = Door("rev", 10.0, 10.0, task="revisit", not_before=MON, avoid_buckets=frozenset({"morning"}))
    s = PlanSettings(days=(MON, TUE), start_xy=(0.0, 0.0), teams=1, shift=(8 * 3600, 11 * 3600), seconds=0.2)
    plan = plan_routes([door], s)
    assert plan.unplanned == [("rev", "no_other_time")]


def test_ortools_engine_respects_the_same_rules():
    doors = _grid_doors(15, seed=11, spread=500)
    s = PlanSettings(days=(MON,), start_xy=(250.0, 250.0), teams=2, shift=(9 * 3600, 10 * 3600), seconds=1.0)
    plan = plan_routes(doors, s, engine="ortools")
    _check_shift(plan, s)
    assert plan.engine == "ortools"
    assert sum(len(r.stops) for r in plan.routes) > 0


def test_same_seed_and_iterations_give_the_same_plan():
    doors = _grid_doors(20, seed=13, spread=700)
    s = PlanSettings(days=(MON,), start_xy=(350.0, 350.0), teams=2, shift=(9 * 3600, 10 * 3600),
                     seconds=30, iterations=400, seed=4)
    a = plan_routes(doors, s)
    b = plan_routes(doors, s)
    assert [[st.entrance_id for st in r.stops] for r in a.routes] == \
        [[st.entrance_id for st in r.stops] for r in b.routes]


def test_shift_parsing():
    assert parse_shift("09:00-15:00") == (9 * 3600, 15 * 3600)
    with pytest.raises(ValueError):
        parse_shift("15:00-09:00")
    with pytest.raises(ValueError):
        parse_shift("nine to three")


# ------------------------------------------------------------------ the real Nordby network


def test_walking_matrix_on_nordby_is_snap_plus_shortest_path(nordby_data):
    net = nordby_data.network
    e = nordby_data.entrances.iloc[[0, 40, 120]]
    xy = e[["x", "y"]].to_numpy()
    w = walking_distances(xy, net)
    assert w.method == "network"
    snap = snap_points(net, xy[:, 0], xy[:, 1])
    d = distance_matrix_m(net, snap["node_id"].to_numpy())
    s = snap["snap_m"].to_numpy()
    for i in range(3):
        for j in range(3):
            if i != j and snap["node_id"].iloc[i] != snap["node_id"].iloc[j]:
                assert w.dist_m[i, j] == pytest.approx(s[i] + d[i, j] + s[j])
    # walking is never shorter than the straight line
    straight = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    assert (w.dist_m >= straight - 1e-6).all()


def test_one_door_route_on_nordby_equals_the_shortest_path_there_and_back(nordby_data):
    net = nordby_data.network
    ent = nordby_data.entrances
    a, b = ent.iloc[5], ent.iloc[200]
    door = Door(b.entrance_id, float(b.x), float(b.y))
    s = PlanSettings(days=(MON,), start_xy=(float(a.x), float(a.y)), teams=1, seconds=0.3)
    plan = plan_routes([door], s, net=net)
    r = plan.routes[0]
    assert [st.entrance_id for st in r.stops] == [b.entrance_id]
    snap = snap_points(net, [a.x, b.x], [a.y, b.y])
    na, nb = snap["node_id"].tolist()
    path = shortest_path(net, na, nb)
    lengths = net.edges.set_index(["u", "v"])["length_m"]
    by_hand = sum(lengths[(min(p, q), max(p, q))] for p, q in zip(path, path[1:], strict=False))
    one_way = snap["snap_m"].sum() + by_hand
    assert r.stops[0].walk_m == pytest.approx(one_way)
    assert r.walk_m == pytest.approx(2 * one_way)
    # arrival = shift start + walking time at 4.5 km/h
    assert (r.stops[0].arrive - r.start).total_seconds() == pytest.approx(one_way / (4.5 / 3.6), abs=1)
    line = walked_path(r, plan.walking, [door], s.start_xy, net)
    import shapely

    # start, snap, the edges' own lines out and back, the door in between
    assert line[0] == line[-1] == s.start_xy
    assert shapely.LineString(line).length == pytest.approx(r.walk_m, rel=0.02)


def test_nordby_two_pairs_two_days_on_the_network(nordby_data):
    ent = nordby_data.entrances.iloc[::3]
    doors = [Door(r.entrance_id, float(r.x), float(r.y), prize=1.0 + (k % 3)) for k, r in
             enumerate(ent.itertuples(index=False))]
    start = (float(ent["x"].median()), float(ent["y"].median()))
    s = PlanSettings(days=(MON, TUE), start_xy=start, teams=2, shift=(9 * 3600, 10 * 3600), seconds=1.5)
    plan = plan_routes(doors, s, net=nordby_data.network)
    _check_shift(plan, s)
    assert plan.method == "network"
    assert all(r.stops for r in plan.routes)
    assert plan.balance_ratio() <= 2.0


def test_door_far_from_the_network_is_unreachable(nordby_data):
    ent = nordby_data.entrances.iloc[0]
    far = Door("far", float(ent.x) + 5_000, float(ent.y) + 5_000)
    near = Door(ent.entrance_id, float(ent.x), float(ent.y))
    s = PlanSettings(days=(MON,), start_xy=(float(ent.x), float(ent.y)), teams=1, seconds=0.3)
    plan = plan_routes([near, far], s, net=nordby_data.network)
    assert ("far", "unreachable") in plan.unplanned
    assert [st.entrance_id for st in plan.routes[0].stops] == [ent.entrance_id]


def test_straight_line_fallback_is_labelled():
    w = walking_distances(np.array([[0.0, 0.0], [300.0, 400.0]]))
    assert isinstance(w, Walking) and w.method == "straight_line"
    assert w.dist_m[0, 1] == pytest.approx(500 * 1.3)
    assert DAY_S == 86_400


def test_contracted_network_distances_equal_plain_dijkstra(nordby_data):
    from detection.routes.planner import network_distances

    net = nordby_data.network
    e = nordby_data.entrances
    nodes = snap_points(net, e["x"], e["y"])["node_id"].to_numpy()
    fast = network_distances(net, nodes)
    plain = distance_matrix_m(net, nodes)
    assert fast.shape == (len(e), len(e))
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-6)
    # a few nodes only (most chain nodes contracted away) still give the same answers
    some = net.nodes["node_id"].to_numpy()[::37]
    np.testing.assert_allclose(network_distances(net, some), distance_matrix_m(net, some), atol=1e-6)


def test_team_numbering__longest_route_to_the_pair_with_least_work():
    """The routes of a day go longest first to the pairs with the least work so far, so the
    totals over the plan stay even; idle pairs get an empty route."""
    from datetime import datetime

    from detection.routes.planner import Route, Stop, _number_teams

    s = PlanSettings(days=(MON, TUE), start_xy=(0.0, 0.0), teams=3)
    doors = [Door("a", 100.0, 0.0), Door("b", 0.0, 100.0), Door("c", -100.0, 0.0)]
    t0 = datetime(2026, 11, 2, 9)

    def route(day, i, seconds):
        return Route(team=0, day=day, stops=[Stop(doors[i].entrance_id, (), "visit", t0, t0, 0.0, index=i)],
                     duration_s=seconds)

    load: dict[int, int] = {}
    d1 = _number_teams([route(MON, 0, 6000), Route(team=0, day=MON), route(MON, 2, 7000)], MON, s, doors, load)
    assert [(r.team, r.duration_s) for r in d1] == [(1, 7000), (2, 6000), (3, 0)]
    d2 = _number_teams([route(TUE, 1, 5000), route(TUE, 0, 9000), route(TUE, 2, 1000)], TUE, s, doors, load)
    # pair 3 (no work yet) takes the longest, pair 2 (6,000 s) the next, pair 1 (7,000 s) the shortest
    assert [(r.team, r.duration_s) for r in d2] == [(1, 1000), (2, 5000), (3, 9000)]
    assert load == {1: 8000, 2: 11000, 3: 9000}


def test_turf_overlap__by_hand_and_small_on_the_nordby_network(nordby_data):
    from datetime import datetime

    from detection.routes.planner import Route, Stop, turf_overlap

    t0 = datetime(2026, 11, 2, 9)
    sq = [(0, 0), (100, 0), (100, 100), (0, 100)]
    doors = [Door(f"a{k}", float(x), float(y)) for k, (x, y) in enumerate(sq)] + \
            [Door(f"b{k}", float(x + 50), float(y)) for k, (x, y) in enumerate(sq)]

    def route(team, idx, day=MON):
        return Route(team=team, day=day, stops=[Stop(doors[i].entrance_id, (), "visit", t0, t0, 0.0, index=i)
                                                for i in idx])

    # two 100 × 100 squares shifted by 50 m: they share 50 × 100 of 2 × 10,000 m²
    assert turf_overlap([route(1, range(4)), route(2, range(4, 8))], doors) == pytest.approx(0.25)
    # the same turfs on different days do not overlap
    assert turf_overlap([route(1, range(4)), route(2, range(4, 8), TUE)], doors) == 0.0
    # a real plan: two pairs, two days on the Nordby network
    ent = nordby_data.entrances.iloc[::3]
    real = [Door(r.entrance_id, float(r.x), float(r.y), prize=1.0) for r in ent.itertuples(index=False)]
    start = (float(ent["x"].median()), float(ent["y"].median()))
    s = PlanSettings(days=(MON, TUE), start_xy=start, teams=2, shift=(9 * 3600, 11 * 3600), seconds=1.5)
    plan = plan_routes(real, s, net=nordby_data.network)
    assert plan.stats["turf_overlap"] == pytest.approx(turf_overlap(plan.routes, real), abs=1e-3)
    assert plan.stats["turf_overlap"] < 0.15, plan.stats

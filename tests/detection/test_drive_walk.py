"""Drive, then walk (issue 17): car legs only where a walk would be longer than the limit and
the car is faster, no walk stretch beyond the limit, "automatisk" choosing by the spread of
the doors, and the plan JSON's drive_m / walk_m / parking. On the shipped Samsø network."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from detection.cli.main import main
from detection.repository import Repository
from detection.routes.drive import FORBIDDEN_S, car_graph, drive_then_walk, spread_beyond
from detection.routes.planner import Door, PlanSettings, plan_routes, walking_distances

SPEED = 4.5 / 3.6
LIMIT = 1_000.0
MON = date(2026, 11, 2)


@pytest.fixture(scope="module")
def samsoe(demo_db):
    repo = Repository.open(str(demo_db), "teamleder", migrate=False)
    net = repo.network()
    ent = repo.entrances()[["entrance_id", "x", "y"]].reset_index(drop=True)
    return net, ent


def _spread_doors(ent, n: int, seed: int = 3):
    """``n`` entrances drawn across the whole island, and Tranebjerg's middle as the start."""
    rng = np.random.default_rng(seed)
    pick = ent.iloc[np.sort(rng.choice(len(ent), size=n, replace=False))]
    start = (float(ent["x"].median()), float(ent["y"].median()))
    doors = [Door(r.entrance_id, float(r.x), float(r.y), prize=1.0 + k % 3)
             for k, r in enumerate(pick.itertuples(index=False))]
    return doors, start


def _walking(net, doors, start):
    xy = np.array([start, *((d.x, d.y) for d in doors)])
    return walking_distances(xy, net)


def test_car_legs_replace_only_walks_beyond_the_limit_and_are_faster(samsoe):
    net, ent = samsoe
    doors, start = _spread_doors(ent, 80)
    walking = _walking(net, doors, start)
    dw = drive_then_walk(walking, net, speed_mps=SPEED, walk_limit_m=LIMIT)
    c = dw.car
    W = np.asarray(walking.dist_m)
    T = np.asarray(dw.dist_m) / SPEED  # seconds
    n = len(W)
    assert dw.method == "drive_walk" and c.car.any(), "doors across Samsø need the car"
    for i in range(n):
        for j in range(n):
            if i == j or T[i, j] >= FORBIDDEN_S:
                continue
            if c.car[i, j]:
                # the walk the car leg replaces is longer than the limit…
                assert W[i, j] > LIMIT, (i, j, W[i, j])
                # …and between two doors the car leg is faster than that walk
                if i and j:
                    assert T[i, j] < W[i, j] / SPEED, (i, j)
                assert c.drive_m(i, j) > 0
            # no stretch on foot beyond the limit, on any leg the planner may take
            assert all(s <= LIMIT + 1e-6 for s in c.walk_legs(i, j)), (i, j, c.walk_legs(i, j))
    # two doors at most the limit apart on foot are never joined by the car
    close = (W <= LIMIT) & ~np.eye(n, dtype=bool)
    assert not (c.car & close).any()
    # every parking point lies on a road a car may use
    g = car_graph(net)
    assert set(c.parking_node.tolist()) <= set(g.node_ids.tolist())


def test_planned_drive_walk_routes_keep_the_rules_and_visit_more_than_walking(samsoe):
    net, ent = samsoe
    doors, start = _spread_doors(ent, 90, seed=5)
    walking = _walking(net, doors, start)
    dw = drive_then_walk(walking, net, speed_mps=SPEED, walk_limit_m=LIMIT)
    s = PlanSettings(days=(MON,), start_xy=start, teams=2, shift=(9 * 3600, 13 * 3600), seconds=2.0)
    on_foot = plan_routes(doors, s, walking=walking)
    by_car = plan_routes(doors, s, walking=dw)
    assert by_car.method == "drive_walk" and on_foot.method == "network"
    driven = 0.0
    for r in by_car.routes:
        seq = [0, *(st.index + 1 for st in r.stops), 0]
        for a, b in zip(seq, seq[1:], strict=False):
            assert dw.dist_m[a, b] / SPEED < FORBIDDEN_S, "a forbidden leg was planned"
            assert all(x <= LIMIT + 1e-6 for x in dw.car.walk_legs(a, b))
        assert r.drive_m == pytest.approx(sum(st.drive_m for st in r.stops) + dw.car.drive_m(seq[-2], 0))
        driven += r.drive_m
        # the shift holds
        if r.stops:
            assert (r.end - r.start).total_seconds() <= 4 * 3600 + 1
    assert driven > 0
    visited = lambda p: sum(len(r.stops) for r in p.routes)  # noqa: E731
    assert visited(by_car) > visited(on_foot)


def test_auto_walks_a_compact_village_and_drives_a_spread_island(samsoe):
    net, ent = samsoe
    doors, start = _spread_doors(ent, 40)
    assert spread_beyond(_walking(net, doors, start), LIMIT)
    # a few doors within a few hundred metres of the start: one walk group
    d = np.hypot(ent["x"] - start[0], ent["y"] - start[1])
    near = ent[d < 250].head(12)
    assert len(near) >= 5
    compact = [Door(r.entrance_id, float(r.x), float(r.y)) for r in near.itertuples(index=False)]
    assert not spread_beyond(_walking(net, compact, start), LIMIT)


def _plan_json(db, capsys, *args) -> dict:
    capsys.readouterr()
    code = main(["--db", str(db), "--user", "teamleder", "plan-routes", *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_cli_plan_json_gives_drive_m_walk_m_and_parking(demo_copy, capsys):
    # Kolby parish: Kolby, Kolby Kås and farms kilometres apart
    common = ["--area", "parishes:7243", "--teams", "2", "--days", "1", "--seconds", "1", "--from", "2026-11-30"]
    walk = _plan_json(demo_copy, capsys, *common, "--mode", "walk")
    drive = _plan_json(demo_copy, capsys, *common, "--mode", "drive_walk", "--walk-limit", "800")
    assert walk["mode"] == "walk" and drive["mode"] == "drive_walk"
    assert drive["params"]["walk_limit_m"] == 800
    walked = [r for r in walk["routes"] if r["stops"]]
    assert walked
    for r in walked:
        assert r["drive_m"] == 0 and r["parking"] == [] and r["walk_m"] > 0
    used = [r for r in drive["routes"] if r["stops"]]
    assert used and all({"drive_m", "walk_m", "parking"} <= set(r) for r in used)
    assert sum(r["drive_m"] for r in used) > 0
    parked = [p for r in used for p in r["parking"]]
    assert parked and all({"n", "x", "y", "lon", "lat"} <= set(p) for p in parked)
    assert all(54.7 < p["lat"] < 56.0 and 10.4 < p["lon"] < 10.8 for p in parked)  # on Samsø
    assert drive["totals"]["drive_m"] == pytest.approx(sum(r["drive_m"] for r in drive["routes"]))

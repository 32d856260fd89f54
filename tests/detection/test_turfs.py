"""Turfs (issue 17): the doors of a focus area cut into K compact turfs of about equal work,
one per pair, each door in exactly one turf, and each pair planned inside its own turf."""

from __future__ import annotations

import json
from datetime import date
from itertools import combinations

import numpy as np
import pytest
import shapely

from detection.cli.main import main
from detection.repository import Repository
from detection.routes import planner as rt
from detection.routes.turfs import make_turfs, plan_with_turfs, polsby_popper
from tests.detection.test_routes_repo import _add_focus_area

DAYS = (date(2026, 12, 1), date(2026, 12, 2))


def _doors(xy, units=None) -> list[rt.Door]:
    return [rt.Door(f"e{i}", float(x), float(y), units=tuple(f"u{j}" for j in range(int(units[i]))) if units is not None else ())
            for i, (x, y) in enumerate(np.asarray(xy))]


def _covered_once(turfs, n: int) -> None:
    every = sorted(i for tf in turfs.turfs for i in tf.doors)
    assert every == list(range(n))
    assert sorted(set(turfs.labels.tolist())) == list(range(1, len(turfs.turfs) + 1)) or n < len(turfs.turfs)
    for tf in turfs.turfs:
        assert all(turfs.labels[i] == tf.number for i in tf.doors)


def _no_overlap(turfs) -> None:
    for a, b in combinations([tf.geometry for tf in turfs.turfs], 2):
        assert a.intersection(b).area < 1e-3  # m²: only shared edges


def test_polsby_popper__square_is_pi_over_four_and_empty_is_zero():
    assert polsby_popper(shapely.box(0, 0, 10, 10)) == pytest.approx(np.pi / 4)
    assert polsby_popper(shapely.Polygon()) == 0.0


@pytest.mark.parametrize(("n", "k", "seed"), [(40, 3, 1), (150, 5, 2), (420, 6, 3)])
def test_make_turfs__random_points_covered_exactly_once_without_overlap(n, k, seed):
    rng = np.random.default_rng(seed)
    xy = np.r_[rng.uniform(0, 2000, (n // 2, 2)), rng.normal(600, 120, (n - n // 2, 2))]
    turfs = make_turfs(_doors(xy, rng.integers(1, 5, n)), k, seed=seed)
    assert len(turfs.turfs) == k
    _covered_once(turfs, n)
    assert all(tf.doors for tf in turfs.turfs)  # K non-empty turfs when doors ≥ K
    assert all(0 < tf.compactness <= 1 for tf in turfs.turfs)
    assert 0 < turfs.compactness <= 1
    _no_overlap(turfs)
    # every door lies in its own turf's polygon
    for tf in turfs.turfs:
        pts = shapely.points(xy[list(tf.doors)])
        assert shapely.covers(tf.geometry.buffer(1.0), pts).all()


def test_make_turfs__doors_on_the_same_point_and_on_a_line():
    stacked = _doors([(0, 0)] * 5 + [(100, 0)] * 5 + [(200, 0)] * 5)
    turfs = make_turfs(stacked, 3, seed=1)
    _covered_once(turfs, 15)
    assert all(tf.doors for tf in turfs.turfs)
    _no_overlap(turfs)
    line = _doors([(10.0 * i, 0.0) for i in range(12)])
    turfs = make_turfs(line, 4, seed=1)
    _covered_once(turfs, 12)
    assert all(tf.doors for tf in turfs.turfs)


def test_make_turfs__fewer_doors_than_pairs_leaves_the_last_turfs_empty():
    turfs = make_turfs(_doors([(0, 0), (50, 50)]), 4, seed=1)
    _covered_once(turfs, 2)
    assert [len(tf.doors) for tf in turfs.turfs] == [1, 1, 0, 0]
    assert turfs.turfs[3].compactness == 0.0
    with pytest.raises(ValueError, match="must be ≥ 1. Got 0"):
        make_turfs(_doors([(0, 0)]), 0)


def test_make_turfs__regular_grid_work_within_ten_percent():
    """On a 20 × 20 grid of equal doors the work per turf is even within BALANCE_TOL = 1.10
    (most ÷ least), and the turfs are fairly compact (a square is 0,785)."""
    g = np.array([(x * 30.0, y * 30.0) for x in range(20) for y in range(20)])
    for k in (2, 3, 4, 5):
        turfs = make_turfs(_doors(g), k, seed=1)
        _covered_once(turfs, len(g))
        assert turfs.balance_ratio <= 1.10, (k, [tf.work_s for tf in turfs.turfs])
        assert turfs.compactness > 0.4


def test_make_turfs__same_seed_same_turfs():
    rng = np.random.default_rng(7)
    doors = _doors(rng.uniform(0, 1000, (90, 2)))
    a, b = make_turfs(doors, 4, seed=3), make_turfs(doors, 4, seed=3)
    assert a.labels.tolist() == b.labels.tolist()


def test_make_turfs__tiles_the_given_area():
    area = shapely.box(-100, -100, 1100, 1100)
    rng = np.random.default_rng(4)
    turfs = make_turfs(_doors(rng.uniform(0, 1000, (60, 2))), 3, seed=1, area=area)
    union = shapely.union_all([tf.geometry for tf in turfs.turfs])
    assert union.area == pytest.approx(area.area, rel=1e-6)


def test_make_turfs__demo_parish_doors_covered_exactly_once(demo_db):
    repo = Repository.open(f"sqlite:///{demo_db}", "admin", migrate=False)
    parishes = repo.areas("parishes")
    e = repo.entrances()
    poly = parishes.geometry.iloc[int(np.argmax(
        [shapely.contains_xy(g, e["x"].to_numpy(), e["y"].to_numpy()).sum() for g in parishes.geometry]))]
    inside = e[shapely.contains_xy(poly, e["x"].to_numpy(), e["y"].to_numpy())]
    doors = _doors(inside[["x", "y"]].to_numpy())
    assert len(doors) > 100
    turfs = make_turfs(doors, 3, seed=1, area=poly)
    _covered_once(turfs, len(doors))
    assert all(tf.doors for tf in turfs.turfs)
    assert all(0 < tf.compactness <= 1 for tf in turfs.turfs)
    _no_overlap(turfs)


def test_plan_with_turfs__each_pair_stays_in_its_turf_every_day():
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 1200, (90, 2))
    doors = _doors(xy, rng.integers(1, 4, 90))
    s = rt.PlanSettings(days=DAYS, start_xy=(600.0, 600.0), teams=3, shift=(9 * 3600, 11 * 3600), seconds=1.5,
                        iterations=200)
    plan = plan_with_turfs(doors, s)
    turfs = make_turfs(doors, 3, seed=s.seed, walking=plan.walking, settings=s)
    # each door planned at most once, the rest listed as unplanned
    seen = [st.entrance_id for r in plan.routes for st in r.stops]
    assert len(seen) == len(set(seen))
    assert set(seen) | {e for e, _ in plan.unplanned} == {d.entrance_id for d in doors}
    assert {(r.team, r.day) for r in plan.routes} == {(k, d) for k in (1, 2, 3) for d in DAYS}
    for r in plan.routes:
        own = set(turfs.turfs[r.team - 1].doors)
        assert {st.index for st in r.stops} <= own, (r.team, r.day)
        for st in r.stops:
            assert doors[st.index].entrance_id == st.entrance_id
    stats = plan.stats
    assert 0 < stats["turf_compactness"] <= 1
    assert [x["number"] for x in stats["turfs"]] == [1, 2, 3]
    assert sum(x["doors"] for x in stats["turfs"]) == len(doors)
    assert all(x["geometry"]["type"] in ("Polygon", "MultiPolygon") for x in stats["turfs"])
    assert plan.prize_total == pytest.approx(sum(d.prize for d in doors))
    assert plan.prize_collected == pytest.approx(len(seen))


def test_cli_plan_routes__turfs_give_turf_compactness_and_polygons(nordby, capsys):
    _add_focus_area(nordby)
    url = str(nordby.engine.url)
    code = main(["--db", url, "--user", "u_team_lead", "plan-routes", "--area", "Nordby centrum", "--teams", "2",
                 "--days", "2", "--shift", "09:00-10:30", "--seconds", "1", "--as-of", "2026-11-01",
                 "--doors", "all", "--turfs", "--json"])
    assert code == 0
    plan = json.loads(capsys.readouterr().out)
    assert 0 < plan["stats"]["turf_compactness"] <= 1
    assert [x["team"] for x in plan["turfs"]] == [1, 2]
    assert all(x["geometry"]["type"] in ("Polygon", "MultiPolygon") for x in plan["turfs"])
    assert all(-180 <= c[0] <= 180 for x in plan["turfs"] for c in shapely.geometry.shape(x["geometry"])
               .envelope.exterior.coords)
    assert plan["params"]["turfs"] is True
    # each pair's stops lie in its own turf on every day
    polys = {x["team"]: shapely.geometry.shape(x["geometry"]).buffer(1e-4) for x in plan["turfs"]}
    for r in plan["routes"]:
        assert all(polys[r["team"]].contains(shapely.Point(s["lon"], s["lat"])) for s in r["stops"])
    # the stored plan gives the turfs back
    again = nordby.as_user("u_team_lead").route_plan(plan["plan_id"])
    assert [x["team"] for x in again["turfs"]] == [1, 2]
    assert again["stats"]["turf_compactness"] == plan["stats"]["turf_compactness"]
    assert "turf_areas" not in again["params"]


def test_plan_routes__without_turfs_no_turfs_in_the_plan(nordby):
    _add_focus_area(nordby)
    plan = nordby.as_user("u_team_lead").plan_routes("Nordby centrum", teams=1, days=1, shift="09:00-10:00",
                                                      seconds=0.5, as_of=date(2026, 11, 1))
    assert plan["turfs"] == []
    assert "turf_compactness" not in plan["stats"]


def test_slice_walking__keeps_the_start_and_slices_car_legs_by_point():
    from dataclasses import dataclass

    from detection.routes.turfs import slice_walking

    @dataclass(frozen=True)
    class FakeCar:
        parking_of: np.ndarray
        to_parking_m: np.ndarray
        groups: np.ndarray
        walk_m: np.ndarray
        car: np.ndarray
        via_parking: np.ndarray
        parking_xy: np.ndarray

    d = np.arange(36, dtype=float).reshape(6, 6)
    car = FakeCar(np.arange(6) % 2, np.arange(6.0), np.arange(6), d + 100, d > 10, d > 20, np.zeros((2, 2)))
    w = rt.Walking(d, "network", np.arange(10, 16), np.arange(6.0) / 10)
    w = replace_car(w, car)
    sub = slice_walking(w, np.array([0, 2, 5]))
    assert sub.dist_m.tolist() == d[np.ix_([0, 2, 5], [0, 2, 5])].tolist()
    assert sub.node_ids.tolist() == [10, 12, 15]
    if getattr(w, "car", None) is not None:
        assert sub.car.parking_of.tolist() == [0, 0, 1]
        assert sub.car.walk_m.shape == (3, 3) and sub.car.parking_xy.shape == (2, 2)


def replace_car(w, car):
    """``w`` with a drive-then-walk ``car``, where the planner's Walking has that field."""
    from dataclasses import fields, replace

    return replace(w, car=car) if "car" in {f.name for f in fields(w)} else w

"""Plans a team lead can read (issue 17): a route shorter than the setting is merged into
another route when its doors fit, or explained; what the plan did not need is said in words."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from detection.cli.main import main
from detection.routes.explain import merge_short_routes, note_text, plan_notes
from detection.routes.planner import Door, Plan, PlanSettings, Walking, _schedule, _times

MON, TUE = date(2026, 11, 2), date(2026, 11, 3)
SPEED = 4.5 / 3.6


def _walking(start, doors) -> Walking:
    xy = np.array([start, *((d.x, d.y) for d in doors)], dtype=float)
    return Walking(np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]), "straight_line")


def _plan(doors, s: PlanSettings, seqs: dict[tuple[int, int], list[int]]) -> Plan:
    """A plan with the given door sequences per (team, day index)."""
    walking = _walking(s.start_xy, doors)
    routes = []
    for (team, d), seq in sorted(seqs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        r = _schedule(seq, d, s.days[d], walking, doors, {}, s)
        r.team = team
        routes.append(r)
    return Plan(routes, [], "straight_line", "pyvrp", 0.0, sum(d.prize for d in doors), sum(d.prize for d in doors),
                stats={}, walking=walking)


def _row(n: int, x0: float = 0.0, step: float = 60.0) -> list[Door]:
    return [Door(f"e{k}", x0 + k * step, 0.0, units=("u",), prize=1.0) for k in range(n)]


def test_a_short_route_is_merged_when_its_doors_fit_and_every_door_stays_once():
    doors = _row(14)
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 15 * 3600))
    plan = _plan(doors, s, {(1, 0): list(range(10)), (2, 0): [10, 11, 12, 13]})
    short, long = (next(r for r in plan.routes if r.team == k) for k in (2, 1))
    assert 0 < short.duration_s < long.duration_s
    minimum = long.duration_s  # route 2 is shorter than the minimum, route 1 is not
    notes = merge_short_routes(plan, doors, s, minimum)
    assert [n["code"] for n in notes] == ["merged"]
    assert notes[0]["team"] == 2 and notes[0]["stops"] == 4 and notes[0]["into"] == [{"team": 1, "day": "2026-11-02"}]
    by_team = {r.team: r for r in plan.routes}
    assert by_team[2].stops == [] and len(by_team[1].stops) == 14
    assert sorted(st.entrance_id for r in plan.routes for st in r.stops) == sorted(d.entrance_id for d in doors)
    # the merged route keeps the shift
    assert (by_team[1].end - by_team[1].start).total_seconds() <= 6 * 3600
    assert note_text(notes[0], "da", min_minutes=45, days=["2026-11-02"]) == (
        "En rute på {} min. (4 opgange) for par 2 på dag 1 (02.11.2026) var kortere end 45 min. og er "
        "lagt sammen med ruten for par 1 på dag 1 (02.11.2026).".format(notes[0]["minutes"]))


def test_a_short_route_stays_and_is_explained_when_the_others_have_no_time():
    doors = _row(14, step=250.0)
    # a shift that route 1 (10 doors, 2.25 km out and back) just fills
    walking = _walking((0.0, 0.0), doors)
    probe = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 17 * 3600))
    end = _times(list(range(10)), 0, walking, doors, {}, probe)[-1][1] + walking.dist_m[10, 0] / probe.speed_mps
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, int(end) + 60))
    assert _times(list(range(10)), 0, walking, doors, {}, s) is not None
    assert _times(list(range(11)), 0, walking, doors, {}, s) is None
    plan = _plan(doors, s, {(1, 0): list(range(10)), (2, 0): [10]})
    before = [(r.team, [st.entrance_id for st in r.stops]) for r in plan.routes]
    minimum = next(r for r in plan.routes if r.team == 1).duration_s  # only route 2 is short
    notes = merge_short_routes(plan, doors, s, minimum)
    assert [(n["code"], n["team"], n["why"]) for n in notes] == [("short_route", 2, "no_room")]
    assert [(r.team, [st.entrance_id for st in r.stops]) for r in plan.routes] == before
    assert "de andre ruter har ikke tid til dens opgange" in note_text(notes[0], "da")


def test_with_turfs_doors_move_only_within_the_same_pair():
    doors = _row(12)
    s = PlanSettings(days=(MON, TUE), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 15 * 3600))
    plan = _plan(doors, s, {(1, 0): list(range(8)), (2, 0): [8, 9], (1, 1): [], (2, 1): [10, 11]})
    notes = merge_short_routes(plan, doors, s, 3600, keep_turfs=True)
    merged = [n for n in notes if n["code"] == "merged"]
    # pair 2's day-1 route went into pair 2's day-2 route, never into pair 1's
    assert any(n["team"] == 2 and n["into"] == [{"team": 2, "day": "2026-11-03"}] for n in merged), notes
    for r in plan.routes:
        ids = {st.entrance_id for st in r.stops}
        if r.team == 1:
            assert ids <= {f"e{k}" for k in range(8)}


def test_plan_notes_say_which_days_and_pairs_were_not_needed():
    doors = _row(6)
    s = PlanSettings(days=(MON, TUE), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 15 * 3600))
    plan = _plan(doors, s, {(1, 0): [0, 1, 2], (2, 0): [3, 4, 5], (1, 1): [], (2, 1): []})
    notes = plan_notes(plan, s, [], 0)
    assert [n["code"] for n in notes] == ["days_not_needed"]
    days = ["2026-11-02", "2026-11-03"]
    assert note_text(notes[0], "da", days=days) == (
        "2 par klarer alle 6 opgange på dag 1 (02.11.2026); dag 2 (03.11.2026) er ikke nødvendig.")
    assert note_text(notes[0], "en", days=days) == (
        "2 pairs manage all 6 doors on day 1 (2026-11-02); day 2 (2026-11-03) is not needed.")
    # one pair idle on a day in use
    plan = _plan(doors, s, {(1, 0): [0, 1, 2], (2, 0): [], (1, 1): [3], (2, 1): [4, 5]})
    notes = plan_notes(plan, s, [], 0)
    assert [(n["code"], n["day"], n["teams"]) for n in notes] == [("pairs_not_needed", "2026-11-02", [2])]
    assert note_text(notes[0], "da", days=days) == (
        "Dag 1 (02.11.2026): par 2 har ingen rute – 1 par klarer dagens opgange.")


def test_plan_notes_say_when_doors_did_not_fit_and_name_short_routes():
    doors = _row(6)
    s = PlanSettings(days=(MON,), start_xy=(0.0, 0.0), teams=2, shift=(9 * 3600, 15 * 3600))
    plan = _plan(doors, s, {(1, 0): [0, 1, 2], (2, 0): [3]})
    notes = plan_notes(plan, s, [("x1", "no_time"), ("x2", "no_time"), ("x3", "unreachable")], 3600)
    assert notes[0] == {"code": "not_enough_time", "doors": 2, "pairs": 2, "days": 1}
    assert note_text(notes[0], "da").startswith("2 opgange var der ikke tid til i vagterne.")
    assert {(n["code"], n["team"]) for n in notes[1:]} == {("short_route", 1), ("short_route", 2)}


@pytest.fixture
def short_routes_db(demo_copy):
    assert main(["--db", str(demo_copy), "--user", "admin", "settings", "--set", "min_route_minutes=150"]) == 0
    return demo_copy


def test_cli_plan_json_gives_the_notes_in_words(short_routes_db, capsys):
    capsys.readouterr()
    code = main(["--db", str(short_routes_db), "--user", "teamleder", "plan-routes", "--area", "parishes:7244",
                 "--teams", "2", "--days", "3", "--seconds", "2", "--from", "2026-12-02", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["params"]["min_route_minutes"] == 150
    assert out["area"] == "Nordby (parishes:7244)" and out["area_text"] == "Nordby (sogn)"  # in words for people
    notes = out["notes"]
    assert notes and all(n["text"] and (n["text"][0].isupper() or n["text"][0].isdigit()) for n in notes)
    # every route with stops is at least the minimum, or a note explains it
    explained = {(n["team"], n["day"]) for n in notes if n["code"] in ("short_route", "merged")}
    for r in out["routes"]:
        if r["stops"] and r["duration_s"] < 150 * 60:
            assert (r["team"], r["day"]) in explained, r["route_id"]
    # every empty pair-day is explained: by a merge, a day not needed or a pair not needed
    said = explained | {(k, n["day"]) for n in notes if n["code"] == "pairs_not_needed" for k in n["teams"]}
    unused = {d for n in notes if n["code"] == "days_not_needed" for d in n["days_unused"]}
    for r in out["routes"]:
        if not r["stops"]:
            assert (r["team"], r["day"]) in said or r["day"] in unused, (r["team"], r["day"], notes)
    # the stored plan gives the same notes (without the CLI's words)
    capsys.readouterr()
    assert main(["--db", str(short_routes_db), "--user", "teamleder", "route-plans", "--plan", out["plan_id"],
                 "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert [{k: v for k, v in n.items() if k != "text"} for n in notes] == stored["notes"]
    assert stored["area_text"] == "Nordby (sogn)"
    capsys.readouterr()
    assert main(["--db", str(short_routes_db), "--user", "teamleder", "--lang", "en", "route-plans", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["plans"]
    assert [p["area_text"] for p in listed if p["plan_id"] == out["plan_id"]] == ["Nordby (parish)"]

"""Pair safety (issue 17): check-in and check-out, overdue pairs, unsafe doors and a route
for two, in the repository (SQLite and PostGIS) and the CLI.

- A route is never assigned to one worker alone (code ``pair_needed``).
- Either member of the pair checks in once and out once; a second one is refused with a
  clear error naming who did it and when; nobody else may; times are stored in UTC and
  read back as Copenhagen time.
- A route is overdue from exactly shift end + ``overdue_minutes`` (30 by default) without
  a check-out; a second earlier it is not; a checked-out or unassigned route never is.
  ``route-plans overdue --json`` prints exactly ``{"overdue": [{"route_id", "members",
  "shift_end", "minutes_over"}]}``.
- An unsafe door stays out of the plans until a team lead approves it, and the walk list
  (phone and PDF) warns at the doors next to it.

No test waits: "now" is given (``now=``, ``--now``) or the clock is replaced.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from detection import clock
from detection.cli.main import main
from detection.clock import COPENHAGEN
from detection.errors import InputError, NotAllowed
from detection.routes.field_files import pdf_text, walk_list_pdf
from detection.routes.safety import UNSAFE_NEAR_M, near_unsafe, overdue
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user
from tests.detection.test_routes_repo import _add_focus_area

AS_OF = date(2026, 11, 1)  # a Sunday: the plan's day is Monday 2 November
SHIFT_END = datetime(2026, 11, 2, 15, 0, tzinfo=COPENHAGEN)  # shift 09:00-15:00
FW, FW2 = role_user("field_worker"), "u_field_worker2"


@pytest.fixture()
def planned(db_url):
    """Nordby with a plan of two pairs for 2 November; route 1 given to FW and FW2."""
    admin = make_workspace(db_url, n_signals=12)
    _add_focus_area(admin)
    admin.set_setting("min_route_minutes", 1)  # keep both short routes (no merge): two routes to test with
    lead = admin.as_user(role_user("team_lead"))
    plan = lead.plan_routes("Nordby centrum", teams=2, days=1, shift="09:00-15:00", as_of=AS_OF, seconds=0.5)
    r1, r2 = plan["routes"][0], plan["routes"][1]
    lead.assign_route(r1["route_id"], [FW, FW2])
    return {"admin": admin, "lead": lead, "plan": plan, "r1": r1, "r2": r2}


def _at(monkeypatch, when: datetime) -> None:
    """Let the clock say ``when`` (aware)."""
    monkeypatch.setattr(clock, "now_utc", lambda: when.astimezone(UTC))


def _cli(*argv: str) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, json.loads(out.getvalue())


# --------------------------------------------------------------------------- never one alone


def test_assign_route__one_worker_alone_is_refused_with_a_code(planned):
    lead, rid = planned["lead"], planned["r2"]["route_id"]
    for team in ([FW2], [FW2, FW2], [" ", FW2], []):
        with pytest.raises(InputError, match="never one alone") as err:
            lead.assign_route(rid, team)
        assert err.value.code == "pair_needed"
    assert [r["members"] for r in lead.route_plan(planned["plan"]["plan_id"])["routes"]
            if r["route_id"] == rid] == [[]]  # nothing changed
    url = str(planned["admin"].engine.url.render_as_string(hide_password=False))
    code, out = _cli("--db", url, "--user", role_user("team_lead"), "plan-routes", "--assign", f"{rid}={FW2}",
                     "--json")
    assert code == 1 and out["error"]["code"] == "pair_needed"


# --------------------------------------------------------------------------- check in, check out


def test_check_in_and_out__either_member_once_each__utc_stored_local_shown(planned, monkeypatch):
    admin, rid = planned["admin"], planned["r1"]["route_id"]
    fw, fw2 = admin.as_user(FW), admin.as_user(FW2)
    _at(monkeypatch, datetime(2026, 11, 2, 9, 2, tzinfo=COPENHAGEN))
    got = fw.check_in(rid)
    assert got == {"route_id": rid, "kind": "in", "by": FW, "at": "2026-11-02T09:02:00+01:00"}
    with pytest.raises(InputError, match=f"already checked in by {FW} at 09:02") as err:
        fw2.check_in(rid)  # the other member: refused, not repeated
    assert err.value.code == "already_checked_in" and (err.value.who, err.value.time) == (FW, "09:02")
    _at(monkeypatch, datetime(2026, 11, 2, 14, 48, tzinfo=COPENHAGEN))
    fw2.check_out(rid)
    with pytest.raises(InputError) as err:
        fw.check_out(rid)
    assert err.value.code == "already_checked_out" and err.value.who == FW2
    with pytest.raises(InputError) as err:
        fw.check_in(rid)
    assert err.value.code in ("already_checked_in", "in_after_out")
    # stored in UTC; both members see the checks in Copenhagen time
    with store_engine.read_tx(admin.engine) as conn:
        rows = dict(conn.execute(select(t.route_checks.c.kind, t.route_checks.c.at)
                                 .where(t.route_checks.c.route_id == rid)).all())
    stored = {k: (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC) for k, v in rows.items()}
    assert stored == {"in": datetime(2026, 11, 2, 8, 2, tzinfo=UTC), "out": datetime(2026, 11, 2, 13, 48, tzinfo=UTC)}
    for who in (fw, fw2):
        mine = who.my_routes()[0]
        assert mine["check_in"] == {"by": FW, "at": "2026-11-02T09:02:00+01:00"}
        assert mine["check_out"] == {"by": FW2, "at": "2026-11-02T14:48:00+01:00"}
    actions = admin.audit_list(action="routes.check")
    assert sorted(actions["action"]) == ["routes.check_in", "routes.check_out"]
    assert set(actions["user_name"]) == {FW, FW2}


def test_check_in__someone_not_on_the_route_is_refused(planned, monkeypatch):
    admin, rid = planned["admin"], planned["r1"]["route_id"]
    _at(monkeypatch, datetime(2026, 11, 2, 9, 0, tzinfo=COPENHAGEN))
    admin.upsert_user("u_field_worker3", role="field_worker", password="pw")
    for user in ("u_field_worker3", role_user("team_lead")):  # a lead not on the route may not either
        with pytest.raises(NotAllowed, match="not on this route"):
            admin.as_user(user).check_in(rid)
    for role in ("analyst", "planner", "administrator"):
        with pytest.raises(NotAllowed):
            admin.as_user(role_user(role)).check_out(rid)
    with pytest.raises(InputError, match="does not exist"):
        admin.as_user(FW).check_in("no-such-route")
    with store_engine.read_tx(admin.engine) as conn:
        assert conn.execute(select(t.route_checks)).all() == []


def test_check_in__only_on_the_routes_day__check_out_not_before_it(planned, monkeypatch):
    fw, rid = planned["admin"].as_user(FW), planned["r1"]["route_id"]
    _at(monkeypatch, datetime(2026, 11, 1, 23, 59, tzinfo=COPENHAGEN))
    with pytest.raises(InputError) as err:
        fw.check_in(rid)
    assert err.value.code == "check_in_day"
    with pytest.raises(InputError) as err:
        fw.check_out(rid)
    assert err.value.code == "check_out_early"
    # a pair that forgot to check in may still check out (after midnight, too)
    _at(monkeypatch, datetime(2026, 11, 3, 0, 30, tzinfo=COPENHAGEN))
    assert fw.check_out(rid)["at"] == "2026-11-03T00:30:00+01:00"


# --------------------------------------------------------------------------- overdue pairs


def test_overdue__listed_exactly_at_the_threshold_not_a_second_before(planned):
    lead, rid = planned["lead"], planned["r1"]["route_id"]
    assert lead.overdue_routes(now=SHIFT_END + timedelta(minutes=29, seconds=59)) == []
    got = lead.overdue_routes(now=SHIFT_END + timedelta(minutes=30))
    assert [(o["route_id"], o["members"], o["shift_end"], o["minutes_over"]) for o in got] == [
        (rid, [FW, FW2], "2026-11-02T15:00:00+01:00", 30)]
    assert got[0]["team"] == planned["r1"]["team"] and got[0]["day"] == "2026-11-02"
    assert got[0]["checked_in"] is None and got[0]["area"] == "Nordby centrum"
    # a naive time is Copenhagen time; minutes are whole minutes, rounded down
    assert lead.overdue_routes(now=datetime(2026, 11, 2, 16, 12, 59))[0]["minutes_over"] == 72


def test_overdue__the_setting_moves_the_threshold_and_is_checked(planned):
    admin, lead = planned["admin"], planned["lead"]
    admin.set_setting("overdue_minutes", 45)
    assert admin.settings()["overdue_minutes"] == 45
    assert lead.overdue_routes(now=SHIFT_END + timedelta(minutes=44, seconds=59)) == []
    assert [o["minutes_over"] for o in lead.overdue_routes(now=SHIFT_END + timedelta(minutes=45))] == [45]
    with pytest.raises(InputError, match="at least 1 minute"):
        admin.set_setting("overdue_minutes", 0)
    with pytest.raises(InputError, match="at most 720 minutes") as err:
        admin.set_setting("overdue_minutes", 721)
    assert err.value.code == "setting_too_large"
    with pytest.raises(InputError, match="whole number"):
        admin.set_setting("overdue_minutes", "half an hour")
    with pytest.raises(NotAllowed):
        lead.set_setting("overdue_minutes", 10)
    assert admin.settings()["overdue_minutes"] == 45


def test_overdue__checked_out_and_unassigned_routes_are_never_listed(planned, monkeypatch):
    admin, lead, rid = planned["admin"], planned["lead"], planned["r1"]["route_id"]
    late = SHIFT_END + timedelta(hours=5)
    # route 2 has no pair: never listed, however late
    assert [o["route_id"] for o in lead.overdue_routes(now=late)] == [rid]
    # more than a week later the old route is history, not an alarm
    assert [o["route_id"] for o in lead.overdue_routes(now=SHIFT_END + timedelta(days=7))] == [rid]
    assert lead.overdue_routes(now=SHIFT_END + timedelta(days=7, seconds=1)) == []
    _at(monkeypatch, datetime(2026, 11, 2, 9, 0, tzinfo=COPENHAGEN))
    admin.as_user(FW).check_in(rid)
    assert lead.overdue_routes(now=late)[0]["checked_in"] == {"by": FW, "at": "2026-11-02T09:00:00+01:00"}
    _at(monkeypatch, datetime(2026, 11, 2, 16, 0, tzinfo=COPENHAGEN))  # late, but checked out
    admin.as_user(FW2).check_out(rid)
    assert lead.overdue_routes(now=late) == []


def test_overdue__only_team_leads_read_it(planned):
    for role in ("field_worker", "planner", "analyst", "administrator"):
        with pytest.raises(NotAllowed):
            planned["admin"].as_user(role_user(role)).overdue_routes(now=SHIFT_END)


def test_cli__route_plans_overdue_json_has_exactly_the_fixed_fields(planned):
    url = planned["admin"].engine.url.render_as_string(hide_password=False)
    rid = planned["r1"]["route_id"]
    lead = ("--db", url, "--user", role_user("team_lead"))
    code, out = _cli(*lead, "route-plans", "overdue", "--now", "2026-11-02T15:30", "--json")
    assert code == 0
    assert out == {"overdue": [{"route_id": rid, "members": [FW, FW2], "shift_end": "2026-11-02T15:00:00+01:00",
                                "minutes_over": 30}]}
    code, out = _cli(*lead, "route-plans", "overdue", "--now", "2026-11-02T15:29:59", "--json")
    assert (code, out) == (0, {"overdue": []})
    # `route-plans [--plan ID]` as before
    code, out = _cli(*lead, "route-plans", "--json")
    assert code == 0 and [p["plan_id"] for p in out["plans"]] == [planned["plan"]["plan_id"]]
    code, out = _cli(*lead, "route-plans", "--plan", planned["plan"]["plan_id"], "--json")
    assert code == 0 and out["routes"][0]["route_id"] == rid
    # not a team lead: exit 3
    code, out = _cli("--db", url, "--user", FW, "route-plans", "overdue", "--json")
    assert code == 3 and out["error"]["code"] == "not_allowed"
    # the setting through the CLI
    code, out = _cli("--db", url, "--user", "admin", "settings", "--set", "overdue_minutes=45", "--json")
    assert code == 0 and out["settings"]["overdue_minutes"] == 45
    code, out = _cli(*lead, "route-plans", "overdue", "--now", "2026-11-02T15:30", "--json")
    assert out == {"overdue": []}


def test_overdue__pure_rule():
    end = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    routes = [{"route_id": "a", "members": ["x", "y"], "shift_end": end},
              {"route_id": "b", "members": [], "shift_end": end},
              {"route_id": "c", "members": ["z", "w"], "shift_end": end - timedelta(minutes=10)},
              {"route_id": "d", "members": ["v", "u"], "shift_end": end - timedelta(hours=1)}]
    got = overdue(routes, ["d"], now=end + timedelta(minutes=30), minutes=30)
    assert [(r["route_id"], r["minutes_over"]) for r in got] == [("c", 40), ("a", 30)]
    with pytest.raises(ValueError, match="aware"):
        overdue(routes, [], now=datetime(2026, 11, 2, 15), minutes=30)


# --------------------------------------------------------------------------- unsafe doors


def test_unsafe_door__stays_out_of_every_plan_until_a_team_lead_approves_it(planned):
    lead = planned["lead"]
    door = planned["r2"]["stops"][0]["entrance_id"]
    lead.record_outcome(door, "unsafe", visited_at=datetime(2026, 11, 2, 10, 0, tzinfo=COPENHAGEN))
    for _ in range(2):  # not once, not twice: until approved
        again = lead.plan_routes("Nordby centrum", teams=2, days=1, as_of=date(2026, 11, 2), seconds=0.5)
        assert door not in {s["entrance_id"] for r in again["routes"] for s in r["stops"]}
        assert {"entrance_id": door, "reason": "unsafe"} in again["unplanned"]
    with pytest.raises(NotAllowed):  # a field worker can not approve it
        planned["admin"].as_user(FW).clear_unsafe(door)
    lead.clear_unsafe(door, note="talked with the caretaker")
    after = lead.plan_routes("Nordby centrum", teams=2, days=1, as_of=date(2026, 11, 2), seconds=0.5)
    assert door in {s["entrance_id"] for r in after["routes"] for s in r["stops"]}
    assert door not in {u["entrance_id"] for u in after["unplanned"]}


def test_unsafe_door__the_walk_list_warns_at_the_doors_next_to_it(planned):
    admin, lead, r1 = planned["admin"], planned["lead"], planned["r1"]
    ent = admin.entrances().set_index("entrance_id")
    stop = r1["stops"][0]
    planned_ids = {s["entrance_id"] for r in planned["plan"]["routes"] for s in r["stops"]}
    d = np.hypot(ent["x"] - stop["x"], ent["y"] - stop["y"])
    near = d[(d > 0) & (d <= UNSAFE_NEAR_M) & ~d.index.isin(planned_ids)]
    assert len(near), "Nordby has a house within 50 m of the first stop"
    bad = near.idxmin()
    lead.record_outcome(bad, "unsafe", visited_at=datetime(2026, 11, 2, 10, 0, tzinfo=COPENHAGEN))
    a = ent.loc[bad]
    address = f"{a['street']} {a['house_number']}, {a['postcode']} {a['city']}"
    mine = admin.as_user(FW).my_routes()[0]
    warned = {s["seq"]: s["near_unsafe"] for s in mine["stops"] if s["near_unsafe"]}
    assert warned.get(stop["seq"]) == [address]
    # exactly the stops within the distance (or at the same house number) are warned
    for s in mine["stops"]:
        dist = float(np.hypot(s["x"] - a["x"], s["y"] - a["y"]))
        if dist > UNSAFE_NEAR_M and s["address"].split(",")[0].rstrip("ABCDEFGH") != (
                f"{a['street']} {a['house_number']}".rstrip("ABCDEFGH")):
            assert not s["near_unsafe"], (s["address"], dist)
        else:
            assert s["near_unsafe"] == [address]
    # the lead sees it in the plan, and the PDF walk list says it in words
    full = lead.route_plan(planned["plan"]["plan_id"])["routes"][0]
    assert full["stops"][0]["near_unsafe"] == [address]
    text = pdf_text(walk_list_pdf(mine, area="Nordby centrum"))
    assert "OBS: nabo til en dør markeret utryg" in text
    assert "next to a door marked unsafe" in pdf_text(walk_list_pdf(mine, lang="en"))
    # once the lead approves the door, the warning goes
    lead.clear_unsafe(bad)
    assert not any(s["near_unsafe"] for s in admin.as_user(FW).my_routes()[0]["stops"])


def test_near_unsafe__distance_boundary_same_house_number_and_never_itself():
    stops = pd.DataFrame({"entrance_id": ["S1", "S2", "S3", "U1"], "x": [0.0, 0.0, 1000.0, 10.0],
                          "y": [0.0, 200.0, 0.0, 0.0], "street": ["Vej", "Vej", "Gade", "Vej"],
                          "house_number": ["1", "7", "12B", "2"], "postcode": ["8305"] * 4})
    unsafe = pd.DataFrame({"entrance_id": ["U1", "U2", "U3"], "x": [10.0, 0.0, 5000.0],
                           "y": [0.0, 250.0, 5000.0], "street": ["Vej", "Vej", "Gade"],
                           "house_number": ["2", "9", "12"], "postcode": ["8305"] * 3})
    got = near_unsafe(stops, unsafe)
    # S1: U1 at 10 m; S2: U2 at exactly 50 m (within); S3: U3 is 12 where S3 is 12B (same
    # building, kilometres by coordinates); U1 is never next to itself
    assert got == [["U1"], ["U2"], ["U3"], []]
    assert near_unsafe(stops, unsafe, radius_m=49.9)[1] == []
    assert near_unsafe(stops, unsafe.iloc[:0]) == [[], [], [], []]
    with pytest.raises(ValueError, match="radius_m"):
        near_unsafe(stops, unsafe, radius_m=-1)


def test_checks_go_with_their_plan(planned, monkeypatch):
    admin, rid = planned["admin"], planned["r1"]["route_id"]
    _at(monkeypatch, datetime(2026, 11, 2, 9, 0, tzinfo=COPENHAGEN))
    admin.as_user(FW).check_in(rid)
    planned["lead"].delete_route_plan(planned["plan"]["plan_id"])
    with store_engine.read_tx(admin.engine) as conn:
        assert conn.execute(select(t.route_checks)).all() == []


def test_plan_ids__never_shaped_like_a_cpr_number(monkeypatch):
    """A random 10-hex plan id is all digits about one time in 100 and a valid CPR date in
    some of those: the guard would then refuse the plan. The generator draws again."""
    import uuid as _uuid

    from detection.cpr import identifier_has_cpr
    from detection.repository import routes as repo_routes

    draws = iter(["0101011234aaaaaaaaaaaaaaaaaaaaaa", "a1b2c3d4e5aaaaaaaaaaaaaaaaaaaaaa"])
    monkeypatch.setattr(repo_routes.uuid, "uuid4", lambda: _uuid.UUID(next(draws)))
    assert identifier_has_cpr("0101011234-1-1")  # the first draw would be refused by the store
    assert repo_routes.new_plan_id() == "a1b2c3d4e5"

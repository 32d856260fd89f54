"""One route a day per worker (issue 15): the repository refuses to put a worker on a second
route of the same day, on SQLite and on PostGIS, with an error that names the member, the day
and the other pair — never a route's id."""

from __future__ import annotations

import re
from datetime import date

import pytest

from detection.errors import InputError, MemberBusy
from tests.detection.conftest import make_workspace, role_user
from tests.detection.test_routes_repo import _add_focus_area

AS_OF = date(2026, 11, 1)  # a Sunday: plans start Monday 2 November
HASH = re.compile(r"\b[0-9a-f]{10}\b")


def test_a_worker_on_two_routes_the_same_day_is_refused__both_backends(db_url):
    admin = make_workspace(db_url, n_signals=12)
    _add_focus_area(admin)
    for extra in ("u_field_worker3", "u_field_worker4"):
        admin.upsert_user(extra, role="field_worker", password="pw")
    lead = admin.as_user(role_user("team_lead"))
    fw, fw2, fw3, fw4 = role_user("field_worker"), "u_field_worker2", "u_field_worker3", "u_field_worker4"
    plan = lead.plan_routes("Nordby centrum", teams=2, days=2, as_of=AS_OF, seconds=0.5)
    by_day: dict[str, list[dict]] = {}
    for r in plan["routes"]:
        by_day.setdefault(r["day"], []).append(r)
    (day1, (a1, b1)), (day2, (a2, _)) = sorted(by_day.items())
    assert (a1["team"], b1["team"]) == (1, 2)

    lead.assign_route(a1["route_id"], [fw, fw2])  # a route is walked by a pair (issue 17)
    # the same worker on the other pair's route that day: refused, in words, no id
    with pytest.raises(MemberBusy) as err:
        lead.assign_route(b1["route_id"], [fw3, fw])
    exc = err.value
    assert isinstance(exc, InputError) and exc.code == "member_busy"
    assert (exc.member, exc.day, exc.team, exc.area) == (fw, day1, 1, "Nordby centrum")
    assert fw in str(exc) and day1 in str(exc) and "team 1" in str(exc)
    assert not HASH.search(str(exc)) and plan["plan_id"] not in str(exc)
    # nothing changed: the other route has no pair yet
    assert [r["members"] for r in lead.route_plan(plan["plan_id"])["routes"] if r["route_id"] == b1["route_id"]] == [[]]

    # the same route again (a new pair for it), another day, or other workers: all fine
    lead.assign_route(a1["route_id"], [fw, fw3])
    lead.assign_route(a2["route_id"], [fw, fw2])
    with pytest.raises(MemberBusy) as err:
        lead.assign_route(b1["route_id"], [fw3, fw4])
    assert (err.value.member, err.value.team) == (fw3, 1)
    lead.assign_route(a1["route_id"], [fw, fw2])  # fw3 leaves route 1 …
    lead.assign_route(b1["route_id"], [fw3, fw4])  # … and may walk pair 2's route that day

    # a later plan for the same day counts too (a worker walks one route a day, in any plan)
    again = lead.plan_routes("Nordby centrum", teams=1, days=1, as_of=AS_OF, seconds=0.5)
    first = again["routes"][0]
    assert first["day"] == day1
    with pytest.raises(MemberBusy) as err:
        lead.assign_route(first["route_id"], [fw4, role_user("team_lead")])
    assert (err.value.member, err.value.day, err.value.team) == (fw4, day1, 2)

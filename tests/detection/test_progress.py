"""The team lead's progress overview and one address's history (issue 15), both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from detection.clock import COPENHAGEN
from detection.errors import NotAllowed
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user
from tests.detection.test_routes_repo import _add_focus_area

AS_OF = date(2026, 11, 1)


def _as(repo: Repository, role: str) -> Repository:
    return Repository.open(repo.engine.url.render_as_string(hide_password=False), role_user(role))


@pytest.fixture()
def planned(db_url):
    admin = make_workspace(db_url)
    _add_focus_area(admin)
    lead = _as(admin, "team_lead")
    plan = lead.plan_routes("Nordby centrum", teams=2, days=1, shift="09:00-10:30", as_of=AS_OF, seconds=1.0)
    return admin, lead, plan


def test_progress__done_and_to_go_per_route_day_week_outcomes_and_revisits(planned):
    _, lead, plan = planned
    routes = [r for r in plan["routes"] if r["stops"]]
    r0 = routes[0]
    day = date.fromisoformat(r0["day"])
    first, second = r0["stops"][0]["entrance_id"], r0["stops"][1]["entrance_id"]
    # late in the evening, Copenhagen time: still the route's day (not the next, as in UTC)
    lead.record_outcome(first, "not_home", visited_at=datetime(day.year, day.month, day.day, 23, 54, tzinfo=COPENHAGEN))
    lead.record_outcome(second, "talked_no_need", visited_at=datetime(day.year, day.month, day.day, 10, tzinfo=COPENHAGEN))
    p = lead.team_progress(as_of=day)
    rows = p["routes"].set_index("route_id")
    assert rows.loc[r0["route_id"], "doors"] == len(r0["stops"])
    assert rows.loc[r0["route_id"], "done"] == 2
    assert rows.loc[r0["route_id"], "to_go"] == len(r0["stops"]) - 2
    total = sum(len(r["stops"]) for r in routes)
    assert int(p["by_day"]["doors"].sum()) == total and int(p["by_day"]["done"].sum()) == 2
    assert list(p["by_week"]["week"]) == [f"{day.isocalendar().year}-U{day.isocalendar().week:02d}"]
    assert p["outcomes"]["not_home"] == {"week": 1, "all": 1}
    assert p["outcomes"]["talked_no_need"]["all"] == 1
    assert p["revisits_due"] == 1  # "not home", and no later route has the door yet
    # no route is assigned yet: every route from the day on is listed
    assert set(p["unassigned"]["route_id"]) == {r["route_id"] for r in routes}
    lead.assign_route(r0["route_id"], [role_user("field_worker"), "u_field_worker2"])
    assert r0["route_id"] not in set(lead.team_progress(as_of=day)["unassigned"]["route_id"])
    # after the route's day, nothing from it is "unassigned" any more
    assert lead.team_progress(as_of=day + timedelta(days=1))["unassigned"].empty


def test_progress__only_for_the_team_lead(planned):
    admin, _, _ = planned
    for role in ("planner", "field_worker", "analyst", "administrator"):
        with pytest.raises(NotAllowed):
            _as(admin, role).team_progress()


def test_address_search__finds_shows_history_audits_and_respects_a_restriction(planned):
    admin, lead, plan = planned
    stop = next(r for r in plan["routes"] if r["stops"])["stops"][0]
    planner = _as(admin, "planner")
    street_and_number = stop["address"].split(",")[0]
    hits = planner.address_search(stop["address"])
    assert [h["entrance_id"] for h in hits] == [stop["entrance_id"]]
    loose = planner.address_search(street_and_number.split(" ")[0][:4])  # the start of the street
    assert stop["entrance_id"] in {h["entrance_id"] for h in loose}
    h = planner.address_history(stop["entrance_id"])
    assert h["address"].startswith(street_and_number) and not h["restricted"]
    assert len(h["signals"]) >= 1  # make_workspace put a report on the first entrances
    assert len(h["plans"]) == 1
    with store_engine.read_tx(admin.engine) as conn:
        subjects = conn.execute(select(t.audit_log.c.action).join(
            t.audit_subjects, t.audit_subjects.c.audit_id == t.audit_log.c.id)
            .where(t.audit_subjects.c.entrance_id == stop["entrance_id"])).scalars().all()
    assert "address.history" in subjects
    admin.restrict_subject(stop["entrance_id"], "objection")
    h2 = planner.address_history(stop["entrance_id"])
    assert h2["restricted"] and h2["signals"].empty and h2["outcomes"].empty
    for role in ("field_worker", "analyst"):
        with pytest.raises(NotAllowed):
            _as(admin, role).address_search(stop["address"])

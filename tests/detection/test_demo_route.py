"""The demo's route (issue 15, "Field worker on the phone"): ``install_demo`` leaves the demo
field worker an assigned route, planned through the repository by the demo team lead; and a
field worker may read the names of the team leads (to know whom to ask), nothing more."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from detection.errors import NotAllowed
from detection.register.demo import DEMO_ROUTE_TEAM, plan_demo_route
from detection.repository import Repository
from detection.routes.revisits import is_working_day
from tests.conftest import DEMO_AS_OF, _backends
from tests.detection.conftest import role_user

MAX_DOORS = 25  # small, so the demo build stays fast


@pytest.fixture(params=_backends())
def demo_url(request) -> str:
    """The session's demo: the SQLite file, or the PostGIS demo opened as the app role."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("demo_db"))
    return request.getfixturevalue("pg_demo").app


def test_install_demo__the_demo_field_worker_has_an_assigned_route(demo_url):
    fw = Repository.open(demo_url, "feltarbejder")
    routes = fw.my_routes()
    assert len(routes) == 1
    r = routes[0]
    # built --as-of 2026-11-01, a Sunday: the next working day
    assert date.fromisoformat(DEMO_AS_OF).weekday() == 6 and r["day"] == "2026-11-02"
    assert r["members"] == list(DEMO_ROUTE_TEAM) == ["feltarbejder", "feltarbejder2"]  # a pair (issue 17)
    assert [x["route_id"] for x in Repository.open(demo_url, "feltarbejder2").my_routes()] == [r["route_id"]]
    assert 1 <= len(r["stops"]) <= MAX_DOORS
    assert [s["seq"] for s in r["stops"]] == list(range(1, len(r["stops"]) + 1))
    assert len(r["path"]) >= 2  # the walked path, for the map
    # the stops are assigned to the pair: the field worker may record outcomes there
    assigned = fw.my_assignments()
    assert {s["entrance_id"] for s in r["stops"]} <= set(assigned["entrance_id"])
    # planned by the demo team lead through the repository, in a parish of Samsø
    lead = Repository.open(demo_url, "teamleder")
    plans = lead.route_plans()
    assert len(plans) == 1 and plans[0]["created_by"] == "teamleder" and plans[0]["teams"] == 1
    assert plans[0]["area"] == "Besser (parishes:7241)" and plans[0]["days"] == ["2026-11-02"]


def test_install_demo__the_same_route_on_sqlite_and_postgis(demo_db, pg_demo):
    """Seeded and stopped by iterations, not by the clock: the same demo on either store."""
    lite = Repository.open(str(demo_db), "feltarbejder").my_routes()
    pg = Repository.open(pg_demo.app, "feltarbejder").my_routes()
    assert [s["address"] for s in pg[0]["stops"]] == [s["address"] for s in lite[0]["stops"]]


@pytest.fixture
def demo_without_route(demo_db, tmp_path) -> str:
    dst = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_db) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    lead = Repository.open(str(dst), "teamleder")
    for p in lead.route_plans():
        lead.delete_route_plan(p["plan_id"])
    return str(dst)


@pytest.mark.parametrize(("as_of", "day"), [
    (date(2026, 11, 3), date(2026, 11, 3)),    # a Tuesday: that day, the field worker's "today"
    (date(2026, 11, 7), date(2026, 11, 9)),    # a Saturday: the Monday after
    (date(2026, 12, 25), date(2026, 12, 28)),  # Juledag, a Friday: a holiday and a weekend after
])
def test_plan_demo_route__today_when_a_working_day_else_the_next(demo_without_route, as_of, day):
    admin = Repository.open(demo_without_route, "admin")
    route = plan_demo_route(admin, as_of=as_of)
    assert route is not None and route["day"] == day.isoformat() and is_working_day(day)
    mine = Repository.open(demo_without_route, "feltarbejder").my_routes()
    assert [r["route_id"] for r in mine] == [route["route_id"]]


def test_install_demo_over_the_demo__one_route_again_not_a_ghost_of_the_old_one(demo_db, tmp_path):
    """The old demo's plan would keep its route (its stops went with the old register) and
    its pair would be busy that day: the new demo has its one plan only."""
    from detection.register.demo import install_demo

    dst = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_db) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    old = Repository.open(str(dst), "teamleder").route_plans()
    install_demo(Repository.open(str(dst), "admin"), as_of=date.fromisoformat(DEMO_AS_OF))
    plans = Repository.open(str(dst), "teamleder").route_plans()
    assert len(plans) == 1 and plans[0]["plan_id"] != old[0]["plan_id"]
    routes = Repository.open(str(dst), "feltarbejder").my_routes()
    assert len(routes) == 1 and routes[0]["stops"]


def test_plan_demo_route__nothing_where_the_parish_is_missing(nordby):
    for name, role in (("teamleder", "team_lead"), ("feltarbejder", "field_worker")):
        nordby.upsert_user(name, role=role, password=None)
    assert plan_demo_route(nordby, as_of=date(2026, 11, 3)) is None
    assert nordby.as_user("teamleder").route_plans() == []


# --- whom to ask: the team leads' names -----------------------------------------------------------


def test_team_leads__a_field_worker_reads_their_names_and_nothing_else(nordby):
    nordby.upsert_user("anden_leder", role="team_lead", password=None)
    nordby.upsert_user("tidligere_leder", role="team_lead", password=None)
    nordby.disable_user("tidligere_leder")
    fw = nordby.as_user(role_user("field_worker"))
    assert fw.team_leads() == ["anden_leder", role_user("team_lead")]  # enabled ones, by name
    for role in ("administrator", "planner", "team_lead", "analyst"):
        with pytest.raises(NotAllowed):
            nordby.as_user(role_user(role)).team_leads()

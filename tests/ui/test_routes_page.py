"""The route-planning page (team lead) and the field worker's routes, on a copy of the demo."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.clock import COPENHAGEN
from detection.repository import Repository
from detection.routes.revisits import next_working_day
from tests.ui.navigation import button, demo_app, files_for, refused, signed_in, title

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def demo_copy(demo_db, tmp_path) -> Path:
    path = tmp_path / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{path}{suffix}")
    return path


@pytest.fixture()
def app(demo_copy, monkeypatch) -> AppTest:
    return demo_app(demo_copy, monkeypatch)


_as, _button = signed_in, button


def _map_script(at: AppTest) -> str:
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    assert maps, "the folium map component is not on the page"
    script = json.loads(maps[0].proto.json_args)["script"]
    return script.encode("ascii", "backslashreplace").decode("unicode_escape")


def test_team_lead_plans_two_pairs_two_days_and_sees_map_timeline_and_downloads(app, demo_copy):
    at = _as(app, "teamleder", "ui/pages/routes.py")
    before = len(Repository.open(str(demo_copy), "teamleder", migrate=False).route_plans())  # the demo's own
    areas = at.selectbox(key="rt_area")
    nordby = next(i for i, a in enumerate(areas.options) if "Nordby" in a)
    areas.select_index(nordby)
    at.number_input(key="rt_teams").set_value(2)
    at.number_input(key="rt_days").set_value(2)
    at.slider(key="rt_seconds").set_value(1)
    at.radio(key="rt_mode").set_value("walk")  # "gå": walking only (the default "automatisk" is tested below)
    _button(at, "Planlæg ruter").click().run()
    assert not at.exception, at.exception
    repo = Repository.open(str(demo_copy), "teamleder", migrate=False)
    plans = repo.route_plans()
    assert len(plans) == before + 1 and plans[0]["teams"] == 2 and len(plans[0]["days"]) == 2
    plan = repo.route_plan(plans[0]["plan_id"])
    assert plan["method"] == "network"
    # the plan in words, never its id: the saved message and the plan selector
    tot = plan["totals"]
    assert [m.value.replace("\\", "") for m in at.success] == [  # markdown-escaped on the page
        f"Planen for Nordby (sogn) er gemt: {tot['routes']} ruter, {tot['stops']} opgange."]
    shown = at.selectbox(key="rt_plan_pick")
    assert shown.value == plan["plan_id"]
    option = shown.options[shown.index]
    assert re.fullmatch(r"Plan af \d\d\.\d\d\.\d{4} kl\. \d\d:\d\d · Nordby \(sogn\) · "
                        r"\d\d\.\d\d\.(\d{4})?–\d\d\.\d\d\.\d{4}", option), option
    first_day, last_day = (".".join(reversed(d.split("-"))) for d in (plans[0]["days"][0], plans[0]["days"][-1]))
    assert option.endswith(last_day) and first_day[:6] in option
    page_text = " ".join([option, *(m.value for m in at.success), *(c.value for c in at.caption),
                          *(str(x.label) for x in at.expander)])
    assert plan["plan_id"] not in page_text and "parishes" not in page_text and "7244" not in page_text
    # balance and turf overlap of the stored plan, in words on the page
    assert set(plan["stats"]) == {"balance_ratio", "turf_overlap"} and plan["stats"]["balance_ratio"] >= 1
    quality = [c.value for c in at.caption if c.value.startswith("Fordeling:")]
    from ui.widgets import number_text

    assert quality and f"{number_text(100 * plan['stats']['turf_overlap'], 'da')} %" in quality[0]
    script = _map_script(at)
    # numbered markers (route·stop), not colour alone
    assert "1·1" in script and "2·1" in script
    # a timeline table per route, and the unplanned list when there is one
    assert len(at.dataframe) >= sum(1 for r in plan["routes"] if r["stops"])
    labels = [b.label for b in at.get("download_button")]
    assert any(lab.startswith("Gåliste (PDF)") for lab in labels)
    assert any(lab.startswith("GPX") for lab in labels)
    assert "GeoPackage til QField (alle ruter)" in labels
    # assign route 1 to the demo field worker alone: refused in Danish (never one alone, issue 17)
    first = next(r for r in plan["routes"] if r["stops"])
    at.multiselect(key=f"rt_who_{first['route_id']}").set_value(["feltarbejder"])
    _button(at, "Tildel").click().run()
    assert not at.exception, at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [  # markdown-escaped on the page
        "En rute gives altid til to medarbejdere, aldrig til én alene. Vælg to."]
    assert repo.route_plan(plan["plan_id"])["routes"][0]["members"] == []
    # … and to the demo's pair
    at.multiselect(key=f"rt_who_{first['route_id']}").set_value(["feltarbejder", "feltarbejder2"])
    _button(at, "Tildel").click().run()
    assert not at.exception, at.exception
    assert repo.route_plan(plan["plan_id"])["routes"][0]["members"] == ["feltarbejder", "feltarbejder2"]

    # the field worker sees that route and records a whole entrance "not home"
    fw = _as(at, "feltarbejder", "ui/pages/my_routes.py")
    text = "\n".join(str(m.value) for m in fw.subheader)
    # the route by its team and its day in Danish, never its internal id
    day = ".".join(reversed(first["day"].split("-")))
    assert f"hold {first['team']}, {day}" in text and first["route_id"] not in text
    stop = first["stops"][0]
    fw.button(key=f"nh_{first['route_id']}_1").click().run()
    assert not fw.exception, fw.exception
    got = repo.outcomes(stop["entrance_id"])
    assert got["outcome"].tolist() == ["not_home"]

    # the next plan, a day after the visit, brings it back as a revisit at another time of day
    visited = got["visited_at"].iloc[0]
    day = datetime.fromisoformat(str(visited)).date() if not hasattr(visited, "date") else visited.date()
    nxt = repo.plan_routes("parishes:7244", teams=2, days=2, as_of=day, from_date=next_working_day(day),
                           seconds=1.0)
    again = next(s for r in nxt["routes"] for s in r["stops"] if s["entrance_id"] == stop["entrance_id"])
    assert again["task"] == "revisit"
    assert datetime.fromisoformat(again["arrive"]).date() > day


def test_routes_page_in_english_and_unreachable_for_analyst(app):
    at = app.run()
    at.selectbox(key="lang_select").set_value("en").run()
    at.selectbox(key="demo_user").set_value("teamleder").run()
    at.switch_page("ui/pages/routes.py").run()
    assert not at.exception, at.exception
    assert title(at) == "Door-to-door routes"
    assert at.number_input(key="rt_teams") and [b for b in at.button if b.label == "Plan routes"]
    # the analyst: the same session, still asking for the routes page, gets the default page
    # (the map) instead, and the routes page is not in the analyst's navigation
    at.selectbox(key="demo_user").set_value("analytiker").run()
    assert not at.exception, at.exception
    assert title(at) == "Map of reports"
    assert not at.number_input and not [b for b in at.button if b.label == "Plan routes"]
    assert refused(at, "ui/pages/routes.py") == files_for("analyst")


def test_team_lead_draws_the_area__map_with_draw_tools_and_nothing_planned_before_a_drawing(app, demo_copy):
    at = _as(app, "teamleder", "ui/pages/routes.py")
    at.radio(key="rt_area_source").set_value("draw").run()
    assert not at.exception
    script = _map_script(at)
    assert "L.Control.Draw" in script and "Kommunegrænse" in script
    assert at.text_input(key="rt_drawn_name").value == "Tegnet område"
    assert any("Tegn først et område" in c.value for c in at.caption)
    before = len(Repository.open(str(demo_copy), "teamleder").route_plans())
    _button(at, "Planlæg ruter").click().run()
    assert not at.exception
    assert any("Tegn først et område" in e.value for e in at.error)
    assert len(Repository.open(str(demo_copy), "teamleder").route_plans()) == before


def test_field_worker_sees_what_is_done_on_the_route_day(app, demo_copy):
    """Each stop with an outcome on the route's day says so with a check mark and the word;
    the route says how many of its entrances are done. An outcome on another day does not
    count for this route."""
    from datetime import datetime as dt
    from datetime import timedelta

    from detection.vocab import OUTCOME_BY_ID

    lead = Repository.open(str(demo_copy), "teamleder")
    area = next(a["key"] for a in lead.planning_areas() if a["name"] == "Tranebjerg")
    plan = lead.plan_routes(area, teams=1, days=1, seconds=1.0)
    route = next(r for r in plan["routes"] if r["stops"])
    lead.assign_route(route["route_id"], ["feltarbejder", "feltarbejder2"])
    fw = Repository.open(str(demo_copy), "feltarbejder")
    day = dt.fromisoformat(route["day"]).replace(hour=10, tzinfo=COPENHAGEN)
    first, second, third = (s["entrance_id"] for s in route["stops"][:3])
    fw.mark_entrance_not_home(first, visited_at=day)
    fw.record_outcome(second, "talked_no_need", visited_at=day.replace(hour=11))
    fw.record_outcome(third, "letter_left", visited_at=day - timedelta(days=1))
    at = _as(app, "feltarbejder", "ui/pages/my_routes.py")
    labels = [e.label for e in at.expander]
    talked = OUTCOME_BY_ID["talked_no_need"].name("da")
    assert labels[0].endswith("— ✓ ikke hjemme") and labels[1].endswith(f"— ✓ {talked}")
    assert "✓" not in labels[2]  # recorded the day before: not this route's
    assert any(f"2 af {len(route['stops'])} opgange" in c.value for c in at.caption)


def test_a_worker_on_two_routes_the_same_day_is_refused_in_danish(app, demo_copy):
    lead = Repository.open(str(demo_copy), "teamleder")
    area = next(a["key"] for a in lead.planning_areas() if a["name"] == "Tranebjerg")
    plan = lead.plan_routes(area, teams=2, days=1, seconds=1.0)
    first, second = [r for r in plan["routes"] if r["stops"]][:2]
    assert first["day"] == second["day"]
    lead.assign_route(first["route_id"], ["feltarbejder", "feltarbejder2"])
    at = _as(app, "teamleder", "ui/pages/routes.py")
    assert at.selectbox(key="rt_plan_pick").value == plan["plan_id"]  # the newest plan
    at.multiselect(key=f"rt_who_{second['route_id']}").set_value(["feltarbejder", "teamleder"])
    _button(at, "Tildel").click().run()
    assert not at.exception, at.exception
    day = ".".join(reversed(first["day"].split("-")))
    errors = [e.value.replace("\\", "") for e in at.error]  # markdown-escaped on the page
    assert errors == [f"feltarbejder er allerede sat på en anden rute den {day}: hold {first['team']} i "
                      "Tranebjerg (sogn). En medarbejder går kun én rute om dagen – vælg en anden, eller "
                      "flyt først feltarbejder fra den rute."], errors
    assert plan["plan_id"] not in errors[0] and "parishes" not in errors[0]
    assert not [m.value for m in at.success if "Rute" in m.value]
    assert [r["members"] for r in lead.route_plan(plan["plan_id"])["routes"]
            if r["route_id"] == second["route_id"]] == [[]]


def test_plan_across_christmas__the_day_list_names_the_days_off__danish_and_english(app, demo_copy):
    """Issue 17: the team lead sets the municipality's closed days on the route page; a plan
    across Christmas lists why each missing date is missing."""
    from datetime import date

    at = _as(app, "teamleder", "ui/pages/routes.py")
    at.text_input(key="rt_closed_days_text").set_value("24.12, 32.12")
    _button(at, "Gem").click().run()
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("»32.12« er ikke en dato. Skriv DD.MM" in e for e in errors), errors
    lead = Repository.open(str(demo_copy), "teamleder", migrate=False)
    assert lead.closed_days().texts() == []
    at.text_input(key="rt_closed_days_text").set_value("31.12, 24.12")
    _button(at, "Gem").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "Lukkedagene er gemt: 24.12, 31.12." for s in at.success)
    assert lead.closed_days().texts() == ["24.12", "31.12"]

    area = next(a["key"] for a in lead.planning_areas() if a["name"] == "Besser")
    plan = lead.plan_routes(area, teams=1, days=7, from_date=date(2026, 12, 21), as_of=date(2026, 12, 1),
                            seconds=1.0)
    at.run()
    at.selectbox(key="rt_plan_pick").set_value(plan["plan_id"]).run()
    assert not at.exception, at.exception
    text = "\n".join(str(m.value).replace("\\", "") for m in at.markdown)
    assert "Planlagte dage: man. 21.12.2026, tir. 22.12.2026, ons. 23.12.2026, man. 28.12.2026, " \
           "tir. 29.12.2026, ons. 30.12.2026, man. 04.01.2027" in text
    for line in ("tor. 24.12.2026: lukket (kommunens lukkedag)", "fre. 25.12.2026: Juledag (helligdag)",
                 "lør. 26.12.2026: Anden juledag (helligdag)", "tor. 31.12.2026: lukket (kommunens lukkedag)",
                 "fre. 01.01.2027: Nytårsdag (helligdag)",
                 "Weekend (planlægges ikke): søn. 27.12.2026, lør. 02.01.2027, søn. 03.01.2027"):
        assert line in text, line

    at.selectbox(key="lang_select").set_value("en").run()
    assert not at.exception, at.exception
    text = "\n".join(str(m.value).replace("\\", "") for m in at.markdown)
    for line in ("Thu 2026-12-24: closed (the municipality's closed day)",
                 "Fri 2026-12-25: Christmas Day (public holiday)", "Fri 2027-01-01: New Year's Day (public holiday)"):
        assert line in text, line


def test_team_lead_plans_a_week_for_three_pairs_with_automatic_and_reads_the_plan_in_words(app, demo_copy):
    """Issue 17's "done when", on the page: "automatisk" on a parish of villages and farms
    drives between them (car kilometres and parking points on the page), and a route shorter
    than the setting is merged or explained in words."""
    Repository.open(str(demo_copy), "admin", migrate=False).set_setting("min_route_minutes", 150)
    at = _as(app, "teamleder", "ui/pages/routes.py")
    assert at.radio(key="rt_mode").value == "auto"  # "automatisk" is the default
    areas = at.selectbox(key="rt_area")
    kolby = next(i for i, a in enumerate(areas.options) if "Kolby" in a)
    areas.select_index(kolby)
    at.number_input(key="rt_teams").set_value(3)
    at.number_input(key="rt_days").set_value(5)
    at.slider(key="rt_seconds").set_value(2)
    _button(at, "Planlæg ruter").click().run()
    assert not at.exception, at.exception
    repo = Repository.open(str(demo_copy), "teamleder", migrate=False)
    plan = repo.route_plan(repo.route_plans()[0]["plan_id"])
    assert plan["mode"] == "drive_walk" and plan["params"]["mode"] == "auto"
    assert len(plan["params"]["days"]) == 5 and plan["totals"]["drive_m"] > 0
    # the page says it drives, with the car's kilometres, in Danish numbers
    from ui.widgets import number_text

    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Kørsel (km)"] == number_text(plan["totals"]["drive_m"] / 1000, "da", decimals=1)
    assert any(c.value.startswith("Planen bruger bil + gå") and "1.000 m" in c.value for c in at.caption)
    # parking points on the map, with the car's legs
    script = _map_script(at)
    assert "P2" in script and "parkering" in script
    # the plan in words: every note of the stored plan is on the page, in Danish
    from detection.routes.explain import note_text

    shown = [m.value for m in [*at.info, *at.warning]]
    assert plan["notes"], "a week for three pairs on one parish leaves pairs or days unneeded"
    for n in plan["notes"]:
        assert note_text(n, "da", days=plan["params"]["days"], min_minutes=150) in shown

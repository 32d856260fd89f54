"""The route page's turfs (issue 17): the checkbox plans one turf per pair, the map draws the
turfs with the pair's number, and a table gives work and compactness in Danish numbers."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from detection.repository import Repository
from tests.ui.navigation import demo_app


@pytest.fixture()
def app(demo_copy, monkeypatch) -> AppTest:
    return demo_app(demo_copy, monkeypatch, timeout=120)


def test_team_lead_plans_with_turfs__map_outlines_and_danish_table(app, demo_copy):
    at = app
    at.run()
    at.selectbox(key="demo_user").set_value("teamleder").run()
    at.switch_page("ui/pages/routes.py").run()
    assert not at.exception, at.exception
    areas = at.selectbox(key="rt_area")
    areas.select_index(next(i for i, a in enumerate(areas.options) if "Nordby" in a))
    at.number_input(key="rt_teams").set_value(2)
    at.number_input(key="rt_days").set_value(1)
    at.slider(key="rt_seconds").set_value(1)
    at.checkbox(key="rt_turfs").check()
    next(b for b in at.button if b.label == "Planlæg ruter").click().run()
    assert not at.exception, at.exception
    repo = Repository.open(str(demo_copy), "teamleder", migrate=False)
    plan = repo.route_plan(repo.route_plans()[0]["plan_id"])
    assert [x["team"] for x in plan["turfs"]] == [1, 2]
    assert 0 < plan["stats"]["turf_compactness"] <= 1
    # the map: one labelled layer per turf
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    script = json.loads(maps[-1].proto.json_args)["script"]
    script = script.encode("ascii", "backslashreplace").decode("unicode_escape")
    assert "Distrikt for hold 1" in script and "Distrikt for hold 2" in script
    # the table: Danish headers and numbers
    frames = [d.value for d in at.dataframe if "Kompakthed" in d.value.columns]
    assert frames, "no turf table on the page"
    table = frames[0]
    assert list(table.columns) == ["Hold", "Opgange", "Arbejde (timer)", "Kompakthed"]
    assert all(re.fullmatch(r"0,\d{1,2}|1", v) for v in table["Kompakthed"])
    assert all("." not in v for v in table["Arbejde (timer)"])

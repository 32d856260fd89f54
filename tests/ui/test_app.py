"""One AppTest smoke test per page, on the real demo workspace."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.register.demo import DEMO_USERS
from detection.repository import Repository
from tests.conftest import _backends
from tests.ui.navigation import files_for, refused, title

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
ROLE_OF = {name: role for name, role, _ in DEMO_USERS}


@pytest.fixture(params=_backends())
def app(request, monkeypatch) -> AppTest:
    """The app on the demo: the SQLite file, or the PostGIS demo opened as the app role
    (not the tables' owner), as ``OPSPOR_TEST_BACKEND`` says."""
    if request.param == "sqlite":
        db = str(request.getfixturevalue("demo_db"))
    else:
        db = request.getfixturevalue("pg_demo").app
    monkeypatch.setenv("OPSPOR_DB", db)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=60)


def _map_script(at: AppTest) -> str:
    """The folium map's script as the component receives it (st_folium is opaque to AppTest)."""
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    assert maps, "the folium map component is not on the page"
    script = json.loads(maps[0].proto.json_args)["script"]
    # folium writes names as JSON (\\uXXXX escapes); read them back as text.
    return script.encode("ascii", "backslashreplace").decode("unicode_escape")


def _shows(script: str, name: str) -> bool:
    return name in script


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.title]
    parts += [m.value for m in at.caption]
    return "\n".join(str(p) for p in parts)


def test_map_page__demo_opens_signed_in_as_planner_with_banner_and_layers(app):
    at = app.run()
    assert not at.exception
    assert "opdigtede" in _texts(at)
    assert at.selectbox(key="demo_user").value == "planner"
    script = _map_script(at)
    for name in ("udlejerhenvendelse", "naboklage", "udsættelsestruet", "henvendelse fra boligselskab"):
        assert _shows(script, name), name
    legend = at.dataframe[0].value
    assert sum(int(n.replace(".", "")) for n in legend["Antal"]) > 0  # Danish numbers, as text


def test_map_page__english_switch(app):
    at = app.run()
    at.selectbox(key="lang_select").set_value("en").run()
    assert not at.exception
    assert "invented" in _texts(at)
    assert _shows(_map_script(at), "landlord report")


def test_map_page__analyst_sees_no_single_reports(app):
    at = app.run()
    at.selectbox(key="demo_user").set_value("analytiker").run()
    assert not at.exception
    script = _map_script(at)
    assert "(0)" in script  # every kind layer is empty for the analyst
    assert any("ser ikke enkelte henvendelser" in i.value for i in at.info)


def test_overview_page__counts(app):
    at = app.run()
    at.switch_page("ui/pages/overview.py").run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert int(values["Adgangsadresser"].replace(".", "")) > 4500
    assert int(values["Henvendelser"].replace(".", "")) > 0


def test_sources_page__licences_and_register_problems(app):
    at = app.run()
    at.switch_page("ui/pages/sources.py").run()
    assert not at.exception
    licences = at.dataframe[0].value
    assert licences["Licens"].str.contains("ODbL").any()
    assert licences["Licens"].str.contains("CC BY 4.0").any()


def _as(app: AppTest, user: str) -> AppTest:
    at = app.run()
    at.selectbox(key="demo_user").set_value(user).run()
    assert not at.exception
    return at


def test_users_page__administrator_adds_a_user(app):
    at = _as(app, "admin")
    at.switch_page("ui/pages/users.py").run()
    assert not at.exception
    at.text_input[0].set_value("nyplanner")
    at.text_input[1].set_value("hemmelig-123")
    at.button[0].click().run()
    assert not at.exception
    assert any("oprettet" in s.value for s in at.success)
    assert "nyplanner" in set(at.dataframe[0].value["Bruger"])


def test_audit_page__administrator_sees_who_looked_at_signals(app):
    at = _as(app, "admin")
    at.switch_page("ui/pages/audit.py").run()
    assert not at.exception
    log = at.dataframe[0].value  # in Danish: what was done and why, not codes
    views = log[log["Handling"].isin(["så henvendelser", "så kortet over henvendelser igen"])]
    assert (views["Bruger"] == "planner").any()
    assert set(views["Formål"]) >= {"se kortet over henvendelser"}


def test_audit_page__administrator_downloads_a_citizens_access_report(app):
    entrance = Repository.open(os.environ["OPSPOR_DB"], "planner").signals(purpose="test")["entrance_id"].iloc[0]
    at = _as(app, "admin")
    at.switch_page("ui/pages/audit.py").run()
    box = next(i for i in at.text_input if i.label == "Adgangsadressens id (DAR)")
    box.set_value(entrance)
    next(b for b in at.button if "Hent log" in b.label).click().run()
    assert not at.exception, at.exception
    button = next(b for b in at.get("download_button") if "borgerens indsigt" in b.label)
    assert button.label.startswith("Hent borgerens indsigt")


def test_retention_page__preview_counts(app):
    at = _as(app, "admin")
    at.switch_page("ui/pages/retention.py").run()
    assert not at.exception
    # eight retention periods (courses: issue 16), the partner lapse in months, the idle
    # timeout, the lockout and the minutes after a shift before a pair not checked out is
    # overdue, the walking limit of "bil + gå" and the shortest route (issue 17), and the six
    # thresholds of method fidelity (issue 16)
    assert len(at.number_input) == 20
    assert any(n.label.startswith("Et par mangler at tjekke ud") and n.max == 720 for n in at.number_input)
    audit = next(n for n in at.number_input if "Revisionslog" in n.label)
    assert audit.min == 183  # the audit log's floor: the form can't offer less
    at.button(key="purge_preview").click().run()  # a dry run
    assert not at.exception
    assert "Henvendelser" in set(at.dataframe[0].value["Tabel"])


def test_my_routes_page__field_worker(app):
    """The demo gives its field worker a route (detection.register.demo.plan_demo_route):
    the page shows its map and its stops, not "no routes"."""
    at = _as(app, "feltarbejder")
    at.switch_page("ui/pages/my_routes.py").run()
    assert not at.exception
    texts = _texts(at)
    assert "ingen tildelte adresser" not in texts and "ingen ruter" not in texts
    script = _map_script(at)
    assert "L.polyline(" in script and "opspor-stop" in script
    heads = [h.value for h in at.subheader]
    assert heads[0].startswith(("Dagens rute", "Din næste rute", "Din seneste rute"))
    assert any(h.startswith("Rute 1: hold 1, ") for h in heads) and len(at.expander) >= 1


@pytest.mark.parametrize(("user", "page"), [("feltarbejder", "ui/pages/users.py"),
                                            ("analytiker", "ui/pages/audit.py"),
                                            ("planner", "ui/pages/retention.py")])
def test_navigation__pages_outside_the_role_are_not_reachable(app, user, page):
    """The administrator opens the page; switched to ``user``, the same session gets the
    role's default page (the map) instead, and AppTest refuses to switch to the page
    because the role's navigation holds exactly the role's pages and not this one."""
    at = _as(app, "admin")
    home = title(at)  # the map: every role's default page
    at.switch_page(page).run()
    assert not at.exception, at.exception
    page_title = title(at)
    assert page_title != home  # control: the page exists and renders for a role that has it

    at.selectbox(key="demo_user").set_value(user).run()  # the session still asks for the page
    assert not at.exception, at.exception
    assert title(at) == home, f"{user} was not sent to the default page"
    assert page_title not in _texts(at)
    assert refused(at, page) == files_for(ROLE_OF[user])

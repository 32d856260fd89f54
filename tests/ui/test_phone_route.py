"""The field worker on the phone (issue 15): *Mine adresser* shows a map of the route of the
day — numbered stops, the walked path, the next stop marked with the word *Næste* — drawn
from the app's own scripts, on a 390 px screen; a field worker without a route is told which
team lead to ask.

The newcomer's demo is built here as ``make run`` builds it (``opspor demo``, today's date),
so the demo field worker has today's route (or, on a weekend or holiday, the next one).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection import clock
from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
ARTIFACTS = ROOT / "tests" / ".artifacts"


@pytest.fixture(scope="module")
def newcomer_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo as a newcomer gets it: ``opspor demo`` with no ``--as-of`` (today)."""
    from detection.cli.main import main

    path = tmp_path_factory.mktemp("newcomer") / "demo.sqlite"
    assert main(["--db", str(path), "demo"]) == 0
    return path


def _copy(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)  # the WAL's rows too
    return dst


def _field_worker_page(db: Path, monkeypatch, lang: str = "da") -> AppTest:
    monkeypatch.setenv("OPSPOR_DB", str(db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=90).run()
    if lang != "da":
        at.selectbox(key="lang_select").set_value(lang).run()
    at.selectbox(key="demo_user").set_value("feltarbejder").run()
    at.switch_page("ui/pages/my_routes.py").run()
    assert not at.exception, at.exception
    return at


def _map_script(at: AppTest) -> str | None:
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement" and "script" in (e.proto.json_args or "")]
    if not maps:
        return None
    script = json.loads(maps[0].proto.json_args)["script"]
    return script.encode("ascii", "backslashreplace").decode("unicode_escape")


def _stop_labels(script: str) -> list[str]:
    """The texts of the route's numbered stop markers, in the order drawn (the Danish text
    of a marker written in both languages: ``geo.maplang``'s span)."""
    return re.findall(r'border-radius:(?:9|3)px;padding:[^"]*">(?:<span[^>]*>)?([^<]+)(?:</span>)?</div>', script)


# --- the map (AppTest) ---------------------------------------------------------------------------


def test_phone_map__the_demo_field_worker_sees_todays_route_numbered_with_the_next_stop(newcomer_db, monkeypatch):
    route = Repository.open(str(newcomer_db), "feltarbejder").my_routes()[0]
    at = _field_worker_page(newcomer_db, monkeypatch)
    heads = [h.value for h in at.subheader]
    today = clock.today()
    expected = "Dagens rute" if route["day"] == today.isoformat() else "Din næste rute"
    assert heads[0].startswith(expected), heads
    script = _map_script(at)
    assert script, "no route map on the page"
    # every stop numbered in walking order, the first one the next (nothing done yet), the path drawn
    assert _stop_labels(script) and sorted(_stop_labels(script)) == sorted(
        ["1 Næste"] + [str(s["seq"]) for s in route["stops"][1:]])
    assert "Næste: 1. kl." in script  # the tooltip says it in words
    assert script.count("L.polyline(") >= 1 and "fitBounds" in script
    assert "tileLayer" not in script and "unpkg" not in script and "jsdelivr" not in script
    labels = [e.label for e in at.expander]
    assert labels[0].endswith("— Næste") and not any(lab.endswith("— Næste") for lab in labels[1:])


def test_phone_map__a_save_moves_the_next_stop(newcomer_db, tmp_path, monkeypatch):
    """After "nobody home" at stop 1 the map shows 1 ✓ and 2 as the next stop (the cached map
    is keyed on what is done)."""
    db = _copy(newcomer_db, tmp_path / "demo.sqlite")
    with sqlite3.connect(db) as conn:  # a weekend or holiday: the route is today all the same
        conn.execute("UPDATE routes SET day = ?", (clock.today().isoformat(),))
    route = Repository.open(str(db), "feltarbejder").my_routes()[0]
    at = _field_worker_page(db, monkeypatch)
    assert "1 Næste" in _stop_labels(_map_script(at))
    at.button(key=f"nh_{route['route_id']}_1").click().run()
    assert not at.exception, at.exception
    labels = _stop_labels(_map_script(at))
    assert "1 ✓" in labels and "2 Næste" in labels and "1 Næste" not in labels
    assert "ikke hjemme" in _map_script(at)  # the outcome in the tooltip, in words


def test_phone_map__english_and_a_past_route_has_no_next_stop(demo_db, tmp_path, monkeypatch):
    """The shared demo was built for 1 November 2026: its route is past, shown as the latest
    route, with no stop marked next (an outcome recorded now would not count for its day)."""
    db = _copy(demo_db, tmp_path / "demo.sqlite")
    at = _field_worker_page(db, monkeypatch, lang="en")
    assert [h.value for h in at.subheader][0] == "Your latest route, 2026-11-02"
    script = _map_script(at)
    assert script and "Next" not in "".join(_stop_labels(script))
    assert len(_stop_labels(script)) == len(Repository.open(str(db), "feltarbejder").my_routes()[0]["stops"])


def test_phone_map__an_address_is_text_in_the_tooltip_never_markup(demo_db, tmp_path, monkeypatch):
    db = _copy(demo_db, tmp_path / "demo.sqlite")
    first = Repository.open(str(db), "feltarbejder").my_routes()[0]["stops"][0]["entrance_id"]
    payload = '<img src=x onerror="alert(1)">{{7*7}}'
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE entrances SET street = ? WHERE entrance_id = ?", (payload, first))
    at = _field_worker_page(db, monkeypatch)
    # the script as the browser gets it (not decoded: the base map writes "<" as \u003c)
    script = next(json.loads(e.proto.json_args)["script"] for e in at.main if type(e).__name__ == "UnknownElement")
    assert "<img src=x" not in script and "{{7*7}}" not in script
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#123;&#123;7*7&#125;&#125;" in script


def test_no_route__the_field_worker_is_told_which_team_lead_to_ask(demo_db, tmp_path, monkeypatch):
    db = _copy(demo_db, tmp_path / "demo.sqlite")
    lead = Repository.open(str(db), "teamleder")
    for p in lead.route_plans():
        lead.delete_route_plan(p["plan_id"])
    assert Repository.open(str(db), "feltarbejder").my_routes() == []
    at = _field_worker_page(db, monkeypatch)
    infos = [i.value for i in at.info]
    assert "Du har ingen ruter endnu. Spørg din teamleder (teamleder) om at få tildelt en rute." in infos
    assert _map_script(at) is None


def test_no_route_and_no_team_lead__the_hint_names_nobody(demo_db, tmp_path, monkeypatch):
    db = _copy(demo_db, tmp_path / "demo.sqlite")
    lead = Repository.open(str(db), "teamleder")
    for p in lead.route_plans():
        lead.delete_route_plan(p["plan_id"])
    Repository.open(str(db), "admin").disable_user("teamleder")
    at = _field_worker_page(db, monkeypatch)
    assert "Du har ingen ruter endnu. Spørg din teamleder om at få tildelt en rute." in [i.value for i in at.info]


# --- the phone (Chromium) ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def newcomer_url(newcomer_db: Path):
    from tests.ui.conftest import _serve

    with _serve(newcomer_db, "streamlit-newcomer.log") as url:
        yield url


@pytest.mark.browser
def test_phone__the_demo_field_worker_sees_the_route_map_offline_and_accessible(browser, newcomer_url, newcomer_db):
    from tests.ui.conftest import _new_page
    from tests.ui.test_browser import _close_sidebar, _page_ok
    from tests.ui.test_browser_week import _as_role, _go, _map_frame

    route = Repository.open(str(newcomer_db), "feltarbejder").my_routes()[0]
    with _new_page(browser, {"width": 390, "height": 844}) as page:
        _as_role(page, newcomer_url, "feltarbejder")
        _go(page, "Mine adresser")
        _close_sidebar(page)
        frame = _map_frame(page)
        # the walked path and one numbered marker per stop, the next one larger and with the word
        frame.wait_for_selector(".leaflet-marker-icon >> text=Næste", timeout=20_000)
        assert frame.locator("path.leaflet-interactive").count() >= 1
        markers = {m.inner_text().strip(): m for m in frame.locator(".leaflet-marker-icon").all()
                   if re.fullmatch(r"\d+( Næste| ✓)?", m.inner_text().strip())}
        assert sorted(markers) == sorted(["1 Næste"] + [str(s["seq"]) for s in route["stops"][1:]]), list(markers)
        nxt, other = markers["1 Næste"].bounding_box(), markers["2"].bounding_box()
        assert nxt["height"] > other["height"] and nxt["width"] > other["width"]
        # fitted to the route: every stop inside the map
        box = frame.locator(".leaflet-container").first.bounding_box()
        for text, m in markers.items():
            b = m.bounding_box()
            assert box["x"] - 1 <= b["x"] + b["width"] / 2 <= box["x"] + box["width"] + 1, text
            assert box["y"] - 1 <= b["y"] + b["height"] / 2 <= box["y"] + box["height"] + 1, text
        # the next stop's tooltip says so in words
        markers["1 Næste"].hover()
        frame.wait_for_selector(".leaflet-tooltip >> text=/Næste: 1\\. kl\\./", timeout=10_000)
        # on a phone: the map fits the screen, nothing scrolls sideways
        iframe = page.locator("iframe[title*='folium']").first.bounding_box()
        assert iframe["width"] <= 390 and 250 <= iframe["height"] <= 400
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        # the stop list and its buttons are still there below the map
        assert route["stops"][0]["address"] in page.locator("[data-testid='stExpander']").first.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone-route-map.png"))
        _page_ok(page, "mine-adresser med kort (phone)")  # axe-core: no serious/critical violation
        # no request to any host but the app: not even a map tile
        assert page.blocked == [], page.blocked

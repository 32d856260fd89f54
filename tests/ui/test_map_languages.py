"""One map for both languages (issue 18): a language switch must neither rebuild nor resend a
page's map. The component's arguments after the switch are the ones before it, byte for
byte (Streamlit then sends nothing new, and the browser keeps the map it drew); the map
holds the texts of both languages (the browser switches them: ``geo.maplang``, checked in
Chromium in tests/ui/test_browser.py); the page around it is in the new language."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

# page, role, a text of the map in Danish and in English (as the script holds them: JSON)
PAGES = [
    ("ui/pages/map.py", "planner", "boundary", None),
    ("ui/pages/focus_areas.py", "planner", "focus_layer_candidates", None),
    ("ui/pages/coverage.py", "planner", "cov_layer_areas", None),
    ("ui/pages/coverage.py", "analytiker", "cov_layer_areas", None),
    ("ui/pages/priorities.py", "planner", "pcol_rate", None),
    ("ui/pages/partners.py", "planner", "par_cov_kind_radius", None),
    ("ui/pages/routes.py", "teamleder", "rt_start_marker", None),
    ("ui/pages/my_routes.py", "feltarbejder", "mr_map_path", None),
    ("ui/pages/priorities.py", "planner", "pcol_hotspot", ("prio_layer", "grid250")),
    ("ui/pages/priorities.py", "analytiker", "pcol_hotspot", ("prio_layer", "grid1km")),
]


@pytest.fixture()
def app(demo_db, tmp_path, monkeypatch) -> AppTest:
    db = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    monkeypatch.setenv("OPSPOR_DB", str(db))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=120)


def _maps(at: AppTest) -> list[str]:
    """The map components' arguments (other custom elements, e.g. charts, have none)."""
    out = []
    for e in at.main:
        if type(e).__name__ == "UnknownElement":
            try:
                args = e.proto.json_args
            except AttributeError:
                continue
            if '"script"' in args:
                out.append(args)
    return out


def _titles(at: AppTest) -> list[str]:
    return [str(x.value) for x in at.title]


@pytest.mark.parametrize(("page", "user", "key", "choice"), PAGES)
def test_a_language_switch_leaves_the_map_as_it_was(app, page, user, key, choice):
    at = app.run()
    if user != "planner":
        at.selectbox(key="demo_user").set_value(user).run()
    at.switch_page(page).run()
    if choice:
        at.selectbox(key=choice[0]).set_value(choice[1]).run()
    assert not at.exception, at.exception
    before, title_da = _maps(at), _titles(at)
    assert len(before) == 1
    script = json.loads(before[0])["script"]
    for lang in ("da", "en"):  # both languages' texts in the one map
        text = t(key, lang).lower()  # (a tooltip may write it in lower case)
        assert json.dumps(text, ensure_ascii=True)[1:-1] in script.lower() or text in script.lower(), (lang, key)
    assert "window.opsporOnLang = function" in script
    at.selectbox(key="lang_select").set_value("en").run()
    assert not at.exception, at.exception
    assert _titles(at) != title_da  # the page is in English
    assert _maps(at) == before  # and its map is the same, byte for byte
    at.selectbox(key="lang_select").set_value("da").run()
    assert _titles(at) == title_da and _maps(at) == before

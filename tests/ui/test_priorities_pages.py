"""AppTest of the priorities and focus-area pages on the Samsø demo."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture()
def app(demo_db, tmp_path, monkeypatch) -> AppTest:
    db = tmp_path / "demo.sqlite"  # a private copy: these tests write focus areas and models
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)  # WAL included
    monkeypatch.setenv("OPSPOR_DB", str(db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=90)
    at.db = db
    return at


def _table(at: AppTest, first_column: str):
    """The table whose first column is ``first_column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def test_priorities__planner_sees_ranking_and_a_weight_changes_it(app):
    at = app.run()
    at.switch_page("ui/pages/priorities.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="prio_layer").set_value("grid250").run()
    assert not at.exception, at.exception
    before = _table(at, "Nr.")
    assert len(before) == 25 and list(before["Nr."]) == list(range(1, 26))
    assert before["Hvorfor"].str.contains("henvendelse").all()
    assert any("maps" in str(type(e)).lower() or type(e).__name__ == "UnknownElement" for e in at.main)
    at.slider(key="prio_w_neighbour_complaint").set_value(3.0).run()
    at.slider(key="prio_w_landlord_report").set_value(0.0).run()
    assert not at.exception, at.exception
    after = _table(at, "Nr.")
    assert list(after["Område"]) != list(before["Område"])


def test_priorities__save_model(app):
    at = app.run()
    at.switch_page("ui/pages/priorities.py").run()
    at.slider(key="prio_half_life").set_value(91).run()
    at.button(key="prio_save_model").click().run()
    assert not at.exception, at.exception
    assert Repository.open(str(app.db), "planner").model().half_life_days == 91


def test_focus_areas__planner_saves_two(app):
    at = app.run()
    at.switch_page("ui/pages/focus_areas.py").run()
    assert not at.exception, at.exception
    cands = _table(at, "Klynge")
    assert len(cands) >= 2
    at.selectbox(key="focus_pick_cluster").set_value(1)
    at.text_input(key="focus_name").input("Tranebjerg nord").run()
    at.button(key="focus_save").click().run()
    assert not at.exception, at.exception
    at.radio(key="focus_source").set_value("area").run()
    at.selectbox(key="focus_pick_layer").set_value("parishes").run()
    at.text_input(key="focus_name").input("Hele sognet").run()
    at.button(key="focus_save").click().run()
    assert not at.exception, at.exception
    saved = _table(at, "Navn")
    assert sorted(saved["Navn"]) == ["Hele sognet", "Tranebjerg nord"]
    names = set(Repository.open(str(app.db), "teamleder").focus_areas()["name"])
    assert names == {"Hele sognet", "Tranebjerg nord"}


def test_priorities__analyst_sees_protected_aggregates_under_the_saved_model_only(app):
    at = app.run()
    at.selectbox(key="demo_user").set_value("analytiker").run()
    at.switch_page("ui/pages/priorities.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="prio_layer").set_value("grid100").run()
    # told what they see, with the publication date in Danish form
    note = next(i.value for i in at.info if "afrundet til et multiplum af 5" in i.value)
    assert re.search(r"pr\. \d{2}\.\d{2}\.\d{4}", note), note
    table = _table(at, "Nr.")
    # counts in Danish form ("1.816"): read them back as numbers
    assert all(int(str(v).replace(".", "")) >= 20 for v in table["Boliger"])
    assert all(v == "<5" or int(v) % 5 == 0 for v in table["Henvendelser"])
    # no sliders, no save: custom weights are the planner's
    assert not at.slider and not [b for b in at.button if b.key == "prio_save_model"]
    assert any("gemt" in c.value for c in at.caption)

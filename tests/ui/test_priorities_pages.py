"""AppTest of the priorities and focus-area pages on the Samsø demo."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from detection.repository import Repository
from geo.maps import grid_cells
from ui.widgets import number_text

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


def _grid_data(at: AppTest) -> dict:
    import json

    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    script = json.loads(maps[0].proto.json_args)["script"]
    start = script.index("var d = ") + len("var d = ")
    data, _ = json.JSONDecoder().raw_decode(script[start:])
    return data


def test_priorities__a_grid_is_a_compact_list_whose_tooltips_read_as_before(app):
    """Issue 18: grid squares go as a compact flat list (corner deltas, size, class, rank, and
    indexes into tables of the numbers and the places) drawn on a canvas, not one GeoJSON
    feature with its tooltip per cell."""
    at = app.run()
    at.switch_page("ui/pages/priorities.py").run()
    at.selectbox(key="prio_layer").set_value("grid250").run()
    assert not at.exception, at.exception
    data = _grid_data(at)
    from detection import clock

    ranking = Repository.open(str(app.db), "planner").priorities("grid250", as_of=clock.today())  # as the page
    cells = grid_cells(data)
    assert len(cells) == len(ranking) > 100
    assert sorted(c["rank"] for c in cells) == list(range(1, len(ranking) + 1))
    # the corners decode to the cells' squares (within a metre or so), every cell 250 m wide
    la, lo = np.array([c["lat"] for c in cells]), np.array([c["lon"] for c in cells])
    assert 55.7e5 < la.min() and la.max() < 56.1e5 and 10.4e5 < lo.min() and lo.max() < 10.9e5
    assert all(212 <= c["dlat"] <= 232 and 385 <= c["dlon"] <= 420 for c in cells), {(c["dlat"], c["dlon"]) for c in cells}  # 250 m in 1e-5 degrees
    # each cell's numbers are the ranking's (cells share them through one table)
    by_rank = ranking.set_index("rank")
    for c in cells[:: max(1, len(cells) // 25)]:
        row = by_rank.loc[c["rank"]]
        assert c["texts"] == [number_text(row[k], "da", decimals=1) for k in ("rate", "rate_low", "rate_high")], c
    assert len(data["sizes"]) < 10
    # the tooltip of rank 1, put together from the template as the browser does
    top = next(c for c in cells if c["rank"] == 1)
    values = {"p": top["place"], "r": str(top["rank"]), "v": top["texts"][0], "l": top["texts"][1],
              "u": top["texts"][2], "c": str(top["cls"] + 1), "h": data["hot"] if top["hot"] else ""}
    tip = re.sub(r"[{]([prvluch])[}]", lambda m: values[m.group(1)], data["tip"])
    assert re.fullmatch(r"250 m-felt nær .+ · Nr\. 1 · [\d.,]+ \([\d.,]+–[\d.,]+\) rate pr\. 1\.000 boliger · "
                        r"klasse [1-5] af 5( · Hot spot)?", tip), tip
    assert "grid250" not in json.dumps(data) and "250m_" not in json.dumps(data)
    per_cell = len(json.dumps({k: data[k] for k in ("cells", "sizes", "words", "places")}, separators=(",", ":"))) / len(cells)
    assert per_cell < 20, per_cell  # ≈ 15 as varints in base64 (the JSON list of numbers before: < 45)

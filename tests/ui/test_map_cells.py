"""*Kort* with many reports (issue 18): counts per cell instead of one marker per report, a
planner's way to an area's addresses, analysts without points, and reruns that reuse the
reports read.

The demo holds 320 reports; ``OPSPOR_MAP_MAX_POINTS`` lowers the page's threshold so the demo
counts as "many" here. The pure map builder is also checked at 50,000 reports.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from detection.repository import Repository
from geo.maps import CELL_SIZES, KindStyle, build_map, signal_cells

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture()
def demo_copy(demo_db, tmp_path) -> str:
    """A private copy (the map page writes the audit log; cached pages key on the database)."""
    path = tmp_path / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{path}{suffix}")
    return str(path)


@pytest.fixture()
def app(demo_copy, monkeypatch) -> AppTest:
    monkeypatch.setenv("OPSPOR_DB", demo_copy)
    monkeypatch.setenv("OPSPOR_MAP_MAX_POINTS", "100")
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=120)


def _map_script(at: AppTest) -> str:
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    assert maps, "the folium map component is not on the page"
    return json.loads(maps[0].proto.json_args)["script"]


def _cell_levels(script: str) -> list[dict]:
    start = script.index("var cells = ") + len("var cells = ")
    cells, _ = json.JSONDecoder().raw_decode(script[start:])
    return cells["levels"]


def _markers(script: str) -> int:
    """Report markers in the map's FastMarkerCluster data arrays (one ``[lat, lon, …]`` each;
    the base map's own ``data`` is an object, not counted)."""
    found = (json.JSONDecoder().raw_decode(script[i + len("var data = "):])[0]
             for i in _find_all(script, "var data = "))
    return sum(len(d) for d in found if isinstance(d, list))


def _find_all(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def _audit_count(db: str, action: str) -> int:
    r = Repository.open(db, "admin", migrate=False)
    return int(pd.read_sql(f"SELECT count(*) AS n FROM audit_log WHERE action = '{action}'", r.engine)["n"][0])


def test_many_reports_are_drawn_as_counts_per_cell_not_markers(app, demo_copy):
    at = app.run()
    assert not at.exception
    script = _map_script(at)
    assert _markers(script) == 0
    levels = _cell_levels(script)
    assert [lv["size"] for lv in levels] == sorted(CELL_SIZES, reverse=True)
    planner = Repository.open(demo_copy, "planner", migrate=False)
    n = len(planner.signals(purpose="test"))
    for lv in levels:  # every report counted once at every cell size (the browser writes "1.816")
        assert sum(c[4] for c in lv["cells"]) == n
        assert all(sum(c[5]) == c[4] for c in lv["cells"])
    assert any("for mange til at vise én for én" in i.value for i in at.info)
    assert at.selectbox(key="map_area").value == ""
    assert len(script.encode()) < 1_500_000


def test_choosing_an_area_draws_its_reports_one_by_one(app, demo_copy):
    at = app.run()
    planner = Repository.open(demo_copy, "planner", migrate=False)
    sig = planner.signals(purpose="test")
    parishes = planner.areas("parishes")
    xs, ys = sig["x"].to_numpy(float), sig["y"].to_numpy(float)
    per = {a: shapely.contains_xy(g, xs, ys) for a, g in zip(parishes["area_id"], parishes.geometry, strict=True)}
    few = min((a for a in per if 0 < per[a].sum() <= 100), key=lambda a: per[a].sum())
    many = max(per, key=lambda a: per[a].sum())
    assert per[many].sum() > 100
    # a parish with more than the threshold: still counts per cell, for that parish
    at.selectbox(key="map_area").set_value(f"parishes|{many}").run()
    assert not at.exception
    levels = _cell_levels(_map_script(at))
    assert sum(c[4] for c in levels[0]["cells"]) == per[many].sum()
    assert any("stadig for mange" in c.value for c in at.caption)
    # the parish of a report's address, with few reports: the planner reaches its points
    hit = parishes[parishes["area_id"] == few].iloc[0]
    inside = sig[per[few]]
    at.selectbox(key="map_area").set_value(f"parishes|{hit['area_id']}").run()
    assert not at.exception
    script = _map_script(at)
    assert "var cells = " not in script
    assert _markers(script) >= len(inside)
    assert any(f"Viser de {len(inside)} henvendelser" in c.value for c in at.caption)
    legend = at.dataframe[0].value
    assert sum(int(v.replace(".", "")) for v in legend["Antal"]) == len(inside)


def _map_args(at: AppTest) -> list[str]:
    return [e.proto.json_args for e in at.main if type(e).__name__ == "UnknownElement"]


def test_a_language_switch_reuses_the_reports_read_and_the_map(app, demo_copy):
    """One map for both languages (issue 18): a switch gives the component the same
    arguments, byte for byte, so Streamlit sends nothing new and the browser keeps the map
    it drew; the map holds both languages' texts; the legend below it is rewritten."""
    at = app.run()
    reads = _audit_count(demo_copy, "signals.read")
    before = _map_args(at)
    legend_da = at.dataframe[0].value
    at.selectbox(key="lang_select").set_value("en").run()
    assert not at.exception
    script = _map_script(at)
    assert "var cells = " in script
    assert any("too many to show one by one" in i.value for i in at.info)
    assert _audit_count(demo_copy, "signals.read") == reads  # the reports were not read again
    assert _map_args(at) == before and len(before) == 1
    start = script.index("var cells = ") + len("var cells = ")
    cells, _ = json.JSONDecoder().raw_decode(script[start:])
    assert cells["langs"] == ["da", "en"] and cells["grouping"] == {"da": ".", "en": ","}
    assert any("naboklage" in k for k in cells["kinds"]["da"])
    assert any("neighbour complaint" in k for k in cells["kinds"]["en"])
    assert "data-l-da=" in script and "Municipal boundary" in script and "Kommunegr" in script  # (as JSON: \\u00e6)
    legend_en = at.dataframe[0].value
    assert list(legend_en.columns) != list(legend_da.columns)
    assert "neighbour complaint" in set(legend_en.iloc[:, 1]) and "naboklage" in set(legend_da.iloc[:, 1])
    at.selectbox(key="lang_select").set_value("da").run()
    assert _map_args(at) == before


def test_the_analyst_gets_no_points_and_no_cells(app):
    at = app.run()
    at.selectbox(key="demo_user").set_value("analytiker").run()
    assert not at.exception
    script = _map_script(at)
    assert _markers(script) == 0
    assert "var cells = " not in script
    assert any("ser ikke enkelte henvendelser" in i.value for i in at.info)


def test_fifty_thousand_reports_fit_a_byte_budget_as_cells():
    """The pure builder at a city's size: counts per cell stay small where markers don't."""
    import geopandas as gpd

    rng = np.random.default_rng(18)
    n = 50_000
    x = rng.normal(575_000, 8_000, n)
    y = rng.normal(6_225_000, 8_000, n)
    kinds = rng.choice(["landlord", "neighbour"], n)
    styles = [KindStyle("landlord", "udlejer", "U", "#0072b2"), KindStyle("neighbour", "nabo", "N", "#d55e00")]
    boundary = gpd.GeoDataFrame(geometry=[shapely.box(545_000, 6_195_000, 605_000, 6_255_000)], crs="EPSG:25832")
    cells = {s: signal_cells(x, y, kinds, s) for s in CELL_SIZES}
    as_cells = build_map(boundary=boundary, signals=None, kind_styles=styles, cells=cells,
                         count_text=lambda v: f"{v:,}".replace(",", "."))
    html = as_cells.get_root().render()
    assert len(html.encode()) < 2_000_000
    assert _markers(html) == 0 and "markerClusterGroup" not in html
    points = build_map(boundary=boundary, signals=pd.DataFrame({"kind": kinds, "x": x, "y": y}),
                       kind_styles=styles)
    assert len(points.get_root().render().encode()) > 2 * len(html.encode())

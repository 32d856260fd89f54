"""*Dækning*'s grid squares as a compact list (issue 18): what the browser reads back is
exactly what the page gave — where each square is, its need class, gap, shares, need and
place name in both languages, every text escaped once — and the tooltips and labels read
as the page's did. ``coverage_grid_cells`` reads the data the way the script does (the
browser test ``tests/ui/test_browser_coverage_grid.py`` checks the script against it)."""

from __future__ import annotations

import base64
import json
import random

import geopandas as gpd
import numpy as np
import pytest
import shapely

from detection.tabular import danish_number
from geo.coverage_grid import (
    CoverageGrid,
    coverage_grid_cells,
    coverage_grid_data,
    coverage_label,
    coverage_tip,
)
from geo.crs import WORK_CRS, xy_to_lonlat

PALETTE = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]
TIP = {"da": "{p}{g}<br>✓ {a} % · ! {b} % · ○ {u} %<br>behov {n}",
       "en": "{p}{g}<br>✓ {a} % · ! {b} % · ○ {u} %<br>need {n}"}
GAP = {"da": " — HUL", "en": " — GAP"}
LABEL = {"da": "HUL · behov {n}", "en": "GAP · need {n}"}


def _en(x: float) -> str:
    """``ui.widgets.number_text(x, "en", decimals=1)``."""
    return f"{int(x):,}" if float(x).is_integer() else f"{round(x, 1):,.1f}"


def _escaped(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;").replace("{", "&#123;").replace("}", "&#125;"))


def _squares(corners, size: float = 250) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + size, y + size) for x, y in corners], crs=WORK_CRS)


def _layer(seed: int = 3, n_rows: int = 20, n_cols: int = 30, size: float = 250) -> dict:
    """A city-like block: holes, any order, repeated names numbered per language, needs of
    every shape (whole, .x5 edges, thousands, no number)."""
    rng = random.Random(seed)
    corners = [(550_000 + size * c, 6_170_000 + size * r) for r in range(n_rows) for c in range(n_cols)
               if rng.random() < 0.7]
    rng.shuffle(corners)
    n = len(corners)
    streets = [f"Vej {k}" for k in range(150)] + ["<b>Ø&A</b>", "{{ 7*7 }}", "a'b\"c", "</script><script>window.bad=1</script>"]
    da, en, seen = [], [], {}
    for _ in range(n):
        s = rng.choice(streets)
        seen[s] = seen.get(s, 0) + 1
        k = seen[s]
        da.append(f"250 m-felt nær {s}, By" + (f" ({k})" if k > 1 else ""))
        en.append(f"250 m cell near {s}, By" + (f" ({k})" if k > 1 else ""))
    da[0] = "250 m-felt ved 6.170,12 km N · 550,12 km Ø"
    en[0] = "250 m cell at 6,170.12 km N · 550.12 km E"
    en[1] = en[1] + " (7)"  # a repeat number only one language has
    needs = [rng.choice([0.0, 57.6, 57.96, 57.04, 1816.0, 12345.65, rng.uniform(0, 2000)]) for _ in range(n)]
    need = {"da": [danish_number(x) for x in needs], "en": [_en(x) for x in needs]}
    need["da"][2] = need["en"][2] = "–"
    need["da"][3], need["en"][3] = "<5", "&lt;5"
    return {"squares": _squares(corners, size), "need_class": [rng.randrange(5) for _ in range(n)],
            "gap": [rng.random() < 0.6 for _ in range(n)],
            "shares": [[rng.randrange(101), rng.randrange(101), rng.randrange(101)] for _ in range(n)],
            "need": need, "names": {"da": da, "en": en}}


def _encode(layer: dict) -> dict:
    return coverage_grid_data(layer["squares"], need_class=layer["need_class"], gap=layer["gap"],
                              shares=layer["shares"], need=layer["need"], names=layer["names"], tip=TIP,
                              gap_word=GAP, label=LABEL, palette=PALETTE)


def _expected(layer: dict) -> list[dict]:
    b = shapely.bounds(layer["squares"].geometry.to_numpy())
    lon0, lat0 = xy_to_lonlat(b[:, 0], b[:, 1])
    lon1, lat1 = xy_to_lonlat(b[:, 2], b[:, 3])
    la0, lo0 = np.round(lat0 * 1e5).astype(int), np.round(lon0 * 1e5).astype(int)
    la1, lo1 = np.round(lat1 * 1e5).astype(int), np.round(lon1 * 1e5).astype(int)
    return [{"lat": int(la0[i]), "lon": int(lo0[i]), "dlat": int(la1[i] - la0[i]), "dlon": int(lo1[i] - lo0[i]),
             "cls": layer["need_class"][i], "gap": int(layer["gap"][i]), "shares": layer["shares"][i],
             "need": [_escaped(layer["need"][lg][i]) for lg in ("da", "en")],
             "place": [_escaped(layer["names"][lg][i]) for lg in ("da", "en")]} for i in range(len(b))]


def _key(c: dict) -> str:
    return json.dumps(c, sort_keys=True, ensure_ascii=False)


def test_every_cell_reads_back_exactly_as_given_in_both_languages():
    layer = _layer()
    data = _encode(layer)
    cells = coverage_grid_cells(data)
    assert len(cells) == len(layer["gap"]) > 300
    assert sorted(map(_key, cells)) == sorted(map(_key, _expected(layer)))
    # row by row, as DDKN ids sort: the order sent is the squares' (y, x) order
    b = shapely.bounds(layer["squares"].geometry.to_numpy())
    la0 = np.round(xy_to_lonlat(b[:, 0], b[:, 1])[1] * 1e5).astype(int)
    assert [c["lat"] for c in cells] == [int(la0[i]) for i in np.lexsort((b[:, 0], b[:, 1]))]


def test_needs_are_written_per_language_as_the_ui_writes_them():
    layer = _layer()
    layer["need"] = {"da": [danish_number(x) for x in (57.6, 57.96, 57.04, 1816.0, 12345.65, 0.0, 3.05)],
                     "en": [_en(x) for x in (57.6, 57.96, 57.04, 1816.0, 12345.65, 0.0, 3.05)]}
    for k in ("need_class", "gap", "shares"):
        layer[k] = layer[k][:7]
    layer["names"] = {lg: v[:7] for lg, v in layer["names"].items()}
    layer["squares"] = layer["squares"].iloc[:7]
    data = _encode(layer)
    got = sorted(map(_key, coverage_grid_cells(data)))
    assert got == sorted(map(_key, _expected(layer)))
    assert data["words"] == []  # every need a number the script writes in each language
    needs = {tuple(c["need"]) for c in coverage_grid_cells(data)}
    assert {("57,6", "57.6"), ("58", "58.0"), ("57", "57.0"), ("1.816", "1,816"), ("0", "0")} <= needs


def test_tooltip_and_label_read_as_the_page_wrote_them():
    layer = _layer()
    data = _encode(layer)
    cells = coverage_grid_cells(data)
    gap = next(c for c in cells if c["gap"] and c["need"] == ["57,6", "57.6"])
    a, b, u = gap["shares"]
    assert coverage_tip(data, gap, "da") == f"{gap['place'][0]} — HUL<br>✓ {a} % · ! {b} % · ○ {u} %<br>behov 57,6"
    assert coverage_tip(data, gap, "en") == f"{gap['place'][1]} — GAP<br>✓ {a} % · ! {b} % · ○ {u} %<br>need 57.6"
    assert coverage_label(data, gap, "da") == "HUL · behov 57,6"
    assert coverage_label(data, gap, "en") == "GAP · need 57.6"
    other = next(c for c in cells if not c["gap"])
    assert "HUL" not in coverage_tip(data, other, "da").split("<br>")[0]


def test_names_share_a_prefix_per_language_and_a_table_of_rests():
    layer = _layer()
    data = _encode(layer)
    assert data["prefix"] == ["250 m-felt ", "250 m cell "]
    assert "nær Vej 7, By" not in data["places"]  # the rests differ by language ("nær" / "near")
    assert ["nær Vej 7, By", "near Vej 7, By"] in data["places"]
    assert len(data["places"]) <= 155  # "(n)" repeats are no new names
    assert isinstance(data["cells"], str) and base64.b64decode(data["cells"], validate=True)


def test_a_city_grid_is_a_few_bytes_a_cell():
    n_rows, n_cols = 60, 80
    layer = _layer(seed=5, n_rows=n_rows, n_cols=n_cols)
    data = _encode(layer)
    n = len(layer["gap"])
    assert len(base64.b64decode(data["cells"])) / n < 16, len(data["cells"]) / n
    assert len(CoverageGrid(data, "map_x").data_json) / n < 40


def test_the_script_data_cannot_end_the_script_or_open_a_template():
    layer = _layer()
    data = _encode(layer)
    js = CoverageGrid(data, "map_x").data_json
    assert "<" not in js and ">" not in js and "&" not in js.replace("\\u0026", "")
    assert "{{" not in js and "{%" not in js and "{#" not in js
    assert json.loads(js) == data


def test_an_empty_layer_and_1_km_squares_read_back():
    empty = {"squares": _squares([]), "need_class": [], "gap": [], "shares": [], "need": {"da": [], "en": []},
             "names": {"da": [], "en": []}}
    assert coverage_grid_cells(_encode(empty)) == []
    layer = _layer(seed=9, n_rows=12, n_cols=12, size=1000)
    assert sorted(map(_key, coverage_grid_cells(_encode(layer)))) == sorted(map(_key, _expected(layer)))


def test_what_is_no_grid_square_is_refused():
    layer = _layer(n_rows=2, n_cols=2)
    layer["squares"] = gpd.GeoDataFrame(geometry=[shapely.box(550_010, 6_170_000, 550_260, 6_170_250)]
                                        * len(layer["gap"]), crs=WORK_CRS)
    with pytest.raises(ValueError, match="grid squares"):
        _encode(layer)
    with pytest.raises(ValueError, match="class"):
        _encode({**_layer(n_rows=2, n_cols=2), "need_class": [5] * len(layer["gap"])})

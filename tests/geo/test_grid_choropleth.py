"""The grid's compact list for *Prioritering* (issue 18): what the browser reads back is
exactly what the page gave, names and numbers included, escaped once; cells share their
numbers, sizes and names through tables."""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo.crs import WORK_CRS
from geo.maps import GridChoropleth, grid_cells, grid_choropleth_data

NAMES = ["250 m-felt nær Langgade, Tranebjerg", "250 m-felt nær Langgade, Tranebjerg (2)",
         "250 m-felt nær Langgade, Tranebjerg (12)", "250 m-felt nær Vej (1)", "250 m-felt nær Vej (02)",
         "250 m-felt nær <b>Ø&A</b> (3)", "250 m-felt ved 6.190,25 km N, 599,50 km Ø"]


def _data():
    x0, y0 = 599_000, 6_190_000
    squares = gpd.GeoDataFrame(geometry=[shapely.box(x0 + 250 * k, y0 + 250 * (k % 3), x0 + 250 * (k + 1),
                                                     y0 + 250 * (k % 3 + 1)) for k in range(len(NAMES))],
                               crs=WORK_CRS)
    texts = [("1,5", "0,2", "3,0"), ("1,5", "0,2", "3,0"), ("10,0", "2,1", "20,0"), ("1,5", "0,2", "3,0"),
             ("7,2", "1,0", "9,9"), ("1.234,5", "1.000,0", "2.000,0"), ("0,0", "0,0", "1,0")]
    return grid_choropleth_data(squares, cls=[0, 1, 2, 3, 4, 0, 1], hotspot=[False, True] + [False] * 5,
                                rank=[7, 1, 2, 3, 4, 5, 6], texts=texts, places=NAMES, tip="{p} · {r}", hot=" · H",
                                palette=["#000"] * 5)


def test_every_cell_reads_back_as_given_with_its_name_escaped_once():
    data = _data()
    cells = grid_cells(data)
    assert len(cells) == len(NAMES)
    by_rank = {c["rank"]: c for c in cells}
    for name, rank in zip(NAMES, [7, 1, 2, 3, 4, 5, 6], strict=True):
        want = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert by_rank[rank]["place"] == want
    assert by_rank[5]["texts"] == ["1.234,5", "1.000,0", "2.000,0"]
    assert by_rank[1]["hot"] == 1 and by_rank[7]["hot"] == 0
    assert {c["dlat"] for c in cells} <= set(range(215, 230)) and len(data["sizes"]) <= 4  # 250 m ≈ 220e-5 degrees


def test_cells_share_numbers_and_names_through_tables():
    data = _data()
    assert len(data["texts"]) == 5  # three cells share ("1,5", "0,2", "3,0")
    assert data["prefix"] == "250 m-felt "
    assert "nær Langgade, Tranebjerg" in data["places"]
    assert len(data["places"]) == 5  # "(2)" and "(12)" are repeats of the first name
    assert len(data["cells"]) == 9 * len(NAMES)


def test_the_script_data_cannot_end_the_script_or_open_a_template():
    js = GridChoropleth(_data()).data_json
    assert "<" not in js and ">" not in js and "&" not in js.replace("\\u0026", "")
    assert "{{" not in js and "{%" not in js and "{#" not in js

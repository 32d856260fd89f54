"""The grid's compact list for *Prioritering* (issue 18): what the browser reads back is
exactly what the page gave, names and numbers included, escaped once; cells share their
numbers, sizes and names through tables, and go as varints in one base64 string.

``grid_cells`` reads the data the way the page's script does (the browser test
``tests/ui/test_browser_grid.py`` checks the script against it)."""

from __future__ import annotations

import base64
import json
import random

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.crs import WORK_CRS, xy_to_lonlat
from geo.maps import GridChoropleth, grid_cells, grid_choropleth_data
from geo.varint import Reader, Recent, put, zz

NAMES = ["250 m-felt nær Langgade, Tranebjerg", "250 m-felt nær Langgade, Tranebjerg (2)",
         "250 m-felt nær Langgade, Tranebjerg (12)", "250 m-felt nær Vej (1)", "250 m-felt nær Vej (02)",
         "250 m-felt nær <b>Ø&A</b> (3)", "250 m-felt ved 6.190,25 km N, 599,50 km Ø"]
PALETTE = ["#000"] * 5


def _squares(corners, size: float = 250) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + size, y + size) for x, y in corners], crs=WORK_CRS)


def _data():
    x0, y0 = 599_000, 6_190_000
    squares = _squares([(x0 + 250 * k, y0 + 250 * (k % 3)) for k in range(len(NAMES))])
    texts = [("1,5", "0,2", "3,0"), ("1,5", "0,2", "3,0"), ("10,0", "2,1", "20,0"), ("1,5", "0,2", "3,0"),
             ("7,2", "1,0", "9,9"), ("1.234,5", "1.000,0", "2.000,0"), ("0,0", "0,0", "1,0")]
    return grid_choropleth_data(squares, cls=[0, 1, 2, 3, 4, 0, 1], hotspot=[False, True] + [False] * 5,
                                rank=[7, 1, 2, 3, 4, 5, 6], texts=texts, places=NAMES, tip="{p} · {r}", hot=" · H",
                                palette=PALETTE)


def _escaped(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;").replace("{", "&#123;").replace("}", "&#125;"))


def _expected(squares, *, cls, hotspot, rank, texts, places) -> list[dict]:
    """Each input row as the browser must read it (the square's corners rounded to 1e-5 degrees)."""
    b = shapely.bounds(squares.geometry.to_numpy())
    lon0, lat0 = xy_to_lonlat(b[:, 0], b[:, 1])
    lon1, lat1 = xy_to_lonlat(b[:, 2], b[:, 3])
    la0, lo0 = np.round(lat0 * 1e5).astype(int), np.round(lon0 * 1e5).astype(int)
    la1, lo1 = np.round(lat1 * 1e5).astype(int), np.round(lon1 * 1e5).astype(int)
    return [{"lat": int(la0[i]), "lon": int(lo0[i]), "dlat": int(la1[i] - la0[i]), "dlon": int(lo1[i] - lo0[i]),
             "cls": int(cls[i]), "hot": 1 if hotspot[i] else 0, "rank": int(rank[i]),
             "texts": [_escaped(x) for x in texts[i]], "place": _escaped(places[i])} for i in range(len(squares))]


def _same_cells(got: list[dict], want: list[dict]) -> None:
    def key(c):
        return json.dumps(c, sort_keys=True, ensure_ascii=False)
    assert len(got) == len(want)
    assert sorted(map(key, got)) == sorted(map(key, want))


def _round_trip(squares, **kw) -> dict:
    args = {"tip": "{p} · {r}", "hot": " · H", "palette": PALETTE, **kw}
    data = grid_choropleth_data(squares, **args)
    _same_cells(grid_cells(data), _expected(squares, **{k: kw[k] for k in ("cls", "hotspot", "rank", "texts", "places")}))
    return data


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
    assert [by_rank[r]["cls"] for r in (7, 1, 2, 3, 4, 5, 6)] == [0, 1, 2, 3, 4, 0, 1]
    assert {c["dlat"] for c in cells} <= set(range(215, 230)) and len(data["sizes"]) <= 4  # 250 m ≈ 220e-5 degrees


def test_cells_share_numbers_and_names_through_tables():
    data = _data()
    r = Reader(base64.b64decode(data["cells"]))
    assert (r.u(), r.u(), r.u()) == (7, 7, 5)  # 7 cells, 7 rank groups (no tie), 5 distinct (rate, low, high)
    assert data["numbers"] == [".", ",", 1] and data["words"] == []  # every text a Danish number
    assert data["prefix"] == "250 m-felt "
    assert "nær Langgade, Tranebjerg" in data["places"]
    assert len(data["places"]) == 5  # "(2)" and "(12)" are repeats of the first name
    assert isinstance(data["cells"], str) and base64.b64decode(data["cells"], validate=True)  # one base64 string


def test_the_script_data_cannot_end_the_script_or_open_a_template():
    js = GridChoropleth(_data()).data_json
    assert "<" not in js and ">" not in js and "&" not in js.replace("\\u0026", "")
    assert "{{" not in js and "{%" not in js and "{#" not in js


def test_names_and_numbers_that_would_break_the_script_read_back_escaped_once():
    nasty = ["</script><script>alert(1)</script>", "{{ 7*7 }}", "{% if %}", "{# x #}", "a & b", "\"quoted\" 'x'",
             "back\\slash", "line\nbreak", "\u2028\u2029", "emoji 🐟 (2)", "x (1)", "x (01)", "x ()", "x (2", "x (2) (3)"]
    squares = _squares([(600_000 + 100 * k, 6_200_000) for k in range(len(nasty))], size=100)
    texts = [(t, t[::-1], "{{") for t in nasty]
    data = _round_trip(squares, cls=[k % 5 for k in range(len(nasty))], hotspot=[k % 2 == 0 for k in range(len(nasty))],
                       rank=list(range(1, len(nasty) + 1)), texts=texts, places=nasty)
    js = GridChoropleth(data).data_json
    assert "<" not in js and ">" not in js and "&" not in js.replace("\\u0026", "")
    assert "{{" not in js and "{%" not in js and "{#" not in js
    assert json.loads(js) == data


def test_large_ranks_gaps_ties_and_any_order_read_back_exactly():
    n = 40
    squares = _squares([(590_000 + 250 * (k % 8), 6_180_000 + 250 * (k // 8)) for k in range(n)])
    ranks = [10**12 + 7, -5, 0, 3, 3, 3, 2**49, -(2**49), 17, 18, 19, 20] + [1000 - k for k in range(n - 12)]
    texts = [("1", "0", "2") if k % 3 else ("9,9", "1", "12") for k in range(n)]
    _round_trip(squares, cls=[k % 5 for k in range(n)], hotspot=[k % 7 == 0 for k in range(n)], rank=ranks,
                texts=texts, places=[f"100 m-felt nær Vej {k % 4}" for k in range(n)])


def test_a_rank_the_browser_cannot_hold_exactly_or_a_class_without_a_colour_is_refused():
    squares = _squares([(600_000, 6_200_000)])
    kw = {"hotspot": [False], "texts": [("1", "0", "2")], "places": ["x"], "tip": "", "hot": "", "palette": PALETTE}
    with pytest.raises(ValueError, match="2\\*\\*50"):
        grid_choropleth_data(squares, cls=[0], rank=[2**50], **kw)
    with pytest.raises(ValueError, match="class"):
        grid_choropleth_data(squares, cls=[5], rank=[1], **kw)
    with pytest.raises(ValueError, match="1 squares but 2 classes"):
        grid_choropleth_data(squares, cls=[0, 1], rank=[1], **kw)


def test_corners_far_apart_in_any_direction_and_mixed_sizes_read_back_exactly():
    """Negative and large corner differences (the row's step predicted wrong), squares of
    several sizes, cells out of any grid, and one alone far away."""
    corners = [(600_000, 6_200_000), (600_100, 6_200_000), (600_300, 6_200_000), (650_000, 6_200_000),
               (450_000, 6_200_100), (600_050, 6_200_100), (600_000, 6_150_000), (880_000, 6_400_000),
               (600_100, 6_150_000), (600_200, 6_150_000), (600_200, 6_150_000)]  # the last two on one spot
    squares = gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + s, y + s) for (x, y), s in
                                         zip(corners, [100, 100, 250, 1000, 100, 37.5, 100, 100, 100, 100, 250],
                                             strict=True)], crs=WORK_CRS)
    n = len(corners)
    data = _round_trip(squares, cls=[4 - k % 5 for k in range(n)], hotspot=[True] * n, rank=list(range(n, 0, -1)),
                       texts=[(str(k), "0", "x") for k in range(n)], places=[f"felt {k}" for k in range(n)])
    assert len(data["sizes"]) >= 4


def test_many_places_repeat_numbers_and_a_city_like_layer_read_back_exactly():
    """A 60 × 50 grid with holes: 400 place names (more than the window of recent ones),
    repeat numbers counted in the order sent and some not, ranks 1..n with shared numbers
    (most cells 0) — and it is small: a few bytes a cell."""
    rng = random.Random(18)
    corners = [(560_000 + 100 * c, 6_170_000 + 100 * r) for r in range(50) for c in range(60) if rng.random() < 0.7]
    rng.shuffle(corners)  # the input's order is not the order sent
    n = len(corners)
    squares = _squares(corners, size=100)
    streets = [f"Vej {k}, By {k % 7}" for k in range(400)]
    street_of = {xy: streets[((xy[0] - 560_000) // 300 + 20 * ((xy[1] - 6_170_000) // 200)) % 400] for xy in corners}
    seen: dict[str, int] = {}
    places = [""] * n
    for i in sorted(range(n), key=lambda i: (corners[i][1], corners[i][0])):  # as cell_labels numbers them
        s = street_of[corners[i]]
        seen[s] = seen.get(s, 0) + 1
        places[i] = f"100 m-felt nær {s}" + (f" ({seen[s]})" if seen[s] > 1 else "")
    for i in rng.sample(range(n), 25):  # some numbered out of that order
        places[i] = f"100 m-felt nær {street_of[corners[i]]} ({rng.randint(2, 500)})"
    rates = sorted((rng.choice([0.0] * 6 + [rng.uniform(0, 3000)]) for _ in range(n)), reverse=True)
    ranks = list(range(1, n + 1))
    rng.shuffle(ranks)
    rate_of_rank = dict(zip(range(1, n + 1), rates, strict=True))
    texts = [(f"{rate_of_rank[r]:.1f}", f"{rate_of_rank[r] / 2:.1f}", f"{rate_of_rank[r] * 2 + 5:.1f}") for r in ranks]
    cls = [min(4, int(rate_of_rank[r] // 600)) for r in ranks]
    data = _round_trip(squares, cls=cls, hotspot=[rng.random() < 0.02 for _ in range(n)], rank=ranks, texts=texts,
                       places=places)
    assert len(data["places"]) > 300
    assert len(data["cells"]) / n < 9  # base64 characters a cell (≈ 45 in the JSON list before)


@pytest.mark.parametrize("style", ["da", "en"])
def test_numbers_go_as_numbers_and_anything_else_as_it_is_and_all_read_back_exactly(style):
    values = [0, 0.5, 1, 9.9, 10, 99.5, 100, 999.9, 1000, 1234.5, 10000, 99999.9, 123456.7, 1e6, 12345678.9, 1e12 + 0.5]
    if style == "da":
        nums = [f"{v:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".") for v in values]
        nums = [t[:-2] if t.endswith(",0") else t for t in nums] + ["1.000,0", "0,05", "3,25"]
        odd = ["–", "<5", "007", "1.23", "1,2345", "-1.234,5", "1 000", ",5", "5,", "1.000.00", "١٢", "NaN"]
    else:
        nums = [f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}" for v in values] + ["1,000.0", "0.05"]
        odd = ["–", "<5", "007", "1,23", "1.2345", "-1,234.5", "1 000", ".5", "5.", "1,000,00", "inf"]
    texts = [(a, b, c) for a, b, c in zip(nums + odd, odd + nums, (nums + odd)[::-1], strict=False)]
    texts += [(t, t, t) for t in nums + odd]
    n = len(texts)
    squares = _squares([(600_000 + 100 * (k % 10), 6_200_000 + 100 * (k // 10)) for k in range(n)], size=100)
    data = _round_trip(squares, cls=[0] * n, hotspot=[False] * n, rank=list(range(1, n + 1)), texts=texts,
                       places=["x"] * n)
    assert data["numbers"] == ([".", ","] if style == "da" else [",", "."]) + [2]
    assert set(data["words"]) == {_escaped(t) for t in odd} and not set(data["words"]) & set(nums)


def test_varints_zigzag_and_the_window_of_recent_indexes():
    out = bytearray()
    values = [0, 1, 127, 128, 16383, 16384, 2**35 + 3, 2**52]
    for v in values:
        put(out, v)
    for v in (-1, 1, -(2**50)):
        put(out, zz(v))
    assert bytes(out[:4]) == b"\x00\x01\x7f\x80"
    r = Reader(bytes(out))
    assert [r.u() for _ in values] == values and [r.z() for _ in range(3)] == [-1, 1, -(2**50)]
    enc, dec = Recent(3), Recent(3)
    seq = [0, 1, 0, 2, 5, 3, 4, 0, 9, 1, 1]
    codes = [enc.code(v) for v in seq]
    assert codes[:4] == [0, 0, 2, 0]  # new, new, the one before last, new
    assert [dec.value(c) for c in codes] == seq


def test_an_empty_layer_is_an_empty_list():
    empty = gpd.GeoDataFrame(geometry=[], crs=WORK_CRS)
    data = grid_choropleth_data(empty, cls=[], hotspot=[], rank=[], texts=[], places=[], tip="{p}", hot="",
                                palette=PALETTE)
    assert grid_cells(data) == [] and len(data["cells"]) <= 8


def _english(text: str) -> str:
    """A Danish number as English writes it ("1.234,5" → "1,234.5"); any other text as it is."""
    return text.replace(".", "\0").replace(",", ".").replace("\0", ",") if text[:1].isdigit() else text


def test_a_second_language_reads_back_exactly_and_shares_the_cells_when_it_can():
    """One map for both languages (issue 18): the English tooltips' tables ride along; the
    cells are sent once when the English texts encode the same."""
    x0, y0 = 599_000, 6_190_000
    squares = _squares([(x0 + 250 * k, y0 + 250 * (k % 3)) for k in range(len(NAMES))])
    texts = [("1,5", "0,2", "3,0"), ("1,5", "0,2", "3,0"), ("10,0", "2,1", "20,0"), ("1,5", "0,2", "3,0"),
             ("7,2", "1,0", "9,9"), ("1.234,5", "1.000,0", "2.000,0"), ("–", "–", "–")]
    kw = {"cls": [0, 1, 2, 3, 4, 0, 1], "hotspot": [False, True] + [False] * 5, "rank": [7, 1, 2, 3, 4, 5, 6]}
    en_places = [n.replace("250 m-felt nær", "250 m cell near") for n in NAMES]
    en_texts = [tuple(_english(x) for x in tr) for tr in texts]
    data = grid_choropleth_data(squares, texts=texts, places=NAMES, tip="{p} · Nr. {r}", hot=" · H",
                                palette=PALETTE, also={"en": {"texts": en_texts, "places": en_places,
                                                              "tip": "{p} · Rank {r}", "hot": " · H"}}, **kw)
    english = grid_choropleth_data(squares, texts=en_texts, places=en_places, tip="{p} · Rank {r}", hot=" · H",
                                   palette=PALETTE, **kw)
    assert grid_cells(data) == grid_cells({k: v for k, v in data.items() if k != "alt"})  # Danish as before
    assert grid_cells(data, "en") == grid_cells(english)  # English exactly as an English-only layer
    _same_cells(grid_cells(data, "en"), _expected(squares, texts=en_texts, places=en_places, **kw))
    assert "cells" not in data["alt"]["en"] and data["alt"]["en"]["tip"] == "{p} · Rank {r}"
    assert data["alt"]["en"]["numbers"][:2] == [",", "."]
    # English texts that group differently from the Danish: the English cells are sent too, still exact
    odd = list(en_texts)
    odd[1] = ("1.6", "0.2", "3.0")
    data = grid_choropleth_data(squares, texts=texts, places=NAMES, tip="{p}", hot="", palette=PALETTE,
                                also={"en": {"texts": odd, "places": en_places, "tip": "{p}", "hot": ""}}, **kw)
    assert "cells" in data["alt"]["en"]
    _same_cells(grid_cells(data, "en"), _expected(squares, texts=odd, places=en_places, **kw))

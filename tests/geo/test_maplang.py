"""Maps that change language in the browser (geo/maplang.py, issue 18)."""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.maplang import label_html, languages_of, texts_of
from geo.maps import KindStyle, build_map, cell_levels, signal_cells


def test_a_text_in_two_languages_is_a_span_holding_both_escaped():
    out = label_html({"da": 'Nabo <b>"klage"</b> {{ x }}', "en": "Neighbour & co"})
    assert out.startswith('<span class="opspor-l" ')
    assert "<b>" not in out and "{{" not in out and "{%" not in out
    attrs = dict(re.findall(r'(data-l-\w+)="([^"]*)"', out))
    assert html.unescape(attrs["data-l-da"]) == 'Nabo <b>"klage"</b> {{ x }}'
    assert html.unescape(attrs["data-l-en"]) == "Neighbour & co"
    # until the script switches it, the span shows the first language's text
    assert html.unescape(re.search(r">(.*)</span>$", out).group(1)) == 'Nabo <b>"klage"</b> {{ x }}'


def test_one_language_stays_plain_escaped_text():
    assert label_html("A <i>") == "A &lt;i&gt;"
    assert label_html({"da": "Sogne"}) == "Sogne"
    assert label_html({"da": "12", "en": "12"}) == "12"  # the same in every language: no span
    assert texts_of("x") == {"da": "x"}
    assert languages_of("x", {"da": "y", "en": "z"}) == ["da", "en"]
    with pytest.raises(ValueError):
        texts_of({})


def _boundary() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.box(600_000, 6_200_000, 610_000, 6_210_000)], crs="EPSG:25832")


def test_a_bilingual_map_carries_the_switch_and_both_languages():
    styles = [KindStyle("neighbour_complaint", {"da": "naboklage", "en": "neighbour complaint"}, "N", "#D55E00")]
    sig = pd.DataFrame({"kind": ["neighbour_complaint"] * 2, "x": [601_000.0, 602_000.0], "y": [6_201_000.0] * 2,
                        "label_da": ["naboklage · 30.11.2026", "naboklage · 01.12.2026"],
                        "label_en": ["neighbour complaint · 2026-11-30", "neighbour complaint · 2026-12-01"]})
    m = build_map(boundary=_boundary(), signals=sig, kind_styles=styles,
                  boundary_label={"da": "Kommunegrænse", "en": "Municipal boundary"},
                  count_text={"da": lambda n: f"{n:,}".replace(",", "."), "en": lambda n: f"{n:,}"})
    out = m.get_root().render()
    # the switch is defined before the markers' script uses it
    assert out.index("window.opsporOnLang = function") < out.index("window.opsporPick(row[4])")
    for text in ("Municipal boundary", "neighbour complaint · 2026-11-30", "naboklage · 01.12.2026"):
        assert text in out or json.dumps(text)[1:-1] in out, text  # (the markers' data as JSON)
    # a one-language map has no switch at all
    plain = build_map(boundary=_boundary(), signals=sig[["kind", "x", "y"]],
                      kind_styles=[KindStyle("neighbour_complaint", "naboklage", "N", "#D55E00")]).get_root().render()
    assert "opsporOnLang = function" not in plain and "opspor-l" not in plain


def test_cell_levels_send_whole_numbers_and_each_languages_kind_names_and_grouping():
    x = [600_100.0] * 1500 + [605_100.0]
    y = [6_200_100.0] * 1501
    kinds = ["a"] * 1500 + ["b"]
    cells = {s: signal_cells(x, y, kinds, s) for s in (10_000, 1_000)}
    styles = [KindStyle("a", {"da": "udlejer", "en": "landlord"}, "U", "#000"),
              KindStyle("b", {"da": "nabo", "en": "neighbour"}, "N", "#111")]
    data = cell_levels(cells, styles, {"da": lambda n: f"{n:,}".replace(",", "."), "en": lambda n: f"{n:,}"})
    assert data["langs"] == ["da", "en"] and data["grouping"] == {"da": ".", "en": ","}
    assert data["kinds"] == {"da": ["U · udlejer", "N · nabo"], "en": ["U · landlord", "N · neighbour"]}
    fine = data["levels"][1]["cells"]
    assert sorted((c[4], tuple(c[5])) for c in fine) == [(1, (0, 1)), (1500, (1500, 0))]
    # one language, the separator read from the count writer ("1816": none)
    single = cell_levels(cells, [KindStyle("a", "udlejer", "U", "#000")], str)
    assert single["langs"] == ["da"] and single["grouping"] == {"da": ""}

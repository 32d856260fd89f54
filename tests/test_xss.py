"""≥ 50 payloads in every user text field render as text: map tooltips, markdown, CSV exports."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from detection.tabular import neutralise, write_csv
from geo.maps import KindStyle, build_map, coverage_items_map, escape_html
from tests.xss_payloads import PAYLOADS
from ui.text import md_escape


def test_payload_list_is_long_enough():
    assert len(PAYLOADS) >= 50


def _decoded(m) -> str:
    h = m.get_root().render()
    return h.encode("ascii", "backslashreplace").decode("unicode_escape", errors="replace")


def test_map__area_names_and_ids_are_escaped_in_tooltips():
    boundary = gpd.GeoDataFrame(geometry=[box(590_000, 6_180_000, 610_000, 6_200_000)], crs=25832)
    areas = gpd.GeoDataFrame(
        {"area_id": [f"id-{p}" for p in PAYLOADS], "name": PAYLOADS},
        geometry=[box(590_000 + i * 100, 6_180_000, 590_090 + i * 100, 6_180_090) for i in range(len(PAYLOADS))],
        crs=25832)
    m = build_map(boundary=boundary, area_layers={"x": areas}, area_labels={"x": PAYLOADS[1]})
    text = _decoded(m)
    dangerous = [p for p in PAYLOADS if "<" in p and p in text]
    assert not dangerous, f"raw payloads in the map HTML: {dangerous[:3]}"
    for p in PAYLOADS:
        assert escape_html(p) in text


def test_map__partner_coverage_labels_and_addresses_are_escaped():
    """Coverage labels are typed by planners and addresses come from register files."""
    from shapely.geometry import Point

    boundary = gpd.GeoDataFrame(geometry=[box(590_000, 6_180_000, 610_000, 6_200_000)], crs=25832)
    n = len(PAYLOADS)
    kinds = ["polygon", "radius", "entrances"] * n
    geoms = [box(590_000 + i * 100, 6_180_000, 590_090 + i * 100, 6_180_090) if k == "polygon"
             else Point(590_000 + i * 100, 6_181_000) for i, k in enumerate(kinds)]
    items = gpd.GeoDataFrame({"coverage_id": range(1, 3 * n + 1), "kind": kinds,
                              "label": [PAYLOADS[i // 3] for i in range(3 * n)],
                              "radius_m": [100.0 if k == "radius" else None for k in kinds],
                              "entrance_id": None, "address": [PAYLOADS[i // 3] if k == "entrances" else ""
                                                               for i, k in enumerate(kinds)]},
                             geometry=geoms, crs=25832)
    m = coverage_items_map(boundary=boundary, items=items, draw=True,
                           labels={"polygon": PAYLOADS[2], "radius": PAYLOADS[3], "entrances": PAYLOADS[4]})
    text = _decoded(m)
    dangerous = [p for p in PAYLOADS if "<" in p and p in text]
    assert not dangerous, f"raw payloads in the map HTML: {dangerous[:3]}"
    for p in PAYLOADS:
        assert escape_html(p) in text


def test_map__signal_labels_are_escaped():
    boundary = gpd.GeoDataFrame(geometry=[box(590_000, 6_180_000, 610_000, 6_200_000)], crs=25832)
    sig = pd.DataFrame({"kind": "k", "x": 600_000.0, "y": 6_190_000.0, "label": PAYLOADS})
    m = build_map(boundary=boundary, signals=sig,
                  kind_styles=[KindStyle("k", "<b>kind</b>", "<i>", "#000\"><script>")])
    text = _decoded(m)
    assert not [p for p in PAYLOADS if "<" in p and p in text]
    assert "<b>kind</b>" not in text and "#000\"><script>" not in text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_escape__no_markup_survives(payload):
    out = md_escape(payload)
    assert "<" not in out
    assert not re.search(r"(?<!\\)[\[\]*_`#]", out)


def test_csv_export__formulas_neutralised_text_kept(tmp_path):
    f = write_csv(pd.DataFrame({"note": PAYLOADS}), tmp_path / "x.csv")
    back = pd.read_csv(f, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)["note"]
    for raw, got in zip(PAYLOADS, back, strict=True):
        assert got == neutralise(raw)
        assert not got.startswith(("=", "+", "-", "@"))

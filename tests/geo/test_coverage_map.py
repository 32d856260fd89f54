"""The partner-coverage map: each kind its own named layer, the view holds every item whole."""

from __future__ import annotations

import geopandas as gpd
from folium.map import FitBounds
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.maps import coverage_items_map

BOUNDARY = gpd.GeoDataFrame(geometry=[box(590_000, 6_180_000, 610_000, 6_200_000)], crs=25832)
LABELS = {"boundary": "Kommunegrænse", "polygon": "Område", "radius": "Radius om et punkt",
          "entrances": "Opgang i portefølje"}


def _items(rows):
    return gpd.GeoDataFrame(
        {"coverage_id": range(1, len(rows) + 1), "kind": [r[0] for r in rows], "label": "",
         "radius_m": [r[2] for r in rows], "entrance_id": None, "address": ""},
        geometry=[r[1] for r in rows], crs=25832)


def _html(m) -> str:
    h = m.get_root().render()
    return h.encode("ascii", "backslashreplace").decode("unicode_escape", errors="replace")


def _fit(m) -> list[list[float]]:
    fits = [c for c in m._children.values() if isinstance(c, FitBounds)]
    assert len(fits) == 1
    return fits[0].bounds


def test_a_lone_circle__the_view_holds_its_whole_radius():
    m = coverage_items_map(boundary=BOUNDARY, items=_items([("radius", Point(600_000, 6_190_000), 600.0)]),
                           draw=False, labels=LABELS)
    (s, w), (n, e) = _fit(m)
    to_ll = Transformer.from_crs(25832, 4326, always_xy=True)
    for x, y in [(599_400, 6_190_000), (600_600, 6_190_000), (600_000, 6_189_400), (600_000, 6_190_600)]:
        lon, lat = to_ll.transform(x, y)  # the circle's outermost points are in view
        assert w <= lon <= e and s <= lat <= n, (x, y)
    to_xy = Transformer.from_crs(4326, 25832, always_xy=True)
    x0, _ = to_xy.transform(w, s)
    x1, _ = to_xy.transform(e, n)
    assert x1 - x0 < 1_300  # and not the whole municipality


def test_layers_named_per_kind_and_draw_tools_only_when_asked():
    items = _items([("polygon", box(600_000, 6_190_000, 600_200, 6_190_200), None),
                    ("entrances", Point(601_000, 6_191_000), None)])
    with_draw = _html(coverage_items_map(boundary=BOUNDARY, items=items, draw=True, labels=LABELS))
    without = _html(coverage_items_map(boundary=BOUNDARY, items=items, draw=False, labels=LABELS))
    for label in LABELS.values():
        assert label in without
    assert "L.Control.Draw" in with_draw and "L.Control.Draw" not in without
    empty = coverage_items_map(boundary=BOUNDARY, items=items.iloc[:0], draw=False, labels=LABELS)
    (s, w), (n, e) = _fit(empty)  # nothing covered yet: the municipality
    assert e - w > 0.2

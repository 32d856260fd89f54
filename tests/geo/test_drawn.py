"""Leaflet.draw output (as streamlit-folium returns it) → shapes in EPSG:25832."""

from __future__ import annotations

import pytest
from pyproj import Geod

from geo.drawn import drawn_shapes, last_drawn_polygon

# Tranebjerg, Samsø: a 0.01° × 0.01° rectangle as Leaflet.draw's rectangle tool returns it
LON, LAT = 10.59, 55.83
RECT = {"type": "Feature", "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[LON, LAT], [LON, LAT + 0.01], [LON + 0.01, LAT + 0.01],
                                                         [LON + 0.01, LAT], [LON, LAT]]]}}
CIRCLE = {"type": "Feature", "properties": {"radius": 250.5},
          "geometry": {"type": "Point", "coordinates": [LON, LAT]}}
MARKER = {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [LON, LAT]}}
LINE = {"type": "Feature", "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[LON, LAT], [LON + 0.01, LAT]]}}


def test_rectangle_and_circle__metres_in_25832():
    shapes = drawn_shapes([RECT, MARKER, CIRCLE, LINE])
    assert [s.kind for s in shapes] == ["polygon", "radius"]
    poly, circle = shapes
    # the geodesic area of the same rectangle (pyproj.Geod), against the projected one:
    # UTM 32 at 10.6° E is close to true scale (scale factor ~0.9996–1.0 there)
    lons = [c[0] for c in RECT["geometry"]["coordinates"][0]]
    lats = [c[1] for c in RECT["geometry"]["coordinates"][0]]
    geodesic, _ = Geod(ellps="GRS80").polygon_area_perimeter(lons, lats)
    assert poly.geometry.area == pytest.approx(abs(geodesic), rel=0.002)
    assert 599_000 < poly.geometry.centroid.x < 601_000 and 6_188_000 < poly.geometry.centroid.y < 6_190_000
    assert circle.radius_m == 250.5 and circle.geometry.geom_type == "Point"
    assert circle.geometry.distance(poly.geometry.exterior) < 1  # the circle sits on the rectangle's corner


def test_last_polygon__none_without_one():
    assert last_drawn_polygon([CIRCLE, MARKER]) is None
    assert last_drawn_polygon(None) is None
    assert last_drawn_polygon([RECT]).area > 600_000


@pytest.mark.parametrize(("feature", "message"), [
    ({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.5]]]}}, "outside Denmark"),
    ({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[LON, LAT], [LON + 0.01, LAT + 0.01], [LON + 0.01, LAT + 0.01], [LON, LAT]]]}}, "not an area"),
    ({"type": "Feature", "properties": {"radius": 0}, "geometry": {"type": "Point", "coordinates": [LON, LAT]}},
     "radius above 0"),
])
def test_bad_drawings__named_and_refused(feature, message):
    with pytest.raises(ValueError, match=message) as err:
        drawn_shapes([RECT, feature])
    assert "drawing 2" in str(err.value)

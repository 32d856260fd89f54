"""Shapes drawn on a web map (Leaflet.draw through streamlit-folium) in EPSG:25832.

streamlit-folium returns the drawings as GeoJSON features in WGS84 (``all_drawings``);
Leaflet.draw's circle arrives as a ``Point`` with ``properties.radius`` in metres (GeoJSON
has no circle). This module turns them into what the repository stores: polygons and
(centre, radius) pairs in metres. Pure: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import shapely
from shapely.geometry import shape

from geo.crs import in_denmark, lonlat_to_xy


class DrawnShape(NamedTuple):
    """One drawing: ``kind`` ``polygon`` (``geometry`` a polygon) or ``radius``
    (``geometry`` the centre point, ``radius_m`` metres), EPSG:25832."""

    kind: str
    geometry: shapely.Geometry
    radius_m: float | None = None


def _to_work(geom: shapely.Geometry) -> shapely.Geometry:
    def xy(coords: np.ndarray) -> np.ndarray:
        x, y = lonlat_to_xy(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, xy)


def drawn_shapes(features: Iterable[dict] | None) -> list[DrawnShape]:
    """Polygons, rectangles and circles among ``features`` (``all_drawings``), in drawing
    order; lines and markers are ignored. Raises ``ValueError`` naming the drawing when one
    lies outside Denmark or is not a valid area."""
    out: list[DrawnShape] = []
    for i, f in enumerate(features or [], start=1):
        geom_json = (f or {}).get("geometry") or {}
        kind = geom_json.get("type")
        if kind not in ("Polygon", "MultiPolygon", "Point"):
            continue
        radius = ((f or {}).get("properties") or {}).get("radius")
        if kind == "Point" and radius is None:
            continue  # a marker, not a circle
        g = shape(geom_json)
        minx, miny, maxx, maxy = g.bounds
        if not in_denmark(minx, miny, maxx, maxy, lonlat=True):
            raise ValueError(f"drawing {i} lies outside Denmark ({minx:.3f}, {miny:.3f}); draw it over the municipality")
        if kind == "Point":
            r = float(radius)
            if not np.isfinite(r) or r <= 0:
                raise ValueError(f"drawing {i}: a circle needs a radius above 0 m, got {radius!r}")
            out.append(DrawnShape("radius", _to_work(g), r))
            continue
        w = shapely.make_valid(_to_work(g))
        polys = [p for p in getattr(w, "geoms", [w]) if p.geom_type in ("Polygon", "MultiPolygon")]
        if not polys or w.area <= 0:
            raise ValueError(f"drawing {i} is not an area (it has no inside); draw at least three corners")
        out.append(DrawnShape("polygon", shapely.union_all(polys)))
    return out


def last_drawn_polygon(features: Iterable[dict] | None) -> shapely.Geometry | None:
    """The last polygon (or rectangle) drawn, EPSG:25832, or ``None``."""
    polys = [d.geometry for d in drawn_shapes(features) if d.kind == "polygon"]
    return polys[-1] if polys else None

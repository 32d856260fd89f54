"""Coordinate reference systems: EPSG:25832 metres inside, EPSG:4326 only to draw.

Every geometry that enters :mod:`geo` or :mod:`detection` is checked with
:func:`require_crs` or converted with :func:`to_work_crs`; map builders call
:func:`to_display_crs` as their last step.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import Transformer

from geo.errors import GeoInputError

WORK_CRS = "EPSG:25832"
"""ETRS89 / UTM zone 32N, metres: the CRS of all computation."""

DISPLAY_CRS = "EPSG:4326"
"""WGS 84 longitude/latitude: only for the web map."""

_TO_WORK = Transformer.from_crs(DISPLAY_CRS, WORK_CRS, always_xy=True)
_TO_DISPLAY = Transformer.from_crs(WORK_CRS, DISPLAY_CRS, always_xy=True)

DENMARK_BOUNDS: tuple[float, float, float, float] = (380_000.0, 6_000_000.0, 900_000.0, 6_450_000.0)
"""Denmark's extent in EPSG:25832 (``minx, miny, maxx, maxy``; generous, Bornholm included):
coordinates outside are a mistake or a wrong CRS. The one definition of it."""

DENMARK_BOUNDS_LONLAT: tuple[float, float, float, float] = tuple(
    round(v, 2) for v in _TO_DISPLAY.transform_bounds(*DENMARK_BOUNDS))
"""The same extent in longitude/latitude (for drawings and the map's default view)."""


def in_denmark(minx: float, miny: float, maxx: float | None = None, maxy: float | None = None, *,
               lonlat: bool = False) -> bool:
    """Whether a point (``minx, miny``) or a box lies inside :data:`DENMARK_BOUNDS`
    (or :data:`DENMARK_BOUNDS_LONLAT` with ``lonlat``); NaN is outside."""
    bx0, by0, bx1, by1 = DENMARK_BOUNDS_LONLAT if lonlat else DENMARK_BOUNDS
    maxx = minx if maxx is None else maxx
    maxy = miny if maxy is None else maxy
    return bool(bx0 <= minx and maxx <= bx1 and by0 <= miny and maxy <= by1)


def require_crs(gdf: gpd.GeoDataFrame, *, expected: str = WORK_CRS, what: str = "data") -> None:
    """Raise unless ``gdf`` is in ``expected``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> require_crs(gpd.GeoDataFrame(geometry=[Point(1, 2)], crs=4326), what="x")
    Traceback (most recent call last):
    ...
    geo.errors.GeoInputError: x is in EPSG:4326, expected EPSG:25832; call geo.crs.to_work_crs first
    """
    if gdf.crs is None:
        raise GeoInputError(f"{what} has no CRS, expected {expected}; set it with .set_crs(...)")
    if not gdf.crs.equals(expected):
        got = gdf.crs.to_string()
        raise GeoInputError(
            f"{what} is in {got}, expected {expected}; call geo.crs.to_work_crs first"
        )


def to_work_crs(gdf: gpd.GeoDataFrame, *, what: str = "data") -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in EPSG:25832. A frame without CRS is refused."""
    if gdf.crs is None:
        raise GeoInputError(f"{what} has no CRS; the file must say which CRS it is in")
    return gdf.to_crs(WORK_CRS)


def to_display_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in EPSG:4326 for drawing."""
    require_crs(gdf)
    return gdf.to_crs(DISPLAY_CRS)


def lonlat_to_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude (degrees) to EPSG:25832 easting/northing (metres)."""
    x, y = _TO_WORK.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def xy_to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:25832 easting/northing (metres) to longitude/latitude (degrees)."""
    lon, lat = _TO_DISPLAY.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon), np.asarray(lat)

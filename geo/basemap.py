"""A light base map from the workspace's own data, so every map is readable without internet.

The workspace stores its walking network (OSM ways with their ``highway`` class), its
boundary, its area layers and its entrances. :func:`build_base_layers` turns them into a
small base layer in EPSG:4326:

- **land**: the municipality (the boundary, simplified), a light fill; outside it the map
  keeps a neutral blue-grey, which on an island such as Samsø is the sea;
- **built-up**: the cells of a grid (``built_cell_m``) holding a building or entrance,
  merged into polygons — the built-up areas of a topographic map, with no address in them;
- **roads**: one merged, simplified multi-line per class (:data:`ROAD_CLASSES`);
- **places**: the names of the first area layer (parishes carry the village names), placed
  on the area's densest built-up cell; **streets**: one label per street name, shown only
  when zoomed in.

Lines are encoded as polylines (precision 1e-5°, ≈ 1 m), so the Samsø demo's base layer is
≈ 0.1 MB where the same lines as GeoJSON are several times larger (``bench/basemap.py``).
:func:`add_base_map` draws it in a pane of its own below every overlay (``opsporBase``,
z-index 150, no pointer events; labels in ``opsporBaseLabels``, z-index 450, no pointer
events), so it never catches a click or a hover and never hides a layer's tooltip.

Pure: no Streamlit, no files. The payload is built once per workspace version by the
repository (``Repository.base_map_layers``) and only embedded here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from geo.crs import WORK_CRS, require_crs, to_display_crs

BASEMAP_FORMAT = 2
"""Raised when :func:`build_base_layers` draws differently, so published copies are rebuilt."""

BASEMAP_ATTRIBUTION = "© OpenStreetMap-bidragydere (ODbL), © SDFI/DAGI (CC BY 4.0)"
"""One line: the roads come from OSM, the boundary and parishes from DAGI."""

ROAD_CLASSES: dict[str, tuple[str, ...]] = {
    "major": ("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
              "secondary", "secondary_link", "tertiary", "tertiary_link"),
    "minor": ("residential", "unclassified", "living_street", "road", "pedestrian", "busway"),
    "track": ("service", "track"),
    "path": ("path", "footway", "cycleway", "steps", "bridleway", "corridor"),
}
"""Road class → the OSM ``highway`` values drawn in it (anything else falls into ``track``)."""

CLASS_OF_HIGHWAY: dict[str, str] = {hw: cls for cls, hws in ROAD_CLASSES.items() for hw in hws}

TILE_URL_PATTERN = re.compile(r"^https://[^\s\"'<>]+$")
_LOCAL_URL = re.compile(r"^/(?![/.])[A-Za-z0-9_./-]+$")


@dataclass(frozen=True)
class BaseMapOptions:
    """How much detail the base layer keeps (metres in EPSG:25832).

    Parameters
    ----------
    road_tolerance_m : float
        ``shapely.simplify`` tolerance of the merged roads; 3 m is below a pixel up to zoom 15.
    land_tolerance_m : float
        Tolerance of the land (boundary) outline.
    built_cell_m : float
        Side of the grid cells that make the built-up areas.
    built_tolerance_m : float
        Tolerance of the built-up outlines (scaled with the cell when it is doubled).
    max_built_cells : int
        At most this many built-up cells: past it the cell side is doubled until it fits
        (:func:`built_cell_size`), so a city's built-up layer stays a few hundred KB.
    max_places : int
        At most this many place names (the areas with most built-up cells first).
    max_streets : int
        At most this many street labels (the streets with most entrances first).
    """

    road_tolerance_m: float = 3.0
    land_tolerance_m: float = 10.0
    built_cell_m: float = 50.0
    built_tolerance_m: float = 5.0
    max_built_cells: int = 60_000
    max_places: int = 12
    max_streets: int = 600

    def __post_init__(self) -> None:
        for name in ("road_tolerance_m", "land_tolerance_m", "built_cell_m", "built_tolerance_m"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and np.isfinite(value) and value > 0):
                raise ValueError(f"The {name!r} parameter of BaseMapOptions must be > 0. Got {value!r} instead.")
        for name in ("max_places", "max_streets", "max_built_cells"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 0):
                raise ValueError(f"The {name!r} parameter of BaseMapOptions must be an int >= 0. "
                                 f"Got {value!r} instead.")


@dataclass(frozen=True)
class TileService:
    """A web tile service drawn above the offline base layer (off unless configured).

    ``url`` is an XYZ template in Web Mercator (``{z}``, ``{x}``, ``{y}``), https only.
    """

    url: str
    attribution: str = "© SDFI/GeoDanmark"
    max_zoom: int = 19

    def __post_init__(self) -> None:
        if not TILE_URL_PATTERN.match(self.url) or not all(k in self.url for k in ("{z}", "{x}", "{y}")):
            raise ValueError(f"the tile service URL must be https and hold {{z}}, {{x}} and {{y}}; got {self.url!r} "
                             "(see docs/deploy.md, OPSPOR_TILE_URL)")


@dataclass(frozen=True)
class BaseLayers:
    """The encoded base layer of one workspace version (see :func:`build_base_layers`).

    ``payload`` is the JSON the map script reads; ``sizes`` gives its bytes per part
    (``land``, ``built``, ``roads.<class>``, ``places``, ``streets``); ``bounds`` the
    municipality as ``(west, south, east, north)`` in degrees, or ``None`` when unknown.
    """

    payload: str
    sizes: tuple[tuple[str, int], ...]
    bounds: tuple[float, float, float, float] | None
    attribution: str = BASEMAP_ATTRIBUTION
    tiles: TileService | None = None
    counts: tuple[tuple[str, int], ...] = field(default=())
    url: str | None = None

    @property
    def size_bytes(self) -> int:
        """Bytes of the payload as embedded in the map (UTF-8)."""
        return len(self.payload.encode("utf-8"))

    def add_to(self, m: folium.Map, *, fit: bool = True) -> folium.Map:
        """Draw this base layer on ``m``: :func:`add_base_map` as a method, so a page needs no import."""
        return add_base_map(m, self, fit=fit)

    def with_tiles(self, tiles: TileService | None) -> BaseLayers:
        """The same layers with ``tiles`` drawn above them (``None``: offline only)."""
        return replace(self, tiles=tiles)

    def with_url(self, url: str | None) -> BaseLayers:
        """The same layers, fetched by the map from ``url`` (the payload published as a file of
        the app's own host) instead of embedded in every map; ``None``: embedded."""
        if url is not None and not _LOCAL_URL.match(url):
            raise ValueError(f"the base map URL must be a path on the app's own host; got {url!r}")
        return replace(self, url=url)


# ----------------------------------------------------------------------------- encoding


def encode_polyline(lonlat: np.ndarray) -> str:
    """Encode ``(n, 2)`` lon/lat degrees with Google's polyline algorithm (precision 1e-5).

    The string holds lat, lon pairs as the algorithm defines; :func:`decode_polyline` reverses it.

    >>> encode_polyline(np.array([[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]]))
    '_p~iF~ps|U_ulLnnqC_mqNvxq`@'
    """
    pts = np.round(np.asarray(lonlat, dtype=float)[:, ::-1] * 1e5).astype(np.int64)
    if len(pts) == 0:
        return ""
    deltas = np.diff(pts, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    out: list[str] = []
    for v in deltas.tolist():
        v = ~(v << 1) if v < 0 else v << 1
        while v >= 0x20:
            out.append(chr((0x20 | (v & 0x1F)) + 63))
            v >>= 5
        out.append(chr(v + 63))
    return "".join(out)


def decode_polyline(text: str) -> np.ndarray:
    """The ``(n, 2)`` lon/lat degrees of an encoded polyline (the inverse of :func:`encode_polyline`)."""
    values: list[int] = []
    shift = result = 0
    for ch in text:
        b = ord(ch) - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    arr = np.cumsum(np.array(values, dtype=np.int64).reshape(-1, 2), axis=0) / 1e5
    return arr[:, ::-1]


def _lines_of(geom) -> list[np.ndarray]:
    if geom is None or geom.is_empty:
        return []
    parts = shapely.get_parts(geom)
    return [shapely.get_coordinates(p) for p in parts if not p.is_empty and len(shapely.get_coordinates(p)) >= 2]


def _rings_of(geom) -> list[list[np.ndarray]]:
    """Polygons as lists of rings (exterior first) of lon/lat coordinates."""
    if geom is None or geom.is_empty:
        return []
    out = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        out.append([shapely.get_coordinates(poly.exterior)]
                   + [shapely.get_coordinates(r) for r in poly.interiors])
    return out


def _to_lonlat(geom) -> shapely.Geometry:
    return to_display_crs(gpd.GeoDataFrame(geometry=[geom], crs=WORK_CRS)).geometry.iloc[0]


# ----------------------------------------------------------------------------- building


def road_class(highway: str) -> str:
    """The drawing class of an OSM ``highway`` value (``track`` for unknown values)."""
    return CLASS_OF_HIGHWAY.get(str(highway), "track")


def merged_roads(edges: gpd.GeoDataFrame, *, tolerance_m: float) -> dict[str, shapely.Geometry]:
    """One merged (``line_merge``) and simplified line geometry per road class, EPSG:25832.

    ``edges`` has ``highway`` and line ``geometry`` in EPSG:25832 (rows without geometry are
    skipped). Classes without edges are left out.
    """
    require_crs(edges, what="network edges")
    e = edges[edges.geometry.notna() & ~edges.geometry.is_empty]
    cls = e["highway"].astype(str).map(road_class)
    out: dict[str, shapely.Geometry] = {}
    for name in ROAD_CLASSES:
        geoms = e.geometry[cls == name].to_numpy()
        if len(geoms) == 0:
            continue
        merged = shapely.line_merge(shapely.multilinestrings(shapely.get_parts(geoms)))
        out[name] = shapely.simplify(merged, tolerance_m, preserve_topology=False)
    return out


def built_cell_size(points: pd.DataFrame, *, cell_m: float, max_cells: int) -> float:
    """The cell side for :func:`built_up`: ``cell_m``, doubled until at most ``max_cells``
    cells hold a point (a city's 150k entrances fill 90k cells of 50 m, 50k of 100 m)."""
    xy = points[["x", "y"]].dropna().to_numpy(float)
    size = float(cell_m)
    while len(xy) and max_cells > 0 and len(np.unique(np.floor(xy / size).astype(np.int64), axis=0)) > max_cells:
        size *= 2
    return size


def built_up(points: pd.DataFrame, *, cell_m: float, tolerance_m: float) -> shapely.Geometry:
    """The union of the ``cell_m`` grid cells that hold a point (``x``, ``y`` in EPSG:25832),
    corners softened and simplified; an empty polygon when there are no points.

    The union is one ``coverage_union_all`` (the cells are an edge-matched coverage); the
    softening and simplifying then run per polygon, vectorised. Done on the whole
    multi-polygon they took minutes on a city (``simplify`` with topology kept is far
    from linear in the size of one geometry: 318 s for 28k polygons, bench/RESULTS.md)."""
    xy = points[["x", "y"]].dropna().to_numpy(float)
    if len(xy) == 0:
        return shapely.Polygon()
    cells = np.unique(np.floor(xy / cell_m).astype(np.int64), axis=0)
    boxes = shapely.box(cells[:, 0] * cell_m, cells[:, 1] * cell_m, (cells[:, 0] + 1) * cell_m,
                        (cells[:, 1] + 1) * cell_m)
    parts = shapely.get_parts(shapely.coverage_union_all(boxes))
    r = cell_m * 0.3
    soft = shapely.buffer(shapely.buffer(parts, r, quad_segs=2), -r, quad_segs=2)
    soft = shapely.simplify(soft, tolerance_m)
    polys = shapely.get_parts(soft[~shapely.is_empty(soft)])
    polys = polys[shapely.get_type_id(polys) == 3]
    return shapely.multipolygons(polys) if len(polys) > 1 else (polys[0] if len(polys) else shapely.Polygon())


def place_labels(areas: gpd.GeoDataFrame | None, points: pd.DataFrame, *, cell_m: float,
                 limit: int) -> list[tuple[str, float, float, int]]:
    """``(name, x, y, rank)`` for up to ``limit`` areas: at the area's densest ``cell_m`` cell
    (its village), else at a point inside it; rank 1 has the most points."""
    if areas is None or len(areas) == 0 or limit == 0:
        return []
    require_crs(areas, what="areas")
    xy = points[["x", "y"]].dropna().to_numpy(float)
    rows = []
    for name, geom in zip(areas["name"].astype(str), areas.geometry, strict=True):
        if geom is None or geom.is_empty or not name.strip():
            continue
        inside = xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])] if len(xy) else xy
        if len(inside):
            cells, counts = np.unique(np.floor(inside / (cell_m * 4)).astype(np.int64), axis=0,
                                      return_counts=True)
            best = cells[np.argmax(counts)]
            sel = inside[(np.floor(inside / (cell_m * 4)).astype(np.int64) == best).all(axis=1)]
            x, y = np.median(sel, axis=0)
        else:
            p = geom.representative_point()
            x, y = p.x, p.y
        rows.append((name.strip(), float(x), float(y), len(inside)))
    rows.sort(key=lambda r: -r[3])
    return [(n, x, y, i + 1) for i, (n, x, y, _) in enumerate(rows[:limit])]


def street_labels(streets: pd.DataFrame | None, *, limit: int) -> list[tuple[str, float, float]]:
    """``(street, x, y)``: one label per street name, at its entrance nearest the street's
    median point; the ``limit`` streets with most entrances."""
    if streets is None or len(streets) == 0 or limit == 0:
        return []
    s = streets[["street", "x", "y"]].dropna()
    s = s[s["street"].astype(str).str.strip() != ""].reset_index(drop=True)
    if s.empty:
        return []
    # one grouped pass (a loop over the streets, each filtering every entrance, took seconds
    # on a city): the entrance nearest its street's median point, the first such on a tie
    by = s.groupby("street", sort=True)
    med = by[["x", "y"]].transform("median")
    dist = ((s["x"] - med["x"]) ** 2 + (s["y"] - med["y"]) ** 2).to_numpy()
    s = s.assign(_d=dist)
    nearest = s.loc[s.groupby("street", sort=True)["_d"].idxmin()].set_index("street")
    sizes = by.size().sort_values(ascending=False, kind="stable")
    return [(str(name).strip(), float(nearest.at[name, "x"]), float(nearest.at[name, "y"]))
            for name in sizes.index[:limit]]


def build_base_layers(*, boundary: gpd.GeoDataFrame, edges: gpd.GeoDataFrame | None = None,
                      points: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None,
                      streets: pd.DataFrame | None = None,
                      options: BaseMapOptions | None = None) -> BaseLayers:
    """The base layer of a workspace, encoded for :func:`add_base_map`.

    Parameters
    ----------
    boundary : GeoDataFrame
        The municipality in EPSG:25832 (may be empty: no land, no fitted bounds).
    edges : GeoDataFrame, optional
        Network edges: ``highway`` and line ``geometry`` in EPSG:25832.
    points : DataFrame, optional
        ``x``, ``y`` (EPSG:25832) of buildings or entrances: the built-up areas.
    areas : GeoDataFrame, optional
        ``name`` and polygon ``geometry`` (EPSG:25832): the place names.
    streets : DataFrame, optional
        ``street``, ``x``, ``y`` of entrances: the street labels.
    options : BaseMapOptions, optional

    Returns
    -------
    BaseLayers
    """
    opt = options or BaseMapOptions()
    require_crs(boundary, what="boundary")
    pts = points if points is not None else pd.DataFrame(columns=["x", "y"])
    payload: dict[str, object] = {"v": 1}
    counts: dict[str, int] = {}

    land = shapely.union_all(boundary.geometry.dropna().to_numpy()) if len(boundary) else shapely.Polygon()
    bounds = None
    if not land.is_empty:
        land4326 = _to_lonlat(shapely.simplify(land, opt.land_tolerance_m))
        payload["land"] = [[encode_polyline(r) for r in poly] for poly in _rings_of(land4326)]
        w, s, e, n = _to_lonlat(land).bounds
        bounds = (round(w, 6), round(s, 6), round(e, 6), round(n, 6))
        payload["bounds"] = [[bounds[1], bounds[0]], [bounds[3], bounds[2]]]
    cell = built_cell_size(pts, cell_m=opt.built_cell_m, max_cells=opt.max_built_cells)
    built = built_up(pts, cell_m=cell, tolerance_m=opt.built_tolerance_m * cell / opt.built_cell_m)
    if not built.is_empty:
        polys = _rings_of(_to_lonlat(built))
        payload["built"] = [[encode_polyline(r) for r in poly] for poly in polys]
        counts["built"] = len(polys)
    roads: dict[str, list[str]] = {}
    if edges is not None and len(edges):
        for cls, geom in merged_roads(edges, tolerance_m=opt.road_tolerance_m).items():
            lines = _lines_of(_to_lonlat(geom))
            roads[cls] = [encode_polyline(c) for c in lines]
            counts[f"roads.{cls}"] = len(lines)
            counts[f"vertices.{cls}"] = int(sum(len(c) for c in lines))
    payload["roads"] = roads
    places = place_labels(areas, pts, cell_m=opt.built_cell_m, limit=opt.max_places)
    payload["places"] = _labels_lonlat([(n, x, y) for n, x, y, _ in places], [r for *_, r in places])
    street = street_labels(streets, limit=opt.max_streets)
    payload["streets"] = _labels_lonlat(street, None)
    counts["places"], counts["streets"] = len(places), len(street)

    sizes = {k: len(_dumps(v)) for k, v in payload.items() if k in ("land", "built", "places", "streets")}
    sizes.update({f"roads.{k}": len(_dumps(v)) for k, v in roads.items()})
    return BaseLayers(payload=_dumps(payload), sizes=tuple(sorted(sizes.items())), bounds=bounds,
                      counts=tuple(sorted(counts.items())))


def _labels_lonlat(rows: Sequence[tuple[str, float, float]], ranks: Sequence[int] | None) -> list[list]:
    if not rows:
        return []
    xy = np.array([[x, y] for _, x, y in rows], dtype=float)
    g = to_display_crs(gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=WORK_CRS))
    out = []
    for i, ((name, _, _), p) in enumerate(zip(rows, g.geometry, strict=True)):
        item: list = [name, round(p.y, 5), round(p.x, 5)]
        if ranks is not None:
            item.append(int(ranks[i]))
        out.append(item)
    return out


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_IN_STRING = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
              ("\u2029", "\\u2029"))
_TEMPLATE_OPENER = re.compile(r"\{(?=[{%#])")


def _escape_string(match: re.Match) -> str:
    text = match.group(0)
    for ch, esc in _IN_STRING:
        text = text.replace(ch, esc)
    return _TEMPLATE_OPENER.sub(r"\\u007b", text)


def _dumps(value: object) -> str:
    """Compact JSON safe inside a ``<script>`` element and inside a template: no ``<``, ``>``,
    ``&``, U+2028/9, and no ``{{``, ``{%`` or ``{#`` in a string (encoded polylines hold ``{``, and
    branca reads a rendered script again as a Jinja template, where those would open a tag)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _JSON_STRING.sub(_escape_string, text)


def naive_geojson(*, boundary: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> str:
    """The baseline :func:`build_base_layers` is measured against (``bench/basemap.py``): every
    edge as its own GeoJSON feature with its class, plus the boundary, as folium would embed them."""
    e = to_display_crs(edges[["highway", "geometry"]])
    b = to_display_crs(boundary)
    return json.dumps({"edges": json.loads(e.to_json()), "land": json.loads(b.to_json())})


# ----------------------------------------------------------------------------- drawing

ROAD_STYLE: Mapping[str, Mapping[str, object]] = {
    # casing (under) and fill (over), in the order drawn; min zoom at which the class shows
    "path": {"min_zoom": 14, "casing": None, "fill": {"color": "#9c8f7a", "weight": 1, "dashArray": "3 3"}},
    "track": {"min_zoom": 13, "casing": None, "fill": {"color": "#b3a995", "weight": 1.2}},
    "minor": {"min_zoom": 0, "casing": {"color": "#bdb6aa", "weight": 3.5},
              "fill": {"color": "#ffffff", "weight": 2.2}},
    "major": {"min_zoom": 0, "casing": {"color": "#b08f4e", "weight": 5},
              "fill": {"color": "#fbe3a6", "weight": 3.2}},
}

_BASEMAP_TEMPLATE = """
{% macro header(this, kwargs) %}
<style>
.leaflet-container.opspor-basemap { background: #d9e5ec; }
.opspor-base-label { background: transparent; border: none; }
.opspor-base-label span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  color: #2b2b2b; font: 600 13px/1.2 sans-serif; letter-spacing: .02em;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; pointer-events: none; }
.opspor-base-label.opspor-place-1 span, .opspor-base-label.opspor-place-2 span { font-size: 15px; }
.opspor-base-label.opspor-street span { font: italic 400 11px/1.2 sans-serif; color: #3a3a3a; }
.opspor-z-lt12 .opspor-place-minor, .opspor-z-lt15 .opspor-street { display: none; }
.opspor-tiles-ok .opspor-base-label { display: none; }
.leaflet-marker-icon.opspor-label-hidden, .opspor-base-label.opspor-label-hidden { visibility: hidden; }
.leaflet-control-attribution { white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  max-width: calc(100vw - 120px); }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var styles = {{ this.styles }};
  function decode(s) {
    var pts = [], i = 0, lat = 0, lng = 0;
    while (i < s.length) {
      var b, shift = 0, result = 0;
      do { b = s.charCodeAt(i++) - 63; result |= (b & 31) << shift; shift += 5; } while (b >= 32);
      lat += (result & 1) ? ~(result >> 1) : (result >> 1);
      shift = 0; result = 0;
      do { b = s.charCodeAt(i++) - 63; result |= (b & 31) << shift; shift += 5; } while (b >= 32);
      lng += (result & 1) ? ~(result >> 1) : (result >> 1);
      pts.push([lat / 1e5, lng / 1e5]);
    }
    return pts;
  }
  function pane(name, z) {
    var p = map.getPane(name) || map.createPane(name);
    p.style.zIndex = z; p.style.pointerEvents = 'none';
    return p;
  }
  pane('opsporBase', 150); pane('opsporBaseLabels', 450);
  L.DomUtil.addClass(map.getContainer(), 'opspor-basemap');
  var byZoom = [];
  function draw(data) {
    var renderer = L.svg({pane: 'opsporBase', padding: 0.5});
    var common = {pane: 'opsporBase', renderer: renderer, interactive: false, bubblingMouseEvents: false};
    function polys(list) { return list.map(function (p) { return p.map(decode); }); }
    if (data.land) {
      L.polygon(polys(data.land), L.extend({stroke: false, fillColor: '#f6f3ec', fillOpacity: 1}, common)).addTo(map);
    }
    if (data.built) {
      L.polygon(polys(data.built), L.extend({stroke: false, fillColor: '#e2ddd3', fillOpacity: 1}, common)).addTo(map);
    }
    ['path', 'track', 'minor', 'major'].forEach(function (cls) {
      var lines = (data.roads[cls] || []).map(decode);
      if (!lines.length) { return; }
      var st = styles[cls];
      [st.casing, st.fill].forEach(function (s) {
        if (!s) { return; }
        var layer = L.polyline(lines, L.extend({lineCap: 'round', lineJoin: 'round', smoothFactor: 1.2,
                                                className: 'opspor-road opspor-road-' + cls}, s, common));
        byZoom.push([st.min_zoom, layer]);
      });
    });
    function label(item, cls) {
      var span = document.createElement('span');
      span.textContent = item[0];
      var icon = L.divIcon({html: span, className: 'opspor-base-label ' + cls, iconSize: [0, 0]});
      return L.marker([item[1], item[2]], {icon: icon, pane: 'opsporBaseLabels', interactive: false,
                                           keyboard: false}).addTo(map);
    }
    (data.places || []).forEach(function (p) {
      label(p, 'opspor-place opspor-place-' + p[3] + (p[3] > 3 ? ' opspor-place-minor' : ''));
    });
    (data.streets || []).forEach(function (s) { label(s, 'opspor-street'); });
    map.whenReady(onZoom); later();
  }
  function onZoom() {
    var z = map.getZoom(), c = map.getContainer();
    byZoom.forEach(function (e) {
      if (z >= e[0]) { if (!map.hasLayer(e[1])) { e[1].addTo(map); } }
      else if (map.hasLayer(e[1])) { map.removeLayer(e[1]); }
    });
    [12, 15].forEach(function (lim) {
      if (z < lim) { L.DomUtil.addClass(c, 'opspor-z-lt' + lim); } else { L.DomUtil.removeClass(c, 'opspor-z-lt' + lim); }
    });
  }
  map.on('zoomend', onZoom);
  map.whenReady(onZoom);
  // Labels that do not pile up: the page's text labels (folium DivIcons, class "empty") in
  // their order, then the place and street names; one that would overlap a label already
  // shown is hidden until the view changes (its area keeps its tooltip).
  function overlaps(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }
  function place(el, box, shown) {
    L.DomUtil.removeClass(el, 'opspor-label-hidden');
    var r = box.getBoundingClientRect();
    if (!r.width || !r.height) { return; }
    if (shown.some(function (s) { return overlaps(s, r); })) { L.DomUtil.addClass(el, 'opspor-label-hidden'); }
    else { shown.push(r); }
  }
  function declutter() {
    var shown = [];
    map.getPane('markerPane').querySelectorAll('.leaflet-marker-icon.empty').forEach(function (el) {
      place(el, el.firstElementChild || el, shown);
    });
    map.getPane('opsporBaseLabels').querySelectorAll('.opspor-base-label').forEach(function (el) {
      place(el, el.firstElementChild || el, shown);
    });
  }
  var pending = null;
  function later() { if (pending) { clearTimeout(pending); } pending = setTimeout(declutter, 60); }
  map.on('zoomend moveend viewreset resize layeradd layerremove', later);
  map.whenReady(later);
  // streamlit-folium sizes the frame and the map after the script ran; look again then
  if (window.ResizeObserver) { new ResizeObserver(later).observe(map.getContainer()); }
  [400, 1200, 3000].forEach(function (ms) { setTimeout(declutter, ms); });
  {% if this.url %}
  // the payload is a file of the app's own host (ui/basemap.py), cached by the browser,
  // so a city's base map crosses the wire once per browser instead of once per map
  fetch({{ this.url|tojson }}, {credentials: 'same-origin'})
    .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
    .then(draw)
    .catch(function (e) { console.error('Opspor base map not loaded: ' + e); });
  {% else %}
  draw({{ this.payload }});
  {% endif %}
  {% if this.tiles_url %}
  var tiles = L.tileLayer({{ this.tiles_url|tojson }}, {maxZoom: {{ this.tiles_max_zoom }},
                          attribution: {{ this.tiles_attribution|tojson }}}).addTo(map);
  tiles.once('tileload', function () { L.DomUtil.addClass(map.getContainer(), 'opspor-tiles-ok'); });
  {% endif %}
  if (map.attributionControl) {
    map.attributionControl.addAttribution({{ this.attribution|tojson }});
    var ac = map.attributionControl.getContainer();
    ac.title = ac.textContent;
    map.on('layeradd', function () { ac.title = ac.textContent; });
  }
})();
{% endmacro %}
"""

_FIT_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  // Keep the view that the map was fitted to when the frame changes size (streamlit-folium
  // sizes its iframe after the script ran), until the user pans or zooms.
  var map = {{ this._parent.get_name() }};
  // quarter zoom steps when fitting: whole steps leave an island like Samsø at half the height
  map.options.zoomSnap = 0.25;
  var fit = map.fitBounds, last = null, fitting = false, moved = false;
  map.fitBounds = function (b, o) {
    last = [b, L.extend({padding: [12, 12]}, o || {}, {animate: false})];
    fitting = true;
    try { return fit.call(this, last[0], last[1]); } finally { fitting = false; }
  };
  map.on('dragstart', function () { moved = true; });
  map.on('zoomstart', function () { if (!fitting) { moved = true; } });
  function refit() {
    if (!last || moved) { return; }
    fitting = true;
    try { map.invalidateSize({pan: false}); fit.call(map, last[0], last[1]); } finally { fitting = false; }
  }
  map.on('resize', refit);
  window.addEventListener('load', refit);
  {% if this.bounds %}
  map.fitBounds({{ this.bounds|tojson }});
  {% endif %}
})();
{% endmacro %}
"""


class _BaseMap(MacroElement):
    _template = Template(_BASEMAP_TEMPLATE)

    def __init__(self, layers: BaseLayers) -> None:
        super().__init__()
        self._name = "OpsporBaseMap"
        self.url = layers.url
        self.payload = None if layers.url else layers.payload
        self.styles = json.dumps(ROAD_STYLE)
        self.attribution = layers.attribution
        self.tiles_url = layers.tiles.url if layers.tiles else None
        self.tiles_attribution = layers.tiles.attribution if layers.tiles else None
        self.tiles_max_zoom = int(layers.tiles.max_zoom) if layers.tiles else 19


class _KeepFit(MacroElement):
    _template = Template(_FIT_TEMPLATE)

    def __init__(self, bounds: list | None) -> None:
        super().__init__()
        self._name = "OpsporKeepFit"
        self.bounds = bounds


_BASE_KEY = "opspor_base_map"
_FIT_KEY = "opspor_keep_fit"


def add_base_map(m: folium.Map, layers: BaseLayers | None, *, fit: bool = True) -> folium.Map:
    """Draw ``layers`` under every overlay of ``m`` and keep the municipality in view.

    Call it right after ``folium.Map(...)`` (any order works: the layer lives in its own
    pane). With ``fit`` the map first fits the municipality; a later ``fit_bounds`` of the
    page wins, and whichever bounds were fitted last are fitted again when the frame
    changes size, until the user pans or zooms. ``None`` adds nothing. Calling it again
    replaces the earlier base layer. Returns ``m``.
    """
    if layers is None:
        return m
    for key in (_BASE_KEY, _FIT_KEY):
        m._children.pop(key, None)
    bounds = None
    if fit and layers.bounds is not None:
        w, s, e, n = layers.bounds
        bounds = [[s, w], [n, e]]
    # first child: its script wraps fitBounds before any other element calls it
    m.add_child(_KeepFit(bounds), name=_FIT_KEY, index=0)
    m.add_child(_BaseMap(layers), name=_BASE_KEY)
    return m

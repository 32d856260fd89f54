"""Map builders: data in, a :class:`folium.Map` out (EPSG:25832 in, EPSG:4326 drawn).

The base map is the workspace's own vector layers (boundary, planning areas), so it works
without internet; web tiles are an optional overlay. Signals are drawn one
``FastMarkerCluster`` per kind (field-notes: 100k points ≈ 1.2 s, where 10k
``CircleMarker`` take 9.5 s), each marker a letter in a coloured disc so the kind is never
told by colour alone; past a few thousand, as counts per DDKN cell (:class:`SignalCells`,
issue 18), each count written in its square. Every string from data files or users is HTML-escaped before it
reaches the map (folium renders popups and tooltips as raw HTML).
"""

from __future__ import annotations

import base64
import functools
import html
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template
from folium.plugins import Draw, FastMarkerCluster

from geo.basemap import BASEMAP_ATTRIBUTION
from geo.crs import DENMARK_BOUNDS_LONLAT, require_crs, to_display_crs, xy_to_lonlat
from geo.maplang import MapLanguage, Texts, label_html, languages_of, texts_of
from geo.varint import Reader as _Reader
from geo.varint import Recent as _Recent
from geo.varint import put as _put
from geo.varint import split_repeat as _split_repeat
from geo.varint import unzz as _unzz
from geo.varint import zz as _zz

DATA_ATTRIBUTION = BASEMAP_ATTRIBUTION
"""One line (issue 15): roads and addresses © OSM contributors (ODbL 1.0), boundaries and parishes
from SDFI's DAGI 1:500.000 (CC BY 4.0); the full credits are in data/README.md."""


@dataclass(frozen=True)
class KindStyle:
    """How one signal kind is drawn: layer label, letter symbol and colour."""

    kind: str
    label: str | Texts
    """The kind's name: one text, or one per language (:mod:`geo.maplang`)."""
    symbol: str
    colour: str


_MARKER_JS = """
function (row) {
    var icon = L.divIcon({
        html: '<span class="opspor-sig" style="background:' + row[3] + '">' + row[2] + '</span>',
        className: 'opspor-sig-icon', iconSize: [22, 22], iconAnchor: [11, 11]
    });
    var tip = window.opsporPick ? window.opsporPick(row[4]) : row[4];
    var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: icon, title: tip, alt: tip});
    if (Array.isArray(row[4]) && window.opsporOnLang) {
        if (!window.opsporMarkerTips) {
            window.opsporMarkerTips = [];
            window.opsporOnLang(function () {
                window.opsporMarkerTips.forEach(function (p) {
                    var t = window.opsporPick(p[1]);
                    p[0].options.title = t; p[0].options.alt = t;
                    if (p[0]._icon) { p[0]._icon.title = t; }
                });
            });
        }
        window.opsporMarkerTips.push([marker, row[4]]);
    }
    return marker;
}
"""

_CSS = """
{% macro header(this, kwargs) %}
<style>
.opspor-sig-icon { background: transparent; border: none; }
.opspor-sig { display: inline-block; width: 22px; height: 22px; border-radius: 50%;
  color: #fff; font: bold 13px/22px sans-serif; text-align: center;
  border: 2px solid #fff; box-shadow: 0 0 0 1px #333; }
.leaflet-container { background: #eef2f4; }
.leaflet-control-layers label { font-size: 14px; }
.opspor-sig.opspor-key { width: 18px; height: 18px; font: bold 11px/18px sans-serif; border-width: 1px;
  vertical-align: middle; margin: 0 2px; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
{% endmacro %}
"""


class _StyleAndAttribution(MacroElement):
    """Marker CSS and the data attribution line."""

    _template = Template(_CSS)

    def __init__(self, attribution: str) -> None:
        super().__init__()
        self._name = "OpsporStyle"
        self.attribution = attribution


def escape_html(value: object) -> str:
    """HTML-escape, and make braces entities so no template engine sees ``{{ … }}`` or ``{% … %}``."""
    return html.escape(str(value)).replace("{", "&#123;").replace("}", "&#125;")


def _escape_frame(gdf: gpd.GeoDataFrame, cols: Sequence[str]) -> gpd.GeoDataFrame:
    out = gdf.copy()
    for c in cols:
        out[c] = out[c].astype(str).map(escape_html)
    return out


SIMPLIFY_M = 5.0
"""Polygons drawn on a map are simplified to this many metres (a pixel at zoom 14) and their
degrees rounded to 5 decimals (about a metre): a city's parishes and boundary weigh
kilobytes, not megabytes (issue 18)."""


def light_display(gdf: gpd.GeoDataFrame, tolerance_m: float = SIMPLIFY_M) -> gpd.GeoDataFrame:
    """``gdf`` (EPSG:25832) in EPSG:4326 for drawing: simplified to ``tolerance_m`` metres
    (topology kept) and rounded to 5 decimals."""
    out = gdf.copy()
    if len(out) and tolerance_m > 0:
        out = out.set_geometry(out.geometry.simplify(tolerance_m, preserve_topology=True))
    out = to_display_crs(out)
    if len(out):
        out = out.set_geometry(shapely.transform(out.geometry.to_numpy(), lambda c: np.round(c, 5)), crs=out.crs)
    return out


def build_map(
    *,
    boundary: gpd.GeoDataFrame,
    area_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    area_labels: Mapping[str, str | Texts] | None = None,
    signals: pd.DataFrame | None = None,
    kind_styles: Sequence[KindStyle] = (),
    boundary_label: str | Texts = "Kommunegrænse",
    tiles_label: str | None = None,
    attribution: str = DATA_ATTRIBUTION,
    count_text: Callable[[int], str] | Mapping[str, Callable[[int], str]] = str,
    cells: Mapping[int, pd.DataFrame] | None = None,
    view: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """A map of the workspace: boundary, area layers and one signal layer per kind.

    Parameters
    ----------
    boundary : GeoDataFrame
        Municipality boundary in EPSG:25832 (fits the view).
    area_layers : mapping of layer name → GeoDataFrame
        ``area_id``, ``name``, polygon ``geometry`` in EPSG:25832.
    area_labels : mapping of layer name → label shown in the layer control.
    signals : DataFrame
        ``kind``, ``x``, ``y`` (EPSG:25832 metres) and optionally ``label`` (a tooltip
        text, escaped here) or one ``label_<lang>`` per language of the labels. One row per
        signal.
    kind_styles : sequence of KindStyle
        One overlay per style, in this order, even when a kind has no signals (with
        ``cells``: the kinds named in each cell's tooltip, and no marker layers).
    tiles_label : str or None
        Label of the optional web-tile overlay (off by default); ``None`` for none.
    count_text : callable, or mapping of language → callable
        Writes a layer's count in the UI's language (``1.816`` in Danish).

    Labels (``boundary_label``, ``area_labels``, the styles' ``label``) are one text, or one
    text per language (:mod:`geo.maplang`): then the map holds every language and switches
    in the browser with the UI's, and one map serves every language (issue 18).
    cells : mapping of cell side (m) → :func:`signal_cells` frame, or None
        Reports as counts per cell (:class:`SignalCells`) instead of one marker each: for
        many reports, where markers would cost megabytes and seconds (issue 18).
    view : (minx, miny, maxx, maxy) in EPSG:25832, or None
        The view to open at (e.g. one area); default: the boundary.
    """
    require_crs(boundary, what="boundary")
    b4326 = light_display(boundary)
    minx, miny, maxx, maxy = b4326.total_bounds if len(b4326) else DENMARK_BOUNDS_LONLAT
    # maxZoom must be set when there is no tile layer, or MarkerCluster throws
    # "Map has no maxZoom specified" and the whole map script stops.
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None, maxZoom=19,
                   control_scale=True, prefer_canvas=False)
    counters = dict(count_text) if isinstance(count_text, Mapping) else {"da": count_text}
    langs = languages_of(boundary_label, *(area_labels or {}).values(), *(s.label for s in kind_styles))
    langs += [lang for lang in counters if lang not in langs]
    if len(langs) > 1:
        MapLanguage(langs, {lang: _grouping(counters.get(lang, str)) for lang in langs}).add_to(m)
    if tiles_label:
        folium.TileLayer("OpenStreetMap", name=escape_html(tiles_label), overlay=True,
                         show=False, control=True).add_to(m)
    if len(b4326):
        folium.GeoJson(
            b4326.__geo_interface__, name=label_html(boundary_label),
            style_function=lambda _f: {"color": "#1b1b1b", "weight": 3, "fill": False},
        ).add_to(m)
    for layer, gdf in (area_layers or {}).items():
        require_crs(gdf, what=f"area layer {layer}")
        g = _escape_frame(light_display(gdf[["area_id", "name", "geometry"]]), ["area_id", "name"])
        label = (area_labels or {}).get(layer, layer)
        folium.GeoJson(
            g.__geo_interface__, name=label_html(label),
            style_function=lambda _f: {"color": "#3d4f8a", "weight": 1.5, "dashArray": "6 4",
                                       "fillColor": "#9fb3e6", "fillOpacity": 0.12},
            highlight_function=lambda _f: {"weight": 3, "fillOpacity": 0.25},
            tooltip=folium.GeoJsonTooltip(fields=["name", "area_id"], aliases=["", ""],
                                          labels=False),
        ).add_to(m)
    sig = signals if signals is not None else pd.DataFrame(columns=["kind", "x", "y"])
    for style in (kind_styles if cells is None else ()):
        sub = sig[sig["kind"] == style.kind]
        lon, lat = xy_to_lonlat(sub["x"].to_numpy(), sub["y"].to_numpy()) if len(sub) else (
            np.array([]), np.array([]))
        tip = _marker_tips(sub, style, langs)
        data = [[round(float(a), 6), round(float(o), 6), escape_html(style.symbol),
                 escape_html(style.colour), t]
                for a, o, t in zip(lat, lon, tip, strict=True)]
        # the layer control is the legend: a swatch as drawn (colour and letter) and the words
        counts = {lang: counters.get(lang, str)(len(sub)) for lang in langs}
        name = (f'<span class="opspor-sig opspor-key" style="background:{escape_html(style.colour)}" '
                f'aria-hidden="true">{escape_html(style.symbol)}</span> '
                f"{escape_html(style.symbol)} · {label_html(style.label)} ({label_html(counts)})")
        FastMarkerCluster(data, callback=_MARKER_JS, name=name, overlay=True, control=True,
                          show=True, options={"maxClusterRadius": 40}).add_to(m)
    if cells is not None:
        SignalCells(cell_levels(cells, kind_styles, counters if len(langs) > 1 else counters[next(iter(counters))],
                                langs=langs)).add_to(m)
    _StyleAndAttribution(attribution).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if view is not None:
        (lon0, lon1), (lat0, lat1) = xy_to_lonlat(np.array([view[0], view[2]]), np.array([view[1], view[3]]))
        m.fit_bounds([[float(lat0), float(lon0)], [float(lat1), float(lon1)]])
    elif len(b4326):
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _grouping(count_text: Callable[[int], str]) -> str:
    """The thousands separator ``count_text`` writes (``"1.000"`` → ``"."``; none: ``""``)."""
    text = str(count_text(1000))
    return text[1] if len(text) == 5 and not text[1].isdigit() else ""


def _marker_tips(sub: pd.DataFrame, style: KindStyle, langs: Sequence[str]) -> list:
    """Each marker's tooltip, escaped: one text, or a list with one per language of ``langs``
    (``label_<lang>`` columns; the style's name where ``sub`` has no label)."""
    if len(langs) > 1:
        names = texts_of(style.label)
        cols = [sub[f"label_{lang}"].astype(str) if f"label_{lang}" in sub.columns
                else sub["label"].astype(str) if "label" in sub.columns
                else pd.Series([names.get(lang, next(iter(names.values())))] * len(sub), index=sub.index)
                for lang in langs]
        return [[escape_html(x) for x in row] for row in zip(*cols, strict=True)] if cols else []
    if "label" in sub.columns:
        return sub["label"].astype(str).map(escape_html).tolist()
    return [escape_html(next(iter(texts_of(style.label).values())))] * len(sub)


CELL_SIZES: tuple[int, ...] = (10_000, 1_000, 250)
"""Cell sides (metres, coarse → fine) of the report counts drawn instead of points: DDKN
10 km, 1 km and 250 m cells, from the EPSG:25832 coordinates by floor division."""


def signal_cells(x: np.ndarray, y: np.ndarray, kinds: np.ndarray, size_m: int) -> pd.DataFrame:
    """Reports per DDKN cell of ``size_m`` metres: ``x0, y0`` (the cell's lower-left corner,
    EPSG:25832), ``n`` (all reports) and one column per kind, sorted by corner.

    >>> signal_cells(np.array([10.0, 990.0, 1500.0]), np.array([5.0, 20.0, 5.0]),
    ...              np.array(["a", "b", "a"]), 1000)[["x0", "y0", "n", "a", "b"]].values.tolist()
    [[0, 0, 2, 1, 1], [1000, 0, 1, 1, 0]]
    """
    x0 = (np.floor(np.asarray(x, dtype=float)).astype(np.int64) // size_m) * size_m
    y0 = (np.floor(np.asarray(y, dtype=float)).astype(np.int64) // size_m) * size_m
    df = pd.DataFrame({"x0": x0, "y0": y0, "kind": np.asarray(kinds, dtype=object)})
    if not len(df):
        return pd.DataFrame(columns=["x0", "y0", "n"])
    wide = df.groupby(["x0", "y0", "kind"]).size().unstack("kind", fill_value=0)
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, "n", wide.sum(axis=1))
    return wide.reset_index().sort_values(["x0", "y0"]).reset_index(drop=True)


def cells_by_size(x: np.ndarray, y: np.ndarray, kinds: np.ndarray) -> dict[int, pd.DataFrame]:
    """:func:`signal_cells` at every size of :data:`CELL_SIZES`: what ``build_map(cells=...)`` takes."""
    return {size: signal_cells(x, y, kinds, size) for size in CELL_SIZES}


_CELLS_JS = """
{% macro header(this, kwargs) %}
<style>
.opspor-cell-icon { background: transparent; border: none; }
.opspor-cell { display: inline-block; min-width: 30px; padding: 0 3px; border-radius: 9px;
  background: #fff; color: #1b1b1b; font: bold 12px/16px sans-serif; text-align: center;
  border: 1px solid #1b1b1b; white-space: nowrap; transform: translate(-50%, -50%); }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var cells = {{ this.data_json }};
  var levels = cells.levels;
  function lang() { return window.opsporLang ? window.opsporLang() : cells.langs[0]; }
  function num(n) {
    var sep = cells.grouping[lang()] || '';
    return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, sep);
  }
  function tip(c) {
    var kinds = cells.kinds[lang()] || cells.kinds[cells.langs[0]];
    var out = [];
    for (var k = 0; k < kinds.length; k++) { if (c[5][k]) { out.push(kinds[k] + ': ' + num(c[5][k])); } }
    return out.join('<br>');
  }
  var group = L.featureGroup().addTo(map);
  function draw() {
    group.clearLayers();
    var b = map.getBounds().pad(0.25);
    var mpp = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, map.getZoom() + 8);
    var lv = levels[0];
    for (var i = 0; i < levels.length; i++) { if (levels[i].size / mpp >= {{ this.min_px }}) { lv = levels[i]; } }
    lv.cells.forEach(function (c) {
      if (c[2] < b.getSouth() || c[0] > b.getNorth() || c[3] < b.getWest() || c[1] > b.getEast()) { return; }
      L.rectangle([[c[0], c[1]], [c[2], c[3]]], {color: '#7a3b00', weight: 1, fillColor: '#e08a00',
        fillOpacity: c[6]}).bindTooltip(tip(c)).addTo(group);
      L.marker([(c[0] + c[2]) / 2, (c[1] + c[3]) / 2], {interactive: false, keyboard: false,
        icon: L.divIcon({html: '<span class="opspor-cell">' + num(c[4]) + '</span>', className: 'opspor-cell-icon',
                         iconSize: [0, 0]})}).addTo(group);
    });
  }
  map.on('zoomend moveend', draw);
  if (window.opsporOnLang) { window.opsporOnLang(draw); }
  map.whenReady(draw);
})();
{% endmacro %}
"""


class SignalCells(MacroElement):
    """Report counts per cell, drawn in the browser for the cells in view at the zoom's cell
    size (the finest of ``levels`` whose cells are at least ``min_px`` pixels wide). Each
    cell is a square with its count written in it (the count is the text, never colour
    alone) and a tooltip with the count of each kind.

    ``data``: what :func:`cell_levels` returns (every text already escaped).
    """

    _template = Template(_CELLS_JS)

    def __init__(self, data: dict, min_px: int = 34) -> None:
        super().__init__()
        self._name = "OpsporSignalCells"
        # serialised once: a rerun's copy and render of the map then cost nothing here; no
        # "<", ">" or "&" is left to end the script early
        self.data_json = (json.dumps(data, separators=(",", ":"), ensure_ascii=False)
                          .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
        self.min_px = int(min_px)


MAX_CELLS_PER_LEVEL = 4_000
"""A finer cell size with more cells than this is left out of a map (its bytes would grow
with the spread of the reports); a smaller area (drill-down) brings it back."""


def cell_levels(cells: Mapping[int, pd.DataFrame], kind_styles: Sequence[KindStyle],
                count_text: Callable[[int], str] | Mapping[str, Callable[[int], str]] = str,
                max_cells: int = MAX_CELLS_PER_LEVEL, *, langs: Sequence[str] | None = None) -> dict:
    """:class:`SignalCells` data from :func:`signal_cells` frames per cell size (any order;
    drawn coarse → fine): ``{"langs": [...], "kinds": {lang: [symbol · name, …]},
    "grouping": {lang: thousands separator}, "levels": [{"size", "cells": [[south, west,
    north, east, count, [count per kind, 0 for none], fill opacity]]}]}``, corners in
    EPSG:4326, counts as whole numbers (the browser writes them as ``count_text`` does:
    ``1.816`` in Danish), every text escaped. ``langs``: the languages of the kinds' names
    (default: those the styles and ``count_text`` name). The coarsest size is always kept;
    a finer one only up to ``max_cells`` cells."""
    counters = dict(count_text) if isinstance(count_text, Mapping) else {"da": count_text}
    langs = list(langs) if langs else languages_of(*(s.label for s in kind_styles), *[{k: k} for k in counters])
    levels = []
    for size in sorted(cells, reverse=True):
        df = cells[size]
        if levels and len(df) > max_cells:
            continue
        if not len(df):
            levels.append({"size": int(size), "cells": []})
            continue
        x0 = df["x0"].to_numpy(float)
        y0 = df["y0"].to_numpy(float)
        lon0, lat0 = xy_to_lonlat(x0, y0)
        lon1, lat1 = xy_to_lonlat(x0 + size, y0 + size)
        n = df["n"].to_numpy(int)
        top = max(1, int(n.max()))
        per_kind = [df[s.kind].to_numpy(int) if s.kind in df.columns else np.zeros(len(df), dtype=int)
                    for s in kind_styles]
        opacity = np.round(0.15 + 0.45 * np.log1p(n) / np.log1p(top), 2)
        rows = [[round(float(lat0[i]), 5), round(float(lon0[i]), 5), round(float(lat1[i]), 5),
                 round(float(lon1[i]), 5), int(n[i]), [int(c[i]) for c in per_kind], float(opacity[i])]
                for i in range(len(df))]
        levels.append({"size": int(size), "cells": rows})
    kinds = {lang: [f"{escape_html(s.symbol)} · {escape_html(_text_in(s.label, lang))}" for s in kind_styles]
             for lang in langs}
    grouping = {lang: _grouping(counters.get(lang, counters[next(iter(counters))])) for lang in langs}
    return {"langs": langs, "kinds": kinds, "grouping": grouping, "levels": levels}


def _text_in(value: str | Texts, lang: str) -> str:
    """``value``'s text in ``lang`` (its first language's where it has none)."""
    texts = texts_of(value)
    return texts.get(lang, next(iter(texts.values())))


def coverage_items_map(*, boundary: gpd.GeoDataFrame, items: gpd.GeoDataFrame, draw: bool,
                       labels: Mapping[str, str | Texts], attribution: str = DATA_ATTRIBUTION) -> folium.Map:
    """One partner's coverage on the map, with Leaflet.draw tools when ``draw``.

    ``items`` is :meth:`Repository.partner_coverage` (EPSG:25832): polygons are drawn solid
    with their label, radii as dashed circles with their metres, portfolio entrances as small
    dots. Kinds differ by shape and text, not by colour alone. ``labels`` gives the
    layer names (``boundary``, ``polygon``, ``radius``, ``entrances``): one text each, or one
    per language (the map then switches with the UI's: :mod:`geo.maplang`).
    """
    require_crs(boundary, what="boundary")
    b4326 = to_display_crs(boundary)
    minx, miny, maxx, maxy = b4326.total_bounds if len(b4326) else DENMARK_BOUNDS_LONLAT
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None, maxZoom=19,
                   control_scale=True)
    langs = languages_of(*labels.values())
    if len(langs) > 1:
        MapLanguage(langs).add_to(m)
    _StyleAndAttribution(attribution).add_to(m)
    if len(b4326):
        folium.GeoJson(b4326.__geo_interface__, name=label_html(labels.get("boundary", "boundary")),
                       style_function=lambda _f: {"color": "#1b1b1b", "weight": 2, "fill": False}).add_to(m)
    groups = {k: folium.FeatureGroup(name=label_html(labels.get(k, k))).add_to(m) for k in ("polygon", "radius", "entrances")}
    if len(items):
        it = to_display_crs(items[items.geometry.notna()])
        for row in it.itertuples():
            g = row.geometry
            name = escape_html(f"{row.label or ''} #{row.coverage_id}".strip())
            if row.kind == "polygon":
                folium.GeoJson(g.__geo_interface__, tooltip=name,
                               style_function=lambda _f: {"color": "#0072b2", "weight": 3, "fillColor": "#56b4e9",
                                                          "fillOpacity": 0.25}).add_to(groups["polygon"])
            elif row.kind == "radius":
                folium.Circle([g.y, g.x], radius=float(row.radius_m), tooltip=f"{name} ({float(row.radius_m):.0f} m)",
                              color="#d55e00", weight=3, dash_array="6 4", fill=True, fill_opacity=0.15
                              ).add_to(groups["radius"])
            else:
                # a small solid dot (CircleMarker: core Leaflet, vendored; RegularPolygonMarker
                # would need leaflet-dvf from a CDN) against the large dashed radius circles
                folium.CircleMarker([g.y, g.x], radius=5, color="#1b1b1b", weight=1, fill=True,
                                    fill_color="#009e73", fill_opacity=0.9,
                                    tooltip=escape_html(row.address) or name).add_to(groups["entrances"])
    folium.LayerControl(collapsed=False).add_to(m)
    shown = items[items.geometry.notna()]
    if len(shown):
        # the view holds every item whole: a circle's full radius, 75 m around a lone entrance
        pad = [float(r) if k == "radius" else 75.0 if k == "entrances" else 0.0
               for k, r in zip(shown["kind"], shown["radius_m"].fillna(0), strict=True)]
        x0, y0, x1, y1 = to_display_crs(gpd.GeoDataFrame(geometry=shown.geometry.buffer(pad), crs=shown.crs)
                                        ).total_bounds
        m.fit_bounds([[y0, x0], [y1, x1]], padding=(30, 30))
    elif len(b4326):
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    if draw:
        Draw(export=False, draw_options={"polyline": False, "marker": False, "circlemarker": False,
                                         "rectangle": True, "polygon": True, "circle": True}).add_to(m)
    return m


_GRID_JS = """
{% macro script(this, kwargs) %}
window.opsporGridCells = function (d) {
  // the cells of a GridChoropleth's data, read as geo.maps.grid_cells reads them
  var s = atob(d.cells), b = new Uint8Array(s.length), p = 0, i, j;
  for (i = 0; i < s.length; i++) { b[i] = s.charCodeAt(i); }
  function u() {
    var x = 0, m = 1, c;
    do { c = b[p++]; x += (c % 128) * m; m *= 128; } while (c >= 128);
    return x;
  }
  function z(x) { return x % 2 ? -(x + 1) / 2 : x / 2; }
  function recent(limit) {
    var w = [], seen = [], next = 0;
    return function (c) {
      var v = c === 0 ? next : c <= limit ? w[c - 1] : c - limit - 1, at = w.indexOf(v);
      if (at >= 0) { w.splice(at, 1); }
      w.unshift(v);
      if (w.length > limit) { w.length = limit; }
      seen[v] = true;
      while (seen[next]) { next += 1; }
      return v;
    };
  }
  var near = d.layout[0], unit = d.layout[1], half = Math.floor(unit / 2), span = 2 * near + 1;
  var np = d.palette.length, sep = d.numbers[0], dec = d.numbers[1], most = d.numbers[2];
  var scale = Math.pow(10, most);
  function number(x) {
    // a number as the page wrote it: x = (value · 10^most) · (most + 1) + its decimals
    var f = x % (most + 1), v = (x - f) / (most + 1), whole = Math.floor(v / scale), w = String(whole), t = '';
    while (w.length > 3) { t = sep + w.slice(-3) + t; w = w.slice(0, -3); }
    return f ? w + t + dec + String(v - whole * scale + scale).slice(1, 1 + f) : w + t;
  }
  var sizes = recent(d.layout[2]), places = recent(d.layout[3]), groups = recent(d.layout[4]);
  var n = u(), ng = u(), nt = u(), la = 0, lo = 0, sa = 0, so = 0, out = [], gn = [], pn = [], gs = [], gt = [];
  var v, k, a, o, c, cls, hot, size, place, g;
  for (i = 0; i < n; i++) {
    v = u();
    if (v === 0) { a = z(u()); o = z(u()); } else {
      if (v === 1) { k = u(); a = z(u()); o = z(u()); } else {
        v -= 2; o = v % span - near; v = (v - v % span) / span; a = v % span - near; k = (v - v % span) / span + 1;
      }
      a += Math.floor((k * sa + half) / unit); o += Math.floor((k * so + half) / unit);
      sa = Math.floor((2 * unit * a + k) / (2 * k)); so = Math.floor((2 * unit * o + k) / (2 * k));
    }
    la += a; lo += o;
    out.push({lat: la, lon: lo});
  }
  for (i = 0; i < n; i++) {
    c = u(); hot = c % 2; c = (c - hot) / 2; cls = c % np; size = d.sizes[sizes((c - cls) / np)];
    place = places(u()); g = groups(u());
    pn[place] = (pn[place] || 0) + 1; gn[g] = (gn[g] || 0) + 1;
    out[i] = {lat: out[i].lat, lon: out[i].lon, dlat: size[0], dlon: size[1], cls: cls, hot: hot, rank: gn[g] - 1,
              texts: null, place: place, group: g, repeat: pn[place] === 1 ? 0 : pn[place]};
  }
  var t = 0, end = 1;
  for (j = 0; j < ng; j++) {
    c = u(); t += z((c - c % 2) / 2); gt[j] = t; gs[j] = end + (c % 2 ? z(u()) : 0); end = gs[j] + (gn[j] || 0);
  }
  var texts = [], ref = 0, base, x;
  for (j = 0; j < nt; j++) {
    texts.push([]);
    for (base = ref, k = 0; k < 3; k++) {
      c = u();
      if (c % 2) { texts[j].push(d.words[(c - 1) / 2]); } else {
        x = base + z(c / 2); texts[j].push(number(x));
        if (k === 0) { ref = base = x; }
      }
    }
  }
  for (j = u(), i = 0; j > 0; j--) { i += u(); out[i].repeat = u(); }
  out.forEach(function (cell) {
    cell.rank += gs[cell.group]; cell.texts = texts[gt[cell.group]];
    cell.place = d.prefix + d.places[cell.place] + (cell.repeat ? ' (' + cell.repeat + ')' : '');
    delete cell.group; delete cell.repeat;
  });
  return out;
};
(function () {
  var map = {{ this._parent.get_name() }};
  var d = {{ this.data_json }};
  var renderer = L.canvas({padding: 0.3});
  var group = L.featureGroup().addTo(map);
  // the tooltips in the UI's language (geo.maplang): another language's tables, its cells
  // read once when first needed
  var alt = d.alt || {}, read = {};
  function inLang() {
    var lang = window.opsporLang ? window.opsporLang() : '';
    if (!alt[lang]) { return null; }
    if (!read[lang]) { read[lang] = {d: Object.assign({}, d, alt[lang])}; read[lang].cells = window.opsporGridCells(read[lang].d); }
    return read[lang];
  }
  function tip(dd, v) {
    return dd.tip.replace(/[{]([prvluch])[}]/g, function (_, k) { return v[k]; });
  }
  window.opsporGridCells(d).forEach(function (c0, i) {
    var s = {renderer: renderer, fillColor: d.palette[c0.cls], fillOpacity: 0.75,
             color: c0.hot ? '#000000' : '#555555', weight: c0.hot ? 3.5 : 0.6};
    var r = L.rectangle([[c0.lat / 1e5, c0.lon / 1e5], [(c0.lat + c0.dlat) / 1e5, (c0.lon + c0.dlon) / 1e5]], s);
    r.bindTooltip(function () {
      var other = inLang(), dd = other ? other.d : d, c = other ? other.cells[i] : c0;
      return tip(dd, {p: c.place, r: c.rank, v: c.texts[0], l: c.texts[1], u: c.texts[2], c: c.cls + 1,
                      h: c.hot ? dd.hot : ''});
    }, {sticky: true});
    r.on('mouseover', function () { r.setStyle({weight: 4, color: '#d55e00'}); });
    r.on('mouseout', function () { r.setStyle({weight: s.weight, color: s.color}); });
    r.addTo(group);
  });
})();
{% endmacro %}
"""

_GRID_LAYOUT = (3, 16, 8, 100, 16)
"""How :func:`grid_choropleth_data` writes a grid (it goes in the data as ``layout``, so the
script and :func:`grid_cells` read it from there): a corner within ±3 (1e-5 degrees) of its
prediction, the row's step in 1/16 of 1e-5 degrees, and how many recently used sizes, places
and rank groups a cell may point back to (each a byte)."""

_SAFE_INT = 2**50
"""Ranks and numbers stay below this in size: the browser's numbers are exact to 2**53."""

_NUMBER_STYLES = ((".", ","), (",", "."))
"""Thousands and decimal separators a page's numbers may be written with (Danish, English)."""


def _number_text(x: int, sep: str, dec: str, most: int) -> str:
    """The text of number code ``x`` (see :func:`_number_code`); the script's ``number``."""
    v, f = divmod(x, most + 1)
    whole, frac = divmod(v, 10**most)
    text = f"{whole:,}".replace(",", sep)
    return text + dec + str(frac + 10**most)[1:1 + f] if f else text


@functools.lru_cache(maxsize=8)
def _number_pattern(sep: str, dec: str) -> re.Pattern[str]:
    return re.compile(rf"([0-9]+(?:{re.escape(sep)}[0-9]{{3}})*)(?:{re.escape(dec)}([0-9]+))?")


def _number_code(text: str, sep: str, dec: str, most: int) -> int | None:
    """``"1.234,5"`` → ``(12345 · 10^(most - 1)) · (most + 1) + 1`` (its value in units of
    10^-most, times ``most + 1``, plus its count of decimals), when :func:`_number_text`
    writes it back exactly; else ``None`` (the text goes as it is)."""
    m = _number_pattern(sep, dec).fullmatch(text)
    if not m or len(m.group(2) or "") > most:
        return None
    x = (int(m.group(1).replace(sep, "")) * 10**most + int((m.group(2) or "").ljust(most, "0") or 0)) * (most + 1) \
        + len(m.group(2) or "")
    return x if x < _SAFE_INT and _number_text(x, sep, dec, most) == text else None


def _number_style(texts: Iterable[str]) -> tuple[str, str, int]:
    """The separators that write the most of ``texts`` as numbers, and the most decimals
    (up to 3) those numbers have."""
    def style(sep: str, dec: str) -> tuple[int, int]:
        codes = [_number_code(t, sep, dec, 3) for t in texts]
        return sum(c is not None for c in codes), max((c % 4 for c in codes if c is not None), default=0)

    (sep, dec), (_n, most) = max(((st, style(*st)) for st in _NUMBER_STYLES), key=lambda p: (p[1][0], -p[1][1]))
    return sep, dec, most


def grid_cells(data: dict, lang: str | None = None) -> list[dict]:
    """The cells of :func:`grid_choropleth_data`'s ``data`` as the browser reads them (the
    same steps as the script's ``opsporGridCells``; for tests and benchmarks): ``lat``/``lon``
    of the corner and ``dlat``/``dlon`` in 1e-5 degrees, ``cls``, ``hot`` (0/1), ``rank``,
    ``texts`` ([rate, low, high]) and ``place``, in the order the cells are sent; ``lang``:
    in another language the data holds (``also``), as the script reads it for a tooltip."""
    if lang is not None and lang in data.get("alt", {}):
        data = {**data, **data["alt"][lang]}
    near, unit, *windows = data["layout"]
    span, npal = 2 * near + 1, len(data["palette"])
    sizes, places, groups = (_Recent(w) for w in windows)
    r = _Reader(base64.b64decode(data["cells"]))
    n, ng, nt = r.u(), r.u(), r.u()
    la = lo = sa = so = 0
    corners: list[tuple[int, int]] = []
    cells: list[dict] = []
    group_of: list[int] = []
    group_n: dict[int, int] = {}
    place_n: dict[int, int] = {}
    for _ in range(n):
        v = r.u()
        if v == 0:
            a, o = r.z(), r.z()
        else:
            if v == 1:
                k, a, o = r.u(), r.z(), r.z()
            else:
                v -= 2
                v, o = divmod(v, span)
                k, a = divmod(v, span)
                a, o, k = a - near, o - near, k + 1
            a += (k * sa + unit // 2) // unit
            o += (k * so + unit // 2) // unit
            sa, so = (2 * unit * a + k) // (2 * k), (2 * unit * o + k) // (2 * k)
        la, lo = la + a, lo + o
        corners.append((la, lo))
    for la, lo in corners:
        c = r.u()
        c, hot = divmod(c, 2)
        c, cls = divmod(c, npal)
        dla, dlo = data["sizes"][sizes.value(c)]
        place, g = places.value(r.u()), groups.value(r.u())
        place_n[place] = place_n.get(place, 0) + 1
        group_n[g] = group_n.get(g, 0) + 1
        group_of.append(g)
        cells.append({"lat": la, "lon": lo, "dlat": dla, "dlon": dlo, "cls": cls, "hot": hot,
                      "rank": group_n[g] - 1, "texts": None, "place": place,
                      "repeat": 0 if place_n[place] == 1 else place_n[place]})
    text_of, start_of, t, end = [], [], 0, 1
    for g in range(ng):
        c = r.u()
        t += _unzz(c // 2)
        text_of.append(t)
        start_of.append(end + (r.z() if c % 2 else 0))
        end = start_of[-1] + group_n.get(g, 0)
    texts: list[list[str]] = []
    ref = 0
    for _ in range(nt):
        texts.append([])
        base = ref
        for k in range(3):
            c = r.u()
            if c % 2:
                texts[-1].append(data["words"][c // 2])
            else:
                x = base + _unzz(c // 2)
                texts[-1].append(_number_text(x, *data["numbers"]))
                if k == 0:
                    ref = base = x
    i = 0
    for _ in range(r.u()):
        i += r.u()
        cells[i]["repeat"] = r.u()
    for cell, g in zip(cells, group_of, strict=True):
        cell["rank"] += start_of[g]
        cell["texts"] = texts[text_of[g]]
        repeat = cell.pop("repeat")
        cell["place"] = data["prefix"] + data["places"][cell["place"]] + (f" ({repeat})" if repeat else "")
    return cells


def _rank_groups(ranks: list[int], texts: list[tuple[str, ...]], at: list[int],
                 ) -> tuple[dict[tuple[str, ...], int], list[list[int]], list[int]]:
    """The distinct ``texts`` (in rank order), the rank groups ([text index, first rank,
    cells]: runs of consecutive ranks with the same texts, their cells in the order sent,
    ``at``) and each cell's group."""
    text_ids: dict[tuple[str, ...], int] = {}
    groups: list[list[int]] = []
    group_of = [0] * len(ranks)
    prev = -1
    for i in sorted(range(len(ranks)), key=lambda i: (ranks[i], at[i])):
        t = text_ids.setdefault(texts[i], len(text_ids))
        if prev < 0 or not (texts[i] == texts[prev] and ranks[i] == ranks[prev] + 1 and at[i] > at[prev]):
            groups.append([t, ranks[i], 0])
        groups[-1][2] += 1
        group_of[i] = len(groups) - 1
        prev = i
    return text_ids, groups, group_of


def _put_corners(out: bytearray, la: list[int], lo: list[int], bounds: list[list[float]]) -> None:
    """Each square's corner (1e-5 degrees) from the one before, in the order sent. Along a
    row of the grid (``bounds`` in EPSG:25832 say so) a step of ``k`` squares is predicted
    from the row's last step and sent as one number: ``2 + ((k - 1) · span + Δlat') · span
    + Δlon'`` with the differences from the prediction (within ±near), else ``1, k, Δlat',
    Δlon'``; any other corner as ``0, Δlat, Δlon``."""
    near, unit = _GRID_LAYOUT[:2]
    span = 2 * near + 1
    prev_la = prev_lo = sa = so = 0
    for j, (a, o) in enumerate(zip(la, lo, strict=True)):
        a, o, k = a - prev_la, o - prev_lo, 0
        prev_la, prev_lo = la[j], lo[j]
        if j and bounds[j][1] == bounds[j - 1][1] and (w := bounds[j - 1][2] - bounds[j - 1][0]) > 0:
            dx = bounds[j][0] - bounds[j - 1][0]
            k = max(0, round(dx / w))
            k = k if abs(k * w - dx) < 1e-6 * w else 0
        if not k:
            for v in (0, _zz(a), _zz(o)):
                _put(out, v)
            continue
        ea, eo = a - (k * sa + unit // 2) // unit, o - (k * so + unit // 2) // unit
        if abs(ea) <= near and abs(eo) <= near:
            _put(out, 2 + ((k - 1) * span + ea + near) * span + eo + near)
        else:
            for v in (1, k, _zz(ea), _zz(eo)):
                _put(out, v)
        sa, so = (2 * unit * a + k) // (2 * k), (2 * unit * o + k) // (2 * k)


def _put_numbers(out: bytearray, texts: list[tuple[str, ...]]) -> tuple[tuple[str, str, int], list[str]]:
    """Each (rate, low, high): a number as ``2 · zigzag(code - base)`` (the base: the rate
    before, in rank order, for a rate; this rate for low and high), any other text as
    ``2 · i + 1``, ``i`` its index in the returned words. Returns the numbers' style too."""
    style = _number_style({x for tr in texts for x in tr})
    codes = {x: _number_code(x, *style) for x in {x for tr in texts for x in tr}}
    words: dict[str, int] = {}
    ref = 0
    for tr in texts:
        base = ref
        for k, text in enumerate(tr):
            x = codes[text]
            if x is None:
                _put(out, 2 * words.setdefault(text, len(words)) + 1)
            else:
                _put(out, 2 * _zz(x - base))
                if k == 0:
                    ref = base = x
    return style, list(words)


class GridChoropleth(MacroElement):
    """The squares of a grid layer (DDKN 100 m / 250 m / 1 km) coloured by class, drawn on a
    canvas in the browser from a compact list (issue 18): a 100 m grid of a city (15,000
    cells) as one GeoJSON feature per cell with its tooltip was ≈ 525 bytes a cell (7.9 MB);
    nine whole numbers a cell in a JSON list ≈ 45 bytes (a city's 50,550 cells: 2.26 MB);
    now varints in one base64 string and a table of names, ≈ 14 bytes a cell (0.73 MB; see
    :func:`grid_choropleth_data` and bench/grid_bytes.py). The script (``opsporGridCells``)
    reads the cells back as :func:`grid_cells` does, and puts each tooltip together from one
    template when it is shown.

    ``data``: what :func:`grid_choropleth_data` returns (every text already escaped).
    """

    _template = Template(_GRID_JS)

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "OpsporGridChoropleth"
        # no "<", ">", "&" to end the script; no "{{", "{%", "{#" (only possible inside a
        # string) for branca's second pass through Jinja
        self.data_json = re.sub(r"\{(?=[{%#])", r"\\u007b", json.dumps(data, separators=(",", ":"), ensure_ascii=False)
                                .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def grid_choropleth_data(squares: gpd.GeoDataFrame, *, cls: Sequence[int], hotspot: Sequence[bool],
                         rank: Sequence[int], texts: Sequence[Sequence[str]], places: Sequence[str],
                         tip: str, hot: str, palette: Sequence[str],
                         also: Mapping[str, Mapping] | None = None) -> dict:
    """:class:`GridChoropleth` data for ``squares`` (axis-parallel squares in EPSG:25832, one
    row per cell, in the order of the other arguments).

    ``also``: the tooltips in other languages, ``{lang: {"texts", "places", "tip", "hot"}}``
    (issue 18: one map for every language, ``geo.maplang``). Each goes in ``alt[lang]`` as
    the tables that differ: where its cells encode the same (the same names, rank groups and
    numbers, written the other language's way) only ``numbers``, ``words``, ``prefix``,
    ``places``, ``tip`` and ``hot``; else its own ``cells`` too.

    ``texts`` are each cell's rate, low and high as the UI writes them; ``places`` each
    cell's place name; ``tip`` the tooltip with ``{p}`` (place), ``{r}`` (rank), ``{v}``,
    ``{l}``, ``{u}`` (rate, low, high), ``{c}`` (class 1–5) and ``{h}`` (``hot`` for a hotspot,
    else nothing). Every text is HTML-escaped here. ``cls`` indexes ``palette``; ranks are
    whole numbers (any, below 2**50 in size).

    Returns the tables (``sizes``: [Δlat, Δlon] of the squares; ``places``: the names after
    the ``prefix`` all share; ``words``: rates, lows and highs that are no number, and
    ``numbers``: how the others are written, [thousands, decimal separator, most decimals])
    and ``cells``: one base64 string of unsigned LEB128 varints (7 bits a byte; signed numbers
    zigzagged), read back by :func:`grid_cells` and the script's ``opsporGridCells``:

    1. the counts: cells, rank groups, distinct (rate, low, high);
    2. each cell's corner (1e-5 degrees, ≈ 1 m), row by row of the grid (south to north,
       west to east, as DDKN ids sort), from the corner before: a step of ``k`` squares
       along a row is predicted from the row's last step, and ``k`` with the two
       differences from the prediction (within ±3) is one number, mostly one byte;
    3. for each cell in that order: ``(size · len(palette) + class) · 2 + hotspot``, its
       place and its rank group, each table index a :class:`_Recent` code (one byte when
       used lately). A name's repeat number ``(n)`` is not sent: it counts the cells of that
       name in this order, as ``ui.widgets.cell_labels`` numbers them;
    4. each rank group (a run of consecutive ranks with the same rate, low and high, its
       cells in the order sent; a cell's rank is its group's first plus the cells of its
       group before it): its (rate, low, high) index from the one before, and its first
       rank if it is not the one after the group before (ranks 1, 2, 3, … cost nothing);
    5. each distinct (rate, low, high), in rank order: a number from the rate before (a
       rate) or from this rate (low, high), anything else an index into ``words``;
    6. the cells whose repeat number is not the counted one: where, and the number.

    A city's 100 m grid (bench/grid_bytes.py: 50,550 cells, 0.73 MB where nine numbers a
    cell in a JSON list were 2.26 MB): bytes a cell before base64 ≈ 2.0 for the corner,
    1.1 class and size, 1.0 place, 1.6 rank groups, 2.0 numbers; the names 0.2 MB of JSON.
    """
    require_crs(squares, what="grid cells")
    n = len(squares)
    if not (len(cls) == len(hotspot) == len(rank) == len(texts) == len(places) == n):
        raise ValueError(f"grid_choropleth_data: {n} squares but {len(cls)} classes, {len(hotspot)} hotspot flags, "
                         f"{len(rank)} ranks, {len(texts)} numbers and {len(places)} places")
    if any(not 0 <= int(c) < len(palette) for c in cls):
        raise ValueError(f"grid_choropleth_data: a class outside 0–{len(palette) - 1} (the palette's colours)")
    if any(len(tr) != 3 for tr in texts):
        raise ValueError("grid_choropleth_data: each cell's texts are three: rate, low, high")
    if any(abs(int(x)) >= _SAFE_INT for x in rank):
        raise ValueError("grid_choropleth_data: a rank of 2**50 or more (the browser's numbers are exact to 2**53)")
    b = shapely.bounds(squares.geometry.to_numpy())
    lon0, lat0 = xy_to_lonlat(b[:, 0], b[:, 1])
    lon1, lat1 = xy_to_lonlat(b[:, 2], b[:, 3])
    la0, lo0 = np.round(lat0 * 1e5).astype(np.int64), np.round(lon0 * 1e5).astype(np.int64)
    dla, dlo = np.round(lat1 * 1e5).astype(np.int64) - la0, np.round(lon1 * 1e5).astype(np.int64) - lo0
    order = np.lexsort((b[:, 0], b[:, 1])).tolist() if n else []  # row by row, as DDKN ids sort
    at = [0] * n
    for j, i in enumerate(order):
        at[i] = j
    # place names: "250 m-felt nær Langgade, Tranebjerg (3)" → the prefix all share once, the
    # rest once per distinct name; the repeat number counts in this order (see above)
    split = [_split_repeat(escape_html(p)) for p in places]
    prefix = os.path.commonprefix([s for s, _n in split]) if split else ""
    place_ids: dict[str, int] = {}
    size_ids: dict[tuple[int, int], int] = {}
    place_of = [place_ids.setdefault(split[i][0][len(prefix):], len(place_ids)) for i in order]  # in the order sent
    size_of = [size_ids.setdefault(sz, len(size_ids)) for sz in zip(dla[order].tolist(), dlo[order].tolist(), strict=True)]
    text_ids, groups, group_of = _rank_groups([int(x) for x in rank],
                                              [tuple(escape_html(x) for x in tr) for tr in texts], at)
    out = bytearray()
    for count in (n, len(groups), len(text_ids)):
        _put(out, count)
    _put_corners(out, la0[order].tolist(), lo0[order].tolist(), b[order].tolist())
    sizes, place_codes, group_codes = (_Recent(w) for w in _GRID_LAYOUT[2:])
    seen: dict[int, int] = {}
    odd_repeats: list[tuple[int, int]] = []
    for j, i in enumerate(order):
        _put(out, (sizes.code(size_of[j]) * len(palette) + int(cls[i])) * 2 + (1 if hotspot[i] else 0))
        _put(out, place_codes.code(place_of[j]))
        _put(out, group_codes.code(group_of[i]))
        seen[place_of[j]] = seen.get(place_of[j], 0) + 1
        if split[i][1] != (0 if seen[place_of[j]] == 1 else seen[place_of[j]]):
            odd_repeats.append((j, split[i][1]))
    t_prev, end = 0, 1
    for t, first, size in groups:
        _put(out, _zz(t - t_prev) * 2 + (first != end))
        if first != end:
            _put(out, _zz(first - end))
        t_prev, end = t, first + size
    style, words = _put_numbers(out, list(text_ids))
    _put(out, len(odd_repeats))
    j_prev = 0
    for j, repeat in odd_repeats:
        _put(out, j - j_prev)
        _put(out, repeat)
        j_prev = j
    # the template is the app's own text: escaped for HTML but keeping its {placeholders}
    data = {"cells": base64.b64encode(bytes(out)).decode("ascii"), "layout": list(_GRID_LAYOUT),
            "numbers": list(style), "words": words, "sizes": [list(s) for s in size_ids], "prefix": prefix,
            "places": list(place_ids), "tip": html.escape(tip), "hot": html.escape(hot), "palette": list(palette)}
    if also:
        data["alt"] = {}
        for lang, other in also.items():
            d = grid_choropleth_data(squares, cls=cls, hotspot=hotspot, rank=rank, texts=other["texts"],
                                     places=other["places"], tip=other["tip"], hot=other["hot"], palette=palette)
            keys = ("numbers", "words", "prefix", "places", "tip", "hot") + (() if d["cells"] == data["cells"]
                                                                             else ("cells", "sizes"))
            data["alt"][str(lang)] = {k: d[k] for k in keys}
    return data

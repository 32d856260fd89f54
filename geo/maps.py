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

import html
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
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
                       labels: Mapping[str, str], attribution: str = DATA_ATTRIBUTION) -> folium.Map:
    """One partner's coverage on the map, with Leaflet.draw tools when ``draw``.

    ``items`` is :meth:`Repository.partner_coverage` (EPSG:25832): polygons are drawn solid
    with their label, radii as dashed circles with their metres, portfolio entrances as small
    dots. Kinds differ by shape and text, not by colour alone. ``labels`` gives the
    layer names (``boundary``, ``polygon``, ``radius``, ``entrances``).
    """
    require_crs(boundary, what="boundary")
    b4326 = to_display_crs(boundary)
    minx, miny, maxx, maxy = b4326.total_bounds if len(b4326) else DENMARK_BOUNDS_LONLAT
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None, maxZoom=19,
                   control_scale=True)
    _StyleAndAttribution(attribution).add_to(m)
    if len(b4326):
        folium.GeoJson(b4326.__geo_interface__, name=escape_html(labels.get("boundary", "boundary")),
                       style_function=lambda _f: {"color": "#1b1b1b", "weight": 2, "fill": False}).add_to(m)
    groups = {k: folium.FeatureGroup(name=escape_html(labels.get(k, k))).add_to(m) for k in ("polygon", "radius", "entrances")}
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
(function () {
  var map = {{ this._parent.get_name() }};
  var d = {{ this.data_json }};
  var renderer = L.canvas({padding: 0.3});
  var group = L.featureGroup().addTo(map);
  function tip(v) {
    return d.tip.replace(/[{]([prvluch])[}]/g, function (_, k) { return v[k]; });
  }
  function draw(la, lo, size, cls, hot, rank, text, place, repeat) {
    var s = {renderer: renderer, fillColor: d.palette[cls], fillOpacity: 0.75,
             color: hot ? '#000000' : '#555555', weight: hot ? 3.5 : 0.6};
    var r = L.rectangle([[la / 1e5, lo / 1e5], [(la + size[0]) / 1e5, (lo + size[1]) / 1e5]], s);
    r.bindTooltip(function () {
      var p = d.prefix + d.places[place] + (repeat ? ' (' + repeat + ')' : '');
      return tip({p: p, r: rank, v: text[0], l: text[1], u: text[2], c: cls + 1, h: hot ? d.hot : ''});
    }, {sticky: true});
    r.on('mouseover', function () { r.setStyle({weight: 4, color: '#d55e00'}); });
    r.on('mouseout', function () { r.setStyle({weight: s.weight, color: s.color}); });
    r.addTo(group);
  }
  var la = d.base[0], lo = d.base[1], c = d.cells;
  for (var i = 0; i + 8 < c.length; i += 9) {
    la += c[i]; lo += c[i + 1];
    draw(la, lo, d.sizes[c[i + 2]], c[i + 3], c[i + 4], c[i + 5], d.texts[c[i + 6]], c[i + 7], c[i + 8]);
  }
})();
{% endmacro %}
"""


def _split_repeat(text: str) -> tuple[str, int]:
    """``"Name (3)"`` → ``("Name", 3)``; any other text → ``(text, 0)`` (exact both ways:
    :func:`grid_cells` puts ``" (3)"`` back only for a number ≥ 2)."""
    m = re.fullmatch(r"(.*) \((\d+)\)", text, flags=re.S)
    if m and int(m.group(2)) >= 2 and str(int(m.group(2))) == m.group(2):
        return m.group(1), int(m.group(2))
    return text, 0


def grid_cells(data: dict) -> list[dict]:
    """The cells of :func:`grid_choropleth_data`'s ``data`` as the browser reads them (for
    tests and benchmarks): ``lat``/``lon`` of the corner and ``dlat``/``dlon`` in 1e-5 degrees,
    ``cls``, ``hot``, ``rank``, ``texts`` ([rate, low, high]) and ``place``."""
    out, la, lo, c = [], data["base"][0], data["base"][1], data["cells"]
    for i in range(0, len(c) - 8, 9):
        la, lo = la + c[i], lo + c[i + 1]
        dla, dlo = data["sizes"][c[i + 2]]
        place = data["prefix"] + data["places"][c[i + 7]] + (f" ({c[i + 8]})" if c[i + 8] else "")
        out.append({"lat": la, "lon": lo, "dlat": dla, "dlon": dlo, "cls": c[i + 3], "hot": c[i + 4],
                    "rank": c[i + 5], "texts": data["texts"][c[i + 6]], "place": place})
    return out


class GridChoropleth(MacroElement):
    """The squares of a grid layer (DDKN 100 m / 250 m / 1 km) coloured by class, drawn on a
    canvas in the browser from a compact list (issue 18): a 100 m grid of a city (15,000
    cells) as one GeoJSON feature per cell with its tooltip was ≈ 525 bytes a cell (7.9 MB).
    Here a cell is nine whole numbers in one flat list: its corner as the difference from
    the previous one, the index of its size, its class, hotspot flag and rank, the index of
    its three numbers (rate, low, high: cells share them), of its place name and the name's
    repeat number (≈ 35 bytes). The tooltip is put together from one template when it is
    shown.

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
                         tip: str, hot: str, palette: Sequence[str]) -> dict:
    """:class:`GridChoropleth` data for ``squares`` (axis-parallel squares in EPSG:25832, one
    row per cell, in the order of the other arguments).

    ``texts`` are each cell's rate, low and high as the UI writes them; ``places`` each
    cell's place name; ``tip`` the tooltip with ``{p}`` (place), ``{r}`` (rank), ``{v}``,
    ``{l}``, ``{u}`` (rate, low, high), ``{c}`` (class 1–5) and ``{h}`` (``hot`` for a hotspot,
    else nothing). Every text is HTML-escaped here. Corners are 1e-5 degrees (≈ 1 m),
    the first relative to ``base`` and each next to the one before.

    Returns ``cells`` as one flat list, nine numbers a cell: corner Δlat, Δlon, index into
    ``sizes`` ([Δlat, Δlon] of the square), class (0–4), hotspot (0/1), rank, index into
    ``texts`` ([rate, low, high]), index into ``places`` (each after the ``prefix`` all
    share) and the name's repeat number (0: none); :func:`grid_cells` reads it back.
    """
    require_crs(squares, what="grid cells")
    b = shapely.bounds(squares.geometry.to_numpy())
    lon0, lat0 = xy_to_lonlat(b[:, 0], b[:, 1])
    lon1, lat1 = xy_to_lonlat(b[:, 2], b[:, 3])
    la0, lo0 = np.round(lat0 * 1e5).astype(np.int64), np.round(lon0 * 1e5).astype(np.int64)
    dla, dlo = np.round(lat1 * 1e5).astype(np.int64) - la0, np.round(lon1 * 1e5).astype(np.int64) - lo0
    order = np.lexsort((lo0, la0))
    # place names: "250 m-felt nær Langgade, Tranebjerg (3)" → the prefix all share once, the
    # rest once per distinct name, the repeat number per cell (a city's 100 m grid: 2.3 MB of
    # names nearly one per cell before; see bench/RESULTS.md)
    split = [_split_repeat(escape_html(p)) for p in places]
    prefix = os.path.commonprefix([b for b, _n in split]) if split else ""
    place_ids: dict[str, int] = {}
    place_of = [place_ids.setdefault(b[len(prefix):], len(place_ids)) for b, _n in split]
    text_ids: dict[tuple[str, str, str], int] = {}
    text_of = [text_ids.setdefault(tuple(escape_html(x) for x in tr), len(text_ids)) for tr in texts]
    size_ids: dict[tuple[int, int], int] = {}
    cells: list[int] = []
    prev_la = int(la0[order[0]]) if len(order) else 0
    prev_lo = int(lo0[order[0]]) if len(order) else 0
    base = [prev_la, prev_lo]
    for i in order:
        size = size_ids.setdefault((int(dla[i]), int(dlo[i])), len(size_ids))
        cells.extend((int(la0[i]) - prev_la, int(lo0[i]) - prev_lo, size, int(cls[i]), 1 if hotspot[i] else 0,
                      int(rank[i]), text_of[i], place_of[i], split[i][1]))
        prev_la, prev_lo = int(la0[i]), int(lo0[i])
    # the template is the app's own text: escaped for HTML but keeping its {placeholders}
    return {"base": base, "cells": cells, "sizes": [list(k) for k in size_ids], "texts": [list(k) for k in text_ids],
            "prefix": prefix, "places": list(place_ids), "tip": html.escape(tip), "hot": html.escape(hot), "palette": list(palette)}

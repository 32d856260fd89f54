"""Map builders: data in, a :class:`folium.Map` out (EPSG:25832 in, EPSG:4326 drawn).

The base map is the workspace's own vector layers (boundary, planning areas), so it works
without internet; web tiles are an optional overlay. Signals are drawn one
``FastMarkerCluster`` per kind (field-notes: 100k points ≈ 1.2 s, where 10k
``CircleMarker`` take 9.5 s), each marker a letter in a coloured disc so the kind is never
told by colour alone. Every string from data files or users is HTML-escaped before it
reaches the map (folium renders popups and tooltips as raw HTML).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template
from folium.plugins import Draw, FastMarkerCluster

from geo.basemap import BASEMAP_ATTRIBUTION
from geo.crs import DENMARK_BOUNDS_LONLAT, require_crs, to_display_crs, xy_to_lonlat

DATA_ATTRIBUTION = BASEMAP_ATTRIBUTION
"""One line (issue 15): roads and addresses © OSM contributors (ODbL 1.0), boundaries and parishes
from SDFI's DAGI 1:500.000 (CC BY 4.0); the full credits are in data/README.md."""


@dataclass(frozen=True)
class KindStyle:
    """How one signal kind is drawn: layer label, letter symbol and colour."""

    kind: str
    label: str
    symbol: str
    colour: str


_MARKER_JS = """
function (row) {
    var icon = L.divIcon({
        html: '<span class="opspor-sig" style="background:' + row[3] + '">' + row[2] + '</span>',
        className: 'opspor-sig-icon', iconSize: [22, 22], iconAnchor: [11, 11]
    });
    return L.marker(new L.LatLng(row[0], row[1]), {icon: icon, title: row[4], alt: row[4]});
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


def build_map(
    *,
    boundary: gpd.GeoDataFrame,
    area_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    area_labels: Mapping[str, str] | None = None,
    signals: pd.DataFrame | None = None,
    kind_styles: Sequence[KindStyle] = (),
    boundary_label: str = "Kommunegrænse",
    tiles_label: str | None = None,
    attribution: str = DATA_ATTRIBUTION,
    count_text: Callable[[int], str] = str,
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
        text, escaped here). One row per signal.
    kind_styles : sequence of KindStyle
        One overlay per style, in this order, even when a kind has no signals.
    tiles_label : str or None
        Label of the optional web-tile overlay (off by default); ``None`` for none.
    count_text : callable
        Writes a layer's count in the UI's language (``1.816`` in Danish).
    """
    require_crs(boundary, what="boundary")
    b4326 = to_display_crs(boundary)
    minx, miny, maxx, maxy = b4326.total_bounds if len(b4326) else DENMARK_BOUNDS_LONLAT
    # maxZoom must be set when there is no tile layer, or MarkerCluster throws
    # "Map has no maxZoom specified" and the whole map script stops.
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None, maxZoom=19,
                   control_scale=True, prefer_canvas=False)
    if tiles_label:
        folium.TileLayer("OpenStreetMap", name=escape_html(tiles_label), overlay=True,
                         show=False, control=True).add_to(m)
    if len(b4326):
        folium.GeoJson(
            b4326.__geo_interface__, name=escape_html(boundary_label),
            style_function=lambda _f: {"color": "#1b1b1b", "weight": 3, "fill": False},
        ).add_to(m)
    for layer, gdf in (area_layers or {}).items():
        require_crs(gdf, what=f"area layer {layer}")
        g = _escape_frame(to_display_crs(gdf[["area_id", "name", "geometry"]]), ["area_id", "name"])
        label = (area_labels or {}).get(layer, layer)
        folium.GeoJson(
            g.__geo_interface__, name=escape_html(label),
            style_function=lambda _f: {"color": "#3d4f8a", "weight": 1.5, "dashArray": "6 4",
                                       "fillColor": "#9fb3e6", "fillOpacity": 0.12},
            highlight_function=lambda _f: {"weight": 3, "fillOpacity": 0.25},
            tooltip=folium.GeoJsonTooltip(fields=["name", "area_id"], aliases=["", ""],
                                          labels=False),
        ).add_to(m)
    sig = signals if signals is not None else pd.DataFrame(columns=["kind", "x", "y"])
    for style in kind_styles:
        sub = sig[sig["kind"] == style.kind]
        lon, lat = xy_to_lonlat(sub["x"].to_numpy(), sub["y"].to_numpy()) if len(sub) else (
            np.array([]), np.array([]))
        tip = (sub["label"].astype(str) if "label" in sub.columns
               else pd.Series([style.label] * len(sub), index=sub.index)).map(escape_html)
        data = [[round(float(a), 6), round(float(o), 6), escape_html(style.symbol),
                 escape_html(style.colour), t]
                for a, o, t in zip(lat, lon, tip, strict=True)]
        # the layer control is the legend: a swatch as drawn (colour and letter) and the words
        name = (f'<span class="opspor-sig opspor-key" style="background:{escape_html(style.colour)}" '
                f'aria-hidden="true">{escape_html(style.symbol)}</span> '
                f"{escape_html(style.symbol)} · {escape_html(style.label)} ({escape_html(count_text(len(sub)))})")
        FastMarkerCluster(data, callback=_MARKER_JS, name=name, overlay=True, control=True,
                          show=True, options={"maxClusterRadius": 40}).add_to(m)
    _StyleAndAttribution(attribution).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if len(b4326):
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


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

"""Dækning: where the partner network covers the need, and the gap list.

Areas are filled by need (light → dark) and labelled with signs and shares (``✓`` active,
``!`` lapsed, ``○`` none: :data:`detection.vocab.COVERAGE_SYMBOLS`, no letter of a report kind
on *Kort*) — never colour alone; gaps get a thick dashed border and the word HUL/GAP. Labels
never pile up: gaps first, by need, and one that would overlap a label already shown waits
for a closer zoom (the base map's label hider, :mod:`geo.basemap`). Roles that may see
addresses also get the entrances as markers with those signs. Analysts get areas with at
least 20 dwellings only (the repository leaves the others out).

A stored layer (parishes) is drawn as GeoJSON features; a grid layer as squares on a canvas
from a compact list (:mod:`geo.coverage_grid`, issue 18: a city's 250 m grid was 37 MB of
features and label markers, now 1.0 MB), its gap labels written in the browser for the gaps
in view.
"""

from __future__ import annotations

from datetime import date

import folium
import numpy as np
import pandas as pd
import streamlit as st
from branca.element import MacroElement, Template

from detection import clock
from detection.access import SEES_ADDRESSES
from detection.partners.network import GAP_COLUMNS, NEED_PRIORITIES, gaps_table
from detection.repository import Repository
from detection.vocab import COVERAGE_SYMBOLS
from geo.assets import use_local_assets
from geo.coverage_grid import CoverageGrid, coverage_grid_data
from geo.maplang import label_html
from geo.maps import KindStyle, build_map, cells_by_size, escape_html, light_display
from ui import session
from ui.basemap import base_map
from ui.foliummap import show_map
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import (
    cell_labels,
    date_format,
    excel_csv,
    layer_label,
    max_points,
    number_text,
    publication_label,
)

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()

GRID_LAYERS = ("grid100", "grid250", "grid1km")
NEED_COLOURS = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")  # light → dark (sequential)
STATUS_COLOURS = {"active": "#007A5E", "lapsed": "#B35C00", "none": "#555555"}
STATUS_STYLE = {s: (COVERAGE_SYMBOLS[s], colour) for s, colour in STATUS_COLOURS.items()}


def _pct(v: float) -> str:
    return f"{round(100 * float(v))} %"


def _need_class(need: np.ndarray) -> np.ndarray:
    """0–4 by rank among areas with need; 0 for no need."""
    out = np.zeros(len(need), dtype=int)
    pos = need > 0
    if pos.any():
        ranks = pd.Series(need[pos]).rank(method="average", pct=True).to_numpy()
        out[pos] = np.clip(np.ceil(ranks * 4).astype(int), 1, 4)
    return out


_HATCH = """
{% macro script(this, kwargs) %}
(function () {
    if (document.getElementById('opspor-hatch')) { return; }
    var box = document.createElement('div');
    box.innerHTML = '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false">'
        + '<defs><pattern id="opspor-hatch" patternUnits="userSpaceOnUse" width="10" height="10" '
        + 'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="10" stroke="#1b1b1b" '
        + 'stroke-width="2.5"/></pattern></defs></svg>';
    document.body.appendChild(box.firstChild);
})();
{% endmacro %}
"""


class _HatchPattern(MacroElement):
    """An SVG hatch pattern (``url(#opspor-hatch)``) the gap areas are filled with."""

    _template = Template(_HATCH)

    def __init__(self) -> None:
        super().__init__()
        self._name = "OpsporHatch"


_GAP_HATCH = """
{% macro script(this, kwargs) %}
(function () {
    var group = {{ this._parent.get_name() }};
    {{ this.source }}.eachLayer(function (layer) {
        if (!layer.feature || !layer.feature.properties.gap) { return; }
        L.polygon(layer.getLatLngs(), {stroke: false, fillColor: 'url(#opspor-hatch)', fillOpacity: 0.7,
                                       interactive: false}).addTo(group);
    });
})();
{% endmacro %}
"""


class _GapHatch(MacroElement):
    """The hatch over the gap areas, drawn in the browser from the areas' own layer (their
    ``gap`` property). A second GeoJSON layer of the same polygons doubled what a city's map
    sent (0.43 MB; issue 18)."""

    _template = Template(_GAP_HATCH)

    def __init__(self, source: folium.GeoJson) -> None:
        super().__init__()
        self._name = "OpsporGapHatch"
        self.source = source.get_name()


# Entrances up to which the coverage map draws one marker each (Samsø: 4,596); past it,
# counts per cell (a city: 150,000). ``OPSPOR_MAP_MAX_POINTS`` overrides it. (Comments, not
# docstrings: Streamlit's "magic" wrote a bare string on a page onto the page.)
MAX_ENTRANCE_POINTS = 10_000


# The map holds both UI languages and switches in the browser (issue 18: ``geo.maplang``).
LANGS = ("da", "en")


@st.cache_resource(max_entries=16, show_spinner=False)
def _coverage_data(db_key: str, data_version: int, user: str, layer: str, months: int, as_of: date) -> dict:
    """The coverage layers and gaps of one user and settings, any language; a grid cell's
    name by its place in each language ("250 m-felt nær Langgade, Tranebjerg"), never its
    DDKN id."""
    r = Repository.open(session.db_url(), user, migrate=False)
    layers = r.coverage_layers(layer, as_of=as_of, months=months)
    gaps = r.coverage_gaps(layer, as_of=as_of, months=months)
    names = None
    if layer in GRID_LAYERS:
        places = r.cell_places(layer, list(layers["areas"]["area_id"].astype(str)))
        names = {lang: cell_labels(places, layer, lang) for lang in LANGS}
    return {"layers": layers, "gaps": gaps, "names": names}


def _area_names(data: dict, lang: str) -> list[str]:
    areas, names = data["layers"]["areas"], data["names"]
    if names is None:
        return [str(n) for n in areas["name"]]
    return [names[lang].get(str(a), str(n)) for a, n in zip(areas["area_id"], areas["name"], strict=True)]


def _need_text(nd: float, lang: str) -> str:
    return f"{t('cov_need_word', lang)} {number_text(float(nd), lang, decimals=1)}"


def _grid_areas(areas: pd.DataFrame, m: folium.Map) -> CoverageGrid:
    """A grid layer's squares as a compact list drawn on a canvas (issue 18: a city's 250 m
    grid as GeoJSON features and label markers was 37 MB): the same fill, border, hatch,
    tooltip and gap labels, in both languages (:mod:`geo.coverage_grid`)."""
    sym = {s: c for s, (c, _) in STATUS_STYLE.items()}
    data = coverage_grid_data(
        areas[["geometry"]], need_class=areas["need_class"].astype(int).tolist(), gap=areas["gap"].tolist(),
        shares=[[round(100 * float(v)) for v in row] for row in
                zip(areas["active_share"], areas["lapsed_share"], areas["none_share"], strict=True)],
        need={lang: [number_text(float(nd), lang, decimals=1) for nd in areas["need"]] for lang in LANGS},
        names={lang: areas[f"name_{lang}"].astype(str).tolist() for lang in LANGS},
        tip={lang: f"{{p}}{{g}}<br>{sym['active']} {{a}} % · {sym['lapsed']} {{b}} % · {sym['none']} {{u}} %<br>"
                   f"{t('cov_need_word', lang)} {{n}}" for lang in LANGS},
        gap_word={lang: f" — {t('cov_gap_word', lang)}" for lang in LANGS},
        label={lang: f"{t('cov_gap_word', lang)} · {t('cov_need_word', lang)} {{n}}" for lang in LANGS},
        palette=NEED_COLOURS)
    return CoverageGrid(data, m.get_name())


def _polygon_areas(areas: pd.DataFrame, fg: folium.FeatureGroup, m: folium.Map) -> None:
    """A stored layer's areas (parishes): one GeoJSON feature each with its tooltip, hatched
    gaps, and labels (all of them for up to 60 areas, else the gaps')."""
    # simplified to a pixel and rounded to a metre: a city's 60 parishes were 1.7 MB as drawn (issue 18)
    g = light_display(areas[["area_id", *[f"name_{lang}" for lang in LANGS], "need", "need_class", "gap",
                             "active_share", "lapsed_share", "none_share", "dwellings", "geometry"]])
    sym = {s: escape_html(c) for s, (c, _) in STATUS_STYLE.items()}

    def head(row: tuple, lang: str) -> str:
        return str(row[0]) + (f" — {t('cov_gap_word', lang)}" if row[1] else "")

    # each area's tooltip in both languages; the texts are filled in by the map's script
    g["label"] = [
        label_html({lang: head((nm[i], gp), lang) for i, lang in enumerate(LANGS)}, shown=False)
        + f"<br>{sym['active']} {_pct(a)} · {sym['lapsed']} {_pct(b)} · {sym['none']} {_pct(u)}<br>"
        + label_html({lang: _need_text(nd, lang) for lang in LANGS}, shown=False)
        for nm, nd, a, b, u, gp in zip(zip(*[g[f"name_{lang}"] for lang in LANGS], strict=True), g["need"],
                                       g["active_share"], g["lapsed_share"], g["none_share"], g["gap"], strict=True)]
    g["area_id"] = g["area_id"].astype(str).map(escape_html)
    areas_layer = folium.GeoJson(
        g[["area_id", "label", "need_class", "gap", "geometry"]].__geo_interface__,
        style_function=lambda f: {
            "color": "#1b1b1b" if f["properties"]["gap"] else "#3d4f8a",
            "weight": 4 if f["properties"]["gap"] else 1.5,
            "dashArray": "10 6" if f["properties"]["gap"] else None,
            "fillColor": NEED_COLOURS[int(f["properties"]["need_class"])], "fillOpacity": 0.55},
        tooltip=folium.GeoJsonTooltip(fields=["label"], aliases=[""], labels=False),
    ).add_to(fg)
    if g["gap"].any():  # gaps hatched on top of their need colour: a pattern, not colour alone
        _GapHatch(areas_layer).add_to(fg)
    _HatchPattern().add_to(m)
    few = len(g) <= 60
    # labels in order of importance (gaps, then need): the label hider keeps the first of
    # any that would overlap and shows the others at a closer zoom
    order = g.sort_values(["gap", "need"], ascending=[False, False], kind="stable")
    for geom, label, gap, nd in zip(order.geometry, order["label"], order["gap"], order["need"], strict=True):
        if not (few or gap):
            continue
        if not few:  # many cells: a short sign on the map ("HUL · behov 57,6"); the tooltip has the rest
            label = label_html({lang: f"{t('cov_gap_word', lang)} · {_need_text(nd, lang)}" for lang in LANGS})
        p = geom.representative_point()
        folium.Marker([p.y, p.x], z_index_offset=1000, interactive=False, icon=folium.DivIcon(
            html=f'<div style="font:bold 12px sans-serif;background:#fff;border:1px solid #333;'
                 f'padding:2px 4px;white-space:nowrap;display:inline-block;line-height:1.25">{label}</div>',
            icon_size=(0, 0), icon_anchor=(0, 0))).add_to(fg)


@st.cache_resource(max_entries=16, show_spinner=False)
def _coverage_map(db_key: str, data_version: int, user: str, layer: str, months: int, as_of: date,
                  limit: int) -> folium.Map:
    """The coverage map of one user and settings, in both languages: a language switch
    neither rebuilds nor resends it (a rerun reuses it)."""
    r = Repository.open(session.db_url(), user, migrate=False)
    data = _coverage_data(db_key, data_version, user, layer, months, as_of)
    layers, gaps = data["layers"], data["gaps"]
    areas = layers["areas"].copy()
    gap_ids = {g["area_id"] for g in gaps["gaps"]}
    areas["need_class"] = _need_class(areas["need"].to_numpy(float))
    areas["gap"] = areas["area_id"].isin(gap_ids)
    for lang in LANGS:
        areas[f"name_{lang}"] = _area_names(data, lang)
    ent = layers.get("entrances")
    # layer names read "✓ · aktiv partner (n)": build_map puts the sign in front itself
    styles = [KindStyle(s, {lang: t(f"cov_status_{s}", lang) for lang in LANGS}, *STATUS_STYLE[s])
              for s in ("active", "lapsed", "none")]
    points = ent.rename(columns={"coverage": "kind"}) if ent is not None else None
    cells = None
    if points is not None and len(points) > limit:
        # a city's 150,000 entrances as markers were 12 MB of map (issue 18): past the limit
        # the entrances are counted per DDKN cell by their coverage, as Kort does with reports
        x, y, k = points["x"].to_numpy(float), points["y"].to_numpy(float), points["kind"].to_numpy(object)
        cells = cells_by_size(x, y, k)
    m = build_map(boundary=r.boundary(), area_layers={}, signals=points,
                  kind_styles=styles if ent is not None else (),
                  boundary_label={lang: t("boundary", lang) for lang in LANGS}, tiles_label=None,
                  count_text={lang: (lambda n, lang=lang: number_text(n, lang)) for lang in LANGS}, cells=cells)
    base_map(r).add_to(m)
    fg = folium.FeatureGroup(name=label_html({lang: t("cov_layer_areas", lang) for lang in LANGS}),
                             overlay=True, control=True, show=True)
    grid = None
    if layer in GRID_LAYERS:
        try:
            grid = _grid_areas(areas, m)
        except ValueError:  # cells that are no whole squares (never on DDKN layers): drawn as areas
            grid = None
    if grid is not None:
        _HatchPattern().add_to(m)
        grid.add_to(fg)
    else:
        _polygon_areas(areas, fg, m)
    fg.add_to(m)
    # build_map added its layer control already: move it after our layer, or its script
    # refers to a layer variable not defined yet and the map script stops
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.pop(key)
            m._children[key] = child
    return use_local_assets(m)


@st.cache_resource(max_entries=16, show_spinner=False)
def _coverage_view(db_key: str, data_version: int, user: str, layer: str, months: int, as_of: date,
                   lang: str, limit: int) -> dict:
    """Map, tables and gap list for one user, settings and language (a rerun reuses them;
    the map is the same for both languages)."""
    data = _coverage_data(db_key, data_version, user, layer, months, as_of)
    areas = data["layers"]["areas"].copy()
    names = _area_names(data, lang)
    by_id = dict(zip(areas["area_id"].astype(str), names, strict=True))
    gaps = {**data["gaps"], "gaps": [{**g, "name": by_id.get(str(g["area_id"]), g["name"])}
                                     for g in data["gaps"]["gaps"]]}
    areas["name"] = names
    table = pd.DataFrame({
        t("cov_col_area", lang): areas["name"].astype(str),
        t("cov_col_dwellings", lang): areas["dwellings"].astype(int),
        t("cov_col_need", lang): areas["need"].astype(float).round(1),
        t("cov_col_active", lang): areas["active_share"].map(_pct),
        t("cov_col_lapsed", lang): areas["lapsed_share"].map(_pct),
        t("cov_col_none", lang): areas["none_share"].map(_pct),
        t("cov_col_partners_active", lang): areas["partners_active"].map("; ".join),
        t("cov_col_partners_lapsed", lang): areas["partners_lapsed"].map("; ".join),
    }).sort_values(t("cov_col_need", lang), ascending=False)
    return {"map": _coverage_map(db_key, data_version, user, layer, months, as_of, limit), "table": table,
            "gaps": gaps, "need_source": data["layers"]["need_source"]}


st.title(t("cov_title", lg))
st.caption(t("cov_caption", lg))
if repo.actor.role not in SEES_ADDRESSES:
    st.info(t("cov_aggregate_note", lg).format(date=publication_label(lg)))
layer_names = repo.area_layer_names() + ["grid1km", "grid250"]
c1, c2, c3 = st.columns(3)
layer = c1.selectbox(t("cov_layer", lg), layer_names, index=0, key="cov_layer",
                     format_func=lambda v: layer_label(v, lg))
months = int(c2.number_input(t("cov_months", lg), min_value=1, max_value=36,
                                value=min(36, repo.active_months()), step=1, key="cov_months"))
as_of = c3.date_input(t("cov_as_of", lg), value=clock.today(), key="cov_as_of", format=date_format(lg))
view = _coverage_view(session.db_key(), int(info["data_version"]), repo.actor.name, layer, months, as_of, lg,
                      max_points(MAX_ENTRANCE_POINTS))
source = t("cov_need_source_priorities", lg) if view["need_source"] == NEED_PRIORITIES else view["need_source"]
st.caption(f"{t('cov_need_source', lg)}: {source}")

st.subheader(t("cov_gaps", lg))
st.caption(t("cov_gaps_caption", lg).format(pct=round(100 * view["gaps"]["max_active_share"])))
gap_df = gaps_table(view["gaps"]["gaps"], lang=lg)
if gap_df.empty:
    st.success(t("cov_no_gaps", lg))
else:
    high = [g["name"] for g in view["gaps"]["gaps"] if g["high_need"]]
    if high:
        st.markdown(f"**{t('cov_high_need_gaps', lg)}:** " + ", ".join(md_escape(h) for h in high))
    # on screen a grid cell is its place; its DDKN id stays in the CSV, under "Område-id"
    st.dataframe(gap_df.drop(columns=[GAP_COLUMNS["area_id"][lg]]) if layer in GRID_LAYERS else gap_df,
                 hide_index=True, key="cov_gap_table")
    slug = layer_label(layer, lg).replace(" ", "-")
    st.download_button(t("cov_download_gaps", lg), data=excel_csv(gap_df, lg), file_name=f"hulliste_{slug}_{as_of}.csv",
                       mime="text/csv", key="cov_download_gaps")

st.subheader(t("cov_map", lg))
show_map(view["map"], height=560, returned_objects=[], key=f"cov-map-{layer}")
st.subheader(t("cov_legend", lg))
st.markdown(t("cov_legend_text", lg))

st.subheader(t("cov_areas", lg))
st.dataframe(view["table"], hide_index=True)

"""Kort: the workspace map with one layer per kind of report; the latest import's reports can
be shown apart from the older ones.

Past :func:`max_points` reports (issue 18) the map draws counts per DDKN cell (10 km, 1 km,
250 m by zoom) instead of one marker each, and a planner reaches the addresses by choosing an
area: its reports are drawn one by one when they are few enough. Analysts read no reports
here at all (``signals.read``), so they never get points.

What a rerun costs: the reports (read once per data version and user), their cell counts and
the map are cached apart from the language. The map holds its texts in every UI language and
switches them in the browser (``geo.maplang``): a language switch sends nothing new for it and
the browser does not draw it again (issue 18); only the legend below is written anew.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from detection.access import allowed
from detection.repository import Repository
from detection.vocab import CORE_KINDS, KIND_BY_ID
from geo.areas import GRID_LAYERS
from geo.assets import use_local_assets
from geo.maps import KindStyle, build_map, cells_by_size
from ui import session
from ui.basemap import base_map
from ui.foliummap import show_map
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import date_text, layer_label, max_points, number_text

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()
ALL, LATEST = "all", "latest"
WHOLE = ""


@st.cache_resource(max_entries=8, show_spinner=False)
def _signals_for(db_key: str, data_version: int, user: str, only: str) -> pd.DataFrame | None:
    """The reports one user may see on the map (``None``: the role reads none), any language.

    Keyed on the user, so one user's view of signals is never served to another.
    """
    r = Repository.open(session.db_url(), user, migrate=False)
    if not allowed(r.actor.role, "signals.read"):
        return None
    sig = r.signals(purpose="view the map of reports")
    if only == LATEST:
        latest = r.latest_import()
        sig = sig[sig["signal_id"].isin(latest["signal_ids"] if latest else set())]
    return sig[["kind", "received", "entrance_id", "match_quality", "x", "y"]].reset_index(drop=True)


@st.cache_resource(max_entries=8, show_spinner=False)
def _areas_for(db_key: str, data_version: int, _user: str) -> dict[str, gpd.GeoDataFrame]:
    """The stored area layers (no personal data: shared by every user of a version)."""
    r = Repository.open(session.db_url(), _user, migrate=False)
    return {name: r.areas(name) for name in r.area_layer_names()}


@st.cache_resource(max_entries=16, show_spinner=False)
def _part_for(db_key: str, data_version: int, user: str, only: str, area: str, limit: int) -> dict:
    """The reports in ``area`` (``layer|area_id``; ``""``: all), and their counts per cell
    when they are too many to draw one by one; any language."""
    sig = _signals_for(db_key, data_version, user, only)
    view = None
    if sig is not None and area:
        layer, area_id = area.split("|", 1)
        gdf = _areas_for(db_key, data_version, user).get(layer)
        hit = gdf[gdf["area_id"].astype(str) == area_id] if gdf is not None else gdf
        if hit is not None and len(hit):
            geom = hit.geometry.iloc[0]
            sig = sig[shapely.contains_xy(geom, sig["x"].to_numpy(float), sig["y"].to_numpy(float))]
            view = tuple(float(v) for v in geom.bounds)
    cells = None
    if sig is not None and len(sig) > limit:
        x, y, k = sig["x"].to_numpy(float), sig["y"].to_numpy(float), sig["kind"].to_numpy(object)
        cells = cells_by_size(x, y, k)
    return {"signals": sig, "cells": cells, "view": view}


LANGS = ("da", "en")
"""The UI's languages, the first the one a map shows before its script has read the UI's."""


def _kinds(sig: pd.DataFrame | None) -> list:
    kinds = [KIND_BY_ID[k] for k in CORE_KINDS]
    if sig is not None:
        kinds += [KIND_BY_ID[k] for k in sorted(set(sig["kind"]) - set(CORE_KINDS))]
    return kinds


@st.cache_resource(max_entries=16, show_spinner=False)
def _map_for(db_key: str, data_version: int, user: str, only: str,
             area: str, limit: int) -> tuple[folium.Map, list[str], int, bool]:
    """The map of one workspace version for one user and area, in every UI language (a
    rerun and a language switch reuse it); ``only="latest"``: the reports of the latest
    import alone. Returns the map, the addresses drawn one by one, how many reports it
    counts and whether as cells."""
    r = Repository.open(session.db_url(), user, migrate=False)
    part = _part_for(db_key, data_version, user, only, area, limit)
    sig, cells = part["signals"], part["cells"]
    kinds = _kinds(sig)
    points = None
    if sig is not None and cells is None:
        points = sig.assign(**{f"label_{lang}": [
            f"{KIND_BY_ID[k].name(lang)} · {t(f'imp_q_{q}', lang)} · {date_text(d, lang)}"
            for k, q, d in zip(sig["kind"], sig["match_quality"], sig["received"], strict=True)]
            for lang in LANGS})
    styles = [KindStyle(k.id, {lang: k.name(lang) for lang in LANGS}, k.symbol, k.colour) for k in kinds]
    layers = _areas_for(db_key, data_version, user)
    labels = {name: {lang: layer_label(name, lang) for lang in LANGS} for name in layers}
    m = build_map(boundary=r.boundary(), area_layers=layers, area_labels=labels, signals=points,
                  kind_styles=styles, boundary_label={lang: t("boundary", lang) for lang in LANGS},
                  tiles_label=None, count_text={lang: (lambda n, lang=lang: number_text(n, lang)) for lang in LANGS},
                  cells=cells, view=part["view"])
    base_map(r).add_to(m)
    m = use_local_assets(m)
    ids = sorted(set(points["entrance_id"])) if points is not None else []
    return m, ids, (len(sig) if sig is not None else 0), cells is not None


def _legend(sig: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """The map's legend below it, in ``lang``: each kind's symbol, name and count."""
    vc = sig["kind"].value_counts() if sig is not None else None
    kinds = _kinds(sig)
    return pd.DataFrame({
        t("col_symbol", lang): [k.symbol for k in kinds],
        t("col_kind", lang): [k.name(lang) for k in kinds],
        t("col_count", lang): [number_text(int(vc.get(k.id, 0)), lang) if vc is not None else "–" for k in kinds],
    })


def _area_options(db_key: str, data_version: int, user: str, lang: str) -> dict[str, str]:
    """``layer|area_id`` → "Sogne: Tranebjerg" for every stored polygon area (grids aside)."""
    out = {WHOLE: t("map_area_all", lang)}
    for layer, gdf in _areas_for(db_key, data_version, user).items():
        if layer in GRID_LAYERS:
            continue
        for a, n in sorted(zip(gdf["area_id"].astype(str), gdf["name"].astype(str), strict=True),
                           key=lambda p: (p[1].casefold(), p[0])):
            out[f"{layer}|{a}"] = f"{layer_label(layer, lang)}: {n}"
    return out


st.title(t("map_heading", lg))
st.caption(t("map_caption", lg))
only, area = ALL, WHOLE
db_key, version, limit = session.db_key(), int(info["data_version"]), max_points()
reads = allowed(repo.actor.role, "signals.read")
if reads:
    latest = repo.latest_import()
    if latest is None:
        st.caption(t("map_no_import", lg))
    else:
        only = st.radio(t("map_show", lg), [ALL, LATEST], horizontal=True, key="map_only",
                        format_func=lambda v: t(f"map_show_{v}", lg))
        if only == LATEST:
            st.info(t("map_latest_caption", lg).format(
                n=number_text(len(latest["signal_ids"]), lg), file=md_escape(latest["file_name"]),
                when=date_text(latest["created_at"], lg, with_time=True), who=md_escape(latest["created_by"])))
    everything = _part_for(db_key, version, repo.actor.name, only, WHOLE, limit)
    if everything["cells"] is not None:
        st.info(t("map_cells_info", lg).format(n=number_text(len(everything["signals"]), lg)))
        options = _area_options(db_key, version, repo.actor.name, lg)
        if st.session_state.get("map_area") not in options:
            st.session_state.pop("map_area", None)
        area = st.selectbox(t("map_area", lg), list(options), key="map_area",
                            format_func=lambda v: options.get(v, v))
m, shown, n_reports, as_cells = _map_for(db_key, version, repo.actor.name, only, area, limit)
counts = _legend(_part_for(db_key, version, repo.actor.name, only, area, limit)["signals"], lg)
if reads:
    if area:
        name = md_escape(_area_options(db_key, version, repo.actor.name, lg).get(area, area))
        st.caption(t("map_area_cells" if as_cells else "map_area_points", lg).format(
            n=number_text(n_reports, lg), area=name))
    # The map may come from the cache: every showing is logged, with the addresses shown
    # (counts per cell show none).
    what = (f"map of reports as counts per cell ({n_reports} reports)" if as_cells
            else f"map of reports ({len(shown)} addresses)")
    repo.log_view(entrance_ids=shown, what=what + (f" in {area}" if area else ""),
                  purpose="view the map of reports")
else:
    st.info(t("no_signal_access", lg))
# one map for every language: a language switch changes none of its arguments
show_map(m, height=620, returned_objects=[], key=f"map-{only}-{area}")
st.subheader(t("legend", lg))
st.dataframe(counts, hide_index=True)

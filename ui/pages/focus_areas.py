"""Fokusområder: cluster suggestions on a map; accept one, pick an area, draw or upload; save."""

from __future__ import annotations

import json
from datetime import date

import folium
import pandas as pd
import streamlit as st
from folium.plugins import Draw

from detection import clock
from detection.access import SEES_ADDRESSES, allowed
from detection.errors import InputError
from detection.repository import Repository
from detection.vocab import KIND_BY_ID
from geo.areas import GRID_LAYERS, read_polygon
from geo.assets import use_local_assets
from geo.crs import to_display_crs
from geo.drawn import last_drawn_polygon
from geo.errors import GeoInputError
from geo.maplang import MapLanguage, label_html, title_attrs
from geo.maps import escape_html, light_display
from ui import session
from ui.basemap import base_map
from ui.foliummap import show_map
from ui.i18n import t
from ui.letters import letters_form
from ui.text import md_escape
from ui.widgets import (
    cell_labels,
    date_text,
    error_text,
    layer_label,
    number_text,
    publication_label,
)

repo: Repository = st.session_state["repo"]
lg = session.lang()
as_of = clock.today()
can_write = allowed(repo.actor.role, "focus.write")


def _label(geom_4326, text: str | dict[str, str]) -> folium.Marker:
    """A label on the map (one text, or one per language: ``geo.maplang``)."""
    p = geom_4326.representative_point()
    return folium.Marker([p.y, p.x], icon=folium.DivIcon(
        html=f'<div {title_attrs(text)} style="font:bold 12px sans-serif;color:#000;background:#fff;'
             f'border:1px solid #000;border-radius:3px;padding:0 3px;white-space:nowrap;'
             f'display:inline-block">{label_html(text)}</div>', icon_size=(120, 18), icon_anchor=(10, 9)))


LANGS = ("da", "en")
"""The map holds both UI languages and switches in the browser (issue 18)."""


def _both(key: str, suffix: str = "") -> dict[str, str]:
    return {lang: t(key, lang) + suffix for lang in LANGS}


def _kinds_text(d: dict, lang: str) -> str:
    return ", ".join(f"{KIND_BY_ID[k].name(lang) if k in KIND_BY_ID else k} {v}" for k, v in d.items())


@st.cache_resource(max_entries=16, show_spinner=False)
def _candidates(db_key: str, version: str, user: str, eps_m: float, min_samples: int, day: str) -> pd.DataFrame:
    """The cluster suggestions of one user, data version and settings, computed once: the
    map, the table and the chosen cluster all read them (issue 18: each rerun recomputed
    them, 7–12 s on a city)."""
    r = Repository.open(session.db_url(), user, migrate=False)
    return r.focus_candidates(eps_m=eps_m, min_samples=min_samples, as_of=date.fromisoformat(day))


LABELLED_CLUSTERS = 40
"""Clusters written on the map with their number (the best first); the others have theirs in
their tooltip (a city has ~800 clusters: a label each was most of the map's bytes)."""


@st.cache_resource(max_entries=32, show_spinner=False)
def _focus_map(db_key: str, version: str, user: str, eps_m: float, min_samples: int, saved_key: str,
               draw: bool) -> folium.Map:
    """Candidates (dashed, numbered) and saved focus areas (solid, named); keyed on the user.
    One map for both languages: it switches its texts in the browser (``geo.maplang``), so a
    language switch neither rebuilds nor resends it."""
    r = Repository.open(session.db_url(), user, migrate=False)
    cands = _candidates(db_key, version, user, eps_m, min_samples, as_of.isoformat())
    saved = r.focus_areas()
    b = to_display_crs(r.boundary())
    minx, miny, maxx, maxy = b.total_bounds if len(b) else (10.5, 55.8, 10.7, 56.0)
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None,
                   maxZoom=19, control_scale=True)
    MapLanguage(list(LANGS)).add_to(m)
    base_map(r).add_to(m)
    if len(b):
        folium.GeoJson(b.__geo_interface__, name=label_html(_both("boundary")),
                       style_function=lambda _f: {"color": "#1b1b1b", "weight": 2, "fill": False}).add_to(m)
    cand_group = folium.FeatureGroup(name=label_html(_both("focus_layer_candidates"))).add_to(m)
    if len(cands):
        c4 = light_display(cands[["cluster", "geometry"]])
        c4["tip"] = [label_html(_both("pcol_cluster", f" {c}")) for c in c4["cluster"]]
        folium.GeoJson(json.loads(c4[["tip", "geometry"]].to_json()),
                       style_function=lambda _f: {"color": "#d55e00", "weight": 2.5, "dashArray": "6 4",
                                                  "fillColor": "#e69f00", "fillOpacity": 0.25},
                       tooltip=folium.GeoJsonTooltip(fields=["tip"], aliases=[""], labels=False)).add_to(cand_group)
        for c, g in list(zip(c4["cluster"], c4.geometry, strict=True))[:LABELLED_CLUSTERS]:
            _label(g, _both("pcol_cluster", f" {c}")).add_to(cand_group)
    saved_group = folium.FeatureGroup(name=label_html(_both("focus_layer_saved"))).add_to(m)
    if len(saved):
        s4 = to_display_crs(saved[["name", "geometry"]])
        s4["tip"] = [escape_html(n) for n in s4["name"]]
        folium.GeoJson(json.loads(s4[["tip", "geometry"]].to_json()),
                       style_function=lambda _f: {"color": "#0072b2", "weight": 3, "fillColor": "#56b4e9",
                                                  "fillOpacity": 0.2},
                       tooltip=folium.GeoJsonTooltip(fields=["tip"], aliases=[""], labels=False)).add_to(saved_group)
        for n, g in zip(s4["name"], s4.geometry, strict=True):
            _label(g, n).add_to(saved_group)
    folium.LayerControl(collapsed=False).add_to(m)
    if len(b):
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    if draw:
        Draw(export=False, draw_options={"polyline": False, "circle": False, "marker": False,
                                         "circlemarker": False, "rectangle": True, "polygon": True}).add_to(m)

    return use_local_assets(m)


@st.cache_resource(max_entries=32, show_spinner=False)
def _focus_table(db_key: str, version: str, user: str, eps_m: float, min_samples: int, lang: str) -> pd.DataFrame:
    """The candidates' table below the map, in ``lang``."""
    cands = _candidates(db_key, version, user, eps_m, min_samples, as_of.isoformat())
    return pd.DataFrame({
        t("pcol_cluster", lang): cands["cluster"].astype(int) if len(cands) else [],
        t("pcol_concerned", lang): [number_text(v, lang) for v in cands["concerned_entrances"]] if len(cands) else [],
        t("pcol_signals", lang): [number_text(v, lang) for v in cands["signals"]] if len(cands) else [],
        t("pcol_dwellings", lang): [number_text(v, lang) for v in cands["dwellings"]] if len(cands) else [],
        t("pcol_score", lang): [number_text(v, lang) for v in cands["score"]] if len(cands) else [],
        t("pcol_kinds", lang): [_kinds_text(d, lang) for d in cands["signals_by_kind"]] if len(cands) else [],
    })


def _uploaded_polygon(upload):
    return read_polygon(upload.getvalue(), "GeoJSON", file_name=getattr(upload, "name", None))


# ---------------------------------------------------------------------------------- page

st.title(t("focus_heading", lg))
st.caption(t("focus_caption", lg))
if repo.actor.role not in SEES_ADDRESSES:
    st.info(t("prio_masked", lg).format(date=publication_label(lg)))
if "focus_msg" in st.session_state:
    st.success(st.session_state.pop("focus_msg"))

c1, c2 = st.columns(2)
eps_m = c1.slider(t("focus_eps", lg), min_value=50, max_value=500, value=150, step=10, key="focus_eps")
min_samples = c2.slider(t("focus_min", lg), min_value=2, max_value=10, value=3, key="focus_min")
saved = repo.focus_areas()
saved_key = ",".join(sorted(saved["focus_id"])) if len(saved) else ""
source_options = ["cluster", "area", "draw", "upload"]
source = (st.radio(t("focus_source", lg), source_options, key="focus_source", horizontal=True,
                   format_func=lambda s: t(f"psrc_{s}", lg)) if can_write else "cluster")
version = json.dumps(repo.data_version(), default=str)
m = _focus_map(session.db_key(), version, repo.actor.name, float(eps_m), int(min_samples), saved_key, source == "draw")
table = _focus_table(session.db_key(), version, repo.actor.name, float(eps_m), int(min_samples), lg)
st.caption(t("focus_map_caption", lg))
if source == "draw":
    st.caption(t("focus_draw_caption", lg))
state = show_map(m, height=560, returned_objects=["all_drawings"] if source == "draw" else [], key=f"focus-map-{source}")

st.subheader(t("focus_candidates", lg))
if table.empty:
    st.info(t("focus_no_candidates", lg))
else:
    st.dataframe(table, hide_index=True, key="focus_cand_df")

if can_write:
    st.subheader(t("focus_save_heading", lg))
    geometry, origin, ref = None, "drawn", ""
    if source == "cluster":
        numbers = list(table[t("pcol_cluster", lg)]) if not table.empty else []
        pick = st.selectbox(t("focus_pick_cluster", lg), numbers, key="focus_pick_cluster")
        if pick is not None:
            cands = _candidates(session.db_key(), version, repo.actor.name, float(eps_m), int(min_samples),
                                as_of.isoformat())
            hit = cands[cands["cluster"] == int(pick)]
            if len(hit):
                geometry = hit.geometry.iloc[0]
                origin, ref = "cluster", f"dbscan eps={eps_m} min={min_samples} #{pick}"
    elif source == "area":
        layers = ["parishes", "grid250", "grid100", "grid1km"]
        layers = [x for x in layers if x.startswith("grid") or x in repo.area_layer_names()] + [
            x for x in repo.area_layer_names() if x not in layers]
        layer = st.selectbox(t("focus_pick_layer", lg), layers, key="focus_pick_layer",
                             format_func=lambda v: layer_label(v, lg))
        ranking = repo.priorities(layer, as_of=as_of, lang=lg)
        names = dict(zip(ranking["area_id"], ranking["name"], strict=True))
        if layer in GRID_LAYERS:  # a cell by its place, not its DDKN id
            names = cell_labels(repo.cell_places(layer, list(ranking["area_id"][:500])), layer, lg)
        labels = {a: f"{rk}. {names.get(a, a)}" for a, rk in zip(ranking["area_id"], ranking["rank"], strict=True)}
        area_id = st.selectbox(t("focus_pick_area", lg), list(ranking["area_id"][:500]),
                               format_func=lambda a: labels.get(a, a), key="focus_pick_area")
        if area_id is not None:
            origin, ref = "area", f"{layer}:{area_id}"
    elif source == "draw":
        try:
            geometry = last_drawn_polygon((state or {}).get("all_drawings"))
        except ValueError as exc:
            geometry = None
            st.error(md_escape(exc))
        st.caption(t("focus_drawn_ok", lg) if geometry is not None else t("focus_drawn_none", lg))
    else:
        upload = st.file_uploader(t("focus_upload", lg), type=["geojson", "json"], key="focus_upload")
        if upload is not None:
            try:
                geometry = _uploaded_polygon(upload)
            except (InputError, GeoInputError) as exc:
                st.error(md_escape(error_text(exc, lg)))
    name = st.text_input(t("focus_name", lg), key="focus_name", max_chars=200)
    if st.button(t("focus_save", lg), key="focus_save", type="primary"):
        if geometry is None and origin != "area":
            st.error(t("focus_need_polygon", lg))
        else:
            try:
                repo.save_focus_area(name, geometry, origin=origin, source_ref=ref, as_of=as_of)
            except InputError as exc:
                st.error(md_escape(error_text(exc, lg)))
            else:
                st.session_state["focus_msg"] = t("focus_saved", lg).format(name=md_escape(name.strip()))
                st.rerun()

st.subheader(t("focus_saved_heading", lg))
if saved.empty:
    st.info(t("focus_none_saved", lg))
else:
    st.dataframe(pd.DataFrame({
        t("pcol_name", lg): saved["name"].astype(str),
        t("pcol_origin", lg): [t(f"porigin_{o}", lg) if o in ("cluster", "area", "drawn") else o for o in saved["origin"]],
        t("pcol_dwellings", lg): [number_text(s.get("dwellings"), lg) for s in saved["stats"]],
        t("pcol_entrances", lg): [number_text(s.get("entrances"), lg) for s in saved["stats"]],
        t("pcol_concerned", lg): [number_text(s.get("concerned_entrances"), lg) for s in saved["stats"]],
        t("pcol_signals", lg): [number_text(s.get("signals"), lg) for s in saved["stats"]],
        t("pcol_kinds", lg): [_kinds_text(s.get("signals_by_kind", {}), lg) for s in saved["stats"]],
        t("pcol_created", lg): [date_text(c, lg, with_time=True) for c in saved["created_at"]],
    }), hide_index=True, key="focus_saved_df")
    if can_write:
        names = dict(zip(saved["focus_id"], saved["name"], strict=True))
        c1, c2 = st.columns([3, 1])
        victim = c1.selectbox(t("focus_delete_pick", lg), list(names), format_func=names.get, key="focus_delete_pick",
                              index=None, placeholder=t("focus_del_none", lg))
        if c2.button(t("focus_delete", lg), key="focus_delete", disabled=victim is None):
            st.session_state["focus_delete_asked"] = victim
        asked = st.session_state.get("focus_delete_asked")
        if asked is not None and asked == victim:
            # say what goes, and ask a second time
            stats = dict(zip(saved["focus_id"], saved["stats"], strict=True)).get(asked, {})
            st.warning(t("focus_del_what", lg).format(
                name=md_escape(names[asked]), dwellings=number_text(stats.get("dwellings"), lg),
                signals=number_text(stats.get("signals"), lg)))
            d1, d2 = st.columns(2)
            if d1.button(t("focus_del_yes", lg).format(name=md_escape(names[asked])), key="focus_delete_confirm",
                         type="primary"):
                try:
                    repo.delete_focus_area(asked)
                except InputError as exc:
                    st.error(md_escape(error_text(exc, lg)))
                else:
                    st.session_state.pop("focus_delete_asked", None)
                    st.session_state.pop("focus_delete_pick", None)
                    st.session_state["focus_msg"] = t("focus_deleted", lg)
                    st.rerun()
            if d2.button(t("focus_del_no", lg), key="focus_delete_cancel"):
                st.session_state.pop("focus_delete_asked", None)
                st.rerun()

if allowed(repo.actor.role, "letters.write"):  # issue 17: the planner writes the letter to the residents too
    letters_form(repo, lg, key="focus_letters")

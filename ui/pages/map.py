"""Kort: the workspace map with one layer per kind of report."""

from __future__ import annotations

import copy

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from detection.access import allowed
from detection.repository import Repository
from detection.vocab import CORE_KINDS, KIND_BY_ID
from geo.assets import use_local_assets
from geo.maps import KindStyle, build_map
from ui import session
from ui.i18n import t

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()


@st.cache_resource(max_entries=16, show_spinner=False)
def _map_for(db_key: str, data_version: int, user: str, lang: str) -> tuple[folium.Map, pd.DataFrame, list[str]]:
    """The map of one workspace version for one user and language (a rerun reuses it).

    Keyed on the user, so one user's view of signals is never served to another.
    """
    r = Repository.open(session.db_url(), user, migrate=False)
    kinds = [KIND_BY_ID[k] for k in CORE_KINDS]
    sig = None
    if allowed(r.actor.role, "signals.read"):
        sig = r.signals(purpose="view the map of reports")
        extra = [KIND_BY_ID[k] for k in sorted(set(sig["kind"]) - set(CORE_KINDS))]
        kinds += extra
        sig = sig.assign(label=[
            f"{KIND_BY_ID[k].name(lang)} · {q}" for k, q in zip(sig["kind"], sig["match_quality"], strict=True)])
    styles = [KindStyle(k.id, k.name(lang), k.symbol, k.colour) for k in kinds]
    layers = {name: r.areas(name) for name in r.area_layer_names()}
    labels = {"parishes": t("layer_parishes", lang)}
    m = build_map(boundary=r.boundary(), area_layers=layers, area_labels=labels, signals=sig,
                  kind_styles=styles, boundary_label=t("boundary", lang), tiles_label=t("tiles", lang))
    m = use_local_assets(m)
    counts = pd.DataFrame({
        t("col_symbol", lang): [s.symbol for s in styles],
        t("col_kind", lang): [s.label for s in styles],
        t("col_count", lang): [int((sig["kind"] == s.kind).sum()) if sig is not None else None for s in styles],
    })
    ids = sorted(set(sig["entrance_id"])) if sig is not None else []
    return m, counts, ids


st.title(t("map_heading", lg))
st.caption(t("map_caption", lg))
m, counts, shown = _map_for(session.db_key(), int(info["data_version"]), repo.actor.name, lg)
if allowed(repo.actor.role, "signals.read"):
    # The map may come from the cache: every showing is logged, with the addresses shown.
    repo.log_view(entrance_ids=shown, what=f"map of reports ({len(shown)} addresses)",
                  purpose="view the map of reports")
else:
    st.info(t("no_signal_access", lg))
# st_folium changes the map object while rendering it; render a copy of the cached one.
st_folium(copy.deepcopy(m), height=620, use_container_width=True, returned_objects=[], key=f"map-{lg}")
st.subheader(t("legend", lg))
st.dataframe(counts, hide_index=True)

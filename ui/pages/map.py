"""Kort: the workspace map with one layer per kind of report; the latest import's reports can
be shown apart from the older ones."""

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
from ui.text import md_escape
from ui.widgets import date_text, layer_label, number_text

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()
ALL, LATEST = "all", "latest"


@st.cache_resource(max_entries=16, show_spinner=False)
def _map_for(db_key: str, data_version: int, user: str, lang: str, only: str) -> tuple[folium.Map, pd.DataFrame, list[str]]:
    """The map of one workspace version for one user and language (a rerun reuses it);
    ``only="latest"``: the reports of the latest import alone.

    Keyed on the user, so one user's view of signals is never served to another.
    """
    r = Repository.open(session.db_url(), user, migrate=False)
    kinds = [KIND_BY_ID[k] for k in CORE_KINDS]
    sig = None
    if allowed(r.actor.role, "signals.read"):
        sig = r.signals(purpose="view the map of reports")
        if only == LATEST:
            latest = r.latest_import()
            sig = sig[sig["signal_id"].isin(latest["signal_ids"] if latest else set())]
        extra = [KIND_BY_ID[k] for k in sorted(set(sig["kind"]) - set(CORE_KINDS))]
        kinds += extra
        sig = sig.assign(label=[
            f"{KIND_BY_ID[k].name(lang)} · {t(f'imp_q_{q}', lang)} · {date_text(d, lang)}"
            for k, q, d in zip(sig["kind"], sig["match_quality"], sig["received"], strict=True)])
    styles = [KindStyle(k.id, k.name(lang), k.symbol, k.colour) for k in kinds]
    layers = {name: r.areas(name) for name in r.area_layer_names()}
    labels = {name: layer_label(name, lang) for name in layers}
    m = build_map(boundary=r.boundary(), area_layers=layers, area_labels=labels, signals=sig,
                  kind_styles=styles, boundary_label=t("boundary", lang), tiles_label=None,
                  count_text=lambda n: number_text(n, lang))
    r.base_map_layers().add_to(m)
    m = use_local_assets(m)
    counts = pd.DataFrame({
        t("col_symbol", lang): [s.symbol for s in styles],
        t("col_kind", lang): [s.label for s in styles],
        t("col_count", lang): [number_text(int((sig["kind"] == s.kind).sum()), lang) if sig is not None else "–"
                               for s in styles],
    })
    ids = sorted(set(sig["entrance_id"])) if sig is not None else []
    return m, counts, ids


st.title(t("map_heading", lg))
st.caption(t("map_caption", lg))
only = ALL
if allowed(repo.actor.role, "signals.read"):
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
m, counts, shown = _map_for(session.db_key(), int(info["data_version"]), repo.actor.name, lg, only)
if allowed(repo.actor.role, "signals.read"):
    # The map may come from the cache: every showing is logged, with the addresses shown.
    repo.log_view(entrance_ids=shown, what=f"map of reports ({len(shown)} addresses)",
                  purpose="view the map of reports")
else:
    st.info(t("no_signal_access", lg))
# st_folium changes the map object while rendering it; render a copy of the cached one.
st_folium(copy.deepcopy(m), height=620, use_container_width=True, returned_objects=[], key=f"map-{lg}-{only}")
st.subheader(t("legend", lg))
st.dataframe(counts, hide_index=True)

"""Vurdering: the planner's list of reports to assess, filterable by kind, source, area and
match quality; each report assessed as in / not in the target group / unclear."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.repository import Repository
from detection.vocab import ASSESSMENTS, KIND_BY_ID, KINDS
from geo.areas import GRID_LAYERS
from geo.geocode import QUALITIES
from ui import session
from ui.i18n import t
from ui.text import md_escape

repo: Repository = st.session_state["repo"]
lg = session.lang()
ALL = "__all__"

st.title(t("as_heading", lg))
st.caption(t("as_caption", lg))
if st.session_state.pop("as_saved", False):
    st.success(t("as_saved", lg))

c1, c2, c3 = st.columns(3)
kind = c1.selectbox(t("as_filter_kind", lg), [ALL, *[k.id for k in KINDS]], key="as_kind",
                    format_func=lambda k: t("as_all", lg) if k == ALL else KIND_BY_ID[k].name(lg))
source = c2.selectbox(t("as_filter_source", lg), [ALL, *repo.signal_sources()], key="as_source",
                      format_func=lambda s: t("as_all", lg) if s == ALL else s)
quality = c3.selectbox(t("as_filter_quality", lg), [ALL, *QUALITIES], key="as_quality",
                       format_func=lambda q: t("as_all", lg) if q == ALL else t(f"imp_q_{q}", lg))
c4, c5, c6 = st.columns(3)
status = c4.selectbox(t("as_filter_status", lg), [*ASSESSMENTS, ALL], key="as_status",
                      format_func=lambda a: t("as_all", lg) if a == ALL else t(f"imp_a_{a}", lg))
layers = [*repo.area_layer_names(), *GRID_LAYERS]
layer = c5.selectbox(t("as_filter_layer", lg), [ALL, *layers], key="as_layer",
                     format_func=lambda v: t("as_all", lg) if v == ALL else v)
area = None
if layer != ALL and layer in GRID_LAYERS:
    cell = c6.text_input(t("as_filter_area", lg), key="as_cell", placeholder="1km_6203_596")
    area = (layer, cell.strip()) if cell.strip() else None
elif layer != ALL:
    polys = repo.areas(layer)
    names = dict(zip(polys["area_id"], polys["name"], strict=True))
    picked = c6.selectbox(t("as_filter_area", lg), list(names), key="as_area",
                          format_func=lambda a: f"{names[a]} ({a})")
    area = (layer, picked) if picked else None

df = repo.signals_to_assess(kind=None if kind == ALL else kind, source=None if source == ALL else source,
                            area=area, match_quality=None if quality == ALL else quality,
                            assessment=None if status == ALL else status)
st.write(t("as_count", lg).format(n=len(df)))
if df.empty:
    st.info(t("as_none", lg))
    st.stop()

table = pd.DataFrame({
    t("imp_col_received", lg): df["received"].astype(str),
    t("as_filter_kind", lg): [f"{KIND_BY_ID[k].symbol} · {KIND_BY_ID[k].name(lg)}" for k in df["kind"]],
    t("imp_col_address", lg): df["address"],
    t("imp_col_source", lg): df["source"],
    t("imp_col_quality", lg): [t(f"imp_q_{q}", lg) for q in df["match_quality"]],
    t("imp_col_credibility", lg): df["credibility"],
    t("imp_col_note", lg): df["note"],  # a dataframe cell shows text as text (no HTML)
    t("imp_col_assessment", lg): [t(f"imp_a_{a}", lg) for a in df["assessment"]],
})
st.dataframe(table, hide_index=True, key="assess_table")

labels = {sid: f"{r} · {KIND_BY_ID[k].name(lg)} · {a}" for sid, r, k, a in
          zip(df["signal_id"], df["received"].astype(str), df["kind"], df["address"], strict=True)}
sid = st.selectbox(t("as_pick", lg), list(labels), format_func=labels.get, key="as_pick")
chosen = df[df["signal_id"] == sid].iloc[0]
st.markdown(f"**{t('as_note', lg)}:** {md_escape(chosen['note']) or '—'}")
if chosen["assessed_by"]:
    st.caption(t("as_by", lg).format(who=md_escape(chosen["assessed_by"]), when=str(chosen["assessed_at"])[:16]))
with st.form("assess_form"):
    value = st.radio(t("as_set", lg), [a for a in ASSESSMENTS if a != "new"], key="as_value", horizontal=True,
                     format_func=lambda a: t(f"imp_a_{a}", lg))
    save = st.form_submit_button(t("as_save", lg), type="primary")
if save:
    repo.assess_signal(sid, value)
    st.session_state["as_saved"] = True
    st.rerun()

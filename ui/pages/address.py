"""Adressesøgning: type an address and see its history (planner and team lead; audited)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.errors import InputError
from detection.vocab import ASSESSMENT_CODES, KIND_BY_ID, OUTCOME_BY_ID
from ui import session
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import date_text

repo = st.session_state["repo"]
lg = session.lang()
st.title(t("ad_heading", lg))
st.caption(t("ad_caption", lg))

with st.form("address_search"):
    query = st.text_input(t("ad_input", lg), key="address_query", help=t("ad_help", lg), max_chars=200)
    go = st.form_submit_button(t("ad_search", lg), type="primary")
if go:
    try:
        st.session_state["address_hits"] = repo.address_search(query)
        st.session_state["address_q"] = query
    except InputError:
        st.session_state.pop("address_hits", None)
        st.error(t("ad_short", lg))

hits = st.session_state.get("address_hits")
if hits is not None:
    if not hits:
        st.info(t("ad_none", lg).format(q=md_escape(st.session_state.get("address_q", ""))))
        st.stop()
    labels = {h["entrance_id"]: h["address"] for h in hits}
    chosen = st.selectbox(t("ad_pick", lg), list(labels), format_func=lambda e: labels[e], key="address_pick")
    if st.button(t("ad_show", lg), key="address_show") or len(hits) == 1:
        h = repo.address_history(chosen)
        st.subheader(md_escape(h["address"]))
        if h["restricted"]:
            st.warning(t("ad_restricted", lg))
            st.stop()

        def _table(title: str, df: pd.DataFrame) -> None:
            st.markdown(f"**{title}**")
            if df.empty:
                st.caption(t("ad_empty", lg))
            else:
                st.dataframe(df, hide_index=True, use_container_width=True)

        sig = h["signals"]
        _table(t("ad_signals", lg), pd.DataFrame({
            t("ad_received", lg): [date_text(d, lg) for d in sig.get("received", [])],
            t("ad_kind", lg): [KIND_BY_ID[k].name(lg) if k in KIND_BY_ID else k for k in sig.get("kind", [])],
            t("ad_source", lg): list(sig.get("source", [])),
            t("ad_assessment", lg): [ASSESSMENT_CODES.name(a, lg) for a in sig.get("assessment", [])],
        }))
        out = h["outcomes"]
        _table(t("ad_outcomes", lg), pd.DataFrame({
            t("ad_visited", lg): [date_text(v, lg, with_time=True) for v in out.get("visited_at", [])],
            t("pg_outcome", lg): [OUTCOME_BY_ID[o].name(lg) if o in OUTCOME_BY_ID else o
                                  for o in out.get("outcome", [])],
        }))
        plans = h["plans"]
        tasks = {"visit": t("rt_task_visit", lg), "revisit": t("rt_task_revisit", lg),
                 "letter": t("rt_task_letter", lg)}
        _table(t("ad_plans", lg), pd.DataFrame({
            t("pg_day", lg): [date_text(d, lg) for d in plans.get("day", [])],
            t("pg_pair", lg): [t("pg_pair_n", lg).format(n=n) for n in plans.get("team", [])],
            t("ad_task", lg): [tasks.get(x, x) for x in plans.get("task", [])],
        }))

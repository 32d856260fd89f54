"""Datakilder: where the data comes from, its licences, and register rows reported at build."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.access import allowed
from detection.repository import Repository
from ui import session
from ui.i18n import LICENCES, t
from ui.widgets import layer_label, yes_no

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()


def _kind(kind: str) -> str:
    key = f"src_kind_{kind}"
    try:
        return t(key, lg)
    except KeyError:
        return str(kind)


def _sources_table(sources: list[dict]) -> pd.DataFrame:
    """The files the workspace was built from, in the user's words (no raw layer ids)."""
    return pd.DataFrame({
        t("src_col_kind", lg): [_kind(s.get("kind", "")) for s in sources],
        t("col_file", lg): [t("src_generated", lg) if s.get("file") == "generated" else str(s.get("file", ""))
                            for s in sources],
        t("src_col_layer", lg): [layer_label(s["layer"], lg) if s.get("layer") else "" for s in sources],
        t("src_col_licence", lg): [str(s.get("licence", "")).replace("contributors", "bidragydere")
                                   if lg == "da" else str(s.get("licence", "")) for s in sources],
        t("src_col_note", lg): [t("src_note_synthetic", lg) if "synthetic" in str(s.get("note", ""))
                                else str(s.get("note", "")) for s in sources],
    })


def _problem_message(reason: str, value: object) -> str:
    key = f"prob_{reason}"
    try:
        return t(key, lg).format(value=value, reason=reason)
    except KeyError:
        return t("prob_other", lg).format(reason=reason)


st.title(t("sources_heading", lg))
st.subheader(t("src_licences", lg))
st.dataframe(pd.DataFrame({
    t("src_col_data", lg): [x["data"] for x in LICENCES],
    t("src_col_source", lg): [x["source"] for x in LICENCES],
    t("src_col_licence", lg): [x["licence"] for x in LICENCES],
}), hide_index=True)
st.subheader(t("src_workspace", lg))
st.dataframe(_sources_table(list(info["sources"])), hide_index=True)

if allowed(repo.actor.role, "problems.read"):
    st.subheader(t("problems_heading", lg))
    probs = repo.register_problems()
    if probs.empty:
        st.write(t("no_problems", lg))
    else:
        st.dataframe(pd.DataFrame({
            t("col_file", lg): probs["file"].astype(str),
            t("col_row", lg): [str(int(r)) for r in probs["row"]],
            t("col_field", lg): probs["field"].astype(str),
            t("col_value", lg): probs["value"].fillna("").astype(str),
            t("col_message", lg): [_problem_message(r, v) for r, v in zip(probs["reason"], probs["value"], strict=True)],
            t("col_kept", lg): [yes_no(k, lg) for k in probs["kept"]],
        }), hide_index=True)

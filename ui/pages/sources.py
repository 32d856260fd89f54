"""Datakilder: where the data comes from, its licences, and register rows reported at build."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.access import allowed
from detection.repository import Repository
from ui import session
from ui.i18n import LICENCES, t

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()

st.title(t("sources_heading", lg))
st.dataframe(pd.DataFrame(LICENCES), hide_index=True)
st.dataframe(pd.DataFrame(info["sources"]).astype(str), hide_index=True)

if allowed(repo.actor.role, "problems.read"):
    st.subheader(t("problems_heading", lg))
    probs = repo.register_problems()
    if probs.empty:
        st.write(t("no_problems", lg))
    else:
        cols = {"file": "col_file", "row": "col_row", "field": "col_field", "value": "col_value",
                "reason": "col_reason", "message": "col_message", "kept": "col_kept"}
        st.dataframe(probs[list(cols)].rename(columns={k: t(v, lg) for k, v in cols.items()}),
                     hide_index=True)

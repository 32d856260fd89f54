"""The period of the method's figures (issue 16): two date fields, defaulting to the framed
period of today (or the last 12 months), the same on the funnel, fidelity and evaluation
pages (the choice is kept across them)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from detection import clock
from detection.repository import Repository
from ui.i18n import t
from ui.widgets import date_format


def period_picker(repo: Repository, lang: str) -> tuple[date, date]:
    """The period chosen on the page (kept in the session for the other result pages)."""
    today = clock.today()
    framing = repo.framing(today)
    start0, end0 = (framing.period_from, framing.period_to) if framing else (today - timedelta(days=364), today)
    start = st.session_state.get("method_from", start0)
    end = st.session_state.get("method_to", end0)
    c1, c2 = st.columns(2)
    start = c1.date_input(t("mp_from", lang), value=start, format=date_format(lang), key="mp_from_input")
    end = c2.date_input(t("mp_to", lang), value=end, format=date_format(lang), key="mp_to_input")
    st.session_state["method_from"], st.session_state["method_to"] = start, end
    if framing is None:
        st.caption(t("mp_no_framing", lang))
    return start, end

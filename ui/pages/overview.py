"""Overblik: the counts of the workspace."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.repository import Repository
from detection.vocab import KIND_BY_ID
from ui import session
from ui.i18n import t
from ui.text import md_escape

repo: Repository = st.session_state["repo"]
lg = session.lang()
s = repo.summary()


def _n(v: int | str) -> str:
    """Danish thousands separator; a masked count ("<5") as it is."""
    return f"{v:,}".replace(",", ".") if isinstance(v, int) else str(v)


st.title(t("overview_heading", lg))
st.write(f"**{t('workspace', lg)}:** {md_escape(s['name'])} · **{t('kommune', lg)}:** {s['kommunekode']}")
cols = st.columns(4)
cols[0].metric(t("m_entrances", lg), f"{s['entrances']:,}".replace(",", "."))
cols[1].metric(t("m_dwellings", lg), f"{s['dwellings']:,}".replace(",", "."))
cols[2].metric(t("m_signals", lg), _n(s["signals"]))
cols[3].metric(t("m_partners", lg), f"{s['partners']:,}".replace(",", "."))
cols = st.columns(4)
cols[0].metric(t("m_units", lg), f"{s['units']:,}".replace(",", "."))
cols[1].metric(t("m_nodes", lg), f"{s['network_nodes']:,}".replace(",", "."))
cols[2].metric(t("m_edges", lg), f"{s['network_edges']:,}".replace(",", "."))

st.subheader(t("areas_heading", lg))
st.dataframe(pd.DataFrame({t("col_layer", lg): list(s["areas"]), t("col_areas", lg): list(s["areas"].values())}),
             hide_index=True)
st.caption(t("grid_note", lg))

st.subheader(t("kinds_heading", lg))
by_kind = s["signals_by_kind"]
st.dataframe(pd.DataFrame({
    t("col_symbol", lg): [KIND_BY_ID[k].symbol for k in by_kind],
    t("col_kind", lg): [KIND_BY_ID[k].name(lg) for k in by_kind],
    t("col_count", lg): list(by_kind.values()),
}), hide_index=True)

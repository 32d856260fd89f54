"""Overblik: the counts of the workspace."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection import clock
from detection.access import SEES_ADDRESSES
from detection.repository import Repository
from detection.vocab import KIND_BY_ID
from ui import session
from ui.charts import signals_per_month_chart, signals_per_month_table
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import layer_label, number_text, publication_label

repo: Repository = st.session_state["repo"]
lg = session.lang()


@st.cache_data(max_entries=16, show_spinner=False)
def _summary(db_key: str, data_version: int, user: str, day: str) -> tuple[dict, pd.DataFrame]:
    """The counts and the reports per month, once per data version, user and day (issue 18:
    read on every rerun, 1.5–2 s on a city with 100,000 reports)."""
    r = Repository.open(session.db_url(), user, migrate=False)
    return r.summary(), r.signals_per_month()


s, per_month = _summary(session.db_key(), int(st.session_state["workspace"]["data_version"]), repo.actor.name,
                        clock.today().isoformat())


def _n(v: int | str) -> str:
    """A count as the UI's language writes it (``1.816``); a masked count ("<5") as it is."""
    return number_text(v, lg)


st.title(t("overview_heading", lg))
st.write(f"**{t('workspace', lg)}:** {md_escape(s['name'])} · **{t('kommune', lg)}:** {s['kommunekode']}")
cols = st.columns(4)
cols[0].metric(t("m_entrances", lg), _n(s["entrances"]))
cols[1].metric(t("m_dwellings", lg), _n(s["dwellings"]))
cols[2].metric(t("m_signals", lg), _n(s["signals"]))
cols[3].metric(t("m_partners", lg), _n(s["partners"]))
cols = st.columns(4)
cols[0].metric(t("m_units", lg), _n(s["units"]))
cols[1].metric(t("m_nodes", lg), _n(s["network_nodes"]))
cols[2].metric(t("m_edges", lg), _n(s["network_edges"]))

st.subheader(t("areas_heading", lg))
st.dataframe(pd.DataFrame({t("col_layer", lg): [layer_label(x, lg) for x in s["areas"]],
                           t("col_areas", lg): [_n(v) for v in s["areas"].values()]}), hide_index=True)
st.caption(t("grid_note", lg))

st.subheader(t("kinds_heading", lg))
by_kind = s["signals_by_kind"]
st.dataframe(pd.DataFrame({
    t("col_symbol", lg): [KIND_BY_ID[k].symbol for k in by_kind],
    t("col_kind", lg): [KIND_BY_ID[k].name(lg) for k in by_kind],
    t("col_count", lg): [_n(v) for v in by_kind.values()],
}), hide_index=True)

# issue 15: the reports per month by kind, as a chart (the numbers behind it in an expander);
# those who may not see addresses get the repository's protected counts (docs/privacy.md)
st.subheader(t("ov_month_heading", lg))
protected = repo.actor.role not in SEES_ADDRESSES
if protected:
    st.info(t("ov_month_protected", lg).format(date=publication_label(lg)))
if per_month.empty:
    st.info(t("ov_month_none", lg))
else:
    st.caption(t("ov_month_caption", lg))
    st.altair_chart(signals_per_month_chart(per_month, lg), width="stretch")
    with st.expander(t("ov_month_table", lg)):
        st.dataframe(signals_per_month_table(per_month, lg, protected=protected), hide_index=True,
                     key="ov_month_table")

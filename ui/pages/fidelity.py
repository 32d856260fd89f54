"""Metodefasthed: the eight core elements of the method (issue 16), each with its indicator,
threshold (Indstillinger → Metodefasthed) and status in words and a symbol — never colour
alone."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.errors import InputError
from ui import session
from ui.i18n import t
from ui.period import period_picker
from ui.text import md_escape
from ui.widgets import date_text, error_text, number_text

repo = st.session_state["repo"]
lg = session.lang()
st.title(t("fi_heading", lg))
st.caption(t("fi_caption", lg))

start, end = period_picker(repo, lg)
try:
    fid = repo.fidelity(start=start, end=end)
except InputError as exc:
    st.error(md_escape(error_text(exc, lg)))
    st.stop()
if fid["protected"]:
    st.info(t("fu_protected", lg).format(to=date_text(fid["period"]["to"], lg)))

els = fid["elements"]
met = sum(e["status"] == "met" for e in els)
st.markdown(t("fi_summary", lg).format(met=met, n=len(els)))


def _pct(v: object) -> str:
    return "–" if v is None else f"{number_text(100 * float(v), lg, decimals=0)} %"


def _basis(e: dict) -> str:
    if e["id"] in ("framing", "mapping"):
        return t(f"fi_parts_{e['id']}", lg).format(n=number_text(e["numerator"], lg),
                                                    of=number_text(e["denominator"], lg))
    if e["denominator"] is None:
        return t("fi_why_no_goal", lg)
    return t("fi_basis", lg).format(n=number_text(e["numerator"], lg), of=number_text(e["denominator"], lg))


st.dataframe(pd.DataFrame({
    t("fi_status", lg): [f"{e['symbol']} {t('fi_status_' + e['status'], lg)}" for e in els],
    t("fi_element", lg): [e["name"] if lg == "da" else e["name_en"] for e in els],
    t("fi_indicator", lg): [t(f"fi_ind_{e['id']}", lg) for e in els],
    t("fi_value", lg): [_pct(e["value"]) if e["value"] is not None else t(f"fi_why_{e['why']}", lg) for e in els],
    t("fi_threshold", lg): [_pct(e["threshold"]) for e in els],
    t("fi_basis_col", lg): [_basis(e) for e in els],
}), hide_index=True, use_container_width=True, key="fi_table")
st.caption(t("fi_legend", lg))

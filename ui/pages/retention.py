"""Sletning og opbevaring: retention periods and the purge (administrator)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection import clock
from detection.errors import InputError
from detection.repository import Repository
from detection.repository.base import MIN_SETTINGS
from ui import session
from ui.i18n import t

repo: Repository = st.session_state["repo"]
lg = session.lang()
st.title(t("retention_heading", lg))
st.caption(t("retention_caption", lg))

cfg = repo.settings()


def _settings_form(key: str, keys: list[str], max_value: int) -> None:
    with st.form(key):
        values = {k: st.number_input(t(k, lg), min_value=MIN_SETTINGS.get(k, 1), max_value=max_value,
                                     value=max(int(cfg[k]), MIN_SETTINGS.get(k, 1)), step=1)
                  for k in keys}
        if st.form_submit_button(t("save", lg)):
            try:
                for k, v in values.items():
                    if int(v) != cfg[k]:
                        repo.set_setting(k, int(v))
            except InputError as exc:
                st.error(t("settings_refused", lg).format(detail=exc))
            else:
                st.success(t("done", lg))


_settings_form("retention", [k for k in cfg if k.startswith("retention_")], 3650)


def _table(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({t("col_table", lg): list(counts), t("col_rows", lg): list(counts.values())})


c1, c2 = st.columns(2)
if c1.button(t("purge_preview", lg), key="purge_preview"):
    st.dataframe(_table(repo.purge(as_of=clock.today(), dry_run=True)), hide_index=True)
if c2.button(t("purge_now", lg), type="primary", key="purge_now"):
    result = repo.purge(as_of=clock.today())
    st.dataframe(_table(result), hide_index=True)
    if not result.reclaimed:  # deleted, but a reader or a lock kept the bytes on disk for now
        st.warning(t("purge_pending", lg).format(tables=", ".join(result.pending)))

st.subheader(t("settings_other", lg))
_settings_form("settings_partners", ["partner_active_months"], 120)

st.subheader(t("settings_sign_in", lg))
_settings_form("settings_sign_in", ["session_idle_minutes", "sign_in_lockout_failures"], 480)

"""Revisionslog: an administrator lists the audit log and exports one address's entries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.errors import OpsporError
from detection.repository import Repository
from detection.rights.export import subject_text
from ui import session
from ui.i18n import AUDIT_ACTIONS, t
from ui.widgets import (
    audit_action_text,
    audit_purpose_text,
    date_text,
    error_text,
    excel_csv,
    role_text,
)

repo: Repository = st.session_state["repo"]
lg = session.lang()
ALL = "__all__"


def _log_table(log: pd.DataFrame, *, detail: bool) -> pd.DataFrame:
    """The audit log in the user's words: time, user, role, what was done and why."""
    table = pd.DataFrame({
        t("aud_col_at", lg): [date_text(a, lg, with_time=True) for a in log["at"]],
        t("aud_col_user", lg): log["user_name"].astype(str).to_numpy(),
        t("aud_col_role", lg): [role_text(r, lg) for r in log["role"]],
        t("aud_col_action", lg): [audit_action_text(a, lg) for a in log["action"]],
        t("aud_col_purpose", lg): [audit_purpose_text(p, lg) for p in log["purpose"]],
    })
    if detail:
        table[t("aud_col_object", lg)] = log["object"].astype(str).to_numpy()
    return table


def _export_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One address's log for the citizen: time, role, action and purpose (no staff names)."""
    return pd.DataFrame({
        t("aud_col_at", lg): [date_text(a, lg, with_time=True) for a in rows["at"]],
        t("aud_col_role", lg): [role_text(r, lg) for r in rows["role"]],
        t("aud_col_action", lg): [audit_action_text(a, lg) for a in rows["action"]],
        t("aud_col_purpose", lg): [audit_purpose_text(p, lg) for p in rows["purpose"]],
    })


st.title(t("audit_heading", lg))

c1, c2 = st.columns(2)
who = c1.text_input(t("audit_filter_user", lg))
actions = sorted(AUDIT_ACTIONS, key=lambda a: audit_action_text(a, lg))
action = c2.selectbox(t("aud_filter_action", lg), [ALL, *actions], key="audit_action",
                      format_func=lambda a: t("as_all", lg) if a == ALL else audit_action_text(a, lg))
detail = st.checkbox(t("aud_show_detail", lg), key="audit_detail")
log = repo.audit_list(user=who.strip() or None, action=None if action == ALL else action, limit=2000)
if log.empty:
    st.info(t("aud_none", lg))
else:
    st.dataframe(_log_table(log, detail=detail), hide_index=True, key="audit_table")

st.subheader(t("audit_export_heading", lg))
st.caption(t("aud_export_caption", lg))
with st.form("audit_export"):
    entrance = st.text_input(t("audit_export_entrance", lg))
    go = st.form_submit_button(t("audit_export_button", lg))
if go and entrance.strip():
    rows = _export_table(repo.audit_export_entrance(entrance.strip()))
    if rows.empty:
        st.info(t("aud_export_none", lg))
    else:
        st.dataframe(rows, hide_index=True, key="audit_export_table")
        st.download_button(t("download_csv", lg), excel_csv(rows, lg), file_name="indsigt-log.csv",
                           mime="text/csv")
    # the whole answer to the access request, as the citizen reads it (Danish)
    try:
        doc = subject_text(repo.subject_export(entrance.strip()))
    except OpsporError as exc:
        st.error(error_text(exc, lg))
    else:
        st.download_button(t("subject_download", lg), doc.encode("utf-8"),
                           file_name="indsigt.txt", mime="text/plain", key="subject_download")

"""Revisionslog: an administrator lists the audit log and exports one address's entries."""

from __future__ import annotations

import streamlit as st

from detection.errors import OpsporError
from detection.repository import Repository
from detection.rights.export import subject_text
from detection.tabular import neutralise
from ui import session
from ui.i18n import t

repo: Repository = st.session_state["repo"]
lg = session.lang()
st.title(t("audit_heading", lg))

c1, c2 = st.columns(2)
who = c1.text_input(t("audit_filter_user", lg))
action = c2.text_input(t("audit_filter_action", lg))
log = repo.audit_list(user=who.strip() or None, action=action.strip() or None, limit=2000)
st.dataframe(log, hide_index=True)

st.subheader(t("audit_export_heading", lg))
with st.form("audit_export"):
    entrance = st.text_input(t("audit_export_entrance", lg))
    go = st.form_submit_button(t("audit_export_button", lg))
if go and entrance.strip():
    rows = repo.audit_export_entrance(entrance.strip())
    st.dataframe(rows, hide_index=True)
    csv = rows.astype(str).map(neutralise).to_csv(sep=";", index=False).encode("utf-8-sig")
    st.download_button(t("download_csv", lg), csv, file_name=f"indsigt-log-{entrance.strip()}.csv",
                       mime="text/csv")
    # the whole answer to the access request, as the citizen reads it (Danish)
    try:
        doc = subject_text(repo.subject_export(entrance.strip()))
    except OpsporError as exc:
        st.error(str(exc))
    else:
        st.download_button(t("subject_download", lg), doc.encode("utf-8"),
                           file_name=f"indsigt-{entrance.strip()}.txt", mime="text/plain", key="subject_download")

"""Opspor — the Streamlit entry point. It only routes pages (``st.navigation``)."""

from __future__ import annotations

import streamlit as st

from detection.errors import WorkspaceError
from ui import session
from ui.i18n import t

st.set_page_config(page_title="Opspor", page_icon="🗺️", layout="wide")

lang = session.sidebar_language()
try:
    info = session.public_repo().workspace_info()
except WorkspaceError:
    info = None

if info is None:
    from ui.pages import no_workspace

    pg = st.navigation([st.Page(no_workspace.render, title=t("page_overview", lang), url_path="start")])
    pg.run()
    st.stop()

if info["synthetic"]:
    st.info(t("demo_banner", lang), icon="ℹ️")

repo = session.signed_in_repo(synthetic=bool(info["synthetic"]))
if repo is None:
    pg = st.navigation([st.Page(session.sign_in_form, title=t("page_signin", lang), url_path="login")])
    pg.run()
    st.stop()

st.session_state["repo"] = repo
st.session_state["workspace"] = info
pg = st.navigation([
    st.Page("ui/pages/map.py", title=t("page_map", lang), url_path="kort", default=True),
    st.Page("ui/pages/overview.py", title=t("page_overview", lang), url_path="overblik"),
    st.Page("ui/pages/sources.py", title=t("page_sources", lang), url_path="datakilder"),
])
pg.run()

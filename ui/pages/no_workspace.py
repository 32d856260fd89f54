"""Shown when the database holds no workspace: how to make one, and a demo button."""

from __future__ import annotations

import streamlit as st

from detection import clock
from detection.register.demo import install_demo
from detection.repository import Repository
from ui import session
from ui.i18n import t


def render() -> None:
    lg = session.lang()
    st.title("Opspor")
    st.write(t("no_workspace", lg))
    if st.button(t("build_demo", lg), type="primary"):
        with st.spinner(t("building_demo", lg)):
            repo = Repository.open(session.db_url(), None)
            install_demo(repo, as_of=clock.today())
        st.rerun()

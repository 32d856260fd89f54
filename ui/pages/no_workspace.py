"""Shown when the database holds no workspace: how to make one, and a demo button."""

from __future__ import annotations

import streamlit as st

from detection import clock
from detection.register.demo import install_demo
from detection.repository import Repository
from ui import session
from ui.i18n import TEXTS, t


def _step_text(step: str, lg: str) -> str:
    """The Danish words for a step of the demo build (``demo_step_*``; a step the app has no
    words for reads as the general "Bygger demo …")."""
    key = f"demo_step_{step}"
    return t(key if key in TEXTS else "building_demo", lg)


def render() -> None:
    lg = session.lang()
    st.title("Opspor")
    st.write(t("no_workspace", lg))
    if st.button(t("build_demo", lg), type="primary"):
        # a few seconds of work: a bar that moves with each step, in words (issue 15)
        bar = st.progress(0.0, text=t("building_demo", lg))
        repo = Repository.open(session.db_url(), None)
        install_demo(repo, as_of=clock.today(),
                     progress=lambda f, step: bar.progress(min(1.0, max(0.0, float(f))), text=_step_text(step, lg)))
        st.rerun()

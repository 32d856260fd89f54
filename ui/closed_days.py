"""The municipality's closed days (issue 17): a form to set them, and a day in words."""

from __future__ import annotations

from datetime import date

import streamlit as st

from detection.errors import InputError
from detection.repository import Repository
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import date_text, error_text


def day_words(day: date, lang: str) -> str:
    """A day as the plan's day list writes it: ``fre. 25.12.2026`` (``Fri 2026-12-25``)."""
    return f"{t(f'wd_{day.weekday()}', lang)} {date_text(day, lang)}"


def closed_days_form(repo: Repository, lang: str, *, key: str) -> None:
    """Show the closed days and a form to change them (administrator and team lead)."""
    current = repo.closed_days().texts()
    with st.expander(t("cd_heading", lang).format(days=", ".join(current) or t("cd_none", lang))):
        with st.form(key):
            text = st.text_input(t("cd_label", lang), value=", ".join(current), max_chars=400,
                                 key=f"{key}_text")
            st.caption(t("cd_help", lang))
            if st.form_submit_button(t("save", lang)):
                try:
                    saved = repo.set_closed_days(text)
                except InputError as exc:
                    st.error(md_escape(t("settings_refused", lang).format(detail=error_text(exc, lang))))
                else:
                    st.success(t("cd_saved", lang).format(days=", ".join(saved.texts()) or t("cd_none", lang)))

"""Letters to doors where nobody opened (issue 17): the form for the team's phone number,
opening hours and the letter's text, and the download of a plan's letters."""

from __future__ import annotations

import streamlit as st

from detection.access import allowed
from detection.errors import InputError
from detection.repository import Repository
from detection.routes.letters import (
    DEFAULT_TEAM,
    PLACEHOLDERS,
    TEMPLATE_MAX_CHARS,
    has_letters,
    letters_file_name,
    plan_letters,
    plan_letters_pdf,
    sample_letter_pdf,
)
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import error_text


def _missing_text(missing: list[str], lang: str) -> str:
    return (" og " if lang == "da" else " and ").join(t(f"lt_setting_{k}", lang) for k in missing)


def letters_form(repo: Repository, lang: str, *, key: str) -> None:
    """The letters' settings in an expander: a form to change them (team lead and planner),
    "restore the default", and an example letter to download."""
    setup = repo.letter_setup()
    can_write = allowed(repo.actor.role, "letters.write")
    done = st.session_state.pop(f"{key}_done", None)
    with st.expander(t("lt_heading", lang), expanded=done is not None):
        st.caption(t("lt_caption", lang))
        if done:
            st.success(t(done, lang))
        missing = setup.missing()
        if missing:
            st.warning(t("lt_missing" if can_write else "lt_missing_ro", lang).format(
                settings=_missing_text(missing, lang)))
        if not can_write:
            return
        with st.form(key):
            phone = st.text_input(t("lt_phone", lang), value=setup.phone, max_chars=30, key=f"{key}_phone")
            hours = st.text_input(t("lt_hours", lang), value=setup.hours, max_chars=200, key=f"{key}_hours")
            team = st.text_input(t("lt_team", lang), value=setup.team, placeholder=DEFAULT_TEAM, max_chars=120,
                                 key=f"{key}_team")
            text = st.text_area(t("lt_template", lang), value=setup.text, height=320, max_chars=TEMPLATE_MAX_CHARS,
                                key=f"{key}_template")
            st.caption(t("lt_placeholders", lang).format(fields=", ".join(
                f"{{{p}}} ({words.get(lang) or words['da']})" for p, words in PLACEHOLDERS.items())))
            c1, c2 = st.columns(2)
            save = c1.form_submit_button(t("lt_save", lang), type="primary")
            restore = c2.form_submit_button(t("lt_restore", lang))
        if save or restore:
            try:
                if save:
                    repo.set_letters(phone=phone, hours=hours, team=team, template=text)
                else:
                    repo.set_letter_template(None)
            except InputError as exc:
                st.error(md_escape(t("lt_refused", lang).format(detail=error_text(exc, lang))))
            else:
                for k in ("phone", "hours", "team", "template"):  # the fields show what is stored now
                    st.session_state.pop(f"{key}_{k}", None)
                st.session_state[f"{key}_done"] = "lt_saved" if save else "lt_restored"
                st.rerun()
        if not missing:
            st.download_button(t("lt_preview", lang), data=sample_letter_pdf(setup),
                               file_name="brev_eksempel.pdf" if lang == "da" else "letter_example.pdf",
                               mime="application/pdf", key=f"{key}_preview")


def letters_download(repo: Repository, plan: dict, lang: str, *, key: str) -> None:
    """The button "Hent breve (PDF)" for ``plan`` when it has doors where a letter is due;
    what is missing instead, when the letters cannot be printed yet."""
    if not has_letters(plan):
        return
    try:
        data = plan_letters_pdf(plan, repo.letter_setup())
    except InputError as exc:
        st.warning(md_escape(error_text(exc, lang)))
        return
    n = len(plan_letters(plan))
    st.download_button(t("lt_download", lang), data=data, file_name=letters_file_name(plan, lang),
                       mime="application/pdf", key=key)
    st.caption(t("lt_count_1" if n == 1 else "lt_count", lang).format(n=n))

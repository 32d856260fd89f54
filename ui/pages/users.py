"""Brugere: an administrator manages users and roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.access import ROLE_NAMES, ROLES
from detection.errors import OpsporError
from detection.repository import Repository
from ui import session
from ui.i18n import t
from ui.widgets import error_text, yes_no

repo: Repository = st.session_state["repo"]
lg = session.lang()
st.title(t("users_heading", lg))

table = st.container()  # filled last, so it shows the users after this run's change

with st.form("add_user", clear_on_submit=True):
    st.subheader(t("add_user", lg))
    name = st.text_input(t("username", lg))
    role = st.selectbox(t("role", lg), ROLES, format_func=lambda r: ROLE_NAMES[r][lg])
    pw = st.text_input(t("password", lg), type="password")
    email = st.text_input(t("email", lg))
    if st.form_submit_button(t("add_user", lg)):
        try:
            repo.add_user(name.strip(), role=role, password=pw or None, email=email.strip() or None)
            st.success(t("user_added", lg))
        except OpsporError as exc:
            st.error(session.account_error(exc, lg) or error_text(exc, lg))

names = [u["name"] for u in repo.list_users()]
with st.form("change_role"):
    st.subheader(t("change_role", lg))
    who = st.selectbox(t("user", lg), names, key="role_user")
    new_role = st.selectbox(t("role", lg), ROLES, format_func=lambda r: ROLE_NAMES[r][lg], key="role_new")
    if st.form_submit_button(t("save", lg)):
        try:
            repo.set_role(who, new_role)
        except OpsporError as exc:
            st.error(session.account_error(exc, lg) or error_text(exc, lg))
        else:
            st.success(t("done", lg))

with st.form("disable_user"):
    st.subheader(t("disable_user", lg))
    who = st.selectbox(t("user", lg), names, key="disable_who")
    if st.form_submit_button(t("disable_user", lg)):
        try:
            repo.disable_user(who)
        except OpsporError as exc:
            st.error(session.account_error(exc, lg) or error_text(exc, lg))
        else:
            st.success(t("done", lg))

table.dataframe(pd.DataFrame([{t("user", lg): u["name"], t("role", lg): ROLE_NAMES[u["role"]][lg],
                               t("col_active", lg): yes_no(not u["disabled"], lg)} for u in repo.list_users()]),
                hide_index=True)

"""Session state of the app: language, the database, the signed-in user and its repository.

A demo workspace (invented data only) opens signed in as the demo planner, with a switch
to the other demo roles; a real workspace always asks for sign-in first. That open sign-in
lasts only while the workspace is the demo: a session that opened on the demo is signed out
as soon as the workspace is real (an import told ``allow_in_demo``, or ``opspor init`` over
it; docs/privacy.md). Sessions expire after ``OPSPOR_SESSION_HOURS`` (default 8).
"""

from __future__ import annotations

import json
import os
import time

import streamlit as st
from streamlit.errors import StreamlitAPIException

from detection.access import ROLE_NAMES
from detection.errors import OpsporError
from detection.register.demo import DEMO_USERS
from detection.repository import Repository
from detection.repository.accounts import DemoPasswordRefused, SignInRefused
from ui.i18n import t

SESSION_MAX_S = float(os.environ.get("OPSPOR_SESSION_HOURS", "8")) * 3600


def lang() -> str:
    return st.session_state.get("lang", "da")


def db_url() -> str:
    """The database URL (it may hold a password: never a cache key, never shown)."""
    return Repository.database_url(None)


def db_key() -> str:
    """The database as a cache key may name it: its URL without the password."""
    return Repository.database_key(db_url())


@st.cache_resource(show_spinner=False)
def _migrated(key: str) -> bool:
    Repository.prepare(db_url())
    return True


def public_repo() -> Repository:
    """A repository for workspace-level reads before sign-in (no personal data)."""
    url = db_url()
    _migrated(db_key())
    return Repository.public_at(url)


def _keep_choices_across_languages() -> None:
    """After a language switch, give every widget its choice again by value.

    Streamlit keeps a selectbox's, radio's or multiselect's choice in the browser as the
    label its ``format_func`` wrote. Our labels are translated, so after a switch the browser
    sends "Sogne" where the English options read "Parishes", Streamlit finds no such option
    and hands the label itself to the page ("area layer 'Sogne' does not exist"). In the
    first run after the switch the widgets still carry their old labels, so reading a value
    here gives the option itself; writing it back makes the widget send the new label.
    Only plain values are written back (text, numbers, lists of them): buttons, uploads and
    editors may not be set, and their values are booleans, files or dicts.
    """
    if not st.session_state.pop("_relabel", False):
        return
    for key in list(st.session_state.keys()):
        if key in ("lang", "lang_select") or str(key).startswith("_"):
            continue
        try:
            value = st.session_state[key]
        except (KeyError, StreamlitAPIException):
            continue
        plain = (isinstance(value, str | float) or (isinstance(value, int) and not isinstance(value, bool))
                 or (isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)))
        if plain:
            st.session_state[key] = value


def _language_chosen() -> None:
    """The language selectbox's callback: it runs before the script, so the run that follows
    the switch is already in the new language. (It used to be ``st.rerun`` from inside the
    script: every switch ran the script twice, 0.3–0.5 s more on every page; issue 18.)"""
    st.session_state["lang"] = st.session_state["lang_select"]
    st.session_state["_relabel"] = True


def sidebar_language() -> str:
    _keep_choices_across_languages()
    options = {"da": "Dansk", "en": "English"}
    current = lang()
    chosen = st.sidebar.selectbox(t("lang_label", current), list(options), format_func=options.get,
                                  index=list(options).index(current), key="lang_select", on_change=_language_chosen)
    _declare_language(chosen)
    return chosen


def _declare_language(lg: str) -> None:
    """Say the UI's language on the app's page: ``<html lang>`` (WCAG 3.1.1; Streamlit's page
    says ``en`` whatever the UI speaks) and ``data-opspor-lang``, which the maps read to switch
    their texts in the browser (``geo.maplang``). One line of the app's own script (no user
    text in it); it changes only with the language, so a rerun sends nothing new."""
    code = json.dumps(lg)
    with st.sidebar:
        st.html("<script>(function () { var d = document.documentElement;"
                f"d.setAttribute('lang', {code}); d.setAttribute('data-opspor-lang', {code}); }})();</script>",
                unsafe_allow_javascript=True)


def signed_in_repo(*, synthetic: bool) -> Repository | None:
    """The repository of the signed-in user; draws the sign-in/role widgets in the sidebar."""
    url = db_url()
    _migrated(db_key())
    lg = lang()
    if not synthetic and st.session_state.get("demo_session"):
        # the session opened on the demo without signing in; the workspace is real now
        _forget_user()
        st.warning(t("demo_left", lg))
    started = st.session_state.get("signed_in_at")
    now = time.time()
    if started is not None and now - started > SESSION_MAX_S:
        _forget_user()
        st.warning(t("session_expired", lg))
    last = st.session_state.get("last_active_at")
    if not synthetic and st.session_state.get("user") and last is not None:
        idle_min = int(public_repo().idle_minutes())  # read only where it can matter
        if now - last > idle_min * 60:
            _sign_out(url)
            st.warning(t("session_idle", lg).format(minutes=idle_min))
    st.session_state["last_active_at"] = now
    if synthetic:
        names = [n for n, _, _ in DEMO_USERS if n != "admin"] + ["admin"]
        default = st.session_state.get("user", "planner")

        roles = {n: r for n, r, _ in DEMO_USERS}
        user = st.sidebar.selectbox(
            t("demo_role", lg), names, index=names.index(default) if default in names else 0,
            format_func=lambda n: f"{ROLE_NAMES[roles[n]][lg]} ({n})", key="demo_user")
        st.session_state["user"] = user
        st.session_state["demo_session"] = True  # signed in by the demo, not by a password
        st.session_state.setdefault("signed_in_at", time.time())
        return Repository.open(url, user, migrate=False)
    user = st.session_state.get("user") or _sso_user()
    if user:
        st.sidebar.write(f"{t('signed_in_as', lg)} **{user}**")
        repo = Repository.open(url, user, migrate=False)
        _change_password_form(repo, lg)
        if st.sidebar.button(t("sign_out", lg)):
            _sign_out(url)
            if sso_configured() and st.user.is_logged_in:
                st.logout()
            st.rerun()
        return repo
    return None


def _forget_user() -> None:
    for k in ("user", "signed_in_at", "last_active_at", "demo_session"):
        st.session_state.pop(k, None)


def _sign_out(url: str) -> None:
    """Sign the session's user out, in the audit log too."""
    user = st.session_state.get("user")
    if user:
        try:
            Repository.open(url, user, migrate=False).sign_out()
        except OpsporError:  # the user was disabled meanwhile: nothing to record as them
            pass
    _forget_user()


def _change_password_form(repo: Repository, lg: str) -> None:
    """The signed-in user's own password change (local accounts)."""
    with st.sidebar.expander(t("change_password", lg)), st.form("change_password", clear_on_submit=True):
        old = st.text_input(t("current_password", lg), type="password")
        new = st.text_input(t("new_password", lg), type="password")
        again = st.text_input(t("repeat_password", lg), type="password")
        if st.form_submit_button(t("change_password", lg)):
            if new != again:
                st.error(t("passwords_differ", lg))
            else:
                try:
                    repo.change_password(old, new)
                    st.success(t("password_changed", lg))
                except OpsporError as exc:
                    st.error(_password_error(exc, lg))


#: the password rule's refusals (detection.passwords, accounts) → the user's words
_PASSWORD_ERRORS = (("published for the demo", "pw_err_published"), ("at least", "pw_err_short"), ("common passwords", "pw_err_common"),
                    ("user name", "pw_err_name"), ("one character", "pw_err_repeat"),
                    ("current password", "pw_err_current"), ("must differ", "pw_err_same"))


def _password_error(exc: Exception, lg: str) -> str:
    text = str(exc)
    key = next((k for needle, k in _PASSWORD_ERRORS if needle in text), None)
    return t(key, lg) if key else text


#: the account rules' refusals (detection.repository.accounts) → the user's words
_ACCOUNT_ERRORS = (("exists already", "err_user_exists"), ("must be 1–100", "err_user_name"),
                   ("is not an e-mail", "err_email"), ("belongs to another user", "err_email_taken"),
                   ("does not exist", "err_unknown_user"))


def account_error(exc: Exception, lg: str) -> str | None:
    """A refusal of the user administration (add a user, change a role, set a password) in the
    UI's language; ``None`` when it is none of those."""
    text = str(exc)
    key = next((k for needle, k in _ACCOUNT_ERRORS if needle in text), None)
    if key:
        return t(key, lg)
    password = _password_error(exc, lg)
    return password if password != text else None


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (OpenID Connect)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def _sso_user() -> str | None:
    """The local user an OpenID Connect sign-in maps to (by e-mail); roles stay ours.

    Streamlit's identity cookie lives 30 days; our maximum session age is enforced on
    the identity token's issue time (``iat``).
    """
    if not sso_configured() or not st.user.is_logged_in:
        return None
    iat = st.user.get("iat")
    if iat is not None and time.time() - float(iat) > SESSION_MAX_S:
        st.logout()
        return None
    email = str(st.user.get("email") or "").strip()
    if not email or st.user.get("email_verified") is not True:
        # OIDC says who only with a verified, non-empty e-mail (ASVS V6)
        st.error(t("sso_unverified", lang()))
        return None
    actor = public_repo().user_for_email(email)
    if actor is None:
        st.error(t("sso_unknown", lang()).format(email=st.user.get("email")))
        return None
    st.session_state["user"] = actor.name
    st.session_state["signed_in_at"] = float(iat) if iat is not None else time.time()
    return actor.name


def sign_in_form() -> None:
    """The sign-in form of a real workspace (and the municipal sign-in, when configured)."""
    lg = lang()
    st.header(t("page_signin", lg))
    if sso_configured():
        if st.button(t("sso_sign_in", lg), type="primary"):
            st.login()
    with st.form("signin"):
        name = st.text_input(t("username", lg))
        pw = st.text_input(t("password", lg), type="password")
        ok = st.form_submit_button(t("sign_in", lg))
    if ok:
        try:
            actor = public_repo().sign_in(name, pw, client=_client())
        except DemoPasswordRefused:
            st.error(t("sign_in_demo_password", lg))
            return
        except SignInRefused as exc:
            st.error(t("sign_in_locked", lg) if exc.locked else t("sign_in_refused", lg).format(wait=exc.wait_s))
            return
        if actor is None:
            st.error(t("sign_in_failed", lg))
        else:
            st.session_state.pop("demo_session", None)
            st.session_state["user"] = actor.name
            st.session_state["signed_in_at"] = st.session_state["last_active_at"] = time.time()
            st.rerun()


def _client() -> str:
    """The client's address as the server sees it (behind a proxy: the proxy's), for the
    per-client backoff."""
    try:
        return str(st.context.ip_address or "app")
    except AttributeError:  # older Streamlit without st.context.ip_address
        return "app"

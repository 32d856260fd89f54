"""Opspor — the Streamlit entry point. It only routes pages (``st.navigation``)."""

from __future__ import annotations

import os

import streamlit as st

from detection import clock
from detection.access import pages_for
from detection.errors import WorkspaceError
from ui import memory, session, warmup
from ui.i18n import t

# First, before anything runs: every file the app writes (the SQLite database, temporary
# files) is 0600 and every folder 0700. The imports above write nothing. (docs/deploy.md)
os.umask(0o077)
memory.setup()  # Arrow's freed memory back to the system, not kept by its own allocator

st.set_page_config(page_title="Opspor", page_icon="🗺️", layout="wide")

PAGES = {
    # page id → (file, title key, url path, material icon)
    "map": ("ui/pages/map.py", "page_map", "kort", ":material/map:"),
    "overview": ("ui/pages/overview.py", "page_overview", "overblik", ":material/monitoring:"),
    "sources": ("ui/pages/sources.py", "page_sources", "datakilder", ":material/description:"),
    "framing": ("ui/pages/framing.py", "page_framing", "rammesaetning", ":material/flag:"),
    "my_routes": ("ui/pages/my_routes.py", "page_my_routes", "mine-adresser", ":material/directions_walk:"),
    "courses": ("ui/pages/courses.py", "page_courses", "forloeb", ":material/diversity_3:"),
    "import": ("ui/pages/import_signals.py", "page_import", "indlaes", ":material/upload_file:"),
    "assess": ("ui/pages/assess.py", "page_assess", "vurdering", ":material/fact_check:"),
    "priorities": ("ui/pages/priorities.py", "page_priorities", "prioritering", ":material/leaderboard:"),
    "focus_areas": ("ui/pages/focus_areas.py", "page_focus_areas", "fokusomraader", ":material/target:"),
    "routes": ("ui/pages/routes.py", "page_routes", "ruter", ":material/route:"),
    "progress": ("ui/pages/progress.py", "page_progress", "fremdrift", ":material/insights:"),
    "address": ("ui/pages/address.py", "page_address", "adressesoegning", ":material/search:"),
    "partners": ("ui/pages/partners.py", "page_partners", "samarbejdspartnere", ":material/handshake:"),
    "coverage": ("ui/pages/coverage.py", "page_coverage", "daekning", ":material/layers:"),
    "funnel": ("ui/pages/funnel.py", "page_funnel", "tragt", ":material/filter_alt:"),
    "fidelity": ("ui/pages/fidelity.py", "page_fidelity", "metodefasthed", ":material/checklist:"),
    "evaluation": ("ui/pages/evaluation.py", "page_evaluation", "evaluering", ":material/savings:"),
    "users": ("ui/pages/users.py", "page_users", "brugere", ":material/group:"),
    "audit": ("ui/pages/audit.py", "page_audit", "revisionslog", ":material/policy:"),
    "retention": ("ui/pages/retention.py", "page_retention", "opbevaring", ":material/delete_forever:"),
}

lang = session.sidebar_language()
try:
    info = session.public_repo().workspace_info()
except WorkspaceError:
    info = None

if info is None:
    from ui.pages import no_workspace

    st.navigation([st.Page(no_workspace.render, title=t("page_overview", lang), url_path="start")]).run()
    st.stop()

if info["synthetic"]:
    st.info(t("demo_banner", lang), icon="ℹ️")

repo = session.signed_in_repo(synthetic=bool(info["synthetic"]))
if repo is None:
    st.navigation([st.Page(session.sign_in_form, title=t("page_signin", lang), url_path="login")]).run()
    st.stop()

st.session_state["repo"] = repo
st.session_state["workspace"] = info
pages = [st.Page(PAGES[p][0], title=t(PAGES[p][1], lang), url_path=PAGES[p][2], icon=PAGES[p][3],
                 default=(i == 0))
         for i, p in enumerate(pages_for(repo.actor.role))]
# every page of the role in the menu: a team lead has 14, and Streamlit folds a menu after 10
with warmup.foreground():  # the warm-up waits between its steps while a page runs
    st.navigation(pages, expanded=True).run()
# after the page has run: the analysis pages' first needs, computed while the user reads this one
warmup.start(session.db_url(), (session.db_key(), repo.actor.name, info["data_version"], clock.today().isoformat()),
             repo.actor.name, repo.actor.role)

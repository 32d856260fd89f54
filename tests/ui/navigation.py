"""A role's navigation as AppTest sees it, and how a page outside it is refused.

``app.py`` gives ``st.navigation`` only the pages of the signed-in user's role (before
sign-in: only the sign-in form). Streamlit refuses every other page in two ways:

- a session that asks for such a page (its URL, or the page it was on before the role
  changed) gets Streamlit's "page not found" and the navigation's default page instead;
- ``AppTest.switch_page`` raises ``ValueError("Could not find a navigation page for
  '<file>' … Known pages: [<the registered pages>].")`` at once, before any run — so a
  crash of the page itself can never be taken for the refusal.

:func:`refused` checks the second way exactly and returns the pages the navigation holds,
so a test can compare them with the access matrix.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.access import pages_for

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILE = {  # page id → the file app.py routes it to
    "map": "ui/pages/map.py", "overview": "ui/pages/overview.py", "sources": "ui/pages/sources.py",
    "my_routes": "ui/pages/my_routes.py", "import": "ui/pages/import_signals.py",
    "assess": "ui/pages/assess.py", "priorities": "ui/pages/priorities.py",
    "focus_areas": "ui/pages/focus_areas.py", "routes": "ui/pages/routes.py",
    "progress": "ui/pages/progress.py", "address": "ui/pages/address.py",
    "partners": "ui/pages/partners.py", "coverage": "ui/pages/coverage.py",
    "users": "ui/pages/users.py", "audit": "ui/pages/audit.py", "retention": "ui/pages/retention.py",
    "framing": "ui/pages/framing.py", "courses": "ui/pages/courses.py", "funnel": "ui/pages/funnel.py",
    "fidelity": "ui/pages/fidelity.py", "evaluation": "ui/pages/evaluation.py",
}

_REFUSAL = re.compile(r"^Could not find a navigation page for '(?P<page>[^']+)'\..*"
                      r"Known pages: (?P<known>\[.*\])\.$", re.S)


def files_for(role: str) -> list[str]:
    """The page files the access matrix gives ``role``, sorted."""
    return sorted(PAGE_FILE[p] for p in pages_for(role))


def refused(at: AppTest, page_file: str) -> list[str]:
    """Assert that ``page_file`` is not in the navigation of ``at``'s last run.

    The last run must have ended without an exception (else its navigation proves
    nothing). Returns the pages that navigation holds, sorted: page files relative to the
    repository, other pages (the sign-in form) by their title.
    """
    assert not at.exception, f"the last run raised, so its navigation proves nothing: {at.exception}"
    assert (ROOT / page_file).is_file(), f"{page_file} does not exist: the refusal would prove nothing"
    with pytest.raises(ValueError, match=r"^Could not find a navigation page for ") as info:
        at.switch_page(page_file)
    message = str(info.value)
    found = _REFUSAL.match(message)
    assert found, f"Streamlit's refusal no longer reads as this helper expects: {message}"
    assert Path(found["page"]) == (ROOT / page_file).resolve(), message
    known = []
    for page in ast.literal_eval(found["known"]):
        path = Path(page)
        known.append(str(path.relative_to(ROOT)) if path.is_absolute() and path.is_relative_to(ROOT) else page)
    return sorted(known)


def title(at: AppTest) -> str:
    """The one ``st.title`` of the page on screen (each page has its own)."""
    titles = [str(x.value) for x in at.title]
    assert len(titles) == 1, f"expected one page title, got {titles} (exception: {at.exception})"
    return titles[0]


APP = str(ROOT / "app.py")


def demo_app(db: Path, monkeypatch: pytest.MonkeyPatch, *, timeout: float = 90) -> AppTest:
    """The app on the database file ``db`` (e.g. a private copy of the demo)."""
    monkeypatch.setenv("OPSPOR_DB", str(db))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=timeout)


def signed_in(at: AppTest, user: str, page: str) -> AppTest:
    """``at`` run, signed in as the demo ``user`` (the demo's user picker), on ``page``."""
    at.run()
    at.selectbox(key="demo_user").set_value(user).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    """The page's button labelled ``label``."""
    return next(b for b in at.button if b.label == label)

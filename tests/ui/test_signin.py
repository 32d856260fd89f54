"""Sign-in on a real (not synthetic) workspace: nothing before sign-in, each role sees
exactly the pages the access matrix gives it, wrong passwords and old sessions refused.

The administrator creates one user per role with the CLI, as issue 3's "done when" says;
each then signs in through the app's form. Runs on SQLite and PostGIS (``db_url``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.access import PAGES, ROLES, pages_for
from detection.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
NORDBY = ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"
PAGE_FILE = {  # page id → the file app.py routes it to
    "map": "ui/pages/map.py", "overview": "ui/pages/overview.py", "sources": "ui/pages/sources.py",
    "my_routes": "ui/pages/my_routes.py", "import": "ui/pages/import_signals.py",
    "assess": "ui/pages/assess.py", "priorities": "ui/pages/priorities.py",
    "focus_areas": "ui/pages/focus_areas.py", "routes": "ui/pages/routes.py",
    "partners": "ui/pages/partners.py", "coverage": "ui/pages/coverage.py",
    "users": "ui/pages/users.py", "audit": "ui/pages/audit.py", "retention": "ui/pages/retention.py",
}


@pytest.fixture()
def real_db(db_url, monkeypatch) -> str:
    """A real workspace (Nordby, from OSM) with one user per role made by the administrator."""
    assert main(["--db", db_url, "init", "--name", "Nordby", "--osm", str(NORDBY)]) == 0
    for role in ROLES:
        assert main(["--db", db_url, "users", "add", f"user_{role}", "--role", role,
                     "--password", f"pw-{role}-123"]) == 0
    monkeypatch.setenv("OPSPOR_DB", db_url)
    monkeypatch.chdir(ROOT)
    return db_url


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.button[0].click()
    return at.run()


def _visible_text(at: AppTest) -> str:
    parts = [str(m.value) for group in (at.markdown, at.title, at.header, at.subheader, at.caption,
                                         at.info, at.warning, at.error) for m in group]
    return "\n".join(parts)


def test_page_files_cover_every_page():
    assert set(PAGE_FILE) == set(PAGES)
    app_src = Path(APP).read_text(encoding="utf-8")
    for page, file in PAGE_FILE.items():
        assert f'"{page}": ("{file}"' in app_src, page


def test_before_sign_in__only_the_sign_in_page_and_no_personal_data(real_db):
    at = _app().run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Log ind"]
    assert len(at.dataframe) == 0
    assert "opdigtede" not in _visible_text(at)  # a real workspace: no demo banner
    with pytest.raises(Exception):  # noqa: B017 - AppTest raises: the page is not in st.navigation
        at.switch_page("ui/pages/map.py").run()


def test_wrong_password__refused(real_db):
    at = _sign_in(_app().run(), "user_planner", "wrong")
    assert not at.exception
    assert any("Forkert brugernavn eller adgangskode" in e.value for e in at.error)
    assert "user" not in at.session_state  # not signed in
    assert [h.value for h in at.header] == ["Log ind"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role__sees_exactly_its_pages(real_db, role):
    at = _sign_in(_app().run(), f"user_{role}", f"pw-{role}-123")
    assert not at.exception, at.exception
    assert f"user_{role}" in _visible_text(at) or any(f"user_{role}" in m.value for m in at.sidebar.markdown)
    allowed = set(pages_for(role))
    for page, file in PAGE_FILE.items():
        if page in allowed:
            at.switch_page(file).run()
            assert not at.exception, f"{role} on {page}: {at.exception}"
        else:
            with pytest.raises(Exception):  # noqa: B017 - not in this role's navigation
                at.switch_page(file).run()


def test_session__older_than_8_hours_must_sign_in_again(real_db):
    at = _sign_in(_app().run(), "user_planner", "pw-planner-123")
    assert not at.exception and at.session_state["user"] == "user_planner"
    at.session_state["signed_in_at"] = time.time() - 8 * 3600 - 60
    at.run()
    assert not at.exception
    assert any("session er udløbet" in w.value for w in at.warning)
    assert [h.value for h in at.header] == ["Log ind"]


def test_audit__administrator_sees_who_looked_at_which_address_and_why(real_db, capsys):
    at = _sign_in(_app().run(), "user_planner", "pw-planner-123")  # the map: audited view
    assert not at.exception
    capsys.readouterr()
    assert main(["--db", real_db, "--user", "user_administrator", "--json", "audit", "list",
                 "--action", "signals."]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    mine = [r for r in rows if r["user_name"] == "user_planner"]
    assert mine and all(r["purpose"] for r in mine)
    assert {r["role"] for r in mine} == {"planner"}

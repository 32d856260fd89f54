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
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from detection.access import PAGES, ROLES, pages_for
from detection.cli.main import main
from detection.repository import Repository
from tests.ui.navigation import PAGE_FILE, files_for, refused, title

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
NORDBY = ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"
MAP_TITLE = "Kort over henvendelser"  # the map: every role's first page


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


def _assert_sign_in_form(at: AppTest) -> None:
    """On screen: the sign-in page and nothing else — its header, a user name field, a
    password field (masked) and the sign-in button; no page of the app (they all have a
    title) and no table."""
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["Log ind"]
    assert [(x.label, x.proto.type) for x in at.text_input] == [
        ("Brugernavn", TextInputProto.DEFAULT), ("Adgangskode", TextInputProto.PASSWORD)]
    assert [b.label for b in at.button] == ["Log ind"]
    assert not at.title and not at.dataframe


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    _assert_sign_in_form(at)
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
    _assert_sign_in_form(at)
    assert not at.error and not at.warning
    assert "opdigtede" not in _visible_text(at)  # a real workspace: no demo banner
    # the navigation holds the sign-in page only: every page of the app is refused
    for file in PAGE_FILE.values():
        assert refused(at, file) == ["Log ind"], file
    at.run()  # and the form still works after the refusals
    _assert_sign_in_form(at)


def test_wrong_password__refused(real_db):
    at = _sign_in(_app().run(), "user_planner", "wrong")
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["Forkert brugernavn eller adgangskode."]
    assert "user" not in at.session_state  # not signed in
    _assert_sign_in_form(at)
    assert refused(at, PAGE_FILE["map"]) == ["Log ind"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role__sees_exactly_its_pages(real_db, role):
    at = _sign_in(_app().run(), f"user_{role}", f"pw-{role}-123")
    assert not at.exception, at.exception
    assert any(f"Logget ind som **user_{role}**" in m.value for m in at.sidebar.markdown)
    # signed in: the map, no sign-in form; only the change-password form in the sidebar
    assert title(at) == MAP_TITLE and not at.main.text_input
    assert [i.label for i in at.sidebar.text_input] == [
        "Nuværende adgangskode", "Ny adgangskode (mindst 12 tegn)", "Gentag den nye adgangskode"]
    allowed = set(pages_for(role))
    titles = {}
    for page, file in PAGE_FILE.items():
        if page in allowed:
            at.switch_page(file).run()
            assert not at.exception, f"{role} on {page}: {at.exception}"
            titles[page] = title(at)
        else:
            assert refused(at, file) == files_for(role), f"{role} on {page}"
    # each allowed page showed its own page (its own title), not a fallback to another one
    assert len(set(titles.values())) == len(allowed), titles
    assert titles["map"] == MAP_TITLE


def test_session__older_than_8_hours_must_sign_in_again(real_db):
    at = _sign_in(_app().run(), "user_planner", "pw-planner-123")
    assert not at.exception, at.exception
    assert at.session_state["user"] == "user_planner" and title(at) == MAP_TITLE
    at.session_state["signed_in_at"] = time.time() - 8 * 3600 - 60
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == ["Din session er udløbet. Log ind igen."]
    assert "user" not in at.session_state
    _assert_sign_in_form(at)
    assert refused(at, PAGE_FILE["map"]) == ["Log ind"]


def test_audit__administrator_sees_who_looked_at_which_address_and_why(real_db, capsys):
    at = _sign_in(_app().run(), "user_planner", "pw-planner-123")  # the map: audited view
    assert not at.exception, at.exception
    assert title(at) == MAP_TITLE
    capsys.readouterr()
    assert main(["--db", real_db, "--user", "user_administrator", "--json", "audit", "list",
                 "--action", "signals."]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    mine = [r for r in rows if r["user_name"] == "user_planner"]
    assert mine and all(r["purpose"] for r in mine)
    assert {r["role"] for r in mine} == {"planner"}


def test_change_password__in_danish_from_the_sidebar(real_db):
    at = _sign_in(_app().run(), "user_planner", "pw-planner-123")
    old, new, again = at.sidebar.text_input
    old.set_value("pw-planner-123")
    new.set_value("kort")
    again.set_value("kort")
    next(b for b in at.sidebar.button if b.label == "Skift adgangskode").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Adgangskoden skal være mindst 12 tegn. En sætning på nogle få ord er let at huske."]
    old, new, again = at.sidebar.text_input
    old.set_value("pw-planner-123")
    new.set_value("en lang og rar sætning")
    again.set_value("en lang og rar sætning")
    next(b for b in at.sidebar.button if b.label == "Skift adgangskode").click().run()
    assert [s.value for s in at.success] == ["Adgangskoden er skiftet."]
    assert Repository.open(real_db, None).verify_password("user_planner", "en lang og rar sætning") is not None

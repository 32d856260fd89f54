"""AppTest: the demo's open sign-in lasts only while the workspace is the demo (issue 13,
docs/privacy.md "The demo and a real workspace").

- a browser session opened on the demo is signed out when ``opspor init --force`` makes the
  database a real workspace, and no published demo password signs in (the answer in Danish);
- the partners page's "import anyway" box makes the demo a real workspace and says so in
  Danish; without the box the import is refused in Danish.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.cli.main import main
from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
NORDBY = ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"


@pytest.fixture()
def demo_copy(demo_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo database (the shared one stays untouched)."""
    dst = tmp_path / "demo_copy.sqlite"
    src_conn, dst_conn = sqlite3.connect(demo_db), sqlite3.connect(dst)
    with dst_conn:
        src_conn.backup(dst_conn)
    src_conn.close()
    dst_conn.close()
    monkeypatch.setenv("OPSPOR_DB", str(dst))
    monkeypatch.chdir(ROOT)
    return dst


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    assert [h.value for h in at.header] == ["Log ind"]
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.button[0].click()
    return at.run()


def test_init_over_the_demo__the_open_session_ends_and_no_demo_password_signs_in(demo_copy, capsys):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception and at.session_state["user"] == "planner"  # the demo opens signed in
    assert main(["--db", str(demo_copy), "init", "--force", "--name", "Nordby", "--osm", str(NORDBY)]) == 0
    capsys.readouterr()
    at.run()  # the same browser session, next interaction
    assert not at.exception
    assert "user" not in at.session_state
    assert any("ikke længere demoen" in w.value for w in at.warning)
    assert not at.title and not at.dataframe  # nothing of the workspace before sign-in
    at = _sign_in(at, "admin", "demo-admin")
    assert "user" not in at.session_state
    assert any("offentliggjort til demoen" in e.value for e in at.error)
    at = _sign_in(at, "planner", "demo-planner")
    assert "user" not in at.session_state
    # a fresh session: the sign-in form, no demo role switch
    fresh = AppTest.from_file(APP, default_timeout=90).run()
    assert [h.value for h in fresh.header] == ["Log ind"] and "user" not in fresh.session_state
    assert not [s for s in fresh.selectbox if s.key == "demo_user"]


def test_partners_page__import_anyway_makes_the_demo_real_and_says_so(demo_copy, tmp_path):
    path = tmp_path / "partnere.csv"
    path.write_text("navn;type\nBoligforeningen Øst;boligselskab\n", encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("ui/pages/partners.py").run()
    assert not at.exception
    at.file_uploader(key="par_upload").set_value((path.name, path.read_bytes(), "text/csv")).run()
    [b for b in at.button if b.key == "par_import_btn"][0].click().run()
    assert not at.exception
    assert any("Ikke tilladt" in e.value and "demoen" in e.value for e in at.error)  # in Danish
    assert Repository.public_at(Repository.database_url(None)).workspace_info()["synthetic"] is True
    box = at.checkbox(key="par_allow_demo")
    assert "rigtigt arbejdsområde" in box.label
    box.check().run()
    [b for b in at.button if b.key == "par_import_btn"][0].click().run()
    assert not at.exception
    assert any("ikke længere demoen" in w.value for w in at.warning)
    assert Repository.public_at(Repository.database_url(None)).workspace_info()["synthetic"] is False
    at.run()
    assert "user" not in at.session_state and [h.value for h in at.header] == ["Log ind"]

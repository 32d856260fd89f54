"""AppTest: the import page (upload, progress, result, rejected rows, download) and the
assessment page (filters, set assessment, notes shown as text) on a copy of the demo.

Importing into the demo with the box ticked makes it a real workspace (docs/privacy.md): the
page says so, the next run asks for sign-in, and the tests go on as a planner the
administrator created."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DANISH = ROOT / "tests" / "data" / "reports" / "danish_excel_cp1252.csv"
IMPORT_PAGE = "ui/pages/import_signals.py"
ASSESS_PAGE = "ui/pages/assess.py"
PLANNER_PW = "planlæggerens nye kode"


@pytest.fixture()
def app(demo_db, tmp_path, monkeypatch) -> AppTest:
    """The app on a private copy of the demo (these tests write to it)."""
    copy = tmp_path / "demo.sqlite"
    src, dst = sqlite3.connect(demo_db), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    monkeypatch.setenv("OPSPOR_DB", str(copy))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=90)


def _upload(at: AppTest, *, allow: bool = True) -> AppTest:
    at.switch_page(IMPORT_PAGE).run()
    assert not at.exception
    at.file_uploader(key="import_file").set_value((DANISH.name, DANISH.read_bytes(), "text/csv"))
    if at.session_state["workspace"]["synthetic"]:
        at.checkbox(key="import_allow_demo").set_value(allow)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    return at


def _sign_in_after_leaving_the_demo(at: AppTest) -> AppTest:
    """The import made the demo a real workspace: the page said so, the next run asks for
    sign-in (the demo's open sign-in is over, no demo password works), and a planner the
    administrator created signs in."""
    assert any("ikke længere demoen" in w.value and "opspor users passwd admin" in w.value for w in at.warning)
    at.run()
    assert not at.exception
    assert "user" not in at.session_state and [h.value for h in at.header] == ["Log ind"]
    at.text_input[0].set_value("planner")
    at.text_input[1].set_value("demo-planner")
    at.button[0].click().run()
    assert any("offentliggjort til demoen" in e.value for e in at.error)
    admin = Repository.open(os.environ["OPSPOR_DB"], "admin")
    admin.add_user("planner", role="planner", password=PLANNER_PW)
    at.text_input[0].set_value("planner")
    at.text_input[1].set_value(PLANNER_PW)
    at.button[0].click().run()
    assert not at.exception and at.session_state["user"] == "planner"
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_import_page__upload_shows_every_row_accounted_for_then_reimport_is_all_duplicates(app):
    at = app.run()
    version = at.session_state["workspace"]["data_version"]
    at = _upload(at)
    m = _metrics(at)
    assert (m["Rækker"], m["Nye henvendelser"], m["Dubletter"], m["Afviste rækker"]) == ("19", "7", "0", "12")
    assert m["Rækker med CPR-nummer fjernet"] == "1"
    rejected = at.dataframe[0].value
    assert len(rejected) == 12
    assert "Adresse ikke fundet" in set(rejected["Årsag"])  # in Danish, no reason code
    assert all(m.startswith("Række ") for m in rejected["Besked"])
    assert {str(r) for r in rejected["Række"]} >= {"9", "20"}
    assert at.session_state["import_result"]["rejected_rows"][0]["reason"] == "date_missing"
    at = _sign_in_after_leaving_the_demo(at)
    assert at.session_state["workspace"]["synthetic"] is False
    # the map page shows the new reports at once, with their match quality
    at.switch_page("ui/pages/map.py").run()
    assert not at.exception
    assert at.session_state["workspace"]["data_version"] > version
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    script = json.loads(maps[0].proto.json_args)["script"].encode("ascii", "backslashreplace").decode("unicode_escape")
    assert "usikker" in script and "rettet" in script
    # the same file again: nothing new
    at = _upload(at)
    m = _metrics(at)
    assert (m["Nye henvendelser"], m["Dubletter"], m["Afviste rækker"]) == ("0", "7", "12")
    assert len(at.dataframe[1].value) == 12  # an older entry is replaced, not repeated


def test_import_page__demo_refuses_without_the_checkbox(app):
    at = _upload(app.run(), allow=False)
    assert any("Ikke tilladt" in e.value and "demoen" in e.value for e in at.error)
    assert "import_result" not in at.session_state
    assert at.session_state["workspace"]["synthetic"] is True and at.session_state["user"] == "planner"


def test_import_page__unknown_header_is_an_error_and_nothing_is_stored(app):
    at = app.run()
    at.switch_page(IMPORT_PAGE).run()
    bad = ROOT / "tests" / "data" / "reports" / "unknown_header.csv"
    at.file_uploader(key="import_file").set_value((bad.name, bad.read_bytes(), "text/csv"))
    at.checkbox(key="import_allow_demo").set_value(True)
    at.button[0].click().run()
    assert not at.exception
    assert any("Sagsbehandler" in e.value and "intet er gemt" in e.value for e in at.error)
    assert not at.metric
    # an unusable file changes nothing, not even the demo
    assert Repository.public_at(Repository.database_url(None)).workspace_info()["synthetic"] is True


def test_assess_page__filter_assess_and_html_shown_as_text(app):
    at = _sign_in_after_leaving_the_demo(_upload(app.run()))
    at.switch_page(ASSESS_PAGE).run()
    assert not at.exception
    at.selectbox(key="as_quality").set_value("uncertain").run()
    table = at.dataframe[0].value
    assert len(table) == 1 and table["Match-kvalitet"].iloc[0] == "usikker"
    planner = Repository.open(os.environ["OPSPOR_DB"], "planner")
    sid = planner.signals_to_assess(match_quality="uncertain")["signal_id"].iloc[0]
    at.selectbox(key="as_pick").set_value(sid).run()
    at.radio(key="as_value").set_value("in_target_group")
    next(b for b in at.button if b.label == "Gem vurdering").click().run()
    assert not at.exception
    assert any("gemt" in s.value for s in at.success)
    assert any("Ingen henvendelser" in i.value for i in at.info)  # no new uncertain report left
    at.selectbox(key="as_status").set_value("in_target_group").run()
    table = at.dataframe[0].value
    assert list(table["Vurdering"]) == ["i målgruppen"]
    at.selectbox(key="as_pick").set_value(sid).run()
    assert any("Vurderet af planner" in c.value for c in at.caption)
    # a note with HTML: shown as text
    at.selectbox(key="as_status").set_value("new").run()
    at.selectbox(key="as_quality").set_value("__all__").run()
    at.selectbox(key="as_kind").set_value("other").run()
    at.selectbox(key="as_source").set_value("Lokalpolitiet (fiktiv)").run()
    other = planner.signals_to_assess(kind="other", source="Lokalpolitiet (fiktiv)")["signal_id"].iloc[0]
    at.selectbox(key="as_pick").set_value(other).run()
    notes = [m.value for m in at.markdown if "Bemærkning" in m.value]
    assert notes and "&lt;script&gt;" in notes[0] and "<script>" not in notes[0]


def test_assess_page__area_filter(app):
    at = _sign_in_after_leaving_the_demo(_upload(app.run()))
    at.switch_page(ASSESS_PAGE).run()
    at.selectbox(key="as_layer").set_value("parishes").run()
    assert not at.exception
    areas = at.selectbox(key="as_area_parishes").options
    assert areas[0] == "Alle" and len(areas) > 1
    assert not any(ch.isdigit() for ch in "".join(areas))  # parish names, not their codes
    parishes = Repository.open(os.environ["OPSPOR_DB"], "planner").areas("parishes")["area_id"]
    total = 0
    for area_id in parishes:
        at.selectbox(key="as_area_parishes").set_value(area_id).run()
        assert not at.exception
        total += len(at.dataframe[0].value) if at.dataframe else 0
    at.selectbox(key="as_layer").set_value("__all__").run()
    assert total == len(at.dataframe[0].value)


@pytest.mark.parametrize("user", ["analytiker", "teamleder", "feltarbejder"])
def test_other_roles_have_no_import_or_assessment_page(app, user):
    at = app.run()
    at.selectbox(key="demo_user").set_value(user).run()
    assert not at.exception
    for page in (IMPORT_PAGE, ASSESS_PAGE):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)  # the page is not registered for this role
    assert not at.file_uploader


def test_import_page__a_stray_quote_refuses_the_file_in_danish_naming_the_line(app):
    at = app.run()
    at.switch_page(IMPORT_PAGE).run()
    rows = ["Dato;Type;Adresse;Bemærkning", "01-10-2026;Udlejer;Langgade 1, 8305 Samsø;ok",
            '02-10-2026;Naboklage;Langgade 2, 8305 Samsø;"lugt fra opgangen',
            "03-10-2026;Udlejer;Langgade 3, 8305 Samsø;ok", "04-10-2026;Udlejer;Langgade 4, 8305 Samsø;ok"]
    at.file_uploader(key="import_file").set_value(("stray.csv", "\n".join(rows).encode(), "text/csv"))
    at.checkbox(key="import_allow_demo").set_value(True)
    at.button[0].click().run()
    assert not at.exception
    assert any("linje 3" in e.value and "intet blev gemt" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.metric
    assert Repository.public_at(Repository.database_url(None)).workspace_info()["synthetic"] is True

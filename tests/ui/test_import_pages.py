"""AppTest: the import page (upload, progress, result, rejected rows, download) and the
assessment page (filters, set assessment, notes shown as text) on a copy of the demo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DANISH = ROOT / "tests" / "data" / "reports" / "danish_excel_cp1252.csv"
IMPORT_PAGE = "ui/pages/import_signals.py"
ASSESS_PAGE = "ui/pages/assess.py"


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
    at.checkbox(key="import_allow_demo").set_value(allow)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
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
    assert "Adresse ikke fundet (address_not_found)" in set(rejected["Årsag"])
    assert {str(r) for r in rejected["Række"]} >= {"9", "20"}
    assert at.session_state["import_result"]["rejected_rows"][0]["reason"] == "date_missing"
    # the map page shows the new reports at once, with their match quality
    at.switch_page("ui/pages/map.py").run()
    assert not at.exception
    assert at.session_state["workspace"]["data_version"] == version + 1
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    script = json.loads(maps[0].proto.json_args)["script"].encode("ascii", "backslashreplace").decode("unicode_escape")
    assert "uncertain" in script and "corrected" in script
    # the same file again: nothing new
    at = _upload(at)
    m = _metrics(at)
    assert (m["Nye henvendelser"], m["Dubletter"], m["Afviste rækker"]) == ("0", "7", "12")
    assert len(at.dataframe[1].value) == 12  # an older entry is replaced, not repeated


def test_import_page__demo_refuses_without_the_checkbox(app):
    at = _upload(app.run(), allow=False)
    assert any("Ikke tilladt" in e.value for e in at.error)
    assert "import_result" not in at.session_state


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


def test_assess_page__filter_assess_and_html_shown_as_text(app):
    at = _upload(app.run())
    at.switch_page(ASSESS_PAGE).run()
    assert not at.exception
    at.selectbox(key="as_quality").set_value("uncertain").run()
    table = at.dataframe[0].value
    assert len(table) == 1 and table["Match-kvalitet"].iloc[0] == "usikker"
    at.radio(key="as_value").set_value("in_target_group")
    at.button[0].click().run()
    assert not at.exception
    assert any("gemt" in s.value for s in at.success)
    assert any("Ingen henvendelser" in i.value for i in at.info)  # no new uncertain report left
    at.selectbox(key="as_status").set_value("in_target_group").run()
    table = at.dataframe[0].value
    assert list(table["Vurdering"]) == ["i målgruppen"]
    assert any("Vurderet af planner" in c.value for c in at.caption)
    # a note with HTML: shown as text
    at.selectbox(key="as_status").set_value("new").run()
    at.selectbox(key="as_quality").set_value("__all__").run()
    at.selectbox(key="as_kind").set_value("other").run()
    at.selectbox(key="as_source").set_value("Lokalpolitiet (fiktiv)").run()
    notes = [m.value for m in at.markdown if "Bemærkning" in m.value]
    assert notes and "&lt;script&gt;" in notes[0] and "<script>" not in notes[0]


def test_assess_page__area_filter(app):
    at = _upload(app.run())
    at.switch_page(ASSESS_PAGE).run()
    at.selectbox(key="as_layer").set_value("parishes").run()
    assert not at.exception
    areas = at.selectbox(key="as_area").options
    assert areas
    total = 0
    for i in range(len(areas)):
        box = at.selectbox(key="as_area")
        box.set_value(box.options[i]).run()  # parish ids are the options' values in the same order
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

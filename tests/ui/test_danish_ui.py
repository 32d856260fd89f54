"""Danish throughout and safe actions (issue 15), with AppTest on a copy of the demo.

Every page of the map/overview/sources/import/assess/focus-area/users/audit/retention set is
walked as each demo role in Danish; the visible text (titles, captions, alerts, widget labels
and options, metrics, table headers and cells) may hold no English developer words and no raw
ids. Then the safe actions: "Slet nu" and a focus area's deletion ask first and say what goes;
*Vurdering* preselects nothing, assesses a filtered list at once and undoes the last
assessment.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe, UnknownElement

from detection import clock
from detection.access import pages_for
from detection.register.demo import DEMO_USERS
from detection.repository import Repository
from tests.ui.navigation import PAGE_FILE

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

#: the pages of this walk: every page of the app (tests/ui/navigation.py lists them)
PAGES = tuple(PAGE_FILE)

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
DDKN = re.compile(r"\b(?:100m|250m|1km)_\d+_\d+\b")
#: a plan's or route's id ("34c82a2586", "196c942ae2-1-1"): ten hex digits, letters and digits
HASH = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{10}\b")
ACTION_CODE = re.compile(r"\b(?:signals|auth|users|focus|routes|outcomes|partners|retention|settings|subject|"
                         r"audit|workspace|assignments|priorities|rejected)\.[a-z_]+\b")
#: words that must never reach a Danish user (whole words)
FORBIDDEN_WORDS = ("None", "True", "False", "nan", "NaN", "NaT", "disabled", "grid100", "grid250", "grid1km",
                   "parishes", "Choose", "options", "allow-in-demo", "exact", "uncertain", "corrected")
FORBIDDEN_TEXT = ("docs/", "--allow", "_reason", "id_derived", "postcode_missing")


def _node_texts(node) -> list[str]:  # noqa: ANN001 - an AppTest node
    out: list[str] = []
    if isinstance(node, Block):
        label = getattr(node.proto, "expandable", None)
        if label is not None and getattr(label, "label", ""):
            out.append(label.label)
        for child in node.children.values():
            out += _node_texts(child)
        return out
    if isinstance(node, Dataframe):
        df: pd.DataFrame = node.value
        out += [str(c) for c in df.columns]
        out += [str(v) for v in df.astype(str).to_numpy().ravel()]
        return out
    if isinstance(node, UnknownElement):  # the map component, download buttons, page links
        for attr in ("label",):
            value = getattr(getattr(node, "proto", None), attr, None)
            if isinstance(value, str) and value:
                out.append(value)
        return out
    try:
        options = node.options
    except Exception:  # noqa: BLE001 - not a widget with options
        options = None
    # a widget with options holds its raw value (an id); the user reads the formatted options
    for attr in ("label", "placeholder", "help") if options is not None else ("value", "label", "placeholder", "help"):
        try:
            value = getattr(node, attr)
        except Exception:  # noqa: BLE001 - a widget without that attribute
            continue
        if isinstance(value, str) and value:
            out.append(value)
    if options:
        out += [str(o) for o in options]
    return out


def visible_texts(at: AppTest) -> list[str]:
    """Every text a user can read on the page (main area and sidebar)."""
    return _node_texts(at.main) + _node_texts(at.sidebar)


def problems(texts: list[str]) -> list[str]:
    """The visible texts that hold an English developer word or a raw id."""
    bad = []
    for text in texts:
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_\-]*", text))
        hits = [w for w in FORBIDDEN_WORDS if w in words] + [x for x in FORBIDDEN_TEXT if x in text]
        for rx in (UUID, DDKN, HASH, ACTION_CODE):
            hits += rx.findall(text)
        if hits:
            bad.append(f"{hits}: {text[:160]!r}")
    return bad


@pytest.fixture
def db(demo_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo (these tests assess, purge and delete)."""
    path = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(path) as dst:
        src.backup(dst)  # the WAL's rows too (a file copy would miss them)
    monkeypatch.setenv("OPSPOR_DB", str(path))
    monkeypatch.chdir(ROOT)
    return path


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with a column of that name."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}: {[list(d.value.columns) for d in at.dataframe]}")


def _first_new(db: Path) -> str:
    return Repository.open(Repository.database_url(str(db)), "planner").signals_to_assess()["signal_id"].iloc[0]


def _as(user: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.selectbox(key="demo_user").set_value(user).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("user", "role"), [(n, r) for n, r, _ in DEMO_USERS])
def test_every_page__danish_with_no_raw_ids(db, user, role):
    at = _as(user)
    seen = 0
    for page in pages_for(role):
        if page not in PAGES:
            continue
        at.switch_page(PAGE_FILE[page]).run()
        assert not at.exception, f"{page}: {at.exception}"
        bad = problems(visible_texts(at))
        assert not bad, f"{user} on {page}:\n" + "\n".join(bad)
        seen += 1
    assert seen == len(pages_for(role))


def test_forbidden_words__the_check_catches_what_it_should():
    """Control: the check finds each kind of leak it is meant to find."""
    for leak in ("None", "grid250", "250m_618850_59975", "signals.import", "Choose options", "disabled",
                 "Plan 34c82a2586 er gemt", "196c942ae2-1-1",
                 "7f4e0ac2-2112-59ae-a1fd-a66adaabc7cd", "False", "see docs/import.md"):
        assert problems([f"tekst {leak} tekst"]), leak
    assert not problems(["Sogne", "250 m-felt nær Langgade, Samsø", "1.816", "30.11.2026", "Ja", "Nej"])


def test_audit_page__danish_actions_roles_and_purposes(db):
    at = _as("admin")
    at.switch_page("ui/pages/audit.py").run()
    assert not at.exception
    log = _table(at, "Handling")
    assert list(log.columns) == ["Tidspunkt", "Bruger", "Rolle", "Handling", "Formål"]
    assert "oprettede eller opdaterede en bruger" in set(log["Handling"])
    assert {"Administrator"} <= set(log["Rolle"])
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", log["Tidspunkt"].iloc[0])
    at.checkbox(key="audit_detail").check().run()
    assert "Teknisk detalje (id'er til fejlsøgning)" in _table(at, "Handling").columns


def test_users_page__active_column_in_danish(db):
    at = _as("admin")
    at.switch_page("ui/pages/users.py").run()
    users = at.dataframe[0].value
    assert "disabled" not in users.columns
    assert set(users["Aktiv"]) <= {"Ja", "Nej"}
    assert set(users["Rolle"]) >= {"Planlægger", "Teamleder", "Analytiker", "Administrator"}


# ------------------------------------------------------------------ safe actions: retention

def _signals(db: Path) -> int:
    return len(Repository.open(Repository.database_url(str(db)), "planner").signals(purpose="test"))


def test_retention__slet_nu_needs_the_preview_and_a_tick_that_says_how_many(db):
    before = _signals(db)
    at = _as("admin")
    at.switch_page("ui/pages/retention.py").run()
    assert at.button(key="purge_now").disabled  # nothing shown yet: nothing to confirm
    at.button(key="purge_preview").click().run()
    assert not at.exception
    preview = _table(at, "Tabel")
    row = preview[preview["Tabel"] == "Henvendelser"]
    assert len(row) == 1
    n = int(row["Rækker"].iloc[0].replace(".", ""))
    assert n > 0
    tick = at.checkbox(key="purge_confirm")
    assert "for altid" in tick.label and re.search(r"\d", tick.label)
    assert at.button(key="purge_now").disabled  # not ticked yet
    assert _signals(db) == before
    tick.check().run()
    assert not at.button(key="purge_now").disabled
    at.button(key="purge_now").click().run()
    assert not at.exception, at.exception
    assert any("Slettet" in s.value for s in at.success)
    assert _signals(db) == before - n


# ------------------------------------------------------------------ safe actions: focus areas

def test_focus_area__delete_says_what_goes_and_asks_again(db):
    url = Repository.database_url(str(db))
    repo = Repository.open(url, "planner")
    cands = repo.focus_candidates(eps_m=150, min_samples=3, as_of=clock.today())
    repo.save_focus_area("Nordby vest", cands.geometry.iloc[0], origin="cluster", as_of=clock.today())
    at = _as("planner")
    at.switch_page("ui/pages/focus_areas.py").run()
    assert not at.exception
    assert at.selectbox(key="focus_delete_pick").value is None  # nothing preselected
    assert at.button(key="focus_delete").disabled
    fid = repo.focus_areas()["focus_id"].iloc[0]
    at.selectbox(key="focus_delete_pick").set_value(fid).run()
    at.button(key="focus_delete").click().run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Nordby vest" in warning and "slettes for altid" in warning and "boliger" in warning
    assert len(repo.focus_areas()) == 1  # asked, not deleted
    at.button(key="focus_delete_cancel").click().run()
    assert len(repo.focus_areas()) == 1
    at.selectbox(key="focus_delete_pick").set_value(fid).run()
    at.button(key="focus_delete").click().run()
    at.button(key="focus_delete_confirm").click().run()
    assert not at.exception, at.exception
    assert repo.focus_areas().empty


def test_focus_area__a_name_too_long_is_refused_in_danish(db):
    at = _as("planner")
    at.switch_page("ui/pages/focus_areas.py").run()
    at.radio(key="focus_source").set_value("area").run()
    at.button(key="focus_save").click().run()  # no name
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("navn på 1–200 tegn" in e for e in errors), errors


def test_focus_area__grid_cells_by_their_place(db):
    at = _as("planner")
    at.switch_page("ui/pages/focus_areas.py").run()
    at.radio(key="focus_source").set_value("area").run()
    layer = at.selectbox(key="focus_pick_layer")
    assert "250 m-felter" in layer.options and "Sogne" in layer.options
    layer.set_value("grid250").run()
    assert not at.exception, at.exception
    options = at.selectbox(key="focus_pick_area").options
    assert options and all("250 m-felt" in o for o in options[:20])
    assert not any(DDKN.search(o) for o in options)


# ------------------------------------------------------------------ Vurdering

def test_assess__nothing_preselected_and_danish_dates(db):
    at = _as("planner")
    at.switch_page("ui/pages/assess.py").run()
    assert not at.exception
    assert at.selectbox(key="as_pick").value is None
    table = _table(at, "Modtaget")
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4}", d) for d in table["Modtaget"])
    at.selectbox(key="as_pick").set_value(_first_new(db)).run()
    assert not at.exception, at.exception
    assert at.radio(key="as_value").value is None  # no preselected assessment
    next(b for b in at.button if b.label == "Gem vurdering").click().run()
    assert any("Vælg en vurdering" in e.value for e in at.error)


def test_assess__one_report_then_undo(db):
    url = Repository.database_url(str(db))
    repo = Repository.open(url, "planner")
    new_before = len(repo.signals_to_assess())
    at = _as("planner")
    at.switch_page("ui/pages/assess.py").run()
    at.selectbox(key="as_pick").set_value(_first_new(db)).run()
    at.radio(key="as_value").set_value("unclear")
    next(b for b in at.button if b.label == "Gem vurdering").click().run()
    assert not at.exception, at.exception
    assert len(repo.signals_to_assess()) == new_before - 1
    assert at.button(key="as_undo")
    at.button(key="as_undo").click().run()
    assert not at.exception, at.exception
    assert any("fortrudt" in s.value for s in at.success)
    assert len(repo.signals_to_assess()) == new_before
    actions = set(Repository.open(url, "admin").audit_list(action="signals.assess")["action"])
    assert "signals.assess.undo" in actions


def test_assess__bulk_assessment_of_a_filtered_list_needs_a_tick(db):
    url = Repository.database_url(str(db))
    repo = Repository.open(url, "planner")
    at = _as("planner")
    at.switch_page("ui/pages/assess.py").run()
    at.selectbox(key="as_kind").set_value("caretaker_concern").run()
    n = len(repo.signals_to_assess(kind="caretaker_concern"))
    assert n > 1
    others = len(repo.signals_to_assess()) - n
    at.radio(key="as_bulk_value").set_value("not_in_target_group")
    at.button(key="as_bulk_save").click().run()
    assert any("bekræfte" in e.value for e in at.error)  # no tick: nothing assessed
    assert len(repo.signals_to_assess(kind="caretaker_concern")) == n
    at.radio(key="as_bulk_value").set_value("not_in_target_group")
    at.checkbox(key="as_bulk_confirm").check()
    at.button(key="as_bulk_save").click().run()
    assert not at.exception, at.exception
    assert repo.signals_to_assess(kind="caretaker_concern").empty
    assert len(repo.signals_to_assess()) == others  # only the filtered list
    assert len(repo.signals_to_assess(kind="caretaker_concern", assessment="not_in_target_group")) == n
    at.button(key="as_undo").click().run()
    assert len(repo.signals_to_assess(kind="caretaker_concern")) == n


def test_assess__a_long_queue_lists_its_first_rows_and_bulk_covers_all(db, monkeypatch):
    """Issue 18: a city's queue is tens of thousands of reports; the table and the chooser
    list the first ones (here 5) and say so, the count and the bulk assessment cover all."""
    monkeypatch.setenv("OPSPOR_ASSESS_ROWS", "5")
    repo = Repository.open(Repository.database_url(str(db)), "planner")
    n = len(repo.signals_to_assess())
    assert n > 5
    at = _as("planner")
    at.switch_page("ui/pages/assess.py").run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 5
    assert len(at.selectbox(key="as_pick").options) == 5
    shown = [c.value for c in at.caption if c.value.startswith("Listen viser de første 5 af")]
    assert shown and f"alle {n}" in shown[0]
    at.radio(key="as_bulk_value").set_value("not_in_target_group")
    at.checkbox(key="as_bulk_confirm").check()
    at.button(key="as_bulk_save").click().run()
    assert not at.exception, at.exception
    assert repo.signals_to_assess().empty  # all of them, not the five shown


def test_assess__grid_cells_by_their_place(db):
    at = _as("planner")
    at.switch_page("ui/pages/assess.py").run()
    at.selectbox(key="as_layer").set_value("grid250").run()
    assert not at.exception, at.exception
    cells = at.selectbox(key="as_cell_grid250")
    assert len(cells.options) > 2 and all("250 m-felt nær" in o for o in cells.options[1:])
    cell = Repository.open(Repository.database_url(str(db)), "planner").report_cells("grid250")["area_id"].iloc[0]
    cells.set_value(cell).run()
    assert not at.exception, at.exception
    assert not _table(at, "Modtaget").empty


# ------------------------------------------------------------------ new reports apart from old ones

def test_map__the_latest_import_is_shown_apart_from_older_reports(db, tmp_path):
    url = Repository.database_url(str(db))
    planner = Repository.open(url, "planner")
    street = planner.signals_to_assess()["address"].iloc[0]
    csv = tmp_path / "nye.csv"
    csv.write_text(f"Dato;Type;Adresse;Kilde\n{clock.today():%d.%m.%Y};naboklage;{street};Boligselskabet\n",
                   encoding="utf-8")
    out = planner.import_signals(csv, as_of=clock.today(), allow_in_demo=True)  # the demo is real now
    assert out["imported"] == 1
    latest = planner.latest_import()
    assert latest is not None and len(latest["signal_ids"]) == 1
    Repository.open(url, "admin").add_user("kortplanner", role="planner", password="en lang nok kode til kortet")
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_input[0].set_value("kortplanner")
    at.text_input[1].set_value("en lang nok kode til kortet")
    at.button[0].click().run()
    assert not at.exception, at.exception
    legend = _table(at, "Antal")
    assert sum(int(n.replace(".", "")) for n in legend["Antal"]) > 1  # all reports
    at.radio(key="map_only").set_value("latest").run()
    assert not at.exception, at.exception
    assert any("seneste indlæsning: 1 fra filen nye" in i.value for i in at.info)
    legend = _table(at, "Antal")
    assert sum(int(n.replace(".", "")) for n in legend["Antal"]) == 1  # only the new one
    assert not problems(visible_texts(at))


def test_audit_purposes__every_purpose_the_code_writes_has_danish_words():
    """Each purpose string the repository writes to the audit log (a literal, or the fixed
    start of an f-string) is shown in Danish on *Revisionslog*."""
    from ui.widgets import audit_purpose_text

    missing = []
    for f in (ROOT / "detection").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "_audit" and len(node.args) >= 4):
                continue
            arg = node.args[3]
            if isinstance(arg, ast.Constant):
                text = str(arg.value)
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                text = str(arg.values[0].value)
            else:
                continue  # a purpose passed through (the page's own, tested on the page)
            if audit_purpose_text(text, "da") == text:
                missing.append(f"{f.name}: {text!r}")
    assert not missing, missing


@pytest.fixture
def downloads(monkeypatch) -> list:
    """The media storages of the AppTest runs, so a test can read what a download button
    would send (AppTest keeps the files in memory under /mock/media)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    made: list = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *a, **k) -> None:
            super().__init__(*a, **k)
            made.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return made


def _download(at: AppTest, downloads: list, label: str) -> str:
    button = next(b for b in at.get("download_button") if b.proto.label.startswith(label))
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    data = downloads[-1].get_file(file_id).content
    assert data.startswith("\ufeff".encode()), "no BOM: Danish Excel would misread æøå"
    return data.decode("utf-8-sig")


def test_exports__the_ranking_and_the_gap_list_open_in_danish_excel(db, downloads):
    at = _as("planner")
    at.switch_page(PAGE_FILE["priorities"]).run()
    assert not at.exception, at.exception
    at.selectbox(key="prio_layer").set_value("grid250").run()
    text = _download(at, downloads, "Hent rangeringen")
    head, first = text.splitlines()[:2]
    assert head.startswith("Nr.;Område;Område-id;Henvendelser;") and "Hot spot;Hot spot, p-værdi;Hvorfor" in head
    assert "naboklage" in head and "grid250" not in text
    cells = first.split(";")
    assert re.fullmatch(r"\d+,\d", cells[head.split(";").index("Rate pr. 1.000 boliger")]), first
    assert cells[head.split(";").index("Hot spot")] in ("Ja", "Nej")
    assert cells[1].startswith("250 m-felt nær ") and re.fullmatch(r"250m_\d+_\d+", cells[2]), first
    at.switch_page(PAGE_FILE["coverage"]).run()
    assert not at.exception, at.exception
    gaps = [line.split(";") for line in _download(at, downloads, "Hent hullisten").splitlines()]
    cells = [c for row in gaps[1:] for c in row]
    assert len(gaps) > 1 and not any(re.fullmatch(r"[a-z_]+", c) for c in gaps[0]), gaps[0]  # Danish headers
    assert any(re.fullmatch(r"\d+,\d+", c) for c in cells), gaps[:3]  # decimal comma …
    assert not any(re.fullmatch(r"\d+\.\d+", c) for c in cells), gaps[:3]  # … never a decimal point

"""AppTest of the coverage and partner pages on the demo workspace (with its generated
partner network): the analyst sees the parishes with high need and no active partner and
exports the gap list; the planner keeps the registry and the contact log."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DEMO_AS_OF = date(2026, 11, 1)


@pytest.fixture()
def media(monkeypatch) -> list[MemoryMediaFileStorage]:
    """The media stores AppTest makes (to read what a download button would hand out)."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return stores


@pytest.fixture()
def app(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("OPSPOR_DB", str(demo_db))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=90)


def _download(media: list[MemoryMediaFileStorage], button) -> bytes:
    name = button.proto.url.rsplit("/", 1)[-1]
    return media[-1].get_file(name).content


def _map_script(at: AppTest) -> str:
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    assert maps, "the folium map component is not on the page"
    script = json.loads(maps[0].proto.json_args)["script"]
    return script.encode("ascii", "backslashreplace").decode("unicode_escape")


def test_coverage_page__analyst_sees_high_need_gaps_and_exports_the_list(app, media, demo_db):
    at = app.run()
    at.selectbox(key="demo_user").set_value("analytiker").run()
    at.switch_page("ui/pages/coverage.py").run()
    at.date_input(key="cov_as_of").set_value(DEMO_AS_OF).run()
    assert not at.exception
    # the analyst is told they see aggregates only
    assert any("mindst 20 boliger" in i.value for i in at.info)
    # the parishes with high need and no active partner, named on the page
    high = [m.value for m in at.markdown if "højt behov og ingen aktiv partner" in m.value]
    assert high and "Nordby" in high[0] and "Onsbjerg" in high[0] and "Tranebjerg" not in high[0]
    gaps = at.dataframe[0].value  # the gap list comes first
    # the same two parishes as the planner sees (their order may differ: the need is computed
    # from rounded counts, docs/privacy.md)
    assert set(gaps["Område"].tolist()[:2]) == {"Nordby", "Onsbjerg"}
    assert set(gaps.loc[gaps["Område"].isin(["Nordby", "Onsbjerg"]), "Andel aktiv dækning"]) == {"0 %", "4 %"}
    assert "Tranebjerg" not in set(gaps["Område"])  # actively covered: no gap
    # export the gap list for the next partner meeting
    button = at.get("download_button")[0]
    assert "partnermøde" in button.label
    csv = pd.read_csv(io.BytesIO(_download(media, button)), sep=";", encoding="utf-8-sig")
    assert csv["Område"].tolist() == gaps["Område"].tolist()
    assert "Nærmeste partnere (afstand)" in csv.columns and csv["Nærmeste partnere (afstand)"].str.contains(" m").all()
    # the same list as the repository gives the analyst
    repo_gaps = Repository.open(str(demo_db), "analytiker").coverage_gaps("parishes", as_of=DEMO_AS_OF)
    assert [g["name"] for g in repo_gaps["gaps"]] == csv["Område"].tolist()
    # the map: gaps labelled with a word, not colour alone; no address points for the analyst
    script = _map_script(at)
    assert "HUL" in script and "✓ 0 %" in script
    # the coverage signs, never a report kind's letter (A = andet, B = boligselskab, U = udlejer on Kort)
    assert not re.search(r"\b[ABU] \d+ %", script)
    assert "aktiv partner" not in script
    assert "url(#opspor-hatch)" in script and 'id="opspor-hatch"' in script  # gaps hatched, a pattern
    # every layer is defined before the layer control refers to it (else the map script
    # stops in the browser: "reading 'setZIndex'")
    control = script.index("L.control.layers(")
    groups = [m.start() for m in re.finditer(r"var feature_group_\w+ = L\.featureGroup", script)]
    assert groups and max(groups) < control


def test_coverage_page__english(app):
    at = app.run()
    at.selectbox(key="lang_select").set_value("en").run()
    at.selectbox(key="demo_user").set_value("analytiker").run()
    at.switch_page("ui/pages/coverage.py").run()
    at.date_input(key="cov_as_of").set_value(DEMO_AS_OF).run()
    assert not at.exception
    assert any("high need and no active partner" in m.value for m in at.markdown)
    assert "GAP" in _map_script(at)


def test_partners_page__planner_registry_log_and_feedback(app, media):
    at = app.run()  # the demo opens as the planner
    at.switch_page("ui/pages/partners.py").run()
    at.date_input(key="par_as_of").set_value(DEMO_AS_OF).run()
    assert not at.exception
    reg = at.dataframe[0].value  # registry tab
    assert len(reg) >= 10 and {"aktiv", "bortfaldet"} <= set(reg["Status"])
    overdue = [d.value for d in at.dataframe if "Dage over" in d.value.columns][0]  # contact-log tab
    assert len(overdue) > 0 and (overdue["Dage over"] > 0).all()
    assert not at.get("download_button")  # feedback is made on request (it is audited)
    at.button(key="par_make_feedback").click().run()
    assert not at.exception
    fb = at.get("download_button")
    assert [b.label for b in fb] == ["Hent som PDF", "Hent som CSV"]
    assert _download(media, fb[0]).startswith(b"%PDF")


def test_partners_page__team_lead_reads_only(app):
    at = app.run()
    at.selectbox(key="demo_user").set_value("teamleder").run()
    at.switch_page("ui/pages/partners.py").run()
    assert not at.exception
    assert any("kan se, men ikke ændre" in i.value for i in at.info)
    assert not [f for f in at.get("form")]


def test_coverage_page__planner_also_sees_entrances_by_sign(app):
    """Entrances as markers with ✓ ! ○ — signs no report kind on *Kort* uses as its letter."""
    at = app.run()  # planner
    at.switch_page("ui/pages/coverage.py").run()
    at.date_input(key="cov_as_of").set_value(DEMO_AS_OF).run()
    assert not at.exception
    assert not any("mindst 20 boliger" in i.value for i in at.info)
    script = _map_script(at)
    for sign, name in (("✓", "aktiv partner"), ("!", "bortfaldet (ingen nylig kontakt)"), ("○", "uden partner")):
        # "✓ · aktiv partner": the name in a span holding both languages (geo.maplang)
        assert re.search(re.escape(f"{sign} · ") + r"[^·]{0,200}?" + re.escape(name), script), name
    for old in ("A · aktiv", "B · bortfaldet", "U · uden"):
        assert old not in script, old
    # the table's columns say the same signs, and the legend names them
    areas = next(d.value for d in at.dataframe if "✓ aktiv" in d.value.columns)
    assert {"! bortfaldet", "○ ingen"} <= set(areas.columns)
    legend = next(m.value for m in at.markdown if "Etiketten" in m.value)
    assert all(f"`{s}`" in legend for s in ("✓", "!", "○")) and "`A`" not in legend


def test_coverage_page__a_city_of_entrances_is_counted_per_cell_not_drawn_one_by_one(app, monkeypatch):
    """Issue 18: past the limit (a city's 150,000 entrances were 12 MB of markers) the
    entrances are counted per DDKN cell by their coverage sign; the demo's 4,596 stand in
    for a city with the limit lowered to 100."""

    monkeypatch.setenv("OPSPOR_MAP_MAX_POINTS", "100")
    at = app.run()  # planner
    at.switch_page("ui/pages/coverage.py").run()
    at.date_input(key="cov_as_of").set_value(DEMO_AS_OF).run()
    assert not at.exception
    script = _map_script(at)
    assert "var cells = " in script and "FastMarkerCluster" not in script and "L.markerClusterGroup" not in script
    raw = json.loads([e for e in at.main if type(e).__name__ == "UnknownElement"][0].proto.json_args)["script"]
    start = raw.index("var cells = ") + len("var cells = ")
    cells, _ = json.JSONDecoder().raw_decode(raw[start:])
    assert [k.split(" · ")[0] for k in cells["kinds"][cells["langs"][0]]] == ["✓", "!", "○"]
    coarsest = cells["levels"][0]["cells"]
    assert all(isinstance(c[4], int) for c in coarsest)  # the browser writes them as "4.596"
    total = sum(c[4] for c in coarsest)
    assert total == 4596  # every entrance counted once, by its coverage


@pytest.fixture()
def demo_copy(demo_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo database (the shared one stays untouched)."""
    import sqlite3

    dst = tmp_path / "demo_copy.sqlite"
    src_conn, dst_conn = sqlite3.connect(demo_db), sqlite3.connect(dst)
    with dst_conn:
        src_conn.backup(dst_conn)
    src_conn.close()
    dst_conn.close()
    monkeypatch.setenv("OPSPOR_DB", str(dst))
    monkeypatch.chdir(ROOT)
    return dst


def test_partners_page__planner_ends_a_partnership_and_logs_a_contact(demo_copy):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("ui/pages/partners.py").run()
    at.date_input(key="par_as_of").set_value(DEMO_AS_OF).run()
    police = "Lokalpolitiet Samsø (fiktiv)"
    pid = Repository.open(str(demo_copy), "planner").partners_list(as_of=DEMO_AS_OF).set_index("name").loc[
        police, "partner_id"]
    at.selectbox(key="par_edit_partner").set_value(pid).run()
    edit = [c for c in at.checkbox if "Samarbejdet er i gang" in c.label][0]
    assert edit.value is True
    edit.uncheck()
    [b for b in at.button if b.label == "Gem" and f"par_edit_form_{pid}" in str(b.form_id)][0].click().run()
    assert not at.exception
    reg = at.dataframe[0].value.set_index("Navn (organisation)")
    assert reg.loc[police, "Status"] == "ophørt"
    assert Repository.open(str(demo_copy), "planner").partners_list(as_of=DEMO_AS_OF).set_index("name").loc[
        police, "status"] == "ended"
    # log a meeting with the lapsed northern landlord: it becomes active
    north = "Privat udlejer Nord (fiktiv)"
    npid = Repository.open(str(demo_copy), "planner").partners_list(as_of=DEMO_AS_OF).set_index("name").loc[
        north, "partner_id"]
    assert reg.loc[north, "Status"] == "bortfaldet"
    in_log = [w for w in at.selectbox if "par_log_form" in str(w.form_id)]
    in_log[0].set_value(npid)
    [d for d in at.date_input if d.label == "Dato" and "par_log_form" in str(d.form_id)][0].set_value(date(2026, 10, 20))
    [b for b in at.button if b.label == "Gem" and "par_log_form" in str(b.form_id)][0].click().run()
    assert not at.exception
    assert at.dataframe[0].value.set_index("Navn (organisation)").loc[north, "Status"] == "aktiv"


def _frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return [d.value for d in at.dataframe if column in d.value.columns][0]


def test_partners_page__coverage_tab_map_portfolio_and_removal(demo_copy):
    """The planner sees a partner's coverage on a map with drawing tools, pastes a landlord's
    address list, adds the entrances found (the unfound line is shown with its reason) and
    removes an item again."""
    planner = Repository.open(str(demo_copy), "planner")
    north = "Privat udlejer Nord (fiktiv)"
    npid = planner.partners_list(as_of=DEMO_AS_OF).set_index("name").loc[north, "partner_id"]
    n_before = len(planner.partner_coverage(npid))
    held = set(planner.partner_coverage(npid)["entrance_id"].dropna())
    reg = planner.entrances().drop_duplicates(["street", "house_number"], keep=False)
    reg = reg[~reg["entrance_id"].isin(held)].iloc[:4]
    lines = [f"{r.street} {r.house_number}, {r.postcode} Samsø" for r in reg.itertuples()] + [
        "Findesikke Allé 999, 8305 Samsø"]

    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("ui/pages/partners.py").run()
    at.selectbox(key="par_cov_partner").set_value(npid).run()
    assert not at.exception
    script = _map_script(at)
    assert "L.Control.Draw" in script  # drawing tools for the planner
    assert "Opgang i portefølje" in script  # the portfolio layer, named in words
    items = _frame_with(at, "Radius / adresse")
    assert len(items) == n_before
    at.text_area(key="par_cov_portfolio_text").input("\n".join(lines)).run()
    at.button(key="par_cov_match").click().run()
    assert not at.exception
    assert any("4 fundet, 1 ikke fundet" in c.value for c in at.caption)
    missing = _frame_with(at, "Hvorfor ikke fundet")
    assert missing["Adresse"].tolist() == ["Findesikke Allé 999, 8305 Samsø"]
    assert missing["Hvorfor ikke fundet"].iloc[0].startswith("Adresse ikke fundet")
    at.button(key="par_cov_add_found").click().run()
    assert not at.exception
    after = planner.partner_coverage(npid)
    assert len(after) == n_before + 4 and set(reg["entrance_id"]) <= set(after["entrance_id"])
    assert len(_frame_with(at, "Radius / adresse")) == n_before + 4
    # remove the last one again
    last = int(after["coverage_id"].max())
    at.selectbox(key="par_cov_delete_item").set_value(last).run()
    at.button(key="par_cov_delete_btn").click().run()
    assert not at.exception
    assert last not in set(planner.partner_coverage(npid)["coverage_id"])


def test_partners_page__team_lead_sees_coverage_without_drawing_tools(app):
    at = app.run()
    at.selectbox(key="demo_user").set_value("teamleder").run()
    at.switch_page("ui/pages/partners.py").run()
    assert not at.exception
    assert "L.Control.Draw" not in _map_script(at)
    assert not [b for b in at.button if b.key in ("par_cov_save_drawn", "par_cov_match", "par_cov_delete_btn")]


def test_coverage_page__grid_cells_by_their_place_never_their_ddkn_id(app):
    at = app.run()  # planner
    at.switch_page("ui/pages/coverage.py").run()
    layer = at.selectbox(key="cov_layer")
    assert "250 m-felter" in layer.options and "grid250" not in layer.options
    layer.set_value("grid250").run()
    assert not at.exception, at.exception
    ddkn = re.compile(r"\b250m_\d+_\d+\b")
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for d in at.dataframe:
        texts += [str(c) for c in d.value.columns] + d.value.astype(str).to_numpy().ravel().tolist()
    assert not [x for x in texts if ddkn.search(x)], [x for x in texts if ddkn.search(x)][:3]
    assert any("250 m-felt nær" in x for x in texts)
    script = _map_script(at)
    assert "250 m-felt nær" in script and "— HUL" in script
    assert "prioriteringsmodellen" in " ".join(c.value for c in at.caption)

"""*Dækning* on a grid layer (issue 18): the map sends its squares as a compact list
(:mod:`geo.coverage_grid`), and what that list reads back to is, area for area, what the
page's map said before — each area's tooltip in Danish and in English (its place, HUL/GAP
for a gap, the three shares with their signs, the need), its need class and whether it is a
gap — for the planner and for the analyst (who gets only areas of 20 dwellings or more).
The browser half (the script decodes and draws it so) is tests/ui/test_browser_coverage_grid.py."""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.repository import Repository
from geo.coverage_grid import coverage_grid_cells, coverage_label, coverage_tip
from ui.i18n import t
from ui.widgets import cell_labels, number_text

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DEMO_AS_OF = date(2026, 11, 1)
SIGNS = {"active": "✓", "lapsed": "!", "none": "○"}


@pytest.fixture()
def app(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("OPSPOR_DB", str(demo_db))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=120)


def _esc(text: str) -> str:
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def _pct(v: float) -> str:
    return f"{round(100 * float(v))} %"


def _tips_before(db: Path, user: str, layer: str, months: int) -> list[tuple[str, str, str, str]]:
    """Every area's tooltip (Danish, English) and gap label as the page wrote them before the
    compact list: from the repository, with the page's words."""
    r = Repository.open(str(db), user, migrate=False)
    areas = r.coverage_layers(layer, as_of=DEMO_AS_OF, months=months)["areas"]
    gaps = {g["area_id"] for g in r.coverage_gaps(layer, as_of=DEMO_AS_OF, months=months)["gaps"]}
    places = r.cell_places(layer, list(areas["area_id"].astype(str)))
    names = {lang: cell_labels(places, layer, lang) for lang in ("da", "en")}
    out = []
    for a, act, lap, non, need in zip(areas["area_id"], areas["active_share"], areas["lapsed_share"],
                                      areas["none_share"], areas["need"], strict=True):
        gap = a in gaps
        texts = []
        for lang in ("da", "en"):
            head = names[lang][str(a)] + (f" — {t('cov_gap_word', lang)}" if gap else "")
            need_text = f"{t('cov_need_word', lang)} {number_text(float(need), lang, decimals=1)}"
            texts.append(f"{_esc(head)}<br>{SIGNS['active']} {_pct(act)} · {SIGNS['lapsed']} {_pct(lap)} · "
                         f"{SIGNS['none']} {_pct(non)}<br>{_esc(need_text)}")
        label = f"{t('cov_gap_word', 'da')} · {t('cov_need_word', 'da')} {number_text(float(need), 'da', decimals=1)}"
        out.append((*texts, _esc(label) if gap else "", "gap" if gap else ""))
    return sorted(out)


@pytest.mark.parametrize(("user", "layer"), [("planner", "grid250"), ("analytiker", "grid250"),
                                             ("planner", "grid1km")])
def test_the_grid_reads_back_to_every_areas_tooltip_as_before_in_both_languages(app, demo_db, user, layer):
    at = app.run()
    if user != "planner":
        at.selectbox(key="demo_user").set_value(user).run()
    at.switch_page("ui/pages/coverage.py").run()
    at.date_input(key="cov_as_of").set_value(DEMO_AS_OF).run()
    at.selectbox(key="cov_layer").set_value(layer).run()
    assert not at.exception, at.exception
    months = int(at.number_input(key="cov_months").value)
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    script = json.loads(maps[0].proto.json_args)["script"]
    assert script.count('"Feature"') == 1  # the boundary's: no GeoJSON feature per cell, no label marker per gap
    assert "L.marker(" not in script.split("window.opsporCoverageCells")[1]
    data, _ = json.JSONDecoder().raw_decode(script[script.index('var d = {"cells"') + len("var d = "):])
    cells = coverage_grid_cells(data)
    got = sorted((coverage_tip(data, c, "da"), coverage_tip(data, c, "en"),
                  coverage_label(data, c, "da") if c["gap"] else "", "gap" if c["gap"] else "") for c in cells)
    want = _tips_before(demo_db, user, layer, months)
    assert len(got) == len(want) > 20
    assert got == want
    assert sum(c["gap"] for c in cells) > 10

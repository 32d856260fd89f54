"""*Dækning*'s grid squares in Debian Chromium (issue 18): the page's script decodes the
compact list (varints in base64) to exactly the cells :func:`geo.coverage_grid.coverage_grid_cells`
reads, draws one square a cell with its need colour and border (a gap: thick, dark, dashed,
hatched), and puts each tooltip together as the page did before — in Danish, and after a
language switch in English, in the same frame.

Two ways: a map made here from awkward cells (names and numbers that would break a script,
repeat numbers only one language has, needs that are no number), served to Chromium without
the app; and the app's own page on the Samsø demo (250 m grid), switched to English in the
sidebar.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import folium
import pytest

from geo.assets import use_local_assets
from geo.coverage_grid import CoverageGrid, coverage_grid_cells, coverage_label, coverage_tip
from geo.maplang import MapLanguage
from tests.geo.test_coverage_grid import _encode, _layer
from tests.ui.conftest import _new_page
from tests.ui.test_browser import MAP_IFRAME, _switch_language, _wait_idle

pytestmark = pytest.mark.browser
REPO_ROOT = Path(__file__).resolve().parents[2]
VENDOR = REPO_ROOT / "static" / "vendor"
ORIGIN = "http://opspor.test"

# every drawn square: where it is (1e-5 degrees), its fill, line and tooltip as shown now
DRAWN_JS = """() => {
    const map = Object.values(window).find(v => v && v instanceof L.Map);
    const out = [];
    map.eachLayer(l => {
        if (!(l instanceof L.Rectangle) || l.options.opsporCov === undefined) return;
        const b = l.getBounds(), r = x => Math.round(x * 1e5);
        out.push({i: l.options.opsporCov, lat: r(b.getSouth()), lon: r(b.getWest()),
                  dlat: r(b.getNorth()) - r(b.getSouth()), dlon: r(b.getEast()) - r(b.getWest()),
                  color: l.options.color, weight: l.options.weight, dash: l.options.dashArray || null,
                  tip: l.getTooltip()._content(l)});
    });
    return out.sort((a, b) => a.i - b.i);
}"""
LABELS_JS = """() => Array.from(document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon.empty'))
    .map(e => e.textContent)"""


def _expected(data: dict, cells: list[dict], lang: str) -> list[dict]:
    return [{"i": i, "lat": c["lat"], "lon": c["lon"], "dlat": c["dlat"], "dlon": c["dlon"],
             "color": "#1b1b1b" if c["gap"] else "#3d4f8a", "weight": 4 if c["gap"] else 1,
             "dash": "10 6" if c["gap"] else None, "tip": coverage_tip(data, c, lang)} for i, c in enumerate(cells)]


def _map_html(data: dict) -> str:
    m = folium.Map(location=[55.68, 9.78], zoom_start=13, tiles=None)
    MapLanguage(["da", "en"]).add_to(m)
    fg = folium.FeatureGroup(name="Områder").add_to(m)
    CoverageGrid(data, m.get_name()).add_to(fg)
    folium.LayerControl(collapsed=False).add_to(m)
    use_local_assets(m, base_url=f"{ORIGIN}/vendor")
    return m.get_root().render()


def test_the_script_decodes_draws_and_relabels_every_cell_as_the_python_reader(browser):
    layer = _layer(seed=11, n_rows=14, n_cols=18)
    data = _encode(layer)
    cells = coverage_grid_cells(data)
    page_html = _map_html(data)
    pages = {"/map.html": page_html}

    def _serve(route):
        path = route.request.url[len(ORIGIN):].split("?")[0]
        if path in pages:
            route.fulfill(status=200, body=pages[path], content_type="text/html; charset=utf-8")
        elif path.startswith("/vendor/") and (VENDOR / path[len("/vendor/"):]).is_file():
            route.fulfill(status=200, path=str(VENDOR / path[len("/vendor/"):]))
        else:
            route.fulfill(status=404, body="")

    with _new_page(browser, {"width": 1000, "height": 800}) as page:
        page.route(f"{ORIGIN}/**", _serve)
        page.goto(f"{ORIGIN}/map.html", wait_until="load")
        page.wait_for_function("() => window.opsporCoverage !== undefined")
        decoded = page.evaluate("d => window.opsporCoverageCells(d)", data)
        drawn_da = page.evaluate(DRAWN_JS)
        labels_da = page.evaluate(LABELS_JS)
        hatched = page.locator("path[fill='url(#opspor-hatch)']").count()
        # the UI's language as the app sets it (geo.maplang reads it from the page holding the map)
        page.evaluate("() => document.documentElement.setAttribute('data-opspor-lang', 'en')")
        page.wait_for_function("() => window.opsporLang() === 'en'")
        drawn_en = page.evaluate(DRAWN_JS)
        labels_en = page.evaluate(LABELS_JS)
        errors = page.console_errors
        assert page.evaluate("() => window.bad") is None
    assert not errors, errors
    assert decoded == cells  # the script reads the data exactly as the Python reader, cell by cell
    assert drawn_da == _expected(data, cells, "da")
    assert drawn_en == _expected(data, cells, "en")
    gaps = [c for c in cells if c["gap"]]
    # every gap in view labelled (the view holds the whole block) and hatched under its label
    assert sorted(labels_da) == sorted(html.unescape(coverage_label(data, c, "da")) for c in gaps)
    assert sorted(labels_en) == sorted(html.unescape(coverage_label(data, c, "en")) for c in gaps)
    assert hatched == len(gaps)
    assert "</script><script>" not in page_html.split("var d = ", 1)[1].split("\n", 1)[0]


def _coverage_frame(page, app_url: str):
    page.goto(f"{app_url}/daekning", wait_until="domcontentloaded")
    _wait_idle(page)
    page.get_by_role("combobox", name="Områdeinddeling").click()
    page.get_by_role("option", name="250 m-felter", exact=True).click()
    _wait_idle(page)
    page.wait_for_selector(MAP_IFRAME, state="visible", timeout=30_000)
    for _ in range(120):
        frames = [f for f in page.frames if not f.is_detached() and _has_grid(f)]
        if frames:
            return frames[0]
        page.wait_for_timeout(250)
    raise AssertionError("no coverage grid in a map frame: " + "; ".join(page.console_errors or []))


def _has_grid(frame) -> bool:
    try:
        return bool(frame.evaluate("() => window.opsporCoverage !== undefined"))
    except Exception:  # noqa: BLE001 - a frame going away meanwhile
        return False


def test_daekning__the_demos_250_m_grid_decodes_and_reads_in_danish_then_english_in_the_same_frame(page, app_url):
    frame = _coverage_frame(page, app_url)
    script = frame.evaluate("() => [...document.scripts].map(s => s.textContent).join('\\n')")
    data, _ = json.JSONDecoder().raw_decode(script[script.index('var d = {"cells"') + len("var d = "):])
    cells = coverage_grid_cells(data)
    assert len(cells) > 100 and sum(c["gap"] for c in cells) > 20
    assert frame.evaluate("d => window.opsporCoverageCells(d)", data) == cells
    drawn = frame.evaluate(DRAWN_JS)
    assert drawn == _expected(data, cells, "da")
    gap = next(d for d, c in zip(drawn, cells, strict=True) if c["gap"])
    assert re.fullmatch(r"250 m-felt (nær|ved) .+ — HUL<br>✓ \d+ % · ! \d+ % · ○ \d+ %<br>behov \d{1,3}(\.\d{3})*(,\d)?",
                        gap["tip"]), gap["tip"]
    frame.evaluate("() => { window.__opsporProbe = 18; }")
    _switch_language(page, "English")
    frame.wait_for_function("() => window.opsporLang() === 'en'", timeout=30_000)
    assert frame.evaluate("() => window.__opsporProbe") == 18  # the same frame: not reloaded, not resent
    drawn_en = frame.evaluate(DRAWN_JS)
    assert drawn_en == _expected(data, cells, "en")
    gap_en = drawn_en[gap["i"]]["tip"]
    assert re.fullmatch(r"250 m cell (near|at) .+ — GAP<br>✓ \d+ % · ! \d+ % · ○ \d+ %<br>need \d{1,3}(,\d{3})*(\.\d)?",
                        gap_en), gap_en
    labels = frame.evaluate(LABELS_JS)
    assert labels and all(x.startswith("GAP · need ") for x in labels), labels[:5]
    errors = [e for e in page.console_errors if e.startswith("uncaught")]
    assert not errors, errors

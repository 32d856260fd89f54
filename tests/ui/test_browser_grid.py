"""*Prioritering*'s grid squares in Debian Chromium (issue 18): the page's script decodes the
compact list (varints in base64) to exactly the cells :func:`geo.maps.grid_cells` reads,
draws one rectangle a cell with its colour and line, and puts each tooltip together as the
page did before.

Two ways: a map made here from awkward layers (large and negative ranks, many names, texts
that are no numbers, text that would break a script), served to Chromium from the vendored
assets without the app; and the app's own page on the Samsø demo (250 m grid).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import folium
import geopandas as gpd
import pytest
import shapely

from geo.assets import use_local_assets
from geo.crs import WORK_CRS
from geo.maps import GridChoropleth, grid_cells, grid_choropleth_data
from tests.ui.conftest import _new_page
from tests.ui.test_browser import MAP_IFRAME, _no_outside_assets, _wait_idle

REPO_ROOT = Path(__file__).resolve().parents[2]
VENDOR = REPO_ROOT / "static" / "vendor"
ORIGIN = "http://opspor.test"
PALETTE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
TIP = "{p} · Nr. {r} · {v} ({l}–{u}) rate · klasse {c} af 5{h}"

# every drawn rectangle: its square back in 1e-5 degrees, its colour, line and tooltip
DRAWN_JS = """() => {
    const map = Object.values(window).find(v => v && v instanceof L.Map);
    const out = [];
    map.eachLayer(l => {
        if (!(l instanceof L.Rectangle)) return;
        const b = l.getBounds(), r = x => Math.round(x * 1e5);
        out.push({lat: r(b.getSouth()), lon: r(b.getWest()), dlat: r(b.getNorth()) - r(b.getSouth()),
                  dlon: r(b.getEast()) - r(b.getWest()), fill: l.options.fillColor, color: l.options.color,
                  weight: l.options.weight, tip: l.getTooltip()._content(l)});
    });
    return out;
}"""


def _tooltip(data: dict, cell: dict) -> str:
    """The tooltip as the page put it together before (from the template, in Python)."""
    values = {"p": cell["place"], "r": str(cell["rank"]), "v": cell["texts"][0], "l": cell["texts"][1],
              "u": cell["texts"][2], "c": str(cell["cls"] + 1), "h": data["hot"] if cell["hot"] else ""}
    return re.sub(r"[{]([prvluch])[}]", lambda m: values[m.group(1)], data["tip"])


def _drawn_as_read(data: dict, cells: list[dict]) -> list[str]:
    return sorted(json.dumps({"lat": c["lat"], "lon": c["lon"], "dlat": c["dlat"], "dlon": c["dlon"],
                              "fill": data["palette"][c["cls"]], "color": "#000000" if c["hot"] else "#555555",
                              "weight": 3.5 if c["hot"] else 0.6, "tip": _tooltip(data, c)},
                             sort_keys=True, ensure_ascii=False) for c in cells)


def _layers() -> dict[str, dict]:
    """Awkward layers: each read back in Python first (tests/geo/test_grid_choropleth.py)."""
    rng = random.Random(7)
    out = {}
    # 1. text that would end the script or open a template, names with repeat numbers, ranks
    # far apart and below zero, squares far apart and of several sizes
    nasty = ["</script><script>window.bad=1</script>", "{{ 7*7 }}", "{% if %}", "{# x #}", "a & b", "'q' \"q\"",
             "back\\slash", "line\nbreak", "\u2028", "fisk 🐟 (2)", "x (1)", "x (01)", "x (2) (3)", "Æblevej, Ø"]
    corners = [(600_000 + 100 * k, 6_200_000 + (0 if k < 8 else 7_000)) for k in range(len(nasty))]
    corners[3] = (450_000, 6_150_000)
    sizes = [100] * 10 + [250, 1000, 37.5, 100]
    texts = [(t, "–", "1.000.000,5") for t in nasty]
    out["nasty"] = {"squares": gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + s, y + s) for (x, y), s in
                                                          zip(corners, sizes, strict=True)], crs=WORK_CRS),
                    "cls": [k % 5 for k in range(len(nasty))], "hotspot": [k % 3 == 0 for k in range(len(nasty))],
                    "rank": [10**12 + 5, -7, 0, 2**49, -(2**49), 3, 3, 4, 5, 6, 1, 2, 99, 98], "texts": texts,
                    "places": [f"100 m-felt nær {t}" for t in nasty]}
    # 2. a city-like block: holes, 300 names (more than the window of recent ones), repeat
    # numbers in the order sent and out of it, ranks 1..n, most rates 0, English numbers
    corners = [(570_000 + 100 * c, 6_175_000 + 100 * r) for r in range(30) for c in range(40) if rng.random() < 0.75]
    rng.shuffle(corners)
    n = len(corners)
    street = {xy: f"Vej {((xy[0] - 570_000) // 300 + 14 * ((xy[1] - 6_175_000) // 200)) % 300}" for xy in corners}
    seen: dict[str, int] = {}
    places = [""] * n
    for i in sorted(range(n), key=lambda i: (corners[i][1], corners[i][0])):
        seen[street[corners[i]]] = seen.get(street[corners[i]], 0) + 1
        k = seen[street[corners[i]]]
        places[i] = f"100 m-felt nær {street[corners[i]]}" + (f" ({k})" if k > 1 else "")
    for i in rng.sample(range(n), 12):
        places[i] = f"100 m-felt nær {street[corners[i]]} ({rng.randint(2, 900)})"
    rates = sorted((rng.choice([0.0] * 5 + [rng.uniform(0, 40000)]) for _ in range(n)), reverse=True)
    ranks = list(range(1, n + 1))
    rng.shuffle(ranks)
    texts = [tuple(f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}"
                   for v in (rates[r - 1], round(rates[r - 1] / 3, 1), rates[r - 1] * 2 + 1)) for r in ranks]
    out["city"] = {"squares": gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + 100, y + 100) for x, y in corners],
                                               crs=WORK_CRS),
                   "cls": [min(4, int(rates[r - 1] // 8000)) for r in ranks],
                   "hotspot": [rng.random() < 0.03 for _ in range(n)], "rank": ranks, "texts": texts,
                   "places": places}
    out["empty"] = {"squares": gpd.GeoDataFrame(geometry=[], crs=WORK_CRS), "cls": [], "hotspot": [], "rank": [],
                    "texts": [], "places": []}
    return out


def _map_html(data: dict) -> str:
    m = folium.Map(location=[55.95, 10.4], zoom_start=9, tiles=None)
    GridChoropleth(data).add_to(m)
    use_local_assets(m, base_url=f"{ORIGIN}/vendor")
    return m.get_root().render()


@pytest.mark.browser
@pytest.mark.parametrize("name", ["nasty", "city", "empty"])
def test_the_script_decodes_and_draws_every_cell_as_grid_cells_reads_it(browser, name):
    layer = _layers()[name]
    data = grid_choropleth_data(layer.pop("squares"), tip=TIP, hot=" · Hot spot", palette=PALETTE, **layer)
    cells = grid_cells(data)
    pages = {"/map.html": (_map_html(data), "text/html; charset=utf-8")}

    def _serve(route):
        path = route.request.url[len(ORIGIN):].split("?")[0]
        if path in pages:
            route.fulfill(status=200, body=pages[path][0], content_type=pages[path][1])
        elif path.startswith("/vendor/") and (VENDOR / path[len("/vendor/"):]).is_file():
            route.fulfill(status=200, path=str(VENDOR / path[len("/vendor/"):]))
        else:
            route.fulfill(status=404, body="")

    with _new_page(browser, {"width": 1000, "height": 800}) as page:
        page.route(f"{ORIGIN}/**", _serve)
        page.goto(f"{ORIGIN}/map.html", wait_until="load")
        page.wait_for_function("() => window.opsporGridCells !== undefined")
        decoded = page.evaluate("d => window.opsporGridCells(d)", data)
        drawn = page.evaluate(DRAWN_JS)
        errors = page.console_errors
        assert page.evaluate("() => window.bad") is None  # no name ran as a script
    assert not errors, errors
    assert decoded == cells  # the script reads the data exactly as grid_cells does, cell by cell
    assert sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in drawn) == _drawn_as_read(data, cells)


@pytest.mark.browser
def test_prioritering__the_demos_250_m_grid_decodes_in_chromium_exactly_as_grid_cells(page, app_url):
    """The app's own page: the data in the map's frame, decoded by its script, is cell for
    cell what grid_cells reads; every square is drawn with its colour and its tooltip."""
    page.goto(f"{app_url}/prioritering", wait_until="domcontentloaded")
    _wait_idle(page)
    page.get_by_role("combobox", name="Områdeinddeling").click()
    page.get_by_role("option", name=re.compile(r"^250 m")).first.click()
    _wait_idle(page)
    frame_loc = page.frame_locator(MAP_IFRAME).first
    frame_loc.locator(".leaflet-overlay-pane canvas").first.wait_for(state="attached", timeout=30_000)
    frame = next(f for f in page.frames if f.query_selector(".leaflet-container"))
    frame.wait_for_function("() => window.opsporGridCells !== undefined")
    script = frame.evaluate("() => [...document.scripts].map(s => s.textContent).join('\\n')")
    data, _ = json.JSONDecoder().raw_decode(script[script.index('var d = {"cells"') + len("var d = "):])
    cells = grid_cells(data)
    assert len(cells) > 100 and isinstance(data["cells"], str)
    decoded = frame.evaluate("d => window.opsporGridCells(d)", data)
    assert decoded == cells
    drawn = frame.evaluate(DRAWN_JS)
    assert sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in drawn) == _drawn_as_read(data, cells)
    top = next(d for d in drawn if re.search(r" · Nr\. 1 · ", d["tip"]))
    assert re.fullmatch(r"250 m-felt .+ · Nr\. 1 · [\d.,]+ \([\d.,]+–[\d.,]+\) rate pr\. 1\.000 boliger · "
                        r"klasse [1-5] af 5( · Hot spot)?", top["tip"]), top["tip"]
    # (Streamlit itself asks for <page>/_stcore/health and host-config on a page's own URL: 404s)
    errors = [e for e in page.console_errors if e.startswith("uncaught")]
    assert not errors, errors
    _no_outside_assets(page)

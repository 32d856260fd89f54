"""*Kort* with many reports in a real browser (issue 18): the counts per cell draw (squares
with their counts written in them), zooming in draws finer cells, and no script fails.

The demo's 320 reports count as "many" here: the app is served with ``OPSPOR_MAP_MAX_POINTS``
at 100, on a private copy of the demo.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.ui.conftest import _new_page, _serve
from tests.ui.test_browser import MAP_IFRAME, _open_map


@pytest.fixture(scope="module")
def many_url(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("cells") / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copy(f"{demo_db}{suffix}", f"{path}{suffix}")
    old = os.environ.get("OPSPOR_MAP_MAX_POINTS")
    os.environ["OPSPOR_MAP_MAX_POINTS"] = "100"
    try:
        with _serve(path, "streamlit-cells.log") as url:
            yield url
    finally:
        if old is None:
            os.environ.pop("OPSPOR_MAP_MAX_POINTS", None)
        else:
            os.environ["OPSPOR_MAP_MAX_POINTS"] = old


def _counts(frame) -> list[int]:
    return [int(t.strip().replace(".", "")) for t in frame.locator(".opspor-cell").all_inner_texts()]


def test_counts_per_cell_draw_and_get_finer_when_zoomed_in(browser, many_url):
    with _new_page(browser, {"width": 1400, "height": 1000}) as page:
        frame = _open_map(page, many_url)
        frame.locator(".opspor-cell").first.wait_for(state="attached", timeout=10_000)
        coarse = _counts(frame)
        assert coarse and sum(coarse) > 100  # every report counted, in a few big squares
        assert frame.locator(".leaflet-marker-icon .opspor-sig").count() == 0  # no report markers
        page.wait_for_selector(MAP_IFRAME, state="visible")
        for _ in range(3):  # zoom in: finer squares, each holding fewer reports
            frame.locator(".leaflet-control-zoom-in").click()
            page.wait_for_timeout(400)
        fine = _counts(frame)
        assert fine and max(fine) < max(coarse)
        errors = [e for e in page.console_errors if "favicon" not in e]
        assert not errors, errors
        assert not page.blocked, page.blocked


def _cell_tips(page) -> list[str]:
    frame = next(f for f in page.frames if f.query_selector(".leaflet-container"))
    return frame.evaluate("""() => {
        const map = Object.values(window).find(v => v && v instanceof L.Map);
        const out = [];
        map.eachLayer(l => { if (l instanceof L.Rectangle && l.getTooltip()) { out.push(l.getTooltip().getContent()); } });
        return out.sort();
    }""")


def test_a_language_switch_rewrites_the_cells_in_the_same_map(browser, many_url):
    """Counts per cell in English: the kinds' names in the cells' tooltips change, in the map
    already drawn (issue 18: a language switch neither resends nor redraws the map)."""
    from tests.ui.test_browser import _map_frame, _switch_language

    with _new_page(browser, {"width": 1400, "height": 1000}) as page:
        frame = _open_map(page, many_url)
        frame.locator(".opspor-cell").first.wait_for(state="attached", timeout=10_000)
        _map_frame(page).evaluate("window.__opsporProbe = 18")
        da = _cell_tips(page)
        counts = sorted(_counts(frame))
        assert da and any("naboklage" in x.lower() for x in da), da[:3]
        _switch_language(page, "English")
        deadline = 100
        while deadline and any("naboklage" in x.lower() for x in _cell_tips(page)):
            page.wait_for_timeout(100)
            deadline -= 1
        en = _cell_tips(page)
        assert len(en) == len(da) and any("neighbour complaint" in x.lower() for x in en), en[:3]
        assert not any("naboklage" in x.lower() for x in en), en[:3]
        assert _map_frame(page).evaluate("window.__opsporProbe") == 18
        assert sorted(int(t.strip().replace(",", "")) for t in frame.locator(".opspor-cell").all_inner_texts()) == counts
        errors = [e for e in page.console_errors if "favicon" not in e]
        assert not errors, errors

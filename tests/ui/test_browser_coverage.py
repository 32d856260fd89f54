"""*Dækning* in Chromium (issue 15): on the 250 m grid the many "HUL" labels do not pile up.

The coverage map's labels go through the base map's label hider (``geo.basemap``, as on
*Fokusområder*): gaps first, by need; a label that would overlap one already shown waits for
a closer zoom. Screenshot: ``tests/.artifacts/daekning-250m.png``.
"""

from __future__ import annotations

import re

import pytest

from tests.ui.test_browser import MAP_IFRAME, _wait_idle
from tests.ui.test_browser_basemap import ARTIFACTS, _overlap, _shown_labels

pytestmark = pytest.mark.browser
LABELS = ".leaflet-marker-pane .leaflet-marker-icon.empty"


def _coverage_on_250m_grid(page, app_url: str):
    """*Dækning* as the demo planner with "250 m-felter" picked; the map's Frame once its
    labels are drawn and the hider has had its look."""
    page.goto(f"{app_url}/daekning", wait_until="domcontentloaded")
    _wait_idle(page)
    page.get_by_role("combobox", name="Områdeinddeling").click()
    page.get_by_role("option", name="250 m-felter", exact=True).click()
    _wait_idle(page)
    page.wait_for_selector(MAP_IFRAME, state="visible", timeout=30_000)
    # the parishes' map makes way for the grid's (a new frame): wait for one with many gaps
    for _ in range(120):
        frames = [f for f in page.frames if not f.is_detached() and _count(f, "HUL") > 20]
        if frames:
            break
        page.wait_for_timeout(250)
    else:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "daekning-failed.png"))
        raise AssertionError("no map with the 250 m grid's gap labels: " + "; ".join(page.console_errors or []))
    page.wait_for_timeout(3_500)  # the hider looks again 0.4, 1.2 and 3 s after the map is drawn
    return frames[0]


def _count(frame, word: str) -> int:
    try:
        return frame.evaluate(f"() => Array.from(document.querySelectorAll('{LABELS}'))"
                              f".filter(e => e.textContent.includes({word!r})).length")
    except Exception:  # noqa: BLE001 - a frame going away meanwhile
        return 0


def test_daekning__hul_labels_on_the_250m_grid_never_overlap(page, app_url):
    frame = _coverage_on_250m_grid(page, app_url)
    all_labels = frame.evaluate(f"() => Array.from(document.querySelectorAll('{LABELS}')).map(e => e.textContent)")
    gaps = [x for x in all_labels if "HUL" in x]
    assert len(gaps) > 20, f"expected many gap labels on the 250 m grid, got {len(gaps)}"
    # every gap (one label each) is hatched over its need colour, drawn in the browser from
    # the areas' layer: a pattern, not colour alone
    hatched = frame.locator("path[fill='url(#opspor-hatch)']").count()
    assert hatched == len(gaps), (hatched, len(gaps))
    assert frame.locator("pattern#opspor-hatch").count() == 1
    labels = _shown_labels(frame)
    shown_gaps = [x for x, _ in labels if "HUL" in x]
    assert shown_gaps, labels
    clashes = [(a[0][:40], b[0][:40]) for i, a in enumerate(labels) for b in labels[i + 1:] if _overlap(a[1], b[1])]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(MAP_IFRAME).first.screenshot(path=str(ARTIFACTS / "daekning-250m.png"))
    assert not clashes, f"{len(clashes)} labels drawn over each other, e.g. {clashes[:5]}"
    # the hider hid some (they pile up at this zoom), and a closer zoom shows more of them
    hidden = frame.locator(f"{LABELS}.opspor-label-hidden").count()
    assert hidden > 0 and len(shown_gaps) + hidden >= len(gaps)
    frame.evaluate(
        """() => {
            const key = Object.keys(window).find(k => k.startsWith('map_') && window[k].setView);
            window[key].setZoom(window[key].getZoom() + 2, {animate: false});
        }""")
    # the hider looks 60 ms after the zoom has ended: wait until it has (CI once read the
    # labels 0.6 s after the zoom began, with one pair not yet hidden), up to 10 s
    for _ in range(40):
        page.wait_for_timeout(250)
        again = _shown_labels(frame)
        pairs = [(a[0][:40], b[0][:40]) for i, a in enumerate(again) for b in again[i + 1:] if _overlap(a[1], b[1])]
        if not pairs:
            break
    assert not pairs, f"{len(pairs)} labels drawn over each other after zooming in, e.g. {pairs[:5]}"
    assert frame.locator(f"{LABELS}.opspor-label-hidden").count() <= hidden
    # on a grid the sign on the map is short (the shares are in the area's tooltip) ...
    assert re.fullmatch(r"HUL · behov \d{1,3}(\.\d{3})*(,\d)?", shown_gaps[0]), shown_gaps[0]
    # ... and the statuses carry signs no report kind uses, named in the layer control
    control = frame.locator(".leaflet-control-layers-overlays").inner_text()
    assert all(x in control for x in ("✓ · aktiv partner", "! · bortfaldet", "○ · uden partner")), control
    assert page.blocked == [], page.blocked

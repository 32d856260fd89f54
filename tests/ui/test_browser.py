"""The app's offline map assets, and end to end in Debian Chromium: the real app on the Samsø demo, without internet.

Checks that the map (streamlit-folium iframe) draws the boundary and parish polygons from
the app's own assets, that its layer control names the four signal kinds and toggles
them, that the demo banner says the data are invented, that the page has no serious or
critical WCAG 2.1 A/AA violations (axe-core), and that switching to English relabels the
layers. Screenshot: ``tests/.artifacts/map.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / ".artifacts"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAP_IFRAME = "iframe[title*='folium']"
KINDS_DA = ["udlejerhenvendelse", "naboklage", "udsættelsestruet", "henvendelse fra boligselskab"]


def _wait_idle(page) -> None:
    page.wait_for_selector(APP_IDLE, state="attached", timeout=45_000)


def _open_map(page, app_url: str):
    """Load the app and return the map iframe once Leaflet has drawn the map in it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(app_url, wait_until="domcontentloaded")
    _wait_idle(page)
    frame = page.frame_locator(MAP_IFRAME).first
    try:
        page.wait_for_selector(MAP_IFRAME, state="attached", timeout=20_000)
        frame.locator(".leaflet-container").first.wait_for(state="attached", timeout=20_000)
        frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=10_000)
        frame.locator(".leaflet-control-layers").first.wait_for(state="attached", timeout=10_000)
        # streamlit-folium gives its iframe a height only when the map script ran to the end
        page.wait_for_selector(MAP_IFRAME, state="visible", timeout=10_000)
    except PlaywrightTimeout as exc:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map-failed.png"))
        raise AssertionError(
            f"the map did not render: {exc.message.splitlines()[0]}\n"
            "browser errors:\n  " + "\n  ".join(page.console_errors or ["(none)"])
            + "\nblocked requests:\n  " + "\n  ".join(page.blocked or ["(none)"])
        ) from None
    return frame


def _overlay_labels(frame) -> list[str]:
    return [t.strip() for t in frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()]


def _checkbox_for(frame, text: str):
    label = frame.locator(".leaflet-control-layers-overlays label").filter(
        has_text=re.compile(re.escape(text), re.IGNORECASE)).first
    return label.locator("input[type=checkbox]")


def _markers(frame) -> int:
    return frame.locator(".leaflet-marker-icon").count()


def _no_outside_assets(page) -> None:
    # no request to any host but the app: not a script, not a style, not even a map tile
    # (the base map is the app's own; a web tile service is off unless configured)
    assert not page.blocked, "the page asked another host for:\n" + "\n".join(page.blocked)


def _axe(page) -> list[dict]:
    assert AXE_JS.exists(), f"{AXE_JS} missing: run `make test-deps` (npm ci)"
    for f in page.frames:  # the map iframe too, so axe does not wait on an untested frame
        f.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary})),
                count: v.nodes.length,
            }));
        }"""
    )
    return result


@pytest.mark.browser
def test_map_offline_layers_banner_and_accessibility(page, app_url):
    frame = _open_map(page, app_url)

    # Vector layers: municipal boundary + parish polygons.
    paths = frame.locator("path.leaflet-interactive").count()
    assert paths > 1, f"expected boundary and parish polygons, found {paths} vector paths"

    # Layer control: the four signal kinds by their Danish names.
    labels = _overlay_labels(frame)
    low = " | ".join(labels).lower()
    missing = [k for k in KINDS_DA if k not in low]
    assert not missing, f"layer control lacks {missing}; it lists {labels}"

    # Toggle one kind off and on again.
    box = _checkbox_for(frame, "naboklage")
    assert box.is_checked()
    before = _markers(frame)
    box.uncheck()
    assert not box.is_checked()
    after_off = _markers(frame)
    assert after_off < before, f"hiding naboklage left {after_off} of {before} markers"
    box.check()
    assert box.is_checked()
    frame.locator(".leaflet-marker-icon").nth(max(before - 1, 0)).wait_for(state="attached")
    assert _markers(frame) == before, (before, after_off, _markers(frame))

    # The demo banner says the signals are invented.
    body = page.locator("[data-testid='stApp']").inner_text()
    assert re.search(r"opdigtede|syntetiske", body, re.IGNORECASE), body[:2000]

    # A production toolbar (.streamlit/config.toml: client.toolbarMode = "viewer"): the main
    # menu is there but no "Deploy" button, although the browser reaches the app on 127.0.0.1.
    page.locator("[data-testid='stMainMenu']").wait_for(state="attached")
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=False)

    _no_outside_assets(page)

    violations = _axe(page)
    (ARTIFACTS / "axe.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, "axe-core WCAG 2.1 A/AA violations (serious/critical):\n" + json.dumps(
        bad, indent=2, ensure_ascii=False)


def _map_frame(page):
    return next(f for f in page.frames if f.query_selector(".leaflet-container"))


def _switch_language(page, to: str) -> None:
    page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Sprog / Language").click()
    page.get_by_role("option", name=to, exact=True).click()
    _wait_idle(page)


@pytest.mark.browser
def test_english_relabels_layers_in_the_same_map_and_back(page, app_url):
    """A language switch relabels *Kort*'s map in place (issue 18): the same frame, not
    reloaded or drawn again (a mark set in it before the switch is still there), its layer
    control and markers in English, the page's and the frame's ``<html lang>`` saying so;
    and back to Danish."""
    frame = _open_map(page, app_url)
    assert page.evaluate("document.documentElement.lang") == "da"  # WCAG 3.1.1: not Streamlit's "en"
    mapf = _map_frame(page)
    mapf.evaluate("window.__opsporProbe = 18")
    drawn = mapf.evaluate("document.querySelectorAll('.leaflet-marker-icon').length")
    da_titles = sorted(mapf.evaluate("[...document.querySelectorAll('.leaflet-marker-icon[title]')].map(e => e.title)"))
    assert any("·" in x for x in da_titles), da_titles[:5]
    _switch_language(page, "English")
    frame.locator(".leaflet-control-layers-overlays label", has_text="landlord report").first.wait_for(
        state="attached", timeout=30_000)
    labels = " | ".join(_overlay_labels(frame)).lower()
    assert "landlord report" in labels and "udlejerhenvendelse" not in labels, labels
    assert page.evaluate("document.documentElement.lang") == "en"
    mapf = _map_frame(page)
    assert mapf.evaluate("window.__opsporProbe") == 18  # the same map: not reloaded, not drawn again
    assert mapf.evaluate("document.documentElement.lang") == "en"
    assert mapf.evaluate("document.querySelectorAll('.leaflet-marker-icon').length") == drawn
    en_titles = sorted(mapf.evaluate("[...document.querySelectorAll('.leaflet-marker-icon[title]')].map(e => e.title)"))
    assert len(en_titles) == len(da_titles) and en_titles != da_titles
    assert not any("udlejerhenvendelse" in x.lower() for x in en_titles), en_titles[:5]
    _switch_language(page, "Dansk")
    frame.locator(".leaflet-control-layers-overlays label", has_text="udlejerhenvendelse").first.wait_for(
        state="attached", timeout=30_000)
    assert _map_frame(page).evaluate("window.__opsporProbe") == 18
    assert sorted(_map_frame(page).evaluate(
        "[...document.querySelectorAll('.leaflet-marker-icon[title]')].map(e => e.title)")) == da_titles
    _no_outside_assets(page)


# --- the vendored assets themselves (no browser) ---------------------------------------


def test_local_assets_cover_folium_and_exist():
    import folium
    from folium.plugins import FastMarkerCluster, Fullscreen, MarkerCluster

    from geo.assets import LOCAL_ASSETS, use_local_assets

    vendor = REPO_ROOT / "static" / "vendor"
    missing = [p for p in LOCAL_ASSETS.values() if not (vendor / p).is_file()]
    assert not missing, f"not vendored: {missing}"

    m = folium.Map(location=[55.87, 10.62], zoom_start=10)
    cluster = MarkerCluster(name="c").add_to(m)
    folium.Marker([55.9, 10.6], icon=folium.Icon(icon="info-sign")).add_to(cluster)
    FastMarkerCluster([[55.85, 10.6]], name="f").add_to(m)
    folium.LayerControl().add_to(m)
    assert use_local_assets(m) is m
    html = m.get_root().render()
    remote = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    # what may stay: the tile URL template and links in attribution text
    assert {u for u in remote if "openstreetmap.org" not in u} == set(), remote
    assert "/app/static/vendor/leaflet.markercluster-1.1.0/leaflet.markercluster.js" in html
    # attribution links are underlined, not told by colour alone (axe: link-in-text-block)
    assert re.search(r"\.leaflet-control-attribution a \{[^}]*text-decoration: underline", html)
    # class attributes untouched: other maps keep folium's defaults until converted
    assert folium.Map.default_js[0][1].startswith("https://")
    assert MarkerCluster.default_css[0][1].startswith("https://")

    other = folium.Map()
    Fullscreen().add_to(other)
    with pytest.raises(ValueError, match="leaflet.fullscreen"):
        use_local_assets(other)


def test_app_serves_vendored_assets(app_url):
    import urllib.request

    for path, kind in [("leaflet-1.9.3/leaflet.js", "javascript"), ("leaflet-1.9.3/leaflet.css", "css"),
                       ("leaflet-1.9.3/images/marker-icon.png", "image/png")]:
        with urllib.request.urlopen(f"{app_url}/app/static/vendor/{path}", timeout=10) as r:
            assert r.status == 200
            assert kind in r.headers.get("Content-Type", ""), (path, r.headers.get("Content-Type"))


# --- every page of the planner and the team lead, in the browser, through axe-core -----------

PLANNER_PAGES = ["overblik", "indlaes", "vurdering", "prioritering", "fokusomraader",
                 "adressesoegning", "samarbejdspartnere", "daekning", "datakilder"]


def _page_ok(page, label: str) -> None:
    _wait_idle(page)
    page.wait_for_timeout(1500)  # let components (maps, tables) mount
    # a map on the page is checked drawn, so axe always sees inside its iframe (else the
    # result would depend on how fast the iframe loaded)
    for k in range(page.locator(MAP_IFRAME).count()):
        if page.locator(MAP_IFRAME).nth(k).is_visible():
            page.frame_locator(MAP_IFRAME).nth(k).locator(".leaflet-control-attribution").first.wait_for(
                state="attached", timeout=20_000)
    body = page.locator("[data-testid='stApp']").inner_text()
    assert not page.locator("[data-testid='stException']").count(), f"{label}: an exception is shown:\n{body[:2000]}"
    _no_outside_assets(page)
    violations = _axe(page)
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, f"{label}: axe-core WCAG 2.1 A/AA violations (serious/critical):\n" + json.dumps(
        bad, indent=2, ensure_ascii=False)


@pytest.mark.browser
@pytest.mark.parametrize("path", PLANNER_PAGES)
def test_planner_page__renders_and_passes_axe(page, app_url, path):
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    _page_ok(page, path)


@pytest.mark.browser
def test_team_lead_route_page__renders_and_passes_axe(page, app_url):
    page.goto(app_url, wait_until="domcontentloaded")
    _wait_idle(page)
    page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Demo-rolle").click()
    page.get_by_role("option", name=re.compile(r"teamleder", re.IGNORECASE)).first.click()
    _wait_idle(page)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Ruteplanlægning").first.click()
    _page_ok(page, "ruter")


def _app_pages() -> dict[str, tuple[str, str]]:
    """Page id → (Danish title, url path), as app.py registers them."""
    from ui.i18n import t

    src = (REPO_ROOT / "app.py").read_text(encoding="utf-8")
    found = re.findall(r'"(\w+)": \("ui/pages/\w+\.py", "(\w+)", "([\w-]+)"', src)
    assert len(found) >= 16, found
    return {pid: (t(key, "da"), path) for pid, key, path in found}


@pytest.mark.browser
@pytest.mark.parametrize("user", ["teamleder", "analytiker", "admin", "feltarbejder"])
def test_every_page_of_every_role__renders_in_danish_and_passes_axe(page, app_url, user):
    """Each role's whole navigation, clicked through as a user would (the planner's pages
    are checked above by URL): no exception, no asset from another host, and axe-core finds
    no serious or critical WCAG 2.1 A/AA problem — the pages added by issue 15 included."""
    from detection.access import ROLE_NAMES, pages_for
    from detection.register.demo import DEMO_USERS

    role = next(r for n, r, _ in DEMO_USERS if n == user)
    titles = _app_pages()
    page.goto(app_url, wait_until="domcontentloaded")
    _wait_idle(page)
    page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Demo-rolle").click()
    page.get_by_role("option", name=f"{ROLE_NAMES[role]['da']} ({user})").click()
    _wait_idle(page)
    nav = page.locator("[data-testid='stSidebarNav'] a")
    want = sorted(titles[p][0] for p in pages_for(role))
    shown: list[str] = []
    for _ in range(100):  # the navigation follows the role on the rerun after the choice
        shown = sorted(t.strip().splitlines()[-1].strip() for t in nav.all_inner_texts())  # after the icon
        if shown == want:
            break
        page.wait_for_timeout(200)
    assert shown == want, shown
    for pid in pages_for(role):
        title, path = titles[pid]
        page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
        # the first page is the default one, also served at the app's root
        where = rf"/({re.escape(path)})?$" if pid == pages_for(role)[0] else rf"/{re.escape(path)}$"
        page.wait_for_url(re.compile(where), timeout=20_000)
        _page_ok(page, f"{user}: {title}")


def _draw_rectangle(page) -> None:
    """Pick Leaflet.draw's rectangle tool in the map iframe and drag a rectangle."""
    page.locator(MAP_IFRAME).first.wait_for(state="visible", timeout=20_000)
    frame = page.frame_locator(MAP_IFRAME).first
    tool = frame.locator("a.leaflet-draw-draw-rectangle")
    tool.wait_for(state="visible", timeout=20_000)
    page.wait_for_timeout(1000)  # fit_bounds animation
    tool.click()
    box = frame.locator(".leaflet-container").first.bounding_box()
    assert box, "the map has no size"
    x0, y0 = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x0 + 12 * i, y0 + 9 * i)
    page.mouse.up()


@pytest.mark.browser
def test_partner_coverage__a_rectangle_drawn_in_chromium_reaches_the_app(page, app_url):
    """Leaflet.draw (vendored) → streamlit-folium's ``all_drawings`` → geo.drawn → the page
    counts the drawing, in the real browser. Not saved: the shared demo stays as it is."""
    page.goto(f"{app_url}/samarbejdspartnere", wait_until="domcontentloaded")
    _wait_idle(page)
    page.get_by_role("tab", name="Dækning").click()
    save = page.get_by_role("button", name="Gem det tegnede som dækning")
    assert save.is_disabled()
    _draw_rectangle(page)
    page.get_by_text(re.compile(r"Tegnet og ikke gemt: 1 område")).first.wait_for(timeout=30_000)
    assert save.is_enabled()
    assert not page.locator("[data-testid='stException']").count()
    _no_outside_assets(page)


@pytest.mark.browser
def test_focus_area__a_rectangle_drawn_in_chromium_reaches_the_app(page, app_url):
    page.goto(f"{app_url}/fokusomraader", wait_until="domcontentloaded")
    _wait_idle(page)
    page.get_by_text("Tegn på kortet", exact=True).click()
    _wait_idle(page)
    assert page.get_by_text("En polygon er tegnet.").count() == 0
    _draw_rectangle(page)
    page.get_by_text("En polygon er tegnet.").first.wait_for(timeout=30_000)
    assert not page.locator("[data-testid='stException']").count()


# --- the field worker on a phone ------------------------------------------------------------


def _open_sidebar(page) -> None:
    """On a narrow screen Streamlit collapses the sidebar behind a button."""
    button = page.locator("[data-testid='stExpandSidebarButton']")
    if button.count() and button.first.is_visible() and button.first.get_attribute("aria-expanded") != "true":
        button.first.click()
        page.locator("[data-testid='stSidebarNav']").first.wait_for(state="visible")


def _close_sidebar(page) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    if sidebar.get_attribute("data-collapsed") == "false":
        sidebar.locator("[data-testid='stSidebarHeader'] button").first.click()
        page.wait_for_function(
            "document.querySelector(\"[data-testid='stSidebar']\").getAttribute('data-collapsed') === 'true'")


@pytest.mark.browser
def test_field_worker_on_a_phone__records_nobody_home_for_a_whole_entrance(phone_page, fieldwork_url, fieldwork_db):
    """The pair's route on a 390 px screen: stops in order, one tap records "nobody home"
    for every unit of the entrance; the page passes axe-core."""
    from detection.repository import Repository

    page = phone_page
    page.goto(fieldwork_url, wait_until="domcontentloaded")
    _wait_idle(page)
    _open_sidebar(page)
    page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Demo-rolle").click()
    page.get_by_role("option", name=re.compile(r"feltarbejder", re.IGNORECASE)).first.click()
    _wait_idle(page)
    _open_sidebar(page)  # a new URL would be a new session (the demo role resets): use the menu
    page.locator("[data-testid='stSidebarNav'] a", has_text="Mine adresser").first.click()
    _wait_idle(page)
    _close_sidebar(page)
    route = fieldwork_db["route"]
    first = route["stops"][0]
    page.get_by_text("Mine ruter", exact=True).first.wait_for()
    stop = page.locator("[data-testid='stExpander']").first
    assert first["address"] in stop.inner_text()
    # no sideways scrolling on the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    _page_ok(page, "mine-adresser (phone)")
    stop.locator("summary").first.click()
    button = stop.get_by_role("button", name="Ingen hjemme i hele opgangen")
    box = button.bounding_box()
    assert box and box["height"] >= 24 and box["width"] >= 300  # a large target, full width
    button.click()
    page.get_by_text(re.compile(r"Registreret: ikke hjemme", re.IGNORECASE)).first.wait_for(timeout=30_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-route.png"))
    fw = Repository.open(str(fieldwork_db["db"]), "feltarbejder")
    got = fw.outcomes(first["entrance_id"])
    assert len(got) >= 1 and set(got["outcome"]) == {"not_home"}


@pytest.mark.browser
def test_team_lead_draws_an_area_in_chromium_and_plans_routes_in_it(fieldwork_page, fieldwork_url, fieldwork_db):
    from detection.repository import Repository

    page = fieldwork_page
    page.goto(fieldwork_url, wait_until="domcontentloaded")
    _wait_idle(page)
    page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Demo-rolle").click()
    page.get_by_role("option", name=re.compile(r"teamleder", re.IGNORECASE)).first.click()
    _wait_idle(page)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Ruteplanlægning").first.click()
    _wait_idle(page)
    page.get_by_text("Tegn på kortet", exact=True).click()
    _wait_idle(page)
    _draw_rectangle(page)
    page.get_by_text(re.compile(r"Et område på [\d.]+ km² er tegnet")).first.wait_for(timeout=30_000)
    before = len(Repository.open(str(fieldwork_db["db"]), "teamleder").route_plans())
    page.get_by_role("button", name="Planlæg ruter").click()
    page.get_by_text(re.compile(r"Planen for Tegnet område er gemt: ")).first.wait_for(timeout=60_000)
    _wait_idle(page)
    assert not page.locator("[data-testid='stException']").count()
    plans = Repository.open(str(fieldwork_db["db"]), "teamleder").route_plans()
    assert len(plans) == before + 1
    assert [p["area"] for p in plans].count("Tegnet område") == 1


@pytest.mark.browser
def test_prioritering__grid_squares_drawn_on_a_canvas_with_their_tooltip(page, app_url):
    """Issue 18: a grid's squares come as a compact list and are drawn on a canvas; hovering
    a square in Chromium shows its place, rank and class in Danish."""
    page.goto(f"{app_url}/prioritering", wait_until="domcontentloaded")
    _wait_idle(page)
    page.get_by_role("combobox", name="Områdeinddeling").click()
    page.get_by_role("option", name=re.compile(r"^250 m")).first.click()
    _wait_idle(page)
    frame_loc = page.frame_locator(MAP_IFRAME).first
    frame_loc.locator(".leaflet-overlay-pane canvas").first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(800)  # streamlit-folium sizes the frame after the script ran
    frame = next(f for f in page.frames if f.query_selector(".leaflet-container"))
    # the top-ranked square's centre, in the page's pixels
    point = frame.evaluate("""() => {
        const map = Object.values(window).find(v => v && v instanceof L.Map);
        let best = null, n = 0;
        map.eachLayer(l => { if (l instanceof L.Rectangle) { n += 1; best = best || l; } });
        const p = map.latLngToContainerPoint(best.getBounds().getCenter());
        const box = map.getContainer().getBoundingClientRect();
        return {x: p.x + box.left, y: p.y + box.top, n: n};
    }""")
    assert point["n"] > 100, point
    page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
    iframe_box = page.locator(MAP_IFRAME).first.bounding_box()
    page.mouse.move(iframe_box["x"] + point["x"] - 5, iframe_box["y"] + point["y"] - 5)
    page.mouse.move(iframe_box["x"] + point["x"], iframe_box["y"] + point["y"], steps=5)
    tip = frame_loc.locator(".leaflet-tooltip").first
    tip.wait_for(state="visible", timeout=10_000)
    assert re.search(r"250 m-felt .+ · Nr\. \d+ · .+ rate pr\. 1\.000 boliger · klasse [1-5] af 5", tip.inner_text()), \
        tip.inner_text()
    danish = tip.inner_text()
    # in English the same map (not sent or drawn again) reads the same square in English
    frame.evaluate("window.__opsporProbe = 18")
    page.mouse.move(iframe_box["x"] + 5, iframe_box["y"] + 5)
    _switch_language(page, "English")
    page.wait_for_function("document.documentElement.getAttribute('data-opspor-lang') === 'en'")
    assert next(f for f in page.frames if f.query_selector(".leaflet-container")).evaluate("window.__opsporProbe") == 18
    page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()  # the English page above it may be longer
    page.wait_for_timeout(300)
    iframe_box = page.locator(MAP_IFRAME).first.bounding_box()
    page.mouse.move(iframe_box["x"] + point["x"] - 5, iframe_box["y"] + point["y"] - 5)
    page.mouse.move(iframe_box["x"] + point["x"], iframe_box["y"] + point["y"], steps=5)
    tip.wait_for(state="visible", timeout=10_000)
    english = tip.inner_text()
    assert re.search(r"250 m cell near .+ · Rank \d+ · .+ rate per 1,000 dwellings · class [1-5] of 5", english), english
    # the same square: its place after the size words, its rank and its class
    assert danish.split(" nær ")[1].split(" · ")[0] == english.split(" near ")[1].split(" · ")[0]
    assert re.search(r"Nr\. (\d+)", danish).group(1) == re.search(r"Rank (\d+)", english).group(1)
    _no_outside_assets(page)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["prioritering", "daekning", "vurdering", "fokusomraader"])
def test_language_switch_and_back__keeps_the_page_working(page, app_url, path):
    """A page with an area selector, switched to English and back to Danish in the sidebar,
    keeps its choices and shows no error (issue 18's page benchmark met one here)."""
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    _wait_idle(page)
    for name, lang in (("Sprog", "English"), ("Language", "Dansk")):
        page.locator("[data-testid='stSidebar']").get_by_role("combobox", name=name).click()
        page.get_by_role("option", name=lang).first.click()
        _wait_idle(page)
        page.wait_for_timeout(500)
        _wait_idle(page)
        exc = page.locator("[data-testid='stException']")
        assert not exc.count(), f"{path} in {lang}:\n{exc.first.inner_text()[:1500]}"


@pytest.mark.browser
def test_fokusomraader__english_relabels_the_clusters_in_the_same_map(page, app_url):
    """*Fokusområder*'s map in English without being sent or drawn again (issue 18): the
    layer control, the clusters' labels and their titles change in place."""
    page.goto(f"{app_url}/fokusomraader", wait_until="domcontentloaded")
    _wait_idle(page)
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(".leaflet-control-layers-overlays label", has_text="Forslag (klynger)").first.wait_for(
        state="attached", timeout=30_000)
    mapf = _map_frame(page)
    mapf.evaluate("window.__opsporProbe = 18")
    labels = "[...document.querySelectorAll('.leaflet-marker-icon div[title]')].map(e => [e.title, e.textContent])"
    da = mapf.evaluate(labels)
    assert da and all(a.startswith("Klynge ") and a == b for a, b in da), da[:3]
    _switch_language(page, "English")
    frame.locator(".leaflet-control-layers-overlays label", has_text="Suggestions (clusters)").first.wait_for(
        state="attached", timeout=30_000)
    mapf = _map_frame(page)
    assert mapf.evaluate("window.__opsporProbe") == 18
    en = mapf.evaluate(labels)
    assert [[a.replace("Cluster", "Klynge"), b.replace("Cluster", "Klynge")] for a, b in en] == da, en[:3]
    assert page.locator("h1", has_text="Focus areas").count() == 1
    _no_outside_assets(page)

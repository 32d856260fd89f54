"""Benchmark (not a test): how fast does each page of the app draw in a real browser?

Serves the Samsø demo (built with the CLI, ``opspor --db X demo``) with ``streamlit run
app.py`` as the browser tests do (tests/ui/conftest.py), and with Playwright and Debian
Chromium (every request that is not to 127.0.0.1 aborted) measures, for every page of every
demo role (the role chosen in the sidebar's *Demo-rolle*, the page by its sidebar link):

- **first draw**: click on the page's link → the script has run and is idle, and every
  visible map iframe has Leaflet drawn (a vector path or a marker in it);
- **rerun**: the ``r`` key (Streamlit's rerun) on that page → the script has run and is idle
  again, maps drawn.

Each page is measured ``--reps`` times (default 3; a repetition visits every page of every
role once), and the median is printed, with the slowest (usually the first, cold-cache
visit). Baseline in the same run: a trivial two-page Streamlit app (``st.title`` only)
served the same way, clicked and rerun the same way — what Streamlit itself costs here.
Targets (issue 15): first draw ≤ 3 s, rerun ≤ 1 s.

    .venv/bin/python bench/pages.py [--reps 3] [--roles planner,teamleder] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAP_IFRAME = "iframe[title*='folium']"
ROLES = ("planner", "teamleder", "feltarbejder", "analytiker", "admin")
FIRST_DRAW_TARGET_S = 3.0
RERUN_TARGET_S = 1.0
TIMEOUT_MS = 90_000

BASELINE_APP = '''
import streamlit as st

def one():
    st.title("Opspor")

def two():
    st.title("Opspor to")

st.navigation([st.Page(one, title="En", url_path="en", default=True),
               st.Page(two, title="To", url_path="to")]).run()
'''

#: how a run is seen: the app's own messages on its websocket (Streamlit's ForwardMsg),
#: ``new_session`` when a script run starts and ``script_finished`` when it ends. (The
#: ``data-test-script-state`` attribute alone misses a fast run: React may never draw the
#: "running" state between the two.) Only the top-level fields are read, without copying,
#: so a frame holding a map costs next to nothing.


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(script: Path, db: Path | None, log: Path) -> Iterator[str]:
    """``streamlit run SCRIPT`` from the repository root (its .streamlit/config.toml), as
    tests/ui/conftest.py ``_serve`` does; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if db is not None:
        env["OPSPOR_DB"] = str(db)
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"streamlit exited with {proc.returncode}; see {log}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"streamlit not healthy after 60 s; see {log}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def new_page(browser) -> Iterator:
    """A fresh context (its own Streamlit session), desktop size; only 127.0.0.1 allowed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="da-DK")
    blocked: list[str] = []

    def _route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", _route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.blocked = blocked
    page.runs = {"started": 0, "finished": 0}
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: _on_frame(page.runs, payload)))
    try:
        yield page
    finally:
        context.close()


# on screen: not inside a closed tab (a stTabPanel with display: none); the iframe itself may
# be hidden or 0 px high until its map is drawn, so only the tab is asked
_SHOWN = """el => { const p = el.closest("[data-testid='stTabPanel']");
  return !p || getComputedStyle(p).display !== 'none'; }"""


#: ForwardMsg's field numbers (streamlit/proto/ForwardMsg.proto) and ScriptFinishedStatus
_NEW_SESSION, _SCRIPT_FINISHED, _FINISHED_EARLY_FOR_RERUN = 4, 6, 2


def _varint(buf: memoryview, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _top_fields(buf: memoryview) -> dict[int, object]:
    """The top-level fields of a protobuf message (wire format), by field number."""
    out: dict[int, object] = {}
    i = 0
    while i < len(buf):
        tag, i = _varint(buf, i)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            n, i = _varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire in (1, 5):
            n = 8 if wire == 1 else 4
            value, i = buf[i:i + n], i + n
        else:
            raise ValueError(f"wire type {wire}")
        out[number] = value
    return out


def _on_frame(runs: dict, payload) -> None:  # noqa: ANN001 - bytes or str
    """Count script runs started and ended (a run ended early by a rerun does not count)."""
    if not isinstance(payload, bytes | bytearray):
        return
    try:
        fields = _top_fields(memoryview(payload))
    except (ValueError, IndexError):  # not a ForwardMsg
        return
    if _NEW_SESSION in fields:
        runs["started"] += 1
    elif fields.get(_SCRIPT_FINISHED, _FINISHED_EARLY_FOR_RERUN) != _FINISHED_EARLY_FOR_RERUN:
        runs["finished"] += 1


def _maps_drawn(page) -> tuple[int, str]:
    """Wait until every map iframe on screen (not in a closed tab) has Leaflet drawn (a
    vector path or a marker) and its height (streamlit-folium sizes it when the map script
    ran to the end); returns how many maps were waited for, and a note when one is still
    blank after the timeout."""
    note = ""
    frames = page.locator(MAP_IFRAME)
    n = 0
    for k in range(frames.count()):
        if not frames.nth(k).evaluate(_SHOWN):
            continue
        n += 1
        frame = page.frame_locator(MAP_IFRAME).nth(k)
        try:
            frame.locator(".leaflet-container").first.wait_for(state="attached", timeout=TIMEOUT_MS)
            frame.locator("path.leaflet-interactive, .leaflet-marker-icon").first.wait_for(
                state="attached", timeout=TIMEOUT_MS)
            frames.nth(k).wait_for(state="visible", timeout=TIMEOUT_MS)
        except Exception as exc:  # noqa: BLE001 - a blank map is a finding, not a crash
            note = f"map {k + 1} not drawn: {str(exc).splitlines()[0][:80]}"
    return n, note


def _wait(page, test, timeout_ms: int) -> bool:  # noqa: ANN001
    """Poll ``test()`` every 10 ms (Playwright hands websocket events over while it waits)."""
    deadline = time.perf_counter() + timeout_ms / 1000
    while not test():
        if time.perf_counter() > deadline:
            return False
        page.wait_for_timeout(10)
    return True


def _timed(page, action) -> tuple[float, int, str]:  # noqa: ANN001
    """Seconds from ``action()`` to: a script run started and ended (a run that reruns
    itself: its last one), the app idle, and every map on screen drawn.

    An action that starts no run within 10 s (a click that landed while the sidebar was
    being redrawn) is done once more, timed from then, and noted."""
    page.wait_for_timeout(250)  # let the last run's redraw settle (not timed)
    note = ""
    for attempt in range(2):
        started = page.runs["started"]
        t0 = time.perf_counter()
        action()
        if _wait(page, lambda started=started: page.runs["started"] > started, 10_000):
            break
        if attempt:
            raise TimeoutError("the action started no script run (twice)")
        note = "action repeated"
    while True:
        if not _wait(page, lambda: page.runs["finished"] >= page.runs["started"], TIMEOUT_MS):
            raise TimeoutError(f"no script run ended within {TIMEOUT_MS / 1000:.0f} s")
        page.wait_for_selector(APP_IDLE, state="attached", timeout=TIMEOUT_MS)
        page.wait_for_timeout(30)  # a run that calls st.rerun starts the next one at once
        if page.runs["finished"] >= page.runs["started"] and page.locator(APP_IDLE).count():
            break
    maps, map_note = _maps_drawn(page)
    return time.perf_counter() - t0, maps, "; ".join(n for n in (note, map_note) if n)


def _rerun(page) -> None:
    """Streamlit's rerun key (as a user presses it; the focus is on no input)."""
    page.keyboard.press("r")


def _open(page, url: str) -> None:
    """Load the app and wait for its first run to have drawn the page (the app reads idle
    before its first run has even started: a click then may be lost)."""
    page.goto(url, wait_until="domcontentloaded")
    page.locator("[data-testid='stSidebarNav'] a").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.locator("h1").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)


def _nav_link(page, title: str):
    return page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True)


def _app_titles() -> dict[str, str]:
    """Page id → Danish title, as app.py registers them."""
    from ui.i18n import t

    src = (REPO_ROOT / "app.py").read_text(encoding="utf-8")
    return {pid: t(key, "da") for pid, key in re.findall(r'"(\w+)": \("ui/pages/\w+\.py", "(\w+)"', src)}


def _switch_role(page, user: str) -> None:
    from detection.access import ROLE_NAMES
    from detection.register.demo import DEMO_USERS

    if user == "planner":  # the demo opens as its planner
        return
    role = next(r for n, r, _ in DEMO_USERS if n == user)
    box = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Demo-rolle")
    _timed(page, lambda: (box.click(), page.get_by_role("option", name=f"{ROLE_NAMES[role]['da']} ({user})").click()))


def measure_app(browser, url: str, roles: list[str], reps: int) -> dict[tuple[str, str], dict[str, list]]:
    from detection.access import pages_for
    from detection.register.demo import DEMO_USERS

    titles = _app_titles()
    role_of = {n: r for n, r, _ in DEMO_USERS}
    out: dict[tuple[str, str], dict[str, list]] = {}
    for rep in range(reps):
        for user in roles:
            with new_page(browser) as page:  # a fresh session per role and repetition
                _open(page, url)
                _switch_role(page, user)
                ids = pages_for(role_of[user])
                # the role lands on its first page: visit the others first, that one last
                for pid in [*ids[1:], ids[0]]:
                    title = titles[pid]
                    link = _nav_link(page, title)
                    first, maps, n1 = _timed(page, lambda link=link: link.click())
                    again, _maps, n2 = _timed(page, lambda page=page: _rerun(page))
                    rec = out.setdefault((user, title), {"first": [], "rerun": [], "notes": set(), "maps": 0})
                    rec["first"].append(first)
                    rec["rerun"].append(again)
                    rec["maps"] = max(rec["maps"], maps)
                    rec["notes"] |= {n for n in (n1, n2) if n}
                    if page.locator("[data-testid='stException']").count():
                        rec["notes"].add("exception shown")
                    print(f"  rep {rep + 1} {user:<12} {title:<28} first {first:6.2f} s  rerun {again:6.2f} s"
                          f"  maps {maps}",
                          file=sys.stderr, flush=True)
                if [u for u in page.blocked if not re.search(r"/\d+/\d+/\d+(@2x)?\.(png|jpg|webp)", u)]:
                    print(f"  note: {user} asked for outside assets: {page.blocked[:3]}", file=sys.stderr)
    return out


def measure_baseline(browser, url: str, reps: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"first": [], "rerun": []}
    with new_page(browser) as page:
        _open(page, url)
        for _ in range(reps):
            for title in ("To", "En"):
                first, _m, _n = _timed(page, lambda title=title: _nav_link(page, title).click())
                again, _m, _n = _timed(page, lambda: _rerun(page))
                out["first"].append(first)
                out["rerun"].append(again)
    return out


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--roles", default=",".join(ROLES), help="demo users, comma-separated")
    ap.add_argument("--json", type=Path, help="also write the raw times here")
    args = ap.parse_args()
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    # stopped with kill: end the app servers and the temporary folder too (finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="opspor-bench-pages-") as d:
        tmp = Path(d)
        db = tmp / "demo.sqlite"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "detection.cli.main", "--db", str(db), "demo"], cwd=REPO_ROOT,
                       check=True, stdout=subprocess.DEVNULL, env={**os.environ, "OPSPOR_DB": str(db)})
        print(f"demo built with the CLI in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        baseline_script = tmp / "baseline_app.py"
        baseline_script.write_text(BASELINE_APP, encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                with serve(baseline_script, None, tmp / "baseline.log") as url:
                    base = measure_baseline(browser, url, args.reps)
                with serve(REPO_ROOT / "app.py", db, tmp / "app.log") as url:
                    app = measure_app(browser, url, roles, args.reps)
            finally:
                browser.close()
    load_after = os.getloadavg()

    rows = [("baseline: st.title only", "–", 0, statistics.median(base["first"]), max(base["first"]),
             statistics.median(base["rerun"]), max(base["rerun"]), "")]
    for (user, title), rec in app.items():
        rows.append((title, user, rec["maps"], statistics.median(rec["first"]), max(rec["first"]),
                     statistics.median(rec["rerun"]), max(rec["rerun"]), "; ".join(sorted(rec["notes"]))))
    print(f"\nPage speed in Chromium, {args.reps} repetitions, median (slowest) in seconds; "
          f"{date.today()}, {os.cpu_count()} CPUs, {platform.python_version()}, "
          f"load {load_before[0]:.1f} → {load_after[0]:.1f}, {time.perf_counter() - t_start:.0f} s in all\n")
    print("| page | role | maps | first draw | (slowest) | rerun | (slowest) | over target |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    over = []
    for title, user, maps, f_med, f_max, r_med, r_max, notes in rows:
        flags = []
        if f_med > FIRST_DRAW_TARGET_S:
            flags.append("first draw")
        if r_med > RERUN_TARGET_S:
            flags.append("rerun")
        if flags and user != "–":
            over.append((title, user, flags))
        text = ", ".join(flags) + (f" ({notes})" if notes else "")
        print(f"| {title} | {user} | {maps} | {_fmt(f_med)} | {_fmt(f_max)} | {_fmt(r_med)} | {_fmt(r_max)} "
              f"| {text} |")
    print(f"\n{len(over)} of {len(rows) - 1} page × role over target (first draw ≤ {FIRST_DRAW_TARGET_S:g} s, "
          f"rerun ≤ {RERUN_TARGET_S:g} s, medians)")
    if args.json:
        args.json.write_text(json.dumps({
            "date": str(date.today()), "cpus": os.cpu_count(), "load": [load_before, load_after],
            "baseline": base,
            "pages": [{"page": title, "user": user, "maps": rec["maps"], "first": rec["first"], "rerun": rec["rerun"],
                       "notes": sorted(rec["notes"])} for (user, title), rec in app.items()],
        }, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

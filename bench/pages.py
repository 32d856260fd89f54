"""Benchmark (not a test): how fast does each page of the app draw in a real browser, what
does it send, and what does it cost in memory?

Serves a workspace with ``streamlit run app.py`` as the browser tests do
(tests/ui/conftest.py): the Samsø demo (built with the CLI, ``opspor --db X demo``), or with
``--db PATH_OR_URL`` an existing workspace (e.g. a city from ``bench/city.py``; SQLite path
or ``postgresql+psycopg://`` URL of the app's role). With Playwright and Debian Chromium
(every request that is not to 127.0.0.1 aborted) it measures, for every page of every role —
in the demo the role chosen in the sidebar's *Demo-rolle*; in any other workspace by signing
in through the app's sign-in form as that role's user (``--password``, default
``city-{user}-bench`` as bench/city.py sets them), a fresh browser context per role — the
page by its sidebar link:

- **first draw**: click on the page's link → the script has run and is idle, and every
  visible map iframe has Leaflet drawn (a vector path or a marker in it);
- **rerun (r)**: the ``r`` key (Streamlit's rerun) on that page → the same;
- **rerun (language)**: one widget change that does not change the data — *Sprog /
  Language* Dansk → English in the sidebar → the same (then back to Dansk, not reported);
- per step: **bytes received** by the browser (every websocket frame — the app's
  ForwardMsgs, which carry the map components' HTML — plus every HTTP response's encoded
  length from CDP ``Network.loadingFinished``, iframes included), the browser's **JS heap**
  after the step (CDP ``Performance.getMetrics`` ``JSHeapUsedSize``; all frames of the app
  share one renderer) and the Streamlit **server RSS** after the step (``VmRSS`` of the
  server process and its children, from /proc).

Also: **warm-up** — the first page load after the server starts (demo: opening the app;
elsewhere: the sign-in form and the first sign-in, landing on *Kort*), with a long timeout;
it builds the process's caches (the offline base map of a city takes minutes) and is
reported apart, not in the per-page times. **5 loads of Kort**: the planner goes to
*Overblik* and back to *Kort* five times in one tab; heap (as used, and after a forced GC)
and server RSS after that.

Baselines in the same run: a trivial two-page Streamlit app (``st.title`` only) served and
clicked the same way — what Streamlit itself costs — and, with ``--today`` (default on for
a non-demo workspace), "today's way" for *Kort*: a second server with
``OPSPOR_MAP_MAX_POINTS=1000000000`` (one marker per report in a cluster array, no counts
per cell), measured for the planner the same way (warm-up, first draw, reruns, 5 loads).

Each page is measured ``--reps`` times (default 3; a repetition visits every page of every
role once); the median is printed (and the slowest, with more than one repetition).
Targets (issues 15, 18): first draw ≤ 3 s, rerun ≤ 1 s, ≤ 2 MB sent per step, browser
heap after 5 loads of *Kort* ≤ 300 MB, server RSS ≤ 500 MB.

    .venv/bin/python bench/pages.py [--db PATH_OR_URL] [--reps 3] [--roles planner,teamleder]
        [--today/--no-today] [--json out.json] [--md out.md] [--label NAME]
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
ROLE_OF = {"planner": "planner", "teamleder": "team_lead", "feltarbejder": "field_worker",
           "analytiker": "analyst", "admin": "administrator"}
FIRST_DRAW_TARGET_S = 3.0
RERUN_TARGET_S = 1.0
BYTES_TARGET = 2_000_000
HEAP_TARGET_MB = 300.0
RSS_TARGET_MB = 500.0
TODAY_MAX_POINTS = "1000000000"
TIMEOUT_MS = 90_000  # a step; the warm-up gets --warmup-timeout
_timeout = {"ms": TIMEOUT_MS}

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
#: so a frame holding a map costs next to nothing. A run that calls ``st.rerun`` ends
#: "early for rerun" and the next one starts: the app is idle after a ``script_finished``
#: that is not early and no ``new_session`` after it.


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(script: Path, db: str | None, log: Path, extra_env: dict[str, str] | None = None
          ) -> Iterator[tuple[str, int]]:
    """``streamlit run SCRIPT`` from the repository root (its .streamlit/config.toml), as
    tests/ui/conftest.py ``_serve`` does; yields the base URL and the server's pid."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
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
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, MB (``VmRSS`` from /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


@contextmanager
def new_page(browser) -> Iterator:
    """A fresh context (its own Streamlit session), desktop size; only 127.0.0.1 allowed.
    Counts the bytes received (websocket frames + HTTP responses) in ``page.bytes``."""
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
    page.set_default_timeout(_timeout["ms"])
    page.blocked = blocked
    page.runs = {"started": 0, "finished": 0, "idle": True}
    page.bytes = {"ws": 0, "http": 0}
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Performance.enable")
    cdp.on("Network.loadingFinished",
           lambda e: page.bytes.__setitem__("http", page.bytes["http"] + int(e.get("encodedDataLength", 0))))
    page.cdp = cdp
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: _on_frame(page, payload)))
    try:
        yield page
    finally:
        context.close()


def heap_mb(page, *, gc: bool = False) -> float:  # noqa: ANN001
    """The renderer's JS heap in use, MB (after a forced garbage collection if ``gc``)."""
    if gc:
        page.cdp.send("HeapProfiler.collectGarbage")
    metrics = page.cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize") / 2**20


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


def _on_frame(page, payload) -> None:  # noqa: ANN001 - bytes or str
    """Count the bytes, and script runs started and ended (a run ended early by a rerun
    does not count as ended)."""
    runs = page.runs
    if not isinstance(payload, bytes | bytearray):
        page.bytes["ws"] += len(payload.encode("utf-8"))
        return
    page.bytes["ws"] += len(payload)
    try:
        fields = _top_fields(memoryview(payload))
    except (ValueError, IndexError):  # not a ForwardMsg
        return
    if _NEW_SESSION in fields:
        runs["started"] += 1
        runs["idle"] = False
    elif fields.get(_SCRIPT_FINISHED, _FINISHED_EARLY_FOR_RERUN) != _FINISHED_EARLY_FOR_RERUN:
        runs["finished"] += 1
        runs["idle"] = True


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
            frame.locator(".leaflet-container").first.wait_for(state="attached", timeout=_timeout["ms"])
            frame.locator("path.leaflet-interactive, .leaflet-marker-icon").first.wait_for(
                state="attached", timeout=_timeout["ms"])
            frames.nth(k).wait_for(state="visible", timeout=_timeout["ms"])
            # a map that switches language itself (geo.maplang) counts once it speaks the page's
            lang = page.evaluate("document.documentElement.getAttribute('data-opspor-lang')")
            if lang and frame.locator("html[data-opspor-lang]").count():
                frame.locator(f"html[data-opspor-lang='{lang}']").wait_for(state="attached", timeout=_timeout["ms"])
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


@contextmanager
def _long(page, ms: int) -> Iterator[None]:  # noqa: ANN001
    """A longer timeout for the steps inside (the warm-up)."""
    old = _timeout["ms"]
    _timeout["ms"] = ms
    page.set_default_timeout(ms)
    try:
        yield
    finally:
        _timeout["ms"] = old
        page.set_default_timeout(old)


def _timed(page, action, pid: int | None = None) -> dict:  # noqa: ANN001
    """One step: seconds from ``action()`` to: a script run started and the last one ended
    (a run that reruns itself: its last one), the app idle, and every map on screen drawn;
    with the bytes received meanwhile, the JS heap and the server's RSS after it.

    An action that starts no run within 10 s (a click that landed while the sidebar was
    being redrawn) is done once more, timed from then, and noted."""
    page.wait_for_timeout(250)  # let the last run's redraw settle (not timed)
    note = ""
    for attempt in range(2):
        started = page.runs["started"]
        page.bytes.update(ws=0, http=0)
        t0 = time.perf_counter()
        action()
        if _wait(page, lambda started=started: page.runs["started"] > started, 10_000):
            break
        if attempt:
            raise TimeoutError("the action started no script run (twice)")
        note = "action repeated"
    while True:
        if not _wait(page, lambda: page.runs["idle"], _timeout["ms"]):
            raise TimeoutError(f"no script run ended within {_timeout['ms'] / 1000:.0f} s")
        page.wait_for_selector(APP_IDLE, state="attached", timeout=_timeout["ms"])
        page.wait_for_timeout(30)  # a run that calls st.rerun starts the next one at once
        if page.runs["idle"] and page.locator(APP_IDLE).count():
            break
    maps, map_note = _maps_drawn(page)
    seconds = time.perf_counter() - t0
    page.wait_for_timeout(50)  # late HTTP completions (iframe assets) still count for this step
    return {"s": seconds, "maps": maps, "note": "; ".join(n for n in (note, map_note) if n),
            "bytes": page.bytes["ws"] + page.bytes["http"], "ws_bytes": page.bytes["ws"],
            "http_bytes": page.bytes["http"], "heap_mb": heap_mb(page),
            "rss_mb": rss_mb(pid) if pid else None}


def _rerun(page) -> None:  # noqa: ANN001
    """Streamlit's rerun key (as a user presses it; the focus is on no input)."""
    page.mouse.click(5, 995)  # off any input (a filled-in field would take the key)
    page.keyboard.press("r")


def _language(page, to: str) -> None:  # noqa: ANN001
    """Sidebar *Sprog / Language* → ``to`` ("English" or "Dansk")."""
    box = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Sprog / Language")
    box.click()
    page.get_by_role("option", name=to, exact=True).click()


def _open_timed(page, url: str, pid: int) -> dict:  # noqa: ANN001
    """Load the app: timed until its first run has drawn the page (and its maps)."""
    step = _timed(page, lambda: page.goto(url, wait_until="domcontentloaded"), pid)
    page.locator("h1, h2").first.wait_for(state="visible", timeout=_timeout["ms"])
    page.wait_for_timeout(500)
    return step


def _sign_in(page, user: str, password: str, pid: int) -> dict:  # noqa: ANN001
    """Fill the app's sign-in form and submit: timed until the landing page has drawn."""
    from ui.i18n import t

    page.get_by_label(t("username", "da")).fill(user)
    page.locator("input[type='password']").fill(password)
    button = page.get_by_role("button", name=t("sign_in", "da"), exact=True)
    step = _timed(page, lambda: button.click(), pid)
    if not page.locator("[data-testid='stSidebarNav']").count():
        raise SystemExit(f"sign-in as {user} failed (wrong password? see the app's message)")
    return step


def _nav_link(page, title: str):  # noqa: ANN001, ANN202
    return page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True)


def _app_titles() -> dict[str, str]:
    """Page id → Danish title, as app.py registers them."""
    from ui.i18n import t

    src = (REPO_ROOT / "app.py").read_text(encoding="utf-8")
    return {pid: t(key, "da") for pid, key in re.findall(r'"(\w+)": \("ui/pages/\w+\.py", "(\w+)"', src)}


def _switch_demo_role(page, user: str, pid: int) -> dict | None:  # noqa: ANN001
    from detection.access import ROLE_NAMES

    if user == "planner":  # the demo opens as its planner
        return None
    box = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Demo-rolle")
    return _timed(page, lambda: (box.click(), page.get_by_role(
        "option", name=f"{ROLE_NAMES[ROLE_OF[user]]['da']} ({user})").click()), pid)


def _log(label: str, step: dict) -> None:
    print(f"    {label:<44} {step['s']:7.2f} s  {step['bytes'] / 1e6:6.2f} MB  heap {step['heap_mb']:5.0f} MB"
          f"  rss {step['rss_mb'] or 0:5.0f} MB  maps {step['maps']}{'  ' + step['note'] if step['note'] else ''}",
          file=sys.stderr, flush=True)


def _enter(page, url: str, user: str, *, demo: bool, password: str, pid: int) -> dict:  # noqa: ANN001
    """Open the app and become ``user``; returns the timed steps (open, sign-in)."""
    steps = {"open": _open_timed(page, url, pid)}
    if demo:
        step = _switch_demo_role(page, user, pid)
        if step:
            steps["demo_role"] = step
    else:
        steps["sign_in"] = _sign_in(page, user, password.format(user=user), pid)
    return steps


def _kort_loads(page, titles: dict[str, str], n: int, pid: int) -> dict:  # noqa: ANN001
    """*Overblik* → *Kort*, ``n`` times in one tab; heap and RSS after."""
    loads = []
    for _ in range(n):
        _timed(page, lambda: _nav_link(page, titles["overview"]).click(), pid)
        loads.append(_timed(page, lambda: _nav_link(page, titles["map"]).click(), pid))
    return {"loads_s": [s["s"] for s in loads], "bytes": [s["bytes"] for s in loads],
            "heap_mb": heap_mb(page), "heap_after_gc_mb": heap_mb(page, gc=True), "rss_mb": rss_mb(pid)}


def measure_page(page, title: str, pid: int) -> dict:  # noqa: ANN001
    """First draw, ``r`` rerun and language rerun of one page (then back to Dansk)."""
    first = _timed(page, lambda: _nav_link(page, title).click(), pid)
    _log(f"{title}: first draw", first)
    again = _timed(page, lambda: _rerun(page), pid)
    _log(f"{title}: rerun (r)", again)
    lang = _timed(page, lambda: _language(page, "English"), pid)
    _log(f"{title}: rerun (language da → en)", lang)
    exc = _exception(page)  # in English, after the switch
    back = _timed(page, lambda: _language(page, "Dansk"), pid)
    exc = exc or _exception(page)
    if exc:
        print(f"    exception shown: {exc}", file=sys.stderr, flush=True)
    return {"first": first, "rerun": again, "lang": lang, "lang_back": back, "exception": exc}


def _exception(page) -> str:  # noqa: ANN001
    """The first line of an exception the app shows, or ''."""
    box = page.locator("[data-testid='stException']")
    return box.first.inner_text().strip().splitlines()[0][:160] if box.count() else ""


def measure_app(browser, url: str, pid: int, roles: list[str], reps: int, *, demo: bool, password: str,
                warmup_ms: int, kort_loads: int) -> dict:
    """Every page of every role; the warm-up (first load after the server started) apart."""
    from detection.access import pages_for

    titles = _app_titles()
    out: dict = {"warmup": None, "pages": {}, "entry": {}, "kort_loads": None}
    for rep in range(reps):
        for user in roles:
            with new_page(browser) as page:  # a fresh session per role and repetition
                if out["warmup"] is None:
                    with _long(page, warmup_ms):
                        steps = _enter(page, url, user, demo=demo, password=password, pid=pid)
                    out["warmup"] = {"user": user, **{k: v for k, v in steps.items()}}
                    for k, v in steps.items():
                        _log(f"warm-up: {k} ({user})", v)
                else:
                    steps = _enter(page, url, user, demo=demo, password=password, pid=pid)
                    for k, v in steps.items():
                        _log(f"{k} ({user})", v)
                    out["entry"].setdefault(user, []).append(steps)
                ids = pages_for(ROLE_OF[user])
                # the role lands on its first page: visit the others first, that one last
                print(f"  rep {rep + 1} {user}", file=sys.stderr, flush=True)
                for pid_ in [*ids[1:], ids[0]]:
                    rec = measure_page(page, titles[pid_], pid)
                    out["pages"].setdefault((user, titles[pid_]), []).append(rec)
                if kort_loads and user == "planner" and rep == 0:
                    out["kort_loads"] = _kort_loads(page, titles, kort_loads, pid)
                    print(f"    {kort_loads} loads of Kort: heap {out['kort_loads']['heap_mb']:.0f} MB "
                          f"(after GC {out['kort_loads']['heap_after_gc_mb']:.0f}), "
                          f"rss {out['kort_loads']['rss_mb']:.0f} MB", file=sys.stderr, flush=True)
                if [u for u in page.blocked if not re.search(r"/\d+/\d+/\d+(@2x)?\.(png|jpg|webp)", u)]:
                    print(f"  note: {user} asked for outside assets: {page.blocked[:3]}", file=sys.stderr)
    out["rss_end_mb"] = rss_mb(pid)
    return out


def measure_today(browser, url: str, pid: int, *, demo: bool, password: str, warmup_ms: int,
                  kort_loads: int) -> dict:
    """Today's way (a server with one marker per report): *Kort* for the planner only."""
    titles = _app_titles()
    with new_page(browser) as page:
        with _long(page, warmup_ms):
            steps = _enter(page, url, "planner", demo=demo, password=password, pid=pid)
        for k, v in steps.items():
            _log(f"today's way, warm-up: {k}", v)
        _timed(page, lambda: _nav_link(page, titles["overview"]).click(), pid)
        rec = measure_page(page, titles["map"], pid)
        loads = _kort_loads(page, titles, kort_loads, pid) if kort_loads else None
    return {"warmup": steps, "kort": rec, "kort_loads": loads, "rss_end_mb": rss_mb(pid)}


def measure_baseline(browser, url: str, pid: int, reps: int) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"first": [], "rerun": []}
    with new_page(browser) as page:
        _open_timed(page, url, pid)
        for _ in range(reps):
            for title in ("To", "En"):
                out["first"].append(_timed(page, lambda title=title: _nav_link(page, title).click(), pid))
                out["rerun"].append(_timed(page, lambda: _rerun(page), pid))
    return out


# ------------------------------------------------------------------------------ report

def _fmt(x: float | None, nd: int = 2) -> str:
    return "–" if x is None else f"{x:,.{nd}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _mb(n: float) -> str:
    return _fmt(n / 1e6)


def _med(steps: list[dict], key: str = "s") -> float:
    return statistics.median(s[key] for s in steps)


def _flags(first: float, rerun: float, lang: float, nbytes: float, heap: float, rss: float) -> list[str]:
    flags = []
    if first > FIRST_DRAW_TARGET_S:
        flags.append("first draw")
    if rerun > RERUN_TARGET_S:
        flags.append("rerun")
    if lang > RERUN_TARGET_S:
        flags.append("language rerun")
    if nbytes > BYTES_TARGET:
        flags.append("bytes")
    if heap > HEAP_TARGET_MB:
        flags.append("heap")
    if rss > RSS_TARGET_MB:
        flags.append("RSS")
    return flags


def report(res: dict) -> str:
    """The Markdown section's tables (Danish decimal comma, as bench/RESULTS.md)."""
    lines = []
    w = res["app"]["warmup"]
    lines.append(f"**{res['label']}** — warm-up (first load after the server started, {w['user']}; apart from the "
                 "table): " + ", ".join(f"{k} {_fmt(v['s'])} s, {_mb(v['bytes'])} MB"
                                        for k, v in w.items() if isinstance(v, dict))
                 + f"; server RSS after it {_fmt(max(v['rss_mb'] for v in w.values() if isinstance(v, dict)), 0)} MB.")
    lines.append("")
    if res["app"]["entry"]:
        lines.append("Entering as each role in a fresh browser context (a new session, empty browser cache: the "
                     "first load sends Streamlit's own scripts over HTTP), landing on *Kort*:")
        lines.append("")
        lines.append("| role | step | s | MB (websocket + HTTP) | MB websocket | heap MB | server RSS MB |")
        lines.append("|---|---|---:|---:|---:|---:|---:|")
        for user, reps in res["app"]["entry"].items():
            for k in reps[0]:
                st = [r[k] for r in reps]
                lines.append(f"| {user} | {k} | {_fmt(_med(st))} | {_mb(_med(st, 'bytes'))} "
                             f"| {_mb(_med(st, 'ws_bytes'))} | {_fmt(max(x['heap_mb'] for x in st), 0)} "
                             f"| {_fmt(max(x['rss_mb'] for x in st), 0)} |")
        lines.append("")
    lines.append("| page | role | maps | first draw s | rerun (r) s | rerun (language) s | MB first | MB r "
                 "| MB language | heap MB | server RSS MB | over target |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    b = res["baseline"]
    if b:
        lines.append(f"| baseline: st.title only | – | 0 | {_fmt(_med(b['first']))} | {_fmt(_med(b['rerun']))} | – "
                     f"| {_mb(_med(b['first'], 'bytes'))} | {_mb(_med(b['rerun'], 'bytes'))} | – "
                     f"| {_fmt(max(s['heap_mb'] for s in b['first']), 0)} "
                     f"| {_fmt(max(s['rss_mb'] for s in b['first']), 0)} | |")
    over = []
    for (user, title), recs in res["app"]["pages"].items():
        fs = [r["first"] for r in recs]
        rs = [r["rerun"] for r in recs]
        ls = [r["lang"] for r in recs]
        f, r, lg = _med(fs), _med(rs), _med(ls)
        nb = max(_med(fs, "bytes"), _med(rs, "bytes"), _med(ls, "bytes"))
        heap = max(s["heap_mb"] for s in fs + rs + ls)
        rss = max(s["rss_mb"] for s in fs + rs + ls)
        maps = max(s["maps"] for s in fs)
        flags = _flags(f, r, lg, nb, heap, rss)
        notes = sorted({s["note"] for s in fs + rs + ls if s["note"]}
                       | {f"exception shown: {x['exception']}" for x in recs if x["exception"]})
        if flags:
            over.append((title, user, flags))
        text = ", ".join(flags) + (f" ({'; '.join(notes)})" if notes else "")
        lines.append(f"| {title} | {user} | {maps} | {_fmt(f)} | {_fmt(r)} | {_fmt(lg)} | {_mb(_med(fs, 'bytes'))} "
                     f"| {_mb(_med(rs, 'bytes'))} | {_mb(_med(ls, 'bytes'))} | {_fmt(heap, 0)} | {_fmt(rss, 0)} "
                     f"| {text} |")
    lines.append("")
    kl = res["app"]["kort_loads"]
    rows = []
    if kl:
        rows.append(("opspor", res["app"]["warmup"], None, kl, res["app"]["rss_end_mb"]))
    t = res.get("today")
    if t:
        rows.append((f"today's way (OPSPOR_MAP_MAX_POINTS={TODAY_MAX_POINTS})", t["warmup"], t["kort"],
                     t["kort_loads"], t["rss_end_mb"]))
    if rows:
        planner_kort = res["app"]["pages"].get(("planner", "Kort"))
        lines.append("*Kort* for the planner, and 5 loads of *Kort* in one tab (*Overblik* → *Kort*):")
        lines.append("")
        lines.append("| way | warm-up s | MB landing on Kort, fresh session (websocket / all) | first draw s "
                     "| rerun (r) s | rerun (language) s | MB first | MB language "
                     "| 5 loads: s each | heap after 5 loads MB | (after GC) | server RSS MB | over target |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|")
        for name, warm, kort, loads, rss_end in rows:
            if kort is None and planner_kort:
                kort = planner_kort[0]
            ws = sum(v["s"] for v in warm.values() if isinstance(v, dict))
            if kort is None:
                continue
            heap = loads["heap_mb"] if loads else kort["lang"]["heap_mb"]
            rss = max(rss_end, loads["rss_mb"] if loads else 0)
            land = [v for v in warm.values() if isinstance(v, dict)][-1]
            nb = max(kort["first"]["bytes"], kort["rerun"]["bytes"], kort["lang"]["bytes"], land["ws_bytes"])
            flags = _flags(kort["first"]["s"], kort["rerun"]["s"], kort["lang"]["s"], nb, heap, rss)
            each = " / ".join(_fmt(x, 1) for x in loads["loads_s"]) if loads else "–"
            lines.append(f"| {name} | {_fmt(ws, 1)} | {_mb(land['ws_bytes'])} / {_mb(land['bytes'])} "
                         f"| {_fmt(kort['first']['s'])} | {_fmt(kort['rerun']['s'])} "
                         f"| {_fmt(kort['lang']['s'])} | {_mb(kort['first']['bytes'])} | {_mb(kort['lang']['bytes'])} "
                         f"| {each} | {_fmt(heap, 0)} | {_fmt(loads['heap_after_gc_mb'] if loads else None, 0)} "
                         f"| {_fmt(rss, 0)} | {', '.join(flags)} |")
        lines.append("")
    n = len(res["app"]["pages"])
    lines.append(f"{len(over)} of {n} page × role over a target (first draw ≤ {FIRST_DRAW_TARGET_S:g} s, reruns ≤ "
                 f"{RERUN_TARGET_S:g} s, ≤ 2 MB a step, heap ≤ {HEAP_TARGET_MB:g} MB, RSS ≤ {RSS_TARGET_MB:g} MB):"
                 + "".join(f"\n- {title} / {user}: {', '.join(flags)}" for title, user, flags in over))
    return "\n".join(lines)


def _jsonable(res: dict) -> dict:
    out = dict(res)
    out["app"] = {**res["app"], "pages": [{"user": u, "page": p, "reps": recs}
                                          for (u, p), recs in res["app"]["pages"].items()]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="serve this workspace (SQLite path or database URL) instead of building the demo")
    ap.add_argument("--password", default="city-{user}-bench",
                    help="password rule for --db ({user} = the user name; default: bench/city.py's)")
    ap.add_argument("--label", help="name of the workspace in the report")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--roles", default=",".join(ROLES), help="users, comma-separated")
    ap.add_argument("--today", action=argparse.BooleanOptionalAction, default=None,
                    help="also serve today's way for Kort (default: on with --db, off for the demo)")
    ap.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                    help="the bare-Streamlit baseline")
    ap.add_argument("--kort-loads", type=int, default=5)
    ap.add_argument("--warmup-timeout", type=float, default=900, help="seconds")
    ap.add_argument("--json", type=Path, help="also write the raw measurements here")
    ap.add_argument("--md", type=Path, help="also write the Markdown tables here")
    ap.add_argument("--from-json", type=Path, help="only print the tables of a run written with --json")
    args = ap.parse_args()
    if args.from_json:
        res = json.loads(args.from_json.read_text(encoding="utf-8"))
        res["app"]["pages"] = {(x["user"], x["page"]): x["reps"] for x in res["app"]["pages"]}
        print(report(res))
        return
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    today = args.today if args.today is not None else bool(args.db)
    warmup_ms = int(args.warmup_timeout * 1000)
    # stopped with kill: end the app servers and the temporary folder too (finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} missing (apt-get install chromium)")
    sys.path.insert(0, str(REPO_ROOT))
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    t_start = time.perf_counter()
    res: dict = {"date": str(date.today()), "cpus": os.cpu_count(), "python": platform.python_version(),
                 "reps": args.reps, "db": None, "baseline": None, "today": None}
    with tempfile.TemporaryDirectory(prefix="opspor-bench-pages-") as d:
        tmp = Path(d)
        demo = not args.db
        if demo:
            db = str(tmp / "demo.sqlite")
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "detection.cli.main", "--db", db, "demo"], cwd=REPO_ROOT,
                           check=True, stdout=subprocess.DEVNULL, env={**os.environ, "OPSPOR_DB": db})
            print(f"demo built with the CLI in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        else:
            db = args.db
        res["db"] = "demo" if demo else re.sub(r"://([^:@/]+):[^@]*@", r"://\1:***@", db)
        res["label"] = args.label or ("Samsø demo" if demo else res["db"])
        baseline_script = tmp / "baseline_app.py"
        baseline_script.write_text(BASELINE_APP, encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                if args.baseline:
                    with serve(baseline_script, None, tmp / "baseline.log") as (url, pid):
                        res["baseline"] = measure_baseline(browser, url, pid, args.reps)
                print(f"app ({res['label']})", file=sys.stderr, flush=True)
                with serve(REPO_ROOT / "app.py", db, tmp / "app.log") as (url, pid):
                    res["app"] = measure_app(browser, url, pid, roles, args.reps, demo=demo,
                                             password=args.password, warmup_ms=warmup_ms,
                                             kort_loads=args.kort_loads if "planner" in roles else 0)
                if today:
                    print("today's way", file=sys.stderr, flush=True)
                    with serve(REPO_ROOT / "app.py", db, tmp / "today.log",
                               {"OPSPOR_MAP_MAX_POINTS": TODAY_MAX_POINTS}) as (url, pid):
                        res["today"] = measure_today(browser, url, pid, demo=demo, password=args.password,
                                                     warmup_ms=warmup_ms, kort_loads=args.kort_loads)
            finally:
                browser.close()
    load_after = os.getloadavg()
    res["load"] = [load_before, load_after]
    res["total_s"] = time.perf_counter() - t_start
    text = (f"Pages in Chromium, {res['label']}: {args.reps} repetition(s), median in seconds; {date.today()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load {load_before[0]:.1f} → "
            f"{load_after[0]:.1f}, {res['total_s']:.0f} s in all\n\n" + report(res))
    print("\n" + text)
    if args.md:
        args.md.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(_jsonable(res), ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

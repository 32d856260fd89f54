"""Fixtures for the real-browser tests: the app under ``streamlit run`` and Debian Chromium.

Every request that does not go to 127.0.0.1 is aborted (and recorded in
``page.blocked``): the app must work without internet, CDNs and web tiles included.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / ".artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


@contextmanager
def _serve(db: Path, log_name: str) -> Iterator[str]:
    """``streamlit run app.py`` on ``db`` until the block ends; yields the base URL."""
    if not (REPO_ROOT / "app.py").exists():
        pytest.fail("app.py is missing: nothing to start")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = ARTIFACTS / log_name
    env = {**os.environ, "OPSPOR_DB": str(db), "PYTHONUNBUFFERED": "1", "OPSPOR_WARMUP": "1"}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{_log_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S} s:\n{_log_tail(log_path)}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_url(demo_db: Path) -> Iterator[str]:
    """Base URL of the real app (``streamlit run app.py``) serving the Samsø demo (read-only use)."""
    with _serve(demo_db, "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def fieldwork_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A private copy of the demo where the team lead planned a day for one pair in
    Tranebjerg and gave the route to ``feltarbejder`` (browser tests may write here)."""
    import sqlite3

    from detection.repository import Repository

    dst = tmp_path_factory.mktemp("fieldwork") / "demo.sqlite"
    src, out = sqlite3.connect(demo_db), sqlite3.connect(dst)
    with out:
        src.backup(out)
    src.close()
    out.close()
    lead = Repository.open(str(dst), "teamleder")
    area = next(a["key"] for a in lead.planning_areas() if a["name"] == "Tranebjerg")
    plan = lead.plan_routes(area, teams=1, days=1, seconds=1.0)
    route = next(r for r in plan["routes"] if r["stops"])
    lead.assign_route(route["route_id"], ["feltarbejder", "feltarbejder2"])  # a pair (issue 17)
    return {"db": dst, "route": route}


@pytest.fixture(scope="session")
def fieldwork_url(fieldwork_db: dict) -> Iterator[str]:
    with _serve(fieldwork_db["db"], "streamlit-fieldwork.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} missing (make test-deps installs Debian's chromium as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def _new_page(browser, viewport: dict) -> Iterator:
    """A fresh browser context (own Streamlit session); only 127.0.0.1 allowed.

    ``page.blocked`` lists the URLs that were aborted, ``page.console_errors`` the console
    errors and uncaught exceptions (map iframe included).
    """
    context = browser.new_context(viewport=viewport, locale="da-DK")
    blocked: list[str] = []

    def _route(route):
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", _route)
    p = context.new_page()
    p.set_default_timeout(20_000)
    p.blocked = blocked
    p.console_errors = []  # console.error lines and uncaught exceptions, iframes included
    p.on("console", lambda m: p.console_errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.console_errors.append(f"uncaught: {e}"))
    try:
        yield p
    finally:
        context.close()


@pytest.fixture
def page(browser, app_url: str):
    """A desktop-sized page on the demo app (see :func:`_new_page`)."""
    with _new_page(browser, {"width": 1400, "height": 1000}) as p:
        yield p


@pytest.fixture
def phone_page(browser, fieldwork_url: str):
    """A phone-sized page (390 × 844, as an iPhone 12–15) on the field-work copy of the demo."""
    with _new_page(browser, {"width": 390, "height": 844}) as p:
        yield p


@pytest.fixture
def fieldwork_page(browser, fieldwork_url: str):
    """A desktop-sized page on the field-work copy of the demo (tests may write there)."""
    with _new_page(browser, {"width": 1400, "height": 1000}) as p:
        yield p

"""After sign-in, compute in the background what the analysis pages first need (issue 18).

On a city (150,000 entrances, 100,000 reports) the first visit to *Prioritering*,
*Fokusområder* or *Dækning* waited 4–6 s for the register and every report to be read and the
ranking, the clusters and the coverage to be prepared. Those are the same for every user of
a role and kept per data version in the repository's process caches, so the app starts
:meth:`detection.repository.Repository.prepare_analyses` in a thread once the landing page has
run, for each user and data version once. By the time the user opens one of those pages the
work is done, or under way (the page then waits for it rather than doing it again).

The thread runs as the signed-in user (the repository checks the role), at a lower CPU
priority than the sessions' own runs, and keeps nothing but the caches. A lower CPU priority
does not lower its share of Python's one interpreter lock, so between its steps it also waits
while any session's page runs (:func:`foreground`, at most :data:`PAUSE_MAX_S` a step): the
first page a user opens after sign-in ran 1.7 → 3.5 s beside it. ``OPSPOR_WARMUP=0``
turns it off (the test suite does, except for the real server of the browser tests).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from detection.access import allowed
from detection.repository import Repository
from ui import memory

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_started: set[tuple] = set()
_MAX_KEYS = 1_000  # users × data versions × days a process remembers having warmed
_busy = 0
_quiet = threading.Condition()
PAUSE_MAX_S = 20.0
"""The longest the warm-up waits for the sessions' page runs before a step (a busy server
must not keep it from ever finishing)."""


@contextmanager
def foreground() -> Iterator[None]:
    """Mark a session's page run: the warm-up does not start a step while one is running."""
    global _busy
    with _quiet:
        _busy += 1
    try:
        yield
    finally:
        with _quiet:
            _busy -= 1
            idle = _busy == 0
            _quiet.notify_all()
        if idle:  # what the run freed goes back to the system (ui/memory.py)
            memory.release()


def pause(max_s: float = PAUSE_MAX_S) -> float:
    """Wait until no page runs (at most ``max_s``); the seconds waited."""
    t0 = time.monotonic()
    with _quiet:
        while _busy and time.monotonic() - t0 < max_s:
            _quiet.wait(max_s - (time.monotonic() - t0))
    return time.monotonic() - t0


def enabled() -> bool:
    """Off when ``OPSPOR_WARMUP`` is 0/false/no/off."""
    return os.environ.get("OPSPOR_WARMUP", "1").strip().lower() not in ("0", "false", "no", "off")


def start(url: str, key: tuple, user: str, role: str) -> threading.Thread | None:
    """Start warming the caches for ``user`` at ``url`` unless done for ``key`` already
    (``key`` names the database, the user, the data version and the day); the thread, or
    ``None`` when nothing was started (already done, turned off, or a role without the
    analysis pages)."""
    if not enabled() or not allowed(role, "priorities.read"):
        return None
    with _lock:
        if key in _started:
            return None
        if len(_started) >= _MAX_KEYS:
            _started.clear()
        _started.add(key)
    thread = threading.Thread(target=_run, args=(url, user), name=f"opspor-warmup-{user}", daemon=True)
    thread.start()
    return thread


def _run(url: str, user: str) -> None:
    try:  # below the sessions' own script runs (Linux: a thread's own nice value)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass
    try:
        steps = Repository.open(url, user, migrate=False).prepare_analyses(pause=pause)
        memory.release(force=True)
        _log.info("warm-up for %s done: %s", user, ", ".join(steps))
    except Exception:  # a warm-up is only ahead of time: the page computes what is missing
        _log.exception("warm-up for %s failed", user)

"""The app's background warm-up after sign-in (ui/warmup.py): once per user and data
version, only for roles with the analysis pages, off with OPSPOR_WARMUP=0, and what it
computed is what the pages then read."""

from __future__ import annotations

from detection import clock
from detection.repository import partners as partners_mod
from detection.repository import priorities as prio_mod
from detection.repository.base import ProcessCache
from tests.detection.conftest import make_workspace, role_user
from ui import warmup


def test_warmup_runs_once_per_key_for_analysis_roles(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    admin = make_workspace(url)
    monkeypatch.setattr(prio_mod, "_CACHE", ProcessCache(32))
    monkeypatch.setattr(prio_mod, "_FOCUS", ProcessCache(16))
    monkeypatch.setattr(partners_mod, "_ANALYSES", ProcessCache(8))
    monkeypatch.setattr(warmup, "_started", set())
    planner = role_user("planner")
    key = (url, planner, 1, "2026-12-02")

    monkeypatch.setenv("OPSPOR_WARMUP", "0")
    assert warmup.start(url, key, planner, "planner") is None  # turned off

    monkeypatch.setenv("OPSPOR_WARMUP", "1")
    assert warmup.start(url, ("x",), role_user("field_worker"), "field_worker") is None  # no analysis pages
    thread = warmup.start(url, key, planner, "planner")
    assert thread is not None
    assert warmup.start(url, key, planner, "planner") is None  # the same key: not again
    thread.join(120)
    assert not thread.is_alive()

    built: list[str] = []
    real = prio_mod.prepare_ranking
    monkeypatch.setattr(prio_mod, "prepare_ranking", lambda *a, **k: built.append("ranking") or real(*a, **k))
    repo = admin.as_user(planner)
    ranked = repo.priorities("grid250", as_of=clock.today())
    assert len(ranked) > 0
    assert built == [], "the page computed again what the warm-up had prepared"


def test_the_warm_up_pauses_while_a_page_runs_and_goes_on_after():
    """``pause`` returns only once no page runs (``foreground``); with none, at once."""
    import threading

    assert warmup.pause(max_s=60) < 60  # nothing runs: no wait
    waited: list[float] = []
    with warmup.foreground():
        t = threading.Thread(target=lambda: waited.append(warmup.pause(max_s=60)))
        t.start()
        t.join(0.3)
        assert t.is_alive() and not waited  # still waiting for the page
    t.join(30)
    assert not t.is_alive() and waited and waited[0] < 60


def test_arrow_uses_the_system_allocator_and_freed_heap_goes_back(monkeypatch):
    """ui/memory.py: Arrow on the system allocator (its own kept freed pages), glibc's free
    heap trimmed after a page run when no other runs, not more often than every 2 s."""
    import pyarrow as pa

    from ui import memory

    memory.setup()
    assert pa.default_memory_pool().backend_name == "system"
    assert memory.release(force=True) is True  # glibc (Debian): malloc_trim was called
    assert memory.release() is False  # again at once: skipped
    calls: list[bool] = []
    monkeypatch.setattr(memory, "release", lambda **k: calls.append(True) or True)
    with warmup.foreground():
        with warmup.foreground():
            pass
        assert calls == []  # another page still runs
    assert calls == [True]

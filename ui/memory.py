"""Give the server's freed memory back to the system (issue 18: a city's server grew to
640–930 MB where the target is 500 MB).

Two things kept freed memory in the process, measured on a city (151,668 entrances, 100,000
reports) after the planner's warm-up (``/tmp`` scratch script, RSS after each step):

- pandas 3 keeps strings in Arrow buffers, and Arrow's default allocator (mimalloc) keeps
  freed pages for itself: with Arrow on the system allocator the same warm-up ended 33 MB
  lower;
- glibc returns freed heap to the system only from its top: ``malloc_trim(0)`` after the
  warm-up gave back another 37 MB (541 → 466 MB in all).

:func:`setup` puts Arrow on the system allocator (once per process); :func:`release` trims
glibc's heap, at most once every :data:`MIN_GAP_S` (it walks the heap: a few milliseconds).
Neither changes a result; on a system without glibc :func:`release` does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time

import pyarrow as pa

MIN_GAP_S = 2.0
_lock = threading.Lock()
_state = {"setup": False, "last": 0.0, "trim": None}


def setup() -> None:
    """Arrow on the system allocator, before the app's first frame is built (idempotent)."""
    with _lock:
        if _state["setup"]:
            return
        pa.set_memory_pool(pa.system_memory_pool())
        _state["setup"] = True


def _malloc_trim():  # noqa: ANN202 - a ctypes function or None
    if _state["trim"] is None:
        try:
            _state["trim"] = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _state["trim"] = False
    return _state["trim"] or None


def release(*, force: bool = False) -> bool:
    """Give glibc's free heap back to the system; ``False`` when skipped (too soon after the
    last time, or no glibc)."""
    now = time.monotonic()
    with _lock:
        if not force and now - _state["last"] < MIN_GAP_S:
            return False
        _state["last"] = now
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True

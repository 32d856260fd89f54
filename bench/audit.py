"""Benchmark (not a test): the audit log of a *Kort*-sized view on a city (issue 18) — bytes
per view and the access-request lookup, one row per address (the baseline, in the same run)
against one compressed subject set per view (``detection.store.idsets``, migration 0015).

On two copies of a city database (``bench/city.py`` builds one into ``--db`` when it does
not exist; the source is never written), as ``planner``:

- the view's addresses are the entrances of every report the planner reads on *Kort*
  (``Repository.signals``), as the page logs them;
- ``--views`` views are logged (``Repository.log_view``) in each copy: the **old** way
  (one ``audit_subjects`` row per address: ``idsets.SET_MIN`` raised out of reach) and the
  **new** way (one ``audit_subject_sets`` row; the first view also numbers the addresses
  in ``audit_entrance_numbers``, once for good);
- bytes per view: the growth of the SQLite file's used pages (after a full WAL
  checkpoint; free pages not counted) and the row bytes (ids, set data);
- the access request (``Repository.audit_export_entrance``, as administrator) for
  ``--lookups`` addresses of the view and one never shown, in each copy; the answers'
  actions and purposes are checked equal.

    .venv/bin/python bench/audit.py [--db /tmp/city.sqlite] [--views 5] [--lookups 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from detection.repository import Repository  # noqa: E402
from detection.store import engine as store_engine  # noqa: E402
from detection.store import idsets  # noqa: E402


def _copy(src: str, dst: Path) -> str:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return str(dst)


def _used_bytes(db: str) -> int:
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, free, size = (c.execute(f"PRAGMA {p}").fetchone()[0]
                             for p in ("page_count", "freelist_count", "page_size"))
    return (pages - free) * size


def _row_bytes(db: str) -> tuple[int, int, int]:
    """(subject rows' bytes, set rows' bytes, numbering rows' bytes): ids, numbers, data."""
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT coalesce(sum(8 + length(entrance_id)), 0) FROM audit_subjects").fetchone()[0]
        sets = c.execute("SELECT coalesce(sum(8 * 4 + length(encoding) + length(data)), 0) "
                         "FROM audit_subject_sets").fetchone()[0]
        nums = c.execute("SELECT coalesce(sum(8 + length(entrance_id)), 0) FROM audit_entrance_numbers").fetchone()[0]
    return rows, sets, nums


def _run(db: str, way: str, views: int, lookups: int) -> dict:
    idsets.SET_MIN = 10**9 if way == "old" else 50
    admin = Repository.open(db, None)
    planner = admin.as_user("planner")
    rng = np.random.default_rng(18)
    out: dict = {"way": way, "views": []}

    def measured(what: str, fn) -> object:  # noqa: ANN001
        before, rows_before = _used_bytes(db), sum(_row_bytes(db))
        t0 = time.perf_counter()
        result = fn()
        took = time.perf_counter() - t0
        out["views"].append({"what": what, "s": took, "file_bytes": _used_bytes(db) - before,
                             "row_bytes": sum(_row_bytes(db)) - rows_before})
        return result

    # the read itself is audited: in the new way it numbers the addresses (once, for good)
    shown = sorted(set(measured("Kort read (signals, the first audited read)",
                                lambda: planner.signals(purpose="bench: Kort"))["entrance_id"]))
    out["addresses"] = len(shown)
    for k in range(views):  # all again, then subsets at random (the worst order for the numbers)
        share = (1.0, 0.5, 0.1, 1.0, 0.25)[k % 5]
        ids = shown if share == 1.0 else sorted(rng.choice(shown, size=int(len(shown) * share), replace=False))
        measured(f"view {k + 1}: {len(ids):,} addresses ({share:.0%})",
                 lambda ids=ids, k=k: planner.log_view(entrance_ids=ids, what=f"Kort (bench {k})", purpose="bench"))
    never = "00000000-0000-0000-0000-000000000000"
    step = max(1, len(shown) // lookups)
    sample = shown[::step][:lookups] + [never]
    times, answers = [], {}
    for eid in sample:
        t0 = time.perf_counter()
        df = admin.audit_export_entrance(eid)
        times.append(time.perf_counter() - t0)
        answers[eid] = list(zip(df["action"], df["purpose"], strict=True))
    out.update(lookup_median_s=statistics.median(times), lookup_max_s=max(times), answers=answers,
               rows=_row_bytes(db))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="/tmp/city.sqlite", help="the city (SQLite; copied, never written)")
    ap.add_argument("--views", type=int, default=5)
    ap.add_argument("--lookups", type=int, default=20)
    a = ap.parse_args(argv)
    if not Path(a.db).exists():
        from bench.city import make_city

        print(f"{a.db} does not exist: building the city (33 tiles, 50,000 reports)")
        make_city(a.db)
    print(f"{platform.node()} · {os.cpu_count()} CPUs · load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="opspor-audit-bench-") as tmp:
        results = {}
        for way in ("old", "new"):
            db = _copy(a.db, Path(tmp) / f"{way}.sqlite")
            results[way] = _run(db, way, a.views, a.lookups)
            store_engine.get_engine(store_engine.resolve_db_url(db)).dispose()
    old, new = results["old"], results["new"]
    same = old["answers"] == new["answers"]
    print(f"addresses on Kort: {old['addresses']:,}")
    print("| audited read | old: file bytes | old: row bytes | old: s | new: file bytes | new: row bytes | new: s |")
    print("|---|---|---|---|---|---|---|")
    for o, n in zip(old["views"], new["views"], strict=True):
        print(f"| {o['what']} | {o['file_bytes']:,} | {o['row_bytes']:,} | {o['s']:.2f} | "
              f"{n['file_bytes']:,} | {n['row_bytes']:,} | {n['s']:.2f} |")
    print(f"access request (audit export --entrance), {len(old['answers'])} addresses: "
          f"old median {old['lookup_median_s'] * 1000:.1f} ms (max {old['lookup_max_s'] * 1000:.1f}), "
          f"new median {new['lookup_median_s'] * 1000:.1f} ms (max {new['lookup_max_s'] * 1000:.1f}); "
          f"same answers: {'yes' if same else 'NO'}")
    print(f"rows at the end (subjects / sets / numbering bytes): old {old['rows']}, new {new['rows']}")
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())

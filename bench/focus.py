"""Benchmark: *Fokusområder* on the generated city, every cluster's statistics in one pass.

On the city of ``bench/city.py`` (built into ``--db`` first when that file does not exist),
with the inputs the repository uses (``Repository._focus_context``: the saved model, the
counting signals, scores and dwellings), times

- ``focus_candidates`` (DBSCAN, hulls and the statistics of every cluster), the planner's
  view, and ``protect_clusters`` (the protected statistics, the analyst's view at the
  publication point);
- each the old way, one scan of the whole register per cluster (``_one_by_one``, the
  baseline, in the same run), and the new way, one spatial join for all clusters
  (``polygons_stats``); the two results are checked to be equal;
- the repository call end to end (``Repository.focus_candidates``, reading included) for
  both roles, the new way.

    .venv/bin/python bench/focus.py [--db /tmp/city.sqlite] [--eps 150] [--min-samples 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detection.priorities.focus import _one_by_one, focus_candidates, protect_clusters  # noqa: E402
from detection.privacy import publication_date  # noqa: E402
from detection.repository import Repository  # noqa: E402

AS_OF = date(2026, 11, 1)


def _timed(fn, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
    t0 = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t0


def _same(a, b) -> bool:  # noqa: ANN001
    return (list(a.columns) == list(b.columns) and a.drop(columns="geometry").equals(b.drop(columns="geometry"))
            and all(x.equals_exact(y, 0) for x, y in zip(a.geometry, b.geometry, strict=True)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="/tmp/city.sqlite")
    ap.add_argument("--eps", type=float, default=150.0)
    ap.add_argument("--min-samples", type=int, default=3)
    ap.add_argument("--skip-baseline", action="store_true", help="time only the one-pass way")
    a = ap.parse_args(argv)
    if "://" not in a.db and not Path(a.db).exists():
        from bench.city import make_city

        print(f"{a.db} does not exist: building the city (33 tiles, 50,000 reports)")
        make_city(a.db)
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
          f"{os.cpu_count()} CPUs; {platform.python_version()}")
    planner = Repository.open(a.db, "planner")
    analyst = planner.as_user("analytiker")
    ctx_p, t_ctx_p = _timed(planner._focus_context, planner._model(), AS_OF)  # noqa: SLF001
    ctx_a, t_ctx_a = _timed(analyst._focus_context, analyst._model(), publication_date(AS_OF))  # noqa: SLF001
    print(f"entrances {len(ctx_p['entrances']):,}, counting signals {len(ctx_p['signals']):,} "
          f"(inputs read in {t_ctx_p:.2f} s / {t_ctx_a:.2f} s)")
    kw = {"eps_m": a.eps, "min_samples": a.min_samples}
    rows = []
    small = {**ctx_p, "entrances": ctx_p["entrances"].iloc[:2000]}  # warm-up: imports, first calls
    protect_clusters(focus_candidates(**kw, **small), **small)
    protect_clusters(focus_candidates(**kw, **small, _stats_of=_one_by_one), **small, _stats_of=_one_by_one)
    new_p, t_new_p = _timed(focus_candidates, **kw, **ctx_p)
    cands_a, t_new_ca = _timed(focus_candidates, **kw, **ctx_a)
    new_a, t_new_a = _timed(protect_clusters, cands_a, **ctx_a)
    print(f"clusters: {len(new_p)} (planner), {len(cands_a)} → {len(new_a)} shown (analyst)")
    if not a.skip_baseline:
        old_p, t_old_p = _timed(focus_candidates, **kw, **ctx_p, _stats_of=_one_by_one)
        old_a, t_old_a = _timed(protect_clusters, cands_a, **ctx_a, _stats_of=_one_by_one)
        same_p, same_a = _same(new_p, old_p), _same(new_a, old_a)
    else:
        t_old_p = t_old_a = float("nan")
        same_p = same_a = "not checked"
    rows.append(("focus_candidates (planner)", t_old_p, t_new_p, same_p))
    rows.append(("protect_clusters (analyst)", t_old_a, t_new_a, same_a))
    _, t_repo_p = _timed(planner.focus_candidates, as_of=AS_OF, **kw)
    _, t_repo_a = _timed(analyst.focus_candidates, as_of=AS_OF, **kw)
    print()
    print("| step | per cluster (old) | one pass (new) | speed-up | same result |")
    print("|---|---|---|---|---|")
    for name, old, new, same in rows:
        print(f"| {name} | {old:.2f} s | {new:.2f} s | {old / new:.0f}× | {same} |")
    print(f"| Repository.focus_candidates, planner (reading included) | | {t_repo_p:.2f} s | | |")
    print(f"| Repository.focus_candidates, analyst (reading included) | | {t_repo_a:.2f} s | | |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

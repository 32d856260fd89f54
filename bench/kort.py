"""Benchmark (not a test): *Kort* on a city (issue 18) — the page script's run time and the
map's bytes, first draw and rerun after a language switch, today's way against the baseline.

Runs the app with Streamlit's ``AppTest`` (no browser) on a copy of a city database
(``bench/city.py`` builds one), signed in as ``planner``, and times:

- **first draw**: the first run of the app on *Kort* (reports read, map built and serialised);
- **rerun, language**: the language switched to English (the map's labels change);
- **rerun, same**: a rerun with nothing changed;
- **HTML bytes**: the map's script as the component receives it.

The offline base map (roads and built-up areas, ``Repository.base_map_layers``, built once per
process and data version for every page and user) is built before the timed runs and timed
apart: it is the same in both variants.

Baseline in the same run: the *Kort* page as it was before issue 18 (one marker per report in
a ``FastMarkerCluster`` per kind, the map cached per language), taken from git
(``git show 782bac9:ui/pages/map.py``) and run as the page in a copy of the app.

    .venv/bin/python bench/kort.py --db /tmp/city.sqlite [--baseline-rev 782bac9]

``--coverage`` times *Dækning*'s three reads instead (``coverage``, ``coverage_layers`` and
``coverage_gaps`` on the parishes, as ``ui/pages/coverage.py`` calls them), for a planner and
an analyst: the baseline computes the analysis in each call (the shared cache bypassed), the
new way once for the three; the results are checked equal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(app_dir: Path, db: str) -> dict:
    """One fresh process per variant: Streamlit's caches start empty."""
    code = f"""
import json, os, sys, time
sys.path.insert(0, {str(app_dir)!r})
os.chdir({str(app_dir)!r})
from streamlit.testing.v1 import AppTest
from detection.repository import Repository
out = {{}}
t0 = time.perf_counter()
Repository.open(os.environ["OPSPOR_DB"], "planner").base_map_layers()  # migrate; warm the shared base map
out["basemap_s"] = time.perf_counter() - t0
at = AppTest.from_file("app.py", default_timeout=300)
at.session_state["user"] = "planner"
at.session_state["signed_in_at"] = at.session_state["last_active_at"] = time.time()
def size():
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    return len(json.loads(maps[0].proto.json_args)["script"].encode()) if maps else 0
t0 = time.perf_counter(); at.run(); out["first_s"] = time.perf_counter() - t0
assert not at.exception, at.exception
out["first_bytes"] = size()
at.session_state["last_active_at"] = time.time()
t0 = time.perf_counter(); at.run(); out["same_s"] = time.perf_counter() - t0
at.session_state["last_active_at"] = time.time()
t0 = time.perf_counter(); at.selectbox(key="lang_select").set_value("en").run(); out["lang_s"] = time.perf_counter() - t0
assert not at.exception, at.exception
out["lang_bytes"] = size()
print("RESULT" + json.dumps(out))
"""
    env = {**os.environ, "OPSPOR_DB": db, "PYTHONPATH": str(app_dir)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=app_dir)
    line = [x for x in res.stdout.splitlines() if x.startswith("RESULT")]
    if not line:
        raise SystemExit(f"run failed in {app_dir}:\n{res.stdout[-2000:]}\n{res.stderr[-4000:]}")
    return json.loads(line[0][6:])


def _coverage(db: str) -> None:
    from datetime import date

    import pandas as pd

    from detection.repository import Repository
    from detection.repository import partners as P

    as_of = date(2026, 11, 1)
    Repository.open(db, "admin")  # migrate
    print("| role | way | coverage + layers + gaps s | analyses computed |")
    print("|---|---|---:|---:|")
    for user in ("planner", "analytiker"):
        repo = Repository.open(db, user, migrate=False)
        results = {}
        for way in ("baseline: each call computes its analysis", "opspor: one shared analysis"):
            real, calls = P.PartnerOps._analysis_uncached, []

            def counted(self, *a, _real=real, _calls=calls, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
                _calls.append(1)
                return _real(self, *a, **k)

            P.PartnerOps._analysis_uncached = counted
            keep = P._ANALYSES
            P._ANALYSES = P.ProcessCache(8) if way.startswith("opspor") else type(
                "NoCache", (), {"get": staticmethod(lambda key, make: make())})()
            try:
                t0 = time.perf_counter()
                out = (repo.coverage("parishes", as_of=as_of), repo.coverage_layers("parishes", as_of=as_of),
                       repo.coverage_gaps("parishes", as_of=as_of))
                dt = time.perf_counter() - t0
            finally:
                P.PartnerOps._analysis_uncached, P._ANALYSES = real, keep
            results[way] = out
            print(f"| {user} | {way} | {dt:.2f} | {len(calls)} |", flush=True)
        a, b = results.values()
        assert a[0] == b[0] and a[2] == b[2], "coverage or gaps differ"
        pd.testing.assert_frame_equal(pd.DataFrame(a[1]["areas"]), pd.DataFrame(b[1]["areas"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="/tmp/city.sqlite")
    ap.add_argument("--baseline-rev", default="782bac9")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--coverage", action="store_true", help="time Dækning's three reads instead")
    a = ap.parse_args()
    if a.coverage:
        work = Path(tempfile.mkdtemp(prefix="kort-bench-"))
        try:
            shutil.copy(a.db, work / "city.sqlite")
            _coverage(str(work / "city.sqlite"))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    work = Path(tempfile.mkdtemp(prefix="kort-bench-"))
    try:
        rows = []
        variants = [("opspor: counts per cell past 3,000 reports", ROOT)]
        if not a.skip_baseline:
            base = work / "baseline"
            shutil.copytree(ROOT, base, ignore=shutil.ignore_patterns(".venv", "node_modules", ".git", "*.sqlite*"))
            (base / "ui/pages/map.py").write_text(subprocess.run(
                ["git", "show", f"{a.baseline_rev}:ui/pages/map.py"], cwd=ROOT, capture_output=True, text=True,
                check=True).stdout)
            variants.append(("baseline: one marker per report (FastMarkerCluster)", base))
        for name, app_dir in variants:
            db = work / "city.sqlite"  # a fresh copy each: the audit log grows with every view
            shutil.copy(a.db, db)
            r = _run(app_dir, str(db))
            rows.append((name, r))
            print(f"{name}: {json.dumps({k: round(v, 2) for k, v in r.items()})}", flush=True)
        print()
        print("| variant | base map s (apart) | first draw s | map bytes | rerun, nothing changed s | rerun, language s | map bytes (en) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, r in rows:
            print(f"| {name} | {r['basemap_s']:.1f} | {r['first_s']:.2f} | {r['first_bytes']:,} | {r['same_s']:.2f} | {r['lang_s']:.2f} "
                  f"| {r['lang_bytes']:,} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

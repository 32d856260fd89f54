"""Benchmark (issue 18): *Prioritering* on a city's grid — bytes of the map and the time of
the page, now (the grid as a compact list drawn on a canvas) against the page of
``--baseline-rev`` (one GeoJSON feature per cell with its tooltip), in the same run.

Each variant runs the app with ``AppTest`` in a fresh process on a fresh copy of ``--db``
(a city from ``bench/city.py``), signed in as ``planner``: the page at its default layer,
then the layer switched to ``--layer`` (first draw of the grid), then a rerun with nothing
changed. Bytes = the map's script as the component receives it.

    .venv/bin/python bench/prioritering.py --db /tmp/city.sqlite [--layer grid100] [--baseline-rev 383670a]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


CHILD = """
import json
import sys
import time

app_dir, db, layer = sys.argv[1:4]
sys.path.insert(0, app_dir)
from streamlit.testing.v1 import AppTest

from detection.repository import Repository

at = AppTest.from_file(app_dir + "/app.py", default_timeout=900)
Repository.open(db, "planner").boundary()  # migrate
at.session_state["user"] = "planner"
at.session_state["signed_in_at"] = at.session_state["last_active_at"] = time.time()
at.run()
t0 = time.perf_counter()
at.switch_page("ui/pages/priorities.py").run()
t_page = time.perf_counter() - t0
assert not at.exception, at.exception
at.session_state["last_active_at"] = time.time()
t0 = time.perf_counter()
at.selectbox(key="prio_layer").set_value(layer).run()
t_grid = time.perf_counter() - t0
assert not at.exception, at.exception
maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
size = len(json.loads(maps[0].proto.json_args)["script"].encode())
at.session_state["last_active_at"] = time.time()
t0 = time.perf_counter()
at.run()
t_rerun = time.perf_counter() - t0
print(json.dumps({"page_s": t_page, "grid_s": t_grid, "bytes": size, "rerun_s": t_rerun}))
"""


def _run(app_dir: Path, db: Path, layer: str) -> dict:
    env = dict(os.environ, OPSPOR_DB=str(db))
    out = subprocess.run([sys.executable, "-c", CHILD, str(app_dir), str(db), layer], cwd=app_dir, env=env, capture_output=True, text=True,
                         check=False)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/city.sqlite"))
    ap.add_argument("--layer", default="grid100")
    ap.add_argument("--baseline-rev", default="383670a")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline_rev], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            for label, app_dir in [("opspor: compact grid on a canvas", ROOT),
                                   (f"baseline ({args.baseline_rev}): a GeoJSON feature per cell", base)]:
                db = Path(tmp) / "city.sqlite"
                shutil.copyfile(args.db, db)
                rows.append((label, _run(app_dir, db, args.layer)))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    print(f"*Prioritering*, planner, layer {args.layer}, city {args.db}")
    print("| way | page, default layer s | switch to the grid s | map bytes | rerun s |")
    print("|---|---:|---:|---:|---:|")
    for label, r in rows:
        print(f"| {label} | {r['page_s']:.2f} | {r['grid_s']:.2f} | {r['bytes']:,} | {r['rerun_s']:.2f} |")


if __name__ == "__main__":
    main()

"""Benchmark: ``opspor priorities --areas LAYER --json`` in a fresh process, as a user runs it.

Each command runs N times in a new Python process (nothing cached but the OS's file cache),
its JSON written to /dev/null. Printed as a Markdown table: wall time (median, min), CPU
time (user + system, min: less disturbed by other processes on a shared machine) and peak
RSS of the process, with two baselines measured in the same run, so a reader sees where
the time goes:

- *import*: ``python -c "import detection.repository"`` (what every command pays before it
  reads anything), beside ``python -c pass`` (the interpreter alone);
- *floor*: the same ranking in a fresh process after the imports, timed inside it:
  ``Repository.open(db, user).priorities(...)``, ``to_json_areas`` and ``json.dumps``, as
  the CLI calls them.

The command's time is about import + floor; what is left is argparse, logging and the
printing of the JSON.

Usage::

    .venv/bin/python bench/cli_priorities.py --db /tmp/city.sqlite [--runs 5]
        [--layers grid250 grid100 parishes] [--users planner analytiker]

``--db`` is a workspace with users ``planner`` and ``analytiker`` (``bench/city.py`` makes
one). The database is only read. ``PYTHONDONTWRITEBYTECODE=1`` in the environment makes
Python compile the project's own modules in every run: the table says which it was.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

#: The floor: what the CLI does after its imports, timed in the child (seconds on stdout).
FLOOR = """
import json, sys, time
from detection.priorities.ranking import to_json_areas
from detection.repository import Repository
from detection import clock
db, user, layer = sys.argv[1:4]
t0 = time.perf_counter()
repo = Repository.open(db, user)
as_of = clock.today()
params = repo.model()
df = repo.priorities(layer, params, as_of=as_of)
out = {"layer": layer, "as_of": str(df.attrs.get("as_of", as_of)), "model": params.to_json(),
       "areas": to_json_areas(df)}
json.dumps(out, ensure_ascii=False, default=str)
print(time.perf_counter() - t0)
"""


def run(cmd: list[str]) -> dict:
    """One fresh process: wall seconds, CPU seconds (user + system), peak RSS in MB, stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024, "out": out}


def measure(cmd: list[str], runs: int, *, inner: bool = False) -> dict:
    rows = [run(cmd) for _ in range(runs)]
    walls = [float(r["out"]) if inner else r["wall"] for r in rows]
    return {"median": statistics.median(walls), "min": min(walls), "cpu": min(r["cpu"] for r in rows),
            "rss": max(r["rss"] for r in rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="a workspace (SQLite path or URL), only read")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--layers", nargs="+", default=["grid250", "grid100", "parishes"])
    ap.add_argument("--users", nargs="+", default=["planner", "analytiker"])
    args = ap.parse_args()

    load0 = os.getloadavg()[0]
    started = time.perf_counter()
    table = []
    table.append(("`python -c pass` (the interpreter)", "", measure([PYTHON, "-c", "pass"], args.runs)))
    table.append(("import: `python -c \"import detection.repository\"`", "",
                  measure([PYTHON, "-c", "import detection.repository"], args.runs)))
    table.append(("`opspor --help`", "", measure([PYTHON, "-m", "detection.cli.main", "--help"], args.runs)))
    for user in args.users:
        for layer in args.layers:
            cli = [PYTHON, "-m", "detection.cli.main", "--db", args.db, "--user", user,
                   "priorities", "--areas", layer, "--json"]
            table.append((f"`opspor priorities --areas {layer} --json`", user, measure(cli, args.runs)))
            floor = [PYTHON, "-c", FLOOR, args.db, user, layer]
            table.append((f"floor: in-process ranking of {layer} after the imports", user,
                          measure(floor, args.runs, inner=True)))
    load1 = os.getloadavg()[0]

    bytecode = ("compiled every run (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE")
                else "cached bytecode")
    print(f"### `opspor priorities` in a fresh process: {args.runs} runs each; "
          f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{bytecode}, load {load0:.1f} → {load1:.1f}, {time.perf_counter() - started:.0f} s in all\n")
    print("| what | user | wall median s | wall min s | CPU min s | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|")
    for what, user, m in table:
        print(f"| {what} | {user} | {m['median']:.2f} | {m['min']:.2f} | {m['cpu']:.2f} | {m['rss']:.0f} |")
    print("\nfloor rows: seconds inside the process after its imports (open, rank, JSON); their CPU "
          "and RSS columns are the whole process's.")


if __name__ == "__main__":
    main()

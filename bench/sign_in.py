"""Benchmark: does the time of a failed sign-in tell whether the name exists?

Median wall time of a failed sign-in for a known name and for an unknown one, over
``--tries`` attempts each (fresh names for each attempt, so no backoff applies), on an
embedded SQLite workspace. Baseline in the same run: the check as it was before (look the
user up; for an unknown name return at once, for a known one verify argon2), which let
anyone list the names by timing. The goal (issue 14): the medians within 20 %.

    .venv/bin/python bench/sign_in.py [--tries 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t


def _old_verify(repo: Repository, hasher: PasswordHasher, name: str, password: str) -> None:
    with store_engine.read_tx(repo.engine) as conn:
        row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().first()
    if row is None:
        return
    try:
        hasher.verify(row["password_hash"], password)
    except VerificationError:
        return


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tries", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        admin = Repository.open(f"sqlite:///{Path(d) / 'w.sqlite'}", None)
        for i in range(args.tries):
            admin.add_user(f"known{i}", role="analyst", password="en lang og rar sætning")
        hasher = PasswordHasher()
        rows = {}
        for label, fn in (("opspor sign_in", lambda n: admin.sign_in(n, "wrong password!", client=n)),
                          ("before (lookup, then argon2)", lambda n: _old_verify(admin, hasher, n, "wrong password!"))):
            times = {"known": [], "unknown": []}
            for i in range(args.tries):
                for kind, name in (("known", f"known{i}"), ("unknown", f"nobody{i}")):
                    t0 = time.perf_counter()
                    fn(name)
                    times[kind].append(time.perf_counter() - t0)
            admin.engine.dispose()
            rows[label] = (statistics.median(times["known"]) * 1000, statistics.median(times["unknown"]) * 1000)
            if label == "opspor sign_in":  # fresh failure counters for the baseline's names
                with store_engine.write_tx(admin.engine) as conn:
                    conn.execute(t.sign_in_failures.delete())
    print("| method | median known (ms) | median unknown (ms) | unknown ÷ known |\n|---|---|---|---|")
    for label, (k, u) in rows.items():
        print(f"| {label} | {k:.1f} | {u:.1f} | {u / k:.2f} |")


if __name__ == "__main__":
    main()

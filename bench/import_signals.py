"""Benchmark: importing partner reports against a large register, beside naive baselines.

Register: the shipped Samsø register (``data/samsoe/samsoe_osm_addresses.csv``, 4,596
entrances) replicated ``--replicas`` times (default 109 → ~500k entrances); replica k has
its own ids, coordinates shifted by k km and postcode ``1000 + k`` (so the same street
names recur in many towns, as in Denmark, and the postcode tells them apart).

Reports: ``--rows`` (default 100,000) rows of a Danish Excel CSV (``;``, Windows-1252,
``dd-mm-yyyy``), on random entrances:

- exact path: ``"Street N, PPPP By"`` as in the register;
- fuzzy path: the street name with one random typo (a letter dropped, doubled or swapped),
  so nearly every row needs a fuzzy look-up (no two rows share a cache entry by design).

Each path runs the whole pure importer (decode, parse CSV, CPR scrub, date, kind, address
match): ``read_reports`` + ``check_rows``. Baselines in the same run: a per-row pandas
boolean-mask lookup on the register frame (exact), and a per-row rapidfuzz ``extractOne``
over all register address strings (fuzzy), timed on a sample and given as rows/s.

``--store`` also times storing an import in one transaction into a SQLite workspace (the
Samsø demo register) against row-by-row inserts with a commit per row.

    .venv/bin/python bench/import_signals.py [--rows 100000] [--replicas 109] [--store]
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from detection.signals.importer import check_rows, read_reports
from geo.addresses import normalise_house_number, normalise_postcode, normalise_street
from geo.geocode import AddressIndex

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 1)
KINDS = ["Udlejer", "Naboklage", "Udsættelsestruet", "Boligselskab", "Vicevært"]


def register(replicas: int) -> pd.DataFrame:
    base = pd.read_csv(ROOT / "data" / "samsoe" / "samsoe_osm_addresses.csv", dtype=str, keep_default_na=False)
    base = base[(base["street"] != "") & (base["housenumber"] != "")]
    parts = []
    for k in range(replicas):
        parts.append(pd.DataFrame({
            "entrance_id": [str(uuid.UUID(int=(k << 32) + i)) for i in range(len(base))],
            "street": base["street"].to_numpy(), "house_number": base["housenumber"].to_numpy(),
            "postcode": str(1000 + k), "city": "By" + chr(65 + k % 26) + chr(97 + k // 26),
            "x": base["x_25832"].astype(float).to_numpy() + 1000.0 * k,
            "y": base["y_25832"].astype(float).to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def _typo(s: str, rng: random.Random) -> str:
    if len(s) < 5:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.randrange(3)
    if op == 0:
        return s[:i] + s[i + 1:]
    if op == 1:
        return s[:i] + s[i] + s[i:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def reports(reg: pd.DataFrame, n: int, *, fuzzy: bool, seed: int) -> tuple[bytes, list[tuple[str, str, str]]]:
    rng = random.Random(seed)
    idx = [rng.randrange(len(reg)) for _ in range(n)]
    lines = ["Dato;Type;Adresse;Kilde;Reference;Bemærkning"]
    wanted = []
    st, no, pc, city = (reg[c].to_numpy() for c in ("street", "house_number", "postcode", "city"))
    for j, i in enumerate(idx):
        street = _typo(st[i], rng) if fuzzy else st[i]
        lines.append(f"{rng.randrange(1, 29):02d}-{rng.randrange(1, 11):02d}-2026;{KINDS[j % 5]};"
                     f"{street} {no[i]}, {pc[i]} {city[i]};Bench;B-{seed}-{j};bemærkning {j}")
        wanted.append((street, no[i], pc[i]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252"), wanted


def naive_exact(reg: pd.DataFrame, wanted: list[tuple[str, str, str]], sample: int) -> float:
    frame = reg.assign(s=[normalise_street(s) for s in reg["street"]],
                       n=[normalise_house_number(h) for h in reg["house_number"]])
    t0 = time.perf_counter()
    hits = 0
    for street, no, pc in wanted[:sample]:
        m = frame[(frame["s"] == normalise_street(street)) & (frame["n"] == normalise_house_number(no))
                  & (frame["postcode"] == normalise_postcode(pc))]
        hits += len(m) >= 1
    dt = time.perf_counter() - t0
    assert hits == sample
    return sample / dt


def naive_fuzzy(reg: pd.DataFrame, wanted: list[tuple[str, str, str]], sample: int) -> float:
    from rapidfuzz import fuzz, process

    keys = [f"{normalise_street(s)} {normalise_house_number(h)} {p}"
            for s, h, p in zip(reg["street"], reg["house_number"], reg["postcode"], strict=True)]
    t0 = time.perf_counter()
    for street, no, pc in wanted[:sample]:
        process.extractOne(f"{normalise_street(street)} {normalise_house_number(no)} {pc}", keys, scorer=fuzz.ratio)
    return sample / (time.perf_counter() - t0)


def run_path(index: AddressIndex, data: bytes) -> tuple[float, dict]:
    t0, c0 = time.perf_counter(), time.process_time()
    res = check_rows(read_reports(data, "bench.csv"), index, as_of=AS_OF)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    q = pd.Series([a.match_quality for a in res.accepted]).value_counts().to_dict()
    r = pd.Series([x.reason for x in res.rejected]).value_counts().to_dict()
    return dt, {"rows": res.rows, **q, **r, "CPU rows/s": round(res.rows / cpu)}


def bench_store(n: int) -> list[tuple[str, int, float]]:
    """One-transaction import vs row-by-row commits into a SQLite Samsø workspace."""
    import tempfile

    from sqlalchemy import insert

    from detection.register.demo import install_demo
    from detection.repository import Repository
    from detection.store import engine as store_engine
    from detection.store import schema as t

    tmp = Path(tempfile.mkdtemp())
    admin = Repository.open(f"sqlite:///{tmp / 'b.sqlite'}", None)
    install_demo(admin, as_of=AS_OF, n_signals=10)
    planner = admin.as_user("planner")
    ent = admin.entrances()
    rng = random.Random(3)
    lines = ["Dato;Type;Adresse;Kilde;Reference;Bemærkning"]
    for j in range(n):
        e = ent.iloc[rng.randrange(len(ent))]
        lines.append(f"01-10-2026;Naboklage;{e['street']} {e['house_number']}, {e['postcode']};Bench;S-{j};note {j}")
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    t0 = time.perf_counter()
    out = planner.import_signals(data, file_name="store.csv", as_of=AS_OF, allow_in_demo=True)
    one_tx = time.perf_counter() - t0
    assert out["rows"] == n
    sample = min(n, 2000)
    t0 = time.perf_counter()
    for j in range(sample):  # naive: one transaction (and fsync) per row
        with store_engine.write_tx(planner.engine) as conn:
            conn.execute(insert(t.signals).values(
                signal_id=str(uuid.uuid4()), kind="neighbour_complaint", received=date(2026, 10, 1),
                entrance_id=ent["entrance_id"].iloc[j % len(ent)], source="Naive", external_ref=f"N-{j}",
                note=f"note {j}", credibility=2, match_quality="exact", synthetic=False, assessment="new",
                created_at=pd.Timestamp.now(tz="UTC").to_pydatetime()))
    naive = time.perf_counter() - t0
    return [("opspor: import_signals, one transaction (check + match + store)", n, n / one_tx),
            ("naive: INSERT + COMMIT per row (store only), sample", sample, sample / naive)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--replicas", type=int, default=109)
    ap.add_argument("--naive-sample", type=int, default=300, dest="naive_sample")
    ap.add_argument("--store", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    reg = register(args.replicas)
    t_reg = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = AddressIndex(reg)
    t_index = time.perf_counter() - t0
    print(f"register: {len(reg):,} entrances (generated in {t_reg:.1f} s); index built in {t_index:.1f} s")
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")

    table = []
    for fuzzy in (False, True):
        data, wanted = reports(reg, args.rows, fuzzy=fuzzy, seed=1 + fuzzy)
        dt, counts = run_path(index, data)
        name = "fuzzy" if fuzzy else "exact"
        table.append((f"opspor: read + check + match, {name} path", args.rows, args.rows / dt, counts))
        if fuzzy:
            base = naive_fuzzy(reg, wanted, max(10, args.naive_sample // 15))
            table.append(("naive: per-row rapidfuzz extractOne over all addresses", max(10, args.naive_sample // 15),
                          base, {}))
        else:
            base = naive_exact(reg, wanted, args.naive_sample)
            table.append(("naive: per-row pandas boolean-mask lookup", args.naive_sample, base, {}))
    if args.store:
        table += [(a, b, c, {}) for a, b, c in bench_store(min(args.rows, 50_000))]

    print()
    print("| method | rows | rows/s | outcome |")
    print("|---|---:|---:|---|")
    for name, n, rate, counts in table:
        outcome = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        print(f"| {name} | {n:,} | {rate:,.0f} | {outcome} |")


if __name__ == "__main__":
    np.random.seed(0)
    main()

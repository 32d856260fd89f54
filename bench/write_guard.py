"""Benchmark: what the CPR guard at the write path costs a bulk write.

Every text column of the store is a guard type (:mod:`detection.store.guard`): free text is
scrubbed, codes are checked, JSON is parsed when it holds nine digits or more. This inserts
``--rows`` register-like rows (entrances, with their UUIDs, streets and house numbers) and
``--rows`` signal-like rows (with a note) into a fresh SQLite file, twice in the same run:

- **guarded**: the schema's own tables (what Opspor does);
- **baseline**: the same tables with plain ``String``/``Text`` columns (no guard).

    .venv/bin/python bench/write_guard.py [--rows 150000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, create_engine, insert
from sqlalchemy.types import TypeDecorator

from detection.store import schema as t


def _plain(table: Table, md: MetaData) -> Table:
    cols = []
    for c in table.columns:
        typ = c.type
        if isinstance(typ, TypeDecorator):
            typ = typ.impl_instance
        cols.append(Column(c.name, typ, primary_key=c.primary_key))
    return Table(table.name, md, *cols)


def _rows(n: int) -> tuple[list[dict], list[dict]]:
    ent = [{"entrance_id": str(uuid.uuid4()), "street": "Langgade", "house_number": f"{i % 120 + 1}",
            "postcode": "8305", "city": "Samsø", "kommunekode": "0741", "address_key": f"langgade {i}|8305",
            "x": 6e5 + i, "y": 6.19e6, "source": "dar", "node_id": None, "snap_m": None} for i in range(n)]
    sig = [{"signal_id": str(uuid.uuid4()), "kind": "neighbour_complaint", "received": None,
            "entrance_id": e["entrance_id"], "unit_id": None, "partner_id": None, "source": "Boligselskab X",
            "external_ref": f"R-{i}", "note": "Naboen har klaget over lugt, ring 12345678 efter kl. 16",
            "credibility": 2, "match_quality": "exact", "synthetic": True, "assessment": "new",
            "assessed_by": None, "assessed_at": None, "cpr_removed": False, "batch_id": None,
            "created_at": None, "content_hash": None} for i, e in enumerate(ent)]
    return ent, sig


def _run(tables: tuple[Table, Table], ent: list[dict], sig: list[dict], folder: Path, name: str) -> float:
    engine = create_engine(f"sqlite:///{folder / name}.sqlite")
    tables[0].metadata.create_all(engine, tables=list(tables))
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(ent), 5000):
            conn.execute(insert(tables[0]), ent[i:i + 5000])
            conn.execute(insert(tables[1]), sig[i:i + 5000])
    took = time.perf_counter() - t0
    engine.dispose()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=150_000)
    args = ap.parse_args()
    ent, sig = _rows(args.rows)
    from datetime import UTC, date, datetime
    for s in sig:
        s["received"], s["created_at"] = date(2026, 11, 1), datetime(2026, 11, 1, tzinfo=UTC)
    guarded_md, plain_md = MetaData(), MetaData()
    guarded = tuple(Table(x.name, guarded_md, *[Column(c.name, c.type, primary_key=c.primary_key)
                                                for c in x.columns]) for x in (t.entrances, t.signals))
    plain = tuple(_plain(x, plain_md) for x in (t.entrances, t.signals))
    with tempfile.TemporaryDirectory() as d:
        runs = {}
        for label, tables in (("baseline (plain String/Text)", plain), ("guarded (detection.store.guard)", guarded),
                              ("baseline again", plain), ("guarded again", guarded)):
            runs[label] = _run(tables, ent, sig, Path(d), label.split()[0] + str(len(runs)))
    base = min(runs["baseline (plain String/Text)"], runs["baseline again"])
    guard = min(runs["guarded (detection.store.guard)"], runs["guarded again"])
    print(f"| rows (entrances + signals) | {args.rows:,} + {args.rows:,} |")
    print("|---|---|")
    for k, v in runs.items():
        print(f"| {k} | {v:.2f} s |")
    print(f"| guard overhead (best of two each) | {guard - base:+.2f} s ({(guard / base - 1) * 100:+.0f} %) |")


if __name__ == "__main__":
    main()

"""Compact audit subject sets: which addresses one audited view showed, in one row.

A map view on a city shows tens of thousands of addresses; one ``audit_subjects`` row per
address made every *Kort* view 4 MB of audit. An entry with more than
:data:`SET_MIN` addresses stores them instead as one ``audit_subject_sets`` row:

1. every entrance id gets a number from ``audit_entrance_numbers`` (append-only: a number
   is given once, never changed, never reused, never deleted — not by the purge, not by a
   workspace replacement; DAR entrance ids are stable, so old sets keep their meaning);
2. the sorted numbers are delta-encoded (first delta from 0, so every delta is ≥ 1),
   each delta written as an unsigned LEB128 varint (7 bits a byte, high bit = more
   follows), and the bytes compressed with zlib: encoding ``"dvz1"``.

The set row also keeps ``subjects`` (how many), ``lo`` and ``hi`` (smallest and largest number), so an
access request decodes only the sets whose range holds the address's number.

Why our own ~40 lines rather than a library (``pyroaring`` is in the registry and well
kept): an audit set is legal evidence kept for years and must decode with nothing but
the Python standard library (``zlib``) and the format described above — no compiled
dependency whose serialisation we would have to trust to stay readable. The size is the
same order: a set of *k* numbers out of *N* costs at most about *N*/8 bytes however it is
spread (≈ 19 KB for a 150,000-entrance city), far less when the numbers are dense.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy import Connection, select

from detection.store import schema as t

#: Entries naming more addresses than this store one compressed set; fewer keep one
#: ``audit_subjects`` row per address (exact lookups by index).
SET_MIN = 50
ENCODING = "dvz1"
_CHUNK = 5_000


def encode(numbers: np.ndarray) -> bytes:
    """Sorted, unique, positive integers → ``dvz1`` bytes."""
    values = np.asarray(numbers, dtype=np.uint64)
    if values.size and (np.any(values[1:] <= values[:-1]) or values[0] < 1):
        raise ValueError("encode: the numbers must be sorted, unique and positive")
    deltas = np.diff(values, prepend=np.uint64(0))
    width = np.ones(deltas.size, dtype=np.int64)  # bytes per varint
    for k in range(1, 10):
        width += deltas >= np.uint64(1 << (7 * k))
    starts = np.cumsum(width) - width
    out = np.zeros(int(width.sum()), dtype=np.uint8)
    for k in range(int(width.max(initial=0))):
        has = width > k
        byte = (deltas[has] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = np.where(width[has] > k + 1, 0x80, 0).astype(np.uint64)
        out[starts[has] + k] = (byte | more).astype(np.uint8)
    return zlib.compress(out.tobytes(), 9)


def decode(data: bytes, encoding: str = ENCODING) -> np.ndarray:
    """``dvz1`` bytes → the sorted numbers (``int64``)."""
    if encoding != ENCODING:
        raise ValueError(f"audit subject set encoding {encoding!r} is unknown")
    raw = np.frombuffer(zlib.decompress(data), dtype=np.uint8)
    if raw.size == 0:
        return np.zeros(0, dtype=np.int64)
    last = (raw & 0x80) == 0
    if last.all():  # every delta below 128, the usual case: one byte each
        return np.cumsum(raw, dtype=np.int64)
    which = np.concatenate(([0], np.cumsum(last)[:-1]))  # the varint each byte belongs to
    first = np.flatnonzero(np.concatenate(([True], last[:-1])))
    shift = 7 * (np.arange(raw.size) - first[which])
    parts = (raw & 0x7F).astype(np.int64) << shift
    deltas = np.zeros(int(last.sum()), dtype=np.int64)
    np.add.at(deltas, which, parts)
    return np.cumsum(deltas)


def number_of(conn: Connection, entrance_id: str) -> int | None:
    """The number of one entrance id, or None when no set has ever named it."""
    n = t.audit_entrance_numbers
    return conn.execute(select(n.c.n).where(n.c.entrance_id == entrance_id)).scalar()


def numbers_for(conn: Connection, entrance_ids: Sequence[str]) -> np.ndarray:
    """The numbers of ``entrance_ids`` (sorted), giving the ones that have none a new one."""
    n = t.audit_entrance_numbers
    ids = list(dict.fromkeys(entrance_ids))
    found: dict[str, int] = {}

    def lookup(chunk: list[str]) -> None:
        found.update(conn.execute(select(n.c.entrance_id, n.c.n).where(n.c.entrance_id.in_(chunk))).all())

    for i in range(0, len(ids), _CHUNK):
        lookup(ids[i:i + _CHUNK])
    missing = [e for e in ids if e not in found]
    if missing:
        if conn.dialect.name == "postgresql":  # the dialect's module is loaded when it is used
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        for i in range(0, len(missing), _CHUNK):
            chunk = missing[i:i + _CHUNK]
            # another writer may number the same id meanwhile: its number stands
            conn.execute(dialect_insert(n).on_conflict_do_nothing(index_elements=["entrance_id"]),
                         [{"entrance_id": e} for e in chunk])
            lookup(chunk)
    return np.sort(np.fromiter((found[e] for e in ids), dtype=np.int64, count=len(ids)))


def set_row(audit_id: int, numbers: np.ndarray) -> dict:
    """The ``audit_subject_sets`` row for one entry's numbers."""
    return {"audit_id": audit_id, "encoding": ENCODING, "subjects": int(numbers.size),
            "lo": int(numbers[0]), "hi": int(numbers[-1]), "data": encode(numbers)}


def entries_with(conn: Connection, entrance_id: str) -> list[int]:
    """Ids of the audit entries concerning ``entrance_id``: its own ``audit_subjects`` rows
    and every compressed set that holds its number (only sets whose range holds it are
    decoded)."""
    sj, ss = t.audit_subjects, t.audit_subject_sets
    ids = set(conn.execute(select(sj.c.audit_id).where(sj.c.entrance_id == entrance_id)).scalars())
    number = number_of(conn, entrance_id)
    if number is not None:
        rows = conn.execute(select(ss.c.audit_id, ss.c.encoding, ss.c.data)
                            .where(ss.c.lo <= number, ss.c.hi >= number))
        for audit_id, encoding, data in rows:
            numbers = decode(bytes(data), encoding)
            i = int(np.searchsorted(numbers, number))
            if i < numbers.size and numbers[i] == number:
                ids.add(int(audit_id))
    return sorted(ids)

"""Disclosure control: what everyone who may not see addresses sees (docs/privacy.md).

One policy for analysts and for every file that leaves the team, applied in the repository:

1. **Publication points.** Their numbers are as of the last day of the last complete month
   (:func:`publication_date`), under the planner's saved model. Stepping ``--as-of`` by a
   day shows nothing new.
2. **Cell-key random rounding to base 5.** Every count and every weighted score they see is
   a multiple of 5 (:func:`protect`). Whether a value is rounded down or up is decided by a
   key computed from the records in the cell (:func:`record_keys`, :func:`cell_keys`), the
   cell-key idea of the UK statistics office: the same cell always gets the same value, so
   asking again, or under another layer that holds the same records, averages nothing out.
   Rounding is unbiased (``10.8`` becomes 15 with probability 0.16), and a value that
   rounds to 0 reads ``"<5"`` (0–4). Because every published number is a multiple of 5, no
   sum or difference of published numbers can be 1–4.
3. **Totals are the sums of their parts** (:func:`protect_parts`): a total beside its
   breakdown adds nothing to subtract.
4. **Everything derived is computed from the protected numbers**: rates, intervals,
   hot-spot flags and shares; where a protected input reads ``"<5"``, what depends on it is
   withheld.
5. **Small areas stay hidden**: an area or cluster under :data:`MIN_DWELLINGS` dwellings is
   not shown; its numbers can't be had from a parent minus its children, because every one
   of those is rounded.

Planners and team leads see exact numbers; their reads are audited.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

SMALL = "<5"
"""What a protected value that rounds to 0 reads (it may be 0–4)."""
MIN_COUNT = 5
BASE = 5
"""Every protected value is a multiple of this."""
MIN_DWELLINGS = 20
KEY_SPACE = 2**32

_MIX = np.uint64(0x9E3779B97F4A7C15)


def publication_date(as_of: date) -> date:
    """The publication point for ``as_of``: ``as_of`` itself when it is the last day of its
    month, else the last day of the month before.

    >>> publication_date(date(2026, 11, 30)), publication_date(date(2026, 12, 1)), publication_date(date(2026, 12, 30))
    (datetime.date(2026, 11, 30), datetime.date(2026, 11, 30), datetime.date(2026, 11, 30))
    """
    last = calendar.monthrange(as_of.year, as_of.month)[1]
    if as_of.day == last:
        return as_of
    return as_of.replace(day=1) - timedelta(days=1)


def record_keys(ids: Iterable[object]) -> np.ndarray:
    """A fixed key in ``[0, 2³²)`` for each record id (a report, a source, an entrance):
    the first 4 bytes of its SHA-256. Record ids are never shown to those who see protected
    numbers, so they can't compute the keys."""
    return np.array([int.from_bytes(hashlib.sha256(str(i).encode()).digest()[:4], "big") for i in ids],
                    dtype=np.uint64)


def cell_keys(cell_of_record: np.ndarray, keys: np.ndarray, n_cells: int) -> np.ndarray:
    """The key of each cell: the sum of its records' keys modulo 2³² (a cell with the same
    records has the same key, whatever layer or query it is asked through). Records with a
    negative cell are left out."""
    cell_of_record = np.asarray(cell_of_record, dtype=np.int64)
    ok = cell_of_record >= 0
    out = np.zeros(n_cells, dtype=np.uint64)
    np.add.at(out, cell_of_record[ok], np.asarray(keys, dtype=np.uint64)[ok])
    return out % np.uint64(KEY_SPACE)


def one_cell_key(keys: np.ndarray) -> np.ndarray:
    """The key of one cell holding the records with ``keys`` (an array of length 1, as
    :func:`protect` takes it)."""
    return np.array([int(np.asarray(keys, dtype=np.uint64).sum()) % KEY_SPACE], dtype=np.uint64)


def _uniform(ckeys: np.ndarray, measure: str) -> np.ndarray:
    """A number in [0, 1) per cell key, different for each ``measure`` (splitmix64)."""
    salt = np.uint64(int.from_bytes(hashlib.sha256(measure.encode()).digest()[:8], "big"))
    with np.errstate(over="ignore"):
        z = np.asarray(ckeys, dtype=np.uint64) * _MIX + salt
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def round_keyed(values: np.ndarray, ckeys: np.ndarray, measure: str) -> np.ndarray:
    """Values randomly rounded to a multiple of :data:`BASE`, the direction fixed by the cell
    key: ``v`` becomes the multiple above with probability ``(v − below) / 5``."""
    v = np.clip(np.asarray(values, dtype=float), 0, None)
    below = np.floor(v / BASE + 1e-9) * BASE
    frac = (v - below) / BASE
    up = _uniform(ckeys, measure) < frac
    return (below + np.where(up, BASE, 0)).astype(np.int64)


def shown(value: object) -> object:
    """A protected number as it is shown: ``"<5"`` for 0, else the number."""
    if isinstance(value, str):
        return value
    return SMALL if value == 0 else value


def protect(values: np.ndarray, ckeys: np.ndarray, measure: str) -> list[object]:
    """:func:`round_keyed`, shown (``"<5"`` for 0, else a multiple of 5)."""
    return [shown(int(v)) for v in round_keyed(values, ckeys, measure)]


def protect_parts(counts: np.ndarray, ckeys: np.ndarray, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """A (rows × parts) count matrix rounded part by part, and each row's total as the sum
    of its rounded parts (so a total beside its parts adds nothing)."""
    counts = np.asarray(counts, dtype=float)
    if counts.size == 0:
        return counts.astype(np.int64), np.zeros(counts.shape[0], dtype=np.int64)
    r = round_keyed(counts.ravel(), np.asarray(ckeys, dtype=np.uint64).ravel(), measure).reshape(counts.shape)
    return r, r.sum(axis=1)


def value_number(value: object) -> float:
    """A shown protected value as a number for arithmetic (``"<5"`` counts as 0)."""
    return 0.0 if isinstance(value, str) else float(value)


# ----------------------------------------------------------------------------------------
# The small-count rule on exact counts: for files of one partner's own reports (feedback),
# where rounding would not protect more than hiding 1–4, and for the legacy helpers below.


def mask_count(n: int) -> int | str:
    """``n`` itself, or ``"<5"`` for 1–4.

    >>> [mask_count(n) for n in (0, 1, 4, 5, 12)]
    [0, '<5', '<5', 5, 12]
    """
    n = int(n)
    return SMALL if 0 < n < MIN_COUNT else n


def mask_counts(counts: Mapping[str, int]) -> dict[str, int | str]:
    """A mapping of counts with 1–4 replaced by ``"<5"``."""
    return {k: mask_count(v) for k, v in counts.items()}


def mask_frame(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``df`` with the count ``columns`` masked (object dtype)."""
    out = df.copy()
    for c in columns:
        out[c] = out[c].map(mask_count).astype(object)
    return out

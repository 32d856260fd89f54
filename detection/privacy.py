"""The small-count rule for everyone who may not see addresses.

Counts 1–4 are shown as ``"<5"``; an area or cluster with fewer than
:data:`MIN_DWELLINGS` dwellings is not shown at all (product.md, conventions.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

SMALL = "<5"
MIN_COUNT = 5
MIN_DWELLINGS = 20


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


def drop_small_areas(df: pd.DataFrame, *, dwellings: str = "dwellings") -> pd.DataFrame:
    """Rows of areas with at least :data:`MIN_DWELLINGS` dwellings."""
    return df[df[dwellings] >= MIN_DWELLINGS].copy()

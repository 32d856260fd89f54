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


def mask_score(value: object) -> object:
    """A weighted score below 5 as ``"<5"`` (a small score betrays a small count)."""
    return SMALL if isinstance(value, int | float) and 0 < value < MIN_COUNT else value


def mask_frame(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``df`` with the count ``columns`` masked (object dtype)."""
    out = df.copy()
    for c in columns:
        out[c] = out[c].map(mask_count).astype(object)
    return out


def mask_record(record: Mapping, *, counts: Iterable[str], by_kind: str | None = "signals_by_kind",
                score: str | None = "score") -> dict:
    """One aggregate (a dict) as a role that may not see addresses sees it: the ``counts``
    keys and each count in ``by_kind`` masked, and the ``score``."""
    out = dict(record)
    for k in counts:
        if k in out:
            out[k] = mask_count(out[k])
    if by_kind and by_kind in out:
        out[by_kind] = mask_counts(out[by_kind])
    if score and score in out:
        out[score] = mask_score(out[score])
    return out


def mask_aggregates(df: pd.DataFrame, *, counts: Iterable[str], by_kind: str | None = "signals_by_kind",
                    score: str | None = "score", dwellings: str = "dwellings") -> pd.DataFrame:
    """Area or cluster rows as a role that may not see addresses sees them: rows under
    :data:`MIN_DWELLINGS` dwellings left out, the ``counts`` columns, each count in the
    ``by_kind`` dicts and the ``score`` masked (object dtype). Keeps the frame's type
    (a GeoDataFrame stays one) and ``attrs``."""
    out = mask_frame(df[df[dwellings] >= MIN_DWELLINGS], counts)
    if by_kind:
        out[by_kind] = [mask_counts(d) for d in out[by_kind]]
    if score:
        out[score] = pd.Series([mask_score(v) for v in out[score]], index=out.index, dtype=object)
    out.attrs.update(df.attrs)
    return out

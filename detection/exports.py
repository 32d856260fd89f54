"""Files that leave the workspace: CSV written safely for spreadsheets.

Text that starts with ``=``, ``+``, ``-``, ``@`` (or a tab/CR) is prefixed with ``'`` so a
spreadsheet never runs it as a formula (CSV injection).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula.

    >>> neutralise("=HYPERLINK(1)"), neutralise("-5"), neutralise(-5), neutralise("ok")
    ("'=HYPERLINK(1)", "'-5", -5, 'ok')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as UTF-8 CSV (with BOM, ``;`` for Danish Excel), formulas neutralised."""
    path = Path(path)
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    out.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path

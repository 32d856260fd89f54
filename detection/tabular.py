"""Tables as partners and spreadsheets write them, in and out.

In: the one decoder (UTF-8 with or without BOM, UTF-16, Windows-1252 as Danish Excel
writes it) and the one delimiter sniffer (``;``, ``,`` or tab) for every CSV Opspor reads:
reports, partner files and door outcomes.

Out: CSV written safely for spreadsheets. Text that starts with ``=``, ``+``, ``-``, ``@``
(or a tab/CR) is prefixed with ``'`` so a spreadsheet never runs it as a formula (CSV
injection).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from detection.files import open_private

_SURROGATE = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
DELIMITERS = (";", ",", "\t")


def decode_text(data: bytes, *, replace_bad: bool = False) -> str:
    """The text of a CSV file's bytes.

    A BOM decides (UTF-8, UTF-16); otherwise UTF-8 when it decodes, or when most non-ASCII
    characters are valid UTF-8 (a few broken rows); else Windows-1252. Bytes that are not
    valid in the chosen encoding stay as lone surrogates (``surrogateescape``) so a reader
    can reject exactly the rows that hold them, or become U+FFFD with ``replace_bad``.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")  # broken pairs become U+FFFD
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="surrogateescape")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="surrogateescape")
            bad = len(_SURROGATE.findall(text))
            good = len(_NON_ASCII.findall(text)) - bad
            if good <= bad:
                text = data.decode("cp1252", errors="surrogateescape")
    return _SURROGATE.sub("\ufffd", text) if replace_bad else text


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the most frequent of ``;``, ``,`` and tab in its first
    line (the header), ``,`` when none occurs.

    >>> sniff_delimiter("Dato;Type;Adresse\\n"), sniff_delimiter("a,b\\n"), sniff_delimiter("x")
    (';', ',', ',')
    """
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


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
    """Write ``df`` as UTF-8 CSV (with BOM, ``;`` for Danish Excel), formulas neutralised;
    the file is private (0600, :mod:`detection.files`)."""
    path = Path(path)
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    with open_private(path, encoding="utf-8-sig") as f:
        out.to_csv(f, sep=";", index=False)
    return path

"""Tables as partners and spreadsheets write them, in and out.

In: the one decoder (UTF-8 with or without BOM, UTF-16, Windows-1252 as Danish Excel
writes it), the one delimiter sniffer (``;``, ``,`` or tab) and the one strict row reader
(:func:`read_csv_rows`) for every CSV Opspor reads: reports, partner files and door outcomes.

The strict reader's rule (no row is lost without a word)
--------------------------------------------------------
A CSV is read as Excel writes it: a cell may be wrapped in quotes (``"``), a quote inside
such a cell is written twice (``""``), and a quoted cell may hold line breaks (a note over
several lines is one cell; a spreadsheet shows it as one row). A quote *inside* an unquoted
cell (``Han sagde "nej"``) is just a character. The file is **refused as a whole** (an
:class:`CsvQuotingError`, nothing read, the message names the line of the file where the
quote opens and what to fix) when

- a quote opens a cell and never closes (the rest of the file would become that cell);
- a quoted cell closes and text follows before the next delimiter (``"abc"def``);
- a quoted cell holds a line break and looks like it swallowed rows: its text holds at
  least as many delimiters as a row of the file (the header's cells − 1, at least one), or
  ends with the delimiter (the quote that closed it opened a cell of the next row), or is
  the first cell of its record and ends with a line break, or its record has more cells
  than the header. (A stray quote at cell *j* that closes at cell *c* of a later row leaves
  the record with ``j + width − c`` cells, so either more cells than the header or at
  least ``width − 1`` delimiters inside the cell: every swallow is caught. The price: a
  real note over several lines holding that many delimiters is refused too; the message
  says to remove its line breaks.)

Otherwise every record of the file is returned, so for a file that is not refused the
records a spreadsheet shows below the header are exactly the rows the caller accounts
for. There is no limit on a cell's length here (Python's ``csv`` has one of 131,072
characters, raised here); a caller rejects a row with a too long cell, never the file.

Out: CSV written safely for spreadsheets. Text that starts with ``=``, ``+``, ``-``, ``@``
(or a tab/CR) is prefixed with ``'`` so a spreadsheet never runs it as a formula (CSV
injection).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pandas as pd

from detection.errors import InputError
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


class CsvQuotingError(InputError):
    """The file's quoting breaks (see the module's rule); ``line`` is the line of the file
    (1 = the header line) where the quote opens."""

    code = "bad_quoting"

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


_QUOTE = '"'
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _breaks(s: str) -> int:
    return len(_LINE_BREAK.findall(s)) if ("\n" in s or "\r" in s) else 0


def _field_name(header: list[str] | None, j: int) -> str:
    if header is not None and j < len(header) and str(header[j]).strip():
        return repr(str(header[j]).strip()[:60])
    return f"column {j + 1}"


def read_csv_rows(text: str, file_name: str, *, delimiter: str | None = None) -> list[tuple[int, list[str]]]:
    """Every record of a CSV text, header first, as ``(line, cells)``; strictly (see the
    module's rule).

    ``line`` is the line of the file the record starts on (1 = the header line); the
    record's position in the list + 1 is the row a spreadsheet shows (they differ only after
    a cell with a line break). Blank lines are records with no cells (``[]``); the caller
    skips them. Raises :class:`CsvQuotingError` naming the line and what to fix.

    >>> read_csv_rows('a;b\\n1;"x\\ny"\\n\\n2;3\\n', "f.csv")
    [(1, ['a', 'b']), (2, ['1', 'x\\ny']), (4, []), (5, ['2', '3'])]
    """
    delim = delimiter or sniff_delimiter(text)
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a long cell rejects its row, not the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    out: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    end = 0
    while True:
        start = end + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise _quoting_error(text, start, delim, header, file_name) from None
        end = reader.line_num
        if header is None:
            header = rec
        elif end > start:  # a quoted cell holds a line break: legitimate, unless it swallowed rows
            _check_swallowed(rec, start, delim, header, file_name)
        out.append((start, rec))
    return out


def _check_swallowed(rec: list[str], start: int, delim: str, header: list[str], file_name: str) -> None:
    width = len(header)
    need = max(1, width - 1)
    line = start
    for j, cell in enumerate(rec):
        n = _breaks(cell)
        if n and (cell.count(delim) >= need or len(rec) > width or cell.endswith(delim)
                  or j == 0 and cell.endswith(("\n", "\r"))):
            raise CsvQuotingError(
                f"{file_name}, line {line}: a quote ({_QUOTE}) opens in the field {_field_name(header, j)} and "
                f"the cell runs on to line {line + n}, taking in what looks like rows of the file; if the quote "
                f"on line {line} is stray, remove it or close it where the cell ends (a quote inside a cell "
                f"is written twice: {_QUOTE}{_QUOTE}); if the cell really is one note over several lines, "
                f"remove its line breaks. Nothing was read.", line)
        line += n


def _quoting_error(text: str, start: int, delim: str, header: list[str] | None, file_name: str) -> CsvQuotingError:
    """Where and how the quoting of the record starting on line ``start`` breaks.

    The culprit is the first quoted cell of the record that spans a line break (it took in
    the lines after it), else the cell where the reader stopped."""
    lines = io.StringIO(text, newline="").readlines()
    tail = "".join(lines[start - 1:])
    line, field, i, n = start, 0, 0, len(tail)
    at_start = True
    spanned: tuple[int, int, int] | None = None  # (open line, field, close line)
    fix = f"(a quote inside a cell is written twice: {_QUOTE}{_QUOTE}). Nothing was read."

    def blame(kind: str, open_line: int) -> CsvQuotingError:
        if spanned is not None:
            o, f, c = spanned
            return CsvQuotingError(
                f"{file_name}, line {o}: a quote ({_QUOTE}) opens in the field {_field_name(header, f)} and "
                f"only closes on line {c}, taking in the lines between; close it on line {o} or remove it "
                + fix, o)
        if kind == "open":
            return CsvQuotingError(
                f"{file_name}, line {open_line}: a quote ({_QUOTE}) opens in the field "
                f"{_field_name(header, field)} and never closes; close it or remove it " + fix, open_line)
        return CsvQuotingError(
            f"{file_name}, line {line}: the field {_field_name(header, field)} starts with a quote ({_QUOTE}) "
            f"that closes before the cell ends (text follows the closing quote); remove the quotes, or "
            f"quote the whole cell and write each quote inside it twice ({_QUOTE}{_QUOTE}). Nothing was read.",
            line)

    while i < n:
        c = tail[i]
        if at_start and c == _QUOTE:
            open_line, i = line, i + 1
            while True:
                if i >= n:
                    return blame("open", open_line)
                c = tail[i]
                if c == _QUOTE:
                    if tail[i + 1:i + 2] == _QUOTE:
                        i += 2
                        continue
                    i += 1
                    if line > open_line and spanned is None:
                        spanned = (open_line, field, line)
                    if i < n and tail[i] not in (delim, "\r", "\n"):
                        return blame("text_after", open_line)
                    break
                if c == "\n" or (c == "\r" and tail[i + 1:i + 2] != "\n"):
                    line += 1
                i += 1
            at_start = False
            continue
        if c == delim:
            field, at_start = field + 1, True
        elif c in "\r\n":
            break
        else:
            at_start = False
        i += 1
    return blame("unknown", start) if spanned is not None else CsvQuotingError(
        f"{file_name}, line {start}: the line can't be read as CSV; check its quotes ({_QUOTE}). "
        "Nothing was read.", start)


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


def danish_number(value: float, *, decimals: int = 1) -> str:
    """A number as Danish readers and Danish Excel read it: ``.`` between thousands, a
    decimal comma, rounded to ``decimals`` (a whole number without decimals).

    >>> danish_number(1816), danish_number(55.54), danish_number(4.0, decimals=2), danish_number(-1234.5)
    ('1.816', '55,5', '4', '-1.234,5')
    """
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{float(value):,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def danish_excel_csv(df: pd.DataFrame, *, decimals: int = 1, yes: str = "Ja", no: str = "Nej") -> bytes:
    """``df`` as a CSV for people who open it in Danish Excel: UTF-8 with BOM, ``;``,
    decimal comma and no thousands separator in numbers (Excel reads ``1234,5`` as a
    number), rounded to ``decimals``, ``Ja``/``Nej`` for booleans, empty cells for missing
    values, formulas neutralised. The headers are the frame's (give it Danish ones).

    Machine-readable exports (the CLI's, conventions.md) keep :func:`write_csv`.

    >>> danish_excel_csv(pd.DataFrame({"Rate": [55.54, None], "Aktiv": [True, False]})).decode("utf-8-sig")
    'Rate;Aktiv\\r\\n55,5;Ja\\r\\n;Nej\\r\\n'
    """
    out = pd.DataFrame(index=df.index)
    for c in df.columns:
        col = df[c]
        if pd.api.types.is_bool_dtype(col):
            out[c] = [yes if v else no for v in col]
        elif pd.api.types.is_integer_dtype(col):
            out[c] = col.astype(str)
        elif pd.api.types.is_float_dtype(col):
            out[c] = ["" if pd.isna(v) else (str(int(round(v, decimals))) if float(round(v, decimals)).is_integer()
                                             else f"{round(v, decimals):.{decimals}f}".rstrip("0").replace(".", ","))
                      for v in col]
        else:
            out[c] = [("" if v is None or (isinstance(v, float) and pd.isna(v)) else
                       (yes if v else no) if isinstance(v, bool) else neutralise(str(v)) if isinstance(v, str)
                       else str(v)) for v in col]
    return out.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")

"""Read a file of partners' reports and decide, row by row, what can be imported (pure).

No database here: :func:`read_reports` turns a file into rows, :func:`check_rows` checks
and matches them against an :class:`geo.geocode.AddressIndex`, and
:func:`split_duplicates` sets aside rows the store already holds. The repository
(:mod:`detection.repository.signals`) stores the outcome in one transaction.

Files
-----
- **CSV** as partners' systems and Danish Excel write it: ``;``, ``,`` or tab delimiter
  (guessed from the header line); UTF-8 with or without BOM, Windows-1252 (chosen when
  the bytes are not mostly valid UTF-8) or UTF-16 with BOM. A row holding NUL bytes or
  bytes that are not valid in the file's encoding is rejected ``bad_encoding``.
- **XLSX** (first sheet; date cells are read as dates).
- **GeoJSON / GeoPackage** with point features: the properties are the columns and the
  point gives the place when the row has no address.

Row numbers are those a spreadsheet shows: the header is row 1, the first report row 2
(for GeoJSON/GeoPackage the n-th feature is row n + 1). Blank rows are skipped and not
counted.

No row is lost without a word
-----------------------------
Every report row ends in exactly one bucket: ``rows = imported + rejected + duplicates``,
where ``rows`` is the number of records below the header that are not blank (a blank
record: every cell empty or spaces). For a CSV, a *record* is a line of the file, except
that a properly quoted cell may hold line breaks (a note over several lines): then the
record spans those lines and is one row, as a spreadsheet shows it. The CSV is read
strictly by :func:`detection.tabular.read_csv_rows`; when its quoting breaks — a quote that
opens a cell and never closes, text after a closing quote, or a quoted cell over several
lines that swallowed what looks like rows (as many delimiters as a row, ending in a
delimiter, or more cells than the header: the exact rule is in :mod:`detection.tabular`)
— the **whole file is refused** (``bad_quoting``, nothing stored) with a message naming
the line where the quote opens and what to fix. So for a CSV that is imported, the
records below the header (blank ones left out) are exactly ``rows``: none is merged into
another's cell. A cell of any length is read; one that is too long rejects its row
(``field_too_long``), never the file.

Header aliases
--------------
Headers are matched case-insensitively, ignoring ``_``, ``-``, ``.`` and extra spaces,
through :data:`HEADER_ALIASES` (Danish and English). A header not in the table stops the
import with ``header_unknown`` — headers are reported, never guessed. Required: a date
(``received``), a kind, and a place (``address``, or ``street`` + ``house_number``, or
``entrance_id``/``unit_id``, or coordinates).

Values
------
- Dates: ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``dd/mm/yyyy``, ISO ``yyyy-mm-dd`` (a time after
  the date is ignored); Excel date cells. A date after ``as_of`` is ``date_future``.
- Kind: any name of :mod:`detection.vocab`, any case (``Udlejer``, ``naboklage``,
  ``Boligselskab``, ``Vicevært`` …).
- Credibility (troværdighed) 1–3 (also ``lav``/``middel``/``høj``, ``low``/``medium``/
  ``high``); blank = 2.
- Every field at most 2,000 characters (``source`` and ``external_ref`` at most 200).
- Anything shaped like a CPR number in any field is removed first (:mod:`detection.cpr`),
  the row is flagged ``cpr_removed``; the numbers never reach a stored row, rejected rows
  included. Excel number cells are read as their integer text (``DMMYYNNNN``, not
  ``DMMYYNNNN.0``), so a CPR number whose leading zero Excel dropped is caught too.
- A reference or source holding a CPR-shaped number is not scrubbed into a key: the row is
  rejected (``cpr_in_reference``, ``cpr_in_source``; the number removed from what is kept),
  since two different references would otherwise both become ``[CPR fjernet]`` and one
  row a duplicate of the other. A ``source`` given for the whole file (``--source``) that
  holds one refuses the import (``cpr_in_source``, nothing stored).

Duplicates
----------
Same source + external reference, else the same content hash (kind, date, place, source,
note; see :func:`content_hash`). Two reports that differ before scrubbing never become
one: a row from which a CPR-shaped number was removed (``cpr_removed``) is never a
duplicate by its content hash, and its hash makes no other row a duplicate (in this file
or in the store) — its content after scrubbing does not tell which report it was. Such a
row without a reference is imported again when its file is imported again.

Reason codes (one per rejected row, the first that applies, in this order):
``bad_encoding``, ``columns_mismatch`` (more cells than headers), ``field_too_long``,
``cpr_in_reference``, ``cpr_in_source``, ``date_missing``, ``date_invalid``,
``date_future``, ``kind_unknown``, ``credibility_invalid``, ``bad_coordinates``,
``address_missing``, ``address_not_found``, ``address_ambiguous``,
``outside_municipality``. The whole file: ``header_unknown``, ``bad_quoting``,
``cpr_in_source`` (the ``source`` argument), ``bad_encoding`` (an unreadable header),
``bad_input`` (not a readable file of its kind).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd

from detection.cpr import contains_cpr, identifier_has_cpr, scrub
from detection.errors import InputError
from detection.tabular import CsvQuotingError, decode_text, read_csv_rows
from detection.vocab import parse_kind
from geo.addresses import normalise_house_number, normalise_street
from geo.areas import read_vector
from geo.crs import WORK_CRS, lonlat_to_xy
from geo.errors import GeoInputError
from geo.geocode import AddressIndex

MAX_FIELD = 2000
MAX_SHORT = 200  # source and external reference (database columns)

#: canonical field → accepted header spellings (compared after :func:`normalise_header`)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "received": ("dato", "modtaget", "modtaget dato", "modtagelsesdato", "dato modtaget",
                 "received", "date", "date received", "received date"),
    "address": ("adresse", "address", "adr"),
    "street": ("vej", "vejnavn", "street", "street name"),
    "house_number": ("husnr", "husnummer", "house number", "number"),
    "postcode": ("postnr", "postnummer", "postcode", "post code", "zip", "zip code"),
    "city": ("by", "postdistrikt", "bynavn", "city", "town"),
    "kind": ("type", "henvendelsestype", "henvendelse", "kategori", "kind", "category", "report type"),
    "source": ("kilde", "afsender", "partner", "source", "sender"),
    "note": ("bemærkning", "bemærkninger", "note", "notat", "beskrivelse", "notes", "comment",
             "comments", "description"),
    "external_ref": ("reference", "ref", "id", "sagsnr", "sagsnummer", "external id",
                     "external ref", "external reference"),
    "floor": ("etage", "floor"),
    "door": ("dør", "doer", "side", "door"),
    "credibility": ("troværdighed", "credibility"),
    "entrance_id": ("adgangsadresse id", "adgangsadresseid", "dar id", "entrance id"),
    "unit_id": ("adresse id", "adresseid", "enhedsadresse id", "unit id"),
    "x": ("x", "x 25832", "easting"),
    "y": ("y", "y 25832", "northing"),
    "lon": ("lon", "lng", "longitude", "længdegrad"),
    "lat": ("lat", "latitude", "breddegrad"),
    # written by `opspor rejected export`, so a fixed export can be imported as it is
    "origin": ("afvist række", "rejected row"),
    "_ignore": ("afvisningsårsag", "rejection reason", "afvist felt", "rejected field",
                "besked", "message"),
}

_ALIAS: dict[str, str] = {a: canon for canon, names in HEADER_ALIASES.items() for a in names}

#: the Danish header written for each field (exports of rejected rows use these)
DANISH_HEADER: dict[str, str] = {
    "received": "Dato", "address": "Adresse", "street": "Vejnavn", "house_number": "Husnr",
    "postcode": "Postnr", "city": "By", "kind": "Type", "source": "Kilde", "note": "Bemærkning",
    "external_ref": "Reference", "floor": "Etage", "door": "Dør", "credibility": "Troværdighed",
    "entrance_id": "Adgangsadresse id", "unit_id": "Adresse id", "x": "X", "y": "Y", "lon": "Lon",
    "lat": "Lat", "origin": "Afvist række",
}


def canonical_field(header: object) -> str | None:
    """The field a header means (``"Modtaget"`` → ``"received"``), or ``None``."""
    return _ALIAS.get(normalise_header(header))

REASONS: tuple[str, ...] = (
    "bad_encoding", "columns_mismatch", "field_too_long", "cpr_in_reference", "cpr_in_source",
    "date_missing", "date_invalid",
    "date_future", "kind_unknown", "credibility_invalid", "bad_coordinates", "address_missing",
    "address_not_found", "address_ambiguous", "outside_municipality",
)

_CREDIBILITY = {"1": 1, "2": 2, "3": 3, "lav": 1, "middel": 2, "mellem": 2, "høj": 3, "hoej": 3,
                "low": 1, "medium": 2, "high": 3}


class ImportFileError(InputError):
    """The whole file can't be used (``header_unknown``, unreadable file …)."""

    def __init__(self, message: str, code: str = "header_unknown") -> None:
        super().__init__(scrub(message)[0])
        self.code = code


@dataclass
class RawTable:
    """Rows of a report file before checking: original headers, canonical names, cells."""

    file_name: str
    headers: list[str]
    fields: list[str]  # canonical field per header ("" for an empty, unused header)
    rows: list[tuple[int, list[object]]]  # (spreadsheet row number, cells)
    points: dict[int, tuple[float, float] | None] = field(default_factory=dict)  # row → x, y (25832)


@dataclass
class Accepted:
    """A checked, matched report ready to store."""

    row: int
    kind: str
    received: date
    entrance_id: str
    unit_id: str | None
    source: str
    external_ref: str | None
    note: str
    credibility: int
    match_quality: str
    cpr_removed: bool
    content_hash: str
    key: str  # identifies the row across imports (to resolve earlier rejections)
    origin_key: str | None = None  # the rejected row this one fixes (``Afvist række``), if named


@dataclass
class Rejected:
    """A rejected row: where, which field, the value, the reason code and a readable message."""

    row: int
    field: str
    value: str
    reason: str
    message: str
    raw: dict
    key: str
    cpr_removed: bool = False
    origin_key: str | None = None

    def public(self) -> dict:
        return {"row": self.row, "field": self.field, "value": self.value, "reason": self.reason,
                "message": self.message}


@dataclass
class CheckResult:
    rows: int
    accepted: list[Accepted]
    rejected: list[Rejected]
    cpr_removed: int


# ------------------------------------------------------------------------------ reading


def normalise_header(h: object) -> str:
    """``" Modtaget_Dato "`` → ``"modtaget dato"``."""
    s = str(h or "").replace("\ufeff", "").casefold()
    s = re.sub(r"[_\-.:/]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_BAD = re.compile("[\x00\ufffd\udc80-\udcff]")
_UNSTORABLE = re.compile("[\x00\udc80-\udcff]")


def _bad_chars(value: str) -> bool:
    """NUL, U+FFFD or a byte that was not valid in the file's encoding."""
    return _BAD.search(value) is not None


def _clean(value: str) -> str:
    """``value`` with NUL and undecodable bytes shown as U+FFFD (safe to store)."""
    return _UNSTORABLE.sub("\ufffd", value) if _UNSTORABLE.search(value) else value


def _map_headers(headers: list[str], file_name: str, used: list[bool]) -> list[str]:
    fields: list[str] = []
    unknown: list[str] = []
    for h, is_used in zip(headers, used, strict=True):
        n = normalise_header(h)
        if not n:
            if is_used:
                unknown.append("(empty header)")
            fields.append("")
            continue
        canon = _ALIAS.get(n)
        if canon is None:
            unknown.append(str(h))
            fields.append("")
        else:
            fields.append(canon)
    if unknown:
        raise ImportFileError(
            f"{file_name}: column(s) {', '.join(repr(_clean(u)) for u in unknown)} are not known. "
            f"Rename them to one of the documented headers (docs/import.md), e.g. "
            f"Dato, Type, Adresse, Etage, Dør, Kilde, Bemærkning, Reference, Troværdighed.")
    dup = sorted({f for f in fields if f and f != "_ignore" and fields.count(f) > 1})
    if dup:
        raise ImportFileError(f"{file_name}: more than one column means {', '.join(dup)}; keep one")
    have = set(fields)
    missing = []
    if "received" not in have:
        missing.append("a date (Dato/Modtaget)")
    if "kind" not in have:
        missing.append("a kind (Type/Henvendelsestype)")
    if not (have & {"address", "street", "entrance_id", "unit_id"} or {"x", "y"} <= have
            or {"lon", "lat"} <= have):
        missing.append("an address (Adresse, or Vejnavn + Husnr, or a DAR id, or coordinates)")
    if missing:
        raise ImportFileError(f"{file_name}: the header lacks {', '.join(missing)}; "
                              f"found {', '.join(repr(_clean(str(h))) for h in headers)}")
    return fields


def _csv_table(data: bytes, file_name: str) -> RawTable:
    text = decode_text(data)
    try:
        records = [cells for _, cells in read_csv_rows(text, file_name)]
    except CsvQuotingError as exc:
        err = ImportFileError(str(exc), code="bad_quoting")
        err.line = exc.line  # the UI says it in the user's language
        raise err from exc
    # a record's position + 1 is the row a spreadsheet shows (quoted cells may span lines)
    if not records:
        raise ImportFileError(f"{file_name} is empty; expected a header row and reports")
    headers = records[0]
    if any(_bad_chars(h) for h in headers):
        raise ImportFileError(f"{file_name}: the header row holds NUL bytes or characters that are "
                              "not valid text; save the file as CSV (UTF-8) and try again", code="bad_encoding")
    rows = [(i + 1, list(r)) for i, r in enumerate(records) if i > 0]
    used = [any(j < len(r) and str(r[j]).strip() for _, r in rows) for j in range(len(headers))]
    fields = _map_headers(headers, file_name, used)
    return RawTable(file_name, headers, fields, rows)


def _xlsx_table(data: bytes, file_name: str) -> RawTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        records = [[_xlsx_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
        wb.close()
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one input error
        raise ImportFileError(f"{file_name} can't be read as an Excel workbook (.xlsx): {exc}",
                              code="bad_input") from exc
    if not records:
        raise ImportFileError(f"{file_name} is empty; expected a header row and reports")
    headers = ["" if h is None else str(h) for h in records[0]]
    rows = [(i + 1, r) for i, r in enumerate(records) if i > 0]
    used = [any(j < len(r) and r[j] not in (None, "") for _, r in rows) for j in range(len(headers))]
    while headers and not headers[-1] and not used[len(headers) - 1]:
        headers.pop()
        used.pop()
    fields = _map_headers(headers, file_name, used)
    return RawTable(file_name, headers, fields, rows)


def _xlsx_cell(value: object) -> object:
    """An Excel cell as the importer reads it: a number becomes its text, an integral one
    without ``.0`` (``DMMYYNNNN``: a CPR number whose leading zero Excel dropped is seen by
    the CPR guard); dates stay dates, text stays text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def _geo_table(data: bytes, file_name: str, suffix: str) -> RawTable:
    try:
        gdf = read_vector(data, "report file", file_name=file_name, suffix=suffix)
    except GeoInputError as exc:
        raise ImportFileError(str(exc), code="bad_input") from exc
    headers = [c for c in gdf.columns if c != gdf.geometry.name]
    points: dict[int, tuple[float, float] | None] = {}
    geoms = gdf.geometry
    ok = geoms.notna() & ~geoms.is_empty & (geoms.geom_type == "Point")
    work = gpd.GeoSeries(geoms.where(ok, None), crs=gdf.crs)
    with_geom = work.notna()
    if with_geom.any():
        work.loc[with_geom] = work[with_geom].to_crs(WORK_CRS)
    rows = []
    for i in range(len(gdf)):
        rownum = i + 2
        cells = [gdf[c].iloc[i] for c in headers]
        rows.append((rownum, [None if (isinstance(v, float) and math.isnan(v)) else v for v in cells]))
        g = work.iloc[i]
        if g is None or (hasattr(g, "is_empty") and g.is_empty):
            points[rownum] = None if geoms.iloc[i] is None else (math.nan, math.nan)
        else:
            points[rownum] = (g.x, g.y)
    fields = _map_headers_geo(headers, file_name)
    return RawTable(file_name, headers, fields, rows, points)


def _map_headers_geo(headers: list[str], file_name: str) -> list[str]:
    # the point stands in for an address column
    fake = [*headers, "x", "y"]
    fields = _map_headers(fake, file_name, [True] * len(fake))
    return fields[:-2]


def read_reports(source: str | Path | bytes, file_name: str | None = None) -> RawTable:
    """Read a report file (path or bytes) into a :class:`RawTable`.

    Raises :class:`ImportFileError` (``header_unknown``) when the header can't be used.
    """
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = file_name or "upload"
    else:
        p = Path(source)
        if not p.exists():
            raise ImportFileError(f"file {p} does not exist; check the path", code="bad_input")
        data = p.read_bytes()
        name = file_name or p.name
    name = scrub(name)[0]  # a file name can hold a CPR number, too
    suffix = Path(name).suffix.casefold()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        return _xlsx_table(data, name)
    if suffix in (".geojson", ".json", ".gpkg") or data[:16].startswith(b"SQLite format 3"):
        return _geo_table(data, name, ".gpkg" if suffix == ".gpkg" or data.startswith(b"SQLite") else ".geojson")
    if suffix in (".xls",):
        raise ImportFileError(f"{name}: old Excel files (.xls) are not read; save as .xlsx or CSV",
                              code="bad_input")
    return _csv_table(data, name)


# ------------------------------------------------------------------------------ values


_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_TIME_SPLIT = re.compile(r"[T ]")


def parse_date(value: object) -> date | None:
    """A report date, or ``None`` when the text is not a date in an accepted form.

    >>> parse_date("01-10-2026"), parse_date("1.10.2026"), parse_date("2026-10-01T08:00")
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 1), datetime.date(2026, 10, 1))
    >>> parse_date("31-02-2026") is None, parse_date("10/1/26") is None
    (True, True)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if len(s) == 10 and s[2] in "-./" and s[5] == s[2]:  # dd-mm-yyyy, the common case
        try:
            return date(int(s[6:]), int(s[3:5]), int(s[:2]))
        except ValueError:
            return None
    s = _DATE_TIME_SPLIT.split(s, maxsplit=1)[0]
    m = _DMY.match(s)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _YMD.match(s)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _fold_text(s: str) -> str:
    return " ".join(s.casefold().split())


def content_hash(kind: str, received: date, entrance_id: str, unit_id: str | None, source: str,
                 note: str) -> str:
    """SHA-256 of a report's normalised content (stored as ``signals.content_hash``)."""
    text = (f"{kind}\x1f{received.isoformat()}\x1f{entrance_id}\x1f{unit_id or ''}\x1f"
            f"{_fold_text(source)}\x1f{_fold_text(note)}")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _float(s: str) -> float:
    try:
        return float(s.strip().replace(",", "."))
    except ValueError:
        return math.nan


# ------------------------------------------------------------------------------ checking


def check_rows(table: RawTable, index: AddressIndex, *, as_of: date, source: str | None = None,
               progress: Callable[[float], None] | None = None, fast: bool = True) -> CheckResult:
    """Check every row of ``table``: accepted rows (matched) and rejected rows (with reason).

    ``source`` is used for rows without a source column value; one that holds a CPR-shaped
    number raises :class:`ImportFileError` (``cpr_in_source``). Never raises for a bad row.
    With ``fast``, rows in the common clean form (see :func:`_fast_exact`) are accepted by
    a lean one-pass path first; it accepts exactly what the full row check would (a test
    compares the two), every other row gets the full check.
    """
    accepted: list[Accepted] = []
    rejected: list[Rejected] = []
    cpr_rows = 0
    n_rows = 0
    total = max(1, len(table.rows))
    default_source = (source or "").strip()
    if contains_cpr(default_source):
        raise ImportFileError(
            "the source given for the file (--source / Kilde) holds a number shaped like a CPR number; "
            "nothing was imported. Give the partner's name as the source, without a CPR number",
            code="cpr_in_source")
    step = max(1, total // 50)
    ctx = _Ctx(table)
    share = 0.0
    quick: dict[int, Accepted] = {}
    if fast:
        # when the file suits the fast pass, it is the first half of the progress bar
        got = _fast_exact(table, ctx, index, as_of, default_source,
                          None if progress is None else (lambda f: progress(0.5 * f)))
        if got is not None:
            share, quick = 0.5, got
    for k, (rownum, cells) in enumerate(table.rows):
        if progress is not None and k % step == 0:
            progress(share + (1.0 - share) * k / total)
        done = quick.get(k)
        if done is not None:
            n_rows += 1
            accepted.append(done)
            continue
        texts = [c if type(c) is str else _text(c) for c in cells]
        if not "".join(texts).strip():
            continue  # blank row
        n_rows += 1
        outcome = _check_row(table, ctx, rownum, cells, texts, index, as_of, default_source)
        if outcome.cpr_removed:
            cpr_rows += 1
        (accepted if isinstance(outcome, Accepted) else rejected).append(outcome)
    if progress is not None:
        progress(1.0)
    return CheckResult(n_rows, accepted, rejected, cpr_rows)


#: the common clean address form: "Street 12B" or "Street 12B, 8305 Town" (no floor/door)
_FAST_ADDRESS = re.compile(
    r"^\s*(?P<street>[^\d,]*?[^\W\d_][^\d,]*?)[\s,]+(?P<num>\d{1,4}[a-zæøå]?)"
    r"(?:\s*,?\s*(?P<pc>\d{4})(?:\s+[^\d,]*?)?)?[\s,]*$", re.IGNORECASE)
_FAST_FIELDS = frozenset({"received", "kind", "address", "source", "note", "external_ref", "credibility",
                          "city", "origin", "floor", "door", "_ignore", ""})
_FAST_DMY = re.compile(r"^\d{2}([-./])\d{2}\1\d{4}$")
_FAST_REJECT = re.compile("[\x00\ufffd\udc80-\udcff]")
#: a cell with fewer than nine digits holds no CPR number (ten digits, or nine when Excel
#: dropped the leading zero), whatever the separators: only the others go to the CPR guard
_NINE_DIGITS = re.compile(r"(?:\d\D*){9}")


def _row_key(src: str, ref: str | None, origin: str, file_name: str, rownum: int) -> str:
    if ref:
        return f"ref:{_fold_text(src)}|{ref}"
    return f"row:{origin}" if origin else f"row:{file_name}|{rownum}"


def _fast_exact(table: RawTable, ctx: _Ctx, index: AddressIndex, as_of: date,
                default_source: str, progress: Callable[[float], None] | None = None) -> dict[int, Accepted] | None:
    """Rows (by position) that are clean and match exactly, found in one lean pass; ``None``
    when the file's columns do not suit it.

    Eligible: text cells only, one per header; no NUL/undecodable characters and nothing
    the CPR guard would remove (:func:`detection.cpr.contains_cpr`, cell by cell) in any
    cell; every cell within its length
    limit; a ``dd-mm-yyyy``-shaped date not after ``as_of``; a known kind; a valid or blank
    credibility; no floor or door; an address in the form of :data:`_FAST_ADDRESS` with exactly one entrance
    for its street + number (+ postcode). Anything else is left to the row-by-row path.
    """
    fields = ctx.fields
    if (table.points or "address" not in fields or not set(fields) <= _FAST_FIELDS
            or len(default_source) > MAX_SHORT):
        return None  # the file does not suit the fast pass
    n_h = len(table.headers)
    col_of = {f: j for j, f in ctx.positions}
    j_recv, j_kind, j_addr = col_of["received"], col_of["kind"], col_of["address"]
    j_cred = col_of.get("credibility")
    j_src, j_ref, j_note, j_origin = (col_of.get(f) for f in ("source", "external_ref", "note", "origin"))
    j_units = [col_of[f] for f in ("floor", "door") if f in col_of]
    long_cols = [(j, lim) for j, lim in enumerate(ctx.limits) if lim < MAX_FIELD]
    kinds: dict[str, str | None] = {}
    creds: dict[str, int | None] = {}
    st_memo, no_memo = index._street_memo, index._number_memo
    by_full, by_street_no, postcodes = index._by_full, index._by_street_no, index.postcodes
    reject_search, addr_match, dmy_match = _FAST_REJECT.search, _FAST_ADDRESS.match, _FAST_DMY.match
    nine_digits = _NINE_DIGITS.search
    file_name = table.file_name
    out: dict[int, Accepted] = {}
    total = max(1, len(table.rows))
    step = max(1, total // 50)
    for k, (rownum, cells) in enumerate(table.rows):
        if progress is not None and k % step == 0:
            progress(k / total)
        if len(cells) != n_h:
            continue
        try:
            joined = "\x1f".join(cells)
        except TypeError:
            continue  # a cell that is not text (Excel numbers, dates): row by row
        if reject_search(joined) or len(joined) > MAX_FIELD and max(map(len, cells)) > MAX_FIELD:
            continue
        if any(nine_digits(c) and contains_cpr(c) for c in cells):
            continue
        if any(len(cells[j]) > lim for j, lim in long_cols) or any(cells[j].strip() for j in j_units):
            continue
        r = cells[j_recv].strip()
        if not dmy_match(r):
            continue
        try:
            received = date(int(r[6:]), int(r[3:5]), int(r[:2]))
        except ValueError:
            continue
        if received > as_of:
            continue
        kv = cells[j_kind]
        if kv not in kinds:
            try:
                kinds[kv] = parse_kind(kv.strip())
            except InputError:
                kinds[kv] = None
        kind = kinds[kv]
        if kind is None:
            continue
        if j_cred is None:
            cred = 2
        else:
            cv = cells[j_cred]
            if cv not in creds:
                creds[cv] = _CREDIBILITY.get(_fold_text(cv).removesuffix(".0")) if cv.strip() else 2
            cred = creds[cv]
            if cred is None:
                continue
        m = addr_match(cells[j_addr])
        if m is None:
            continue
        street, num, pc = m.group("street").strip(" ,"), m.group("num"), m.group("pc")
        st = st_memo.get(street)
        if st is None:
            st = st_memo[street] = normalise_street(street)
        no = no_memo.get(num)
        if no is None:
            no = no_memo[num] = normalise_house_number(num)
        if pc is not None:
            if pc not in postcodes:
                continue
            hit = by_full.get((st, no, pc))
        else:
            hit = by_street_no.get((st, no))
        if not hit or len(hit) != 1:
            continue
        src = (cells[j_src].strip() if j_src is not None else "") or default_source
        ref = (cells[j_ref].strip() if j_ref is not None else "") or None
        note = cells[j_note].strip() if j_note is not None else ""
        origin = cells[j_origin].strip() if j_origin is not None else ""
        eid = hit[0]
        out[k] = Accepted(rownum, kind, received, eid, None, src, ref, note, cred, "exact", False,
                          content_hash(kind, received, eid, None, src, note),
                          _row_key(src, ref, origin, file_name, rownum), f"row:{origin}" if origin else None)
    return out


class _Ctx:
    """What every row of one table shares: field positions, limits, header names."""

    def __init__(self, table: RawTable) -> None:
        self.fields = table.fields
        self.positions = [(j, f) for j, f in enumerate(table.fields) if f and f != "_ignore"]
        self.limits = [MAX_SHORT if f in ("source", "external_ref") else MAX_FIELD for f in table.fields]
        self.header_of: dict[str, str] = {}
        for h, f in zip(table.headers, table.fields, strict=False):
            self.header_of.setdefault(f, str(h))
        self.received_at = table.fields.index("received") if "received" in table.fields else None


#: the register's ids (DAR UUIDs) are identifiers: checked as one (a CPR number standing alone
#: refuses it), never scrubbed inside, where a UUID's hex groups can read like a date and four digits across a dash
_REGISTER_IDS = frozenset({"entrance_id", "unit_id"})


def _check_row(table: RawTable, ctx: _Ctx, rownum: int, cells: list[object], texts: list[str],
               index: AddressIndex, as_of: date, default_source: str) -> Accepted | Rejected:
    headers = table.headers
    # 1. encoding, before anything else reads the text
    joined = "\x1f".join(texts)
    bad_field = next((i for i, s in enumerate(texts) if _bad_chars(s)), None) if _bad_chars(joined) else None
    n_cpr = 0
    cpr_fields: set[str] = set()
    clean_texts = []
    for j, s in enumerate(texts):
        if j < len(ctx.fields) and ctx.fields[j] in _REGISTER_IDS and not identifier_has_cpr(s):
            clean_texts.append(s)  # a DAR id is a UUID: its hex digits can spell a date + 4 digits
            continue
        s2, n = scrub(_clean(s) if bad_field is not None else s)
        if n:
            n_cpr += n
            cpr_fields.add(ctx.fields[j] if j < len(ctx.fields) else "")
        clean_texts.append(s2)
    n_cells = len(clean_texts)
    vals = {f: clean_texts[j].strip() for j, f in ctx.positions if j < n_cells}
    src = vals.get("source") or default_source
    ref = vals.get("external_ref") or None
    origin = vals.get("origin", "")
    # a reference or source that held a CPR number identifies nothing after scrubbing
    key = _row_key(src, None if cpr_fields & {"external_ref", "source"} else ref, origin,
                   table.file_name, rownum)
    origin_key = f"row:{origin}" if origin else None
    flagged = n_cpr > 0

    def reject(fld: str, value: str, reason: str, message: str) -> Rejected:
        v = value if len(value) <= 200 else value[:200] + "…"
        raw = {str(h) or f"col{j + 1}": (clean_texts[j][:MAX_FIELD + 1] if j < len(clean_texts) else "")
               for j, h in enumerate(headers)}
        return Rejected(rownum, fld, v, reason, f"row {rownum}: {message}", raw, key, flagged, origin_key)

    def header_of(canon: str) -> str:
        return ctx.header_of.get(canon, canon)

    if bad_field is not None:
        return reject(str(headers[bad_field]) if bad_field < len(headers) else f"col{bad_field + 1}",
                      clean_texts[bad_field], "bad_encoding",
                      "the cell holds NUL bytes or characters that are not valid text in the file's "
                      "encoding; save the file again as CSV (UTF-8) or Excel")
    extra = [s for s in clean_texts[len(headers):] if s.strip()] if n_cells > len(headers) else None
    if extra:
        return reject("", ";".join(extra), "columns_mismatch",
                      f"the row has {len(headers) + len(extra)} cells but the header has {len(headers)} "
                      "(a delimiter inside an unquoted cell?); quote the cell or remove the delimiter")
    for j, s in (enumerate(clean_texts[: len(headers)]) if max(map(len, clean_texts), default=0) > MAX_SHORT
                 else ()):
        limit = ctx.limits[j]
        if len(s) > limit:
            return reject(str(headers[j]), s, "field_too_long",
                          f"field {headers[j]!r} has {len(s):,} characters; at most {limit:,} are kept")
    if len(src) > MAX_SHORT:
        return reject("source", src, "field_too_long", f"the source has more than {MAX_SHORT} characters")
    if "external_ref" in cpr_fields:
        return reject(header_of("external_ref"), vals.get("external_ref", ""), "cpr_in_reference",
                      "the reference holds a number shaped like a CPR number; it was removed and the row is "
                      "not imported (two such references would look alike). Give the row the partner's "
                      "case number or another reference without a CPR number, and import it again")
    if "source" in cpr_fields:
        return reject(header_of("source"), vals.get("source", ""), "cpr_in_source",
                      "the source holds a number shaped like a CPR number; it was removed and the row is "
                      "not imported. Write the partner's name as the source, without a CPR number, and "
                      "import the row again")
    # 2. date
    recv_cell = cells[ctx.received_at] if ctx.received_at is not None and ctx.received_at < len(cells) else None
    recv_text = vals.get("received", "")
    if not recv_text:
        return reject(header_of("received"), "", "date_missing", "the date is missing")
    received = parse_date(recv_cell if isinstance(recv_cell, date) else recv_text)
    if received is None:
        return reject(header_of("received"), recv_text, "date_invalid",
                      f"{recv_text!r} is not a date; write dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd")
    if received > as_of:
        return reject(header_of("received"), recv_text, "date_future",
                      f"{received.isoformat()} is after today ({as_of.isoformat()})")
    # 3. kind
    kind_text = vals.get("kind", "")
    try:
        kind = parse_kind(kind_text)
    except InputError as exc:
        return reject(header_of("kind"), kind_text, "kind_unknown",
                      str(exc) if kind_text else "the kind is missing; " + str(exc).split("; ", 1)[-1])
    # 4. credibility
    cred_text = vals.get("credibility", "")
    if cred_text:
        cred = _CREDIBILITY.get(_fold_text(cred_text).removesuffix(".0"))
        if cred is None:
            return reject(header_of("credibility"), cred_text, "credibility_invalid",
                          f"credibility {cred_text!r} must be 1, 2 or 3 (lav, middel, høj)")
    else:
        cred = 2
    # 5. place
    x = y = None
    if rownum in table.points:
        pt = table.points[rownum]
        if pt is not None:
            x, y = pt
            if not (math.isfinite(x) and math.isfinite(y)):
                return reject("geometry", "", "bad_coordinates", "the feature is not a usable point")
    elif vals.get("x") or vals.get("y"):
        x, y = _float(vals.get("x", "")), _float(vals.get("y", ""))
        if not (math.isfinite(x) and math.isfinite(y)):
            return reject(header_of("x"), f"{vals.get('x', '')} {vals.get('y', '')}", "bad_coordinates",
                          "x/y must be numbers (EPSG:25832 metres)")
    elif vals.get("lon") or vals.get("lat"):
        lon, lat = _float(vals.get("lon", "")), _float(vals.get("lat", ""))
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            return reject(header_of("lon"), f"{vals.get('lon', '')} {vals.get('lat', '')}", "bad_coordinates",
                          "lon/lat must be numbers in degrees")

        xs, ys = lonlat_to_xy([lon], [lat])
        x, y = float(xs[0]), float(ys[0])
    has_text_place = any(vals.get(f) for f in ("address", "street", "entrance_id", "unit_id"))
    if x is not None and not has_text_place:
        m = index.match_point(x, y)
        place_field, place_value = "coordinates", f"{x:.1f} {y:.1f}"
    else:
        m = index.match(vals.get("address", ""), floor=vals.get("floor", ""), door=vals.get("door", ""),
                        postcode=vals.get("postcode", ""), street=vals.get("street", ""),
                        house_number=vals.get("house_number", ""), entrance_id=vals.get("entrance_id", ""),
                        unit_id=vals.get("unit_id", ""))
        for f in ("unit_id", "entrance_id", "street", "address"):
            if vals.get(f):
                place_field, place_value = header_of(f), vals[f]
                break
        else:
            place_field, place_value = header_of("address"), ""
    if not m.ok:
        return reject(place_field, place_value, m.reason, m.message)
    note = vals.get("note", "")
    return Accepted(rownum, kind, received, m.entrance_id, m.unit_id, src, ref, note, cred,
                    m.quality, flagged, content_hash(kind, received, m.entrance_id, m.unit_id, src, note), key,
                    origin_key)


def split_duplicates(accepted: Iterable[Accepted], *, known_refs: set[tuple[str, str]],
                     known_hashes: set[str]) -> tuple[list[Accepted], list[Accepted]]:
    """New rows and duplicates: same source + external reference, else same content hash —
    against the store (``known_*``) and earlier rows of the same file.

    A row flagged ``cpr_removed`` is never a duplicate by its content hash and its hash
    makes no later row one (its scrubbed content does not tell which report it was);
    ``known_hashes`` must likewise hold no hash of a stored ``cpr_removed`` signal.
    """
    refs = set(known_refs)
    hashes = set(known_hashes)
    new: list[Accepted] = []
    dups: list[Accepted] = []
    for a in accepted:
        if a.external_ref:
            dup = (a.source, a.external_ref) in refs
        else:
            dup = not a.cpr_removed and a.content_hash in hashes
        if dup:
            dups.append(a)
            continue
        if a.external_ref:
            refs.add((a.source, a.external_ref))
        if not a.cpr_removed:
            hashes.add(a.content_hash)
        new.append(a)
    return new, dups


def raw_json(raw: dict) -> str:
    return json.dumps(raw, ensure_ascii=False)

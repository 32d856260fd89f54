"""The address register: entrances (adgangsadresser) and units (enhedsadresser).

Danish address normalisation lives here so that everything that matches addresses
(register import, partner reports, outcomes) agrees on one form.

Readers return a :class:`RegisterRead`: the usable rows and a ``problems`` frame with one
row per register row that was skipped or kept with a remark (``row`` as a spreadsheet
shows it, header = row 1; ``field``; ``value``; ``reason``; ``message``; ``kept``).
Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo.crs import in_denmark, lonlat_to_xy
from geo.errors import RegisterError

ENTRANCE_COLUMNS = [
    "entrance_id", "street", "house_number", "postcode", "city", "kommunekode", "x", "y", "source",
]
UNIT_COLUMNS = ["unit_id", "entrance_id", "floor", "door"]
PROBLEM_COLUMNS = ["file", "row", "field", "value", "reason", "message", "kept"]

OSM_NAMESPACE = uuid.UUID("6f1c7a52-3f0e-4c55-9b8e-0e6c2d5e8a10")


@dataclass(frozen=True)
class RegisterRead:
    """Rows read from a register file and the rows that were skipped or remarked on."""

    rows: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))


# --------------------------------------------------------------------------- normalisation

_PUNCT = re.compile(r"[.,;:'\"()\[\]/\\]+")
_SPACE = re.compile(r"\s+")
_HOUSE = re.compile(r"^\s*0*(\d+)\s*([A-Za-zÆØÅæøå]?)\s*$")

_FLOOR_WORDS = {
    "st": "st", "stuen": "st", "stue": "st", "0": "st", "parterre": "st",
    "kl": "kl", "kælder": "kl", "kaelder": "kl", "k": "kl",
}
_DOOR_WORDS = {
    "tv": "tv", "til venstre": "tv", "venstre": "tv",
    "th": "th", "til højre": "th", "højre": "th", "til hoejre": "th",
    "mf": "mf", "midt for": "mf", "midtfor": "mf", "midt": "mf",
}


def fold_text(text: object) -> str:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    return s


def normalise_street(street: object) -> str:
    """Street name in matching form: case-folded, punctuation removed, spaces collapsed.

    >>> normalise_street("  H.C. Andersens   Boulevard ")
    'h c andersens boulevard'
    """
    s = _PUNCT.sub(" ", fold_text(street)).replace("-", " ")
    return _SPACE.sub(" ", s).strip()


def normalise_house_number(house_number: object) -> str:
    """House number in matching form: no leading zeros or spaces, letter lower-case.

    >>> normalise_house_number(" 012 B")
    '12b'
    """
    s = fold_text(house_number).strip()
    m = _HOUSE.match(s)
    if m:
        return m.group(1) + m.group(2)
    return _SPACE.sub("", s)


def normalise_postcode(postcode: object) -> str:
    """Four-digit postcode as a string, or '' when missing.

    >>> normalise_postcode(8305.0)
    '8305'
    """
    if postcode is None or (isinstance(postcode, float) and np.isnan(postcode)):
        return ""
    s = str(postcode).strip()
    if s.endswith(".0"):
        s = s[:-2]
    return s


def normalise_floor(floor: object) -> str:
    """Floor in DAR form: ``st``, ``kl``, ``1``, ``2`` …, or '' when none.

    >>> [normalise_floor(v) for v in ["St.", "stuen", "1.", "01", "kælder", None]]
    ['st', 'st', '1', '1', 'kl', '']
    """
    s = _SPACE.sub(" ", _PUNCT.sub(" ", fold_text(floor))).strip()
    if not s:
        return ""
    if s in _FLOOR_WORDS:
        return _FLOOR_WORDS[s]
    m = re.fullmatch(r"0*(\d+)(?: sal)?", s)
    if m:
        return m.group(1) if m.group(1) != "0" else "st"
    return s


def normalise_door(door: object) -> str:
    """Door in DAR form: ``tv``, ``th``, ``mf``, or a number/letter, '' when none.

    >>> [normalise_door(v) for v in ["T.V.", "til højre", "mf", "03", None]]
    ['tv', 'th', 'mf', '3', '']
    """
    s = _SPACE.sub(" ", _PUNCT.sub(" ", fold_text(door))).strip()
    if not s:
        return ""
    compact = s.replace(" ", "")
    if s in _DOOR_WORDS:
        return _DOOR_WORDS[s]
    if compact in _DOOR_WORDS:
        return _DOOR_WORDS[compact]
    m = re.fullmatch(r"0*(\d+)([a-zæøå]?)", compact)
    if m:
        return (m.group(1) or "0") + m.group(2)
    return compact


def address_key(street: object, house_number: object, postcode: object = "") -> str:
    """The key two spellings of one entrance share: ``street|number|postcode``.

    >>> address_key("Agerup", "2", "8305") == address_key("AGERUP ", "02", 8305)
    True
    """
    return f"{normalise_street(street)}|{normalise_house_number(house_number)}|{normalise_postcode(postcode)}"


def format_address(street: object, house_number: object, postcode: object = "", city: object = "",
                   floor: object = "", door: object = "") -> str:
    """Human form: ``Agerup 2, 1. tv, 8305 Samsø``."""
    parts = [f"{street or ''} {house_number or ''}".strip()]
    fl = normalise_floor(floor)
    dr = normalise_door(door)
    if fl or dr:
        unit = (f"{fl}." if fl and fl not in ("st", "kl") else fl) + (f" {dr}" if dr else "")
        parts.append(unit.strip())
    pc = normalise_postcode(postcode)
    town = f"{pc} {city or ''}".strip()
    if town:
        parts.append(town)
    return ", ".join(p for p in parts if p)


# --------------------------------------------------------------------------- readers


def _problem(file: str, row: int, field_: str, value: object, reason: str, message: str,
             kept: bool = False) -> dict:
    return {"file": file, "row": row, "field": field_, "value": "" if value is None else str(value),
            "reason": reason, "message": message, "kept": kept}


_DELIMITERS = (";", ",", "\t")


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    """A register CSV (UTF-8, with or without BOM; ``;``, ``,`` or tab) as strings, or a
    :class:`RegisterError` that says what to fix: missing, not a file, empty, not CSV."""
    if not path.exists():
        raise RegisterError(f"{what} file {path} does not exist; check the path")
    if not path.is_file():
        raise RegisterError(f"{what} file {path} is not a file; give the path of the CSV file")
    try:
        with path.open("rb") as fh:
            head = fh.read(65_536)
    except OSError as exc:
        raise RegisterError(f"{what} file {path} can't be opened ({exc.strerror}); check its permissions") from exc
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise RegisterError(f"{what} file {path} is empty; export the extract again, with its header row")
    if b"\x00" in head:
        raise RegisterError(f"{what} file {path} is not a text (CSV) file (it holds NUL bytes); "
                            "export the extract as CSV in UTF-8")
    # the delimiter is the most frequent of ; , and tab in the header line (as detection.tabular)
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = {d: first.count(d) for d in _DELIMITERS}
    sep = max(counts, key=counts.get) if max(counts.values()) > 0 else ","
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=sep)
    except UnicodeDecodeError as exc:
        raise RegisterError(f"{what} file {path} is not UTF-8 text; export the extract as CSV in UTF-8") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as exc:
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RegisterError(f"{what} file {path} can't be read as CSV ({why}); "
                            "export the extract again as CSV with a header row") from exc


def _require_columns(df: pd.DataFrame, path: Path, what: str, required: list[str]) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise RegisterError(
            f"{what} file {path} lacks column(s) {', '.join(missing)}; "
            f"expected the columns of a DAR extract ({', '.join(required)}), got {', '.join(df.columns)}"
        )


def _valid_uuid(s: str) -> str | None:
    try:
        return str(uuid.UUID(s.strip()))
    except (ValueError, AttributeError):
        return None


def _float(s: str) -> float:
    try:
        return float(str(s).replace(",", "."))
    except ValueError:
        return float("nan")


def _floats(col: pd.Series) -> np.ndarray:
    """A column of numbers written as text (``,`` or ``.`` as decimal mark) as floats; NaN
    where a cell is no number (also for an empty column)."""
    return np.asarray(col.map(_float).to_numpy(), dtype=float)


def read_dar_entrances(path: str | Path) -> RegisterRead:
    """Read a DAR entrance extract (the columns of ``dawa_test_adgangsadresser.csv``).

    Required columns: ``adgangsadresse_id``, ``vejnavn``, ``husnr``, ``postnr`` and either
    ``x_25832``/``y_25832`` (metres) or ``lon``/``lat`` (degrees). Optional:
    ``kommunekode`` (padded to 4 digits), ``postnrnavn``.

    Rows without a valid id, without usable coordinates or repeating an id are skipped
    and reported in ``problems``.
    """
    path = Path(path)
    what = "address (entrance)"
    df = _read_csv(path, what)
    _require_columns(df, path, what, ["adgangsadresse_id", "vejnavn", "husnr", "postnr"])
    has_xy = {"x_25832", "y_25832"} <= set(df.columns)
    has_ll = {"lon", "lat"} <= set(df.columns)
    if not (has_xy or has_ll):
        raise RegisterError(
            f"{what} file {path} has no coordinates; expected columns x_25832 and y_25832 "
            "(EPSG:25832 metres) or lon and lat (degrees)"
        )
    if df.empty:
        raise RegisterError(f"{what} file {path} has a header but no rows; export the extract "
                            "again with the municipality's entrances in it")
    x = _floats(df["x_25832"]) if has_xy else np.full(len(df), np.nan)
    y = _floats(df["y_25832"]) if has_xy else np.full(len(df), np.nan)
    if has_ll:
        lx, ly = lonlat_to_xy(_floats(df["lon"]), _floats(df["lat"]))
        use_ll = ~(np.isfinite(x) & np.isfinite(y))
        x = np.where(use_ll, lx, x)
        y = np.where(use_ll, ly, y)
    problems: list[dict] = []
    rows: list[dict] = []
    seen: set[str] = set()
    name = path.name
    for i, rec in enumerate(df.itertuples(index=False)):
        rownum = i + 2
        raw_id = rec.adgangsadresse_id
        eid = _valid_uuid(raw_id)
        if eid is None:
            problems.append(_problem(name, rownum, "adgangsadresse_id", raw_id, "id_missing",
                                     f"row {rownum}: field 'adgangsadresse_id' = {raw_id!r} is not a DAR id (UUID); row skipped"))
            continue
        if eid in seen:
            problems.append(_problem(name, rownum, "adgangsadresse_id", raw_id, "duplicate_id",
                                     f"row {rownum}: id {eid} appears earlier in the file; the repeat is skipped"))
            continue
        xi, yi = x[i], y[i]
        if not in_denmark(xi, yi):
            fld = "x_25832/y_25832" if has_xy else "lon/lat"
            problems.append(_problem(name, rownum, fld, f"{xi},{yi}", "bad_coordinates",
                                     f"row {rownum} (id {eid}): coordinates {xi},{yi} are missing or outside Denmark (EPSG:25832); row skipped"))
            continue
        seen.add(eid)
        kk = getattr(rec, "kommunekode", "") if "kommunekode" in df.columns else ""
        rows.append({
            "entrance_id": eid,
            "street": str(rec.vejnavn).strip(),
            "house_number": str(rec.husnr).strip(),
            "postcode": normalise_postcode(rec.postnr),
            "city": str(getattr(rec, "postnrnavn", "") if "postnrnavn" in df.columns else "").strip(),
            "kommunekode": kk.strip().zfill(4) if kk and kk.strip() else "",
            "x": float(xi), "y": float(yi), "source": "dar",
        })
    return RegisterRead(pd.DataFrame(rows, columns=ENTRANCE_COLUMNS),
                        pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


def entrances_from_osm(osm: pd.DataFrame, *, file: str = "osm") -> RegisterRead:
    """Turn :func:`geo.osm.read_osm_entrances` output into register rows.

    An element without ``osak:identifier`` gets a stable UUID derived from its OSM id
    (reported as kept, reason ``id_derived``); a repeated DAR id is skipped
    (``duplicate_id``); a missing postcode is kept and reported (``postcode_missing``).
    """
    problems: list[dict] = []
    rows: list[dict] = []
    seen: set[str] = set()
    for i, rec in enumerate(osm.itertuples(index=False)):
        ref = rec.osm_ref
        eid = rec.entrance_id if isinstance(rec.entrance_id, str) and rec.entrance_id else None
        if eid is None:
            eid = str(uuid.uuid5(OSM_NAMESPACE, ref))
            problems.append(_problem(file, i + 1, "osak:identifier", ref, "id_derived",
                                     f"{ref} ({rec.street} {rec.house_number}) has no osak:identifier; "
                                     f"kept with id {eid} derived from the OSM id", kept=True))
        if eid in seen:
            problems.append(_problem(file, i + 1, "osak:identifier", eid, "duplicate_id",
                                     f"{ref} ({rec.street} {rec.house_number}) repeats DAR id {eid}; skipped"))
            continue
        if not (np.isfinite(rec.x) and np.isfinite(rec.y)):
            problems.append(_problem(file, i + 1, "location", ref, "bad_coordinates",
                                     f"{ref} has no usable location; skipped"))
            continue
        pc = normalise_postcode(rec.postcode)
        if not pc:
            problems.append(_problem(file, i + 1, "addr:postcode", "", "postcode_missing",
                                     f"{ref} ({rec.street} {rec.house_number}) has no addr:postcode; kept", kept=True))
        seen.add(eid)
        rows.append({
            "entrance_id": eid, "street": str(rec.street).strip(),
            "house_number": str(rec.house_number).strip(), "postcode": pc,
            "city": str(rec.city).strip() if isinstance(rec.city, str) else "",
            "kommunekode": "", "x": float(rec.x), "y": float(rec.y), "source": "osm",
        })
    return RegisterRead(pd.DataFrame(rows, columns=ENTRANCE_COLUMNS),
                        pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


def read_dar_units(path: str | Path, *, entrance_ids: set[str]) -> RegisterRead:
    """Read a DAR unit extract (``dawa_test_enhedsadresser.csv`` columns).

    Required: ``adresse_id``, ``adgangsadresse_id``, ``etage``, ``doer``. A unit whose
    entrance is not in ``entrance_ids`` is skipped (``entrance_unknown``).
    """
    path = Path(path)
    what = "unit"
    df = _read_csv(path, what)
    _require_columns(df, path, what, ["adresse_id", "adgangsadresse_id", "etage", "doer"])
    problems: list[dict] = []
    rows: list[dict] = []
    seen: set[str] = set()
    for i, rec in enumerate(df.itertuples(index=False)):
        rownum = i + 2
        uid = _valid_uuid(rec.adresse_id)
        eid = _valid_uuid(rec.adgangsadresse_id)
        if uid is None:
            problems.append(_problem(path.name, rownum, "adresse_id", rec.adresse_id, "id_missing",
                                     f"row {rownum}: field 'adresse_id' = {rec.adresse_id!r} is not a DAR id; row skipped"))
            continue
        if uid in seen:
            problems.append(_problem(path.name, rownum, "adresse_id", uid, "duplicate_id",
                                     f"row {rownum}: unit id {uid} appears earlier in the file; skipped"))
            continue
        if eid is None or eid not in entrance_ids:
            problems.append(_problem(path.name, rownum, "adgangsadresse_id", rec.adgangsadresse_id,
                                     "entrance_unknown",
                                     f"row {rownum}: unit {uid} belongs to entrance {rec.adgangsadresse_id!r}, which is not in the workspace's register; skipped"))
            continue
        seen.add(uid)
        rows.append({"unit_id": uid, "entrance_id": eid,
                     "floor": normalise_floor(rec.etage), "door": normalise_door(rec.doer)})
    return RegisterRead(pd.DataFrame(rows, columns=UNIT_COLUMNS),
                        pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


BUILDING_COLUMNS = ["building_id", "entrance_id", "use_code", "year_built", "flats", "x", "y"]
BBR_UNIT_COLUMNS = ["bbr_unit_id", "unit_id", "use_code", "dwelling_type", "rooms", "tenure", "public_support"]


def read_bbr_buildings(path: str | Path, *, entrance_ids: set[str]) -> RegisterRead:
    """Read BBR buildings (``bbr2020_test_bygninger.csv`` columns) linked to entrances.

    ``use_code`` is ``byg021``; ``flats`` = ``byg024`` + ``byg025`` (flats with and without
    kitchen). A building whose entrance is unknown is kept unlinked (``entrance_unknown``).
    """
    path = Path(path)
    what = "BBR building"
    df = _read_csv(path, what)
    _require_columns(df, path, what, ["bygning_id", "adgangsadresse_id", "byg021_anvendelse"])
    problems: list[dict] = []
    rows: list[dict] = []
    seen: set[str] = set()
    for i, rec in enumerate(df.to_dict("records")):
        rownum = i + 2
        bid = _valid_uuid(rec["bygning_id"])
        if bid is None or bid in seen:
            reason = "id_missing" if bid is None else "duplicate_id"
            problems.append(_problem(path.name, rownum, "bygning_id", rec["bygning_id"], reason,
                                     f"row {rownum}: building id {rec['bygning_id']!r} is missing or repeated; skipped"))
            continue
        seen.add(bid)
        eid = _valid_uuid(rec["adgangsadresse_id"])
        if eid is not None and eid not in entrance_ids:
            problems.append(_problem(path.name, rownum, "adgangsadresse_id", eid, "entrance_unknown",
                                     f"row {rownum}: building {bid} points to entrance {eid}, not in the register; kept unlinked",
                                     kept=True))
            eid = None
        flats = sum(int(_float(rec.get(c, "0")) or 0) if np.isfinite(_float(rec.get(c, "0"))) else 0
                    for c in ("byg024_lejl_m_koekken", "byg025_lejl_u_koekken"))
        year = _float(rec.get("byg026_opfoerelsesaar", ""))
        rows.append({"building_id": bid, "entrance_id": eid, "use_code": str(rec["byg021_anvendelse"]).strip(),
                     "year_built": int(year) if np.isfinite(year) else None, "flats": flats,
                     "x": _float(rec.get("x_25832", "")), "y": _float(rec.get("y_25832", ""))})
    return RegisterRead(pd.DataFrame(rows, columns=BUILDING_COLUMNS),
                        pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


def read_bbr_units(path: str | Path, *, unit_ids: set[str]) -> RegisterRead:
    """Read BBR units (``bbr2020_test_enheder.csv`` columns) linked to unit addresses.

    Keeps ``enh020`` use, ``enh023`` dwelling type, ``enh031`` rooms, ``enh045`` tenure
    (1 = rented) and ``enh046`` public support (10 = social family housing).
    """
    path = Path(path)
    what = "BBR unit"
    df = _read_csv(path, what)
    _require_columns(df, path, what, ["enhed_id", "adresse_id", "enh020_anvendelse"])
    problems: list[dict] = []
    rows: list[dict] = []
    seen: set[str] = set()
    for i, rec in enumerate(df.to_dict("records")):
        rownum = i + 2
        bid = _valid_uuid(rec["enhed_id"])
        if bid is None or bid in seen:
            reason = "id_missing" if bid is None else "duplicate_id"
            problems.append(_problem(path.name, rownum, "enhed_id", rec["enhed_id"], reason,
                                     f"row {rownum}: BBR unit id {rec['enhed_id']!r} is missing or repeated; skipped"))
            continue
        uid = _valid_uuid(rec["adresse_id"])
        if uid is None or uid not in unit_ids:
            problems.append(_problem(path.name, rownum, "adresse_id", rec["adresse_id"], "unit_unknown",
                                     f"row {rownum}: BBR unit {bid} points to unit address {rec['adresse_id']!r}, not in the register; skipped"))
            continue
        seen.add(bid)
        rows.append({"bbr_unit_id": bid, "unit_id": uid,
                     "use_code": str(rec.get("enh020_anvendelse", "")).strip(),
                     "dwelling_type": str(rec.get("enh023_boligtype", "")).strip(),
                     "rooms": str(rec.get("enh031_vaerelser", "")).strip(),
                     "tenure": str(rec.get("enh045_udlejningsforhold", "")).strip(),
                     "public_support": str(rec.get("enh046_offentlig_stoette", "")).strip()})
    return RegisterRead(pd.DataFrame(rows, columns=BBR_UNIT_COLUMNS),
                        pd.DataFrame(problems, columns=PROBLEM_COLUMNS))

"""Write the partner-report test files in this folder (run: python tests/data/reports/make_reports.py).

Addresses are real Nordby (Samsø) entrances from the OSM fixture, so the files match both
the Nordby test workspace and the Samsø demo. Every report is invented and names no one;
the CPR-shaped numbers are made up (and removed on import). Dates are before 2026-11-01
(the tests' "today") except the one meant to be in the future.

Files:

- ``danish_excel_cp1252.csv``: Danish Excel "CSV (semikolonsepareret)": Windows-1252,
  ``;``, Danish headers; one row per reason code plus good rows of every quality.
- ``danish_excel_cp1252_fixed.csv``: the same with the unknown-kind row fixed.
- ``danish_excel_utf8_bom.csv``: Excel "CSV UTF-8": BOM, ``;``, the good rows.
- ``partner_english.xlsx``: English headers, street/number/postcode columns, date cells.
- ``points.geojson``: points with Danish properties (one outside the municipality, one
  outside Denmark, one without geometry).
- ``comma_utf8.csv``: ``,`` delimiter, UTF-8 without BOM, ISO dates, DAR ids.
- ``unknown_header.csv``: a column no alias names.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = ["Dato", "Henvendelsestype", "Adresse", "Etage", "Dør", "Kilde", "Bemærkning", "Reference",
          "Troværdighed"]

#: good rows: (date, kind, address, floor, door, source, note, ref, credibility) → expected quality
GOOD = [
    (["01-10-2026", "Udlejer", "Kassundet 5, 8305 Samsø", "", "", "Samsø Boligselskab",
      "Udlejer oplyser om ubetalt husleje", "SB-1001", "3"], "exact"),
    (["02.10.2026", "naboklage", "kassundet 6", "1", "tv", "Samsø Boligselskab",
      "Naboer klager over lugt fra opgangen", "SB-1002", ""], "exact"),
    (["2026-10-03", "Udsættelsestruet", "KASSUNDET 07, 8305", "st", "th", "Fogedretten (fiktiv)",
      "Fogedsag berammet; <b>ingen</b> kontakt", "FR-77", "2"], "exact"),
    (["04-10-2026", "Boligselskab", "Hjortgyd 2", "", "", "Samsø Boligselskab",
      "=HYPERLINK(\"http://example.invalid\") beboer svarer ikke", "SB-1003", "høj"], "corrected"),
    (["05-10-2026", "Vicevært", "Kasundt 8, 8305 Samsø", "", "", "Viceværten Nordby",
      "Post hober sig op; borger 010190-1234 nævnt i mail", "VV-1", "2"], "uncertain"),
    (["06-10-2026", "bekymring fra hjemmeplejen", "Nordby Hovedgade 13A", "", "", "Hjemmeplejen",
      "Hjemmeplejen har ikke kunnet komme ind", "", "1"], "exact"),
    (["07-10-2026", "andet", "Hæderlighedsgyden 3", "", "", "Lokalpolitiet (fiktiv)",
      "<script>alert(1)</script> stille henvendelse", "", ""], "corrected"),
]

#: rejected rows: cells → reason
BAD = [
    (["", "Udlejer", "Kassundet 3", "", "", "Samsø Boligselskab", "ingen dato", "SB-2001", ""], "date_missing"),
    (["32-13-2026", "Udlejer", "Kassundet 3", "", "", "Samsø Boligselskab", "forkert dato", "SB-2002", ""],
     "date_invalid"),
    (["01-01-2099", "Udlejer", "Kassundet 3", "", "", "Samsø Boligselskab", "fremtid", "SB-2003", ""],
     "date_future"),
    (["08-10-2026", "Kommunekontor", "Kassundet 4", "", "", "Samsø Boligselskab", "ukendt type", "SB-2004", ""],
     "kind_unknown"),
    (["08-10-2026", "Udlejer", "", "", "", "Samsø Boligselskab", "ingen adresse", "SB-2005", ""],
     "address_missing"),
    (["08-10-2026", "Udlejer", "Fantasivej 99", "", "", "Samsø Boligselskab", "findes ikke", "SB-2006", ""],
     "address_not_found"),
    (["08-10-2026", "Udlejer", "Østre Ringvej 20", "", "", "Samsø Boligselskab", "20A-20D?", "SB-2007", ""],
     "address_ambiguous"),
    (["08-10-2026", "Udlejer", "Vestergade 1, 8000 Aarhus C", "", "", "Samsø Boligselskab", "uden for kommunen",
      "SB-2008", ""], "outside_municipality"),
    (["08-10-2026", "Udlejer", "Kassundet 3", "", "", "Samsø Boligselskab", "x" * 2001, "SB-2009", ""],
     "field_too_long"),
    (["08-10-2026", "Udlejer", "Kassundet 3", "", "", "Samsø Boligselskab", "troværdighed?", "SB-2010", "7"],
     "credibility_invalid"),
]

FIXED_ROW = ["08-10-2026", "Udlejer", "Kassundet 4", "", "", "Samsø Boligselskab", "ukendt type", "SB-2004", ""]


def _csv(rows: list[list[str]], delimiter: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def danish_rows(*, fixed: bool = False) -> list[list[str]]:
    rows = [HEADER] + [r for r, _ in GOOD] + [r for r, _ in BAD]
    if fixed:
        rows = [FIXED_ROW if r[7] == "SB-2004" else r for r in rows]
    return rows


def expected_danish() -> list[tuple[int, str]]:
    """(row number, expected quality or reason) for ``danish_excel_cp1252.csv``."""
    out = [(i + 2, q) for i, (_, q) in enumerate(GOOD)]
    out += [(len(GOOD) + i + 2, reason) for i, (_, reason) in enumerate(BAD)]
    # + the extra rows below
    n = len(GOOD) + len(BAD) + 2
    out += [(n, "bad_encoding"), (n + 1, "columns_mismatch")]
    return out


def write_danish_cp1252(path: Path, *, fixed: bool = False) -> None:
    text = _csv(danish_rows(fixed=fixed), ";")
    data = text.encode("cp1252")
    # a row with a NUL byte (bad_encoding) and a row with a cell too many (columns_mismatch)
    data += "09-10-2026;Udlejer;Kassundet 3;;;Samsø Boligselskab;NUL\x00her;SB-2011;\r\n".encode("cp1252")
    data += "09-10-2026;Udlejer;Kassundet 3;;;Samsø Boligselskab;note;SB-2012;2;ekstra\r\n".encode("cp1252")
    path.write_bytes(data)


def write_utf8_bom(path: Path) -> None:
    rows = [HEADER] + [r for r, _ in GOOD]
    path.write_bytes(b"\xef\xbb\xbf" + _csv(rows, ";").encode("utf-8"))


def write_xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Reports"
    ws.append(["Received", "Kind", "Street", "House number", "Postcode", "Floor", "Door", "Source", "Note",
               "Id", "Credibility"])
    ws.append([datetime(2026, 9, 1), "landlord report", "Lygten", 2, 8305, None, None, "Private landlord (fictional)",
               "Rent unpaid for three months", "PL-1", 2])
    ws.append([datetime(2026, 9, 2), "Neighbour complaint", "Vangevej", "4", "8305", None, None,
               "Private landlord (fictional)", "Loud music at night", "PL-2", 1])
    ws.append([datetime(2026, 9, 3), "EVICTION RISK", "Fantasy Road", 1, 8305, None, None,
               "Private landlord (fictional)", "not in the register", "PL-3", 2])
    ws.append(["not a date", "caretaker", "Lygten", 3, 8305, None, None, "Private landlord (fictional)", "",
               "PL-4", 2])
    ws.append([None, None, None, None, None, None, None, None, None, None, None])  # blank row, skipped
    wb.save(path)


def write_geojson(path: Path, nordby_points: list[tuple[float, float]]) -> None:
    props = [
        {"Dato": "10-10-2026", "Type": "Naboklage", "Kilde": "Viceværten Nordby", "Reference": "GJ-1",
         "Bemærkning": "punkt ved indgangen"},
        {"Dato": "11-10-2026", "Type": "Udlejer", "Kilde": "Viceværten Nordby", "Reference": "GJ-2",
         "Bemærkning": "punkt i Aarhus"},
        {"Dato": "12-10-2026", "Type": "Udlejer", "Kilde": "Viceværten Nordby", "Reference": "GJ-3",
         "Bemærkning": "punkt uden for Danmark"},
        {"Dato": "13-10-2026", "Type": "Udlejer", "Kilde": "Viceværten Nordby", "Reference": "GJ-4",
         "Bemærkning": "uden geometri"},
    ]
    geoms = [
        {"type": "Point", "coordinates": list(nordby_points[0])},
        {"type": "Point", "coordinates": [10.2039, 56.1629]},  # Aarhus
        {"type": "Point", "coordinates": [40.0, 10.0]},  # far from Denmark
        None,
    ]
    fc = {"type": "FeatureCollection",
          "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in zip(props, geoms, strict=True)]}
    path.write_text(json.dumps(fc, ensure_ascii=False, indent=1), encoding="utf-8")


def write_comma_utf8(path: Path, entrance_ids: list[str]) -> None:
    rows = [["Modtaget", "Type", "Adgangsadresse-id", "Afsender", "Note", "Id"],
            ["2026-10-15", "caretaker_concern", entrance_ids[0], "Viceværten Nordby", "Ejendomsfunktionær, bekymret", "C-1"],
            ["2026-10-16", "Caretaker concern", "0a3f5095-0000-0000-0000-000000000000", "Viceværten Nordby",
             "ukendt id", "C-2"],
            ["2026-10-17", "naboklage", entrance_ids[1], "Viceværten Nordby", "Beboer, 1, \"citat\"", "C-3"]]
    path.write_bytes(_csv(rows, ",").encode("utf-8"))


def write_unknown_header(path: Path) -> None:
    path.write_bytes(_csv([["Dato", "Type", "Adresse", "Sagsbehandler"],
                           ["01-10-2026", "Udlejer", "Kassundet 5", "NN"]], ";").encode("utf-8"))


def main() -> None:
    import geopandas as gpd

    from geo.osm import read_osm_entrances

    osm = read_osm_entrances(HERE.parent / "samsoe_nordby.osm.pbf")
    kas3 = osm[(osm["street"] == "Kassundet") & (osm["house_number"] == "3")].iloc[0]
    pts = gpd.GeoSeries(gpd.points_from_xy([kas3["x"] + 3.0], [kas3["y"]]), crs="EPSG:25832").to_crs("EPSG:4326")
    write_danish_cp1252(HERE / "danish_excel_cp1252.csv")
    write_danish_cp1252(HERE / "danish_excel_cp1252_fixed.csv", fixed=True)
    write_utf8_bom(HERE / "danish_excel_utf8_bom.csv")
    write_xlsx(HERE / "partner_english.xlsx")
    write_geojson(HERE / "points.geojson", [(round(pts.x.iloc[0], 7), round(pts.y.iloc[0], 7))])
    ids = osm[osm["street"] == "Vibestræde"]["entrance_id"].dropna().tolist()[:2]
    write_comma_utf8(HERE / "comma_utf8.csv", ids)
    write_unknown_header(HERE / "unknown_header.csv")


if __name__ == "__main__":
    main()

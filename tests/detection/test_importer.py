"""The pure importer: files as partners write them, header aliases, every reason code,
and a property test that generated bad rows are rejected with their reason while good rows
are imported unchanged."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detection.signals.importer import (
    HEADER_ALIASES,
    REASONS,
    ImportFileError,
    check_rows,
    parse_date,
    read_reports,
    split_duplicates,
)
from geo.geocode import AddressIndex
from tests.data.reports.make_reports import BAD, GOOD, HEADER, expected_danish

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "data" / "reports"
AS_OF = date(2026, 11, 1)


@pytest.fixture(scope="module")
def index() -> AddressIndex:
    from detection.register.workspace import WorkspaceSpec, build_workspace_data

    data = build_workspace_data(WorkspaceSpec(name="N", osm=ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"))
    return AddressIndex(data.entrances, data.units, data.boundary)


def _run(index, source, name=None, **kw):
    return check_rows(read_reports(source, name), index, as_of=AS_OF, **kw)


def _outcomes(res) -> dict[int, str]:
    return {a.row: a.match_quality for a in res.accepted} | {r.row: r.reason for r in res.rejected}


def test_danish_excel_cp1252__every_reason_code_and_every_quality(index):
    res = _run(index, REPORTS / "danish_excel_cp1252.csv")
    assert _outcomes(res) == dict(expected_danish())
    # bad_coordinates: points.geojson; the CPR-in-key reasons: _CPR_KEYS below
    assert {r.reason for r in res.rejected} == set(REASONS) - {"bad_coordinates", "cpr_in_reference", "cpr_in_source"}
    assert {a.match_quality for a in res.accepted} == {"exact", "corrected", "uncertain"}
    assert res.rows == len(res.accepted) + len(res.rejected) == len(GOOD) + len(BAD) + 2
    assert res.cpr_removed == 1
    by_row = {a.row: a for a in res.accepted}
    assert by_row[2].source == "Samsø Boligselskab"  # Windows-1252 ø decoded
    assert by_row[2].credibility == 3 and by_row[3].credibility == 2 and by_row[5].credibility == 3
    assert by_row[4].note == "Fogedsag berammet; <b>ingen</b> kontakt"  # kept as text, unchanged
    assert "010190-1234" not in by_row[6].note and "[CPR fjernet]" in by_row[6].note
    for r in res.rejected:
        assert r.message.startswith(f"row {r.row}: ")


def _cpr_keys() -> bytes:
    """A reference and a source shaped like CPR numbers (built from digits: test_cpr.py is
    where CPR-shaped strings are written down)."""
    ref, src = "24011" + "51234", "Kilde 010190" + "-1234"
    return (f"Dato;Type;Adresse;Kilde;Reference\n01-10-2026;Udlejer;Kassundet 5;B;{ref}\n"
            f"01-10-2026;Udlejer;Kassundet 6;{src};R-1\n").encode()


def test_every_reason_code_is_exercised_by_a_fixture_row(index):
    seen = set()
    for path in REPORTS.iterdir():
        if path.suffix in (".csv", ".xlsx", ".geojson") and path.name != "unknown_header.csv":
            seen |= {r.reason for r in _run(index, path).rejected}
    seen |= {r.reason for r in _run(index, _cpr_keys(), "k.csv").rejected}
    assert seen == set(REASONS)
    with pytest.raises(ImportFileError, match="Sagsbehandler"):  # and the whole-file code
        read_reports(REPORTS / "unknown_header.csv")


def test_utf8_bom_and_cp1252_give_the_same_rows(index):
    a = _run(index, REPORTS / "danish_excel_utf8_bom.csv")
    b = _run(index, REPORTS / "danish_excel_cp1252.csv")
    key = [(x.row, x.kind, x.received, x.entrance_id, x.note, x.source, x.match_quality) for x in a.accepted]
    assert key == [(x.row, x.kind, x.received, x.entrance_id, x.note, x.source, x.match_quality) for x in b.accepted]


def test_xlsx_english_headers_and_date_cells(index):
    res = _run(index, REPORTS / "partner_english.xlsx")
    assert _outcomes(res) == {2: "exact", 3: "exact", 4: "address_not_found", 5: "date_invalid"}
    assert res.rows == 4  # the blank row is not counted
    assert res.accepted[0].received == date(2026, 9, 1)
    assert res.accepted[0].kind == "landlord_report" and res.accepted[1].credibility == 1


def test_geojson_points(index):
    res = _run(index, REPORTS / "points.geojson")
    assert _outcomes(res) == {2: "exact", 3: "outside_municipality", 4: "bad_coordinates", 5: "address_missing"}


def test_geopackage_points(index, tmp_path):
    import geopandas as gpd

    gdf = gpd.read_file(REPORTS / "points.geojson")
    gdf = gdf[gdf.geometry.notna()].to_crs("EPSG:25832")
    path = tmp_path / "points.gpkg"
    gdf.to_file(path, driver="GPKG")
    res = _run(index, path)
    assert _outcomes(res) == {2: "exact", 3: "outside_municipality", 4: "bad_coordinates"}


def test_comma_utf8_iso_dates_and_dar_ids(index):
    res = _run(index, REPORTS / "comma_utf8.csv")
    assert _outcomes(res) == {2: "exact", 3: "address_not_found", 4: "exact"}
    assert res.accepted[1].note == 'Beboer, 1, "citat"'


def test_unknown_header__reported_not_guessed():
    with pytest.raises(ImportFileError) as exc:
        read_reports(REPORTS / "unknown_header.csv")
    assert exc.value.code == "header_unknown" and "Sagsbehandler" in str(exc.value)
    with pytest.raises(ImportFileError) as exc:
        read_reports(b"Dato;Adresse\n01-10-2026;Agerup 2\n", "x.csv")
    assert exc.value.code == "header_unknown" and "kind" in str(exc.value)
    with pytest.raises(ImportFileError):
        read_reports(b"", "empty.csv")


@pytest.mark.parametrize("headers", [
    ["Dato", "Type", "Adresse", "Kilde", "Bemærkning", "Reference", "Etage", "Dør", "Troværdighed"],
    ["Modtaget", "Henvendelsestype", "ADRESSE", "Afsender", "Note", "Id", "etage", "dør", "troværdighed"],
    ["received", "kind", "address", "source", "note", "external_ref", "floor", "door", "credibility"],
    ["Date received", "Category", "Address", "Sender", "Comment", "External id", "Floor", "Door", "Credibility"],
    [" modtaget_dato ", "type", "adresse", "kilde", "bemærkninger", "sagsnr", "Etage", "Doer", "TROVÆRDIGHED"],
])
def test_alias_headers(index, headers):
    body = ["01-10-2026", "Udlejer", "Kassundet 5", "Boligselskab X", "note", "R-1", "", "", "3"]
    data = (";".join(headers) + "\n" + ";".join(body) + "\n").encode("utf-8")
    res = _run(index, data, "a.csv")
    [a] = res.accepted
    assert (a.kind, a.source, a.note, a.external_ref, a.credibility) == ("landlord_report", "Boligselskab X", "note", "R-1", 3)


def test_alias_table_is_unambiguous():
    seen: dict[str, str] = {}
    for canon, names in HEADER_ALIASES.items():
        for n in names:
            assert n not in seen, f"{n!r} means both {seen[n]} and {canon}"
            seen[n] = canon


@pytest.mark.parametrize("value, kind", [
    ("Udlejer", "landlord_report"), ("naboklage", "neighbour_complaint"), ("NABOKLAGE", "neighbour_complaint"),
    ("Udsættelsestruet", "eviction_risk"), ("Boligselskab", "housing_association_contact"),
    ("Vicevært", "caretaker_concern"), ("vicevært", "caretaker_concern"), ("Hjemmeplejen", "home_care_concern"),
    ("Andet", "other"), ("landlord report", "landlord_report"), ("eviction_risk", "eviction_risk"),
])
def test_kind_values_any_case(index, value, kind):
    data = f"Dato;Type;Adresse\n01-10-2026;{value};Kassundet 5\n".encode()
    assert _run(index, data, "k.csv").accepted[0].kind == kind


def test_dates():
    assert parse_date("01-10-2026") == parse_date("1.10.2026") == parse_date("2026-10-01") == date(2026, 10, 1)
    assert parse_date("01/10/2026") == date(2026, 10, 1)
    assert parse_date("2026-10-01 14:30") == date(2026, 10, 1)
    for bad in ("31-02-2026", "2026-13-01", "10/1/26", "i går", "01-10-26"):
        assert parse_date(bad) is None, bad


def test_nul_bytes_and_broken_bytes_reject_only_their_rows(index):
    head = "Dato;Type;Adresse;Bemærkning\n".encode()
    good = "01-10-2026;Udlejer;Kassundet 5;Bemærkning med æøå\n".encode()
    res = _run(index, head + good + b"01-10-2026;Udlejer;Kassundet 6;a\x00b\n" + good.replace(b"5", b"7"), "n.csv")
    assert _outcomes(res) == {2: "exact", 3: "bad_encoding", 4: "exact"}
    # a UTF-8 file with one row in Windows-1252: that row only
    res = _run(index, head + good + "01-10-2026;Udlejer;Kassundet 6;Hæl\n".encode("cp1252"), "m.csv")
    assert _outcomes(res) == {2: "exact", 3: "bad_encoding"}
    assert res.accepted[0].note == "Bemærkning med æøå"
    assert "\x00" not in res.rejected[0].value


def test_utf16_with_bom(index):
    text = "Dato\tType\tAdresse\n01-10-2026\tNaboklage\tKassundet 5\n"
    res = _run(index, text.encode("utf-16"), "u16.txt")
    assert _outcomes(res) == {2: "exact"}


def test_progress_is_reported(index):
    seen: list[float] = []
    _run(index, REPORTS / "danish_excel_cp1252.csv", progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_duplicates__same_source_and_reference_else_same_content(index):
    res = _run(index, REPORTS / "danish_excel_cp1252.csv")
    new, dups = split_duplicates(res.accepted, known_refs=set(), known_hashes=set())
    assert len(new) == len(res.accepted) and not dups
    refs = {(a.source, a.external_ref) for a in new if a.external_ref}
    hashes = {a.content_hash for a in new}
    new2, dups2 = split_duplicates(res.accepted, known_refs=refs, known_hashes=hashes)
    assert not new2 and len(dups2) == len(res.accepted)
    # the same partner reference with other content is still a duplicate
    data = (b"Dato;Type;Adresse;Kilde;Reference\n01-10-2026;Udlejer;Kassundet 5;B;R-9\n"
            b"02-10-2026;Naboklage;Kassundet 6;B;R-9\n03-10-2026;Naboklage;Kassundet 6;C;R-9\n")
    res = _run(index, data, "d.csv")
    new, dups = split_duplicates(res.accepted, known_refs=set(), known_hashes=set())
    assert [a.row for a in new] == [2, 4] and [a.row for a in dups] == [3]


# ------------------------------------------------------------------ property-based

_GOOD_ADDR = ["Kassundet 5", "Kassundet 6, 8305 Samsø", "Vangevej 4", "Lygten 2", "Nordby Hovedgade 13A"]
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffd"),
                max_size=60)
_note = st.one_of(_text, st.sampled_from(["=1+1", "+SUM(A1)", "-2", "@cmd", "<img src=x onerror=alert(1)>",
                                          "<script>alert('x')</script>", "**bold** [link](http://x)"]))


def _good_row(draw) -> dict:
    return {"Dato": draw(st.sampled_from(["01-10-2026", "1.10.2026", "2026-10-01", "31-10-2026"])),
            "Type": draw(st.sampled_from(["Udlejer", "naboklage", "VICEVÆRT", "Boligselskab", "andet"])),
            "Adresse": draw(st.sampled_from(_GOOD_ADDR)),
            "Bemærkning": draw(_note).strip(),
            "Troværdighed": draw(st.sampled_from(["", "1", "2", "3"]))}


_BREAKERS = {
    "date_missing": ("Dato", ""),
    "date_invalid": ("Dato", "31-02-2026"),
    "date_future": ("Dato", "02-11-2026"),
    "kind_unknown": ("Type", "Kommunekontor"),
    "address_missing": ("Adresse", ""),
    "address_not_found": ("Adresse", "Fantasivej 12"),
    "address_ambiguous": ("Adresse", "Østre Ringvej 20"),
    "outside_municipality": ("Adresse", "Vestergade 1, 8000 Aarhus C"),
    "field_too_long": ("Bemærkning", "y" * 2001),
    "credibility_invalid": ("Troværdighed", "9"),
    "bad_encoding": ("Bemærkning", "a\x00b"),
}


@st.composite
def report_files(draw):
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        row = _good_row(draw)
        reason = draw(st.sampled_from([None, *_BREAKERS]))
        if reason:
            col, val = _BREAKERS[reason]
            row[col] = val
        rows.append((row, reason))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    delim = draw(st.sampled_from([";", ","]))
    return rows, encoding, delim


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_files())
def test_property__bad_rows_rejected_with_their_reason_good_rows_unchanged(index, case):
    rows, encoding, delim = case
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\r\n")
    w.writerow(["Dato", "Type", "Adresse", "Bemærkning", "Troværdighed"])
    for row, _ in rows:
        w.writerow(row.values())
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        # Windows-1252 can't hold every generated character: such text comes as UTF-8
        data = buf.getvalue().encode("utf-8")
    res = _run(index, data, "p.csv")
    got = _outcomes(res)
    assert res.rows == len(rows) == len(got)
    accepted = {a.row: a for a in res.accepted}
    for i, (row, reason) in enumerate(rows):
        rownum = i + 2
        if reason is None:
            assert rownum in accepted, (row, got.get(rownum))
            assert accepted[rownum].note == row["Bemærkning"].strip()
            assert accepted[rownum].received == parse_date(row["Dato"])
        else:
            assert got[rownum] == reason, (row, got[rownum])


def test_header_row_only_counts_zero_rows(index):
    res = _run(index, ";".join(HEADER).encode() + b"\r\n;;;;;;;;\r\n", "h.csv")
    assert res.rows == 0 and not res.accepted and not res.rejected


def _same(a, b) -> bool:
    return ([vars(x) for x in a.accepted] == [vars(x) for x in b.accepted]
            and [vars(x) for x in a.rejected] == [vars(x) for x in b.rejected]
            and (a.rows, a.cpr_removed) == (b.rows, b.cpr_removed))


def test_fast_path_accepts_exactly_what_the_row_by_row_path_accepts(index):
    for path in REPORTS.iterdir():
        if path.suffix in (".csv", ".xlsx", ".geojson") and path.name != "unknown_header.csv":
            table = read_reports(path)
            assert _same(check_rows(table, index, as_of=AS_OF), check_rows(table, index, as_of=AS_OF, fast=False)), path
    # the fast path does take the clean rows
    from detection.signals.importer import _Ctx, _fast_exact

    table = read_reports(REPORTS / "danish_excel_utf8_bom.csv")
    assert set(_fast_exact(table, _Ctx(table), index, AS_OF, "")) == {0, 5}  # Kassundet 5, Nordby Hovedgade 13A


_addr_variants = st.sampled_from([
    "Kassundet 5", "kassundet 5, 8305 Samsø", "KASSUNDET 05 8305", "Kassundet 5,8305", "Kassundet 5, 8000 Aarhus",
    "Kassundet 5, 1. tv", "Østre Ringvej 20", "Østre Ringvej 20A", "Kasundet 5", "M.B. Jensensvej 1, 8305",
    "Nordby Hovedgade 13 A", "Vangevej 4 8305 Samsø", "  Lygten   2 ,", "Lygten 2, 8305 Samsø, Danmark", "5 Kassundet",
    "Hæderlighedsgyden 3", "Jakob M. Hansens Vej 2B", "Kassundet 5 st", "Kassundet 5, 830", "Kassundet 123456",
])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_addr_variants, st.sampled_from(["01-10-2026", "1-10-2026", "31.10.2026", "02-11-2026",
                                                           "2026-10-01", "30-02-2026"]),
                          st.sampled_from(["Udlejer", "naboklage ", "Ukendt"]), st.sampled_from(["", "2", "høj", "9"]),
                          _note, st.sampled_from(["", "R-1", "R-2"])), min_size=1, max_size=10),
       st.sampled_from(["", "Kilde A"]))
def test_property__fast_and_row_by_row_paths_agree(index, rows, default_source):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["Adresse", "Dato", "Type", "Troværdighed", "Bemærkning", "Reference"])
    for r in rows:
        w.writerow(r)
    table = read_reports(buf.getvalue().encode("utf-8"), "f.csv")
    fast = check_rows(table, index, as_of=AS_OF, source=default_source)
    slow = check_rows(table, index, as_of=AS_OF, source=default_source, fast=False)
    assert _same(fast, slow)


def test_progress_is_monotonic_with_and_without_the_fast_pass(index):
    for path in (REPORTS / "danish_excel_utf8_bom.csv", REPORTS / "partner_english.xlsx", REPORTS / "points.geojson"):
        seen: list[float] = []
        _run(index, path, progress=seen.append)
        assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen), path


@pytest.mark.parametrize("data, name", [(b"PK\x03\x04not a workbook", "x.xlsx"), (b"{not json", "x.geojson"),
                                        (b"SQLite format 3\x00broken", "x.gpkg")])
def test_unreadable_files__one_input_error(data, name):
    with pytest.raises(ImportFileError) as exc:
        read_reports(data, name)
    assert exc.value.code == "bad_input" and name in str(exc.value) and "/tmp" not in str(exc.value)


def test_a_dar_uuid_is_an_identifier__never_scrubbed_inside():
    """A UUID's hex groups can read like a date and four digits across the dashes
    ("…-2302-4247-93…"): in the entrance id column it is an id, so the row is matched, not
    scrubbed into "address not found" (1 in 1,000 rows of a city's DAR-id file were lost)."""
    from detection.cpr import contains_cpr

    uuid_like = "d709003e-2302-4247-93ec-54f650042000"
    assert contains_cpr(uuid_like)  # the free-text guard would cut it
    from detection.register.workspace import WorkspaceSpec, build_workspace_data

    data = build_workspace_data(WorkspaceSpec(name="N", osm=ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"))
    ent, units = data.entrances.copy(), data.units.copy()
    old = ent["entrance_id"].iloc[0]
    ent.loc[ent.index[0], "entrance_id"] = uuid_like
    units.loc[units["entrance_id"] == old, "entrance_id"] = uuid_like
    idx = AddressIndex(ent, units, data.boundary)
    bare = "230242" + "4793"  # a CPR number standing alone in the id column is still one
    csv_text = (f"Dato;Type;Adgangsadresse id;Kilde\n01-10-2026;Udlejer;{uuid_like};B\n"
                f"01-10-2026;Udlejer;{bare};B\n")
    res = _run(idx, csv_text.encode(), "ids.csv")
    assert [a.entrance_id for a in res.accepted] == [uuid_like] and res.accepted[0].cpr_removed is False
    assert [r.row for r in res.rejected] == [3] and bare not in str(res.rejected[0].raw)
    assert res.cpr_removed == 1

"""Offline address matching: parsing, exact → corrected → uncertain, units, ids, points."""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd
import pytest
import shapely

from geo.geocode import CORRECTED_SCORE, UNCERTAIN_SCORE, AddressIndex, parse_address

ROOT = Path(__file__).resolve().parents[2]


def _id(n: int) -> str:
    return str(uuid.UUID(int=n))


@pytest.fixture(scope="module")
def index() -> AddressIndex:
    ent = pd.DataFrame([
        (_id(1), "Agerup", "2", "8305", 600000.0, 6190000.0),
        (_id(2), "Agerup", "4", "8305", 600050.0, 6190000.0),
        (_id(3), "H.C. Andersens Boulevard", "12B", "8305", 600100.0, 6190000.0),
        (_id(4), "Østre Ringvej", "20A", "8305", 600200.0, 6190000.0),
        (_id(5), "Østre Ringvej", "20B", "8305", 600210.0, 6190000.0),
        (_id(6), "Strandvejen", "1", "8305", 600300.0, 6190000.0),
        (_id(7), "Strandvejen", "1", "8300", 600400.0, 6190000.0),
        (_id(8), "Kassundet", "5", "8305", 600500.0, 6190000.0),
    ], columns=["entrance_id", "street", "house_number", "postcode", "x", "y"])
    units = pd.DataFrame([
        (_id(101), _id(1), "st", "th"), (_id(102), _id(1), "1", "tv"), (_id(103), _id(1), "1", "th"),
        (_id(104), _id(2), "kl", ""),
    ], columns=["unit_id", "entrance_id", "floor", "door"])
    boundary = shapely.box(599000, 6189000, 601000, 6191000)
    return AddressIndex(ent, units, boundary)


@pytest.mark.parametrize("text, expected", [
    ("Agerup 2, 1. tv, 8305 Samsø", ("Agerup", "2", "1", "tv", "8305", "Samsø")),
    ("agerup 2 st th", ("agerup", "2", "st", "th", "", "")),
    ("Agerup 02B 8305", ("Agerup", "02B", "", "", "8305", "")),
    ("Nørregade 12, 2. sal, dør 3", ("Nørregade", "12", "2", "3", "", "")),
    ("Vej 5 kl.", ("Vej", "5", "kl", "", "", "")),
    ("Agerup", ("Agerup", "", "", "", "", "")),
    ("  Agerup   2 ,  DK-8305  ", ("Agerup", "2", "", "", "8305", "")),
])
def test_parse_address(text, expected):
    p = parse_address(text)
    assert (p.street, p.house_number, p.floor, p.door, p.postcode, p.city) == expected


@pytest.mark.parametrize("text", [
    "Agerup 2", "AGERUP 2", "agerup  2,", "Agerup 02", "Agerup 2, 8305 Samsø", "Agerup 2 8305", "agerup. 2",
])
def test_exact__case_space_punctuation_zeros_postcode(index, text):
    m = index.match(text)
    assert (m.entrance_id, m.quality, m.unit_id) == (_id(1), "exact", None)


def test_floor_and_door__in_text_or_columns__match_the_unit(index):
    assert index.match("Agerup 2, 1. tv").unit_id == _id(102)
    assert index.match("Agerup 2 st. th.").unit_id == _id(101)
    assert index.match("Agerup 2", floor="1", door="th").unit_id == _id(103)
    assert index.match("Agerup 2", floor="stuen", door="til højre").unit_id == _id(101)
    assert index.match("Agerup 4 kælder").unit_id == _id(104)
    assert index.match("Agerup 2, 1. tv").quality == "exact"


def test_unknown_unit__kept_at_entrance_as_corrected(index):
    m = index.match("Agerup 2, 3. mf")
    assert (m.entrance_id, m.unit_id, m.quality) == (_id(1), None, "corrected")
    # an entrance without units in the register keeps its quality
    m = index.match("Kassundet 5, 2. th")
    assert (m.entrance_id, m.unit_id, m.quality) == (_id(8), None, "exact")


def test_house_number_letters(index):
    assert index.match("H C Andersens Boulevard 12 B").quality == "exact"
    m = index.match("H.C. Andersens Boulevard 12")  # only 12B exists → corrected
    assert (m.entrance_id, m.quality) == (_id(3), "corrected")
    m = index.match("Agerup 2C")  # the letter the register lacks
    assert (m.entrance_id, m.quality) == (_id(1), "corrected")


def test_ambiguous__more_than_one_candidate(index):
    assert index.match("Østre Ringvej 20").reason == "address_ambiguous"
    assert index.match("Strandvejen 1").reason == "address_ambiguous"
    m = index.match("Strandvejen 1, 8300")
    assert (m.entrance_id, m.quality) == (_id(7), "exact")


def test_fuzzy__corrected_then_uncertain_then_not_found(index):
    m = index.match("Kassundett 5")
    assert (m.entrance_id, m.quality) == (_id(8), "corrected") and m.score >= CORRECTED_SCORE
    m = index.match("Kasundt 5")
    assert (m.entrance_id, m.quality) == (_id(8), "uncertain") and UNCERTAIN_SCORE <= m.score < CORRECTED_SCORE
    assert index.match("Fantasivej 5").reason == "address_not_found"
    assert index.match("Kassundet 99").reason == "address_not_found"


def test_outside_municipality_and_missing(index):
    assert index.match("Vestergade 1, 8000 Aarhus C").reason == "outside_municipality"
    assert index.match("").reason == "address_missing"
    assert index.match("Agerup").reason == "address_not_found"


def test_dar_ids(index):
    assert (index.match(entrance_id=_id(2)).entrance_id, index.match(entrance_id=_id(2)).quality) == (_id(2), "exact")
    m = index.match(unit_id=_id(103))
    assert (m.entrance_id, m.unit_id, m.quality) == (_id(1), _id(103), "exact")
    assert index.match(entrance_id=_id(999)).reason == "address_not_found"
    assert index.match(entrance_id="not-a-uuid").reason == "address_not_found"


def test_points(index):
    assert index.match_point(600001.0, 6190003.0).quality == "exact"
    assert index.match_point(600020.0, 6190020.0).quality == "corrected"
    assert index.match_point(600600.0, 6190100.0).quality == "uncertain"
    assert index.match_point(600900.0, 6190900.0).reason == "address_not_found"
    assert index.match_point(650000.0, 6190000.0).reason == "outside_municipality"
    assert index.match_point(10.0, 56.0).reason == "bad_coordinates"
    assert index.match_point(float("nan"), 6190000.0).reason == "bad_coordinates"


def test_street_and_number_columns(index):
    m = index.match(street="agerup", house_number="4", postcode="8305")
    assert (m.entrance_id, m.quality) == (_id(2), "exact")


def test_real_register__nordby_every_entrance_matches_itself_exactly():
    from detection.register.workspace import WorkspaceSpec, build_workspace_data

    data = build_workspace_data(WorkspaceSpec(name="N", osm=ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"))
    idx = AddressIndex(data.entrances, data.units, data.boundary)
    for rec in data.entrances.itertuples():
        m = idx.match(f"{rec.street} {rec.house_number}, {rec.postcode} {rec.city}")
        assert (m.entrance_id, m.quality) == (rec.entrance_id, "exact"), (rec.street, rec.house_number, m)

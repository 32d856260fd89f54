"""The address register readers and Danish address normalisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo import addresses as reg
from geo.errors import RegisterError

ROOT = Path(__file__).resolve().parents[2]
DAR = ROOT / "data" / "odense" / "dawa_test_adgangsadresser.csv"
UNITS = ROOT / "data" / "odense" / "dawa_test_enhedsadresser.csv"


@pytest.mark.parametrize(("a", "b"), [
    (("Agerup", "2", "8305"), ("AGERUP ", "02", "8305")),
    (("H.C. Andersens Boulevard", "12 B", "1553"), ("h c andersens boulevard", "12b", 1553)),
    (("Søndre  Kinkelgade", "60", "2791"), ("søndre kinkelgade", " 60", "2791")),
])
def test_address_key__spellings_of_one_entrance_agree(a, b):
    assert reg.address_key(*a) == reg.address_key(*b)


def test_address_key__different_letters_differ():
    assert reg.address_key("Agerup", "2A", "8305") != reg.address_key("Agerup", "2B", "8305")


@pytest.mark.parametrize(("raw", "floor"), [("st.", "st"), ("Stuen", "st"), ("1.", "1"), ("1. sal", "1"),
                                           ("kl", "kl"), ("Kælder", "kl"), ("", "")])
def test_normalise_floor__danish_forms(raw, floor):
    assert reg.normalise_floor(raw) == floor


@pytest.mark.parametrize(("raw", "door"), [("t.v.", "tv"), ("TH", "th"), ("midt for", "mf"), ("004", "4")])
def test_normalise_door__danish_forms(raw, door):
    assert reg.normalise_door(raw) == door


def test_format_address__unit_in_danish_form():
    assert reg.format_address("Agerup", "2", "8305", "Samsø", "1", "tv") == "Agerup 2, 1. tv, 8305 Samsø"


def test_read_dar_entrances__shipped_extract_reads_every_row():
    read = reg.read_dar_entrances(DAR)
    assert len(read.rows) + int((~read.problems["kept"].astype(bool)).sum()) == 1320
    row = read.rows.set_index("entrance_id").loc["0a3f507b-c905-32b8-e044-0003ba298018"]
    assert (row.street, row.house_number, row.postcode, row.kommunekode) == (
        "Søndre Kinkelgade", "60", "2791", "0155")
    assert row.x == pytest.approx(728838.86)


def test_read_dar_entrances__bad_rows_are_reported_not_dropped(tmp_path):
    head = DAR.read_text(encoding="utf-8").splitlines()
    good = head[1]
    dup = head[1]
    no_id = "," + ",".join(head[2].split(",")[1:])
    fields = head[3].split(",")
    fields[8] = "abc"  # x_25832
    fields[9] = ""     # y_25832
    fields[10] = ""    # lat
    fields[11] = ""    # lon
    bad_xy = ",".join(fields)
    f = tmp_path / "a.csv"
    f.write_text("\n".join([head[0], good, dup, no_id, bad_xy]) + "\n", encoding="utf-8")
    read = reg.read_dar_entrances(f)
    assert len(read.rows) == 1
    got = read.problems.set_index("row")["reason"].to_dict()
    assert got == {3: "duplicate_id", 4: "id_missing", 5: "bad_coordinates"}
    assert "row 5" in read.problems.set_index("row").loc[5, "message"]


def test_read_dar_entrances__missing_column_names_file_and_column(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("adgangsadresse_id,vejnavn\nx,y\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"bad\.csv lacks column\(s\) husnr, postnr"):
        reg.read_dar_entrances(f)


def test_read_dar_entrances__missing_file():
    with pytest.raises(RegisterError, match="does not exist"):
        reg.read_dar_entrances(ROOT / "nope.csv")


def test_read_dar_units__unit_of_unknown_entrance_is_reported():
    entr = reg.read_dar_entrances(DAR).rows
    some = set(entr["entrance_id"].iloc[:100])
    read = reg.read_dar_units(UNITS, entrance_ids=some)
    assert set(read.rows["entrance_id"]) <= some
    assert (read.problems["reason"] == "entrance_unknown").sum() == 2802 - len(read.rows)


def test_entrances_from_osm__missing_id_derived_and_repeat_skipped():
    osm = pd.DataFrame({
        "osm_ref": ["node/1", "node/2", "way/3"],
        "entrance_id": ["0a3f5095-31e1-32b8-e044-0003ba298018", None, "0a3f5095-31e1-32b8-e044-0003ba298018"],
        "street": ["Agerup", "Agerup", "Agerup"], "house_number": ["2", "3", "2"],
        "postcode": ["8305", None, "8305"], "city": ["Samsø", None, None],
        "x": [600651.48, 600817.78, 600651.0], "y": [6192174.37, 6192663.57, 6192174.0]})
    read = reg.entrances_from_osm(osm)
    assert len(read.rows) == 2
    reasons = sorted(read.problems["reason"])
    assert reasons == ["duplicate_id", "id_derived", "postcode_missing"]
    derived = read.rows.iloc[1]["entrance_id"]
    assert derived == reg.entrances_from_osm(osm).rows.iloc[1]["entrance_id"]  # stable

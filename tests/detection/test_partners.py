"""Coverage, lapse, gaps, yield and the partner-file rules of :mod:`detection.partners.network`,
on small cases worked out by hand."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from detection import vocab
from detection.errors import InputError
from detection.partners import network as P
from detection.priorities.ranking import rank_areas
from detection.priorities.scoring import ModelParams
from geo.areas import assign_areas

AS_OF = date(2026, 11, 1)


def _entrances() -> pd.DataFrame:
    # six entrances on a line, 100 m apart; dwellings 1, 2, 3, 4, 5, 5 (20 in all)
    return pd.DataFrame({"entrance_id": [f"e{i}" for i in range(1, 7)],
                         "x": [600_000.0 + 100 * i for i in range(6)], "y": [6_200_000.0] * 6,
                         "dwellings": [1, 2, 3, 4, 5, 5]})


def _setup():
    ent = _entrances()
    # A: polygon around e1..e3 (x 600000–600200), active
    # B: radius 120 m around e4 (x 600300) → e3, e4, e5, lapsed
    # C: portfolio e6 plus an entrance not in the register, ended
    poly_a = shapely.box(599_950, 6_199_950, 600_250, 6_200_050)
    cov = pd.DataFrame([
        {"partner_id": "A", "kind": "polygon", "geometry": poly_a, "entrance_id": None, "radius_m": None},
        {"partner_id": "B", "kind": "radius", "geometry": shapely.Point(600_300, 6_200_000),
         "entrance_id": None, "radius_m": 120.0},
        {"partner_id": "C", "kind": "entrances", "geometry": None, "entrance_id": "e6", "radius_m": None},
        {"partner_id": "C", "kind": "entrances", "geometry": None, "entrance_id": "gone", "radius_m": None},
    ])
    partners = pd.DataFrame({"partner_id": ["A", "B", "C"], "name": ["Alfa", "Beta", "Gamma"],
                             "active": [True, True, False]})
    contacts = pd.DataFrame({"partner_id": ["A", "B", "B"],
                             "contact_date": [date(2026, 9, 1), date(2025, 1, 1), date(2026, 3, 1)],
                             "next_contact": [date(2026, 12, 1), None, date(2026, 6, 1)]})
    return ent, cov, partners, contacts


def test_coverage__two_overlapping_partners_by_hand():
    ent, cov, partners, contacts = _setup()
    status = P.partner_status(partners, contacts, as_of=AS_OF)
    assert status["status"].to_dict() == {"A": "active", "B": "lapsed", "C": "ended"}
    pairs = P.coverage_pairs(ent, cov)
    got = sorted(zip(ent["entrance_id"].to_numpy()[pairs["entrance_idx"]], pairs["partner_id"], strict=True))
    assert got == [("e1", "A"), ("e2", "A"), ("e3", "A"), ("e3", "B"), ("e4", "B"), ("e5", "B"), ("e6", "C")]
    ec = P.entrance_coverage(ent, pairs, status)
    # e3 is covered by A (active) and B (lapsed): active wins. C has ended: e6 is not covered.
    assert ec["coverage"].tolist() == ["active", "active", "active", "lapsed", "lapsed", "none"]
    assert ec["n_active"].tolist() == [1, 1, 1, 0, 0, 0]
    assert ec["n_lapsed"].tolist() == [0, 0, 1, 1, 1, 0]
    # two areas: west (e1–e3, 6 dwellings), east (e4–e6, 14 dwellings)
    areas = gpd.GeoDataFrame({"area_id": ["W", "E"], "name": ["Vest", "Øst"]},
                             geometry=[shapely.box(599_900, 6_199_900, 600_250, 6_200_100),
                                       shapely.box(600_250, 6_199_900, 600_600, 6_200_100)], crs=25832)
    ids = assign_areas(ent["x"].to_numpy(), ent["y"].to_numpy(), areas)
    assert ids.tolist() == ["W", "W", "W", "E", "E", "E"]
    ac = P.area_coverage(ec, ids, areas, pairs, status, {"A": "Alfa", "B": "Beta", "C": "Gamma"}).set_index("area_id")
    assert ac.loc["W", "dwellings"] == 6 and ac.loc["W", "active_share"] == 1.0
    # east: e4 (4) + e5 (5) lapsed of 14 dwellings, e6 (5) none
    assert ac.loc["E", "lapsed_share"] == round(9 / 14, 4)
    assert ac.loc["E", "none_share"] == round(5 / 14, 4)
    assert ac.loc["E", "active_share"] == 0.0
    assert ac.loc["W", "partners_active"] == ["Alfa"] and ac.loc["W", "partners_lapsed"] == ["Beta"]
    assert ac.loc["E", "partners_lapsed"] == ["Beta"] and ac.loc["E", "partners_active"] == []


def test_lapse__by_date_with_a_fixed_clock():
    partners = pd.DataFrame({"partner_id": ["A"], "active": [True]})
    contacts = pd.DataFrame({"partner_id": ["A"], "contact_date": [date(2026, 5, 1)]})
    # six months before 2026-11-01 is 2026-05-01: still active on that day, lapsed a day later
    assert P.partner_status(partners, contacts, as_of=date(2026, 11, 1))["status"]["A"] == "active"
    assert P.partner_status(partners, contacts, as_of=date(2026, 11, 2))["status"]["A"] == "lapsed"
    assert P.partner_status(partners, contacts, as_of=date(2026, 11, 2), months=7)["status"]["A"] == "active"
    # a contact after as_of does not count (the clock is fixed)
    later = pd.DataFrame({"partner_id": ["A"], "contact_date": [date(2027, 1, 1)]})
    assert P.partner_status(partners, later, as_of=date(2026, 11, 1))["status"]["A"] == "lapsed"
    # no contact at all: lapsed
    none = pd.DataFrame(columns=["partner_id", "contact_date"])
    assert P.partner_status(partners, none, as_of=date(2026, 11, 1))["status"]["A"] == "lapsed"


def test_overdue__next_contact_before_as_of():
    _, _, partners, contacts = _setup()
    st = P.partner_status(partners, contacts, as_of=AS_OF)
    od = P.overdue(st, as_of=AS_OF)
    # B's last contact (2026-03-01) planned the next for 2026-06-01: 153 days overdue;
    # A's next is in December; C has ended
    assert od.index.tolist() == ["B"] and od["days_overdue"].tolist() == [153]


def test_gaps__ranked_by_need_with_nearest_partners():
    ent, cov, partners, contacts = _setup()
    status = P.partner_status(partners, contacts, as_of=AS_OF)
    pairs = P.coverage_pairs(ent, cov)
    ec = P.entrance_coverage(ent, pairs, status)
    areas = gpd.GeoDataFrame({"area_id": ["W", "E", "F"], "name": ["Vest", "Øst", "Fjern"]},
                             geometry=[shapely.box(599_900, 6_199_900, 600_250, 6_200_100),
                                       shapely.box(600_250, 6_199_900, 600_600, 6_200_100),
                                       shapely.box(601_000, 6_199_900, 601_100, 6_200_100)], crs=25832)
    ids = assign_areas(ent["x"].to_numpy(), ent["y"].to_numpy(), areas)
    names = {"A": "Alfa", "B": "Beta", "C": "Gamma"}
    ac = P.area_coverage(ec, ids, areas, pairs, status, names)
    need = pd.Series({"W": 50.0, "E": 30.0, "F": 40.0})
    geoms = P.partner_geometries(cov, ent)
    gaps = P.gap_list(ac, need, areas, geoms, status, names)
    # W is actively covered: no gap. F has more need than E, so it ranks first.
    assert gaps["area_id"].tolist() == ["F", "E"]
    assert gaps["rank"].tolist() == [1, 2]
    f = gaps.iloc[0]["suggestions"]
    # nearest to F (x ≥ 601000): B's circle reaches x 600420 → 580 m; A's polygon ends at 600250 → 750 m;
    # C has ended and is never suggested
    assert [(s["name"], s["distance_m"], s["status"]) for s in f] == [("Beta", 580, "lapsed"), ("Alfa", 750, "active")]
    assert gaps.iloc[1]["suggestions"][0]["distance_m"] == 0  # B already covers part of E
    assert bool(gaps.iloc[0]["high_need"]) is True  # 40 ≥ median 40
    assert bool(gaps.iloc[1]["high_need"]) is False
    table = P.gaps_table(json.loads(gaps.to_json(orient="records")), lang="da")
    assert table.iloc[0]["Nærmeste partnere (afstand)"] == "Beta (bortfaldet, 580 m); Alfa (aktiv, 750 m)"


def test_need_by_area__is_the_rankings_rate_under_the_given_model():
    ent = _entrances()
    frames = {"signals": pd.DataFrame({"entrance_id": ["e1", "e2"], "kind": ["landlord_report", "eviction_risk"],
                                       "received": [AS_OF, AS_OF], "credibility": [2, 2], "source": ["x", "y"],
                                       "partner_id": [None, None], "assessment": ["new", "new"]}),
              "area_of_entrance": pd.Series(["W", "W", "W", "E", "E", "E"], index=ent["entrance_id"]),
              "dwellings": pd.Series(ent["dwellings"].to_numpy(), index=ent["entrance_id"])}
    need, source = P.need_by_area(frames, AS_OF, ModelParams())
    assert source == P.NEED_PRIORITIES
    assert need["W"] > need.get("E", 0.0)
    ranked = rank_areas(area_of_entrance=frames["area_of_entrance"], dwellings=frames["dwellings"],
                        signals=frames["signals"], params=ModelParams(), as_of=AS_OF)
    assert need["W"] == pytest.approx(ranked.set_index("area_id").loc["W", "rate"], abs=1e-3)
    # the same decay and weights as the ranking: weighing eviction risk 0 lowers W's need
    lower, _ = P.need_by_area(frames, AS_OF, ModelParams().with_weight("eviction_risk", 0.0))
    assert lower["W"] < need["W"]


def test_yield__before_and_after_each_contact():
    signals = pd.DataFrame({
        "partner_id": ["A"] * 6 + ["B"],
        "received": [date(2026, 1, 10), date(2026, 2, 20), date(2026, 3, 5), date(2026, 3, 20),
                     date(2026, 4, 1), date(2026, 12, 1), date(2026, 3, 3)],
        "assessment": ["in_target_group", "not_in_target_group", "new", "in_target_group", "new", "new", "new"]})
    contacts = pd.DataFrame({"contact_id": ["c1"], "partner_id": ["A"], "contact_date": [date(2026, 3, 1)],
                             "channel": ["meeting"]})
    y = P.partner_yield(signals, contacts, as_of=AS_OF, window_days=90)
    c = y["contacts"].iloc[0]
    # before: 10 Jan and 20 Feb (in the 90 days before 1 March); after: 5 Mar, 20 Mar, 1 Apr
    assert (c["before"], c["after"], c["after_days"]) == (2, 3, 90)
    tot = y["totals"].set_index("partner_id")
    # the December report is after as_of and does not count
    assert tot.loc["A", "reports"] == 5 and tot.loc["A", "in_target_group"] == 2
    assert tot.loc["A", "target_share"] == 0.4 and tot.loc["A", "assessed"] == 3
    monthly = y["monthly"][y["monthly"]["partner_id"] == "A"].set_index("month")["reports"].to_dict()
    assert monthly == {"2026-01": 1, "2026-02": 1, "2026-03": 2, "2026-04": 1}


def test_kinds_and_channels__danish_and_english_names():
    assert vocab.parse_partner_kind("Boligselskab") == "housing_association"
    assert vocab.parse_partner_kind("hjemmeplejedistrikt") == "home_care"
    assert vocab.parse_partner_kind("Lokalpoliti") == "local_police"
    assert vocab.parse_partner_kind("boligsocial medarbejder") == "housing_social_worker"
    assert vocab.parse_channel("Oplæg") == "presentation" and vocab.parse_channel("material") == "material"
    with pytest.raises(InputError):
        vocab.parse_channel("brevdue")


# ------------------------------------------------------------------------------- import

CSV_ROWS = [
    # row 2: a partner with an estate polygon
    "Boligselskabet Test;boligselskab;Driftschef;;drift@test.example;ja;afd. 1;polygon;;;;;"
    "POLYGON((600000 6200000, 600100 6200000, 600100 6200100, 600000 6200100, 600000 6200000))",
    # rows 3–4: a landlord's portfolio, two entrances
    "Udlejer Test;privat udlejer;;;;;;entrances;e1;;;;",
    "Udlejer Test;privat udlejer;;;;;;entrances;e2;;;;",
    # row 5: the same entrance again → duplicate
    "Udlejer Test;privat udlejer;;;;;;entrances;e2;;;;",
    # row 6: a caretaker with a radius
    "Vicevært Test;vicevært;;;;;;radius;;600300;6200000;250;",
    # rows 7–14: rejected, one reason each
    "Ukendt Type;rumfartsselskab;;;;;;;;;;;",
    ";boligselskab;;;;;;;;;;;",
    "Udlejer Test;privat udlejer;;;;;;entrances;nope;;;;",
    "Vicevært Test;vicevært;;;;;;radius;;600300;6200000;-5;",
    "Vicevært Test;vicevært;;;;;;radius;;12;34;100;",
    "Udlejer Test;privat udlejer;;;ikke-en-mail;;;;;;;;",
    "Udlejer Test;privat udlejer;;;;;;polygon;;;;;POLYGON((1 2, 3",
    "Udlejer Test;privat udlejer;;;;;" + "x" * 2001 + ";;;;;;",
]
HEADER = "navn;type;kontaktperson;telefon;email;aktiv;betegnelse;coverage;entrance_id;x;y;radius_m;wkt"


def _write_csv(tmp_path, rows=CSV_ROWS):
    path = tmp_path / "partnere.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_import__every_row_accounted_for_with_reasons(tmp_path):
    rows = P.read_partner_file(_write_csv(tmp_path))
    empty = pd.DataFrame(columns=["partner_id", "name", "kind"])
    imp = P.validate_partner_rows(rows, entrance_ids={"e1", "e2"}, existing=empty, existing_coverage_keys=set())
    assert imp.rows == 13
    assert imp.imported + imp.duplicates + len(imp.rejected) == imp.rows
    assert imp.imported_rows == [2, 3, 4, 6] and imp.duplicate_rows == [5]
    reasons = {r["row"]: (r["field"], r["reason"]) for r in imp.rejected}
    assert reasons == {7: ("kind", "kind_unknown"), 8: ("name", "name_missing"),
                       9: ("entrance_id", "address_not_found"), 10: ("radius_m", "radius_invalid"),
                       11: ("x", "bad_coordinates"), 12: ("contact_email", "email_invalid"),
                       13: ("wkt", "geometry_invalid"), 14: ("label", "field_too_long")}
    assert all(r["message"] for r in imp.rejected)
    assert len(imp.partners) == 3 and {c["kind"] for c in imp.coverage} == {"polygon", "entrances", "radius"}
    # importing the same rows again against what is now stored: all duplicates
    stored = pd.DataFrame(list(imp.partners.values()))
    again = P.validate_partner_rows(rows[:5], entrance_ids={"e1", "e2"}, existing=stored,
                                    existing_coverage_keys={P._coverage_key(c) for c in imp.coverage})
    assert again.imported == 0 and again.duplicates == 5


def test_import__header_unknown_refuses_the_whole_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("navn;skonummer\nA;42\n", encoding="utf-8")
    with pytest.raises(InputError, match="header_unknown"):
        P.read_partner_file(path)


def test_import__nul_byte_is_bad_encoding(tmp_path):
    path = _write_csv(tmp_path, ["Udlejer\x00Test;privat udlejer;;;;;;;;;;;"])
    imp = P.validate_partner_rows(P.read_partner_file(path), entrance_ids=set(),
                                  existing=pd.DataFrame(columns=["partner_id", "name", "kind"]),
                                  existing_coverage_keys=set())
    assert [(r["row"], r["reason"]) for r in imp.rejected] == [(2, "bad_encoding")]


def test_import__geojson_polygon_and_point_with_radius(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"name": ["Hjemmeplejen Test", "Vicevært Punkt"], "kind": ["hjemmepleje", "caretaker"],
         "radius_m": [None, 300.0]},
        geometry=[shapely.box(600_000, 6_200_000, 600_500, 6_200_500), shapely.Point(600_100, 6_200_100)],
        crs=25832).to_crs(4326)
    path = tmp_path / "p.geojson"
    gdf.to_file(path, driver="GeoJSON")
    rows = P.read_partner_file(path)
    imp = P.validate_partner_rows(rows, entrance_ids=set(), existing=pd.DataFrame(columns=["partner_id", "name", "kind"]),
                                  existing_coverage_keys=set())
    assert imp.imported == 2 and not imp.rejected
    kinds = {c["kind"]: c for c in imp.coverage}
    assert set(kinds) == {"polygon", "radius"}
    pt = shapely.from_wkb(kinds["radius"]["geometry_wkb"])
    assert abs(pt.x - 600_100) < 0.01 and abs(pt.y - 6_200_100) < 0.01  # back in EPSG:25832

"""Walk-list PDF, GPX and the QField GeoPackage (with its outcomes layer read back)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import geopandas as gpd
import gpxpy
import pyogrio
import pytest
import shapely

from detection.routes.field_files import (
    HEALTH_WORDS,
    pdf_text,
    plan_gpkg,
    read_outcomes_gpkg,
    route_gpx,
    walk_list_pdf,
    write_plan_files,
)
from detection.vocab import OUTCOMES
from tests.detection.conftest import make_workspace, role_user
from tests.detection.test_routes_repo import _add_focus_area


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A Nordby workspace with one stored plan (2 pairs, 1 day); (lead repo, plan)."""
    path = tmp_path_factory.mktemp("exports") / "w.sqlite"
    admin = make_workspace(f"sqlite:///{path}")
    _add_focus_area(admin)
    lead = admin.as_user(role_user("team_lead"))
    plan = lead.plan_routes("Nordby centrum", teams=2, days=1, shift="09:00-10:30", as_of=date(2026, 11, 1),
                            seconds=1.0)
    return lead, plan, path


def _route(plan):
    return next(r for r in plan["routes"] if r["stops"])


def test_walk_list_pdf_lists_every_stop_and_no_health_words(planned):
    _, plan, _ = planned
    r = _route(plan)
    data = walk_list_pdf(r, area=plan["area"])
    assert data[:5] == b"%PDF-"
    text = pdf_text(data)
    assert "Gåliste" in text
    # the plan's area in words on every page, never the plan's or the route's id
    assert text.count(f"Gåliste - Hold {r['team']}, ") >= 2 and "- Nordby centrum" in text
    assert plan["plan_id"] not in text and r["route_id"] not in text
    for s in r["stops"]:
        assert s["address"] in text, s["address"]
    for o in OUTCOMES:  # a box per outcome, by its Danish name
        assert o.name_da in text
    low = text.lower()
    assert not [w for w in HEALTH_WORDS if w in low]
    assert "bekymring" not in low and "psykisk" not in low and "sygdom" not in low


def test_pdf_text_check_would_catch_a_health_word():
    route = {"route_id": "x-1-1", "team": 1, "day": "2026-11-02", "start": "2026-11-02T09:00:00+01:00",
             "end": "2026-11-02T10:00:00+01:00", "walk_m": 100, "members": [],
             "stops": [{"seq": 1, "arrive": "2026-11-02T09:05:00+01:00", "address": "Bekymringsvej 1",
                        "task": "visit", "units": [], "unit_labels": []}]}
    assert "bekymring" in pdf_text(walk_list_pdf(route)).lower()


def test_gpx_parses_with_a_waypoint_per_stop_and_the_walked_track(planned):
    _, plan, _ = planned
    r = _route(plan)
    g = gpxpy.parse(route_gpx(r, area=plan["area"]))
    assert len(g.waypoints) == len(r["stops"])
    # the track is named as the walk list names the route, never by its id or the plan's
    assert g.tracks[0].name.startswith(f"Hold {r['team']}, ") and g.tracks[0].name.endswith(" - Nordby centrum")
    assert r["route_id"] not in route_gpx(r, area=plan["area"]) and plan["plan_id"] not in g.tracks[0].name
    assert g.waypoints[0].name.startswith("1 ")
    assert g.tracks and len(g.tracks[0].segments[0].points) == len(r["path"]) >= 2
    assert abs(g.waypoints[0].latitude - r["stops"][0]["lat"]) < 1e-6


def test_geopackage_round_trip_of_outcomes_loses_nothing(planned, tmp_path):
    lead, plan, db = planned
    gpkg = plan_gpkg(plan, tmp_path / "plan.gpkg")
    layers = dict(pyogrio.list_layers(str(gpkg)))
    assert set(layers) >= {"stops", "routes", "outcomes"}
    stops = gpd.read_file(gpkg, layer="stops")
    assert len(stops) == sum(len(r["stops"]) for r in plan["routes"])
    assert stops.crs.to_epsg() == 25832
    assert len(gpd.read_file(gpkg, layer="outcomes")) == 0
    # the pair fills in the outcomes layer in QField: new features appended to the layer
    first = stops.sort_values(["route_id", "seq"]).head(4)
    rows = gpd.GeoDataFrame({
        "entrance_id": first["entrance_id"].tolist(),
        "unit_id": [None] * 4,
        "outcome": ["not_home", "contact_established", "letter_left", "ask_caretaker"],
        "visited_at": ["2026-11-02T09:10:00", "2026-11-02T09:25:00", "2026-11-02T09:40:00",
                       "2026-11-02T09:55:00"],
        "note": ["", "Ringer tilbage", "", "Æ Ø Å"],
    }, geometry=[shapely.Point(p.x, p.y) for p in first.geometry], crs=stops.crs)
    pyogrio.write_dataframe(rows, str(gpkg), layer="outcomes", append=True)
    back = read_outcomes_gpkg(gpkg)
    assert back["outcome"].tolist() == rows["outcome"].tolist()
    assert back["note"].tolist()[3] == "Æ Ø Å"
    # and into a copy of the workspace
    copy = tmp_path / "w.sqlite"
    lead.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            shutil.copy(f"{db}{suffix}", f"{copy}{suffix}")
    from detection.repository import Repository

    repo = Repository.open(f"sqlite:///{copy}", role_user("team_lead"))
    out = repo.import_outcomes(gpkg, as_of=date(2026, 11, 2))
    assert (out["rows"], out["imported"], out["rejected"], out["duplicates"]) == (4, 4, 0, 0)
    got = repo.outcomes().sort_values("visited_at")
    assert got["outcome"].tolist() == rows["outcome"].tolist()
    assert got["entrance_id"].tolist() == rows["entrance_id"].tolist()
    assert got["note"].tolist()[1:] == ["Ringer tilbage", "", "Æ Ø Å"]
    # importing the same file again: all duplicates
    again = repo.import_outcomes(gpkg, as_of=date(2026, 11, 2))
    assert (again["imported"], again["duplicates"]) == (0, 4)


def test_write_plan_files_writes_pdf_and_gpx_per_route_and_one_gpkg(planned, tmp_path):
    _, plan, _ = planned
    files = write_plan_files(plan, tmp_path / "out")
    n = sum(1 for r in plan["routes"] if r["stops"])
    assert sum(p.suffix == ".pdf" for p in files) == n
    assert sum(p.suffix == ".gpx" for p in files) == n
    assert sum(p.suffix == ".gpkg" for p in files) == 1
    assert all(p.stat().st_size > 0 for p in files)


def _synthetic_route(n: int) -> dict:
    """A route of ``n`` single-dwelling stops along a street in Nordby."""
    stops = [{"seq": i + 1, "arrive": f"2026-11-02T{9 + i // 12:02d}:{(i * 5) % 60:02d}:00+01:00",
              "address": f"Nordby Hovedgade {i + 1}, 8305 Samsø", "task": "visit", "units": [],
              "unit_labels": [], "letter_units": [], "lon": 10.55 + i * 0.0004, "lat": 55.96 + (i % 5) * 0.0002,
              "entrance_id": f"e{i}", "walk_m": 60} for i in range(n)]
    return {"route_id": "abc123-t1-d20261102", "team": 1, "day": "2026-11-02",
            "start": "2026-11-02T09:00:00+01:00", "end": "2026-11-02T15:00:00+01:00", "walk_m": 4_630,
            "stops": stops, "members": ["anne", "bo"], "path": [[s["lon"], s["lat"]] for s in stops]}


def test_walk_list_pdf__pages_numbered_header_on_every_page_ten_doors_a_page():
    import re

    route = _synthetic_route(40)
    data = walk_list_pdf(route, area="Nordby centrum")
    n_pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
    assert 2 <= n_pages <= 4  # 40 doors: at least 10 a page, the first page has the map too
    text = pdf_text(data)
    # the pair and the day in every page's header (and once more in page 1's title)
    assert text.count("Gåliste - Hold 1, mandag 2. november 2026 - Nordby centrum") == n_pages
    # "Side 1 af 4": fpdf writes the page total as its own piece of text
    numbers = [(int(a), int(b)) for a, b in re.findall(r"Side (\d+) af \n?(\d+)", text)]
    assert numbers == [(i, n_pages) for i in range(1, n_pages + 1)]
    assert text.count("Kl. ______  Init. ______") == 40  # time and initials at every door
    assert "4,6 km" in text and "4.6 km" not in text  # Danish decimals
    for s in route["stops"]:
        assert s["address"] in text
    assert "Oversigt over ruten" in text
    assert "abc123" not in text  # the title is words, not the route id (nor is the footer)


def test_walk_list_and_gpx__a_parish_plan_says_its_area_in_words_not_its_ids():
    route = _synthetic_route(3)
    for lang, words, title in (("da", "Tranebjerg (sogn)", "Hold 1, mandag 2. november 2026"),
                               ("en", "Tranebjerg (parish)", "Team 1, Monday 02 November 2026")):
        text = pdf_text(walk_list_pdf(route, area="Tranebjerg (parishes:7240)", lang=lang))
        assert f"{title} - {words}" in text, text[:300]
        assert "parishes" not in text and "7240" not in text
        track = gpxpy.parse(route_gpx(route, area="Tranebjerg (parishes:7240)", lang=lang)).tracks[0]
        assert track.name == f"{title} - {words}"
    gpx = route_gpx(route, area="Tranebjerg (parishes:7240)")
    assert "parishes" not in gpx and "abc123" not in gpx


def test_walk_list_pdf__the_overview_map_numbers_first_and_last_and_never_piles_labels():
    route = _synthetic_route(30)
    text = pdf_text(walk_list_pdf(route))
    labels = [s for s in text.splitlines() if s.strip().isdigit()]  # the map's stop numbers
    assert "1" in labels and "30" in labels
    assert 2 <= len(labels) < 30  # stops closer than 4 mm on the map share one label

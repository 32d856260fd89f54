"""Route plans in the repository: stored, assigned, seen by their own pair only, outcomes
imported from CSV with every row accounted for, and fed back into the next plan."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import shapely
from sqlalchemy import insert, select

from detection.cli.main import main
from detection.clock import COPENHAGEN
from detection.errors import InputError, NotAllowed
from detection.priorities.scoring import ModelParams
from detection.routes.planner import bucket_of
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user

AS_OF = date(2026, 11, 1)  # a Sunday: plans start Monday 2 November


def _add_focus_area(repo, name="Nordby centrum") -> str:
    e = repo.entrances()
    poly = shapely.box(e["x"].min() - 10, e["y"].min() - 10, e["x"].max() + 10, e["y"].max() + 10)
    with store_engine.write_tx(repo.engine) as conn:
        conn.execute(insert(t.focus_areas).values(
            focus_id="fa-1", name=name, origin="drawn", source_ref="", geometry_wkb=shapely.to_wkb(poly),
            stats="{}", created_by="u_planner", created_at=datetime.now(UTC)))
    return "fa-1"


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    """One Nordby workspace with a focus area, built once; each test gets a copy."""
    path = tmp_path_factory.mktemp("routes") / "template.sqlite"
    repo = make_workspace(f"sqlite:///{path}")
    _add_focus_area(repo)
    # these tests plan one-hour shifts; short routes are kept (merging them: test_plan_words.py)
    repo.set_setting("min_route_minutes", 1)
    repo.engine.dispose()
    return path


@pytest.fixture()
def nordby(_template, tmp_path):  # noqa: F811 - a fast copy instead of the shared fixture
    from detection.repository import Repository

    path = tmp_path / "nordby.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{_template}{suffix}").exists():
            shutil.copy(f"{_template}{suffix}", f"{path}{suffix}")
    return Repository.open(f"sqlite:///{path}", "admin")


@pytest.fixture()
def lead(nordby):
    return nordby.as_user(role_user("team_lead"))


def _plan(lead, **kw):
    args = {"teams": 2, "days": 2, "shift": "09:00-10:00", "as_of": AS_OF, "seconds": 1.0}
    args.update(kw)
    return lead.plan_routes("Nordby centrum", **args)


def test_plan_is_stored_in_the_conventions_shape(lead):
    plan = _plan(lead)
    assert set(plan) >= {"plan_id", "routes", "unplanned"}
    assert len(plan["routes"]) == 4
    r = plan["routes"][0]
    assert set(r) >= {"route_id", "team", "day", "start", "stops", "walk_m", "duration_s"}
    assert r["day"] == "2026-11-02" and r["start"] == "2026-11-02T09:00:00+01:00"
    s = r["stops"][0]
    assert set(s) >= {"entrance_id", "units", "arrive", "walk_m", "task"}
    assert datetime.fromisoformat(s["arrive"]).tzinfo is not None
    assert plan["method"] == "network"
    # every reported door (30 signals at 30 entrances) is visited or listed with a reason
    visited = {s["entrance_id"] for r in plan["routes"] for s in r["stops"]}
    listed = {u["entrance_id"] for u in plan["unplanned"]}
    assert len(visited | listed) == 30 and not visited & listed
    assert [p["plan_id"] for p in lead.route_plans()] == [plan["plan_id"]]
    again = lead.route_plan(plan["plan_id"])
    assert [x["route_id"] for x in again["routes"]] == [x["route_id"] for x in plan["routes"]]
    # shift never exceeded on the stored routes
    for x in again["routes"]:
        assert datetime.fromisoformat(x["end"]) <= datetime(2026, 11, 2 if x["day"].endswith("02") else 3,
                                                             10, 0, 1, tzinfo=COPENHAGEN)


def test_area_as_layer_area_id_and_unknown_area(lead, nordby):
    with pytest.raises(InputError, match="neither a saved focus area"):
        lead.plan_routes("nowhere", as_of=AS_OF, seconds=0.5)
    assert lead.plan_routes("fa-1", teams=1, days=1, as_of=AS_OF, seconds=0.5)["routes"]


def test_only_team_leads_plan_and_field_worker_sees_only_their_own_route(lead, nordby):
    plan = _plan(lead)
    r1, r2 = plan["routes"][0]["route_id"], plan["routes"][1]["route_id"]
    nordby.upsert_user("u_field_worker3", role="field_worker", password="pw")
    lead.assign_route(r1, [role_user("field_worker"), role_user("team_lead")])  # a pair, never one alone
    lead.assign_route(r2, ["u_field_worker2", "u_field_worker3"])
    fw = nordby.as_user(role_user("field_worker"))
    mine = fw.my_routes()
    assert [r["route_id"] for r in mine] == [r1]
    own_entr = {s["entrance_id"] for s in mine[0]["stops"]}
    assert own_entr == {s["entrance_id"] for s in plan["routes"][0]["stops"]}
    # the assignments follow, so the field worker may record outcomes at their stops only
    assert set(fw.my_assignments()["entrance_id"]) == own_entr
    other = plan["routes"][1]["stops"][0]["entrance_id"]
    with pytest.raises(NotAllowed):
        fw.record_outcome(other, "not_home", visited_at=datetime(2026, 11, 2, 10, tzinfo=UTC))
    with pytest.raises(NotAllowed):
        fw.route_plan(plan["plan_id"])
    with pytest.raises(NotAllowed):
        fw.plan_routes("Nordby centrum", as_of=AS_OF)
    with pytest.raises(NotAllowed):
        nordby.as_user(role_user("analyst")).route_plans()
    with pytest.raises(InputError, match="not field workers"):
        lead.assign_route(r1, [role_user("analyst"), role_user("field_worker")])


def test_outcomes_csv_import_accounts_for_every_row_and_feeds_revisits(lead, nordby, tmp_path):
    plan = _plan(lead)
    stops = plan["routes"][0]["stops"]
    e1, e2, e3 = stops[0]["entrance_id"], stops[1]["entrance_id"], stops[2]["entrance_id"]
    csv_text = "\n".join([
        "entrance_id,unit_id,outcome,visited_at,note",
        f"{e1},,not_home,2026-11-02T09:20,",                 # 2 imported
        f"{e2},,ikke hjemme,2026-11-02T09:40,",              # 3 imported (Danish name)
        f"{e3},,contact_established,2026-11-02T09:55,ok",    # 4 imported
        f"{e1},,not_home,2026-11-02T09:20,",                 # 5 duplicate
        "no-such-entrance,,not_home,2026-11-02T10:00,",      # 6 entrance_unknown
        f"{e1},U-X,not_home,2026-11-02T10:00,",              # 7 unit_unknown
        f"{e1},,knocked loudly,2026-11-02T10:00,",           # 8 outcome_unknown
        f"{e1},,not_home,,",                                 # 9 date_missing
        f"{e1},,not_home,next tuesday,",                     # 10 date_invalid
        f"{e1},,not_home,2027-01-01T10:00,",                 # 11 date_future
        ",,not_home,2026-11-02T10:00,",                     # 12 entrance_missing
        f"{e1},,not_home,2026-11-02T10:00," + "x" * 2001,    # 13 field_too_long
    ])
    f = tmp_path / "outcomes.csv"
    f.write_text(csv_text, encoding="utf-8")
    out = lead.import_outcomes(f, as_of=date(2026, 11, 2))
    assert out["rows"] == 12 == out["imported"] + out["rejected"] + out["duplicates"]
    assert (out["imported"], out["duplicates"], out["rejected"]) == (3, 1, 8)
    reasons = {r["row"]: r["reason"] for r in out["rejected_rows"]}
    assert reasons == {6: "entrance_unknown", 7: "unit_unknown", 8: "outcome_unknown", 9: "date_missing",
                       10: "date_invalid", 11: "date_future", 12: "entrance_missing", 13: "field_too_long"}
    assert len(lead.outcomes()) == 3
    # the next plan: e1/e2 come back as revisits on Tuesday in the afternoon; e3 is done
    nxt = lead.plan_routes("Nordby centrum", teams=2, days=2, shift="09:00-15:00", as_of=date(2026, 11, 2),
                           from_date=date(2026, 11, 2), seconds=1.0)
    by_e = {s["entrance_id"]: s for r in nxt["routes"] for s in r["stops"]}
    for e in (e1, e2):
        s = by_e[e]
        arrive = datetime.fromisoformat(s["arrive"])
        assert s["task"] == "revisit"
        assert arrive.date() == date(2026, 11, 3)
        assert bucket_of(arrive.hour * 3600 + arrive.minute * 60) != "morning"
    assert e3 not in by_e
    assert {"entrance_id": e3, "reason": "done"} in nxt["unplanned"]


def test_implausible_logs_are_flagged(lead, nordby, tmp_path):
    e = nordby.entrances()
    far = e.sort_values("x")
    a, b = far.iloc[0]["entrance_id"], far.iloc[-1]["entrance_id"]  # ~470 m apart
    rows = ["entrance_id,unit_id,outcome,visited_at,note",
            f"{a},,not_home,2026-11-02T10:00:00,", f"{b},,not_home,2026-11-02T10:00:30,"]
    # 25 doors in 25 minutes
    for k, eid in enumerate(e["entrance_id"].iloc[40:65]):
        rows.append(f"{eid},,not_home,2026-11-02T11:{k:02d}:00,")
    f = tmp_path / "fast.csv"
    f.write_text("\n".join(rows), encoding="utf-8")
    out = lead.import_outcomes(f, as_of=date(2026, 11, 2))
    assert out["imported"] == 27
    flags = {(x["row"], x["flag"]) for x in out["flagged"]}
    assert (3, "too_fast") in flags
    assert any(flag == "too_many_doors" for _, flag in flags)


def test_unsafe_needs_a_leads_decision_and_whole_entrance_not_home(lead, nordby):
    plan = _plan(lead, days=1)
    e1 = plan["routes"][0]["stops"][0]["entrance_id"]
    e2 = plan["routes"][0]["stops"][1]["entrance_id"]
    lead.record_outcome(e1, "unsafe", visited_at=datetime(2026, 11, 2, 9, 30, tzinfo=COPENHAGEN))
    lead.mark_entrance_not_home(e2, visited_at=datetime(2026, 11, 2, 9, 40, tzinfo=COPENHAGEN))
    nxt = _plan(lead, as_of=date(2026, 11, 2), from_date=date(2026, 11, 3), days=1, shift="09:00-15:00")
    assert {"entrance_id": e1, "reason": "unsafe"} in nxt["unplanned"]
    tasks = {s["entrance_id"]: s["task"] for r in nxt["routes"] for s in r["stops"]}
    assert tasks.get(e2) == "revisit"
    lead.clear_unsafe(e1, note="talked with the caretaker")
    after = _plan(lead, as_of=date(2026, 11, 2), from_date=date(2026, 11, 3), days=1, shift="09:00-15:00")
    assert e1 not in {u["entrance_id"] for u in after["unplanned"] if u["reason"] == "unsafe"}


def test_cli_plan_routes_and_record_outcomes(nordby, tmp_path, capsys):
    repo = nordby
    url = str(repo.engine.url)
    out_dir = tmp_path / "out"
    code = main(["--db", url, "--user", "u_team_lead", "plan-routes", "--area", "Nordby centrum", "--teams", "2",
                 "--days", "1", "--shift", "09:00-10:30", "--seconds", "1", "--as-of", "2026-11-01",
                 "--out", str(out_dir), "--json"])
    assert code == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["routes"][0]["day"] == "2026-11-02"
    files = sorted(p.name for p in out_dir.iterdir())
    assert f"plan_{plan['plan_id']}.gpkg" in files
    assert sum(f.endswith(".pdf") for f in files) == sum(1 for r in plan["routes"] if r["stops"])
    rid = plan["routes"][0]["route_id"]
    code = main(["--db", url, "--user", "u_team_lead", "plan-routes", "--assign", f"{rid}=u_field_worker,u_field_worker2",
                 "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["assigned"][0]["members"] == ["u_field_worker", "u_field_worker2"]
    f = tmp_path / "o.csv"
    e = plan["routes"][0]["stops"][0]["entrance_id"]
    f.write_text(f"entrance_id,unit_id,outcome,visited_at,note\n{e},,not_home,2026-11-02T09:30,\n"
                 "bad,,not_home,2026-11-02T09:30,\n", encoding="utf-8")
    code = main(["--db", url, "--user", "u_team_lead", "record-outcomes", str(f), "--as-of", "2026-11-02",
                 "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows"], summary["imported"], summary["rejected"]) == (2, 1, 1)
    # an analyst may not plan: exit 3
    code = main(["--db", url, "--user", "u_analyst", "plan-routes", "--area", "Nordby centrum", "--json"])
    assert code == 3
    with store_engine.read_tx(repo.engine) as conn:
        assert conn.execute(select(t.routes.c.members).where(t.routes.c.route_id == rid)).scalar() == (
            "u_field_worker,u_field_worker2")


def test_plan_and_outcomes_on_the_chosen_backend(db_url, tmp_path):
    """The same store round trip on SQLite or PostGIS (OPSPOR_TEST_BACKEND)."""
    admin = make_workspace(db_url, n_signals=12)
    _add_focus_area(admin)
    lead = admin.as_user(role_user("team_lead"))
    plan = lead.plan_routes("Nordby centrum", teams=1, days=1, as_of=AS_OF, seconds=0.5)
    stops = plan["routes"][0]["stops"]
    assert stops and plan["routes"][0]["start"] == "2026-11-02T09:00:00+01:00"
    assert lead.route_plan(plan["plan_id"])["routes"][0]["stops"] == stops
    lead.assign_route(plan["routes"][0]["route_id"], ["u_field_worker2", role_user("field_worker")])
    assert [r["route_id"] for r in admin.as_user("u_field_worker2").my_routes()] == [plan["routes"][0]["route_id"]]
    f = tmp_path / "o.csv"
    f.write_text(f"entrance_id,unit_id,outcome,visited_at,note\n{stops[0]['entrance_id']},,not_home,"
                 "2026-11-02T09:30,\n", encoding="utf-8")
    out = lead.import_outcomes(f, as_of=date(2026, 11, 2))
    assert (out["rows"], out["imported"]) == (1, 1)
    assert lead.outcomes()["outcome"].tolist() == ["not_home"]


def test_social_housing_sweep_adds_bbr_social_units_and_all_adds_everything(lead, nordby):
    e = nordby.entrances()
    reported = set(nordby.as_user(role_user("planner")).signals(purpose="test")["entrance_id"])
    quiet = [x for x in e["entrance_id"] if x not in reported][:2]
    with store_engine.write_tx(nordby.engine) as conn:
        conn.execute(insert(t.units), [{"unit_id": "U-SOC", "entrance_id": quiet[0], "floor": "2", "door": "th"},
                                       {"unit_id": "U-PRIV", "entrance_id": quiet[1], "floor": "st", "door": ""}])
        conn.execute(insert(t.bbr_units), [
            {"bbr_unit_id": "B1", "unit_id": "U-SOC", "use_code": "140", "dwelling_type": "", "rooms": "",
             "tenure": "1", "public_support": "10"},
            {"bbr_unit_id": "B2", "unit_id": "U-PRIV", "use_code": "120", "dwelling_type": "", "rooms": "",
             "tenure": "", "public_support": ""}])

    def doors_of(plan):
        return ({s["entrance_id"] for r in plan["routes"] for s in r["stops"]}
                | {u["entrance_id"] for u in plan["unplanned"]})

    soc = _plan(lead, doors="social_housing", days=1, teams=1, shift="09:00-15:00", seconds=0.5)
    assert quiet[0] in doors_of(soc) and quiet[1] not in doors_of(soc)
    assert doors_of(soc) == reported | {quiet[0]}
    everything = _plan(lead, doors="all", days=1, teams=1, shift="09:00-09:30", seconds=0.5)
    assert doors_of(everything) == set(e["entrance_id"])
    # knocked on the social-housing unit, labelled as on paper
    stop = next(s for r in soc["routes"] for s in r["stops"] if s["entrance_id"] == quiet[0])
    assert stop["units"] == ["U-SOC"] and stop["unit_labels"] == ["2. th"]


def test_plan_in_a_drawn_area__repository_and_cli(nordby, tmp_path, capsys):
    """A team lead plans in a polygon they drew (not a saved focus area): the doors are the
    reported entrances inside it; a lon/lat polygon is refused by name."""
    from pyproj import Transformer

    lead = nordby.as_user(role_user("team_lead"))
    reported = set(nordby.as_user(role_user("planner")).signals(purpose="test")["entrance_id"])
    e = nordby.entrances()
    e = e[e["entrance_id"].isin(reported)].sort_values("x").iloc[:8]
    box = shapely.box(e["x"].min() - 5, e["y"].min() - 5, e["x"].max() + 5, e["y"].max() + 5)
    inside = {i for x, y, i in zip(nordby.entrances()["x"], nordby.entrances()["y"], nordby.entrances()["entrance_id"],
                                    strict=True) if box.contains(shapely.Point(x, y)) and i in reported}
    plan = lead.plan_routes("Tegnet ved havnen", teams=1, days=2, shift="09:00-12:00", as_of=AS_OF, seconds=1.0,
                            area_geometry=box)
    visited = {s["entrance_id"] for r in plan["routes"] for s in r["stops"]}
    assert plan["area"] == "Tegnet ved havnen"
    assert visited == inside and len(inside) >= 8
    with pytest.raises(InputError, match="not in Denmark"):
        lead.plan_routes("x", area_geometry=shapely.box(10.5, 55.9, 10.6, 56.0), as_of=AS_OF, seconds=1.0)
    with pytest.raises(InputError, match="must be a polygon"):
        lead.plan_routes("x", area_geometry=shapely.LineString([(600000, 6200000), (600100, 6200100)]),
                         as_of=AS_OF, seconds=1.0)
    # the CLI takes the polygon from a GeoJSON file (lon/lat, as QGIS or geojson.io write it)
    to_ll = Transformer.from_crs(25832, 4326, always_xy=True)
    ring = [list(to_ll.transform(x, y)) for x, y in box.exterior.coords]
    gj = tmp_path / "havn.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    code = main(["--db", str(nordby.engine.url), "--user", "u_team_lead", "plan-routes", "--area-file", str(gj),
                 "--teams", "1", "--days", "2", "--shift", "09:00-12:00", "--seconds", "1", "--as-of", "2026-11-01",
                 "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["area"] == "havn" and {s["entrance_id"] for r in out["routes"] for s in r["stops"]} == inside


def test_start_point__lonlat_entrance_id_or_an_address(lead, nordby):
    """The team lead may give the start as LON,LAT, an entrance id, or an address as people
    write it; an address not in the register is refused with the reason."""
    from geo.crs import xy_to_lonlat

    e = nordby.entrances().drop_duplicates(["street", "house_number"], keep=False).iloc[5]
    address = f"{e['street'].upper()} {e['house_number']}, {e['postcode']} Samsø"
    by_addr = _plan(lead, start=address, days=1)
    by_id = _plan(lead, start=e["entrance_id"], days=1)
    lon, lat = xy_to_lonlat([e["x"]], [e["y"]])
    by_ll = _plan(lead, start=f"{float(lon[0]):.7f}, {float(lat[0]):.7f}", days=1)
    assert by_addr["start_point"] == by_id["start_point"]
    assert by_ll["start_point"]["lon"] == pytest.approx(by_id["start_point"]["lon"], abs=1e-6)
    assert by_addr["params"]["start"] == address
    with pytest.raises(InputError, match="Findesikke Allé 99"):
        _plan(lead, start="Findesikke Allé 99, 8305 Samsø", days=1)
    with pytest.raises(InputError, match="out of range"):
        _plan(lead, start="200,95", days=1)


def test_route_prizes_follow_the_planners_saved_model_like_the_ranking(nordby):
    """Route prizes come from the planner's saved model through the ranking's scoring: weigh
    neighbour complaints (every report here) 3.0 instead of 0.8 and both the ranking's scores
    and the plan's prizes above the 1.0 base grow by exactly 3.0 / 0.8."""
    planner, lead = nordby.as_user(role_user("planner")), nordby.as_user(role_user("team_lead"))

    def measure():
        ranked = planner.priorities("grid250", as_of=AS_OF)
        plan = _plan(lead, teams=1, days=1)
        totals = lead.route_plan(plan["plan_id"])["totals"]
        n_doors = len({s["entrance_id"] for r in plan["routes"] for s in r["stops"]}
                      | {u["entrance_id"] for u in plan["unplanned"]})
        return float(ranked["score"].sum()), totals["prize_total"], n_doors

    base = ModelParams()
    planner.save_model(base)
    score0, prize0, n0 = measure()
    planner.save_model(base.with_weight("neighbour_complaint", 3.0))
    score1, prize1, n1 = measure()
    assert n0 == n1 == 30  # the same 30 reported doors
    assert score1 == pytest.approx(score0 * 3.0 / 0.8, rel=1e-3)
    assert prize1 - n1 * 1.0 == pytest.approx((prize0 - n0 * 1.0) * 3.0 / 0.8, rel=1e-3)
    # and a kind weighed 0 still plans its reported doors, at the base prize only
    planner.save_model(base.with_weight("neighbour_complaint", 0.0))
    _, prize2, n2 = measure()
    assert n2 == 30 and prize2 == pytest.approx(30 * 1.0)


# --- issue 15: visit times keep their zone; an outcome of today can be undone or corrected ------


def test_a_visit_at_23_54_on_30_november_counts_on_30_november__both_backends(db_url, tmp_path):
    """Stored UTC-aware and read back as Copenhagen time, on SQLite (no zone in the column)
    as on PostGIS: from the phone (aware or naive local time) and from an imported CSV."""
    from detection.routes.outcomes import outcomes_by_day

    admin = make_workspace(db_url, n_signals=12)
    _add_focus_area(admin)
    lead = admin.as_user(role_user("team_lead"))
    plan = lead.plan_routes("Nordby centrum", teams=1, days=2, as_of=date(2026, 11, 27),
                            from_date=date(2026, 11, 30), seconds=0.5)
    assert [r["day"] for r in plan["routes"]] == ["2026-11-30", "2026-12-01"]
    stops = [s for r in plan["routes"] for s in r["stops"]]
    lead.assign_route(plan["routes"][0]["route_id"], [role_user("field_worker"), "u_field_worker2"])
    lead.assign_route(plan["routes"][1]["route_id"], [role_user("field_worker"), "u_field_worker2"])
    fw = admin.as_user(role_user("field_worker"))
    late = datetime(2026, 11, 30, 23, 54, tzinfo=COPENHAGEN)
    e1, e2, e3 = stops[0]["entrance_id"], stops[1]["entrance_id"], stops[2]["entrance_id"]
    fw.record_outcome(e1, "not_home", visited_at=late)                      # the phone: aware
    fw.record_outcome(e2, "not_home", visited_at=late.replace(tzinfo=None))  # naive = Copenhagen
    f = tmp_path / "o.csv"
    f.write_text(f"entrance_id,unit_id,outcome,visited_at,note\n{e3},,not_home,2026-11-30T23:54,\n",
                 encoding="utf-8")
    assert lead.import_outcomes(f, as_of=date(2026, 11, 30))["imported"] == 1
    got = lead.outcomes()
    assert len(got) == 3
    for when in got["visited_at"]:
        assert when.tzinfo is not None and when.to_pydatetime() == late
        assert when.to_pydatetime().utcoffset().total_seconds() == 3600  # read as Copenhagen (CET)
    by_day = outcomes_by_day(fw.outcomes())
    for e in (e1, e2, e3):
        assert by_day.get((e, date(2026, 11, 30))) == ["not_home"], by_day
        assert (e, date(2026, 12, 1)) not in by_day
    # in the store: UTC, 22:54
    with store_engine.read_tx(admin.engine) as conn:
        raw = conn.execute(select(t.outcomes.c.visited_at).where(t.outcomes.c.entrance_id == e1)).scalar()
    raw = raw if raw.tzinfo is not None else raw.replace(tzinfo=UTC)
    assert raw.astimezone(UTC) == datetime(2026, 11, 30, 22, 54, tzinfo=UTC)


def test_undo_and_correct_an_outcome__own_and_today_only__audited__cpr_scrubbed(db_url, monkeypatch):
    from detection import clock
    from detection.store import schema as s

    admin = make_workspace(db_url, n_signals=12)
    _add_focus_area(admin)
    lead = admin.as_user(role_user("team_lead"))
    plan = lead.plan_routes("Nordby centrum", teams=1, days=1, as_of=AS_OF, seconds=0.5)
    route = plan["routes"][0]
    lead.assign_route(route["route_id"], [role_user("field_worker"), "u_field_worker2"])
    fw, fw2 = admin.as_user(role_user("field_worker")), admin.as_user("u_field_worker2")
    e1, e2 = route["stops"][0]["entrance_id"], route["stops"][1]["entrance_id"]
    now = clock.now_local()
    mine = fw.record_outcome(e1, "not_home", visited_at=now)
    theirs = fw2.record_outcome(e2, "not_home", visited_at=now)

    # correct: the outcome and the note; a CPR number in the note never reaches the store
    fw.edit_outcome(mine, "letter_left", note="talte med 010190-1234 i opgangen")
    row = fw.outcomes(e1).iloc[0]
    assert row["outcome"] == "letter_left" and "010190" not in row["note"]
    with pytest.raises(InputError):
        fw.edit_outcome(mine, "no_such_outcome")
    # a colleague's outcome, even on the same route: no
    with pytest.raises(NotAllowed):
        fw.undo_outcome(theirs)
    with pytest.raises(NotAllowed):
        fw.edit_outcome(theirs, "letter_left")
    # an outcome recorded yesterday: no (a team lead corrects it)
    monkeypatch.setattr(clock, "today", lambda: now.date() + timedelta(days=1))
    with pytest.raises(NotAllowed, match="before today"):
        fw.undo_outcome(mine)
    monkeypatch.undo()
    # undo: gone, and the audit log says who took it back
    fw.undo_outcome(mine)
    assert fw.outcomes(e1).empty
    with pytest.raises(InputError, match="does not exist"):
        fw.undo_outcome(mine)
    lead.undo_outcome(theirs)  # a team lead may take back anyone's
    assert lead.outcomes().empty
    with store_engine.read_tx(admin.engine) as conn:
        log = conn.execute(select(s.audit_log.c.user_name, s.audit_log.c.object).where(
            s.audit_log.c.action == "outcomes.write")).all()
    assert (role_user("field_worker"), f"{e1}: undo letter_left") in [tuple(x) for x in log]
    assert (role_user("field_worker"), f"{e1}: not_home → letter_left") in [tuple(x) for x in log]
    with pytest.raises(NotAllowed):
        admin.as_user(role_user("analyst")).undo_outcome(theirs)

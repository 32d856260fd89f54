"""Partners through the repository and the CLI, and who may see what (analysts: only
suppressed aggregates)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
import shapely
from sqlalchemy import func, select

from detection.cli.main import main
from detection.errors import InputError, NotAllowed
from detection.privacy import MIN_DWELLINGS
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user

AS_OF = date(2026, 11, 1)


@pytest.fixture()
def ws(db_url):
    admin = make_workspace(db_url)
    return admin, db_url


def _cli(capsys, db_url: str, user: str, *args: str) -> tuple[int, dict]:
    code = main(["--db", db_url, "--user", user, "--as-of", str(AS_OF), "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _network(admin):
    """Two partners over the Nordby entrances: an active estate polygon over the western
    half and a lapsed landlord portfolio of ten entrances."""
    planner = admin.as_user(role_user("planner"))
    ent = admin.entrances()
    mid = float(ent["x"].median())
    minx, miny, _, maxy = ent["x"].min(), ent["y"].min(), ent["x"].max(), ent["y"].max()
    estate = planner.add_partner("Boligselskab Vest (test)", "boligselskab", contact_name="Driftschef",
                                 contact_email="drift@vest.example")
    planner.add_coverage(estate, "polygon", geometry=shapely.box(minx - 1, miny - 1, mid, maxy + 1), label="afd. 1")
    landlord = planner.add_partner("Udlejer Øst (test)", "privat udlejer")
    east = ent[ent["x"] > mid]["entrance_id"].iloc[:10].tolist()
    planner.add_coverage(landlord, "entrances", entrance_ids=east)
    # a caretaker with a radius whose partnership has ended: stored, but covers nothing
    caretaker = planner.add_partner("Vicevært Midt (test)", "vicevært", active=False)
    planner.add_coverage(caretaker, "radius", geometry=shapely.Point(mid, float(ent["y"].median())), radius_m=300)
    planner.log_contact(estate, contact_date=date(2026, 9, 1), channel="møde", next_contact=date(2026, 12, 1))
    planner.log_contact(landlord, contact_date=date(2025, 6, 1), channel="phone", next_contact=date(2025, 9, 1))
    return planner, estate, landlord, ent, mid


def test_repository__registry_coverage_contacts_overdue(ws):
    admin, _ = ws
    planner, estate, landlord, ent, mid = _network(admin)
    lst = planner.partners_list(as_of=AS_OF).set_index("partner_id")
    assert lst.loc[estate, "status"] == "active" and lst.loc[landlord, "status"] == "lapsed"
    assert lst.loc[estate, "n_polygon"] == 1 and lst.loc[landlord, "n_entrances"] == 10
    assert lst.loc[estate, "kind"] == "housing_association"
    caretaker = lst.index[lst["name"] == "Vicevært Midt (test)"][0]
    assert lst.loc[caretaker, "n_radius"] == 1 and lst.loc[caretaker, "status"] == "ended"
    ec = planner.coverage_entrances(as_of=AS_OF).set_index("entrance_id")
    west = ent[ent["x"] <= mid]["entrance_id"]
    assert (ec.loc[west, "coverage"] == "active").all()
    assert (ec["coverage"] == "lapsed").sum() == 10
    od = planner.overdue_partners(as_of=AS_OF)
    assert od["partner_id"].tolist() == [landlord] and od["days_overdue"].iloc[0] == 426
    log = planner.contact_log()
    assert set(log["channel"]) == {"meeting", "phone"} and len(log) == 2
    # a month later than six months after the estate's meeting it has lapsed too
    later = planner.partners_list(as_of=date(2027, 3, 2)).set_index("partner_id")
    assert later.loc[estate, "status"] == "lapsed"
    planner.update_partner(landlord, active=False)
    assert planner.partners_list(as_of=AS_OF).set_index("partner_id").loc[landlord, "status"] == "ended"
    # writes are in the audit log
    actions = set(admin.audit_entries()["action"])
    assert {"partners.add", "partners.coverage", "partners.contact", "partners.update"} <= actions


def test_repository__coverage_per_area_and_gaps(ws):
    admin, _ = ws
    planner, *_ = _network(admin)
    cov = planner.coverage("grid1km", as_of=AS_OF)
    assert cov["layer"] == "grid1km" and cov["need_source"]
    shares = [a["active_share"] + a["lapsed_share"] + a["none_share"] for a in cov["areas"] if a["dwellings"]]
    assert all(abs(s - 1) < 1e-3 for s in shares)
    assert 0 < cov["totals"]["active_share"] < 1
    gaps = planner.coverage_gaps("grid1km", as_of=AS_OF)
    assert all(g["active_share"] < 0.1 and g["need"] > 0 for g in gaps["gaps"])
    needs = [g["need"] for g in gaps["gaps"]]
    assert needs == sorted(needs, reverse=True)
    assert all(len(g["suggestions"]) >= 1 for g in gaps["gaps"])


def test_import__one_transaction_every_row_kept(ws, tmp_path):
    admin, _ = ws
    planner = admin.as_user(role_user("planner"))
    e = admin.entrances()["entrance_id"].iloc[:2].tolist()
    path = tmp_path / "partnere.csv"
    path.write_text("navn;type;entrance_id;x;y;radius_m\n"
                    f"Udlejer A (test);udlejer;{e[0]};;;\n"
                    f"Udlejer A (test);udlejer;{e[1]};;;\n"
                    f"Udlejer A (test);udlejer;{e[1]};;;\n"
                    "Ukendt;tandlæge;;;;\n"
                    "Vicevært B (test);vicevært;;0;0;100\n", encoding="utf-8")
    out = planner.import_partners(path)
    assert (out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (5, 2, 1, 2)
    assert out["rows"] == out["imported"] + out["duplicates"] + out["rejected"]
    assert [(r["row"], r["reason"]) for r in out["rejected_rows"]] == [(5, "kind_unknown"), (6, "bad_coordinates")]
    with store_engine.read_tx(admin.engine) as conn:
        kept = conn.execute(select(t.rejected_rows.c.row, t.rejected_rows.c.reason)
                            .where(t.rejected_rows.c.batch_id == out["batch_id"])).all()
        batch = conn.execute(select(t.import_batches).where(t.import_batches.c.batch_id == out["batch_id"])).mappings().one()
        n_cov = conn.execute(select(func.count()).select_from(t.partner_coverage)).scalar_one()
    assert sorted(kept) == [(5, "kind_unknown"), (6, "bad_coordinates")]
    assert batch["kind"] == "partners" and batch["rows"] == 5
    assert n_cov == 2
    # the same file again: nothing new
    again = planner.import_partners(path)
    assert again["imported"] == 0 and again["duplicates"] == 3
    # an unusable file stores nothing (no batch, no partner)
    bad = tmp_path / "bad.csv"
    bad.write_text("navn;hvadbehager\nX;1\n", encoding="utf-8")
    with store_engine.read_tx(admin.engine) as conn:
        before = conn.execute(select(func.count()).select_from(t.import_batches)).scalar_one()
    with pytest.raises(InputError):
        planner.import_partners(bad)
    with store_engine.read_tx(admin.engine) as conn:
        assert conn.execute(select(func.count()).select_from(t.import_batches)).scalar_one() == before


def test_cli__import_coverage_gaps_contact_feedback(ws, tmp_path, capsys):
    admin, url = ws
    e = admin.entrances()["entrance_id"].iloc[:3].tolist()
    path = tmp_path / "p.csv"
    path.write_text("name;kind;entrance_id\n" + "".join(f"Udlejer C (test);private_landlord;{x}\n" for x in e)
                    + "Ingen;;\n", encoding="utf-8")
    code, out = _cli(capsys, url, role_user("planner"), "partners", "import", str(path))
    assert code == 0 and out["imported"] == 3 and out["rejected_rows"][0]["reason"] == "kind_unknown"
    code, out = _cli(capsys, url, role_user("planner"), "partners", "contact", "Udlejer C (test)",
                     "--channel", "oplæg", "--date", "2026-10-01", "--next", "2027-01-10")
    assert code == 0 and out["next_contact"] == "2027-01-10"
    code, out = _cli(capsys, url, role_user("analyst"), "partners", "coverage", "--areas", "grid1km")
    assert code == 0 and {"area_id", "name", "dwellings", "need", "active_share", "lapsed_share",
                          "none_share", "partners_active", "partners_lapsed"} <= set(out["areas"][0])
    csv_path = tmp_path / "gaps.csv"
    code, out = _cli(capsys, url, role_user("analyst"), "partners", "gaps", "--areas", "grid1km", "--top", "2",
                     "--out", str(csv_path))
    assert code == 0 and len(out["gaps"]) <= 2 and csv_path.exists()
    assert pd.read_csv(csv_path, sep=";", encoding="utf-8-sig").shape[0] == len(out["gaps"])
    code, out = _cli(capsys, url, role_user("analyst"), "partners", "list")
    assert code == 3 and out["error"]["code"] == "not_allowed"
    code, out = _cli(capsys, url, role_user("planner"), "partners", "contact", "nobody", "--channel", "phone")
    assert code == 1
    code, out = _cli(capsys, url, role_user("planner"), "partners", "feedback", "Udlejer C (test)",
                     "--out", str(tmp_path / "fb.pdf"))
    assert code == 0 and (tmp_path / "fb.pdf").read_bytes().startswith(b"%PDF")


def test_access__analyst_gets_only_suppressed_aggregates(ws):
    admin, _ = ws
    _network(admin)
    analyst = admin.as_user(role_user("analyst"))
    for call in (lambda: analyst.partners_list(as_of=AS_OF), lambda: analyst.contact_log(),
                 lambda: analyst.overdue_partners(as_of=AS_OF), lambda: analyst.coverage_entrances(as_of=AS_OF),
                 lambda: analyst.log_contact("x", contact_date=AS_OF, channel="phone")):
        with pytest.raises(NotAllowed):
            call()
    cov = analyst.coverage("grid250", as_of=AS_OF)
    planner_cov = admin.as_user(role_user("planner")).coverage("grid250", as_of=AS_OF)
    assert all(a["dwellings"] >= MIN_DWELLINGS for a in cov["areas"])
    assert len(cov["areas"]) < len(planner_cov["areas"])  # small cells left out for the analyst
    layers = analyst.coverage_layers("grid250", as_of=AS_OF)
    assert "entrances" not in layers and (layers["areas"]["dwellings"] >= MIN_DWELLINGS).all()
    # yield: counts 1–4 read "<5"; no entrance or address anywhere
    with store_engine.write_tx(admin.engine) as conn:  # link the test signals to a partner
        pid = conn.execute(select(t.partners.c.partner_id)).scalars().first()
        conn.execute(t.signals.update().values(partner_id=pid))
    y = analyst.partner_yield(as_of=AS_OF)
    counts = [r["reports"] for r in y["monthly"]] + [v for r in y["contacts"] for v in (r["before"], r["after"])]
    assert counts and all(c == "<5" or c == 0 or (isinstance(c, int) and c >= 5) for c in counts)
    text = json.dumps([cov, y], default=str)
    streets = set(admin.entrances()["street"])
    assert not [s for s in streets if s in text]
    assert not [e for e in admin.entrances()["entrance_id"] if e in text]
    fw = admin.as_user(role_user("field_worker"))
    with pytest.raises(NotAllowed):
        fw.coverage("grid250", as_of=AS_OF)


def test_demo_import_refused_without_allow(tmp_path, demo_db):
    from detection.repository import Repository

    planner = Repository.open(str(demo_db), "planner")
    path = tmp_path / "p.csv"
    path.write_text("navn;type\nX (test);forening\n", encoding="utf-8")
    with pytest.raises(NotAllowed, match="demo"):
        planner.import_partners(path)


def test_import__a_failure_mid_batch_stores_nothing(tmp_path):
    """One transaction: when the store refuses a row half-way, no partner, coverage,
    batch or rejected row of the file is left behind (SQLite trigger as the failure)."""
    from sqlalchemy.exc import SQLAlchemyError

    admin = make_workspace(f"sqlite:///{tmp_path / 'w.sqlite'}")
    planner = admin.as_user(role_user("planner"))
    e = admin.entrances()["entrance_id"].iloc[:3].tolist()
    with admin.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TRIGGER boom BEFORE INSERT ON partner_coverage WHEN NEW.entrance_id = '{e[2]}' "
                             "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END")
    path = tmp_path / "p.csv"
    path.write_text("navn;type;entrance_id\n" + "".join(f"Udlejer {i} (test);udlejer;{x}\n" for i, x in enumerate(e))
                    + "Ukendt;tandlæge;\n", encoding="utf-8")

    def counts() -> tuple[int, ...]:
        with store_engine.read_tx(admin.engine) as conn:
            return tuple(conn.execute(select(func.count()).select_from(tb)).scalar_one()
                         for tb in (t.partners, t.partner_coverage, t.import_batches, t.rejected_rows))

    before = counts()
    with pytest.raises(SQLAlchemyError, match="refused by test trigger"):
        planner.import_partners(path)
    assert counts() == before


def test_demo__partner_network_is_invented_with_active_and_lapsed_partners(demo_db):
    from detection.register.demo import _CONTACT_TITLES
    from detection.repository import Repository

    planner = Repository.open(str(demo_db), "planner")
    lst = planner.partners_list(as_of=AS_OF)
    assert len(lst) == 15 and lst["name"].str.contains("(fiktiv)", regex=False).all()
    assert set(lst["contact_name"]) <= set(_CONTACT_TITLES)  # job titles, never a person's name
    assert lst["contact_email"].str.endswith(".example").all()
    assert {"active", "lapsed"} <= set(lst["status"])
    assert lst["n_polygon"].sum() >= 4 and lst["n_entrances"].sum() >= 50 and lst["n_radius"].sum() >= 5
    assert len(planner.overdue_partners(as_of=AS_OF)) > 0
    # the story of the demo: Nordby and Onsbjerg have high need and no active partner
    gaps = planner.coverage_gaps("parishes", as_of=AS_OF)["gaps"]
    assert [g["name"] for g in gaps if g["high_need"]] == ["Nordby", "Onsbjerg"]


def test_repository__a_workspace_without_partners(ws):
    admin, _ = ws
    planner = admin.as_user(role_user("planner"))
    assert planner.partners_list(as_of=AS_OF).empty
    assert planner.overdue_partners(as_of=AS_OF).empty
    assert planner.contact_log().empty
    cov = planner.coverage("grid1km", as_of=AS_OF)
    assert cov["totals"]["none_share"] == 1.0 and cov["partners"] == {"active": 0, "lapsed": 0, "ended": 0}
    gaps = planner.coverage_gaps("grid1km", as_of=AS_OF)["gaps"]
    assert gaps and all(g["suggestions"] == [] and g["none_share"] == 1.0 for g in gaps)
    y = planner.partner_yield(as_of=AS_OF)
    assert y["totals"] == [] and y["contacts"] == []
    assert (planner.coverage_entrances(as_of=AS_OF)["coverage"] == "none").all()


def test_settings__partner_lapse_is_a_workspace_setting(ws, capsys):
    """The administrator's ``partner_active_months`` decides "active" wherever no --months is
    given (registry, coverage, gaps, the CLI); an explicit --months still wins."""
    admin, url = ws
    planner, estate, _landlord, _ent, _mid = _network(admin)  # estate met 2026-09-01: 2 months before AS_OF
    assert planner.active_months() == 6
    assert planner.partners_list(as_of=AS_OF).set_index("partner_id").loc[estate, "status"] == "active"
    with pytest.raises(InputError, match="at least 1 month"):
        admin.set_setting("partner_active_months", 0)
    with pytest.raises(NotAllowed):
        planner.set_setting("partner_active_months", 1)
    admin.set_setting("partner_active_months", 1)
    assert planner.active_months() == 1
    assert planner.partners_list(as_of=AS_OF).set_index("partner_id").loc[estate, "status"] == "lapsed"
    cov = planner.coverage("grid1km", as_of=AS_OF)
    assert cov["active_months"] == 1
    assert all(a["active_share"] == 0 for a in cov["areas"])
    code, out = _cli(capsys, url, role_user("planner"), "partners", "coverage", "--areas", "grid1km")
    assert code == 0 and out["active_months"] == 1 and all(a["active_share"] == 0 for a in out["areas"])
    code, out = _cli(capsys, url, role_user("planner"), "partners", "coverage", "--areas", "grid1km", "--months", "6")
    assert code == 0 and out["active_months"] == 6 and any(a["active_share"] > 0 for a in out["areas"])
    code, out = _cli(capsys, url, "admin", "settings", "--set", "partner_active_months=3")
    assert code == 0 and out["settings"]["partner_active_months"] == 3


def test_need__follows_the_planners_saved_model(ws):
    """The coverage page's need is the priorities model the planner saved, not the defaults."""
    from detection.priorities.scoring import ModelParams

    admin, _ = ws
    planner, *_ = _network(admin)
    before = {a["area_id"]: a["need"] for a in planner.coverage("grid1km", as_of=AS_OF)["areas"]}
    planner.save_model(ModelParams().with_weight("neighbour_complaint", 5.0))
    after = {a["area_id"]: a["need"] for a in planner.coverage("grid1km", as_of=AS_OF)["areas"]}
    assert before.keys() == after.keys()
    assert any(after[k] > before[k] for k in before)


def test_partner_coverage__list_delete_and_portfolio_matching(ws):
    """One partner's coverage as the partners page draws it; removing an item; a pasted
    address list matched offline, unmatched lines told apart with their reason."""
    admin, _ = ws
    planner, estate, landlord, ent, mid = _network(admin)
    items = planner.partner_coverage(estate)
    assert items.crs.to_epsg() == 25832 and items["kind"].tolist() == ["polygon"]
    assert items["label"].iloc[0] == "afd. 1" and items.geometry.iloc[0].area > 0
    port = planner.partner_coverage(landlord)
    assert (port["kind"] == "entrances").all() and len(port) == 10
    e = ent.set_index("entrance_id")
    first = port.iloc[0]
    assert first.geometry.x == pytest.approx(e.loc[first["entrance_id"], "x"])
    assert first["address"].startswith(str(admin.entrances().set_index("entrance_id").loc[first["entrance_id"], "street"]))

    reg = admin.entrances().drop_duplicates(["street", "house_number"], keep=False).iloc[:3]
    lines = [f"{r.street} {r.house_number}, {r.postcode} Samsø" for r in reg.itertuples()]
    lines += ["", "Findesikke Allé 999, 8305 Samsø", reg.iloc[0]["street"].upper() + f"  {reg.iloc[0]['house_number']}"]
    m = planner.match_portfolio(lines)
    assert m["line"].tolist() == [1, 2, 3, 5, 6]  # the empty line is skipped, numbering kept
    assert m["entrance_id"].iloc[:3].tolist() == reg["entrance_id"].tolist()
    assert m.iloc[3]["entrance_id"] == "" and m.iloc[3]["reason"] == "address_not_found"
    assert m.iloc[4]["entrance_id"] == reg["entrance_id"].iloc[0]  # case and spacing normalised
    before = admin.audit_entries()
    assert planner.add_coverage(landlord, "entrances", entrance_ids=m["entrance_id"].iloc[:3].tolist()) == 3
    assert len(planner.partner_coverage(landlord)) == 13

    planner.delete_coverage(int(items["coverage_id"].iloc[0]))
    assert planner.partner_coverage(estate).empty
    assert not (planner.coverage_entrances(as_of=AS_OF)["coverage"] == "active").any()
    with pytest.raises(InputError, match="does not exist"):
        planner.delete_coverage(int(items["coverage_id"].iloc[0]))
    with pytest.raises(InputError, match="does not exist"):
        planner.partner_coverage("no-such-partner")
    new = admin.audit_entries()
    assert len(new) > len(before) and new["object"].str.contains("deleted polygon").any()

    lead = admin.as_user(role_user("team_lead"))
    assert len(lead.partner_coverage(landlord)) == 13  # reads the registry
    for call in (lambda r: r.delete_coverage(int(port["coverage_id"].iloc[0])),
                 lambda r: r.match_portfolio(lines)):
        with pytest.raises(NotAllowed):
            call(lead)
    for role in ("analyst", "field_worker"):
        with pytest.raises(NotAllowed):
            admin.as_user(role_user(role)).partner_coverage(landlord)

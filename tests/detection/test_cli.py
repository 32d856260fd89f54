"""The `opspor` command line: workspaces from the shipped DAR extract, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from detection.cli.main import main
from detection.repository import Repository
from tests.conftest import _backends

ROOT = Path(__file__).resolve().parents[2]
ODENSE = ROOT / "data" / "odense"


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


@pytest.fixture(scope="module", params=_backends())
def odense_db(request, tmp_path_factory) -> str:
    """The Odense extract made into a workspace by `opspor init`, in a SQLite file or a
    PostGIS schema of its own (``OPSPOR_TEST_BACKEND``)."""
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("odense") / "odense.sqlite")
    else:
        db = request.getfixturevalue("pg_server").schema().owner
    code = main(["--db", db, "init", "--name", "Odense", "--json",
                 "--addresses", str(ODENSE / "dawa_test_adgangsadresser.csv"),
                 "--units", str(ODENSE / "dawa_test_enhedsadresser.csv"),
                 "--areas", f"sogne={ODENSE / 'odense_sogne.geojson'}",
                 "--boundary", str(ODENSE / "odense_kommune.geojson"),
                 "--bbr-buildings", str(ODENSE / "bbr2020_test_bygninger.csv"),
                 "--bbr-units", str(ODENSE / "bbr2020_test_enheder.csv")])
    assert code == 0
    return db


def test_init__dar_extract_keeps_only_odense_and_reports_the_rest(odense_db, capsys):
    code, s = run(capsys, "summary", "--db", odense_db, "--json")
    assert code == 0
    assert s["kommunekode"] == "0461"
    assert s["entrances"] == 460  # product.md: 460 of the extract's entrances are in Odense
    assert s["areas"] == {"sogne": 35}
    assert s["register_problems"]["outside_municipality"] == 1320 - 460
    assert 0 < s["units"] < 2802
    # the administrator sees signal counts protected like an analyst (docs/privacy.md): 0–4 read "<5"
    assert s["network_nodes"] == 0 and s["signals"] == "<5"


def test_problems__outside_rows_listed_with_reason(odense_db, capsys):
    code, out = run(capsys, "--db", odense_db, "--json", "problems", "--reason", "outside_municipality")
    assert code == 0
    assert out["problems"] == 860
    assert "outside municipality 0461" in out["rows"][0]["message"]


def test_init__refuses_non_empty_database_without_force(odense_db, capsys):
    code, out = run(capsys, "--json", "--db", odense_db, "init", "--name", "x",
                    "--addresses", str(ODENSE / "dawa_test_adgangsadresser.csv"))
    assert code == 1
    assert out["error"]["code"] == "workspace" and "--force" in out["error"]["message"]


def test_init__missing_file_is_unusable_input(tmp_path, capsys):
    code, out = run(capsys, "--db", str(tmp_path / "x.sqlite"), "init", "--name", "x",
                    "--addresses", str(tmp_path / "none.csv"), "--json")
    assert code == 1
    assert "does not exist" in out["error"]["message"]


def test_cli__usage_error_is_exit_2_with_json(tmp_path, capsys):
    code, out = run(capsys, "--json", "--db", str(tmp_path / "x.sqlite"), "frobnicate")
    assert code == 2
    assert out["error"]["code"] == "usage"


def test_cli__unknown_user_is_exit_3(odense_db, capsys):
    code, out = run(capsys, "--db", odense_db, "--user", "mallory", "summary", "--json")
    assert code == 3
    assert out["error"]["code"] == "unknown_user"


def test_users__add_list_set_role_disable(odense_db, capsys):
    code, _ = run(capsys, "--db", odense_db, "--json", "users", "add", "lone", "--role", "planner",
                  "--password", "s3cret-pw-long-enough")
    assert code == 0
    code, out = run(capsys, "--db", odense_db, "--json", "users", "list")
    assert {"name": "lone", "role": "planner"}.items() <= next(
        u for u in out["users"] if u["name"] == "lone").items()
    # a planner may not manage users: exit 3
    code, out = run(capsys, "--db", odense_db, "--user", "lone", "--json", "users", "list")
    assert code == 3 and out["error"]["code"] == "not_allowed"
    code, _ = run(capsys, "--db", odense_db, "--json", "users", "set-role", "lone", "analyst")
    assert code == 0
    code, _ = run(capsys, "--db", odense_db, "--json", "users", "disable", "lone")
    assert code == 0
    code, out = run(capsys, "--db", odense_db, "--user", "lone", "--json", "summary")
    assert code == 3 and "disabled" in out["error"]["message"]


def test_users__unknown_role_named(odense_db, capsys):
    code, out = run(capsys, "--db", odense_db, "--json", "users", "add", "x", "--role", "boss",
                    "--password", "pw")
    assert code == 1 and "role 'boss' is not known" in out["error"]["message"]


def test_db__env_variable_and_bare_path(odense_db, capsys, monkeypatch):
    monkeypatch.setenv("OPSPOR_DB", odense_db)
    code, s = run(capsys, "summary", "--json")
    assert code == 0 and s["kommunekode"] == "0461"


@pytest.mark.parametrize("fixture", ["samsoe_nordby.osm", "samsoe_nordby.osm.pbf"])
def test_init__osm_alone_gives_entrances_network_and_municipality(tmp_path, capsys, fixture):
    db = str(tmp_path / "nordby.sqlite")
    code, s = run(capsys, "init", "--name", "Nordby", "--osm", str(ROOT / "tests" / "data" / fixture),
                  "--db", db, "--json")
    assert code == 0, s
    assert s["kommunekode"] == "0741"  # from the shipped municipality polygons
    assert s["entrances"] == 242
    assert s["network_nodes"] > 90 and s["network_edges"] > 90
    assert s["entrances_snapped"] == 242
    assert s["areas"] == {}


def test_init__osm_xml_and_pbf_give_the_same_workspace(tmp_path, capsys):
    out = []
    for fixture in ("samsoe_nordby.osm", "samsoe_nordby.osm.pbf"):
        db = str(tmp_path / f"{fixture}.sqlite")
        assert main(["init", "--name", "N", "--osm", str(ROOT / "tests" / "data" / fixture), "--db", db]) == 0
        capsys.readouterr()
        repo = Repository.open(db, None)
        out.append((repo.entrances(), repo.network().edges))
    pd.testing.assert_frame_equal(out[0][0], out[1][0])
    pd.testing.assert_frame_equal(out[0][1], out[1][1])


def test_init__geodanmark_network_gives_odense_routes_on_real_roads(db_url, capsys):
    """``--network`` with the shipped GeoDanmark centrelines: the Odense workspace gets a
    walking network, every entrance snapped, and a team lead's plan walks on it."""
    from datetime import date

    from detection.repository import Repository

    code, s = run(capsys, "--db", db_url, "--json", "init", "--name", "Odense",
                  "--addresses", str(ODENSE / "dawa_test_adgangsadresser.csv"),
                  "--units", str(ODENSE / "dawa_test_enhedsadresser.csv"),
                  "--areas", f"sogne={ODENSE / 'odense_sogne.geojson'}",
                  "--boundary", str(ODENSE / "odense_kommune.geojson"),
                  "--network", str(ODENSE / "odense_vejmidter_geodanmark.geojson"))
    assert code == 0
    assert s["entrances"] == 460 and s["network_nodes"] == 8373 and s["network_edges"] == 8445
    assert s["entrances_snapped"] == 460
    admin = Repository.open(db_url, "admin")
    admin.upsert_user("tl", role="team_lead", password="pw-tl")
    lead = admin.as_user("tl")
    bolbro = next(a["key"] for a in lead.planning_areas() if a["name"] == "Bolbro")
    plan = lead.plan_routes(bolbro, teams=1, days=1, doors="all", seconds=1.0, as_of=date(2026, 11, 20))
    assert plan["method"] == "network" and plan["totals"]["stops"] > 20
    code, err = run(capsys, "--db", db_url, "--json", "init", "--name", "X", "--force",
                    "--addresses", str(ODENSE / "dawa_test_adgangsadresser.csv"),
                    "--network", str(ODENSE / "odense_sogne.geojson"))
    assert code == 1 and "--network" in err["error"]["message"] and "no usable line" in err["error"]["message"]

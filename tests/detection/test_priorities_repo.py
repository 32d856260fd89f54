"""Priorities and focus areas through the repository and the CLI, suppression included."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest
import shapely

from detection.cli.main import main
from detection.errors import InputError, NotAllowed
from detection.priorities.scoring import ModelParams
from detection.repository import Repository
from tests.detection.conftest import role_user

AS_OF = date(2026, 11, 1)


def _box_around(repo: Repository, n: int = 40):
    e = repo.entrances().sort_values(["x", "y"]).iloc[:n]
    return shapely.box(e["x"].min() - 1, e["y"].min() - 1, e["x"].max() + 1, e["y"].max() + 1)


def test_focus_areas__save_list_delete_round_trip(nordby):
    planner = nordby.as_user(role_user("planner"))
    poly = _box_around(planner)
    fid = planner.save_focus_area("Nordby vest", poly, origin="drawn", as_of=AS_OF)
    fid2 = planner.save_focus_area("Celle", None, origin="area",
                                   source_ref="grid250:" + planner.priorities("grid250", as_of=AS_OF)["area_id"].iloc[0],
                                   as_of=AS_OF)
    fa = planner.focus_areas()
    assert list(fa["name"]) == ["Celle", "Nordby vest"]
    got = fa.set_index("focus_id").loc[fid]
    assert got.geometry.equals_exact(poly, 1e-6)
    assert got["origin"] == "drawn" and got["created_by"] == role_user("planner")
    assert got["stats"]["entrances"] >= 40 and got["stats"]["dwellings"] >= 40
    assert planner.focus_area("Celle")["focus_id"] == fid2
    assert planner.focus_area(fid2)["geometry"].area == pytest.approx(250 * 250)
    with pytest.raises(InputError, match="exists already"):
        planner.save_focus_area("Nordby vest", poly)
    planner.delete_focus_area(fid)
    assert list(planner.focus_areas()["name"]) == ["Celle"]
    with pytest.raises(InputError):
        planner.delete_focus_area(fid)
    acts = nordby.audit_list(action="focus.")["action"].tolist()
    assert "focus.save" in acts and "focus.delete" in acts


def test_focus_areas__bad_input_refused(nordby):
    planner = nordby.as_user(role_user("planner"))
    with pytest.raises(InputError, match="name"):
        planner.save_focus_area("  ", _box_around(planner))
    with pytest.raises(InputError, match="Denmark"):
        planner.save_focus_area("lonlat", shapely.box(10.5, 55.9, 10.6, 56.0))
    with pytest.raises(InputError, match="polygon"):
        planner.save_focus_area("line", shapely.LineString([(600000, 6200000), (600100, 6200100)]))
    with pytest.raises(InputError, match="LAYER:AREA_ID"):
        planner.save_focus_area("x", None, origin="area", source_ref="parishes")
    with pytest.raises(NotAllowed):
        nordby.as_user(role_user("team_lead")).save_focus_area("t", _box_around(planner))


def test_model__saved_and_used(nordby):
    planner = nordby.as_user(role_user("planner"))
    assert planner.model() == ModelParams()
    p = ModelParams(half_life_days=30, source_bonus=1.0).with_weight("neighbour_complaint", 3.0)
    planner.save_model(p)
    assert nordby.as_user(role_user("analyst")).model() == p
    assert ModelParams.from_json(p.to_json()) == p


# ----------------------------------------------------------------------------- CLI


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture()
def nordby_db(nordby, db_url) -> str:
    """The Nordby workspace's URL as the CLI's ``--db`` takes it (SQLite file or PostGIS schema)."""
    return db_url


def test_cli_priorities__conventions_shape(nordby_db, capsys):
    code, out = run(capsys, "--db", nordby_db, "--user", role_user("planner"), "priorities",
                    "--areas", "grid250", "--top", "3", "--json", "--as-of", "2026-11-01")
    assert code == 0
    assert set(out) >= {"layer", "as_of", "areas"} and out["layer"] == "grid250" and out["as_of"] == "2026-11-01"
    assert len(out["areas"]) == 3
    first = out["areas"][0]
    assert set(first) >= {"area_id", "name", "rank", "score", "signals", "signals_by_kind", "dwellings", "rate",
                          "rate_low", "rate_high", "hotspot", "hotspot_p", "why"}
    assert [a["rank"] for a in out["areas"]] == [1, 2, 3]
    assert first["rate_low"] <= first["rate"] <= first["rate_high"]
    assert first["signals_by_kind"] == {"neighbour_complaint": first["signals"]}
    # same inputs, same ranking
    _, again = run(capsys, "--db", nordby_db, "--user", role_user("planner"), "priorities",
                   "--areas", "grid250", "--top", "3", "--json", "--as-of", "2026-11-01")
    assert again["areas"] == out["areas"]


def test_cli_priorities__errors(nordby_db, capsys):
    code, out = run(capsys, "--db", nordby_db, "--user", role_user("planner"), "priorities",
                    "--areas", "nowhere", "--json")
    assert code == 1 and "nowhere" in out["error"]["message"]
    code, out = run(capsys, "--db", nordby_db, "--user", role_user("field_worker"), "priorities",
                    "--areas", "grid250", "--json")
    assert code == 3


def test_cli_focus_areas__save_three_ways_list_delete(nordby_db, tmp_path, capsys):
    u = ("--db", nordby_db, "--user", role_user("planner"), "--as-of", "2026-11-01", "--json")
    code, out = run(capsys, "focus-areas", "save", "--name", "K1", "--from-cluster", "1", "--eps-m", "200", *u)
    assert code == 0 and out["saved"]["origin"] == "cluster" and out["saved"]["stats"]["signals"] > 0
    cell = Repository.open(nordby_db, role_user("planner")).priorities("grid1km", as_of=AS_OF)["area_id"].iloc[0]
    code, out = run(capsys, "focus-areas", "save", "--name", "Celle", "--area", f"grid1km:{cell}", *u)
    assert code == 0 and out["saved"]["source_ref"] == f"grid1km:{cell}"
    gj = tmp_path / "a.geojson"
    x, y = 10.55, 55.97
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                  "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.02, y], [x + 0.02, y + 0.01],
                                                                    [x, y + 0.01], [x, y]]]}}]}))
    code, out = run(capsys, "focus-areas", "save", "--name", "Tegnet", "--geojson", str(gj), *u)
    assert code == 0 and out["saved"]["origin"] == "drawn"
    code, out = run(capsys, "focus-areas", "list", *u)
    assert [f["name"] for f in out["focus_areas"]] == ["Celle", "K1", "Tegnet"]
    fid = out["focus_areas"][0]["focus_id"]
    code, out = run(capsys, "focus-areas", "delete", fid, *u)
    assert code == 0 and out == {"deleted": fid}
    code, out = run(capsys, "focus-areas", "save", "--name", "K9", "--from-cluster", "99", *u)
    assert code == 1 and "cluster 99" in out["error"]["message"]


# ----------------------------------------------------------------------------- suppression

_SMALL_COUNT = re.compile(r"(?<![\d.,<])[1-4](?![\d.,])")


def _check_counts(value, where: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _check_counts(v, f"{where}.{k}")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        assert not (1 <= int(value) <= 4), f"count {value} shown at {where}"


def _check_area(a: dict, streets: set[str]) -> None:
    assert int(a["dwellings"]) >= 20, a
    for k in ("signals", "recent", "sources", "signals_by_kind", "score"):
        if k in a:
            _check_counts(a[k], k)
    assert not _SMALL_COUNT.findall(a["why"]), a["why"]
    text = json.dumps(a, ensure_ascii=False)
    assert not [s for s in streets if s and s in text]


def test_suppression__every_analyst_output(nordby, nordby_db, tmp_path, capsys):
    planner = nordby.as_user(role_user("planner"))
    analyst = nordby.as_user(role_user("analyst"))
    streets = set(nordby.entrances()["street"])
    e = nordby.entrances().iloc[:3]
    tiny = shapely.box(e["x"].min() - 1, e["y"].min() - 1, e["x"].max() + 1, e["y"].max() + 1)
    planner.save_focus_area("Lille", tiny, as_of=AS_OF)
    planner.save_focus_area("Stor", _box_around(planner, 400), as_of=AS_OF)
    masked_somewhere = False
    for layer in ("grid100", "grid250", "grid1km"):
        full = planner.priorities(layer, as_of=AS_OF)
        # repository frame
        df = analyst.priorities(layer, as_of=AS_OF)
        assert "raw_rate" not in df.columns
        assert len(df) == int((full["dwellings"] >= 20).sum())
        for a in df.to_dict("records"):
            _check_area(a, streets)
        masked_somewhere |= (full["dwellings"] < 20).any() or (df["signals"] == "<5").any()
        # CLI (both languages) and the CSV export
        for lang in ("da", "en"):
            out_csv = tmp_path / f"{layer}-{lang}.csv"
            code, out = run(capsys, "--db", nordby_db, "--user", role_user("analyst"), "--lang", lang, "priorities",
                            "--areas", layer, "--json", "--as-of", "2026-11-01", "--out", str(out_csv))
            assert code == 0
            for a in out["areas"]:
                _check_area(a, streets)
            csv = pd.read_csv(out_csv, sep=";", encoding="utf-8-sig", dtype=str)
            assert (csv["dwellings"].astype(int) >= 20).all()
            assert not csv["signals"].isin(["1", "2", "3", "4"]).any()
            for why, kinds in zip(csv["why"], csv["signals_by_kind"], strict=True):
                assert not _SMALL_COUNT.findall(why)
                _check_counts(json.loads(kinds), "csv.signals_by_kind")
    assert masked_somewhere, "the fixture should exercise the mask"
    # focus candidates and saved focus areas
    cands = analyst.focus_candidates(as_of=AS_OF, eps_m=200)
    assert (cands["dwellings"] >= 20).all()
    for r in cands.drop(columns="geometry").to_dict("records"):
        for k in ("entrances", "concerned_entrances", "signals", "signals_by_kind", "score"):
            _check_counts(r[k], k)
    fa = analyst.focus_areas()
    assert list(fa["name"]) == ["Stor"]
    _check_counts(fa["stats"].iloc[0], "stats")
    code, out = run(capsys, "--db", nordby_db, "--user", role_user("analyst"), "focus-areas", "list", "--json")
    assert [f["name"] for f in out["focus_areas"]] == ["Stor"]
    _check_counts(out["focus_areas"][0]["stats"], "cli stats")
    assert out["focus_areas"][0]["created_by"] == ""

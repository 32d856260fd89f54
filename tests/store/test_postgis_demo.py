"""The Samsø demo on PostGIS: same product as on SQLite, and usable from SQL (QGIS-style)."""

from __future__ import annotations

import sqlite3
import uuid

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import text

from detection.repository import Repository
from detection.store import engine as store_engine
from geo.areas import assign_areas
from tests.store.helpers import cli_json, ddl_in, statements


@pytest.fixture(scope="module")
def summaries(demo_db, pg_demo) -> dict[str, dict]:
    """``summary --json`` of the demo on SQLite, and on PostGIS as the owner and the app role."""
    out = {}
    for name, url in (("sqlite", str(demo_db)), ("postgis", pg_demo.owner),
                      ("postgis_app", pg_demo.app)):
        code, out[name] = cli_json("--db", url, "summary")
        assert code == 0, out[name]
    return out


@pytest.fixture()
def sqlite_copy(demo_db, tmp_path) -> str:
    """A private copy of the shared SQLite demo (reads of signals write audit entries)."""
    dst = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(dst) as out:
        src.backup(out)
    return f"sqlite:///{dst}"


def test_demo__postgis_summary_equals_sqlite(summaries):
    lite, pg = summaries["sqlite"], summaries["postgis"]
    assert pg == lite
    assert pg["entrances"] > 4000 and pg["network_nodes"] > 10000 and pg["signals"] > 0
    assert pg["areas"] == {"parishes": 5}


def test_demo__app_role_summary_equals_owner_summary(summaries):
    assert summaries["postgis_app"] == summaries["postgis"]


def test_app_role__opens_the_demo_without_ddl(pg_demo):
    eng = store_engine.get_engine(pg_demo.app)
    with statements(eng) as sql:
        repo = Repository.open(pg_demo.app, "planner")
        repo.summary()
        repo.signals(purpose="test: app role reads signals")
    assert sql and not ddl_in(sql), ddl_in(sql)
    with eng.connect() as conn:
        assert conn.execute(text("SELECT current_user")).scalar() == pg_demo.app_role


def test_st_within__entrances_in_parishes_as_the_app_assigns_them(pg_demo):
    repo = Repository.open(pg_demo.app, "admin")
    entr = repo.entrances()
    expected = pd.Series(assign_areas(entr["x"].to_numpy(), entr["y"].to_numpy(),
                                      repo.areas("parishes"))).dropna().value_counts()
    with store_engine.get_engine(pg_demo.app).connect() as conn:
        got = dict(conn.execute(text(
            "SELECT a.area_id, count(*) FROM areas a JOIN entrances e ON ST_Within(e.geom, a.geom) "
            "WHERE a.layer = 'parishes' GROUP BY a.area_id")).all())
    assert got == expected.to_dict()
    assert sum(got.values()) > 0.99 * len(entr)


def test_v_area_dwellings__sums_to_the_dwellings_in_the_areas(pg_demo):
    repo = Repository.open(pg_demo.app, "admin")
    entr, units = repo.entrances(), repo.units()
    per_entrance = np.maximum(entr["entrance_id"].map(units["entrance_id"].value_counts())
                              .fillna(0).to_numpy(), 1)
    area = assign_areas(entr["x"].to_numpy(), entr["y"].to_numpy(), repo.areas("parishes"))
    expected = pd.Series(per_entrance, index=area).groupby(level=0).sum().astype(int).to_dict()
    with store_engine.get_engine(pg_demo.app).connect() as conn:
        view = conn.execute(text("SELECT area_id, dwellings, name, ST_SRID(geom) FROM v_area_dwellings "
                                 "WHERE layer = 'parishes'")).all()
        cols = [c for (c,) in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = 'v_area_dwellings' ORDER BY ordinal_position"))]
    assert {a: d for a, d, _, _ in view} == expected
    assert sum(d for _, d, _, _ in view) == sum(expected.values())
    assert {srid for *_, srid in view} == {25832}
    assert cols == ["layer", "area_id", "name", "dwellings", "geom"]  # aggregates only


def test_v_area_dwellings__units_count_and_entrance_without_units_counts_one(pg_schema):
    db = pg_schema(migrate=True)
    eng = store_engine.get_engine(db.owner)
    box = shapely.box(0, 0, 100, 100)
    with store_engine.write_tx(eng) as conn:
        conn.execute(text("INSERT INTO area_layers (layer, source) VALUES ('p', '')"))
        conn.execute(text("INSERT INTO areas VALUES ('p', 'A', 'A', :g), ('p', 'B', 'B', :h)"),
                     {"g": shapely.to_wkb(box), "h": shapely.to_wkb(shapely.box(500, 500, 600, 600))})
        for eid, x in (("e1", 10), ("e2", 20), ("e3", 300)):
            conn.execute(text(
                "INSERT INTO entrances (entrance_id, street, house_number, postcode, city, "
                "kommunekode, address_key, x, y, source) VALUES (:e, 'V', '1', '', '', '0741', "
                ":e, :x, 50, 'osm')"), {"e": eid, "x": x})
        for _ in range(3):
            conn.execute(text("INSERT INTO units (unit_id, entrance_id, floor, door) "
                              "VALUES (:u, 'e1', '', '')"), {"u": str(uuid.uuid4())})
    with eng.connect() as conn:
        got = dict(conn.execute(text("SELECT area_id, dwellings FROM v_area_dwellings")).all())
    assert got == {"A": 3 + 1, "B": 0}  # e1: 3 units, e2: none → 1, e3 outside every area


def test_repository_reads__same_frames_on_postgis_and_sqlite(sqlite_copy, pg_demo):
    frames = {}
    for name, url in (("sqlite", sqlite_copy), ("postgis", pg_demo.app)):
        admin = Repository.open(url, "admin")
        net = admin.network()
        frames[name] = {
            "entrances": admin.entrances(),
            "units": admin.units(),
            "nodes": net.nodes.reset_index(drop=True),
            "edges": net.edges.sort_values(["u", "v"]).reset_index(drop=True),
            "signals": admin.as_user("planner").signals(purpose="test: backend parity"),
            "areas": admin.areas("parishes"),
            "boundary": admin.boundary(),
        }
    lite, pg = frames["sqlite"], frames["postgis"]
    for key in ("entrances", "units", "nodes", "edges", "signals"):
        pd.testing.assert_frame_equal(pg[key], lite[key], obj=key)
    for key in ("areas", "boundary"):
        assert len(pg[key]) == len(lite[key]) > 0
        assert all(a.equals(b) for a, b in zip(pg[key].geometry, lite[key].geometry, strict=True))

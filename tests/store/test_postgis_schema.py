"""Migrations on PostGIS: geometry columns in EPSG:25832, GiST indexes, the QGIS view."""

from __future__ import annotations

import shapely
from sqlalchemy import inspect, text

from detection.store import engine as store_engine

GEOMETRY_COLUMNS = {
    ("entrances", "geom", 25832, "POINT"),
    ("network_nodes", "geom", 25832, "POINT"),
    ("network_edges", "geom", 25832, "LINESTRING"),
    ("areas", "geom", 25832, "MULTIPOLYGON"),
    ("workspace", "geom", 25832, "MULTIPOLYGON"),
    ("v_area_dwellings", "geom", 25832, "MULTIPOLYGON"),
    ("focus_areas", "geom", 25832, "MULTIPOLYGON"),
}


def test_migrations__exactly_one_head():
    heads = store_engine._script().get_heads()
    assert heads == [store_engine.head_revision()], f"several migration heads: {heads}"


def test_head__geometry_columns_in_25832(pg_url):
    eng = store_engine.get_engine(pg_url.owner)
    assert store_engine.current_revision(eng) == store_engine.head_revision()
    with eng.connect() as conn:
        rows = set(conn.execute(text(
            "SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns "
            "WHERE f_table_schema = current_schema()")).all())
    assert GEOMETRY_COLUMNS <= rows, f"missing: {GEOMETRY_COLUMNS - rows}"
    assert {r[2] for r in rows} == {25832}, f"a geometry column not in EPSG:25832: {rows}"


def test_head__gist_index_on_every_geometry_column(pg_url):
    with store_engine.get_engine(pg_url.owner).connect() as conn:
        rows = conn.execute(text(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexdef ILIKE '%USING gist (geom)%'")).all()
        tables = set(conn.execute(text(
            "SELECT g.f_table_name FROM geometry_columns g JOIN pg_tables p "
            "ON p.schemaname = g.f_table_schema AND p.tablename = g.f_table_name "
            "WHERE g.f_table_schema = current_schema()")).scalars())
    assert {t for t, *_ in GEOMETRY_COLUMNS if not t.startswith("v_")} <= tables
    assert {t for t, _ in rows} == tables  # every geometry table has its GiST index


def test_geom__generated_from_xy_and_wkb_never_written_by_the_app(pg_schema):
    db = pg_schema(migrate=True)
    eng = store_engine.get_engine(db.owner)
    square = shapely.box(600000, 6190000, 601000, 6191000)
    with store_engine.write_tx(eng) as conn:
        conn.execute(text(
            "INSERT INTO workspace (id, name, kommunekode, synthetic, created_at, boundary_wkb, "
            "sources, data_version) VALUES (1, 'W', '0741', true, now(), :b, '[]', 1)"),
            {"b": shapely.to_wkb(shapely.force_3d(square))})  # Z is dropped
        conn.execute(text("INSERT INTO area_layers (layer, source) VALUES ('p', '')"))
        conn.execute(text("INSERT INTO areas (layer, area_id, name, geometry_wkb) "
                          "VALUES ('p', '1', 'One', :g)"), {"g": shapely.to_wkb(square)})
        conn.execute(text(
            "INSERT INTO entrances (entrance_id, street, house_number, postcode, city, "
            "kommunekode, address_key, x, y, source) VALUES "
            "('e1', 'Vej', '1', '8305', 'Samsø', '0741', 'k', 600500.5, 6190500.25, 'osm')"))
    with eng.connect() as conn:
        x, y, srid = conn.execute(text(
            "SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM entrances")).one()
        assert (x, y, srid) == (600500.5, 6190500.25, 25832)
        assert conn.execute(text("SELECT GeometryType(geom), ST_NDims(geom) FROM workspace")
                            ).one() == ("MULTIPOLYGON", 2)
        assert conn.execute(text("SELECT GeometryType(geom) FROM areas")).scalar() == "MULTIPOLYGON"
    with store_engine.write_tx(eng) as conn:  # moving the entrance moves its point
        conn.execute(text("UPDATE entrances SET x = 600100 WHERE entrance_id = 'e1'"))
        assert conn.execute(text("SELECT ST_X(geom) FROM entrances")).scalar() == 600100


def test_migrations__down_to_0010_and_up_again_on_postgis(pg_schema):
    db = pg_schema(migrate=True)
    eng = store_engine.get_engine(db.owner)
    store_engine.downgrade(eng, "0010")
    assert store_engine.current_revision(eng) == "0010"
    insp = inspect(eng)
    assert "geom" not in {c["name"] for c in insp.get_columns("entrances", schema=db.schema)}
    assert "v_area_dwellings" not in insp.get_view_names(schema=db.schema)
    store_engine.migrate(eng)
    assert store_engine.current_revision(eng) == store_engine.head_revision()
    assert "v_area_dwellings" in inspect(eng).get_view_names(schema=db.schema)
    assert not store_engine.is_empty(eng)


def test_is_empty__ignores_postgis_tables_and_other_schemas(pg_schema, pg_url):
    db = pg_schema(migrate=False)  # public (further down search_path) holds Opspor tables
    assert store_engine.is_empty(store_engine.get_engine(db.owner))
    assert not store_engine.is_empty(store_engine.get_engine(pg_url.owner))


def test_sqlite__postgis_migration_is_a_noop(tmp_path):
    eng = store_engine.get_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    store_engine.migrate(eng)
    insp = inspect(eng)
    assert "geom" not in {c["name"] for c in insp.get_columns("entrances")}
    assert "audit_purge_gate" in insp.get_table_names()
    assert {"ix_network_edges_v"} <= {i["name"] for i in insp.get_indexes("network_edges")}

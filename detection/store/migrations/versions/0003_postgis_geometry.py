"""PostGIS geometry columns, GiST indexes and the QGIS view v_area_dwellings (PostgreSQL only)

Revision ID: 0003
Revises: 0010
Create Date: 2026-11-23

A no-op on SQLite. On PostgreSQL:

- ``CREATE EXTENSION IF NOT EXISTS postgis`` (PostGIS is not a trusted extension: unless
  the owner is a superuser, a superuser runs ``CREATE EXTENSION postgis`` in the database
  first; :func:`detection.store.postgres.migration_blocker` says so before trying).
- ``geom`` columns in EPSG:25832, ``GENERATED ALWAYS AS (…) STORED`` from the columns the
  app already writes (``x``/``y`` and WKB), so no app code writes them and they can never
  disagree: ``entrances`` and ``network_nodes`` (Point), ``network_edges`` (LineString),
  ``areas`` and ``workspace`` (the municipality boundary; MultiPolygon — polygon parts of
  a collection, Z dropped). Each has a GiST index, so QGIS opens them as layers.
  (ST_MakePoint, ST_SetSRID, ST_GeomFromWKB, ST_Force2D, ST_CollectionExtract and ST_Multi
  are IMMUTABLE in PostGIS 3.3, which generated columns require.)
- ``v_area_dwellings (layer, area_id, name, dwellings, geom)``: dwellings per area, the
  units of the entrances inside it (``ST_Within``, as the app assigns areas), an entrance
  with no units counting as one dwelling. Aggregates only — no address. In QGIS use
  ``layer, area_id`` as the view's key.

Revision numbers: 0003–0009 were left free when 0010 was written on top of 0002; this one
follows 0010 so that databases already at 0010 get it.
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0003"
down_revision = "0010"
branch_labels = None
depends_on = None

SRID = 25832
_POINT = f"ST_SetSRID(ST_MakePoint(x, y), {SRID})"


def _polygons(column: str) -> str:
    return f"ST_Multi(ST_CollectionExtract(ST_Force2D(ST_GeomFromWKB({column}, {SRID})), 3))"


#: table, geometry type, generating expression
GEOMETRY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("entrances", "POINT", _POINT),
    ("network_nodes", "POINT", _POINT),
    ("network_edges", "LINESTRING", f"ST_Force2D(ST_GeomFromWKB(geometry_wkb, {SRID}))"),
    ("areas", "MULTIPOLYGON", _polygons("geometry_wkb")),
    ("workspace", "MULTIPOLYGON", _polygons("boundary_wkb")),
)

VIEW_SQL = """
CREATE VIEW v_area_dwellings AS
SELECT a.layer,
       a.area_id,
       a.name,
       COALESCE(SUM(CASE WHEN e.entrance_id IS NULL THEN 0
                         ELSE COALESCE(uc.units, 1) END), 0)::bigint AS dwellings,
       a.geom
FROM areas a
LEFT JOIN entrances e ON ST_Within(e.geom, a.geom)
LEFT JOIN (SELECT entrance_id, count(*) AS units FROM units GROUP BY entrance_id) uc
       ON uc.entrance_id = e.entrance_id
GROUP BY a.layer, a.area_id
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    for table, gtype, expr in GEOMETRY_COLUMNS:
        op.add_column(table, sa.Column(
            "geom", Geometry(gtype, srid=SRID, spatial_index=False),
            sa.Computed(expr, persisted=True), nullable=True))
        op.create_index(f"ix_{table}_geom", table, ["geom"], postgresql_using="gist")
    op.execute(VIEW_SQL)
    op.execute("COMMENT ON VIEW v_area_dwellings IS 'Dwellings per area (units of the "
               "entrances inside; an entrance without units counts 1). Key: layer, area_id.'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP VIEW IF EXISTS v_area_dwellings")
    for table, _gtype, _expr in reversed(GEOMETRY_COLUMNS):
        op.drop_index(f"ix_{table}_geom", table_name=table)
        op.drop_column(table, "geom")
    # The postgis extension stays: other databases' objects or the DBA may rely on it.

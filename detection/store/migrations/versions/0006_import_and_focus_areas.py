"""import bookkeeping (content hash, duplicates, CPR count), focus areas, priority model

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

- ``signals.content_hash``: SHA-256 of the normalised content of an imported report
  (kind, received, entrance, unit, source, note), so importing the same file again makes
  no new signal even when the partner gave no reference. Indexed.
- ``import_batches``: ``duplicates``, ``cpr_removed`` (counts), ``file_sha256``.
- ``rejected_rows.resolved_at``: set when a fixed row was imported again.
- ``focus_areas``: saved *fokusområder* (a cluster accepted, an area picked or a polygon
  drawn), WKB in EPSG:25832, their statistics as JSON; on PostgreSQL also a generated
  ``geom`` (MultiPolygon, 25832) with a GiST index, as migration 0003 does for areas.
- ``priority_model``: the planner's saved model weights (JSON), one row per name.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SRID = 25832


def upgrade() -> None:
    with op.batch_alter_table("signals") as b:
        b.add_column(sa.Column("content_hash", sa.String(64), nullable=True))
    op.create_index("ix_signals_content_hash", "signals", ["content_hash"])
    with op.batch_alter_table("import_batches") as b:
        b.add_column(sa.Column("duplicates", sa.Integer, nullable=False, server_default="0"))
        b.add_column(sa.Column("cpr_removed", sa.Integer, nullable=False, server_default="0"))
        b.add_column(sa.Column("file_sha256", sa.String(64), nullable=True))
    with op.batch_alter_table("rejected_rows") as b:
        b.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "focus_areas",
        sa.Column("focus_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("source_ref", sa.String(200), nullable=False, server_default=""),
        sa.Column("geometry_wkb", sa.LargeBinary, nullable=False),
        sa.Column("stats", sa.Text, nullable=False, server_default="{}"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_focus_area_name"),
    )
    op.create_table(
        "priority_model",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        from geoalchemy2 import Geometry

        expr = (f"ST_Multi(ST_CollectionExtract(ST_Force2D(ST_GeomFromWKB(geometry_wkb, {SRID})), 3))")
        op.add_column("focus_areas", sa.Column(
            "geom", Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False),
            sa.Computed(expr, persisted=True), nullable=True))
        op.create_index("ix_focus_areas_geom", "focus_areas", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("priority_model")
    op.drop_table("focus_areas")
    with op.batch_alter_table("rejected_rows") as b:
        b.drop_column("resolved_at")
    with op.batch_alter_table("import_batches") as b:
        b.drop_column("file_sha256")
        b.drop_column("cpr_removed")
        b.drop_column("duplicates")
    op.drop_index("ix_signals_content_hash", table_name="signals")
    with op.batch_alter_table("signals") as b:
        b.drop_column("content_hash")

"""route plans: plans, routes (one per pair and day), ordered stops, a lead's door decisions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

- ``route_plans``: one planning run (area, parameters as JSON, walking method, solver,
  start point in EPSG:25832, priority collected, the doors left out with reasons as JSON).
- ``routes``: one per pair (team) and day with its times, metres, assigned members and the
  walked path (WKB LineString, EPSG:25832); on PostgreSQL also a generated ``geom`` with a
  GiST index, as 0003/0006 do.
- ``route_stops``: the ordered stops (entrance, units to knock on as JSON, task, arrival).
- ``door_decisions``: a team lead's decision about a door (``clear_unsafe``), so an unsafe
  door is planned again only after one.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SRID = 25832


def upgrade() -> None:
    op.create_table(
        "route_plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("area", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("params", sa.Text, nullable=False, server_default="{}"),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("engine", sa.String(20), nullable=False),
        sa.Column("start_x", sa.Float, nullable=False),
        sa.Column("start_y", sa.Float, nullable=False),
        sa.Column("prize_collected", sa.Float, nullable=False),
        sa.Column("prize_total", sa.Float, nullable=False),
        sa.Column("unplanned", sa.Text, nullable=False, server_default="[]"),
    )
    op.create_table(
        "routes",
        sa.Column("route_id", sa.String(60), primary_key=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("route_plans.plan_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("team", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("walk_m", sa.Float, nullable=False),
        sa.Column("duration_s", sa.Integer, nullable=False),
        sa.Column("members", sa.String(300), nullable=True),
        sa.Column("path_wkb", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_routes_plan_id", "routes", ["plan_id"])
    op.create_table(
        "route_stops",
        sa.Column("route_id", sa.String(60), sa.ForeignKey("routes.route_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("entrance_id", sa.String(36),
                  sa.ForeignKey("entrances.entrance_id", ondelete="CASCADE"), nullable=False),
        sa.Column("units", sa.Text, nullable=False, server_default="[]"),
        sa.Column("letter_units", sa.Text, nullable=False, server_default="[]"),
        sa.Column("task", sa.String(10), nullable=False),
        sa.Column("arrive", sa.DateTime(timezone=True), nullable=False),
        sa.Column("walk_m", sa.Float, nullable=False),
    )
    op.create_index("ix_route_stops_entrance_id", "route_stops", ["entrance_id"])
    op.create_table(
        "door_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entrance_id", sa.String(36),
                  sa.ForeignKey("entrances.entrance_id", ondelete="CASCADE"), nullable=False),
        sa.Column("decision", sa.String(30), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_door_decisions_entrance_id", "door_decisions", ["entrance_id"])
    if op.get_bind().dialect.name == "postgresql":
        from geoalchemy2 import Geometry

        expr = f"ST_Force2D(ST_GeomFromWKB(path_wkb, {SRID}))"
        op.add_column("routes", sa.Column(
            "geom", Geometry("LINESTRING", srid=SRID, spatial_index=False),
            sa.Computed(expr, persisted=True), nullable=True))
        op.create_index("ix_routes_geom", "routes", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("door_decisions")
    op.drop_table("route_stops")
    op.drop_table("routes")
    op.drop_table("route_plans")

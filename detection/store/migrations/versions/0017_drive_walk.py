"""drive then walk: the car's part of a route (issue 17)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01

- ``routes.drive_m``: metres driven (0 on foot); ``routes.car_wkb``: the car legs as one
  EPSG:25832 MultiLineString (WKB), ``routes.parking``: the parking points in order of use
  (JSON ``[[x, y], …]``, EPSG:25832).
- ``route_stops.drive_m``: metres driven on the way to the stop; ``route_stops.parking``:
  the number (1…) in the route's parking list of the point the car was moved to on the
  way, else NULL.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("routes", sa.Column("drive_m", sa.Float, nullable=False, server_default="0"))
    op.add_column("routes", sa.Column("car_wkb", sa.LargeBinary, nullable=True))
    op.add_column("routes", sa.Column("parking", sa.Text, nullable=False, server_default="[]"))
    op.add_column("route_stops", sa.Column("drive_m", sa.Float, nullable=False, server_default="0"))
    op.add_column("route_stops", sa.Column("parking", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("route_stops") as b:
        b.drop_column("parking")
        b.drop_column("drive_m")
    with op.batch_alter_table("routes") as b:
        b.drop_column("parking")
        b.drop_column("car_wkb")
        b.drop_column("drive_m")

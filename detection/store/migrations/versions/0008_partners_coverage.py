"""partners: business contact, active flag, notes; partner coverage; contact log

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

*Kommunikationsstrategi* (issue 7):

- ``partners`` gains ``contact_name``, ``contact_phone``, ``contact_email`` (a business
  contact at the partner, never a citizen), ``active`` (false when the partnership has
  ended: the partner then covers nothing) and ``notes``.
- ``partner_coverage``: what a partner covers, one row per item — ``kind`` ``polygon``
  (an estate, a district; WKB in EPSG:25832), ``entrances`` (one entrance of a landlord's
  portfolio) or ``radius`` (a point as WKB plus ``radius_m``). On PostgreSQL also a
  generated ``geom`` (any geometry, 25832) with a GiST index, as 0006 does for focus areas.
- ``partner_contacts``: the contact log (*kontaktlog*): date, channel (``meeting``,
  ``phone``, ``email``, ``presentation``, ``material``), who, a summary and the planned
  next contact.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SRID = 25832


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table): on SQLite a batch rebuild would drop
    # ``partners`` under foreign keys and null every ``signals.partner_id``.
    op.add_column("partners", sa.Column("contact_name", sa.String(200), nullable=True))
    op.add_column("partners", sa.Column("contact_phone", sa.String(50), nullable=True))
    op.add_column("partners", sa.Column("contact_email", sa.String(200), nullable=True))
    op.add_column("partners", sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
    op.add_column("partners", sa.Column("notes", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "partner_coverage",
        sa.Column("coverage_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("partner_id", sa.String(36),
                  sa.ForeignKey("partners.partner_id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("geometry_wkb", sa.LargeBinary, nullable=True),
        sa.Column("entrance_id", sa.String(36),
                  sa.ForeignKey("entrances.entrance_id", ondelete="CASCADE"), nullable=True),
        sa.Column("radius_m", sa.Float, nullable=True),
        sa.Column("batch_id", sa.String(36),
                  sa.ForeignKey("import_batches.batch_id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_partner_coverage_partner_id", "partner_coverage", ["partner_id"])
    op.create_index("ix_partner_coverage_entrance_id", "partner_coverage", ["entrance_id"])
    op.create_table(
        "partner_contacts",
        sa.Column("contact_id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36),
                  sa.ForeignKey("partners.partner_id", ondelete="CASCADE"), nullable=False),
        sa.Column("contact_date", sa.Date, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("who", sa.String(100), nullable=False, server_default=""),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("next_contact", sa.Date, nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_partner_contacts_partner_id", "partner_contacts", ["partner_id"])
    if op.get_bind().dialect.name == "postgresql":
        from geoalchemy2 import Geometry

        expr = f"ST_Force2D(ST_GeomFromWKB(geometry_wkb, {SRID}))"
        op.add_column("partner_coverage", sa.Column(
            "geom", Geometry("GEOMETRY", srid=SRID, spatial_index=False),
            sa.Computed(expr, persisted=True), nullable=True))
        op.create_index("ix_partner_coverage_geom", "partner_coverage", ["geom"],
                        postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("partner_contacts")
    op.drop_table("partner_coverage")
    with op.batch_alter_table("partners") as b:
        b.drop_column("notes")
        b.drop_column("active")
        b.drop_column("contact_email")
        b.drop_column("contact_phone")
        b.drop_column("contact_name")

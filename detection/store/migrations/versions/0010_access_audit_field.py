"""who may see what: user e-mail for sign-in, audit subjects, assignments, outcomes, rejected rows, settings

Revision ID: 0010
Revises: 0002
Create Date: 2026-11-23

- ``users.email``: the identity an OpenID Connect sign-in maps to a local user and role.
- ``audit_subjects``: which entrances (addresses) one audit entry concerns, so an access
  request can list every use of one address.
- ``assignments``: one active assignment per entrance, with an optimistic ``version``
  (two team leads assigning the same entrance: exactly one wins).
- ``outcomes``: what happened at a door (conventions' outcome codes).
- ``rejected_rows``: import rows that were not imported, with their reasons.
- ``settings``: workspace settings (retention periods …) as key/value.
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_users_email", ["email"], unique=True)

    op.create_table(
        "audit_subjects",
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit_log.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("entrance_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("audit_id", "entrance_id"),
    )
    op.create_index("ix_audit_subjects_entrance", "audit_subjects", ["entrance_id"])

    op.create_table(
        "assignments",
        sa.Column("entrance_id", sa.String(length=36),
                  sa.ForeignKey("entrances.entrance_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("team", sa.String(length=300), nullable=True),
        sa.Column("assigned_by", sa.String(length=100), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
    )

    op.create_table(
        "outcomes",
        sa.Column("outcome_id", sa.String(length=36), primary_key=True),
        sa.Column("entrance_id", sa.String(length=36),
                  sa.ForeignKey("entrances.entrance_id", ondelete="CASCADE"), nullable=False),
        sa.Column("unit_id", sa.String(length=36),
                  sa.ForeignKey("units.unit_id", ondelete="SET NULL"), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_outcomes_entrance", "outcomes", ["entrance_id"])

    op.create_table(
        "rejected_rows",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(length=36),
                  sa.ForeignKey("import_batches.batch_id", ondelete="CASCADE"), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rejected_rows_batch", "rejected_rows", ["batch_id"])

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), primary_key=True),
        sa.Column("value", sa.String(length=200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_index("ix_rejected_rows_batch", table_name="rejected_rows")
    op.drop_table("rejected_rows")
    op.drop_index("ix_outcomes_entrance", table_name="outcomes")
    op.drop_table("outcomes")
    op.drop_table("assignments")
    op.drop_index("ix_audit_subjects_entrance", table_name="audit_subjects")
    op.drop_table("audit_subjects")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_email")
        batch_op.drop_column("email")

"""restriction of processing for one address (GDPR art. 18)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

- ``restrictions``: an address that is never planned or shown again (e.g. after the citizen
  said no): a rule with a reason code, not a note.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "restrictions",
        sa.Column("entrance_id", sa.String(length=36),
                  sa.ForeignKey("entrances.entrance_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("restrictions")

"""sign-in failures: per account name and per client, for backoff and lockout

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01

- ``sign_in_failures``: consecutive failed sign-ins per ``subject`` (``user:NAME`` — for any
  name tried, known or not, so the answers are the same for both — or ``client:ADDRESS``),
  the time of the last failure, and whether the account is locked until an administrator
  unlocks it (``opspor users unlock NAME``).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("subject", sa.String(length=300), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")

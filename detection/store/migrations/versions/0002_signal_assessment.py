"""signal assessment (vurdering) and CPR-removal flag

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Each signal is assessed by a planner (new → in target group / not in target group /
unclear) with who and when; ``cpr_removed`` marks a row from which something shaped like a
CPR number was removed before storage.
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cpr_removed", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_column("cpr_removed")
        batch_op.drop_column("assessed_at")
        batch_op.drop_column("assessed_by")

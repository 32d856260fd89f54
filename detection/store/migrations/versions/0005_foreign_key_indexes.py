"""indexes on foreign-key columns that had none

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Deleting a parent row checks its children through the foreign key. Without an index on
the child column that is a scan of the child table per deleted row — on PostgreSQL
including the rows deleted earlier in the same transaction: replacing the Samsø demo
spent 11.8 s of its time deleting ``network_nodes`` (checking ``network_edges.v``); with
the index, 0.25 s. Both dialects.
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: index name, table, column (names follow SQLAlchemy's ``ix_<table>_<column>``)
INDEXES: tuple[tuple[str, str, str], ...] = (
    ("ix_network_edges_v", "network_edges", "v"),
    ("ix_signals_unit_id", "signals", "unit_id"),
    ("ix_signals_partner_id", "signals", "partner_id"),
    ("ix_signals_batch_id", "signals", "batch_id"),
    ("ix_outcomes_unit_id", "outcomes", "unit_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in reversed(INDEXES):
        op.drop_index(name, table_name=table)

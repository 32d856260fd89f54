"""PostgreSQL: no planner statistics on free-text columns

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

PostgreSQL's ANALYZE (run by autovacuum whenever a table has changed enough) copies common
values of every column into the system catalog ``pg_statistic``. For a column of notes that
would put a report's text into a catalog the retention purge can not clean, so a note could
outlive its deletion on disk. Free-text columns that may hold personal data get statistics
target 0: ANALYZE skips them. No query filters on these columns, so no plan gets worse.
SQLite's ANALYZE samples indexes only (and Opspor never runs it).
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FREE_TEXT = {
    "signals": ("source", "external_ref", "note", "content_hash"),
    "outcomes": ("note",),
    "door_decisions": ("note",),
    "rejected_rows": ("value", "message", "raw"),
    "audit_log": ("object", "purpose"),
    "partner_contacts": ("who", "summary"),
    "import_batches": ("file_name",),
}


def _set(target: int) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in FREE_TEXT.items():
        for column in columns:
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS {target}')


def upgrade() -> None:
    _set(0)


def downgrade() -> None:
    _set(-1)

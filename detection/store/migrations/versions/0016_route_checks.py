"""pair safety: a pair checks in and out of its route (issue 17)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01

``route_checks (route_id → routes ON DELETE CASCADE, kind, user_name, at)``
    one row per route and ``kind`` (``in`` at the start, ``out`` at the end; the primary
    key keeps it to one of each), who of the pair did it and when (UTC). The team lead's
    dashboard lists a route with no ``out`` row once its shift end plus the setting
    ``overdue_minutes`` has passed.

The rows go with their route (the retention rule of route plans), so the purge deletes
from this table too: ``opspor_compact`` (0014, replaced by 0015) is replaced again with a
whitelist that holds it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLE = "route_checks"

#: Tables opspor_compact may rewrite: 0015's list and the route checks. Frozen here.
COMPACTED = ("signals", "outcomes", "door_decisions", "rejected_rows", "import_batches",
             "register_problems", "route_plans", "routes", "route_stops", "route_checks",
             "assignments", "focus_areas", "partner_contacts", "audit_log", "audit_subjects",
             "audit_subject_sets", "sign_in_failures", "users")
COMPACTED_0015 = tuple(name for name in COMPACTED if name != TABLE)


def _replace_compact(tables: tuple[str, ...]) -> None:
    bind = op.get_bind()
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    s = bind.dialect.identifier_preparer.quote_identifier(schema)
    op.execute(_COMPACT.format(s=s, tables=", ".join(f"'{name}'" for name in tables)))


# the function text of 0014/0015, with this migration's whitelist
_COMPACT = """
CREATE OR REPLACE FUNCTION {s}.opspor_compact(p_table text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {s}, pg_temp
AS $fn$
DECLARE
    rel regclass;
    pkey name;
BEGIN
    IF p_table IS NULL OR NOT (p_table = ANY (ARRAY[{tables}]::text[])) THEN
        RAISE EXCEPTION 'opspor_compact: % is not a table the retention purge rewrites', p_table
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    rel := to_regclass(format('%I.%I', current_schema(), p_table));
    IF rel IS NULL THEN
        RETURN;
    END IF;
    SELECT i.relname INTO pkey FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = rel AND x.indisprimary;
    IF pkey IS NULL THEN
        RAISE EXCEPTION 'opspor_compact: % has no primary key to rewrite it by', p_table;
    END IF;
    EXECUTE format('CLUSTER %s USING %I', rel, pkey);
END
$fn$
"""


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("route_id", sa.String(length=60), sa.ForeignKey("routes.route_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("kind", sa.String(length=10), primary_key=True),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _replace_compact(COMPACTED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace_compact(COMPACTED_0015)
    op.drop_table(TABLE)

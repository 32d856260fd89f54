"""PostgreSQL: the retention purge runs as the app role (SECURITY DEFINER functions)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

The app role may not delete audit entries and may not rewrite tables it does not own, so
``opspor purge`` as the app role failed on PostgreSQL. Two functions, owned by the tables'
owner and run with the owner's rights (``SECURITY DEFINER``, ``search_path`` pinned to
the schema they live in, then ``pg_temp``), do exactly those two things and nothing more:

``opspor_purge_audit(p_as_of date, p_default_days integer)``
    Deletes audit entries (their ``audit_subjects`` go by cascade) older than midnight
    (Europe/Copenhagen) ``retention_audit_days`` days before ``p_as_of``. The function
    reads the period from ``settings`` itself (``p_default_days`` only when the row is
    missing), never uses less than 183 days, and never a day after today: the caller can
    not choose a cut-off that reaches recent entries, let alone the whole log. Returns the
    number deleted and the cut-off used.
``opspor_compact(p_table text)``
    ``CLUSTER <table> USING <its primary key>``: rewrites one of the tables the purge
    deletes from (a fixed list) into new files, as ``VACUUM FULL`` does, so deleted rows'
    bytes leave the disk. (``VACUUM`` can not run in a function; ``CLUSTER`` of one table
    can.) The caller's ``lock_timeout`` applies: a table in use gives ``lock_not_available``
    and the purge retries the next night.

EXECUTE is revoked from PUBLIC; :func:`detection.store.postgres.ensure_app_role` grants it
to the app role (and revokes PUBLIC again, e.g. after a ``pg_restore --no-privileges``).
SQLite: nothing (one file, one "role"; the purge gate of 0004 and ``VACUUM``).
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: Tables opspor_compact may rewrite: every table the retention purge deletes from
#: (detection.store.retention.COMPACTED; a test checks this list covers it). Frozen here:
#: a later migration that adds a rule replaces the function.
COMPACTED = ("signals", "outcomes", "door_decisions", "rejected_rows", "import_batches",
             "register_problems", "route_plans", "routes", "route_stops", "assignments",
             "focus_areas", "partner_contacts", "audit_log", "audit_subjects",
             "sign_in_failures", "users")

MIN_AUDIT_DAYS = 183

_PURGE_AUDIT = """
CREATE OR REPLACE FUNCTION {s}.opspor_purge_audit(p_as_of date, p_default_days integer)
RETURNS TABLE (deleted bigint, cutoff timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {s}, pg_temp
AS $fn$
DECLARE
    today date := (now() AT TIME ZONE 'Europe/Copenhagen')::date;
    stored text;
    days integer;
BEGIN
    SELECT st.value INTO stored FROM settings st WHERE st.key = 'retention_audit_days';
    IF stored ~ '^\\s*[0-9]{{1,6}}\\s*$' THEN
        days := stored::integer;
    ELSE
        days := p_default_days;
    END IF;
    days := GREATEST(COALESCE(days, {min_days}), {min_days});
    cutoff := (LEAST(COALESCE(p_as_of, today), today) - days)::timestamp
              AT TIME ZONE 'Europe/Copenhagen';
    DELETE FROM audit_log a WHERE a."at" < cutoff;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN NEXT;
END
$fn$
"""

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

_SIGNATURES = ("opspor_purge_audit(date, integer)", "opspor_compact(text)")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    owner = bind.exec_driver_sql(
        "SELECT pg_get_userbyid(relowner) FROM pg_class "
        "WHERE oid = to_regclass(quote_ident(current_schema()) || '.audit_log')").scalar_one()
    q = bind.dialect.identifier_preparer.quote_identifier
    s = q(schema)
    tables = ", ".join(f"'{name}'" for name in COMPACTED)
    op.execute(_PURGE_AUDIT.format(s=s, min_days=MIN_AUDIT_DAYS))
    op.execute(_COMPACT.format(s=s, tables=tables))
    for sig in _SIGNATURES:
        op.execute(f"ALTER FUNCTION {s}.{sig} OWNER TO {q(owner)}")
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{sig} FROM PUBLIC")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = bind.dialect.identifier_preparer.quote_identifier(
        bind.exec_driver_sql("SELECT current_schema()").scalar_one())
    for sig in _SIGNATURES:
        op.execute(f"DROP FUNCTION IF EXISTS {s}.{sig}")

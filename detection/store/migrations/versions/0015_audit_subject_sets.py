"""audit subject sets: one compressed row per view instead of one row per address shown

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

A *Kort* view on a city wrote one ``audit_subjects`` row per address shown (28,717 rows,
~4 MB a view). An entry naming more than ``detection.store.idsets.SET_MIN`` addresses now
stores them as one row of

``audit_subject_sets (audit_id → audit_log ON DELETE CASCADE, encoding, subjects, lo, hi, data)``
    the sorted numbers of the addresses, delta/varint/zlib encoded (``idsets``), with the
    smallest and largest number so an access request decodes only the sets that can hold
    an address;
``audit_entrance_numbers (n, entrance_id UNIQUE)``
    each entrance id's number, given the first time a set names it.

Both are audit tables, with the guarantees of 0004:

- ``audit_subject_sets`` is append-only and leaves only with its entry (the retention
  purge; on PostgreSQL ``opspor_purge_audit`` deletes from ``audit_log`` and the cascade
  takes the sets);
- ``audit_entrance_numbers`` is never updated and never deleted, not even by the purge:
  a changed or reused number would change what an old set says.

SQLite: ``BEFORE UPDATE`` triggers refuse always; ``BEFORE DELETE`` refuses on the sets
unless the purge gate of 0004 is open, and on the numbers always. PostgreSQL: for every
role, the owner included, ``BEFORE UPDATE``/``BEFORE TRUNCATE`` triggers refuse (and
``BEFORE DELETE`` on the numbers); UPDATE/DELETE/TRUNCATE that default privileges gave
other roles when the tables were created are revoked
(:func:`detection.store.postgres.ensure_app_role` grants the app role SELECT and INSERT
only). ``opspor_compact`` (0014) is replaced with a whitelist that holds the sets too.
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SETS, NUMBERS = "audit_subject_sets", "audit_entrance_numbers"

#: Tables opspor_compact may rewrite (0014's list and the subject sets). Frozen here: a
#: later migration that adds a rule replaces the function again.
COMPACTED = ("signals", "outcomes", "door_decisions", "rejected_rows", "import_batches",
             "register_problems", "route_plans", "routes", "route_stops", "assignments",
             "focus_areas", "partner_contacts", "audit_log", "audit_subjects",
             "audit_subject_sets", "sign_in_failures", "users")
COMPACTED_0014 = tuple(name for name in COMPACTED if name != SETS)

_SQLITE_MESSAGE = ("{t} is append-only: entries are never changed, and removed only by "
                   "the retention purge (opspor purge)")
_SQLITE_NUMBERS = ("audit_entrance_numbers is append-only: a number is never changed, "
                   "reused or removed (old audit sets name addresses by it)")

_PG_REVOKE = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT c.relname, a.grantee
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid IN ('audit_subject_sets'::regclass, 'audit_entrance_numbers'::regclass)
          AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
          AND a.grantee <> c.relowner
    LOOP
        IF r.grantee = 0 THEN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', r.relname);
        ELSE
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', r.relname,
                           pg_get_userbyid(r.grantee));
        END IF;
    END LOOP;
END
$$
"""

_PG_NUMBERS_FUNCTION = """
CREATE OR REPLACE FUNCTION opspor_audit_numbers_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entrance_numbers is append-only: a number is never changed, reused or removed (old audit sets name addresses by it)';
END
$$
"""

# the function text of 0014, with this migration's whitelist
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


def _replace_compact(tables: tuple[str, ...]) -> None:
    bind = op.get_bind()
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    s = bind.dialect.identifier_preparer.quote_identifier(schema)
    # CREATE OR REPLACE keeps the function's owner and its grants (EXECUTE: the app role only)
    op.execute(_COMPACT.format(s=s, tables=", ".join(f"'{name}'" for name in tables)))


def upgrade() -> None:
    op.create_table(
        NUMBERS,
        sa.Column("n", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("entrance_id", sa.String(length=36), nullable=False, unique=True),
        sqlite_autoincrement=True,
    )
    op.create_table(
        SETS,
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit_log.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("encoding", sa.String(length=10), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("lo", sa.Integer(), nullable=False),
        sa.Column("hi", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_audit_subject_sets_lo", SETS, ["lo"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        msg = _SQLITE_MESSAGE.format(t=SETS)
        op.execute(f"CREATE TRIGGER {SETS}_no_update BEFORE UPDATE ON {SETS} "
                   f"BEGIN SELECT RAISE(ABORT, '{msg}'); END")
        op.execute(f"CREATE TRIGGER {SETS}_no_delete BEFORE DELETE ON {SETS} "
                   "WHEN COALESCE((SELECT allow FROM audit_purge_gate WHERE id = 1), 0) <> 1 "
                   f"BEGIN SELECT RAISE(ABORT, '{msg}'); END")
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {NUMBERS}_no_{event.lower()} BEFORE {event} ON {NUMBERS} "
                       f"BEGIN SELECT RAISE(ABORT, '{_SQLITE_NUMBERS}'); END")
    elif dialect == "postgresql":
        op.execute(_PG_NUMBERS_FUNCTION)
        for table in (SETS, NUMBERS):
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION opspor_audit_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION opspor_audit_append_only()")
        op.execute(f"CREATE TRIGGER {NUMBERS}_no_delete BEFORE DELETE ON {NUMBERS} "
                   "FOR EACH ROW EXECUTE FUNCTION opspor_audit_numbers_kept()")
        op.execute(_PG_REVOKE)
        _replace_compact(COMPACTED)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in (SETS, NUMBERS):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    elif dialect == "postgresql":
        _replace_compact(COMPACTED_0014)
        op.execute(f"DROP TRIGGER IF EXISTS {NUMBERS}_no_delete ON {NUMBERS}")
        for table in (SETS, NUMBERS):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        op.execute("DROP FUNCTION IF EXISTS opspor_audit_numbers_kept()")
    op.drop_index("ix_audit_subject_sets_lo", table_name=SETS)
    op.drop_table(SETS)
    op.drop_table(NUMBERS)

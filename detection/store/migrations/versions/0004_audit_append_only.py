"""audit log append-only: triggers (and the purge gate on SQLite)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Audit entries (``audit_log`` and the addresses they concern, ``audit_subjects``) are
append-only for every role; only the retention purge removes old entries
(:func:`detection.store.engine.purge_audit_before`).

SQLite: a one-row table ``audit_purge_gate (id = 1, allow 0|1)`` and triggers

- ``BEFORE UPDATE`` → ``RAISE(ABORT, '<table> is append-only')``, always;
- ``BEFORE DELETE WHEN the gate is not open`` → ``RAISE(ABORT, …)``. The purge sets
  ``allow = 1``, deletes and sets it back to 0 inside one ``BEGIN IMMEDIATE`` transaction,
  so no other connection ever sees it open. A missing gate row counts as closed.

This guards against the app and its bugs, not against someone who can write the file.
NB: ``batch_alter_table`` on these tables recreates them on SQLite and drops the
triggers — a later migration that does so must create them again.

PostgreSQL: the app role has only SELECT and INSERT on the audit tables
(:func:`detection.store.postgres.ensure_app_role`); the purge runs as the owner. Here,
for every role including the owner, ``BEFORE UPDATE`` and ``BEFORE TRUNCATE`` triggers
refuse, and UPDATE/DELETE/TRUNCATE granted earlier to other roles (e.g. by default
privileges when ``audit_subjects`` was created) are revoked.
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

AUDIT_TABLES = ("audit_log", "audit_subjects")

_SQLITE_MESSAGE = ("{t} is append-only: entries are never changed, and removed only by "
                   "the retention purge (opspor purge)")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION opspor_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: entries are never changed, and removed only by the retention purge (opspor purge, as the owner)', TG_TABLE_NAME;
END
$$
"""

_PG_REVOKE = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT c.relname, a.grantee
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid IN ('audit_log'::regclass, 'audit_subjects'::regclass)
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


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE TABLE audit_purge_gate ("
                   "id INTEGER PRIMARY KEY CHECK (id = 1), "
                   "allow INTEGER NOT NULL DEFAULT 0 CHECK (allow IN (0, 1)))")
        op.execute("INSERT INTO audit_purge_gate (id, allow) VALUES (1, 0)")
        for table in AUDIT_TABLES:
            msg = _SQLITE_MESSAGE.format(t=table)
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{msg}'); END")
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                       "WHEN COALESCE((SELECT allow FROM audit_purge_gate WHERE id = 1), 0) <> 1 "
                       f"BEGIN SELECT RAISE(ABORT, '{msg}'); END")
    elif dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in AUDIT_TABLES:
            op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION opspor_audit_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION opspor_audit_append_only()")
        op.execute(_PG_REVOKE)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute("DROP TABLE IF EXISTS audit_purge_gate")
    elif dialect == "postgresql":
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        op.execute("DROP FUNCTION IF EXISTS opspor_audit_append_only()")

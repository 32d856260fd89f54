"""Opspor on a PostgreSQL/PostGIS server: roles, grants and the checks ``migrate`` relies on.

Roles
-----
Three kinds of database role, so that the app cannot do what it never needs to:

**owner** (``OPSPOR_DB_OWNER``)
    Owns every Opspor table and view; runs the migrations (``opspor migrate`` /
    ``python -m detection.store.postgres migrate``) and grants the other roles. Owns the
    two ``SECURITY DEFINER`` functions of migration 0014 through which the app role runs
    the retention purge: ``opspor_purge_audit`` (the only ``DELETE`` on ``audit_log``, with
    a cut-off the function computes itself) and ``opspor_compact`` (rewrites a purged table).
    Needs ``CREATEROLE`` only if :func:`ensure_app_role` is to create the app role or set
    its password.
    PostGIS is not a trusted extension: unless the owner is a superuser, a superuser runs
    ``CREATE EXTENSION postgis`` in the database once before the first migration.

**app role** (``OPSPOR_DB``; :func:`ensure_app_role`)
    The login the Streamlit app and the CLI use day to day. Not the owner (the owner
    would bypass row-level security and could change the schema): SELECT, INSERT, UPDATE,
    DELETE on the Opspor tables, USAGE/SELECT on their sequences, SELECT on views and on
    ``alembic_version`` — but only SELECT and INSERT on the audit tables
    (:data:`detection.store.engine.AUDIT_TABLES`: ``audit_log``, ``audit_subjects``, and
    since migration 0015 ``audit_subject_sets`` and ``audit_entrance_numbers``): the app's database user cannot change or delete audit rows — except
    old ones through ``opspor_purge_audit``, on which it (and no one else) has EXECUTE, like
    ``opspor_compact``. So ``opspor purge`` runs as the app role, never needing the owner.
    Default privileges give it the same on tables a later migration creates (a later
    audit-like table must revoke UPDATE/DELETE in its migration; re-running
    :func:`ensure_app_role` after each upgrade re-applies the audit restriction). Opening
    the repository as this role runs no DDL; when the schema is behind,
    :func:`detection.store.engine.migrate` stops with a message to migrate as the owner.

**GIS role** (optional; :func:`ensure_gis_role`)
    A read-only login for an analyst's QGIS: the aggregate view ``v_area_dwellings``, the
    area polygons and the walking network — no addresses, no signals.

Operator's commands (JSON on stdout; ``--db`` defaults to ``OPSPOR_DB_OWNER``, else
``OPSPOR_DB``)::

    python -m detection.store.postgres status   [--db URL]
    python -m detection.store.postgres migrate  [--db OWNER_URL]
    python -m detection.store.postgres app-role ROLE [--db OWNER_URL] [--password-stdin]
    python -m detection.store.postgres gis-role ROLE [--db OWNER_URL] [--password-stdin]

Passwords (ASCII) are sent as SCRAM-SHA-256 verifiers computed here, never in clear text.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import sys

from sqlalchemy import Connection, Engine, exc, text

from detection.errors import InputError, NotAllowed, WorkspaceError
from detection.store import engine as store_engine
from detection.store.engine import migration_blocker


class DatabaseRoleError(WorkspaceError):
    """The connecting role lacks a privilege the command needs (the message says which)."""

    code = "database_role"


#: The retention purge's SECURITY DEFINER functions (migration 0014); EXECUTE for the app role only.
PURGE_FUNCTIONS = ("opspor_purge_audit(date, integer)", "opspor_compact(text)")

_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
SCRAM_ITERATIONS = 4096

#: Relations the app role may read and append to, but never change or delete.
APPEND_ONLY = frozenset(store_engine.AUDIT_TABLES)
#: Relations the app role may only read.
READ_ONLY = frozenset({"alembic_version"})
#: What the GIS role may read (tables/views → columns, ``None`` = all columns).
GIS_READABLE: dict[str, tuple[str, ...] | None] = {
    "v_area_dwellings": None,
    "areas": None,
    "area_layers": None,
    "network_nodes": None,
    "network_edges": None,
    "workspace": ("id", "name", "kommunekode", "geom"),
}


def _role_name(name: str) -> str:
    if not _ROLE_NAME.match(name or ""):
        raise InputError(f"role name {name!r}: use 1–63 letters, digits and '_' (not first)")
    return name


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def scram_sha256_verifier(password: str, *, salt: bytes | None = None,
                          iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for an ASCII ``password``.

    ``ALTER ROLE … PASSWORD '<verifier>'`` then never shows the password itself to the
    server, its logs or ``pg_stat_activity``.
    """
    if not password.isascii():
        raise ValueError("only ASCII passwords are pre-hashed (non-ASCII needs SASLprep)")
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(b: bytes) -> str:
        return base64.b64encode(b).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _set_password(conn: Connection, role: str, password: str) -> None:
    if password.isascii():
        conn.exec_driver_sql(f"ALTER ROLE {_q(conn, role)} PASSWORD "
                             f"'{scram_sha256_verifier(password)}'")
    else:  # let the server hash it (SASLprep); quoted by the server
        stmt = conn.execute(text("SELECT format('ALTER ROLE %I PASSWORD %L', :r, :p)"),
                            {"r": role, "p": password}).scalar_one()
        conn.exec_driver_sql(stmt)


# --------------------------------------------------------------------------- checks


def tables_owner(conn: Connection) -> str:
    """The role owning the Opspor tables (of ``alembic_version``), else the current user."""
    return conn.execute(text(
        "SELECT COALESCE((SELECT pg_get_userbyid(c.relowner) FROM pg_class c "
        "WHERE c.oid = to_regclass(quote_ident(current_schema()) || '.alembic_version')), current_user)")).scalar_one()


def role_privileges(conn: Connection, role: str) -> dict[str, set[str]]:
    """``relation → {SELECT, INSERT, …}`` that ``role`` holds in the current schema."""
    rows = conn.execute(text("""
        SELECT c.relname, p.priv
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        CROSS JOIN unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) AS p(priv)
        WHERE c.relkind IN ('r', 'p', 'v', 'm')
          AND has_table_privilege(:role, c.oid, p.priv)
    """), {"role": role}).all()
    out: dict[str, set[str]] = {}
    for rel, priv in rows:
        out.setdefault(rel, set()).add(priv)
    return out


# --------------------------------------------------------------------------- roles


def _login_role_with_access(conn: Connection, role: str, password: str | None, what: str) -> tuple[str, str, str]:
    """Create or update the login ``role`` and let it connect to the database and use the
    schema; returns the role quoted for SQL, the schema and the tables' owner."""
    db, schema, owner = _context(conn, role, what)
    _ensure_login_role(conn, role, password, what=what)
    q = _q(conn, role)
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_q(conn, db)} TO {q}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {_q(conn, schema)} TO {q}")
    return q, schema, owner


def _ensure_login_role(conn: Connection, role: str, password: str | None, *,
                       what: str) -> None:
    row = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"),
                       {"r": role}).first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(f"CREATE ROLE {_q(conn, role)} LOGIN NOSUPERUSER "
                                     "NOCREATEDB NOCREATEROLE NOREPLICATION")
        except exc.ProgrammingError as error:
            raise DatabaseRoleError(
                f"cannot create the {what} {role!r} ({store_engine.first_line(error)}): "
                f"the connecting role {_me(conn)!r} lacks CREATEROLE; have a superuser run "
                f"`ALTER ROLE {_me(conn)} CREATEROLE;` or `CREATE ROLE {role} LOGIN;`, "
                "then run this again") from error
    elif row[0]:
        raise InputError(f"role {role!r} is a superuser; the {what} must be an ordinary "
                         "role (a superuser bypasses every grant)")
    if password:
        try:
            with conn.begin_nested():
                _set_password(conn, role, password)
        except exc.ProgrammingError as error:
            raise DatabaseRoleError(
                f"cannot set the password of the existing {what} {role!r} "
                f"({store_engine.first_line(error)}): the connecting role {_me(conn)!r} lacks "
                f"CREATEROLE; have a superuser set it (`\\password {role}` in psql) and run "
                "this again without --password-stdin") from error


def _me(conn: Connection) -> str:
    return conn.execute(text("SELECT current_user")).scalar_one()


def _context(conn: Connection, role: str, what: str) -> tuple[str, str, str]:
    me, db, schema = conn.execute(
        text("SELECT current_user, current_database(), current_schema()")).one()
    owner = tables_owner(conn)
    if role in (owner, me):
        raise InputError(f"the {what} must not be the tables' owner or the role "
                         f"granting ({role!r}); choose another name")
    if not conn.execute(text("SELECT pg_has_role(current_user, :o, 'USAGE')"),
                        {"o": owner}).scalar_one():
        raise NotAllowed(f"connect as the tables' owner ({owner}) to grant the {what}")
    if conn.execute(text("SELECT to_regclass(quote_ident(current_schema()) || '.alembic_version') IS NULL")).scalar_one():
        raise InputError("the database has no Opspor tables yet; run the migrations first")
    return db, schema, owner


def ensure_app_role(owner_engine: Engine, app_role: str, password: str | None = None) -> None:
    """Create (if missing) and grant the app's login role; idempotent.

    Parameters
    ----------
    owner_engine : Engine
        Connected as the tables' owner (or a superuser / member of the owner role), on a
        database migrated by :func:`detection.store.engine.migrate`.
    app_role : str
        The login the app connects as (``OPSPOR_DB``). Created ``LOGIN NOSUPERUSER …``
        when missing (the owner then needs ``CREATEROLE``).
    password : str, optional
        Set (or reset) the role's password; ``None`` leaves it as it is.

    Grants, in the current schema: CONNECT on the database, USAGE on the schema; SELECT,
    INSERT, UPDATE, DELETE on every table the owner owns except the audit tables
    (:data:`APPEND_ONLY`: SELECT, INSERT only) and ``alembic_version`` (SELECT); SELECT on
    views; USAGE, SELECT on sequences; EXECUTE on the purge functions
    (:data:`PURGE_FUNCTIONS`, revoked from PUBLIC); the same by default on tables and
    sequences the owner creates later. Nothing else: no TRUNCATE, no DDL, no ownership.

    Raises :class:`DatabaseRoleError` (exit code 1) when the connecting role may not create
    the role or set its password (no ``CREATEROLE``), saying what to fix.
    """
    _role_name(app_role)
    with owner_engine.connect() as conn, conn.begin():
        q, schema, owner = _login_role_with_access(conn, app_role, password, "app role")
        rels = conn.execute(text("""
            SELECT c.relname, c.relkind FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner = to_regrole(:o)
            ORDER BY c.relname
        """), {"o": owner}).all()
        for name, kind in rels:
            rel = _q(conn, name)
            if kind == "S":
                conn.exec_driver_sql(f"GRANT USAGE, SELECT ON SEQUENCE {rel} TO {q}")
                continue
            conn.exec_driver_sql(f"REVOKE ALL ON {rel} FROM {q}")
            if kind in ("v", "m") or name in READ_ONLY:
                privs = "SELECT"
            elif name in APPEND_ONLY:
                privs = "SELECT, INSERT"
            else:
                privs = "SELECT, INSERT, UPDATE, DELETE"
            conn.exec_driver_sql(f"GRANT {privs} ON {rel} TO {q}")
        for sig in PURGE_FUNCTIONS:  # the purge as the app role (migration 0014)
            fn = f"{_q(conn, schema)}.{sig}"
            if conn.execute(text("SELECT to_regprocedure(:f) IS NULL"), {"f": fn}).scalar_one():
                continue
            # again here: a pg_restore --no-privileges gives functions back to PUBLIC
            conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
            conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {fn} TO {q}")
        for_owner = f"FOR ROLE {_q(conn, owner)} IN SCHEMA {_q(conn, schema)}"
        conn.exec_driver_sql(f"ALTER DEFAULT PRIVILEGES {for_owner} "
                             f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q}")
        conn.exec_driver_sql(f"ALTER DEFAULT PRIVILEGES {for_owner} "
                             f"GRANT USAGE, SELECT ON SEQUENCES TO {q}")


def ensure_gis_role(owner_engine: Engine, role: str, password: str | None = None) -> None:
    """Create (if missing) a read-only login for QGIS: aggregates and geometry only.

    SELECT on ``v_area_dwellings``, ``areas``, ``area_layers``, ``network_nodes``,
    ``network_edges`` and the boundary columns of ``workspace`` — never entrances (the
    addresses), signals, users or the audit log. Idempotent.
    """
    _role_name(role)
    with owner_engine.connect() as conn, conn.begin():
        q, _schema, _owner = _login_role_with_access(conn, role, password, "GIS role")
        for rel, columns in GIS_READABLE.items():
            if conn.execute(text("SELECT to_regclass(:r) IS NULL"), {"r": rel}).scalar_one():
                continue
            conn.exec_driver_sql(f"REVOKE ALL ON {_q(conn, rel)} FROM {q}")
            cols = f" ({', '.join(_q(conn, c) for c in columns)})" if columns else ""
            conn.exec_driver_sql(f"GRANT SELECT{cols} ON {_q(conn, rel)} TO {q}")


# --------------------------------------------------------------------------- command line


def _status(url: str) -> dict:
    eng = store_engine.get_engine(url)
    out = {"url": eng.url.render_as_string(hide_password=True),
           "head": store_engine.head_revision()}
    out["current"] = store_engine.current_revision(eng)
    if store_engine.is_postgres(eng):
        with eng.connect() as conn:
            out["role"] = conn.execute(text("SELECT current_user")).scalar_one()
            out["owner"] = tables_owner(conn)
            out["can_migrate"] = migration_blocker(conn) is None
    return out


def main(argv: list[str] | None = None) -> int:
    """The operator's commands. Prints one JSON object on stdout (``--json`` is accepted and
    changes nothing); on an error also one line on stderr saying what to fix. Exit codes as
    the ``opspor`` CLI: 0 done, 1 unusable input or a database role lacking a privilege,
    2 usage, 3 not allowed (not connected as the tables' owner)."""
    p = argparse.ArgumentParser(prog="python -m detection.store.postgres",
                                description="Opspor database operations (owner's tools)")
    p.add_argument("--json", action="store_true", help="JSON on stdout (always)")
    sub = p.add_subparsers(dest="command", required=True)
    for name, help_ in (("status", "schema version and whether this role can migrate"),
                        ("migrate", "upgrade the schema to this Opspor's newest (as the owner)")):
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--db", help="database URL (else OPSPOR_DB_OWNER, else OPSPOR_DB)")
        sp.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    for name in ("app-role", "gis-role"):
        sp = sub.add_parser(name, help=f"create/grant the {name.split('-')[0]} login role "
                                       "(creating it or setting its password needs CREATEROLE)")
        sp.add_argument("role")
        sp.add_argument("--db", help="owner's URL (else OPSPOR_DB_OWNER, else OPSPOR_DB)")
        sp.add_argument("--password-stdin", action="store_true",
                        help="read the role's new password from the first line of stdin")
        sp.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    url = store_engine.resolve_owner_url(args.db)
    try:
        try:
            if args.command == "status":
                result = _status(url)
            elif args.command == "migrate":
                store_engine.migrate(store_engine.get_engine(url))
                result = _status(url)
            else:
                password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
                eng = store_engine.get_engine(url)
                if not store_engine.is_postgres(eng):
                    raise InputError("database roles exist only on PostgreSQL")
                grant = ensure_app_role if args.command == "app-role" else ensure_gis_role
                grant(eng, args.role, password or None)
                result = {"role": args.role, "granted": args.command.split("-")[0]}
        except exc.SQLAlchemyError as error:  # never a traceback (nor the SQL, which may hold a verifier)
            hint = ("connect as the tables' owner (OPSPOR_DB_OWNER or --db); creating a role or "
                    "setting its password also needs CREATEROLE")
            if isinstance(error, exc.OperationalError):
                hint = "check the URL (--db, OPSPOR_DB_OWNER), that the server runs and accepts this role"
            raise DatabaseRoleError(f"{args.command}: {store_engine.first_line(error)}; {hint}") from None
    except (InputError, NotAllowed, WorkspaceError) as error:
        print(json.dumps({"error": {"code": error.code, "message": str(error)}},
                         ensure_ascii=False))
        print(f"{p.prog} {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0

if __name__ == "__main__":
    sys.exit(main())

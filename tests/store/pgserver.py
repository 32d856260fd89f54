"""A throw-away PostgreSQL/PostGIS set-up for the tests (used by ``tests/conftest.py``).

One :class:`PgServer` per session: a superuser connection (``OPSPOR_TEST_PG_ADMIN``, else
the first that works of: socket as ``postgres``, 127.0.0.1 as ``postgres``, socket as the
current OS user), a fresh owner role (``LOGIN CREATEROLE``, not superuser), an app role
name, and a fresh database ``opspor_test_<random>`` owned by the owner with PostGIS
created in it by the superuser (PostGIS is not a trusted extension). The roles log in
over TCP with passwords, so the set-up works under ``trust`` and under Debian's default
``scram-sha-256`` for 127.0.0.1. :meth:`PgServer.close` drops the database and the roles.

Isolation inside the session database is by schema: :meth:`PgServer.schema` makes a
fresh schema owned by the owner and returns :class:`PgDatabase` URLs whose
``search_path`` is that schema (then ``public``, where PostGIS lives) — milliseconds
instead of the second or two a ``CREATE DATABASE`` + ``DROP DATABASE`` takes.
"""

from __future__ import annotations

import getpass
import os
import secrets
from dataclasses import dataclass, field

from sqlalchemy.engine import URL, make_url

ADMIN_ENV = "OPSPOR_TEST_PG_ADMIN"
CANDIDATE_ADMINS = (
    "postgresql+psycopg://postgres@/postgres",
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    f"postgresql+psycopg://{getpass.getuser()}@/postgres",
)


class PgUnavailable(RuntimeError):
    """No usable PostgreSQL server with PostGIS (the message says what is missing)."""


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _connect(url: str):  # noqa: ANN202 - psycopg.Connection
    import psycopg

    return psycopg.connect(_libpq(url), autocommit=True, connect_timeout=5)


@dataclass(frozen=True)
class PgDatabase:
    """URLs of one test database (or schema in it) for each role."""

    name: str
    schema: str
    owner: str
    app: str
    admin: str
    owner_role: str
    app_role: str

    def __str__(self) -> str:
        return self.owner


@dataclass
class PgServer:
    admin_url: str
    host: str
    port: int
    database: str
    owner_role: str
    owner_password: str
    app_role: str
    app_password: str
    _schemas: list[str] = field(default_factory=list)
    _extra_roles: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ set-up

    @classmethod
    def start(cls) -> PgServer:
        admin_url, errors = None, []
        candidates = [os.environ[ADMIN_ENV]] if os.environ.get(ADMIN_ENV) else CANDIDATE_ADMINS
        for url in candidates:
            try:
                with _connect(url) as conn:
                    if conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                                    ).fetchone()[0]:
                        admin_url = url
                        break
                    errors.append(f"{make_url(url).render_as_string()}: not a superuser")
            except Exception as exc:  # noqa: BLE001 - any reason to try the next
                errors.append(f"{make_url(url).render_as_string()}: {str(exc).strip().splitlines()[0]}")
        if admin_url is None:
            raise PgUnavailable(
                "no superuser connection to a PostgreSQL server ("
                + "; ".join(errors) + f"). Start it (`pg_ctlcluster --skip-systemctl-redirect 15 "
                f"main start`) or set {ADMIN_ENV}=postgresql+psycopg://USER:PW@HOST:PORT/postgres")
        with _connect(admin_url) as conn:
            if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
                            ).fetchone() is None:
                raise PgUnavailable("PostGIS is not installed on the server "
                                    "(Debian: apt-get install postgresql-15-postgis-3)")
        u = make_url(admin_url)
        host = u.host if u.host and not u.host.startswith("/") else "127.0.0.1"
        tag = secrets.token_hex(4)
        server = cls(admin_url=admin_url, host=host, port=u.port or 5432,
                     database=f"opspor_test_{tag}", owner_role=f"opspor_test_{tag}_owner",
                     owner_password=secrets.token_urlsafe(12), app_role=f"opspor_test_{tag}_app",
                     app_password=secrets.token_urlsafe(12))
        with _connect(admin_url) as conn:
            conn.execute(f'CREATE ROLE "{server.owner_role}" LOGIN CREATEROLE '
                         f"PASSWORD '{server.owner_password}'")
            conn.execute(f'CREATE DATABASE "{server.database}" OWNER "{server.owner_role}"')
        with _connect(server.admin_url_for(server.database)) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return server

    def admin_url_for(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def url(self, role: str, password: str, schema: str | None = None) -> str:
        query = {"options": f"-csearch_path={schema},public"} if schema else {}
        return URL.create("postgresql+psycopg", username=role, password=password,
                          host=self.host, port=self.port, database=self.database,
                          query=query).render_as_string(hide_password=False)

    def database_urls(self, schema: str = "public") -> PgDatabase:
        s = None if schema == "public" else schema
        admin = make_url(self.admin_url_for(self.database))
        if s:
            admin = admin.update_query_dict({"options": f"-csearch_path={s},public"})
        return PgDatabase(
            name=self.database, schema=schema,
            owner=self.url(self.owner_role, self.owner_password, s),
            app=self.url(self.app_role, self.app_password, s),
            admin=admin.render_as_string(hide_password=False),
            owner_role=self.owner_role, app_role=self.app_role)

    def prepare(self, db: PgDatabase, *, migrate: bool = True, app_role: bool = True) -> PgDatabase:
        """Migrate ``db`` to head as the owner and grant the app role (if asked)."""
        from detection.store import engine as store_engine
        from detection.store.postgres import ensure_app_role

        if migrate:
            store_engine.migrate(store_engine.get_engine(db.owner))
            if app_role:
                ensure_app_role(store_engine.get_engine(db.owner), self.app_role, self.app_password)
        return db

    def schema(self, *, migrate: bool = False, app_role: bool = False) -> PgDatabase:
        """A fresh schema owned by the owner role in the session database."""
        name = f"t_{secrets.token_hex(5)}"
        with _connect(self.admin_url_for(self.database)) as conn:
            conn.execute(f'CREATE SCHEMA "{name}" AUTHORIZATION "{self.owner_role}"')
        self._schemas.append(name)
        return self.prepare(self.database_urls(name), migrate=migrate, app_role=app_role)

    def role_name(self, purpose: str) -> str:
        """A fresh role name for a test (dropped with the session's roles at the end)."""
        name = f"{self.owner_role.removesuffix('_owner')}_{purpose}"
        if name not in self._extra_roles:
            self._extra_roles.append(name)
        return name

    # ------------------------------------------------------------------ tear-down

    def drop_schema(self, db: PgDatabase) -> None:
        from detection.store import engine as store_engine

        for url in (db.owner, db.app, db.admin):
            store_engine.dispose_engine(url)
        with _connect(self.admin_url_for(self.database)) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{db.schema}" CASCADE')
        if db.schema in self._schemas:
            self._schemas.remove(db.schema)

    def close(self) -> None:
        from detection.store import engine as store_engine

        store_engine.dispose_engines()
        with _connect(self.admin_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            for role in (*self._extra_roles, self.app_role, self.owner_role):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')

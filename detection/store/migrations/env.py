"""Alembic environment: runs on the connection :func:`detection.store.engine.migrate` passes.

On PostgreSQL the migrations take a transaction-scoped advisory lock first, so two
processes migrating the same database at once run one after the other (the second then
finds nothing to do), and ``alembic_version`` is looked for only in the schema the tables
go to (``current_schema()``), never in a schema further down ``search_path``. Objects that are not in :mod:`detection.store.schema` on purpose —
PostGIS's own tables, the generated ``geom`` columns, views, the SQLite purge gate — are
left out of autogenerate's comparison.
"""

from __future__ import annotations

from alembic import context

from detection.store.schema import metadata

MIGRATION_LOCK = 0x4F70_7370_6F72  # "Opspor": pg_advisory_xact_lock key

_NOT_IN_METADATA = {"spatial_ref_sys", "audit_purge_gate", "v_area_dwellings"}

config = context.config
connection = config.attributes.get("connection")


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    if type_ == "table" and name in _NOT_IN_METADATA:
        return False
    if type_ == "column" and name == "geom" and reflected:
        return False
    if type_ == "index" and name and name.endswith("_geom"):
        return False
    return True


def version_table_schema(conn) -> str | None:  # noqa: ANN001
    """PostgreSQL: ``alembic_version`` lives in the schema the tables are created in (the
    first usable schema of ``search_path``), never found further down the path."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.exec_driver_sql("SELECT current_schema()").scalar()


def _run(conn) -> None:  # noqa: ANN001
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True,
                      include_object=include_object, version_table_schema=version_table_schema(conn))
    with context.begin_transaction():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        context.run_migrations()


if connection is None:  # `alembic` command line: use the URL in the config
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
else:
    _run(connection)

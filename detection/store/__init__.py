"""The store: the schema, its alembic migrations, engines for SQLite and PostgreSQL/PostGIS
and their roles. Only the repository (and the CLI's operator commands) use it."""

"""Small helpers shared by the store tests."""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator

from sqlalchemy import Engine, event

DDL = re.compile(r"^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|TRUNCATE)\b"
                 r"|alembic_version\s*(SET|\()|INTO\s+alembic_version", re.IGNORECASE)


@contextlib.contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement ``engine`` sends while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def ddl_in(sql: list[str]) -> list[str]:
    return [s for s in sql if DDL.search(s)]


def cli_json(*argv: str) -> tuple[int, dict]:
    """Run ``opspor … --json`` in-process; (exit code, the JSON object it printed)."""
    from detection.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*argv, "--json"])
    return code, json.loads(out.getvalue())


def sqlstate(error: BaseException) -> str | None:
    return getattr(getattr(error, "orig", None), "sqlstate", None)

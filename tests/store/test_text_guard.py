"""One guard at the write path for every text column (issue 13).

- Every ``String``/``Text`` column of the schema is a guard type; a new column that is
  not makes :func:`test_every_text_column_of_the_schema_is_guarded` fail and name it.
- A row is written into **every** table, with a CPR number in every free-text, label and
  JSON column, in every spelling the issue lists, on SQLite and PostGIS: no CPR number
  comes back, and none is in the SQLite file's bytes.
- A CPR number in an id, a code or a reference is refused, never scrubbed (scrubbing
  would make two records one).
- Health words in a label (a focus area's name, a plan's label) are refused.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    insert,
    select,
)

from detection.cpr import contains_cpr
from detection.errors import InputError
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.store.guard import GUARDS, CprInIdentifier, HealthWordInLabel

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # the app's own ids

# Ten digits of a CPR number with a valid date (15 March 1924, 7th digit 1), spelled the
# ways issue 13 found reaching the database, plus the nine digits of 01.02.03 as an Excel
# number cell shows them with the leading zero dropped.
DIGITS = "1503241234"
SPELLINGS = [
    "1503241234", "150324-1234", "150324\u00a01234", "150324  1234", "150324 - 1234",
    "150324/1234", "15.03.24.1234", "15 03 24 12 34", "150324\u200b1234", "150324\t1234",
    "15\u202f03\u202f24\u20131234", "１５０３２４１２３４",
]
NINE = "102034512"


def _guard_of(column) -> str | None:
    return getattr(column.type, "guard", None)


def _is_text(column) -> bool:
    """A text column, whatever type wraps it (a guard type is a TypeDecorator)."""
    return isinstance(getattr(column.type, "impl_instance", column.type), String)


def test_every_text_column_of_the_schema_is_guarded():
    unguarded = [f"{tbl.name}.{col.name}" for tbl in t.metadata.sorted_tables for col in tbl.columns
                 if _is_text(col) and _guard_of(col) not in GUARDS]
    assert not unguarded, f"text columns with no CPR guard (use a type of detection.store.guard): {unguarded}"
    n = sum(_is_text(c) for tbl in t.metadata.sorted_tables for c in tbl.columns)
    assert n > 100  # the schema really has its text columns (the check above looked at them)


def _value(col, spelled: str, i: int):
    """A value for ``col``: CPR text in free/label/JSON columns, a plain key elsewhere."""
    guard = _guard_of(col)
    if guard in ("free", "label"):
        text = f"note {spelled} end"
        length = getattr(col.type, "length", None) or getattr(col.type.impl, "length", None)
        return text[:length] if length else text
    if guard == "json":
        return json.dumps({"note": f"x {spelled}", "n": int(DIGITS), "list": [spelled]})
    if guard == "code":
        return "k1"  # every foreign key text column points at the parent row's "k1"
    typ = col.type
    if isinstance(typ, Boolean):
        return False
    if isinstance(typ, Integer):
        return 1
    if isinstance(typ, Float):
        return 1.0
    if isinstance(typ, DateTime):
        return datetime(2026, 11, 1, 12, tzinfo=UTC)
    if isinstance(typ, Date):
        return date(2026, 11, 1)
    if isinstance(typ, LargeBinary):  # PostGIS derives geometry columns from these
        import shapely
        if col.name == "path_wkb" or col.table.name == "network_edges":
            return shapely.LineString([(6e5, 6.19e6), (6e5 + 10, 6.19e6)]).wkb
        return shapely.box(6e5, 6.19e6, 6e5 + 10, 6.19e6 + 10).wkb
    raise AssertionError(f"no test value for {col}")


def _write_every_table(engine, spelled: str) -> None:
    with store_engine.write_tx(engine) as conn:
        for tbl in t.metadata.sorted_tables:
            conn.execute(tbl.delete())
        for tbl in t.metadata.sorted_tables:
            conn.execute(insert(tbl).values({c.name: _value(c, spelled, 0) for c in tbl.columns}))


def _all_text(engine) -> list[str]:
    out = []
    with store_engine.read_tx(engine) as conn:
        for tbl in t.metadata.sorted_tables:
            for row in conn.execute(select(tbl)).mappings():
                out += [str(v) for v in row.values() if isinstance(v, str)]
    return out


@pytest.mark.parametrize("spelled", SPELLINGS)
def test_no_cpr_reaches_any_table_in_any_spelling(db_url, spelled):
    repo = Repository.open(db_url, None)
    engine = repo.engine
    if engine.dialect.name == "sqlite":
        # the audit log is append-only by trigger: open its purge gate for this raw rewrite
        with store_engine.write_tx(engine) as conn:
            conn.exec_driver_sql("UPDATE audit_purge_gate SET allow = 1")
    _write_every_table(engine, spelled)
    texts = _all_text(engine)
    assert texts, "nothing was written"
    assert any("[CPR fjernet]" in s for s in texts)
    # the app's own ids are random UUIDs: their hex groups can spell a date and four digits
    # across the dashes ("…-2302-4247-93…"), which is no CPR number (as identifier_has_cpr)
    leaks = [s for s in texts if (not UUID.fullmatch(s) and contains_cpr(s))
             or DIGITS in "".join(c for c in s if c.isdigit())]
    assert not leaks, leaks
    if engine.dialect.name == "sqlite":
        engine.dispose()
        path = Path(engine.url.database)
        for f in (path, path.with_name(path.name + "-wal")):
            if f.exists():
                raw = f.read_bytes()
                assert DIGITS.encode() not in raw
                assert spelled.encode("utf-8") not in raw


def test_an_excel_number_cell_is_scrubbed_in_free_text_and_refused_in_a_code(tmp_path):
    note = t.signals.c.note.type
    assert note.process_bind_param(NINE, None) == "[CPR fjernet]"
    with pytest.raises(CprInIdentifier):
        t.signals.c.external_ref.type.process_bind_param(NINE, None)


@pytest.mark.parametrize("column", [c for tbl in t.metadata.sorted_tables for c in tbl.columns
                                    if _guard_of(c) == "code"], ids=lambda c: f"{c.table.name}.{c.name}")
def test_a_cpr_number_in_an_id_or_code_is_refused_not_scrubbed(column):
    for spelled in SPELLINGS + [NINE, f"Sag {SPELLINGS[1]}"]:
        with pytest.raises(CprInIdentifier):
            column.type.process_bind_param(spelled, None)
    assert column.type.process_bind_param("5f0e8c1d-3a7b-4c2e-9d1f-0a2b3c4d5e6f", None) \
        == "5f0e8c1d-3a7b-4c2e-9d1f-0a2b3c4d5e6f"


def test_a_refused_identifier_reaches_the_caller_as_an_input_error(db_url):
    repo = Repository.open(db_url, None)
    with pytest.raises(InputError, match="CPR"):
        with store_engine.write_tx(repo.engine) as conn:
            conn.execute(insert(t.settings).values(key="x", value=SPELLINGS[1]))
    with store_engine.read_tx(repo.engine) as conn:
        assert conn.execute(select(t.settings).where(t.settings.c.key == "x")).first() is None


@pytest.mark.parametrize("column", [t.focus_areas.c.name, t.route_plans.c.area],
                         ids=["focus_areas.name", "route_plans.area"])
def test_health_words_in_a_label_are_refused(column):
    for bad in ("Psykiatrisk område", "Tranebjerg - sindslidende", "misbrug Nord", "SYG borger"):
        with pytest.raises(HealthWordInLabel):
            column.type.process_bind_param(bad, None)
    for ok in ("Tranebjerg", "Sygehusvej og omegn", "Nordby 2"):
        assert column.type.process_bind_param(ok, None) == ok

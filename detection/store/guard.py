"""The one guard at the store's write path: every text column is one of four types.

Every ``String``/``Text`` column of :mod:`detection.store.schema` is declared with one of
these types, and ``tests/store/test_text_guard.py`` fails on a text column that is not. The
guard runs where SQLAlchemy binds a value for the database, so it holds for every write —
an import, a form on the phone page, the CLI, a restore that goes through the repository —
with no call to forget:

- :class:`FreeText` — what a person typed or a partner's file said (notes, names, labels,
  messages, rejected rows' raw text). Anything shaped like a CPR number, in any spelling
  :mod:`detection.cpr` knows, is replaced by ``[CPR fjernet]``.
- :class:`Label` — free text printed on paper or shown to people outside the team (a
  focus area's name, a route plan's label): CPR numbers removed as above, and health words
  (:mod:`detection.wording`) refused.
- :class:`Code` — ids, codes, references, user names, hashes: values that identify
  something, where replacing digits would merge two records. A CPR number in one is
  refused (:class:`CprInIdentifier`), never scrubbed.
- :class:`JsonText` — JSON the code builds (parameters, statistics, lists of units): every
  string inside is scrubbed like free text, the JSON stays valid.

The callers that count removed numbers (the importer, the phone page's note) scrub first
with :func:`detection.cpr.scrub`; the type then finds nothing left. The guard is the
promise: nothing that bypasses those callers can store a CPR number.

A guard error raised while binding reaches the caller as itself, not wrapped in
SQLAlchemy's ``StatementError``: :func:`detection.store.engine.write_tx` unwraps it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.types import String, Text, TypeDecorator

from detection.cpr import REPLACEMENT, identifier_has_cpr, is_cpr_digits, scrub
from detection.errors import CprInIdentifier, HealthWordInLabel

__all__ = ["CprInIdentifier", "HealthWordInLabel", "FreeText", "LongText", "Label", "Code", "JsonText",
           "check_label", "GUARDS"]
from detection.wording import health_words


class FreeText(TypeDecorator):
    """Free text: CPR numbers removed on the way in (``FreeText(200)``: a length limit)."""

    impl = String
    cache_ok = True
    guard = "free"

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, str):
            return scrub(value)[0]
        return value


class LongText(FreeText):
    """:class:`FreeText` stored as ``TEXT``."""

    impl = Text
    cache_ok = True


class Label(FreeText):
    """A label that reaches paper: CPR numbers removed, health words refused."""

    cache_ok = True
    guard = "label"

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return super().process_bind_param(check_label(value), dialect)


def check_label(value: Any) -> Any:
    """``value`` unchanged, or :class:`HealthWordInLabel` when it holds a health word.

    The :class:`Label` type runs this on every write; a caller runs it early too, so a
    route plan's label is refused before the solver runs, not after.
    """
    found = health_words(value) if isinstance(value, str) else []
    if found:
        raise HealthWordInLabel(
            f"the name {value!r} holds the health word(s) {', '.join(sorted(set(found)))}; "
            "a name is printed on walk lists and seen by others: choose a neutral one "
            "(a place, a street, a number)", words=sorted(set(found)))
    return value


class Code(TypeDecorator):
    """An id, a code, a reference, a user name or a hash: a CPR number in it is refused."""

    impl = String
    cache_ok = True
    guard = "code"

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, str) and identifier_has_cpr(value):
            raise CprInIdentifier(
                "a value that identifies something (an id, a reference, a user name) holds "
                "a number shaped like a CPR number; Opspor never stores one: remove it "
                "and use another reference")
        return value


def _scrub_json(obj: Any) -> tuple[Any, int]:
    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, float):
        return obj, 0
    if isinstance(obj, int):
        digits = str(abs(obj))
        if len(digits) in (9, 10) and is_cpr_digits(digits.zfill(10)):
            return REPLACEMENT, 1
        return obj, 0
    if isinstance(obj, list):
        parts = [_scrub_json(v) for v in obj]
        return [p[0] for p in parts], sum(p[1] for p in parts)
    if isinstance(obj, dict):
        out, n = {}, 0
        for k, v in obj.items():
            k2, nk = scrub(k) if isinstance(k, str) else (k, 0)
            v2, nv = _scrub_json(v)
            out[k2] = v2
            n += nk + nv
        return out, n
    return obj, 0


class JsonText(TypeDecorator):
    """JSON text built by the code: every string (and CPR-shaped integer) in it scrubbed."""

    impl = Text
    cache_ok = True
    guard = "json"

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        # Parsed, not scanned as text: a string inside may be written with \u escapes
        # (json.dumps' default), which a text scan would read as letters.
        if not isinstance(value, str) or sum(c.isdigit() for c in value) < 9:
            return value
        try:
            obj = json.loads(value)
        except ValueError:
            return scrub(value)[0]  # not JSON after all: scrub as text
        cleaned, n = _scrub_json(obj)
        return json.dumps(cleaned, ensure_ascii=False) if n else value


#: every guard type, by its ``guard`` name (the schema test checks each column is one)
GUARDS = {"free": FreeText, "label": Label, "code": Code, "json": JsonText}

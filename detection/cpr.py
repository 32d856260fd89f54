"""Find and remove anything shaped like a CPR number before it can reach the store.

A CPR number is ten digits ``DDMMYYSSSS`` whose first six digits are a real date. The 7th
digit together with ``YY`` gives the century (CPR office rules), which decides whether
29 February exists. Modulus 11 is **not** checked: numbers issued since 2007 need not
satisfy it (field-notes.md).

Spellings
---------
People and systems write the ten digits in many ways, and every one of them must be
caught (recall first; issue 13 found the old guard missed most of these):

- with nothing between the digits, or with a *separator* between **any** two digits: a
  run of up to four characters out of every Unicode space (space, double space, tab,
  NBSP, narrow NBSP, em space …), the zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner,
  BOM, soft hyphen), every dash and minus sign, ``/``, ``.`` and ``_`` — so
  ``DDMMYY-NNNN``, ``DDMMYY - NNNN``, ``DD MM YY NN NN``, ``DD.MM.YY-NNNN``,
  ``DDMMYY/NNNN`` and ``DDMMYY\\u200bNNNN`` (D, M, Y, N digits) are all found — the
  concrete spellings are in ``tests/detection/test_cpr.py``, built from digit parts;
- in any script's digits (``\\d`` is Unicode: full-width ``１５０３２４…`` too);
- a value that is *only* nine digits (``DMMYYNNNN``): Excel drops the leading zero of a
  CPR number in a number cell; zero-padded, it is checked like the ten.

Ten digits that are part of a longer run of digits (eleven in a row) are an id of
something else, and six leading digits that are no date (day 32, month 13) are kept.

The price of that recall is some false positives: a date followed by a time
(``15.03.24 10.30``) or a ten-digit account number that starts with a date is removed
too. We accept that: a removed harmless number costs a note a few digits; a kept CPR
number is a breach. Fields where a false positive would *merge* two records (a reference,
a source) are not scrubbed but refused (:mod:`detection.store.guard`, the importer).

The examples live in ``tests/detection/test_cpr.py``, the only place where CPR-shaped
strings are written down.
"""

from __future__ import annotations

import re
from datetime import date

#: what a removed number is replaced with (no digits, so nothing can be reassembled)
REPLACEMENT = "[CPR fjernet]"

#: characters that may stand between two digits of a CPR number (a run of up to 4)
SEPARATORS = (
    r"\s"                                   # every Unicode space: tab, NBSP, U+2000–200A …
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"  # zero-width characters, soft hyphen
    r"\-\u2010-\u2015\u2212\ufe63\uff0d"    # hyphen, dashes, minus signs
    r"/\\._\u2024\u00b7"                    # slash, backslash, dot, underscore, middle dots
)
_SEP = f"[{SEPARATORS}]{{0,4}}"
# Every candidate: a digit not preceded by a digit, then nine more digits each after an
# optional separator run, and no digit right after. The lookahead finds overlapping
# candidates, so an invalid date at one start never hides a valid one at the next.
_CANDIDATE = re.compile(rf"(?<!\d)(?=(\d(?:{_SEP}\d){{9}})(?!\d))")
# The same number as an identifier: bounded by non-alphanumerics, so a UUID's hex groups
# (8-4-4-4-12) can never hold one.
_ID_CANDIDATE = re.compile(rf"(?<![^\W_])(?=(\d(?:{_SEP}\d){{9}})(?![^\W_]))")
_DIGIT = re.compile(r"\d")
_NON_DIGIT = re.compile(r"\D")
_NINE = re.compile(r"\s*(\d{9})(?:[.,]0+)?\s*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _century(yy: int, d7: int) -> int:
    if d7 <= 3:
        return 1900
    if d7 in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def is_cpr_digits(digits: str) -> bool:
    """True when ten digits are a CPR number (a valid date with its century)."""
    if len(digits) != 10:
        return False
    dd, mm, yy, d7 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        date(_century(yy, d7) + yy, mm, dd)
    except ValueError:
        return False
    return True


def _spans(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    """Non-overlapping spans of CPR numbers in ``text`` (leftmost first)."""
    spans: list[tuple[int, int]] = []
    end = -1
    for m in pattern.finditer(text):
        start = m.start()
        if start < end:
            continue
        cand = m.group(1)
        if is_cpr_digits(_NON_DIGIT.sub("", cand)):
            spans.append((start, start + len(cand)))
            end = start + len(cand)
    return spans


def _excel_nine(text: str) -> bool:
    m = _NINE.fullmatch(text)
    return bool(m) and is_cpr_digits("0" + m.group(1))


def scrub(text: str) -> tuple[str, int]:
    """``text`` with every CPR-shaped number replaced by :data:`REPLACEMENT`, and how
    many were removed (29 February counts only in years the 7th digit puts in a leap year;
    see ``tests/detection/test_cpr.py``)."""
    if not text or not isinstance(text, str):
        return text, 0
    if not _DIGIT.search(text) or len(_DIGIT.findall(text)) < 9:
        return text, 0
    if _excel_nine(text):
        return REPLACEMENT, 1
    spans = _spans(text, _CANDIDATE)
    if not spans:
        return text, 0
    out, pos = [], 0
    for a, b in spans:
        out.append(text[pos:a])
        out.append(REPLACEMENT)
        pos = b
    out.append(text[pos:])
    return "".join(out), len(spans)


def contains_cpr(text: str) -> bool:
    """True when ``text`` holds something shaped like a CPR number."""
    return scrub(text)[1] > 0


def identifier_has_cpr(value: str) -> bool:
    """True when an identifier-like value (a reference, a user name, an id from a file)
    holds a CPR number: the whole value is one (nine or ten digits, any separators), or
    one stands between non-alphanumeric characters (``"Sag DDMMYY-NNNN"``). A UUID never
    does (its hex groups are too long or too short)."""
    if not value or not isinstance(value, str) or _UUID.fullmatch(value):
        return False  # the register's ids: a UUID's hex groups (8-4-4-4-12) hold none
    if len(_DIGIT.findall(value)) < 9:
        return False
    return _excel_nine(value) or bool(_spans(value, _ID_CANDIDATE))

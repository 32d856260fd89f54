"""Find and remove anything shaped like a CPR number before it can reach the store.

A CPR number is ``DDMMYY-SSSS`` or ``DDMMYYSSSS`` (a space instead of the dash is caught
too) whose first six digits are a real date. The 7th digit together with ``YY`` gives the
century (CPR office rules), which decides whether 29 February exists. Modulus 11 is
**not** checked: numbers issued since 2007 need not satisfy it (field-notes.md).

Digits that are part of a longer run of digits are not a CPR number (eleven digits in a
row are an id of something else); six leading digits that are no date (day 32, month 13)
are kept. The examples live in ``tests/detection/test_cpr.py``, the only place where
CPR-shaped strings are written down.
"""

from __future__ import annotations

import re
from datetime import date

#: what a removed number is replaced with (no digits, so nothing can be reassembled)
REPLACEMENT = "[CPR fjernet]"

_CPR = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[-\u2010\u2011\u2012\u2013 ]?(\d)(\d{3})(?!\d)")
_MAYBE = re.compile(r"\d{6}")


def _century(yy: int, d7: int) -> int:
    if d7 <= 3:
        return 1900
    if d7 in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def _is_cpr(m: re.Match) -> bool:
    dd, mm, yy, d7 = int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
    try:
        date(_century(yy, d7) + yy, mm, dd)
    except ValueError:
        return False
    return True


def scrub(text: str) -> tuple[str, int]:
    """``text`` with every CPR-shaped number replaced by :data:`REPLACEMENT`, and how
    many were removed (29 February counts only in years the 7th digit puts in a leap year;
    see ``tests/detection/test_cpr.py``)."""
    if not text or not _MAYBE.search(text):
        return text, 0
    n = 0

    def repl(m: re.Match) -> str:
        nonlocal n
        if _is_cpr(m):
            n += 1
            return REPLACEMENT
        return m.group(0)

    return _CPR.sub(repl, text), n


def contains_cpr(text: str) -> bool:
    """True when ``text`` holds something shaped like a CPR number."""
    return scrub(text)[1] > 0

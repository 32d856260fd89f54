"""The password rule for local accounts (NIST SP 800-63B, OWASP ASVS 5.0 level 2).

A password is at least 12 characters, at most 256, and is refused when it is a common
password (``data/common-passwords.txt``, compared without case), the user's own name, or
one character repeated, or holds the user name (of 4 characters or more). No rules about character classes: length and the list are what
NIST asks for.
"""

from __future__ import annotations

import functools
from pathlib import Path

from detection.errors import InputError

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_FILE = Path(__file__).resolve().parents[1] / "data" / "common-passwords.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    return frozenset(line.strip() for line in COMMON_FILE.read_text(encoding="utf-8").splitlines() if line.strip())


def check_password(password: str | None, *, user_name: str = "") -> str:
    """``password`` when it may be used, else :class:`InputError` saying what to change.

    >>> check_password("korte")
    Traceback (most recent call last):
    ...
    detection.errors.InputError: the password must be at least 12 characters (it has 5); a sentence of a few words is easy to remember
    """
    pw = password or ""
    if len(pw) < MIN_LENGTH:
        raise InputError(f"the password must be at least {MIN_LENGTH} characters (it has {len(pw)}); "
                         "a sentence of a few words is easy to remember")
    if len(pw) > MAX_LENGTH:
        raise InputError(f"the password may be at most {MAX_LENGTH} characters")
    low = pw.casefold()
    if low in common_passwords():
        raise InputError("the password is on the list of common passwords; choose another")
    if len(user_name) >= 4 and user_name.casefold() in low:
        raise InputError("the password may not contain the user name")
    if len(set(pw)) == 1:
        raise InputError("the password may not be one character repeated")
    return pw

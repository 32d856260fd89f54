"""Exceptions of the :mod:`geo` package. All subclass :class:`ValueError`."""

from __future__ import annotations


class GeoInputError(ValueError):
    """A geographic input file or frame can't be used; the message says why and the fix."""


class RegisterError(GeoInputError):
    """An address register file can't be used as a whole (not single rows)."""

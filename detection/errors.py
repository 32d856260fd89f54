"""Exceptions of the :mod:`detection` package. All subclass :class:`ValueError`.

Each carries a stable ``code`` the CLI prints under ``--json`` and maps to an exit code
(conventions: 1 unusable input, 2 usage, 3 not allowed for this user).
"""

from __future__ import annotations


class OpsporError(ValueError):
    """Base class: a readable message and a stable code."""

    code = "error"
    exit_code = 1


class InputError(OpsporError):
    """An input file or value can't be used; the message names it and the fix."""

    code = "bad_input"


class WorkspaceError(OpsporError):
    """The workspace is missing, not empty when it must be, or in the wrong state."""

    code = "workspace"


class NotAllowed(OpsporError):
    """The acting user's role may not do this."""

    code = "not_allowed"
    exit_code = 3


class UnknownUser(NotAllowed):
    """The acting user does not exist or is disabled."""

    code = "unknown_user"


class Conflict(OpsporError):
    """Someone else changed the same thing first (e.g. assigned the entrance); reload and retry."""

    code = "conflict"

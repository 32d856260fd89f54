"""Exceptions of the :mod:`detection` package. All subclass :class:`ValueError`.

Each carries a stable ``code`` the CLI prints under ``--json`` and maps to an exit code
(conventions: 1 unusable input, 2 usage, 3 not allowed for this user). The app shows the
user a text in the UI's language chosen by that code (``ui.widgets.input_error_text``), so a
raise site that the app can reach gives its error a code of its own:
``InputError("a focus area needs a name of 1–200 characters", code="focus_name")``.
"""

from __future__ import annotations


class OpsporError(ValueError):
    """Base class: a readable message and a stable code."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code  # this raise's own code (the class's stays the default)


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


class CprInIdentifier(InputError):
    """A value that identifies something (an id, a reference, a user name) holds a number
    shaped like a CPR number; the store refuses it (:mod:`detection.store.guard`)."""

    code = "cpr_in_identifier"


class HealthWordInLabel(InputError):
    """A label that reaches paper (a focus area's name, a route plan's label) holds a health
    word (``words``: which ones); :mod:`detection.wording`."""

    code = "health_word"

    def __init__(self, message: str, *, words: list[str] | None = None) -> None:
        super().__init__(message)
        self.words = list(words or [])


class MemberBusy(InputError):
    """A worker would walk two routes on the same day: ``member`` already has the route of
    pair ``team`` on ``day`` (an ISO date), in a plan for ``area``. The message names them,
    never a route id."""

    code = "member_busy"

    def __init__(self, member: str, day: str, team: int, area: str = "") -> None:
        super().__init__(f"{member} already walks the route of team {team} on {day}; "
                         "a worker walks one route a day")
        self.member = member
        self.day = day
        self.team = int(team)
        self.area = area  # the other plan's stored area label (detection.vocab.area_words says it)

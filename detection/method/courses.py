"""Courses (*forløb*), the method's phase 2: contact → relationship → bridging → handed over,
or closed with a reason (issue 16).

A course is *not* the case file: it keeps the stage and its dates, the channel (derived
from the data, :func:`detection.method.funnel.course_channels`), the handover target,
meetings (date, kind, minutes) and optionally the case system's reference. No name, no
CPR, no narrative: the only free text (the reason "other", the case reference) passes the
CPR guard at the store and the health-word guard here.

The stage rules, as a table (:data:`NEXT`): a course moves one stage forward at a time,
or is closed from any open stage; "handed over" and "closed" are final. An illegal jump is
refused with a message that says which moves are possible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from detection.errors import InputError
from detection.vocab import CLOSE_REASON_CODES, MEETING_KIND_CODES, STAGE_CODES, TARGET_CODES
from detection.wording import health_words

STAGES: tuple[str, ...] = STAGE_CODES.ids
"""The stages in order; ``handed_over`` and ``closed`` end a course."""

OPEN_STAGES: frozenset[str] = frozenset({"contact", "relationship", "bridging"})
FINAL_STAGES: frozenset[str] = frozenset({"handed_over", "closed"})

#: stage → the stages a course may move to from it
NEXT: dict[str, tuple[str, ...]] = {
    "contact": ("relationship", "closed"),
    "relationship": ("bridging", "closed"),
    "bridging": ("handed_over", "closed"),
    "handed_over": (),
    "closed": (),
}

#: the date column of each stage (the day the course reached it)
STAGE_DATE: dict[str, str] = {"contact": "started_on", "relationship": "relationship_on",
                              "bridging": "bridging_on", "handed_over": "handed_over_on",
                              "closed": "closed_on"}

TARGETS: tuple[str, ...] = TARGET_CODES.ids
"""Where a course is handed over to: §99 support and contact person, §85 home support,
CTI, ICM, ACT/M-ACT, psychiatry, the GP, other lasting support."""

CLOSE_REASONS: tuple[str, ...] = CLOSE_REASON_CODES.ids
MEETING_KINDS: tuple[str, ...] = MEETING_KIND_CODES.ids
ORIGINS: tuple[str, ...] = ("door", "report")

#: longest case-system reference and reason text kept
CASE_REF_CHARS = 60
NOTE_CHARS = 200
#: a meeting is at most a working day long
MAX_MEETING_MINUTES = 600

_CASE_REF = re.compile(r"^[A-Za-z0-9ÆØÅæøå./_\- ]+$")


def _choice(field: str, value: object, choices: tuple[str, ...]) -> str:
    text = str(value or "").strip().lower()
    if text not in choices:
        raise InputError(f"field {field!r} = {value!r} is not one of {', '.join(choices)}; give one of them",
                         code=f"bad_{field}")
    return text


def check_stage_move(current: str, to: str) -> None:
    """Raise :class:`InputError` (code ``illegal_stage``) unless a course at ``current`` may
    move to ``to``.

    >>> check_stage_move("contact", "relationship")
    >>> check_stage_move("contact", "handed_over")
    Traceback (most recent call last):
    ...
    detection.errors.InputError: a course at stage 'contact' cannot move to 'handed_over': from 'contact' it moves to relationship or closed (one stage at a time)
    """
    to = _choice("to", to, STAGES[1:])
    if to not in NEXT[current]:
        if not NEXT[current]:
            raise InputError(f"a course at stage {current!r} cannot move to {to!r}: {current!r} ends the "
                             "course; start a new course if the citizen is met again", code="illegal_stage")
        raise InputError(f"a course at stage {current!r} cannot move to {to!r}: from {current!r} it moves to "
                         f"{' or '.join(NEXT[current])} (one stage at a time)", code="illegal_stage")


@dataclass(frozen=True)
class StageMove:
    """A checked stage move: the stage, its date, and for a handover its target, for a
    closure its reason (and for the reason "other" a short note)."""

    to: str
    on: date
    target: str | None = None
    reason: str | None = None
    note: str = ""


def check_move(current: str, *, to: str, on: date, previous_on: date, target: str | None = None,
               reason: str | None = None, note: str | None = None) -> StageMove:
    """Check a stage move of a course at ``current`` whose last stage date is
    ``previous_on``; raise :class:`InputError` naming the field and the fix.

    - a handover needs a ``target`` from :data:`TARGETS`, a closure a ``reason`` from
      :data:`CLOSE_REASONS` (the reason "other" a short ``note``);
    - the date may not be before the previous stage's date, nor in the future (the caller
      checks against today);
    - the note holds no health words (the CPR guard runs at the store).
    """
    to = str(to or "").strip().lower()
    check_stage_move(current, to)
    if on < previous_on:
        raise InputError(f"field 'date' = {on.isoformat()} is before the course's previous stage "
                         f"({previous_on.isoformat()}); give the day the course reached {to!r}", code="bad_date")
    text = " ".join(str(note or "").split())
    if reason and to != "closed":  # like a target outside a handover: refused (a handover dropped it silently)
        raise InputError(f"field 'reason' = {reason!r} is only for closing a course (--to closed)",
                         code="bad_reason")
    if to == "handed_over":
        if target is None or not str(target).strip():
            raise InputError(f"a handover needs a target: give --target, one of {', '.join(TARGETS)}",
                             code="bad_target")
        return StageMove(to, on, target=_choice("target", target, TARGETS), note=_note(text))
    if target:
        raise InputError(f"field 'target' = {target!r} is only for a handover (--to handed_over)", code="bad_target")
    if to == "closed":
        if reason is None or not str(reason).strip():
            raise InputError(f"a closed course needs a reason: give --reason, one of {', '.join(CLOSE_REASONS)}",
                             code="bad_reason")
        why = _choice("reason", reason, CLOSE_REASONS)
        if why == "other" and not text:
            raise InputError("the reason 'other' needs a few words (--note), e.g. 'flyttet til plejehjem'",
                             code="bad_reason")
        return StageMove(to, on, reason=why, note=_note(text))
    return StageMove(to, on, note=_note(text))


def _note(text: str) -> str:
    if len(text) > NOTE_CHARS:
        raise InputError(f"the note has {len(text)} characters, at most {NOTE_CHARS}: a course keeps no "
                         "narrative (the case system holds the journal)", code="note_too_long")
    words = health_words(text)
    if words:
        raise InputError(f"the note holds words about health ({', '.join(dict.fromkeys(words))}); Opspor keeps "
                         "no health information about a citizen: write it in the case system", code="health_words")
    return text


def check_case_ref(value: str | None) -> str | None:
    """The case system's reference (e.g. ``SAG-2026-0142``), or ``None``; letters, digits
    and ``. / _ -`` only, at most :data:`CASE_REF_CHARS` characters (no names, no CPR)."""
    text = str(value or "").strip()
    if not text:
        return None
    if len(text) > CASE_REF_CHARS or not _CASE_REF.match(text):
        raise InputError(f"field 'case_ref' = {text!r} is not a case reference: give the case system's number "
                         f"(letters, digits, '.', '/', '-', at most {CASE_REF_CHARS} characters)",
                         code="bad_case_ref")
    return text


def check_meeting(*, kind: str, minutes: object, on: date, started_on: date, today: date) -> tuple[str, int]:
    """A meeting's kind and minutes, checked: kind from :data:`MEETING_KINDS`, 1–600
    minutes, dated on or after the course's start and not in the future."""
    k = _choice("kind", kind, MEETING_KINDS)
    try:
        m = int(str(minutes).strip())
    except ValueError:
        raise InputError(f"field 'minutes' = {minutes!r} is not a whole number of minutes, e.g. 45",
                         code="bad_minutes") from None
    if not 1 <= m <= MAX_MEETING_MINUTES:
        raise InputError(f"field 'minutes' = {m} must be between 1 and {MAX_MEETING_MINUTES}", code="bad_minutes")
    if on < started_on:
        raise InputError(f"field 'date' = {on.isoformat()} is before the course started "
                         f"({started_on.isoformat()})", code="bad_date")
    if on > today:
        raise InputError(f"field 'date' = {on.isoformat()} is in the future; record a meeting when it has "
                         "taken place", code="bad_date")
    return k, m

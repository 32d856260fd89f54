"""Words that must never reach paper or a label another person can read.

A walk list, a letter, a focus area's name and a route plan's label are seen by people
outside the team (a caretaker, a neighbour looking over a shoulder, a printer tray). None
of them may say why a door is visited: no health words (method.md, privacy.md).
"""

from __future__ import annotations

import re

#: word stems that must never reach paper (the walk-list PDF test checks them too).
HEALTH_WORDS = ("psykisk", "psykiatri", "sygdom", "syg ", "bekymring", "misbrug", "diagnose",
                "sindslid", "helbred", "demens", "depression", "hjemmepleje", "medicin", "alkohol",
                "psykose", "skizofren", "selvmord", "psychiatr")

# "syg " is the word "syg" on its own (not "Sygehusvej"); the others are stems.
_PATTERN = re.compile(
    "|".join(r"\b" + re.escape(w.strip()) + (r"\b" if w.endswith(" ") else "") for w in HEALTH_WORDS),
    re.IGNORECASE)


def health_words(text: str | None) -> list[str]:
    """The health words ``text`` holds, lower-cased, in order (empty when none)."""
    if not text:
        return []
    return [m.group(0).lower() for m in _PATTERN.finditer(text)]

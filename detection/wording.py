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


# A word of two or more capital letters ("ACT", "SSP", "SØM", "PsykInfo") or the paragraph
# sign: plain language with citizens has no acronyms and no references to the law
# (method.md). Letters are checked with it (detection.routes.letters).
_WORD = re.compile(r"[^\W\d_]+")


def acronyms(text: str | None) -> list[str]:
    """The acronyms ``text`` holds — words with two or more capital letters, and "§" — in
    order (empty when none).

    >>> acronyms("Ring til SSP eller ACT-teamet (§ 99); Storegade 3, 2. th")
    ['SSP', 'ACT', '§']
    """
    if not text:
        return []
    found = [(m.start(), m.group(0)) for m in _WORD.finditer(text) if sum(c.isupper() for c in m.group(0)) >= 2]
    found += [(i, "§") for i, c in enumerate(text) if c == "§"]
    return [w for _, w in sorted(found)]

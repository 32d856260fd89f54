"""Door outcomes (what happened at each door) as data, with Danish and English names."""

from __future__ import annotations

from dataclasses import dataclass

from detection.errors import InputError


@dataclass(frozen=True)
class OutcomeCode:
    id: str
    name_da: str
    name_en: str

    def name(self, lang: str = "da") -> str:
        return self.name_da if lang == "da" else self.name_en


OUTCOMES: tuple[OutcomeCode, ...] = (
    OutcomeCode("not_home", "ikke hjemme", "not home"),
    OutcomeCode("letter_left", "brev afleveret", "letter left"),
    OutcomeCode("talked_no_need", "talt med, intet behov", "talked, no need"),
    OutcomeCode("contact_established", "kontakt etableret", "contact established"),
    OutcomeCode("declined", "afvist", "declined"),
    OutcomeCode("moved_wrong_address", "fraflyttet / forkert adresse", "moved / wrong address"),
    OutcomeCode("ask_caretaker", "spørg viceværten", "ask the caretaker"),
    OutcomeCode("unsafe", "utryg situation", "unsafe"),
)
OUTCOME_BY_ID = {o.id: o for o in OUTCOMES}


def parse_outcome(value: object) -> str:
    """The outcome id for an id or a Danish/English name, any case.

    >>> parse_outcome("Ikke hjemme"), parse_outcome("letter_left")
    ('not_home', 'letter_left')
    """
    key = str(value or "").strip().casefold()
    for o in OUTCOMES:
        if key in (o.id, o.name_da.casefold(), o.name_en.casefold()):
            return o.id
    raise InputError(f"outcome {value!r} is not known; use one of: {', '.join(o.id for o in OUTCOMES)}")

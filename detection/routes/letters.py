"""Letters for the doors where nobody opened: one A4 page per dwelling, in plain Danish.

After a few not-home visits (:mod:`detection.routes.revisits`) the pair leaves a letter
instead of knocking again. This module writes those letters for a stored plan (as
:meth:`detection.repository.Repository.route_plan` returns it): one page per dwelling that
gets a letter — every unit of a stop whose task is ``letter``, and a visit stop's
``letter_units`` — in walking order, route by route.

A letter names no person ("Til beboeren"), says that the municipality's outreach team
knocked and would like to talk, and gives the team's phone number and opening hours. Its
text is a template the team lead or planner may edit (:func:`check_template`): placeholders
``{adresse}``, ``{dato}``, ``{telefon}``, ``{aabningstider}``, ``{team}``; no health words
(:func:`detection.wording.health_words`) and no acronyms
(:func:`detection.wording.acronyms`): paper is read by others, and a citizen is met in
plain language.

Pure: no database, no streamlit. The settings come in a :class:`LetterSetup`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from detection.cpr import scrub
from detection.errors import InputError
from detection.routes.field_files import MONTHS_DA, _latin1
from detection.vocab import area_words
from detection.wording import acronyms, health_words

#: The settings a letter needs: the team's phone number and opening hours (no default: a
#: letter with a wrong number is worse than none), and the team's name (a default).
PHONE_KEY = "team_phone"
HOURS_KEY = "team_hours"
TEAM_KEY = "team_name"
TEMPLATE_KEY = "letter_template"
LETTER_KEYS = (PHONE_KEY, HOURS_KEY, TEAM_KEY)

DEFAULT_TEAM = "Kommunens opsøgende team"

#: The letter's text when nobody has written another. Plain Danish, no acronyms.
DEFAULT_TEMPLATE = """Kære beboer

Vi er kommunens opsøgende team. Vi har banket på din dør, men vi traf dig ikke hjemme.

Vi vil gerne tale med dig. Vi kommer for at høre, hvordan det går, og om der er noget, du gerne vil have hjælp til. Det er frivilligt, og det koster ikke noget.

Du er velkommen til at ringe til os på {telefon}. Vi tager telefonen {aabningstider}. Du kan også bare vente på, at vi kommer forbi igen.

Venlig hilsen
{team}"""

#: placeholder → what it stands for (the editor shows this list)
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "adresse": {"da": "adressen med etage og dør", "en": "the address with floor and door"},
    "dato": {"da": "datoen brevet afleveres (1. december 2026)", "en": "the day the letter is delivered"},
    "telefon": {"da": "teamets telefonnummer", "en": "the team's phone number"},
    "aabningstider": {"da": "teamets telefontider", "en": "the team's opening hours"},
    "team": {"da": "teamets navn", "en": "the team's name"},
}

TEMPLATE_MAX_CHARS = 2000
HOURS_MAX_CHARS = 200
TEAM_MAX_CHARS = 120
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{6,22}[0-9]")


def _refuse(message: str, code: str, **attrs: object) -> InputError:
    err = InputError(message, code=code)
    for k, v in attrs.items():
        setattr(err, k, v)
    return err


def check_words(text: str, *, what: str, field: str = "template") -> None:
    """Raise :class:`InputError` when ``text`` holds a health word (code
    ``letter_health_word``), an acronym (``letter_acronym``), a CPR number
    (``letter_cpr``) or a character the letter cannot print (``letter_character``);
    ``words`` on the error names what was found, ``what`` names the text in the message and
    ``field`` (on the error too) which setting it is: ``template``, ``team_hours``, ``team_name``."""
    found = sorted(set(health_words(text)))
    if found:
        raise _refuse(f"the {what} holds the health word(s) {', '.join(found)}; a letter is read by others: "
                      "say why you came in neutral words (the team would like to talk)",
                      "letter_health_word", words=found, field=field)
    short = list(dict.fromkeys(acronyms(text)))
    if short:
        raise _refuse(f"the {what} holds the acronym(s) {', '.join(short)}; write in plain Danish, "
                      "without acronyms or references to the law", "letter_acronym", words=short, field=field)
    if scrub(text)[1]:
        raise _refuse(f"the {what} holds a number shaped like a CPR number; remove it", "letter_cpr", field=field)
    bad = sorted({c for c in text if c != "?" and "?" in _latin1(c)})
    if bad:
        raise _refuse(f"the {what} holds character(s) a letter cannot print: {' '.join(bad)}; use letters, "
                      "digits and ordinary punctuation", "letter_character", words=bad, field=field)


def check_template(text: str | None) -> str:
    """``text`` as a letter template (stripped), or :class:`InputError` naming what is wrong:
    empty (``letter_template_empty``), too long (``letter_template_too_long``, at most
    :data:`TEMPLATE_MAX_CHARS`), an unknown placeholder (``letter_placeholder``, ``value``
    the name; the known ones are :data:`PLACEHOLDERS`), a health word, an acronym
    (:func:`check_words`).

    >>> check_template("Ring på {telefon}.")
    'Ring på {telefon}.'
    """
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise _refuse("the letter template is empty; write the letter's text, or restore the default",
                      "letter_template_empty")
    if len(text) > TEMPLATE_MAX_CHARS:
        raise _refuse(f"the letter template has {len(text)} characters, at most {TEMPLATE_MAX_CHARS}: "
                      "a letter fits on one page", "letter_template_too_long", value=len(text))
    for m in _PLACEHOLDER.finditer(text):
        if m.group(1) not in PLACEHOLDERS:
            raise _refuse(f"the letter template holds the unknown placeholder {{{m.group(1)}}}; known: "
                          + ", ".join("{" + p + "}" for p in PLACEHOLDERS), "letter_placeholder",
                          value=m.group(1))
    check_words(_PLACEHOLDER.sub(" ", text), what="letter template")
    return text


def check_letter_setting(key: str, value: str | None) -> str:
    """``value`` for the letter setting ``key`` (stripped; empty clears it), or
    :class:`InputError`: a phone number of digits, spaces, ``+``, ``-`` and brackets
    (``letter_phone``), opening hours and a team name in plain words (:func:`check_words`,
    ``letter_setting_too_long``)."""
    if key not in LETTER_KEYS:
        raise _refuse(f"{key!r} is not a letter setting; letter settings: {', '.join(LETTER_KEYS)}",
                      "letter_setting_unknown", value=key)
    text = " ".join((value or "").split())
    if not text:
        return ""
    if key == PHONE_KEY:
        if not _PHONE.fullmatch(text):
            raise _refuse(f"setting 'team_phone' = {value!r} is not a phone number (e.g. 70 20 30 40 or "
                          "+45 70 20 30 40)", "letter_phone", value=value)
        return text
    limit = HOURS_MAX_CHARS if key == HOURS_KEY else TEAM_MAX_CHARS
    if len(text) > limit:
        raise _refuse(f"setting {key!r} has {len(text)} characters, at most {limit}", "letter_setting_too_long",
                      value=key)
    check_words(text, what="team's opening hours" if key == HOURS_KEY else "team's name", field=key)
    return text


@dataclass(frozen=True)
class LetterSetup:
    """What a letter needs besides the address: the settings as stored (empty = not set)."""

    phone: str = ""
    hours: str = ""
    team: str = ""
    template: str = ""

    @property
    def team_name(self) -> str:
        return self.team or DEFAULT_TEAM

    @property
    def text(self) -> str:
        return self.template or DEFAULT_TEMPLATE

    def missing(self) -> list[str]:
        """The settings a letter cannot be printed without that are not set."""
        return [k for k, v in ((PHONE_KEY, self.phone), (HOURS_KEY, self.hours)) if not v]

    def require(self) -> None:
        """Raise :class:`InputError` (code ``letter_setting_missing``, ``value`` the first
        missing setting) when the phone number or the opening hours are not set."""
        missing = self.missing()
        if missing:
            example = {PHONE_KEY: "team_phone='70 20 30 40'", HOURS_KEY: "team_hours='mandag-fredag kl. 9-15'"}
            raise _refuse(
                f"letters cannot be printed: the setting(s) {', '.join(missing)} are not set; a team lead or "
                f"planner sets them with `opspor settings --set {example[missing[0]]}` or on the route page "
                "(Brev til beboerne)", "letter_setting_missing", value=missing[0], words=missing)


@dataclass(frozen=True)
class Letter:
    """One letter: the entrance's address, the unit's label (``""``: the whole entrance),
    the day it is delivered, and the route it belongs to (``route_id``, ``team``)."""

    address: str
    unit: str
    day: date
    route_id: str
    team: int
    entrance_id: str


def date_words(day: date) -> str:
    """``date(2026, 12, 1)`` → ``"1. december 2026"``."""
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def recipient_lines(address: str, unit: str) -> list[str]:
    """``("Storegade 3, 8305 Samsø", "2. th")`` → ``["Storegade 3, 2. th", "8305 Samsø"]``."""
    street, sep, town = address.partition(", ")
    first = f"{street}, {unit}" if unit else street
    return [first, town] if sep else [first]


def plan_letters(plan: dict) -> list[Letter]:
    """Every letter of ``plan``, in walking order, route by route (the plan's order): per
    stop whose task is ``letter`` one per unit (one for the whole entrance when it has no
    units), and one per ``letter_units`` of a visit stop."""
    out: list[Letter] = []
    for r in plan["routes"]:
        day = date.fromisoformat(str(r["day"])[:10])
        for s in r["stops"]:
            if s.get("task") == "letter":
                units = list(s.get("unit_labels") or s.get("units") or []) or [""]
            else:
                units = list(s.get("letter_unit_labels") or s.get("letter_units") or [])
            out += [Letter(s["address"], str(u), day, r["route_id"], int(r["team"]), s["entrance_id"])
                    for u in units]
    return out


def has_letters(plan: dict) -> bool:
    """True when ``plan`` has a stop that gets a letter."""
    return any(s.get("task") == "letter" or s.get("letter_units") for r in plan["routes"] for s in r["stops"])


def letter_text(letter: Letter, setup: LetterSetup) -> str:
    """The body of ``letter``: the template with its placeholders filled in."""
    values = {"adresse": ", ".join(recipient_lines(letter.address, letter.unit)),
              "dato": date_words(letter.day), "telefon": setup.phone, "aabningstider": setup.hours,
              "team": setup.team_name}
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), setup.text)


def letters_pdf(letters: list[Letter], setup: LetterSetup) -> bytes:
    """The letters as one A4 PDF, one page each, in the order given.

    Each page: the team's name and the date (``1. december 2026``) at the top, the recipient
    ("Til beboeren", the address with floor and door, postcode and town), and the template's
    text. Raises :class:`InputError` (:meth:`LetterSetup.require`) when the phone number or
    the opening hours are not set, and when there is no letter to print (``no_letters``).
    """
    from fpdf import FPDF

    setup.require()
    if not letters:
        raise _refuse("the plan has no door where a letter is due", "no_letters")
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(25, 20, 25)
    pdf.set_title(_latin1("Brev til beboeren"))
    pdf.set_author(_latin1(setup.team_name))
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for letter in letters:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(width / 2, 6, _latin1(setup.team_name))
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(width / 2, 6, _latin1(date_words(letter.day)), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(18)
        pdf.set_font("Helvetica", "", 12)
        for line in ["Til beboeren", *recipient_lines(letter.address, letter.unit)]:
            pdf.cell(width, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(22)
        pdf.set_font("Helvetica", "", 12)
        for para in letter_text(letter, setup).split("\n"):
            if para.strip():
                pdf.multi_cell(width, 6.5, _latin1(para), new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(5)
    return bytes(pdf.output())


def plan_letters_pdf(plan: dict, setup: LetterSetup) -> bytes:
    """:func:`letters_pdf` of every letter of ``plan`` (:func:`plan_letters`)."""
    return letters_pdf(plan_letters(plan), setup)


def sample_letter_pdf(setup: LetterSetup, *, day: date | None = None) -> bytes:
    """One letter to an invented address, to see the template printed."""
    sample = Letter("Eksempelvej 1, 8300 Odder", "2. th", day or datetime.now().date(), "", 1, "")
    return letters_pdf([sample], setup)


def _slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def letters_file_name(plan: dict, lang: str = "da") -> str:
    """The letters' file name in words: ``breve_nordby-sogn_2026-11-02_2026-11-03.pdf``
    (the plan's area and days, never its id)."""
    days = sorted({str(r["day"])[:10] for r in plan["routes"] if r["stops"]}) or [""]
    span = days[0] if days[0] == days[-1] else f"{days[0]}_{days[-1]}"
    area = _slug(area_words(plan.get("area", ""), lang))
    stem = "breve" if lang == "da" else "letters"
    return "_".join(p for p in (stem, area, span) if p) + ".pdf"

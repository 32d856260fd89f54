"""The workspace's code lists, one pattern for all: an id, a Danish and an English name,
and the other words users write for it.

Signal kinds (conventions.md), door outcomes, assessments, partner kinds and contact
channels are each a :class:`CodeList`. Input values are matched on the id, either name or
an alias, in any case and spacing; an unknown value is an :class:`InputError` that names
the choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from detection.errors import InputError


@dataclass(frozen=True)
class Code:
    """One entry of a code list."""

    id: str
    name_da: str
    name_en: str
    aliases: tuple[str, ...] = ()

    def name(self, lang: str = "da") -> str:
        return self.name_da if lang == "da" else self.name_en


C = TypeVar("C", bound=Code)


def normalise(value: object) -> str:
    """``value`` as a lookup key: casefolded, ``_`` as space, runs of white space as one."""
    return re.sub(r"\s+", " ", str(value or "").replace("_", " ").strip().casefold())


class CodeList(Generic[C]):
    """An ordered list of codes with lookup by id and parsing of user input."""

    def __init__(self, what: str, codes: tuple[C, ...]) -> None:
        self.what = what
        self.codes = codes
        self.by_id: dict[str, C] = {c.id: c for c in codes}
        self._lookup: dict[str, str] = {}
        for c in codes:
            for word in (c.id, c.name_da, c.name_en, *c.aliases):
                self._lookup.setdefault(normalise(word), c.id)

    def __iter__(self) -> Iterator[C]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.by_id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes)

    def find(self, value: object) -> str | None:
        """The id for ``value`` (id, name or alias, any case), or ``None``."""
        return self._lookup.get(normalise(value))

    def parse(self, value: object) -> str:
        """The id for ``value``, or :class:`InputError` naming the choices."""
        found = self.find(value)
        if found is None:
            raise InputError(f"{self.what} {value!r} is not known; use one of: "
                             f"{', '.join(c.id for c in self.codes)} (or their Danish or English names)")
        return found

    def name(self, code_id: str, lang: str = "da") -> str:
        """The name of ``code_id`` in ``lang`` (the id itself when unknown)."""
        c = self.by_id.get(code_id)
        return c.name(lang) if c else str(code_id)

    def names(self, lang: str = "da") -> dict[str, str]:
        return {c.id: c.name(lang) for c in self.codes}


# ----------------------------------------------------------------------- signal kinds


@dataclass(frozen=True)
class SignalKind(Code):
    """One kind of partner report, with its default weight, half-life and map symbol."""

    weight: float = 1.0
    half_life_days: int = 180
    symbol: str = "?"
    colour: str = "#666666"


# Colours from the Okabe–Ito palette (distinguishable with colour-vision deficiency);
# every kind also has its own letter symbol, so colour is never the only cue.
SIGNAL_KINDS: CodeList[SignalKind] = CodeList("kind", (
    SignalKind("landlord_report", "udlejerhenvendelse", "landlord report",
               ("udlejer", "landlord"), 1.0, 180, "U", "#0072B2"),
    SignalKind("neighbour_complaint", "naboklage", "neighbour complaint",
               ("nabo", "neighbour", "neighbor complaint"), 0.8, 120, "N", "#D55E00"),
    SignalKind("eviction_risk", "udsættelsestruet", "eviction risk",
               ("udsættelse", "eviction", "fogedsag"), 1.5, 180, "S", "#CC79A7"),
    SignalKind("housing_association_contact", "henvendelse fra boligselskab", "housing-association contact",
               ("boligselskab", "boligforening", "boligorganisation", "housing association"),
               1.2, 180, "B", "#009E73"),
    SignalKind("caretaker_concern", "bekymring fra vicevært", "caretaker concern",
               ("vicevært", "ejendomsfunktionær", "caretaker"), 1.0, 180, "V", "#E69F00"),
    SignalKind("home_care_concern", "bekymring fra hjemmeplejen", "home-care concern",
               ("hjemmepleje", "hjemmeplejen", "home care"), 1.0, 180, "H", "#56B4E9"),
    SignalKind("other", "andet", "other", (), 0.5, 120, "A", "#666666"),
))
KINDS: tuple[SignalKind, ...] = SIGNAL_KINDS.codes
COVERAGE_SYMBOLS: dict[str, str] = {"active": "✓", "lapsed": "!", "none": "○"}
"""How *Dækning* marks a partner's coverage (aktiv, bortfaldet, ingen/uden): signs, not
letters, so that no letter means one thing on *Kort* (a report kind above) and another
there; every symbol differs from every kind's."""
KIND_BY_ID: dict[str, SignalKind] = SIGNAL_KINDS.by_id
CORE_KINDS: tuple[str, ...] = (
    "landlord_report", "neighbour_complaint", "eviction_risk", "housing_association_contact",
)


def parse_kind(value: object) -> str:
    """The kind id for an input value in Danish or English, any case.

    >>> parse_kind("Udsættelsestruet"), parse_kind("NABOKLAGE"), parse_kind("landlord_report")
    ('eviction_risk', 'neighbour_complaint', 'landlord_report')
    """
    return SIGNAL_KINDS.parse(value)


# ---------------------------------------------------------------------- assessments

ASSESSMENT_CODES: CodeList[Code] = CodeList("assessment", (
    Code("new", "ny", "new"),
    Code("in_target_group", "i målgruppen", "in the target group"),
    Code("not_in_target_group", "ikke i målgruppen", "not in the target group", ("not_target_group",)),
    Code("unclear", "uafklaret", "unclear"),
))
ASSESSMENTS: tuple[str, ...] = ASSESSMENT_CODES.ids
EXCLUDED_ASSESSMENTS: frozenset[str] = frozenset({"not_in_target_group", "not_target_group"})
"""Assessments after which a signal no longer counts (for priorities and route prizes)."""


# ------------------------------------------------------------------------- outcomes

OUTCOME_CODES: CodeList[Code] = CodeList("outcome", (
    Code("not_home", "ikke hjemme", "not home"),
    Code("letter_left", "brev afleveret", "letter left"),
    Code("talked_no_need", "talt med, intet behov", "talked, no need"),
    Code("contact_established", "kontakt etableret", "contact established"),
    Code("declined", "afvist", "declined"),
    Code("moved_wrong_address", "fraflyttet / forkert adresse", "moved / wrong address"),
    Code("ask_caretaker", "spørg viceværten", "ask the caretaker"),
    Code("unsafe", "utryg situation", "unsafe"),
))
OUTCOMES: tuple[Code, ...] = OUTCOME_CODES.codes
OUTCOME_BY_ID: dict[str, Code] = OUTCOME_CODES.by_id


def parse_outcome(value: object) -> str:
    """The outcome id for an id or a Danish/English name, any case.

    >>> parse_outcome("Ikke hjemme"), parse_outcome("letter_left")
    ('not_home', 'letter_left')
    """
    return OUTCOME_CODES.parse(value)


# -------------------------------------------------------------- partner kinds, channels

PARTNER_KIND_CODES: CodeList[Code] = CodeList("partner kind", (
    Code("housing_association", "boligselskab", "housing association",
         ("boligorganisation", "boligforening", "almen boligorganisation")),
    Code("estate", "afdeling", "estate (housing department)", ("boligafdeling", "afd")),
    Code("private_landlord", "privat udlejer", "private landlord",
         ("udlejer", "landlord", "ejendomsadministration")),
    Code("caretaker", "vicevært", "caretaker", ("ejendomsfunktionær", "varmemester")),
    Code("housing_social_worker", "boligsocial medarbejder", "housing-social staff",
         ("boligsocial", "boligsocialt team", "housing social worker")),
    Code("home_care", "hjemmeplejedistrikt", "home care district", ("hjemmepleje", "hjemmeplejen", "home care")),
    Code("gp_clinic", "lægepraksis", "GP clinic", ("læge", "praktiserende læge", "gp")),
    Code("local_police", "lokalpoliti", "local police", ("politi", "police")),
    Code("debt_advice", "gældsrådgivning", "debt advice", ("gældsrådgiver", "debt counselling")),
    Code("utility", "forsyning", "utility", ("forsyningsselskab", "vandværk", "elselskab")),
    Code("association", "forening", "association", ("frivillig forening", "ngo")),
    Code("court", "fogedret", "bailiff's court", ("fogedretten", "bailiff")),
    Code("other", "anden samarbejdspartner", "other partner", ("andet", "anden")),
))
PARTNER_KINDS: tuple[Code, ...] = PARTNER_KIND_CODES.codes
PARTNER_KIND_BY_ID: dict[str, Code] = PARTNER_KIND_CODES.by_id


def parse_partner_kind(value: object) -> str | None:
    """The partner kind id for an id, Danish or English name (any case); ``None`` when unknown.

    >>> parse_partner_kind("Vicevært"), parse_partner_kind("GP clinic"), parse_partner_kind("x")
    ('caretaker', 'gp_clinic', None)
    """
    return PARTNER_KIND_CODES.find(value)


CHANNEL_CODES: CodeList[Code] = CodeList("contact channel", (
    Code("meeting", "møde", "meeting", ("møder",)),
    Code("phone", "telefon", "phone", ("telefonopkald",)),
    Code("email", "e-mail", "e-mail", ("mail",)),
    Code("presentation", "oplæg", "presentation", ("praesentation",)),
    Code("material", "informationsmateriale", "information material", ("materiale",)),
))
CHANNELS: dict[str, dict[str, str]] = {c.id: {"da": c.name_da, "en": c.name_en} for c in CHANNEL_CODES}


def parse_channel(value: object) -> str:
    """The channel id (``meeting, phone, email, presentation, material``) for a name.

    >>> parse_channel("Møde"), parse_channel("e-mail")
    ('meeting', 'email')
    """
    return CHANNEL_CODES.parse(value)


# ------------------------------------------------------------ restrictions (GDPR art. 18)

RESTRICTION_CODES: CodeList[Code] = CodeList("restriction reason", (
    Code("declined", "borgeren har sagt nej", "the citizen said no", ("nej", "afvist")),
    Code("objection", "borgeren har gjort indsigelse", "the citizen objected", ("indsigelse",)),
    Code("inaccurate", "oplysningerne bestrides", "the data are contested", ("bestridt",)),
    Code("other", "andet", "other", ("andet",)),
))

# ------------------------------------------------------ phase 2: courses (issue 16)

STAGE_CODES: CodeList[Code] = CodeList("course stage", (
    Code("contact", "kontaktskabelse", "contact", ("kontakt",)),
    Code("relationship", "relationsarbejde", "relationship work", ("relation", "relationship")),
    Code("bridging", "brobygning", "bridging"),
    Code("handed_over", "overdraget", "handed over", ("overdragelse", "handover")),
    Code("closed", "afsluttet", "closed", ("lukket",)),
))
TARGET_CODES: CodeList[Code] = CodeList("handover target", (
    Code("s99", "støtte- og kontaktperson (§ 99)", "support and contact person (§ 99)", ("99", "§99", "skp")),
    Code("s85", "bostøtte (§ 85)", "home support (§ 85)", ("85", "§85", "bostøtte")),
    Code("cti", "CTI (kritisk tidsindsats)", "CTI (critical time intervention)"),
    Code("icm", "ICM (intensiv casemanagement)", "ICM (intensive case management)"),
    Code("act", "ACT/M-ACT-team", "ACT/M-ACT team", ("m-act",)),
    Code("psychiatry", "psykiatrien", "psychiatry", ("psykiatri",)),
    Code("gp", "egen læge", "GP", ("læge", "praktiserende læge")),
    Code("other", "anden varig støtte", "other lasting support", ("andet",)),
))
CLOSE_REASON_CODES: CodeList[Code] = CodeList("close reason", (
    Code("declined", "borgeren sagde nej", "the citizen declined", ("afvist", "nej")),
    Code("moved", "flyttet", "moved", ("fraflyttet",)),
    Code("not_target_group", "ikke i målgruppen", "not in the target group"),
    Code("other", "andet", "other", ("anden",)),
))
MEETING_KIND_CODES: CodeList[Code] = CodeList("meeting kind", (
    Code("home_visit", "hjemmebesøg", "home visit", ("besøg",)),
    Code("phone", "telefon", "phone", ("opkald",)),
    Code("accompaniment", "ledsagelse", "accompaniment", ("følge",)),
))


ASSESSMENT_NAMES_DA = {"new": "ikke vurderet endnu", "in_target_group": "i målgruppen",
                       "not_in_target_group": "ikke i målgruppen", "unclear": "uafklaret"}


# ------------------------------------------------------------------------ area layers


@dataclass(frozen=True)
class AreaKind(Code):
    """A kind of area: a stored layer (``parishes``, ``grid250`` …), a saved focus area or an
    area drawn on the map. ``name`` is the layer as a whole (*Sogne*), ``one`` one area of
    it (*sogn*)."""

    one_da: str = ""
    one_en: str = ""

    def one(self, lang: str = "da") -> str:
        return self.one_da if lang == "da" else self.one_en


AREA_KINDS: CodeList[AreaKind] = CodeList("area layer", (
    AreaKind("parishes", "Sogne", "Parishes", (), "sogn", "parish"),
    AreaKind("grid100", "100 m-felter", "100 m cells", (), "100 m-felt", "100 m cell"),
    AreaKind("grid250", "250 m-felter", "250 m cells", (), "250 m-felt", "250 m cell"),
    AreaKind("grid1km", "1 km-felter", "1 km cells", (), "1 km-felt", "1 km cell"),
    AreaKind("focus", "Fokusområder", "Focus areas", (), "fokusområde", "focus area"),
    AreaKind("drawn", "Tegnede områder", "Drawn areas", (), "tegnet område", "drawn area"),
))
LAYER_NAMES: dict[str, AreaKind] = AREA_KINDS.by_id
"""Area layers as people say them: the one home of these words (the app's layer pickers,
plan and area labels, walk lists)."""

_LAYER_LABEL = re.compile(r"^(?P<name>.*?)\s*\((?P<layer>[A-Za-z0-9_.-]+):[^():]*\)\s*$")
_DRAWN_DEFAULT = "drawn area"  # the repository's name for a drawn area given none


def area_words(label: object, lang: str = "da") -> str:
    """A stored area label (a route plan's area) as people say it: the name and, for an area
    of a layer, what kind of area it is, never the layer's or the area's id.

    A stored layer the app has no words for keeps its own name (chosen by whoever imported
    it); a focus area's or a drawn area's name stays as it is.

    >>> area_words("Tranebjerg (parishes:7240)"), area_words("Tranebjerg (parishes:7240)", "en")
    ('Tranebjerg (sogn)', 'Tranebjerg (parish)')
    >>> area_words("Langgade (grid250:250m_622375_57550)"), area_words("drawn:Havnen")
    ('Langgade (250 m-felt)', 'Havnen (tegnet område)')
    >>> area_words("Nordby centrum"), area_words("drawn area"), area_words("Vest (skoler:12)")
    ('Nordby centrum', 'tegnet område', 'Vest (skoler)')
    """
    text = str(label or "").strip()
    if text.startswith("drawn:"):
        name = text.split(":", 1)[1].strip()
        return f"{name} ({LAYER_NAMES['drawn'].one(lang)})" if name else LAYER_NAMES["drawn"].one(lang)
    if text == _DRAWN_DEFAULT:
        return LAYER_NAMES["drawn"].one(lang)
    m = _LAYER_LABEL.match(text)
    if m is None:
        return text
    kind = LAYER_NAMES.get(m["layer"])
    word = kind.one(lang) if kind else m["layer"]
    return f"{m['name']} ({word})" if m["name"] else word


def layer_name(layer: object, lang: str = "da") -> str:
    """An area layer as a whole, as people say it: ``parishes`` → *Sogne*, ``grid250`` →
    *250 m-felter*; a layer the app has no words for keeps its own name.

    >>> layer_name("grid1km"), layer_name("parishes", "en"), layer_name("skoledistrikter")
    ('1 km-felter', 'Parishes', 'skoledistrikter')
    """
    kind = LAYER_NAMES.get(str(layer))
    return kind.name(lang) if kind else str(layer)

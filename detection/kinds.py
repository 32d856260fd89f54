"""Signal kinds as data: id, Danish and English names, default weight and half-life.

The four kinds the method is about come first; the list is the default configuration
(conventions.md). Input values are matched on either name or the id, any case, and on
the short forms partners write (``Udlejer``, ``Boligselskab``, ``Vicevært``).
"""

from __future__ import annotations

from dataclasses import dataclass

from detection.errors import InputError


@dataclass(frozen=True)
class SignalKind:
    """One kind of partner report."""

    id: str
    name_da: str
    name_en: str
    weight: float
    half_life_days: int
    symbol: str
    colour: str
    aliases: tuple[str, ...] = ()

    def name(self, lang: str = "da") -> str:
        return self.name_da if lang == "da" else self.name_en


# Colours from the Okabe–Ito palette (distinguishable with colour-vision deficiency);
# every kind also has its own letter symbol, so colour is never the only cue.
KINDS: tuple[SignalKind, ...] = (
    SignalKind("landlord_report", "udlejerhenvendelse", "landlord report", 1.0, 180, "U",
               "#0072B2", ("udlejer", "udlejerhenvendelse", "landlord")),
    SignalKind("neighbour_complaint", "naboklage", "neighbour complaint", 0.8, 120, "N",
               "#D55E00", ("nabo", "naboklage", "neighbour", "neighbor complaint")),
    SignalKind("eviction_risk", "udsættelsestruet", "eviction risk", 1.5, 180, "S",
               "#CC79A7", ("udsættelse", "udsættelsestruet", "eviction", "fogedsag")),
    SignalKind("housing_association_contact", "henvendelse fra boligselskab",
               "housing-association contact", 1.2, 180, "B", "#009E73",
               ("boligselskab", "boligforening", "boligorganisation", "housing association")),
    SignalKind("caretaker_concern", "bekymring fra vicevært", "caretaker concern", 1.0, 180, "V",
               "#E69F00", ("vicevært", "ejendomsfunktionær", "caretaker")),
    SignalKind("home_care_concern", "bekymring fra hjemmeplejen", "home-care concern", 1.0, 180,
               "H", "#56B4E9", ("hjemmepleje", "hjemmeplejen", "home care")),
    SignalKind("other", "andet", "other", 0.5, 120, "A", "#666666", ("andet", "other")),
)

KIND_BY_ID: dict[str, SignalKind] = {k.id: k for k in KINDS}
CORE_KINDS: tuple[str, ...] = (
    "landlord_report", "neighbour_complaint", "eviction_risk", "housing_association_contact",
)

_LOOKUP: dict[str, str] = {}
for _k in KINDS:
    for _v in (_k.id, _k.name_da, _k.name_en, *_k.aliases):
        _LOOKUP[_v.casefold().replace("_", " ").strip()] = _k.id


def parse_kind(value: object) -> str:
    """The kind id for an input value in Danish or English, any case.

    >>> parse_kind("Udsættelsestruet"), parse_kind("NABOKLAGE"), parse_kind("landlord_report")
    ('eviction_risk', 'neighbour_complaint', 'landlord_report')
    """
    key = str(value or "").casefold().replace("_", " ").strip()
    if key in _LOOKUP:
        return _LOOKUP[key]
    names = ", ".join(k.name_da for k in KINDS)
    raise InputError(f"kind {value!r} is not known; use one of: {names} (or the English names)")

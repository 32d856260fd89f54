"""Offline address matching of partner reports against the workspace's register.

Nothing leaves the machine: a report's address is matched against the entrances
(adgangsadresser) and units (enhedsadresser) stored in the workspace.

Steps (:meth:`AddressIndex.match`):

1. **Parse** the free text (:func:`parse_address`) into street, house number, floor, door,
   postcode and town — ``"Agerup 2, 1. tv, 8305 Samsø"``, ``"agerup 2 st th"``,
   ``"Agerup 02B 8305"``. Floor and door may also come in their own columns.
2. **Normalise** every part with the one normalisation of :mod:`geo.addresses`
   (case, whitespace, punctuation, ``st.``/``kl.``, ``tv``/``th``/``mf``, leading zeros,
   house-number letters).
3. **Exact**: street + number (+ postcode when given) equal after normalisation.
4. **Fuzzy** (rapidfuzz ``fuzz.ratio`` on the normalised street name, among the streets
   that have the house number): the best score decides the quality.

Match quality (in the spirit of the address-washing service's A/B/C categories):

``exact``
    street, number and (when given) postcode equal after normalisation; floor/door, when
    given, found as a unit (or the entrance has no units in the register).
``corrected``
    a unique candidate after a small correction: street score ≥ :data:`CORRECTED_SCORE`
    (90), a wrong or missing-letter house number (``12B`` → ``12``), a postcode that
    differs from the register's, or a floor/door not found among the entrance's units
    (the report is then kept at the entrance).
``uncertain``
    street score ≥ :data:`UNCERTAIN_SCORE` (75) and < 90: imported, flagged for review.

Below 75 the report is not matched (``address_not_found``). More than one candidate
with the best score (the same street and number in two towns, ``12`` when only ``12A``
and ``12B`` exist) is ``address_ambiguous``. A postcode that no entrance of the
workspace has, with no match, is ``outside_municipality``.

A report may instead carry the DAR entrance id (adgangsadresse-id) or unit id
(adresse-id): a known id is an exact match. Coordinates match the nearest entrance:
≤ 15 m exact, ≤ 50 m corrected, ≤ 150 m uncertain, farther ``address_not_found``;
outside the municipality boundary ``outside_municipality``; outside Denmark
``bad_coordinates``.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from typing import NamedTuple

import pandas as pd
import shapely

from geo.addresses import (
    fold_text,
    normalise_door,
    normalise_floor,
    normalise_house_number,
    normalise_postcode,
    normalise_street,
)
from geo.crs import in_denmark

#: fuzzy street score (0–100, rapidfuzz ``fuzz.ratio``) from which a match is ``corrected``
CORRECTED_SCORE = 90.0
#: fuzzy street score from which a match is imported as ``uncertain``; below: not found
UNCERTAIN_SCORE = 75.0
#: distances (m) from a report's coordinates to the nearest entrance, per quality
POINT_EXACT_M, POINT_CORRECTED_M, POINT_UNCERTAIN_M = 15.0, 50.0, 150.0

QUALITIES = ("exact", "corrected", "uncertain")


class ParsedAddress(NamedTuple):
    """An address split into its parts (raw text of each part, not yet normalised)."""

    street: str = ""
    house_number: str = ""
    floor: str = ""
    door: str = ""
    postcode: str = ""
    city: str = ""


class Match(NamedTuple):
    """The outcome of matching one report's address.

    ``reason`` is ``None`` for a match (then ``entrance_id`` and ``quality`` are set) or
    one of ``address_missing``, ``address_not_found``, ``address_ambiguous``,
    ``outside_municipality``, ``bad_coordinates``.
    """

    entrance_id: str | None = None
    unit_id: str | None = None
    quality: str | None = None
    score: float = 0.0
    reason: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None


_POST_TAIL = re.compile(r"(?:^|[\s,])(?:dk\s*-?\s*)?(\d{4})(?:\s+([^\d,]*?))?\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^(?P<street>.*?[^\W\d_].*?)[\s,]+(?P<num>\d{1,4}\s?[a-zæøå]?)(?![\wæøå])(?P<rest>.*)$",
                     re.IGNORECASE)
_UNIT_SPLIT = re.compile(r"[\s,.]+")
_PC4 = re.compile(r"\d{4}")
_LETTER_END = re.compile(r"[a-zæøå]$")
_UNIT_WORDS = {"sal", "etage", "dør", "doer", "lejl", "lejlighed", "nr", "no"}


def parse_address(text: object) -> ParsedAddress:
    """Split Danish free-text address into parts.

    >>> parse_address("Agerup 2, 1. tv, 8305 Samsø")
    ParsedAddress(street='Agerup', house_number='2', floor='1', door='tv', postcode='8305', city='Samsø')
    >>> parse_address("H.C. Andersens Boulevard 12B st. th")
    ParsedAddress(street='H.C. Andersens Boulevard', house_number='12B', floor='st', door='th', postcode='', city='')
    """
    s = " ".join(str(text or "").split()).strip(" ,")
    if not s:
        return ParsedAddress()
    m = _NUMBER.match(s)
    if not m:
        pm = _POST_TAIL.search(s)
        if pm and pm.start() > 0:
            return ParsedAddress(street=s[: pm.start()].strip(" ,"), postcode=pm.group(1),
                                 city=(pm.group(2) or "").strip(" ."))
        return ParsedAddress(street=s.strip(" ,"))
    street, num, rest = m.group("street").strip(" ,"), m.group("num").replace(" ", ""), m.group("rest")
    postcode = city = ""
    if rest:
        pm = _POST_TAIL.search(rest)
        if pm:
            postcode, city = pm.group(1), (pm.group(2) or "").strip(" .")
            rest = rest[: pm.start()]
    floor = door = ""
    if rest.strip(" ,."):
        tokens = [tok for tok in _UNIT_SPLIT.split(rest) if tok and fold_text(tok) not in _UNIT_WORDS]
        if tokens:
            first = fold_text(tokens[0])
            if normalise_floor(first) in ("st", "kl") or first.isdigit() or first in ("stuen", "kælder"):
                floor = tokens.pop(0)
            if tokens:
                door = " ".join(tokens)
    return ParsedAddress(street=street, house_number=num, floor=floor, door=door,
                         postcode=postcode, city=city)


def _is_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(str(value).strip()))
    except (ValueError, AttributeError):
        return None


class AddressIndex:
    """The workspace's register, indexed for matching (build once per import).

    Parameters
    ----------
    entrances : DataFrame
        ``entrance_id, street, house_number, postcode, x, y`` (EPSG:25832).
    units : DataFrame, optional
        ``unit_id, entrance_id, floor, door``.
    boundary : shapely geometry, optional
        The municipality boundary (EPSG:25832) for reports that carry coordinates.
    """

    def __init__(self, entrances: pd.DataFrame, units: pd.DataFrame | None = None,
                 boundary: object | None = None) -> None:
        ids = entrances["entrance_id"].astype(str).to_numpy()
        streets = [normalise_street(s) for s in entrances["street"]]
        numbers = [normalise_house_number(h) for h in entrances["house_number"]]
        posts = [normalise_postcode(p) for p in entrances["postcode"]]
        self._by_full: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self._by_street_no: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._numbers_by_street: dict[str, set[str]] = defaultdict(set)
        self._streets_by_post: dict[str, set[str]] = defaultdict(set)
        for eid, st, no, pc in zip(ids, streets, numbers, posts, strict=True):
            self._by_full[(st, no, pc)].append(eid)
            self._by_street_no[(st, no)].append(eid)
            self._numbers_by_street[st].add(no)
            self._streets_by_post[pc].add(st)
        self._all_streets = sorted(self._numbers_by_street)
        self._streets_post_list = {pc: sorted(v) for pc, v in self._streets_by_post.items()}
        self.postcodes = frozenset(p for p in posts if p)
        self.entrance_ids = frozenset(ids)
        self._xy = entrances[["x", "y"]].to_numpy(dtype=float)
        self._ids = ids
        self._tree = None
        self.units_by_entrance: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
        self.unit_entrance: dict[str, str] = {}
        if units is not None and len(units):
            for uid, eid, fl, dr in zip(units["unit_id"].astype(str), units["entrance_id"].astype(str),
                                        units["floor"], units["door"], strict=True):
                self.units_by_entrance[eid][(normalise_floor(fl), normalise_door(dr))] = uid
                self.unit_entrance[uid] = eid
        self.boundary = boundary
        self._prepared = None
        self._fuzzy_cache: dict[tuple[str, str, str], tuple] = {}
        self._street_memo: dict[str, str] = {}
        self._number_memo: dict[str, str] = {}

    # ---------------------------------------------------------------- public

    def match(self, address: object = "", *, floor: object = "", door: object = "",
              postcode: object = "", street: object = "", house_number: object = "",
              entrance_id: object = "", unit_id: object = "",
              x: float | None = None, y: float | None = None) -> Match:
        """Match one report to an entrance (and unit); see the module text for the rules."""
        uid = str(unit_id or "").strip()
        if uid:
            u = _is_uuid(uid)
            if u is None or u not in self.unit_entrance:
                return Match(reason="address_not_found",
                             message=f"unit id {uid!r} is not in the workspace's register")
            return Match(self.unit_entrance[u], u, "exact", 100.0)
        eid = str(entrance_id or "").strip()
        if eid:
            e = _is_uuid(eid)
            if e is None or e not in self.entrance_ids:
                return Match(reason="address_not_found",
                             message=f"entrance id {eid!r} is not in the workspace's register")
            return self._with_unit(Match(e, None, "exact", 100.0), floor, door)
        if str(street or "").strip():
            p = ParsedAddress(street=str(street), house_number=str(house_number or ""),
                              postcode=str(postcode or ""))
        elif str(address or "").strip():
            p = parse_address(address)
        elif x is not None and y is not None:
            return self.match_point(x, y)
        else:
            return Match(reason="address_missing", message="the report has no address")
        if floor or door or postcode:
            p = ParsedAddress(p.street, p.house_number, str(floor or "") or p.floor, str(door or "") or p.door,
                              str(postcode or "") or p.postcode, p.city)
        m = self._match_entrance(p)
        return self._with_unit(m, p.floor, p.door) if (p.floor or p.door) else m

    def match_point(self, x: float, y: float) -> Match:
        """The nearest entrance to a point (EPSG:25832 metres)."""
        if not in_denmark(x, y):
            return Match(reason="bad_coordinates",
                         message=f"coordinates {x}, {y} are not a place in Denmark (EPSG:25832)")
        if self.boundary is not None:
            if self._prepared is None:
                shapely.prepare(self.boundary)
                self._prepared = True
            if not shapely.contains_xy(self.boundary, x, y):
                return Match(reason="outside_municipality",
                             message=f"the point {x:.0f}, {y:.0f} lies outside the municipality")
        if self._tree is None:
            from scipy.spatial import cKDTree  # loaded on first use

            self._tree = cKDTree(self._xy)
        dist, i = self._tree.query([x, y])
        if dist <= POINT_EXACT_M:
            q = "exact"
        elif dist <= POINT_CORRECTED_M:
            q = "corrected"
        elif dist <= POINT_UNCERTAIN_M:
            q = "uncertain"
        else:
            return Match(reason="address_not_found",
                         message=f"no entrance within {POINT_UNCERTAIN_M:.0f} m of the point "
                                 f"(nearest {dist:.0f} m)")
        return Match(str(self._ids[i]), None, q, float(max(0.0, 100.0 - dist)))

    # ---------------------------------------------------------------- internals

    def _with_unit(self, m: Match, floor: object, door: object) -> Match:
        if m.reason is not None or not (floor or door):
            return m
        fl, dr = normalise_floor(floor), normalise_door(door)
        if not (fl or dr):
            return m
        units = self.units_by_entrance.get(m.entrance_id)
        if not units:
            return m  # the register knows no units here: the report stays at the entrance
        uid = units.get((fl, dr))
        if uid is None and fl and not dr:
            only = [u for (f, _d), u in units.items() if f == fl]
            uid = only[0] if len(only) == 1 else None
        if uid is not None:
            return Match(m.entrance_id, uid, m.quality, m.score)
        quality = "corrected" if m.quality == "exact" else m.quality
        return Match(m.entrance_id, None, quality, m.score,
                     message=f"floor/door {fl} {dr} not found at the entrance; kept at the entrance")

    def _match_entrance(self, p: ParsedAddress) -> Match:
        st = self._street_memo.get(p.street)
        if st is None:
            st = self._street_memo[p.street] = normalise_street(p.street)
        no = self._number_memo.get(p.house_number)
        if no is None:
            no = self._number_memo[p.house_number] = normalise_house_number(p.house_number)
        pc = normalise_postcode(p.postcode) if p.postcode else ""
        if pc and not _PC4.fullmatch(pc):
            pc = ""
        if not st:
            return Match(reason="address_missing", message="the address has no street name")
        if not no:
            return Match(reason="address_not_found", message=f"{p.street!r} has no house number")
        if pc:
            hit = self._by_full.get((st, no, pc))
            if hit:
                return self._one(hit, "exact", 100.0, p)
        hit = self._by_street_no.get((st, no))
        if hit:
            if pc and pc not in self.postcodes:
                return self._outside(p, pc)
            return self._one(hit, "corrected" if pc else "exact", 100.0, p)
        if pc and pc not in self.postcodes:
            return self._outside(p, pc)
        # house number with a letter the register lacks (12B → 12)
        bare = _LETTER_END.sub("", no)
        if bare != no and (st, bare) in self._by_street_no:
            return self._one(self._by_street_no[(st, bare)], "corrected", 95.0, p)
        # a bare number where the register has only lettered ones (12 → 12A, 12B)
        if st in self._numbers_by_street:
            lettered = [n for n in self._numbers_by_street[st] if re.fullmatch(re.escape(no) + r"[a-zæøå]", n)]
            if len(lettered) > 1:
                return Match(reason="address_ambiguous",
                             message=f"{p.street} {p.house_number} matches {len(lettered)} entrances "
                                     f"({', '.join(sorted(lettered))}); give the letter")
            if len(lettered) == 1:
                return self._one(self._by_street_no[(st, lettered[0])], "corrected", 95.0, p)
        return self._fuzzy(st, no, pc, p)

    def _fuzzy(self, st: str, no: str, pc: str, p: ParsedAddress) -> Match:
        key = (st, no, pc)
        cached = self._fuzzy_cache.get(key)
        if cached is None:
            pool = self._streets_post_list.get(pc) if pc else None
            choices = pool if pool else self._all_streets
            from rapidfuzz import fuzz, process  # loaded on first use

            found = process.extract(st, choices, scorer=fuzz.ratio, limit=8, score_cutoff=UNCERTAIN_SCORE)
            cands = [(name, score) for name, score, _ in found if no in self._numbers_by_street[name]]
            cached = tuple(cands)
            self._fuzzy_cache[key] = cached
        if not cached:
            return Match(reason="address_not_found",
                         message=f"{_human(p)} is not in the register (no street within a fuzzy score "
                                 f"of {UNCERTAIN_SCORE:.0f} has number {p.house_number})")
        best = max(s for _, s in cached)
        top = [name for name, s in cached if s >= best - 0.5]
        ids: list[str] = []
        for name in top:
            ids += self._by_full.get((name, no, pc), []) if pc else self._by_street_no[(name, no)]
        if not ids:  # postcode given but the candidate street has the number elsewhere
            for name in top:
                ids += self._by_street_no[(name, no)]
        quality = "corrected" if best >= CORRECTED_SCORE else "uncertain"
        return self._one(ids, quality, float(best), p)

    def _one(self, ids: list[str], quality: str, score: float, p: ParsedAddress) -> Match:
        if len(ids) == 1:
            return Match(ids[0], None, quality, score)
        uniq = sorted(set(ids))
        if len(uniq) > 1:
            return Match(reason="address_ambiguous",
                         message=f"{_human(p)} matches {len(uniq)} entrances; add the postcode or the DAR id")
        return Match(uniq[0], None, quality, score)

    def _outside(self, p: ParsedAddress, pc: str) -> Match:
        return Match(reason="outside_municipality",
                     message=f"{_human(p)}: postcode {pc} is not in the workspace's municipality")


def _human(p: ParsedAddress) -> str:
    return " ".join(x for x in (p.street, p.house_number) if x) + (f", {p.postcode}" if p.postcode else "")

"""Method fidelity (*metodefasthed*, issue 16): the eight core elements of *Isolerede
sindslidende i egen bolig*, each with an indicator computed from the workspace's data, its
threshold (a workspace setting) and a status in words and a symbol.

The evaluation found that the effort works when all core elements are done. The
indicators (``value`` a share 0–1, or for ``contact`` the contacts as a share of the goal):

============== ============================================================ ==============
id             indicator                                                    threshold
============== ============================================================ ==============
framing        the period is framed: target group, team, shift and goals    all four
mapping        the planner's model saved and focus areas saved in the       both
               period
communication  share of active partners contacted in the last 3 months     ``fidelity_partners_pct``
indirect       share of the period's reports assessed within 14 days        ``fidelity_assessed_pct``
direct         share of the focus areas' doors knocked in the period        ``fidelity_doors_pct``
contact        contacts (courses started) against the period's goal         ``fidelity_contacts_pct``
relationship   share of the period's courses with at least 3 meetings       ``fidelity_meetings_pct``
handover       share handed over among the courses ended in the period      ``fidelity_handover_pct``
============== ============================================================ ==============

Status: ``met`` at or above the threshold; ``partly`` at or above half of it (for
``framing`` and ``mapping``: some of the parts); ``not_met`` below, or when there is
nothing to measure (``value`` ``None``, and ``why`` says what is missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ELEMENTS: tuple[str, ...] = ("framing", "mapping", "communication", "indirect", "direct", "contact",
                             "relationship", "handover")

#: element id → (Danish name, English name): the core elements as method.md names them
NAMES: dict[str, tuple[str, str]] = {
    "framing": ("Rammesætning", "Framing"),
    "mapping": ("Geografisk afdækning", "Geographic mapping"),
    "communication": ("Kommunikationsstrategi", "Communication strategy"),
    "indirect": ("Indirekte opsporing", "Indirect detection"),
    "direct": ("Direkte opsporing", "Direct detection"),
    "contact": ("Kontaktskabelse", "Contact"),
    "relationship": ("Relationsarbejde", "Relationship work"),
    "handover": ("Brobygning og overdragelse", "Bridging and handover"),
}

#: the workspace settings of the thresholds (percent) and their defaults
THRESHOLD_SETTINGS: dict[str, tuple[str, int]] = {
    "communication": ("fidelity_partners_pct", 80),
    "indirect": ("fidelity_assessed_pct", 90),
    "direct": ("fidelity_doors_pct", 80),
    "contact": ("fidelity_contacts_pct", 100),
    "relationship": ("fidelity_meetings_pct", 50),
    "handover": ("fidelity_handover_pct", 50),
}
#: days within which a report counts as assessed in time; meetings a course needs
ASSESS_DAYS = 14
MIN_MEETINGS = 3
#: a partner counts as contacted in time with a contact within this many months
CONTACT_MONTHS = 3

Status = Literal["met", "partly", "not_met"]
SYMBOLS: dict[str, str] = {"met": "✓", "partly": "◐", "not_met": "✗"}


@dataclass(frozen=True)
class Counts:
    """What the indicators are computed from (the repository counts it for one period).

    ``framing_parts`` / ``mapping_parts``: which parts are in place (names of the parts);
    the rest are numerator / denominator pairs.
    """

    framing_parts: tuple[str, ...] = ()
    mapping_parts: tuple[str, ...] = ()
    partners_contacted: int = 0
    partners_active: int = 0
    reports_in_time: int = 0
    reports_due: int = 0
    doors_knocked: int = 0
    focus_doors: int = 0
    contacts: int = 0
    contacts_goal: int | None = None
    courses_with_meetings: int = 0
    courses: int = 0
    handed_over: int = 0
    ended: int = 0


FRAMING_PARTS: tuple[str, ...] = ("target_group", "team", "shift", "goals")
MAPPING_PARTS: tuple[str, ...] = ("model", "focus_areas")


def _status(value: float | None, threshold: float) -> Status:
    if value is None:
        return "not_met"
    if value >= threshold - 1e-12:
        return "met"
    if value >= threshold / 2 - 1e-12:
        return "partly"
    return "not_met"


def _share(num: int, den: int) -> float | None:
    return None if den <= 0 else num / den


def elements(counts: Counts, *, thresholds: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """The eight core elements in order: ``{"id", "name", "name_en", "status", "symbol",
    "value", "threshold", "numerator", "denominator", "why"}``. ``thresholds`` maps an
    element id to a share (0–1; default from :data:`THRESHOLD_SETTINGS`); ``why`` is a
    code for what is missing when ``value`` is ``None`` (``no_partners``, ``no_reports``,
    ``no_focus_doors``, ``no_goal``, ``no_courses``, ``none_ended``), else ``None``.

    >>> [e["status"] for e in elements(Counts(framing_parts=FRAMING_PARTS, partners_contacted=4, partners_active=5,
    ...                                       contacts=3, contacts_goal=10))][:6]
    ['met', 'not_met', 'met', 'not_met', 'not_met', 'not_met']
    """
    th = {k: v / 100 for k, (_, v) in THRESHOLD_SETTINGS.items()}
    th.update(thresholds or {})
    c = counts
    rows: list[tuple[str, int | float | None, int | None, float, str | None, str | None]] = []
    f = len(set(c.framing_parts) & set(FRAMING_PARTS))
    rows.append(("framing", f, len(FRAMING_PARTS), 1.0, None, None))
    m = len(set(c.mapping_parts) & set(MAPPING_PARTS))
    rows.append(("mapping", m, len(MAPPING_PARTS), 1.0, None, None))
    rows.append(("communication", c.partners_contacted, c.partners_active, th["communication"], None, "no_partners"))
    rows.append(("indirect", c.reports_in_time, c.reports_due, th["indirect"], None, "no_reports"))
    rows.append(("direct", c.doors_knocked, c.focus_doors, th["direct"], None, "no_focus_doors"))
    rows.append(("contact", c.contacts, c.contacts_goal, th["contact"], None, "no_goal"))
    rows.append(("relationship", c.courses_with_meetings, c.courses, th["relationship"], None, "no_courses"))
    rows.append(("handover", c.handed_over, c.ended, th["handover"], None, "none_ended"))
    out = []
    for eid, num, den, threshold, _, missing in rows:
        value = _share(int(num or 0), int(den or 0)) if den is not None else None
        if eid in ("framing", "mapping"):
            status: Status = "met" if num == den else "partly" if num else "not_met"
        else:
            status = _status(value, threshold)
        out.append({"id": eid, "name": NAMES[eid][0], "name_en": NAMES[eid][1], "status": status,
                    "symbol": SYMBOLS[status], "value": None if value is None else round(value, 4),
                    "threshold": round(threshold, 4), "numerator": num, "denominator": den,
                    "why": missing if value is None else None})
    return out

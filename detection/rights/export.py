"""An access request's answer (indsigt, GDPR art. 15) as a citizen reads it: Danish, plain
words, no staff names, no other address.

:func:`subject_text` turns what the repository gathered about one address
(:meth:`detection.repository.rights.RightsOps.subject_export`) into a text document.
"""

from __future__ import annotations

from pathlib import Path

from detection.files import write_private
from detection.vocab import (
    ASSESSMENT_NAMES_DA,
    CLOSE_REASON_CODES,
    KIND_BY_ID,
    MEETING_KIND_CODES,
    OUTCOME_BY_ID,
    RESTRICTION_CODES,
    STAGE_CODES,
    TARGET_CODES,
)

_TASKS_DA = {"visit": "besøg", "revisit": "nyt besøg", "letter": "brev"}
_ACTIONS_DA = {
    "signals.read": "henvendelser blev læst", "signals.import": "en henvendelse blev registreret",
    "signals.assess": "en henvendelse blev vurderet", "outcomes.write": "et besøg blev registreret",
    "outcomes.import": "besøg blev registreret", "routes.plan": "adressen kom med i en ruteplan",
    "assignments.write": "adressen blev fordelt til medarbejdere", "audit.export": "der blev givet indsigt",
    "subject.export": "der blev givet indsigt", "subject.correct": "oplysninger blev rettet",
    "subject.restrict": "behandlingen blev begrænset", "retention.purge": "gamle oplysninger blev slettet",
}


def _date(value: object) -> str:
    s = str(value or "")[:10]
    return f"{s[8:10]}.{s[5:7]}.{s[0:4]}" if len(s) == 10 and s[4] == "-" else s


def subject_text(data: dict) -> str:
    """The document for one address (Danish)."""
    lines = ["Indsigt: oplysninger om én adresse i Opspor", "=" * 44, "",
             f"Adresse: {data['address']}", f"Opgjort: {_date(data['made_at'])}", "",
             "Opspor bruges af kommunens opsøgende team. Her er alt, hvad systemet har om adressen og "
             "dens boliger. Medarbejdernes navne står ikke her; andre adresser står ikke her.", ""]
    if data.get("restriction"):
        r = data["restriction"]
        lines += [f"Behandlingen er begrænset siden {_date(r['created_at'])}: "
                  f"{RESTRICTION_CODES.name(r['reason'], 'da')}. Adressen planlægges og vises ikke.", ""]
    lines += ["Henvendelser om adressen", "-" * 24]
    if not data["signals"]:
        lines.append("Ingen.")
    for s in data["signals"]:
        kind = KIND_BY_ID[s["kind"]].name("da") if s["kind"] in KIND_BY_ID else s["kind"]
        unit = f", bolig {s['unit']}" if s.get("unit") else ""
        lines.append(f"- {_date(s['received'])}: {kind}{unit}, fra {s['source'] or 'ukendt kilde'}. "
                     f"Vurdering: {ASSESSMENT_NAMES_DA.get(s['assessment'], s['assessment'])}.")
        if s.get("note"):
            lines.append(f"  Bemærkning: {s['note']}")
    lines += ["", "Besøg ved døren", "-" * 15]
    if not data["outcomes"]:
        lines.append("Ingen.")
    for o in data["outcomes"]:
        what = OUTCOME_BY_ID[o["outcome"]].name("da") if o["outcome"] in OUTCOME_BY_ID else o["outcome"]
        unit = f", bolig {o['unit']}" if o.get("unit") else ""
        lines.append(f"- {_date(o['visited_at'])}: {what}{unit}.")
        if o.get("note"):
            lines.append(f"  Bemærkning: {o['note']}")
    lines += ["", "Ruteplaner, som adressen var med i", "-" * 34]
    if not data["routes"]:
        lines.append("Ingen.")
    for r in data["routes"]:
        lines.append(f"- {_date(r['day'])}: {_TASKS_DA.get(r['task'], r['task'])}.")
    if data.get("decisions"):
        lines += ["", "Beslutninger om adressen", "-" * 24]
        for d in data["decisions"]:
            lines.append(f"- {_date(d['decided_at'])}: adressen må besøges igen."
                         + (f" Bemærkning: {d['note']}" if d.get("note") else ""))
    if data.get("courses"):
        lines += ["", "Forløb med det opsøgende team", "-" * 29]
        for c in data["courses"]:
            unit = f", bolig {c['unit']}" if c.get("unit") else ""
            line = f"- Startet {_date(c['started_on'])}{unit}. Nu: {STAGE_CODES.by_id[c['stage']].name('da')}"
            if c.get("target"):
                line += f", overdraget til {TARGET_CODES.by_id[c['target']].name('da')} {_date(c['handed_over_on'])}"
            if c.get("close_reason"):
                line += f", afsluttet {_date(c['closed_on'])}: {CLOSE_REASON_CODES.by_id[c['close_reason']].name('da')}"
            lines.append(line + ".")
            if c.get("note"):
                lines.append(f"  Bemærkning: {c['note']}")
            if c.get("case_ref"):
                lines.append(f"  Sagsnummer i kommunens sagssystem: {c['case_ref']}")
            for m in c.get("meetings", []):
                lines.append(f"  Møde {_date(m['met_on'])}: {MEETING_KIND_CODES.by_id[m['kind']].name('da')}, "
                             f"{m['minutes']} minutter.")
    lines += ["", "Hvornår oplysningerne blev brugt, og hvorfor", "-" * 44]
    if not data["uses"]:
        lines.append("Ingen registreret brug.")
    for u in data["uses"]:
        lines.append(f"- {_date(u['at'])}: {_ACTIONS_DA.get(u['action'], 'oplysningerne blev brugt')}.")
    lines += ["", "Du kan bede kommunen rette eller slette oplysningerne, eller begrænse brugen af dem.", ""]
    return "\n".join(lines)


def write_subject_text(data: dict, path: str | Path) -> Path:
    """Write :func:`subject_text` as UTF-8 (mode 0600: it holds personal data)."""
    return write_private(path, subject_text(data).encode("utf-8"))

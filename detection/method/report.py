"""The management report (issue 16): the period's figures for a manager (*leder*) or a politician.

One report, two files: a PDF to read (:func:`report_pdf`) and a workbook to reuse the figures
(:func:`report_xlsx`); :func:`write_report` writes either, private (0600). Five sections:

1. *Resumé*: citizens reached, cost per citizen, how many core elements are met, in words;
2. *Tragten*: the funnel stage × channel, a bar chart of the totals (each bar labelled with its
   number), the rate from stage to stage and the median days;
3. *Metodefasthed*: the eight core elements, each with its status in words and a drawn
   symbol, its value in percent and its threshold (or why there is no value);
4. *Økonomi*: the cost, the citizens reached, the cost per citizen and the three scenarios
   (lav, mellem, høj) with added and prevented costs and the net cost (a negative net cost
   is a net gain); welfare gains are not counted, as in the method's evaluation;
5. *Områder*: a map of the areas (EPSG:25832 metres) shaded in four classes of a count, each
   area labelled with its name and count, and the funnel per area.

Safe to hand on: the figures come in already disclosure-protected as the repository returns
them to an analyst (counts are multiples of 5 or ``"<5"``), and the report never receives an
entrance, an address or a person: only counts, shares, money and area outlines.

The PDF uses fpdf2's core fonts, which are Latin-1 (æ, ø, å are in it): other characters are
replaced (``–`` → ``-``, ``≥`` → words), and the status symbols are drawn, not written.

Pure: no store, no streamlit. The figures come in a :class:`ReportData`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from detection.errors import InputError
from detection.files import write_private
from detection.method.economics import SCENARIO_NAMES
from detection.method.fidelity import NAMES
from detection.tabular import danish_number, neutralise
from detection.vocab import area_words

Lang = Literal["da", "en"]
MapMeasure = Literal["contacts", "reports"]

STAGES = ("reports", "in_target_group", "doors_knocked", "contacts", "relationships", "handovers")
CHANNELS = ("report", "door", "both")
SCENARIOS = ("lav", "mellem", "hoej")
SMALL = "<5"

#: the words of the report, Danish and English
WORDS: dict[str, dict[str, str]] = {
    "title": {"da": "Ledelsesrapport", "en": "Management report"},
    "synthetic": {"da": "Demo: opdigtede data", "en": "Demo: made-up data"},
    "page": {"da": "Side {n} af {m}", "en": "Page {n} of {m}"},
    "made_on": {"da": "Udarbejdet {d}", "en": "Made on {d}"},
    "period": {"da": "Periode", "en": "Period"},
    "workspace": {"da": "Arbejdsområde", "en": "Workspace"},
    # sections
    "s_summary": {"da": "1. Resumé", "en": "1. Summary"},
    "s_funnel": {"da": "2. Tragten: fra henvendelse og dørbank til overdragelse",
                 "en": "2. The funnel: from reports and knocks to handover"},
    "s_fidelity": {"da": "3. Metodefasthed: metodens otte kerneelementer",
                   "en": "3. Method fidelity: the method's eight core elements"},
    "s_economics": {"da": "4. Økonomi", "en": "4. Economics"},
    "s_map": {"da": "5. Områder", "en": "5. Areas"},
    "sheet_summary": {"da": "Resumé", "en": "Summary"},
    "sheet_funnel": {"da": "Tragt", "en": "Funnel"},
    "sheet_fidelity": {"da": "Metodefasthed", "en": "Method fidelity"},
    "sheet_economics": {"da": "Økonomi", "en": "Economics"},
    "sheet_areas": {"da": "Områder", "en": "Areas"},
    # stages and channels
    "reports": {"da": "Henvendelser", "en": "Reports"},
    "in_target_group": {"da": "Vurderet i målgruppen", "en": "Assessed in the target group"},
    "doors_knocked": {"da": "Døre banket på", "en": "Doors knocked"},
    "contacts": {"da": "Kontakter", "en": "Contacts"},
    "relationships": {"da": "Relationer", "en": "Relationships"},
    "handovers": {"da": "Overdragelser", "en": "Handovers"},
    "report": {"da": "Henvendelse fra samarbejdspartner", "en": "Report from a partner"},
    "door": {"da": "Dør til dør", "en": "Door to door"},
    "both": {"da": "Begge", "en": "Both"},
    "stage": {"da": "Trin", "en": "Stage"},
    "total": {"da": "I alt", "en": "Total"},
    "rate": {"da": "Andel af trinnet før", "en": "Share of the stage before"},
    "rate_note": {
        "da": "Andelen sammenligner et trin med trinnet før i samme periode; fra henvendelser til døre "
              "sammenlignes forskellige ting, så andelen kan være over 100 %. Kun kontakter, relationer og "
              "overdragelser følger de samme borgere.",
        "en": "The share compares a stage with the stage before in the same period; from reports to doors "
              "different things are compared, so a share can exceed 100%. Only contacts, relationships and "
              "handovers follow the same citizens.",
    },
    "chart": {"da": "Tragten i alt", "en": "The funnel in total"},
    "medians": {"da": "Tid mellem trinene (median)", "en": "Time between the stages (median)"},
    "report_to_contact": {"da": "Fra første henvendelse til kontakt", "en": "From the first report to contact"},
    "contact_to_handover": {"da": "Fra kontakt til overdragelse", "en": "From contact to handover"},
    "days": {"da": "dage", "en": "days"},
    "courses_n": {"da": "forløb", "en": "courses"},
    "median_small": {"da": "for få forløb til at vise", "en": "too few courses to show"},
    "median_none": {"da": "ingen forløb", "en": "no courses"},
    "median_days_col": {"da": "Median, dage", "en": "Median, days"},
    "median_n_col": {"da": "Antal forløb", "en": "Courses"},
    # fidelity
    "element": {"da": "Kerneelement", "en": "Core element"},
    "status": {"da": "Status", "en": "Status"},
    "symbol": {"da": "Symbol", "en": "Symbol"},
    "value": {"da": "Værdi", "en": "Value"},
    "threshold": {"da": "Tærskel", "en": "Threshold"},
    "basis": {"da": "Grundlag", "en": "Basis"},
    "numerator": {"da": "Tæller", "en": "Numerator"},
    "denominator": {"da": "Nævner", "en": "Denominator"},
    "remark": {"da": "Bemærkning", "en": "Remark"},
    "met": {"da": "opfyldt", "en": "met"},
    "partly": {"da": "delvist", "en": "partly met"},
    "not_met": {"da": "ikke opfyldt", "en": "not met"},
    "at_least": {"da": "mindst {p}", "en": "at least {p}"},
    "all_parts": {"da": "alle {n} dele", "en": "all {n} parts"},
    "of": {"da": "{a} af {b}", "en": "{a} of {b}"},
    "not_framed": {"da": "Perioden er ikke rammesat, så flere elementer kan ikke måles.",
                   "en": "The period is not framed, so several elements cannot be measured."},
    "no_elements": {"da": "Der er ingen kerneelementer at vise.", "en": "There are no core elements to show."},
    "legend_symbols": {
        "da": "Symbolerne: fyldt cirkel med flueben = opfyldt, halvt fyldt cirkel = delvist, "
              "tom cirkel med kryds = ikke opfyldt.",
        "en": "The symbols: a filled circle with a tick = met, a half-filled circle = partly met, "
              "an empty circle with a cross = not met.",
    },
    # economics
    "cost_total": {"da": "Udgift til indsatsen i alt", "en": "Cost of the effort in total"},
    "citizens_reached": {"da": "Borgere nået", "en": "Citizens reached"},
    "cost_per_citizen": {"da": "Udgift pr. borger", "en": "Cost per citizen"},
    "scenario": {"da": "Scenarie", "en": "Scenario"},
    "added": {"da": "Tilførte ydelser", "en": "Added services"},
    "prevented": {"da": "Forebyggede udgifter", "en": "Prevented costs"},
    "net_cost": {"da": "Nettoudgift", "en": "Net cost"},
    "net_per_citizen": {"da": "Nettoudgift pr. borger", "en": "Net cost per citizen"},
    "result": {"da": "Resultat", "en": "Result"},
    "net_gain": {"da": "nettogevinst", "en": "net gain"},
    "net_cost_word": {"da": "nettoudgift", "en": "net cost"},
    "not_counted": {"da": "ikke opgjort", "en": "not counted"},
    "welfare": {"da": "Velfærdsgevinster er ikke medregnet, som i metodens evaluering.",
                "en": "Welfare gains are not counted, as in the method's evaluation."},
    "missing": {"da": "Mangler for en fuld opgørelse: {what}.", "en": "Missing for a full account: {what}."},
    "m_framing": {"da": "rammesætningen af perioden", "en": "the framing of the period"},
    "m_team": {"da": "teamets timer", "en": "the team's hours"},
    "m_hourly_cost": {"da": "timeprisen", "en": "the hourly cost"},
    "m_scenarios": {"da": "scenariernes ydelser og priser", "en": "the scenarios' services and prices"},
    "scenario_note": {
        "da": "En negativ nettoudgift er en nettogevinst: det indsatsen forebygger, er mere værd end "
              "indsatsen og de ydelser, den fører til.",
        "en": "A negative net cost is a net gain: what the effort prevents is worth more than the effort "
              "and the services it leads to.",
    },
    "by_channel": {"da": "Borgere nået pr. kanal", "en": "Citizens reached per channel"},
    "kr": {"da": "kr.", "en": "DKK"},
    # map
    "area": {"da": "Område", "en": "Area"},
    "no_area": {"da": "Uden område", "en": "No area"},
    "measure_contacts": {"da": "Kontakter", "en": "Contacts"},
    "measure_reports": {"da": "Henvendelser", "en": "Reports"},
    "map_intro": {"da": "Kortet viser {what} pr. område, i op til fire klasser. Hvert område har sit navn og tal.",
                  "en": "The map shows {what} per area, in up to four classes. Each area has its name and number."},
    "map_empty": {"da": "Der er ingen områder at tegne på kortet.", "en": "There are no areas to draw on the map."},
    "map_small": {"da": "Skraveret: under 5 (vises som <5).", "en": "Hatched: under 5 (shown as <5)."},
    "class": {"da": "Klasse", "en": "Class"},
    "up_to": {"da": "op til {n}", "en": "up to {n}"},
    "by_area": {"da": "Tragten pr. område", "en": "The funnel per area"},
    "by_area_empty": {"da": "Ingen tal pr. område i perioden.", "en": "No figures per area in the period."},
    # summary
    "protected_note": {
        "da": "Alle antal er afrundet til hele 5'ere, og tal fra 1 til 4 vises som <5, så ingen borger kan "
              "genkendes. Rapporten nævner ingen adresser.",
        "en": "Every count is rounded to a multiple of 5, and figures from 1 to 4 are shown as <5, so no "
              "citizen can be recognised. The report names no address.",
    },
    "field": {"da": "Felt", "en": "Field"},
    "value_col": {"da": "Værdi", "en": "Value"},
    "period_from": {"da": "Periode fra", "en": "Period from"},
    "period_to": {"da": "Periode til", "en": "Period to"},
    "made_on_col": {"da": "Udarbejdet", "en": "Made on"},
    "demo_col": {"da": "Demodata", "en": "Demo data"},
    "yes": {"da": "Ja", "en": "Yes"},
    "no": {"da": "Nej", "en": "No"},
    "elements_met": {"da": "Kerneelementer opfyldt", "en": "Core elements met"},
    "elements_partly": {"da": "Kerneelementer delvist opfyldt", "en": "Core elements partly met"},
    "elements_not_met": {"da": "Kerneelementer ikke opfyldt", "en": "Core elements not met"},
    "summary_text": {"da": "Resumé i ord", "en": "Summary in words"},
}

#: why an element has no value, in words
WHY: dict[str, dict[str, str]] = {
    "no_partners": {"da": "ingen aktive samarbejdspartnere", "en": "no active partners"},
    "no_reports": {"da": "ingen henvendelser, der skulle være vurderet", "en": "no reports due for assessment"},
    "no_focus_doors": {"da": "ingen døre i fokusområderne", "en": "no doors in the focus areas"},
    "no_goal": {"da": "intet mål for kontakter i rammesætningen", "en": "no goal for contacts in the framing"},
    "no_courses": {"da": "ingen forløb i perioden", "en": "no courses in the period"},
    "none_ended": {"da": "ingen forløb afsluttet i perioden", "en": "no course ended in the period"},
    "small": {"da": "for få til at vise", "en": "too few to show"},
}
_NOT_MEASURED = {"da": "ikke målt", "en": "not measured"}
_SCENARIO_EN = {"lav": "low", "mellem": "medium", "hoej": "high"}

#: map classes, lightest first (a sequential blue that also reads in grey)
CLASS_COLOURS: tuple[tuple[int, int, int], ...] = ((239, 243, 255), (189, 215, 238), (107, 174, 214),
                                                   (33, 113, 181))
_STATUS_COLOURS = {"met": (0, 110, 60), "partly": (190, 120, 0), "not_met": (170, 30, 30)}


def _w(key: str, lang: str) -> str:
    return WORDS[key][lang]


# ------------------------------------------------------------------------------ the input


@dataclass(frozen=True)
class ReportData:
    """The period's figures, as the repository returns them (already protected).

    Parameters
    ----------
    workspace : str
        The workspace's name, e.g. ``"Samsø (demo)"``.
    period_from, period_to : datetime.date
        The period, both days included.
    made_on : datetime.date
        The day the report is made.
    funnel : dict
        ``Repository.funnel(by="channel")``: ``stages``, ``by_channel`` and ``medians``.
    funnel_by_area : dict
        ``Repository.funnel(by="area")``: ``by_area``.
    fidelity : dict
        ``Repository.fidelity()``: ``elements`` (and ``framed``).
    evaluation : dict
        ``Repository.evaluation()``: ``cost_total``, ``citizens_reached``,
        ``cost_per_citizen``, ``scenarios``, ``missing``, ``by_channel``.
    areas : list of (name, geometry, count)
        Each area's name, its outline (shapely Polygon or MultiPolygon in EPSG:25832 metres)
        and its protected count (an int, or ``"<5"``) of :attr:`map_measure`.
    map_measure : {"contacts", "reports"}
        What the map's numbers count.
    synthetic : bool
        Demo data: every page says so.

    Raises
    ------
    InputError
        A period that ends before it starts, an unknown ``map_measure``, an area that is
        not a (name, polygon, count) triple, or an area in degrees rather than metres.
    """

    workspace: str
    period_from: date
    period_to: date
    made_on: date
    funnel: dict
    funnel_by_area: dict
    fidelity: dict
    evaluation: dict
    areas: list[tuple[str, Any, int | str]] = field(default_factory=list)
    map_measure: MapMeasure = "contacts"
    synthetic: bool = False

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.period_from > self.period_to:
            problems.append(f"the period starts {self.period_from.isoformat()} after it ends "
                            f"{self.period_to.isoformat()} (pass period_from <= period_to)")
        if self.map_measure not in ("contacts", "reports"):
            problems.append(f"map_measure = {self.map_measure!r} is not known (expected 'contacts' or 'reports')")
        for n, area in enumerate(self.areas):
            problems += _area_problems(n, area)
        if problems:
            shown = problems[:20]
            more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise InputError("the report can't use its input:\n" + "\n".join(shown) + more, code="report_input")


def _area_problems(n: int, area: object) -> list[str]:
    if not isinstance(area, tuple | list) or len(area) != 3:
        return [f"areas[{n}] = {area!r} is not a (name, geometry, count) triple"]
    name, geom, count = area
    where = f"areas[{n}] ({name!r})"
    out = []
    kind = getattr(geom, "geom_type", None)
    if kind not in ("Polygon", "MultiPolygon"):
        out.append(f"{where}: the geometry is a {kind or type(geom).__name__}, not a Polygon or MultiPolygon")
    elif not geom.is_empty:
        minx, miny, maxx, maxy = geom.bounds
        if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
            out.append(f"{where}: the geometry looks like degrees (bounds {minx:.3f}, {miny:.3f}, {maxx:.3f}, "
                       f"{maxy:.3f}); pass it in EPSG:25832 metres (e.g. gdf.to_crs(25832))")
    if not (count == SMALL or (isinstance(count, int) and not isinstance(count, bool) and count >= 0)):
        out.append(f"{where}: count = {count!r} is not a whole number >= 0 or '<5'")
    return out


def _check_lang(lang: str) -> None:
    if lang not in ("da", "en"):
        raise InputError(f"lang = {lang!r} is not a report language (expected 'da' or 'en')", code="report_input")


# ------------------------------------------------------------------------------ numbers and words


def number(value: object, lang: str = "da", *, decimals: int = 1) -> str:
    """A count or amount in words: ``"<5"`` as it is, Danish ``1.419.429`` / ``12,5``,
    English ``1,419,429`` / ``12.5``; ``None`` as ``"–"``.

    >>> number(1419429), number(12.5), number("<5"), number(1419429, "en")
    ('1.419.429', '12,5', '<5', '1,419,429')
    """
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if lang == "da":
        return danish_number(float(value), decimals=decimals)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{float(value):,.{decimals}f}".rstrip("0").rstrip(".")


def kroner(value: object, lang: str = "da") -> str:
    """``1419429`` → ``"1.419.429 kr."`` (``"1,419,429 DKK"`` in English)."""
    if value is None:
        return _w("not_counted", lang)
    return f"{number(round(float(value)), lang)} {_w('kr', lang)}"  # type: ignore[arg-type]


def net_words(value: object, lang: str = "da") -> str:
    """A net cost in words: ``-593800`` → ``"nettogevinst 593.800 kr."``."""
    if value is None:
        return _w("not_counted", lang)
    v = float(value)  # type: ignore[arg-type]
    if v < 0:
        return f"{_w('net_gain', lang)} {kroner(-v, lang)}"
    return kroner(v, lang)


def percent(share: float | None, lang: str = "da") -> str:
    """A share 0–1 as percent: ``0.4166`` → ``"41,7 %"`` (``"41.7%"`` in English)."""
    if share is None:
        return "–"
    text = number(round(share * 100, 1), lang)
    return f"{text} %" if lang == "da" else f"{text}%"


def day_text(day: date, lang: str = "da") -> str:
    """``date(2026, 7, 1)`` → ``"01.07.2026"`` (``"2026-07-01"`` in English)."""
    return f"{day:%d.%m.%Y}" if lang == "da" else day.isoformat()


def period_text(data: ReportData, lang: str = "da") -> str:
    """``"01.07.2026–31.12.2026"`` (``"2026-07-01 to 2026-12-31"`` in English)."""
    sep = "–" if lang == "da" else " to "
    return f"{day_text(data.period_from, lang)}{sep}{day_text(data.period_to, lang)}"


def _value(v: object) -> float:
    """A shown protected value as a number (``"<5"`` and ``None`` count as 0)."""
    if v is None or isinstance(v, str):
        return 0.0
    return float(v)  # type: ignore[arg-type]


def _stage_counts(stages: Iterable[dict]) -> dict[str, Any]:
    return {st["id"]: st.get("count") for st in stages}


def _funnel_table(data: ReportData) -> list[dict[str, Any]]:
    """One row per stage: ``id``, each channel's count, ``total`` and ``rate``."""
    totals = {st["id"]: st for st in data.funnel.get("stages", [])}
    channels = {g["channel"]: _stage_counts(g.get("stages", [])) for g in data.funnel.get("by_channel", [])}
    rows = []
    for sid in STAGES:
        st = totals.get(sid, {})
        row: dict[str, Any] = {"id": sid, "total": st.get("count"), "rate": st.get("rate")}
        for ch in CHANNELS:
            row[ch] = channels.get(ch, {}).get(sid)
        rows.append(row)
    return rows


def _status_counts(data: ReportData) -> dict[str, int]:
    els = data.fidelity.get("elements", [])
    return {s: sum(1 for e in els if e.get("status") == s) for s in ("met", "partly", "not_met")}


def element_name(el: dict, lang: str) -> str:
    names = NAMES.get(el.get("id", ""))
    if names:
        return names[0] if lang == "da" else names[1]
    return str(el.get("name_en" if lang == "en" else "name", el.get("id", "")))


def element_threshold(el: dict, lang: str) -> str:
    if el.get("id") in ("framing", "mapping"):
        return _w("all_parts", lang).format(n=number(el.get("denominator") or 0, lang))
    th = el.get("threshold")
    return "–" if th is None else _w("at_least", lang).format(p=percent(th, lang))


def element_remark(el: dict, lang: str) -> str:
    """The basis (``"12 af 15"``) when there is a value, else why there is none, in words."""
    if el.get("value") is None:
        why = el.get("why")
        return WHY[why][lang] if why in WHY else (str(why) if why else _NOT_MEASURED[lang])
    num, den = el.get("numerator"), el.get("denominator")
    if num is None or den is None:
        return ""
    return _w("of", lang).format(a=number(num, lang), b=number(den, lang))


def scenario_name(sid: str, lang: str) -> str:
    if lang == "da":
        return SCENARIO_NAMES.get(sid, sid)
    return _SCENARIO_EN.get(sid, sid)


def missing_words(missing: Sequence[str], lang: str) -> str:
    """``["framing", "hourly_cost"]`` → ``"rammesætningen af perioden, timeprisen"``."""
    return ", ".join(WORDS[f"m_{m}"][lang] if f"m_{m}" in WORDS else str(m) for m in missing)


def _citizens_words(n: object, lang: str) -> str:
    if n == SMALL:
        return "færre end 5 borgere" if lang == "da" else "fewer than 5 citizens"
    if n is None:
        return "et ukendt antal borgere" if lang == "da" else "an unknown number of citizens"
    word = ("borger" if n == 1 else "borgere") if lang == "da" else ("citizen" if n == 1 else "citizens")
    return f"{number(n, lang)} {word}"


def summary_lines(data: ReportData, lang: str = "da") -> list[str]:
    """The summary in words (section 1), one sentence a line."""
    ev, fu = data.evaluation, _stage_counts(data.funnel.get("stages", []))
    period = period_text(data, lang)
    counts = _status_counts(data)
    n_el = len(data.fidelity.get("elements", [])) or 8
    reached = _citizens_words(ev.get("citizens_reached"), lang)
    cpc = ev.get("cost_per_citizen")
    missing = list(ev.get("missing") or [])
    if lang == "da":
        lines = [f"I perioden {period} fik teamet kontakt med {reached}."]
        if ev.get("cost_total") is not None:
            per = (f", det er {kroner(cpc, lang)} pr. borger" if cpc is not None
                   else "; udgiften pr. borger kan ikke vises, når for få borgere er nået")
            lines.append(f"Indsatsen kostede {kroner(ev.get('cost_total'), lang)}{per}.")
        else:
            lines.append("Udgiften til indsatsen og udgiften pr. borger kan ikke opgøres endnu"
                         + (f": der mangler {missing_words(missing, lang)}." if missing else "."))
        lines.append(f"{counts['met']} af {n_el} kerneelementer i metoden er opfyldt, {counts['partly']} delvist "
                     f"og {counts['not_met']} ikke.")
        lines.append(f"Teamet modtog {number(fu.get('reports'), lang)} henvendelser og bankede på "
                     f"{number(fu.get('doors_knocked'), lang)} døre; det gav {number(fu.get('contacts'), lang)} "
                     f"kontakter og {number(fu.get('handovers'), lang)} overdragelser.")
    else:
        lines = [f"In the period {period} the team got in touch with {reached}."]
        if ev.get("cost_total") is not None:
            per = (f", that is {kroner(cpc, lang)} per citizen" if cpc is not None
                   else "; the cost per citizen cannot be shown when too few citizens were reached")
            lines.append(f"The effort cost {kroner(ev.get('cost_total'), lang)}{per}.")
        else:
            lines.append("The cost of the effort and the cost per citizen cannot be counted yet"
                         + (f": missing {missing_words(missing, lang)}." if missing else "."))
        lines.append(f"{counts['met']} of the method's {n_el} core elements are met, {counts['partly']} partly "
                     f"and {counts['not_met']} not.")
        lines.append(f"The team received {number(fu.get('reports'), lang)} reports and knocked on "
                     f"{number(fu.get('doors_knocked'), lang)} doors; this led to {number(fu.get('contacts'), lang)} "
                     f"contacts and {number(fu.get('handovers'), lang)} handovers.")
    lines.append(_w("protected_note", lang))
    return lines


def map_classes(counts: Sequence[object]) -> tuple[list[int], list[int]]:
    """Four classes of equal width over the counts (fewer when the counts are few).

    Returns the class upper bounds (ascending, whole numbers; multiples of 5 when every
    count is) and each count's class index (0 = lightest). ``"<5"`` is in the lightest
    class; with no count above 0 there are no bounds and every class is 0.

    >>> map_classes([5, "<5", 20, 40])
    ([10, 20, 30, 40], [0, 0, 1, 3])
    """
    nums = [int(_value(c)) for c in counts]
    top = max(nums, default=0)
    if top <= 0:
        return [], [0] * len(nums)
    step = 5 if all(v % 5 == 0 for v in nums) else 1
    bounds = sorted({max(step, math.ceil(top * k / 4 / step) * step) for k in range(1, 5)})
    return bounds, [next(i for i, b in enumerate(bounds) if v <= b) for v in nums]


def class_labels(bounds: Sequence[int], lang: str) -> list[str]:
    """The legend's words for each class: ``[10, 20]`` → ``["op til 10", "15-20"]``."""
    step = 5 if all(b % 5 == 0 for b in bounds) else 1
    out = []
    for i, b in enumerate(bounds):
        lo = bounds[i - 1] + step if i else None
        if lo is None:
            out.append(_w("up_to", lang).format(n=number(b, lang)))
        else:
            out.append(number(b, lang) if lo >= b else f"{number(lo, lang)}-{number(b, lang)}")
    return out


# ------------------------------------------------------------------------------ PDF


def _latin1(text: object) -> str:
    """Text the PDF core fonts can draw (Latin-1: æ, ø, å are in it); the rest replaced."""
    s = (str(text).replace("–", "-").replace("—", "-").replace("’", "'").replace("≥", ">=")
         .replace("≤", "<=").replace("→", "->").replace("…", "..."))
    return s.encode("latin-1", errors="replace").decode("latin-1")


_MARGIN = 15.0
_LINE = 5.0


def report_pdf(data: ReportData, *, lang: Lang = "da") -> bytes:
    """The report as an A4 PDF (Danish by default).

    Each page has the workspace and the period at the top (and ``Demo: opdigtede data``
    when :attr:`ReportData.synthetic`), and ``Side n af m`` at the bottom. Sections: the
    summary, the funnel (table, bar chart, rates, median days), method fidelity (status in
    words and a drawn symbol), economics (three scenarios) and the map of the areas.

    Returns
    -------
    bytes
        The PDF file.
    """
    from fpdf import FPDF

    _check_lang(lang)
    head = _latin1(f"{data.workspace} - {_w('title', lang)} - {_w('period', lang)} {period_text(data, lang)}")
    demo = _latin1(_w("synthetic", lang)) if data.synthetic else ""
    made = _latin1(_w("made_on", lang).format(d=day_text(data.made_on, lang)))
    page_words = _w("page", lang)

    class _Pdf(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "B", 9)
            self.set_text_color(0, 0, 0)
            self.cell(0, 5, head, new_x="LMARGIN", new_y="NEXT")
            if demo:
                self.set_font("Helvetica", "B", 9)
                self.set_text_color(170, 30, 30)
                self.cell(0, 5, demo, new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0, 0, 0)
            self.set_draw_color(120, 120, 120)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.set_draw_color(0, 0, 0)
            self.ln(5)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(0, 0, 0)
            width = (self.w - self.l_margin - self.r_margin) / 2
            self.cell(width, 5, made)
            self.cell(width, 5, _latin1(page_words.format(n=self.page_no(), m="{nb}")), align="R")

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.alias_nb_pages()
    pdf.set_margins(_MARGIN, 15, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(_latin1(f"{_w('title', lang)} {data.workspace} {period_text(data, lang)}"))
    pdf.set_author("Opspor")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _latin1(f"{_w('title', lang)}: {data.workspace}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, _latin1(f"{_w('period', lang)} {period_text(data, lang)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _pdf_summary(pdf, data, lang)
    _pdf_funnel(pdf, data, lang)
    _pdf_fidelity(pdf, data, lang)
    _pdf_economics(pdf, data, lang)
    _pdf_map(pdf, data, lang)
    return bytes(pdf.output())


def _heading(pdf: Any, text: str, *, space: float = 40) -> None:
    if pdf.get_y() + space > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font("Helvetica", "", 10)


def _para(pdf: Any, text: str, *, size: float = 10, style: str = "") -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, _LINE if size >= 10 else 4.2, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def _table(pdf: Any, widths: Sequence[float], header: Sequence[str], rows: Sequence[Sequence[str]], *,
           align: Sequence[str] | None = None, size: float = 9,
           on_row: Any = None) -> None:
    """A bordered table; cells wrap, a row moves whole to the next page (the header repeats).
    ``on_row(i, x, y, h)`` is called after row ``i`` is drawn (to draw into it)."""
    align = align or ["L"] * len(widths)
    line = size * 0.45

    def height(cells: Sequence[str], style: str) -> float:
        pdf.set_font("Helvetica", style, size)
        n = max(len(pdf.multi_cell(w - 2, line, _latin1(c), dry_run=True, output="LINES") or [""])
                for w, c in zip(widths, cells, strict=True))
        return n * line + 2

    def draw(cells: Sequence[str], style: str, aligns: Sequence[str], fill: bool) -> tuple[float, float]:
        h = height(cells, style)
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
            if style == "":
                draw(header, "B", ["L"] * len(widths), True)
        x0, y0 = pdf.l_margin, pdf.get_y()
        x = x0
        pdf.set_font("Helvetica", style, size)
        pdf.set_fill_color(230, 230, 230)
        for w, c, a in zip(widths, cells, aligns, strict=True):
            pdf.rect(x, y0, w, h, style="DF" if fill else "D")
            pdf.set_xy(x + 1, y0 + 1)
            pdf.multi_cell(w - 2, line, _latin1(c), align=a)
            x += w
        pdf.set_xy(x0, y0 + h)
        return y0, h

    draw(header, "B", ["L"] * len(widths), True)
    for i, row in enumerate(rows):
        y, h = draw(row, "", align, False)
        if on_row is not None:
            on_row(i, pdf.l_margin, y, h)
    pdf.set_font("Helvetica", "", 10)
    pdf.ln(2)


def _pdf_summary(pdf: Any, data: ReportData, lang: str) -> None:
    _heading(pdf, _w("s_summary", lang))
    for line in summary_lines(data, lang):
        _para(pdf, line)
        pdf.ln(1)


def _pdf_funnel(pdf: Any, data: ReportData, lang: str) -> None:
    _heading(pdf, _w("s_funnel", lang), space=80)
    rows = _funnel_table(data)
    header = [_w("stage", lang), *(_w(ch, lang) for ch in CHANNELS), _w("total", lang), _w("rate", lang)]
    body = [[_w(r["id"], lang), *(number(r[ch], lang) for ch in CHANNELS), number(r["total"], lang),
             percent(r["rate"], lang)] for r in rows]
    _table(pdf, (42, 37, 24, 20, 20, 37), header, body, align=("L", "R", "R", "R", "R", "R"))
    _para(pdf, _w("rate_note", lang), size=8)
    # the bar chart of the totals: each bar labelled with its number
    if pdf.get_y() + 8 + 7 * len(rows) > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    _para(pdf, _w("chart", lang), style="B")
    label_w, bar_w, bar_h = 48.0, 105.0, 5.0
    top = max((_value(r["total"]) for r in rows), default=0.0)
    y = pdf.get_y() + 1
    pdf.set_font("Helvetica", "", 9)
    for r in rows:
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, bar_h, _latin1(_w(r["id"], lang)), align="R")
        x = pdf.l_margin + label_w + 2
        length = bar_w * _value(r["total"]) / top if top > 0 else 0.0
        if length > 0:
            pdf.set_fill_color(33, 113, 181)
            pdf.rect(x, y, length, bar_h, style="F")
        pdf.set_draw_color(150, 150, 150)
        pdf.line(x, y - 0.5, x, y + bar_h + 0.5)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_xy(x + length + 1.5, y)
        pdf.cell(20, bar_h, _latin1(number(r["total"], lang)))
        y += bar_h + 2
    pdf.set_xy(pdf.l_margin, y + 2)
    # the median days
    medians = data.funnel.get("medians") or {}
    if medians:
        _para(pdf, _w("medians", lang), style="B")
        for key in ("report_to_contact", "contact_to_handover"):
            m = medians.get(key)
            if m is None:
                continue
            _para(pdf, f"{_w(key, lang)}: {median_words(m, lang)}")
    pdf.ln(1)


def median_words(m: dict, lang: str = "da") -> str:
    """``{"median_days": 12.5, "n": 10}`` → ``"12,5 dage (10 forløb)"``."""
    days, n = m.get("median_days"), m.get("n")
    if days is None:
        return _w("median_none", lang) if n == 0 else _w("median_small", lang)
    return f"{number(days, lang)} {_w('days', lang)} ({number(n, lang)} {_w('courses_n', lang)})"


def _symbol(pdf: Any, status: str, cx: float, cy: float, r: float = 2.2) -> None:
    """The status drawn (not colour alone): met a filled circle with a tick, partly a
    half-filled circle, not met an empty circle with a cross."""
    colour = _STATUS_COLOURS.get(status, (0, 0, 0))
    pdf.set_draw_color(*colour)
    pdf.set_fill_color(*colour)
    pdf.set_line_width(0.35)
    if status == "met":
        pdf.circle(cx, cy, r, style="DF")
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.5)
        pdf.line(cx - r * 0.5, cy, cx - r * 0.1, cy + r * 0.45)
        pdf.line(cx - r * 0.1, cy + r * 0.45, cx + r * 0.55, cy - r * 0.45)
    elif status == "partly":
        pdf.circle(cx, cy, r, style="D")
        half = [(cx, cy - r)] + [(cx - r * math.sin(math.pi * k / 16), cy - r * math.cos(math.pi * k / 16))
                                 for k in range(1, 17)]
        pdf.polygon(half, style="F")
    else:
        pdf.circle(cx, cy, r, style="D")
        d = r * 0.5
        pdf.line(cx - d, cy - d, cx + d, cy + d)
        pdf.line(cx - d, cy + d, cx + d, cy - d)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)


def _pdf_fidelity(pdf: Any, data: ReportData, lang: str) -> None:
    _heading(pdf, _w("s_fidelity", lang), space=70)
    els = data.fidelity.get("elements", [])
    if data.fidelity.get("framed") is False:
        _para(pdf, _w("not_framed", lang))
    if not els:
        _para(pdf, _w("no_elements", lang))
        return
    header = ["", _w("element", lang), _w("status", lang), _w("value", lang), _w("threshold", lang),
              f"{_w('basis', lang)} / {_w('remark', lang).lower()}"]
    body = [["", element_name(e, lang), _w(e.get("status", "not_met"), lang),
             percent(e.get("value"), lang), element_threshold(e, lang), element_remark(e, lang)] for e in els]

    def mark(i: int, x: float, y: float, h: float) -> None:
        _symbol(pdf, els[i].get("status", "not_met"), x + 4.5, y + min(h / 2, 3.5))

    _table(pdf, (9, 52, 25, 20, 30, 44), header, body, align=("L", "L", "L", "R", "L", "L"), on_row=mark)
    _para(pdf, _w("legend_symbols", lang), size=8)


def _pdf_economics(pdf: Any, data: ReportData, lang: str) -> None:
    _heading(pdf, _w("s_economics", lang), space=70)
    ev = data.evaluation
    facts = [(_w("cost_total", lang), kroner(ev.get("cost_total"), lang)),
             (_w("citizens_reached", lang), number(ev.get("citizens_reached"), lang)),
             (_w("cost_per_citizen", lang), kroner(ev.get("cost_per_citizen"), lang))]
    pdf.set_font("Helvetica", "", 10)
    for k, v in facts:
        pdf.cell(70, _LINE + 0.5, _latin1(k + ":"))
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, _LINE + 0.5, _latin1(v), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
    by_ch = ev.get("by_channel") or {}
    if by_ch:
        parts = ", ".join(f"{_w(ch, lang).lower() if ch != 'report' else _w(ch, lang)}: "
                          f"{number(by_ch.get(ch), lang)}" for ch in CHANNELS if ch in by_ch)
        _para(pdf, f"{_w('by_channel', lang)}: {parts}.", size=9)
    pdf.ln(2)
    header = [_w("scenario", lang), _w("added", lang), _w("prevented", lang), _w("net_cost", lang),
              _w("net_per_citizen", lang)]
    body = [[scenario_name(s.get("id", ""), lang), kroner(s.get("added_dkk"), lang),
             kroner(s.get("prevented_dkk"), lang), net_words(s.get("net_cost"), lang),
             net_words(s.get("net_cost_per_citizen"), lang)] for s in _scenarios(ev)]
    _table(pdf, (24, 36, 38, 42, 40), header, body, align=("L", "R", "R", "R", "R"))
    _para(pdf, _w("scenario_note", lang), size=9)
    pdf.ln(1)
    _para(pdf, _w("welfare", lang), style="B")
    if ev.get("missing"):
        _para(pdf, _w("missing", lang).format(what=missing_words(ev["missing"], lang)))


def _scenarios(ev: dict) -> list[dict]:
    """The evaluation's scenarios in the order lav, mellem, høj."""
    by_id = {s.get("id"): s for s in ev.get("scenarios", [])}
    return [by_id[s] for s in SCENARIOS if s in by_id] + [s for s in ev.get("scenarios", [])
                                                          if s.get("id") not in SCENARIOS]


def _measure_words(data: ReportData, lang: str) -> str:
    return _w(f"measure_{data.map_measure}", lang)


def _polygons(geom: Any) -> list[Any]:
    if geom is None or geom.is_empty:
        return []
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


def _hatch_segments(geom: Any, spacing: float) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Diagonal lines ``spacing`` apart, cut to ``geom`` (page coordinates)."""
    from shapely.geometry import LineString

    minx, miny, maxx, maxy = geom.bounds
    span = (maxx - minx) + (maxy - miny)
    out = []
    k = 0.0
    while k <= span:
        line = LineString([(minx + k, miny), (minx + k - (maxy - miny), maxy)])
        cut = line.intersection(geom)
        for part in getattr(cut, "geoms", [cut]):
            if part.geom_type == "LineString" and not part.is_empty:
                (x1, y1), (x2, y2) = part.coords[0], part.coords[-1]
                out.append(((x1, y1), (x2, y2)))
        k += spacing
    return out


def _draw_polygon(pdf: Any, geom: Any, fill: tuple[int, int, int]) -> None:
    from fpdf.drawing import DeviceRGB
    from fpdf.enums import PathPaintRule

    for poly in _polygons(geom):
        with pdf.new_path(paint_rule=PathPaintRule.STROKE_FILL_EVENODD) as path:
            path.style.fill_color = DeviceRGB(*(c / 255 for c in fill))
            path.style.stroke_color = DeviceRGB(0.35, 0.35, 0.35)
            path.style.stroke_width = 0.25
            for ring in (poly.exterior, *poly.interiors):
                coords = list(ring.coords)
                path.move_to(*coords[0])
                for xy in coords[1:]:
                    path.line_to(*xy)
                path.close()


def _colour_index(k: int, n: int) -> int:
    """Class ``k`` of ``n`` as an index of :data:`CLASS_COLOURS`: the lightest and the
    darkest colour always used (fewer classes spread over the four)."""
    return 0 if n <= 1 else round(k * (len(CLASS_COLOURS) - 1) / (n - 1))


def _hatch(pdf: Any, geom: Any) -> None:
    pdf.set_draw_color(110, 110, 110)
    pdf.set_line_width(0.2)
    for (x1, y1), (x2, y2) in _hatch_segments(geom, 2.2):
        pdf.line(x1, y1, x2, y2)
    pdf.set_draw_color(0, 0, 0)


def _pdf_map(pdf: Any, data: ReportData, lang: str) -> None:
    from shapely import affinity
    from shapely.geometry import box

    pdf.add_page()
    _heading(pdf, _w("s_map", lang))
    what = _measure_words(data, lang)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    geoms = [(area_words(n, lang), g, c) for n, g, c in data.areas]
    drawn = [(n, g, c) for n, g, c in geoms if not g.is_empty]
    if not drawn:
        _para(pdf, _w("map_empty", lang))
        pdf.rect(pdf.l_margin, pdf.get_y() + 2, width, 30, style="D")
        pdf.set_xy(pdf.l_margin, pdf.get_y() + 14)
        pdf.cell(width, 5, _latin1(_w("map_empty", lang)), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(pdf.get_y() + 16)
    else:
        _para(pdf, _w("map_intro", lang).format(what=what.lower()))
        bounds, classes = map_classes([c for _, _, c in drawn])
        x0, y0, box_w, box_h = pdf.l_margin, pdf.get_y() + 3, width, 130.0
        minx = min(g.bounds[0] for _, g, _ in drawn)
        miny = min(g.bounds[1] for _, g, _ in drawn)
        maxx = max(g.bounds[2] for _, g, _ in drawn)
        maxy = max(g.bounds[3] for _, g, _ in drawn)
        dx, dy = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
        pad = 4.0
        scale = min((box_w - 2 * pad) / dx, (box_h - 2 * pad) / dy)  # mm per metre, aspect kept
        off_x = x0 + pad + ((box_w - 2 * pad) - dx * scale) / 2
        off_y = y0 + pad + ((box_h - 2 * pad) - dy * scale) / 2
        # EPSG:25832 has y up, the page y down: flip
        matrix = [scale, 0, 0, -scale, off_x - minx * scale, off_y + maxy * scale]
        pdf.set_draw_color(150, 150, 150)
        pdf.rect(x0, y0, box_w, box_h, style="D")
        pdf.set_draw_color(0, 0, 0)
        frame = box(x0, y0, x0 + box_w, y0 + box_h)
        tolerance = 0.15 / scale  # 0.15 mm on paper, in metres
        pages = [affinity.affine_transform(g.simplify(tolerance, preserve_topology=True), matrix)
                 for _, g, _ in drawn]
        for page_geom, k, (_, _, c) in zip(pages, classes, drawn, strict=True):
            _draw_polygon(pdf, page_geom, CLASS_COLOURS[_colour_index(k, len(bounds))])
            if c == SMALL:
                _hatch(pdf, page_geom.intersection(frame))
        pdf.set_font("Helvetica", "", 7)
        for page_geom, (name, _, c) in zip(pages, drawn, strict=True):
            if page_geom.is_empty:
                continue
            p = max(_polygons(page_geom), key=lambda q: q.area).representative_point()
            lines = [_latin1(name), _latin1(number(c, lang))]
            tw = max(pdf.get_string_width(t) for t in lines) + 1.6
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(p.x - tw / 2, p.y - 3.4, tw, 6.8, style="F")
            for j, t in enumerate(lines):
                pdf.set_xy(p.x - tw / 2, p.y - 3.4 + j * 3.3)
                pdf.set_font("Helvetica", "B" if j else "", 7)
                pdf.cell(tw, 3.4, t, align="C")
        # the legend
        y = y0 + box_h + 3
        pdf.set_xy(x0, y)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(0, 5, _latin1(f"{what} ({_w('class', lang).lower()})"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        y = pdf.get_y() + 1
        labels = class_labels(bounds, lang) if bounds else [SMALL]
        x = x0
        for k, label in enumerate(labels):
            pdf.set_fill_color(*CLASS_COLOURS[_colour_index(k, len(labels))])
            pdf.set_draw_color(90, 90, 90)
            pdf.rect(x, y, 8, 5, style="DF")
            pdf.set_xy(x + 9.5, y)
            pdf.cell(30, 5, _latin1(label))
            x += 42
        if any(c == SMALL for _, _, c in drawn):
            pdf.set_fill_color(*CLASS_COLOURS[0])
            pdf.rect(x0, y + 7, 8, 5, style="DF")
            _hatch(pdf, box(x0, y + 7, x0 + 8, y + 12))
            pdf.set_xy(x0 + 9.5, y + 7)
            pdf.cell(0, 5, _latin1(_w("map_small", lang)))
            y += 7
        pdf.set_draw_color(0, 0, 0)
        pdf.set_xy(x0, y + 8)
    # the areas' numbers as a table too (the map is not the only place to read them)
    if geoms:
        _table(pdf, (90, 40), [_w("area", lang), what], [[n, number(c, lang)] for n, _, c in geoms],
               align=("L", "R"))
    _heading(pdf, _w("by_area", lang), space=30)
    rows = _area_rows(data, lang)
    if not rows:
        _para(pdf, _w("by_area_empty", lang))
        return
    header = [_w("area", lang), *(_w(s, lang) for s in STAGES)]
    _table(pdf, (36, 24, 24, 24, 24, 24, 24), header,
           [[r[0], *(number(v, lang) for v in r[1:])] for r in rows], align=("L",) + ("R",) * 6, size=8)


def _area_rows(data: ReportData, lang: str) -> list[list[Any]]:
    """The funnel per area: ``[area name, count per stage...]``."""
    out = []
    for g in data.funnel_by_area.get("by_area", []):
        counts = _stage_counts(g.get("stages", []))
        name = area_words(g["area"], lang) if g.get("area") is not None else _w("no_area", lang)
        out.append([name, *(counts.get(s) for s in STAGES)])
    return out


# ------------------------------------------------------------------------------ XLSX


def report_xlsx(data: ReportData, *, lang: Lang = "da") -> bytes:
    """The report as a workbook: one sheet per section (Resumé, Tragt, Metodefasthed,
    Økonomi, Områder), each with the workspace and period in its first row (and
    ``Demo: opdigtede data`` in the second when synthetic), a bold header row, numbers as
    numbers (``"<5"`` as text, shares as fractions shown in percent, money in kroner),
    column widths set and text that a spreadsheet would run as a formula neutralised.
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    _check_lang(lang)
    wb = Workbook()
    wb.remove(wb.active)
    title = f"{data.workspace} - {_w('title', lang)} {period_text(data, lang)}"
    bold = Font(bold=True)
    kr_fmt = '#,##0 "kr."' if lang == "da" else '#,##0 "DKK"'

    def sheet(key: str, header: Sequence[str]) -> Any:
        ws = wb.create_sheet(_w(key, lang))
        ws.append([neutralise(title)])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([_w("synthetic", lang)] if data.synthetic else [])
        if data.synthetic:
            ws["A2"].font = Font(bold=True, color="AA1E1E")
        ws.append(list(header))
        for cell in ws[3]:
            cell.font = bold
        ws.freeze_panes = "A4"
        return ws

    def put(ws: Any, row: Sequence[Any], formats: Sequence[str | None] = ()) -> None:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
        for cell, fmt in zip(ws[ws.max_row], formats, strict=False):
            if fmt and not isinstance(cell.value, str):
                cell.number_format = fmt

    def bold_row(ws: Any) -> None:
        for cell in ws[ws.max_row]:
            cell.font = bold

    # Resumé
    ws = sheet("sheet_summary", [_w("field", lang), _w("value_col", lang)])
    ev = data.evaluation
    counts = _status_counts(data)
    date_fmt = "DD.MM.YYYY" if lang == "da" else "YYYY-MM-DD"
    for k, v, fmt in (
        (_w("workspace", lang), data.workspace, None),
        (_w("period_from", lang), data.period_from, date_fmt),
        (_w("period_to", lang), data.period_to, date_fmt),
        (_w("made_on_col", lang), data.made_on, date_fmt),
        (_w("demo_col", lang), _w("yes" if data.synthetic else "no", lang), None),
        (_w("citizens_reached", lang), ev.get("citizens_reached"), "#,##0"),
        (_w("cost_total", lang), ev.get("cost_total"), kr_fmt),
        (_w("cost_per_citizen", lang), ev.get("cost_per_citizen"), kr_fmt),
        (_w("elements_met", lang), counts["met"], "0"),
        (_w("elements_partly", lang), counts["partly"], "0"),
        (_w("elements_not_met", lang), counts["not_met"], "0"),
    ):
        put(ws, [k, v], [None, fmt])
    ws.append([])
    put(ws, [_w("summary_text", lang)])
    bold_row(ws)
    for line in summary_lines(data, lang):
        put(ws, [line])
    _widths(ws, {1: 34, 2: 24})

    # Tragt
    ws = sheet("sheet_funnel", [_w("stage", lang), *(_w(ch, lang) for ch in CHANNELS), _w("total", lang),
                                _w("rate", lang)])
    for r in _funnel_table(data):
        put(ws, [_w(r["id"], lang), *(r[ch] for ch in CHANNELS), r["total"], r["rate"]],
            [None, "#,##0", "#,##0", "#,##0", "#,##0", "0.0%"])
    ws.append([])
    put(ws, [_w("medians", lang), _w("median_days_col", lang), _w("median_n_col", lang)])
    bold_row(ws)
    for key in ("report_to_contact", "contact_to_handover"):
        m = (data.funnel.get("medians") or {}).get(key)
        if m is not None:
            days = m.get("median_days")
            put(ws, [_w(key, lang), days if days is not None else median_words(m, lang), m.get("n")],
                [None, "0.0", "#,##0"])
    ws.append([])
    put(ws, [_w("rate_note", lang)])
    _widths(ws, {1: 36, 2: 22, 3: 14, 4: 12, 5: 12, 6: 18})

    # Metodefasthed
    ws = sheet("sheet_fidelity", [_w("element", lang), _w("status", lang), _w("symbol", lang), _w("value", lang),
                                  _w("threshold", lang), _w("numerator", lang), _w("denominator", lang),
                                  _w("remark", lang)])
    for e in data.fidelity.get("elements", []):
        status = e.get("status", "not_met")
        put(ws, [element_name(e, lang), _w(status, lang), e.get("symbol", ""), e.get("value"),
                 e.get("threshold"), e.get("numerator"), e.get("denominator"),
                 element_remark(e, lang) if e.get("value") is None else ""],
            [None, None, None, "0.0%", "0%", "#,##0", "#,##0", None])
    _widths(ws, {1: 30, 2: 14, 3: 8, 4: 10, 5: 10, 6: 10, 7: 10, 8: 40})

    # Økonomi
    ws = sheet("sheet_economics", [_w("scenario", lang), _w("added", lang), _w("prevented", lang),
                                   _w("net_cost", lang), _w("net_per_citizen", lang), _w("result", lang)])
    for s in _scenarios(ev):
        net = s.get("net_cost")
        result = "" if net is None else _w("net_gain" if net < 0 else "net_cost_word", lang)
        put(ws, [scenario_name(s.get("id", ""), lang), s.get("added_dkk"), s.get("prevented_dkk"), net,
                 s.get("net_cost_per_citizen"), result], [None, kr_fmt, kr_fmt, kr_fmt, kr_fmt, None])
    ws.append([])
    for k, v, fmt in ((_w("cost_total", lang), ev.get("cost_total"), kr_fmt),
                      (_w("citizens_reached", lang), ev.get("citizens_reached"), "#,##0"),
                      (_w("cost_per_citizen", lang), ev.get("cost_per_citizen"), kr_fmt)):
        put(ws, [k, v if v is not None else _w("not_counted", lang)], [None, fmt])
    for ch, v in (ev.get("by_channel") or {}).items():
        put(ws, [f"{_w('citizens_reached', lang)}: {_w(ch, lang) if ch in CHANNELS else ch}", v],
            [None, "#,##0"])
    ws.append([])
    put(ws, [_w("scenario_note", lang)])
    put(ws, [_w("welfare", lang)])
    if ev.get("missing"):
        put(ws, [_w("missing", lang).format(what=missing_words(ev["missing"], lang))])
    _widths(ws, {1: 34, 2: 20, 3: 22, 4: 18, 5: 24, 6: 14})

    # Områder
    what = _measure_words(data, lang)
    ws = sheet("sheet_areas", [_w("area", lang), what])
    bounds, classes = map_classes([c for _, _, c in data.areas])
    for name, _, c in data.areas:
        put(ws, [area_words(name, lang), c], [None, "#,##0"])
    ws.append([])
    put(ws, [_w("by_area", lang), *(_w(s, lang) for s in STAGES)])
    bold_row(ws)
    for row in _area_rows(data, lang):
        put(ws, row, [None, *["#,##0"] * 6])
    _widths(ws, {1: 34, **{i: 16 for i in range(2, 8)}})

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _widths(ws: Any, minimum: dict[int, float]) -> None:
    """Each column as wide as its header and values need (capped), at least ``minimum``;
    the long notes in column A (below the tables) do not widen it."""
    from openpyxl.utils import get_column_letter

    for col, least in minimum.items():
        widest = max((len(str(c.value)) for c in ws[get_column_letter(col)][2:]
                      if c.value is not None and len(str(c.value)) <= 50), default=0)
        ws.column_dimensions[get_column_letter(col)].width = min(max(least, widest + 2), 50)


# ------------------------------------------------------------------------------ file


def write_report(data: ReportData, path: str | Path, *, lang: Lang = "da") -> Path:
    """Write the report to ``path``: a PDF for ``.pdf``, a workbook for ``.xlsx``; the file
    is private (0600). Any other suffix raises :class:`InputError` (code ``report_format``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return write_private(path, report_pdf(data, lang=lang))
    if suffix == ".xlsx":
        return write_private(path, report_xlsx(data, lang=lang))
    raise InputError(f"the report can't be written as {suffix or 'a file without a suffix'!r} ({path.name}): "
                     "name the file .pdf (to read) or .xlsx (to reuse the figures)", code="report_format")

"""The Samsø demo workspace: real geography, invented signals.

``opspor demo`` builds the workspace the way ``init --osm`` does, from the shipped
``data/samsoe`` files, then adds generated partners and signals. Every generated row is
flagged ``synthetic``; no signal names anyone and no note uses health words. The
generator is seeded, so the same seed and ``as_of`` give the same demo.

Where signals fall: more likely where entrances are dense (the island's towns, where its
rented flats are) and, where the register knows units from BBR, at rented flats and
social housing (``enh045`` = 1, ``enh046`` = 10) — four times as likely.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from detection import clock
from detection.register.workspace import WorkspaceData, WorkspaceSpec, build_workspace_data
from detection.vocab import CORE_KINDS
from geo.areas import assign_areas

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SAMSOE = DATA_DIR / "samsoe"

DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    # name, role, password (documented in the README; the demo holds only invented data)
    ("admin", "administrator", "demo-admin"),
    ("planner", "planner", "demo-planner"),
    ("teamleder", "team_lead", "demo-teamleder"),
    ("feltarbejder", "field_worker", "demo-feltarbejder"),
    ("feltarbejder2", "field_worker", "demo-feltarbejder2"),  # a route is walked by a pair (issue 17)
    ("analytiker", "analyst", "demo-analytiker"),
)

PUBLISHED_PASSWORDS: frozenset[str] = frozenset(pw for _, _, pw in DEMO_USERS)
"""The demo's passwords, published in the README: valid only while the workspace is the demo
(docs/privacy.md, "The demo and a real workspace"). A real workspace never holds one."""


def is_published_password(password: object) -> bool:
    """Whether ``password`` is one of the demo's published passwords (:data:`PUBLISHED_PASSWORDS`)."""
    return isinstance(password, str) and password in PUBLISHED_PASSWORDS


_DEMO_NS = uuid.UUID("0b4a3c1e-7d4f-4a9e-8c55-3e1f0f6a2d11")

DEMO_PARTNERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # name (fictitious), partner kind, signal kinds it sends
    ("Boligselskabet Kattegat (fiktiv)", "housing_association",
     ("housing_association_contact", "eviction_risk", "neighbour_complaint")),
    ("Samsø Boligforening, afd. Tranebjerg (fiktiv)", "housing_association",
     ("housing_association_contact", "neighbour_complaint")),
    ("Privat udlejer Nord (fiktiv)", "private_landlord", ("landlord_report", "eviction_risk")),
    ("Privat udlejer Syd (fiktiv)", "private_landlord", ("landlord_report",)),
    ("Ejendomsadministration Ballen (fiktiv)", "private_landlord",
     ("landlord_report", "neighbour_complaint")),
    ("Fogedretten, udsættelsesvarsler (fiktiv)", "court", ("eviction_risk",)),
    ("Vicevært, Tranebjerg (fiktiv)", "caretaker", ("caretaker_concern", "neighbour_complaint")),
    ("Hjemmeplejen, distrikt Nord (fiktiv)", "home_care", ("home_care_concern",)),
)

# Neutral wording only: what a partner saw about the home, never about a person's health.
DEMO_NOTES: dict[str, tuple[str, ...]] = {
    "landlord_report": ("Lejemålet fremstår misligholdt ved syn.", "Udlejer har ikke kunnet få adgang til lejemålet.",
                        "Post hober sig op ved døren."),
    "neighbour_complaint": ("Naboer klager over lugt fra opgangen.", "Gentagne klager over støj om natten.",
                            "Naboer har ikke set beboeren i længere tid."),
    "eviction_risk": ("Restance med husleje; varsel om udsættelse sendt.", "Sag om ophævelse af lejemål.",
                      "Fogedforretning berammet."),
    "housing_association_contact": ("Boligselskabet beder om at nogen kigger forbi.",
                                    "Beboer svarer ikke på breve fra boligselskabet.",
                                    "Afdelingen oplever at beboer isolerer sig."),
    "caretaker_concern": ("Viceværten har bemærket at gardinerne altid er trukket for.",
                          "Affald stilles i opgangen."),
    "home_care_concern": ("Hjemmeplejen oplever at døren ikke bliver åbnet.",),
}


def demo_spec() -> WorkspaceSpec:
    """The shipped Samsø files as an ``init --osm`` specification."""
    return WorkspaceSpec(
        name="Samsø (demo)",
        osm=SAMSOE / "samsoe.osm.pbf",
        areas=(("parishes", SAMSOE / "samsoe_sogne.geojson"),),
        boundary=SAMSOE / "samsoe_kommune.geojson",
        kommunekode="0741",
        synthetic=True,
    )


# Partners that send no demo signals but belong to the network (issue 7).
DEMO_NETWORK_PARTNERS: tuple[tuple[str, str], ...] = (
    ("Boligsocialt team, Tranebjerg (fiktiv)", "housing_social_worker"),
    ("Lægepraksis ved Torvet (fiktiv)", "gp_clinic"),
    ("Lokalpolitiet Samsø (fiktiv)", "local_police"),
    ("Gældsrådgivningen på øen (fiktiv)", "debt_advice"),
    ("Øens Forsyning (fiktiv)", "utility"),
    ("Vicevært, Onsbjerg (fiktiv)", "caretaker"),
    ("Beboerforeningen Nord (fiktiv)", "association"),
)

# Business contacts are functions, never people's names; phone numbers and e-mail
# addresses are visibly invented (.example).
_CONTACT_TITLES = ("Driftschef", "Afdelingsformand", "Kontaktperson, administration", "Teamleder",
                   "Sekretariat", "Områdeleder")


def _demo_partners() -> pd.DataFrame:
    names = [(name, kind) for name, kind, _ in DEMO_PARTNERS] + list(DEMO_NETWORK_PARTNERS)
    rows = []
    for i, (name, kind) in enumerate(names):
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        rows.append({"partner_id": str(uuid.uuid5(_DEMO_NS, name)), "name": name, "kind": kind,
                     "synthetic": True, "contact_name": _CONTACT_TITLES[i % len(_CONTACT_TITLES)],
                     "contact_phone": f"00 00 {i // 10:02d} {i % 10:02d}",
                     "contact_email": f"kontakt@{slug}.example", "active": True,
                     "notes": "Opdigtet samarbejdspartner (demo)."})
    return pd.DataFrame(rows)


def _pid(name: str) -> str:
    return str(uuid.uuid5(_DEMO_NS, name))


def generate_partner_network(data: WorkspaceData, *, as_of: date, seed: int = 7
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Invented coverage and a contact log for the demo partners (deterministic by seed).

    - estates (*afdelinger*) as polygons around the densest entrance clusters of
      Tranebjerg (the register has no BBR social-housing flag on Samsø; density stands in);
    - private landlords' portfolios as entrance lists (north, south and around Ballen);
    - the home-care district Nord as the Nordby parish polygon;
    - caretakers and housing-social staff with a radius around a point;
    - contacts: the Tranebjerg partners and the southern landlord within the last months
      (active), the northern ones and the police last year (lapsed), so Nordby and
      Onsbjerg — parishes with many reports — have no active partner.

    Returns ``(coverage, contacts)`` frames for :meth:`Repository.replace_partner_network`.
    """


    rng = np.random.default_rng(seed + 1000)
    ent = data.entrances.reset_index(drop=True)
    parishes = data.area_layers["parishes"]
    by_name = dict(zip(parishes["name"], parishes["area_id"], strict=True))
    geom = dict(zip(parishes["area_id"], parishes.geometry, strict=True))
    area = assign_areas(ent["x"].to_numpy(), ent["y"].to_numpy(), parishes)
    xy = ent[["x", "y"]].to_numpy()
    from scipy.spatial import cKDTree  # loaded on first use

    tree = cKDTree(xy)
    density = np.array([len(v) for v in tree.query_ball_point(xy, r=150.0)])
    cov: list[dict] = []

    def add(name: str, kind: str, **kw) -> None:
        cov.append({"partner_id": _pid(name), "kind": kind, "label": kw.pop("label", ""),
                    "geometry_wkb": kw.pop("geometry_wkb", None), "entrance_id": kw.pop("entrance_id", None),
                    "radius_m": kw.pop("radius_m", None)})

    # estates: cluster centres in Tranebjerg parish, at least 250 m apart
    tb = np.flatnonzero(area == by_name["Tranebjerg"])
    centres: list[int] = []
    for i in tb[np.argsort(-density[tb], kind="stable")]:
        if all(np.hypot(*(xy[i] - xy[c])) >= 250 for c in centres):
            centres.append(int(i))
        if len(centres) == 3:
            break
    owners = ("Boligselskabet Kattegat (fiktiv)", "Boligselskabet Kattegat (fiktiv)",
              "Samsø Boligforening, afd. Tranebjerg (fiktiv)")
    for k, (c, owner) in enumerate(zip(centres, owners, strict=False)):
        near = tree.query_ball_point(xy[c], r=90.0)
        hull = shapely.MultiPoint(xy[near]).convex_hull.buffer(15.0)
        add(owner, "polygon", label=f"afd. {k + 1}", geometry_wkb=shapely.to_wkb(hull))
    # landlord portfolios
    for name, parish, n in (("Privat udlejer Nord (fiktiv)", "Nordby", 30),
                            ("Privat udlejer Syd (fiktiv)", "Kolby", 25),
                            ("Ejendomsadministration Ballen (fiktiv)", "Onsbjerg", 12)):
        pool = np.flatnonzero(area == by_name[parish])
        for i in sorted(rng.choice(pool, size=min(n, len(pool)), replace=False)):
            add(name, "entrances", entrance_id=ent["entrance_id"].iloc[int(i)])
    # home-care district Nord = the Nordby parish
    add("Hjemmeplejen, distrikt Nord (fiktiv)", "polygon", label="distrikt Nord",
        geometry_wkb=shapely.to_wkb(geom[by_name["Nordby"]]))
    # caretakers / staff / GP / police with a radius
    tb_centre = xy[centres[0]] if centres else xy[tb[0]]
    ons = np.flatnonzero(area == by_name["Onsbjerg"])
    ons_centre = xy[ons[np.argmax(density[ons])]]
    for name, pt, r in (("Vicevært, Tranebjerg (fiktiv)", tb_centre, 400.0),
                        ("Boligsocialt team, Tranebjerg (fiktiv)", tb_centre, 700.0),
                        ("Lægepraksis ved Torvet (fiktiv)", tb_centre, 1500.0),
                        ("Vicevært, Onsbjerg (fiktiv)", ons_centre, 500.0),
                        ("Lokalpolitiet Samsø (fiktiv)", tb_centre, 6000.0),
                        ("Beboerforeningen Nord (fiktiv)", xy[np.flatnonzero(area == by_name["Nordby"])][0], 600.0)):
        add(name, "radius", geometry_wkb=shapely.to_wkb(shapely.Point(*pt)), radius_m=r)
    coverage = pd.DataFrame(cov)

    # the contact log: days before as_of of each contact, the last one sets the status
    plan = {
        "Boligselskabet Kattegat (fiktiv)": (400, 200, 35),
        "Samsø Boligforening, afd. Tranebjerg (fiktiv)": (250, 60),
        "Vicevært, Tranebjerg (fiktiv)": (120, 20),
        "Boligsocialt team, Tranebjerg (fiktiv)": (90,),
        "Lægepraksis ved Torvet (fiktiv)": (150,),
        "Privat udlejer Syd (fiktiv)": (300, 45),
        "Privat udlejer Nord (fiktiv)": (420, 260),
        "Hjemmeplejen, distrikt Nord (fiktiv)": (500, 230),
        "Ejendomsadministration Ballen (fiktiv)": (330,),
        "Vicevært, Onsbjerg (fiktiv)": (380, 240),
        "Lokalpolitiet Samsø (fiktiv)": (365,),
        "Fogedretten, udsættelsesvarsler (fiktiv)": (200,),
        "Beboerforeningen Nord (fiktiv)": (300,),
    }
    channels = ("meeting", "phone", "email", "presentation", "material")
    summaries = {"meeting": "Møde om samarbejdet og hvordan henvendelser sendes.",
                 "phone": "Opfølgende opringning; aftalt næste kontakt.",
                 "email": "Sendt e-mail med kontaktoplysninger til teamet.",
                 "presentation": "Oplæg for personalet om den opsøgende indsats.",
                 "material": "Sendt informationsmateriale (foldere) til opslagstavlen."}
    rows = []
    for name, days in plan.items():
        for j, d in enumerate(days):
            ch = channels[int(rng.integers(len(channels)))]
            when = as_of - timedelta(days=int(d))
            rows.append({"contact_id": str(uuid.uuid5(_DEMO_NS, f"contact-{seed}-{name}-{j}")),
                         "partner_id": _pid(name), "contact_date": when, "channel": ch,
                         "who": "opsøgende team", "summary": summaries[ch],
                         "next_contact": when + timedelta(days=90), "created_by": "demo"})
    return coverage, pd.DataFrame(rows)


def generate_signals(entrances: pd.DataFrame, *, n: int, as_of: date, seed: int = 7,
                     rented_unit_entrances: set[str] | None = None,
                     days_back: int = 540) -> pd.DataFrame:
    """Invented signals on real entrances (every row ``synthetic``).

    Parameters
    ----------
    entrances : DataFrame
        ``entrance_id``, ``x``, ``y`` (EPSG:25832 metres).
    n : int
        Number of signals.
    as_of : date
        "Today": signals are received in the ``days_back`` days before it.
    rented_unit_entrances : set of str, optional
        Entrances with rented or social-housing units (BBR); four times as likely.
    """
    rng = np.random.default_rng(seed)
    xy = entrances[["x", "y"]].to_numpy()
    from scipy.spatial import cKDTree  # loaded on first use

    tree = cKDTree(xy)
    density = np.array([len(v) for v in tree.query_ball_point(xy, r=150.0)], dtype=float)
    weight = density ** 1.5
    if rented_unit_entrances:
        weight = weight * np.where(entrances["entrance_id"].isin(rented_unit_entrances), 4.0, 1.0)
    # A few addresses worry several partners: draw "home" entrances, then repeat some.
    p = weight / weight.sum()
    n_homes = max(1, int(n * 0.7))
    homes = rng.choice(len(entrances), size=n_homes, replace=False, p=p)
    repeats = rng.choice(homes, size=n - n_homes, replace=True)
    picks = np.concatenate([homes, repeats])
    partners = DEMO_PARTNERS
    rows = []
    for i, idx in enumerate(picks):
        pname, _pkind, pkinds = partners[int(rng.integers(len(partners)))]
        # The four kinds the product is about dominate.
        kind = pkinds[int(rng.integers(len(pkinds)))]
        if kind not in CORE_KINDS and rng.random() < 0.5:
            kind = CORE_KINDS[int(rng.integers(len(CORE_KINDS)))]
        notes = DEMO_NOTES[kind]
        received = as_of - timedelta(days=int(rng.integers(0, days_back)))
        rows.append({
            "signal_id": str(uuid.uuid5(_DEMO_NS, f"signal-{seed}-{i}")),
            "kind": kind,
            "received": received,
            "entrance_id": entrances["entrance_id"].iloc[int(idx)],
            "unit_id": None,
            "partner_id": str(uuid.uuid5(_DEMO_NS, pname)),
            "source": pname,
            "external_ref": f"DEMO-{seed}-{i + 1:05d}",
            "note": notes[int(rng.integers(len(notes)))],
            "credibility": int(rng.choice([1, 2, 2, 3])),
            "match_quality": "exact",
            "synthetic": True,
            "assessment": "new",
            "batch_id": None,
        })
    return pd.DataFrame(rows).sort_values("signal_id", kind="stable").reset_index(drop=True)


def rented_entrances(data: WorkspaceData) -> set[str]:
    """Entrances with a rented (``enh045`` = 1) or social family (``enh046`` = 10) BBR unit."""
    b = data.bbr_units
    if b is None or b.empty:
        return set()
    hit = b[(b["tenure"] == "1") | (b["public_support"] == "10")]
    return set(data.units.loc[data.units["unit_id"].isin(hit["unit_id"]), "entrance_id"])


def build_demo_data(*, as_of: date, n_signals: int = 320, seed: int = 7) -> WorkspaceData:
    """The whole demo workspace, ready for :meth:`Repository.replace_workspace`."""
    data = build_workspace_data(demo_spec())
    signals = generate_signals(data.entrances, n=n_signals, as_of=as_of, seed=seed,
                               rented_unit_entrances=rented_entrances(data))
    return replace(data, partners=_demo_partners(), signals=signals,
                   sources=[*data.sources, {"kind": "signals", "file": "generated",
                                            "note": "invented (synthetic) signals and partners"}])


def install_demo(repo, *, as_of: date, n_signals: int = 320, seed: int = 7,
                 replace_real: bool = False, progress: Callable[[float, str], None] | None = None) -> None:
    """Build the demo into ``repo``'s database (replacing a demo that was there) with its users.

    Last, the demo team lead plans one day for one pair and assigns it to the demo's two
    field workers (:func:`plan_demo_route`). ``repo`` must act as an administrator. A real
    (non-synthetic) workspace is replaced only with ``replace_real`` (``opspor demo
    --replace-real-workspace``); else :class:`detection.errors.WorkspaceError`, before
    anything is built.
    """
    repo.check_demo_may_replace(replace_real=replace_real)
    # ``progress(fraction, step)`` hears of each main step as it starts, for a progress bar:
    # register, store, partners, users (route, if planned), and done at 1.0
    step = progress or (lambda _f, _s: None)
    step(0.0, "register")
    data = build_demo_data(as_of=as_of, n_signals=n_signals, seed=seed)
    step(0.3, "store")
    repo.replace_workspace(data, force=True, replace_real=replace_real)
    step(0.55, "partners")
    coverage, contacts = generate_partner_network(data, as_of=as_of, seed=seed)
    repo.replace_partner_network(coverage, contacts)
    step(0.6, "users")
    for name, role, password in DEMO_USERS:
        repo.upsert_user(name, role=role, password=password)
    step(0.75, "route")
    plan_demo_route(repo, as_of=as_of)
    step(0.85, "field")
    demo_field_history(repo, as_of=as_of)
    step(0.92, "method")
    demo_method_history(repo, as_of=as_of, today=clock.today(), seed=seed)
    step(1.0, "done")


#: The demo's one planned route (issue 15): the team lead plans a day for one pair in this
#: parish — the island's smallest number of reported doors, a few seconds to plan — and
#: gives it to the demo's pair of field workers (never one alone, issue 17), so the field
#: worker's phone page shows a route from the start.
DEMO_ROUTE_PARISH = "Besser"
DEMO_ROUTE_TEAM: tuple[str, ...] = ("feltarbejder", "feltarbejder2")


def plan_demo_route(repo, *, as_of: date) -> dict | None:  # noqa: ANN001 - a Repository
    """Plan and assign the demo's route through the repository, as the demo team lead.

    Plans stored before (a demo built over the demo) are deleted first. One pair, one day:
    ``as_of`` when it is a working day (so the field worker sees today's route), else the
    next one; the reported doors of :data:`DEMO_ROUTE_PARISH`, searched for a fixed number
    of iterations (the same demo each time). Returns the route, or ``None`` (and no plan
    kept) when the parish has no reported door (a demo with very few signals).
    """
    lead = repo.as_user("teamleder")
    # install_demo's replace_workspace has dropped older plans already; called on its own
    # (tests), the demo's plans are replaced so its pair is not busy that day (one route a day)
    for old in lead.route_plans():
        lead.delete_route_plan(old["plan_id"])
    area = next((a["key"] for a in lead.planning_areas()
                 if a["kind"] == "parishes" and a["name"] == DEMO_ROUTE_PARISH), None)
    if area is None:
        return None
    # from_date = as_of: a plan's first day is that date when it is a working day, else the next one
    plan = lead.plan_routes(area, teams=1, days=1, from_date=as_of, as_of=as_of, doors="reported",
                            seconds=5.0, iterations=300, seed=1)
    route = next((r for r in plan["routes"] if r["stops"]), None)
    if route is None:
        lead.delete_route_plan(plan["plan_id"])
        return None
    lead.assign_route(route["route_id"], list(DEMO_ROUTE_TEAM))
    return {**route, "members": list(DEMO_ROUTE_TEAM)}


#: The demo's field history (issue 17): the pair walked a route in this parish a week before
#: the demo's date; the first :data:`DEMO_LETTER_DOORS` doors of that route were
#: found not home for the third time, so a plan there has letters due.
DEMO_HISTORY_PARISH = "Tranebjerg"
DEMO_LETTER_DOORS = 6
#: The letters' team details: a phone number that is plainly not real (the demo names no one).
DEMO_LETTERS = {"phone": "12 34 56 78", "hours": "mandag til fredag kl. 9-15",
                "team": "Det opsøgende team (demo)"}


def demo_field_history(repo, *, as_of: date) -> dict | None:  # noqa: ANN001 - a Repository
    """Give the demo a past: the letters' team details, and the outcomes of a route a week
    before ``as_of`` in :data:`DEMO_HISTORY_PARISH` — "not home" three times (two and one weeks before,
    and that day) at its first :data:`DEMO_LETTER_DOORS` doors, so they are due a letter,
    and once at the others, so they are due a revisit. All through the repository, as the
    demo team lead (the route is planned to give the outcomes a realistic order and times,
    then deleted: the demo keeps one plan, today's); the outcomes' batch is named as the
    demo's. Returns ``{"letter_doors"}``, or ``None`` when the parish has no reported door."""
    lead = repo.as_user("teamleder")
    lead.set_letters(phone=DEMO_LETTERS["phone"], hours=DEMO_LETTERS["hours"], team=DEMO_LETTERS["team"],
                     template=None)
    area = next((a["key"] for a in lead.planning_areas()
                 if a["kind"] == "parishes" and a["name"] == DEMO_HISTORY_PARISH), None)
    if area is None:
        return None
    # a week before: the plan's first working day from then (weekends, holidays skipped)
    first = as_of - timedelta(days=7)
    plan = lead.plan_routes(area, teams=1, days=1, from_date=first, as_of=first, doors="reported",
                            seconds=5.0, iterations=200, seed=1, mode="walk")
    route = next((r for r in plan["routes"] if r["stops"]), None)
    lead.delete_route_plan(plan["plan_id"])
    if route is None:
        return None
    day = date.fromisoformat(route["day"])
    rows = []
    for k, stop in enumerate(route["stops"]):
        at = pd.Timestamp(stop["arrive"]).tz_convert("Europe/Copenhagen")
        visits = [at]
        if k < DEMO_LETTER_DOORS:  # two earlier tries, in the other times of day
            visits += [pd.Timestamp(f"{day - timedelta(days=14)} 10:15", tz="Europe/Copenhagen"),
                       pd.Timestamp(f"{day - timedelta(days=7)} 13:40", tz="Europe/Copenhagen")]
        rows += [{"entrance_id": stop["entrance_id"], "unit_id": "", "outcome": "not_home",
                  "visited_at": v.isoformat(), "note": ""} for v in visits]
    lead.import_outcomes(rows, as_of=as_of, file_name="demo (synthetic)")
    return {"letter_doors": [s["entrance_id"] for s in route["stops"][:DEMO_LETTER_DOORS]]}


#: The demo's framing of the half-year it falls in (issue 16): invented, flagged by the demo's
#: banner and by the words "(demo)"; a real workspace starts with no framing at all.
DEMO_FRAMING = {"target_group": "Borgere med psykisk sygdom, der lever isoleret i egen bolig (demo)",
                "pairs": 2, "hours_per_week": 30, "shift": "09:00-15:00", "hourly_cost_dkk": 450,
                "other_costs_dkk": 35_000, "goals": {"partners": 10, "doors": 400, "contacts": 20, "handovers": 8}}
#: courses started by hand from assessed reports, and at doors with no report
DEMO_REPORT_COURSES = 14
DEMO_DOOR_COURSES = 8
#: (stage reached, handover target or close reason) of the demo's courses, in turn
_DEMO_PATHS = (("handed_over", "cti"), ("relationship", None), ("handed_over", "s85"), ("closed", "declined"),
               ("bridging", None), ("handed_over", "s99"), ("contact", None), ("relationship", None),
               ("handed_over", "act"), ("closed", "moved"), ("bridging", None), ("handed_over", "gp"))


def demo_method_history(repo, *, as_of: date, today: date, seed: int = 7) -> dict:  # noqa: ANN001 - a Repository
    """Give the demo phase 2 (issue 16), all through the repository: the framing of the
    half-year of ``as_of`` with the labelled worked example of docs/evaluation.md as its
    economics; the planner's assessment of the period's reports (most in the target group);
    :data:`DEMO_REPORT_COURSES` courses started by hand from assessed reports and
    :data:`DEMO_DOOR_COURSES` from "contact established" at doors without a report, given
    to the two demo field workers; each moved along :data:`_DEMO_PATHS` with meetings.
    No date is after ``today`` (the repository refuses the future). Returns the counts."""
    rng = np.random.default_rng(seed)
    planner, lead = repo.as_user("planner"), repo.as_user("teamleder")
    end_day = min(as_of, today)
    start = date(end_day.year, 1 if end_day.month <= 6 else 7, 1)
    end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
    lead.set_framing(period_from=start, period_to=end, **DEMO_FRAMING)
    planner.set_economics("example")
    planner.save_model(planner.model())  # the planner's model, saved in the period (geographic mapping)
    sig = planner.signals(purpose="demo: assess the period's reports")
    sig = sig[(pd.to_datetime(sig["received"]).dt.date >= start) & (pd.to_datetime(sig["received"]).dt.date
                                                                      <= end_day)]
    ids = sorted(sig["signal_id"])
    rng.shuffle(ids)
    n = len(ids)
    # none "not in the target group": that takes a report out of the priorities, and the demo's
    # map and figures stay those of the reports as generated
    in_group, unclear = ids[: int(n * 0.45)], ids[int(n * 0.45): int(n * 0.6)]
    for chosen, what in ((in_group, "in_target_group"), (unclear, "unclear")):
        if chosen:
            planner.assess_signals(chosen, what)
    workers = ("feltarbejder", "feltarbejder2")
    span = max(1, (end_day - start).days)
    started: list[tuple[str, date]] = []
    # by hand, from the assessed reports (one course per entrance)
    cands = lead.course_candidates()
    for k, c in enumerate(cands[:DEMO_REPORT_COURSES]):
        day = max(date.fromisoformat(c["received"]), start) + timedelta(days=int(rng.integers(3, 20)))
        day = min(day, end_day)
        cid = lead.start_course(c["entrance_id"], on=day, owner=workers[k % 2])
        started.append((cid, day))
    # at doors with no report: "contact established" (the course starts by itself)
    reported = set(planner.signals(purpose="demo: doors without a report")["entrance_id"])
    ents = [e for e in sorted(repo.entrances()["entrance_id"]) if e not in reported]
    picks = [ents[i] for i in rng.choice(len(ents), size=min(DEMO_DOOR_COURSES, len(ents)), replace=False)]
    rows = []
    for e in picks:
        day = start + timedelta(days=int(rng.integers(0, span)))
        rows.append({"entrance_id": e, "unit_id": "", "outcome": "contact_established",
                     "visited_at": pd.Timestamp(f"{day} 11:30", tz="Europe/Copenhagen").isoformat(), "note": ""})
    if rows:
        lead.import_outcomes(rows, as_of=end_day, file_name="demo (synthetic)")
    door = [c for c in lead.courses() if c["origin"] == "door" and c["entrance_id"] in set(picks)]
    for k, c in enumerate(door):
        lead.set_course_owner(c["course_id"], workers[k % 2])
        started.append((c["course_id"], date.fromisoformat(c["started_on"])))
    # along the method: meetings, then the stages, never after end_day
    kinds = ("home_visit", "phone", "accompaniment")
    for k, (cid, day) in enumerate(started):
        stage, end_word = _DEMO_PATHS[k % len(_DEMO_PATHS)]
        left = (end_day - day).days
        order = ["relationship", "bridging", "handed_over"]
        steps = [] if stage == "contact" else ["relationship"] if stage == "relationship" else \
            ["relationship", "bridging"] if stage == "bridging" else order if stage == "handed_over" else []
        if stage == "closed":
            steps = ["relationship", "closed"] if k % 2 else ["closed"]
        when = day
        for m in range(int(rng.integers(1, 6)) if left > 2 else 0):
            met = day + timedelta(days=min(left, 2 + 9 * m))
            if met > end_day:
                break
            lead.add_meeting(cid, on=met, kind=kinds[m % 3], minutes=int(rng.choice([30, 45, 60, 90])))
        for i, s in enumerate(steps):
            when = min(end_day, day + timedelta(days=int(left * (i + 1) / (len(steps) + 1))))
            lead.move_course(cid, to=s, on=when, target=end_word if s == "handed_over" else None,
                             reason=end_word if s == "closed" else None)
    return {"framing": (start, end), "courses": len(started), "assessed": len(in_group)}

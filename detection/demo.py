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
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from detection.kinds import CORE_KINDS
from detection.repository import WorkspaceData
from detection.workspace import WorkspaceSpec, build_workspace_data

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMSOE = DATA_DIR / "samsoe"

DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    # name, role, password (documented in the README; the demo holds only invented data)
    ("admin", "administrator", "demo-admin"),
    ("planner", "planner", "demo-planner"),
    ("teamleder", "team_lead", "demo-teamleder"),
    ("feltarbejder", "field_worker", "demo-feltarbejder"),
    ("analytiker", "analyst", "demo-analytiker"),
)

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


def _demo_partners() -> pd.DataFrame:
    return pd.DataFrame([
        {"partner_id": str(uuid.uuid5(_DEMO_NS, name)), "name": name, "kind": kind, "synthetic": True}
        for name, kind, _ in DEMO_PARTNERS])


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


def install_demo(repo, *, as_of: date, n_signals: int = 320, seed: int = 7) -> None:
    """Build the demo into ``repo``'s database (replacing what was there) with its users.

    ``repo`` must act as an administrator.
    """
    repo.replace_workspace(build_demo_data(as_of=as_of, n_signals=n_signals, seed=seed), force=True)
    for name, role, password in DEMO_USERS:
        repo.upsert_user(name, role=role, password=password)

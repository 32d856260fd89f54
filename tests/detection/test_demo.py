"""The demo generator: invented, flagged, seeded, placed where the register suggests rented housing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from detection.register import demo
from detection.register.workspace import WorkspaceSpec, build_workspace_data
from detection.repository import Repository
from detection.vocab import CORE_KINDS, KIND_BY_ID

ROOT = Path(__file__).resolve().parents[2]
ODENSE = ROOT / "data" / "odense"
AS_OF = date(2026, 11, 1)

HEALTH_WORDS = re.compile(
    r"psyk|sindslid|diagnos|skizofren|depressi|medicin|sygdom|syg\b|angst|misbrug|demens|"
    r"mental|illness|cpr", re.IGNORECASE)


@pytest.fixture(scope="module")
def demo_signals(demo_db) -> pd.DataFrame:
    repo = Repository.open(str(demo_db), "planner")
    return repo.signals(purpose="test the demo generator")


def test_demo__summary_has_real_samsoe_and_four_kinds(demo_db):
    s = Repository.open(str(demo_db), "admin").summary()
    assert s["kommunekode"] == "0741" and s["synthetic"] is True
    assert 4_550 <= s["entrances"] <= 4_700
    assert s["areas"] == {"parishes": 5}
    assert s["network_nodes"] > 1_000 and s["network_edges"] > 1_000
    assert set(CORE_KINDS) <= set(s["signals_by_kind"])
    assert s["entrances_snapped"] == s["entrances"]


def test_demo__every_signal_synthetic_and_received_before_as_of(demo_signals):
    assert demo_signals["synthetic"].all()
    received = pd.to_datetime(demo_signals["received"]).dt.date
    assert (received <= AS_OF).all()
    assert set(demo_signals["kind"]) <= set(KIND_BY_ID)


def test_demo__notes_name_no_one_and_use_no_health_words(demo_db):
    from sqlalchemy import text

    repo = Repository.open(str(demo_db), "admin")
    with repo.engine.connect() as conn:
        notes = [r[0] for r in conn.execute(text("SELECT note FROM signals"))]
        partners = [r[0] for r in conn.execute(text("SELECT name FROM partners"))]
    allowed_notes = {n for ns in demo.DEMO_NOTES.values() for n in ns}
    assert set(notes) <= allowed_notes
    assert not [n for n in notes + partners if HEALTH_WORDS.search(n)]
    assert all("(fiktiv)" in p for p in partners)


def test_generate_signals__same_seed_same_signals_other_seed_differs():
    entr = pd.read_csv(ROOT / "data" / "samsoe" / "samsoe_osm_addresses.csv").rename(
        columns={"osak_identifier": "entrance_id", "x_25832": "x", "y_25832": "y"}).dropna(subset=["entrance_id"])
    a = demo.generate_signals(entr, n=200, as_of=AS_OF, seed=1)
    b = demo.generate_signals(entr, n=200, as_of=AS_OF, seed=1)
    c = demo.generate_signals(entr, n=200, as_of=AS_OF, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a["entrance_id"].equals(c["entrance_id"])


def test_generate_signals__rented_and_social_housing_more_likely():
    data = build_workspace_data(WorkspaceSpec(
        name="Odense", addresses=ODENSE / "dawa_test_adgangsadresser.csv",
        units=ODENSE / "dawa_test_enhedsadresser.csv",
        bbr_units=ODENSE / "bbr2020_test_enheder.csv"))
    rented = demo.rented_entrances(data)
    assert 0 < len(rented) < len(data.entrances)
    sig = demo.generate_signals(data.entrances, n=400, as_of=AS_OF, seed=3, rented_unit_entrances=rented)
    plain = demo.generate_signals(data.entrances, n=400, as_of=AS_OF, seed=3)
    share_weighted = sig["entrance_id"].isin(rented).mean()
    share_plain = plain["entrance_id"].isin(rented).mean()
    assert share_weighted > share_plain + 0.1

"""A small real workspace (Nordby, Samsø, from the OSM fixture) with one user per role."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from detection.access import ROLES
from detection.register.workspace import WorkspaceSpec, build_workspace_data
from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
NORDBY = ROOT / "tests" / "data" / "samsoe_nordby.osm.pbf"


def role_user(role: str) -> str:
    return f"u_{role}"


def make_workspace(url: str, *, n_signals: int = 30, received: date = date(2026, 10, 1)) -> Repository:
    """Build the Nordby workspace into ``url`` with users per role and some signals."""
    from dataclasses import replace

    admin = Repository.open(url, None)
    data = build_workspace_data(WorkspaceSpec(name="Nordby", osm=NORDBY))
    entr = data.entrances["entrance_id"].iloc[:n_signals]
    signals = pd.DataFrame({
        "signal_id": [str(uuid.uuid4()) for _ in entr], "kind": "neighbour_complaint",
        "received": received, "entrance_id": entr.to_numpy(), "unit_id": None, "partner_id": None,
        "source": "test", "external_ref": [f"T-{i}" for i in range(len(entr))], "note": "",
        "credibility": 2, "match_quality": "exact", "synthetic": True, "assessment": "new",
        "batch_id": None})
    admin.replace_workspace(replace(data, signals=signals), force=True)
    for role in ROLES:
        admin.upsert_user(role_user(role), role=role, password="pw-" + role)
    admin.upsert_user("u_field_worker2", role="field_worker", password="pw")
    return admin


@pytest.fixture()
def nordby(db_url) -> Repository:
    """A fresh Nordby workspace per test on the backend(s) of ``OPSPOR_TEST_BACKEND``
    (SQLite and/or PostGIS, see ``db_url``); returns the admin repository."""
    return make_workspace(db_url)

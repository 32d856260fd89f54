"""Every write path issue 13 found unscrubbed now stores no CPR number (SQLite and PostGIS).

The fields: outcome notes (phone page and import, with an honest ``cpr_removed``),
door-decision notes, partner name/notes/contact name/phone, contact-log summary and "who",
focus-area names, route-plan labels, and the teams an entrance is assigned to. Labels
that reach paper refuse health words before anything is solved or saved.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import shapely
from sqlalchemy import select

from detection.cpr import contains_cpr
from detection.errors import HealthWordInLabel
from detection.repository import Repository
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import role_user

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # the app's own ids

CPH = ZoneInfo("Europe/Copenhagen")
# CPR numbers with valid dates, in spellings the old guard missed
NBSP = "150324\u00a01234"
DOTS = "15.03.24.1234"
SPACED = "15 03 24 12 34"
ZW = "150324\u200b1234"
AS_OF = date(2026, 11, 1)


def _as(repo: Repository, role: str) -> Repository:
    return Repository.open(repo.engine.url.render_as_string(hide_password=False), role_user(role))


def _every_text(repo: Repository) -> list[str]:
    out = []
    with store_engine.read_tx(repo.engine) as conn:
        for tbl in t.metadata.sorted_tables:
            for row in conn.execute(select(tbl)).mappings():
                out += [v for v in row.values() if isinstance(v, str)]
    return out


def _no_cpr_anywhere(repo: Repository) -> None:
    # the app's own ids are random UUIDs: their hex groups can spell a date and four digits
    # across the dashes ("…-2302-4247-93…"), which is no CPR number (as identifier_has_cpr)
    leaks = [s for s in _every_text(repo)
             if (not UUID.fullmatch(s) and contains_cpr(s)) or "1503241234" in "".join(filter(str.isdigit, s))]
    assert not leaks, leaks


def test_outcome_notes_from_the_phone_page_and_an_import_count_what_was_removed(nordby):
    with store_engine.read_tx(nordby.engine) as conn:
        e = conn.execute(select(t.entrances.c.entrance_id).order_by(t.entrances.c.entrance_id)).scalars().first()
    lead = _as(nordby, "team_lead")
    lead.record_outcome(e, "not_home", visited_at=datetime(2026, 10, 30, 10, tzinfo=CPH),
                          note=f"naboen sagde {NBSP}")
    out = lead.import_outcomes([
        {"entrance_id": e, "unit_id": None, "outcome": "not_home",
         "visited_at": "2026-10-31 11:00", "note": f"cpr {DOTS} og {ZW}"}], as_of=AS_OF, file_name="phone")
    assert out["imported"] == 1 and out["cpr_removed"] == 2
    notes = list(lead.outcomes()["note"])
    assert all("[CPR fjernet]" in n for n in notes), notes
    _no_cpr_anywhere(nordby)


def test_partner_contact_log_and_door_decision_text_is_scrubbed(nordby):
    planner = _as(nordby, "planner")
    pid = planner.add_partner(f"Boligselskab {SPACED}", "housing_association", contact_name=f"Vicevært {NBSP}",
                             contact_phone=f"tlf {DOTS}", notes=f"ring {ZW}")
    planner.log_contact(pid, contact_date=date(2026, 10, 1), channel="meeting", who=f"IB {NBSP}",
                       summary=f"aftalt {SPACED}")
    with store_engine.read_tx(nordby.engine) as conn:
        e = conn.execute(select(t.entrances.c.entrance_id)).scalars().first()
    _as(nordby, "team_lead").clear_unsafe(e, note=f"ok efter samtale {DOTS}")
    texts = _every_text(nordby)
    assert sum("[CPR fjernet]" in s for s in texts) >= 6
    _no_cpr_anywhere(nordby)


def test_focus_area_names_are_scrubbed_and_health_words_refused(nordby):
    with store_engine.read_tx(nordby.engine) as conn:
        xs = conn.execute(select(t.entrances.c.x, t.entrances.c.y)).all()
    x, y = xs[0]
    box = shapely.box(x - 300, y - 300, x + 300, y + 300)
    planner = _as(nordby, "planner")
    with pytest.raises(HealthWordInLabel):
        planner.save_focus_area("Psykiatri-området", box, origin="drawn", as_of=AS_OF)
    planner.save_focus_area(f"Nordby {NBSP}", box, origin="drawn", as_of=AS_OF)
    names = list(planner.focus_areas()["name"])
    assert names == ["Nordby [CPR fjernet]"]
    _no_cpr_anywhere(nordby)


def test_a_plan_label_with_a_health_word_is_refused_before_solving(nordby):
    with store_engine.read_tx(nordby.engine) as conn:
        x, y = conn.execute(select(t.entrances.c.x, t.entrances.c.y)).first()
    box = shapely.box(x - 300, y - 300, x + 300, y + 300)
    lead = _as(nordby, "team_lead")
    with pytest.raises(HealthWordInLabel):
        lead.plan_routes("misbrug ved havnen", area_geometry=box, teams=1, days=1, as_of=AS_OF, seconds=1)
    assert lead.route_plans() == []

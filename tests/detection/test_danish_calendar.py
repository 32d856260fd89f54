"""Issue 17, the Danish calendar: a plan across Christmas skips the public holidays, the
weekends and the municipality's closed days (a workspace setting, set with the CLI)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from detection.cli.main import main
from detection.errors import InputError, NotAllowed
from detection.repository import Repository

CHRISTMAS = date(2026, 12, 21)  # a Monday; 24.12 Thursday, 25.12 Friday, 26.12 Saturday


def _cli(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def _days(plan: dict) -> list[date]:
    return [date.fromisoformat(d) for d in plan["params"]["days"]]


def test_plan_across_christmas_skips_holidays_weekends_and_the_closed_days(demo_copy, capsys):
    lead = Repository.open(str(demo_copy), "teamleder")
    area = next(a["key"] for a in lead.planning_areas() if a["name"] == "Besser")
    # today's behaviour: no closed days, so 24.12 is a working day
    assert lead.settings()["closed_days"] == []
    plan = lead.route_plan(lead.plan_routes(area, teams=1, days=7, from_date=CHRISTMAS, as_of=date(2026, 12, 1),
                                            seconds=1.0)["plan_id"])
    assert _days(plan) == [date(2026, 12, d) for d in (21, 22, 23, 24, 28, 29, 30)]

    # the team lead sets 24 and 31 December as the municipality's closed days with the CLI
    code, out = _cli(capsys, "--db", str(demo_copy), "--user", "teamleder", "settings",
                     "--set", "closed_days=24.12,31.12", "--json")
    assert code == 0 and out["settings"]["closed_days"] == ["24.12", "31.12"]
    assert lead.closed_days().texts() == ["24.12", "31.12"]

    plan = lead.route_plan(lead.plan_routes(area, teams=1, days=7, from_date=CHRISTMAS, as_of=date(2026, 12, 1),
                                            seconds=1.0)["plan_id"])
    days = _days(plan)
    assert days == [date(2026, 12, d) for d in (21, 22, 23, 28, 29, 30)] + [date(2027, 1, 4)]
    for off in (24, 25, 26, 27, 31):  # closed, Juledag, Anden juledag (a Saturday), Sunday, closed
        assert date(2026, 12, off) not in days
    assert date(2027, 1, 1) not in days  # Nytårsdag
    assert all(date.fromisoformat(r["day"]) in days for r in plan["routes"])
    assert plan["params"]["closed_days"] == ["24.12", "31.12"]  # kept with the plan for its day list

    # the default first day skips them too: planned on 23.12 → the next working day is 28.12
    nxt = lead.route_plan(lead.plan_routes(area, teams=1, days=1, as_of=date(2026, 12, 23), seconds=1.0)["plan_id"])
    assert _days(nxt) == [date(2026, 12, 28)]


def test_closed_days_setting__round_trip_clear_errors_and_who_may_set_it(demo_copy, capsys):
    db = str(demo_copy)
    code, out = _cli(capsys, "--db", db, "settings", "--set", "closed_days=31.12, 24.12;02.01.2027", "--json")
    assert code == 0 and out["settings"]["closed_days"] == ["24.12", "31.12", "02.01.2027"]
    code, out = _cli(capsys, "--db", db, "settings", "--json")  # read back by any role
    assert out["settings"]["closed_days"] == ["24.12", "31.12", "02.01.2027"]
    assert out["settings"]["retention_signals_days"] == 183  # the number settings are unchanged

    code, out = _cli(capsys, "--db", db, "settings", "--set", "closed_days=24.12,32.12", "--json")
    assert code == 1 and out["error"]["code"] == "closed_day"
    assert "'32.12' is not a date" in out["error"]["message"] and "DD.MM" in out["error"]["message"]
    code, out = _cli(capsys, "--db", db, "settings", "--json")
    assert out["settings"]["closed_days"] == ["24.12", "31.12", "02.01.2027"]  # nothing half-saved

    code, out = _cli(capsys, "--db", db, "--user", "planner", "settings", "--set", "closed_days=24.12", "--json")
    assert code == 3 and out["error"]["code"] == "not_allowed"

    code, out = _cli(capsys, "--db", db, "settings", "--set", "closed_days=", "--json")  # cleared
    assert code == 0 and out["settings"]["closed_days"] == []

    admin = Repository.open(db, "admin")
    with pytest.raises(InputError, match=r"closed day 'juleaften' is not a date: write DD.MM"):
        admin.set_closed_days("24.12, juleaften")
    with pytest.raises(InputError, match=r"too many to store \(307 characters, at most 200\)"):
        admin.set_closed_days([f"{d:02d}.01.2027" for d in range(1, 29)])
    with pytest.raises(NotAllowed):
        Repository.open(db, "feltarbejder").set_closed_days("24.12")
    assert "closed_days=24.12,31.12,02.01.2027" in admin.audit_list(action="settings.")["object"].tolist()

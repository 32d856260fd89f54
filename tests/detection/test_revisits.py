"""Revisit rules (not home → later day, other time of day; letter after N) and working days."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from detection.clock import COPENHAGEN
from detection.routes.planner import PlanSettings, bucket_of, plan_routes
from detection.routes.revisits import (
    Candidate,
    ClosedDayError,
    ClosedDays,
    danish_holidays,
    days_off,
    door_needs,
    is_working_day,
    next_working_day,
    working_days,
)


def _o(rows):
    return pd.DataFrame(rows, columns=["entrance_id", "unit_id", "outcome", "visited_at"])


def at(d: str, hhmm: str) -> datetime:
    h, m = (int(p) for p in hhmm.split(":"))
    y, mo, dd = (int(p) for p in d.split("-"))
    return datetime(y, mo, dd, h, m, tzinfo=COPENHAGEN)


C = Candidate("E1", 100.0, 100.0, ("U1", "U2"), 2.0)


def test_danish_holidays__public_only_from_the_holidays_package():
    h = danish_holidays(2026)
    for d in (date(2026, 1, 1), date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14),
              date(2026, 5, 25), date(2026, 12, 25), date(2026, 12, 26)):
        assert d in h, d
    assert h[date(2026, 12, 25)] == "Juledag" and h[date(2026, 12, 26)] == "Anden juledag"
    assert danish_holidays(2026, language="en")[date(2026, 12, 25)] == "Christmas Day"
    assert date(2026, 5, 1) not in h  # store bededag is gone since 2024 (1 May 2026 is a Friday)
    assert date(2023, 5, 5) in danish_holidays(2023)
    # the package's "optional" days are working days by law: not holidays here
    for d in (date(2026, 6, 5), date(2026, 12, 24), date(2026, 12, 31)):
        assert d not in h, d


def test_working_days_skip_weekends_and_holidays():
    assert working_days(date(2026, 12, 23), 3) == [date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 28)]
    assert next_working_day(date(2026, 10, 30)) == date(2026, 11, 2)  # Friday → Monday
    assert working_days(date(2026, 5, 13), 2) == [date(2026, 5, 13), date(2026, 5, 15)]  # Ascension Day


def test_closed_days__every_year_and_one_day_are_skipped_too():
    closed = ClosedDays.parse("24.12, 31.12; 29.12.2026")
    assert closed.texts() == ["24.12", "31.12", "29.12.2026"]
    assert working_days(date(2026, 12, 21), 7, closed=closed) == [
        date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 30),
        date(2027, 1, 4), date(2027, 1, 5)]
    assert next_working_day(date(2026, 12, 23), closed=closed) == date(2026, 12, 28)
    assert not is_working_day(date(2027, 12, 24), closed=closed) and is_working_day(date(2027, 12, 29), closed=closed)
    assert ClosedDays.parse("2026-12-29") == ClosedDays.parse("29.12.2026") and not ClosedDays.parse("")


def test_days_off__name_the_holiday_the_closed_day_and_the_weekend():
    off = days_off(date(2026, 12, 23), date(2027, 1, 4), closed=ClosedDays.parse("24.12,31.12"))
    assert [(o.day, o.reason, o.name) for o in off] == [
        (date(2026, 12, 24), "closed", ""), (date(2026, 12, 25), "holiday", "Juledag"),
        (date(2026, 12, 26), "holiday", "Anden juledag"), (date(2026, 12, 27), "weekend", ""),
        (date(2026, 12, 31), "closed", ""), (date(2027, 1, 1), "holiday", "Nytårsdag"),
        (date(2027, 1, 2), "weekend", ""), (date(2027, 1, 3), "weekend", "")]


@pytest.mark.parametrize("bad", ["32.12", "24-12", "29.02.2027", "juleaften", "24.12.26"])
def test_closed_days__a_value_that_is_not_a_date_is_named_with_the_fix(bad):
    with pytest.raises(ClosedDayError, match=rf"closed day '{bad}' is not a date: write DD.MM .* DD.MM.YYYY"):
        ClosedDays.parse(f"24.12, {bad}")


def test_no_outcome_means_visit_all_units():
    doors, left = door_needs([C], _o([]))
    assert not left
    assert doors[0].task == "visit" and doors[0].units == ("U1", "U2")


def test_not_home_in_the_morning_becomes_an_afternoon_revisit_on_a_later_day():
    doors, left = door_needs([C], _o([("E1", None, "not_home", at("2026-11-02", "10:15"))]))
    d = doors[0]
    assert d.task == "revisit" and d.units == ("U1", "U2")
    assert d.not_before == date(2026, 11, 2)
    assert d.avoid_buckets == frozenset({"morning"})
    # planned over Monday and Tuesday: it lands on Tuesday afternoon
    s = PlanSettings(days=(date(2026, 11, 2), date(2026, 11, 3)), start_xy=(0.0, 0.0), teams=1, seconds=0.3)
    plan = plan_routes(doors, s)
    stop = next(st for r in plan.routes for st in r.stops)
    assert stop.arrive.date() == date(2026, 11, 3)
    assert bucket_of(stop.arrive.hour * 3600 + stop.arrive.minute * 60) == "afternoon"


def test_after_three_not_homes_a_letter_is_due():
    o = _o([("E1", None, "not_home", at("2026-11-02", "10:00")),
            ("E1", None, "not_home", at("2026-11-03", "13:00")),
            ("E1", None, "not_home", at("2026-11-04", "18:00"))])
    doors, _ = door_needs([C], o)
    assert doors[0].task == "letter"
    doors2, _ = door_needs([C], o.iloc[:2])
    assert doors2[0].task == "revisit"
    assert door_needs([C], o, attempts=2)[0][0].task == "letter"


def test_two_tried_buckets_leave_the_third_or_at_least_not_the_last():
    o = _o([("E1", None, "not_home", at("2026-11-02", "10:00")),
            ("E1", None, "not_home", at("2026-11-03", "13:00"))])
    d = door_needs([C], o, shift=(9 * 3600, 19 * 3600))[0][0]
    assert d.avoid_buckets == frozenset({"morning", "afternoon"})  # evening still untried
    d = door_needs([C], o, shift=(9 * 3600, 15 * 3600))[0][0]
    assert d.avoid_buckets == frozenset({"afternoon"})  # shift has no evening: not the last one


def test_unit_outcomes_per_unit_and_whole_entrance():
    o = _o([("E1", "U1", "contact_established", at("2026-11-02", "10:00")),
            ("E1", "U2", "not_home", at("2026-11-02", "10:05"))])
    d = door_needs([C], o)[0][0]
    assert d.task == "revisit" and d.units == ("U2",)
    o2 = _o([("E1", "U1", "talked_no_need", at("2026-11-02", "10:00")),
             ("E1", "U2", "declined", at("2026-11-02", "10:05"))])
    doors, left = door_needs([C], o2)
    assert doors == [] and left == [("E1", "done")]


def test_unsafe_is_never_planned_without_a_leads_decision():
    o = _o([("E1", "U1", "unsafe", at("2026-11-02", "10:00"))])
    assert door_needs([C], o) == ([], [("E1", "unsafe")])
    dec = pd.DataFrame([{"entrance_id": "E1", "decision": "clear_unsafe",
                         "decided_at": at("2026-11-03", "08:00")}])
    doors, left = door_needs([C], o, dec)
    assert not left and doors[0].task == "visit"
    # a decision older than the unsafe mark does not clear it
    old = dec.assign(decided_at=at("2026-11-01", "08:00"))
    assert door_needs([C], o, old)[1] == [("E1", "unsafe")]


def test_a_newer_report_starts_over():
    o = _o([("E1", None, "letter_left", at("2026-10-01", "10:00"))])
    assert door_needs([C], o)[1] == [("E1", "done")]
    newer = Candidate("E1", 100.0, 100.0, ("U1", "U2"), 2.0, newest_report=date(2026, 10, 20))
    assert door_needs([newer], o)[0][0].task == "visit"


def test_attempts_must_be_positive():
    with pytest.raises(ValueError):
        door_needs([C], _o([]), attempts=0)

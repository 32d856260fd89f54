"""Courses (*forløb*, phase 2, issue 16) in the repository (SQLite and PostGIS) and the CLI.

- A field worker's "contact established" at their own door starts exactly one course, owned
  by them, origin door, stage contact, started on the visit's Copenhagen day; taking the
  outcome back the same day removes the course while nothing has happened in it, and not
  after; correcting an outcome to or from "contact established" starts or drops it.
- By hand, a course needs a report assessed in the target group at the entrance; a field
  worker always follows what they start, a team lead may name who does.
- The stages move one at a time (contact → relationship → bridging → handed over, or
  closed from any open stage); every other move is refused, saying which moves there are.
- Meetings: three kinds, 1–600 minutes, dated within the course and not in the future.
- The access matrix; a field worker sees and changes only their own courses; every read is
  audited with the addresses it showed; no CPR number reaches the store; ended courses go
  by the retention rule, open ones stay; the citizen's access and erasure include courses.

No test waits: the clock is replaced (:func:`_at`).
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from detection import clock
from detection.access import ROLES
from detection.cli.main import main
from detection.clock import COPENHAGEN
from detection.cpr import contains_cpr
from detection.errors import InputError, NotAllowed
from detection.method.courses import NEXT, STAGES
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user
from tests.store.test_text_guard import DIGITS

TODAY = date(2026, 11, 20)  # a Friday
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=COPENHAGEN)
FW, FW2, LEAD, PLANNER = role_user("field_worker"), "u_field_worker2", role_user("team_lead"), role_user("planner")
#: a CPR number as a person would type it (the digits of tests/store/test_text_guard.py)
CPR = f"{DIGITS[:6]}-{DIGITS[6:]}"


def _at(monkeypatch, when: datetime) -> None:
    """Let the clock say ``when`` (aware), today included."""
    monkeypatch.setattr(clock, "now_utc", lambda: when.astimezone(UTC))
    monkeypatch.setattr(clock, "now_local", lambda: when.astimezone(COPENHAGEN))
    monkeypatch.setattr(clock, "today", lambda: when.astimezone(COPENHAGEN).date())


def _url(repo) -> str:
    return str(repo.engine.url.render_as_string(hide_password=False))


def _cli(*argv: str) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, json.loads(out.getvalue())


def _stored_courses(repo) -> list[dict]:
    with store_engine.read_tx(repo.engine) as conn:
        return [dict(r) for r in conn.execute(select(t.courses).order_by(t.courses.c.created_at,
                                                                          t.courses.c.course_id)).mappings()]


def _meetings_stored(repo) -> int:
    with store_engine.read_tx(repo.engine) as conn:
        return conn.execute(select(func.count()).select_from(t.course_meetings)).scalar_one()


@pytest.fixture()
def ws(db_url, monkeypatch):
    """Nordby on 20 November 2026 with four reports received 2 November: at ``a`` assessed
    in the target group, at ``new`` not assessed, at ``no`` not in the target group, at
    ``old`` (for the retention test) in the target group. ``door`` is assigned to FW and
    FW2, ``door2`` to FW2 and the team lead; neither has a report."""
    _at(monkeypatch, NOW)
    admin = make_workspace(db_url, n_signals=4, received=date(2026, 11, 2))
    with store_engine.read_tx(admin.engine) as conn:
        sig = list(conn.execute(select(t.signals.c.signal_id, t.signals.c.entrance_id)
                                .order_by(t.signals.c.entrance_id)).all())
    planner = admin.as_user(PLANNER)
    planner.assess_signal(sig[0][0], "in_target_group")
    planner.assess_signal(sig[2][0], "not_in_target_group")
    planner.assess_signal(sig[3][0], "in_target_group")
    reported = {e for _, e in sig}
    doors = [e for e in admin.entrances()["entrance_id"] if e not in reported][:2]
    lead = admin.as_user(LEAD)
    lead.assign_entrance(doors[0], [FW, FW2], expected_version=0)
    lead.assign_entrance(doors[1], [FW2, LEAD], expected_version=0)
    return {"admin": admin, "lead": lead, "planner": planner, "fw": admin.as_user(FW), "fw2": admin.as_user(FW2),
            "a": sig[0][1], "new": sig[1][1], "no": sig[2][1], "old": sig[3][1], "signals": sig,
            "door": doors[0], "door2": doors[1]}


# --------------------------------------------------------------------------- from the door


def test_contact_established__starts_one_course_owned_by_the_worker_on_the_visit_day(ws):
    fw, door = ws["fw"], ws["door"]
    # 00:30 in Copenhagen on 20 November is 23:30 UTC on the 19th: the course starts the 20th
    fw.record_outcome(door, "not_home", visited_at=datetime(2026, 11, 19, 15, 0, tzinfo=COPENHAGEN))
    assert fw.courses() == []  # only "contact established" starts a course
    fw.record_outcome(door, "contact_established", visited_at=datetime(2026, 11, 20, 0, 30, tzinfo=COPENHAGEN))
    got = fw.courses()
    assert len(got) == 1
    c = got[0]
    assert (c["entrance_id"], c["owner"], c["origin"], c["stage"], c["started_on"]) == (
        door, FW, "door", "contact", "2026-11-20")
    assert (c["meetings"], c["minutes"], c["channel"]) == (0, 0, "door")
    assert c["relationship_on"] is None and c["handed_over_on"] is None and c["closed_on"] is None
    assert len(_stored_courses(ws["admin"])) == 1


def test_contact_established__the_late_evening_visit_starts_on_its_copenhagen_day(ws):
    # 23:30 in Copenhagen on 19 November (22:30 UTC): the 19th, in winter time as in UTC;
    # 00:30 on the 20th is 23:30 UTC on the 19th, and the course starts the 20th (test above)
    ws["fw"].record_outcome(ws["door"], "contact_established",
                            visited_at=datetime(2026, 11, 19, 23, 30, tzinfo=COPENHAGEN))
    assert [c["started_on"] for c in ws["fw"].courses()] == ["2026-11-19"]


def test_undo_contact__the_same_day_removes_the_untouched_course(ws):
    fw = ws["fw"]
    oid = fw.record_outcome(ws["door"], "contact_established", visited_at=datetime(2026, 11, 20, 9, tzinfo=COPENHAGEN))
    assert len(fw.courses()) == 1
    fw.undo_outcome(oid)
    assert fw.courses() == [] and _stored_courses(ws["admin"]) == []


@pytest.mark.parametrize("touch", ["meeting", "stage", "case_ref"])
def test_undo_contact__keeps_the_course_once_something_happened_in_it(ws, touch):
    fw = ws["fw"]
    oid = fw.record_outcome(ws["door"], "contact_established", visited_at=datetime(2026, 11, 20, 9, tzinfo=COPENHAGEN))
    cid = fw.courses()[0]["course_id"]
    if touch == "meeting":
        fw.add_meeting(cid, on=TODAY, kind="home_visit", minutes=30)
    elif touch == "stage":
        fw.move_course(cid, to="relationship", on=TODAY)
    else:
        fw.set_case_ref(cid, "SAG-2026-0142")
    fw.undo_outcome(oid)
    kept = fw.courses()
    assert [c["course_id"] for c in kept] == [cid]
    assert fw.outcomes(ws["door"]).empty  # the outcome itself is gone
    assert _stored_courses(ws["admin"])[0]["outcome_id"] is None


def test_edit_outcome__to_and_from_contact_established_starts_and_drops_the_course(ws):
    fw, lead = ws["fw"], ws["lead"]
    # 00:30 on 18 November in Copenhagen is 23:30 UTC on the 17th: the course starts the 18th
    oid = fw.record_outcome(ws["door"], "not_home", visited_at=datetime(2026, 11, 18, 0, 30, tzinfo=COPENHAGEN))
    assert fw.courses() == []
    fw.edit_outcome(oid, "contact_established")
    got = fw.courses()
    assert [(c["owner"], c["origin"], c["started_on"]) for c in got] == [(FW, "door", "2026-11-18")]
    fw.edit_outcome(oid, "contact_established", note="samme")  # unchanged: still one course
    assert len(_stored_courses(ws["admin"])) == 1
    fw.edit_outcome(oid, "talked_no_need")
    assert fw.courses() == []
    # the team lead corrects the worker's outcome: the course is the worker's, who recorded it
    lead.edit_outcome(oid, "contact_established")
    assert [c["owner"] for c in lead.courses()] == [FW]
    # a course something happened in stays when the outcome is corrected away from contact
    cid = fw.courses()[0]["course_id"]
    fw.add_meeting(cid, on=date(2026, 11, 19), kind="phone", minutes=10)
    fw.edit_outcome(oid, "letter_left")
    assert [c["course_id"] for c in fw.courses()] == [cid]


def test_import_outcomes__contact_established_starts_a_course_for_the_importer(ws):
    lead = ws["lead"]
    got = lead.import_outcomes([{"entrance_id": ws["door2"], "unit_id": "", "outcome": "contact_established",
                                 "visited_at": "2026-11-19T00:30:00+01:00", "note": ""}], as_of=TODAY)
    assert got["imported"] == 1
    assert [(c["entrance_id"], c["owner"], c["origin"], c["started_on"]) for c in lead.courses()] == [
        (ws["door2"], LEAD, "door", "2026-11-19")]


# --------------------------------------------------------------------------- by hand


def test_start_course__needs_a_report_assessed_in_the_target_group(ws):
    lead = ws["lead"]
    for entrance in (ws["new"], ws["no"], ws["door"]):  # not assessed, not in target group, no report
        with pytest.raises(InputError, match="assessed in the target group") as err:
            lead.start_course(entrance, on=date(2026, 11, 10))
        assert err.value.code == "no_assessed_report"
    with pytest.raises(InputError) as err:  # the report came in on 2 November
        lead.start_course(ws["a"], on=date(2026, 11, 1))
    assert err.value.code == "no_assessed_report"
    with pytest.raises(InputError) as err:
        lead.start_course("no-such-entrance")
    assert err.value.code == "no_entrance"
    assert _stored_courses(ws["admin"]) == []
    cid = lead.start_course(ws["a"], on=date(2026, 11, 2))
    c = _stored_courses(ws["admin"])[0]
    assert (c["course_id"], c["origin"], c["signal_id"], c["stage"], c["started_on"]) == (
        cid, "report", ws["signals"][0][0], "contact", date(2026, 11, 2))


def test_start_course__a_field_worker_always_owns_it_a_team_lead_may_name_the_owner(ws):
    fw, lead = ws["fw"], ws["lead"]
    with pytest.raises(NotAllowed):  # not their door: the answer would tell whether it was reported
        fw.start_course(ws["a"])
    lead.assign_entrance(ws["a"], [FW], expected_version=0)
    mine = fw.start_course(ws["a"], owner=FW2)  # a field worker can't give a course away
    with pytest.raises(InputError) as err:  # the same citizen is followed already: no second course
        lead.start_course(ws["a"], owner=FW2)
    assert err.value.code == "course_open"
    lead.move_course(mine, to="closed", reason="moved")
    named = lead.start_course(ws["a"], owner=FW2)
    lead.move_course(named, to="closed", reason="moved")
    own = lead.start_course(ws["a"])
    owners = {c["course_id"]: c["owner"] for c in lead.courses()}
    assert owners == {mine: FW, named: FW2, own: LEAD}
    assert [c["started_on"] for c in lead.courses()] == ["2026-11-20"] * 3  # today by default
    for who in ("u_analyst", "u_planner", "nobody"):
        with pytest.raises(InputError, match="not an active field worker or team lead") as err:
            lead.start_course(ws["a"], owner=who)
        assert err.value.code == "bad_owner"
    with pytest.raises(InputError, match="in the future") as err:
        lead.start_course(ws["a"], on=date(2026, 11, 21))
    assert err.value.code == "bad_date"
    assert len(_stored_courses(ws["admin"])) == 3


# --------------------------------------------------------------------------- stages


def test_stages__contact_relationship_bridging_handed_over_with_a_target(ws):
    lead = ws["lead"]
    cid = lead.start_course(ws["a"], on=date(2026, 11, 3))
    c = lead.move_course(cid, to="relationship", on=date(2026, 11, 5))
    assert (c["stage"], c["relationship_on"]) == ("relationship", "2026-11-05")
    c = lead.move_course(cid, to="bridging", on=date(2026, 11, 5))  # the same day as the stage before: fine
    assert (c["stage"], c["bridging_on"]) == ("bridging", "2026-11-05")
    c = lead.move_course(cid, to="handed_over", on=date(2026, 11, 18), target="s85")
    assert (c["stage"], c["handed_over_on"], c["target"], c["closed_on"]) == ("handed_over", "2026-11-18", "s85", None)
    assert (c["started_on"], c["relationship_on"]) == ("2026-11-03", "2026-11-05")


def _course_at(lead, entrance: str, stage: str) -> str:
    """A course started 3 November and moved to ``stage`` (one stage a day)."""
    cid = lead.start_course(entrance, on=date(2026, 11, 3))
    path = {"contact": [], "relationship": ["relationship"], "bridging": ["relationship", "bridging"],
            "handed_over": ["relationship", "bridging", "handed_over"], "closed": ["closed"]}[stage]
    for day, to in enumerate(path, start=4):
        lead.move_course(cid, to=to, on=date(2026, 11, day), target="gp" if to == "handed_over" else None,
                         reason="declined" if to == "closed" else None)
    return cid


ILLEGAL = [(s, to) for s in STAGES for to in STAGES[1:] if to not in NEXT[s]]


def test_stages__the_illegal_moves_are_the_ones_expected():
    # one stage forward, or closed from an open stage; nothing from a final stage
    assert sorted(ILLEGAL) == sorted([
        ("contact", "bridging"), ("contact", "handed_over"),
        ("relationship", "relationship"), ("relationship", "handed_over"),
        ("bridging", "relationship"), ("bridging", "bridging"),
        ("handed_over", "relationship"), ("handed_over", "bridging"), ("handed_over", "handed_over"),
        ("handed_over", "closed"),
        ("closed", "relationship"), ("closed", "bridging"), ("closed", "handed_over"), ("closed", "closed"),
    ])


@pytest.mark.parametrize(("stage", "to"), ILLEGAL)
def test_stages__every_illegal_jump_is_refused_saying_the_possible_moves(ws, stage, to):
    lead = ws["lead"]
    cid = _course_at(lead, ws["a"], stage)
    before = _stored_courses(ws["admin"])
    with pytest.raises(InputError) as err:
        lead.move_course(cid, to=to, on=date(2026, 11, 19), target="gp", reason="declined")
    assert err.value.code == "illegal_stage"
    msg = str(err.value)
    if NEXT[stage]:
        assert f"from {stage!r} it moves to {' or '.join(NEXT[stage])}" in msg
    else:
        assert f"{stage!r} ends the course" in msg and "start a new course" in msg
    assert _stored_courses(ws["admin"]) == before  # nothing changed


def test_stages__the_stated_examples_of_illegal_jumps(ws):
    lead = ws["lead"]
    c1 = _course_at(lead, ws["a"], "contact")
    with pytest.raises(InputError, match="from 'contact' it moves to relationship or closed"):
        lead.move_course(c1, to="handed_over", on=TODAY, target="s99")
    c2 = _course_at(lead, ws["old"], "bridging")  # another citizen: one open course per door
    with pytest.raises(InputError, match="from 'bridging' it moves to handed_over or closed"):
        lead.move_course(c2, to="relationship", on=TODAY)
    with pytest.raises(InputError) as err:  # "contact" is where a course starts, not a move
        lead.move_course(c1, to="contact", on=TODAY)
    assert err.value.code == "bad_to"


def test_stages__handover_and_closure_need_their_target_and_reason(ws):
    lead = ws["lead"]
    cid = _course_at(lead, ws["a"], "bridging")  # bridging since 5 November
    cases = [
        (dict(to="handed_over"), "bad_target", "a handover needs a target"),
        (dict(to="handed_over", target=" "), "bad_target", "a handover needs a target"),
        (dict(to="handed_over", target="hospital"), "bad_target", "is not one of"),
        (dict(to="closed"), "bad_reason", "a closed course needs a reason"),
        (dict(to="closed", reason="bored"), "bad_reason", "is not one of"),
        (dict(to="closed", reason="other"), "bad_reason", "needs a few words"),
        (dict(to="closed", reason="other", note="   "), "bad_reason", "needs a few words"),
        (dict(to="closed", reason="other", note="ringer om psykisk sygdom"), "health_words", "words about health"),
        (dict(to="closed", target="s85", reason="declined"), "bad_target", "only for a handover"),
        (dict(to="handed_over", target="s85", reason="declined"), "bad_reason", "only for closing"),
        (dict(to="closed", reason="declined", on=date(2026, 11, 4)), "bad_date", "before the course's previous stage"),
        (dict(to="closed", reason="declined", on=date(2026, 11, 21)), "bad_date", "in the future"),
        (dict(to="closed", reason="other", note="x" * 201), "note_too_long", "at most 200"),
    ]
    for kwargs, code, words in cases:
        kwargs = {"on": TODAY, **kwargs}
        with pytest.raises(InputError, match=words) as err:
            lead.move_course(cid, **kwargs)
        assert err.value.code == code, kwargs
    assert _stored_courses(ws["admin"])[0]["stage"] == "bridging"
    c = lead.move_course(cid, to="closed", on=date(2026, 11, 5), reason="other", note="flyttet til plejehjem")
    assert (c["stage"], c["closed_on"], c["close_reason"], c["note"]) == (
        "closed", "2026-11-05", "other", "flyttet til plejehjem")


# --------------------------------------------------------------------------- meetings


def test_meetings__kinds_minutes_and_dates(ws):
    lead = ws["lead"]
    cid = lead.start_course(ws["a"], on=date(2026, 11, 10))
    for kind, minutes, on in (("home_visit", 1, date(2026, 11, 10)), ("phone", "600", TODAY),
                              ("accompaniment", 45, date(2026, 11, 12))):
        lead.add_meeting(cid, on=on, kind=kind, minutes=minutes)
    refused = [
        (dict(kind="visit", minutes=30, on=TODAY), "bad_kind"),
        (dict(kind="phone", minutes=0, on=TODAY), "bad_minutes"),
        (dict(kind="phone", minutes=601, on=TODAY), "bad_minutes"),
        (dict(kind="phone", minutes=-5, on=TODAY), "bad_minutes"),
        (dict(kind="phone", minutes="en halv time", on=TODAY), "bad_minutes"),
        (dict(kind="phone", minutes=30, on=date(2026, 11, 9)), "bad_date"),   # before the course started
        (dict(kind="phone", minutes=30, on=date(2026, 11, 21)), "bad_date"),  # tomorrow
    ]
    for kwargs, code in refused:
        with pytest.raises(InputError) as err:
            lead.add_meeting(cid, **kwargs)
        assert err.value.code == code, kwargs
    c = lead.courses()[0]
    assert (c["meetings"], c["minutes"], c["last_meeting"]) == (3, 646, "2026-11-20")
    assert [(m["met_on"], m["kind"], m["minutes"]) for m in lead.course_meetings(cid)] == [
        ("2026-11-10", "home_visit", 1), ("2026-11-12", "accompaniment", 45), ("2026-11-20", "phone", 600)]


@pytest.mark.parametrize("stage", ["handed_over", "closed"])
def test_meetings__not_on_an_ended_course(ws, stage):
    lead = ws["lead"]
    cid = _course_at(lead, ws["a"], stage)
    with pytest.raises(InputError, match="meetings are logged on open courses") as err:
        lead.add_meeting(cid, on=TODAY, kind="phone", minutes=10)
    assert err.value.code == "course_ended"
    assert _meetings_stored(ws["admin"]) == 0


# --------------------------------------------------------------------------- access


#: method → the roles that may call it (the access matrix, written out)
MAY = {
    "framing": {"administrator", "planner", "team_lead", "field_worker", "analyst"},
    "set_framing": {"planner", "team_lead"},
    "set_economics": {"planner", "analyst"},
    "start_course": {"team_lead", "field_worker"},
    "add_meeting": {"team_lead", "field_worker"},
    "move_course": {"team_lead", "field_worker"},
    "courses": {"team_lead", "field_worker"},
    "funnel": {"planner", "team_lead", "analyst"},
    "fidelity": {"planner", "team_lead", "analyst"},
    "evaluation": {"planner", "team_lead", "analyst"},
}
SCENARIOS = {"scenarios": [{"id": sid, "items": []} for sid in ("lav", "mellem", "hoej")]}


@pytest.mark.parametrize("role", ROLES)
def test_access__each_role_calls_exactly_what_the_matrix_allows(ws, role):
    ws["planner"].set_framing(period_from=date(2026, 11, 1), period_to=date(2026, 12, 31), pairs=1,
                              hours_per_week=10, hourly_cost_dkk=400)
    # a course the acting user may change: a field worker's own (from their door), else the lead's
    owner = ws["fw"] if role == "field_worker" else ws["lead"]
    if role == "field_worker":
        owner.record_outcome(ws["door"], "contact_established", visited_at=datetime(2026, 11, 19, 10, tzinfo=COPENHAGEN))
        cid = owner.courses()[0]["course_id"]
    else:
        cid = owner.start_course(ws["a"], on=date(2026, 11, 3))
    if role == "field_worker":  # a field worker starts courses only at their own doors
        ws["lead"].assign_entrance(ws["old"], [FW], expected_version=0)
    repo = ws["admin"].as_user(role_user(role))
    calls = {
        "framing": lambda: repo.framing(),
        "set_framing": lambda: repo.set_framing(period_from=date(2026, 11, 1), target_group="voksne, isolerede"),
        "set_economics": lambda: repo.set_economics(SCENARIOS),
        "start_course": lambda: repo.start_course(ws["old"], on=date(2026, 11, 4)),
        "add_meeting": lambda: repo.add_meeting(cid, on=date(2026, 11, 19), kind="phone", minutes=5),
        "move_course": lambda: repo.move_course(cid, to="relationship", on=date(2026, 11, 19)),
        "courses": lambda: repo.courses(),
        "funnel": lambda: repo.funnel(),
        "fidelity": lambda: repo.fidelity(),
        "evaluation": lambda: repo.evaluation(),
    }
    assert set(calls) == set(MAY)
    for name, call in calls.items():
        if role in MAY[name]:
            call()
        else:
            with pytest.raises(NotAllowed):
                call()


def test_access__a_field_worker_sees_and_changes_only_their_own_courses(ws):
    fw, fw2, lead = ws["fw"], ws["fw2"], ws["lead"]
    fw.record_outcome(ws["door"], "contact_established", visited_at=datetime(2026, 11, 19, 10, tzinfo=COPENHAGEN))
    fw2.record_outcome(ws["door2"], "contact_established", visited_at=datetime(2026, 11, 19, 11, tzinfo=COPENHAGEN))
    by_lead = lead.start_course(ws["a"], on=date(2026, 11, 3), owner=FW2)
    mine = fw.courses()
    assert [(c["entrance_id"], c["owner"]) for c in mine] == [(ws["door"], FW)]
    theirs = [c["course_id"] for c in fw2.courses()]
    assert len(theirs) == 2 and by_lead in theirs
    assert {c["owner"] for c in lead.courses()} == {FW, FW2} and len(lead.courses()) == 3
    for other in theirs:
        for call in (lambda c=other: fw.move_course(c, to="relationship", on=TODAY),
                     lambda c=other: fw.add_meeting(c, on=TODAY, kind="phone", minutes=5),
                     lambda c=other: fw.set_case_ref(c, "SAG-1"),
                     lambda c=other: fw.course_meetings(c)):
            with pytest.raises(NotAllowed):
                call()
    assert _meetings_stored(ws["admin"]) == 0
    assert {c["stage"] for c in lead.courses()} == {"contact"}
    lead.move_course(theirs[0], to="relationship", on=TODAY)  # the team lead changes any course
    lead.add_meeting(mine[0]["course_id"], on=TODAY, kind="phone", minutes=5)


def _last_audit(repo, action: str) -> tuple[dict, set[str]]:
    """The newest audit entry of ``action`` and the addresses (entrance ids) it names."""
    a, sj = t.audit_log, t.audit_subjects
    with store_engine.read_tx(repo.engine) as conn:
        row = conn.execute(select(a).where(a.c.action == action).order_by(a.c.id.desc())).mappings().first()
        subjects = set(conn.execute(select(sj.c.entrance_id).where(sj.c.audit_id == row["id"])).scalars())
    return dict(row), subjects


def _count_audit(repo, action: str) -> int:
    with store_engine.read_tx(repo.engine) as conn:
        return conn.execute(select(func.count()).select_from(t.audit_log)
                            .where(t.audit_log.c.action == action)).scalar_one()


def test_audit__every_courses_read_names_the_addresses_it_showed(ws):
    fw, fw2, lead, admin = ws["fw"], ws["fw2"], ws["lead"], ws["admin"]
    assert fw.courses() == []
    entry, subjects = _last_audit(admin, "courses.read")  # an empty read is audited too
    assert (entry["user_name"], subjects) == (FW, set())
    fw.record_outcome(ws["door"], "contact_established", visited_at=datetime(2026, 11, 19, 10, tzinfo=COPENHAGEN))
    fw2.record_outcome(ws["door2"], "contact_established", visited_at=datetime(2026, 11, 19, 11, tzinfo=COPENHAGEN))
    lead.start_course(ws["a"], on=date(2026, 11, 3), owner=FW2)
    n = _count_audit(admin, "courses.read")
    fw.courses()
    entry, subjects = _last_audit(admin, "courses.read")
    assert (entry["user_name"], entry["role"], subjects) == (FW, "field_worker", {ws["door"]})
    fw2.courses(open_only=True)
    entry, subjects = _last_audit(admin, "courses.read")
    assert (entry["user_name"], subjects) == (FW2, {ws["door2"], ws["a"]})
    lead.courses()
    entry, subjects = _last_audit(admin, "courses.read")
    assert (entry["user_name"], subjects) == (LEAD, {ws["door"], ws["door2"], ws["a"]})
    assert _count_audit(admin, "courses.read") == n + 3
    # the address's own audit trail (an access request) shows the reads of it
    trail = admin.audit_export_entrance(ws["door"])
    assert "courses.read" in set(trail["action"]) and "user_name" not in trail.columns


# --------------------------------------------------------------------------- CPR guard


def test_cpr__a_note_is_scrubbed_and_a_case_reference_refused_before_the_store(ws):
    fw = ws["fw"]
    fw.record_outcome(ws["door"], "contact_established", visited_at=datetime(2026, 11, 19, 10, tzinfo=COPENHAGEN))
    cid = fw.courses()[0]["course_id"]
    for ref in (CPR, f"Sag {CPR}", DIGITS):
        with pytest.raises(InputError) as err:
            fw.set_case_ref(cid, ref)
        assert err.value.code == "cpr_in_identifier", ref
    assert _stored_courses(ws["admin"])[0]["case_ref"] is None
    fw.set_case_ref(cid, "SAG-2026-0142")  # a case number is fine
    c = fw.move_course(cid, to="closed", on=TODAY, reason="other", note=f"flyttet, se {CPR}")
    assert c["note"] == "flyttet, se [CPR fjernet]"
    stored = _stored_courses(ws["admin"])[0]
    assert stored["case_ref"] == "SAG-2026-0142"
    assert not any(contains_cpr(str(v)) for v in stored.values())


# --------------------------------------------------------------------------- retention


def test_retention__ended_courses_go_with_their_meetings_open_ones_stay(ws):
    lead, admin = ws["lead"], ws["admin"]
    with store_engine.write_tx(admin.engine) as conn:  # the report at "old" came in on 2 January 2024
        conn.execute(t.signals.update().where(t.signals.c.entrance_id == ws["old"]).values(received=date(2024, 1, 2)))
    closed = lead.start_course(ws["old"], on=date(2024, 1, 5))
    lead.add_meeting(closed, on=date(2024, 1, 10), kind="home_visit", minutes=60)
    lead.move_course(closed, to="closed", on=date(2024, 2, 1), reason="declined")
    handed = lead.start_course(ws["old"], on=date(2024, 1, 5))
    for day, to in ((date(2024, 2, 1), "relationship"), (date(2024, 3, 1), "bridging"), (date(2024, 4, 1), "handed_over")):
        lead.move_course(handed, to=to, on=day, target="gp" if to == "handed_over" else None)
    open_old = lead.start_course(ws["old"], on=date(2024, 1, 5))  # old, but still followed
    lead.add_meeting(open_old, on=date(2024, 1, 12), kind="phone", minutes=20)
    recent = lead.start_course(ws["a"], on=date(2026, 11, 3))
    lead.move_course(recent, to="closed", on=date(2026, 11, 10), reason="moved")  # ended within the period
    # retention_courses_days is 730: the cut-off as of 20 November 2026 is 20 November 2024
    res = admin.purge(as_of=TODAY)
    assert (res["courses"], res["course_meetings"]) == (2, 1)
    assert sorted(c["course_id"] for c in _stored_courses(admin)) == sorted([open_old, recent])
    assert [c["meetings"] for c in lead.courses() if c["course_id"] == open_old] == [1]
    assert _meetings_stored(admin) == 1


# --------------------------------------------------------------------------- the citizen's rights


def test_subject_export__holds_the_course_and_its_meetings_and_no_staff_name(ws):
    lead, admin = ws["lead"], ws["admin"]
    cid = lead.start_course(ws["a"], on=date(2026, 11, 3), owner=FW)
    lead.add_meeting(cid, on=date(2026, 11, 4), kind="home_visit", minutes=50)
    lead.add_meeting(cid, on=date(2026, 11, 9), kind="phone", minutes=10)
    lead.move_course(cid, to="relationship", on=date(2026, 11, 9))
    lead.set_case_ref(cid, "SAG-2026-0142")
    lead.start_course(ws["old"], on=date(2026, 11, 3))  # another address: not in this export
    out = admin.subject_export(ws["a"])
    assert out["courses"] == [{
        "started_on": "2026-11-03", "unit": "", "stage": "relationship", "relationship_on": "2026-11-09",
        "target": None, "close_reason": None, "note": "", "case_ref": "SAG-2026-0142",
        "meetings": [{"met_on": "2026-11-04", "kind": "home_visit", "minutes": 50},
                     {"met_on": "2026-11-09", "kind": "phone", "minutes": 10}]}]
    text = json.dumps(out, ensure_ascii=False, default=str)
    for name in (FW, FW2, LEAD, PLANNER, "u_administrator"):
        assert name not in text
    assert ws["old"] not in text


def test_erase_subject__deletes_the_courses_and_their_meetings(ws):
    lead, admin = ws["lead"], ws["admin"]
    cid = lead.start_course(ws["a"], on=date(2026, 11, 3))
    lead.add_meeting(cid, on=date(2026, 11, 4), kind="home_visit", minutes=50)
    lead.add_meeting(cid, on=date(2026, 11, 5), kind="phone", minutes=5)
    other = lead.start_course(ws["old"], on=date(2026, 11, 3))
    lead.add_meeting(other, on=date(2026, 11, 4), kind="phone", minutes=5)
    counts = admin.erase_subject(ws["a"])
    assert (counts["courses"], counts["course_meetings"]) == (1, 2)
    assert [c["course_id"] for c in _stored_courses(admin)] == [other]
    assert _meetings_stored(admin) == 1
    assert admin.subject_export(ws["a"])["courses"] == []


# --------------------------------------------------------------------------- CLI


def test_cli__courses_start_meeting_stage_list(ws):
    url = _url(ws["admin"])
    base = ("--db", url, "--user", LEAD, "--json")
    code, out = _cli(*base, "courses", "start", "--entrance", ws["a"], "--date", "2026-11-03", "--owner", FW)
    assert code == 0, out
    course = out["course"]
    cid = course["course_id"]
    assert (course["entrance_id"], course["owner"], course["origin"], course["stage"], course["started_on"]) == (
        ws["a"], FW, "report", "contact", "2026-11-03")
    code, out = _cli(*base, "courses", "meeting", cid, "--date", "2026-11-04", "--minutes", "40", "--kind", "home_visit")
    assert code == 0 and out["course_id"] == cid and out["meeting_id"]
    code, out = _cli(*base, "courses", "stage", cid, "--to", "relationship", "--date", "2026-11-05")
    assert code == 0 and (out["course"]["stage"], out["course"]["relationship_on"]) == ("relationship", "2026-11-05")
    code, out = _cli(*base, "courses", "stage", cid, "--to", "handed_over", "--target", "s99")
    assert code == 1 and out["error"]["code"] == "illegal_stage"
    assert "from 'relationship' it moves to bridging or closed" in out["error"]["message"]
    code, out = _cli("--db", url, "--user", FW, "--json", "courses", "list")  # FW follows it
    assert code == 0
    assert [(c["course_id"], c["stage"], c["meetings"], c["minutes"]) for c in out["courses"]] == [
        (cid, "relationship", 1, 40)]
    code, out = _cli("--db", url, "--user", FW2, "--json", "courses", "list", "--open")
    assert code == 0 and out == {"courses": []}
    code, out = _cli("--db", url, "--user", PLANNER, "--json", "courses", "list")
    assert code == 3 and out["error"]["code"] == "not_allowed"


def test_cli__framing_set_then_show(ws):
    url = _url(ws["admin"])
    code, out = _cli("--db", url, "--user", PLANNER, "--json", "framing", "set", "--from", "2026-11-01",
                     "--to", "2026-12-31", "--target-group", "Voksne, der lever isoleret i egen bolig",
                     "--pairs", "2", "--hours-per-week", "20", "--shift", "9:00-15:00", "--hourly-cost", "400",
                     "--goal-contacts", "6")
    assert code == 0, out
    code, out = _cli("--db", url, "--user", FW, "--json", "framing", "show")
    assert code == 0, out
    f = out["framing"]
    assert f["period"] == {"from": "2026-11-01", "to": "2026-12-31"}
    assert (f["target_group"], f["pairs"], f["hours_per_week"], f["shift"], f["hourly_cost_dkk"], f["goals"]) == (
        "Voksne, der lever isoleret i egen bolig", 2, 20.0, "09:00-15:00", 400.0, {"contacts": 6})
    # 61 days = 8.714… weeks × 2 pairs × 2 workers × 20 h = 697.1 h; × 400 kr = 278,857 kr
    assert (f["team_hours"], f["staff_cost_dkk"], f["updated_by"]) == (697.1, 278857, PLANNER)
    assert out["periods"] == [{"from": "2026-11-01", "to": "2026-12-31"}]
    # the same --from updates that period, the rest kept
    code, out = _cli("--db", url, "--user", LEAD, "--json", "framing", "set", "--from", "2026-11-01", "--pairs", "3")
    assert code == 0 and (out["framing"]["pairs"], out["framing"]["shift"]) == (3, "09:00-15:00")
    code, out = _cli("--db", url, "--user", LEAD, "--json", "framing", "set", "--from", "2026-12-01",
                     "--to", "2027-01-31")
    assert code == 1 and out["error"]["code"] == "framing_overlap"

"""The method's figures from a workspace built by hand (issue 16): fidelity's eight core
elements, the funnel by channel and the evaluation, every number worked out in the comments,
in the repository (SQLite and PostGIS) and the CLI; analysts under the disclosure policy.

The period is the framed one, 1–28 October 2026 (four weeks); "today" is 30 November 2026
unless a test says otherwise. What is in the workspace (:func:`_build`):

========  ===========================================================================
reports   R1 at E1 received 1 Oct, assessed in target group 5 Oct (4 days)
          R2 at E2 received 2 Oct, assessed not in target group 20 Oct (18 days)
          R3 at E3 received 3 Oct, not assessed
          R4 at E4 received 10 Oct, assessed in target group 24 Oct (14 days)
          R5 at E5 received 20 Oct, assessed unclear 21 Oct
          R6 at E6 received 20 Sep, assessed in target group 22 Sep (before the period)
focus     "Fokus" (saved 2 Oct, the framing's): doors F1–F4; "Udenfor" (saved 1 Sep, not
          the framing's): door F5; the model saved 5 Oct
knocks    F1 not home 6 Oct, contact 13 Oct; F2 letter 7 Oct, contact 21 Oct;
          F5 talked 8 Oct; E1 not home 7 Oct; F3 not home 28 Sep (before the period)
courses   C1 at F1 (door) 13 Oct; meetings 14, 16, 20 Oct; relationship 16 Oct, bridging
             20 Oct, handed over 27 Oct (§ 85)
          C2 at E1 (report) 8 Oct; meetings 9, 12 Oct; closed 22 Oct (declined)
          C3 at E4 (report) 26 Oct; meetings 26, 27, 28 Oct and 2 Nov; relationship 27 Oct
          C4 at E6 (report) 25 Sep; relationship 30 Sep, bridging 5 Oct, handed over
             10 Oct (§ 99)
          C5 at F2 (door) 21 Oct; closed 5 Nov (moved)
partners  P1 contact 10 Oct, P2 contact 1 Sep, P3 contact 1 Jul, P4 (inactive) 10 Oct
framing   target group, 2 pairs × 20 h a week, shift 09:00–15:00, 400 kr an hour, other
          costs 2,000 kr, goals: 5 contacts, 4 doors
========  ===========================================================================
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, date, datetime

import numpy as np
import pytest
import shapely
from sqlalchemy import select

from detection import clock, privacy
from detection.cli.main import main
from detection.clock import COPENHAGEN
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import make_workspace, role_user

START, END = date(2026, 10, 1), date(2026, 10, 28)
TODAY = datetime(2026, 11, 30, 12, 0, tzinfo=COPENHAGEN)
PLANNER, LEAD, ANALYST = role_user("planner"), role_user("team_lead"), role_user("analyst")

#: a tiny scenario set: § 85 home support to half the citizens (6 × 4,000 kr = 12,000 kr
#: each, so 6,000 kr a citizen), and an eviction (100,000 kr) prevented for one in ten, one
#: in four, one in two
HJEM85 = {"id": "hjem85", "name": "Hjemmevejledning (§ 85)", "kind": "added", "probability": 0.5,
          "unit_cost_dkk": 4000, "quantity": 6}


def _udsat(p: float) -> dict:
    return {"id": "udsaettelse", "name": "Udsættelse", "kind": "prevented", "probability": p,
            "unit_cost_dkk": 100_000, "quantity": 1}


SCENARIOS = {"scenarios": [{"id": "lav", "items": [HJEM85, _udsat(0.1)]},
                           {"id": "mellem", "items": [HJEM85, _udsat(0.25)]},
                           {"id": "hoej", "items": [HJEM85, _udsat(0.5)]}]}


def _at(monkeypatch, when: datetime) -> None:
    """Let the clock say ``when`` (aware), today included."""
    monkeypatch.setattr(clock, "now_utc", lambda: when.astimezone(UTC))
    monkeypatch.setattr(clock, "now_local", lambda: when.astimezone(COPENHAGEN))
    monkeypatch.setattr(clock, "today", lambda: when.astimezone(COPENHAGEN).date())


def _cph(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=COPENHAGEN)


def _cli(*argv: str) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, json.loads(out.getvalue())


def _isolated_doors(admin, exclude: set[str], n: int, *, apart_m: float = 25.0) -> list[str]:
    """``n`` entrances with no other entrance within ``apart_m`` (so a 10 m box around each
    holds that door alone)."""
    e = admin.entrances().sort_values("entrance_id").reset_index(drop=True)
    xy = e[["x", "y"]].to_numpy()
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    ok = [eid for eid, near in zip(e["entrance_id"], d.min(axis=1), strict=True) if near > apart_m and eid not in exclude]
    assert len(ok) >= n
    return ok[:n]


def _boxes(admin, doors: list[str]):
    e = admin.entrances().set_index("entrance_id")
    return shapely.union_all([shapely.box(e.at[d, "x"] - 5, e.at[d, "y"] - 5, e.at[d, "x"] + 5, e.at[d, "y"] + 5)
                              for d in doors])


def _build(url: str, monkeypatch) -> dict:
    """The workspace of the module docstring; the clock is left at :data:`TODAY`."""
    _at(monkeypatch, _cph(9, 1))
    admin = make_workspace(url, n_signals=6, received=START)
    with store_engine.read_tx(admin.engine) as conn:
        sig = list(conn.execute(select(t.signals.c.signal_id, t.signals.c.entrance_id)
                                .order_by(t.signals.c.entrance_id)).all())
    r = {f"R{i + 1}": sid for i, (sid, _) in enumerate(sig)}
    e = {f"E{i + 1}": eid for i, (_, eid) in enumerate(sig)}
    received = {"R1": date(2026, 10, 1), "R2": date(2026, 10, 2), "R3": date(2026, 10, 3), "R4": date(2026, 10, 10),
                "R5": date(2026, 10, 20), "R6": date(2026, 9, 20)}
    with store_engine.write_tx(admin.engine) as conn:
        for key, day in received.items():
            conn.execute(t.signals.update().where(t.signals.c.signal_id == r[key]).values(received=day))
    f = dict(zip(["F1", "F2", "F3", "F4", "F5"], _isolated_doors(admin, set(e.values()), 5), strict=True))
    planner, lead = admin.as_user(PLANNER), admin.as_user(LEAD)

    # mapping: a focus area outside the framing before the period, the framing's in it, the model in it
    planner.save_focus_area("Udenfor", _boxes(admin, [f["F5"]]), stats={})
    _at(monkeypatch, _cph(9, 22))
    planner.assess_signal(r["R6"], "in_target_group")
    _at(monkeypatch, _cph(10, 2))
    fa = planner.save_focus_area("Fokus", _boxes(admin, [f["F1"], f["F2"], f["F3"], f["F4"]]), stats={})
    _at(monkeypatch, _cph(10, 5))
    planner.save_model(planner.model())
    planner.assess_signal(r["R1"], "in_target_group")
    planner.set_framing(period_from=START, period_to=END, target_group="Voksne, der lever isoleret i egen bolig",
                        focus_areas=[fa], pairs=2, hours_per_week=20, shift="09:00-15:00", hourly_cost_dkk=400,
                        other_costs_dkk=2000, goals={"contacts": 5, "doors": 4})
    _at(monkeypatch, _cph(10, 20))
    planner.assess_signal(r["R2"], "not_in_target_group")
    planner.set_economics(SCENARIOS)  # on the framing of the period that holds "today"
    _at(monkeypatch, _cph(10, 21))
    planner.assess_signal(r["R5"], "unclear")
    _at(monkeypatch, _cph(10, 24, 12))
    planner.assess_signal(r["R4"], "in_target_group")

    # partners: three active, one not
    p = {f"P{i}": planner.add_partner(f"Boligselskab {i} (test)", "boligselskab", active=i != 4) for i in range(1, 5)}
    for key, day in (("P1", date(2026, 10, 10)), ("P2", date(2026, 9, 1)), ("P3", date(2026, 7, 1)),
                     ("P4", date(2026, 10, 10))):
        planner.log_contact(p[key], contact_date=day, channel="phone")

    _at(monkeypatch, TODAY)
    for door, outcome, when in (("F1", "not_home", _cph(10, 6)), ("F2", "letter_left", _cph(10, 7)),
                                ("F5", "talked_no_need", _cph(10, 8)), ("F3", "not_home", _cph(9, 28))):
        lead.record_outcome(f[door], outcome, visited_at=when)
    lead.record_outcome(e["E1"], "not_home", visited_at=_cph(10, 7))
    lead.record_outcome(f["F1"], "contact_established", visited_at=_cph(10, 13))
    lead.record_outcome(f["F2"], "contact_established", visited_at=_cph(10, 21))
    door_courses = {c["entrance_id"]: c["course_id"] for c in lead.courses()}
    c = {"C1": door_courses[f["F1"]], "C5": door_courses[f["F2"]],
         "C2": lead.start_course(e["E1"], on=date(2026, 10, 8)),
         "C3": lead.start_course(e["E4"], on=date(2026, 10, 26)),
         "C4": lead.start_course(e["E6"], on=date(2026, 9, 25))}
    for key, days in (("C1", [(10, 14), (10, 16), (10, 20)]), ("C2", [(10, 9), (10, 12)]),
                      ("C3", [(10, 26), (10, 27), (10, 28), (11, 2)])):
        for m, d in days:
            lead.add_meeting(c[key], on=date(2026, m, d), kind="home_visit", minutes=60)
    for key, to, (m, d), extra in (
            ("C1", "relationship", (10, 16), {}), ("C1", "bridging", (10, 20), {}),
            ("C1", "handed_over", (10, 27), {"target": "s85"}),
            ("C2", "closed", (10, 22), {"reason": "declined"}),
            ("C3", "relationship", (10, 27), {}),
            ("C4", "relationship", (9, 30), {}), ("C4", "bridging", (10, 5), {}),
            ("C4", "handed_over", (10, 10), {"target": "s99"}),
            ("C5", "closed", (11, 5), {"reason": "moved"})):
        lead.move_course(c[key], to=to, on=date(2026, m, d), **extra)
    return {"admin": admin, "planner": planner, "lead": lead, "analyst": admin.as_user(ANALYST),
            "r": r, "e": e, "f": f, "c": c, "p": p, "focus": fa}


@pytest.fixture()
def ws(db_url, monkeypatch) -> dict:
    return _build(db_url, monkeypatch)


def _url(repo) -> str:
    return str(repo.engine.url.render_as_string(hide_password=False))


def _by_id(elements: list[dict]) -> dict[str, dict]:
    return {el["id"]: el for el in elements}


def _walk_keys(obj) -> set[str]:
    if isinstance(obj, dict):
        return set(obj) | set().union(*(_walk_keys(v) for v in obj.values())) if obj else set()
    if isinstance(obj, list):
        return set().union(*(_walk_keys(v) for v in obj)) if obj else set()
    return set()


# --------------------------------------------------------------------------- fidelity


#: element → (numerator, denominator, value, status) for 1–28 October, by hand
FIDELITY = {
    # target group, team, shift and goals all framed
    "framing": (4, 4, 1.0, "met"),
    # the model saved 5 Oct and "Fokus" 2 Oct, both in the period
    "mapping": (2, 2, 1.0, "met"),
    # active P1–P3; contacted after 28 Jul up to 28 Oct: P1 (10 Oct), P2 (1 Sep); P3's was 1 Jul,
    # P4 is inactive: 2/3 = 0.6667, under 80 % but over its half (40 %)
    "communication": (2, 3, 0.6667, "partly"),
    # due: received 1–14 Oct (the end minus 14 days): R1–R4; within 14 days R1 (4), R4 (14); R2
    # took 18, R3 none: 2/4 = 0.5, under 90 %, over 45 %
    "indirect": (2, 4, 0.5, "partly"),
    # "Fokus" holds F1–F4 (F5 is in "Udenfor", not the framing's); knocked in the period: F1,
    # F2 (F3 in September): 2/4, under 80 %, over 40 %
    "direct": (2, 4, 0.5, "partly"),
    # courses started 1–28 Oct: C1, C2, C3, C5 (C4 in September) against the goal 5: 0.8,
    # under 100 %, over 50 %
    "contact": (4, 5, 0.8, "partly"),
    # of those, with 3 meetings up to 28 Oct: C1 (3), C3 (3; the 4th is in November): 2/4 = 50 %
    "relationship": (2, 4, 0.5, "met"),
    # ended 1–28 Oct: C4 handed over 10 Oct, C2 closed 22 Oct, C1 handed over 27 Oct (C5 closed
    # in November): 2/3 = 0.6667, over 50 %
    "handover": (2, 3, 0.6667, "met"),
}


def test_fidelity__the_eight_elements_by_hand(ws):
    got = ws["planner"].fidelity(start=START, end=END)
    assert got["period"] == {"from": "2026-10-01", "to": "2026-10-28"}
    assert got["framed"] is True and got["protected"] is False
    assert [el["id"] for el in got["elements"]] == list(FIDELITY)
    for el in got["elements"]:
        num, den, value, status = FIDELITY[el["id"]]
        assert (el["numerator"], el["denominator"], el["value"], el["status"]) == (num, den, value, status), el
        assert el["why"] is None
    th = {el["id"]: el["threshold"] for el in got["elements"]}
    assert th == {"framing": 1.0, "mapping": 1.0, "communication": 0.8, "indirect": 0.9, "direct": 0.8,
                  "contact": 1.0, "relationship": 0.5, "handover": 0.5}


def test_fidelity__a_threshold_setting_changes_the_status(ws):
    ws["admin"].set_setting("fidelity_meetings_pct", 60)  # 2/4 = 50 %: under 60 %, over 30 %
    ws["admin"].set_setting("fidelity_handover_pct", 100)  # 2/3: under 100 %, over 50 %
    ws["admin"].set_setting("fidelity_partners_pct", 60)  # 2/3 = 66.7 %: now met
    el = _by_id(ws["lead"].fidelity(start=START, end=END)["elements"])
    assert (el["relationship"]["status"], el["relationship"]["threshold"], el["relationship"]["value"]) == (
        "partly", 0.6, 0.5)
    assert (el["handover"]["status"], el["handover"]["threshold"]) == ("partly", 1.0)
    assert (el["communication"]["status"], el["communication"]["symbol"]) == ("met", "✓")
    ws["admin"].set_setting("fidelity_doors_pct", 100)  # 2/4 = 50 %: exactly half → partly
    ws["admin"].set_setting("fidelity_assessed_pct", 100)
    el = _by_id(ws["lead"].fidelity(start=START, end=END)["elements"])
    assert el["direct"]["status"] == "partly" and el["indirect"]["status"] == "partly"


def test_fidelity__a_period_with_no_framing_and_nothing_to_measure(ws):
    # November: no framing covers it, nothing received, started or knocked in it
    el = _by_id(ws["planner"].fidelity(start=date(2026, 11, 1), end=date(2026, 11, 28))["elements"])
    assert (el["framing"]["numerator"], el["framing"]["status"]) == (0, "not_met")
    assert (el["mapping"]["numerator"], el["mapping"]["status"]) == (0, "not_met")  # both saved in October
    # no framing: every saved focus area counts, F1–F5; none knocked in November
    assert (el["direct"]["numerator"], el["direct"]["denominator"], el["direct"]["status"]) == (0, 5, "not_met")
    # due by 16 Nov (30 Nov − 14): nothing received in November
    assert (el["indirect"]["value"], el["indirect"]["why"], el["indirect"]["status"]) == (None, "no_reports", "not_met")
    assert (el["contact"]["value"], el["contact"]["why"]) == (None, "no_goal")
    assert (el["relationship"]["value"], el["relationship"]["why"]) == (None, "no_courses")
    # ended in November: C5 (closed 5 Nov), not handed over
    assert (el["handover"]["numerator"], el["handover"]["denominator"], el["handover"]["status"]) == (0, 1, "not_met")
    # contacted after 28 Aug up to 28 Nov: P1, P2 of P1–P3
    assert (el["communication"]["numerator"], el["communication"]["denominator"]) == (2, 3)


def test_cli__fidelity_json_has_the_eight_elements_and_the_framed_period(ws, monkeypatch):
    # on the period's last day the default period is the framed one, and the figures those above
    _at(monkeypatch, _cph(10, 28, 16))
    code, out = _cli("--db", _url(ws["admin"]), "--user", LEAD, "--json", "fidelity")
    assert code == 0, out
    assert out["period"] == {"from": "2026-10-01", "to": "2026-10-28"}
    assert [el["id"] for el in out["elements"]] == ["framing", "mapping", "communication", "indirect", "direct",
                                                     "contact", "relationship", "handover"]
    assert all(el["status"] in ("met", "partly", "not_met") for el in out["elements"])
    assert {el["id"]: el["status"] for el in out["elements"]} == {k: v[3] for k, v in FIDELITY.items()}


def test_fidelity__the_analyst_gets_rounded_counts_and_no_small_shares(ws):
    got = ws["analyst"].fidelity(start=START, end=END)
    assert got["protected"] is True
    el = _by_id(got["elements"])
    for eid in ("indirect", "direct", "contact", "relationship", "handover"):  # every count here is under 5
        assert el[eid]["numerator"] in ("<5", 5), el[eid]
        if eid != "contact":
            assert el[eid]["denominator"] in ("<5", 5), el[eid]
        assert el[eid]["value"] is None or el[eid]["why"] is None
        if "<5" in (el[eid]["numerator"], el[eid]["denominator"]):
            assert (el[eid]["value"], el[eid]["why"], el[eid]["status"]) == (None, "small", "not_met")
    assert (el["communication"]["numerator"], el["communication"]["denominator"]) == (2, 3)  # partners: no citizen


# --------------------------------------------------------------------------- funnel


#: stage → (total, report, door, both) for 1–28 October, by hand
FUNNEL = {
    # R1–R5 (R6 in September); R1's entrance E1 was knocked 7 Oct: both
    "reports": (5, 4, 0, 1),
    # R1 (both), R4 (report)
    "in_target_group": (2, 1, 0, 1),
    # F1, F2, F5 (no report: door) and E1 (report R1: both); F3 in September
    "doors_knocked": (4, 0, 3, 1),
    # C1, C5 (door), C2 (report 1 Oct and knock 7 Oct before 8 Oct: both), C3 (report)
    "contacts": (4, 1, 2, 1),
    # C1 (door) and C3 (report) reached relationship work
    "relationships": (2, 1, 1, 0),
    # C1 (door)
    "handovers": (1, 0, 1, 0),
}


def _channels(out: dict) -> dict[str, tuple]:
    parts = {g["channel"]: [s["count"] for s in g["stages"]] for g in out["by_channel"]}
    return {st["id"]: (st["count"], parts["report"][i], parts["door"][i], parts["both"][i])
            for i, st in enumerate(out["stages"])}


def test_funnel__exact_counts_by_channel_by_hand(ws):
    out = ws["planner"].funnel(start=START, end=END)
    assert out["period"] == {"from": "2026-10-01", "to": "2026-10-28"} and out["protected"] is False
    assert _channels(out) == FUNNEL
    # days from the first report to contact: C2 8−1 = 7, C3 26−10 = 16 → 11.5; to handover: C1 27−13 = 14
    assert out["medians"] == {"report_to_contact": {"median_days": 11.5, "n": 2},
                              "contact_to_handover": {"median_days": 14.0, "n": 1}}
    assert [(k["kind"], [s["count"] for s in k["stages"]]) for k in out["by_report_kind"]] == [
        ("neighbour_complaint", [2, 1, 0])]  # C2 and C3; C3 reached relationship work
    assert "members" not in _walk_keys(out)


def test_cli__funnel_json_shape_and_channels_summing_to_the_totals(ws):
    code, out = _cli("--db", _url(ws["admin"]), "--user", PLANNER, "--json", "funnel", "--from", "2026-10-01",
                     "--to", "2026-10-28")
    assert code == 0, out
    assert out["period"] == {"from": "2026-10-01", "to": "2026-10-28"}
    assert [s["id"] for s in out["stages"]] == ["reports", "in_target_group", "doors_knocked", "contacts",
                                                "relationships", "handovers"]
    assert [g["channel"] for g in out["by_channel"]] == ["report", "door", "both"]
    for stage, (total, *parts) in _channels(out).items():
        assert total == sum(parts), stage
    assert _channels(out) == FUNNEL
    assert "members" not in _walk_keys(out)


@pytest.mark.parametrize("role", ["planner", "team_lead", "analyst"])
def test_funnel__no_members_key_for_any_role_or_split(ws, role):
    repo = ws["admin"].as_user(role_user(role))
    for by in ("channel", "month", "area"):
        out = repo.funnel(start=START, end=END, by=by)
        assert "members" not in _walk_keys(out), (role, by)


def test_funnel__the_analyst_gets_multiples_of_5_to_the_publication_point(ws, monkeypatch):
    # 20 November: the publication point is 31 October, so the analyst's period ends there
    _at(monkeypatch, _cph(11, 20))
    assert privacy.publication_date(date(2026, 11, 20)) == date(2026, 10, 31)
    exact = ws["planner"].funnel(start=START, end=date(2026, 11, 15))
    assert exact["period"]["to"] == "2026-11-15"
    out = ws["analyst"].funnel(start=START, end=date(2026, 11, 15))
    assert out["period"] == {"from": "2026-10-01", "to": "2026-10-31"} and out["protected"] is True
    counts = [st["count"] for g in [out["stages"]] + [g["stages"] for g in out["by_channel"]]
              + [k["stages"] for k in out["by_report_kind"]] for st in g]
    assert counts and all(c == "<5" or (isinstance(c, int) and c > 0 and c % 5 == 0) for c in counts), counts
    parts = {g["channel"]: g["stages"] for g in out["by_channel"]}
    for i, st in enumerate(out["stages"]):  # a total is the sum of its rounded parts
        total = sum(privacy.value_number(parts[ch][i]["count"]) for ch in ("report", "door", "both"))
        assert privacy.value_number(st["count"]) == total, st
        assert st["count"] == privacy.shown(int(total))
    assert all(m["median_days"] is None for m in out["medians"].values())  # fewer than 5 courses
    assert "members" not in _walk_keys(out)
    assert ws["analyst"].funnel(start=START, end=date(2026, 11, 15)) == out  # the same every time


# --------------------------------------------------------------------------- evaluation


def test_evaluation__cost_citizens_and_scenarios_by_hand(ws):
    got = ws["planner"].evaluation(start=START, end=END)
    # 2 pairs × 2 workers × 20 h × 4 weeks = 320 h; × 400 kr = 128,000 kr; + 2,000 kr other costs
    assert (got["team_hours"], got["hourly_cost_dkk"], got["other_costs_dkk"]) == (320.0, 400.0, 2000)
    assert got["cost_total"] == 130_000
    # courses started 1–28 Oct: C1, C2, C3, C5 (C4 in September)
    assert got["citizens_reached"] == 4 and got["cost_per_citizen"] == 32_500
    assert got["by_channel"] == {"report": 1, "door": 2, "both": 1}
    # added: 4 × 0.5 × 4,000 × 6 = 48,000 in every scenario; prevented: 4 × p × 100,000
    # lav: 130,000 + 48,000 − 40,000 = 138,000; mellem: − 100,000 → 78,000; høj: − 200,000 → −22,000
    sc = {s["id"]: s for s in got["scenarios"]}
    assert list(sc) == ["lav", "mellem", "hoej"]
    assert {k: (s["added_dkk"], s["prevented_dkk"], s["net_cost"], s["net_cost_per_citizen"]) for k, s in sc.items()} == {
        "lav": (48_000, 40_000, 138_000, 34_500), "mellem": (48_000, 100_000, 78_000, 19_500),
        "hoej": (48_000, 200_000, -22_000, -5_500)}
    assert got["missing"] == [] and got["protected"] is False


def test_evaluation__half_the_framed_period_costs_half(ws):
    got = ws["lead"].evaluation(start=START, end=date(2026, 10, 14))
    # 14 of the framing's 28 days: 160 h × 400 kr + 1,000 kr = 65,000 kr; C2 (8 Oct), C1 (13 Oct)
    assert (got["team_hours"], got["cost_total"], got["citizens_reached"], got["cost_per_citizen"]) == (
        160.0, 65_000, 2, 32_500)
    # added 2 × 12,000 = 24,000; prevented 2 × 10,000, 2 × 25,000, 2 × 50,000
    assert [s["net_cost"] for s in got["scenarios"]] == [69_000, 39_000, -11_000]


def test_evaluation__over_two_framed_periods_counts_the_cost_of_both(ws):
    # the next four weeks framed too: 1 pair × 2 workers × 20 h × 4 weeks = 160 h at 500 kr = 80,000 kr
    ws["planner"].set_framing(period_from=date(2026, 10, 29), period_to=date(2026, 11, 25), pairs=1,
                              hours_per_week=20, hourly_cost_dkk=500)
    got = ws["planner"].evaluation(start=START, end=date(2026, 11, 25))
    # 320 h + 160 h; 128,000 + 80,000 + 2,000 kr; the hourly cost weighted by hours: 208,000 / 480
    assert (got["team_hours"], got["cost_total"], round(got["hourly_cost_dkk"], 2)) == (480.0, 210_000, 433.33)
    # still C1, C2, C3, C5 (none started in November): 210,000 / 4
    assert (got["citizens_reached"], got["cost_per_citizen"]) == (4, 52_500)
    assert got["missing"] == []  # the scenarios of the first period's framing
    assert [s["net_cost"] for s in got["scenarios"]] == [218_000, 158_000, 58_000]
    # the second period alone: its own cost, no scenarios entered for it
    got = ws["planner"].evaluation(start=date(2026, 10, 29), end=date(2026, 11, 25))
    assert (got["team_hours"], got["cost_total"], got["citizens_reached"], got["missing"]) == (
        160.0, 80_000, 0, ["scenarios"])


def test_evaluation__without_a_framing_there_is_no_cost(ws):
    got = ws["planner"].evaluation(start=date(2026, 11, 1), end=date(2026, 11, 28))
    assert got["cost_total"] is None and got["cost_per_citizen"] is None
    assert "framing" in got["missing"] and "scenarios" in got["missing"]
    assert got["citizens_reached"] == 0
    assert all(s["net_cost"] is None and s["net_cost_per_citizen"] is None for s in got["scenarios"])


def test_cli__evaluation_json_shape(ws):
    code, out = _cli("--db", _url(ws["admin"]), "--user", PLANNER, "--json", "evaluation", "--from", "2026-10-01",
                     "--to", "2026-10-28")
    assert code == 0, out
    assert (out["cost_total"], out["citizens_reached"], out["cost_per_citizen"]) == (130_000, 4, 32_500)
    assert [s["id"] for s in out["scenarios"]] == ["lav", "mellem", "hoej"]
    for s in out["scenarios"]:
        assert {"net_cost", "net_cost_per_citizen"} <= set(s)
    assert [(s["net_cost"], s["net_cost_per_citizen"]) for s in out["scenarios"]] == [
        (138_000, 34_500), (78_000, 19_500), (-22_000, -5_500)]


def test_evaluation__the_analyst_gets_citizens_rounded_and_cost_from_them(ws):
    got = ws["analyst"].evaluation(start=START, end=END)
    assert got["protected"] is True and got["cost_total"] == 130_000  # the effort's cost concerns no citizen
    parts = got["by_channel"]
    assert all(v == "<5" or v % 5 == 0 for v in parts.values())
    reached = sum(privacy.value_number(v) for v in parts.values())
    assert got["citizens_reached"] == privacy.shown(int(reached))
    if reached:
        assert got["cost_per_citizen"] == round(130_000 / reached)
    else:
        assert got["cost_per_citizen"] is None

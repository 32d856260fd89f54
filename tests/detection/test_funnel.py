"""The phase-2 funnel by channel (detection.method.funnel): small frames checked by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from detection.errors import InputError
from detection.method.funnel import (
    COURSE_COLUMNS,
    KNOCK_COLUMNS,
    REPORT_COLUMNS,
    course_channels,
    funnel,
    median_days,
    validate,
)

NOV_START = date(2026, 11, 1)
NOV_END = date(2026, 11, 30)


def rep(
    sid,
    entrance,
    received,
    assessment="in_target_group",
    *,
    kind="landlord_report",
    area="Nordby",
    assessed_at=None,
):
    return {
        "signal_id": sid,
        "entrance_id": entrance,
        "kind": kind,
        "received": received,
        "assessment": assessment,
        "assessed_at": assessed_at,
        "area": area,
    }


def knock(entrance, visited_at, outcome="not_home", *, area="Nordby"):
    return {"entrance_id": entrance, "outcome": outcome, "visited_at": visited_at, "area": area}


def course(
    cid,
    entrance,
    started_on,
    *,
    origin="report",
    stage="contact",
    relationship_on=None,
    bridging_on=None,
    handed_over_on=None,
    closed_on=None,
    area="Nordby",
):
    return {
        "course_id": cid,
        "entrance_id": entrance,
        "started_on": started_on,
        "stage": stage,
        "relationship_on": relationship_on,
        "bridging_on": bridging_on,
        "handed_over_on": handed_over_on,
        "closed_on": closed_on,
        "origin": origin,
        "area": area,
    }


def reports_df(*rows):
    return pd.DataFrame(list(rows), columns=list(REPORT_COLUMNS))


def knocks_df(*rows):
    return pd.DataFrame(list(rows), columns=list(KNOCK_COLUMNS))


def courses_df(*rows):
    return pd.DataFrame(list(rows), columns=list(COURSE_COLUMNS))


def counts(stages):
    return [s["count"] for s in stages]


def by_key(groups, key):
    return {g[key]: counts(g["stages"]) for g in groups}


def scenario():
    """November 2026 in Nordby and Sydby (counts worked out in the tests below).

    C1 (E1): report S1 on 11-02 and a knock on 11-05, the contact day -> both, handed over.
    C2 (E6): knocked 11-06 and 11-08, no report -> door, relationship.
    C3 (E2): report S2 on 11-03, never knocked -> report, still at contact.
    C4 (E4): report S4 on 10-20 (before the period), knock 11-10 -> both, closed after
    relationship work. C5 starts in December (outside). S3 at E3 is not in the target group.
    """
    reports = reports_df(
        rep("S1", "E1", date(2026, 11, 2)),
        rep("S2", "E2", date(2026, 11, 3), "unclear", kind="neighbour_complaint"),
        rep(
            "S3", "E3", date(2026, 11, 4), "not_in_target_group", kind="eviction_risk", area="Sydby"
        ),
        rep("S4", "E4", date(2026, 10, 20), kind="eviction_risk", area="Sydby"),
        rep("S5", "E5", date(2026, 12, 2)),
    )
    knocks = knocks_df(
        knock("E1", date(2026, 11, 5), "contact_established"),
        knock("E3", date(2026, 11, 6), area="Sydby"),
        knock("E6", date(2026, 11, 6), area="Sydby"),
        knock("E6", date(2026, 11, 8), "contact_established", area="Sydby"),
        knock("E7", date(2026, 10, 30), "letter_left"),
        knock("E4", date(2026, 11, 10), "contact_established", area="Sydby"),
    )
    courses = courses_df(
        course(
            "C1",
            "E1",
            date(2026, 11, 5),
            origin="door",
            stage="handed_over",
            relationship_on=date(2026, 11, 10),
            handed_over_on=date(2026, 11, 25),
        ),
        course(
            "C2",
            "E6",
            date(2026, 11, 8),
            origin="door",
            stage="relationship",
            relationship_on=date(2026, 11, 20),
            area="Sydby",
        ),
        course("C3", "E2", date(2026, 11, 12)),
        course(
            "C4",
            "E4",
            date(2026, 11, 10),
            origin="door",
            stage="closed",
            relationship_on=date(2026, 11, 15),
            closed_on=date(2026, 11, 28),
            area="Sydby",
        ),
        course("C5", "E5", date(2026, 12, 5)),
    )
    return reports, knocks, courses


# --- course_channels ----------------------------------------------------------------------


def test_channel_report__report_before_contact_and_no_knock():
    out = course_channels(
        courses_df(course("C1", "E1", date(2026, 11, 10))),
        reports_df(rep("S1", "E1", date(2026, 11, 2), kind="eviction_risk")),
        knocks_df(),
    )
    assert out.loc[0, "channel"] == "report"
    assert out.loc[0, "report_kind"] == "eviction_risk"
    assert out.loc[0, "first_report_on"] == date(2026, 11, 2)


def test_channel_door__knock_and_no_report():
    out = course_channels(
        courses_df(course("C1", "E1", date(2026, 11, 10), origin="door")),
        reports_df(),
        knocks_df(knock("E1", date(2026, 11, 10), "contact_established")),
    )
    assert out.loc[0, "channel"] == "door"
    assert out.loc[0, "report_kind"] is None
    assert out.loc[0, "first_report_on"] is None


def test_channel_door__door_origin_counts_as_knocked_without_a_knock_row():
    out = course_channels(
        courses_df(course("C1", "E1", date(2026, 11, 10), origin="door")), reports_df(), knocks_df()
    )
    assert out.loc[0, "channel"] == "door"


def test_channel_both__report_and_knock_on_or_before_contact():
    out = course_channels(
        courses_df(course("C1", "E1", date(2026, 11, 10))),
        reports_df(rep("S1", "E1", date(2026, 11, 10))),
        knocks_df(knock("E1", date(2026, 11, 3))),
    )
    assert out.loc[0, "channel"] == "both"
    assert out.loc[0, "report_kind"] == "landlord_report"


def test_channel_report__report_origin_without_report_or_knock():
    out = course_channels(
        courses_df(course("C1", "E1", date(2026, 11, 10), origin="report")),
        reports_df(),
        knocks_df(),
    )
    assert out.loc[0, "channel"] == "report"
    assert out.loc[0, "report_kind"] is None
    assert out.loc[0, "first_report_on"] is None


def test_channel__knock_after_contact_does_not_make_it_both():
    out = course_channels(
        courses_df(course("C1", "E1", date(2026, 11, 10))),
        reports_df(rep("S1", "E1", date(2026, 11, 2))),
        knocks_df(knock("E1", date(2026, 11, 11))),
    )
    assert out.loc[0, "channel"] == "report"


def test_channel__report_after_contact_does_not_count():
    out = course_channels(
        courses_df(course("C1", "E1", date(2026, 11, 10), origin="door")),
        reports_df(rep("S1", "E1", date(2026, 11, 11))),
        knocks_df(),
    )
    assert out.loc[0, "channel"] == "door"
    assert out.loc[0, "report_kind"] is None


def test_channel__not_in_target_group_report_is_ignored():
    reports = reports_df(
        rep("S1", "E1", date(2026, 11, 2), "not_in_target_group"),
        rep("S2", "E2", date(2026, 11, 2), "not_in_target_group"),
    )
    courses = courses_df(
        course("C1", "E1", date(2026, 11, 10), origin="door"),
        course("C2", "E2", date(2026, 11, 10), origin="report"),
    )
    out = course_channels(courses, reports, knocks_df())
    assert list(out["channel"]) == ["door", "report"]
    assert list(out["report_kind"]) == [None, None]


def test_channel_report_kind__earliest_counting_report():
    reports = reports_df(
        rep("S1", "E1", date(2026, 11, 5), kind="neighbour_complaint"),
        rep("S2", "E1", date(2026, 11, 1), "not_in_target_group", kind="caretaker_concern"),
        rep("S3", "E1", date(2026, 11, 3), "new", kind="eviction_risk"),
    )
    out = course_channels(courses_df(course("C1", "E1", date(2026, 11, 10))), reports, knocks_df())
    assert out.loc[0, "report_kind"] == "eviction_risk"
    assert out.loc[0, "first_report_on"] == date(2026, 11, 3)


def test_course_channels__indexed_like_courses():
    courses = courses_df(
        course("C1", "E1", date(2026, 11, 10), origin="door"),
        course("C2", "E2", date(2026, 11, 10)),
    ).set_index(pd.Index([7, 3]))
    out = course_channels(courses, reports_df(rep("S1", "E2", date(2026, 11, 1))), knocks_df())
    assert list(out.index) == [7, 3]
    assert list(out.columns) == ["course_id", "channel", "report_kind", "first_report_on"]
    assert out.loc[3, "channel"] == "report"


def test_course_channels__timestamps_and_local_days():
    # 23:30 UTC on 9 November is 00:30 on 10 November in Copenhagen: after the contact day
    reports = reports_df(rep("S1", "E1", pd.Timestamp("2026-11-02 14:00")))
    knocks = knocks_df(knock("E1", pd.Timestamp("2026-11-09 23:30", tz="UTC")))
    courses = courses_df(course("C1", "E1", pd.Timestamp("2026-11-09")))
    out = course_channels(courses, reports, knocks)
    assert out.loc[0, "channel"] == "report"
    assert out.loc[0, "first_report_on"] == date(2026, 11, 2)


# --- funnel ---------------------------------------------------------------------------------


def test_funnel_totals__counted_by_hand():
    result = funnel(*scenario(), start=NOV_START, end=NOV_END)
    assert result["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert [s["id"] for s in result["stages"]] == [
        "reports",
        "in_target_group",
        "doors_knocked",
        "contacts",
        "relationships",
        "handovers",
    ]
    # reports S1-S3; in target S1; doors E1 E3 E6 E4; courses C1-C4; relationships C1 C2 C4
    assert counts(result["stages"]) == [3, 1, 4, 4, 3, 1]
    assert set(result) == {"period", "stages"}


def test_funnel_rates__stage_to_stage():
    rates = [s["rate"] for s in funnel(*scenario(), start=NOV_START, end=NOV_END)["stages"]]
    assert rates == [None, pytest.approx(1 / 3), 4.0, 1.0, 0.75, pytest.approx(1 / 3)]


def test_funnel_rates__none_when_previous_stage_is_zero():
    knocks = knocks_df(knock("E1", date(2026, 11, 5), "contact_established"))
    courses = courses_df(course("C1", "E1", date(2026, 11, 5), origin="door"))
    stages = funnel(reports_df(), knocks, courses, start=NOV_START, end=NOV_END)["stages"]
    assert [(s["count"], s["rate"]) for s in stages] == [
        (0, None),
        (0, None),
        (1, None),
        (1, 1.0),
        (0, 0.0),
        (0, None),
    ]


def test_funnel_by_channel__split_by_hand_and_sums_equal_totals():
    result = funnel(*scenario(), start=NOV_START, end=NOV_END, by="channel")
    assert [g["channel"] for g in result["by_channel"]] == ["report", "door", "both"]
    split = by_key(result["by_channel"], "channel")
    # reports: S1 (E1 knocked) and S3 (E3 knocked) both, S2 report; doors: E1 and E4 have a
    # counting report (both), E3 (report not in target group) and E6 door
    assert split == {
        "report": [1, 0, 0, 1, 0, 0],
        "door": [0, 0, 2, 1, 1, 0],
        "both": [2, 1, 2, 2, 2, 1],
    }
    totals = counts(result["stages"])
    for i, total in enumerate(totals):
        assert sum(v[i] for v in split.values()) == total


def test_funnel_by_channel__all_three_channels_even_when_empty():
    result = funnel(
        reports_df(), knocks_df(), courses_df(), start=NOV_START, end=NOV_END, by="channel"
    )
    assert by_key(result["by_channel"], "channel") == {
        "report": [0] * 6,
        "door": [0] * 6,
        "both": [0] * 6,
    }
    assert result["by_report_kind"] == []


def test_funnel_by_report_kind__courses_with_a_report_sorted_by_kind():
    result = funnel(*scenario(), start=NOV_START, end=NOV_END, by="channel")
    groups = result["by_report_kind"]
    assert [g["kind"] for g in groups] == [
        "eviction_risk",
        "landlord_report",
        "neighbour_complaint",
    ]
    assert [s["id"] for s in groups[0]["stages"]] == ["contacts", "relationships", "handovers"]
    assert by_key(groups, "kind") == {
        "eviction_risk": [1, 1, 0],  # C4
        "landlord_report": [1, 1, 1],  # C1
        "neighbour_complaint": [1, 0, 0],
    }  # C3
    assert groups[0]["stages"][0]["rate"] is None


def test_funnel__events_outside_the_period_do_not_count():
    reports = reports_df(
        rep("S1", "E1", date(2026, 10, 31)),
        rep("S2", "E2", date(2026, 12, 1)),
        rep("S3", "E3", date(2026, 11, 30)),
    )
    knocks = knocks_df(
        knock("E1", date(2026, 10, 31)),
        knock("E2", date(2026, 12, 1)),
        knock("E4", date(2026, 11, 1)),
    )
    courses = courses_df(
        course(
            "C1", "E1", date(2026, 10, 31), stage="handed_over", handed_over_on=date(2026, 11, 15)
        ),
        course("C2", "E2", date(2026, 12, 1)),
    )
    stages = funnel(reports, knocks, courses, start=NOV_START, end=NOV_END)["stages"]
    assert counts(stages) == [1, 1, 1, 0, 0, 0]  # both ends of the period are included


def test_funnel__relationship_reached_after_the_period_counts_for_the_cohort():
    courses = courses_df(
        course("C1", "E1", date(2026, 11, 20), stage="bridging", bridging_on=date(2027, 1, 5))
    )
    stages = funnel(reports_df(), knocks_df(), courses, start=NOV_START, end=NOV_END)["stages"]
    assert counts(stages)[3:] == [1, 1, 0]


def test_funnel_by_month__across_a_month_boundary():
    reports = reports_df(
        rep("S1", "E1", date(2026, 11, 10)),  # before the period
        rep("S2", "E1", date(2026, 11, 20)),
        rep("S3", "E2", date(2026, 12, 1), "unclear"),
        rep("S4", "E3", date(2026, 12, 20)),
    )  # after the period
    knocks = knocks_df(
        knock("E1", date(2026, 11, 25)),
        knock("E1", date(2026, 12, 3)),
        knock("E2", date(2026, 12, 5)),
    )
    courses = courses_df(
        course("C1", "E1", date(2026, 11, 28), stage="relationship"),
        course(
            "C2", "E2", date(2026, 12, 10), stage="handed_over", handed_over_on=date(2026, 12, 14)
        ),
    )
    result = funnel(
        reports, knocks, courses, start=date(2026, 11, 15), end=date(2026, 12, 15), by="month"
    )
    assert counts(result["stages"]) == [2, 1, 2, 2, 2, 1]
    assert by_key(result["by_month"], "month") == {
        "2026-11": [1, 1, 1, 1, 1, 0],
        "2026-12": [1, 0, 2, 1, 1, 1],
    }
    # E1 was knocked in both months: months count distinct doors each, 1 + 2 > 2


def test_funnel_by_month__every_month_touching_the_period_even_empty():
    courses = courses_df(course("C1", "E1", date(2026, 12, 31)))
    result = funnel(
        reports_df(),
        knocks_df(),
        courses,
        start=date(2026, 10, 15),
        end=date(2026, 12, 31),
        by="month",
    )
    assert by_key(result["by_month"], "month") == {
        "2026-10": [0] * 6,
        "2026-11": [0] * 6,
        "2026-12": [0, 0, 0, 1, 0, 0],
    }


def test_funnel_by_area__each_rows_own_area_sorted():
    result = funnel(*scenario(), start=NOV_START, end=NOV_END, by="area")
    assert [g["area"] for g in result["by_area"]] == ["Nordby", "Sydby"]
    assert by_key(result["by_area"], "area") == {
        "Nordby": [2, 1, 1, 2, 1, 1],
        "Sydby": [1, 0, 3, 2, 2, 0],
    }


def test_funnel_by_area__missing_area_is_none_and_last():
    reports = reports_df(
        rep("S1", "E1", date(2026, 11, 2), area=None),
        rep("S2", "E2", date(2026, 11, 2), area="Ballen"),
    )
    knocks = knocks_df(knock("E3", date(2026, 11, 2), area=float("nan")))
    result = funnel(reports, knocks, courses_df(), start=NOV_START, end=NOV_END, by="area")
    assert [g["area"] for g in result["by_area"]] == ["Ballen", None]
    assert counts(result["by_area"][1]["stages"]) == [1, 1, 1, 0, 0, 0]


# --- median_days ----------------------------------------------------------------------------


def test_median_days__odd_n_by_hand():
    result = median_days(*scenario(), start=NOV_START, end=NOV_END)
    # report -> contact: C1 11-02 -> 11-05 = 3, C3 11-03 -> 11-12 = 9, C4 10-20 -> 11-10 = 21
    # contact -> handover: C1 11-05 -> 11-25 = 20
    assert result == {
        "report_to_contact": {"median_days": 9.0, "n": 3},
        "contact_to_handover": {"median_days": 20.0, "n": 1},
    }


def test_median_days__even_n_is_the_mean_of_the_middle_two():
    reports = reports_df(rep("S1", "E1", date(2026, 11, 1)), rep("S2", "E2", date(2026, 11, 1)))
    courses = courses_df(
        course(
            "C1", "E1", date(2026, 11, 11), stage="handed_over", handed_over_on=date(2026, 11, 21)
        ),
        course(
            "C2", "E2", date(2026, 11, 16), stage="handed_over", handed_over_on=date(2026, 11, 29)
        ),
        course("C3", "E3", date(2026, 11, 20), origin="door"),
    )
    result = median_days(reports, knocks_df(), courses, start=NOV_START, end=NOV_END)
    assert result == {
        "report_to_contact": {"median_days": 12.5, "n": 2},  # 10 and 15
        "contact_to_handover": {"median_days": 11.5, "n": 2},
    }  # 10 and 13


# --- empty inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("empty", [pd.DataFrame, None], ids=["no_columns", "with_columns"])
def test_empty_frames__give_zeros_and_none(empty):
    frames = (empty(), empty(), empty()) if empty else (reports_df(), knocks_df(), courses_df())
    for by in (None, "channel", "month", "area"):
        result = funnel(*frames, start=NOV_START, end=NOV_END, by=by)
        assert [(s["count"], s["rate"]) for s in result["stages"]] == [(0, None)] * 6
    assert funnel(*frames, start=NOV_START, end=NOV_END, by="area")["by_area"] == []
    assert median_days(*frames, start=NOV_START, end=NOV_END) == {
        "report_to_contact": {"median_days": None, "n": 0},
        "contact_to_handover": {"median_days": None, "n": 0},
    }
    out = course_channels(frames[2], frames[0], frames[1])
    assert out.empty
    assert list(out.columns) == ["course_id", "channel", "report_kind", "first_report_on"]


# --- validation -----------------------------------------------------------------------------


def test_validation__missing_column_names_the_frame_and_column():
    reports = reports_df(rep("S1", "E1", date(2026, 11, 2))).drop(columns=["kind"])
    with pytest.raises(InputError, match=r"reports: missing column\(s\) 'kind' \(expected"):
        funnel(reports, knocks_df(), courses_df(), start=NOV_START, end=NOV_END)


def test_validation__bad_assessment_names_row_value_and_fix():
    reports = reports_df(
        rep("S1", "E1", date(2026, 11, 2)), rep("S2", "E2", date(2026, 11, 2), "maybe")
    )
    with pytest.raises(
        InputError,
        match=r"reports row 1 \(signal_id='S2'\): field 'assessment' "
        r"= 'maybe' is not a known assessment \(expected one "
        r"of new, in_target_group",
    ):
        course_channels(courses_df(), reports, knocks_df())


def test_validation__bad_stage_and_origin():
    courses = courses_df(course("C1", "E1", date(2026, 11, 2), stage="done", origin="phone"))
    with pytest.raises(
        InputError,
        match=r"(?s)courses row 0 \(course_id='C1'\): field 'stage' = "
        r"'done' is not a known course stage.*field 'origin' "
        r"= 'phone'",
    ):
        validate(reports_df(), knocks_df(), courses)


def test_validation__bad_and_empty_dates():
    reports = reports_df(rep("S1", "E1", "31-02-2026"))
    courses = courses_df(course("C1", "E1", None))
    with pytest.raises(
        InputError,
        match=r"(?s)field 'received' = '31-02-2026' is not a date "
        r"\(expected YYYY-MM-DD.*field 'started_on' is empty",
    ):
        median_days(reports, knocks_df(), courses, start=NOV_START, end=NOV_END)


def test_validation__start_after_end():
    with pytest.raises(InputError, match="starts 2026-12-01 after it ends 2026-11-01"):
        funnel(
            reports_df(), knocks_df(), courses_df(), start=date(2026, 12, 1), end=date(2026, 11, 1)
        )


def test_validation__unknown_by():
    with pytest.raises(InputError, match=r"by = 'week' is not a known split"):
        funnel(reports_df(), knocks_df(), courses_df(), start=NOV_START, end=NOV_END, by="week")  # type: ignore[arg-type]


def test_validation__problems_collected_and_raised_once():
    reports = reports_df(rep("S1", "E1", date(2026, 11, 2), "maybe"))
    knocks = knocks_df(knock("E1", date(2026, 11, 2), "rang_bell"))
    courses = courses_df(course("C1", "E1", date(2026, 11, 2), stage="done"))
    with pytest.raises(InputError, match=r"\(4 problem\(s\)\)") as err:
        funnel(reports, knocks, courses, start=date(2026, 12, 1), end=NOV_END)
    text = str(err.value)
    assert "'maybe'" in text and "'rang_bell'" in text and "'done'" in text
    assert "starts 2026-12-01" in text
    assert err.value.code == "funnel_input"


def test_validation__many_bad_rows_are_capped():
    reports = reports_df(*[rep(f"S{i}", "E1", date(2026, 11, 2), "maybe") for i in range(25)])
    with pytest.raises(InputError, match=r"… and 5 more$"):
        validate(reports, knocks_df(), courses_df())


# --- inputs are not changed -----------------------------------------------------------------


def test_inputs_are_not_mutated():
    frames = scenario()
    copies = [f.copy(deep=True) for f in frames]
    course_channels(frames[2], frames[0], frames[1])
    for by in (None, "channel", "month", "area"):
        funnel(*frames, start=NOV_START, end=NOV_END, by=by)
    median_days(*frames, start=NOV_START, end=NOV_END)
    validate(*frames, start=NOV_START, end=NOV_END)
    for frame, copy in zip(frames, copies, strict=True):
        assert_frame_equal(frame, copy)

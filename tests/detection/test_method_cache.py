"""The method's inputs kept per change token (issue 18): the funnel, fidelity and the
evaluation read every report, door outcome and course once, and again after any write to
them (:mod:`detection.store.changes`); the figures are the same as from a fresh read.

The workspace is the one of ``test_method_figures`` (built by hand, period 1–28 October
2026, "today" 30 November 2026), on the backend(s) of ``OPSPOR_TEST_BACKEND``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import insert, select, update

from detection.errors import InputError
from detection.method import funnel as fn
from detection.repository import Repository
from detection.repository import method as method_repo
from detection.repository.base import ProcessCache
from detection.store import changes
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.test_method_figures import END, START, TODAY, _build, _cph

FRAMES = ("reports", "knocks", "courses")


@pytest.fixture()
def reads(monkeypatch) -> list[str]:
    """An empty cache for the test, and each read of the inputs from the store, by database."""
    monkeypatch.setattr(method_repo, "_INPUTS", ProcessCache(4))
    calls: list[str] = []
    read = method_repo.MethodOps._read_method_inputs

    def counted(self, conn):  # noqa: ANN001, ANN202
        calls.append(self.engine.url.render_as_string(hide_password=True))
        return read(self, conn)

    monkeypatch.setattr(method_repo.MethodOps, "_read_method_inputs", counted)
    return calls


@pytest.fixture()
def ws(db_url, monkeypatch, reads) -> dict:
    return _build(db_url, monkeypatch)


def _figures(repo: Repository) -> dict:
    """What the three pages show for the period: the funnel by each split, fidelity and the
    evaluation, exact and as they leave the team (protected)."""
    out: dict = {f"funnel_{by}": repo.funnel(start=START, end=END, by=by) for by in ("channel", "month", "area")}
    out["fidelity"] = repo.fidelity(start=START, end=END)
    out["evaluation"] = repo.evaluation(start=START, end=END)
    out["protected"] = (repo.funnel(start=START, end=END, protect=True),
                        repo.fidelity(start=START, end=END, protect=True),
                        repo.evaluation(start=START, end=END, protect=True))
    return out


def _fresh(repo: Repository, what: Callable[[Repository], object]) -> object:
    """``what(repo)`` computed with nothing kept (an empty cache for the call)."""
    kept = method_repo._INPUTS
    method_repo._INPUTS = ProcessCache(4)
    try:
        return what(repo)
    finally:
        method_repo._INPUTS = kept


def _stored(repo: Repository) -> tuple[pd.DataFrame, ...]:
    """The inputs as read from the store now, past the cache."""
    with store_engine.read_tx(repo.engine) as conn:
        return repo._read_method_inputs(conn)


def _assert_same_frames(kept: tuple[pd.DataFrame, ...], stored: tuple[pd.DataFrame, ...], what: str) -> None:
    """The same rows, in whatever order the store gave them."""
    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        order = frame.astype(str).sort_values(list(frame.columns), kind="stable").index
        return frame.loc[order].reset_index(drop=True)

    for name, a, b in zip(FRAMES, kept, stored, strict=True):
        pd.testing.assert_frame_equal(rows(a), rows(b), obj=f"{what}: {name}")


def _stages(figures: dict) -> dict[str, int]:
    return {st["id"]: st["count"] for st in figures["funnel_channel"]["stages"]}


def test_warm_figures_are_the_fresh_ones_and_read_the_store_once(ws, reads):
    planner, analyst = ws["planner"], ws["analyst"]
    first = _figures(planner)
    assert len(reads) == 1  # nine figures, one read
    assert _figures(planner) == first and len(reads) == 1  # a rerun reads nothing
    assert _fresh(planner, _figures) == first
    # another user of the same workspace gets the same kept inputs, under their own policy
    protected = [analyst.funnel(start=START, end=END), analyst.fidelity(start=START, end=END),
                 analyst.evaluation(start=START, end=END)]
    assert len(reads) == 2  # the fresh read above; the analyst's used the kept one
    assert protected == _fresh(analyst, lambda r: [r.funnel(start=START, end=END), r.fidelity(start=START, end=END),
                                                   r.evaluation(start=START, end=END)])
    _assert_same_frames(planner._method_inputs(), _stored(planner), "warm")


def test_every_write_to_the_inputs_is_seen_by_the_next_figures(ws, reads):
    planner, lead, admin = ws["planner"], ws["lead"], ws["admin"]
    r, e, f = ws["r"], ws["e"], ws["f"]
    seen = {"figures": _figures(planner)}

    def after(what: str, write: Callable[[], object]) -> tuple[dict, dict]:
        """The figures before and after ``write``: read from the store again, as a fresh
        read gives them, and the kept inputs as stored."""
        n = len(reads)
        write()
        now = _figures(planner)
        assert len(reads) == n + 1, f"{what}: the inputs were not read again"
        assert now == _fresh(planner, _figures), what
        _assert_same_frames(planner._method_inputs(), _stored(planner), what)
        before, seen["figures"] = seen["figures"], now
        return _stages(before), _stages(now)

    def changed(before: dict[str, int], now: dict[str, int]) -> dict[str, int]:
        return {k: now[k] - before[k] for k in before if now[k] != before[k]}

    # an assessment: R3 (received 3 Oct, new) in the target group
    assert changed(*after("assessment", lambda: planner.assess_signal(r["R3"], "in_target_group"))) == {
        "in_target_group": 1}
    # a bulk assessment and its undo (R5 back to unclear, assessed 21 Oct)
    last: dict = {}
    assert changed(*after("bulk assessment", lambda: last.update(planner.assess_signals([r["R5"]], "in_target_group")))
                   ) == {"in_target_group": 1}
    assert changed(*after("assessment undone", lambda: planner.undo_assessment(last))) == {"in_target_group": -1}
    # a rectification (GDPR art. 16): R2 from not in the target group to in it
    assert changed(*after("rectification", lambda: planner.correct_record("signal", r["R2"],
                                                                            assessment="in_target_group"))) == {
        "in_target_group": 1}
    # a door outcome recorded at F3 (knocked 28 Sep, outside the period before)
    oid: list[str] = []
    assert changed(*after("door outcome", lambda: oid.append(
        lead.record_outcome(f["F3"], "not_home", visited_at=_cph(10, 15))))) == {"doors_knocked": 1}
    # corrected: the same door knocked (the frames' outcome changed, checked in after())
    assert changed(*after("outcome corrected", lambda: lead.edit_outcome(oid[0], "letter_left"))) == {}
    # corrected to a contact: a course starts at F3 on 15 Oct
    assert changed(*after("outcome to contact", lambda: lead.edit_outcome(oid[0], "contact_established"))) == {
        "contacts": 1}
    course = next(c["course_id"] for c in lead.courses() if c["entrance_id"] == f["F3"])
    # the course moves on to relationship work
    assert changed(*after("course moved", lambda: lead.move_course(course, to="relationship", on=date(2026, 10, 20)))
                   ) == {"relationships": 1}
    # a door outcome taken back (deleted)
    assert changed(*after("door outcome", lambda: oid.append(
        lead.record_outcome(f["F4"], "not_home", visited_at=_cph(10, 16))))) == {"doors_knocked": 1}
    assert changed(*after("outcome undone", lambda: lead.undo_outcome(oid[1]))) == {"doors_knocked": -1}
    # one report erased (GDPR art. 17): R5
    assert changed(*after("report erased", lambda: admin.erase_record("signal", r["R5"]))) == {"reports": -1}
    # an address erased: E1's report R1 (in the target group), its knock and its course C2
    assert changed(*after("address erased", lambda: admin.erase_subject(e["E1"]))) == {
        "reports": -1, "in_target_group": -1, "doors_knocked": -1, "contacts": -1}
    # the retention purge, keeping 1 day: reports not in the target group with no knock since
    # (R4, once assessed so) and ended courses (C1 and C5 of the period, C4 of September)
    assert changed(*after("assessment", lambda: planner.assess_signal(r["R4"], "not_in_target_group"))) == {
        "in_target_group": -1}
    admin.set_setting("retention_signals_days", 1)
    admin.set_setting("retention_courses_days", 1)
    purged: dict = {}
    assert changed(*after("purge", lambda: purged.update(admin.purge(as_of=TODAY.date())))) == {
        "reports": -1, "contacts": -2, "relationships": -1, "handovers": -1}
    assert purged["signals"] == 1 and purged["courses"] == 3
    # a report written straight to the table (no repository method): E3 on 4 Oct
    with store_engine.read_tx(admin.engine) as conn:
        row = conn.execute(select(t.signals).where(t.signals.c.signal_id == r["R3"])).mappings().one()
    new = {**row, "signal_id": "S-straight", "external_ref": "S-straight", "received": date(2026, 10, 4),
           "content_hash": None}

    def straight() -> None:
        with store_engine.write_tx(admin.engine) as conn:
            conn.execute(insert(t.signals).values(**new))

    assert changed(*after("report inserted", straight)) == {"reports": 1, "in_target_group": 1}


def test_an_area_layer_added_and_renamed_is_seen_by_the_funnel_by_area(ws, reads):
    planner, admin = ws["planner"], ws["admin"]

    def areas() -> set:
        out = planner.funnel(start=START, end=END, by="area")
        assert out == _fresh(planner, lambda p: p.funnel(start=START, end=END, by="area"))
        return {g["area"] for g in out["by_area"]}

    assert areas() == {None}  # Nordby has no area layer
    e = admin.entrances()
    around = shapely.box(e["x"].min() - 10, e["y"].min() - 10, e["x"].max() + 10, e["y"].max() + 10)
    with store_engine.write_tx(admin.engine) as conn:
        conn.execute(insert(t.area_layers).values(layer="parishes", source="test"))
        conn.execute(insert(t.areas).values(layer="parishes", area_id="1", name="Nordby",
                                            geometry_wkb=shapely.to_wkb(around)))
    assert areas() == {"Nordby"}
    with store_engine.write_tx(admin.engine) as conn:  # an entrance in two areas: the first one
        conn.execute(insert(t.areas).values(layer="parishes", area_id="2", name="Anden",
                                            geometry_wkb=shapely.to_wkb(around)))
        conn.execute(update(t.areas).where(t.areas.c.area_id == "1").values(name="Nordby Sogn"))
    assert areas() == {"Nordby Sogn"}
    assert len(reads) == 6  # each time: the kept inputs, and a fresh read


def test_the_token_changes_only_with_a_committed_write_to_an_input(ws, reads):
    admin, planner = ws["admin"], ws["planner"]

    def token() -> str | None:
        with store_engine.read_tx(admin.engine) as conn:
            return changes.token(conn)

    before = token()
    assert before is not None
    # a write to another table (a partner, the audit log of every read) leaves it
    planner.add_partner("Boligselskab 9 (test)", "boligselskab")
    _figures(planner)
    assert token() == before and len(reads) == 1
    # a write to an input that is rolled back leaves it too
    with pytest.raises(RuntimeError), store_engine.write_tx(admin.engine) as conn:
        conn.execute(update(t.signals).values(kind="landlord_report"))
        raise RuntimeError("rolled back")
    assert token() == before
    planner.assess_signal(ws["r"]["R3"], "unclear")
    assert token() not in (before, None)


def test_two_copies_of_a_workspace_never_share_their_figures(reads, tmp_path, monkeypatch):
    # a file copy of the database: SQLite by nature, whatever backends the run tests
    ws = _build(f"sqlite:///{tmp_path / 'orig.sqlite'}", monkeypatch)
    planner = ws["planner"]
    url = planner.engine.url
    with planner.engine.connect() as conn:  # the copy holds everything committed
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.sqlite"
    shutil.copy(url.database, copy)
    other = Repository.open(str(copy), planner.actor.name)
    try:
        mine = _figures(planner)
        # the same token, the same workspace, another database: read on its own
        assert _figures(other) == mine and len(reads) == 2
        other.assess_signal(ws["r"]["R3"], "in_target_group")
        theirs = _figures(other)
        assert _stages(theirs)["in_target_group"] == _stages(mine)["in_target_group"] + 1
        assert _figures(planner) == mine and theirs == _fresh(other, _figures)
    finally:
        store_engine.dispose_engine(store_engine.resolve_db_url(str(copy)))


def test_the_kept_frames_are_never_handed_out(ws, reads):
    planner = ws["planner"]
    reports, knocks, courses = planner._method_frames(END)
    reports.loc[:, "assessment"] = "not_in_target_group"
    knocks.loc[:, "outcome"] = "unsafe"
    courses.loc[:, "stage"] = "closed"
    _assert_same_frames(planner._method_inputs(), _stored(planner), "after changing the handed-out frames")
    assert planner.funnel(start=START, end=END) == _fresh(planner, lambda p: p.funnel(start=START, end=END))


def test_a_foreign_key_action_into_an_input_comes_from_an_input_or_clears_what_is_not_read():
    """What the database changes without a statement on the table (``ON DELETE``) either
    comes from a watched table's own statement or touches a column the method never reads."""
    read = {"signals": {"signal_id", "entrance_id", "kind", "received", "assessment", "assessed_at"},
            "outcomes": {"entrance_id", "outcome", "visited_at"},
            "courses": {"course_id", "entrance_id", "started_on", "stage", "relationship_on", "bridging_on",
                        "handed_over_on", "closed_on", "origin"},
            "entrances": {"entrance_id", "x", "y"}, "areas": {"layer", "name", "geometry_wkb"},
            "area_layers": {"layer"}}
    assert set(read) == changes.TABLES
    for name in changes.TABLES:
        for fk in t.metadata.tables[name].foreign_keys:
            if fk.ondelete is None:
                continue
            column = f"{name}.{fk.parent.name}"
            assert fk.column.table.name in changes.TABLES or column in changes.UNREAD_COLUMNS, column
            if column in changes.UNREAD_COLUMNS:
                assert fk.ondelete.upper() == "SET NULL" and fk.parent.name not in read[name], column


# --------------------------------------------------------------------------- dates in bulk


def _dates_one_by_one(values: pd.Series) -> tuple[pd.Series, list]:
    """:func:`detection.method.funnel._dates` as it was: :func:`_one_date` value by value."""
    out, bad = [], []
    for label, v in zip(values.index, values.to_numpy(dtype=object), strict=True):
        try:
            out.append(fn._one_date(v))
        except (ValueError, TypeError, OverflowError):
            out.append(pd.NaT)
            bad.append(label)
    return pd.Series(out, index=values.index, dtype="datetime64[ns]"), bad


MIXED = ["2026-11-02", " 2026-11-02 ", "2026-11-02T10:30", "2026-11-02 23:30:00+00:00", "2026-03-29T01:30Z",
         datetime(2026, 6, 30, 23, 30, tzinfo=UTC), pd.Timestamp("2026-11-02 22:00", tz="UTC"),
         pd.Timestamp("2026-11-02 12:00"), datetime(2026, 1, 1, 5), date(2026, 2, 28), None, np.nan, pd.NaT, pd.NA,
         "31/02/2026", "2026-02-31", "abc", 42, 3.5, True, "", "  ", np.datetime64("2026-05-01T12:00"),
         np.datetime64("NaT"), "20261102", "2026-W45-1", "0000-01-01", "2262-04-11", "1677-09-22",
         date(2262, 4, 11), date(1677, 9, 22), Decimal("NaN"), [1], "٢٠٢٦-١١-٠٢", np.str_("2026-11-02"),
         "2026-11-02x"]


@pytest.mark.parametrize("index", [None, [f"r{i}" for i in range(len(MIXED))], list(range(100, 100 + len(MIXED)))],
                         ids=["range", "labels", "numbers"])
def test_dates_in_bulk_are_the_dates_one_by_one(index):
    values = pd.Series(MIXED, index=index, dtype=object)
    got, bad = fn._dates(values)
    want, want_bad = _dates_one_by_one(values)
    assert got.dtype == "datetime64[ns]" and got.index.equals(values.index)
    pd.testing.assert_series_equal(got, want)
    assert bad == want_bad and [type(x) for x in bad] == [type(x) for x in want_bad]
    assert (got.dropna() == got.dropna().dt.normalize()).all()
    refused = [values[label] for label in bad]
    assert "31/02/2026" in refused and "abc" in refused and 42 in refused and None not in refused


@pytest.mark.parametrize("values", [[date(2026, 10, 1)] * 3 + [None], ["2026-10-01", None, "2026-10-02"],
                                    ["2026-10-01", "abc", "2026-02-30"], [], [None, np.nan]])
def test_dates_in_bulk_of_one_kind_are_the_dates_one_by_one(values):
    s = pd.Series(values, dtype=object)
    got, bad = fn._dates(s)
    want, want_bad = _dates_one_by_one(s)
    pd.testing.assert_series_equal(got, want)
    assert bad == want_bad


@pytest.mark.parametrize("values", [
    pd.to_datetime(["2026-11-02 23:30", None, "1969-12-31 23:59"]),
    pd.to_datetime(["2026-11-02 23:30", "2026-03-29 01:30", None]).tz_localize("UTC"),
    pd.to_datetime(["2026-06-30 22:30"]).tz_localize("Europe/Copenhagen").as_unit("s")])
def test_a_datetime_column_gives_the_dates_one_by_one(values):
    s = pd.Series(values)
    got, bad = fn._dates(s)
    want, want_bad = _dates_one_by_one(s)
    pd.testing.assert_series_equal(got, want)
    assert bad == want_bad == []


@pytest.mark.parametrize("value", [date(1, 1, 1), "1500-01-01", datetime(1500, 1, 1), "2262-04-12", "1677-09-21",
                                   date(9999, 12, 31)])
def test_a_day_a_timestamp_cannot_hold_is_not_a_date(value):
    """Outside pandas.Timestamp's days (1677-09-22 to 2262-04-11) a value is refused with the
    message of any other non-date (reading it one by one crashed on it)."""
    reports = pd.DataFrame({"signal_id": ["S1"], "entrance_id": ["E1"], "kind": ["landlord_report"],
                            "received": [value], "assessment": ["new"], "assessed_at": [None], "area": [None]})
    assert fn._dates(reports["received"])[1] == [0]
    with pytest.raises(InputError, match=r"reports row 0 \(signal_id='S1'\): field 'received' = .* is not a date"):
        fn.validate(reports, pd.DataFrame(), pd.DataFrame())


def test_repository_dates_in_bulk(ws, reads):
    """The repository's frames (dates as datetime.date) take the bulk path and lose nothing."""
    reports, knocks, courses = ws["planner"]._method_frames(END)
    for frame, col in ((reports, "received"), (reports, "assessed_at"), (knocks, "visited_at"),
                       (courses, "started_on"), (courses, "handed_over_on")):
        got, bad = fn._dates(frame[col])
        want, want_bad = _dates_one_by_one(frame[col])
        pd.testing.assert_series_equal(got, want)
        assert bad == want_bad == []

"""The method's figures (issue 16): the funnel by channel, method fidelity and the
evaluation with its economics, for one period, computed from the workspace's own data.

Planners and team leads see exact numbers (their reads are audited). Analysts — and every
file that leaves the team, such as the management report — get them under the one
disclosure policy of :mod:`detection.privacy`, applied here: the period ends at the
publication point, every count that concerns citizens is rounded to a multiple of 5 by
a key computed from the records in it (a total is the sum of its rounded parts), and what
is derived (rates, shares, cost per citizen, medians) is computed from the rounded
numbers, or withheld where one reads "<5".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, func, select, union

from detection import clock, privacy
from detection.access import SEES_ADDRESSES
from detection.errors import InputError
from detection.method import economics as ec
from detection.method import fidelity as fd
from detection.method import funnel as fn
from detection.method.framing import Framing
from detection.method.report import ReportData
from detection.repository.base import ProcessCache, operation
from detection.repository.courses import CourseOps
from detection.store import changes
from detection.store import engine as store_engine
from detection.store import schema as t

#: the area layer the funnel is split by when asked "by area" (the first stored one otherwise)
AREA_LAYER = "parishes"

#: what the method reads, per database and change token (a city's reports: some 20 MB)
_INPUTS = ProcessCache(4)
_T = TypeVar("_T")


def _local_date(values: pd.Series) -> pd.Series:
    """Stored times as Copenhagen dates."""
    if values.empty:
        return pd.Series([], dtype=object, index=values.index)
    return clock.local_times(values).dt.date


class MethodOps(CourseOps):
    """Funnel, fidelity, evaluation: the method's figures for a period."""

    # ------------------------------------------------------------------ period and data

    def _protected(self, protect: bool = False) -> bool:
        """Whether the figures go out under the disclosure policy: always for roles that may
        not see addresses, and whenever asked (``protect``: a file that leaves the team)."""
        return bool(protect) or self.actor.role not in SEES_ADDRESSES

    def _method_period(self, start: date | None, end: date | None,
                       protect: bool = False) -> tuple[date, date, Framing | None]:
        """The period asked for: the dates given; else the framed period that holds today;
        else the last 12 months. For protected roles it ends at the publication point."""
        today = clock.today()
        framing = self.framing(start or end or today)
        if start is None and end is None and framing is not None:
            start, end = framing.period_from, framing.period_to
        end = end or today
        start = start or (end - timedelta(days=364))
        if start > end:
            raise InputError(f"the period starts ({start.isoformat()}) after it ends ({end.isoformat()}); swap "
                             "the dates", code="period_order")
        if self._protected(protect):
            end = min(end, privacy.publication_date(today))
            start = min(start, end)
        if framing is None or not (framing.period_from <= end and framing.period_to >= start):
            framing = self.framing(end)
        return start, end, framing

    def _framings_in(self, start: date, end: date) -> list[Framing]:
        """Every framing whose period overlaps ``[start, end]``, oldest first."""
        f = t.framings
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(f).where(f.c.period_from <= end, f.c.period_to >= start)
                                .order_by(f.c.period_from)).mappings().all()
        return [Framing.from_row(dict(r)) for r in rows]

    def _area_names(self, conn: Connection) -> dict[str, str]:
        """entrance id → the name of its area in :data:`AREA_LAYER` (or the first layer), for
        every entrance with a report, a door outcome or a course; an entrance inside two
        areas gets the first one stored."""
        layers = list(conn.execute(select(t.area_layers.c.layer).order_by(t.area_layers.c.layer)).scalars())
        if not layers:
            return {}
        layer = AREA_LAYER if AREA_LAYER in layers else layers[0]
        rows = conn.execute(select(t.areas.c.name, t.areas.c.geometry_wkb).where(t.areas.c.layer == layer)).all()
        e, s, o, c = t.entrances, t.signals, t.outcomes, t.courses
        used = union(select(s.c.entrance_id), select(o.c.entrance_id), select(c.c.entrance_id))
        xy = pd.read_sql(select(e.c.entrance_id, e.c.x, e.c.y).where(e.c.entrance_id.in_(used)), conn)
        points = shapely.points(xy["x"].to_numpy(float), xy["y"].to_numpy(float))
        area, point = shapely.STRtree(points).query(shapely.from_wkb([r[1] for r in rows]), predicate="contains")
        order = np.lexsort((area, point))  # by point, then area as stored: the first area first
        point, area = point[order], area[order]
        first = np.unique(point, return_index=True)[1]
        ids = xy["entrance_id"].tolist()
        return {ids[p]: rows[a][0] for p, a in zip(point[first].tolist(), area[first].tolist(), strict=True)}

    def _kept(self, conn: Connection, what: str, read: Callable[[], _T]) -> _T:
        """``read()`` (from ``conn``), kept per database, workspace and change token
        (:mod:`detection.store.changes`): every write to the tables the method reads replaces
        the token in its own transaction, so what is kept under a token is the data as stored.
        The key names the database without its password."""
        built = conn.execute(select(t.workspace.c.created_at)).scalar()
        key = (what, self.engine.url.render_as_string(hide_password=True), str(built), changes.token(conn))
        return _INPUTS.get(key, read)

    def _method_inputs(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Every report, door knock and course in the shapes of :mod:`detection.method.funnel`
        (dates as Copenhagen dates, ``area`` by entrance), read from one snapshot and kept
        (:meth:`_kept`). Read-only: callers get filtered copies (:meth:`_method_frames`)."""
        with store_engine.read_tx(self.engine) as conn:
            return self._kept(conn, "frames", lambda: self._read_method_inputs(conn))

    def _read_method_inputs(self, conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The frames of :meth:`_method_inputs`, from the store."""
        s, o, c = t.signals, t.outcomes, t.courses
        reports = pd.read_sql(select(s.c.signal_id, s.c.entrance_id, s.c.kind, s.c.received, s.c.assessment,
                                     s.c.assessed_at), conn)
        reports["received"] = pd.to_datetime(reports["received"]).dt.date
        reports["assessed_at"] = _local_date(reports["assessed_at"].dropna()).reindex(reports.index)
        knocks = pd.read_sql(select(o.c.entrance_id, o.c.outcome, o.c.visited_at), conn)
        knocks["visited_at"] = _local_date(knocks["visited_at"])
        courses = pd.read_sql(select(c.c.course_id, c.c.entrance_id, c.c.started_on, c.c.stage, c.c.relationship_on,
                                     c.c.bridging_on, c.c.handed_over_on, c.c.closed_on, c.c.origin), conn)
        for col in ("started_on", "relationship_on", "bridging_on", "handed_over_on", "closed_on"):
            courses[col] = pd.to_datetime(courses[col]).dt.date
            courses[col] = courses[col].astype(object).where(courses[col].notna(), None)
        names = self._area_names(conn)
        for df in (reports, knocks, courses):
            df["area"] = [names.get(x) for x in df["entrance_id"].tolist()]
        return reports, knocks, courses

    def _entrance_points(self, conn: Connection) -> pd.DataFrame:
        """Every entrance's ``entrance_id, x, y``, kept (:meth:`_kept`; read-only)."""
        e = t.entrances
        return self._kept(conn, "entrances", lambda: pd.read_sql(select(e.c.entrance_id, e.c.x, e.c.y), conn))

    def _method_frames(self, end: date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Reports received, door knocks made and courses started up to ``end``: new frames
        cut from :meth:`_method_inputs` (a caller may change them; the kept ones stay)."""
        reports, knocks, courses = self._method_inputs()
        return (reports[reports["received"] <= end].reset_index(drop=True),
                knocks[knocks["visited_at"] <= end].reset_index(drop=True),
                courses[courses["started_on"] <= end].reset_index(drop=True))

    # ------------------------------------------------------------------ the funnel

    @operation("method.read")
    def funnel(self, *, start: date | None = None, end: date | None = None, by: str | None = "channel",
               protect: bool = False) -> dict:
        """The funnel for a period (:func:`detection.method.funnel.funnel`), split ``by``
        channel (default), month or area, with the median days from first report to contact
        and from contact to handover (``medians``) and ``protected`` (true for analysts:
        rounded counts, see the module docstring)."""
        s, e, _ = self._method_period(start, end, protect)
        reports, knocks, courses = self._method_frames(e)
        out = fn.funnel(reports, knocks, courses, start=s, end=e, by=by, members=True, medians=True)
        with store_engine.write_tx(self.engine) as conn:
            self._audit(conn, "method.read", f"funnel {s.isoformat()}–{e.isoformat()} by {by}",
                        "the method's figures")
        out["protected"] = self._protected(protect)
        if out["protected"]:
            _protect_funnel(out)
        _strip_members(out)
        return out

    # ------------------------------------------------------------------ fidelity

    def _fidelity_counts(self, conn: Connection, s: date, e: date, framing: Framing | None,
                         reports: pd.DataFrame, knocks: pd.DataFrame, courses: pd.DataFrame) -> tuple[fd.Counts, dict]:
        """The indicators' counts, and for each numerator / denominator the records behind it
        (for disclosure control)."""
        ids: dict[str, list[str]] = {}
        today = clock.today()
        # framing: the period framed, with target group, team, shift and goals
        parts = []
        if framing is not None:
            if framing.target_group:
                parts.append("target_group")
            if framing.pairs and framing.hours_per_week:
                parts.append("team")
            if framing.shift:
                parts.append("shift")
            if framing.goals:
                parts.append("goals")
        # mapping: the model saved and focus areas saved within the period
        lo, hi = clock.days_before_utc(s, 0), clock.days_before_utc(e + timedelta(days=1), 0)
        mapping = []
        m_at = conn.execute(select(func.max(t.priority_model.c.updated_at))).scalar()
        if m_at is not None and lo <= clock.to_utc(clock.from_store(m_at)) < hi:
            mapping.append("model")
        f_at = conn.execute(select(func.max(t.focus_areas.c.created_at))
                            .where(t.focus_areas.c.created_at < hi)).scalar()
        if f_at is not None and clock.to_utc(clock.from_store(f_at)) >= lo:
            mapping.append("focus_areas")
        # communication: active partners with a contact in the last 3 months (at the period's end)
        ref = min(e, today)
        since = (pd.Timestamp(ref) - pd.DateOffset(months=fd.CONTACT_MONTHS)).date()
        active = set(conn.execute(select(t.partners.c.partner_id).where(t.partners.c.active)).scalars())
        pc = t.partner_contacts
        contacted = set(conn.execute(select(pc.c.partner_id).where(pc.c.contact_date > since,
                                                                   pc.c.contact_date <= ref)).scalars()) & active
        # indirect: reports of the period old enough to be due, assessed within 14 days
        due_by = min(e, today) - timedelta(days=fd.ASSESS_DAYS)
        rep = reports[(reports["received"] >= s) & (reports["received"] <= due_by)] if len(reports) else reports
        if len(rep):
            waited = [(a - r).days if a is not None and not pd.isna(a) and x != "new" else None
                      for r, a, x in zip(rep["received"].tolist(), rep["assessed_at"].tolist(),
                                         rep["assessment"].tolist(), strict=True)]
            in_time = [sid for sid, w in zip(rep["signal_id"].tolist(), waited, strict=True)
                       if w is not None and w <= fd.ASSESS_DAYS]
        else:
            in_time = []
        ids["indirect"] = [str(x) for x in in_time]
        ids["indirect_due"] = [str(x) for x in rep["signal_id"].tolist()]
        # direct: the focus areas' doors knocked in the period
        fa = t.focus_areas
        q = select(fa.c.focus_id, fa.c.geometry_wkb)
        if framing is not None and framing.focus_areas:
            q = q.where(fa.c.focus_id.in_(list(framing.focus_areas)))
        geoms = [shapely.from_wkb(w) for _, w in conn.execute(q).all()]
        focus_doors: list[str] = []
        if geoms:
            area = shapely.union_all(geoms)
            ent = self._entrance_points(conn)
            inside = shapely.contains_xy(area, ent["x"].to_numpy(), ent["y"].to_numpy())
            focus_doors = [str(x) for x in ent.loc[inside, "entrance_id"].tolist()]
        kno = knocks[(knocks["visited_at"] >= s) & (knocks["visited_at"] <= e)] if len(knocks) else knocks
        knocked = sorted(set(kno["entrance_id"]) & set(focus_doors)) if len(kno) else []
        ids["direct"], ids["direct_due"] = knocked, focus_doors
        # contact, relationship, handover: the period's courses
        cou = courses[(courses["started_on"] >= s) & (courses["started_on"] <= e)] if len(courses) else courses
        ids["contact"] = [str(x) for x in cou["course_id"]]
        meetings = dict(conn.execute(select(t.course_meetings.c.course_id, func.count())
                                     .where(t.course_meetings.c.met_on <= e)
                                     .group_by(t.course_meetings.c.course_id)).all())
        ids["relationship"] = [x for x in ids["contact"] if meetings.get(x, 0) >= fd.MIN_MEETINGS]
        ids["relationship_due"] = ids["contact"]
        ended_on = [h if h is not None else cl for h, cl in zip(courses["handed_over_on"], courses["closed_on"],
                                                                 strict=True)] if len(courses) else []
        ended = [(str(cid), h is not None) for cid, h, d in zip(courses["course_id"], courses["handed_over_on"],
                                                                 ended_on, strict=True)
                 if d is not None and s <= d <= e] if len(courses) else []
        ids["handover"] = [cid for cid, handed in ended if handed]
        ids["handover_due"] = [cid for cid, _ in ended]
        goal = None if framing is None else framing.goals.get("contacts")
        counts = fd.Counts(framing_parts=tuple(parts), mapping_parts=tuple(mapping),
                           partners_contacted=len(contacted), partners_active=len(active),
                           reports_in_time=len(ids["indirect"]), reports_due=len(ids["indirect_due"]),
                           doors_knocked=len(knocked), focus_doors=len(focus_doors),
                           contacts=len(ids["contact"]), contacts_goal=goal,
                           courses_with_meetings=len(ids["relationship"]), courses=len(ids["contact"]),
                           handed_over=len(ids["handover"]), ended=len(ids["handover_due"]))
        return counts, ids

    @operation("method.read")
    def fidelity(self, *, start: date | None = None, end: date | None = None, protect: bool = False) -> dict:
        """The eight core elements for a period (:func:`detection.method.fidelity.elements`),
        with the thresholds of the workspace settings: ``{"period": {"from", "to"},
        "elements": [...], "protected"}``."""
        s, e, framing = self._method_period(start, end, protect)
        cfg = self._settings()
        thresholds = {k: cfg[key] / 100 for k, (key, _) in fd.THRESHOLD_SETTINGS.items()}
        reports, knocks, courses = self._method_frames(e)
        with store_engine.write_tx(self.engine) as conn:
            counts, ids = self._fidelity_counts(conn, s, e, framing, reports, knocks, courses)
            self._audit(conn, "method.read", f"fidelity {s.isoformat()}–{e.isoformat()}", "the method's figures")
        elements = fd.elements(counts, thresholds=thresholds)
        protected = self._protected(protect)
        if protected:
            _protect_fidelity(elements, ids, thresholds)
        return {"period": {"from": s.isoformat(), "to": e.isoformat()}, "elements": elements,
                "framed": framing is not None, "protected": protected}

    # ------------------------------------------------------------------ evaluation

    @operation("method.read")
    def evaluation(self, *, start: date | None = None, end: date | None = None, protect: bool = False) -> dict:
        """The evaluation for a period: the cost of the effort (the framing's team hours ×
        hourly cost + other costs, for the part of the framed period inside this one), the
        citizens reached (courses started in the period), and the three scenarios of the
        municipality's economics inputs (:func:`detection.method.economics.evaluate`).
        ``missing`` lists what is not entered yet (``framing``, ``team``, ``hourly_cost``,
        ``scenarios``); ``by_channel`` the citizens reached per channel."""
        s, e, framing = self._method_period(start, end, protect)
        reports, knocks, courses = self._method_frames(e)
        cou = courses[(courses["started_on"] >= s) & (courses["started_on"] <= e)] if len(courses) else courses
        channels = fn.course_channels(cou, reports, knocks) if len(cou) else pd.DataFrame(
            {"course_id": [], "channel": []})
        with store_engine.write_tx(self.engine) as conn:
            self._audit(conn, "method.read", f"evaluation {s.isoformat()}–{e.isoformat()}", "the method's figures")
        by_channel = {ch: [str(x) for x in channels.loc[channels["channel"] == ch, "course_id"]] for ch in fn.CHANNELS}
        reached_ids = [str(x) for x in cou["course_id"]] if len(cou) else []
        protected = self._protected(protect)
        if protected:
            parts = [_protect_ids(by_channel[ch], f"evaluation.{ch}") for ch in fn.CHANNELS]
            reached = int(sum(privacy.value_number(p) for p in parts))
            shown_channels = dict(zip(fn.CHANNELS, parts, strict=True))
        else:
            reached = len(reached_ids)
            shown_channels = {ch: len(v) for ch, v in by_channel.items()}
        missing = []
        hours = cost = None
        other = 0.0
        # the cost of every framed period this one overlaps, each for its part inside it (the
        # citizens are counted over the whole period: one framing's cost alone undercounted,
        # e.g. a year evaluated over two half-year framings cost half)
        framed = self._framings_in(s, e)
        if not framed:
            missing.append("framing")
        else:
            parts = [(f, _overlap_share(f, s, e)) for f in framed]
            if any(f.team_hours is None for f in framed):
                missing.append("team")
            else:
                hours = sum(f.team_hours * share for f, share in parts)
            rates = {f.hourly_cost_dkk for f in framed}
            if None in rates:
                missing.append("hourly_cost")
            elif len(rates) == 1:
                cost = rates.pop()
            elif hours:  # different hourly costs: their average weighted by the hours
                cost = sum(f.team_hours * share * f.hourly_cost_dkk for f, share in parts) / hours
            other = sum(f.other_costs_dkk * share for f, share in parts)
        if framing is None and framed:
            framing = framed[-1]
        scenarios = (framing.economics or {}).get("scenarios") if framing is not None else None
        if not scenarios or not any(sc.get("items") for sc in scenarios):
            missing.append("scenarios")
        inputs = ec.inputs_from_dict({"team_hours": hours or 0.0, "hourly_cost_dkk": cost or 0.0,
                                      "other_costs_dkk": other, "citizens_reached": reached,
                                      "scenarios": scenarios or ec.inputs_to_dict(
                                          ec.Inputs(team_hours=0, hourly_cost_dkk=0, citizens_reached=0,
                                                    scenarios=ec.empty_scenarios()))["scenarios"]})
        result: dict[str, Any] = dict(ec.evaluate(inputs))
        if hours is None or cost is None:  # no cost to speak of: say so, not 0 kr
            result["cost_total"] = result["cost_per_citizen"] = None
            for sc in result["scenarios"]:
                sc["net_cost"] = sc["net_cost_per_citizen"] = None
        result.update({"period": {"from": s.isoformat(), "to": e.isoformat()},
                       "team_hours": None if hours is None else round(hours, 1), "hourly_cost_dkk": cost,
                       "other_costs_dkk": round(other), "by_channel": shown_channels, "missing": missing,
                       "protected": protected})
        if protected:
            result["citizens_reached"] = privacy.shown(reached)
            if reached == 0:
                result["cost_per_citizen"] = None
                for sc in result["scenarios"]:
                    sc["net_cost_per_citizen"] = None
        return result


class ReportOps(MethodOps):
    """The management report: the period's figures under the disclosure policy, whoever asks."""

    @operation("method.read")
    def management_report(self, *, start: date | None = None, end: date | None = None) -> ReportData:
        """The figures of the management report (:mod:`detection.method.report`) for a period:
        the funnel by channel and by area, fidelity, the evaluation, and the areas of the
        stored area layer with their contacts — all protected as for an analyst (a report is
        handed on; it names no address), whatever the acting user's role. Audited."""
        f = self.funnel(start=start, end=end, by="channel", protect=True)
        s, e = date.fromisoformat(f["period"]["from"]), date.fromisoformat(f["period"]["to"])
        by_area = self.funnel(start=s, end=e, by="area", protect=True)
        fid = self.fidelity(start=s, end=e, protect=True)
        ev = self.evaluation(start=s, end=e, protect=True)
        counts = {g["area"]: next(st["count"] for st in g["stages"] if st["id"] == "contacts")
                  for g in by_area.get("by_area", []) if g["area"]}
        with store_engine.write_tx(self.engine) as conn:
            layers = list(conn.execute(select(t.area_layers.c.layer).order_by(t.area_layers.c.layer)).scalars())
            layer = AREA_LAYER if AREA_LAYER in layers else (layers[0] if layers else None)
            rows = conn.execute(select(t.areas.c.name, t.areas.c.geometry_wkb)
                                .where(t.areas.c.layer == layer)).all() if layer else []
            info = conn.execute(select(t.workspace.c.name, t.workspace.c.synthetic)).first()
            self._audit(conn, "method.read", f"management report {s.isoformat()}–{e.isoformat()}",
                        "the method's figures")
        areas = [(name, shapely.from_wkb(wkb), counts.get(name, privacy.SMALL)) for name, wkb in rows]
        return ReportData(workspace=str(info[0]) if info else "Opspor", period_from=s, period_to=e,
                          made_on=clock.today(), funnel=f, funnel_by_area=by_area, fidelity=fid, evaluation=ev,
                          areas=areas, map_measure="contacts", synthetic=bool(info[1]) if info else False)


def _overlap_share(framing: Framing, s: date, e: date) -> float:
    """The share of the framed period that lies inside ``[s, e]`` (its costs are spread
    evenly over its days)."""
    lo, hi = max(framing.period_from, s), min(framing.period_to, e)
    days = (framing.period_to - framing.period_from).days + 1
    return max(0, (hi - lo).days + 1) / days if days > 0 else 0.0


def _protect_ids(ids: list[str], measure: str) -> int | str:
    """A count of records, rounded by the key of those records (detection.privacy)."""
    if not ids:
        return privacy.SMALL
    keys = privacy.one_cell_key(privacy.record_keys(ids))
    return privacy.shown(int(privacy.round_keyed(np.array([len(ids)], dtype=float), keys, measure)[0]))


def _groups(out: dict) -> list[tuple[str, list[dict]]]:
    groups = [("total", out["stages"])]
    for key, label in (("by_channel", "channel"), ("by_month", "month"), ("by_area", "area"),
                       ("by_report_kind", "kind")):
        for g in out.get(key, []):
            groups.append((f"{label}:{g[label]}", g["stages"]))
    return groups


def _rates(stages: list[dict]) -> None:
    prev = None
    for st in stages:
        n = st["count"]
        st["rate"] = (None if prev is None or isinstance(prev, str) or isinstance(n, str) or not prev
                      else privacy.value_number(n) / prev)
        prev = n


def _protect_funnel(out: dict) -> None:
    """Every count rounded by its records' key; totals the sums of their channel parts
    (when split by channel); rates from the rounded numbers; medians over fewer than 5
    courses withheld."""
    for name, stages in _groups(out):
        for st in stages:
            st["count"] = _protect_ids(st.get("members", []), f"funnel.{name}.{st['id']}")
    if "by_channel" in out:  # a total beside its parts adds nothing: it is their sum
        for i, st in enumerate(out["stages"]):
            total = sum(privacy.value_number(g["stages"][i]["count"]) for g in out["by_channel"])
            st["count"] = privacy.shown(int(total))
    for _, stages in _groups(out):
        _rates(stages)
    for m in out.get("medians", {}).values():
        if m["n"] < privacy.MIN_COUNT:
            m["median_days"] = None
        m["n"] = privacy.shown(int(privacy.round_keyed(np.array([m["n"]], dtype=float),
                                                       np.array([m["n"]], dtype=np.uint64), "funnel.median")[0]))


def _strip_members(out: dict) -> None:
    for _, stages in _groups(out):
        for st in stages:
            st.pop("members", None)


def _protect_fidelity(elements: list[dict], ids: dict[str, list[str]], thresholds: dict[str, float]) -> None:
    """The citizen-related indicators from rounded counts; a share whose numerator or
    denominator reads "<5" is withheld (``why`` = ``small``)."""
    for el in elements:
        eid = el["id"]
        if eid not in ("indirect", "direct", "contact", "relationship", "handover"):
            continue  # framing, mapping, partners: no citizen in them
        num = _protect_ids(ids[eid], f"fidelity.{eid}")
        el["numerator"] = num
        if eid != "contact":
            el["denominator"] = _protect_ids(ids[f"{eid}_due"], f"fidelity.{eid}.due")
        den = el["denominator"]
        if den is None:
            continue
        if isinstance(num, str) or isinstance(den, str) or not den:
            el["value"], el["why"] = None, "small"
            el["status"] = "not_met"
        else:
            el["value"] = round(privacy.value_number(num) / privacy.value_number(den), 4)
            th = thresholds.get(eid, el["threshold"])
            el["status"] = "met" if el["value"] >= th else "partly" if el["value"] >= th / 2 else "not_met"
        el["symbol"] = fd.SYMBOLS[el["status"]]

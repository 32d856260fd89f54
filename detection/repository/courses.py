"""Courses (*forløb*, the method's phase 2, issue 16) and the framing of the effort.

A course starts when a door outcome is "contact established" (:func:`start_from_outcome`,
called in the outcome's own transaction by :mod:`.routes`), or by hand from a report
assessed in the target group (:meth:`CourseOps.start_course`). It moves through the
stages of :mod:`detection.method.courses`. Opspor is not the case file: a course keeps the
stage and its dates, the handover target, meetings (date, kind, minutes), optionally the
case system's reference, and no name, no CPR, no narrative.

Access: a field worker reads and writes the courses they follow (``owner``), the team lead
all of them; every read is audited with the addresses it showed. The framing
(*rammesætning*) of each period is read by everyone and set by the planner and the team
lead.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, update

from detection import clock
from detection.errors import InputError, NotAllowed
from detection.method import courses as cm
from detection.method.framing import Framing, check_framing
from detection.repository.base import RepositoryBase, operation
from detection.store import engine as store_engine
from detection.store import schema as t


def start_from_outcome(conn: Connection, *, outcome_id: str, entrance_id: str, unit_id: str | None,
                       visited_on: date, owner: str) -> str | None:
    """Start a course for a door outcome "contact established" (in the caller's
    transaction); ``None`` when the outcome already has one."""
    c = t.courses
    if conn.execute(select(c.c.course_id).where(c.c.outcome_id == outcome_id)).first() is not None:
        return None
    if _open_course(conn, entrance_id, unit_id) is not None:  # the citizen is followed already
        return None
    cid = str(uuid.uuid4())
    now = clock.now_utc()
    conn.execute(insert(c).values(course_id=cid, entrance_id=entrance_id, unit_id=unit_id, origin="door",
                                  outcome_id=outcome_id, owner=owner, stage="contact", started_on=visited_on,
                                  created_by=owner, created_at=now, updated_at=now))
    return cid


def _open_course(conn: Connection, entrance_id: str, unit_id: str | None) -> str | None:
    """An open course at the entrance for the same unit (or one with no unit known), if any:
    a second "contact established" at the same door is the same citizen, not a new one."""
    c = t.courses
    q = select(c.c.course_id).where(c.c.entrance_id == entrance_id, c.c.stage.in_(sorted(cm.OPEN_STAGES)))
    if unit_id is not None:
        q = q.where((c.c.unit_id == unit_id) | c.c.unit_id.is_(None))
    return conn.execute(q).scalar()


def drop_untouched(conn: Connection, outcome_id: str) -> int:
    """Remove the course an outcome started when the outcome is taken back or corrected, if
    nothing has happened in it yet (still at contact, no meeting, no case reference)."""
    c, m = t.courses, t.course_meetings
    met = select(m.c.meeting_id).where(m.c.course_id == c.c.course_id)
    return conn.execute(delete(c).where(c.c.outcome_id == outcome_id, c.c.stage == "contact",
                                        c.c.case_ref.is_(None), ~met.exists())).rowcount


class CourseOps(RepositoryBase):
    """Courses (phase 2) and the framing of the effort."""

    # ------------------------------------------------------------------ framing

    @operation("framing.read")
    def framing(self, on: date | None = None) -> Framing | None:
        """The framing of the period that holds ``on`` (default today), or ``None``."""
        day = on or clock.today()
        f = t.framings
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(f).where(f.c.period_from <= day, f.c.period_to >= day)
                               .order_by(f.c.period_from.desc())).mappings().first()
        return None if row is None else Framing.from_row(dict(row))

    @operation("framing.read")
    def framings(self) -> list[Framing]:
        """Every period's framing, newest first."""
        f = t.framings
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(f).order_by(f.c.period_from.desc())).mappings().all()
        return [Framing.from_row(dict(r)) for r in rows]

    @operation("framing.write")
    def set_framing(self, **fields: Any) -> Framing:
        """Set the framing of a period (``period_from`` and ``period_to`` required for a new
        one; other fields as :class:`~detection.method.framing.Framing`). A period that
        overlaps another one's is refused; the same ``period_from`` updates that period,
        fields not given keep their values."""
        f = t.framings
        with store_engine.write_tx(self.engine) as conn:
            start = fields.get("period_from")
            old = None
            if start is not None:
                row = conn.execute(select(f).where(f.c.period_from == start)).mappings().first()
                old = None if row is None else Framing.from_row(dict(row))
            focus_ids = set(conn.execute(select(t.focus_areas.c.focus_id)).scalars())
            new = check_framing(fields, old=old, focus_ids=focus_ids)
            clash = conn.execute(select(f.c.period_from, f.c.period_to).where(
                f.c.period_from != new.period_from, f.c.period_from <= new.period_to,
                f.c.period_to >= new.period_from)).first()
            if clash is not None:
                raise InputError(f"the period {new.period_from.isoformat()} – {new.period_to.isoformat()} overlaps "
                                 f"the framed period {clash[0].isoformat()} – {clash[1].isoformat()}; choose dates "
                                 "outside it or change that period", code="framing_overlap")
            values = {**new.to_row(), "updated_by": self.actor.name, "updated_at": clock.now_utc()}
            if old is None:
                conn.execute(insert(f).values(**values))
            else:
                conn.execute(update(f).where(f.c.period_from == new.period_from).values(**values))
            self._audit(conn, "framing.write", f"period {new.period_from.isoformat()}", "frame the effort")
        return self.framing(new.period_from)

    @operation("economics.write")
    def set_economics(self, data: dict | str | None, *, on: date | None = None) -> Framing:
        """Store the municipality's economics inputs (scenarios, items) on the current
        period's framing (:func:`detection.method.economics.inputs_from_dict` checks them).
        ``"example"`` stores the labelled worked example of docs/evaluation.md (the demo's
        inputs); ``None`` clears them. ``on``: a day of the period (default today), so a
        period can be evaluated after it ended."""
        from detection.method import economics as ec

        if data == "example":  # the worked example of docs/evaluation.md (the demo shows it; never a default)
            data = {"scenarios": [dict(sc) for sc in ec.EXAMPLE["scenarios"]]}
        cur = self.framing(on)
        if cur is None:
            raise InputError(f"no framing covers {(on or clock.today()).isoformat()}: the planner or the team lead sets the period first "
                             "(`opspor framing set`)", code="no_framing")
        if data:  # the scenarios only; the cost and the citizens come from the framing and the courses
            extra = set(data) - {"scenarios"}
            if extra:
                raise InputError(f"the economics inputs hold {', '.join(sorted(extra))}: give only 'scenarios' (the "
                                 "cost comes from the framing, the citizens from the courses)",
                                 code=ec.ERROR_CODE)
            ec.inputs_from_dict({"team_hours": 0, "hourly_cost_dkk": 0, "citizens_reached": 0,
                                 "scenarios": data.get("scenarios", [])})  # raises InputError naming what is wrong
        with store_engine.write_tx(self.engine) as conn:
            conn.execute(update(t.framings).where(t.framings.c.period_from == cur.period_from)
                         .values(economics=json.dumps(data or {}, ensure_ascii=False),
                                 updated_by=self.actor.name, updated_at=clock.now_utc()))
            self._audit(conn, "framing.write", f"economics {cur.period_from.isoformat()}", "enter economics inputs")
        return self.framing(cur.period_from)

    # ------------------------------------------------------------------ courses

    def _course_row(self, conn: Connection, course_id: str) -> dict:
        row = conn.execute(select(t.courses).where(t.courses.c.course_id == str(course_id))).mappings().first()
        if row is None:
            raise InputError(f"course {course_id!r} does not exist; `opspor courses list` shows yours",
                             code="no_course")
        if self.actor.role == "field_worker" and row["owner"] != self.actor.name:
            raise NotAllowed(f"user {self.actor.name!r} does not follow course {course_id!r}")
        return dict(row)

    @operation("courses.write")
    def start_course(self, entrance_id: str, *, unit_id: str | None = None, on: date | None = None,
                     owner: str | None = None) -> str:
        """Start a course by hand from a report assessed in the target group at
        ``entrance_id`` (the newest such report is kept as its origin). ``owner`` is the
        field worker who follows it: a field worker always themself; a team lead may name a
        field worker (default themself). ``on`` defaults to today and may not be later."""
        day = on or clock.today()
        if day > clock.today():
            raise InputError(f"field 'date' = {day.isoformat()} is in the future; a course starts on the day of "
                             "the contact", code="bad_date")
        who = self.actor.name if self.actor.role == "field_worker" else (owner or self.actor.name)
        s = t.signals
        with store_engine.write_tx(self.engine) as conn:
            e = conn.execute(select(t.entrances.c.entrance_id).where(t.entrances.c.entrance_id == entrance_id)).first()
            if e is None:
                raise InputError(f"entrance {entrance_id!r} is not in the register; give its DAR id", code="no_entrance")
            if self.actor.role == "field_worker":  # only at their own doors: the answer would tell
                self._require_on_team(conn, entrance_id)  # whether any address has an assessed report
            if unit_id is not None and conn.execute(select(t.units.c.unit_id).where(
                    t.units.c.unit_id == unit_id, t.units.c.entrance_id == entrance_id)).first() is None:
                raise InputError(f"unit {unit_id!r} is not a unit of entrance {entrance_id!r}", code="no_unit")
            if owner and who == owner:
                u = conn.execute(select(t.users.c.role, t.users.c.disabled).where(t.users.c.name == owner)).first()
                if u is None or u[1] or u[0] not in ("field_worker", "team_lead"):
                    raise InputError(f"user {owner!r} is not an active field worker or team lead to follow the course",
                                     code="bad_owner")
            sig = conn.execute(select(s.c.signal_id).where(
                s.c.entrance_id == entrance_id, s.c.assessment == "in_target_group", s.c.received <= day)
                .order_by(s.c.received.desc())).scalar()
            if sig is None:
                raise InputError(f"no report at entrance {entrance_id!r} is assessed in the target group (on or "
                                 f"before {day.isoformat()}): record 'contact established' at the door instead, or "
                                 "ask the planner to assess the report", code="no_assessed_report")
            if _open_course(conn, entrance_id, unit_id) is not None:
                raise InputError(f"entrance {entrance_id!r} has an open course already: log a meeting on it instead",
                                 code="course_open")
            cid = str(uuid.uuid4())
            now = clock.now_utc()
            conn.execute(insert(t.courses).values(
                course_id=cid, entrance_id=entrance_id, unit_id=unit_id, origin="report", signal_id=sig, owner=who,
                stage="contact", started_on=day, created_by=self.actor.name, created_at=now, updated_at=now))
            self._audit(conn, "courses.write", f"{cid}: start", "start a course (phase 2)", [entrance_id])
        return cid

    @operation("courses.write")
    def add_meeting(self, course_id: str, *, on: date, kind: str, minutes: int) -> str:
        """Log a meeting of an open course: date, kind (home visit, phone, accompaniment)
        and minutes."""
        with store_engine.write_tx(self.engine) as conn:
            row = self._course_row(conn, course_id)
            if row["stage"] in cm.FINAL_STAGES:
                raise InputError(f"course {course_id!r} is {row['stage'].replace('_', ' ')}: meetings are logged on "
                                 "open courses", code="course_ended")
            k, m = cm.check_meeting(kind=kind, minutes=minutes, on=on, started_on=row["started_on"],
                                    today=clock.today())
            mid = str(uuid.uuid4())
            conn.execute(insert(t.course_meetings).values(meeting_id=mid, course_id=row["course_id"], met_on=on,
                                                          kind=k, minutes=m, recorded_by=self.actor.name,
                                                          recorded_at=clock.now_utc()))
            conn.execute(update(t.courses).where(t.courses.c.course_id == row["course_id"])
                         .values(updated_at=clock.now_utc()))
            self._audit(conn, "courses.write", f"{course_id}: meeting {k} {m} min", "log a course meeting",
                        [row["entrance_id"]])
        return mid

    @operation("courses.write")
    def move_course(self, course_id: str, *, to: str, on: date | None = None, target: str | None = None,
                    reason: str | None = None, note: str | None = None) -> dict:
        """Move a course one stage on (or close it): see
        :func:`detection.method.courses.check_move`. Returns the course as
        :meth:`courses` lists it."""
        day = on or clock.today()
        if day > clock.today():
            raise InputError(f"field 'date' = {day.isoformat()} is in the future", code="bad_date")
        with store_engine.write_tx(self.engine) as conn:
            row = self._course_row(conn, course_id)
            previous = max(d for d in (row[col] for col in cm.STAGE_DATE.values()) if d is not None)
            move = cm.check_move(row["stage"], to=to, on=day, previous_on=previous, target=target,
                                 reason=reason, note=note)
            values: dict[str, Any] = {"stage": move.to, cm.STAGE_DATE[move.to]: move.on,
                                      "updated_at": clock.now_utc()}
            if move.target:
                values["target"] = move.target
            if move.reason:
                values["close_reason"] = move.reason
            if move.note:
                values["note"] = move.note
            conn.execute(update(t.courses).where(t.courses.c.course_id == row["course_id"]).values(**values))
            self._audit(conn, "courses.write", f"{course_id}: {row['stage']} → {move.to}", "move a course",
                        [row["entrance_id"]])
        return next(c for c in self.courses() if c["course_id"] == row["course_id"])

    @operation("courses.write")
    def set_case_ref(self, course_id: str, case_ref: str | None) -> None:
        """The case system's reference of a course (optional; empty clears it)."""
        ref = cm.check_case_ref(case_ref)
        with store_engine.write_tx(self.engine) as conn:
            row = self._course_row(conn, course_id)
            conn.execute(update(t.courses).where(t.courses.c.course_id == row["course_id"])
                         .values(case_ref=ref, updated_at=clock.now_utc()))
            self._audit(conn, "courses.write", f"{course_id}: case reference", "set a course's case reference",
                        [row["entrance_id"]])

    @operation("courses.read")
    def courses(self, *, open_only: bool = False) -> list[dict]:
        """The courses the acting user may see — a field worker their own, a team lead all —
        oldest first, each ``{course_id, entrance_id, address, unit_id, owner, origin, stage,
        started_on, relationship_on, bridging_on, handed_over_on, closed_on, target,
        close_reason, note, case_ref, meetings, minutes, last_meeting, channel,
        report_kind, synthetic}`` (dates ISO; ``channel`` derived: report, door or both).
        The read is audited with the addresses shown."""
        c, m, e = t.courses, t.course_meetings, t.entrances
        q = select(c, e.c.street, e.c.house_number, e.c.postcode, e.c.city).join(e, e.c.entrance_id == c.c.entrance_id)
        if self.actor.role == "field_worker":
            q = q.where(c.c.owner == self.actor.name)
        if open_only:
            q = q.where(c.c.stage.in_(sorted(cm.OPEN_STAGES)))
        with store_engine.write_tx(self.engine) as conn:
            restricted = self._restricted_ids(conn)  # GDPR art. 18: not shown while restricted
            rows = [dict(r) for r in conn.execute(q.order_by(c.c.started_on, c.c.course_id)).mappings().all()
                    if r["entrance_id"] not in restricted]
            ids = [r["course_id"] for r in rows]
            meets = {k: (n, mins, last) for k, n, mins, last in conn.execute(
                select(m.c.course_id, func.count(), func.sum(m.c.minutes), func.max(m.c.met_on))
                .where(m.c.course_id.in_(ids)).group_by(m.c.course_id)).all()} if ids else {}
            channels = self._channels(conn, rows)
            self._audit(conn, "courses.read", f"{len(rows)} courses", "follow courses (phase 2)",
                        [r["entrance_id"] for r in rows])
        from geo.addresses import format_address

        out = []
        for r in rows:
            n, mins, last = meets.get(r["course_id"], (0, 0, None))
            ch = channels.get(r["course_id"], {})
            out.append({
                "course_id": r["course_id"], "entrance_id": r["entrance_id"],
                "address": format_address(r["street"], r["house_number"], r["postcode"], r["city"]),
                "unit_id": r["unit_id"], "owner": r["owner"], "origin": r["origin"], "stage": r["stage"],
                **{k: (r[k].isoformat() if r[k] is not None else None) for k in cm.STAGE_DATE.values()},
                "target": r["target"], "close_reason": r["close_reason"], "note": r["note"],
                "case_ref": r["case_ref"], "meetings": int(n), "minutes": int(mins or 0),
                "last_meeting": last.isoformat() if last is not None else None,
                "channel": ch.get("channel"), "report_kind": ch.get("report_kind"),
                "synthetic": bool(r["synthetic"])})
        return out

    @operation("courses.read")
    def course_meetings(self, course_id: str) -> list[dict]:
        """One course's meetings, oldest first: ``{meeting_id, met_on, kind, minutes}``."""
        m = t.course_meetings
        with store_engine.write_tx(self.engine) as conn:
            row = self._course_row(conn, course_id)
            rows = conn.execute(select(m.c.meeting_id, m.c.met_on, m.c.kind, m.c.minutes)
                                .where(m.c.course_id == row["course_id"]).order_by(m.c.met_on)).mappings().all()
            self._audit(conn, "courses.read", f"{course_id}: meetings", "follow a course (phase 2)",
                        [row["entrance_id"]])
        return [{**dict(r), "met_on": r["met_on"].isoformat()} for r in rows]

    @operation("courses.write")
    def set_course_owner(self, course_id: str, owner: str) -> None:
        """Give a course to another field worker (team lead only: a field worker may not hand
        a course on by themself)."""
        if self.actor.role != "team_lead":
            raise NotAllowed(f"user {self.actor.name!r}: only a team lead gives a course to another worker")
        with store_engine.write_tx(self.engine) as conn:
            row = self._course_row(conn, course_id)
            u = conn.execute(select(t.users.c.role, t.users.c.disabled).where(t.users.c.name == owner)).first()
            if u is None or u[1] or u[0] not in ("field_worker", "team_lead"):
                raise InputError(f"user {owner!r} is not an active field worker or team lead to follow the course",
                                 code="bad_owner")
            conn.execute(update(t.courses).where(t.courses.c.course_id == row["course_id"])
                         .values(owner=owner, updated_at=clock.now_utc()))
            self._audit(conn, "courses.write", f"{course_id}: owner {owner}", "give a course to a worker",
                        [row["entrance_id"]])

    @operation("courses.read")
    def course_candidates(self) -> list[dict]:
        """Entrances with a report assessed in the target group and no open course, newest
        report first, for a team lead to start a course by hand: ``{entrance_id, address,
        received}`` (a field worker never gets the list of reports: NotAllowed). Audited."""
        if self.actor.role != "team_lead":
            raise NotAllowed(f"user {self.actor.name!r}: only a team lead starts courses from the reports")
        s, e, c = t.signals, t.entrances, t.courses
        open_here = select(c.c.course_id).where(c.c.entrance_id == s.c.entrance_id,
                                                c.c.stage.in_(sorted(cm.OPEN_STAGES)))
        q = (select(s.c.entrance_id, func.max(s.c.received).label("received"), e.c.street, e.c.house_number,
                    e.c.postcode, e.c.city)
             .join(e, e.c.entrance_id == s.c.entrance_id)
             .where(s.c.assessment == "in_target_group", ~open_here.exists())
             .group_by(s.c.entrance_id, e.c.street, e.c.house_number, e.c.postcode, e.c.city))
        from geo.addresses import format_address

        with store_engine.write_tx(self.engine) as conn:
            rows = conn.execute(q).mappings().all()
            restricted = self._restricted_ids(conn)
            rows = [r for r in rows if r["entrance_id"] not in restricted]
            self._audit(conn, "courses.read", f"{len(rows)} candidates", "start a course (phase 2)",
                        [r["entrance_id"] for r in rows])
        out = [{"entrance_id": r["entrance_id"], "received": r["received"].isoformat(),
                "address": format_address(r["street"], r["house_number"], r["postcode"], r["city"])} for r in rows]
        return sorted(out, key=lambda x: x["received"], reverse=True)

    def _channels(self, conn: Connection, rows: list[dict]) -> dict[str, dict]:
        """The channel of each course (:func:`detection.method.funnel.course_channels`) from the
        reports and door knocks at the courses' entrances."""
        if not rows:
            return {}
        from detection.method.funnel import course_channels

        ents = sorted({r["entrance_id"] for r in rows})
        s, o = t.signals, t.outcomes
        reports = pd.read_sql(select(s.c.signal_id, s.c.entrance_id, s.c.kind, s.c.received, s.c.assessment,
                                     s.c.assessed_at).where(s.c.entrance_id.in_(ents)), conn)
        knocks = pd.read_sql(select(o.c.entrance_id, o.c.outcome, o.c.visited_at).where(o.c.entrance_id.in_(ents)),
                             conn)
        reports["area"] = None
        reports["assessed_at"] = pd.to_datetime(reports["assessed_at"], utc=True).dt.tz_convert(
            clock.COPENHAGEN).dt.date if len(reports) else reports["assessed_at"]
        knocks["visited_at"] = clock.local_times(knocks["visited_at"]).dt.date if len(knocks) else knocks["visited_at"]
        knocks["area"] = None
        frame = pd.DataFrame([{**{k: r[k] for k in ("course_id", "entrance_id", "stage", "started_on", "origin",
                                                    *list(cm.STAGE_DATE.values())[1:])}, "area": None}
                              for r in rows])
        ch = course_channels(frame, reports, knocks)
        return {cid: {"channel": x["channel"], "report_kind": x["report_kind"]}
                for cid, x in zip(frame["course_id"], ch.to_dict("records"), strict=True)}

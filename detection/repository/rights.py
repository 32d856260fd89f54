"""The citizen's rights for one address (GDPR art. 15–18): access, rectification, erasure
and restriction. Erasure and rectification are for real: the rows are deleted or rewritten
and the tables compacted (``VACUUM``; PostgreSQL ``VACUUM FULL``), so the old bytes are gone
from the files, as after the retention purge. The audit log records each act, never the
erased or replaced content.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import delete, insert, select, update

from detection import clock
from detection.cpr import scrub
from detection.errors import InputError
from detection.repository.base import operation
from detection.repository.governance import GovernanceOps, _pending, _set_pending, audit_uses
from detection.repository.workspace import WorkspaceOps
from detection.store import engine as store_engine
from detection.store import maintenance
from detection.store import schema as t
from detection.vocab import ASSESSMENTS, RESTRICTION_CODES
from geo.addresses import format_address

ERASED_TABLES = ("course_meetings", "courses", "signals", "outcomes", "door_decisions", "route_stops",
                 "assignments")


class RightsOps(GovernanceOps, WorkspaceOps):
    """The citizen's rights for one address."""

    def _entrance(self, conn, entrance_id: str) -> dict:  # noqa: ANN001
        row = conn.execute(select(t.entrances).where(t.entrances.c.entrance_id == entrance_id)).mappings().first()
        if row is None:
            raise InputError(f"entrance {entrance_id!r} is not in the register; give its DAR id "
                             "(`opspor audit list` or the map shows it)")
        return dict(row)

    @operation("subject.export")
    def subject_entrance(self, address: str) -> str:
        """The entrance id of an address as a citizen writes it ("Langgade 12, 8305 Samsø";
        a floor and door may follow), matched offline against the register; only a sure
        match counts."""
        with store_engine.read_tx(self.engine) as conn:
            hit = self._address_index(conn).match(str(address or "").strip())
        if not hit.ok or hit.quality not in ("exact", "corrected"):
            why = hit.message or (f"the nearest match is uncertain ({hit.quality})" if hit.ok else "not found")
            raise InputError(f"address {address!r}: {why}; give the address as it is written on the door, "
                             "e.g. 'Langgade 12, 8305 Samsø', or the entrance id")
        return hit.entrance_id

    @operation("subject.export")
    def subject_export(self, entrance_id: str) -> dict:
        """Everything held about one address and its units, for an access request:
        ``{address, made_at, restriction, signals, outcomes, routes, decisions, courses, uses}`` —
        no staff names, no other address (render with :func:`detection.rights.export.subject_text`)."""
        s, o, u = t.signals, t.outcomes, t.units
        with store_engine.write_tx(self.engine) as conn:
            e = self._entrance(conn, entrance_id)
            units = {r.unit_id: format_address("", "", floor=r.floor, door=r.door).strip(", ")
                     for r in conn.execute(select(u.c.unit_id, u.c.floor, u.c.door).where(u.c.entrance_id == entrance_id))}
            partners = dict(conn.execute(select(t.partners.c.partner_id, t.partners.c.name)).all())
            sig = conn.execute(select(s.c.received, s.c.kind, s.c.unit_id, s.c.partner_id, s.c.source, s.c.note,
                                      s.c.assessment).where(s.c.entrance_id == entrance_id)
                               .order_by(s.c.received)).mappings().all()
            out = conn.execute(select(o.c.visited_at, o.c.outcome, o.c.unit_id, o.c.note)
                               .where(o.c.entrance_id == entrance_id).order_by(o.c.visited_at)).mappings().all()
            routes = conn.execute(select(t.routes.c.day, t.route_stops.c.task)
                                  .join(t.routes, t.routes.c.route_id == t.route_stops.c.route_id)
                                  .where(t.route_stops.c.entrance_id == entrance_id)
                                  .order_by(t.routes.c.day)).mappings().all()
            dec = conn.execute(select(t.door_decisions.c.decided_at, t.door_decisions.c.note)
                               .where(t.door_decisions.c.entrance_id == entrance_id)).mappings().all()
            rst = conn.execute(select(t.restrictions).where(t.restrictions.c.entrance_id == entrance_id)).mappings().first()
            c, m = t.courses, t.course_meetings
            crs = conn.execute(select(c).where(c.c.entrance_id == entrance_id).order_by(c.c.started_on)).mappings().all()
            meets = conn.execute(select(m.c.course_id, m.c.met_on, m.c.kind, m.c.minutes)
                                 .where(m.c.course_id.in_([r["course_id"] for r in crs]))
                                 .order_by(m.c.met_on)).mappings().all()
            uses = audit_uses(conn, entrance_id, "at", "action")
            self._audit(conn, "subject.export", entrance_id, "access request (indsigt, GDPR art. 15)", [entrance_id])
        return {
            "entrance_id": entrance_id,
            "address": format_address(e["street"], e["house_number"], e["postcode"], e["city"]),
            "made_at": clock.today().isoformat(),
            "restriction": ({"reason": rst["reason"], "created_at": str(rst["created_at"])} if rst else None),
            "signals": [{"received": str(r["received"]), "kind": r["kind"], "unit": units.get(r["unit_id"], ""),
                         "source": partners.get(r["partner_id"]) or r["source"], "note": r["note"],
                         "assessment": r["assessment"]} for r in sig],
            "outcomes": [{"visited_at": str(r["visited_at"]), "outcome": r["outcome"],
                          "unit": units.get(r["unit_id"], ""), "note": r["note"]} for r in out],
            "routes": [{"day": str(r["day"]), "task": r["task"]} for r in routes],
            "decisions": [{"decided_at": str(r["decided_at"]), "note": r["note"]} for r in dec],
            # phase 2 (issue 16): the course's stages and meetings, never who followed it
            "courses": [{"started_on": str(r["started_on"]), "unit": units.get(r["unit_id"], ""),
                         "stage": r["stage"], **{k: str(r[k]) for k in ("relationship_on", "bridging_on",
                                                                        "handed_over_on", "closed_on") if r[k]},
                         "target": r["target"], "close_reason": r["close_reason"], "note": r["note"],
                         "case_ref": r["case_ref"],
                         "meetings": [{"met_on": str(x["met_on"]), "kind": x["kind"], "minutes": x["minutes"]}
                                      for x in meets if x["course_id"] == r["course_id"]]} for r in crs],
            "uses": [{"at": str(r["at"]), "action": r["action"]} for r in uses],
        }

    @operation("subject.erase")
    def erase_subject(self, entrance_id: str) -> dict[str, int]:
        """Erase everything held about one address for real: its courses and their meetings,
        reports, door outcomes, decisions, route stops and assignment; the register's entrance stays (public data).
        Returns rows deleted per table."""
        counts: dict[str, int] = {}
        with store_engine.write_tx(self.engine) as conn:
            self._entrance(conn, entrance_id)
            for name in ERASED_TABLES:
                table = t.metadata.tables[name]
                if name == "course_meetings":  # a course's meetings: through their course
                    mine = select(t.courses.c.course_id).where(t.courses.c.entrance_id == entrance_id)
                    where = table.c.course_id.in_(mine)
                else:
                    where = table.c.entrance_id == entrance_id
                counts[name] = conn.execute(delete(table).where(where)).rowcount
            self._bump_version(conn)
            self._audit(conn, "subject.erase", entrance_id,
                        "erasure of one address (GDPR art. 17): " + json.dumps(counts, sort_keys=True))
        self._compact(list(ERASED_TABLES))
        return counts

    @operation("subject.erase")
    def erase_record(self, kind: str, record_id: str) -> None:
        """Erase one report (``signal``) or one door outcome (``outcome``) for real."""
        table = {"signal": t.signals, "outcome": t.outcomes}.get(kind)
        if table is None:
            raise InputError(f"kind {kind!r}: erase a 'signal' or an 'outcome'")
        key = table.c.signal_id if kind == "signal" else table.c.outcome_id
        with store_engine.write_tx(self.engine) as conn:
            entrance = conn.execute(select(table.c.entrance_id).where(key == record_id)).scalar()
            if entrance is None:
                raise InputError(f"{kind} {record_id!r} does not exist")
            conn.execute(delete(table).where(key == record_id))
            self._bump_version(conn)
            self._audit(conn, "subject.erase", f"{kind} {record_id}", f"erasure of one {kind} (GDPR art. 17)",
                        [entrance])
        self._compact([table.name])

    @operation("subject.correct")
    def correct_record(self, kind: str, record_id: str, *, note: str | None = None,
                       assessment: str | None = None) -> None:
        """Rectify one report's note or assessment, or one outcome's note (GDPR art. 16). The
        old text is gone from the files afterwards; the new one passes the CPR guard."""
        table = {"signal": t.signals, "outcome": t.outcomes}.get(kind)
        if table is None:
            raise InputError(f"kind {kind!r}: correct a 'signal' or an 'outcome'")
        values: dict = {}
        if note is not None:
            values["note"] = scrub(note)[0][:2000]
        if assessment is not None:
            if kind != "signal" or assessment not in ASSESSMENTS:
                raise InputError(f"assessment {assessment!r}: use one of {', '.join(ASSESSMENTS)} (reports only)")
            values.update(assessment=assessment, assessed_by=self.actor.name, assessed_at=clock.now_utc())
        if not values:
            raise InputError("nothing to correct: give a new note or assessment")
        key = table.c.signal_id if kind == "signal" else table.c.outcome_id
        with store_engine.write_tx(self.engine) as conn:
            entrance = conn.execute(select(table.c.entrance_id).where(key == record_id)).scalar()
            if entrance is None:
                raise InputError(f"{kind} {record_id!r} does not exist")
            conn.execute(update(table).where(key == record_id).values(**values))
            self._bump_version(conn)
            self._audit(conn, "subject.correct", f"{kind} {record_id}: {', '.join(sorted(values))}",
                        "rectification (GDPR art. 16)", [entrance])
        self._compact([table.name])

    @operation("subject.restrict")
    def restrict_subject(self, entrance_id: str, reason: str) -> None:
        """Mark an address so that it is never planned or shown again (GDPR art. 18): a rule
        with a reason code (:data:`detection.vocab.RESTRICTION_CODES`)."""
        code = RESTRICTION_CODES.parse(reason)
        with store_engine.write_tx(self.engine) as conn:
            self._entrance(conn, entrance_id)
            conn.execute(delete(t.restrictions).where(t.restrictions.c.entrance_id == entrance_id))
            conn.execute(insert(t.restrictions).values(entrance_id=entrance_id, reason=code,
                                                       created_by=self.actor.name, created_at=clock.now_utc()))
            self._bump_version(conn)
            self._audit(conn, "subject.restrict", entrance_id, f"restriction of processing: {code}", [entrance_id])

    @operation("subject.restrict")
    def restrictions(self) -> pd.DataFrame:
        """Restricted addresses: ``entrance_id, reason, created_at``."""
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.restrictions.c.entrance_id, t.restrictions.c.reason,
                                      t.restrictions.c.created_at), conn)

    def _compact(self, tables: list[str]) -> maintenance.Compaction:
        """Reclaim the erased rows' bytes now; when a reader or a lock stops that, remember
        the tables so the next ``opspor purge`` (cron) finishes the job."""
        result = maintenance.compact(self.engine, tables=tables)
        if not result.reclaimed:
            with store_engine.write_tx(self.engine) as conn:
                _set_pending(conn, sorted(set(_pending(conn)) | set(result.pending)))
        return result

"""Progress a team lead can see, and one address's history for planner and team lead.

- :meth:`ProgressOps.team_progress` — doors done and to go per route, pair, day and week,
  outcomes by kind, revisits due and routes not yet assigned: counts only, no address, so
  the read is audited as an aggregate (no subjects).
- :meth:`ProgressOps.address_search` / :meth:`ProgressOps.address_history` — type an address
  and see its reports, assessments, plans and outcomes. Every history shown is audited as a
  read of that address. An address under restriction of processing (GDPR art. 18) shows
  only that it is restricted.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select

from detection import clock
from detection.errors import InputError
from detection.repository.base import operation
from detection.repository.workspace import WorkspaceOps
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.vocab import OUTCOMES
from geo.addresses import format_address

#: an entrance whose latest outcome is one of these is due a revisit (issue 6's rule)
REVISIT_OUTCOMES = ("not_home", "ask_caretaker")
_STREET_NUMBER = re.compile(r"^(?P<street>.*?[^\W\d_][^\d]*?)\s*(?P<num>\d{1,4}\s?[a-zæøå]?)?\s*$", re.IGNORECASE)


def _local_day(values: pd.Series) -> pd.Series:
    """Stored times (UTC; a naive one is taken as UTC) as Copenhagen calendar days."""
    if values.empty:
        return pd.Series([], dtype=object)
    return clock.local_times(values).dt.date


class ProgressOps(WorkspaceOps):
    """The team lead's dashboard and the address search."""

    @operation("routes.read")
    def team_progress(self, *, as_of: date | None = None) -> dict:
        """Progress of every stored route: ``routes`` (one row per route: plan, route, pair,
        day, week, members, doors, done, to_go), ``by_day``, ``by_week``, ``outcomes`` (kind
        → count this week and in all), ``revisits_due`` (entrances whose latest outcome asks
        for another visit and that no later route has planned), ``unassigned`` (routes from
        today on with no pair assigned) and ``as_of``. Counts only."""
        as_of = as_of or clock.today()
        r, s, o = t.routes, t.route_stops, t.outcomes
        with store_engine.write_tx(self.engine) as conn:
            routes = pd.read_sql(select(r.c.route_id, r.c.plan_id, r.c.team, r.c.day, r.c.members,
                                        t.route_plans.c.area)
                                 .join(t.route_plans, t.route_plans.c.plan_id == r.c.plan_id), conn)
            stops = pd.read_sql(select(s.c.route_id, s.c.entrance_id), conn)
            outs = pd.read_sql(select(o.c.entrance_id, o.c.outcome, o.c.visited_at), conn)
            self._audit(conn, "progress.read", f"{len(routes)} routes, {len(outs)} outcomes",
                        "team lead's progress overview")
        outs["day"] = _local_day(outs["visited_at"])
        done_keys = set(zip(outs["entrance_id"], outs["day"], strict=True))
        routes["day"] = pd.to_datetime(routes["day"]).dt.date
        day_of = dict(zip(routes["route_id"], routes["day"], strict=True))
        stops["day"] = stops["route_id"].map(day_of)
        stops["done"] = [(e, d) in done_keys for e, d in zip(stops["entrance_id"], stops["day"], strict=True)]
        per = stops.groupby("route_id").agg(doors=("entrance_id", "size"), done=("done", "sum"))
        routes = routes.join(per, on="route_id").fillna({"doors": 0, "done": 0})
        routes["doors"] = routes["doors"].astype(int)
        routes["done"] = routes["done"].astype(int)
        routes["to_go"] = routes["doors"] - routes["done"]
        routes["week"] = [f"{d.isocalendar().year}-U{d.isocalendar().week:02d}" for d in routes["day"]]
        routes["members"] = routes["members"].fillna("")
        routes = routes.sort_values(["day", "team", "route_id"]).reset_index(drop=True)
        by_day = (routes.groupby("day")[["doors", "done", "to_go"]].sum().reset_index()
                  if len(routes) else pd.DataFrame(columns=["day", "doors", "done", "to_go"]))
        by_week = (routes.groupby("week")[["doors", "done", "to_go"]].sum().reset_index()
                   if len(routes) else pd.DataFrame(columns=["week", "doors", "done", "to_go"]))
        monday = as_of - timedelta(days=as_of.weekday())
        this_week = outs[(outs["day"] >= monday) & (outs["day"] <= as_of)] if len(outs) else outs
        outcomes = {oc.id: {"week": int((this_week["outcome"] == oc.id).sum()) if len(outs) else 0,
                            "all": int((outs["outcome"] == oc.id).sum()) if len(outs) else 0}
                    for oc in OUTCOMES}
        # revisits due: the latest outcome asks for one, and no route on a later day has the door
        revisits = 0
        if len(outs):
            latest = outs.sort_values("visited_at").groupby("entrance_id").tail(1)
            due = latest[latest["outcome"].isin(REVISIT_OUTCOMES)]
            last_planned = stops.groupby("entrance_id")["day"].max().to_dict() if len(stops) else {}
            revisits = int(sum(not (last_planned.get(ent) is not None and last_planned[ent] > d)
                               for ent, d in zip(due["entrance_id"], due["day"], strict=True)))
        unassigned = routes[(routes["members"] == "") & (routes["day"] >= as_of) & (routes["doors"] > 0)]
        return {"as_of": as_of, "routes": routes, "by_day": by_day, "by_week": by_week, "outcomes": outcomes,
                "revisits_due": revisits, "unassigned": unassigned.reset_index(drop=True)}

    @operation("address.search")
    def address_search(self, text: str) -> list[dict]:
        """Entrances matching an address as a person types it ("Langgade 12, 8305 Samsø"),
        matched offline: ``[{entrance_id, address, quality}]`` (one sure match, or the
        candidates when the text fits several). Nothing is audited until a history is shown."""
        text = str(text or "").strip()
        if len(text) < 3:
            raise InputError("type at least 3 characters of the address")
        e = t.entrances
        with store_engine.read_tx(self.engine) as conn:
            hit = self._address_index(conn).match(text)
            if hit.ok and hit.quality in ("exact", "corrected"):
                where, quality = e.c.entrance_id == hit.entrance_id, hit.quality
            else:  # not one sure match: the entrances on streets that start so, with that number
                first = text.split(",")[0].strip()
                m = _STREET_NUMBER.match(first)
                street = (m.group("street") if m else first).strip().lower()
                where = func.lower(e.c.street).like(street.replace("%", "") + "%")
                if m and m.group("num"):
                    where = where & (func.lower(e.c.house_number) == m.group("num").replace(" ", "").lower())
                quality = "candidate"
            rows = conn.execute(select(e.c.entrance_id, e.c.street, e.c.house_number, e.c.postcode, e.c.city)
                                .where(where).order_by(e.c.street, e.c.house_number).limit(20)).all()
        return [{"entrance_id": r.entrance_id, "quality": quality,
                 "address": format_address(r.street, r.house_number, postcode=r.postcode, city=r.city)}
                for r in rows]

    @operation("address.search")
    def address_history(self, entrance_id: str) -> dict:
        """One address's history: ``{address, restricted, signals, outcomes, plans}`` —
        reports (received, kind, source, assessment), door outcomes (visited, outcome) and the
        route days it was planned on, oldest first. Audited as a read of the address."""
        e, s, o = t.entrances, t.signals, t.outcomes
        with store_engine.write_tx(self.engine) as conn:
            row = conn.execute(select(e.c.street, e.c.house_number, e.c.postcode, e.c.city)
                               .where(e.c.entrance_id == entrance_id)).first()
            if row is None:
                raise InputError(f"entrance {entrance_id!r} is not in the register")
            address = format_address(row.street, row.house_number, postcode=row.postcode, city=row.city)
            restricted = entrance_id in self._restricted_ids(conn)
            self._audit(conn, "address.history", entrance_id, "address search: history of one address",
                        [entrance_id])
            if restricted:
                empty = pd.DataFrame()
                return {"address": address, "restricted": True, "signals": empty, "outcomes": empty,
                        "plans": empty}
            sig = pd.read_sql(select(s.c.received, s.c.kind, s.c.source, s.c.assessment, s.c.assessed_at)
                              .where(s.c.entrance_id == entrance_id).order_by(s.c.received), conn)
            out = pd.read_sql(select(o.c.visited_at, o.c.outcome).where(o.c.entrance_id == entrance_id)
                              .order_by(o.c.visited_at), conn)
            plans = pd.read_sql(select(t.routes.c.day, t.routes.c.team, t.route_stops.c.task)
                                .join(t.routes, t.routes.c.route_id == t.route_stops.c.route_id)
                                .where(t.route_stops.c.entrance_id == entrance_id).order_by(t.routes.c.day), conn)
        if len(out):
            out["visited_at"] = clock.local_times(out["visited_at"])
        return {"address": address, "restricted": False, "signals": sig, "outcomes": out, "plans": plans}

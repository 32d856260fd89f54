"""Repository operations for route plans and door outcomes (issue 6): a mixin of
:class:`detection.repository.core.Repository`. Every public method carries ``@operation``.

- :meth:`RouteOps.plan_routes` picks the doors of a focus area (reported entrances, or a
  sweep), works out what each needs from the outcomes so far (:mod:`detection.routes.revisits`),
  solves (:mod:`detection.routes.planner`) on the workspace's walking network and stores the plan.
- :meth:`RouteOps.route_plans`, :meth:`RouteOps.route_plan` (team leads),
  :meth:`RouteOps.my_routes` (a field worker's own routes only).
- :meth:`RouteOps.assign_route` gives a route to field workers through the assignments, so
  they see its stops and may record outcomes there.
- :meth:`RouteOps.import_outcomes` reads a CSV or the exported GeoPackage with every row
  accounted for (imported + rejected + duplicates = rows) and flags implausible logs.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from detection import clock
from detection.clock import COPENHAGEN
from detection.cpr import identifier_has_cpr, scrub
from detection.errors import Conflict, InputError, MemberBusy, NotAllowed
from detection.priorities.focus import valid_area_polygon
from detection.repository.base import insert_many, operation
from detection.repository.courses import drop_untouched, start_from_outcome
from detection.repository.priorities import PriorityOps
from detection.routes import drive as drv
from detection.routes import explain
from detection.routes import planner as rt
from detection.routes import revisits as rv
from detection.routes import safety as sf
from detection.routes.outcomes import (
    MAX_FIELD,
    OUTCOME_COLUMNS,
    check_outcome_rows,
    implausible,
    read_outcome_file,
)
from detection.routes.prizes import DOOR_CHOICES, SOCIAL_SUPPORT, door_candidates
from detection.routes.turfs import plan_with_turfs, turf_records, turf_stats
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.store.guard import check_label
from detection.vocab import parse_outcome
from geo.crs import lonlat_to_xy, xy_to_lonlat

_LONLAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


_NETWORK_CACHE: dict[tuple[str, int], object] = {}


def unit_label(floor: str, door: str) -> str:
    """``("2", "th")`` → ``"2. th"``; ``("st", "")`` → ``"st."``; ``("", "")`` → ``""``."""
    floor, door = (floor or "").strip(), (door or "").strip()
    if floor and not floor.endswith("."):
        floor += "."
    return " ".join(p for p in (floor, door) if p)


def _iso(ts: object) -> str:
    v = pd.Timestamp(ts)
    if v.tzinfo is None:
        v = v.tz_localize("UTC")
    return v.tz_convert(COPENHAGEN).isoformat()


def new_plan_id() -> str:
    """A new plan id: ten hex characters, never all digits shaped like a CPR number (about one
    draw in 3,000 would be: ten digits that read as a valid date). The store's guard refuses
    such an id in ``route_plans`` and ``routes`` (``<plan>-<team>-<day>``), so the plan would
    fail to save."""
    while True:
        pid = uuid.uuid4().hex[:10]
        if not identifier_has_cpr(pid) and not identifier_has_cpr(f"{pid}-1-1"):
            return pid


class RouteOps(PriorityOps):
    """Route plans, their routes and stops, outcome imports."""

    # ------------------------------------------------------------------ helpers

    def _workspace_network(self):  # noqa: ANN202
        """The walking network, cached in-process per database and data version."""
        with store_engine.read_tx(self.engine) as conn:
            version = conn.execute(select(t.workspace.c.data_version)).scalar() or 0
        key = (self.engine.url.render_as_string(hide_password=True), int(version))
        if key not in _NETWORK_CACHE:
            _NETWORK_CACHE.clear()
            _NETWORK_CACHE[key] = self.network()
        return _NETWORK_CACHE[key]

    def _focus_area(self, area: str) -> tuple[str, object]:
        """(label, polygon in EPSG:25832) for a focus-area id or name, or ``LAYER:AREA_ID``."""
        area = str(area or "").strip()
        if not area:
            raise InputError("give --area: a focus-area id or name, or LAYER:AREA_ID (e.g. parishes:7244)")
        fa = t.focus_areas
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(fa.c.focus_id, fa.c.name, fa.c.geometry_wkb).where(
                (fa.c.focus_id == area) | (fa.c.name == area))).first()
            if row is not None:
                return row.name, shapely.from_wkb(row.geometry_wkb)
            if ":" in area:
                layer, aid = area.split(":", 1)
                r = conn.execute(select(t.areas.c.name, t.areas.c.geometry_wkb).where(
                    t.areas.c.layer == layer, t.areas.c.area_id == aid)).first()
                if r is not None:
                    return f"{r.name} ({layer}:{aid})", shapely.from_wkb(r.geometry_wkb)
            names = [n for (n,) in conn.execute(select(fa.c.name).order_by(fa.c.name)).all()]
        raise InputError(f"area {area!r} is neither a saved focus area ({', '.join(names) or 'none saved'}) "
                         "nor LAYER:AREA_ID of a stored area layer (e.g. parishes:7244)")

    def _candidates(self, conn, polygon, doors: str, as_of: date) -> tuple[list[rv.Candidate], pd.DataFrame]:  # noqa: ANN001
        """Entrances in the area to consider, with units to knock on and their prizes under
        the planner's saved model (:func:`detection.routes.prizes.door_candidates`)."""
        if doors not in DOOR_CHOICES:
            raise InputError(f"--doors {doors!r}: use one of {', '.join(DOOR_CHOICES)}")
        e = pd.read_sql(select(t.entrances.c.entrance_id, t.entrances.c.street,
                               t.entrances.c.house_number, t.entrances.c.postcode, t.entrances.c.city,
                               t.entrances.c.x, t.entrances.c.y), conn)
        inside = shapely.contains_xy(polygon, e["x"].to_numpy(), e["y"].to_numpy())
        inside &= ~e["entrance_id"].isin(self._restricted_ids(conn)).to_numpy()  # never planned (art. 18)
        e = e[inside].reset_index(drop=True)
        ids = set(e["entrance_id"])
        s = t.signals
        sig = pd.read_sql(select(s.c.entrance_id, s.c.unit_id, s.c.kind, s.c.received, s.c.credibility,
                                 s.c.source, s.c.partner_id, s.c.assessment).order_by(s.c.signal_id), conn)
        sig = sig[sig["entrance_id"].isin(ids)].reset_index(drop=True)
        units = pd.read_sql(select(t.units.c.unit_id, t.units.c.entrance_id), conn)
        units = units[units["entrance_id"].isin(ids)]
        visited = set(pd.read_sql(select(t.outcomes.c.entrance_id).distinct(), conn)["entrance_id"]) & ids
        social: set[str] = set()
        if doors == "social_housing":
            bbr = pd.read_sql(select(t.bbr_units.c.unit_id, t.bbr_units.c.public_support), conn)
            soc = set(bbr.loc[bbr["public_support"].astype(str).isin(SOCIAL_SUPPORT), "unit_id"])
            social = set(units.loc[units["unit_id"].isin(soc), "entrance_id"])
        cands = door_candidates(e[["entrance_id", "x", "y"]], sig, units, visited=visited, social_housing=social,
                                doors=doors, params=self._model(), as_of=as_of)
        return cands, e

    def _start_point(self, conn, start: str | None, doors_xy: np.ndarray, e_all: pd.DataFrame) -> tuple[float, float, str]:  # noqa: ANN001
        if start:
            text = str(start).strip()
            m = _LONLAT.match(text)
            if m:
                lon, lat = float(m.group(1)), float(m.group(2))
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise InputError(f"--start {text!r}: longitude/latitude out of range")

                x, y = lonlat_to_xy([lon], [lat])
                return float(np.asarray(x)[0]), float(np.asarray(y)[0]), text
            row = conn.execute(select(t.entrances.c.x, t.entrances.c.y).where(
                t.entrances.c.entrance_id == text)).first()
            if row is not None:
                return float(row.x), float(row.y), text
            # an address, as the team lead says it ("Tranebjerg Hovedgade 1, 8305 Samsø"),
            # matched offline like the report import; only a sure match is used
            hit = self._address_index(conn).match(text)
            if hit.ok and hit.quality in ("exact", "corrected"):
                row = conn.execute(select(t.entrances.c.x, t.entrances.c.y).where(
                    t.entrances.c.entrance_id == hit.entrance_id)).first()
                return float(row.x), float(row.y), text
            why = hit.message or (f"the nearest match is uncertain ({hit.quality})" if hit.ok else "not found")
            raise InputError(f"--start {text!r}: not LON,LAT, an entrance id, or an address of the register "
                             f"({why}); e.g. 10.60,55.95 or 'Langgade 12, 8305 Samsø'")
        pts = doors_xy if len(doors_xy) else e_all[["x", "y"]].to_numpy()
        if not len(pts):
            raise InputError("the area holds no entrances; pick another area")
        c = pts.mean(axis=0)
        k = int(np.argmin(np.hypot(pts[:, 0] - c[0], pts[:, 1] - c[1])))
        return float(pts[k, 0]), float(pts[k, 1]), "centre"

    # ------------------------------------------------------------------ planning

    @operation("routes.plan")
    def plan_routes(self, area: str, *, teams: int = 2, days: int = 2, shift: str = "09:00-15:00",
                    start: str | None = None, doors: str = "reported", from_date: date | None = None,
                    as_of: date | None = None, seconds: float = 3.0, speed_kmh: float = rt.SPEED_KMH,
                    per_entrance_s: int = rt.PER_ENTRANCE_S, per_unit_s: int = rt.PER_UNIT_S,
                    attempts: int = rv.ATTEMPTS, seed: int = 1, iterations: int | None = None,
                    engine: str = "pyvrp", progress: Callable[[float], None] | None = None,
                    area_geometry=None, turfs: bool = False, mode: str = "walk",
                    walk_limit_m: int | None = None) -> dict:  # noqa: ANN001
        """Plan and store routes for ``teams`` pairs over ``days`` working days in ``area``.

        ``mode`` is ``walk`` (on foot from the start point), ``drive_walk`` (drive between
        parking points, walk the doors around each: :mod:`detection.routes.drive`) or
        ``auto`` (drive then walk when the doors lie beyond ``walk_limit_m`` of each other on
        foot; default the setting ``drive_walk_m``). The plan says which one it used
        (``mode``) and gives each route's ``drive_m``, ``walk_m`` and ``parking`` points.

        With ``turfs`` the area is cut into one turf per pair, kept across the days
        (:func:`detection.routes.turfs.plan_with_turfs`); the plan then gives ``turfs`` and
        ``stats.turf_compactness``.

        ``area`` is a saved focus area (id or name) or ``LAYER:AREA_ID``; or, with
        ``area_geometry`` (a polygon in EPSG:25832, e.g. drawn by the team lead on the map),
        only a label for that polygon.

        Returns the plan as ``plan-routes --json`` prints it (conventions.md).
        """
        as_of = as_of or clock.today()
        if not (1 <= int(teams) <= 50):
            raise InputError(f"--teams {teams}: give 1–50 pairs")
        if not (1 <= int(days) <= 20):
            raise InputError(f"--days {days}: give 1–20 days")
        try:
            shift_s = rt.parse_shift(shift)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        if not (0 < float(seconds) <= 600):
            raise InputError(f"--seconds {seconds}: give a time limit of 0–600 seconds")
        # weekdays that are neither public holidays nor the municipality's closed days
        closed = self._closed_days()
        first = from_date or rv.next_working_day(as_of, closed=closed)
        day_list = rv.working_days(first, int(days), closed=closed)
        if area_geometry is not None:
            polygon = valid_area_polygon(area_geometry, "the area to plan in")
            label = check_label(scrub(str(area or "").strip())[0][:100]) or "drawn area"
            area = f"drawn:{label}"
        else:
            label, polygon = self._focus_area(area)
        with store_engine.read_tx(self.engine) as conn:
            cands, e_all = self._candidates(conn, polygon, doors, as_of)
            ids = [c.entrance_id for c in cands]
            outc = pd.read_sql(select(t.outcomes.c.entrance_id, t.outcomes.c.unit_id,
                                      t.outcomes.c.outcome, t.outcomes.c.visited_at)
                               .where(t.outcomes.c.entrance_id.in_(ids)), conn) if ids else pd.DataFrame(
                columns=["entrance_id", "unit_id", "outcome", "visited_at"])
            dec = pd.read_sql(select(t.door_decisions).where(t.door_decisions.c.entrance_id.in_(ids)), conn) \
                if ids else None
            doors_xy = np.array([(c.x, c.y) for c in cands]).reshape(-1, 2)
            sx, sy, start_label = self._start_point(conn, start, doors_xy, e_all)
        door_list, left = rv.door_needs(cands, outc, dec, attempts=int(attempts), shift=shift_s)
        try:
            settings = rt.PlanSettings(days=tuple(day_list), start_xy=(sx, sy), teams=int(teams),
                                       shift=shift_s, speed_kmh=float(speed_kmh),
                                       per_entrance_s=int(per_entrance_s), per_unit_s=int(per_unit_s),
                                       seconds=float(seconds), seed=int(seed), iterations=iterations)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        net = self._workspace_network()
        walking, mode_used, limit = self._travel(door_list, settings, net, mode, walk_limit_m)
        if turfs:  # one turf per pair, the same from day to day (issue 17)
            plan = plan_with_turfs(door_list, settings, net=net, walking=walking, engine=engine, progress=progress,
                                   area=polygon)
        else:
            plan = rt.plan_routes(door_list, settings, net=net, walking=walking, engine=engine, progress=progress)
        # plans a team lead can read (issue 17): short routes merged or explained, and what the
        # plan did not need said in words
        min_route_s = int(self._settings()["min_route_minutes"]) * 60
        merged = explain.merge_short_routes(plan, door_list, settings, min_route_s, keep_turfs=turfs)
        notes = explain.plan_notes(plan, settings, plan.unplanned, min_route_s, merged)
        plan_id = new_plan_id()
        params = {"area": area, "teams": int(teams), "days": [d.isoformat() for d in day_list],
                  "shift": shift, "start": start_label, "doors": doors, "speed_kmh": float(speed_kmh),
                  "per_entrance_s": int(per_entrance_s), "per_unit_s": int(per_unit_s),
                  "seconds": float(seconds), "attempts": int(attempts), "seed": int(seed),
                  "as_of": as_of.isoformat(), "closed_days": closed.texts(), "mode": mode,
                  "mode_used": mode_used, "walk_limit_m": limit, "notes": notes,
                  "min_route_minutes": min_route_s // 60}
        if turfs:  # the turf polygons are stored with the plan's parameters (JSON)
            params.update(turfs=True, turf_areas=turf_records(plan.stats))
            plan.stats.pop("turfs", None)
        unplanned = [{"entrance_id": e, "reason": r} for e, r in plan.unplanned + left]
        route_rows, stop_rows = [], []
        for r in plan.routes:
            d_idx = day_list.index(r.day) + 1
            rid = f"{plan_id}-{d_idx}-{r.team}"
            path = rt.walked_path(r, plan.walking, door_list, (sx, sy), net) if r.stops else []
            car_lines, parks = [], []
            if r.stops and plan.walking is not None and plan.walking.car is not None:
                _, car_lines, parks = rt.car_route_lines(r, plan.walking, door_list, (sx, sy), net)
            park_no = {p: k for k, p in enumerate(parks, start=1)}
            park_xy = plan.walking.car.parking_xy if parks else []
            route_rows.append({
                "route_id": rid, "plan_id": plan_id, "team": r.team, "day": r.day,
                "start_at": r.start.astimezone(UTC), "end_at": (r.end or r.start).astimezone(UTC), "walk_m": round(r.walk_m, 1),
                "duration_s": int(r.duration_s), "members": None,
                "path_wkb": shapely.to_wkb(shapely.LineString(path)) if len(path) >= 2 else None,
                "drive_m": round(r.drive_m, 1),
                "car_wkb": shapely.to_wkb(shapely.MultiLineString([c for c in car_lines if len(c) >= 2]))
                if any(len(c) >= 2 for c in car_lines) else None,
                "parking": json.dumps([[round(float(park_xy[p][0]), 1), round(float(park_xy[p][1]), 1)]
                                       for p in parks])})
            for k, st in enumerate(r.stops, start=1):
                stop_rows.append({
                    "route_id": rid, "seq": k, "entrance_id": st.entrance_id,
                    "units": json.dumps(list(st.units)),
                    "letter_units": json.dumps(list(door_list[st.index].letter_units)),
                    "task": st.task, "arrive": st.arrive.astimezone(UTC), "walk_m": round(st.walk_m, 1),
                    "drive_m": round(st.drive_m, 1),
                    "parking": park_no.get(st.parking) if st.parking is not None else None})
        with store_engine.write_tx(self.engine) as conn:
            conn.execute(insert(t.route_plans).values(
                plan_id=plan_id, area=label, created_by=self.actor.name, created_at=clock.now_utc(),
                params=json.dumps(params), method=plan.method, engine=plan.engine, start_x=sx,
                start_y=sy, prize_collected=plan.prize_collected, prize_total=plan.prize_total,
                unplanned=json.dumps(unplanned)))
            insert_many(conn, t.routes, route_rows)
            insert_many(conn, t.route_stops, stop_rows)
            self._audit(conn, "routes.plan", f"plan {plan_id}: {len(stop_rows)} stops in {label}",
                        "plan door-to-door routes", [s["entrance_id"] for s in stop_rows])
        out = self.route_plan(plan_id)
        out["stats"] = {**plan.stats, "solve_seconds": round(plan.seconds, 2)}
        return out

    def _travel(self, door_list: list, settings: rt.PlanSettings, net, mode: str,  # noqa: ANN001
                walk_limit_m: int | None) -> tuple[rt.Walking | None, str, int]:
        """(travel matrix, mode used, walking limit) of a plan: on foot, or drive then walk
        (:mod:`detection.routes.drive`); ``auto`` drives when the doors lie beyond the
        limit of each other on foot."""
        if mode not in drv.MODES:
            raise InputError(f"--mode {mode}: choose walk, drive_walk or auto", code="route_mode")
        limit = int(walk_limit_m) if walk_limit_m is not None else int(self._settings()["drive_walk_m"])
        if not (100 <= limit <= 20_000):
            raise InputError(f"--walk-limit {limit}: give 100–20000 metres", code="walk_limit")
        if net is None or not door_list:
            if mode == "drive_walk":
                raise InputError("drive then walk needs the workspace's walking network (roads by class); "
                                 "this workspace has none: plan on foot (--mode walk)", code="no_road_network")
            return None, "walk", limit
        xy = np.array([settings.start_xy] + [(d.x, d.y) for d in door_list], dtype=float).reshape(-1, 2)
        walking = rt.walking_distances(xy, net, max_snap_m=settings.max_snap_m)
        if mode == "walk" or (mode == "auto" and not drv.spread_beyond(walking, limit)):
            return walking, "walk", limit
        return drv.drive_then_walk(walking, net, speed_mps=settings.speed_mps, walk_limit_m=limit), "drive_walk", limit

    @operation("routes.read")
    def route_plans(self) -> list[dict]:
        """Stored plans, newest first (no addresses)."""
        p = t.route_plans
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(p).order_by(p.c.created_at.desc())).mappings().all()
        return [{"plan_id": r["plan_id"], "area": r["area"], "created_by": r["created_by"],
                 "created_at": _iso(r["created_at"]), "method": r["method"],
                 "days": json.loads(r["params"]).get("days", []),
                 "teams": json.loads(r["params"]).get("teams"),
                 "unplanned": len(json.loads(r["unplanned"]))} for r in rows]

    @operation("routes.read")
    def route_plan(self, plan_id: str) -> dict:
        """One plan in the ``plan-routes --json`` shape, with addresses and walked paths."""
        return self._plan_detail(plan_id, only_user=None)

    @operation("routes.read_own")
    def my_routes(self) -> list[dict]:
        """The routes the acting field worker is a member of (stops with addresses)."""
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(t.routes.c.route_id, t.routes.c.plan_id, t.routes.c.members)
                                .order_by(t.routes.c.day, t.routes.c.team)).all()
        mine = [(rid, pid) for rid, pid, m in rows if m and self.actor.name in m.split(",")]
        out = []
        for pid in dict.fromkeys(p for _, p in mine):
            detail = self._plan_detail(pid, only_user=self.actor.name)
            out.extend(detail["routes"])
        return out

    @staticmethod
    def _plan_stats(routes: list[dict]) -> dict:
        """Balance and turf overlap of a stored plan (as :func:`detection.routes.planner.plan_routes`
        reports them when it plans)."""
        bal = rt.balance_of_teams([(x["team"], x["duration_s"]) for x in routes])
        return {"balance_ratio": round(bal, 3) if math.isfinite(bal) else None,
                "turf_overlap": round(rt.overlap_of_turfs(
                    [(x["day"], [(s["x"], s["y"]) for s in x["stops"]]) for x in routes]), 3)}

    def _plan_detail(self, plan_id: str, *, only_user: str | None) -> dict:
        p, r, s, e = t.route_plans, t.routes, t.route_stops, t.entrances
        with store_engine.write_tx(self.engine) as conn:
            plan = conn.execute(select(p).where(p.c.plan_id == plan_id)).mappings().first()
            if plan is None:
                raise InputError(f"route plan {plan_id!r} does not exist")
            routes = conn.execute(select(r).where(r.c.plan_id == plan_id)
                                  .order_by(r.c.day, r.c.team)).mappings().all()
            if only_user is not None:
                routes = [x for x in routes if x["members"] and only_user in x["members"].split(",")]
            rids = [x["route_id"] for x in routes]
            stops = pd.read_sql(
                select(s, e.c.street, e.c.house_number, e.c.postcode, e.c.city, e.c.x, e.c.y)
                .join(e, e.c.entrance_id == s.c.entrance_id).where(s.c.route_id.in_(rids))
                .order_by(s.c.route_id, s.c.seq), conn) if rids else pd.DataFrame()
            units = pd.read_sql(select(t.units.c.unit_id, t.units.c.floor, t.units.c.door)
                                .where(t.units.c.entrance_id.in_(list(set(stops["entrance_id"]))))
                                if len(stops) else select(t.units).where(False), conn)
            # pair safety (issue 17): the walk list warns at doors next to an unsafe one
            unsafe = self._unsafe_entrances(conn) if len(stops) else pd.DataFrame()
            near = sf.near_unsafe(stops, unsafe) if len(stops) else []
            warned = sorted({u for ids in near for u in ids})
            checks = self._checks_of(conn, rids)
            self._audit(conn, "routes.read" if only_user is None else "routes.read_own",
                        f"plan {plan_id}: {len(stops)} stops", "view route plan",
                        [*(stops["entrance_id"] if len(stops) else []), *warned])
        near_of = {(row.route_id, int(row.seq)): ids for row, ids in zip(stops.itertuples(index=False), near,
                                                                          strict=True)} if len(stops) else {}
        unsafe_addr = {u.entrance_id: f"{u.street} {u.house_number}, {u.postcode} {u.city}".strip(", ")
                       for u in unsafe.itertuples(index=False)} if len(unsafe) else {}
        labels = {u.unit_id: unit_label(u.floor, u.door) for u in units.itertuples(index=False)}

        slon, slat = xy_to_lonlat([plan["start_x"]], [plan["start_y"]])
        by_route = {k: g for k, g in stops.groupby("route_id")} if len(stops) else {}
        out_routes = []
        for x in routes:
            g = by_route.get(x["route_id"])
            st_list = []
            if g is not None:
                lon, lat = xy_to_lonlat(g["x"].to_numpy(), g["y"].to_numpy())
                for k, row in enumerate(g.itertuples(index=False)):
                    u = json.loads(row.units)
                    st_list.append({
                        "entrance_id": row.entrance_id, "units": u, "arrive": _iso(row.arrive),
                        "walk_m": round(float(row.walk_m)), "task": row.task,
                        "seq": int(row.seq),
                        "letter_units": json.loads(row.letter_units),
                        "letter_unit_labels": [labels.get(v, v) for v in json.loads(row.letter_units)],
                        "unit_labels": [labels.get(v, v) for v in u],
                        "address": f"{row.street} {row.house_number}, {row.postcode} {row.city}".strip(", "),
                        "lon": round(float(lon[k]), 7), "lat": round(float(lat[k]), 7),
                        "x": float(row.x), "y": float(row.y),
                        "drive_m": round(float(row.drive_m)),
                        "parking": None if pd.isna(row.parking) else int(row.parking),
                        "near_unsafe": [unsafe_addr[u] for u in near_of.get((x["route_id"], int(row.seq)), [])]})
            path = []
            if x["path_wkb"]:
                line = shapely.from_wkb(x["path_wkb"])
                plon, plat = xy_to_lonlat(*np.asarray(line.coords).T)
                path = [[round(float(a), 7), round(float(b), 7)] for a, b in zip(plon, plat, strict=True)]
            car_paths = []
            if x["car_wkb"]:
                for line in shapely.from_wkb(x["car_wkb"]).geoms:
                    clon, clat = xy_to_lonlat(*np.asarray(line.coords).T)
                    car_paths.append([[round(float(a), 7), round(float(b), 7)]
                                      for a, b in zip(clon, clat, strict=True)])
            parking = []
            pxy = np.asarray(json.loads(x["parking"] or "[]"), dtype=float).reshape(-1, 2)
            if len(pxy):
                plon2, plat2 = xy_to_lonlat(pxy[:, 0], pxy[:, 1])
                parking = [{"n": k + 1, "x": float(pxy[k, 0]), "y": float(pxy[k, 1]),
                            "lon": round(float(plon2[k]), 7), "lat": round(float(plat2[k]), 7)}
                           for k in range(len(pxy))]
            out_routes.append({
                "route_id": x["route_id"], "team": int(x["team"]), "day": pd.Timestamp(x["day"]).date().isoformat(),
                "start": _iso(x["start_at"]), "end": _iso(x["end_at"]), "stops": st_list,
                "walk_m": round(float(x["walk_m"])), "duration_s": int(x["duration_s"]),
                "drive_m": round(float(x["drive_m"])), "parking": parking, "car_paths": car_paths,
                "members": x["members"].split(",") if x["members"] else [], "path": path,
                "check_in": checks.get(x["route_id"], {}).get("in"),
                "check_out": checks.get(x["route_id"], {}).get("out")})
        return {
            "plan_id": plan_id, "area": plan["area"], "method": plan["method"], "engine": plan["engine"],
            "mode": json.loads(plan["params"]).get("mode_used", "walk"),
            "params": {k: v for k, v in json.loads(plan["params"]).items() if k not in ("turf_areas", "notes")},
            "notes": json.loads(plan["params"]).get("notes", []) if only_user is None else [],
            "turfs": json.loads(plan["params"]).get("turf_areas", []) if only_user is None else [],
            "start_point": {"lon": round(float(np.asarray(slon)[0]), 7), "lat": round(float(np.asarray(slat)[0]), 7)},
            "routes": out_routes, "unplanned": json.loads(plan["unplanned"]) if only_user is None else [],
            "stats": {**self._plan_stats(out_routes), **turf_stats(json.loads(plan["params"]).get("turf_areas", []))}
            if only_user is None else {},
            "totals": {"routes": sum(1 for x in out_routes if x["stops"]),
                       "stops": sum(len(x["stops"]) for x in out_routes),
                       "walk_m": sum(x["walk_m"] for x in out_routes),
                       "drive_m": sum(x["drive_m"] for x in out_routes),
                       "duration_s": sum(x["duration_s"] for x in out_routes),
                       "prize_collected": round(float(plan["prize_collected"]), 3),
                       "prize_total": round(float(plan["prize_total"]), 3)},
        }

    @operation("routes.plan")
    def planning_areas(self) -> list[dict]:
        """Areas a plan can cover: saved focus areas first, then the areas of stored
        (non-grid) layers; ``{"key", "name", "kind"}`` with ``key`` as ``--area`` takes it."""
        fa = t.focus_areas
        with store_engine.read_tx(self.engine) as conn:
            focus = conn.execute(select(fa.c.focus_id, fa.c.name).order_by(fa.c.name)).all()
            areas = conn.execute(select(t.areas.c.layer, t.areas.c.area_id, t.areas.c.name)
                                 .where(~t.areas.c.layer.startswith("grid"))
                                 .order_by(t.areas.c.layer, t.areas.c.name)).all()
        return ([{"key": f, "name": n, "kind": "focus"} for f, n in focus]
                + [{"key": f"{layer}:{a}", "name": n, "kind": layer} for layer, a, n in areas])

    @operation("routes.plan")
    def field_workers(self) -> list[str]:
        """Names of enabled field workers and team leads (who can walk a route)."""
        u = t.users
        with store_engine.read_tx(self.engine) as conn:
            return list(conn.execute(select(u.c.name).where(
                u.c.role.in_(["field_worker", "team_lead"]), u.c.disabled.is_(False)).order_by(u.c.name)).scalars())

    @operation("routes.plan")
    def assign_route(self, route_id: str, users: Sequence[str]) -> dict:
        """Give a route to a pair (or more) of field workers: its entrances are assigned to
        them (versions bumped), so they see the stops and may record outcomes there.

        Never to one worker alone (issue 17, pair safety): fewer than two different names is
        an :class:`InputError` with code ``pair_needed``.
        """
        members = list(dict.fromkeys(u.strip() for u in users if u and u.strip()))
        if len(members) < 2:
            raise InputError(f"--assign {route_id}={','.join(members) or '…'}: a route is walked by a pair; "
                             "name two field workers (e.g. ROUTE_ID=anna,bo), never one alone",
                             code="pair_needed")
        with store_engine.write_tx(self.engine) as conn:
            _check_team(conn, members)
            day = conn.execute(select(t.routes.c.day).where(t.routes.c.route_id == route_id)).scalar()
            if day is None:
                raise InputError(f"route {route_id!r} does not exist")
            _check_free(conn, route_id, day, members)
            team = ",".join(members)
            conn.execute(update(t.routes).where(t.routes.c.route_id == route_id).values(members=team))
            entr = [x for (x,) in conn.execute(select(t.route_stops.c.entrance_id)
                                                .where(t.route_stops.c.route_id == route_id)).all()]
            have = dict(conn.execute(select(t.assignments.c.entrance_id, t.assignments.c.version)
                                     .where(t.assignments.c.entrance_id.in_(entr))).all())
            now = clock.now_utc()
            for eid in entr:
                values = {"team": team, "assigned_by": self.actor.name, "assigned_at": now}
                if eid in have:
                    conn.execute(update(t.assignments).where(t.assignments.c.entrance_id == eid)
                                 .values(version=int(have[eid]) + 1, **values))
                else:
                    conn.execute(insert(t.assignments).values(entrance_id=eid, version=1, **values))
            self._audit(conn, "routes.assign", f"{route_id} → {team}", "assign route to a pair", entr)
        return {"route_id": route_id, "members": members, "entrances": len(entr)}

    @operation("routes.plan")
    def clear_unsafe(self, entrance_id: str, note: str = "") -> None:
        """A team lead's decision that an entrance marked unsafe may be planned again."""
        with store_engine.write_tx(self.engine) as conn:
            if conn.execute(select(t.entrances.c.entrance_id)
                            .where(t.entrances.c.entrance_id == entrance_id)).first() is None:
                raise InputError(f"entrance {entrance_id!r} is not in the register")
            conn.execute(insert(t.door_decisions).values(
                entrance_id=entrance_id, decision="clear_unsafe", decided_by=self.actor.name,
                decided_at=clock.now_utc(), note=note[:MAX_FIELD]))
            self._audit(conn, "routes.clear_unsafe", entrance_id, "lead's decision on an unsafe door",
                        [entrance_id])

    # ------------------------------------------------------------------ pair safety (issue 17)

    def _record_check(self, route_id: str, kind: str) -> dict:
        """Record the acting user's check-in or check-out (``kind``) of ``route_id``."""
        r = t.routes
        now = clock.now_utc()
        with store_engine.write_tx(self.engine) as conn:
            row = conn.execute(select(r.c.route_id, r.c.day, r.c.members).where(
                r.c.route_id == str(route_id))).first()
            if row is None:
                raise InputError(f"route {route_id!r} does not exist", code="route_unknown")
            members = row.members.split(",") if row.members else []
            if self.actor.name not in members:
                raise NotAllowed(f"user {self.actor.name!r} is not on this route; only its pair "
                                 f"({', '.join(members) or 'none assigned'}) checks in and out")
            day = pd.Timestamp(row.day).date()
            today = clock.from_store(now).date()
            checks = {k: (who, at) for k, who, at in conn.execute(
                select(t.route_checks.c.kind, t.route_checks.c.user_name, t.route_checks.c.at)
                .where(t.route_checks.c.route_id == row.route_id)).all()}
            if kind in checks:
                who, at = checks[kind]
                err = InputError(f"the route of {day.isoformat()} was already checked {kind} by {who} at "
                                 f"{clock.from_store(at):%H:%M}; a route is checked {kind} once",
                                 code=f"already_checked_{kind}")
                err.who, err.time = who, f"{clock.from_store(at):%H:%M}"  # type: ignore[attr-defined]
                raise err
            if kind == "in" and "out" in checks:
                raise InputError(f"the route of {day.isoformat()} is checked out already; it can not be "
                                 "checked in again", code="in_after_out")
            if kind == "in" and today != day:
                raise InputError(f"check in on the route's own day ({day.isoformat()}), not on "
                                 f"{today.isoformat()}", code="check_in_day")
            if kind == "out" and today < day:
                raise InputError(f"the route is on {day.isoformat()}: check out at its end, not before "
                                 "it starts", code="check_out_early")
            conn.execute(insert(t.route_checks).values(route_id=row.route_id, kind=kind,
                                                       user_name=self.actor.name, at=now))
            self._audit(conn, "routes.check_in" if kind == "in" else "routes.check_out", row.route_id,
                        "pair safety: check in" if kind == "in" else "pair safety: check out")
        return {"route_id": row.route_id, "kind": kind, "by": self.actor.name, "at": _iso(now)}

    @operation("routes.check")
    def check_in(self, route_id: str) -> dict:
        """The pair starts its route: either member checks in, once per route, on the
        route's day (Copenhagen). A second check-in is refused (:class:`InputError`, code
        ``already_checked_in``, naming who did it and when), not repeated: the pair sees
        that the other already did. Someone not on the route is refused (:class:`NotAllowed`).

        Returns ``{"route_id", "kind": "in", "by", "at"}`` (``at``: ISO 8601 Copenhagen time;
        stored in UTC).
        """
        return self._record_check(route_id, "in")

    @operation("routes.check")
    def check_out(self, route_id: str) -> dict:
        """The pair ends its route safely: either member checks out, once per route (code
        ``already_checked_out`` for a second one), on the route's day or later. A check-out
        without a check-in is taken (a pair that forgot to check in is still safe)."""
        return self._record_check(route_id, "out")

    @staticmethod
    def _checks_of(conn: Connection, route_ids: Sequence[str]) -> dict[str, dict[str, dict]]:
        """route id → kind → ``{"by", "at"}`` (``at`` ISO 8601 Copenhagen time)."""
        if not route_ids:
            return {}
        c = t.route_checks
        out: dict[str, dict[str, dict]] = {}
        for rid, kind, who, at in conn.execute(select(c.c.route_id, c.c.kind, c.c.user_name, c.c.at)
                                               .where(c.c.route_id.in_(list(route_ids)))).all():
            out.setdefault(rid, {})[kind] = {"by": who, "at": _iso(at)}
        return out

    @operation("routes.overdue")
    def overdue_routes(self, now: datetime | None = None) -> list[dict]:
        """Pairs not checked out ``overdue_minutes`` (a setting, 30 by default) after their
        shift ended, most overdue first (:func:`detection.routes.safety.overdue`).

        ``now`` (aware; a naive time is Copenhagen time) defaults to the clock. The shift end
        is the plan's shift end on the route's day (Copenhagen), or the route's stored end
        when the plan has no shift. Routes without a pair are never listed, nor routes
        whose shift ended more than :data:`~detection.routes.safety.OVERDUE_LOOKBACK_DAYS`
        days ago.

        Returns a list of ``{"route_id", "members", "shift_end", "minutes_over", "plan_id",
        "team", "day", "area", "checked_in"}``: ``shift_end`` ISO 8601 Copenhagen time,
        ``minutes_over`` whole minutes since the shift ended, ``checked_in`` the check-in
        (``{"by", "at"}``) or ``None``.
        """
        now = clock.to_utc(now) if now is not None else clock.now_utc()
        minutes = self._settings()["overdue_minutes"]
        r, p = t.routes, t.route_plans
        since = (now - pd.Timedelta(days=sf.OVERDUE_LOOKBACK_DAYS + 1)).astimezone(COPENHAGEN).date()
        with store_engine.write_tx(self.engine) as conn:
            rows = conn.execute(select(r.c.route_id, r.c.plan_id, r.c.team, r.c.day, r.c.end_at, r.c.members,
                                       p.c.area, p.c.params).join(p, p.c.plan_id == r.c.plan_id)
                                .where(r.c.members.is_not(None), r.c.day >= since)
                                .order_by(r.c.day, r.c.team)).mappings().all()
            checks = self._checks_of(conn, [x["route_id"] for x in rows])
            candidates = []
            for x in rows:
                day = pd.Timestamp(x["day"]).date()
                end = clock.from_store(x["end_at"])
                try:
                    _, end_s = rt.parse_shift(json.loads(x["params"] or "{}").get("shift") or "")
                    end = datetime(day.year, day.month, day.day, tzinfo=COPENHAGEN) + pd.Timedelta(seconds=end_s)
                except ValueError:
                    pass
                if now - end > pd.Timedelta(days=sf.OVERDUE_LOOKBACK_DAYS):
                    continue
                candidates.append({"route_id": x["route_id"], "members": x["members"].split(","),
                                   "shift_end": end.astimezone(UTC), "plan_id": x["plan_id"], "team": int(x["team"]),
                                   "day": day.isoformat(), "area": x["area"],
                                   "checked_in": checks.get(x["route_id"], {}).get("in")})
            out = sf.overdue(candidates, [rid for rid, k in checks.items() if "out" in k], now=now, minutes=minutes)
            self._audit(conn, "routes.overdue", f"{len(out)} pairs overdue", "pair safety: overdue pairs")
        for o in out:
            o["shift_end"] = _iso(o["shift_end"])
        return out

    def _unsafe_entrances(self, conn: Connection) -> pd.DataFrame:
        """Entrances with an ``unsafe`` outcome newer than any lead's ``clear_unsafe``
        decision (as :func:`detection.routes.revisits.door_needs` keeps them out of plans):
        ``entrance_id, x, y, street, house_number, postcode, city``."""
        o, d, e = t.outcomes, t.door_decisions, t.entrances
        marks = dict(conn.execute(select(o.c.entrance_id, func.max(o.c.visited_at))
                                  .where(o.c.outcome == "unsafe").group_by(o.c.entrance_id)).all())
        if not marks:
            return pd.DataFrame(columns=["entrance_id", "x", "y", "street", "house_number", "postcode", "city"])
        cleared = dict(conn.execute(select(d.c.entrance_id, func.max(d.c.decided_at))
                                    .where(d.c.decision == "clear_unsafe", d.c.entrance_id.in_(list(marks)))
                                    .group_by(d.c.entrance_id)).all())
        still = [k for k, v in marks.items()
                 if k not in cleared or clock.from_store(v) > clock.from_store(cleared[k])]
        if not still:
            return pd.DataFrame(columns=["entrance_id", "x", "y", "street", "house_number", "postcode", "city"])
        return pd.read_sql(select(e.c.entrance_id, e.c.x, e.c.y, e.c.street, e.c.house_number, e.c.postcode,
                                  e.c.city).where(e.c.entrance_id.in_(still)), conn)

    @operation("routes.plan")
    def unsafe_doors(self) -> list[dict]:
        """Entrances marked unsafe and not yet cleared by a team lead (never planned until then):
        ``{"entrance_id", "address"}``, by address. For the lead's approval (:meth:`clear_unsafe`)."""
        with store_engine.write_tx(self.engine) as conn:
            df = self._unsafe_entrances(conn)
            self._audit(conn, "routes.read", f"{len(df)} unsafe doors", "lead's decision on an unsafe door",
                        df["entrance_id"])
        out = [{"entrance_id": r.entrance_id,
                "address": f"{r.street} {r.house_number}, {r.postcode} {r.city}".strip(", ")}
               for r in df.itertuples(index=False)]
        return sorted(out, key=lambda d: (d["address"], d["entrance_id"]))

    @operation("outcomes.write")
    def mark_entrance_not_home(self, entrance_id: str, *, visited_at: datetime, note: str = "") -> str:
        """Record "not home" for the whole entrance (every unit) at once."""
        return self.record_outcome(entrance_id, "not_home", visited_at=visited_at, unit_id=None, note=note)

    # ------------------------------------------------------------------ outcome import

    @operation("outcomes.import")
    def import_outcomes(self, path: str | Path | list[dict], *, as_of: date | None = None,
                        file_name: str = "rows") -> dict:
        """Import outcomes from a CSV or the exported GeoPackage (its ``outcomes`` layer), or
        from rows given as dicts (the phone page; ``file_name`` names them in the batch).

        Every row is accounted for: ``rows = imported + rejected + duplicates``. Rejected
        rows carry a reason (``entrance_missing``, ``entrance_unknown``, ``unit_unknown``,
        ``outcome_unknown``, ``date_missing``, ``date_invalid``, ``date_future``,
        ``field_too_long``, ``bad_encoding``); a file whose header lacks the columns is
        refused as ``header_unknown``. Implausible logs are imported but flagged:
        ``too_fast`` (two doors closer in time than walking between them allows) and
        ``too_many_doors`` (over 20 entrances within an hour by the same recorder/file).
        """
        as_of = as_of or clock.today()
        if isinstance(path, list):
            frame = pd.DataFrame(path, columns=list(OUTCOME_COLUMNS))
            return self._import_outcome_frame(frame, file_name, as_of, 1)
        frame, first_row = read_outcome_file(path)
        return self._import_outcome_frame(frame, Path(path).name, as_of, first_row)

    def _import_outcome_frame(self, frame: pd.DataFrame, file_name: str, as_of: date,
                              first_row: int) -> dict:
        batch_id = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            ent = pd.read_sql(select(t.entrances.c.entrance_id, t.entrances.c.x, t.entrances.c.y), conn)
            xy = {r.entrance_id: (r.x, r.y) for r in ent.itertuples(index=False)}
            unit_entr = dict(conn.execute(select(t.units.c.unit_id, t.units.c.entrance_id)).all())
            good, rejected = check_outcome_rows(frame, entrances=set(xy), unit_entrance=unit_entr,
                                                as_of=as_of, first_row=first_row)
            existing = set()
            if good:
                ex = pd.read_sql(select(t.outcomes.c.entrance_id, t.outcomes.c.unit_id, t.outcomes.c.outcome,
                                        t.outcomes.c.visited_at).where(
                    t.outcomes.c.entrance_id.in_({g["entrance_id"] for g in good})), conn)
                existing = {(r.entrance_id, r.unit_id or None, r.outcome, pd.Timestamp(r.visited_at).tz_localize(None)
                             if pd.Timestamp(r.visited_at).tzinfo is None else
                             pd.Timestamp(r.visited_at).tz_convert(UTC).tz_localize(None))
                            for r in ex.itertuples(index=False)}
            rows_new, duplicates, seen, cpr_removed = [], 0, set(), 0
            for g in good:  # counted here; the store's guard would remove them anyway
                g["note"], n_cpr = scrub(g.get("note") or "")
                cpr_removed += n_cpr
            for g in good:
                key = (g["entrance_id"], g["unit_id"], g["outcome"],
                       pd.Timestamp(g["visited_at"]).tz_convert(UTC).tz_localize(None))
                if key in existing or key in seen:
                    duplicates += 1
                    continue
                seen.add(key)
                rows_new.append(g)
            # a log is per pair: rows go with the stored route that has the entrance that day
            rs = pd.read_sql(select(t.route_stops.c.entrance_id, t.routes.c.route_id, t.routes.c.day)
                             .join(t.routes, t.routes.c.route_id == t.route_stops.c.route_id)
                             .where(t.route_stops.c.entrance_id.in_({g["entrance_id"] for g in rows_new})),
                             conn) if rows_new else pd.DataFrame(columns=["entrance_id", "route_id", "day"])
            route_of = {(r.entrance_id, pd.Timestamp(r.day).date()): r.route_id for r in rs.itertuples(index=False)}
            groups: dict[str, list[dict]] = {}
            for g in rows_new:
                local_day = g["visited_at"].astimezone(COPENHAGEN).date()
                groups.setdefault(route_of.get((g["entrance_id"], local_day), ""), []).append(g)
            flagged = sorted((f for rows in groups.values() for f in implausible(rows, xy)),
                             key=lambda f: f["row"])
            new_rows = [{
                "outcome_id": str(uuid.uuid4()), "entrance_id": g["entrance_id"], "unit_id": g["unit_id"],
                "outcome": g["outcome"], "visited_at": g["visited_at"], "recorded_by": self.actor.name,
                "recorded_at": clock.now_utc(), "note": g["note"]} for g in rows_new]
            insert_many(conn, t.outcomes, new_rows)
            for g in new_rows:  # phase 2 (issue 16): contact established starts a course
                if g["outcome"] == "contact_established":
                    start_from_outcome(conn, outcome_id=g["outcome_id"], entrance_id=g["entrance_id"],
                                       unit_id=g["unit_id"], visited_on=clock.from_store(g["visited_at"]).date(),
                                       owner=self.actor.name)
            n_rows = len(frame)
            conn.execute(insert(t.import_batches).values(
                batch_id=batch_id, kind="outcomes", file_name=file_name[:300], created_at=clock.now_utc(),
                created_by=self.actor.name, rows=n_rows, imported=len(rows_new), rejected=len(rejected),
                duplicates=duplicates, cpr_removed=cpr_removed))
            if rejected:
                insert_many(conn, t.rejected_rows, [{**r, "batch_id": batch_id, "raw": "",
                                                      "created_at": clock.now_utc()} for r in rejected])
            self._audit(conn, "outcomes.import", f"{file_name}: {len(rows_new)} outcomes",
                        "import door outcomes", [g["entrance_id"] for g in rows_new])
        return {"batch_id": batch_id, "rows": n_rows, "imported": len(rows_new), "rejected": len(rejected),
                "duplicates": duplicates, "cpr_removed": cpr_removed, "rejected_rows": rejected, "flagged": flagged}

    @operation("routes.plan")
    def delete_route_plan(self, plan_id: str) -> None:
        """Delete a stored plan (its routes and stops go with it)."""
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(delete(t.route_plans).where(t.route_plans.c.plan_id == plan_id)).rowcount
            if n == 0:
                raise InputError(f"route plan {plan_id!r} does not exist")
            self._audit(conn, "routes.delete", plan_id, "delete route plan")

    @operation("assignments.write")
    def assign_entrance(self, entrance_id: str, team: Sequence[str], *, expected_version: int) -> int:
        """Assign an entrance to a team (usually a pair of field workers).

        ``expected_version`` is the version the team lead saw (0 when unassigned). When
        someone else changed the assignment since, :class:`Conflict` is raised and nothing is
        changed: of two leads assigning one entrance at once exactly one wins. Returns the
        new version.
        """
        expected_version = int(expected_version)
        members = [m.strip() for m in team if m.strip()]
        if not members:
            raise InputError("a team needs at least one member")
        with store_engine.write_tx(self.engine) as conn:
            _check_team(conn, members)
            if conn.execute(select(t.entrances.c.entrance_id)
                            .where(t.entrances.c.entrance_id == entrance_id)).first() is None:
                raise InputError(f"entrance {entrance_id!r} is not in the register")
            values = {"team": ",".join(members), "assigned_by": self.actor.name, "assigned_at": clock.now_utc(),
                      "version": expected_version + 1}
            if expected_version == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(t.assignments).values(entrance_id=entrance_id, **values))
                except IntegrityError:
                    raise Conflict(f"entrance {entrance_id} was assigned by someone else just now; "
                                   "reload and try again") from None
            else:
                n = conn.execute(update(t.assignments).where(
                    t.assignments.c.entrance_id == entrance_id,
                    t.assignments.c.version == expected_version).values(**values)).rowcount
                if n == 0:
                    raise Conflict(f"entrance {entrance_id} was changed by someone else since version "
                                   f"{expected_version}; reload and try again")
            self._audit(conn, "assignments.write", f"{entrance_id} → {values['team']}",
                        "assign entrance to a team", [entrance_id])
        return expected_version + 1

    @operation("assignments.read")
    def assignments(self) -> pd.DataFrame:
        """All assignments (team leads)."""
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(select(t.assignments).order_by(t.assignments.c.entrance_id), conn)
            self._audit(conn, "assignments.read", f"{len(df)} assignments", "review assignments",
                        df["entrance_id"])
        return df

    @operation("assignments.read_own")
    def my_assignments(self) -> pd.DataFrame:
        """The acting field worker's own assigned entrances with their address (nothing else)."""
        a, e = t.assignments, t.entrances
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(
                select(a.c.entrance_id, a.c.team, a.c.version, e.c.street, e.c.house_number,
                       e.c.postcode, e.c.city, e.c.x, e.c.y)
                .join(e, e.c.entrance_id == a.c.entrance_id).order_by(a.c.entrance_id), conn)
            mine = [self.actor.name in (team or "").split(",") for team in df["team"]]
            df = df[pd.Series(mine, index=df.index, dtype=bool)]
            self._audit(conn, "assignments.read_own", f"{len(df)} entrances", "walk my route",
                        df["entrance_id"])
        return df.reset_index(drop=True)

    def _require_on_team(self, conn: Connection, entrance_id: str) -> None:
        if self.actor.role != "field_worker":
            return
        team = conn.execute(select(t.assignments.c.team)
                            .where(t.assignments.c.entrance_id == entrance_id)).scalar()
        if team is None or self.actor.name not in team.split(","):
            raise NotAllowed(f"user {self.actor.name!r} is not assigned to entrance {entrance_id}")

    @operation("outcomes.write")
    def record_outcome(self, entrance_id: str, outcome: str, *, visited_at: datetime,
                       unit_id: str | None = None, note: str = "") -> str:
        """Record what happened at a door; a field worker only at their own entrances."""
        code = parse_outcome(outcome)
        if len(note) > 2000:
            raise InputError("note is longer than 2,000 characters")
        oid = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            self._require_on_team(conn, entrance_id)
            conn.execute(insert(t.outcomes).values(
                outcome_id=oid, entrance_id=entrance_id, unit_id=unit_id, outcome=code,
                visited_at=clock.to_utc(visited_at), recorded_by=self.actor.name, recorded_at=clock.now_utc(),
                note=note))
            if code == "contact_established":  # phase 2 (issue 16): the contact starts a course
                start_from_outcome(conn, outcome_id=oid, entrance_id=entrance_id, unit_id=unit_id,
                                   visited_on=clock.from_store(clock.to_utc(visited_at)).date(), owner=self.actor.name)
            self._audit(conn, "outcomes.write", f"{entrance_id}: {code}", "record door outcome",
                        [entrance_id])
        return oid

    def _correctable_outcome(self, conn: Connection, outcome_id: str):  # noqa: ANN202
        """The stored outcome ``outcome_id`` if the acting user may undo or correct it: a field
        worker only their own, recorded today (Copenhagen), at an entrance still theirs; a team
        lead any."""
        o = t.outcomes
        row = conn.execute(select(o).where(o.c.outcome_id == str(outcome_id))).mappings().first()
        if row is None:
            raise InputError(f"outcome {outcome_id!r} does not exist")
        if self.actor.role == "field_worker":
            if row["recorded_by"] != self.actor.name:
                raise NotAllowed(f"user {self.actor.name!r} may only change outcomes they recorded")
            if clock.from_store(row["recorded_at"]).date() != clock.today():
                raise NotAllowed(f"outcome {outcome_id!r} was recorded before today: ask a team lead to correct it")
            self._require_on_team(conn, row["entrance_id"])
        return row

    @operation("outcomes.write")
    def undo_outcome(self, outcome_id: str) -> None:
        """Take back an outcome recorded by mistake (deleted; the audit log keeps that it was).

        A field worker may undo only their own outcomes of today; a team lead any.
        """
        with store_engine.write_tx(self.engine) as conn:
            row = self._correctable_outcome(conn, outcome_id)
            drop_untouched(conn, row["outcome_id"])  # the course it started, if nothing happened in it yet
            conn.execute(delete(t.outcomes).where(t.outcomes.c.outcome_id == row["outcome_id"]))
            self._audit(conn, "outcomes.write", f"{row['entrance_id']}: undo {row['outcome']}",
                        "undo door outcome", [row["entrance_id"]])

    @operation("outcomes.write")
    def edit_outcome(self, outcome_id: str, outcome: str, *, note: str | None = None) -> None:
        """Correct what an outcome says (and its note, when given); the visit time stays.

        A field worker may correct only their own outcomes of today; a team lead any. The
        note passes the store's guard like any other (CPR numbers scrubbed).
        """
        code = parse_outcome(outcome)
        if note is not None and len(note) > MAX_FIELD:
            raise InputError("note is longer than 2,000 characters")
        with store_engine.write_tx(self.engine) as conn:
            row = self._correctable_outcome(conn, outcome_id)
            values = {"outcome": code} if note is None else {"outcome": code, "note": note}
            conn.execute(update(t.outcomes).where(t.outcomes.c.outcome_id == row["outcome_id"]).values(**values))
            if row["outcome"] == "contact_established" and code != "contact_established":
                drop_untouched(conn, row["outcome_id"])
            elif code == "contact_established" and row["outcome"] != "contact_established":
                start_from_outcome(conn, outcome_id=row["outcome_id"], entrance_id=row["entrance_id"],
                                   unit_id=row["unit_id"], visited_on=clock.from_store(row["visited_at"]).date(),
                                   owner=row["recorded_by"])
            self._audit(conn, "outcomes.write", f"{row['entrance_id']}: {row['outcome']} → {code}",
                        "correct door outcome", [row["entrance_id"]])

    @operation("outcomes.read")
    def outcomes(self, entrance_id: str | None = None) -> pd.DataFrame:
        """Outcomes (all for a team lead; a field worker only at their own entrances).

        ``visited_at`` and ``recorded_at`` are Copenhagen times (aware), on every backend.
        """
        q = select(t.outcomes).order_by(t.outcomes.c.visited_at, t.outcomes.c.outcome_id)
        if entrance_id is not None:
            q = q.where(t.outcomes.c.entrance_id == entrance_id)
        with store_engine.write_tx(self.engine) as conn:
            if entrance_id is not None:
                self._require_on_team(conn, entrance_id)
            df = pd.read_sql(q, conn)
            if self.actor.role == "field_worker" and entrance_id is None:
                mine = conn.execute(select(t.assignments.c.entrance_id, t.assignments.c.team)).all()
                own = {e for e, team in mine if team and self.actor.name in team.split(",")}
                df = df[df["entrance_id"].isin(own)]
            self._audit(conn, "outcomes.read", entrance_id or f"{len(df)} outcomes",
                        "review door outcomes", df["entrance_id"])
        df = df.reset_index(drop=True)
        for col in ("visited_at", "recorded_at"):  # SQLite gives naive UTC, PostgreSQL aware
            df[col] = clock.local_times(df[col])
        return df


def _check_free(conn, route_id: str, day: object, members: list[str]) -> None:  # noqa: ANN001
    """Refuse a member who already walks another route on ``day`` (any plan): one route a
    day per worker (:class:`MemberBusy` names the member, the day and the other pair)."""
    r, p = t.routes, t.route_plans
    others = conn.execute(select(r.c.members, r.c.team, p.c.area).join(p, p.c.plan_id == r.c.plan_id)
                          .where(r.c.day == day, r.c.route_id != route_id, r.c.members.is_not(None))
                          .order_by(r.c.team, r.c.route_id)).all()
    for member in members:
        for walkers, other_team, area in others:
            if member in walkers.split(","):
                raise MemberBusy(member, pd.Timestamp(day).date().isoformat(), int(other_team), str(area))


def _check_team(conn, members: list[str]) -> None:  # noqa: ANN001
    """Refuse a team with anyone who is not a field worker or a team lead."""
    known = dict(conn.execute(select(t.users.c.name, t.users.c.role).where(t.users.c.name.in_(members))).all())
    bad = [m for m in members if known.get(m) not in ("field_worker", "team_lead")]
    if bad:
        raise InputError(f"team member(s) {', '.join(map(repr, bad))} are not field workers or team leads")

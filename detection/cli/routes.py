"""CLI commands for routes (registered by :func:`detection.cli.main.build_parser`).

- ``opspor plan-routes --area AREA [--teams N] [--days D] [--shift HH:MM-HH:MM]
  [--start LON,LAT|ENTRANCE_ID|ADDRESS] [--doors reported|all|social_housing] [--from DATE]
  [--out DIR] [--seconds S] [--assign ROUTE_ID=USER,USER] --json``: plans and stores
  routes and prints the plan (conventions.md); with ``--out`` writes per route a PDF walk
  list and a GPX file, and one GeoPackage for QField. ``--area-file GEOJSON`` plans in a
  polygon drawn elsewhere (``--area`` then names it). ``--assign`` alone (without
  ``--area``) assigns routes of a stored plan. ``--turfs`` cuts the area into one compact
  turf per pair, kept across the days (the JSON gains ``turfs`` and ``stats.turf_compactness``).
- ``opspor record-outcomes FILE --json``: imports outcomes from a CSV or the GeoPackage;
  prints the import summary (``rows = imported + rejected + duplicates``).
- ``opspor route-plans [--plan ID]``: stored plans, or one plan in full.
- ``opspor route-plans overdue [--now TIME] --json``: pairs not checked out ``overdue_minutes``
  after their shift ended (issue 17): ``{"overdue": [{"route_id", "members", "shift_end",
  "minutes_over"}]}``, ``shift_end`` ISO 8601 Copenhagen time, ``minutes_over`` whole minutes
  since the shift ended, most overdue first.
- ``opspor letters --plan ID --out FILE.pdf``: the plan's letters (one A4 page per dwelling
  where a letter is due, :mod:`detection.routes.letters`). ``plan-routes --out`` writes
  them too, as ``breve_AREA_DAYS.pdf``, when the plan has such doors.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from detection import clock
from detection.cli.common import open_repo, parse_date
from detection.errors import InputError
from detection.files import private_dir, write_private
from detection.vocab import area_words

log = logging.getLogger("opspor")


def _date(value: str):  # noqa: ANN202

    return parse_date(value)


def _moment(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a time (expected YYYY-MM-DDTHH:MM)") from exc


def add_commands(sub: Callable[[str, str], argparse.ArgumentParser], subs) -> None:  # noqa: ANN001
    """Add this module's subcommands. ``sub(name, help)`` makes a subparser with the global
    options; ``subs`` is the raw subparsers object (for nested subcommands)."""
    sp = sub("plan-routes", "plan door-to-door routes for pairs of field workers (team lead)")
    sp.add_argument("--area", help="focus-area id or name, or LAYER:AREA_ID (e.g. parishes:7244)")
    sp.add_argument("--area-file", type=Path,
                    help="plan in the polygon of this GeoJSON file instead (e.g. drawn in QGIS); "
                         "--area names it")
    sp.add_argument("--teams", type=int, default=None,
                    help="number of pairs (one route per pair and day; default: the framing's pairs, else 2)")
    sp.add_argument("--days", type=int, default=1, help="working days (weekdays; no public holidays, no closed days "
                    "of the municipality: `opspor settings --set closed_days=24.12,31.12`)")
    sp.add_argument("--shift", default=None,
                    help="shift window per day, HH:MM-HH:MM (default: the framing's shift, else 09:00-15:00)")
    sp.add_argument("--start", help="start/end point: LON,LAT, an entrance id or an address (default: the "
                    "entrance nearest the centre of the doors)")
    sp.add_argument("--doors", default="reported", choices=["reported", "all", "social_housing"])
    sp.add_argument("--from", dest="from_date", type=_date,
                    help="first day (YYYY-MM-DD; default the next working day after today)")
    sp.add_argument("--out", type=Path, help="folder for the PDF walk lists, GPX and GeoPackage")
    sp.add_argument("--seconds", type=float, default=5.0, help="solver time limit in seconds")
    # --speed, --per-entrance, --per-unit, --attempts: not given, Repository.plan_routes's defaults
    # (the planner's) apply
    sp.add_argument("--speed", type=float, help="walking speed, km/h")
    sp.add_argument("--per-entrance", type=int, dest="per_entrance",
                    help="seconds per entrance")
    sp.add_argument("--per-unit", type=int, dest="per_unit",
                    help="seconds per unit knocked on")
    sp.add_argument("--attempts", type=int,
                    help="not-home visits before a letter is left instead")
    sp.add_argument("--seed", type=int, default=1)
    sp.add_argument("--engine", default="pyvrp", choices=["pyvrp", "ortools"])
    sp.add_argument("--mode", default="walk", choices=["walk", "drive_walk", "auto"],
                    help="walk: on foot from the start point; drive_walk: drive between parking points "
                         "and walk the doors around each; auto: drive_walk when the doors lie beyond "
                         "--walk-limit of each other on foot (each route then gives drive_m, walk_m "
                         "and its parking points)")
    sp.add_argument("--walk-limit", type=int, dest="walk_limit",
                    help="metres: doors farther apart on foot are driven between, and no walk leg is "
                         "longer (default the setting drive_walk_m, 1000)")
    sp.add_argument("--turfs", action="store_true",
                    help="one compact turf of about equal work per pair, the same on every day")
    sp.add_argument("--assign", action="append", default=[], metavar="ROUTE_ID=USER,USER",
                    help="give a route to field workers; repeatable")

    sp = sub("record-outcomes", "import door outcomes from a CSV or the exported GeoPackage")
    sp.add_argument("file", type=Path)

    sp = sub("letters", "the letters for a plan's doors where a letter is due, one A4 page per dwelling "
                        "(team lead; set team_phone and team_hours first: `opspor settings --set ...`)")
    sp.add_argument("--plan", required=True, help="the plan (its plan_id, as `route-plans` lists it)")
    sp.add_argument("--out", type=Path, required=True, help="the PDF file to write, e.g. breve.pdf")

    sp = sub("route-plans", "stored route plans (team lead); `route-plans overdue`: pairs not checked out")
    sp.add_argument("what", nargs="?", choices=["overdue"],
                    help="overdue: routes whose pair has not checked out overdue_minutes (a setting, "
                         "default 30) after the shift ended")
    sp.add_argument("--plan", help="show this plan in full")
    sp.add_argument("--now", type=_moment, help="with overdue: the time to judge by (YYYY-MM-DDTHH:MM, "
                    "Copenhagen time unless it has an offset; default now)")


def _assignments(items: list[str]) -> list[tuple[str, list[str]]]:
    out = []
    for item in items:
        if "=" not in item:
            raise InputError(f"--assign {item!r}: expected ROUTE_ID=USER,USER")
        rid, users = item.split("=", 1)
        out.append((rid.strip(), [u.strip() for u in users.split(",") if u.strip()]))
    return out


def cmd_plan_routes(args) -> dict:  # noqa: ANN001
    from detection.routes.explain import note_text
    from detection.routes.field_files import write_plan_files
    from detection.routes.letters import (
        has_letters,
        letters_file_name,
        plan_letters,
        plan_letters_pdf,
    )
    from geo.areas import read_polygon

    repo = open_repo(args)
    assigns = _assignments(args.assign)
    geometry = None
    if args.area_file is not None:
        geometry = read_polygon(args.area_file, "area file")
        args.area = args.area or args.area_file.stem
    if not args.area:
        if not assigns:
            raise InputError("give --area (a focus area or LAYER:AREA_ID), or --assign ROUTE_ID=USER,USER")
        return {"assigned": [repo.assign_route(rid, users) for rid, users in assigns]}
    as_of = args.as_of or clock.today()
    last = [-1.0]

    def progress(f: float) -> None:
        if f - last[0] >= 0.2 or f >= 1.0:
            last[0] = f
            print(f"solving … {f:4.0%}", file=sys.stderr)

    framed = repo.framing(args.from_date or as_of)  # the period's framing gives the defaults (issue 16)
    teams = args.teams or (framed.pairs if framed is not None and framed.pairs else 2)
    shift = args.shift or (framed.shift if framed is not None and framed.shift else "09:00-15:00")
    given = {"speed_kmh": args.speed, "per_entrance_s": args.per_entrance, "per_unit_s": args.per_unit,
             "attempts": args.attempts}
    plan = repo.plan_routes(args.area, teams=teams, days=args.days, shift=shift,
                            start=args.start, doors=args.doors, from_date=args.from_date, as_of=as_of,
                            seconds=args.seconds, seed=args.seed,
                            engine=args.engine, progress=progress, area_geometry=geometry,
                            mode=args.mode, walk_limit_m=args.walk_limit,
                            turfs=args.turfs, **{k: v for k, v in given.items() if v is not None})
    if assigns:
        ids = {r["route_id"] for r in plan["routes"]}
        plan["assigned"] = []
        for rid, users in assigns:
            full = rid if rid in ids else f"{plan['plan_id']}-{rid}"
            plan["assigned"].append(repo.assign_route(full, users))
    if args.out:
        plan["files"] = [str(p) for p in write_plan_files(plan, args.out, lang=args.lang or "da")]
        if has_letters(plan):  # the letters beside the walk lists; the plan is stored either way
            try:
                data = plan_letters_pdf(plan, repo.letter_setup())
            except InputError as exc:
                log.warning("opspor plan-routes: no letters written: %s", exc)
                plan["letters"] = {"error": {"code": exc.code, "message": str(exc)}}
            else:
                path = write_private(private_dir(args.out) / letters_file_name(plan), data)
                plan["files"].append(str(path))
                plan["letters"] = {"file": str(path), "letters": len(plan_letters(plan))}
    days = plan["params"]["days"]
    plan["area_text"] = area_words(plan["area"], args.lang or "da")  # "Tranebjerg (sogn)", not its id
    for note in plan.get("notes", []):  # the plan in words (issue 17), in the CLI's language
        note["text"] = note_text(note, args.lang or "da", min_minutes=plan["params"]["min_route_minutes"], days=days)
    for r in plan["routes"]:
        r.pop("path", None)
        r.pop("car_paths", None)
        for s in r["stops"]:
            for k in ("x", "y"):
                s.pop(k, None)
    return plan


def cmd_record_outcomes(args) -> dict:  # noqa: ANN001

    repo = open_repo(args)
    out = repo.import_outcomes(args.file, as_of=args.as_of or clock.today())
    log.info("%d rows: %d imported, %d rejected, %d duplicates, %d flagged",
             out["rows"], out["imported"], out["rejected"], out["duplicates"], len(out["flagged"]))
    return out


def cmd_letters(args) -> dict:  # noqa: ANN001
    from detection.routes.letters import plan_letters, plan_letters_pdf

    repo = open_repo(args)
    plan = repo.route_plan(args.plan)
    data = plan_letters_pdf(plan, repo.letter_setup())
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise InputError(f"--out {out}: the letters are a PDF; give a file name ending in .pdf")
    path = write_private(private_dir(out.parent) / out.name, data)
    return {"plan_id": args.plan, "file": str(path), "letters": len(plan_letters(plan))}


def cmd_route_plans(args) -> dict:  # noqa: ANN001

    repo = open_repo(args)
    lang = getattr(args, "lang", None) or "da"
    if args.what == "overdue":
        # the fixed interface (issue 17): exactly these four fields per route
        keys = ("route_id", "members", "shift_end", "minutes_over")
        return {"overdue": [{k: r[k] for k in keys} for r in repo.overdue_routes(now=args.now)]}
    if args.plan:
        plan = repo.route_plan(args.plan)
        return {**plan, "area_text": area_words(plan["area"], lang)}
    # the stored label keeps its layer key for scripts; people read ``area_text``
    return {"plans": [{**p, "area_text": area_words(p["area"], lang)} for p in repo.route_plans()]}


#: command name → handler(args) returning the JSON-able result
COMMANDS: dict[str, Callable] = {
    "plan-routes": cmd_plan_routes,
    "record-outcomes": cmd_record_outcomes,
    "route-plans": cmd_route_plans,
    "letters": cmd_letters,
}

"""CLI commands for the method beyond the door (issue 16).

- ``opspor framing show [--on D]``: the framing of the period that holds ``D`` (default
  today), ``{"framing": {...} | null, "periods": [...]}``.
- ``opspor framing set --from D --to D [--target-group T] [--focus-areas ID,ID] [--pairs N]
  [--hours-per-week H] [--shift HH:MM-HH:MM] [--hourly-cost DKK] [--other-costs DKK]
  [--goal-partners N] [--goal-doors N] [--goal-contacts N] [--goal-handovers N]``: set a
  period's framing (the same ``--from`` updates it).
- ``opspor courses start --entrance ID [--unit ID] [--date D] [--owner USER]``: start a course
  by hand from a report assessed in the target group.
- ``opspor courses meeting ID --date D --minutes M --kind home_visit|phone|accompaniment``.
- ``opspor courses stage ID --to relationship|bridging|handed_over|closed
  [--target s99|s85|cti|icm|act|psychiatry|gp|other] [--reason declined|moved|not_target_group|other]
  [--note TEXT] [--date D]``.
- ``opspor courses list [--open]``: ``{"courses": [...]}`` (a field worker's own, a team
  lead's all).
- ``opspor framing economics FILE.json``: the municipality's scenario inputs (``-`` clears).
- ``opspor funnel [--from D --to D] [--by channel|month|area]``, ``opspor fidelity [--from D
  --to D]``, ``opspor evaluation [--from D --to D]``: the method's figures (default period:
  the framed period of today); analysts get them under the disclosure policy.
- ``opspor report [--from D --to D] --out FILE.pdf|FILE.xlsx``: the management report, under
  the disclosure policy whoever makes it (it is handed on), with no address in it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from detection import clock
from detection.cli.common import Parser, add_command, open_repo, parse_date
from detection.errors import InputError


def add_commands(sub: Callable[[str, str], argparse.ArgumentParser], subs) -> None:  # noqa: ANN001, ARG001
    """Add ``opspor framing …`` and ``opspor courses …``."""
    sp = sub("framing", "the framing of the effort (rammesætning): period, target group, team, goals")
    fs = sp.add_subparsers(dest="framing_command", parser_class=Parser, required=True)
    p = add_command(fs, "show", "the framing of the period that holds a day (default today)")
    p.add_argument("--on", type=parse_date, help="a day in the period (default today)")
    p = add_command(fs, "set", "set a period's framing (the same --from updates it)")
    p.add_argument("--from", dest="period_from", type=parse_date, required=True, help="the period's first day")
    p.add_argument("--to", dest="period_to", type=parse_date, help="the period's last day (required for a new period)")
    p.add_argument("--target-group", dest="target_group", help="the target group in words")
    p.add_argument("--focus-areas", dest="focus_areas", help="saved focus-area ids, comma-separated")
    p.add_argument("--pairs", help="pairs of workers in the team")
    p.add_argument("--hours-per-week", dest="hours_per_week", help="hours one pair works a week")
    p.add_argument("--shift", help="the default shift, HH:MM-HH:MM")
    p.add_argument("--hourly-cost", dest="hourly_cost_dkk", help="staff cost per hour (DKK)")
    p.add_argument("--other-costs", dest="other_costs_dkk", help="other costs of the period (DKK)")
    for goal in ("partners", "doors", "contacts", "handovers"):
        p.add_argument(f"--goal-{goal}", dest=f"goal_{goal}", help=f"goal for the period: {goal}")

    sp = sub("courses", "courses (forløb, phase 2): contact → relationship → bridging → handed over")
    cs = sp.add_subparsers(dest="courses_command", parser_class=Parser, required=True)
    p = add_command(cs, "start", "start a course by hand from a report assessed in the target group")
    p.add_argument("--entrance", required=True, help="the entrance (DAR id)")
    p.add_argument("--unit", help="the unit (DAR id), when known")
    p.add_argument("--date", type=parse_date, help="the day of the contact (default today)")
    p.add_argument("--owner", help="the field worker who follows it (team lead only; default yourself)")
    p = add_command(cs, "meeting", "log a meeting of a course")
    p.add_argument("course_id")
    p.add_argument("--date", type=parse_date, required=True)
    p.add_argument("--minutes", required=True)
    p.add_argument("--kind", required=True, help="home_visit, phone or accompaniment")
    p = add_command(cs, "stage", "move a course to its next stage, or close it")
    p.add_argument("course_id")
    p.add_argument("--to", required=True, help="relationship, bridging, handed_over or closed")
    p.add_argument("--target", help="handover target: s99, s85, cti, icm, act, psychiatry, gp, other")
    p.add_argument("--reason", help="why closed: declined, moved, not_target_group, other")
    p.add_argument("--note", help="a few words for the reason 'other' (no health details)")
    p.add_argument("--date", type=parse_date, help="the day (default today)")
    p = add_command(cs, "list", "the courses you may see")
    p.add_argument("--open", action="store_true", dest="open_only", help="only open courses")

    p = add_command(fs, "economics", "the municipality's economics inputs (SØM structure) from a JSON file")
    p.add_argument("file", help="JSON {\"scenarios\": [...]} (docs/evaluation.md); '-' clears them")
    p.add_argument("--on", type=parse_date, help="a day of the framed period (default today)")

    for name, help_ in (("funnel", "the funnel: reports → target group → doors → contacts → relationships → "
                                   "handovers, by channel, month or area"),
                        ("fidelity", "method fidelity: the eight core elements with their status"),
                        ("evaluation", "the evaluation: cost, citizens reached, three economic scenarios")):
        p = sub(name, help_)
        p.add_argument("--from", dest="period_from", type=parse_date,
                       help="the period's first day (default: the framed period of today)")
        p.add_argument("--to", dest="period_to", type=parse_date, help="the period's last day")
        if name == "funnel":
            p.add_argument("--by", choices=["channel", "month", "area"], default="channel",
                           help="split the stages by channel (default), month or area")
    p = sub("report", "the management report (PDF or Excel): funnel, fidelity, economics, map; no address")
    p.add_argument("--from", dest="period_from", type=parse_date,
                   help="the period's first day (default: the framed period of today)")
    p.add_argument("--to", dest="period_to", type=parse_date, help="the period's last day")
    p.add_argument("--out", required=True, help="the file to write: .pdf or .xlsx")


def cmd_framing(args) -> dict:  # noqa: ANN001
    repo = open_repo(args)
    if args.framing_command == "economics":
        return _economics(repo, args.file, args.on)
    if args.framing_command == "show":
        f = repo.framing(args.on)
        return {"framing": None if f is None else f.to_json(),
                "periods": [{"from": x.period_from.isoformat(), "to": x.period_to.isoformat()}
                            for x in repo.framings()]}
    fields: dict = {"period_from": args.period_from}
    for name in ("period_to", "target_group", "pairs", "hours_per_week", "shift", "hourly_cost_dkk",
                 "other_costs_dkk"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = value
    if args.focus_areas is not None:
        fields["focus_areas"] = [x for x in args.focus_areas.split(",") if x.strip()]
    goals = {g: getattr(args, f"goal_{g}") for g in ("partners", "doors", "contacts", "handovers")
             if getattr(args, f"goal_{g}") is not None}
    if goals:
        fields["goals"] = goals
    return {"framing": repo.set_framing(**fields).to_json()}


def cmd_funnel(args) -> dict:  # noqa: ANN001
    return open_repo(args).funnel(start=args.period_from, end=args.period_to, by=args.by)


def cmd_fidelity(args) -> dict:  # noqa: ANN001
    return open_repo(args).fidelity(start=args.period_from, end=args.period_to)


def cmd_report(args) -> dict:  # noqa: ANN001
    from detection.method.report import write_report

    data = open_repo(args).management_report(start=args.period_from, end=args.period_to)
    path = write_report(data, args.out, lang=getattr(args, "lang", None) or "da")
    return {"file": str(path), "period": {"from": data.period_from.isoformat(), "to": data.period_to.isoformat()},
            "protected": True}


def cmd_evaluation(args) -> dict:  # noqa: ANN001
    return open_repo(args).evaluation(start=args.period_from, end=args.period_to)


def _economics(repo, path: str, on) -> dict:  # noqa: ANN001
    if path == "-":
        return {"framing": repo.set_economics(None, on=on).to_json()}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"file {path!r} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"file {path!r} is not JSON ({exc}); see docs/evaluation.md for the format") from None
    return {"framing": repo.set_economics(data, on=on).to_json()}


def cmd_courses(args) -> dict:  # noqa: ANN001
    repo = open_repo(args)
    c = args.courses_command
    if c == "start":
        cid = repo.start_course(args.entrance, unit_id=args.unit, on=args.date, owner=args.owner)
        return {"course": next(x for x in repo.courses() if x["course_id"] == cid)}
    if c == "meeting":
        mid = repo.add_meeting(args.course_id, on=args.date, kind=args.kind, minutes=args.minutes)
        return {"meeting_id": mid, "course_id": args.course_id}
    if c == "stage":
        return {"course": repo.move_course(args.course_id, to=args.to, on=args.date or clock.today(),
                                           target=args.target, reason=args.reason, note=args.note)}
    if c == "list":
        return {"courses": repo.courses(open_only=args.open_only)}
    raise InputError(f"unknown courses command {c!r}")


#: command name → handler(args) returning the JSON-able result
COMMANDS: dict[str, Callable] = {"framing": cmd_framing, "courses": cmd_courses, "funnel": cmd_funnel,
                                 "fidelity": cmd_fidelity, "evaluation": cmd_evaluation, "report": cmd_report}

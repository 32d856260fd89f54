"""``opspor subject …``: the citizen's rights for one address (GDPR art. 15–18).

    opspor subject export --entrance ID | --address "…" --out FILE.txt   # indsigt, in Danish
    opspor subject erase --entrance ID --yes               # erase everything on the address, for real
    opspor subject erase --signal ID | --outcome ID        # erase one report or door outcome
    opspor subject correct --signal ID [--note TEXT] [--assessment A] | --outcome ID --note TEXT
    opspor subject restrict --entrance ID --reason declined  # never planned or shown again
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from detection.cli.common import Parser, UsageError, add_command, open_repo
from detection.vocab import RESTRICTION_CODES


def add_commands(sub: Callable[[str, str], argparse.ArgumentParser], subs) -> None:  # noqa: ANN001
    """Add ``opspor subject …``."""
    sp = sub("subject", "the citizen's rights for one address: access, rectification, erasure, restriction")
    ss = sp.add_subparsers(dest="subject_command", parser_class=Parser, required=True)
    p = add_command(ss, "export", "everything held about one address, as the citizen reads it (Danish)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--entrance", help="DAR entrance id")
    g.add_argument("--address", help="the address as written, e.g. 'Langgade 12, 8305 Samsø'")
    p.add_argument("--out", type=Path, required=True, help="the text file to write (mode 0600)")
    p = add_command(ss, "erase", "erase everything on one address, or one report or outcome, for real")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--entrance", help="DAR entrance id: its reports, outcomes, decisions, route stops")
    g.add_argument("--signal", help="one report's id")
    g.add_argument("--outcome", help="one door outcome's id")
    p.add_argument("--yes", action="store_true", help="needed with --entrance: yes, erase it all")
    p = add_command(ss, "correct", "rectify one report's note or assessment, or one outcome's note")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--signal")
    g.add_argument("--outcome")
    p.add_argument("--note", help="the corrected note")
    p.add_argument("--assessment", help="the corrected assessment (reports)")
    p = add_command(ss, "restrict", "never plan or show an address again (restriction of processing)")
    p.add_argument("--entrance", required=True)
    p.add_argument("--reason", required=True, choices=list(RESTRICTION_CODES.ids))


def cmd_subject(args) -> dict:
    repo = open_repo(args)
    c = args.subject_command
    if c == "export":
        from detection.rights.export import write_subject_text

        entrance = args.entrance or repo.subject_entrance(args.address)
        data = repo.subject_export(entrance)
        write_subject_text(data, args.out)
        return {"entrance_id": entrance, "address": data["address"], "file": str(args.out), "signals": len(data["signals"]),
                "outcomes": len(data["outcomes"]), "routes": len(data["routes"]), "uses": len(data["uses"])}
    if c == "erase":
        if args.entrance:
            if not args.yes:
                raise UsageError("subject erase --entrance deletes everything on the address for good; add --yes")
            return {"entrance_id": args.entrance, "erased": repo.erase_subject(args.entrance)}
        kind, rid = ("signal", args.signal) if args.signal else ("outcome", args.outcome)
        repo.erase_record(kind, rid)
        return {"erased": {kind: rid}}
    if c == "correct":
        kind, rid = ("signal", args.signal) if args.signal else ("outcome", args.outcome)
        repo.correct_record(kind, rid, note=args.note, assessment=args.assessment)
        return {"corrected": {kind: rid}}
    repo.restrict_subject(args.entrance, args.reason)
    return {"restricted": args.entrance, "reason": args.reason}


COMMANDS = {"subject": cmd_subject}

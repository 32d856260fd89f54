"""CLI commands for imports (registered by :func:`detection.cli.main.build_parser`).

- ``opspor import-signals FILE [--source NAME] [--allow-in-demo] [--json]``: the import
  summary of conventions.md. Exit 0 when done (rejected rows included), 1 when the file
  can't be used (``header_unknown`` …), 3 when not allowed (role, or a demo workspace
  without ``--allow-in-demo``).
- ``opspor rejected list [--batch ID] [--all]`` and ``opspor rejected export [--batch ID]
  --out FILE`` (a CSV to fix and import again; formula prefixes neutralised).
- ``opspor assess SIGNAL_ID --as in_target_group|not_in_target_group|unclear|new``.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from detection import clock
from detection.cli.common import open_repo
from detection.errors import InputError
from detection.vocab import ASSESSMENTS

log = logging.getLogger("opspor")


def add_commands(sub: Callable[[str, str], argparse.ArgumentParser], subs) -> None:  # noqa: ANN001
    """Add this module's subcommands. ``sub(name, help)`` makes a subparser with the global
    options; ``subs`` is the raw subparsers object (for nested subcommands)."""
    sp = sub("import-signals", "import a file of partners' reports (CSV, XLSX, GeoJSON, GeoPackage)")
    sp.add_argument("file", type=Path)
    sp.add_argument("--source", help="partner name for rows without a Kilde/Afsender column value")
    sp.add_argument("--allow-in-demo", action="store_true", dest="allow_in_demo",
                    help="import into the demo anyway: the demo becomes a real workspace (its demo "
                         "users and published passwords are removed, the app asks for "
                         "sign-in; then `opspor users passwd admin`)")

    sp = sub("rejected", "list or export rejected import rows")
    sp.add_argument("rejected_command", choices=["list", "export"])
    sp.add_argument("--batch", help="only this import batch")
    sp.add_argument("--all", action="store_true", dest="include_resolved",
                    help="list: include rows already resolved")
    sp.add_argument("--out", type=Path, help="export: CSV file to write")

    sp = sub("assess", "assess a signal (vurdering)")
    sp.add_argument("signal_id")
    sp.add_argument("--as", dest="assessment", required=True, choices=list(ASSESSMENTS))


def cmd_import_signals(args) -> dict:
    repo = open_repo(args)
    as_of = args.as_of or clock.today()
    log.info("importing %s …", args.file)
    out = repo.import_signals(args.file, as_of=as_of, source=args.source, allow_in_demo=args.allow_in_demo)
    log.info("%d rows: %d imported, %d rejected, %d duplicates, %d with a CPR number removed",
             out["rows"], out["imported"], out["rejected"], out["duplicates"], out["cpr_removed"])
    return out


def cmd_rejected(args) -> dict:
    repo = open_repo(args)
    if args.rejected_command == "list":
        df = repo.rejected_rows(batch_id=args.batch, include_resolved=args.include_resolved)
        rows = [{"id": int(r["id"]), "batch_id": r["batch_id"], "file": r["file"], "row": int(r["row"]),
                 "field": r["field"], "value": r["value"], "reason": r["reason"], "message": r["message"],
                 "resolved_at": None if r["resolved_at"] is None or str(r["resolved_at"]) in ("NaT", "None")
                 else str(r["resolved_at"])}
                for r in df.to_dict("records")]
        return {"rejected": len(rows), "rows": rows}
    if not args.out:
        raise InputError("rejected export needs --out FILE (a CSV to fix and import again)")

    from detection.tabular import write_csv

    df = repo.rejected_export_frame(batch_id=args.batch)
    write_csv(df, args.out)
    return {"rejected": len(df), "file": str(args.out)}


def cmd_assess(args) -> dict:
    return open_repo(args).assess_signal(args.signal_id, args.assessment)


#: command name → handler(args) returning the JSON-able result
COMMANDS: dict[str, Callable] = {"import-signals": cmd_import_signals, "rejected": cmd_rejected,
                                 "assess": cmd_assess}

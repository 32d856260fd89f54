"""The ``opspor`` command line (conventions.md: global options, JSON, exit codes).

Global options ``--db``, ``--user``, ``--json``, ``--lang``, ``--as-of`` are accepted
before the subcommand and after it. ``--json`` prints exactly one JSON object on stdout;
progress goes to stderr. Exit codes: 0 done, 1 unusable input, 2 usage, 3 not allowed.

The parser is built from light modules only; each command's handler imports what it needs
(the repository, the register builders, pandas …) when it runs (:mod:`detection.cli.common`).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

from detection import clock
from detection.cli import backup, method, partners, priorities, rights, routes, signals
from detection.cli.common import (
    Parser,
    UsageError,
    add_command,
    add_globals,
    open_repo,
    parse_date,
    read_secret,
)
from detection.errors import InputError, OpsporError, WorkspaceError
from geo.errors import GeoInputError

log = logging.getLogger("opspor")


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="opspor", description="Opspor: geographic outreach mapping")
    add_globals(p, sub=False)
    subs = p.add_subparsers(dest="command", parser_class=Parser)

    def sub(name: str, help_: str) -> argparse.ArgumentParser:
        return add_command(subs, name, help_)

    sp = sub("init", "build a workspace from a municipality's own files")
    sp.add_argument("--name", required=True)
    sp.add_argument("--addresses", type=Path, help="DAR entrance extract (CSV)")
    sp.add_argument("--units", type=Path, help="DAR unit extract (CSV)")
    sp.add_argument("--osm", type=Path, help="OpenStreetMap file (.osm or .osm.pbf)")
    sp.add_argument("--network", type=Path,
                    help="walking network from a line file (GeoDanmark vejmidter, GeoJSON/GeoPackage/"
                         "Shapefile); replaces the OSM network when both are given")
    sp.add_argument("--areas", action="append", default=[], metavar="[NAME=]FILE",
                    help="planning-area polygons; repeatable")
    sp.add_argument("--boundary", type=Path, help="municipality boundary polygon")
    sp.add_argument("--kommunekode", help="4-digit municipality code (else from the files)")
    sp.add_argument("--bbr-buildings", type=Path, dest="bbr_buildings")
    sp.add_argument("--bbr-units", type=Path, dest="bbr_units")
    sp.add_argument("--force", action="store_true",
                    help="replace a non-empty database; over the demo, its users and published "
                         "passwords are removed too (set admin's with `opspor users passwd admin`)")

    sp = sub("demo", "(re)build the Samsø demo workspace with invented signals")
    sp.add_argument("--signals", type=int, default=320, help="number of generated signals")
    sp.add_argument("--seed", type=int, default=7)
    sp.add_argument("--replace-real-workspace", action="store_true", dest="replace_real_workspace",
                    help="replace a real (non-demo) workspace with the demo, deleting everything in it; "
                         "without it `demo` refuses to")

    sub("summary", "counts of the workspace")

    sp = sub("problems", "register rows skipped or remarked on when the workspace was built")
    sp.add_argument("--reason", help="only this reason code")

    sp = sub("audit", "the audit log (administrator)")
    au = sp.add_subparsers(dest="audit_command", parser_class=Parser, required=True)
    a = add_command(au, "list", "list audit entries, newest first")
    a.add_argument("--since", type=parse_date, help="from this date (YYYY-MM-DD)")
    a.add_argument("--action", help="actions starting with this (e.g. signals.)")
    a.add_argument("--limit", type=int, default=1000)
    a.add_argument("--by", dest="by_user", help="entries of this user")
    a = add_command(au, "export", "every entry concerning one address, for an access request")
    a.add_argument("--entrance", required=True, help="DAR entrance id")
    a.add_argument("--out", type=Path, help="write CSV here (else JSON on stdout)")

    sp = sub("purge", "delete for real what is past its retention period (administrator)")
    sp.add_argument("--dry-run", action="store_true", dest="dry_run", help="only count")
    sp.formatter_class = argparse.RawDescriptionHelpFormatter
    sp.epilog = (
        "Each table's rows older than its retention setting (`opspor settings`) before --as-of\n"
        "(default today; a later date is refused) are deleted, then the database files are\n"
        "compacted so the bytes leave the disk. Runs as the app's database role on SQLite and\n"
        "PostgreSQL (docs/deploy.md, section 7).\n\n"
        "exit codes:\n"
        "  0  done: deleted, and the bytes are gone from the database files\n"
        "  1  unusable input (e.g. --as-of after today)\n"
        "  3  not allowed (the acting user is not an administrator)\n"
        f"  {PURGE_PENDING_EXIT}  deleted, but the bytes could not be reclaimed yet (the database was in\n"
        "     use); `reclaimed: false` and `pending` in the JSON; the next purge finishes it")

    sp = sub("settings", "workspace settings (retention periods in days; the municipality's closed days)")
    sp.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="e.g. retention_signals_days=183; overdue_minutes=30 (a pair not checked out this "
                         "long after its shift ends is overdue; 1–720); closed_days=24.12,31.12 (DD.MM every year, "
                         "DD.MM.YYYY one day; closed_days= clears them; administrator or team lead); "
                         "the letters' team_phone='70 20 30 40', team_hours='mandag-fredag kl. 9-15', "
                         "team_name=..., letter_template=@FILE (letter_template= restores the default; "
                         "team lead or planner)")

    sp = sub("users", "manage users (administrator)")
    us = sp.add_subparsers(dest="users_command", parser_class=Parser, required=True)
    u = add_command(us, "add", "add a user")
    u.add_argument("name")
    u.add_argument("--role", required=True)
    u.add_argument("--password", help="else prompted, or read from stdin")
    u.add_argument("--email", help="identity for single sign-on (OpenID Connect)")
    u = add_command(us, "list", "list users")
    u = add_command(us, "set-role", "change a user's role")
    u.add_argument("name")
    u.add_argument("role")
    u = add_command(us, "disable", "disable a user")
    u.add_argument("name")
    u = add_command(us, "passwd", "set a user's password (at least 12 characters, not a common one)")
    u.add_argument("name")
    u.add_argument("--password", help="else prompted, or read from stdin")
    u = add_command(us, "unlock", "lift a user's lockout after too many failed sign-ins")
    u.add_argument("name")
    for ext in _extensions():
        ext.add_commands(sub, subs)
    return p


def _extensions() -> list:
    """The concept modules of the CLI; each has ``add_commands(sub, subs)`` and ``COMMANDS``."""
    return [signals, priorities, routes, partners, rights, backup, method]


def _read_password(args) -> str:
    if args.password:
        return args.password
    return read_secret("password", repeat=True, hint="give --password or pipe one line")


def cmd_init(args) -> dict:
    from detection.register.workspace import WorkspaceSpec, build_workspace_data, parse_area_option

    repo = open_repo(args)
    spec = WorkspaceSpec(
        name=args.name, addresses=args.addresses, units=args.units, osm=args.osm, network=args.network,
        areas=tuple(parse_area_option(a) for a in args.areas), boundary=args.boundary,
        bbr_buildings=args.bbr_buildings, bbr_units=args.bbr_units,
        kommunekode=args.kommunekode.zfill(4) if args.kommunekode else None)
    if repo.has_workspace() and not args.force:
        raise WorkspaceError("this database already holds a workspace; use --force to replace it")
    was_demo = repo.has_workspace() and bool(repo.workspace_info()["synthetic"])
    data = build_workspace_data(spec)
    log.info("storing workspace %s (%d entrances) in one transaction …", data.name, len(data.entrances))
    batch = repo.replace_workspace(data, force=args.force)
    log.info("stored")
    out = repo.summary()
    out["batch_id"] = batch
    if was_demo:
        out["notice"] = ("the demo's users and published passwords were removed; set the "
                         "administrator's password with `opspor users passwd admin` before signing in")
        log.warning("opspor: %s", out["notice"])
    return out


def cmd_demo(args) -> dict:
    from detection.register.demo import DEMO_USERS, install_demo

    repo = open_repo(args)
    log.info("building the Samsø demo workspace …")
    install_demo(repo, as_of=args.as_of or clock.today(), n_signals=args.signals, seed=args.seed,
                 replace_real=args.replace_real_workspace)
    out = repo.summary()
    out["users"] = [name for name, _, _ in DEMO_USERS]
    return out


def cmd_summary(args) -> dict:
    return open_repo(args).summary()


def cmd_problems(args) -> dict:
    df = open_repo(args).register_problems()
    if args.reason:
        df = df[df["reason"] == args.reason]
    rows = df[["file", "row", "field", "value", "reason", "message", "kept"]].to_dict("records")
    return {"problems": len(rows), "rows": rows}


def cmd_users(args) -> dict:
    repo = open_repo(args)
    c = args.users_command
    if c == "add":
        repo.add_user(args.name, role=args.role, password=_read_password(args), email=args.email)
        return {"added": args.name, "role": args.role}
    if c == "list":
        return {"users": repo.list_users()}
    if c == "set-role":
        repo.set_role(args.name, args.role)
        return {"user": args.name, "role": args.role}
    if c == "passwd":
        repo.reset_password(args.name, _read_password(args))
        return {"password_set": args.name}
    if c == "unlock":
        repo.unlock_user(args.name)
        return {"unlocked": args.name}
    repo.disable_user(args.name)
    return {"disabled": args.name}


def _print_human(command: str, result: dict) -> None:
    if command in ("summary", "init", "demo"):
        areas = ", ".join(f"{k}: {v}" for k, v in result["areas"].items()) or "none"
        print(f"Workspace {result['name']} (kommune {result['kommunekode']})"
              + (" — demo, invented signals" if result.get("synthetic") else ""))
        print(f"  entrances {result['entrances']:,}  units {result['units']:,}  dwellings {result['dwellings']:,}")
        print(f"  areas: {areas}; grid: grid100, grid250, grid1km")
        print(f"  walking network: {result['network_nodes']:,} nodes, {result['network_edges']:,} edges")
        n = result["signals"]
        print(f"  signals {n:,}  partners {result['partners']:,}" if isinstance(n, int)
              else f"  signals {n} (rounded, as of {result.get('signals_as_of')})  partners {result['partners']:,}")
        if result.get("register_problems"):
            probs = ", ".join(f"{k} {v}" for k, v in result["register_problems"].items())
            print(f"  register rows reported: {probs} (see `opspor problems`)")
    else:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))


def cmd_audit(args) -> dict:
    from detection.tabular import write_csv

    repo = open_repo(args)
    if args.audit_command == "list":
        since = (datetime(args.since.year, args.since.month, args.since.day, tzinfo=clock.COPENHAGEN)
                 if args.since else None)
        df = repo.audit_list(since=since, user=args.by_user, action=args.action, limit=args.limit)
        rows = df.assign(at=df["at"].astype(str)).to_dict("records")
        return {"entries": len(rows), "rows": rows}
    df = repo.audit_export_entrance(args.entrance)
    df = df.assign(at=df["at"].astype(str))
    if args.out:
        write_csv(df, args.out)
        return {"entrance_id": args.entrance, "entries": len(df), "file": str(args.out)}
    return {"entrance_id": args.entrance, "entries": len(df), "rows": df.to_dict("records")}


#: `opspor purge` exit code: deleted, but the freed bytes are still on disk (retried next run).
PURGE_PENDING_EXIT = 4


def cmd_purge(args) -> dict:
    """``{"dry_run", "as_of", "deleted": {table: rows}, "cutoffs": {table: time}, "reclaimed",
    "pending": [table]}``; exit code 4 (after printing) when the bytes are not reclaimed yet."""
    res = open_repo(args).purge(as_of=args.as_of or clock.today(), dry_run=args.dry_run)
    out = {"dry_run": bool(args.dry_run), "as_of": res.as_of.isoformat(), "deleted": dict(res),
           "cutoffs": res.cutoffs, "reclaimed": res.reclaimed, "pending": res.pending}
    if args.dry_run or res.reclaimed:
        return out
    print(json.dumps(out, ensure_ascii=False, default=str) if args.json
          else json.dumps(out, ensure_ascii=False, indent=2, default=str))
    print(f"opspor purge: deleted {sum(res.values())} rows, but their bytes are still in the database "
          f"files ({res.reason}); pending: {', '.join(res.pending)}. The next purge finishes it "
          f"(exit code {PURGE_PENDING_EXIT}).", file=sys.stderr)
    raise SystemExit(PURGE_PENDING_EXIT)


def cmd_settings(args) -> dict:
    from detection.repository.base import CLOSED_DAYS_KEY
    from detection.routes.letters import LETTER_KEYS, TEMPLATE_KEY

    repo = open_repo(args)
    for item in args.set:
        key, _, value = item.partition("=")
        if key.strip() == CLOSED_DAYS_KEY:  # dates, not a number; the team lead may set them too
            repo.set_closed_days(value)
            continue
        if key.strip() in LETTER_KEYS:  # the letters' text settings (team lead or planner)
            repo.set_letter_setting(key.strip(), value)
            continue
        if key.strip() == TEMPLATE_KEY:  # letter_template=@FILE reads the text from a file; empty: default
            try:
                text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"--set {TEMPLATE_KEY}={value}: cannot read the file ({exc}); "
                                 "give a UTF-8 text file") from None
            repo.set_letter_template(text.replace("\\n", "\n"))
            continue
        if not value.strip().isdigit():
            raise InputError(f"--set {item!r}: expected KEY=VALUE (a whole number), "
                             "e.g. retention_signals_days=183 or partner_active_months=6 "
                             "(closed_days takes dates: closed_days=24.12,31.12)")
        repo.set_setting(key.strip(), int(value))
    return {"settings": {**repo.settings(), **repo.letter_settings()}}


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "summary": cmd_summary,
            "problems": cmd_problems, "users": cmd_users, "audit": cmd_audit,
            "purge": cmd_purge, "settings": cmd_settings}


def main(argv: list[str] | None = None) -> int:
    """Run one command; ``argv`` defaults to the program's arguments (then the process
    ends after it: see :func:`_before_exit`)."""
    try:
        return _main(argv)
    finally:
        if argv is None:
            _before_exit()


def _before_exit() -> None:
    """The ``opspor`` program is about to end: close the database connections (SQLite
    checkpoints and removes its WAL) and spare Python its last collection over every
    object the command loaded (0.15 s after a city's ranking; issue 18): the process frees
    it all at once. Only when :func:`main` runs as the program (``argv`` not given)."""
    engine = sys.modules.get("detection.store.engine")  # not loaded by --help or a usage error
    if engine is not None:
        engine.dispose_engines()
    gc.freeze()


def _main(argv: list[str] | None) -> int:
    os.umask(0o077)  # every file the CLI writes is 0600, every folder 0700 (docs/deploy.md)
    argv = list(sys.argv[1:] if argv is None else argv)
    want_json = "--json" in argv
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("pyogrio").setLevel(logging.WARNING)  # "Created N records" per GeoPackage layer
    try:
        args = build_parser().parse_args(argv)
        if not args.command:
            raise UsageError("opspor: a command is required (" + ", ".join(COMMANDS) + "); see --help")
        commands = dict(COMMANDS)
        for ext in _extensions():
            commands.update(ext.COMMANDS)
        result = commands[args.command](args)
    except (OpsporError, GeoInputError) as exc:
        code = getattr(exc, "code", "bad_input")
        exit_code = getattr(exc, "exit_code", 1)
        if want_json:
            print(json.dumps({"error": {"code": code, "message": str(exc)}}, ensure_ascii=False))
        else:
            print(f"opspor: {exc}", file=sys.stderr)
        return exit_code
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        _print_human(args.command, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

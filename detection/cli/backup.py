"""CLI commands for backup and restore of a SQLite workspace (administrator).

- ``opspor backup FILE [--passphrase-stdin]``: a consistent copy of the live database while
  the app runs (SQLite's online backup API), written ``0600``; with a passphrase (one line
  on stdin, a prompt on a terminal, or ``OPSPOR_BACKUP_PASSPHRASE`` for cron) encrypted
  with AES-256-GCM under a scrypt key (:mod:`detection.store.backup`).
- ``opspor restore FILE [--passphrase-stdin] [--yes]``: replaces the workspace with the
  backup after a confirmation (type the workspace's name on a terminal, or ``--yes``). The
  backup is checked (``PRAGMA integrity_check``), migrated to this Opspor's schema and
  purged of what is past its retention period as of today (``--as-of``) *before* it
  replaces the database, so a restore never brings back what was purged since, and a
  wrong passphrase, a damaged file or a user who may not restore leaves the database as
  it was.

Exit codes: 0 done, 1 unusable input (wrong passphrase, damaged backup, PostgreSQL URL),
2 usage (no confirmation), 3 not allowed. A PostgreSQL database is backed up with
``pg_dump`` and restored with ``pg_restore`` (docs/deploy.md, *Backup and restore*).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from detection import clock
from detection.access import CLI, allowed
from detection.cli.common import UsageError, open_repo, read_secret
from detection.errors import InputError, NotAllowed, WorkspaceError
from detection.passwords import check_password

if TYPE_CHECKING:
    from detection.repository import Repository

log = logging.getLogger("opspor")

PASSPHRASE_ENV = "OPSPOR_BACKUP_PASSPHRASE"


def add_commands(sub: Callable[[str, str], argparse.ArgumentParser], subs) -> None:  # noqa: ANN001
    """Add ``backup`` and ``restore`` (``sub(name, help)`` makes a subparser with the
    global options)."""
    sp = sub("backup", "copy the SQLite workspace into FILE while the app runs (administrator)")
    sp.add_argument("file", type=Path)
    sp.add_argument("--passphrase-stdin", action="store_true", dest="passphrase_stdin",
                    help=f"encrypt with a passphrase read from stdin (one line; prompted on a "
                         f"terminal); else {PASSPHRASE_ENV} if set, else not encrypted")

    sp = sub("restore", "replace the workspace with a backup, then migrate and apply the "
                        "retention purge (administrator; stop the app first)")
    sp.add_argument("file", type=Path)
    sp.add_argument("--passphrase-stdin", action="store_true", dest="passphrase_stdin",
                    help=f"the backup's passphrase from stdin (else {PASSPHRASE_ENV})")
    sp.add_argument("--yes", action="store_true",
                    help="replace the workspace without asking (scripts)")


def _require(repo: Repository, command: str) -> None:
    op = CLI[command]
    if not allowed(repo.actor.role, op):
        raise NotAllowed(f"user {repo.actor.name!r} (role {repo.actor.role}) may not {op}")


def _passphrase(args, *, new: bool) -> str | None:
    """The passphrase from stdin (``--passphrase-stdin``) or the environment; ``None`` if neither."""
    if args.passphrase_stdin:
        pw = read_secret("backup passphrase", repeat=new,
                         hint="pipe one line, or leave out --passphrase-stdin")
    else:
        pw = os.environ.get(PASSPHRASE_ENV) or None
    if pw and new:
        try:
            check_password(pw)
        except InputError as error:
            raise InputError(f"backup passphrase: {error}") from error
    return pw


def _workspace_name(repo: Repository) -> str | None:
    return repo.workspace_info()["name"] if repo.has_workspace() else None


def _open_current(args, command: str) -> Repository:
    """The live database opened for the acting user, checked for ``command``.

    ``backup`` copies the database as it is (no migration: a backup before an upgrade holds
    the old schema); ``restore`` may migrate it, it is replaced anyway.
    """
    from sqlalchemy import exc

    from detection.store.engine import first_line

    try:
        repo = open_repo(args, migrate=command == "restore")
    except exc.DatabaseError as error:
        raise WorkspaceError(
            f"cannot read the users of the database ({first_line(error)}); "
            + ("back it up with the Opspor version that made it" if command == "backup"
               else "move the damaged database away and restore again")) from error
    _require(repo, command)
    return repo


def cmd_backup(args) -> dict:
    from detection.store import backup as store_backup
    from detection.store.engine import resolve_db_url

    db = store_backup.sqlite_path(resolve_db_url(args.db))
    if not db.is_file():
        raise InputError(f"there is no database at {db}")
    repo = _open_current(args, "backup")
    passphrase = _passphrase(args, new=True)
    log.info("backing up %s into %s%s …", db, args.file, " (encrypted)" if passphrase else "")
    out = store_backup.backup_sqlite(db, args.file, passphrase=passphrase)
    log.info("%d bytes", out["bytes"])
    repo.log_backup("backup", f"{args.file} ({out['bytes']} bytes{', encrypted' if passphrase else ''})")
    return out


def _confirm(name: str, backup: Path, target: Path) -> None:
    sys.stderr.write(f"Restoring {backup} replaces the workspace {name!r} in {target}.\n"
                     "Type the workspace name to confirm: ")
    sys.stderr.flush()
    if sys.stdin.readline().strip() != name:
        raise InputError("that is not the workspace's name; nothing was restored")


def cmd_restore(args) -> dict:
    from detection.repository import Repository
    from detection.store import backup as store_backup
    from detection.store.engine import resolve_db_url

    target = store_backup.sqlite_path(resolve_db_url(args.db))
    if not (args.yes or sys.stdin.isatty()):
        raise UsageError("restore replaces the whole workspace: run it in a terminal to confirm "
                         "by typing the workspace's name, or give --yes")
    current = None
    if target.is_file() and target.stat().st_size > 0:
        current = _workspace_name(_open_current(args, "restore"))
    passphrase = _passphrase(args, new=False)
    as_of = args.as_of or clock.today()
    log.info("restoring %s into %s …", args.file, target)
    with store_backup.RestoreStage(args.file, target, passphrase=passphrase) as stage:
        # The staged copy is migrated and purged before it replaces anything.
        staged = Repository.open(stage.url, args.user or os.environ.get("OPSPOR_USER"))
        _require(staged, "restore")
        if not args.yes:
            _confirm(current or _workspace_name(staged) or target.name, args.file, target)
        purged = staged.purge(as_of=as_of)
        log.info("retention purge as of %s: %s", as_of, purged)
        staged.log_backup("restore", f"{args.file} (retention purge as of {as_of}: {sum(purged.values())} rows)")
        stage.commit()
    return {"restored": str(args.file), "database": str(target), "encrypted": stage.encrypted,
            "as_of": str(as_of), "tables": store_backup.table_counts(target), "purged": purged}


#: command name → handler(args) returning the JSON-able result
COMMANDS: dict[str, Callable] = {"backup": cmd_backup, "restore": cmd_restore}

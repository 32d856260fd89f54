"""What every part of the ``opspor`` command line shares: the parser that raises instead of
exiting, the global options, dates, and opening the repository for the acting user.

Nothing outside :mod:`detection.cli` imports this package; the CLI's concept modules
(:mod:`.signals`, :mod:`.priorities`, :mod:`.routes`, :mod:`.partners`) import only this
module from it, and :mod:`.main` imports them.

Building the parser loads no data library: :mod:`.main` and the concept modules import at
the top only what every command shares (this module, ``argparse``, errors, code lists), and
a command's handler imports the repository, pandas and the domain modules it needs, so
``opspor --help`` starts at once and a command loads only its own dependencies (issue 18).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from typing import TYPE_CHECKING

from detection.errors import InputError, OpsporError

if TYPE_CHECKING:
    from detection.repository import Repository


class UsageError(OpsporError):
    code = "usage"
    exit_code = 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageError(f"{self.prog}: {message}")


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (expected YYYY-MM-DD)") from exc


def add_globals(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    d = argparse.SUPPRESS if sub else None
    parser.add_argument("--db", default=d, help="database URL or SQLite path (else OPSPOR_DB, else the embedded default)")
    parser.add_argument("--user", default=d, help="acting user (else OPSPOR_USER, else admin)")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS if sub else False,
                        help="print one JSON object on stdout")
    parser.add_argument("--lang", choices=["da", "en"], default=d, help="language of messages")
    parser.add_argument("--as-of", type=parse_date, default=d, dest="as_of",
                        help="fix 'today' (YYYY-MM-DD, Europe/Copenhagen)")


def add_command(subs, name: str, help_: str) -> argparse.ArgumentParser:  # noqa: ANN001
    """A subcommand parser (of ``subs``, an argparse subparsers action) that also takes the
    global options after its name."""
    sp = subs.add_parser(name, help=help_, description=help_)
    add_globals(sp, sub=True)
    return sp


def open_repo(args, *, migrate: bool = True) -> Repository:
    """The repository of ``--db`` (else ``OPSPOR_DB``, else the embedded default) for the
    acting user (``--user``, else ``OPSPOR_USER``, else admin)."""
    from detection.repository import Repository
    from detection.store.engine import resolve_db_url

    url = resolve_db_url(args.db)
    return Repository.open(url, args.user or os.environ.get("OPSPOR_USER"), migrate=migrate)


def read_secret(what: str, *, repeat: bool, hint: str) -> str:
    """A password or passphrase: prompted (twice with ``repeat``) on a terminal, else one
    line from stdin; an empty one is an :class:`InputError` ending in ``hint``."""
    if sys.stdin.isatty():
        pw = getpass.getpass(f"{what.capitalize()}: ")
        if repeat and pw != getpass.getpass(f"Repeat {what}: "):
            raise InputError(f"the two {what}s differ")
    else:
        pw = sys.stdin.readline().rstrip("\r\n")
    if not pw:
        raise InputError(f"no {what} on stdin; {hint}")
    return pw

"""The CLI under the one access matrix: every command is in ``detection.access.CLI`` and,
run with ``--user`` of each role, succeeds exactly where the matrix allows (else exit 3)."""

from __future__ import annotations

import argparse
import json

import pytest

from detection.access import CLI, ROLES, allowed
from detection.cli.main import build_parser, main
from tests.detection.conftest import make_workspace, role_user


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    out: set[str] = set()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {prefix.strip()}
    for name, sp in subs[0].choices.items():
        out |= _commands(sp, f"{prefix} {name}")
    return out


def test_every_cli_command_is_in_the_matrix():
    assert _commands(build_parser()) == set(CLI), "add new commands to detection.access.CLI"


#: command → arguments that make it run (read-only or harmless where possible)
CALLS = {
    "summary": ["summary"],
    "problems": ["problems"],
    "users list": ["users", "list"],
    "users add": ["users", "add", "probe_user", "--role", "analyst", "--password", "probe user passphrase"],
    "users passwd": ["users", "passwd", "u_analyst", "--password", "a new long passphrase"],
    "users unlock": ["users", "unlock", "u_analyst"],
    "users set-role": ["users", "set-role", "u_field_worker2", "field_worker"],
    "audit list": ["audit", "list", "--limit", "5"],
    "purge": ["purge", "--dry-run", "--as-of", "2026-11-01"],
    "settings": ["settings"],
    "rejected": ["rejected", "list"],
    "priorities": ["priorities", "--areas", "grid250", "--as-of", "2026-11-01"],
    "focus-areas": ["focus-areas", "list"],
    "route-plans": ["route-plans"],
    "partners list": ["partners", "list"],
    "partners contacts": ["partners", "contacts"],
    "partners overdue": ["partners", "overdue", "--as-of", "2026-11-01"],
    "partners coverage": ["partners", "coverage", "--areas", "grid250", "--as-of", "2026-11-01"],
    "partners gaps": ["partners", "gaps", "--areas", "grid250", "--as-of", "2026-11-01"],
    "partners yield": ["partners", "yield", "--as-of", "2026-11-01"],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'w.sqlite'}"
    make_workspace(url)
    return url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", sorted(CALLS))
def test_cli__every_role_x_command(db, capsys, role, command):
    code = main(["--db", db, "--user", role_user(role), "--json", *CALLS[command]])
    out = json.loads(capsys.readouterr().out)
    if allowed(role, CLI[command]):
        assert code == 0, out
    else:
        assert code == 3 and out["error"]["code"] == "not_allowed", out

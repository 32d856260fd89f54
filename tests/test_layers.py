"""The layer rules of docs/architecture.md hold, and the check that guards them can fail.

`lint-imports` reads the contracts in pyproject.toml. The second test copies the packages
to a temporary folder, adds one import that breaks each kind of contract, and runs the
same check there: it must fail and name the contract and the import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_tree_keeps_every_layer_contract():
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "BROKEN" not in out.stdout and "Contracts: 4 kept, 0 broken" in out.stdout, out.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("ui/pages/map.py", "from detection.cli.common import open_repo", "never the CLI or the store"),
    ("ui/session.py", "from detection.store import engine", "never the CLI or the store"),
    ("geo/crs.py", "from detection import clock", "Layers"),
    ("detection/priorities/scoring.py", "from detection.repository import Repository", "Layers"),
    ("detection/routes/planner.py", "from detection.cli import main", "Nothing imports the CLI"),
    ("detection/privacy.py", "import streamlit", "Only the UI imports streamlit"),
])
def test_a_wrong_import_breaks_the_check(tmp_path, module, line, contract):
    for pkg in ("detection", "geo", "ui"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}  # deliberately wrong\n")
    out = _lint(tmp_path)
    assert out.returncode != 0, out.stdout
    broken = [ln for ln in out.stdout.splitlines() if ln.endswith("BROKEN")]
    assert len(broken) >= 1 and any(contract in ln for ln in broken), out.stdout
    assert module.removesuffix(".py").replace("/", ".") in out.stdout, out.stdout

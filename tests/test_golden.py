"""The committed generated/ tree is the golden record: regenerating gives the same bytes.

Refresh it with `make generate` (and review the diff) when a change is intended.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.cli import main
from generator.write import MARKER, read_tree

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"
BIN = Path(sys.executable).parent


def test_regenerating_equals_the_committed_tree(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert main(["generate", str(ROOT / "specs"), "-o", str(out), "-q"]) == 0
    fresh, committed = read_tree(out), read_tree(GENERATED)
    fresh.pop(MARKER, None), committed.pop(MARKER, None)
    stale = sorted(p for p in set(fresh) | set(committed) if fresh.get(p) != committed.get(p))
    assert not stale, f"generated/ is out of date in {stale[:10]}: run `make generate` and commit"


def test_generated_package_passes_mypy_strict_and_ruff() -> None:
    package = GENERATED / "stripe_client"
    mypy = subprocess.run(
        [BIN / "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", "stripe_client"],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = subprocess.run(
        [
            BIN / "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "E,F,I,UP,B",
            "--line-length",
            "100",
            ".",
        ],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_generated_package_imports_and_installs_as_a_project(tmp_path: Path) -> None:
    code = (
        "import stripe_client as s; print(s.Client, s.AsyncClient, s.ValidationError, s.APIError)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=GENERATED / "stripe_client",
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    pyproject = (GENERATED / "stripe_client" / "pyproject.toml").read_text()
    assert 'name = "stripe-client"' in pyproject and "httpx" in pyproject

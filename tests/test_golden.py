"""The committed generated/ tree is the golden record: regenerating gives the same bytes.

Refresh it with `make generate` (and review the diff) when a change is intended.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

from generator.cli import main
from generator.write import MARKER, read_tree
from tests.conftest import GENERATED, SPECS, StaticChecks


def test_regenerating_equals_the_committed_tree(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert main(["generate", str(SPECS), "-o", str(out), "-q"]) == 0
    fresh, committed = read_tree(out), read_tree(GENERATED)
    fresh.pop(MARKER, None), committed.pop(MARKER, None)
    stale = sorted(p for p in set(fresh) | set(committed) if fresh.get(p) != committed.get(p))
    diff = "".join(
        "".join(difflib.unified_diff(
            committed.get(p, b"").decode("utf-8", "replace").splitlines(keepends=True),
            fresh.get(p, b"").decode("utf-8", "replace").splitlines(keepends=True),
            f"generated/{p} (committed)", f"generated/{p} (regenerated)"))
        for p in stale[:5]
    )  # fmt: skip
    assert not stale, f"{diff}\ngenerated/ is out of date in {stale[:10]}: run `make generate` and commit"


def test_generated_package_is_checked(static_checks: StaticChecks) -> None:
    """mypy --strict and ruff (the package's own rule set) at the end of the session."""
    static_checks.add(GENERATED / "stripe_client", "stripe_client")


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


def test_the_committed_tree_is_what_black_writes() -> None:
    """The default formatter's promise, on the golden tree: black changes no generated module."""
    from generator.emit import format_files

    modules = {str(p): p.read_text(encoding="utf-8") for p in sorted(GENERATED.rglob("*.py"))}
    formatted = format_files(modules)
    assert [p for p in modules if formatted[p] != modules[p]] == []

"""Run ``doc2client`` as a user does: a subprocess, with its exit code, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def doc2client(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``python -m generator ARGS`` run in ``cwd`` (stdin closed, not a terminal)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd, env=environ, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=timeout, check=False,
    )  # fmt: skip

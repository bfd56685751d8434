"""``--formatter ruff``: ``ruff format`` with settings that give black's output.

The files are written to a temporary folder and formatted by one ``ruff format`` run
(ruff formats in parallel itself), with ``--isolated`` so no configuration around the
output changes the result: line length 100, Python 3.11, double quotes, magic trailing
commas respected, as black's ``black_mode()`` in ``format.py``.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from generator.emit.format import LINE_LENGTH, FormatError

RUFF_OPTIONS = (
    "--isolated",
    f"--line-length={LINE_LENGTH}",
    "--target-version=py311",
    "--config=format.quote-style='double'",
    "--config=format.skip-magic-trailing-comma=false",
    "--no-cache",
)


def ruff_binary() -> str:
    """The ruff executable installed with the ``ruff`` package (else ``ruff`` on PATH)."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]
    except ImportError:
        return "ruff"
    return str(find_ruff_bin())


def format_files_ruff(files: dict[str, str]) -> dict[str, str]:
    """``files`` with every ``.py`` text formatted by ruff; other files unchanged.

    Raises ``FormatError`` naming the first file (in path order) that ruff rejects.
    """
    paths = sorted(p for p in files if p.endswith(".py"))
    if not paths:
        return dict(files)
    with tempfile.TemporaryDirectory(prefix="doc2client-ruff-") as tmp:
        names = {path: Path(tmp, f"f{i}.py") for i, path in enumerate(paths)}
        for path, name in names.items():
            name.write_text(files[path], encoding="utf-8")
        proc = subprocess.run(
            [ruff_binary(), "format", *RUFF_OPTIONS, tmp],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            raise _error(proc.stderr, names)
        formatted = dict(files)
        for path, name in names.items():
            formatted[path] = name.read_text(encoding="utf-8")
    return formatted


def _error(stderr: str, names: dict[str, Path]) -> FormatError:
    """The first file ruff names in its error output, with ruff's message."""
    for path, name in names.items():
        for line in stderr.splitlines():
            if str(name) in line:
                return FormatError(path, line.replace(str(name), path).strip())
    first = stderr.strip().splitlines()[0] if stderr.strip() else "ruff failed"
    return FormatError(sorted(names)[0], first)

"""Format generated Python with black, spread over processes when there are many files.

The result depends only on the input text: black is deterministic, and files are handed
back in the order they came in whatever the worker count.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import black
from black.mode import TargetVersion

LINE_LENGTH = 100  # the generated project's pyproject.toml says the same
MODE = black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion.PY311})
PARALLEL_LINES = 4000  # below this many lines in all, one process is faster than a pool


class FormatError(Exception):
    """black could not parse a generated file: a template (or the model) produced bad code."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: generated code is not valid Python ({reason}); "
                         "this is a bug in a template")  # fmt: skip


def format_files(files: dict[str, str], *, workers: int | None = None) -> dict[str, str]:
    """``files`` with every ``.py`` text formatted by black; other files unchanged.

    ``workers`` caps the processes (default: the CPU count); 1 formats in this process.
    Raises ``FormatError`` naming the first file (in path order) that black rejects.
    """
    paths = sorted(p for p in files if p.endswith(".py"))
    total = sum(files[p].count("\n") for p in paths)
    count = min(workers or os.cpu_count() or 1, len(paths))
    if count <= 1 or total < PARALLEL_LINES:
        results = [format_one(p, files[p]) for p in paths]
    else:
        results = _in_pool(paths, files, count)
    formatted = dict(files)
    for path, text, error in results:
        if error is not None:
            raise FormatError(path, error)
        formatted[path] = text
    return formatted


def _in_pool(
    paths: Sequence[str], files: dict[str, str], count: int
) -> list[tuple[str, str, str | None]]:
    """Format in ``count`` processes, in chunks of about equal size; results in path order."""
    chunks = [list(paths[i::count]) for i in range(count)]
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(format_chunk, [(p, files[p]) for p in chunk]) for chunk in chunks]
        done = {path: (path, text, err) for f in futures for path, text, err in f.result()}
    return [done[p] for p in paths]


def format_chunk(items: Sequence[tuple[str, str]]) -> list[tuple[str, str, str | None]]:
    """Format several files (in a worker process)."""
    return [format_one(path, text) for path, text in items]


def format_one(path: str, text: str) -> tuple[str, str, str | None]:
    """(path, formatted text, None), or (path, text, the reason black gave) on failure."""
    try:
        return path, black.format_str(text, mode=MODE), None
    except black.parsing.InvalidInput as exc:
        return path, text, str(exc).splitlines()[0] if str(exc) else "cannot parse"
    except Exception as exc:  # black's own errors (unstable formatting and the like)
        return path, text, f"{type(exc).__name__}: {exc}"

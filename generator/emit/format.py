"""Format generated Python with black, spread over processes when there are many lines.

The result depends only on the input text: black is deterministic, and pieces are put
back in the order they came in whatever the worker count. black is imported on first use:
a run whose pieces are all kept or laid out (``emit/layout.py``) never loads it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING
from zlib import crc32

if TYPE_CHECKING:
    import black

LINE_LENGTH = 100  # the generated project's pyproject.toml says the same
PARALLEL_LINES = 4000  # below this many lines in all, one process is faster than a pool
PIECE_LINES = 1500  # a module longer than this is formatted in pieces of about this size
_TOP_LEVEL = re.compile(r"\n\n\n+(?=(?:async def|def|class) )")

Job = tuple[str, int, str]  # path, piece number, text
Result = tuple[str, int, str, str | None]  # path, piece number, formatted text, error


class FormatError(Exception):
    """black could not parse a generated file: a template (or the model) produced bad code."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: generated code is not valid Python ({reason}); this is a bug in a template"
        )


def format_files(files: dict[str, str], *, workers: int | None = None) -> dict[str, str]:
    """``files`` with every ``.py`` text formatted by black; other files unchanged.

    ``workers`` caps the processes (default: the CPU count); 1 formats in this process.
    A big module is formatted in pieces (``split_module``), so one file does not keep one
    process busy while the others idle. Raises ``FormatError`` naming the first file (in
    path order) that black rejects.
    """
    paths = sorted(p for p in files if p.endswith(".py"))
    jobs = [(p, i, piece) for p in paths for i, piece in enumerate(split_module(files[p]))]
    total = sum(files[p].count("\n") for p in paths)
    count = min(workers or os.cpu_count() or 1, len(jobs))
    results = format_chunk(jobs) if count <= 1 or total < PARALLEL_LINES else _in_pool(jobs, count)
    by_path: dict[str, list[Result]] = {}
    for result in results:
        by_path.setdefault(result[0], []).append(result)
    formatted = dict(files)
    for path in paths:
        formatted[path] = _assemble(path, files[path], by_path[path])
    return formatted


def _assemble(path: str, original: str, parts: list[Result]) -> str:
    """The formatted module from its formatted pieces; ``FormatError`` if black failed."""
    error = next((r[3] for r in parts if r[3] is not None), None)
    if error is not None and len(parts) > 1:  # a cut in an odd place: try the whole file
        parts = format_chunk([(path, 0, original)])
        error = parts[0][3]
    if error is not None:
        raise FormatError(path, error)
    return join_pieces([r[2] for r in sorted(parts, key=lambda r: r[1])])


def _in_pool(jobs: Sequence[Job], count: int) -> list[Result]:
    """Format in ``count`` processes, biggest jobs spread first; results in job order."""
    ordered = sorted(range(len(jobs)), key=lambda i: (-len(jobs[i][2]), i))
    chunks = [[jobs[i] for i in ordered[k::count]] for k in range(count)]
    from generator.processes import worker_pool

    with worker_pool(count) as pool:
        futures = [pool.submit(format_chunk, chunk) for chunk in chunks]
        done = {(r[0], r[1]): r for f in futures for r in f.result()}
    return [done[(path, i)] for path, i, _ in jobs]


def split_module(text: str, lines: int | None = None, *, by_content: bool = False) -> list[str]:
    """``text`` cut before top-level ``def``/``class`` statements that follow two blank lines.

    A piece ends at the first such cut after ``lines`` lines (default ``PIECE_LINES``);
    ``by_content`` also cuts where the text since the previous candidate has a CRC divisible
    by 4, so which cuts are used depends only on the text just before each: editing one
    function changes one piece and leaves the others (and their cache entries) alone.

    black formats such a statement alone as it does within its module, and puts exactly two
    blank lines before it, so ``join_pieces`` of the formatted pieces is the formatted module.
    """
    limit = PIECE_LINES if lines is None else lines
    pieces: list[str] = []
    start = last = 0
    for match in _TOP_LEVEL.finditer(text):
        chosen = by_content and crc32(text[last : match.start()].encode()) % 4 == 0
        last = match.end()
        if chosen or text.count("\n", start, match.start()) >= limit:
            pieces.append(text[start : match.start()] + "\n")
            start = match.end()
    return [*pieces, text[start:]]


def join_pieces(pieces: Sequence[str]) -> str:
    """Formatted pieces of one module joined back, two blank lines between them."""
    if len(pieces) == 1:
        return pieces[0]
    return "\n\n\n".join(p.rstrip("\n") for p in pieces) + "\n"


def format_chunk(jobs: Sequence[Job]) -> list[Result]:
    """Format several files or pieces (in a worker process)."""
    return [(path, i, *format_one(path, text)) for path, i, text in jobs]


@cache
def black_mode() -> black.Mode:
    """black's mode for generated code: its line length, Python 3.11."""
    import black
    from black.mode import TargetVersion

    return black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion.PY311})


def format_one(path: str, text: str) -> tuple[str, str | None]:
    """(formatted text, None), or (text, the reason black gave) when black fails on it."""
    import black

    try:
        return black.format_str(text, mode=black_mode()), None
    except black.parsing.InvalidInput as exc:
        return text, str(exc).splitlines()[0] if str(exc) else "cannot parse"
    except Exception as exc:  # black's own errors (unstable formatting and the like)
        return text, f"{type(exc).__name__}: {exc}"

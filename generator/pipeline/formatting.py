"""Formatting: every ``.py`` file through the chosen formatter, kept piece by piece.

A module is cut into pieces (``split_pieces``) and each piece is kept in the memo under its
text and the formatter's name and version, so editing one function formats one piece again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.cache import formatter_id
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.progress import Progress

_TOP_LEVEL = re.compile(r"\n\n\n+(?=(?:async def|def|class) )")  # as format.split_module
GROUP_LINES = 400  # a kept piece ends at a content-chosen cut, or after about this many lines


def split_pieces(text: str) -> list[str]:
    """``text`` cut before top-level ``def``/``class`` statements that follow two blank lines.

    Which cuts are used depends only on the text just before each (its CRC), so editing
    one function changes one piece and leaves the others, and their cache entries, alone.
    black formats each piece as within the module (see ``format.split_module``).
    """
    from zlib import crc32

    pieces: list[str] = []
    start = last = 0
    for match in _TOP_LEVEL.finditer(text):
        fine = text[last : match.start()]
        last = match.end()
        if crc32(fine.encode()) % 4 == 0 or text.count("\n", start, match.start()) >= GROUP_LINES:
            pieces.append(text[start : match.start()] + "\n")
            start = match.end()
    return [*pieces, text[start:]]


def format_kept(
    files: dict[str, str], reporter: Reporter, memo: Memo, progress: Progress,
    *, formatter: str = "black",
) -> dict[str, str]:  # fmt: skip
    """``files`` with every ``.py`` formatted; only pieces the memo does not hold are formatted."""
    memo = memo.salted(formatter_id(formatter))
    out = dict(files)
    plans: dict[str, list[str]] = {}  # path → its pieces
    known: dict[str, str] = {}  # piece → formatted text
    todo: dict[str, str] = {}  # piece → the path it is from
    for path in sorted(p for p in files if p.endswith(".py")):
        whole = memo.get("format", [files[path]])
        if whole is not None:
            out[path] = whole[0]
            continue
        plans[path] = split_pieces(files[path])
        for piece in plans[path]:
            hit = memo.get("format", [piece]) if piece not in todo else None
            if hit is not None:
                known[piece] = hit[0]
            else:
                todo.setdefault(piece, path)
    progress.stage(f"formatting {len(todo)} pieces")
    known.update(_format_pieces(todo, reporter, memo, formatter))
    for path, pieces in plans.items():
        if all(p in known for p in pieces):
            out[path] = _join([known[p] for p in pieces])
            memo.put("format", [files[path]], out[path])
    return out


def _format_pieces(
    todo: dict[str, str], reporter: Reporter, memo: Memo, formatter: str
) -> dict[str, str]:
    """Format the pieces (in parallel), keep each; a piece the formatter rejects is reported."""
    if not todo:
        return {}
    from generator.emit.format import FormatError, format_files
    from generator.emit.format_ruff import format_files_ruff

    run = format_files_ruff if formatter == "ruff" else format_files
    names = {f"piece{i}.py": piece for i, piece in enumerate(todo)}
    try:
        done = run(dict(names))
    except FormatError as exc:
        path = todo[names[exc.path]] if exc.path in names else exc.path
        reporter.error(path, 0, f"generated code is not valid Python ({exc.reason}); "
                       "this is a bug in a template", code="format")  # fmt: skip
        return {}
    result = {names[name]: text for name, text in done.items()}
    for piece, text in result.items():
        memo.put("format", [piece], text)
    return result


def _join(pieces: Sequence[str]) -> str:
    """Formatted pieces of one module joined back, two blank lines between them."""
    if len(pieces) == 1:
        return pieces[0]
    return "\n\n\n".join(p.rstrip("\n") for p in pieces) + "\n"

"""Formatting: every ``.py`` file through the chosen formatter, kept piece by piece.

A module is cut into pieces (``split_pieces``) and each piece is kept in the memo under its
text and the formatter's name and version, so editing one function formats one piece again.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import formatter_id
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.model.shapes import Api

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
    *, formatter: str = "black", forced: Collection[str] = frozenset(),
) -> dict[str, str]:  # fmt: skip
    """``files`` with every ``.py`` formatted; only pieces the memo does not hold are formatted.

    With black as the formatter, a piece of a module doc2client's emitters wrote (black's
    style but for line length) is laid out by ``emit/layout.py`` (black's line splitting);
    black formats the pieces outside its subset, the runtime modules and the ``forced``
    paths (what user templates wrote, see ``user_written``).
    """
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
    if formatter == "black":
        emitted = {p: path for p, path in todo.items() if path not in forced and _emitted(path)}
        known.update(_layout_pieces(emitted))
        todo = {piece: path for piece, path in todo.items() if piece not in known}
    progress.stage(f"formatting {len(todo)} pieces")
    known.update(_format_pieces(todo, reporter, memo, formatter))
    for path, pieces in plans.items():
        if all(p in known for p in pieces):
            out[path] = _join([known[p] for p in pieces])
            memo.put("format", [files[path]], out[path])
    return out


def user_written(api: Api, templates: Sequence[Path], files: Mapping[str, str]) -> set[str]:
    """The paths of ``files`` that user templates may have written.

    Every file when a user folder holds a template other than an ``api/`` or ``operation/``
    overlay (it may replace a built-in template or partial); else the overlays' outputs.
    """
    from generator.emit.overlays import is_overlay, output_path

    names = sorted(
        p.relative_to(folder).as_posix()
        for folder in templates if folder.is_dir()
        for p in folder.rglob("*.jinja")
    )  # fmt: skip
    if any(not is_overlay(name) and not _partial(name) for name in names):
        return set(files)
    paths: set[str] = set()
    for name in filter(is_overlay, names):
        kind, _, rest = name.partition("/")
        ids = [op.operation_id for op in api.operations] if kind == "operation" else [""]
        paths.update(f"{api.package}/{output_path(rest, api.package, i)}" for i in ids)
    return paths


def _partial(name: str) -> bool:
    """An overlay partial (``api/**/_x.jinja``): rendered only inside overlays."""
    kind = name.partition("/")[0]
    return kind in ("api", "operation") and name.rpartition("/")[2].startswith("_")


def _emitted(path: str) -> bool:
    """Written by doc2client's emitters, not copied from a hand-written ``runtime/`` template.

    The runtime modules are hand-written code (wrapped by hand, in any style), so black
    formats them; everything else is written in black's style but for line length.
    """
    from generator.emit.environment import builtin_templates

    name = path.rpartition("/")[2]
    return not (builtin_templates() / "runtime" / f"{name}.jinja").is_file()


def _layout_pieces(todo: dict[str, str]) -> dict[str, str]:
    """Pieces split as black splits lines, where ``layout_module`` knows every long line."""
    from generator.emit.layout import Unsupported, layout_module

    done: dict[str, str] = {}
    for piece in todo:
        try:
            done[piece] = layout_module(piece)
        except Unsupported:
            continue
    return done


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

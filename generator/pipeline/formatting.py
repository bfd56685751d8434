"""Formatting: every ``.py`` file through the chosen formatter, kept piece by piece.

A module is cut into pieces (``split_pieces``) and each piece is kept in the memo under its
text and the formatter's name and version, so editing one function formats one piece again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import formatter_id
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.pipeline.workers import Laid, Layout, Unit, lay_out_many
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.model.shapes import Api

GROUP_LINES = 400  # a kept piece ends at a content-chosen cut, or after about this many lines


def split_pieces(text: str) -> list[str]:
    """``text`` in the pieces that are formatted and kept one by one (content-chosen cuts)."""
    from generator.emit.format import split_module

    return split_module(text, GROUP_LINES, by_content=True)


@dataclass(frozen=True, slots=True)
class Started:
    """Modules whose layout began as soon as they were rendered (``start_layout``)."""

    texts: Mapping[str, str]  # path → the text being laid out
    layout: Layout

    def close(self) -> None:
        self.layout.close()


def start_layout(files: Mapping[str, str], memo: Memo, forced: Collection[str]) -> Started:
    """The layout of ``files``' ``.py`` modules (but ``forced``) begun in forked workers, so
    that it runs while the rest of the API renders; ``format_kept`` takes the result."""
    memo = memo.salted(formatter_id("black"))
    units: list[Unit] = []
    weights: list[int] = []
    for path in sorted(p for p in files if p.endswith(".py") and p not in forced):
        if memo.get("format", [files[path]]) is not None:
            continue
        pieces = split_pieces(files[path])
        done = _kept(pieces, memo, {}, {})
        missing = [i for i, piece in enumerate(pieces) if piece not in done]
        if missing:
            units.append((path, missing))
            weights.append(sum(len(pieces[i]) for i in missing))
    return Started({path: files[path] for path, _ in units}, Layout(files, units, weights))


def format_kept(
    files: dict[str, str], reporter: Reporter, memo: Memo, progress: Progress,
    *, formatter: str = "black", forced: Collection[str] = frozenset(),
    started: Sequence[Started] = (),
) -> dict[str, str]:  # fmt: skip
    """``files`` with every ``.py`` formatted; only pieces the memo does not hold are formatted.

    With black as the formatter, a piece of a module doc2client's templates wrote (black's
    style but for line length: the runtime modules are kept in black's style, the emitters
    write it) is laid out by ``emit/layout.py`` (black's line splitting); black formats the
    pieces outside its subset and the ``forced`` paths (what user templates wrote, see
    ``user_written``). ``started``: layouts begun earlier (``start_layout``), collected here.
    """
    from generator.emit.format import join_pieces

    memo = memo.salted(formatter_id(formatter))
    out = dict(files)
    plans: dict[str, list[str]] = {}  # path → its pieces, where some go to the formatter
    known: dict[str, str] = {}  # piece → formatted text, of those paths
    todo: dict[str, str] = {}  # piece → the path it is from

    def settle(path: str, pieces: list[str], done: dict[str, str]) -> None:
        if len(done) == len(set(pieces)):  # a module laid out whole: joined at once, so
            out[path] = join_pieces([done[p] for p in pieces])  # its pieces are not held
            memo.put("format", [files[path]], out[path])
            return
        plans[path] = pieces
        known.update(done)
        todo.update((piece, path) for piece in pieces if piece not in done and piece not in todo)

    waiting: list[tuple[str, dict[str, str], list[int]]] = []  # (path, pieces known, to lay)
    weights: list[int] = []  # the characters to lay out, of each waiting path
    for path in sorted(p for p in files if p.endswith(".py")):
        whole = memo.get("format", [files[path]])
        if whole is not None:
            out[path] = whole[0]
            continue
        pieces = split_pieces(files[path])
        done = _kept(pieces, memo, known, todo)
        missing = [i for i, piece in enumerate(pieces) if piece not in done and piece not in todo]
        if formatter == "black" and path not in forced and missing:
            waiting.append((path, done, missing))
            weights.append(sum(len(pieces[i]) for i in missing))
        else:
            settle(path, pieces, done)
    progress.stage("laying out", sum(len(m) for _, _, m in waiting))
    laid = _laid(files, [(path, missing) for path, _, missing in waiting], weights, started,
                 progress)  # fmt: skip
    for path, done, _ in waiting:
        pieces = split_pieces(files[path])
        done.update((pieces[i], text) for i, text in laid.pop(path).items())
        settle(path, pieces, done)
    progress.stage("formatting pieces", len(todo))
    for batch in _batches(list(todo)):
        done = _format_pieces({piece: todo[piece] for piece in batch}, reporter, memo, formatter)
        known.update(done)
        progress.advance(len(batch))
    for path, pieces in plans.items():
        if all(p in known for p in pieces):
            out[path] = join_pieces([known[p] for p in pieces])
            memo.put("format", [files[path]], out[path])
    return out


def _laid(
    files: Mapping[str, str], units: Sequence[Unit], weights: Sequence[int],
    started: Sequence[Started], progress: Progress,
) -> Laid:  # fmt: skip
    """The pieces of ``units`` laid out: those of modules ``started`` with the same text
    collected from there, the others laid out now."""
    ahead: Laid = {}
    for begun in started:
        ahead.update((path, pieces) for path, pieces in begun.layout.result(progress).items()
                     if begun.texts[path] == files.get(path))  # fmt: skip
    rest = [k for k, (path, _) in enumerate(units) if path not in ahead]
    laid = lay_out_many(files, [units[k] for k in rest], [weights[k] for k in rest], progress)
    for path, _ in units:
        laid.setdefault(path, ahead.get(path, {}))
    return laid


def _kept(
    pieces: list[str], memo: Memo, known: Mapping[str, str], todo: Mapping[str, str]
) -> dict[str, str]:
    """The formatted text of each of ``pieces`` already known or kept in the memo."""
    done: dict[str, str] = {}
    for piece in pieces:
        if piece in done or piece in todo:
            continue
        if piece in known:
            done[piece] = known[piece]
            continue
        hit = memo.get("format", [piece])
        if hit is not None:
            done[piece] = hit[0]
    return done


BATCHES = 12  # the formatter is run this many times, so progress can count pieces done


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


def _batches(pieces: list[str]) -> list[list[str]]:
    """``pieces`` in about ``BATCHES`` runs of the formatter (each run is parallel itself;
    a run of fewer than 16 pieces would cost more to start than it saves)."""
    size = max(16, -(-len(pieces) // BATCHES))
    return [pieces[i : i + size] for i in range(0, len(pieces), size)]


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

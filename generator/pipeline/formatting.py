"""Formatting: every ``.py`` file through the chosen formatter, kept piece by piece.

A module is cut into pieces (``split_pieces``) and each piece is kept in the memo under its
text and the formatter's name and version, so editing one function formats one piece again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import formatter_id
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.pipeline.workers import Layout, Unit
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

    texts: dict[str, str]  # path → the text being laid out (the layout reads this dict)
    layout: Layout

    def close(self) -> None:
        self.layout.close()
        self.texts.clear()


def start_layout(files: Mapping[str, str], memo: Memo, forced: Collection[str]) -> Started:
    """The layout of ``files``' ``.py`` modules (but ``forced``) begun in forked workers, so
    that it runs while the rest of the API renders; ``format_to`` takes the result."""
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
    texts = {path: files[path] for path, _ in units}
    return Started(texts, Layout(texts, units, weights))


Sink = Callable[[str, str], None]  # takes a finished file: its path and text
Waiting = tuple[dict[str, str], list[int], int]  # a module's pieces known, to lay out, weight


def format_kept(
    files: Mapping[str, str], reporter: Reporter, memo: Memo, progress: Progress,
    *, formatter: str = "black", forced: Collection[str] = frozenset(),
    started: Sequence[Started] = (),
) -> dict[str, str]:  # fmt: skip
    """``files`` with every ``.py`` formatted (``format_to``, collected; ``files`` is left
    as it was)."""
    out: dict[str, str] = {}
    format_to(out.__setitem__, dict(files), reporter, memo, progress, formatter=formatter,
              forced=forced, started=started)  # fmt: skip
    return {path: out[path] for path in files}


def format_to(
    sink: Sink, files: dict[str, str], reporter: Reporter, memo: Memo, progress: Progress,
    *, formatter: str = "black", forced: Collection[str] = frozenset(),
    started: Sequence[Started] = (),
) -> None:  # fmt: skip
    """Give ``sink`` each of ``files`` once it is final, every ``.py`` formatted, taking it
    out of ``files`` (and out of ``started``) at once, so that no module is held both as
    written and formatted; only pieces the memo does not hold are formatted.

    With black as the formatter, a piece of a module doc2client's templates wrote (black's
    style but for line length: the runtime modules are kept in black's style, the emitters
    write it) is laid out by ``emit/layout.py`` (black's line splitting), each module given
    to ``sink`` as its layout comes back; black formats the pieces outside its subset and
    the ``forced`` paths (what user templates wrote, see ``user_written``). ``started``:
    layouts begun earlier (``start_layout``), collected here. A module whose piece the
    formatter rejects (reported) is given as it was written.
    """
    run = _Formatting(sink, files, memo.salted(formatter_id(formatter)), started)
    waiting: dict[str, Waiting] = {}
    for path in sorted(files):
        if not path.endswith(".py"):
            run.give(path, files[path])
            continue
        whole = run.memo.get("format", [files[path]])
        if whole is not None:
            run.give(path, whole[0])
            continue
        pieces = split_pieces(files[path])
        done = _kept(pieces, run.memo, run.known, run.todo)
        missing = [i for i, p in enumerate(pieces) if p not in done and p not in run.todo]
        if formatter == "black" and path not in forced and missing:
            waiting[path] = (done, missing, sum(len(pieces[i]) for i in missing))
        else:
            run.settle(path, pieces, done)
    progress.stage("laying out", sum(len(m) for _, m, _ in waiting.values()))
    for path, laid in _laid(files, waiting, started, progress):
        pieces = split_pieces(files[path])
        done = waiting.pop(path)[0]
        for i, text in laid.items():  # kept one by one: an edit lays out only its pieces
            done[pieces[i]] = text
            run.memo.put("format", [pieces[i]], text)
        run.settle(path, pieces, done)
    progress.stage("formatting pieces", len(run.todo))
    for batch in _batches(list(run.todo)):
        run.known.update(_format_pieces({p: run.todo[p] for p in batch}, reporter, run.memo,
                                        formatter))  # fmt: skip
        progress.advance(len(batch))
    run.finish()


class _Formatting:
    """``format_to``'s state: the modules that wait for pieces from the formatter."""

    def __init__(self, sink: Sink, files: dict[str, str], memo: Memo, started: Sequence[Started]):
        self.sink, self.files, self.memo, self.started = sink, files, memo, started
        self.plans: dict[str, list[str]] = {}  # path → its pieces, where some go to the formatter
        self.known: dict[str, str] = {}  # piece → formatted text, of those paths
        self.todo: dict[str, str] = {}  # piece → the path it is from

    def give(self, path: str, text: str) -> None:
        """``path`` is final: to the sink, and its written text let go everywhere."""
        self.sink(path, text)
        del self.files[path]
        for begun in self.started:
            begun.texts.pop(path, None)

    def settle(self, path: str, pieces: list[str], done: dict[str, str]) -> None:
        """A module whose pieces are all known is joined and given at once (its pieces are
        not held); else it waits for the formatter."""
        if len(done) == len(set(pieces)):
            self.join(path, pieces, done)
            return
        self.plans[path] = pieces
        self.known.update(done)
        self.todo.update((p, path) for p in pieces if p not in done and p not in self.todo)

    def join(self, path: str, pieces: list[str], formatted: Mapping[str, str]) -> None:
        """``path``'s formatted ``pieces`` joined, kept whole in the memo, and given."""
        from generator.emit.format import join_pieces

        text = join_pieces([formatted[p] for p in pieces])
        self.memo.put("format", [self.files[path]], text)
        self.give(path, text)

    def finish(self) -> None:
        """The modules that waited for the formatter given (as written where it failed)."""
        for path, pieces in self.plans.items():
            if all(p in self.known for p in pieces):
                self.join(path, pieces, self.known)
            else:
                self.give(path, self.files[path])


def _laid(
    files: Mapping[str, str], waiting: Mapping[str, Waiting],
    started: Sequence[Started], progress: Progress,
) -> Iterator[tuple[str, dict[int, str]]]:  # fmt: skip
    """Each waiting module and its pieces laid out, as they come: those of modules
    ``started`` with the same text from there, then the others laid out now."""
    left = dict(waiting)
    for begun in started:
        for part in begun.layout.results(progress):
            for path, pieces in part.items():
                if path in left and begun.texts.get(path) == files.get(path):
                    del left[path]
                    yield path, pieces
        begun.close()
    units = [(path, missing) for path, (_, missing, _) in left.items()]
    weights = [weight for _, _, weight in left.values()]
    for part in Layout(files, units, weights).results(progress):
        yield from part.items()


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

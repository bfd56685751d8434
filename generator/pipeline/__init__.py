"""The pipeline: find the APIs in a specs path, scrape, normalise, render, format.

``build`` is the whole run minus writing: it returns the output tree as bytes, keyed by
POSIX paths relative to the output folder, and reports every problem to the reporter. One
bad page costs its operation, never the run.

The modules, by job: ``sources`` (what the specs path holds, which pages are selected),
``loading`` (pages scraped and normalised, kept in the memo), ``workers`` (scraping in
forked processes), ``rendering`` (``render_api`` with the memo active), ``formatting`` (the
formatter over pieces of modules, kept), ``replay`` (an unchanged run answered from its
manifest), ``tree`` (the output held compressed when large). The stages themselves are plain
functions of their inputs; with a ``Cache`` (``generator/cache.py``) the one ``Memo``
(``generator/memo.py``) around them keeps what did not change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import Cache, code_fingerprint
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.options import Options, RunStats
from generator.pipeline.formatting import (
    Started,
    format_kept,
    format_to,
    split_pieces,
    start_layout,
    user_written,
)
from generator.pipeline.loading import load, load_api, load_apis
from generator.pipeline.rendering import render, render_kept
from generator.pipeline.replay import pack_name, record, replay, run_key
from generator.pipeline.sources import ApiSource, display_path, find_sources
from generator.pipeline.tree import OutputTree
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.model.shapes import Api
    from generator.spool import Spool

__all__ = [
    "ApiSource",
    "build",
    "display_path",
    "find_sources",
    "format_kept",
    "format_to",
    "load_api",
    "load_apis",
    "render",
    "split_pieces",
]


def build(
    jobs: Sequence[tuple[Path, Options]], reporter: Reporter, stats: RunStats | None = None,
    *, cache: Cache | None = None, progress: Progress | None = None, spool: Spool | None = None,
) -> Mapping[str, bytes]:  # fmt: skip
    """The whole output tree for every (specs path, options) job, without writing it.

    With an enabled ``cache``, unchanged work is reused (the output is the same either way);
    a replayed run's tree knows its files' digests before their contents are read
    (``replay.StoredTree``). ``spool``: given each file as it is made (``generator.spool``).
    """
    cache = cache if cache is not None else Cache(None)
    progress = progress if progress is not None else Progress(enabled=False)
    stats = stats if stats is not None else RunStats()
    if not cache.enabled:
        return _build(jobs, reporter, stats, Memo(None), progress, tree=_tree(spool))
    key = run_key(jobs)

    def cached_build(reporter: Reporter, stats: RunStats) -> Mapping[str, bytes]:
        start, apis, inputs = len(reporter.items), len(stats.apis), len(stats.inputs)
        def again() -> Mapping[str, bytes]:  # when the cache lost a file the tree left there
            return _build(jobs, Reporter(), RunStats(), Memo(None), Progress(enabled=False))

        with cache.packed(pack_name(jobs)):  # the small entries: one file, not thousands
            files = _build(jobs, reporter, stats, Memo(cache, code_fingerprint()), progress,
                           tree=_tree(spool, cache, again))  # fmt: skip
        record(cache, key, files, reporter.items[start:], stats.apis[apis:],
               inputs=stats.inputs[inputs:])  # fmt: skip
        return files

    replayed = replay(cache, key, reporter, stats, lambda: cached_build(Reporter(), RunStats()))
    return replayed if replayed is not None else cached_build(reporter, stats)


def conventions_summary(api: Api) -> str:
    """The run summary's line on ``api``'s conventions (``generator.model.conventions``)."""
    from generator.model.conventions import summary

    return summary(api)


def responses_summary(api: Api, document: Path | None) -> str:
    """The run summary's note on a ``responses`` document: how many operations it typed, and
    the ones left untyped (their responses have no schema), by operation id."""
    if document is None:
        return ""
    untyped = [op.operation_id for op in api.operations
               if all(r.shape is None for r in op.responses)]  # fmt: skip
    shown = ", ".join(untyped[:10]) + (f" and {len(untyped) - 10} more" if len(untyped) > 10
                                       else "")  # fmt: skip
    typed = len(api.operations) - len(untyped)
    return (f"; responses from {display_path(document)}: {typed} of {len(api.operations)} "
            "operations typed" + (f" (untyped: {shown})" if untyped else ""))


def _build(
    jobs: Sequence[tuple[Path, Options]], reporter: Reporter, stats: RunStats, memo: Memo,
    progress: Progress, *, tree: OutputTree | None = None,
) -> OutputTree:  # fmt: skip
    """The output of ``jobs`` into ``tree`` (a new one by default), each file added once made
    (the docs as they render, each module once formatted; compressed when large)."""
    tree = tree if tree is not None else OutputTree()
    by_formatter: dict[str, dict[str, str]] = {}  # the .py files, by formatter
    forced: set[str] = set()  # files black formats whatever their text
    started: list[Started] = []  # layouts begun while the docs render
    try:
        for spec, options in jobs:
            found = find_sources(
                spec, reporter, name=options.name, root=options.root, label=options.label
            )
            for source in found:
                rendered = _rendered(source, options, reporter=reporter, stats=stats,
                                     memo=memo, progress=progress, tree=tree,
                                     started=started)  # fmt: skip
                if rendered is None:
                    continue
                api, files = rendered
                forced |= user_written(api, options.templates, files)
                tree.expect(sum(len(text) for text in files.values()))
                python = by_formatter.setdefault(options.formatter, {})
                for rel in sorted(files):
                    text = files.pop(rel)
                    if rel.endswith(".py"):
                        python[rel] = text
                    else:
                        tree.add(rel, text)
                del files
        for formatter in sorted(by_formatter):  # each module into the tree once formatted
            format_to(tree.add, by_formatter.pop(formatter), reporter, memo, progress,
                      formatter=formatter, forced=forced, started=started)  # fmt: skip
    finally:
        _release(started)
    return tree


def _tree(
    spool: Spool | None, store: Cache | None = None,
    rebuild: Callable[[], Mapping[str, bytes]] | None = None,
) -> OutputTree:  # fmt: skip
    """An output tree (``OutputTree(store, rebuild)``) that gives ``spool`` each file added."""
    return OutputTree(store, rebuild) if spool is None else _Spooled(spool, store, rebuild)


class _Spooled(OutputTree):
    """An output tree that also gives each file added to a ``Spool``."""

    def __init__(
        self, spool: Spool, store: Cache | None, rebuild: Callable[[], Mapping[str, bytes]] | None
    ) -> None:
        super().__init__(store, rebuild)
        self._spool = spool

    def add(self, rel: str, text: str) -> None:
        super().add(rel, text)
        self._spool.put(rel, text)


def _release(started: list[Started]) -> None:
    """End the layouts begun early (those ``format_to`` did not collect: after an error)."""
    for begun in started:
        begun.close()
    started.clear()


def _rendered(
    source: ApiSource, options: Options, *, reporter: Reporter, stats: RunStats, memo: Memo,
    progress: Progress, tree: OutputTree, started: list[Started],
) -> tuple[Api, dict[str, str]] | None:  # fmt: skip
    """One API loaded and rendered (its docs put into ``tree`` as they are made), or None
    when it could not be loaded or a template broke. With black, the layout of its modules
    begins (into ``started``) as soon as they are rendered, while the docs render."""
    api = load(source, reporter, options, memo, progress, inputs=stats.inputs)
    if api is None:
        return None
    line = conventions_summary(api) + responses_summary(api, options.responses)
    stats.apis.append((api.name, len(api.operations), len(api.shapes), line))
    progress.stage(f"rendering {api.name}")

    def begin(code: dict[str, str]) -> None:
        forced = user_written(api, options.templates, code)
        started.append(start_layout(code, memo, forced))

    early = begin if options.formatter == "black" else None
    files = render_kept(api, source, options, reporter=reporter, memo=memo,
                        sink=tree.put, code=early)  # fmt: skip
    if not files:  # a broken template: the docs it had made go too, as its whole project
        tree.discard_under(f"{api.package}/")
        return None
    return api, files

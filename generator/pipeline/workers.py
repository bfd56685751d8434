"""Workers: pages scraped, and modules laid out, in forked processes when there are many.

Results come back in the order of the jobs whatever the number of processes, so the output
does not depend on it.
"""

from __future__ import annotations

import gc
import os
import pickle
import zlib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, Reporter
from generator.processes import can_fork
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.scrape.records import RawPage

PARALLEL_PAGES = 64  # fewer pages to scrape than this: one process is faster than a pool
PARALLEL_LAYOUT = 300_000  # characters: less to lay out than this, one process is faster
CHUNKS_PER_WORKER = 4  # the layout is cut in this many runs per worker, so none idles long
Scraped = tuple["RawPage | None", list[Diagnostic]]
Unit = tuple[str, list[int]]  # a module's path and the indices of its pieces to lay out
Laid = dict[str, dict[int, str]]  # path → piece index → laid-out text (declined: absent)
_FORKED: list[Mapping[str, str]] = []  # the modules' texts, inherited by forked layout workers


class Layout:
    """The pieces of ``units`` (``split_pieces`` of ``files[path]``; ``weights``: their
    characters) laid out by ``emit/layout.py``, begun now and collected by ``results``: in
    forked workers when there is much to do, which lay out while this process goes on
    (rendering the docs); ``close`` ends them if never collected. A piece outside the
    layout's subset is left out of the result."""

    def __init__(self, files: Mapping[str, str], units: Sequence[Unit], weights: Sequence[int]):
        self._files, self._units = files, units
        self._pool = ExitStack()
        self._futures: list[Future[bytes]] = []
        workers = min(os.cpu_count() or 1, 4)
        if sum(weights) < PARALLEL_LAYOUT or workers < 2 or not can_fork():
            return  # laid out in this process when collected
        import multiprocessing

        import generator.emit.layout  # noqa: F401  (imported once, before the fork)
        from generator.processes import worker_pool

        _FORKED.append(files)
        gc.freeze()  # the workers' collector leaves the inherited heap alone (no copy-on-write)
        try:  # a fork pool starts all its workers at the first submit
            context = multiprocessing.get_context("fork")
            pool = self._pool.enter_context(worker_pool(workers, context))
            runs = _runs(units, weights, workers)
            self._futures = [pool.submit(_lay_out_forked, run) for run in runs]
        finally:
            _FORKED.clear()
            gc.unfreeze()

    def results(self, progress: Progress) -> Iterator[Laid]:
        """The result in parts, in order, as they are done (one module each in this
        process), so that each part can be used and let go before the next."""
        if not self._futures:
            for unit in self._units:  # a module let go of meanwhile is left out
                yield _counted(lay_out(self._files, [unit]) if unit[0] in self._files else {},
                               progress)  # fmt: skip
            return
        with self._pool:
            for future in self._futures:
                yield _counted(pickle.loads(zlib.decompress(future.result())), progress)

    def close(self) -> None:
        self._pool.close()


def _runs(units: Sequence[Unit], weights: Sequence[int], workers: int) -> list[list[Unit]]:
    """``units`` cut into consecutive runs of about equal weight (a module's pieces stay
    together, so its repeated lines are laid out once)."""
    size = sum(weights) / (workers * CHUNKS_PER_WORKER)
    runs: list[list[Unit]] = [[]]
    load = 0
    for unit, weight in zip(units, weights, strict=True):
        if load >= size:
            runs.append([])
            load = 0
        runs[-1].append(unit)
        load += weight
    return runs


def _counted(done: Laid, progress: Progress) -> Laid:
    progress.advance(sum(len(pieces) for pieces in done.values()))
    return done


def _lay_out_forked(units: Sequence[Unit]) -> bytes:
    """``lay_out`` in a worker, compressed: the parent holds what is done before it is
    collected (while the docs render) at a fifth of its size."""
    return zlib.compress(pickle.dumps(lay_out(_FORKED[0], units), pickle.HIGHEST_PROTOCOL), 1)


def lay_out(files: Mapping[str, str], units: Sequence[Unit]) -> Laid:
    """The pieces of ``units`` laid out in this process (see ``Layout``)."""
    from generator.emit.layout import Unsupported, layout_module
    from generator.pipeline.formatting import split_pieces

    out: Laid = {}
    for path, indices in units:
        pieces = split_pieces(files[path])
        laid = out.setdefault(path, {})
        for i in indices:
            try:
                laid[i] = layout_module(pieces[i])
            except Unsupported:
                continue
    return out


def scrape_many(jobs: Sequence[tuple[Path, str]], progress: Progress) -> list[Scraped]:
    """``scrape_chunk`` over ``jobs``, in forked processes when there are many; in order."""
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_PAGES or workers < 2 or not can_fork():
        return [scraped for job in jobs for scraped in _scrape_counted([job], progress)]
    import multiprocessing

    import generator.scrape  # noqa: F401  (imported once, before the fork)
    from generator.processes import worker_pool

    size = max(8, len(jobs) // (workers * 4))
    chunks = [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
    out: list[Scraped] = []
    context = multiprocessing.get_context("fork")
    with worker_pool(workers, context) as pool:
        results = pool.map(scrape_chunk, chunks)
        _import_rendering()
        for done in results:
            out.extend(done)
            progress.advance(len(done))
    return out


def _import_rendering() -> None:
    """Import the modules that render and lay out a client while the workers scrape: this
    process would only wait meanwhile, and after the scrape it has the model to make."""
    import generator.emit.layout
    import generator.emit.render  # noqa: F401


def _scrape_counted(jobs: Sequence[tuple[Path, str]], progress: Progress) -> list[Scraped]:
    done = scrape_chunk(jobs)
    progress.advance(len(done))
    return done


def scrape_chunk(jobs: Sequence[tuple[Path, str]]) -> list[Scraped]:
    """Scrape pages (path, display name): each page and the diagnostics it gave."""
    from generator.scrape import scrape_page
    from generator.scrape.source import MAX_PAGE_BYTES

    out: list[Scraped] = []
    for path, shown in jobs:
        local = Reporter()
        out.append((scrape_page(path, local, display=shown, max_bytes=MAX_PAGE_BYTES), local.items))
    return out

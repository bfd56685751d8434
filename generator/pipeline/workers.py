"""Scraping workers: pages scraped in forked processes when there are many, in order."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, Reporter
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.scrape.records import RawPage

PARALLEL_PAGES = 64  # fewer pages to scrape than this: one process is faster than a pool
Scraped = tuple["RawPage | None", list[Diagnostic]]


def scrape_many(jobs: Sequence[tuple[Path, str]], progress: Progress) -> list[Scraped]:
    """``scrape_chunk`` over ``jobs``, in forked processes when there are many; in order."""
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_PAGES or workers < 2 or not _can_fork():
        return [scraped for job in jobs for scraped in _scrape_counted([job], progress)]
    import multiprocessing

    import generator.scrape  # noqa: F401  (imported once, before the fork)
    from generator.processes import worker_pool

    size = max(8, len(jobs) // (workers * 4))
    chunks = [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
    out: list[Scraped] = []
    context = multiprocessing.get_context("fork")
    with worker_pool(workers, context) as pool:
        for done in pool.map(scrape_chunk, chunks):
            out.extend(done)
            progress.advance(len(done))
    return out


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


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

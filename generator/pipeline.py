"""The pipeline: find the APIs in a specs path, scrape, normalise, render, format.

``build`` is the whole run minus writing: it returns the output tree as bytes, keyed
by POSIX paths relative to the output folder, and reports every problem to the
reporter. One bad page costs its operation, never the run.

With a ``Cache`` (``generator/cache.py``) every stage is incremental: a page whose bytes
did not change is not scraped again, an unchanged model not rendered again, and a
rendered module (or a piece of it) not formatted again. A run whose inputs, options,
templates and generator are all unchanged is answered from a manifest of the output's
file hashes without importing the scraper, the model, jinja or black at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from generator.cache import (
    INPUT_SUFFIXES,
    Cache,
    code_fingerprint,
    digest,
    formatter_id,
    tree_fingerprint,
)
from generator.diagnostics import Diagnostic, Reporter
from generator.options import Options, RunStats
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.model.shapes import Api
    from generator.scrape.records import RawPage

OPENAPI_SUFFIXES = (".json", ".yaml", ".yml")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ApiSource:
    """One API to generate: a folder of pages, or an OpenAPI document."""

    name: str
    label: str  # how generated files name their source ("specs/stripe")
    pages: tuple[Path, ...] = ()
    openapi: Path | None = None
    named: bool = True  # False: an OpenAPI document's name comes from its info.title


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def find_sources(spec: Path, reporter: Reporter, *, name: str | None = None) -> list[ApiSource]:
    """The APIs under ``spec``: page folders, OpenAPI documents, or ``spec`` itself."""
    from generator.scrape import discover

    if spec.is_file():
        if spec.suffix.lower() in OPENAPI_SUFFIXES:
            return [ApiSource(name or _api_name(spec.stem), display_path(spec), openapi=spec,
                              named=name is not None)]
        reporter.error(
            display_path(spec), 0, "not an OpenAPI document (.json, .yaml) nor a folder of pages"
        )
        return []
    if not spec.is_dir():
        reporter.error(display_path(spec), 0, "no such file or folder")
        return []
    sources = [
        ApiSource(name or api, display_path(paths[0].parent), pages=tuple(paths))
        for api, paths in discover(spec)
    ]
    sources += [
        ApiSource(name or _api_name(doc.stem), display_path(doc), openapi=doc,
                  named=name is not None)
        for doc in sorted(spec.iterdir())
        if doc.is_file() and doc.suffix.lower() in OPENAPI_SUFFIXES
    ]
    if not sources:
        reporter.error(display_path(spec), 0, "no pages (*.html) or OpenAPI documents found")
    return sources


def _api_name(stem: str) -> str:
    from generator.model.naming import python_identifier

    return python_identifier(stem.lower())


def load_api(source: ApiSource, reporter: Reporter, options: Options) -> Api | None:
    """Scrape and normalise one API."""
    loaded = _load(source, reporter, options, Cache(None), Progress(enabled=False))
    return loaded[0] if loaded is not None else None


def _cached(
    cache: Cache, kind: str, key: str, reporter: Reporter, compute: Callable[[Reporter], T],
    *, valid: Callable[[Any], bool] = lambda value: True,
) -> T:
    """``compute(reporter)``, or its value and diagnostics stored under (kind, key) while
    ``valid`` holds for that value."""
    hit = cache.get_object(kind, key)
    if _is_entry(hit) and valid(hit[0]):
        reporter.items.extend(hit[1])
        value: T = hit[0]
        return value
    local = Reporter()
    value = compute(local)
    reporter.extend(local)
    cache.put_object(kind, key, (value, local.items))
    return value


def _files_unchanged(doc_path: Path) -> Callable[[Any], bool]:
    """Whether a cached read of the document at ``doc_path`` still holds: every other file
    its ``$ref``s named has the digest it had then."""
    from generator.scrape.openapi import file_digest

    def check(doc: Any) -> bool:
        files = getattr(doc, "files", ())
        return all(file_digest(doc_path.parent / n) == d for n, d in files)

    return check


def _is_entry(hit: object) -> TypeGuard[tuple[Any, list[Diagnostic]]]:
    """A cached (value, diagnostics) pair, as ``_cached`` and the page cache store them."""
    return isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], list)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0unreadable"  # the scraper reports it


def _load(
    source: ApiSource, reporter: Reporter, options: Options, cache: Cache, progress: Progress
) -> tuple[Api, str] | None:
    """Scrape (page by page, cached) and normalise (cached); the model and its cache key."""
    from generator.model import normalise

    code = code_fingerprint() if cache.enabled else ""
    base_url = options.base_url
    name = source.name
    if source.openapi is not None:
        from generator.model.naming import api_name
        from generator.scrape import read_openapi

        doc_path = source.openapi
        key = digest(code, "openapi", display_path(doc_path), _read_bytes(doc_path))
        doc = _cached(cache, "openapi", key, reporter, lambda r: read_openapi(doc_path, r),
                      valid=_files_unchanged(doc_path))
        if doc is None:
            return None
        pages: list[RawPage] = list(doc.pages)
        keys = [key, *(f"{n}\0{d}" for n, d in doc.files)]
        if base_url is None and doc.servers:
            base_url = doc.servers[0].rstrip("/")
        name = name if source.named else api_name(doc.title, fallback=name)
    else:  # an excluded page is not even read: --exclude also skips a page that is broken
        from generator.scrape.page import operation_id_from_name

        wanted = [p for p in source.pages if _selected(operation_id_from_name(p.name), options)]
        pages, keys = _scrape_pages(wanted, reporter, cache, code, progress)
    pages = [p for p in pages if _selected(p.operation_id, options)]
    key = digest(code, "model", name, repr(base_url), repr(options.include),
                 repr(options.exclude), *keys)  # fmt: skip
    progress.stage("modelling")
    api = _cached(
        cache, "model", key, reporter, lambda r: normalise(name, pages, r, base_url=base_url)
    )
    return api, key


PARALLEL_PAGES = 64  # fewer pages to scrape than this: one process is faster than a pool
Scraped = tuple["RawPage | None", list[Diagnostic]]


def _scrape_pages(
    paths: Sequence[Path], reporter: Reporter, cache: Cache, code: str, progress: Progress
) -> tuple[list[RawPage], list[str]]:
    """Every page scraped, or taken from the cache; pages not cached in parallel processes."""
    progress.stage("scraping pages", len(paths))
    shown = [display_path(p) for p in paths]
    keys = [digest(code, "page", s, _read_bytes(p)) for p, s in zip(paths, shown, strict=True)]
    results: dict[int, Scraped] = {}
    for i, key in enumerate(keys):
        hit = cache.get_object("page", key)
        if _is_entry(hit):
            results[i] = hit
            progress.advance()
    missing = [i for i in range(len(paths)) if i not in results]
    fresh = _scrape_many([(paths[i], shown[i]) for i in missing], progress)
    for i, result in zip(missing, fresh, strict=True):
        results[i] = result
        cache.put_object("page", keys[i], result)
    pages: list[RawPage] = []
    for i in range(len(paths)):
        page, items = results[i]
        reporter.items.extend(items)
        if page is not None:
            pages.append(page)
    return pages, keys


def _scrape_many(jobs: Sequence[tuple[Path, str]], progress: Progress) -> list[Scraped]:
    """``scrape_chunk`` over ``jobs``, in forked processes when there are many; in order."""
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_PAGES or workers < 2 or not _can_fork():
        return [scraped for job in jobs for scraped in _scrape_counted([job], progress)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import generator.scrape  # noqa: F401  (imported once, before the fork)

    size = max(8, len(jobs) // (workers * 4))
    chunks = [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
    out: list[Scraped] = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
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


def _selected(operation_id: str, options: Options) -> bool:
    from fnmatch import fnmatchcase

    if options.include and not any(fnmatchcase(operation_id, pat) for pat in options.include):
        return False
    return not any(fnmatchcase(operation_id, pat) for pat in options.exclude)


def render(
    api: Api, source: ApiSource, options: Options, reporter: Reporter | None = None,
    cache: Cache | None = None,
) -> dict[str, str]:  # fmt: skip
    """The project files of ``api``; a broken (user) template is reported, not raised.

    With an enabled ``cache``, files (and pieces of files) whose inputs are unchanged since
    an earlier run are taken from it (``generator/emit/memo.py``).
    """
    from jinja2 import TemplateError

    from generator.emit import render_api
    from generator.emit.memo import Memo
    from generator.emit.overlays import template_error

    memo = Memo(None)
    if cache is not None and cache.enabled:
        memo = Memo(cache, digest(code_fingerprint(), tree_fingerprint(options.templates)))
    try:
        files = render_api(
            api, templates=options.templates, source_label=source.label, memo=memo
        )
    except TemplateError as exc:
        if reporter is None:
            raise
        reporter.error(*template_error(exc))
        return {}
    return {f"{api.package}/{rel}": text for rel, text in files.items()}


def _render_cached(
    api: Api, model_key: str, source: ApiSource, options: Options, *, reporter: Reporter,
    cache: Cache,
) -> dict[str, str]:  # fmt: skip
    """``render``, or its files stored for this model, label and set of templates."""
    key = ""
    if cache.enabled:
        key = digest(model_key, "render", source.label, tree_fingerprint(options.templates))
    files: dict[str, str] = _cached(
        cache, "render", key, reporter, lambda r: render(api, source, options, r, cache)
    )
    return files


def build(
    jobs: Sequence[tuple[Path, Options]], reporter: Reporter, stats: RunStats | None = None,
    *, cache: Cache | None = None, progress: Progress | None = None,
) -> dict[str, bytes]:  # fmt: skip
    """The whole output tree for every (specs path, options) job, without writing it.

    With an enabled ``cache``, unchanged work is reused (the output is the same either way).
    """
    cache = cache if cache is not None else Cache(None)
    progress = progress if progress is not None else Progress(enabled=False)
    stats = stats if stats is not None else RunStats()
    run_key = _run_key(jobs) if cache.enabled else ""
    replayed = _replay(cache, run_key, reporter, stats) if cache.enabled else None
    if replayed is not None:
        return replayed
    start, apis = len(reporter.items), len(stats.apis)
    files = _build(jobs, reporter, stats, cache, progress)
    if cache.enabled:
        _record(cache, run_key, files, reporter.items[start:], stats.apis[apis:])
    return files


def _build(
    jobs: Sequence[tuple[Path, Options]], reporter: Reporter, stats: RunStats, cache: Cache,
    progress: Progress,
) -> dict[str, bytes]:  # fmt: skip
    by_formatter: dict[str, dict[str, str]] = {}
    for spec, options in jobs:
        for source in find_sources(spec, reporter, name=options.name):
            loaded = _load(source, reporter, options, cache, progress)
            if loaded is None:
                continue
            api, model_key = loaded
            stats.apis.append((api.name, len(api.operations), len(api.shapes)))
            progress.stage(f"rendering {api.name}")
            files = _render_cached(api, model_key, source, options, reporter=reporter, cache=cache)
            by_formatter.setdefault(options.formatter, {}).update(files)
    out: dict[str, str] = {}
    for formatter, files in sorted(by_formatter.items()):
        out.update(format_cached(files, reporter, cache, progress, formatter=formatter))
    return {rel: text.encode("utf-8") for rel, text in sorted(out.items())}


def _run_key(jobs: Sequence[tuple[Path, Options]]) -> str:
    """Digest of everything a run's output depends on: code, options, inputs, templates."""
    parts = [code_fingerprint()]
    for spec, options in jobs:
        parts += [
            display_path(spec),
            repr(options),
            tree_fingerprint([spec], INPUT_SUFFIXES),
            tree_fingerprint(options.templates),
            formatter_id(options.formatter),
        ]
    return digest(*parts)


def _replay(cache: Cache, key: str, reporter: Reporter, stats: RunStats) -> dict[str, bytes] | None:
    """The output, diagnostics and stats of an identical earlier run, if all are cached."""
    manifest = cache.get_object("runs", key)
    if not (isinstance(manifest, tuple) and len(manifest) == 3):
        return None
    names, items, apis = manifest
    files: dict[str, bytes] = {}
    for rel, name in names:
        data = cache.get_blob(name)
        if data is None:
            return None
        files[rel] = data
    reporter.items.extend(items)
    stats.apis.extend(apis)
    return files


def _record(
    cache: Cache, key: str, files: dict[str, bytes], items: Sequence[Diagnostic],
    apis: Sequence[tuple[str, int, int]],
) -> None:  # fmt: skip
    names = [(rel, cache.put_blob(data)) for rel, data in files.items()]
    cache.put_object("runs", key, (names, list(items), list(apis)))


# ---------------------------------------------------------------------------- formatting

_TOP_LEVEL = re.compile(r"\n\n\n+(?=(?:async def|def|class) )")  # as format.split_module
GROUP_LINES = 400  # a cached piece ends at a content-chosen cut, or after about this many lines


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


def format_cached(
    files: dict[str, str], reporter: Reporter, cache: Cache, progress: Progress,
    *, formatter: str = "black",
) -> dict[str, str]:  # fmt: skip
    """``files`` with every ``.py`` formatted; only pieces not in the cache are formatted."""
    fid = digest(code_fingerprint(), formatter_id(formatter)) if cache.enabled else ""
    out = dict(files)
    plans: dict[str, list[str]] = {}  # path → the cache keys of its pieces
    known: dict[str, str] = {}  # piece key → formatted text
    todo: dict[str, tuple[str, str]] = {}  # piece key → (path, text)
    for path in sorted(p for p in files if p.endswith(".py")):
        whole = cache.get("format", digest(fid, files[path]))
        if whole is not None:
            out[path] = whole.decode("utf-8")
            continue
        plans[path] = []
        for piece in split_pieces(files[path]):
            key = digest(fid, piece)
            plans[path].append(key)
            hit = cache.get("format", key) if key not in todo else None
            if hit is not None:
                known[key] = hit.decode("utf-8")
            else:
                todo.setdefault(key, (path, piece))
    progress.stage(f"formatting {len(todo)} pieces")
    known.update(_format_pieces(todo, reporter, cache, formatter))
    for path, keys in plans.items():
        if all(k in known for k in keys):
            out[path] = _join([known[k] for k in keys])
            cache.put("format", digest(fid, files[path]), out[path].encode("utf-8"))
    return out


def _format_pieces(
    todo: dict[str, tuple[str, str]], reporter: Reporter, cache: Cache, formatter: str
) -> dict[str, str]:
    """Format the pieces (in parallel), store each; a piece the formatter rejects is reported."""
    if not todo:
        return {}
    from generator.emit.format import FormatError, format_files
    from generator.emit.format_ruff import format_files_ruff

    run = format_files_ruff if formatter == "ruff" else format_files
    names = {f"piece{i}.py": key for i, key in enumerate(todo)}
    try:
        done = run({name: todo[key][1] for name, key in names.items()})
    except FormatError as exc:
        path = todo[names[exc.path]][0] if exc.path in names else exc.path
        reporter.error(path, 0, f"generated code is not valid Python ({exc.reason}); "
                       "this is a bug in a template", code="format")  # fmt: skip
        return {}
    result = {names[name]: text for name, text in done.items()}
    for key, text in result.items():
        cache.put("format", key, text.encode("utf-8"))
    return result


def _join(pieces: Sequence[str]) -> str:
    """Formatted pieces of one module joined back, two blank lines between them."""
    if len(pieces) == 1:
        return pieces[0]
    return "\n\n\n".join(p.rstrip("\n") for p in pieces) + "\n"

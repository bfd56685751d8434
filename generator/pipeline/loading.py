"""Cached loading: an API's pages scraped (or its OpenAPI document read), then normalised.

Each step is a plain function of its input wrapped in the run's ``Memo``: a page whose bytes
did not change is not scraped again, an unchanged set of records not normalised again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, Reporter
from generator.memo import Memo, remembering
from generator.options import Options
from generator.pipeline.sources import (
    ApiSource,
    check_globs,
    display_path,
    filters,
    find_sources,
    read_bytes,
    selected,
    where,
)
from generator.pipeline.workers import Scraped, scrape_many
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.model.shapes import Api
    from generator.scrape.openapi import OpenApiInput
    from generator.scrape.records import RawPage


def load_api(source: ApiSource, reporter: Reporter, options: Options) -> Api | None:
    """Scrape and normalise one API (nothing kept)."""
    return load(source, reporter, options, Memo(None), Progress(enabled=False))


def load_apis(
    spec: Path, reporter: Reporter, options: Options, *, only: str | None = None
) -> dict[str, Api | None]:
    """The APIs found at ``spec`` by name (``None`` where one failed to load).

    ``only``: where ``spec`` holds several APIs, just the one of that name (an error when
    there is none).
    """
    sources = find_sources(spec, reporter, name=options.name)
    if only is not None and len(sources) > 1:
        sources = [s for s in sources if s.name == only]
        if not sources:
            reporter.error(display_path(spec), 0, f"no API named {only!r} here")
    return {s.name: load_api(s, reporter, options) for s in sources}


def chosen_base_url(
    name: str, options: Options, servers: Sequence[str]
) -> tuple[str | None, str]:
    """The base URL given for API ``name``, and where it comes from: ``--base-url``, else
    ``base_url`` in its configuration table, else the document's ``servers[0]`` (a trailing
    ``/`` dropped); ``(None, "")`` when none gives one (the model reads the pages' host lines)."""
    if options.base_url is not None:
        return options.base_url, "--base-url"
    configured = options.overrides_for(name).base_url
    if configured is not None:
        return configured, f"base_url in [tool.doc2client.apis.{name}]"
    if servers:
        return servers[0].rstrip("/"), "servers[0].url with its variables' defaults"
    return None, ""


def load(
    source: ApiSource, reporter: Reporter, options: Options, memo: Memo, progress: Progress,
    *, inputs: list[tuple[str, str]] | None = None,
) -> Api | None:
    """Scrape (page by page, kept) and normalise (kept).

    ``inputs`` takes the other files the documents' ``$ref``s named, with their digests
    (``RunStats.inputs``).
    """
    inputs = inputs if inputs is not None else []
    from generator.model import normalise

    name = source.name
    servers: tuple[str, ...] = ()
    info = ("", "")  # an OpenAPI document's info.title and info.version; pages give none
    if source.openapi is not None:
        from generator.model.naming import title_api_name

        doc, key = _read_document(source.openapi, reporter, memo, inputs)
        if doc is None:
            return None
        pages: list[RawPage] = list(doc.pages)
        keys = [key]
        servers = doc.servers
        name = name if source.named else title_api_name(doc.title, fallback=name)
        info = (doc.title, doc.version)
    else:  # an excluded page is not even read: --exclude also skips a page that is broken
        from generator.scrape.page import operation_id_from_name

        names = [operation_id_from_name(p.name) for p in source.pages]
        wanted = [p for p, n in zip(source.pages, names, strict=True) if selected(n, options)]
        pages, keys = scrape_pages(wanted, reporter, memo, progress)
        check_globs(source, [*names, *(p.operation_id for p in pages)], options, reporter)
    if source.openapi is not None:
        check_globs(source, [p.operation_id for p in pages], options, reporter)
    pages = [p for p in pages if selected(p.operation_id, options)]
    if options.responses is not None:
        pages, doc_key = _with_responses(pages, options.responses, reporter, memo, inputs)
        keys.append(doc_key)
    if not pages and not reporter.has_errors:
        message = "no operations left to generate" + filters(options)
        reporter.error(where(source), 0, message, code="no-operations")
    overrides = options.overrides_for(name)
    base_url, base_url_reason = chosen_base_url(name, options, servers)
    parts = [name, repr(base_url), base_url_reason, repr(options.include), repr(options.exclude),
             repr(overrides), options.page_layout, *keys]  # fmt: skip
    progress.stage("modelling")

    def model(local: Reporter) -> Api:
        with remembering(memo):  # each operation read alone is kept (``_read_alone``)
            api = normalise(name, pages, local, base_url=base_url,
                            base_url_reason=base_url_reason, overrides=overrides,
                            page_layout=options.page_layout)
        for document in (source.openapi, options.responses):
            _at_component_lines(local.items, document)
        return api

    api = memo.reported("model", parts, reporter, model)
    if any(info):
        api = replace(api, title=info[0], version=info[1])
    return api


def _at_component_lines(items: list[Diagnostic], document: Path | None) -> None:
    """Each of ``items`` about a schema of ``document``'s ``components`` (a response's kept
    ``$ref`` target, read where an operation uses it) placed at that schema's own line."""
    if document is None:
        return
    here = document.resolve()
    wanted = [i for i, d in enumerate(items)
              if d.pointer.startswith("/components/")
              and Path(d.file).resolve() == here]  # fmt: skip
    if not wanted:
        return
    from generator.scrape.lint import PointerLines

    lines = PointerLines(read_bytes(document).decode("utf-8", "replace"))
    for i in wanted:
        if line := lines.line(items[i].pointer):
            items[i] = replace(items[i], line=line)


def _with_responses(
    pages: list[RawPage], doc_path: Path, reporter: Reporter, memo: Memo,
    inputs: list[tuple[str, str]],
) -> tuple[list[RawPage], str]:
    """``pages`` with the response schemas of the OpenAPI document at ``doc_path``
    (``generator/scrape/responses.py``); each page it does not know is a warning."""
    from generator.scrape.responses import take_responses

    doc, key = _read_document(doc_path, reporter, memo, inputs)
    if doc is None:
        return pages, key
    typed, unknown = take_responses(pages, doc.pages)
    shown = display_path(doc_path)
    for page in unknown:
        reporter.warning(page.file, page.line, f"{page.operation_id or page.path}: no operation "
                         f"{page.method} {page.path} in {shown}; its responses stay untyped",
                         code="untyped-responses")  # fmt: skip
    return typed, key


def _read_document(
    doc_path: Path, reporter: Reporter, memo: Memo, inputs: list[tuple[str, str]]
) -> tuple[OpenApiInput | None, str]:
    """An OpenAPI document read (or kept), and its memo key; ``inputs`` takes the files its
    ``$ref``s named and their digests.

    A kept read holds only while the other files its ``$ref``s named are unchanged: the key
    is first the document's own bytes, then also the digests of the files a kept read
    listed, until a read agrees with the files as they are.
    """
    from generator.files import file_digest
    from generator.scrape import read_openapi

    parts = _input_parts(memo, doc_path)
    for _ in range(3):
        scratch = Reporter()
        doc = memo.reported("openapi", parts, scratch, lambda r: read_openapi(doc_path, r))
        listed = [] if doc is None else [f"{n}\0{d}" for n, d in doc.files]
        current = [] if doc is None else [
            f"{n}\0{file_digest(doc_path.parent / n)}" for n, _ in doc.files]
        if current == listed:
            break
        parts = [*parts, *current]
    reporter.extend(scratch)
    if doc is not None:
        inputs += [(str(doc_path.parent / n), d) for n, d in doc.files]
    return doc, memo.key("openapi", parts)


def _input_parts(memo: Memo, path: Path, shown: str | None = None) -> list[str | bytes]:
    """What an input file's result depends on: its name as shown (``shown``, when the
    caller has it) and its bytes."""
    if not memo.enabled:
        return []
    return [display_path(path) if shown is None else shown, read_bytes(path)]


def scrape_pages(
    paths: Sequence[Path], reporter: Reporter, memo: Memo, progress: Progress
) -> tuple[list[RawPage], list[str]]:
    """Every page scraped, or taken from the memo; the pages not kept in parallel processes.

    Also returns each page's memo key (empty strings without a memo).
    """
    progress.stage("scraping pages", len(paths))
    shown = [display_path(p) for p in paths]
    parts = [_input_parts(memo, p, name) for p, name in zip(paths, shown, strict=True)]
    results: dict[int, Scraped] = {}
    for i, part in enumerate(parts):
        hit = memo.get("page", part)
        if hit is not None:
            results[i] = hit[0]
            progress.advance()
    missing = [i for i in range(len(paths)) if i not in results]
    fresh = scrape_many([(paths[i], shown[i]) for i in missing], progress)
    for i, result in zip(missing, fresh, strict=True):
        results[i] = result
        memo.put("page", parts[i], result)
    pages: list[RawPage] = []
    for i in range(len(paths)):
        page, items = results[i]
        reporter.items.extend(items)
        if page is not None:
            pages.append(page)
    return pages, [memo.key("page", part) for part in parts]

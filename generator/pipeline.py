"""The pipeline: find the APIs in a specs path, scrape, normalise, render, format.

``build`` is the whole run minus writing: it returns the output tree as bytes, keyed
by POSIX paths relative to the output folder, and reports every problem to the
reporter. One bad page costs its operation, never the run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Reporter
from generator.model import normalise
from generator.model.shapes import Api
from generator.options import Options, RunStats
from generator.scrape import discover, read_openapi, scrape_page
from generator.scrape.records import RawPage

OPENAPI_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class ApiSource:
    """One API to generate: a folder of pages, or an OpenAPI document."""

    name: str
    label: str  # how generated files name their source ("specs/stripe")
    pages: tuple[Path, ...] = ()
    openapi: Path | None = None


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def find_sources(spec: Path, reporter: Reporter, *, name: str | None = None) -> list[ApiSource]:
    """The APIs under ``spec``: page folders, OpenAPI documents, or ``spec`` itself."""
    if spec.is_file():
        if spec.suffix.lower() in OPENAPI_SUFFIXES:
            return [ApiSource(name or _api_name(spec.stem), display_path(spec), openapi=spec)]
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
        ApiSource(name or _api_name(doc.stem), display_path(doc), openapi=doc)
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
    base_url = options.base_url
    if source.openapi is not None:
        doc = read_openapi(source.openapi, reporter)
        if doc is None:
            return None
        pages: list[RawPage] = list(doc.pages)
        if base_url is None and doc.servers:
            base_url = doc.servers[0].rstrip("/")
    else:
        scraped = (scrape_page(p, reporter, display=display_path(p)) for p in source.pages)
        pages = [page for page in scraped if page is not None]
    pages = [p for p in pages if _selected(p, options)]
    return normalise(source.name, pages, reporter, base_url=base_url)


def _selected(page: RawPage, options: Options) -> bool:
    from fnmatch import fnmatchcase

    if options.include and not any(fnmatchcase(page.operation_id, pat) for pat in options.include):
        return False
    return not any(fnmatchcase(page.operation_id, pat) for pat in options.exclude)


def render(
    api: Api, source: ApiSource, options: Options, reporter: Reporter | None = None
) -> dict[str, str]:
    """The project files of ``api``; a broken (user) template is reported, not raised."""
    from jinja2 import TemplateError

    from generator.emit import render_api
    from generator.emit.overlays import template_error

    try:
        files = render_api(api, templates=options.templates, source_label=source.label)
    except TemplateError as exc:
        if reporter is None:
            raise
        reporter.error(*template_error(exc))
        return {}
    return {f"{api.package}/{rel}": text for rel, text in files.items()}


def build(
    jobs: Sequence[tuple[Path, Options]], reporter: Reporter, stats: RunStats | None = None
) -> dict[str, bytes]:
    """The whole output tree for every (specs path, options) job, without writing it."""
    from generator.emit import format_files

    rendered: dict[str, str] = {}
    for spec, options in jobs:
        for source in find_sources(spec, reporter, name=options.name):
            api = load_api(source, reporter, options)
            if api is None:
                continue
            if stats is not None:
                stats.apis.append((api.name, len(api.operations), len(api.shapes)))
            rendered.update(render(api, source, options, reporter))
    formatted = format_files(rendered)
    return {rel: text.encode("utf-8") for rel, text in sorted(formatted.items())}

"""Source discovery: the APIs under a specs path, and which of their pages a run selects."""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from generator.diagnostics import Reporter
from generator.options import Options

OPENAPI_SUFFIXES = (".json", ".yaml", ".yml")


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


def selected(operation_id: str, options: Options) -> bool:
    """Whether ``--include``/``--exclude`` (glob patterns) keep ``operation_id``."""
    if options.include and not any(fnmatchcase(operation_id, pat) for pat in options.include):
        return False
    return not any(fnmatchcase(operation_id, pat) for pat in options.exclude)


def read_bytes(path: Path) -> bytes:
    """The bytes of an input file, for its cache key (an unreadable one the scraper reports)."""
    try:
        return path.read_bytes()
    except OSError:
        return b"\0unreadable"

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


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def find_sources(spec: Path, reporter: Reporter, *, name: str | None = None) -> list[ApiSource]:
    """The APIs under ``spec``: page folders, OpenAPI documents, or ``spec`` itself."""
    from generator.cache import INPUT_SUFFIXES
    from generator.scrape import discover
    from generator.scrape.discover import skipped_in

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
    for path, reason in skipped_in(spec, INPUT_SUFFIXES):
        reporter.warning(display_path(path), 0, f"skipped: {reason}", code="special-file")
    if not sources:
        reporter.error(display_path(spec), 0, "no pages (*.html) or OpenAPI documents found")
    return _one_package_each(sources, reporter)


def _one_package_each(sources: list[ApiSource], reporter: Reporter) -> list[ApiSource]:
    """``sources``, or none after an error when two of them would give the same package
    (``my-api`` and ``my_api`` are both ``my_api_client``: one would hide the other)."""
    by_name: dict[str, list[ApiSource]] = {}
    for source in sources:
        by_name.setdefault(source.name, []).append(source)
    clashes = [found for found in by_name.values() if len(found) > 1]
    for found in clashes:
        labels = sorted(s.label for s in found)
        listed = " and ".join([", ".join(labels[:-1]), labels[-1]])
        message = f"{listed} both give the package {found[0].name}_client: rename one of them"
        reporter.error(labels[-1], 0, message, code="same-package")
    return [] if clashes else sources


def _api_name(stem: str) -> str:
    from generator.model.naming import python_identifier

    return python_identifier(stem.lower())


def selected(operation_id: str, options: Options) -> bool:
    """Whether ``--include``/``--exclude`` (glob patterns) keep ``operation_id``."""
    if options.include and not any(fnmatchcase(operation_id, pat) for pat in options.include):
        return False
    return not any(fnmatchcase(operation_id, pat) for pat in options.exclude)


def read_bytes(path: Path) -> bytes:
    """The bytes of an input file, for its cache key (an unreadable one the scraper reports).

    Only a regular file within ``MAX_DOCUMENT_BYTES`` is read (``generator.files``).
    """
    from generator.files import MAX_DOCUMENT_BYTES, read_regular

    try:
        return read_regular(path, MAX_DOCUMENT_BYTES)
    except OSError:
        return b"\0unreadable"

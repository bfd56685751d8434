"""Source discovery: the APIs under a specs path, and which of their pages a run selects."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from generator.diagnostics import Reporter, did_you_mean
from generator.options import Options


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


def project_root(spec: Path) -> Path:
    """The folder generated files name their sources from: the nearest one at or above
    ``spec`` holding a ``pyproject.toml`` or ``.git`` (as black finds a project), else the
    folder holding ``spec``. It never depends on the working folder."""
    start = spec.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return start.parent


def source_label(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, as a POSIX path (``specs/stripe``)."""
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def find_sources(
    spec: Path, reporter: Reporter, *, name: str | None = None, root: Path | None = None,
    label: str | None = None,
) -> list[ApiSource]:  # fmt: skip
    """The APIs under ``spec``: page folders, OpenAPI documents, or ``spec`` itself.

    Sources are labelled ``label`` when given (a fetched source: its URL), else relative to
    ``root`` (default: ``project_root(spec)``).
    """
    from generator.cache import INPUT_SUFFIXES
    from generator.model.naming import api_name
    from generator.scrape import discover
    from generator.scrape.discover import DOCUMENT_SUFFIXES, find_documents, skipped_in

    root = root if root is not None else project_root(spec)
    if spec.is_file():
        if spec.suffix.lower() in DOCUMENT_SUFFIXES:
            shown = label or source_label(spec, root)
            return [ApiSource(name or api_name(spec.stem), shown, openapi=spec,
                              named=name is not None)]
        reporter.error(
            display_path(spec), 0, "not an OpenAPI document (.json, .yaml) nor a folder of pages"
        )
        return []
    if not spec.is_dir():
        reporter.error(display_path(spec), 0, "no such file or folder")
        return []
    folders = sorted((api_name(folder.name), paths) for folder, paths in discover(spec))
    sources = [
        ApiSource(name or api, label or source_label(paths[0].parent, root), pages=tuple(paths))
        for api, paths in folders
    ]
    sources += [
        ApiSource(name or api_name(doc.stem), label or source_label(doc, root), openapi=doc,
                  named=name is not None)
        for doc in find_documents(spec)
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
        labels = sorted(where(s) for s in found)
        listed = " and ".join([", ".join(labels[:-1]), labels[-1]])
        message = f"{listed} both give the package {found[0].name}_client: rename one of them"
        reporter.error(labels[-1], 0, message, code="same-package")
    return [] if clashes else sources


def selected(operation_id: str, options: Options) -> bool:
    """Whether ``--include``/``--exclude`` (glob patterns) keep ``operation_id``."""
    if options.include and not any(fnmatchcase(operation_id, pat) for pat in options.include):
        return False
    return not any(fnmatchcase(operation_id, pat) for pat in options.exclude)


def check_globs(
    source: ApiSource, ids: Sequence[str], options: Options, reporter: Reporter
) -> None:
    """Warn about each ``include``/``exclude`` glob that matches no operation of ``source``."""
    for kind, globs in (("include", options.include), ("exclude", options.exclude)):
        for glob in globs:
            if not any(fnmatchcase(op_id, glob) for op_id in ids if op_id):
                closest = did_you_mean(glob, {i for i in ids if i})
                message = f"{kind} {glob!r} matches no operation{closest}"
                reporter.warning(where(source), 0, message, code="unmatched-glob")


def filters(options: Options) -> str:
    """`` (after include [...], exclude [...])``, or ``""`` with neither."""
    said = [f"{k} {list(v)}" for k, v in (("include", options.include),
                                          ("exclude", options.exclude)) if v]  # fmt: skip
    return f" (after {', '.join(said)})" if said else ""


def where(source: ApiSource) -> str:
    """How diagnostics name an API source: its folder or document, from the working folder."""
    if source.openapi is not None:
        return display_path(source.openapi)
    return display_path(source.pages[0].parent) if source.pages else source.label


def read_bytes(path: Path) -> bytes:
    """The bytes of an input file, for its cache key (an unreadable one the scraper reports).

    Only a regular file within ``MAX_DOCUMENT_BYTES`` is read (``generator.files``).
    """
    from generator.files import MAX_DOCUMENT_BYTES, read_regular

    try:
        return read_regular(path, MAX_DOCUMENT_BYTES)
    except OSError:
        return b"\0unreadable"

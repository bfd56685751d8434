"""Find the APIs under a specs folder: one folder of ``*.html`` pages per API, and the
OpenAPI documents in its API folders."""

from __future__ import annotations

import re
from pathlib import Path

from generator.files import special_reason

PAGE_SUFFIX = ".html"
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")
# A document's root object names its version: ``openapi: 3.1.0`` (YAML, at the start of a
# line: a top-level key) or ``"openapi": "3.1.0"`` (JSON). A fragment a document refers to
# (``components/schemas.yaml``) has no such key. ``swagger`` too, so that a Swagger 2.0
# document is found and told it is not supported rather than passed over.
_ROOT_KEY = re.compile(
    rb"""^(["']?)(?:openapi|swagger)\1[ \t]*:|"(?:openapi|swagger)"\s*:\s*"\d""", re.MULTILINE
)
_SNIFF_BYTES = 1 << 20


def pages_in(folder: Path) -> list[Path]:
    """The ``*.html`` files directly in ``folder`` (``.html`` itself included), sorted by name."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    pages = [p for p in entries if p.name.lower().endswith(PAGE_SUFFIX) and p.is_file()]
    return sorted(pages, key=lambda p: p.name)


def documents_in(folder: Path) -> list[Path]:
    """The OpenAPI documents directly in ``folder``, sorted by name: the ``.json``, ``.yaml``
    and ``.yml`` files whose root object has an ``openapi`` (or ``swagger``) key, looked for
    in their first MiB. Fragments beside them, and anything else, are not documents."""
    return [p for p in _entries(folder) if p.suffix.lower() in DOCUMENT_SUFFIXES and _is_root(p)]


def _is_root(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError:
        return False
    return _ROOT_KEY.search(head) is not None


def skipped_in(specs_dir: Path, suffixes: tuple[str, ...]) -> list[tuple[Path, str]]:
    """Input-named entries (``suffixes``, lower case) that are not regular files, with why.

    They are the ones ``discover`` and the OpenAPI search leave out: a FIFO, a link to a
    device, a folder named ``x.html``. Looked for where inputs are looked for: in
    ``specs_dir`` and in its API folders.
    """
    folders = [specs_dir]
    if not pages_in(specs_dir):
        try:
            folders += sorted(p for p in specs_dir.iterdir() if p.is_dir() and _is_api_folder(p))
        except OSError:
            pass
    found = []
    for folder in folders:
        try:
            names = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            continue
        for path in names:
            named = path.name.lower().endswith(suffixes) and not path.name.startswith(".")
            reason = special_reason(path) if named and not path.is_dir() else None
            if reason is not None:
                found.append((path, reason))
    return found


def _is_api_folder(folder: Path) -> bool:
    return not folder.name.startswith(("_", "."))


def discover(specs_dir: Path) -> list[tuple[Path, list[Path]]]:
    """``(folder, pages)`` per API, sorted by folder name (the API is named after its folder:
    ``model.naming.api_name``).

    A folder that holds pages itself is one API, used as given (even if its name starts
    with ``_`` or ``.``). Otherwise each subfolder with pages is one API; subfolders whose
    names start with ``_`` or ``.`` are skipped. OpenAPI documents are found by
    ``find_documents``.
    """
    own = pages_in(specs_dir)
    if own:
        return [(specs_dir.resolve(), own)]
    try:
        folders = sorted((p for p in specs_dir.iterdir() if p.is_dir()), key=lambda p: p.name)
    except OSError:
        return []
    found = ((f, pages_in(f)) for f in folders if _is_api_folder(f))
    return [entry for entry in found if entry[1]]


def find_documents(specs_dir: Path) -> list[Path]:
    """The OpenAPI documents under ``specs_dir``: every ``.json``/``.yaml``/``.yml`` file
    directly in it (given there, each is read as a document), then the documents
    (``documents_in``) of its API folders (those ``discover`` looks in), so that
    ``specs/box/openapi.json`` and a vendor's checkout holding its document one folder down
    (``digitalocean/specification/DigitalOcean-public.v2.yaml``) are found as they are."""
    entries = _entries(specs_dir)
    own = [p for p in entries if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()]
    folders = [p for p in entries if p.is_dir() and _is_api_folder(p)]
    return own + [doc for folder in folders for doc in documents_in(folder)]


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return []

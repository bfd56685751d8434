"""Find the APIs under a specs folder: one folder of ``*.html`` pages per API."""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from generator.files import special_reason

PAGE_SUFFIX = ".html"


def api_name(folder_name: str) -> str:
    """A folder name lower-cased and made a Python identifier (``apis-io`` → ``apis_io``)."""
    name = re.sub(r"\W+", "_", folder_name.strip().lower(), flags=re.ASCII).strip("_")
    if not name:
        return "api"
    if name[0].isdigit():
        name = "api_" + name
    return name + "_" if keyword.iskeyword(name) else name


def pages_in(folder: Path) -> list[Path]:
    """The ``*.html`` files directly in ``folder`` (``.html`` itself included), sorted by name."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    pages = [p for p in entries if p.name.lower().endswith(PAGE_SUFFIX) and p.is_file()]
    return sorted(pages, key=lambda p: p.name)


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


def discover(specs_dir: Path) -> list[tuple[str, list[Path]]]:
    """``(api name, pages)`` per API, sorted by name.

    A folder that holds pages itself is one API, used as given (even if its name starts
    with ``_`` or ``.``). Otherwise each subfolder with pages is one API; subfolders whose
    names start with ``_`` or ``.`` are skipped.
    """
    own = pages_in(specs_dir)
    if own:
        return [(api_name(specs_dir.resolve().name), own)]
    try:
        folders = sorted((p for p in specs_dir.iterdir() if p.is_dir()), key=lambda p: p.name)
    except OSError:
        return []
    found = ((api_name(f.name), pages_in(f)) for f in folders if _is_api_folder(f))
    return sorted((entry for entry in found if entry[1]), key=lambda entry: entry[0])

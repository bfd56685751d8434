"""Generate a client from a small OpenAPI document written by a test, and import it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.model import normalise
from generator.model.shapes import Api
from generator.scrape import read_openapi


def build_api(folder: Path, document: str, name: str, reporter: Reporter, **options: Any) -> Api:
    """The model of ``document`` (YAML text), written to ``folder`` first."""
    path = folder / f"{name}.yaml"
    path.write_text(document, encoding="utf-8")
    doc = read_openapi(path, reporter)
    assert doc is not None, [str(d) for d in reporter.items]
    base_url = doc.servers[0] if doc.servers else None
    return normalise(name, list(doc.pages), reporter, base_url=base_url, **options)


def write_package(folder: Path, api: Api) -> Path:
    """The generated package of ``api`` written under ``folder``; the folder to import from."""
    root = folder / "out"
    for rel, text in render_api(api, source_label=f"{api.name}.yaml").items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@contextmanager
def imported(root: Path, package: str) -> Iterator[Any]:
    """``package`` imported from ``root``, forgotten again afterwards."""
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == package]:
            del sys.modules[name]

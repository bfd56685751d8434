"""Generate a client from a small OpenAPI document written by a test, and import it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.model import normalise
from generator.model.shapes import Api
from generator.scrape import read_openapi
from tests.conftest import imported, write_files

__all__ = ["build_api", "imported", "write_package"]


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
    return write_files(folder / "out", render_api(api, source_label=f"{api.name}.yaml"))

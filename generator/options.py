"""What a run is asked to do (from the command line and ``[tool.doc2client]``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Options:
    templates: tuple[Path, ...] = ()
    name: str | None = None  # override the API name (one API only)
    base_url: str | None = None
    formatter: str = "black"
    include: tuple[str, ...] = ()  # operation id globs
    exclude: tuple[str, ...] = ()
    page_layout: str = ""  # layout of the pages written back ("": each page's own)


@dataclass(slots=True)
class RunStats:
    apis: list[tuple[str, int, int]] = field(default_factory=list)  # name, operations, shapes

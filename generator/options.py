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
    label: str | None = None  # how generated files name the source (a URL it was fetched from)
    root: Path | None = None  # sources are named relative to it (the configuration's folder)


@dataclass(slots=True)
class RunStats:
    apis: list[tuple[str, int, int]] = field(default_factory=list)  # name, operations, shapes

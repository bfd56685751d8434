"""What a run is asked to do (from the command line and ``[tool.doc2client]``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMATTERS = ("black", "ruff")  # ``--formatter`` and ``formatter =``; the first is the default


@dataclass(frozen=True, slots=True)
class Overrides:
    """Conventions set in ``[tool.doc2client.apis.NAME]`` (docs/conventions.md); None: read
    from the input."""

    wire_style: str | None = None  # "form", "spaceDelimited", "pipeDelimited", "deepObject"
    wire_explode: bool | None = None
    auth: tuple[str, ...] | None = None  # "bearer", "basic", "header:NAME", "query:NAME"
    idempotency_header: str | None = None  # "" turns a declared one off
    pagination: tuple[tuple[str, str], ...] | None = None  # Paging fields: style, parameter ...
    # the media types a body offered in several is sent in, in order of preference
    request_media_type: tuple[str, ...] | None = None
    base_url: str | None = None  # "base_url": where requests go (--base-url wins over it)


@dataclass(frozen=True, slots=True)
class Options:
    templates: tuple[Path, ...] = ()
    name: str | None = None  # override the API name (one API only)
    base_url: str | None = None
    formatter: str = FORMATTERS[0]
    include: tuple[str, ...] = ()  # operation id globs
    exclude: tuple[str, ...] = ()
    label: str | None = None  # how generated files name the source (a URL it was fetched from)
    root: Path | None = None  # sources are named relative to it (the configuration's folder)
    overrides: tuple[tuple[str, Overrides], ...] = ()  # by API name
    page_layout: str = ""  # layout of the pages written back ("": each page's own)
    responses: Path | None = None  # an OpenAPI document giving pages their response schemas

    def overrides_for(self, api: str) -> Overrides:
        """The configured conventions of ``api`` (none configured: all None)."""
        return dict(self.overrides).get(api, Overrides())


@dataclass(slots=True)
class RunStats:
    # name, operations, shapes, and the conventions line of the run summary
    apis: list[tuple[str, int, int, str]] = field(default_factory=list)
    # the files read besides the specs path (the targets of a document's $refs), with their
    # SHA-256 ("" when missing): a replayed run holds only while each keeps it
    inputs: list[tuple[str, str]] = field(default_factory=list)

"""``[tool.doc2client]`` in pyproject.toml: the same settings as the command line.

```toml
[tool.doc2client]
output = "generated"                 # the output folder
templates = ["my_templates"]         # searched before the built-in templates
formatter = "black"                  # or "ruff"

[tool.doc2client.apis.stripe]        # one table per API; the key names the package stripe_client
source = "specs/stripe"              # a folder of pages or an OpenAPI document, or a URL
base_url = "https://api.stripe.com"  # optional: overrides the pages' host
include = ["PostCustomers*"]         # optional: operation id globs
exclude = ["DeleteCustomersCustomer"]
page_layout = "61aca2d"              # optional: layout of the pages written back
responses = "openapi.json"           # optional: response schemas for pages, from this document
wire_style = "deepObject"            # optional conventions (docs/conventions.md): the style of
wire_explode = true                  #   query parameters and form fields the input leaves open,
auth = ["bearer"]                    #   "bearer", "basic", "header:NAME", "query:NAME",
idempotency_header = "Idempotency-Key"  # the header that makes POST and PATCH safe to retry
pagination = {style = "cursor", parameter = "page_token", next = "next_page_token"}
request_media_type = ["application/x-www-form-urlencoded"]  # bodies offered in several
```

A table for an API also applies when the API's source is given on the command line.

Which pyproject.toml: the first one holding a ``[tool.doc2client]`` table found walking up
from SPECS (its folder when it is a file), else from the working folder, as black's
``find_project_root`` does (``--config`` names one instead). Paths are relative to its folder.
Unknown keys are an error that names them, so a typo never silently does nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import did_you_mean
from generator.layouts import is_layout, layouts_text
from generator.options import FORMATTERS, Options, Overrides

CONVENTION_KEYS = ("wire_style", "wire_explode", "auth", "idempotency_header", "pagination",
                   "request_media_type")
PAGING_STYLES = ("cursor_id", "cursor", "next_url", "link_header", "page", "offset")
PAGING_KEYS = frozenset({"style", "parameter", "next", "items", "size", "backward", "has_more"})
WIRE_STYLES = ("form", "spaceDelimited", "pipeDelimited", "deepObject")

TOP_KEYS = frozenset({"output", "templates", "formatter", "apis"})
API_KEYS = frozenset({"source", "base_url", "include", "exclude", "page_layout", "responses",
                      *CONVENTION_KEYS})


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Job:
    """One API to generate: where it comes from and how."""

    source: Path | str  # a path, or an http(s) URL
    options: Options


@dataclass(frozen=True, slots=True)
class Config:
    output: Path | None
    jobs: tuple[Job, ...]
    formatter: str
    templates: tuple[Path, ...] = ()
    root: Path | None = None  # the pyproject.toml's folder: paths and source labels start here

    def options_for(self, source: Path | str) -> Options:
        """The options of the configured API whose ``source`` is ``source`` (a path is
        compared resolved); else the configuration's own: its ``formatter`` and
        ``templates``, and every API's conventions by name (``overrides``)."""
        for job in self.jobs:
            if _same_source(job.source, source):
                return job.options
        return Options(templates=self.templates, formatter=self.formatter,
                       overrides=self.overrides, root=self.root)  # fmt: skip

    @property
    def overrides(self) -> tuple[tuple[str, Overrides], ...]:
        """The configured conventions of every API, by name."""
        return tuple((job.options.name or "", job.options.overrides_for(job.options.name or ""))
                     for job in self.jobs)


def _same_source(a: Path | str, b: Path | str) -> bool:
    if isinstance(a, Path) and isinstance(b, Path):
        return Path(os.path.abspath(a)) == Path(os.path.abspath(b))
    return a == b


CACHE_NAME = ".doc2client-cache"


def find_config(start: Path) -> Path | None:
    """The first ``pyproject.toml`` with a ``[tool.doc2client]`` table in ``start`` or above.

    ``start`` is a folder or a file (then its folder); relative to the working folder. None
    when no folder up to the file system's root has one. An unreadable or invalid file is
    skipped here; naming it with ``--config`` reports its error.
    """
    start = Path(os.path.abspath(start))  # ".." folded, so parents walk up
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return candidate
    return None


def _has_table(pyproject: Path) -> bool:
    import tomllib  # only where there is a pyproject.toml to read

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "doc2client" in tool


def default_cache_dir(config: Config | None, output: Path | None) -> Path:
    """``.doc2client-cache`` beside the configuration, else the user's cache folder.

    The user's cache folder is ``$XDG_CACHE_HOME/doc2client``, or ``~/.cache/doc2client``
    (XDG Base Directory Specification). A cache that would fall inside ``output`` goes to the
    user's cache folder instead, so it is never taken for a foreign output file.
    """
    if config is not None and config.root is not None:
        beside = Path(os.path.abspath(config.root / CACHE_NAME))
        if output is None or not beside.resolve().is_relative_to(output.resolve()):
            return beside
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "doc2client"


def load_config(pyproject: Path) -> Config | None:
    """The ``[tool.doc2client]`` table of ``pyproject``, or None when there is none."""
    if not pyproject.is_file():
        return None
    where = str(pyproject)
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: error: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("doc2client")
    if table is None:
        return None
    return _parse(table, pyproject.parent, where)


def _parse(table: Any, root: Path, where: str) -> Config:
    section = "[tool.doc2client]"
    _expect(isinstance(table, dict), where, f"{section} must be a table")
    _unknown(table, TOP_KEYS, where, section)
    formatter = table.get("formatter", FORMATTERS[0])
    _expect(formatter in FORMATTERS, where, f"{section} formatter must be one of {FORMATTERS}")
    templates = _paths(table.get("templates", []), root, where, f"{section} templates")
    apis = table.get("apis", {})
    _expect(isinstance(apis, dict), where, f"{section} apis must be a table of tables")
    jobs = tuple(
        _job(name, api, root=root, where=where, templates=templates, formatter=formatter)
        for name, api in sorted(apis.items())
    )
    output = table.get("output")
    _expect(output is None or isinstance(output, str), where, f"{section} output must be a path")
    return Config(root / output if output else None, jobs, formatter, templates, root)


def _job(
    name: str, api: Any, *, root: Path, where: str, templates: tuple[Path, ...], formatter: str
) -> Job:
    section = f"[tool.doc2client.apis.{name}]"
    _expect(isinstance(api, dict), where, f"{section} must be a table")
    _unknown(api, API_KEYS, where, section)
    _expect(isinstance(api.get("source"), str), where, f"{section} needs source = PATH")
    layout = api.get("page_layout", "")
    _expect(is_layout(layout) or layout == "", where,
            f"{section} page_layout must be one of {layouts_text()}")  # fmt: skip
    responses = api.get("responses")
    _expect(responses is None or isinstance(responses, str), where,
            f"{section} responses: the path of an OpenAPI document")  # fmt: skip
    options = Options(
        templates=templates,
        name=name,
        formatter=formatter,
        include=_strings(api.get("include", []), where, f"{section} include"),
        exclude=_strings(api.get("exclude", []), where, f"{section} exclude"),
        page_layout=layout,
        responses=None if responses is None else root / responses,
        overrides=((name, _overrides(api, where, section)),),
        root=root,
    )
    source = api["source"]
    from generator.web import is_url  # lazy: the web fetcher is not needed to read a config

    return Job(source if is_url(source) else root / source, options)


def _overrides(api: dict[str, Any], where: str, section: str) -> Overrides:
    style, explode = api.get("wire_style"), api.get("wire_explode")
    _expect(style is None or style in WIRE_STYLES, where,
            f"{section} wire_style must be one of {', '.join(WIRE_STYLES)}")
    _expect(explode is None or isinstance(explode, bool), where,
            f"{section} wire_explode: true or false")
    auth = api.get("auth")
    words = None if auth is None else _strings(auth, where, f"{section} auth")
    _expect(words is None or all(_auth_word(w) for w in words), where,
            f'{section} auth: "bearer", "basic", "header:NAME" or "query:NAME"')
    header = api.get("idempotency_header")
    _expect(header is None or isinstance(header, str), where,
            f"{section} idempotency_header: a header name")
    base_url = api.get("base_url")
    _expect(base_url is None or isinstance(base_url, str), where, f"{section} base_url: a string")
    media = api.get("request_media_type")
    media_types = None if media is None else _strings(media, where,
                                                      f"{section} request_media_type")
    _expect(media_types is None or all("/" in m for m in media_types), where,
            f"{section} request_media_type: media types (type/subtype), in order of preference")
    pagination = _pagination(api.get("pagination"), where, section)
    return Overrides(style, explode, words, header, pagination, media_types, base_url)


def _pagination(value: Any, where: str, section: str) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    what = f"{section} pagination"
    _expect(isinstance(value, dict), where, f"{what} must be a table")
    _unknown(value, PAGING_KEYS, where, what)
    _expect(value.get("style") in PAGING_STYLES, where,
            f"{what} style must be one of {', '.join(PAGING_STYLES)}")
    _expect(all(isinstance(v, str) for v in value.values()), where, f"{what}: strings only")
    return tuple(sorted(value.items()))


def _auth_word(word: str) -> bool:
    kind, colon, name = word.partition(":")
    return word in ("bearer", "basic") or (
        kind in ("header", "query", "cookie") and bool(colon and name))


def _unknown(table: dict[str, Any], known: frozenset[str], where: str, section: str) -> None:
    extra = sorted(set(table) - known)
    if extra:
        names = ", ".join(f"{key}{did_you_mean(key, known)}" for key in extra)
        raise ConfigError(f"{where}: error: unknown key(s) in {section}: {names}")


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    _expect(ok, where, f"{what} must be a string or a list of strings")
    return tuple(value)


def _paths(value: Any, root: Path, where: str, what: str) -> tuple[Path, ...]:
    return tuple(root / v for v in _strings(value, where, what))


def _expect(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"{where}: error: {message}")

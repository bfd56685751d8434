"""``[tool.doc2client]`` in pyproject.toml: the same settings as the command line.

```toml
[tool.doc2client]
output = "generated"                 # the output folder
templates = ["my_templates"]         # searched before the built-in templates
formatter = "black"                  # or "ruff"

[tool.doc2client.apis.stripe]        # one table per API; the key names the package stripe_client
source = "specs/stripe"              # a folder of pages or an OpenAPI document
base_url = "https://api.stripe.com"  # optional: overrides the pages' host
include = ["PostCustomers*"]         # optional: operation id globs
exclude = ["DeleteCustomersCustomer"]
page_layout = "61aca2d"              # optional: layout of the pages written back
```

Paths are relative to the pyproject.toml's folder. Unknown keys are an error that names
them, so a typo never silently does nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.options import Options
from generator.scrape.layout import is_layout, layouts_text

TOP_KEYS = frozenset({"output", "templates", "formatter", "apis"})
API_KEYS = frozenset({"source", "base_url", "include", "exclude", "page_layout"})
FORMATTERS = ("black", "ruff")


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Job:
    """One API to generate: where it comes from and how."""

    source: Path
    options: Options


@dataclass(frozen=True, slots=True)
class Config:
    output: Path | None
    jobs: tuple[Job, ...]
    formatter: str
    templates: tuple[Path, ...] = ()


def load_config(pyproject: Path) -> Config | None:
    """The ``[tool.doc2client]`` table of ``pyproject``, or None when there is none."""
    if not pyproject.is_file():
        return None
    where = str(pyproject)
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
    formatter = table.get("formatter", "black")
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
    return Config(root / output if output else None, jobs, formatter, templates)


def _job(
    name: str, api: Any, *, root: Path, where: str, templates: tuple[Path, ...], formatter: str
) -> Job:
    section = f"[tool.doc2client.apis.{name}]"
    _expect(isinstance(api, dict), where, f"{section} must be a table")
    _unknown(api, API_KEYS, where, section)
    _expect(isinstance(api.get("source"), str), where, f"{section} needs source = PATH")
    base_url = api.get("base_url")
    _expect(base_url is None or isinstance(base_url, str), where, f"{section} base_url: a string")
    layout = api.get("page_layout", "")
    _expect(is_layout(layout) or layout == "", where,
            f"{section} page_layout must be one of {layouts_text()}")  # fmt: skip
    options = Options(
        templates=templates,
        name=name,
        base_url=base_url,
        formatter=formatter,
        include=_strings(api.get("include", []), where, f"{section} include"),
        exclude=_strings(api.get("exclude", []), where, f"{section} exclude"),
        page_layout=layout,
    )
    return Job(root / api["source"], options)


def _unknown(table: dict[str, Any], known: frozenset[str], where: str, section: str) -> None:
    extra = sorted(set(table) - known)
    if extra:
        names = ", ".join(extra)
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

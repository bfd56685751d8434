"""docs/internals.md is true: every name it documents is importable, with the parameters given.

In a section ``## generator.<package>``, each inline code span written as a call,
``name(params)`` or ``Class.method(params)``, names an attribute of that package, and the
parameter names (with ``*`` before keyword-only ones) are the function's own, in order.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, SEED_PAGE

INTERNALS = ROOT / "docs" / "internals.md"
SECTION = re.compile(r"^## (generator(?:\.\w+)?)\s*$", re.M)
CALL = re.compile(r"`(\w+(?:\.\w+)?)\(([^`]*)\)(?: -> [^`]*)?`")


def documented() -> list[tuple[str, str, str]]:
    """(module, name, parameter text) of every call-like code span of a module's section."""
    text = INTERNALS.read_text(encoding="utf-8")
    parts = SECTION.split(text)
    found = []
    for module, body in zip(parts[1::2], parts[2::2], strict=True):
        section = body.split("\n## ", 1)[0]
        found += [(module, name, params) for name, params in CALL.findall(section)]
    return found


def split_top(text: str) -> list[str]:
    """``text`` split at the commas outside brackets."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [i.strip() for i in [*items, current] if i.strip()]


def documented_names(params: str) -> list[str]:
    return [re.split(r"[:=]", p, maxsplit=1)[0].strip() for p in split_top(params)]


def actual_names(function: object) -> list[str]:
    names: list[str] = []
    star = False
    for p in inspect.signature(function).parameters.values():  # type: ignore[arg-type]
        if p.name == "self":
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            names.append("*")
            star = True
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        star |= p.kind is p.VAR_POSITIONAL
        names.append(prefix + p.name)
    return names


def _submodule(package: str, name: str) -> object:
    """``package.name`` as a module (``layout.layout_module`` names a function of a submodule)."""
    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError:
        return None


def test_every_documented_name_is_importable_with_its_parameters() -> None:
    spans = documented()
    assert len(spans) >= 15, spans  # the sections are there and read
    wrong = []
    for module, name, params in spans:
        target: object = importlib.import_module(module)
        for part in name.split("."):
            target = getattr(target, part, None) or _submodule(module, part)
            if target is None:
                wrong.append(f"{module}: no {name}")
                break
        else:
            if inspect.ismodule(target):  # ``census.py``: ``census(api)``: the module's function
                target = getattr(target, name.rsplit(".", 1)[-1], target)
            if documented_names(params) != actual_names(target):
                wrong.append(f"{module}.{name}({params}): the function takes "
                             f"({', '.join(actual_names(target))})")
    assert not wrong, "\n".join(wrong)


def test_every_module_file_named_exists() -> None:
    text = INTERNALS.read_text(encoding="utf-8")
    for path in re.findall(r"`(generator/[\w/]+(?:\.py)?/?)`", text):
        assert (ROOT / path).exists(), path


def test_the_base_url_walk_holds(tmp_path: Path) -> None:
    """The walk of ``--base-url`` in docs/internals.md, step by step, then end to end."""
    from generator.cli import _options, _parser, main
    from generator.diagnostics import Reporter
    from generator.emit.render import base_context
    from generator.pipeline import find_sources, load_api

    url = "https://example.test/v2"
    specs = tmp_path / "specs" / "stripe"
    specs.mkdir(parents=True)
    shutil.copy(SEED_PAGE, specs)
    argv = ["generate", str(tmp_path / "specs"), "-o", str(tmp_path / "out"), "--no-cache",
            "--quiet", "--base-url", url]  # fmt: skip
    options = _options(_parser().parse_args(argv), None)
    assert options.base_url == url
    reporter = Reporter()
    (source,) = find_sources(tmp_path / "specs", reporter)
    api = load_api(source, reporter, options)
    assert api is not None and api.base_url == url
    assert api.conventions.base_url_reason == "--base-url"
    assert base_context(api, "specs/stripe")["base_url"] == url
    assert main(argv) == 0
    written = (tmp_path / "out" / "stripe_client" / "stripe_client" / "_base.py").read_text()
    assert f"DEFAULT_BASE_URL = {json.dumps(url)}\n" in written

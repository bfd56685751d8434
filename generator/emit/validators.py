"""The generated ``_validators.py``: straight-line request checks, one function per operation.

Each named object shape becomes one private ``_check_<name>(value, problems)`` function with
the checks of every field written out inline; each operation with a body or query parameters
becomes one public function that returns every problem as ``(path, message)``. The generated
module uses the standard library only.

Semantics follow JSON Schema Draft 2020-12 as ``jsonschema`` applies it to the page's schema
(``1.0`` is an integer, ``True`` is not; ``maxLength`` counts code points), plus the Python
values the client also sends: ``datetime`` for unix-time integers, ``Decimal`` for decimal
strings, tuples for lists and any ``Mapping`` for objects. An open enum (the API bypasses
validation) accepts any string. Problems of a nested object carry paths relative to it; the
caller prefixes them only when there is a problem, so a valid payload builds no path string.

Here the checks are planned (``generator/emit/checks.py`` builds one node per shape, with
every name and literal ready; the nodes are in ``check_nodes.py``); the text comes from the
templates in ``templates/package/validators/``: one partial per check kind, all with the
macro ``check(node)``, and ``_validators.py.jinja`` for the module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2

from generator.emit.check_nodes import HELPERS, Chunk, FunctionPlan
from generator.emit.checks import object_plan, operation_plan
from generator.emit.python import request_shapes
from generator.memo import memoised, model_digest, shape_key
from generator.model.naming import abbreviated, python_identifier
from generator.model.refs import operation_refs
from generator.model.shapes import Api, Object, Operation

MODULE_TEMPLATE = "package/_validators.py.jinja"
FUNCTION_TEMPLATE = "package/validators/function.py.jinja"
LINE_LENGTH = 100  # of the generated code; a longer constant line is exempt from E501
HELPER_IMPORTS = {  # modules helpers use
    "_is_time": ("datetime",), "_is_number": ("numbers",), "_is_date": ("datetime", "re"),
    "_is_date_time": ("re",), "_is_uuid": ("uuid",), "_is_byte": ("re",), "_is_uri": ("re",),
}


def render_validators(api: Api, header: str, env: jinja2.Environment | None = None) -> str:
    """The full text of ``_validators.py`` for ``api`` (unformatted, deterministic).

    Each function is rendered with its own constants (a ``Chunk``, kept by the memo while
    its shape or operation is unchanged), then the constants get their module-wide names.
    """
    if env is None:
        from generator.emit.environment import make_environment

        env = make_environment()
    check_names = _check_names(api)
    checked = request_shapes(api)  # response types are not validated
    chunks = [_object_chunk(env, obj, check_names) for obj in api.shapes if obj.name in checked]
    chunks += [_operation_chunk(env, op, check_names) for op in api.operations if op.validator]
    module = _Module()
    functions = [_place(chunk, module) for chunk in chunks]
    helpers = _helpers_needed({name for chunk in chunks for name in chunk.needs.helpers})
    imports = {name for chunk in chunks for name in chunk.needs.imports}
    imports |= {m for h in helpers for m in HELPER_IMPORTS.get(h, ())}
    context = {
        "version_line": header.rstrip("\n"),
        "imports": _import_lines(imports),
        "helpers": [name.removeprefix("_") for name in helpers],  # the macros' names
        "constants": [_constant_line(name, text) for name, text in module.constants.items()],
        "functions": functions,
    }
    return env.get_template(MODULE_TEMPLATE).render(context)


def _import_lines(names: set[str]) -> list[str]:
    """The module's imports, sorted as ruff's isort sorts them."""
    lines = [f"import {name}" for name in sorted(names) if not name.startswith("_")]
    lines += ["from collections.abc import Mapping", "from typing import Any, TypeAlias"]
    if "_is_file" in names:  # what counts as a file is the encoder's to say
        lines += ["", "from ._encoding import _is_file"]
    return lines


def _helpers_needed(used: set[str]) -> list[str]:
    """The helpers ``used`` and those they call, in the order the module defines them."""
    needed = set(used)
    for name, calls in reversed(HELPERS.items()):
        if name in needed:
            needed.update(calls)
    return [name for name in HELPERS if name in needed]


def _render(env: jinja2.Environment, plan: FunctionPlan) -> Chunk:
    text = env.get_template(FUNCTION_TEMPLATE).render(function=plan)
    assert plan.needs is not None
    return Chunk(text.strip("\n") + "\n", plan.needs)


def _object_key(env: jinja2.Environment, obj: Object, check_names: dict[str, str]) -> list[str]:
    return ["validator-shape", shape_key(obj, check_names)]


@memoised(_object_key)
def _object_chunk(env: jinja2.Environment, obj: Object, check_names: dict[str, str]) -> Chunk:
    return _render(env, object_plan(obj, check_names))


def _operation_key(
    env: jinja2.Environment, op: Operation, check_names: dict[str, str]
) -> list[str]:
    refs = [f"{n}\0{check_names.get(n, '')}" for n in operation_refs(op)]
    return ["validator-op", model_digest(op), *refs]


@memoised(_operation_key)
def _operation_chunk(env: jinja2.Environment, op: Operation, check_names: dict[str, str]) -> Chunk:
    return _render(env, operation_plan(op, op.validator, check_names))


_NAME_LIMIT = 56
"""The longest shape part of a check function's name: its deepest use, a constant named after it
(``_<NAME>_VALUES``) tested eight levels in, then still fits a 100-character line."""


def _check_names(api: Api) -> dict[str, str]:
    """Model shape name → the name of its private check function, unique."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for obj in api.shapes:
        base = "_check_" + abbreviated(python_identifier(obj.name), _NAME_LIMIT)
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[obj.name] = name
    return names


@dataclass(slots=True)
class _Module:
    """The module's constants by name, and the name each literal got (shared where equal)."""

    constants: dict[str, str]
    names: dict[str, str]

    def __init__(self) -> None:
        self.constants, self.names = {}, {}

    def constant(self, wanted: str, literal: str) -> str:
        if literal not in self.names:
            name, n = wanted, 2
            while name in self.constants:
                name, n = f"{wanted}_{n}", n + 1
            self.names[literal] = name
            self.constants[name] = literal
        return self.names[literal]


_PLACEHOLDER = re.compile("\0(\\d+)\0")


def _place(chunk: Chunk, module: _Module) -> str:
    """The chunk's text with its constants named module-wide (a literal seen before keeps
    its first name). A constant may refer to an earlier one of the chunk."""
    names: list[str] = []
    for wanted, literal in chunk.needs.constants:
        text = _PLACEHOLDER.sub(lambda m: names[int(m.group(1))], literal)
        names.append(module.constant(wanted, text))
    return _PLACEHOLDER.sub(lambda m: names[int(m.group(1))], chunk.text)


def _constant_line(name: str, text: str) -> str:
    """``name = text``; a long string in parentheses on a line of its own where it fits there
    (as black and ruff both put it), else left long and exempt from E501."""
    line = f"{name} = {text}"
    if len(line) <= LINE_LENGTH or not text.startswith(("'", '"')):
        return line
    if len(text) + 4 <= LINE_LENGTH:
        return f"{name} = (\n    {text}\n)"
    return f"{line}  # noqa: E501"

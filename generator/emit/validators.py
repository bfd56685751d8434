"""The generated ``_validators.py``: straight-line request checks, one function per operation.

Each named object shape becomes one private ``_check_<name>(value, out)`` function with the
checks for every field written out inline; each operation with a body or query parameters
becomes one public function that returns every problem as ``(path, message)``. The generated
module uses the standard library only.

Semantics follow JSON Schema Draft 2020-12 as ``jsonschema`` applies it to the page's schema
(``1.0`` is an integer, ``True`` is not; ``maxLength`` counts code points), plus the Python
values the client also sends: ``datetime`` for unix-time integers, ``Decimal`` for decimal
strings, tuples for lists and any ``Mapping`` for objects. An open enum (the API bypasses
validation) accepts any string. Problems of a nested object carry paths relative to it; the
caller prefixes them only when there is a problem, so a valid payload builds no path string.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from generator.emit.python import pyrepr, request_shapes
from generator.memo import memoised, operation_refs, shape_key
from generator.model.naming import python_identifier
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Binary,
    Boolean,
    Emptyable,
    Enum,
    Field,
    Integer,
    Map,
    Number,
    Object,
    Operation,
    Parameter,
    Ref,
    Shape,
    String,
    Union,
)

# A path segment: ("lit", wire text) or ("var", loop variable name).
Segment = tuple[str, str]
Path = tuple[Segment, ...]

# Statements per generated function, below ruff's limit of 50 (PLR0915) with a margin.
MAX_STATEMENTS = 40
MAX_NAME = 48  # longer function names are shortened (with a digest) to keep lines short
LITERAL_WIDTH = 40  # longer text in a check becomes a module constant, so lines stay short
LINE_LENGTH = 100  # of the generated code; a longer constant line is exempt from E501

PRELUDE = '''\
"""Request validators: one function per operation, every problem as (path, message)."""

import datetime
{imports}import numbers
from collections.abc import Mapping
from typing import Any, TypeAlias

_Problems: TypeAlias = list[tuple[str, str]]
_SHOWN = 60  # characters of a value quoted in a message


def _got(value: object) -> str:
    return "None" if value is None else type(value).__name__


def _expected(what: str, value: object) -> str:
    return f"expected {{what}}, got {{_got(value)}}"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _is_int(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_time(value: object) -> bool:
    return _is_int(value) or isinstance(value, datetime.datetime)


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


def _is_file(value: object) -> bool:
    kinds = (str, bytes, bytearray, memoryview, tuple)
    return isinstance(value, kinds) or hasattr(value, "read") or hasattr(value, "__fspath__")


def _prefix(out: _Problems, start: int, prefix: str) -> None:
    for index in range(start, len(out)):
        path, message = out[index]
        out[index] = (f"{{prefix}}.{{path}}" if path else prefix, message)


def _not_one_of(value: object, allowed: frozenset[str]) -> str:
    shown = ", ".join(map(repr, sorted(allowed)))
    return f"{{_show(value)}} is not one of {{shown}}"


def _union(what: str, value: object, *tries: _Problems) -> str:
    """The message when no variant accepts ``value``: the nearest variant's problem."""
    near = [t for t in tries if not (t[0][0] == "" and t[0][1].startswith("expected "))]
    if len(near) == 1:
        path, message = near[0][0]
        return f"{{path}}: {{message}}" if path else message
    if near:
        return f"matches none of: {{what}}"
    return _expected(what, value)
'''


@dataclass(slots=True)
class _Module:
    """Module-level constants the checks share (enum sets, patterns), by their literal text."""

    constants: dict[str, str] = field(default_factory=dict)  # name -> literal
    names: dict[str, str] = field(default_factory=dict)  # literal -> name
    patterns: bool = False
    decimals: bool = False
    placeholders: bool = False  # name constants "\0<n>\0" (a chunk's, numbered later)
    prefixes: dict[str, str] = field(default_factory=dict)  # name -> prefix

    def constant(self, prefix: str, literal: str) -> str:
        if literal not in self.names:
            n = len(self.constants)
            name = f"\0{n}\0" if self.placeholders else f"_{prefix}{n}"
            self.names[literal] = name
            self.constants[name] = literal
            self.prefixes[name] = prefix
        return self.names[literal]


@dataclass(slots=True)
class _Emitter:
    """Writes the checks of one function; ``counter`` keeps variable names unique in it."""

    module: _Module
    check_names: dict[str, str]
    counter: int = 0

    def fresh(self) -> int:
        self.counter += 1
        return self.counter


def validator_name(op: Operation) -> str:
    """The public function name for ``op``: resource path and method, ``customers_update``."""
    return python_identifier("_".join((*op.resource, op.method_name)), fallback="op")


def has_validator(op: Operation) -> bool:
    """True when ``render_validators`` writes a function for ``op`` (a body or query params)."""
    return op.body is not None or bool(op.query_params)


def render_validators(api: Api, header: str) -> str:
    """The full text of ``_validators.py`` for ``api`` (unformatted, deterministic).

    Each function is written with its own constants (``_Chunk``), then numbered module-wide
    in order; an unchanged shape's or operation's chunk is kept (``@memoised``).
    """
    check_names = _check_names(api)
    checked = request_shapes(api)  # response types are not validated
    chunks = [_object_chunk(obj, check_names) for obj in api.shapes if obj.name in checked]
    chunks += [_operation_chunk(op, check_names)
               for op in api.operations if has_validator(op)]  # fmt: skip
    module = _Module()
    texts = [_place(chunk, module) for chunk in chunks]
    constants = "".join(_constant_line(name, text) for name, text in module.constants.items())
    decimals = any(c.decimals for c in chunks)
    patterns = any(c.patterns for c in chunks)
    imports = "import decimal\n" if decimals else ""
    prelude = PRELUDE.format(imports=imports + ("import re\n" if patterns else ""))
    body = "\n\n".join(texts)
    return f"{header}\n{prelude}\n{constants}\n\n{body}"


@dataclass(frozen=True, slots=True)
class _Chunk:
    """The functions of one shape or operation; constants as ``\\0<n>\\0`` placeholders."""

    text: str
    constants: tuple[tuple[str, str], ...]  # (prefix, literal) in first-use order
    patterns: bool
    decimals: bool


_PLACEHOLDER = re.compile("\0(\\d+)\0")


def _place(chunk: _Chunk, module: _Module) -> str:
    """The chunk's text with its constants named module-wide (first use numbers them).

    A constant may name an earlier one of the chunk (a pattern its text).
    """
    names: list[str] = []
    for prefix, literal in chunk.constants:
        text = _PLACEHOLDER.sub(lambda m: names[int(m.group(1))], literal)
        names.append(module.constant(prefix, text))
    return _PLACEHOLDER.sub(lambda m: names[int(m.group(1))], chunk.text)


def _constant_line(name: str, text: str) -> str:
    """``name = text``; a long string in parentheses on a line of its own where it fits there
    (as black and ruff both put it), else left long and exempt from E501."""
    line = f"{name} = {text}"
    if len(line) <= LINE_LENGTH or not text.startswith(("'", '"')):
        return f"{line}\n"
    if len(text) + 4 <= LINE_LENGTH:
        return f"{name} = (\n    {text}\n)\n"
    return f"{line}  # noqa: E501\n"


def _chunk(write: Callable[[_Emitter], str], check_names: dict[str, str]) -> _Chunk:
    local = _Module(placeholders=True)
    text = write(_Emitter(local, check_names))
    constants = tuple((local.prefixes[n], v) for n, v in local.constants.items())
    return _Chunk(text, constants, local.patterns, local.decimals)


@memoised(lambda obj, check_names: ["validator-shape", shape_key(obj, check_names)])
def _object_chunk(obj: Object, check_names: dict[str, str]) -> _Chunk:
    return _chunk(partial(_object_function, obj), check_names)


def _operation_key(op: Operation, check_names: dict[str, str]) -> list[str]:
    refs = [f"{n}\0{check_names.get(n, '')}" for n in operation_refs(op)]
    return ["validator-op", repr(op), *refs]


@memoised(_operation_key)
def _operation_chunk(op: Operation, check_names: dict[str, str]) -> _Chunk:
    return _chunk(partial(_operation_function, op), check_names)


def _check_names(api: Api) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for obj in api.shapes:
        base = _short_name("_check_" + python_identifier(obj.name))
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[obj.name] = name
    return names


def _object_function(obj: Object, em: _Emitter) -> str:
    """One check function, split in parts where ruff would find it too long (PLR0915)."""
    em.counter = 0
    name = em.check_names[obj.name]
    chunks = _chunks([_member_lines(f, "value", (), "out", em) for f in obj.fields])
    parts = [f"{name}_part{n}" for n in range(2, len(chunks) + 1)]
    head = [*chunks[0], *(f"{part}(value, out)" for part in parts)] if chunks else []
    functions = [_function(name, _object_lines(obj, head, em))]
    functions += [_function(part, chunk) for part, chunk in zip(parts, chunks[1:], strict=True)]
    return "\n\n".join(functions)


def _function(name: str, body: list[str]) -> str:
    lines = [f"def {name}(value: Any, out: _Problems) -> None:", *_indent(body or ["pass"])]
    return "\n".join(lines) + "\n"


def _chunks(blocks: list[list[str]]) -> list[list[str]]:
    """Blocks grouped so that no group has more than ``MAX_STATEMENTS`` statements."""
    chunks: list[list[str]] = []
    size = MAX_STATEMENTS
    for block in filter(None, blocks):
        source = "\n".join(block).replace("\0", "_")  # constants' placeholders (``_Chunk``)
        count = _statements(ast.parse(source).body)
        if size + count > MAX_STATEMENTS:
            chunks.append([])
            size = 0
        chunks[-1] += block
        size += count
    return chunks


def _statements(nodes: list[ast.stmt]) -> int:
    """Statements as ruff's too-many-statements rule counts them (for the code written here)."""
    count = 0
    for node in nodes:
        if isinstance(node, ast.If):
            count += 1 + _statements(node.body) + bool(node.orelse) + _statements(node.orelse)
        elif isinstance(node, ast.For):
            count += _statements(node.body)
        else:
            count += 1
    return count


def _object_lines(obj: Object, members: list[str], em: _Emitter) -> list[str]:
    var, out = "value", "out"
    where = _path_expr((), em)
    lines = [
        f"if not isinstance({var}, Mapping):",
        f'    {out}.append(({where}, _expected("an object", {var})))',
        "    return",
        *members,
    ]
    if not obj.additional:
        keys = em.module.constant("KEYS", _frozenset(f.wire_name for f in obj.fields))
        lines += [
            f"if not {keys}.issuperset({var}):",
            f"    for key in {var}:",
            f"        if key not in {keys}:",
            f'            {out}.append(({where}, f"unknown field {{_show(key)}}"))',
        ]
    return lines


def _member_lines(
    member: Field | Parameter, var: str, path: Path, out: str, em: _Emitter
) -> list[str]:
    """The checks of one member of mapping ``var``: present (or required), then its shape."""
    name = member.wire_name if isinstance(member, Field) else member.name
    what = "field" if isinstance(member, Field) else "parameter"
    shape, required = member.shape, member.required
    item = f"v{em.fresh()}"
    body = _shape_lines(shape, item, (*path, ("lit", name)), out, em)
    missing = _literal(f"missing required {what} {name!r}", em)
    report = f"    {out}.append(({_path_expr(path, em)}, {missing}))"
    if not body:
        return [f"if {pyrepr(name)} not in {var}:", report] if required else []
    lines = [f"if {pyrepr(name)} in {var}:", f"    {item} = {var}[{pyrepr(name)}]"]
    return [*lines, *_indent(body), *(["else:", report] if required else [])]


def _shape_lines(shape: Shape, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    """Statements that append the problems of ``var`` against ``shape`` to ``out``."""
    if isinstance(shape, Emptyable):
        return _emptyable_lines(shape, var, path, out, em)
    if isinstance(shape, Ref):
        return _ref_lines(shape, var, path, out, em)
    if isinstance(shape, Union):
        return _union_lines(shape, var, path, out, em)
    if isinstance(shape, Array | Map):
        return _container_lines(shape, var, path, out, em)
    if isinstance(shape, AnyShape):
        return []
    return _scalar_lines(shape, var, path, out, em, empty=False)


def _emptyable_lines(shape: Emptyable, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    inner = shape.shape
    if isinstance(inner, String | Enum):  # "" is one of their values already
        return _scalar_lines(inner, var, path, out, em, empty=True)
    if isinstance(inner, Integer | Number | Boolean | Binary):
        body = _scalar_lines(inner, var, path, out, em, empty=True)
    else:
        body = _shape_lines(inner, var, path, out, em)
    return [f'if {var} != "":', *_indent(body)] if body else []


def _ref_lines(shape: Ref, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    check = em.check_names[shape.name]
    if not path:
        return [f"{check}({var}, {out})"]
    start = f"n{em.fresh()}"
    return [
        f"{start} = len({out})",
        f"{check}({var}, {out})",
        f"if len({out}) > {start}:",
        f"    _prefix({out}, {start}, {_path_expr(path, em)})",
    ]


def _union_lines(shape: Union, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    """Try each variant into a scratch list; report one problem when none accepts ``var``."""
    tries = [f"u{em.fresh()}" for _ in shape.variants]
    message = f"_union({_literal(describe(shape), em)}, {var}, {', '.join(tries)})"
    lines = [f"{out}.append(({_path_expr(path, em)}, {message}))"]
    for scratch, variant in reversed(list(zip(tries, shape.variants, strict=True))):
        body = _shape_lines(variant, var, (), scratch, em)
        if not body:
            return []
        lines = [f"{scratch}: _Problems = []", *body, f"if {scratch}:", *_indent(lines)]
    return lines


def _container_lines(shape: Array | Map, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    n = em.fresh()
    where = _path_expr(path, em)
    if isinstance(shape, Array):
        test = f"type({var}) is list or isinstance({var}, (list, tuple))"
        loop, inner, what = f"for i{n}, e{n} in enumerate({var}):", shape.items, "a list"
        key = f"i{n}"
    else:
        test = f"isinstance({var}, Mapping)"
        loop, inner, what = f"for k{n}, e{n} in {var}.items():", shape.values, "an object"
        key = f"k{n}"
    body = _shape_lines(inner, f"e{n}", (*path, ("var", key)), out, em)
    fail = f"{out}.append(({where}, _expected({_literal(what, em)}, {var})))"
    if not body:
        return [f"if not ({test}):", f"    {fail}"]
    return [f"if {test}:", f"    {loop}", *_indent(_indent(body)), "else:", f"    {fail}"]


def _scalar_lines(
    shape: Shape, var: str, path: Path, out: str, em: _Emitter, *, empty: bool
) -> list[str]:
    """Type test, then value tests; ``empty``: ``""`` is accepted as well."""
    where = _path_expr(path, em)
    if isinstance(shape, Enum) and not shape.open:
        what = "one of " + ", ".join(repr(v) for v in enum_values(shape, empty))
    else:
        what = describe(shape) + (" or ''" if empty else "")
    ok, checks = _scalar_parts(shape, var, (where, out), em, empty)
    fail = f"{out}.append(({where}, _expected({_literal(what, em)}, {var})))"
    if not checks:
        return [f"if {_negate(ok)}:", f"    {fail}"]
    return [f"if {ok}:", *_indent(checks), "else:", f"    {fail}"]


def _scalar_parts(
    shape: Shape, var: str, report: tuple[str, str], em: _Emitter, empty: bool
) -> tuple[str, list[str]]:
    """The type test of a scalar and the statements that run when it passes.

    ``report`` is (path expression, problem list name).
    """
    if isinstance(shape, Enum):
        return _enum_parts(shape, var, report, em, empty)
    if isinstance(shape, String):
        em.module.decimals |= shape.format == "decimal"
        test = _string_test(var, shape.format == "decimal")
        return test, _string_checks(shape, var, report, em)
    if isinstance(shape, Integer):
        helper = "_is_time" if shape.format == "unix-time" else "_is_int"
        return f"type({var}) is int or {helper}({var})", []
    if isinstance(shape, Number):
        return f"type({var}) is float or type({var}) is int or _is_number({var})", []
    if isinstance(shape, Boolean):
        return f"type({var}) is bool", []
    if isinstance(shape, Binary):
        return f"_is_file({var})", []
    return "True", []


def _negate(test: str) -> str:
    if " or " in test:
        return f"not ({test})"
    return test.replace(" is ", " is not ") if " is " in test else f"not {test}"


def _string_test(var: str, decimal: bool) -> str:
    test = f"type({var}) is str or isinstance({var}, str)"
    return f"{test} or isinstance({var}, decimal.Decimal)" if decimal else test


def _string_checks(
    shape: String, var: str, report: tuple[str, str], em: _Emitter
) -> list[str]:
    where, out = report
    text = f"str({var})" if shape.format == "decimal" else var
    lines = []
    if shape.max_length is not None:
        limit = em.module.constant("MAX", str(shape.max_length))
        too_long = _literal(f"longer than {shape.max_length} characters", em)
        lines += [f"if len({text}) > {limit}:", f"    {out}.append(({where}, {too_long}))"]
    if shape.pattern is not None:
        em.module.patterns = True
        regex = em.module.constant("PATTERN", f"re.compile({_literal(shape.pattern, em)})")
        message = _literal(f"does not match the pattern {shape.pattern!r}", em)
        lines += [f"if {regex}.search({text}) is None:", f"    {out}.append(({where}, {message}))"]
    return lines


def _enum_parts(
    shape: Enum, var: str, report: tuple[str, str], em: _Emitter, empty: bool
) -> tuple[str, list[str]]:
    test = _string_test(var, False)
    if shape.open:
        return test, _string_checks(String(max_length=shape.max_length), var, report, em)
    where, out = report
    values = enum_values(shape, empty)
    allowed = em.module.constant("ENUM", _frozenset(values))
    problem = f"{out}.append(({where}, _not_one_of({var}, {allowed})))"
    return test, [f"if {var} not in {allowed}:", f"    {problem}"]


def enum_values(shape: Enum, empty: bool = False) -> list[str]:
    """The values a closed enum accepts, sorted: those longer than ``max_length`` never are."""
    values = set(shape.values) | ({""} if empty else set())
    limit = shape.max_length
    return sorted(v for v in values if limit is None or len(v) <= limit)


def describe(shape: Shape) -> str:
    """What a person should send, for messages: ``an object or a string``."""
    if isinstance(shape, Emptyable):
        return describe(shape.shape) + " or ''"
    if isinstance(shape, Union):
        parts = [describe(v) for v in shape.variants]
        return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else "".join(parts)
    if isinstance(shape, Enum) and not shape.open:
        return "one of " + ", ".join(repr(v) for v in enum_values(shape))
    return _DESCRIPTIONS.get(type(shape).__name__, "a string")


_DESCRIPTIONS = {
    "String": "a string", "Enum": "a string", "Integer": "an integer", "Number": "a number",
    "Boolean": "a boolean", "Array": "a list", "Map": "an object", "Ref": "an object",
    "Binary": "a file", "AnyShape": "anything",
}  # fmt: skip


def _operation_function(op: Operation, em: _Emitter) -> str:
    em.counter = 0
    name = validator_name(op)
    if op.body is not None and op.query_params:
        signature = "value: Mapping[str, Any], query: Mapping[str, Any] | None = None"
    else:
        signature = "value: Mapping[str, Any]"
    lines = [
        f"def {name}({signature}) -> list[tuple[str, str]]:",
        *_indent(_docstring(op)),
        "    out: _Problems = []",
    ]
    if op.body is not None:
        lines += _indent(_shape_lines(op.body.shape, "value", (), "out", em))
    helpers: list[str] = []
    if op.query_params:
        check = _short_name(f"_query_{name}")
        helpers = _query_functions(check, op.query_params, em)
        call = f"{check}(value, out)" if op.body is None else f"{check}(query, out)"
        lines += _indent([call] if op.body is None else ["if query is not None:", f"    {call}"])
    function = "\n".join([*lines, "    return out"]) + "\n"
    return "\n\n".join([*helpers, function])


def _docstring(op: Operation) -> list[str]:
    what = "body" if op.body is not None else "query parameters"
    if op.body is not None and op.query_params:
        what = "body and query parameters"
    op_id = re.sub(r"[^\w.-]", "", op.operation_id, flags=re.ASCII) or op.method
    return [f'"""Problems of the {what} of', f"{op_id}.", '"""']


def _query_functions(check: str, params: tuple[Parameter, ...], em: _Emitter) -> list[str]:
    """``check(value, out)``: the query parameters, split in parts like an object's fields."""
    chunks = _chunks([_member_lines(p, "value", (), "out", em) for p in params])
    parts = [f"{check}_part{n}" for n in range(2, len(chunks) + 1)]
    head = [*chunks[0], *(f"{part}(value, out)" for part in parts)] if chunks else []
    functions = [_function(check, head)]
    return functions + [_function(p, c) for p, c in zip(parts, chunks[1:], strict=True)]


def _short_name(name: str) -> str:
    """``name``, or a stable shortening of it, so that calls fit in a line."""
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9].rstrip('_')}_{digest}"


def _frozenset(values: Iterator[str] | list[str]) -> str:
    items = sorted(set(values))
    if not items:
        return "frozenset[str]()"
    return "frozenset({" + ", ".join(pyrepr(v) for v in items) + "})"


def _path_expr(path: Path, em: _Emitter) -> str:
    """A Python expression for a dotted path; built only where a problem is reported."""
    if all(kind == "lit" for kind, _ in path):
        return _literal(".".join(text for _, text in path), em)
    if all(re.fullmatch(r"[\w\-. ]*", text) for kind, text in path if kind == "lit"):
        joined = ".".join(text if kind == "lit" else "{" + text + "}" for kind, text in path)
        return f'f"{joined}"'
    parts = [pyrepr(text) if kind == "lit" else f"str({text})" for kind, text in path]
    return '".".join((' + ", ".join(parts) + ",))"


def _literal(text: str, em: _Emitter) -> str:
    """A string literal, or for long text a module constant (``_TEXT<n>``) that holds it.

    So a line in a function never needs splitting inside a string, which black and ruff
    would do differently.
    """
    if len(text) <= LITERAL_WIDTH:
        return pyrepr(text)
    return em.module.constant("TEXT", pyrepr(text))


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]

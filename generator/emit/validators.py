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
from typing import assert_never

from generator.emit.python import pyrepr, python_identifier
from generator.emit.validator_checks import (
    HELPER_IMPORTS,
    HELPER_NEEDS,
    HELPERS,
    array_checks,
    bounds_checks,
    compiled_pattern,
    const_test,
    const_words,
    count_checks,
    format_object_test,
    string_checks,
)
from generator.memo import memoised, operation_refs, shape_key
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Binary,
    Boolean,
    Const,
    Emptyable,
    Enum,
    Field,
    Integer,
    Keys,
    Map,
    Null,
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
{after}from collections.abc import Mapping
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
    needs: set[str] = field(default_factory=set)  # imports ("re") and helpers ("_is_uuid")
    placeholders: bool = False  # name constants "\0<n>\0" (a chunk's, numbered later)
    prefixes: dict[str, str] = field(default_factory=dict)  # name -> prefix

    def need(self, name: str) -> None:
        self.needs.add(name)

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
    joined = "_".join((*op.resource, op.method_name)).lower()
    name = python_identifier(re.sub(r"\W+", "_", joined, flags=re.ASCII).strip("_") or "op")
    return "op" + name if name.startswith("_") else name


def has_validator(op: Operation) -> bool:
    """True when ``render_validators`` writes a function for ``op`` (a body or query params)."""
    return op.body is not None or bool(op.query_params)


def render_validators(api: Api, header: str) -> str:
    """The full text of ``_validators.py`` for ``api`` (unformatted, deterministic).

    Each function is written with its own constants (``_Chunk``), then numbered module-wide
    in order; an unchanged shape's or operation's chunk is kept (``@memoised``).
    """
    check_names = _check_names(api)
    chunks = [_object_chunk(obj, check_names) for obj in api.shapes]
    chunks += [_operation_chunk(op, check_names)
               for op in api.operations if has_validator(op)]  # fmt: skip
    module = _Module()
    texts = [_place(chunk, module) for chunk in chunks]
    constants = "".join(_constant_line(name, text) for name, text in module.constants.items())
    needs = _closure({n for c in chunks for n in c.needs})
    imports = "".join(f"import {m}\n" for m in ("decimal",) if m in needs)
    after = "".join(f"import {m}\n" for m in ("re", "uuid") if m in needs)
    prelude = PRELUDE.format(imports=imports, after=after)
    helpers = "".join("\n" + text for name, text in HELPERS.items() if name in needs)
    body = "\n\n".join(texts)
    return f"{header}\n{prelude}{helpers}\n{constants}\n\n{body}"


def _closure(needs: set[str]) -> set[str]:
    """``needs`` with what its helpers need in turn (imports, other helpers)."""
    found = set(needs)
    for name in needs:
        for other in HELPER_NEEDS.get(name, ()):
            found |= _closure({other})
    for name in list(found):
        found.update(HELPER_IMPORTS.get(name, ()))
    return found


@dataclass(frozen=True, slots=True)
class _Chunk:
    """The functions of one shape or operation; constants as ``\\0<n>\\0`` placeholders."""

    text: str
    constants: tuple[tuple[str, str], ...]  # (prefix, literal) in first-use order
    needs: tuple[str, ...]  # imports and helpers its checks use


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
    return _Chunk(text, constants, tuple(sorted(local.needs)))


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
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", obj.name)
        base = _short_name("_check_" + python_identifier(snake).lower().strip("_"))
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
        *count_checks(obj.keys, var, (where, out), partial(_literal, em=em)),
    ]
    return lines + _other_keys_lines(obj, var, out, em)


def _other_keys_lines(obj: Object, var: str, out: str, em: _Emitter) -> list[str]:
    """Keys beside the fields: ``propertyNames``, ``patternProperties``, and the others
    refused (``additionalProperties: false``) or checked against ``extra``."""
    if obj.additional and obj.extra is None and obj.keys.names is None and not obj.keys.patterns:
        return []
    keys = em.module.constant("KEYS", _frozenset(f.wire_name for f in obj.fields))
    n = em.fresh()
    key, value, path = f"k{n}", f"e{n}", (("var", f"k{n}"),)
    if not obj.additional:
        rest = [f'{out}.append(({_path_expr((), em)}, f"unknown field {{_show({key})}}"))']
    else:
        rest = [] if obj.extra is None else _shape_lines(obj.extra, value, path, out, em)
    body = _key_lines(obj.keys, rest, (key, value), path, em, out=out, known=keys)
    if not body:
        return []
    uses_value = re.search(rf"\b{value}\b", "\n".join(body)) is not None
    head = f"for {key}, {value} in {var}.items():" if uses_value else f"for {key} in {var}:"
    loop = [head, *_indent(body)]
    if obj.keys.names is None and not obj.keys.patterns:
        return [f"if not {keys}.issuperset({var}):", *_indent(loop)]
    return loop


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
    match shape:
        case Emptyable():
            return _emptyable_lines(shape, var, path, out, em)
        case Ref():
            return _ref_lines(shape, var, path, out, em)
        case Union():
            return _union_lines(shape, var, path, out, em)
        case Array() | Map():
            return _container_lines(shape, var, path, out, em)
        case AnyShape():
            return []
        case String() | Integer() | Number() | Boolean() | Null() | Const() | Enum() | Binary():
            return _scalar_lines(shape, var, path, out, em, empty=False)
        case _:
            assert_never(shape)


def _emptyable_lines(shape: Emptyable, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    inner = shape.shape
    if isinstance(inner, String | Enum):  # "" is one of their values already
        return _scalar_lines(inner, var, path, out, em, empty=True)
    if isinstance(inner, Integer | Number | Boolean | Binary | Null | Const):
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
    if shape.exclusive or shape.discriminator is not None:
        return _exclusive_lines(shape, var, path, out, em)
    tries = [f"u{em.fresh()}" for _ in shape.variants]
    message = f"_union({_literal(describe(shape), em)}, {var}, {', '.join(tries)})"
    lines = [f"{out}.append(({_path_expr(path, em)}, {message}))"]
    for scratch, variant in reversed(list(zip(tries, shape.variants, strict=True))):
        body = _shape_lines(variant, var, (), scratch, em)
        if not body:
            return []
        lines = [f"{scratch}: _Problems = []", *body, f"if {scratch}:", *_indent(lines)]
    return lines


def _exclusive_lines(shape: Union, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    """``oneOf``: every variant is tried and exactly one must accept ``var`` (JSON Schema
    2020-12, 10.2.1.3). With a discriminator, a value whose tag names a variant that rejects
    it gets that variant's problems, at their own paths."""
    tries = [f"u{em.fresh()}" for _ in shape.variants]
    lines: list[str] = []
    for scratch, variant in zip(tries, shape.variants, strict=True):
        lines += [f"{scratch}: _Problems = []", *_shape_lines(variant, var, (), scratch, em)]
    where = _path_expr(path, em)
    passed = " + ".join(f"(not {t})" for t in tries)
    count = f"n{em.fresh()}"
    none = f"_union({_literal(describe(shape), em)}, {var}, {', '.join(tries)})"
    many = _literal("matches more than one of: " + describe(shape), em) if shape.exclusive \
        else None
    nothing = _tagged_report(shape, var, tries, (where, out), em, none=none)
    report = [f"if {count} == 0:", *_indent(nothing)]
    if many is not None:
        report += [f"elif {count} > 1:", f"    {out}.append(({where}, {many}))"]
    return [*lines, f"{count} = {passed}", *report]


def _tagged_report(
    shape: Union, var: str, tries: list[str], report: tuple[str, str], em: _Emitter, *, none: str
) -> list[str]:
    """The problems reported when no variant accepts ``var``."""
    where, out = report
    plain = [f"{out}.append(({where}, {none}))"]
    tagged = shape.discriminator
    if tagged is None:
        return plain
    chosen = em.module.constant("TAGS", "{" + ", ".join(
        f"{pyrepr(tag)}: {index}" for tag, index in tagged.mapping) + "}")
    tag, start = f"t{em.fresh()}", f"n{em.fresh()}"
    scratch = "(" + ", ".join(tries) + ",)"
    return [
        f"{tag} = {var}.get({pyrepr(tagged.property)}) if isinstance({var}, Mapping) else None",
        f"if isinstance({tag}, str) and {tag} in {chosen}:",
        f"    {start} = len({out})",
        f"    {out}.extend({scratch}[{chosen}[{tag}]])",
        *(["    _prefix(" + f"{out}, {start}, {where})"] if where != '""' else []),
        "else:",
        *_indent(plain),
    ]


def _container_lines(shape: Array | Map, var: str, path: Path, out: str, em: _Emitter) -> list[str]:
    n = em.fresh()
    where = _path_expr(path, em)
    lit = partial(_literal, em=em)
    if isinstance(shape, Array):
        test = f"type({var}) is list or isinstance({var}, (list, tuple))"
        loop, what = f"for i{n}, e{n} in enumerate({var}):", "a list"
        body = _shape_lines(shape.items, f"e{n}", (*path, ("var", f"i{n}")), out, em)
        checks = array_checks(shape, var, (where, out), lit, em.module.need)
    else:
        test = f"isinstance({var}, Mapping)"
        loop, what = f"for k{n}, e{n} in {var}.items():", "an object"
        where_key = (*path, ("var", f"k{n}"))
        rest = _shape_lines(shape.values, f"e{n}", where_key, out, em)
        body = _key_lines(shape.keys, rest, (f"k{n}", f"e{n}"), where_key, em, out=out,
                          known=None)
        checks = count_checks(shape.keys, var, (where, out), lit)
    fail = f"{out}.append(({where}, _expected({_literal(what, em)}, {var})))"
    if not body and not checks:
        return [f"if not ({test}):", f"    {fail}"]
    inner = [loop, *_indent(body)] if body else []
    return [f"if {test}:", *_indent(checks + inner), "else:", f"    {fail}"]


def _key_lines(
    keys: Keys, rest: list[str], entry: tuple[str, str], path: Path, em: _Emitter, *,
    out: str, known: str | None,
) -> list[str]:  # fmt: skip
    """The checks of one entry (``key``, ``value``) of an object or map: ``propertyNames``,
    then every matching ``patternProperties``, then ``rest`` for a key that is neither a
    field (``known``) nor matched by a pattern (JSON Schema 2020-12, 10.3.2)."""
    key, value = entry
    lines: list[str] = []
    if keys.names is not None:
        lines += _shape_lines(keys.names, key, path, out, em)
    matched: list[str] = []
    for rule in keys.patterns:
        regex = compiled_pattern(rule.pattern, partial(_literal, em=em),
                                 constant=em.module.constant, need=em.module.need)
        test = f"isinstance({key}, str) and {regex}.search({key}) is not None"
        matched.append(test)
        body = _shape_lines(rule.shape, value, path, out, em)
        lines += [f"if {test}:", *_indent(body)] if body else []
    skip = ([f"{key} in {known}"] if known else []) + matched
    if rest and skip == [f"{key} in {known}"]:
        return [*lines, f"if {key} not in {known}:", *_indent(rest)]
    if rest and skip:
        return [*lines, f"if not ({' or '.join(skip)}):", *_indent(rest)]
    return lines + rest


def _scalar_lines(
    shape: Scalar, var: str, path: Path, out: str, em: _Emitter, *, empty: bool
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


Scalar = String | Integer | Number | Boolean | Null | Const | Enum | Binary


def _scalar_parts(
    shape: Scalar, var: str, report: tuple[str, str], em: _Emitter, empty: bool
) -> tuple[str, list[str]]:
    """The type test of a scalar and the statements that run when it passes.

    ``report`` is (path expression, problem list name).
    """
    lit = partial(_literal, em=em)
    match shape:
        case Enum():
            return _enum_parts(shape, var, report, em, empty)
        case String():
            return _string_parts(shape, var, report, em)
        case Integer():
            helper = "_is_time" if shape.format == "unix-time" else "_is_int"
            checks = bounds_checks(shape.bounds, var, report, lit)
            if checks and shape.format == "unix-time":
                checks = [f"if not isinstance({var}, datetime.datetime):", *_indent(checks)]
            return f"type({var}) is int or {helper}({var})", checks
        case Number():
            test = f"type({var}) is float or type({var}) is int or _is_number({var})"
            return test, bounds_checks(shape.bounds, var, report, lit)
        case Boolean():
            return f"type({var}) is bool", []
        case Null():
            return f"{var} is None", []
        case Const():
            return const_test(shape, var, em.module.constant), []
        case Binary():
            return f"_is_file({var})", []
        case _:
            assert_never(shape)


def _negate(test: str) -> str:
    if " or " in test:
        return f"not ({test})"
    return test.replace(" is ", " is not ") if " is " in test else f"not {test}"


def _string_test(var: str, decimal: bool) -> str:
    test = f"type({var}) is str or isinstance({var}, str)"
    return f"{test} or isinstance({var}, decimal.Decimal)" if decimal else test


def _string_parts(
    shape: String, var: str, report: tuple[str, str], em: _Emitter
) -> tuple[str, list[str]]:
    decimal = shape.format == "decimal"
    if decimal:
        em.module.need("decimal")
    text = f"str({var})" if decimal else var
    lit = partial(_literal, em=em)
    checks = string_checks(shape, text, report, lit, constant=em.module.constant,
                           need=em.module.need)
    other = format_object_test(shape, var)
    if not other:
        return _string_test(var, decimal), checks
    em.module.need("uuid") if shape.format == "uuid" else None
    test = _string_test(var, False)
    guarded = [f"if {test}:", *_indent(checks)] if checks else []
    return f"{test} or {other}", guarded


def _enum_parts(
    shape: Enum, var: str, report: tuple[str, str], em: _Emitter, empty: bool
) -> tuple[str, list[str]]:
    test = _string_test(var, False)
    if shape.open:
        return _string_parts(String(max_length=shape.max_length), var, report, em)
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
    match shape:
        case Emptyable():
            return describe(shape.shape) + " or ''"
        case Union():
            parts = list(dict.fromkeys(describe(v) for v in shape.variants))
            return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else "".join(parts)
        case Enum() if not shape.open:
            return "one of " + ", ".join(repr(v) for v in enum_values(shape))
        case Const():
            return const_words(shape)
        case String() | Enum():
            return "a string"
        case Integer():
            return "an integer"
        case Number():
            return "a number"
        case Boolean():
            return "a boolean"
        case Null():
            return "null"
        case Array():
            return "a list"
        case Map() | Ref():
            return "an object"
        case Binary():
            return "a file"
        case AnyShape():
            return "anything"
        case _:
            assert_never(shape)


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

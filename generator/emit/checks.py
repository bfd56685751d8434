"""The plan of ``_validators.py``: one check node per shape, every name and literal ready.

A node says what to check and where (``At``: the local holding the value, its path as a
Python expression, the list problems go to); the template partial of its ``kind``
(``templates/package/validators/<kind>.py.jinja``, macro ``check(node)``) writes the code.
Adding a check kind is one node class here, one case in ``_check``, one partial.

Module constants (enum sets, compiled patterns, long texts) are named here for what they
hold (``_TAX_EXEMPT_VALUES``) and written into the text as placeholders ``\\0<n>\\0``; the
module gives them their final names (``validators._place``), sharing equal ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, assert_never

from generator.emit.python import pyrepr
from generator.model.naming import python_identifier
from generator.model.shapes import (
    AnyShape,
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

_PLAIN = re.compile(r"[\w\-. ]*")  # path segments an f-string can hold as they are
LITERAL_WIDTH = 40  # longer text in a check becomes a module constant, so lines stay short

# Helper functions of the generated module, in the order it defines them, with the helpers
# each one calls. A partial that uses a helper names it in the node's ``helpers``.
HELPERS: dict[str, tuple[str, ...]] = {
    "_got": (),
    "_expected": ("_got",),
    "_show": (),
    "_values": (),
    "_expected_one_of": ("_expected", "_values"),
    "_not_one_of": ("_show", "_values"),
    "_missing": (),
    "_unknown": ("_show",),
    "_too_long": (),
    "_no_match": (),
    "_is_int": (),
    "_is_time": ("_is_int",),
    "_is_number": (),
    "_prefix": (),
    "_union": ("_expected",),
}
# Names a local variable of a generated function may not take: the parameters, the locals
# the partials use, and the modules and names the module imports.
TAKEN = frozenset({
    "value", "query", "problems", "start", "index", "item", "key", "Any", "Mapping",
    "datetime", "decimal", "numbers", "re",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class At:
    """Where a check looks: the local holding the value, its path, the list problems go to."""

    value: str
    path: str  # a Python expression (a literal, an f-string or a join)
    problems: str


@dataclass(frozen=True, slots=True)
class StringCheck:
    kind: ClassVar[str] = "string"
    at: At
    expected: str  # literal (or constant) for the message when ``value`` is no string
    decimal: bool  # ``decimal.Decimal`` is accepted too (and measured as ``str(value)``)
    max_length: int | None
    pattern: str | None  # the compiled pattern's constant

    @property
    def text(self) -> str:
        """The expression whose length and match are checked."""
        return f"str({self.at.value})" if self.decimal else self.at.value


@dataclass(frozen=True, slots=True)
class EnumCheck:
    kind: ClassVar[str] = "enum"
    at: At
    allowed: str  # the constant holding the frozenset of values


@dataclass(frozen=True, slots=True)
class ScalarCheck:
    """A type test only: ``integer``, ``unix_time``, ``number``, ``boolean``, ``binary``."""

    at: At
    expected: str
    kind: str


@dataclass(frozen=True, slots=True)
class ArrayCheck:
    kind: ClassVar[str] = "array"
    at: At
    index: str
    item: str
    items: Check | None


@dataclass(frozen=True, slots=True)
class MapCheck:
    kind: ClassVar[str] = "map"
    at: At
    key: str
    item: str
    values: Check | None


@dataclass(frozen=True, slots=True)
class RefCheck:
    kind: ClassVar[str] = "ref"
    at: At
    function: str
    nested: bool  # problems get the path as prefix (not at the root)


@dataclass(frozen=True, slots=True)
class UnionCheck:
    kind: ClassVar[str] = "union"
    at: At
    description: str  # literal (or constant): what a person should send
    variants: tuple[Check, ...]  # each checks into its own list, ``variant.at.problems``


@dataclass(frozen=True, slots=True)
class EmptyableCheck:
    kind: ClassVar[str] = "emptyable"
    at: At
    inner: Check


Check = (
    StringCheck | EnumCheck | ScalarCheck | ArrayCheck | MapCheck | RefCheck | UnionCheck
    | EmptyableCheck
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Member:
    """One field of an object or one query parameter: present (or required), then checked."""

    key: str  # literal of the wire name
    local: str
    source: str  # the mapping it is read from
    check: Check | None
    missing: str | None  # the problem when it is required and absent (an expression)
    where: str  # path expression of the mapping


@dataclass(frozen=True, slots=True)
class FunctionPlan:
    """One function of the module: an object's check or an operation's validator."""

    kind: str  # "object" or "operation"
    name: str
    signature: str
    doc: str
    members: tuple[Member, ...] = ()
    fields: str | None = None  # constant of the known keys of a closed object
    body: Check | None = None  # an operation's body check (on ``value``)
    query: tuple[Member, ...] = ()  # an operation's query parameters
    query_optional: bool = False  # ``query`` may be None (the operation has a body too)
    needs: Needs | None = None


@dataclass(frozen=True, slots=True)
class Needs:
    """What a function needs from its module."""

    constants: tuple[tuple[str, str], ...]  # (wanted name, literal) in first-use order
    imports: tuple[str, ...]  # names of the module's optional imports (``IMPORTS``)
    helpers: tuple[str, ...]  # names of helper functions (``HELPERS``)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A rendered function: its text (constants as placeholders) and what it needs."""

    text: str
    needs: Needs


@dataclass(slots=True)
class _Planner:
    """Collects the constants, imports, helpers and local names of one function."""

    check_names: dict[str, str]
    owner: str  # upper-case stem for constants at the root (``CUSTOMER_PARAM``)
    constants: dict[str, tuple[str, str]] = field(default_factory=dict)  # literal → (ph, name)
    imports: set[str] = field(default_factory=set)
    helpers: set[str] = field(default_factory=set)
    depth: int = 0  # loops around the check being planned
    taken: set[str] = field(default_factory=lambda: set(TAKEN))

    def constant(self, wanted: str, literal: str) -> str:
        if literal not in self.constants:
            self.constants[literal] = (f"\0{len(self.constants)}\0", wanted)
        return self.constants[literal][0]

    def literal(self, text: str, wanted: str) -> str:
        """A string literal; long text as a module constant, so lines need no splitting."""
        return pyrepr(text) if len(text) <= LITERAL_WIDTH else self.constant(wanted, pyrepr(text))

    def use(self, *helpers: str) -> None:
        self.helpers.update(helpers)

    def unique(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3`` ... whichever the function has not used yet."""
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name

    def fresh(self, base: str) -> str:
        """``base`` at the outermost loop, ``base_2`` one level in, and so on."""
        return base if self.depth == 0 else f"{base}_{self.depth + 1}"

    def needs(self) -> Needs:
        """What the function planned so far needs from the module."""
        constants = tuple((wanted, literal) for literal, (_, wanted) in self.constants.items())
        return Needs(constants, tuple(sorted(self.imports)), tuple(sorted(self.helpers)))


Segment = tuple[str, str]  # ("lit", wire text) or ("var", loop variable)


def object_plan(obj: Object, check_names: dict[str, str]) -> FunctionPlan:
    name = check_names[obj.name]
    p = _Planner(check_names, name.removeprefix("_check_").upper())
    p.use("_expected")
    members = tuple(m for f in obj.fields if (m := _member(f, "value", p)) is not None)
    fields = None
    if not obj.additional:
        keys = _frozenset(f.wire_name for f in obj.fields)
        fields = p.constant(f"_{p.owner}_FIELDS", keys)
        p.use("_unknown")
    doc = f"The problems of a ``{obj.name}`` object."
    signature = "value: Any, problems: _Problems"
    return FunctionPlan("object", name, signature, doc, members, fields, needs=p.needs())


def operation_plan(op: Operation, name: str, check_names: dict[str, str]) -> FunctionPlan:
    p = _Planner(check_names, python_identifier(name).upper())
    body = None
    if op.body is not None:
        body = _check(op.body.shape, At("value", '""', "problems"), (), p)
    source = "query" if op.body is not None else "value"
    query = tuple(m for q in op.query_params if (m := _member(q, source, p)) is not None)
    signature = "value: Mapping[str, Any]"
    if op.body is not None and op.query_params:
        signature += ", query: Mapping[str, Any] | None = None"
    return FunctionPlan("operation", name, signature, _operation_doc(op), body=body,
                        query=query, query_optional=op.body is not None,
                        needs=p.needs())  # fmt: skip


def _operation_doc(op: Operation) -> str:
    what = "body" if op.body is not None else "query parameters"
    if op.body is not None and op.query_params:
        what = "body and query parameters"
    return f"The problems of the {what} of {op.method} {op.path} ({op.operation_id})."


def _member(member: Field | Parameter, source: str, p: _Planner) -> Member | None:
    """The member's check; None when any value (or none) will do."""
    name = member.wire_name if isinstance(member, Field) else member.name
    what = "field" if isinstance(member, Field) else "parameter"
    local = python_identifier(name)
    while local in p.taken:
        local += "_"
    check = _check(member.shape, At(local, "", "problems"), (("lit", name),), p)
    missing = None
    if check is None and not member.required:
        return None
    if member.required:
        p.use("_missing")
        missing = f"_missing({pyrepr(what)}, {pyrepr(name)})"
    return Member(pyrepr(name), local, source, check, missing, '""')


def _check(shape: Shape, at: At, path: tuple[Segment, ...], p: _Planner) -> Check | None:
    """The check of ``at.value`` against ``shape``; None when anything is accepted."""
    at = At(at.value, _path_expr(path, p), at.problems)
    match shape:
        case AnyShape():
            return None
        case Ref():
            p.use("_prefix") if path else None
            return RefCheck(at, p.check_names[shape.name], bool(path))
        case Emptyable():
            return _emptyable(shape, at, path, p)
        case Union():
            return _union(shape, at, p)
        case Array() | Map():
            return _container(shape, at, path, p)
        case String() | Enum() | Integer() | Number() | Boolean() | Binary():
            return _scalar(shape, at, path, p, empty=False)
        case Object():
            raise AssertionError("an object in a field is a Ref by normalisation")
        case _:
            assert_never(shape)


def _emptyable(shape: Emptyable, at: At, path: tuple[Segment, ...], p: _Planner) -> Check | None:
    inner = shape.shape
    if isinstance(inner, String | Enum):  # "" is one of their values already
        return _scalar(inner, at, path, p, empty=True)
    check: Check | None
    if isinstance(inner, Integer | Number | Boolean | Binary):
        check = _scalar(inner, at, path, p, empty=True)
    else:
        check = _check(inner, at, path, p)
    return EmptyableCheck(at, check) if check is not None else None


def _union(shape: Union, at: At, p: _Planner) -> Check | None:
    """Each variant checks into a list of its own; one problem when none accepts the value."""
    p.use("_union")
    variants = []
    for n, variant in enumerate(shape.variants, start=1):
        tried = At(at.value, '""', p.unique(f"{at.value.rstrip('_')}_variant_{n}"))
        check = _check(variant, tried, (), p)
        if check is None:
            return None  # a variant that accepts anything: so does the union
        variants.append(check)
    description = p.literal(describe(shape), f"_{_stem(at, p)}_EXPECTED")
    return UnionCheck(at, description, tuple(variants))


def _container(
    shape: Array | Map, at: At, path: tuple[Segment, ...], p: _Planner
) -> ArrayCheck | MapCheck:
    p.use("_expected")
    index, item = p.fresh("index" if isinstance(shape, Array) else "key"), p.fresh("item")
    p.depth += 1
    inner = shape.items if isinstance(shape, Array) else shape.values
    check = _check(inner, At(item, "", at.problems), (*path, ("var", index)), p)
    p.depth -= 1
    if isinstance(shape, Array):
        return ArrayCheck(at, index, item, check)
    return MapCheck(at, index, item, check)


def _scalar(
    shape: String | Enum | Integer | Number | Boolean | Binary, at: At,
    path: tuple[Segment, ...], p: _Planner, *, empty: bool,
) -> Check:  # fmt: skip
    """The check of a scalar; ``empty``: ``""`` is accepted as well."""
    stem = _stem(at, p)
    if isinstance(shape, Enum) and not shape.open:
        p.use("_expected_one_of", "_not_one_of")
        allowed = p.constant(f"_{stem}_VALUES", _frozenset(enum_values(shape, empty)))
        return EnumCheck(at, allowed)
    expected = p.literal(describe(shape) + (" or ''" if empty else ""), f"_{stem}_EXPECTED")
    p.use("_expected")
    match shape:
        case String() | Enum():
            return _string(shape, at, expected, stem, p)
        case Integer():
            kind = "unix_time" if shape.format == "unix-time" else "integer"
            p.use("_is_time" if kind == "unix_time" else "_is_int")
            return ScalarCheck(at, expected, kind)
        case Number():
            p.use("_is_number")
            return ScalarCheck(at, expected, "number")
        case Boolean():
            return ScalarCheck(at, expected, "boolean")
        case Binary():
            p.imports.add("_is_file")
            return ScalarCheck(at, expected, "binary")
        case _:
            assert_never(shape)


def _string(shape: String | Enum, at: At, expected: str, stem: str, p: _Planner) -> StringCheck:
    if isinstance(shape, Enum):  # an open enum: any string (of at most ``max_length``)
        shape = String(max_length=shape.max_length)
    decimal = shape.format == "decimal"
    if decimal:
        p.imports.add("decimal")
    if shape.max_length is not None:
        p.use("_too_long")
    pattern = None
    if shape.pattern is not None:
        p.imports.add("re")
        p.use("_no_match")
        source = p.literal(shape.pattern, f"_{stem}_PATTERN_TEXT")
        pattern = p.constant(f"_{stem}_PATTERN", f"re.compile({source})")
    return StringCheck(at, expected, decimal, shape.max_length, pattern)


def _stem(at: At, p: _Planner) -> str:
    """Upper-case stem of a constant's name: the field the value is in, else the owner."""
    name = at.value
    if name in {"value", "item"} or name.startswith("item_"):
        return p.owner
    return name.strip("_").upper() or p.owner


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


def _frozenset(values: Iterable[str]) -> str:
    items = sorted(set(values))
    if not items:
        return "frozenset[str]()"
    return "frozenset({" + ", ".join(pyrepr(v) for v in items) + "})"


def _path_expr(path: tuple[Segment, ...], p: _Planner) -> str:
    """A Python expression for a dotted path; evaluated only where a problem is reported."""
    if all(kind == "lit" for kind, _ in path):
        wanted = f"_{python_identifier(path[-1][1]).upper()}_PATH" if path else ""
        return p.literal(".".join(text for _, text in path), wanted)
    if all(_PLAIN.fullmatch(text) for kind, text in path if kind == "lit"):
        joined = ".".join(text if kind == "lit" else "{" + text + "}" for kind, text in path)
        return f'f"{joined}"'
    parts = [pyrepr(text) if kind == "lit" else f"str({text})" for kind, text in path]
    return '".".join((' + ", ".join(parts) + ",))"


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
from dataclasses import dataclass, field, replace
from typing import ClassVar, assert_never

from generator.emit.python import pyrepr
from generator.model import shapes as s
from generator.model.naming import python_identifier
from generator.model.pattern import translate

_PLAIN = re.compile(r"[\w\-. ]*")  # path segments an f-string can hold as they are
LITERAL_WIDTH = 40  # longer text in a check becomes a module constant, so lines stay short

# Helper functions of the generated module, in the order it defines them, with the helpers
# each one calls. A partial that uses a helper names it in the node's ``helpers``.
HELPERS: dict[str, tuple[str, ...]] = {
    "_show": (),
    "_got": ("_show",),
    "_expected": ("_got",),
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
    "_matched": (),
    "_is_date": (),
    "_is_date_time": ("_is_date",),
    "_is_uuid": (),
    "_is_byte": (),
    "_is_uri": (),
    "_json_key": (),
    "_has_duplicates": ("_json_key",),
}
# The check each ``format`` the model checks calls, and what the message says it is not.
FORMAT_CHECKS = {
    "date-time": ("_is_date_time", "a date-time (RFC 3339)"),
    "date": ("_is_date", "a date (RFC 3339 full-date)"),
    "uuid": ("_is_uuid", "a UUID"),
    "byte": ("_is_byte", "base64 text"),
    "uri": ("_is_uri", "an absolute URI"),
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
class Limit:
    """One keyword checked on a value of the right type: ``test`` is true when it is broken,
    ``message`` the problem (both Python expressions)."""

    test: str
    message: str


@dataclass(frozen=True, slots=True)
class StringCheck:
    kind: ClassVar[str] = "string"
    at: At
    expected: str  # literal (or constant) for the message when ``value`` is no string
    test: str  # the type test
    limits: tuple[Limit, ...]  # lengths, pattern, format
    objects: str = ""  # a test for the Python objects also accepted (``uuid.UUID``), or ""


@dataclass(frozen=True, slots=True)
class EnumCheck:
    kind: ClassVar[str] = "enum"
    at: At
    allowed: str  # the constant holding the frozenset of values


@dataclass(frozen=True, slots=True)
class ScalarCheck:
    """A type test, then limits: ``integer``, ``unix_time``, ``number``, ``boolean``,
    ``binary``, ``null``, ``const`` (``test`` is the type or value test)."""

    at: At
    expected: str
    kind: str
    test: str
    limits: tuple[Limit, ...] = ()
    objects: str = ""


@dataclass(frozen=True, slots=True)
class ArrayCheck:
    kind: ClassVar[str] = "array"
    at: At
    index: str
    item: str
    items: Check | None
    limits: tuple[Limit, ...] = ()


@dataclass(frozen=True, slots=True)
class PatternCheck:
    """``patternProperties``: a key for which ``test`` holds has its value checked."""

    test: str
    check: Check | None


@dataclass(frozen=True, slots=True)
class MapCheck:
    """Every entry: its key (``names``), the patterns it matches, and, when it is not a
    field (``known``) nor matched, ``values`` (``None``: anything)."""

    kind: ClassVar[str] = "map"
    at: At
    key: str
    item: str
    values: Check | None
    limits: tuple[Limit, ...] = ()
    names: Check | None = None
    patterns: tuple[PatternCheck, ...] = ()
    unmatched: str = ""  # the test a key must pass for ``values`` to apply ("" : always)

    @property
    def entries(self) -> bool:
        """Whether the entries are looked at one by one."""
        return self.values is not None or self.names is not None or bool(self.patterns)


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
    labels: str  # constant: a tuple naming each variant in messages


@dataclass(frozen=True, slots=True)
class EmptyableCheck:
    kind: ClassVar[str] = "emptyable"
    at: At
    inner: Check


@dataclass(frozen=True, slots=True)
class OneOfCheck:
    """``oneOf``: every variant checks into a list of its own; exactly one must accept the
    value. With a discriminator, the tag's variant's problems are reported when none does."""

    kind: ClassVar[str] = "one_of"
    at: At
    description: str
    variants: tuple[Check, ...]
    labels: str  # constant: a tuple naming each variant in messages
    count: str  # local: how many variants accept
    passed: str  # expression: that count
    many: str | None  # the problem when several accept, naming them (``None``: anyOf with a tag)
    tag: str | None = None  # local for the tag's value
    property: str | None = None  # literal: the tag property
    tags: str | None = None  # constant: tag value -> variant index
    lists: str = ""  # expression: the variants' problem lists, as a tuple
    nested: bool = False


Check = (
    StringCheck | EnumCheck | ScalarCheck | ArrayCheck | MapCheck | RefCheck | UnionCheck
    | EmptyableCheck | OneOfCheck
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
    limits: tuple[Limit, ...] = ()  # an object's property counts
    others: MapCheck | None = None  # an object's other keys (names, patterns, extra)
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


def object_plan(obj: s.Object, check_names: dict[str, str]) -> FunctionPlan:
    name = check_names[obj.name]
    p = _Planner(check_names, name.removeprefix("_check_").upper())
    p.use("_expected")
    members = tuple(m for f in obj.fields if (m := _member(f, "value", p)) is not None)
    fields = None
    if not obj.additional:
        keys = _frozenset(f.wire_name for f in obj.fields)
        fields = p.constant(f"_{p.owner}_FIELDS", keys)
        p.use("_unknown")
    at = At("value", '""', "problems")
    limits = _count_limits(obj.keys, at, p)
    others = _others(obj, at, p) if fields is None else None
    doc = f"The problems of a ``{obj.name}`` object."
    signature = "value: Any, problems: _Problems"
    return FunctionPlan("object", name, signature, doc, members, fields, limits=limits,
                        others=others, needs=p.needs())


def _others(obj: s.Object, at: At, p: _Planner) -> MapCheck | None:
    """The check of an open object's keys beside its fields, where the schema has one."""
    if obj.extra is None and obj.keys.names is None and not obj.keys.patterns:
        return None
    known = p.constant(f"_{p.owner}_FIELDS", _frozenset(f.wire_name for f in obj.fields))
    keys = replace(obj.keys, min_properties=None, max_properties=None)  # counted above
    return _entries(s.Map(obj.extra or s.AnyShape(), keys), at, (), p, known=known)


def operation_plan(op: s.Operation, name: str, check_names: dict[str, str]) -> FunctionPlan:
    p = _Planner(check_names, python_identifier(name).upper())
    body = None
    if op.body is not None:
        body = _check(op.body.shape, At("value", '""', "problems"), (), p)
    source = "query" if op.body is not None else "value"
    query = tuple(m for q in op.query_params if (m := _member(q, source, p)) is not None)
    # a body that is not a named object is passed whole (None when not given): any value
    whole = op.body is not None and not isinstance(op.body.shape, s.Ref)
    signature = "value: Any" if whole else "value: Mapping[str, Any]"
    if op.body is not None and op.query_params:
        signature += ", query: Mapping[str, Any] | None = None"
    return FunctionPlan("operation", name, signature, _operation_doc(op), body=body,
                        query=query, query_optional=op.body is not None,
                        needs=p.needs())  # fmt: skip


def _operation_doc(op: s.Operation) -> str:
    what = "body" if op.body is not None else "query parameters"
    if op.body is not None and op.query_params:
        what = "body and query parameters"
    return f"The problems of the {what} of {op.method} {op.path} ({op.operation_id})."


def _member(member: s.Field | s.Parameter, source: str, p: _Planner) -> Member | None:
    """The member's check; None when any value (or none) will do."""
    name = member.wire_name if isinstance(member, s.Field) else member.name
    what = "field" if isinstance(member, s.Field) else "parameter"
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


def _check(shape: s.Shape, at: At, path: tuple[Segment, ...], p: _Planner) -> Check | None:
    """The check of ``at.value`` against ``shape``; None when anything is accepted."""
    at = At(at.value, _path_expr(path, p), at.problems)
    match shape:
        case s.AnyShape():
            return None
        case s.Ref():
            p.use("_prefix") if path else None
            return RefCheck(at, p.check_names[shape.name], bool(path))
        case s.Emptyable():
            return _emptyable(shape, at, path, p)
        case s.Union():
            return _union(shape, at, p)
        case s.Array() | s.Map():
            return _container(shape, at, path, p)
        case (s.String() | s.Enum() | s.Integer() | s.Number() | s.Boolean() | s.Binary() | s.Null()
              | s.Const()):
            return _scalar(shape, at, path, p, empty=False)
        case s.Object():
            raise AssertionError("an object in a field is a Ref by normalisation")
        case _:
            assert_never(shape)


def _emptyable(shape: s.Emptyable, at: At, path: tuple[Segment, ...], p: _Planner) -> Check | None:
    inner = shape.shape
    if isinstance(inner, s.String | s.Enum):  # "" is one of their values already
        return _scalar(inner, at, path, p, empty=True)
    check: Check | None
    if isinstance(inner, s.Integer | s.Number | s.Boolean | s.Binary | s.Null | s.Const):
        check = _scalar(inner, at, path, p, empty=True)
    else:
        check = _check(inner, at, path, p)
    return EmptyableCheck(at, check) if check is not None else None


def _union(shape: s.Union, at: At, p: _Planner) -> Check | None:
    """Each variant checks into a list of its own; one problem when none accepts the value."""
    if shape.exclusive or shape.discriminator is not None:
        return _one_of(shape, at, p)
    p.use("_union")
    variants = []
    for n, variant in enumerate(shape.variants, start=1):
        tried = At(at.value, '""', p.unique(f"{at.value.rstrip('_')}_variant_{n}"))
        check = _check(variant, tried, (), p)
        if check is None:
            return None  # a variant that accepts anything: so does the union
        variants.append(check)
    description = p.literal(describe(shape), f"_{_stem(at, p)}_EXPECTED")
    return UnionCheck(at, description, tuple(variants), _labels(shape, at, p))


def _one_of(shape: s.Union, at: At, p: _Planner) -> OneOfCheck:
    """``oneOf`` (JSON Schema 2020-12, 10.2.1.3), or any union tagged by a discriminator."""
    p.use("_union")
    variants = []
    for n, variant in enumerate(shape.variants, start=1):
        tried = At(at.value, '""', p.unique(f"{at.value.rstrip('_')}_variant_{n}"))
        variants.append(_check(variant, tried, (), p) or ScalarCheck(tried, '""', "const", "True"))
    description = p.literal(describe(shape), f"_{_stem(at, p)}_EXPECTED")
    labels = _labels(shape, at, p)
    tail = ",)" if len(variants) == 1 else ")"  # a trailing comma black would explode
    lists = "(" + ", ".join(v.at.problems for v in variants) + tail
    many = None
    if shape.exclusive:
        p.use("_matched")
        many = f"_matched({labels}, {', '.join(v.at.problems for v in variants)})"
    passed = " + ".join(f"(not {v.at.problems})" for v in variants)
    check = OneOfCheck(at, description, tuple(variants), labels, p.unique("accepted"), passed,
                       many, lists=lists)  # fmt: skip
    tagged = shape.discriminator
    if tagged is None:
        return check
    p.use("_prefix")
    tags = "{" + ", ".join(f"{pyrepr(t)}: {i}" for t, i in tagged.mapping) + "}"
    return replace(check, tag=p.unique("tag"), property=pyrepr(tagged.property),
                   tags=p.constant(f"_{_stem(at, p)}_TAGS", tags), nested=at.path != '""')


def _labels(shape: s.Union, at: At, p: _Planner) -> str:
    """A constant naming each variant for messages: an object by its schema's name, any
    other shape as ``describe`` says it (``("Cat", "Dog", "a string")``)."""
    names = [_label(v.name if isinstance(v, s.Ref) else describe(v)) for v in shape.variants]
    tail = ",)" if len(names) == 1 else ")"
    return p.constant(f"_{_stem(at, p)}_VARIANTS", "(" + ", ".join(map(pyrepr, names)) + tail)


LABEL_WIDTH = 60  # a variant's label, so a tuple of them fits the generated lines


def _label(text: str) -> str:
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 3] + "..."


def _container(
    shape: s.Array | s.Map, at: At, path: tuple[Segment, ...], p: _Planner
) -> ArrayCheck | MapCheck:
    p.use("_expected")
    if isinstance(shape, s.Map):
        return _entries(shape, at, path, p, known="")
    index, item = p.fresh("index"), p.fresh("item")
    p.depth += 1
    check = _check(shape.items, At(item, "", at.problems), (*path, ("var", index)), p)
    p.depth -= 1
    return ArrayCheck(at, index, item, check, _array_limits(shape, at, p))


def _entries(
    shape: s.Map, at: At, path: tuple[Segment, ...], p: _Planner, *, known: str
) -> MapCheck:
    """A map's entries (or an object's other keys, ``known`` naming its fields)."""
    key, item = p.fresh("key"), p.fresh("item")
    p.depth += 1
    where = (*path, ("var", key))
    values = _check(shape.values, At(item, "", at.problems), where, p)
    names = None if shape.keys.names is None else _check(
        shape.keys.names, At(key, "", at.problems), where, p)
    patterns = []
    skip = [f"{key} not in {known}"] if known else []
    for rule in shape.keys.patterns:
        regex = _compiled(rule.pattern, _stem(at, p), p)
        test = f"isinstance({key}, str) and {regex}.search({key}) is not None"
        patterns.append(PatternCheck(test, _check(rule.shape, At(item, "", at.problems), where, p)))
        skip.append(f"not ({test})")
    p.depth -= 1
    limits = _count_limits(shape.keys, at, p)
    return MapCheck(at, key, item, values, limits, names, tuple(patterns), " and ".join(skip))


def _scalar(
    shape: s.String | s.Enum | s.Integer | s.Number | s.Boolean | s.Binary | s.Null | s.Const,
    at: At, path: tuple[Segment, ...], p: _Planner, *, empty: bool,
) -> Check:  # fmt: skip
    """The check of a scalar; ``empty``: ``""`` is accepted as well."""
    stem = _stem(at, p)
    if isinstance(shape, s.Enum) and not shape.open:
        p.use("_expected_one_of", "_not_one_of")
        allowed = p.constant(f"_{stem}_VALUES", _frozenset(enum_values(shape, empty)))
        return EnumCheck(at, allowed)
    expected = p.literal(describe(shape) + (" or ''" if empty else ""), f"_{stem}_EXPECTED")
    p.use("_expected")
    v = at.value
    match shape:
        case s.String() | s.Enum():
            return _string(shape, at, expected, stem, p)
        case s.Integer():
            kind = "unix_time" if shape.format == "unix-time" else "integer"
            p.use("_is_time" if kind == "unix_time" else "_is_int")
            helper = "_is_time" if kind == "unix_time" else "_is_int"
            limits = _bounds(shape.bounds, v, at, p, time=kind == "unix_time")
            return ScalarCheck(at, expected, kind, f"type({v}) is int or {helper}({v})", limits)
        case s.Number():
            p.use("_is_number")
            test = f"type({v}) is float or type({v}) is int or _is_number({v})"
            return ScalarCheck(at, expected, "number", test, _bounds(shape.bounds, v, at, p))
        case s.Boolean():
            return ScalarCheck(at, expected, "boolean", f"type({v}) is bool")
        case s.Binary():
            p.imports.add("_is_file")
            return ScalarCheck(at, expected, "binary", f"_is_file({v})")
        case s.Null():
            return ScalarCheck(at, expected, "null", f"{v} is None")
        case s.Const():
            return ScalarCheck(at, expected, "const", _const_test(shape, v, stem, p))
        case _:
            assert_never(shape)


def _string(shape: s.String | s.Enum, at: At, expected: str, stem: str, p: _Planner) -> StringCheck:
    if isinstance(shape, s.Enum):  # an open enum: any string (of at most ``max_length``)
        shape = s.String(max_length=shape.max_length)
    decimal = shape.format == "decimal"
    v = at.value
    test = f"type({v}) is str or isinstance({v}, str)"
    if decimal:
        p.imports.add("decimal")
        test += f" or isinstance({v}, decimal.Decimal)"
    text = f"str({v})" if decimal else v
    limits: list[Limit] = []
    if shape.min_length:
        n = shape.min_length
        limits.append(Limit(f"len({text}) < {n}", p.literal(f"shorter than {n} characters",
                                                             f"_{stem}_TOO_SHORT")))
    if shape.max_length is not None:
        p.use("_too_long")
        limits.append(Limit(f"len({text}) > {shape.max_length}", f"_too_long({shape.max_length})"))
    if shape.pattern is not None:
        pattern = _compiled(shape.pattern, stem, p)  # the message quotes it as written
        message = p.literal(f"does not match the pattern {shape.pattern!r}", f"_{stem}_NO_MATCH")
        limits.append(Limit(f"{pattern}.search({text}) is None", message))
    limits += _format(shape.format, text, stem, p)
    objects = ""
    if shape.format in ("date", "uuid"):
        p.imports.add("datetime" if shape.format == "date" else "uuid")
        objects = f"type({v}) is datetime.date" if shape.format == "date" else \
            f"isinstance({v}, uuid.UUID)"
    return StringCheck(at, expected, test, tuple(limits), objects)


def _compiled(pattern: str, stem: str, p: _Planner) -> str:
    """The constant holding ``pattern`` compiled in its Python reading (model/pattern.py)."""
    p.imports.add("re")
    translated = translate(pattern)
    source = p.literal(translated.python, f"_{stem}_PATTERN_TEXT")
    flags = ", re.ASCII" if translated.ascii else ""
    return p.constant(f"_{stem}_PATTERN", f"re.compile({source}{flags})")


def _format(fmt: str | None, text: str, stem: str, p: _Planner) -> list[Limit]:
    if fmt == "email":  # what jsonschema checks of an email address
        return [_limit(f'"@" not in {text}', "not an email address", p)]
    if fmt not in FORMAT_CHECKS:
        return []
    helper, what = FORMAT_CHECKS[fmt]
    p.use(helper)
    return [Limit(f"not {helper}({text})", p.literal(f"not {what}", f"_{stem}_FORMAT"))]


def _number_text(value: float) -> str:
    return repr(value)


def _limit(test: str, message: str, p: _Planner) -> Limit:
    return Limit(test, p.literal(message, "_LIMIT_TEXT"))


def _bounds(
    bounds: s.Bounds, v: str, at: At, p: _Planner, *, time: bool = False
) -> tuple[Limit, ...]:
    """``minimum`` ... ``multipleOf`` (a float divisor: the quotient must be whole, as
    ``jsonschema`` has it); a ``datetime`` (unix time) is not compared."""
    guard = f"not isinstance({v}, datetime.datetime) and " if time else ""
    limits = []
    for limit, op, words in ((bounds.minimum, "<", "less than minimum"),
                             (bounds.exclusive_minimum, "<=", "not greater than"),
                             (bounds.maximum, ">", "greater than maximum"),
                             (bounds.exclusive_maximum, ">=", "not less than")):  # fmt: skip
        if limit is not None:
            text = _number_text(limit)
            limits.append(_limit(f"{guard}{v} {op} {text}", f"{words} {text}", p))
    if bounds.multiple_of is not None:
        m = _number_text(bounds.multiple_of)
        test = f"int({v} / {m}) != {v} / {m}" if isinstance(bounds.multiple_of, float) \
            else f"{v} % {m}"
        limits.append(_limit(f"{guard}{test}", f"not a multiple of {m}", p))
    return tuple(limits)


def _size_limits(
    low: int | None, high: int | None, what: str, at: At, p: _Planner
) -> list[Limit]:
    """``minItems``/``maxItems``, ``minProperties``/``maxProperties``: the size of a value."""
    v = at.value
    limits = [_limit(f"len({v}) < {low}", f"fewer than {low} {what}", p)] if low else []
    if high is not None:
        limits.append(_limit(f"len({v}) > {high}", f"more than {high} {what}", p))
    return limits


def _array_limits(shape: s.Array, at: At, p: _Planner) -> tuple[Limit, ...]:
    limits = _size_limits(shape.min_items, shape.max_items, "items", at, p)
    if shape.unique_items:
        p.use("_has_duplicates")
        limits.append(_limit(f"_has_duplicates({at.value})", "has duplicate items", p))
    return tuple(limits)


def _count_limits(keys: s.Keys, at: At, p: _Planner) -> tuple[Limit, ...]:
    return tuple(_size_limits(keys.min_properties, keys.max_properties, "properties", at, p))


def _const_test(shape: s.Const, v: str, stem: str, p: _Planner) -> str:
    """A test that ``v`` is one of the values (JSON equality: ``True`` is not ``1``)."""
    parts = [f"{v} is {x!r}" for x in shape.values if isinstance(x, bool) or x is None]
    numbers = [x for x in shape.values if isinstance(x, int | float) and not isinstance(x, bool)]
    strings = sorted(x for x in shape.values if isinstance(x, str))
    if numbers:
        values = p.constant(f"_{stem}_VALUES", "frozenset({" + ", ".join(map(repr, numbers)) + "})")
        parts.append(f"((type({v}) is int or type({v}) is float) and {v} in {values})")
    if strings:
        values = p.constant(f"_{stem}_VALUES", "frozenset({" + ", ".join(map(repr, strings)) + "})")
        parts.append(f"(isinstance({v}, str) and {v} in {values})")
    return " or ".join(parts) or "False"


def _stem(at: At, p: _Planner) -> str:
    """Upper-case stem of a constant's name: the field the value is in, else the owner."""
    name = at.value
    if name in {"value", "item"} or name.startswith("item_"):
        return p.owner
    return name.strip("_").upper() or p.owner


def enum_values(shape: s.Enum, empty: bool = False) -> list[str]:
    """The values a closed enum accepts, sorted: those longer than ``max_length`` never are."""
    values = set(shape.values) | ({""} if empty else set())
    limit = shape.max_length
    return sorted(v for v in values if limit is None or len(v) <= limit)


def describe(shape: s.Shape) -> str:
    """What a person should send, for messages: ``an object or a string``."""
    match shape:
        case s.Emptyable():
            return describe(shape.shape) + " or ''"
        case s.Union():
            parts = list(dict.fromkeys(_described_variants(shape)))
            return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else "".join(parts)
        case s.Enum() if not shape.open:
            return "one of " + ", ".join(repr(v) for v in enum_values(shape))
        case s.Const():
            shown = [_const_text(v) for v in shape.values]
            return "one of " + ", ".join(shown) if len(shown) != 1 else "".join(shown)
        case s.String() | s.Enum():
            return "a string"
        case s.Integer():
            return "an integer"
        case s.Number():
            return "a number"
        case s.Boolean():
            return "a boolean"
        case s.Null():
            return "null"
        case s.Array():
            return "a list"
        case s.Map() | s.Ref():
            return "an object"
        case s.Binary():
            return "a file"
        case s.AnyShape():
            return "anything"
        case _:
            assert_never(shape)


def _described_variants(shape: s.Union) -> list[str]:
    """Each variant described; the values of closed enums and consts as one "one of" list
    (a union of single values reads ``one of 'ar', 'bg'``, not ``one of 'ar', one of 'bg'``)."""
    values: list[str] = []
    parts: list[str] = []
    for variant in shape.variants:
        if isinstance(variant, s.Enum) and not variant.open:
            found = [repr(v) for v in enum_values(variant)]
        elif isinstance(variant, s.Const):
            found = [_const_text(v) for v in variant.values]
        else:
            parts.append(describe(variant))
            continue
        if found and not values:
            parts.append(_VALUES)  # where the values go, among the other variants
        values += found
    unique = list(dict.fromkeys(values))
    shown = "one of " + ", ".join(unique) if len(unique) > 1 else "".join(unique)
    return [shown if part == _VALUES else part for part in parts]


_VALUES = "\0values"


def _const_text(value: s.Scalar) -> str:
    return "null" if value is None else str(value).lower() if isinstance(value, bool) \
        else repr(value)


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


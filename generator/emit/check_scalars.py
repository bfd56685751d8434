"""The check nodes of scalars (strings, enums, numbers, booleans, files, null, const)
and the size limits of arrays, maps and objects: JSON Schema 2020-12's validation keywords
(``minLength`` ... ``multipleOf``, ``format``), each a ``Limit`` with its message."""

from __future__ import annotations

from typing import assert_never

from generator.emit.check_messages import describe, enum_values
from generator.emit.check_nodes import (
    At,
    Check,
    EnumCheck,
    Limit,
    Planner,
    ScalarCheck,
    Segment,
    StringCheck,
    constant_stem,
    frozenset_text,
)
from generator.model import shapes as s
from generator.model.pattern import translate

# The check each ``format`` the model checks calls, and what the message says it is not.
FORMAT_CHECKS = {
    "date-time": ("_is_date_time", "a date-time (RFC 3339)"),
    "date": ("_is_date", "a date (RFC 3339 full-date)"),
    "uuid": ("_is_uuid", "a UUID"),
    "byte": ("_is_byte", "base64 text"),
    "uri": ("_is_uri", "an absolute URI"),
}


def scalar_check(
    shape: s.String | s.Enum | s.Integer | s.Number | s.Boolean | s.Binary | s.Null | s.Const,
    at: At, path: tuple[Segment, ...], p: Planner, *, empty: bool,
) -> Check:  # fmt: skip
    """The check of a scalar; ``empty``: ``""`` is accepted as well."""
    stem = constant_stem(at, p)
    if isinstance(shape, s.Enum) and not shape.open:
        p.use("_expected_one_of", "_not_one_of")
        allowed = p.constant(f"_{stem}_VALUES", frozenset_text(enum_values(shape, empty)))
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


def _string(shape: s.String | s.Enum, at: At, expected: str, stem: str, p: Planner) -> StringCheck:
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
        pattern = compiled_pattern(shape.pattern, stem, p)  # the message quotes it as written
        message = p.literal(f"does not match the pattern {shape.pattern!r}", f"_{stem}_NO_MATCH")
        limits.append(Limit(f"{pattern}.search({text}) is None", message))
    limits += _format(shape.format, text, stem, p)
    objects = ""
    if shape.format in ("date", "uuid"):
        p.imports.add("datetime" if shape.format == "date" else "uuid")
        objects = f"type({v}) is datetime.date" if shape.format == "date" else \
            f"isinstance({v}, uuid.UUID)"
    return StringCheck(at, expected, test, tuple(limits), objects)


def compiled_pattern(pattern: str, stem: str, p: Planner) -> str:
    """The constant holding ``pattern`` compiled in its Python reading (model/pattern.py)."""
    p.imports.add("re")
    translated = translate(pattern)
    source = p.literal(translated.python, f"_{stem}_PATTERN_TEXT")
    flags = ", re.ASCII" if translated.ascii else ""
    return p.constant(f"_{stem}_PATTERN", f"re.compile({source}{flags})")


def _format(fmt: str | None, text: str, stem: str, p: Planner) -> list[Limit]:
    if fmt == "email":  # what jsonschema checks of an email address
        return [_limit(f'"@" not in {text}', "not an email address", p)]
    if fmt not in FORMAT_CHECKS:
        return []
    helper, what = FORMAT_CHECKS[fmt]
    p.use(helper)
    return [Limit(f"not {helper}({text})", p.literal(f"not {what}", f"_{stem}_FORMAT"))]


def _number_text(value: float) -> str:
    return repr(value)


def _limit(test: str, message: str, p: Planner) -> Limit:
    return Limit(test, p.literal(message, "_LIMIT_TEXT"))


def _bounds(
    bounds: s.Bounds, v: str, at: At, p: Planner, *, time: bool = False
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
    low: int | None, high: int | None, what: str, at: At, p: Planner
) -> list[Limit]:
    """``minItems``/``maxItems``, ``minProperties``/``maxProperties``: the size of a value."""
    v = at.value
    limits = [_limit(f"len({v}) < {low}", f"fewer than {low} {what}", p)] if low else []
    if high is not None:
        limits.append(_limit(f"len({v}) > {high}", f"more than {high} {what}", p))
    return limits


def array_limits(shape: s.Array, at: At, p: Planner) -> tuple[Limit, ...]:
    limits = _size_limits(shape.min_items, shape.max_items, "items", at, p)
    if shape.unique_items:
        p.use("_has_duplicates")
        limits.append(_limit(f"_has_duplicates({at.value})", "has duplicate items", p))
    return tuple(limits)


def count_limits(keys: s.Keys, at: At, p: Planner) -> tuple[Limit, ...]:
    return tuple(_size_limits(keys.min_properties, keys.max_properties, "properties", at, p))


def _const_test(shape: s.Const, v: str, stem: str, p: Planner) -> str:
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

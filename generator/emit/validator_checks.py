"""The value checks of generated validators for the JSON Schema keywords beyond a type test.

Each function returns statements that append ``(path, message)`` to a problem list when the
value (already known to have the right type) breaks a keyword. Semantics are JSON Schema Draft
2020-12's, as ``jsonschema`` applies them: bounds and ``multipleOf`` (a float divisor: the
quotient must be whole), lengths in code points, ``uniqueItems`` with JSON equality (``1`` and
``1.0`` equal, ``true`` and ``1`` not), ``pattern`` searched (in its Python reading, see
``generator.model.pattern``), and the formats the model checks:

- ``date-time``: RFC 3339 ``date-time`` (section 5.6); ``date``: RFC 3339 ``full-date`` (a
  ``datetime.date`` is also accepted); ``uuid``: RFC 4122 text form with hyphens (a
  ``uuid.UUID`` is also accepted); ``email``: contains ``@`` (what ``jsonschema`` checks);
  ``byte``: base64 (RFC 4648, OpenAPI); ``uri``: a scheme, then no white space or characters
  RFC 3986 excludes.

Helpers that the generated module needs are named in ``HELPERS``; only those used are written.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.model.pattern import translate
from generator.model.shapes import Array, Bounds, Const, Keys, Real, String

Need = Callable[[str], None]  # records a helper or an import the check uses
Literal = Callable[[str], str]  # text -> a string literal or a constant holding it
Constant = Callable[[str, str], str]  # (prefix, literal) -> a module constant's name

CHECKED_FORMATS = ("date-time", "date", "uuid", "email", "byte", "uri")

HELPERS: dict[str, str] = {
    "_is_date_time": '''
_DATE_TIME = re.compile(
    r"(\\d{4})-(\\d\\d)-(\\d\\d)[Tt](\\d\\d):(\\d\\d):(\\d\\d)(?:\\.\\d+)?(?:[Zz]|[+-](\\d\\d):(\\d\\d))",
    re.ASCII,
)


def _is_date_time(value: str) -> bool:
    """RFC 3339 date-time (a leap second 60 is allowed)."""
    found = _DATE_TIME.fullmatch(value)
    if found is None:
        return False
    year, month, day, hour, minute, second, zh, zm = (int(g or 0) for g in found.groups())
    return _is_date(found.group(0)[:10]) and hour < 24 and minute < 60 and second <= 60 and (
        zh < 24 and zm < 60)
''',
    "_is_date": '''
_DATE = re.compile(r"\\d{4}-\\d\\d-\\d\\d", re.ASCII)


def _is_date(value: str) -> bool:
    """RFC 3339 full-date."""
    if _DATE.fullmatch(value) is None:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
''',
    "_is_uuid": '''
def _is_uuid(value: str) -> bool:
    """RFC 4122 text form, with its hyphens."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return all(value[position] == "-" for position in (8, 13, 18, 23))
''',
    "_is_byte": '''
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?", re.ASCII)


def _is_byte(value: str) -> bool:
    """Base64 (RFC 4648 section 4), as OpenAPI's format byte."""
    return _BASE64.fullmatch(value) is not None
''',
    "_is_uri": '''
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\\s<>\\"{}|\\\\^`]*")


def _is_uri(value: str) -> bool:
    """An absolute URI: a scheme, then no character RFC 3986 excludes."""
    return _URI.fullmatch(value) is not None
''',
    "_has_duplicates": '''
def _json_key(value: object) -> object:
    """A hashable key equal for values JSON calls equal (1 and 1.0; not true and 1)."""
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, Mapping):
        return ("object", frozenset((k, _json_key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("array", tuple(_json_key(v) for v in value))
    if isinstance(value, int | float | str):
        return value
    return ("other", repr(value))


def _has_duplicates(values: Any) -> bool:
    keys = [_json_key(v) for v in values]
    return len(set(keys)) != len(keys)
''',
}

# helper -> the imports it needs; and what each format's check calls
HELPER_IMPORTS = {"_is_date_time": ("re",), "_is_date": ("re",), "_is_uuid": ("uuid",),
                  "_is_byte": ("re",), "_is_uri": ("re",)}
HELPER_NEEDS = {"_is_date_time": ("_is_date",)}
_FORMAT_CHECKS = {
    "date-time": ("_is_date_time", "a date-time (RFC 3339)"),
    "date": ("_is_date", "a date (RFC 3339 full-date)"),
    "uuid": ("_is_uuid", "a UUID"),
    "byte": ("_is_byte", "base64 text"),
    "uri": ("_is_uri", "an absolute URI"),
}


def _check(test: str, message: str, report: tuple[str, str], lit: Literal) -> list[str]:
    """``if test:`` report ``message`` at the path in ``report`` (path expression, list)."""
    where, out = report
    return [f"if {test}:", f"    {out}.append(({where}, {lit(message)}))"]


def number_text(value: Real) -> str:
    """A number as JSON and Python both write it."""
    return repr(value)


def bounds_checks(bounds: Bounds, var: str, report: tuple[str, str], lit: Literal) -> list[str]:
    """``minimum`` ... ``multipleOf`` on a number ``var``."""
    lines: list[str] = []
    tests = (
        (bounds.minimum, "<", "less than minimum"),
        (bounds.exclusive_minimum, "<=", "not greater than exclusive minimum"),
        (bounds.maximum, ">", "greater than maximum"),
        (bounds.exclusive_maximum, ">=", "not less than exclusive maximum"),
    )
    for limit, op, words in tests:
        if limit is not None:
            text = number_text(limit)
            lines += _check(f"{var} {op} {text}", f"{words} {text}", report, lit)
    if bounds.multiple_of is not None:
        m = number_text(bounds.multiple_of)
        test = f"int({var} / {m}) != {var} / {m}" if isinstance(bounds.multiple_of, float) \
            else f"{var} % {m}"
        lines += _check(test, f"not a multiple of {m}", report, lit)
    return lines


def string_checks(
    shape: String, text: str, report: tuple[str, str], lit: Literal, *, constant: Constant,
    need: Need,
) -> list[str]:  # fmt: skip
    """``minLength``, ``maxLength``, ``pattern`` and the format of the string ``text``."""
    where, out = report
    lines = []
    if shape.min_length:
        n = shape.min_length
        lines += _check(f"len({text}) < {n}", f"shorter than {n} characters", report, lit)
    if shape.max_length is not None:
        limit = constant("MAX", str(shape.max_length))
        too_long = lit(f"longer than {shape.max_length} characters")
        lines += [f"if len({text}) > {limit}:", f"    {out}.append(({where}, {too_long}))"]
    if shape.pattern is not None:
        lines += pattern_check(shape.pattern, text, report, lit, constant=constant, need=need)
    if shape.format == "email":
        lines += _check(f'"@" not in {text}', "not an email address", report, lit)
    elif shape.format in _FORMAT_CHECKS:
        helper, what = _FORMAT_CHECKS[shape.format]
        need(helper)
        lines += _check(f"not {helper}({text})", f"not {what}", report, lit)
    return lines


def pattern_check(
    pattern: str, text: str, report: tuple[str, str], lit: Literal, *, constant: Constant,
    need: Need,
) -> list[str]:  # fmt: skip
    regex = compiled_pattern(pattern, lit, constant=constant, need=need)
    message = f"does not match the pattern {pattern!r}"
    return _check(f"{regex}.search({text}) is None", message, report, lit)


def compiled_pattern(pattern: str, lit: Literal, *, constant: Constant, need: Need) -> str:
    """The module constant holding ``pattern`` compiled in its Python reading."""
    need("re")
    translated = translate(pattern)
    flags = ", re.ASCII" if translated.ascii else ""
    return constant("PATTERN", f"re.compile({lit(translated.python)}{flags})")


def format_object_test(shape: String, var: str) -> str:
    """A test for the Python objects a string of this format also accepts ("" for none)."""
    if shape.format == "date":
        return f"type({var}) is datetime.date"
    if shape.format == "uuid":
        return f"isinstance({var}, uuid.UUID)"
    return ""


def array_checks(
    shape: Array, var: str, report: tuple[str, str], lit: Literal, need: Need
) -> list[str]:
    lines = []
    if shape.min_items:
        n = shape.min_items
        lines += _check(f"len({var}) < {n}", f"fewer than {n} items", report, lit)
    if shape.max_items is not None:
        n = shape.max_items
        lines += _check(f"len({var}) > {n}", f"more than {n} items", report, lit)
    if shape.unique_items:
        need("_has_duplicates")
        lines += _check(f"_has_duplicates({var})", "has duplicate items", report, lit)
    return lines


def count_checks(keys: Keys, var: str, report: tuple[str, str], lit: Literal) -> list[str]:
    lines = []
    if keys.min_properties:
        n = keys.min_properties
        lines += _check(f"len({var}) < {n}", f"fewer than {n} properties", report, lit)
    if keys.max_properties is not None:
        n = keys.max_properties
        lines += _check(f"len({var}) > {n}", f"more than {n} properties", report, lit)
    return lines


def const_test(shape: Const, var: str, constant: Constant) -> str:
    """A test that ``var`` is one of the values (JSON equality: ``True`` is not ``1``)."""
    parts = []
    booleans = [v for v in shape.values if isinstance(v, bool)]
    numbers = [v for v in shape.values if isinstance(v, int | float) and not isinstance(v, bool)]
    strings = [v for v in shape.values if isinstance(v, str)]
    parts += [f"{var} is {v!r}" for v in booleans]
    if numbers:
        values = constant("VALUES", "frozenset({" + ", ".join(map(number_text, numbers)) + "})")
        parts.append(f"(type({var}) is int or type({var}) is float) and {var} in {values}")
    if strings:
        values = constant("VALUES", "frozenset({" + ", ".join(map(repr, sorted(strings))) + "})")
        parts.append(f"isinstance({var}, str) and {var} in {values}")
    if None in shape.values:
        parts.append(f"{var} is None")
    return " or ".join(parts) or "False"


def const_words(shape: Const) -> str:
    shown = ", ".join("null" if v is None else ("true" if v is True else "false" if v is False
                                                else repr(v)) for v in shape.values)  # fmt: skip
    return f"one of {shown}" if len(shape.values) != 1 else shown

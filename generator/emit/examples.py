"""Example values and example calls for the docs, taken from what the schema says.

A value comes from the first of: the document's own example (a parameter's ``example`` or
``examples``, a property's ``example`` or first ``examples`` entry) where the shape accepts it
(``accepts``); the schema's ``default``; an enum's first value; a value a
``format`` names (RFC 3339 for ``date-time`` and ``date``, RFC 5322 for ``email``, RFC 3986
for ``uri``, RFC 9562 for ``uuid``); a word the field's name is known for (``email``,
``url``, ``phone``, ``currency``, ``country``, ``name``); a text its ``pattern`` accepts; and
only then ``"string"``. Every value fits the shape's own limits (length, bounds), so an
example call passes the generated validator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, assert_never

from generator.emit.check_scalars import FORMAT_CHECKS
from generator.emit.python import object_shape
from generator.model import shapes as s
from generator.model.scalars import same_json

EXAMPLE_OPTIONAL_FIELDS = 2  # optional arguments shown in an example call besides required ones
MAX_DEPTH = 8  # nested objects filled in this deep at most (named shapes may be recursive)

FORMAT_EXAMPLES = {
    "date-time": "2024-01-01T00:00:00Z",  # RFC 3339, 5.6
    "date": "2024-01-01",
    "time": "12:00:00Z",
    "email": "jenny@example.com",  # RFC 5322; example.com: RFC 2606
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",  # RFC 5737 documentation range
    "ipv6": "2001:db8::1",  # RFC 3849 documentation prefix
    "uuid": "123e4567-e89b-12d3-a456-426614174000",  # RFC 9562's example
    "decimal": "1.5",
    "byte": "aGVsbG8=",  # base64 of "hello"
}
# a field or parameter named like these (its last word) holds such a value
NAME_EXAMPLES = {
    "email": "jenny@example.com",
    "url": "https://example.com",
    "uri": "https://example.com",
    "phone": "+15555550123",
    "currency": "usd",
    "country": "US",
    "city": "Berlin",
    "name": "Jenny Rosen",
    "description": "A description",
}
# the formats the generated validators check: a document's example of one is not taken
CHECKED_FORMATS = frozenset({*FORMAT_CHECKS, "email"})
PATTERN_CANDIDATES = ("string", "https://example.com", "example", "a", "A", "0", "1.5", "")


def example_value(shape: s.Shape, api: s.Api, seen: tuple[str, ...] = (), *, name: str = "",
                  default: str = "", example: str = "") -> str:  # fmt: skip
    """Python source of a value the shape accepts: required nested fields filled in.

    ``name`` is the field's or parameter's name; ``default`` the schema's default and
    ``example`` the document's example value, each as JSON text (``""``: none given).
    """
    if example and accepts(shape, json.loads(example), api):
        return python_literal(json.loads(example))
    if default:
        return python_literal(json.loads(default))
    match shape:
        case s.String():
            return json.dumps(_str_example(shape, name))
        case s.Enum():
            return python_literal(shape.values[0] if shape.values else "string")
        case s.Integer() | s.Number():
            return _number_example(shape)
        case s.Array():
            return f"[{example_value(shape.items, api, seen, name=name)}]"
        case s.Map():
            return f'{{"key": {example_value(shape.values, api, seen)}}}'
        case s.Union():
            return (example_value(shape.variants[0], api, seen, name=name) if shape.variants
                    else '"value"')  # fmt: skip
        case s.Emptyable():
            return example_value(shape.shape, api, seen, name=name)
        case s.Ref():
            return _object_example(shape, api, seen)
        case s.Boolean():
            return "True"
        case s.Binary():
            return 'open("file.bin", "rb")'
        case s.Null():
            return "None"
        case s.Const():
            return python_literal(shape.values[0]) if shape.values else "None"
        case s.AnyShape():
            return '"value"'
        case _:
            assert_never(shape)


def accepts(shape: s.Shape, value: Any, api: s.Api, depth: int = 0) -> bool:
    """Whether the JSON ``value`` is valid for ``shape`` as the generated validator checks it
    (types, enums, lengths, bounds, patterns, required and unknown fields; a string of a
    format the validators check is not taken); objects are followed ``MAX_DEPTH`` deep."""
    match shape:
        case s.String():
            return isinstance(value, str) and _string_fits(shape, value)
        case s.Enum():
            return value in shape.values or (shape.open and isinstance(value, str))
        case s.Integer() | s.Number():
            number = isinstance(value, int | float) and not isinstance(value, bool)
            integral = isinstance(shape, s.Number) or isinstance(value, int) or (
                isinstance(value, float) and value.is_integer())
            return number and integral and _within(value, shape.bounds)
        case s.Boolean():
            return isinstance(value, bool)
        case s.Null():
            return value is None
        case s.Const():
            return any(same_json(value, v) for v in shape.values)
        case s.Array():
            return isinstance(value, list) and _count_fits(len(value), shape) and all(
                accepts(shape.items, v, api, depth) for v in value)
        case s.Map():
            return isinstance(value, dict) and all(
                accepts(shape.values, v, api, depth) for v in value.values())
        case s.Union():
            return any(accepts(v, value, api, depth) for v in shape.variants)
        case s.Emptyable():
            return value == "" or accepts(shape.shape, value, api, depth)
        case s.Ref():
            return depth < MAX_DEPTH and _object_accepts(shape, value, api, depth + 1)
        case s.Binary():
            return False  # a file is not a JSON value
        case s.AnyShape():
            return True
        case _:
            assert_never(shape)


def _string_fits(shape: s.String, value: str) -> bool:
    if shape.min_length is not None and len(value) < shape.min_length:
        return False
    if shape.max_length is not None and len(value) > shape.max_length:
        return False
    if shape.pattern and not _matches(shape.pattern, value):
        return False
    return shape.format not in CHECKED_FORMATS  # the format's own example is known to pass


def _count_fits(count: int, shape: s.Array) -> bool:
    return (shape.min_items is None or count >= shape.min_items) and (
        shape.max_items is None or count <= shape.max_items)


def _object_accepts(shape: s.Ref, value: Any, api: s.Api, depth: int) -> bool:
    obj = object_shape(api, shape)
    if obj is None or not isinstance(value, dict):
        return False
    fields = {f.wire_name: f for f in obj.fields}
    if any(f.required and f.wire_name not in value for f in obj.fields):
        return False
    if not obj.additional and any(k not in fields for k in value):
        return False
    return all(accepts(fields[k].shape, v, api, depth) for k, v in value.items() if k in fields)


def python_literal(value: Any) -> str:
    """A JSON value as Python source (``true`` as ``True``, strings double-quoted)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {python_literal(v)}"
                               for k, v in value.items()) + "}"  # fmt: skip
    return json.dumps(value)


def _number_example(shape: s.Integer | s.Number) -> str:
    """A value within the bounds: the minimum, just above an exclusive minimum, the step,
    ``0`` (``0.5`` for a number), the maximum, whichever fits first."""
    b = shape.bounds
    step = 1 if isinstance(shape, s.Integer) else 0.5
    candidates = [b.minimum, None if b.exclusive_minimum is None else b.exclusive_minimum + step,
                  b.multiple_of, 0 if isinstance(shape, s.Integer) else 0.5, b.maximum,
                  None if b.exclusive_maximum is None else b.exclusive_maximum - step]  # fmt: skip
    fits = [c for c in candidates if c is not None and _within(c, b)]
    return str(fits[0]) if fits else str(candidates[3])


def _within(value: float, b: s.Bounds) -> bool:
    return ((b.minimum is None or value >= b.minimum)
            and (b.maximum is None or value <= b.maximum)
            and (b.exclusive_minimum is None or value > b.exclusive_minimum)
            and (b.exclusive_maximum is None or value < b.exclusive_maximum)
            and (not b.multiple_of or (value / b.multiple_of).is_integer()))  # fmt: skip


def _str_example(shape: s.String, name: str) -> str:
    word = re.split(r"[_\W]+", name.lower())[-1] if name else ""
    text = FORMAT_EXAMPLES.get(shape.format or "") or NAME_EXAMPLES.get(word, "string")
    if shape.pattern and not _matches(shape.pattern, text):
        words = re.findall(r"[A-Za-z0-9_]+", shape.pattern)  # often a literal alternative
        candidates = (*PATTERN_CANDIDATES, *words)
        text = next((c for c in candidates if _matches(shape.pattern, c)), text)
    if shape.max_length is not None and len(text) > shape.max_length:
        return text[: shape.max_length]
    return text + "x" * max(0, (shape.min_length or 0) - len(text))


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:  # an ECMA-262 pattern Python does not read
        return False


def _object_example(shape: s.Ref, api: s.Api, seen: tuple[str, ...]) -> str:
    obj = object_shape(api, shape)
    if obj is None or shape.name in seen or len(seen) >= MAX_DEPTH:
        return "{}"
    chosen = [f for f in obj.fields if f.required] or list(obj.fields[:1])
    items = (f"{json.dumps(f.wire_name)}: "
             + example_value(f.shape, api, (*seen, shape.name), name=f.wire_name,
                             default=f.default, example=f.example)
             for f in chosen)  # fmt: skip
    return "{" + ", ".join(items) + "}"


@dataclass(frozen=True, slots=True)
class Argument:
    """A keyword argument of the Python method: a query/header parameter or a body field."""

    python_name: str
    shape: s.Shape
    required: bool
    default: str = ""  # the schema's default, JSON text ("" for none)
    example: str = ""  # the document's example, JSON text ("" for none)


def keyword_arguments(op: s.Operation, api: s.Api) -> list[Argument]:
    params: tuple[s.Parameter, ...] = (*op.query_params, *op.header_params, *op.cookie_params)
    found = [Argument(p.python_name, p.shape, p.required, example=p.example) for p in params]
    if op.body is not None:
        root = object_shape(api, op.body.shape)
        if root is None:
            found.append(Argument("body", op.body.shape, op.body.required))
        else:
            found += [Argument(f.python_name, f.shape, f.required, f.default, f.example)
                      for f in root.fields]  # fmt: skip
    return found


def call_path(op: s.Operation) -> str:
    return ".".join(("client", *op.resource, op.method_name))


def example_call(op: s.Operation, api: s.Api) -> str:
    """``client.customers.update("customer_123", email="jenny@example.com", ...)``: the path
    parameters as their examples, else as ids made from their names where they take such a
    string, else as their type's example (``1`` for an integer id with minimum 1); the
    required arguments, and the first ``EXAMPLE_OPTIONAL_FIELDS`` optional ones."""
    args = [_path_example(p, api) for p in op.path_params]
    keywords = keyword_arguments(op, api)
    chosen = [a for a in keywords if a.required]
    chosen += [a for a in keywords if not a.required][:EXAMPLE_OPTIONAL_FIELDS]
    args += [f"{a.python_name}="
             + example_value(a.shape, api, name=a.python_name, default=a.default,
                             example=a.example)
             for a in chosen]  # fmt: skip
    return call_text(call_path(op), args)


def _path_example(p: s.Parameter, api: s.Api) -> str:
    if p.example and accepts(p.shape, json.loads(p.example), api):
        return example_value(p.shape, api, example=p.example)
    made_up = f"{p.python_name.strip('_')}_123"
    if accepts(p.shape, made_up, api):
        return json.dumps(made_up)
    return example_value(p.shape, api, name=p.python_name)


def call_text(name: str, args: list[str]) -> str:
    """A call on one line when it fits 88 columns, else one argument a line."""
    one_line = f"{name}({', '.join(args)})"
    if len(one_line) <= 88:
        return one_line
    return name + "(\n" + "".join(f"    {a},\n" for a in args) + ")"

"""Shapes as the docs show them: type text, constraints and example values.

Every kind of shape is handled in each function (``assert_never``): a new kind fails
``mypy`` here until the docs say what it is.
"""

from __future__ import annotations

import json
import re
from typing import assert_never

from generator.emit.python import TypeWriter, class_names, object_shape
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Binary,
    Boolean,
    Bounds,
    Const,
    Emptyable,
    Enum,
    Integer,
    Keys,
    Map,
    Null,
    Number,
    Ref,
    Scalar,
    Shape,
    String,
    Union,
)

MAX_DEPTH = 8  # nested objects shown this deep at most (named shapes may be recursive)
PATTERN_CANDIDATES = ("string", "https://example.com", "example", "a", "A", "0", "1.5", "")


class Typer:
    """Human-readable type text and constraints of shapes, with the API's class names."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.names = class_names(api)
        self.writer = TypeWriter(self.names)

    def type_text(self, shape: Shape) -> str:
        match shape:
            case String() | Enum() | Integer():
                return _scalar_text(shape)
            case Number():
                return "number" + (f" ({shape.format})" if shape.format else "")
            case Boolean():
                return "boolean"
            case Null():
                return "null"
            case Const():
                return "one of " + ", ".join(json_text(v) for v in shape.values) \
                    if len(shape.values) != 1 else f"constant {json_text(shape.values[0])}"
            case Array():
                return f"array of {self._inner(shape.items)}"
            case Map():
                return f"map of {self._inner(shape.values)}"
            case Union():
                return " or ".join(self._inner(v) for v in shape.variants)
            case Emptyable():
                return f'{self.type_text(shape.shape)} or "" to clear'
            case Ref():
                return f"object {self.names.get(shape.name, shape.name)}"
            case Binary():
                return "file"
            case AnyShape():
                return "any"
            case _:
                assert_never(shape)

    def _inner(self, shape: Shape) -> str:
        text = self.type_text(shape)
        return f"({text})" if isinstance(shape, Union | Emptyable) else text

    def constraints(self, shape: Shape, prefix: str = "") -> list[str]:
        match shape:
            case Emptyable():
                return self.constraints(shape.shape, prefix)
            case Union():
                return [c for v in shape.variants for c in self.constraints(v, prefix)]
            case Array():
                return [prefix + c for c in _array_constraints(shape)] + self.constraints(
                    shape.items, prefix + "items: ")
            case Map():
                return [prefix + c for c in _key_constraints(shape.keys)] + self.constraints(
                    shape.values, prefix + "values: ")
            case String() | Enum():
                return [prefix + c for c in _string_constraints(shape)]
            case Integer() | Number():
                return [prefix + c for c in bounds_text(shape.bounds)]
            case Boolean() | Null() | Const() | Ref() | Binary() | AnyShape():
                return []  # the type text says it all (objects: their own rows)
            case _:
                assert_never(shape)


def json_text(value: Scalar) -> str:
    """A JSON scalar as JSON writes it (``true``, ``null``, ``"a"``, ``1.5``)."""
    return json.dumps(value, ensure_ascii=False)


def _scalar_text(shape: String | Enum | Integer) -> str:
    if isinstance(shape, Integer):
        return "integer (unix time)" if shape.format == "unix-time" else "integer"
    notes = [f"max {shape.max_length}"] if shape.max_length is not None else []
    if isinstance(shape, Enum):
        return ("open enum" if shape.open else "enum") + (f" ({notes[0]})" if notes else "")
    notes = ([shape.format] if shape.format else []) + notes
    return "string" + (f" ({', '.join(notes)})" if notes else "")


def _string_constraints(shape: String | Enum) -> list[str]:
    found = [f"max length {shape.max_length}"] if shape.max_length is not None else []
    if isinstance(shape, Enum):
        found.append("one of " + ", ".join(json_text(v) for v in shape.values))
        if shape.open:
            found.append("other strings accepted (open enum)")
    else:
        found += [f"min length {shape.min_length}"] if shape.min_length else []
        found += [f"format {shape.format}"] if shape.format else []
        found += [f"pattern {shape.pattern}"] if shape.pattern else []
    return found


def bounds_text(bounds: Bounds) -> list[str]:
    """``minimum 0``, ``below 10``, ``multiple of 5``: JSON Schema's numeric keywords."""
    parts = [
        ("minimum", bounds.minimum), ("maximum", bounds.maximum),
        ("above", bounds.exclusive_minimum), ("below", bounds.exclusive_maximum),
        ("multiple of", bounds.multiple_of),
    ]  # fmt: skip
    return [f"{word} {json_text(value)}" for word, value in parts if value is not None]


def _array_constraints(shape: Array) -> list[str]:
    found = [f"at least {shape.min_items} items"] if shape.min_items else []
    found += [f"at most {shape.max_items} items"] if shape.max_items is not None else []
    return found + (["items unique"] if shape.unique_items else [])


def _key_constraints(keys: Keys) -> list[str]:
    found = [f"at least {keys.min_properties} keys"] if keys.min_properties else []
    found += [f"at most {keys.max_properties} keys"] if keys.max_properties is not None else []
    found += [f"keys matching {p.pattern} hold other values" for p in keys.patterns]
    return found + (["key names checked (propertyNames)"] if keys.names is not None else [])


# --------------------------------------------------------------------------- examples


def example_value(shape: Shape, api: Api, seen: tuple[str, ...] = ()) -> str:
    """Python source of a value the shape accepts: required nested fields filled in."""
    match shape:
        case String():
            return _str_example(shape)
        case Enum():
            return json.dumps(shape.values[0] if shape.values else "string")
        case Integer():
            return str(_number_example(shape.bounds, whole=True))
        case Number():
            return repr(_number_example(shape.bounds, whole=False))
        case Boolean():
            return "True"
        case Null():
            return "None"
        case Const():
            return repr(shape.values[0]) if shape.values else "None"
        case Array():
            return f"[{example_value(shape.items, api, seen)}]"
        case Map():
            return f'{{"key": {example_value(shape.values, api, seen)}}}'
        case Union():
            return example_value(shape.variants[0], api, seen) if shape.variants else '"value"'
        case Emptyable():
            return example_value(shape.shape, api, seen)
        case Ref():
            return _object_example(shape, api, seen)
        case Binary():
            return 'open("file.bin", "rb")'
        case AnyShape():
            return '"value"'
        case _:
            assert_never(shape)


def _number_example(bounds: Bounds, *, whole: bool) -> int | float:
    """``0`` (``0.5``) or the nearest value the bounds allow: the lower bound, a multiple."""
    value: float = 0 if whole else 0.5
    if bounds.minimum is not None:
        value = max(value, bounds.minimum)
    if bounds.exclusive_minimum is not None and value <= bounds.exclusive_minimum:
        value = bounds.exclusive_minimum + (1 if whole else 0.5)
    if bounds.maximum is not None:
        value = min(value, bounds.maximum)
    if bounds.exclusive_maximum is not None and value >= bounds.exclusive_maximum:
        value = bounds.exclusive_maximum - (1 if whole else 0.5)
    if bounds.multiple_of:
        value = -(-value // bounds.multiple_of) * bounds.multiple_of  # the next multiple up
    return int(value) if whole else float(value)


def _str_example(shape: String) -> str:
    text = {"decimal": "1.5", "date-time": "2024-01-01T00:00:00Z"}.get(shape.format or "", "string")
    if shape.pattern:
        words = re.findall(r"[A-Za-z0-9_]+", shape.pattern)  # often a literal alternative
        candidates = (*PATTERN_CANDIDATES, *words)
        text = next((c for c in candidates if _matches(shape.pattern, c)), text)
    return json.dumps(text if shape.max_length is None else text[: shape.max_length])


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:  # an ECMA-262 pattern Python does not read
        return False


def _object_example(shape: Ref, api: Api, seen: tuple[str, ...]) -> str:
    obj = object_shape(api, shape)
    if obj is None or shape.name in seen or len(seen) >= MAX_DEPTH:
        return "{}"
    chosen = [f for f in obj.fields if f.required] or list(obj.fields[:1])
    items = (f"{json.dumps(f.wire_name)}: {example_value(f.shape, api, (*seen, shape.name))}"
             for f in chosen)
    return "{" + ", ".join(items) + "}"

"""Shapes as the docs show them: type text and constraints (example values: ``examples.py``).

Every kind of shape is handled in each function (``assert_never``): a new kind fails
``mypy`` here until the docs say what it is.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, assert_never

from generator.emit.python import MethodText, TypeWriter, class_names, method_text
from generator.model import shapes as s

if TYPE_CHECKING:
    from generator.emit.docs import Row


class Typer:
    """Human-readable type text and constraints of shapes, with the API's class names."""

    def __init__(self, api: s.Api) -> None:
        self.api = api
        self.names = class_names(api)
        self.writer = TypeWriter(self.names)
        self.rows: dict[tuple[str, str, int], tuple[s.Field, Row]] = {}  # docs' rows, kept
        self._methods: dict[str, tuple[s.Operation, MethodText]] = {}

    def method(self, op: s.Operation) -> MethodText:
        """``python.method_text`` of ``op`` (computed once: the docs show it twice)."""
        kept = self._methods.get(op.operation_id)
        if kept is None or kept[0] is not op:
            kept = self._methods[op.operation_id] = (op, method_text(self.api, op, self.writer))
        return kept[1]

    def type_text(self, shape: s.Shape) -> str:
        match shape:
            case s.String() | s.Enum() | s.Integer():
                return _scalar_text(shape)
            case s.Number():
                return "number" + (f" ({shape.format})" if shape.format else "")
            case s.Boolean():
                return "boolean"
            case s.Null():
                return "null"
            case s.Const():
                return "one of " + ", ".join(json_text(v) for v in shape.values) \
                    if len(shape.values) != 1 else f"constant {json_text(shape.values[0])}"
            case s.Array():
                return f"array of {self._inner(shape.items)}"
            case s.Map():
                return f"map of {self._inner(shape.values)}"
            case s.Union():
                return " or ".join(self._inner(v) for v in shape.variants)
            case s.Emptyable():
                return f'{self.type_text(shape.shape)} or "" to clear'
            case s.Ref():
                return f"object {self.names.get(shape.name, shape.name)}"
            case s.Binary():
                return "file"
            case s.AnyShape():
                return "any"
            case _:
                assert_never(shape)

    def _inner(self, shape: s.Shape) -> str:
        text = self.type_text(shape)
        return f"({text})" if isinstance(shape, s.Union | s.Emptyable) else text

    def constraints(self, shape: s.Shape, prefix: str = "") -> list[str]:
        match shape:
            case s.Emptyable():
                return self.constraints(shape.shape, prefix)
            case s.Union():
                return [c for v in shape.variants for c in self.constraints(v, prefix)]
            case s.Array():
                return [prefix + c for c in _array_constraints(shape)] + self.constraints(
                    shape.items, prefix + "items: ")
            case s.Map():
                return [prefix + c for c in _key_constraints(shape.keys)] + self.constraints(
                    shape.values, prefix + "values: ")
            case s.String() | s.Enum():
                return [prefix + c for c in _string_constraints(shape)]
            case s.Integer() | s.Number():
                return [prefix + c for c in bounds_text(shape.bounds)]
            case s.Boolean() | s.Null() | s.Const() | s.Ref() | s.Binary() | s.AnyShape():
                return []  # the type text says it all (objects: their own rows)
            case _:
                assert_never(shape)


def json_text(value: s.Scalar) -> str:
    """A JSON scalar as JSON writes it (``true``, ``null``, ``"a"``, ``1.5``)."""
    return json.dumps(value, ensure_ascii=False)


def _scalar_text(shape: s.String | s.Enum | s.Integer) -> str:
    if isinstance(shape, s.Integer):
        return "integer (unix time)" if shape.format == "unix-time" else "integer"
    notes = [f"max {shape.max_length}"] if shape.max_length is not None else []
    if isinstance(shape, s.Enum):
        return ("open enum" if shape.open else "enum") + (f" ({notes[0]})" if notes else "")
    notes = ([shape.format] if shape.format else []) + notes
    return "string" + (f" ({', '.join(notes)})" if notes else "")


def _string_constraints(shape: s.String | s.Enum) -> list[str]:
    found = [f"max length {shape.max_length}"] if shape.max_length is not None else []
    if isinstance(shape, s.Enum):
        found.append("one of " + ", ".join(json_text(v) for v in shape.values))
        if shape.open:
            found.append("other strings accepted (open enum)")
    else:
        found += [f"min length {shape.min_length}"] if shape.min_length else []
        found += [f"format {shape.format}"] if shape.format else []
        found += [f"pattern {shape.pattern}"] if shape.pattern else []
    return found


def bounds_text(bounds: s.Bounds) -> list[str]:
    """``minimum 0``, ``below 10``, ``multiple of 5``: JSON Schema's numeric keywords."""
    parts = [
        ("minimum", bounds.minimum), ("maximum", bounds.maximum),
        ("above", bounds.exclusive_minimum), ("below", bounds.exclusive_maximum),
        ("multiple of", bounds.multiple_of),
    ]  # fmt: skip
    return [f"{word} {json_text(value)}" for word, value in parts if value is not None]


def _array_constraints(shape: s.Array) -> list[str]:
    found = [f"at least {shape.min_items} items"] if shape.min_items else []
    found += [f"at most {shape.max_items} items"] if shape.max_items is not None else []
    return found + (["items unique"] if shape.unique_items else [])


def _key_constraints(keys: s.Keys) -> list[str]:
    found = [f"at least {keys.min_properties} keys"] if keys.min_properties else []
    found += [f"at most {keys.max_properties} keys"] if keys.max_properties is not None else []
    found += [f"keys matching {p.pattern} hold other values" for p in keys.patterns]
    return found + (["key names checked (propertyNames)"] if keys.names is not None else [])

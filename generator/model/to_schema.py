"""The JSON Schema a model shape implies, written in the page's idiom.

Used to write an operation's page back (round trip 1: it normalises to an equal model) and to
check that the model accepts and rejects what the page's schema does (round trip 2). Keys are
sorted as on Stripe's pages; an ``Emptyable`` puts its ``""`` branch last (an ``Emptyable(Enum)``
becomes one ``enum`` with ``""`` first); a ``Ref`` is the object inlined with its title; an
object without fields has no ``properties`` key (the pages drop an empty one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    Ref,
    Shape,
    String,
    Union,
)

EMPTY: dict[str, Any] = {"enum": [""], "type": "string"}


def shape_schema(shape: Shape, api: Api) -> dict[str, Any]:
    """The JSON Schema of ``shape``; ``Ref`` names are looked up in ``api.shapes``."""
    return _Writer({o.name: o for o in api.shapes}).schema(shape)


def body_schema(op: Operation, api: Api) -> dict[str, Any] | None:
    """The request body schema of ``op`` (``None`` when it has no body)."""
    return None if op.body is None else shape_schema(op.body.shape, api)


class _Writer:
    def __init__(self, objects: Mapping[str, Object]) -> None:
        self.objects = objects

    def schema(self, shape: Shape) -> dict[str, Any]:
        if isinstance(shape, Ref):
            return self._object(self.objects[shape.name])
        if isinstance(shape, Emptyable):
            return self._emptyable(shape.shape)
        if isinstance(shape, Union):
            return {"anyOf": [self.schema(v) for v in shape.variants]}
        if isinstance(shape, Array):
            return {"items": self.schema(shape.items), "type": "array"}
        if isinstance(shape, Map):
            return {"additionalProperties": self.schema(shape.values), "type": "object"}
        return _scalar(shape)

    def _emptyable(self, inner: Shape) -> dict[str, Any]:
        if isinstance(inner, Enum):
            return _enum(inner, ("", *inner.values))
        variants = inner.variants if isinstance(inner, Union) else (inner,)
        return {"anyOf": [*(self.schema(v) for v in variants), dict(EMPTY)]}

    def _object(self, obj: Object) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not obj.additional:
            out["additionalProperties"] = False
        if obj.description:
            out["description"] = obj.description
        if obj.fields:
            out["properties"] = {f.wire_name: self._field(f) for f in obj.fields}
        required = [f.wire_name for f in obj.fields if f.required]
        if required:
            out["required"] = required
        if obj.title:
            out["title"] = obj.title
        out["type"] = "object"
        return out

    def _field(self, f: Field) -> dict[str, Any]:
        out = self.schema(f.shape)
        if f.description:
            out = dict(sorted({**out, "description": f.description}.items()))
        return out


def _scalar(shape: Shape) -> dict[str, Any]:
    if isinstance(shape, String):
        return _sorted(format=shape.format, maxLength=shape.max_length, pattern=shape.pattern,
                       type="string")
    if isinstance(shape, Integer | Number):
        return _sorted(format=shape.format, type=shape.kind)
    if isinstance(shape, Boolean):
        return {"type": "boolean"}
    if isinstance(shape, Enum):
        return _enum(shape, shape.values)
    if isinstance(shape, Binary):
        return {"format": "binary", "type": "string"}
    assert isinstance(shape, AnyShape), shape
    return {}


def _enum(shape: Enum, values: tuple[str, ...]) -> dict[str, Any]:
    out = _sorted(enum=list(values), maxLength=shape.max_length, type="string")
    if shape.open:
        out["x-stripeBypassValidation"] = True
    return out


def _sorted(**items: Any) -> dict[str, Any]:
    return {k: v for k, v in sorted(items.items()) if v is not None}


def defs_schema(shape: Shape, api: Api) -> dict[str, Any]:
    """The JSON Schema of ``shape`` with each named object once, under ``$defs``.

    ``shape_schema`` inlines every object where it is used, which never ends for a recursive
    shape and grows with every path through shapes that share objects (response types); here
    a ``Ref`` is ``{"$ref": "#/$defs/<name>"}``.
    """
    writer = _DefsWriter({o.name: o for o in api.shapes})
    root = writer.schema(shape)
    return {**root, "$defs": dict(sorted(writer.defs.items()))} if writer.defs else root


class _DefsWriter(_Writer):
    def __init__(self, objects: Mapping[str, Object]) -> None:
        super().__init__(objects)
        self.defs: dict[str, dict[str, Any]] = {}

    def schema(self, shape: Shape) -> dict[str, Any]:
        if not isinstance(shape, Ref):
            return super().schema(shape)
        if shape.name not in self.defs:
            self.defs[shape.name] = {}  # a cycle back to it finds the name taken
            self.defs[shape.name] = self._object(self.objects[shape.name])
        return {"$ref": f"#/$defs/{shape.name}"}

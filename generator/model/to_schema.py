"""The JSON Schema a model shape implies, written in the page's idiom.

Used to write an operation's page back (round trip 1: it normalises to an equal model) and to
check that the model accepts and rejects what the page's schema does (round trip 2). Keys are
sorted as on Stripe's pages; an ``Emptyable`` puts its ``""`` branch last (an ``Emptyable(Enum)``
becomes one ``enum`` with ``""`` first); a ``Ref`` is the object inlined with its title; an
object without fields has no ``properties`` key (the pages drop an empty one). A ``Ref`` met
again inside its own object (a recursive type) is ``{"$ref": "#<Name>"}``, and the object it
points back to carries ``"$anchor": "<Name>"`` (JSON Schema 2020-12, 8.2.2) and the scraper's
mark of a recursive target, so both ``jsonschema`` and the reader follow it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, assert_never

from generator.model import shapes as s
from generator.scrape.refs import RECURSIVE, REF_NAME

EMPTY: dict[str, Any] = {"enum": [""], "type": "string"}


def shape_schema(shape: s.Shape, api: s.Api) -> dict[str, Any]:
    """The JSON Schema of ``shape``; ``Ref`` names are looked up in ``api.shapes``."""
    return _Writer({o.name: o for o in api.shapes}).schema(shape)


def body_schema(op: s.Operation, api: s.Api) -> dict[str, Any] | None:
    """The request body schema of ``op`` (``None`` when it has no body)."""
    return None if op.body is None else shape_schema(op.body.shape, api)


class _Writer:
    def __init__(self, objects: Mapping[str, s.Object]) -> None:
        self.objects = objects
        self.active: list[str] = []  # objects being written (outermost first)
        self.recursive: set[str] = set()  # of those, the ones met again inside themselves

    def _given(self, shape: s.Shape) -> dict[str, Any] | None:
        """The schema of an array's items or a map's values; ``None`` where the source gave
        none (``AnyShape`` of origin ``"absent"``), so that the keyword is left out again."""
        if isinstance(shape, s.AnyShape) and shape.origin == "absent":
            return None
        return self.schema(shape)

    def schema(self, shape: s.Shape) -> dict[str, Any]:
        match shape:
            case s.Ref():
                return self._ref(shape.name)
            case s.Emptyable():
                return self._emptyable(shape.shape)
            case s.Union():
                return self._union(shape)
            case s.Array():
                return _sorted(items=self._given(shape.items), maxItems=shape.max_items,
                               minItems=shape.min_items, type="array",
                               uniqueItems=True if shape.unique_items else None)
            case s.Map():
                values = self._given(shape.values)
                extra = {} if values is None else {"additionalProperties": values}
                return {**extra, **self._keys(shape.keys), "type": "object"}
            case (s.String() | s.Integer() | s.Number() | s.Boolean() | s.Null() | s.Const()
                  | s.Enum() | s.Binary() | s.AnyShape()):  # fmt: skip
                return _scalar(shape)
            case _:
                assert_never(shape)

    def _ref(self, name: str) -> dict[str, Any]:
        if name in self.active:
            self.recursive.add(name)
            return {"$ref": f"#{_anchor(name)}"}
        self.active.append(name)
        try:
            out = self._object(self.objects[name])
        finally:
            self.active.pop()
        if name in self.recursive:
            self.recursive.discard(name)
            marks = {"$anchor": _anchor(name), RECURSIVE: f"#{_anchor(name)}"}
            out = dict(sorted({**out, **marks}.items()))
        return out

    def _union(self, shape: s.Union) -> dict[str, Any]:
        variants = [self.schema(v) for v in shape.variants]
        if shape.discriminator is None:
            return {"oneOf" if shape.exclusive else "anyOf": variants}
        by_index = {i: tag for tag, i in shape.discriminator.mapping}
        mapping = {tag: f"#/components/schemas/{tag}" for tag, _ in shape.discriminator.mapping}
        named = [{**v, REF_NAME: f"#/components/schemas/{by_index[i]}"} if i in by_index else v
                 for i, v in enumerate(variants)]  # fmt: skip
        spec = {"mapping": mapping, "propertyName": shape.discriminator.property}
        return {"discriminator": spec, "oneOf" if shape.exclusive else "anyOf": named}

    def _emptyable(self, inner: s.Shape) -> dict[str, Any]:
        if isinstance(inner, s.Enum):
            return _enum(inner, ("", *inner.values))
        variants = inner.variants if isinstance(inner, s.Union) and not inner.exclusive \
            and inner.discriminator is None else (inner,)
        return {"anyOf": [*(self.schema(v) for v in variants), dict(EMPTY)]}

    def _keys(self, keys: s.Keys) -> dict[str, Any]:
        patterns = {p.pattern: self.schema(p.shape) for p in keys.patterns} or None
        names = None if keys.names is None else self.schema(keys.names)
        return _sorted(maxProperties=keys.max_properties, minProperties=keys.min_properties,
                       patternProperties=patterns, propertyNames=names)

    def _object(self, obj: s.Object) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not obj.additional:
            out["additionalProperties"] = False
        elif obj.extra is not None:
            out["additionalProperties"] = self.schema(obj.extra)
        if obj.description:
            out["description"] = obj.description
        out.update(self._keys(obj.keys))
        if obj.fields:
            out["properties"] = {f.wire_name: self._field(f) for f in obj.fields}
        required = [f.wire_name for f in obj.fields if f.required]
        if required:
            out["required"] = required
        if obj.title:
            out["title"] = obj.title
        out["type"] = "object"
        return dict(sorted(out.items()))

    def _field(self, f: s.Field) -> dict[str, Any]:
        out = self.schema(f.shape)
        extra = _sorted(default=json.loads(f.default) if f.default else None,
                        deprecated=True if f.deprecated else None,
                        description=f.description or None,
                        readOnly=True if f.read_only else None)
        if extra:
            out = dict(sorted({**out, **extra}.items()))
        return out


def _anchor(name: str) -> str:
    """An ``$anchor`` for an object name (letters, digits, ``-``, ``_``, ``.``)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
    return cleaned if cleaned[:1].isalpha() else f"S{cleaned}"


def _bounds(b: s.Bounds) -> dict[str, Any]:
    return _sorted(exclusiveMaximum=b.exclusive_maximum, exclusiveMinimum=b.exclusive_minimum,
                   maximum=b.maximum, minimum=b.minimum, multipleOf=b.multiple_of)


Scalar = (s.String | s.Integer | s.Number | s.Boolean | s.Null | s.Const | s.Enum | s.Binary
          | s.AnyShape)


def _scalar(shape: Scalar) -> dict[str, Any]:
    match shape:
        case s.String():
            return _sorted(format=shape.format, maxLength=shape.max_length,
                           minLength=shape.min_length, pattern=shape.pattern, type="string")
        case s.Integer() | s.Number():
            return dict(sorted({**_sorted(format=shape.format, type=shape.kind),
                                **_bounds(shape.bounds)}.items()))
        case s.Boolean():
            return {"type": "boolean"}
        case s.Null():
            return {"type": "null"}
        case s.Const():
            if len(shape.values) == 1:
                return {"const": shape.values[0]}
            return {"enum": list(shape.values)}
        case s.Enum():
            return _enum(shape, shape.values)
        case s.Binary():
            return {"format": "binary", "type": "string"}
        case s.AnyShape():
            return {}
        case _:
            assert_never(shape)


def _enum(shape: s.Enum, values: tuple[str, ...]) -> dict[str, Any]:
    out = _sorted(enum=list(values), maxLength=shape.max_length, type="string")
    if shape.open:
        out["x-stripeBypassValidation"] = True
    return out


def _sorted(**items: Any) -> dict[str, Any]:
    return {k: v for k, v in sorted(items.items()) if v is not None}


def defs_schema(shape: s.Shape, api: s.Api) -> dict[str, Any]:
    """The JSON Schema of ``shape`` with each named object once, under ``$defs``.

    ``shape_schema`` inlines every object where it is used, which never ends for a recursive
    shape and grows with every path through shapes that share objects (response types); here
    a ``Ref`` is ``{"$ref": "#/$defs/<name>"}``.
    """
    writer = _DefsWriter({o.name: o for o in api.shapes})
    root = writer.schema(shape)
    return {**root, "$defs": dict(sorted(writer.defs.items()))} if writer.defs else root


class _DefsWriter(_Writer):
    def __init__(self, objects: Mapping[str, s.Object]) -> None:
        super().__init__(objects)
        self.defs: dict[str, dict[str, Any]] = {}

    def schema(self, shape: s.Shape) -> dict[str, Any]:
        if not isinstance(shape, s.Ref):
            return super().schema(shape)
        if shape.name not in self.defs:
            self.defs[shape.name] = {}  # a cycle back to it finds the name taken
            self.defs[shape.name] = self._object(self.objects[shape.name])
        return {"$ref": f"#/$defs/{shape.name}"}

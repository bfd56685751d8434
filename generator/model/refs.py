"""The named shapes a shape, an object or an operation refers to.

Read by the memo (a piece's key covers the shapes it reaches) and by emit (which TypedDicts a
module needs, which validators an operation reaches).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never

from generator.model.shapes import (
    AnyShape,
    Array,
    Binary,
    Boolean,
    Const,
    Emptyable,
    Enum,
    Integer,
    Keys,
    Map,
    Null,
    Number,
    Object,
    Operation,
    Ref,
    Shape,
    String,
    Union,
)


def shape_refs(shape: Shape) -> Iterator[str]:
    """Names of the named shapes ``shape`` refers to directly (not through them)."""
    match shape:
        case Ref():
            yield shape.name
        case Array():
            yield from shape_refs(shape.items)
        case Map():
            yield from shape_refs(shape.values)
            yield from _keys_refs(shape.keys)
        case Emptyable():
            yield from shape_refs(shape.shape)
        case Union():
            for variant in shape.variants:
                yield from shape_refs(variant)
        case String() | Integer() | Number() | Boolean() | Null() | Const() | Enum() | Binary() \
                | AnyShape():
            return
        case _:
            assert_never(shape)


def _keys_refs(keys: Keys) -> Iterator[str]:
    if keys.names is not None:
        yield from shape_refs(keys.names)
    for rule in keys.patterns:
        yield from shape_refs(rule.shape)


def object_refs(obj: Object) -> list[str]:
    found = {name for f in obj.fields for name in shape_refs(f.shape)}
    found |= set(shape_refs(obj.extra)) if obj.extra is not None else set()
    return sorted(found | set(_keys_refs(obj.keys)))


def operation_refs(op: Operation) -> list[str]:
    shapes = [p.shape for p in (*op.path_params, *op.query_params, *op.header_params)]
    shapes += [op.body.shape] if op.body is not None else []
    shapes += [r.shape for r in op.responses if r.shape is not None]
    return sorted({name for shape in shapes for name in shape_refs(shape)})

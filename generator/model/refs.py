"""The named shapes a shape, an object or an operation refers to.

Read by the memo (a piece's key covers the shapes it reaches) and by emit (which TypedDicts a
module needs, which validators an operation reaches).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never

from generator.model import shapes as s


def shape_refs(shape: s.Shape) -> Iterator[str]:
    """Names of the named shapes ``shape`` refers to directly (not through them)."""
    match shape:
        case s.Ref():
            yield shape.name
        case s.Array():
            yield from shape_refs(shape.items)
        case s.Map():
            yield from shape_refs(shape.values)
            yield from _keys_refs(shape.keys)
        case s.Emptyable():
            yield from shape_refs(shape.shape)
        case s.Union():
            for variant in shape.variants:
                yield from shape_refs(variant)
        case (s.String() | s.Integer() | s.Number() | s.Boolean() | s.Null() | s.Const()
              | s.Enum() | s.Binary() | s.AnyShape()):  # fmt: skip
            return
        case _:
            assert_never(shape)


def _keys_refs(keys: s.Keys) -> Iterator[str]:
    if keys.names is not None:
        yield from shape_refs(keys.names)
    for rule in keys.patterns:
        yield from shape_refs(rule.shape)


def object_refs(obj: s.Object) -> list[str]:
    found = {name for f in obj.fields for name in shape_refs(f.shape)}
    found |= set(shape_refs(obj.extra)) if obj.extra is not None else set()
    return sorted(found | set(_keys_refs(obj.keys)))


def operation_refs(op: s.Operation) -> list[str]:
    shapes = [p.shape for p in op.parameters]
    shapes += [op.body.shape] if op.body is not None else []
    shapes += [r.shape for r in op.responses if r.shape is not None]
    return sorted({name for shape in shapes for name in shape_refs(shape)})

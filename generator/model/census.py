"""How much of a model is typed: shape nodes counted, ``Any`` nodes counted by origin.

The measure of issue 12's goal ("``Any`` in at most 1% of shape nodes where the source gives
a schema"): every shape node reachable from the operations (parameters, bodies, responses)
and from the named objects (fields, ``additionalProperties``, key rules), each named object
counted once. An ``AnyShape`` whose ``origin`` is ``"absent"`` stands where the source gives
no schema (an array without ``items``, an object without ``additionalProperties``) and is
not counted among the nodes; ``"schema"`` is an exact ``Any`` (the source's schema admits
any value); ``"unchecked"`` is a loss (the source says something the model does not check).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import assert_never

from generator.model import shapes as s


@dataclass(frozen=True, slots=True)
class Census:
    """Shape nodes of one model and its ``Any`` nodes by ``AnyShape.origin``."""

    nodes: int  # every shape node, "absent" Any nodes included
    any_nodes: Counter[str]  # origin -> count

    @property
    def given(self) -> int:
        """Nodes where the source gives a schema (``"absent"`` Any nodes left out)."""
        return self.nodes - self.any_nodes["absent"]

    def share(self, *origins: str) -> float:
        """The share (0..1) of ``given`` nodes that are ``Any`` of ``origins``."""
        found = sum(self.any_nodes[o] for o in origins)
        return found / self.given if self.given else 0.0


def census(api: s.Api) -> Census:
    """Count the shape nodes of ``api`` (see the module docstring)."""
    found: list[s.Shape] = []
    for op in api.operations:
        for param in op.parameters:
            _walk(param.shape, found)
        if op.body is not None:
            _walk(op.body.shape, found)
        for response in op.responses:
            if response.shape is not None:
                _walk(response.shape, found)
    for obj in api.shapes:
        for f in obj.fields:
            _walk(f.shape, found)
        if obj.extra is not None:
            _walk(obj.extra, found)
        _walk_keys(obj.keys, found)
    origins = Counter[str](a.origin for a in found if isinstance(a, s.AnyShape))
    return Census(len(found), origins)


def _walk(shape: s.Shape, found: list[s.Shape]) -> None:
    found.append(shape)
    match shape:
        case s.Array():
            _walk(shape.items, found)
        case s.Map():
            _walk(shape.values, found)
            _walk_keys(shape.keys, found)
        case s.Union():
            for variant in shape.variants:
                _walk(variant, found)
        case s.Emptyable():
            _walk(shape.shape, found)
        case s.String() | s.Integer() | s.Number() | s.Boolean() | s.Null() | s.Const() | s.Enum() \
                | s.Binary() | s.AnyShape() | s.Ref():  # fmt: skip
            pass  # a leaf; a Ref's object is counted once, from ``Api.shapes``
        case _:
            assert_never(shape)


def _walk_keys(keys: s.Keys, found: list[s.Shape]) -> None:
    if keys.names is not None:
        _walk(keys.names, found)
    for pattern in keys.patterns:
        _walk(pattern.shape, found)

"""Rendered pieces remembered across runs, each keyed by exactly the model it reads.

A ``Memo`` is handed to ``render_api`` by the pipeline with a store (the generation cache)
and a salt: the digest of the generator's code, the templates and every API-wide value a
template sees (name, title, base URL, source label). A piece (one docs page, one resource
module, one validator function) is then stored under the salt and the ``repr`` of the model
parts it reads: its operation, the named shapes that operation reaches and the class names
they get. The model is plain frozen data, so equal ``repr`` means equal input, and the same
input renders the same text: a hit gives exactly what rendering would.

``Memo(None)`` remembers nothing and computes no keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol

from generator.model.shapes import (
    Api,
    Array,
    Emptyable,
    Map,
    Object,
    Operation,
    Ref,
    Shape,
    Union,
)

KIND = "unit"  # the store's folder for remembered pieces


class Store(Protocol):
    """Where pieces are kept (``generator.cache.Cache`` is one)."""

    def get(self, kind: str, key: str) -> bytes | None: ...

    def put(self, kind: str, key: str, payload: bytes) -> None: ...


def digest(*parts: str) -> str:
    """SHA-256 (hex) of ``parts``, each length-prefixed so no two lists collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def shape_refs(shape: Shape) -> Iterator[str]:
    """Names of the named shapes ``shape`` refers to directly (not through them)."""
    match shape:
        case Ref():
            yield shape.name
        case Array():
            yield from shape_refs(shape.items)
        case Map():
            yield from shape_refs(shape.values)
        case Emptyable():
            yield from shape_refs(shape.shape)
        case Union():
            for variant in shape.variants:
                yield from shape_refs(variant)


def object_refs(obj: Object) -> list[str]:
    return sorted({name for f in obj.fields for name in shape_refs(f.shape)})


def operation_refs(op: Operation) -> list[str]:
    shapes = [p.shape for p in (*op.path_params, *op.query_params, *op.header_params)]
    shapes += [op.body.shape] if op.body is not None else []
    return sorted({name for shape in shapes for name in shape_refs(shape)})


class Memo:
    """Text (or bytes) of rendered pieces by key; see the module doc."""

    def __init__(self, store: Store | None, salt: str = "") -> None:
        self.store = store
        self.salt = salt
        self._reach: dict[str, tuple[str, ...]] = {}
        self._shape_digest: dict[str, str] = {}
        self._op_keys: dict[str, str] = {}
        self._names: Mapping[str, str] = {}
        self._by_name: dict[str, Object] = {}

    @property
    def enabled(self) -> bool:
        return self.store is not None

    def bind(self, api: Api, names: Mapping[str, str], context: str) -> Memo:
        """A memo for ``api``: its keys also hold ``context`` (every API-wide template value)."""
        bound = Memo(self.store, digest(self.salt, context))
        bound._names = names
        bound._by_name = {s.name: s for s in api.shapes}
        if self.enabled:
            bound._shape_digest = {s.name: digest(repr(s)) for s in api.shapes}
        return bound

    def bytes(self, parts: Sequence[str], compute: Callable[[], bytes]) -> bytes:
        """``compute()``, or what it gave before for the same ``parts``."""
        if self.store is None:
            return compute()
        key = digest(self.salt, *parts)
        hit = self.store.get(KIND, key)
        if hit is not None:
            return hit
        value = compute()
        self.store.put(KIND, key, value)
        return value

    def text(self, parts: Sequence[str], compute: Callable[[], str]) -> str:
        """``compute()``, or the text it gave before for the same ``parts``."""
        if self.store is None:
            return compute()
        raw = self.bytes(parts, lambda: compute().encode("utf-8", "surrogatepass"))
        return raw.decode("utf-8", "surrogatepass")

    def op_key(self, op: Operation) -> str:
        """Digest of ``op``, every named shape it reaches and their class names."""
        if not self.enabled:
            return ""
        if op.operation_id not in self._op_keys:
            reached = sorted({n for r in operation_refs(op) for n in self.reach(r)})
            parts = [f"{n}\0{self._shape_digest.get(n, '')}\0{self._names.get(n, '')}"
                     for n in reached]  # fmt: skip
            self._op_keys[op.operation_id] = digest(repr(op), *parts)
        return self._op_keys[op.operation_id]

    def shape_key(self, obj: Object, names: Mapping[str, str]) -> str:
        """Digest of ``obj`` and the ``names`` (of any kind) of the shapes it refers to."""
        refs = [f"{n}\0{names.get(n, '')}" for n in object_refs(obj)]
        return digest(repr(obj), names.get(obj.name, ""), *refs)

    def reach(self, name: str) -> tuple[str, ...]:
        """``name`` and every named shape reachable from it, sorted."""
        if name in self._reach:
            return self._reach[name]
        found: set[str] = set()
        todo = [name]
        objects = self._by_name
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.add(current)
            obj = objects.get(current)
            if obj is not None:
                todo.extend(object_refs(obj))
        self._reach[name] = tuple(sorted(found))
        return self._reach[name]

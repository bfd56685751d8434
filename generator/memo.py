"""One memo around the stages: a result kept under a digest of exactly what it reads.

The stages (scraping, normalising, rendering, formatting) are plain functions of their
inputs and know nothing of caching. The pipeline wraps a call in ``Memo.reported`` or
``Memo.value`` with the parts its result depends on, and activates a memo (``remembering``)
around ``render_api`` so that pieces of the output declared ``@memoised`` (one resource
module, one docs page, one validator function) are kept too. Without an active memo, or
with ``Memo(None)``, every call computes and nothing is stored.

Keys are ``digest(salt, kind, *parts)``; the salt holds the generator's code fingerprint
(and, while rendering, the templates and every API-wide value a template sees). The model
is plain frozen data, so an equal ``repr`` means equal input, and equal input renders the
same text: a hit gives exactly what computing would. The store (``generator.cache.Cache``)
checks every entry's HMAC under this user's key, so a damaged or planted entry is a miss and
nothing is unpickled that this user's doc2client did not write.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

from generator.cache import digest
from generator.diagnostics import Diagnostic, Reporter

if TYPE_CHECKING:
    from generator.model.shapes import Api, Object, Operation

T = TypeVar("T")
P = ParamSpec("P")
PIECES = "unit"  # the store's folder for ``@memoised`` pieces of the output


class Store(Protocol):
    """Where entries are kept (``generator.cache.Cache`` is one)."""

    def get(self, kind: str, key: str) -> bytes | None: ...

    def put(self, kind: str, key: str, payload: bytes) -> None: ...


class Memo:
    """Values by (kind, parts) in a ``Store``; ``Memo(None)`` keeps nothing."""

    def __init__(self, store: Store | None = None, salt: str = "") -> None:
        self.store = store
        self.salt = salt
        self._model_keys: dict[int, tuple[Api, ModelKeys]] = {}
        self._digests: dict[int, tuple[object, str]] = {}  # id → (object, digest of its repr)

    @property
    def enabled(self) -> bool:
        return self.store is not None

    def salted(self, *parts: str) -> Memo:
        """The same store, with ``parts`` added to every key."""
        return Memo(self.store, digest(self.salt, *parts)) if self.enabled else self

    def key(self, kind: str, parts: Sequence[str | bytes]) -> str:
        return digest(self.salt, kind, *parts) if self.enabled else ""

    def get(self, kind: str, parts: Sequence[str | bytes]) -> tuple[Any] | None:
        """``(value,)`` as kept by ``put`` for the same ``parts``, else None."""
        if self.store is None:
            return None
        return _unpickle(self.store.get(kind, self.key(kind, parts)))

    def put(self, kind: str, parts: Sequence[str | bytes], value: object) -> None:
        if self.store is not None:
            payload = pickle.dumps((value,), protocol=pickle.HIGHEST_PROTOCOL)
            self.store.put(kind, self.key(kind, parts), payload)

    def value(self, kind: str, parts: Sequence[str | bytes], compute: Callable[[], T]) -> T:
        """``compute()``, or what it gave before for the same ``parts``."""
        hit = self.get(kind, parts)
        if hit is not None:
            found: T = hit[0]
            return found
        value = compute()
        self.put(kind, parts, value)
        return value

    def reported(
        self, kind: str, parts: Sequence[str | bytes], reporter: Reporter,
        compute: Callable[[Reporter], T],
    ) -> T:  # fmt: skip
        """``compute(reporter)``, or its value and the diagnostics it reported, kept together."""

        def run() -> tuple[T, list[Diagnostic]]:
            local = Reporter()
            return compute(local), local.items

        value, items = self.value(kind, parts, run)
        reporter.items.extend(items)
        return value

    def model_keys(self, api: Api) -> ModelKeys:
        """The ``ModelKeys`` of ``api`` (computed once per memo and model)."""
        entry = self._model_keys.get(id(api))
        if entry is None or entry[0] is not api:
            entry = (api, ModelKeys(api, self.digest_of))
            self._model_keys[id(api)] = entry
        return entry[1]

    def digest_of(self, obj: object) -> str:
        """Digest of ``repr(obj)``, a model object (plain frozen data: an equal ``repr`` is
        equal content), computed once per object: keys of several pieces read the same
        operations and shapes, and their ``repr`` is the dearest part of a key."""
        entry = self._digests.get(id(obj))
        if entry is None or entry[0] is not obj:
            entry = (obj, digest(repr(obj)))
            self._digests[id(obj)] = entry
        return entry[1]


def _unpickle(payload: bytes | None) -> tuple[Any] | None:
    if payload is None:
        return None
    try:
        value = pickle.loads(payload)
    except Exception:  # written by another version of a class: a miss
        return None
    return (value[0],) if isinstance(value, tuple) and len(value) == 1 else None


_ACTIVE: ContextVar[Memo | None] = ContextVar("doc2client_memo", default=None)
_NOTHING = Memo(None)


def active() -> Memo:
    """The memo ``remembering`` activated, else one that keeps nothing."""
    return _ACTIVE.get() or _NOTHING


@contextmanager
def remembering(memo: Memo) -> Iterator[Memo]:
    """Activate ``memo`` for the ``@memoised`` pieces computed inside the block."""
    token = _ACTIVE.set(memo)
    try:
        yield memo
    finally:
        _ACTIVE.reset(token)


def memoised(key: Callable[P, Sequence[str]]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Keep a pure function's results in the active memo, under ``key(*args, **kwargs)``.

    ``key`` names everything the result depends on besides the memo's salt; it is only
    called when a memo is active.
    """

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            memo = active()
            if not memo.enabled:
                return function(*args, **kwargs)
            parts = key(*args, **kwargs)
            return memo.value(PIECES, parts, lambda: function(*args, **kwargs))

        return wrapper

    return decorate


class ModelKeys:
    """Digests of the model parts a rendered piece reads: an operation and the named shapes
    it reaches, with the names they are given."""

    def __init__(self, api: Api, digest_of: Callable[[object], str]) -> None:
        self._by_name: dict[str, Object] = {s.name: s for s in api.shapes}
        self._shape_digest = {s.name: digest_of(s) for s in api.shapes}
        self._digest_of = digest_of
        self._reach: dict[str, tuple[str, ...]] = {}
        self._operations: dict[tuple[str, int], tuple[Mapping[str, str], str]] = {}
        self._own: dict[str, tuple[Operation, str, list[str]]] = {}  # op id → digest, reached

    def operation(self, op: Operation, names: Mapping[str, str]) -> str:
        """Digest of ``op``, every named shape it reaches and their ``names``."""
        entry = self._operations.get((op.operation_id, id(names)))
        if entry is None or entry[0] is not names:
            own, reached = self._operation_parts(op)
            parts = [f"{n}\0{self._shape_digest.get(n, '')}\0{names.get(n, '')}"
                     for n in reached]  # fmt: skip
            entry = (names, digest(own, *parts))
            self._operations[(op.operation_id, id(names))] = entry
        return entry[1]

    def _operation_parts(self, op: Operation) -> tuple[str, list[str]]:
        """Digest of ``op`` alone and the named shapes it reaches (once per operation: its
        ``repr`` is the dearest part of a key)."""
        entry = self._own.get(op.operation_id)
        if entry is None or entry[0] is not op:
            from generator.model.refs import operation_refs  # not at import: see _refs

            reached = sorted({n for r in operation_refs(op) for n in self.reach(r)})
            entry = (op, self._digest_of(op), reached)
            self._own[op.operation_id] = entry
        return entry[1], entry[2]

    def reach(self, name: str) -> tuple[str, ...]:
        """``name`` and every named shape reachable from it, sorted."""
        if name not in self._reach:
            found: set[str] = set()
            todo = [name]
            while todo:
                current = todo.pop()
                if current not in found:
                    found.add(current)
                    obj = self._by_name.get(current)
                    todo.extend(_refs(obj) if obj is not None else ())
            self._reach[name] = tuple(sorted(found))
        return self._reach[name]


def operation_keys(
    api: Api, ops: Sequence[Operation], names: Mapping[str, str]
) -> tuple[str, ...]:
    """``ModelKeys.operation`` of each of ``ops`` in the active memo; none without one.

    For the key of a ``@memoised`` piece that shows these operations.
    """
    memo = active()
    if not memo.enabled:
        return ()
    keys = memo.model_keys(api)
    return tuple(keys.operation(op, names) for op in ops)


def shape_key(obj: Object, names: Mapping[str, str]) -> str:
    """Digest of ``obj`` and the ``names`` (of any kind) of the shapes it refers to."""
    refs = [f"{n}\0{names.get(n, '')}" for n in _refs(obj)]
    return digest(model_digest(obj), names.get(obj.name, ""), *refs)


def model_digest(obj: object) -> str:
    """``Memo.digest_of`` in the active memo (``repr`` digested anew without one)."""
    memo = active()
    return memo.digest_of(obj) if memo.enabled else digest(repr(obj))


def _refs(obj: Object) -> list[str]:
    """``model.refs.object_refs``, imported when first needed: importing the model imports the
    scraper, which a replayed run never loads."""
    from generator.model.refs import object_refs

    return object_refs(obj)

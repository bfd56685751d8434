"""The model walk of the change report: every ``Change`` between two versions of an API.

Operations are matched by method and path (placeholder names ignored), then by operation id.
Within a matched operation the parameters and the body shape are walked together; named
objects are followed through ``Api.shapes`` on each side. Every difference is one ``Change``.

``breaking`` is judged from the side of code written against the client generated from the
old version: a change is breaking when such code may stop working with the new one (a field
or value it could send is gone, a field it may leave out is now required, a type is
narrower). Widening (a field or value added, ``""`` accepted to clear, a type that accepts
more) is not breaking. Descriptions and titles are reported but never breaking.

Responses are judged from the reader's side, the other way round: code that reads a
response breaks when a field it reads is gone or may now be missing (removed, or required
becoming optional), or when a value may now be of a type or enum value it does not expect
(widening). A field added, a field becoming required, a type narrowed, are not breaking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, assert_never

from generator.model import shapes as s

K = TypeVar("K")  # what operations are matched by

DOC_KINDS = frozenset({"description-changed", "title-changed", "operation-description-changed"})
OPERATION_KINDS = frozenset({"operation-added", "operation-removed"})
# Formats under which the client also accepts a richer Python type (datetime, Decimal).
WIDENING_FORMATS = frozenset({"unix-time", "decimal"})

MESSAGES = {
    "operation-added": "operation added",
    "operation-removed": "operation removed",
    "operation-renamed": "operation id changed from {before} to {after}",
    "method-renamed": "client method changed from {before} to {after}",
    "body-added": "request body added ({after})",
    "body-removed": "request body removed",
    "media-type-changed": "body media type changed from {before} to {after}",
    "field-added": "{after} field added",
    "field-removed": "field removed (was {before})",
    "required-changed": "now {after} (was {before})",
    "type-changed": "type changed from {before} to {after}",
    "enum-value-added": "value {after} added",
    "enum-value-removed": "value {before} removed",
    "clearable-added": 'can now be cleared with ""',
    "clearable-removed": 'can no longer be cleared with ""',
    "max-length-lowered": "maximum length lowered from {before} to {after}",
    "max-length-raised": "maximum length raised from {before} to {after}",
    "format-changed": "format changed from {before} to {after}",
    "pattern-changed": "pattern changed from {before} to {after}",
    "limit-changed": "limit changed from {before} to {after}",
    "additional-changed": "other keys {after}",
    "description-changed": "description changed",
    "operation-description-changed": "summary or description changed",
    "title-changed": "title changed from {before} to {after}",
    "response-added": "response {after} added",
    "response-removed": "response {before} removed",
    "response-media-type-changed": "response media type changed from {before} to {after}",
}
ALWAYS_BREAKING = frozenset({"field-removed"})  # on either side
Direction = str  # "request" (what the client sends) or "response" (what it reads)


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """One difference. ``field_path`` is dotted (``address.city``, ``items[].price``,
    ``metadata.*``), parameters are ``query:expand``; empty for the operation itself."""

    operation_id: str
    method: str
    path: str
    field_path: str
    kind: str
    before: str
    after: str
    breaking: bool
    message: str


@dataclass(frozen=True, slots=True)
class ChangeReport:
    old: str  # the old API's name
    new: str
    changes: tuple[Change, ...]  # sorted

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    def of_kind(self, *kinds: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind in kinds)


@dataclass(slots=True)
class _Walk:
    """The state of comparing one operation: both sides' shapes and the changes found."""

    old_shapes: dict[str, s.Object]
    new_shapes: dict[str, s.Object]
    op: s.Operation
    out: list[Change]
    active: set[tuple[str, str]] = field(default_factory=set)  # refs being compared
    direction: Direction = "request"

    def add(
        self, kind: str, path: str, before: object, after: object, *, breaking: bool,
        reading: bool | None = None,
    ) -> None:  # fmt: skip
        """One change; ``breaking`` for a sender. In a response the reader's verdict holds:
        ``reading`` where given, else the opposite (a widening breaks a reader)."""
        if self.direction == "response" and kind not in DOC_KINDS:
            breaking = kind in ALWAYS_BREAKING or (not breaking if reading is None else reading)
        before_text, after_text = _text(before), _text(after)
        text = MESSAGES[kind].format(before=before_text or "none", after=after_text or "none")
        where = f"{self.op.method} {self.op.path}" + (f" {path}" if path else "")
        op = self.op
        message = f"{where}: {text}"
        change = (op.operation_id, op.method, op.path, path, kind, before_text, after_text)
        self.out.append(Change(*change, breaking, message))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "required" if value else "optional"
    return str(value)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and not prefix.endswith(":") else prefix + name


def describe(shape: s.Shape) -> str:
    """A short text for a shape, as the report shows types."""
    match shape:
        case s.String() | s.Integer() | s.Number():
            return f"{shape.kind} ({shape.format})" if shape.format else shape.kind
        case s.Enum():
            return "open enum" if shape.open else "enum"
        case s.Const():
            return "const " + ", ".join(repr(v) for v in shape.values)
        case s.Array():
            return f"array of {describe(shape.items)}"
        case s.Map():
            return f"map of {describe(shape.values)}"
        case s.Union():
            return " | ".join(describe(v) for v in shape.variants)
        case s.Emptyable():
            return f'{describe(shape.shape)} | ""'
        case s.Ref():
            return "object"
        case s.Binary():
            return "file"
        case s.Boolean() | s.Null() | s.AnyShape():
            return shape.kind
        case _:
            assert_never(shape)


def _unwrap(shape: s.Shape) -> tuple[s.Shape, bool]:
    if isinstance(shape, s.Emptyable):
        return shape.shape, True
    return shape, False


def _compare(w: _Walk, old: s.Shape, new: s.Shape, path: str) -> None:
    old_inner, old_clear = _unwrap(old)
    new_inner, new_clear = _unwrap(new)
    if old_clear != new_clear:
        kind = "clearable-added" if new_clear else "clearable-removed"
        w.add(kind, path, describe(old), describe(new), breaking=old_clear)
    _compare_inner(w, old_inner, new_inner, path)


def _compare_inner(w: _Walk, old: s.Shape, new: s.Shape, path: str) -> None:
    if isinstance(old, s.Union) or isinstance(new, s.Union):
        _compare_variants(w, _variants(old), _variants(new), path)
    elif (isinstance(old, s.Map | s.Ref) and isinstance(new, s.Map | s.Ref)
          and type(old) is not type(new)):
        _compare_objects(w, _as_object(w.old_shapes, old), _as_object(w.new_shapes, new), path)
    elif type(old) is not type(new):
        widening, narrowing = _widens(old, new), _widens(new, old)
        w.add("type-changed", path, describe(old), describe(new), breaking=not widening,
              reading=not narrowing)
    else:
        _compare_kind(w, old, new, path)
        _compare_limits(w, _limits(old), _limits(new), path)


def _compare_kind(w: _Walk, old: s.Shape, new: s.Shape, path: str) -> None:
    """Two shapes of one kind: what each kind holds besides its limits."""
    match old:
        case s.Ref():
            assert isinstance(new, s.Ref)
            _compare_refs(w, old, new, path)
        case s.Array():
            assert isinstance(new, s.Array)
            _compare(w, old.items, new.items, f"{path}[]")
        case s.Map():
            assert isinstance(new, s.Map)
            _compare(w, old.values, new.values, _join(path, "*"))
        case s.Union():
            _compare_variants(w, _variants(old), _variants(new), path)
        case s.Emptyable():
            assert isinstance(new, s.Emptyable)
            _compare(w, old.shape, new.shape, path)
        case s.String() | s.Integer() | s.Number() | s.Enum() | s.Const():
            _compare_scalars(w, old, new, path)
        case s.Boolean() | s.Null() | s.Binary() | s.AnyShape():
            pass  # nothing more to compare
        case _:
            assert_never(old)


def _as_object(shapes: dict[str, s.Object], shape: s.Map | s.Ref) -> s.Object:
    """A map as the object without fields it is (any keys), to compare with an object."""
    if isinstance(shape, s.Ref) and shape.name in shapes:
        return shapes[shape.name]
    return s.Object("", ())


# keyword -> whether a larger value is stricter
_LIMITS = {
    "min_length": True, "minimum": True, "exclusive_minimum": True, "min_items": True,
    "max_items": False, "maximum": False, "exclusive_maximum": False, "multiple_of": True,
    "unique_items": True, "min_properties": True, "max_properties": False,
}


def _limits(shape: s.Shape) -> dict[str, float]:
    """The numeric limits of a shape that the report compares (not ``max_length``: above;
    ``unique_items`` as 1 when set)."""
    found: dict[str, object] = {}
    match shape:
        case s.String():
            found = {"min_length": shape.min_length}
        case s.Integer() | s.Number():
            b = shape.bounds
            found = {"minimum": b.minimum, "maximum": b.maximum, "multiple_of": b.multiple_of,
                     "exclusive_minimum": b.exclusive_minimum,
                     "exclusive_maximum": b.exclusive_maximum}  # fmt: skip
        case s.Array():
            found = {"min_items": shape.min_items, "max_items": shape.max_items,
                     "unique_items": 1 if shape.unique_items else None}  # fmt: skip
        case s.Map():
            found = {"min_properties": shape.keys.min_properties,
                     "max_properties": shape.keys.max_properties}  # fmt: skip
        case s.Enum() | s.Const() | s.Boolean() | s.Null() | s.Union() | s.Emptyable() | s.Ref() \
                | s.Binary() | s.AnyShape():  # fmt: skip
            pass  # no numeric limits (objects: compared field by field)
        case _:
            assert_never(shape)
    return {k: float(v) for k, v in found.items() if isinstance(v, int | float)}


def _compare_limits(w: _Walk, old: dict[str, float], new: dict[str, float], path: str) -> None:
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        stricter = after is not None and (before is None or (after > before) == _LIMITS[key])
        w.add("limit-changed", path, f"{key} {_number(before)}", f"{key} {_number(after)}",
              breaking=stricter)


def _number(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if value.is_integer() else str(value)


def _widens(old: s.Shape, new: s.Shape) -> bool:
    """Whether every value of ``old`` is also a value of ``new`` (kinds differ)."""
    return (
        isinstance(new, s.AnyShape)
        or (isinstance(old, s.Enum) and isinstance(new, s.String) and new.pattern is None)
        or (isinstance(old, s.Integer) and isinstance(new, s.Number))
    )


def _compare_scalars(w: _Walk, old: s.Shape, new: s.Shape, path: str) -> None:
    if isinstance(old, s.Const) and isinstance(new, s.Const):
        _compare_values(w, old.values, new.values, path, closed=True)
    elif isinstance(old, s.Enum) and isinstance(new, s.Enum):
        _compare_enums(w, old, new, path)
        _compare_max_length(w, old.max_length, new.max_length, path)
    elif isinstance(old, s.String) and isinstance(new, s.String):
        _compare_max_length(w, old.max_length, new.max_length, path)
        _compare_format(w, old.format, new.format, path)
        if old.pattern != new.pattern:
            w.add(
                "pattern-changed", path, old.pattern, new.pattern, breaking=new.pattern is not None
            )
    elif isinstance(old, s.Integer | s.Number) and isinstance(new, s.Integer | s.Number):
        _compare_format(w, old.format, new.format, path)


def _compare_values(
    w: _Walk, old: Sequence[object], new: Sequence[object], path: str, *, closed: bool
) -> None:
    """Values of an enum (or ``const``) added and removed; a removal breaks a closed set."""
    for value in sorted({repr(v) for v in new} - {repr(v) for v in old}):
        w.add("enum-value-added", path, None, value, breaking=False)
    for value in sorted({repr(v) for v in old} - {repr(v) for v in new}):
        w.add("enum-value-removed", path, value, None, breaking=closed)


def _compare_enums(w: _Walk, old: s.Enum, new: s.Enum, path: str) -> None:
    _compare_values(w, old.values, new.values, path, closed=not new.open)
    if old.open != new.open:
        w.add("type-changed", path, describe(old), describe(new), breaking=old.open)


def _compare_max_length(w: _Walk, old: int | None, new: int | None, path: str) -> None:
    if old == new:
        return
    lowered = new is not None and (old is None or new < old)
    kind = "max-length-lowered" if lowered else "max-length-raised"
    w.add(kind, path, old, new, breaking=lowered)


def _compare_format(w: _Walk, old: str | None, new: str | None, path: str) -> None:
    if old != new:
        w.add("format-changed", path, old, new, breaking=old in WIDENING_FORMATS)


def _variants(shape: s.Shape) -> tuple[s.Shape, ...]:
    return shape.variants if isinstance(shape, s.Union) else (shape,)


def _family(shape: s.Shape) -> str:
    """Variants of one family are compared with each other (an enum with a string, ...)."""
    inner, _ = _unwrap(shape)
    match inner:
        case s.String() | s.Enum():
            return "string"
        case s.Integer() | s.Number():
            return "number"
        case s.Map() | s.Ref():
            return "ref"  # a map is compared with an object as an object without fields
        case s.Const() | s.Boolean() | s.Null() | s.Array() | s.Union() | s.Emptyable() \
                | s.Binary() | s.AnyShape():  # fmt: skip
            return inner.kind
        case _:
            assert_never(inner)


def _pair_variants(
    old: Sequence[s.Shape], new: Sequence[s.Shape]
) -> tuple[list[tuple[s.Shape, s.Shape]], list[s.Shape], list[s.Shape]]:
    """Pairs of variants of one family (in order; a named object with the one of its name
    first), and the unpaired old and new ones."""
    unpaired_new = list(new)
    pairs: list[tuple[s.Shape, s.Shape]] = []
    unpaired_old: list[s.Shape] = []
    for variant in old:
        match = next((n for n in unpaired_new if _unwrap(n)[0] == _unwrap(variant)[0]
                      and isinstance(_unwrap(n)[0], s.Ref)), None)  # fmt: skip
        match = match or next((n for n in unpaired_new if _family(n) == _family(variant)), None)
        if match is None:
            unpaired_old.append(variant)
        else:
            unpaired_new.remove(match)
            pairs.append((variant, match))
    return pairs, unpaired_old, unpaired_new


def _compare_variants(w: _Walk, old: Sequence[s.Shape], new: Sequence[s.Shape], path: str) -> None:
    pairs, removed, added = _pair_variants(old, new)
    if not pairs:
        before, after = " | ".join(map(describe, old)), " | ".join(map(describe, new))
        widening = any(isinstance(n, s.AnyShape) for n in new)
        w.add("type-changed", path, before, after, breaking=not widening)
        return
    for variant in removed:
        w.add("type-changed", path, f"one of {describe(variant)}", "gone", breaking=True)
    for variant in added:
        w.add("type-changed", path, None, f"also {describe(variant)}", breaking=False)
    named = sum(isinstance(_unwrap(n)[0], s.Ref) for _, n in pairs)
    for old_variant, new_variant in pairs:
        _compare(w, old_variant, new_variant, _variant_path(path, new_variant, named))


def _variant_path(path: str, variant: s.Shape, named: int) -> str:
    """Where one of a union's variants is compared: ``path<Cat>`` for a named object when
    several were paired (each would report a change to a field they share at the same
    place), else ``path``."""
    inner, _ = _unwrap(variant)
    return f"{path}<{inner.name}>" if named > 1 and isinstance(inner, s.Ref) else path


_Member = tuple[s.Shape, bool, str]  # shape, required, description


def _compare_refs(w: _Walk, old: s.Ref, new: s.Ref, path: str) -> None:
    key = (old.name, new.name)
    before, after = w.old_shapes.get(old.name), w.new_shapes.get(new.name)
    if key in w.active or before is None or after is None:
        return  # a recursive shape already being compared, or a model without the shape
    w.active.add(key)
    try:
        _compare_objects(w, before, after, path)
    finally:
        w.active.discard(key)


def _compare_objects(w: _Walk, old: s.Object, new: s.Object, path: str) -> None:
    if old.title != new.title:
        w.add("title-changed", path, old.title, new.title, breaking=False)
    if old.description != new.description:
        w.add("description-changed", path, old.description, new.description, breaking=False)
    if old.additional != new.additional:
        state = "allowed" if new.additional else "rejected"
        w.add("additional-changed", path, None, state, breaking=old.additional)
    old_members = {f.wire_name: (f.shape, f.required, f.description) for f in old.fields}
    new_members = {f.wire_name: (f.shape, f.required, f.description) for f in new.fields}
    _compare_members(w, old_members, new_members, path)


def _compare_members(
    w: _Walk, old: dict[str, _Member], new: dict[str, _Member], prefix: str
) -> None:
    """Fields of an object, or parameters of one location (``prefix`` is ``query:``)."""
    for name in sorted(set(old) | set(new)):
        path = _join(prefix, name)
        if name not in new:
            w.add("field-removed", path, describe(old[name][0]), None, breaking=True)
        elif name not in old:
            required = new[name][1]
            w.add("field-added", path, None, _text(required), breaking=required, reading=False)
        else:
            _compare_member(w, old[name], new[name], path)


def _compare_member(w: _Walk, old: _Member, new: _Member, path: str) -> None:
    (old_shape, old_required, old_doc), (new_shape, new_required, new_doc) = old, new
    if old_required != new_required:
        w.add("required-changed", path, old_required, new_required, breaking=new_required)
    if old_doc != new_doc:
        w.add("description-changed", path, old_doc, new_doc, breaking=False)
    _compare(w, old_shape, new_shape, path)


def _parameters(params: Iterable[s.Parameter]) -> dict[str, _Member]:
    return {p.name: (p.shape, p.required, p.description) for p in params}


def _compare_operation(w: _Walk, old: s.Operation, new: s.Operation) -> None:
    if old.operation_id != new.operation_id:
        w.add("operation-renamed", "", old.operation_id, new.operation_id, breaking=False)
    old_method = ".".join((*old.resource, old.method_name))
    new_method = ".".join((*new.resource, new.method_name))
    if old_method != new_method:
        w.add("method-renamed", "", old_method, new_method, breaking=True)
    if (old.summary, old.description) != (new.summary, new.description):
        w.add("operation-description-changed", "", old.summary, new.summary, breaking=False)
    for location in ("path", "query", "header", "cookie"):
        before = _parameters(getattr(old, f"{location}_params"))
        after = _parameters(getattr(new, f"{location}_params"))
        _compare_members(w, before, after, f"{location}:")
    _compare_body(w, old, new)
    _compare_responses(w, old, new)


def _compare_responses(w: _Walk, old: s.Operation, new: s.Operation) -> None:
    """Responses paired by status; their shapes compared from the reader's side."""
    before = {r.status: r for r in old.responses}
    after = {r.status: r for r in new.responses}
    for status in sorted(set(before) | set(after)):
        if status not in after:
            w.add("response-removed", "", status, None, breaking=False, reading=False)
        elif status not in before:
            w.add("response-added", "", None, status, breaking=False, reading=False)
        else:
            _compare_response(w, before[status], after[status], f"response {status}")


def _compare_response(w: _Walk, old: s.Response, new: s.Response, path: str) -> None:
    if old.media_type != new.media_type and old.media_type and new.media_type:
        w.add("response-media-type-changed", path, old.media_type, new.media_type,
              breaking=True, reading=True)  # fmt: skip
    if old.shape is None or new.shape is None:
        return
    w.direction = "response"
    try:
        _compare(w, old.shape, new.shape, path)
    finally:
        w.direction = "request"


def _compare_body(w: _Walk, old: s.Operation, new: s.Operation) -> None:
    if old.body is None or new.body is None:
        if new.body is not None:
            w.add("body-added", "", None, new.body.media_type, breaking=new.body.required)
        elif old.body is not None:
            w.add("body-removed", "", old.body.media_type, None, breaking=True)
        return
    if old.body.media_type != new.body.media_type:
        # The regenerated client encodes the body itself: its callers see no difference.
        w.add("media-type-changed", "", old.body.media_type, new.body.media_type, breaking=False)
    bodies_are_objects = isinstance(old.body.shape, s.Ref) and isinstance(new.body.shape, s.Ref)
    if old.body.required != new.body.required and not bodies_are_objects:
        # (an object body is required when a field is: the field's change says it)
        w.add(
            "required-changed", "", old.body.required, new.body.required, breaking=new.body.required
        )
    _compare(w, old.body.shape, new.body.shape, "")


def _route(op: s.Operation) -> tuple[str, str]:
    return op.method.upper(), re.sub(r"\{[^}]*\}", "{}", op.path)


def match_operations(
    old: Sequence[s.Operation], new: Sequence[s.Operation]
) -> tuple[list[tuple[s.Operation, s.Operation]], list[s.Operation], list[s.Operation]]:
    """Pairs by (method, path), then by operation id; and the removed and added operations."""
    new_by_route: dict[tuple[str, str], s.Operation] = {}
    for op in new:
        new_by_route.setdefault(_route(op), op)
    pairs, left = _pair_by(old, new_by_route, _route)
    unmatched = {op.operation_id: op for op in new_by_route.values() if op.operation_id}
    more_pairs, removed = _pair_by(left, unmatched, lambda op: op.operation_id)
    paired = {id(b) for _, b in (*pairs, *more_pairs)}
    return [*pairs, *more_pairs], removed, [op for op in new if id(op) not in paired]


def _pair_by(
    ops: Sequence[s.Operation], candidates: dict[K, s.Operation], key: Callable[[s.Operation], K]
) -> tuple[list[tuple[s.Operation, s.Operation]], list[s.Operation]]:
    """Each op paired with the candidate of its key (a candidate pairs once; an empty key
    never pairs), and the ops left without one."""
    pairs: list[tuple[s.Operation, s.Operation]] = []
    left: list[s.Operation] = []
    for op in ops:
        found = candidates.pop(found_key, None) if (found_key := key(op)) else None
        if found is None:
            left.append(op)
        else:
            pairs.append((op, found))
    return pairs, left


def diff_apis(old: s.Api, new: s.Api) -> ChangeReport:
    """Every change from ``old`` to ``new``, sorted."""
    old_shapes = {o.name: o for o in old.shapes}
    new_shapes = {o.name: o for o in new.shapes}
    out: list[Change] = []
    pairs, removed, added = match_operations(old.operations, new.operations)
    for before, after in pairs:
        _compare_operation(_Walk(old_shapes, new_shapes, after, out), before, after)
    for op in removed:
        _Walk(old_shapes, new_shapes, op, out).add(
            "operation-removed", "", op.operation_id, None, breaking=True
        )
    for op in added:
        _Walk(old_shapes, new_shapes, op, out).add(
            "operation-added", "", None, op.operation_id, breaking=False
        )
    return ChangeReport(old.name, new.name, tuple(sorted(out)))

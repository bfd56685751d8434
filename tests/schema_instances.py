"""Instances for the differential tests: a valid one built from a model shape, and invalid ones
made from it by breaking one JSON Schema keyword at a time; and an OpenAPI request schema made
a plain JSON Schema 2020-12 for ``jsonschema``.

The instances are built from the model, not from the schema, and both sides (the generated
validator and ``jsonschema`` on the source schema) then judge them: what counts is that the
verdicts agree, so an instance the model wrongly thinks valid is caught as well.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Iterator
from typing import Any

from generator.model.pattern import translate
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
    Map,
    Null,
    Number,
    Object,
    Ref,
    Shape,
    String,
    Union,
)
from generator.scrape.refs import RECURSIVE

FORMAT_VALUES = {
    "date-time": "2024-01-02T03:04:05Z", "date": "2024-01-02",
    "uuid": "123e4567-e89b-12d3-a456-426614174000", "email": "a@example.com",
    "byte": "aGVsbG8=", "uri": "https://example.com/a",
}  # fmt: skip
BAD_FORMAT = {
    "date-time": "2024-13-02T03:04:05Z", "date": "2024-02-30", "uuid": "123e4567e89b12d3a456",
    "email": "nobody", "byte": "a$b", "uri": "no scheme",
}  # fmt: skip
STRING_CANDIDATES = ("a", "abc", "A1", "ab1", "123", "1", "a-b", "a_b", "ab12cd", "ABC",
                     "a.b", "x@y.z", "2024-01-02", "US", "usd", "+12025550123", "#ff00aa")
MAX_DEPTH = 4


class Builder:
    """Valid instances of model shapes (``None`` where it finds none)."""

    def __init__(self, api: Api, seed: int) -> None:
        self.objects = {o.name: o for o in api.shapes}
        self.rng = random.Random(seed)

    def value(self, shape: Shape, depth: int = 0) -> Any:
        match shape:
            case String():
                return self._string(shape)
            case Integer() | Number():
                return _number(shape.bounds, isinstance(shape, Integer))
            case Boolean():
                return True
            case Null():
                return None
            case Const():
                return shape.values[0] if shape.values else None
            case Enum():
                return shape.values[0] if shape.values else "x"
            case Emptyable():
                return "" if self.rng.random() < 0.2 else self.value(shape.shape, depth)
            case Union():
                return self._union(shape, depth)
            case Array():
                return self._array(shape, depth)
            case Map():
                return {} if shape.keys.names is not None else {"k": self.value(shape.values, depth)}
            case Ref():
                return self._object(self.objects[shape.name], depth)
            case Binary():
                return b"file contents"
            case AnyShape():
                return {"any": 1}
        raise AssertionError(shape)

    def _string(self, shape: String) -> str:
        if shape.format in FORMAT_VALUES:
            return FORMAT_VALUES[shape.format]
        low, high = shape.min_length or 0, shape.max_length
        if shape.pattern is None:
            return "a" * max(low, 1 if high is None or high >= 1 else 0)
        regex = translate(shape.pattern)
        compiled = re.compile(regex.python, regex.flags)
        for text in STRING_CANDIDATES:
            if compiled.search(text) and len(text) >= low and (high is None or len(text) <= high):
                return text
        return "a" * low

    def _union(self, shape: Union, depth: int) -> Any:
        index = self.rng.randrange(len(shape.variants))
        value = self.value(shape.variants[index], depth)
        tagged = shape.discriminator
        if tagged is not None and isinstance(value, dict):
            tags = [t for t, i in tagged.mapping if i == index]
            if tags:
                value[tagged.property] = tags[0]
        return value

    def _array(self, shape: Array, depth: int) -> list[Any]:
        count = max(shape.min_items or 0, 1 if depth < MAX_DEPTH else 0)
        if shape.max_items is not None:
            count = min(count, shape.max_items)
        items = [self.value(shape.items, depth + 1) for _ in range(count)]
        if shape.unique_items and isinstance(shape.items, Integer | Number):
            items = [_number(shape.items.bounds, isinstance(shape.items, Integer), n)
                     for n in range(count)]  # fmt: skip
        return items

    def _object(self, obj: Object, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in obj.fields:
            if f.required or (depth < MAX_DEPTH and self.rng.random() < 0.6):
                out[f.wire_name] = self.value(f.shape, depth + 1)
        return out


def _number(bounds: Bounds, integer: bool, offset: int = 0) -> int | float:
    low = bounds.minimum if bounds.minimum is not None else (
        bounds.exclusive_minimum + 1 if bounds.exclusive_minimum is not None else 0)
    step = bounds.multiple_of or 1
    value: float = low + offset * step
    if bounds.multiple_of:
        value = -(-value // step) * step
    return int(value) if integer and float(value).is_integer() else value


def mutations(builder: Builder, shape: Shape, value: Any) -> Iterator[tuple[str, Any]]:
    """``(what was broken, instance)`` for each keyword of ``shape`` (and of what it holds)."""
    for where, replacement in _breaks(builder, shape, value, ()):
        broken = copy.deepcopy(value)
        if not where:
            yield "root", replacement
            continue
        node = broken
        for key in where[:-1]:
            node = node[key]
        if replacement is _MISSING:
            del node[where[-1]]
        else:
            node[where[-1]] = replacement
        yield ".".join(map(str, where)), broken


_MISSING = object()


def _breaks(builder: Builder, shape: Shape, value: Any, where: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(shape, Emptyable):
        shape = shape.shape
    if isinstance(shape, Binary | AnyShape):
        return  # a file part (the client's own check) or anything: nothing to break
    yield where, 12345 if not isinstance(value, int) or isinstance(value, bool) else "x"
    match shape:
        case String():
            if shape.min_length:
                yield where, "a" * (shape.min_length - 1)
            if shape.max_length is not None and shape.max_length < 100_000:
                yield where, "a" * (shape.max_length + 1)
            if shape.pattern is not None:
                yield where, "\u00a0!"
            if shape.format in BAD_FORMAT:
                yield where, BAD_FORMAT[shape.format]
        case Integer() | Number():
            b = shape.bounds
            for limit, delta in ((b.minimum, -1), (b.maximum, 1)):
                if limit is not None:
                    yield where, limit + delta
            for limit in (b.exclusive_minimum, b.exclusive_maximum):
                if limit is not None:
                    yield where, limit
            if b.multiple_of and isinstance(value, int | float):
                yield where, value + b.multiple_of / 2
            if isinstance(shape, Integer):
                yield where, 1.5
        case Enum() | Const():
            yield where, "__none_of_these__"
            yield where, 987654321
        case Null():
            yield where, "x"
        case Array():
            if shape.min_items:
                yield where, []
            if shape.max_items is not None and shape.max_items < 1000 and value:
                yield where, value * (shape.max_items + 1)
            if shape.unique_items and isinstance(value, list) and value:
                yield where, [value[0], copy.deepcopy(value[0])]
            if isinstance(value, list) and value:
                yield from _breaks(builder, shape.items, value[0], (*where, 0))
        case Map():
            if isinstance(value, dict) and value:
                key = next(iter(value))
                yield from _breaks(builder, shape.values, value[key], (*where, key))
            if shape.keys.min_properties:
                yield where, {}
        case Ref():
            yield from _object_breaks(builder, builder.objects[shape.name], value, where)
        case Union():
            if value is not None:
                yield where, None
        case _:
            pass


def _object_breaks(builder: Builder, obj: Object, value: Any, where: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if not isinstance(value, dict) or len(where) > 2 * MAX_DEPTH:
        return
    if not obj.additional:
        yield (*where, "zz_unknown_key"), 1
    for f in obj.fields:
        if f.wire_name not in value:
            continue
        if f.required:
            yield (*where, f.wire_name), _MISSING
        yield from _breaks(builder, f.shape, value[f.wire_name], (*where, f.wire_name))


def plain_schema(schema: Any, *, openapi_30: bool) -> Any:
    """An OpenAPI request schema as plain JSON Schema 2020-12, read as the model reads it.

    A ``format: binary`` string is a file upload: any value there (the client checks files).
    ``nullable`` (3.0; the model reads it in 3.1 documents too) adds null: to the type list
    beside a ``type``, else around the whole schema, and to an ``enum`` or ``const`` beside it
    (``generator/model/reader.py``); boolean exclusive bounds become numbers; ``readOnly`` properties are not sent
    (OpenAPI 3.x), so they leave ``properties`` and ``required``; patterns are written in
    their Python reading (``generator.model.pattern``; one the model refuses, and does not
    check, is dropped); a recursive target becomes a ``$defs`` entry that its cut ``$ref``s
    name; an open enum (``x-stripeBypassValidation``) is dropped.
    """
    defs: dict[str, Any] = {}
    out = _plain(schema, openapi_30, defs)
    return {**out, "$defs": defs} if defs and isinstance(out, dict) else out


def _def_name(ref: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", ref)


def _plain(node: Any, v30: bool, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_plain(v, v30, defs) for v in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        return {"$ref": f"#/$defs/{_def_name(node['$ref'])}"}
    out = {k: _plain(v, v30, defs) if k not in ("enum", "const", "default", "example", "examples")
           else v for k, v in node.items()}  # fmt: skip
    if isinstance(out.get("properties"), dict):
        hidden = [k for k, v in out["properties"].items() if isinstance(v, dict) and v.get("readOnly")]
        out["properties"] = {k: v for k, v in out["properties"].items() if k not in hidden}
        if isinstance(out.get("required"), list):
            out["required"] = [r for r in out["required"] if r not in hidden]
    if isinstance(out.get("pattern"), str):
        translated = translate(out["pattern"])
        if translated.problem:
            del out["pattern"]
        else:
            out["pattern"] = ("(?a)" if translated.ascii else "") + translated.python
    if out.get("x-stripeBypassValidation") is True:
        out.pop("enum", None)
    if out.get("format") == "binary" or ("contentMediaType" in out and "contentEncoding" not in out):
        return {}  # a file part: the client sends a file (bytes, a path ...), not JSON text
    out = _nullable(_plain_30(out) if v30 else out)  # the model reads nullable in 3.1 too
    recursive = out.pop(RECURSIVE, None)
    if isinstance(recursive, str):
        defs[_def_name(recursive)] = out
        return {"$ref": f"#/$defs/{_def_name(recursive)}"}
    return out


def _plain_30(out: dict[str, Any]) -> dict[str, Any]:
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), bool):
            flag = out.pop(bound)
            if flag and plain in out:
                out[bound] = out.pop(plain)
    return out


def _nullable(out: dict[str, Any]) -> dict[str, Any]:
    if out.pop("nullable", False) is not True:
        return out
    if "const" in out:  # null beside a const or an enum too, as the model reads nullable
        return {"anyOf": [out, {"type": "null"}]}
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out = {**out, "enum": [*out["enum"], None]}
    composed = {"allOf", "anyOf", "oneOf"} & set(out) or "type" not in out
    if composed:
        return {"anyOf": [out, {"type": "null"}]}
    types = out["type"] if isinstance(out["type"], list) else [out["type"]]
    return {**out, "type": [*types, "null"]}

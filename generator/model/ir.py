"""The model as JSON (``doc2client ir``) and the JSON Schema of that JSON.

Every dataclass becomes an object with all its fields and a ``kind`` (shapes carry theirs; the
other classes get the snake case of their class name), tuples become lists. The schema is
derived from the dataclasses' type hints, so it cannot drift from the model.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from functools import cache
from typing import Any, Literal

from generator.model import shapes
from generator.model.shapes import MODEL_VERSION, Api

SCHEMA_ID = f"https://doc2client.invalid/ir/{MODEL_VERSION}/schema.json"

_CLASSES: tuple[type[Any], ...] = (
    shapes.Api, shapes.Operation, shapes.Parameter, shapes.Body, shapes.Response, shapes.Source,
    shapes.Field, shapes.Object, shapes.String, shapes.Integer, shapes.Number, shapes.Boolean,
    shapes.Null, shapes.Const, shapes.Enum, shapes.Array, shapes.Map, shapes.Union,
    shapes.Emptyable, shapes.Binary, shapes.AnyShape, shapes.Ref, shapes.Bounds, shapes.Keys,
    shapes.PatternField, shapes.Discriminator, shapes.WireStyle, shapes.Encoding, shapes.Auth,
    shapes.Conventions, shapes.Paging,
)


def _kind(cls: type[Any]) -> str:
    """The ``kind`` of a class: its ``kind`` field's default, else its snake-case name."""
    for f in dataclasses.fields(cls):
        if f.name == "kind":
            return str(f.default)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


_BY_KIND: dict[str, type[Any]] = {_kind(c): c for c in _CLASSES}


def api_to_json(api: Api) -> dict[str, Any]:
    """The JSON form of ``api`` (plain dicts, lists, strings, numbers, booleans, null)."""
    result = _to_json(api)
    assert isinstance(result, dict)
    return result


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"kind": _kind(type(value))}
        for f in dataclasses.fields(value):
            out[f.name] = _to_json(getattr(value, f.name))
        return out
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    return value


def api_from_json(data: dict[str, Any]) -> Api:
    """The inverse of ``api_to_json``."""
    result = _from_json(data)
    if not isinstance(result, Api):
        raise ValueError("not the JSON of an Api")
    return result


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        cls = _BY_KIND[value["kind"]]
        names = {f.name for f in dataclasses.fields(cls)} - {"kind"}
        return cls(**{k: _from_json(v) for k, v in value.items() if k in names})
    if isinstance(value, list):
        return tuple(_from_json(v) for v in value)
    return value


@cache
def _ir_schema() -> dict[str, Any]:
    defs = {cls.__name__: _class_schema(cls) for cls in _CLASSES}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "doc2client intermediate model",
        "version": MODEL_VERSION,
        "$ref": "#/$defs/Api",
        "$defs": defs,
    }


def ir_json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of ``api_to_json``'s output."""
    import copy

    return copy.deepcopy(_ir_schema())


def _class_schema(cls: type[Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(shapes))
    props: dict[str, Any] = {"kind": {"const": _kind(cls)}}
    for f in dataclasses.fields(cls):
        if f.name != "kind":
            props[f.name] = _type_schema(hints[f.name])
    out: dict[str, Any] = {"type": "object", "properties": props,
                           "required": sorted(props), "additionalProperties": False}
    if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}("):
        out["description"] = " ".join(cls.__doc__.split())
    return out


def _type_schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint in _SIMPLE:
        return dict(_SIMPLE[hint])
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if origin is Literal:
        return {"enum": list(args)}
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"type": "array", "items": _type_schema(args[0])}
    if origin is tuple:
        return {"type": "array", "prefixItems": [_type_schema(a) for a in args],
                "items": False, "minItems": len(args)}
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_type_schema(a) for a in args]}
    raise TypeError(f"no JSON Schema for {hint!r}")


_SIMPLE: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
}

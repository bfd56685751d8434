"""Scalar schemas (strings, numbers, booleans) and value lists (``enum``, ``const``) to shapes."""

from __future__ import annotations

from typing import Any

from generator.model.shapes import (
    AnyShape,
    Binary,
    Boolean,
    Bounds,
    Const,
    Emptyable,
    Enum,
    Integer,
    Null,
    Number,
    Real,
    Scalar,
    Shape,
    String,
    Union,
)


def bounded_int(s: dict[str, Any], key: str) -> int | None:
    """A non-negative integer keyword (``minLength``, ``maxItems`` ...), else ``None``."""
    value = s.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _real(s: dict[str, Any], key: str) -> Real | None:
    value = s.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def bounds(s: dict[str, Any]) -> Bounds:
    """Numeric limits; OpenAPI 3.0's ``exclusiveMinimum: true`` makes ``minimum`` exclusive."""
    minimum, maximum = _real(s, "minimum"), _real(s, "maximum")
    low, high = _real(s, "exclusiveMinimum"), _real(s, "exclusiveMaximum")
    if s.get("exclusiveMinimum") is True and minimum is not None:
        minimum, low = None, minimum
    if s.get("exclusiveMaximum") is True and maximum is not None:
        maximum, high = None, maximum
    multiple = _real(s, "multipleOf")
    return Bounds(minimum, maximum, low, high, multiple if multiple and multiple > 0 else None)


def _format(s: dict[str, Any]) -> str | None:
    fmt = s.get("format")
    return fmt if isinstance(fmt, str) else None


def scalar_shape(s: dict[str, Any], typ: str) -> Shape | None:
    """The shape of ``s`` read as ``type: typ`` (a scalar type); ``None`` for other types."""
    if typ == "string":
        return _string(s)
    if typ == "integer":
        return Integer(format=_format(s), bounds=bounds(s))
    if typ == "number":
        return Number(format=_format(s), bounds=bounds(s))
    if typ == "boolean":
        return Boolean()
    return None


def _string(s: dict[str, Any]) -> Shape:
    fmt = _format(s)
    if fmt == "binary" or ("contentMediaType" in s and "contentEncoding" not in s):
        return Binary()
    pattern = s.get("pattern") if isinstance(s.get("pattern"), str) else None
    return String(max_length=bounded_int(s, "maxLength"), format=fmt, pattern=pattern,
                  min_length=bounded_int(s, "minLength"))


def union_of(shapes: list[Shape]) -> Shape:
    """One shape for several alternatives: nested unions flattened, repeats dropped."""
    flat: list[Shape] = []
    for shape in shapes:
        for part in shape.variants if isinstance(shape, Union) and not shape.exclusive \
                and shape.discriminator is None else (shape,):  # fmt: skip
            if part not in flat:
                flat.append(part)
    return flat[0] if len(flat) == 1 else Union(tuple(flat))


_TYPE_OF = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


def _allowed(value: Scalar, types: list[Any]) -> bool:
    """Whether ``value`` has one of ``types`` (all values when no type is given)."""
    if not types:
        return True
    kind = _TYPE_OF[type(value)]
    integral = kind == "number" and isinstance(value, float) and value.is_integer()
    return kind in types or (kind == "integer" and "number" in types) or (
        integral and "integer" in types)


def enum_shape(
    values: list[Any], types: list[Any], s: dict[str, Any], opened: bool
) -> tuple[Shape, list[Any]]:
    """The shape of an ``enum`` (or ``const``) list: strings -> ``Enum`` (``""`` beside others
    -> ``Emptyable``), numbers and booleans -> ``Const``, ``null`` -> ``Null``; and the values
    it cannot check (arrays, objects)."""
    scalars = [v for v in values if type(v) in _TYPE_OF and _allowed(v, types)]
    dropped = [v for v in values if type(v) not in _TYPE_OF]
    strings = tuple(dict.fromkeys(v for v in scalars if isinstance(v, str)))
    others = tuple(v for v in scalars if v is not None and not isinstance(v, str))
    parts: list[Shape] = []
    if strings:
        parts.append(_string_enum(strings, s, opened))
    if others:
        parts.append(Const(tuple(v for i, v in enumerate(others)
                                 if not any(same_json(v, w) for w in others[:i]))))
    if any(v is None for v in scalars):
        parts.append(Null())
    if dropped:  # warned by the reader as not checked
        parts.append(AnyShape("unchecked"))
    if not parts:
        return Const(()), dropped
    return union_of(parts), dropped


def same_json(a: Scalar, b: Scalar) -> bool:
    """Equal as JSON values: ``1`` equals ``1.0``, but ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    return a == b


def _string_enum(values: tuple[str, ...], s: dict[str, Any], opened: bool) -> Shape:
    max_length = bounded_int(s, "maxLength")
    rest = tuple(v for v in values if v != "")
    if not rest or len(rest) == len(values):
        return Enum(values, open=opened, max_length=max_length)
    return Emptyable(Enum(rest, open=opened, max_length=max_length))

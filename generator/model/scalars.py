"""Scalar schemas (strings, numbers, booleans) and value lists (``enum``, ``const``) to shapes."""

from __future__ import annotations

from typing import Any

from generator.model import shapes as s


def bounded_int(raw: dict[str, Any], key: str) -> int | None:
    """A non-negative integer keyword (``minLength``, ``maxItems`` ...), else ``None``."""
    value = raw.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _real(raw: dict[str, Any], key: str) -> s.Real | None:
    value = raw.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def bounds(raw: dict[str, Any]) -> s.Bounds:
    """Numeric limits; OpenAPI 3.0's ``exclusiveMinimum: true`` makes ``minimum`` exclusive."""
    minimum, maximum = _real(raw, "minimum"), _real(raw, "maximum")
    low, high = _real(raw, "exclusiveMinimum"), _real(raw, "exclusiveMaximum")
    if raw.get("exclusiveMinimum") is True and minimum is not None:
        minimum, low = None, minimum
    if raw.get("exclusiveMaximum") is True and maximum is not None:
        maximum, high = None, maximum
    multiple = _real(raw, "multipleOf")
    return s.Bounds(minimum, maximum, low, high, multiple if multiple and multiple > 0 else None)


def _format(raw: dict[str, Any]) -> str | None:
    fmt = raw.get("format")
    return fmt if isinstance(fmt, str) else None


def scalar_shape(raw: dict[str, Any], typ: str) -> s.Shape | None:
    """The shape of ``raw`` read as ``type: typ`` (a scalar type); ``None`` for other types."""
    if typ == "string":
        return _string(raw)
    if typ == "integer":
        return s.Integer(format=_format(raw), bounds=bounds(raw))
    if typ == "number":
        return s.Number(format=_format(raw), bounds=bounds(raw))
    if typ == "boolean":
        return s.Boolean()
    return None


def _string(raw: dict[str, Any]) -> s.Shape:
    fmt = _format(raw)
    if fmt == "binary" or ("contentMediaType" in raw and "contentEncoding" not in raw):
        return s.Binary()
    pattern = raw.get("pattern") if isinstance(raw.get("pattern"), str) else None
    return s.String(max_length=bounded_int(raw, "maxLength"), format=fmt, pattern=pattern,
                  min_length=bounded_int(raw, "minLength"))


def union_of(shapes: list[s.Shape]) -> s.Shape:
    """One shape for several alternatives: nested unions flattened, repeats dropped."""
    flat: list[s.Shape] = []
    for shape in shapes:
        for part in shape.variants if isinstance(shape, s.Union) and not shape.exclusive \
                and shape.discriminator is None else (shape,):  # fmt: skip
            if part not in flat:
                flat.append(part)
    return flat[0] if len(flat) == 1 else s.Union(tuple(flat))


_TYPE_OF = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


def _allowed(value: s.Scalar, types: list[Any]) -> bool:
    """Whether ``value`` has one of ``types`` (all values when no type is given)."""
    if not types:
        return True
    kind = _TYPE_OF[type(value)]
    integral = kind == "number" and isinstance(value, float) and value.is_integer()
    return kind in types or (kind == "integer" and "number" in types) or (
        integral and "integer" in types)


def enum_shape(
    values: list[Any], types: list[Any], raw: dict[str, Any], opened: bool
) -> tuple[s.Shape, list[Any]]:
    """The shape of an ``enum`` (or ``const``) list: strings -> ``Enum`` (``""`` beside others
    -> ``Emptyable``), numbers and booleans -> ``Const``, ``null`` -> ``Null``; and the values
    it cannot check (arrays, objects)."""
    scalars = [v for v in values if type(v) in _TYPE_OF and _allowed(v, types)]
    dropped = [v for v in values if type(v) not in _TYPE_OF]
    strings = tuple(dict.fromkeys(v for v in scalars if isinstance(v, str)))
    others = tuple(v for v in scalars if v is not None and not isinstance(v, str))
    parts: list[s.Shape] = []
    if strings:
        parts.append(_string_enum(strings, raw, opened))
    if others:
        parts.append(s.Const(tuple(v for i, v in enumerate(others)
                                 if not any(same_json(v, w) for w in others[:i]))))
    if any(v is None for v in scalars):
        parts.append(s.Null())
    if dropped:  # warned by the reader as not checked
        parts.append(s.AnyShape("unchecked"))
    if not parts:
        return s.Const(()), dropped
    return union_of(parts), dropped


def same_json(a: s.Scalar, b: s.Scalar) -> bool:
    """Equal as JSON values: ``1`` equals ``1.0``, but ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    return a == b


def _string_enum(values: tuple[str, ...], raw: dict[str, Any], opened: bool) -> s.Shape:
    max_length = bounded_int(raw, "maxLength")
    rest = tuple(v for v in values if v != "")
    if not rest or len(rest) == len(values):
        return s.Enum(values, open=opened, max_length=max_length)
    return s.Emptyable(s.Enum(rest, open=opened, max_length=max_length))

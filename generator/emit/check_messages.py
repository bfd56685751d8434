"""What a value should be, in the words of validation messages (``an object or a string``,
``one of 'ar', 'bg'``)."""

from __future__ import annotations

from typing import assert_never

from generator.model import shapes as s


def enum_values(shape: s.Enum, empty: bool = False) -> list[str]:
    """The values a closed enum accepts, sorted: those longer than ``max_length`` never are."""
    values = set(shape.values) | ({""} if empty else set())
    limit = shape.max_length
    return sorted(v for v in values if limit is None or len(v) <= limit)


def describe(shape: s.Shape) -> str:
    """What a person should send, for messages: ``an object or a string``."""
    match shape:
        case s.Emptyable():
            return describe(shape.shape) + " or ''"
        case s.Union():
            parts = list(dict.fromkeys(_described_variants(shape)))
            return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else "".join(parts)
        case s.Enum() if not shape.open:
            return "one of " + ", ".join(repr(v) for v in enum_values(shape))
        case s.Const():
            shown = [_const_text(v) for v in shape.values]
            return "one of " + ", ".join(shown) if len(shown) != 1 else "".join(shown)
        case s.String() | s.Enum():
            return "a string"
        case s.Integer():
            return "an integer"
        case s.Number():
            return "a number"
        case s.Boolean():
            return "a boolean"
        case s.Null():
            return "null"
        case s.Array():
            return "a list"
        case s.Map() | s.Ref():
            return "an object"
        case s.Binary():
            return "a file"
        case s.AnyShape():
            return "anything"
        case _:
            assert_never(shape)


def _described_variants(shape: s.Union) -> list[str]:
    """Each variant described; the values of closed enums and consts as one "one of" list
    (a union of single values reads ``one of 'ar', 'bg'``, not ``one of 'ar', one of 'bg'``)."""
    values: list[str] = []
    parts: list[str] = []
    for variant in shape.variants:
        if isinstance(variant, s.Enum) and not variant.open:
            found = [repr(v) for v in enum_values(variant)]
        elif isinstance(variant, s.Const):
            found = [_const_text(v) for v in variant.values]
        else:
            parts.append(describe(variant))
            continue
        if found and not values:
            parts.append(_VALUES)  # where the values go, among the other variants
        values += found
    unique = list(dict.fromkeys(values))
    shown = "one of " + ", ".join(unique) if len(unique) > 1 else "".join(unique)
    return [shown if part == _VALUES else part for part in parts]


_VALUES = "\0values"


def _const_text(value: s.Scalar) -> str:
    return "null" if value is None else str(value).lower() if isinstance(value, bool) \
        else repr(value)

"""``allOf`` merged into one schema, at the JSON level, before it is read into shapes.

JSON Schema's ``allOf`` means "valid against every branch". For the keywords the model holds
that is one schema (JSON Schema 2020-12, section 10.2.1.1):

- ``properties``: the union; a property in several branches is the ``allOf`` of its schemas.
- ``required``: the union. ``type``: the intersection (``integer`` within ``number``).
- ``enum``/``const``: the values every branch allows (a ``const`` is a one-value ``enum``; an
  empty ``enum``, a placeholder, is reported and read as none),
  also narrowed by the merged ``type`` and by a ``oneOf``/``anyOf`` whose branches are only
  value sets (``oneOf: [{title: A, const: 1}, ...]``), which the value set then replaces.
- lower bounds (``minimum``, ``minLength``, ``minItems``, ``minProperties``, the exclusive
  ones): the largest; upper bounds: the smallest. ``uniqueItems``: either.
- ``pattern``: both, as one pattern of lookaheads. ``items``, ``additionalProperties``,
  ``propertyNames``: the ``allOf`` of the branches' schemas.
- ``anyOf``/``oneOf``: the first is kept beside the merged keywords (the reader distributes
  those over its branches); a second one cannot be merged and is reported, not checked.
- ``nullable`` (OpenAPI 3.0): null is allowed when every branch allows it, or when the
  ``allOf`` holder itself says ``nullable: true`` (the "nullable reference" idiom).
- annotations (``description``, ``title``, ``default``, ``example``, ``x-`` ...): the first
  one given, the holder's before the branches'.

Where branches contradict each other (no type in common, no enum/const value in common, or
none left of the type), the merge reports a ``Conflict``: nothing could ever be valid there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOWER = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"})
UPPER = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})
SUBSCHEMAS = ("items", "additionalProperties", "propertyNames")
UNIONS = ("oneOf", "anyOf")
VALUE_ONLY = frozenset({"const", "enum", "type", "format", "title", "description", "deprecated",
                        "x-enum-varnames", "x-enumNames", "examples", "example"})
TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")


@dataclass(slots=True)
class Merged:
    """The merged schema, with what could not be merged: ``(pointer, message)`` each."""

    schema: dict[str, Any]
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    unmerged: list[tuple[str, str]] = field(default_factory=list)


def merge_all_of(holder: dict[str, Any], ptr: str) -> Merged:
    """``holder`` (a schema with ``allOf``) as one schema without ``allOf`` at its top level.

    Nested ``allOf``s in branches are merged first; ``ptr`` is the holder's JSON pointer.
    """
    siblings = {k: v for k, v in holder.items() if k != "allOf"}
    parts: list[tuple[str, dict[str, Any]]] = [(ptr, siblings)]
    result = Merged({})
    for i, branch in enumerate(holder.get("allOf") or []):
        where = f"{ptr}/allOf/{i}"
        if branch is True or branch == {}:
            continue
        if not isinstance(branch, dict):
            result.unmerged.append((where, "an allOf branch that is not a schema is ignored"))
            continue
        part = branch
        if "allOf" in branch:
            inner = merge_all_of(branch, where)
            result.conflicts += inner.conflicts
            result.unmerged += inner.unmerged
            part = inner.schema
        parts.append((where, part))
    for where, part in parts:
        _merge_into(result, part, where)
    _settle_nullable(result.schema, [p for _, p in parts[1:]], siblings)
    _narrow(result, ptr)
    return result


def _settle_nullable(
    out: dict[str, Any], branches: list[dict[str, Any]], holder: dict[str, Any]
) -> None:
    typed = [b for b in branches if "type" in b or "nullable" in b]
    every = bool(typed) and all(b.get("nullable") is True for b in typed)
    if holder.get("nullable") is True or every:
        out["nullable"] = True
    else:
        out.pop("nullable", None)


def _merge_into(result: Merged, part: dict[str, Any], where: str) -> None:
    out = result.schema
    for key, value in part.items():
        if key == "enum" and value == []:  # a placeholder in generated documents
            result.unmerged.append((f"{where}/enum", "an empty 'enum' would allow no value; "
                                    "it is read as no 'enum' here"))
        elif key in ("enum", "const"):
            _values(result, key, value, where)
        elif key not in out:
            out[key] = _copy(value)
        elif (merge := _MERGERS.get(key)) is not None:
            merge(result, key, value, where)
        elif key in LOWER or key in UPPER:
            out[key] = _bound(key, out[key], value)
        elif key in SUBSCHEMAS:
            out[key] = _both(out[key], value)
        # annotations and unknown keys: the first one given stays


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _both(a: Any, b: Any) -> Any:
    if a == b or b is True or b == {}:
        return a
    if a is True or a == {}:
        return b
    return {"allOf": [a, b]}


def _bound(key: str, a: Any, b: Any) -> Any:
    if isinstance(a, bool) or isinstance(b, bool):  # OpenAPI 3.0's boolean exclusive forms
        return a or b
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return a
    return max(a, b) if key in LOWER else min(a, b)


def _properties(result: Merged, key: str, value: Any, where: str) -> None:
    out = result.schema[key]
    if not isinstance(out, dict) or not isinstance(value, dict):
        return
    for name, sub in value.items():
        out[name] = _both(out[name], sub) if name in out else _copy(sub)


def _required(result: Merged, key: str, value: Any, where: str) -> None:
    out = result.schema[key]
    if isinstance(out, list) and isinstance(value, list):
        out.extend(v for v in value if v not in out)


def _types(value: Any) -> set[str]:
    listed = value if isinstance(value, list) else [value]
    found = {t for t in listed if isinstance(t, str)}
    return found | ({"integer"} if "number" in found else set())


def _type(result: Merged, key: str, value: Any, where: str) -> None:
    a, b = _types(result.schema[key]), _types(value)
    common = a & b
    if not common:
        result.conflicts.append((f"{where}/type", f"type {value!r} contradicts "
                                 f"{result.schema[key]!r} in another allOf branch"))
        return
    if "number" in common:
        common.discard("integer")
    ordered = [t for t in TYPES if t in common]
    result.schema[key] = ordered[0] if len(ordered) == 1 else ordered


def _values(result: Merged, key: str, value: Any, where: str) -> None:
    """``enum`` or ``const`` beside an ``enum`` or ``const``: the values both allow."""
    out = result.schema
    held = _value_set(out)
    given = [value] if key == "const" else value
    if held is None or not isinstance(given, list):
        out.setdefault(key, _copy(value))
        return
    common = [v for v in held if any(_same(v, w) for w in given)]
    if not common:
        result.conflicts.append((f"{where}/{key}", f"{key} {value!r} has no value in common "
                                 f"with {held!r} in another allOf branch"))
    _set_values(out, common)


def _value_set(schema: dict[str, Any]) -> list[Any] | None:
    """The values ``schema``'s ``enum`` and ``const`` allow; ``None`` when it has neither."""
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    return list(enum) if isinstance(enum, list) else None


def _set_values(schema: dict[str, Any], values: list[Any]) -> None:
    """``values`` as ``schema``'s value set: a ``const`` kept where one value is left."""
    if "const" in schema and len(values) == 1:
        schema.pop("enum", None)
        return
    schema.pop("const", None)
    schema["enum"] = values


def _narrow(result: Merged, where: str) -> None:
    """A merged value set intersected with a ``oneOf``/``anyOf`` of value sets (the ``oneOf``
    of ``const``s idiom, each branch titled) and with the merged ``type``: a value is allowed
    when every ``allOf`` member allows it (JSON Schema 2020-12, 10.2.1.1)."""
    out = result.schema
    held = _value_set(out)
    if held is None:
        return
    for key in UNIONS:
        allowed = _union_values(out.get(key), exclusive=key == "oneOf")
        if allowed is not None:
            held = [v for v in held if any(_same(v, w) for w in allowed)]
            del out[key]
            break
    if "type" in out:
        types = _types(out["type"]) | ({"null"} if out.get("nullable") is True else set())
        held = [v for v in held if _json_type(v) in types]
    if not held:
        result.conflicts.append((where, f"no value of {_value_set(out)!r} is allowed by every "
                                 "allOf branch"))
    _set_values(out, held)


def _union_values(branches: Any, *, exclusive: bool) -> list[Any] | None:
    """The values a ``oneOf``/``anyOf`` whose branches are all value sets allows (for ``oneOf``
    those in exactly one branch); ``None`` when a branch says more than its values."""
    if not isinstance(branches, list) or not branches:
        return None
    sets = []
    for branch in branches:
        values = _value_set(branch) if isinstance(branch, dict) else None
        if values is None or set(branch) - VALUE_ONLY:
            return None
        sets.append(values)
    every = [v for values in sets for v in values]
    hits = [sum(any(_same(v, w) for w in values) for values in sets) for v in every]
    kept = [v for v, n in zip(every, hits, strict=True) if n == 1 or not exclusive]
    return [v for i, v in enumerate(kept) if not any(_same(v, w) for w in kept[:i])]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    return {str: "string", float: "number", list: "array", dict: "object"}.get(type(value), "")


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``1 == 1.0``, but ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def _pattern(result: Merged, key: str, value: Any, where: str) -> None:
    a = result.schema[key]
    if a != value and isinstance(a, str) and isinstance(value, str):
        result.schema[key] = f"^(?=[\\s\\S]*?(?:{a}))(?=[\\s\\S]*?(?:{value}))"


def _multiple_of(result: Merged, key: str, value: Any, where: str) -> None:
    a = result.schema[key]
    if a == value or not isinstance(a, int | float) or not isinstance(value, int | float):
        return
    if isinstance(a, int) and isinstance(value, int) and (a % value == 0 or value % a == 0):
        result.schema[key] = max(a, value)
        return
    result.unmerged.append((f"{where}/{key}", f"multipleOf {value!r} beside {a!r} in another "
                            "allOf branch is not checked"))


def _union(result: Merged, key: str, value: Any, where: str) -> None:
    if result.schema[key] != value:
        result.unmerged.append((f"{where}/{key}", f"a second '{key}' in an allOf is not checked"))


def _unique(result: Merged, key: str, value: Any, where: str) -> None:
    result.schema[key] = bool(result.schema[key]) or value is True


def _nullable(result: Merged, key: str, value: Any, where: str) -> None:
    pass  # settled once all parts are in (``_settle_nullable``)


_MERGERS: dict[str, Callable[[Merged, str, Any, str], None]] = {
    "properties": _properties,
    "required": _required,
    "type": _type,
    "pattern": _pattern,
    "multipleOf": _multiple_of,
    "oneOf": _union,
    "anyOf": _union,
    "uniqueItems": _unique,
    "nullable": _nullable,
}

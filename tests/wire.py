"""Server-side helpers for the wire round trips: decode a bracket form, coerce it by schema.

A form body carries only strings; the server decodes ``a[b][0]=x`` back into nested dicts
and lists and then, guided by the page's JSON Schema, turns ``"12"`` into ``12`` and
``"true"`` into ``True`` where the schema says so: what a real API server does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import jsonschema


def decode_form(body: str) -> dict[str, Any]:
    """``a[b][0]=x&c=`` → ``{"a": {"b": {"0": "x"}}, "c": ""}`` (lists come back as digit-keyed dicts)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head, _, rest = key.partition("[")
        parts = [head, *[p for p in rest.rstrip("]").split("][") if rest]] if rest else [head]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v) for k, v in value.items()}
    if (
        items
        and all(k.isdigit() for k in items)
        and sorted(map(int, items)) == list(range(len(items)))
    ):
        return [items[str(i)] for i in range(len(items))]
    return items


def coerce(value: Any, schema: dict[str, Any]) -> Any:
    """Turn wire strings into the JSON types ``schema`` asks for (first branch that fits)."""
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            candidate = coerce(value, branch)
            if jsonschema.Draft202012Validator(branch).is_valid(candidate):
                return candidate
        return value
    kind = schema.get("type")
    if kind == "object" and isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: coerce(v, props.get(k, extra if isinstance(extra, dict) else {}))
            for k, v in value.items()
        }
    if kind == "object" and isinstance(value, list):  # a map whose keys happen to be 0..n
        return coerce({str(i): v for i, v in enumerate(value)}, schema)
    if kind == "array" and isinstance(value, list):
        return [coerce(v, schema.get("items", {})) for v in value]
    if kind == "array" and value == {}:
        return []
    return _scalar(value, kind)


def _scalar(value: Any, kind: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return json.loads(value)
    except ValueError:
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def wire_value(value: Any) -> Any:
    """What the value looks like after a trip over the form wire, before coercion.

    Empty lists and dicts send nothing, so they vanish; ``datetime`` becomes seconds and
    ``Decimal`` its text.
    """
    if isinstance(value, dict):
        out = {k: wire_value(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ({}, [])}
    if isinstance(value, list | tuple):
        out_list = [wire_value(v) for v in value]
        return [v for v in out_list if v not in ({}, [])]
    if isinstance(value, datetime):
        return int(value.replace(tzinfo=value.tzinfo or UTC).timestamp())
    if isinstance(value, Decimal):
        return str(value)
    return value


def stripe_bytes(value: dict[str, Any]) -> str:
    """What the ``stripe`` package sends for ``value`` (its encoder, then urlencode)."""
    from urllib.parse import urlencode

    from stripe._encode import _api_encode

    pairs = list(_api_encode(value))
    return urlencode(pairs).replace("%5B", "[").replace("%5D", "]")

"""Media types of an OpenAPI document's responses: which one a client reads, and what the
schema of an event stream's data is.

OpenAPI 3.2 describes a sequential media type item by item (Media Type Object ``itemSchema``);
for ``text/event-stream`` ("Server-Sent Event Streams") an item is one event, an object with
the fields an event has (``event``, ``data``, ``id``, ``retry``; HTML Standard 9.2.6), and
JSON data says so with ``contentMediaType`` and gives its schema as ``contentSchema`` (JSON
Schema 2020-12, 8.4 and 8.5). The model reads an event stream's schema as one event's data
(``generator/emit/streams.py``, as DigitalOcean's and OpenAI's 3.0/3.1 documents write it), so
``event_data_schema`` turns an item schema into that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

JSON_MEDIA = re.compile(r"application/(?:[\w.-]+\+)?json\s*(?:;.*)?$", re.IGNORECASE)
EVENT_STREAM = "text/event-stream"  # WHATWG HTML Standard, 9.2 (Server-sent events)
TEXT: dict[str, Any] = {"type": "string"}  # data that is text, as the stream sends it


def preferred_media_type(media_types: list[str]) -> str:
    """The media type a client reads a response as: the first JSON one (``application/json``,
    ``application/problem+json``, RFC 6839 ``+json``), else the first; "" when there is none."""
    return next((m for m in media_types if JSON_MEDIA.match(m)), media_types[0] if media_types
                else "")


def is_event_stream(media_type: str) -> bool:
    return media_type.split(";", maxsplit=1)[0].strip().lower() == EVENT_STREAM


def event_data_schema(item: Any, resolve: Callable[[str], Any]) -> dict[str, Any]:
    """The schema of one event's data from a ``text/event-stream`` item schema: the data
    field's ``contentSchema`` where its ``contentMediaType`` is JSON (``{}``: any JSON when it
    gives none), text otherwise; for ``oneOf``/``anyOf`` branches (one per kind of event), the
    ``anyOf`` of their data, or text when any branch's data is text. ``resolve`` gives a
    ``$ref``'s target (``None`` when it does not resolve)."""
    node = _followed(item, resolve)
    branches = [_followed(b, resolve) for key in ("oneOf", "anyOf")
                for b in node.get(key, []) if isinstance(node.get(key), list)]  # fmt: skip
    shared = _data_field(node, resolve)
    if not branches:
        return _data(shared)
    datas = [_data(_data_field(b, resolve) or shared) for b in branches]
    if any(d is TEXT for d in datas):
        return TEXT
    distinct = [d for i, d in enumerate(datas) if d not in datas[:i]]
    return distinct[0] if len(distinct) == 1 else {"anyOf": distinct}


def _followed(node: Any, resolve: Callable[[str], Any]) -> dict[str, Any]:
    for _ in range(32):  # a chain of $refs, cut where it loops
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        node = resolve(node["$ref"])
    return node if isinstance(node, dict) else {}


def _data_field(node: dict[str, Any], resolve: Callable[[str], Any]) -> dict[str, Any] | None:
    properties = node.get("properties")
    data = properties.get("data") if isinstance(properties, dict) else None
    return _followed(data, resolve) if data is not None else None


def _data(field: dict[str, Any] | None) -> dict[str, Any]:
    if field is None or not JSON_MEDIA.match(str(field.get("contentMediaType", ""))):
        return TEXT
    schema = field.get("contentSchema", {})
    return schema if isinstance(schema, dict) else {}

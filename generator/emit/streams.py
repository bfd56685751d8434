"""Streaming responses: which operations return a stream of Server-Sent Events, and what each
event's data is (the runtime's ``_streaming`` module reads them)."""

from __future__ import annotations

from typing import Literal

from generator.model.shapes import AnyShape, Operation, Response, Shape, String, has_content
from generator.scrape.media import is_event_stream

StreamKind = Literal["", "json", "text"]


def event_responses(op: Operation) -> list[Response]:
    """``op``'s 2xx responses that carry content, when every one of them is an event stream
    (a call that may also answer JSON is not read as a stream); else none."""
    carrying = [r for r in op.responses if r.status.startswith("2") and has_content(r.status)]
    if carrying and all(is_event_stream(r.media_type) for r in carrying):
        return carrying
    return []


def event_shapes(op: Operation) -> list[Shape]:
    """The shapes of the events' data: each event stream's schema where one says JSON (the
    schema of a ``text/event-stream`` response describes one event's data, as DigitalOcean's
    and OpenAI's documents use it, and as ``generator.scrape.media`` reads OpenAPI 3.2's
    ``itemSchema``); none where the data is text."""
    shapes = [r.shape for r in event_responses(op)]
    return [s for s in shapes if s is not None and _json_data(s)]


def stream_kind(op: Operation) -> StreamKind:
    """``"json"`` or ``"text"``: how a streaming call reads its events' data; ``""``: no stream.

    The data is JSON where every event stream has a schema that is not a plain string (no
    schema, ``{}`` or ``type: string`` leave it text).
    """
    responses = event_responses(op)
    if not responses:
        return ""
    return "json" if all(_json_data(r.shape) for r in responses) else "text"


def _json_data(shape: Shape | None) -> bool:
    return shape is not None and not isinstance(shape, AnyShape | String)

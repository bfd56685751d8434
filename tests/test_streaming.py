"""Streaming responses (issue 13, item 4): a ``text/event-stream`` response is an iterator of
parsed events, sync and async, whose connection is closed when the loop ends or breaks."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from generator.scrape.media import TEXT, event_data_schema
from tests.conftest import StaticChecks
from tests.openapi_client import build_api, imported, write_package

DOCUMENT = """
openapi: 3.0.3
info: {title: Feed, version: '1'}
servers: [{url: "https://feed.example.com"}]
paths:
  /messages:
    post:
      operationId: streamMessages
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {prompt: {type: string}}}
      responses:
        "200":
          description: one event per token
          content:
            text/event-stream:
              schema: {$ref: '#/components/schemas/delta'}
        "400":
          description: bad
          content: {application/json: {schema: {type: object}}}
  /timeline:
    get:
      operationId: streamTimeline
      responses:
        "200": {description: events, content: {text/event-stream: {}}}
components:
  schemas:
    delta:
      type: object
      required: [index]
      properties: {index: {type: integer}, text: {type: string}}
"""

EVENTS = 400  # more than any test reads: the server stops only when the client goes away
GAP = 0.02  # seconds between two events


class EventServer(ThreadingHTTPServer):
    """Sends ``EVENTS`` events slowly; ``closed`` is set when the client closed the connection
    (a write failed), ``sent`` counts the events written before."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _EventHandler)
        self.closed = threading.Event()
        self.sent = 0
        self.paths: list[str] = []
        self.status = 200

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def reset(self, status: int = 200) -> None:
        self.closed.clear()
        self.sent = 0
        self.paths = []
        self.status = status

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that goes away leaves a broken pipe on purpose."""


class _EventHandler(BaseHTTPRequestHandler):
    server: EventServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _events(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.paths.append(f"{self.command} {self.path} {self.headers.get('Accept')}")
        if self.server.status != 200:
            self._error()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.close_connection = True
        # a comment, a BOM-less preamble, an event with two data lines, ids and a retry
        preamble = b": keep-alive\r\nretry: 1500\r\n\r\n"
        try:
            self.wfile.write(preamble)
            for i in range(EVENTS):
                data = json.dumps({"index": i, "text": f"t{i}"})
                kind = b"event: delta\n" if i % 2 else b""
                self.wfile.write(kind + f"id: {i}\ndata: {data}\n\n".encode())
                self.wfile.flush()
                self.server.sent += 1
                time.sleep(GAP)
        except OSError:
            self.server.closed.set()

    def _error(self) -> None:
        body = json.dumps({"error": "bad prompt"}).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _events


@pytest.fixture(scope="module")
def server() -> Iterator[EventServer]:
    srv = EventServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def generated(tmp_path_factory: pytest.TempPathFactory, document: str, name: str) -> Path:
    folder = tmp_path_factory.mktemp(name)
    reporter = Reporter()
    api = build_api(folder, document, name, reporter)
    assert not reporter.has_errors, reporter.sorted()
    return write_package(folder, api)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory, DOCUMENT, "feed")


@pytest.fixture
def package(project: Path, server: EventServer) -> Iterator[Any]:
    server.reset()
    with imported(project, "feed_client") as module:
        yield module


def test_methods_are_annotated_as_streams_of_their_event_data(project: Path) -> None:
    with imported(project, "feed_client") as module:
        sync = inspect.signature(module.Client(api_key="k").messages.create).return_annotation
        async_ = module.AsyncClient(api_key="k").messages.create
        timeline = module.Client(api_key="k").timeline.retrieve
        assert sync == "Stream[Delta]"
        assert inspect.signature(async_).return_annotation == "AsyncStream[Delta]"
        assert inspect.signature(timeline).return_annotation == "Stream[str]"


def test_sync_stream_yields_parsed_events_and_break_closes_the_connection(
    package: Any, server: EventServer
) -> None:
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    got = []
    for event in client.messages.create(prompt="hi"):
        got.append((event.event, event.id, event.retry, event.data))
        if len(got) == 3:
            break
    assert got == [("message", "0", 1500, {"index": 0, "text": "t0"}),
                   ("delta", "1", 1500, {"index": 1, "text": "t1"}),
                   ("message", "2", 1500, {"index": 2, "text": "t2"})]  # fmt: skip
    assert server.closed.wait(10), "the client kept the connection open after break"
    assert server.sent < EVENTS
    assert server.paths == ["POST /messages text/event-stream"]


def test_text_events_and_a_with_block(package: Any, server: EventServer) -> None:
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    with client.timeline.retrieve() as stream:
        first = next(iter(stream))
    assert first.data == '{"index": 0, "text": "t0"}'  # no schema: the data is text
    assert server.closed.wait(10)


def test_async_stream_yields_parsed_events_and_closes(package: Any, server: EventServer) -> None:
    async def read() -> list[Any]:
        async with package.AsyncClient(api_key="k", base_url=server.url, max_retries=0) as c:
            got = []
            async with await c.messages.create(prompt="hi") as stream:
                async for event in stream:
                    got.append(event.data["index"])
                    if len(got) == 2:
                        break
            return got

    assert asyncio.run(read()) == [0, 1]
    assert server.closed.wait(10), "the async client kept the connection open"


def test_async_break_alone_closes_the_connection(package: Any, server: EventServer) -> None:
    async def read() -> int:
        client = package.AsyncClient(api_key="k", base_url=server.url, max_retries=0)
        async for event in await client.messages.create(prompt="hi"):
            index: int = event.data["index"]
            break
        for _ in range(50):  # the loop finalises the abandoned generator, closing the stream
            if server.closed.is_set():
                break
            await asyncio.sleep(0.05)
        await client.aclose()
        return index

    assert asyncio.run(read()) == 0
    assert server.closed.wait(10)


def test_an_error_status_raises_before_any_event(package: Any, server: EventServer) -> None:
    server.reset(status=400)
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    with pytest.raises(package.BadRequestError) as caught:
        client.messages.create(prompt="hi")
    assert caught.value.body == {"error": "bad prompt"}


def test_raw_response_parses_to_the_stream(package: Any, server: EventServer) -> None:
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    raw = client.messages.with_raw_response.create(prompt="hi")
    assert raw.status_code == 200 and raw.headers["content-type"] == "text/event-stream"
    with raw.parse() as stream:
        assert next(iter(stream)).data == {"index": 0, "text": "t0"}


def test_the_event_stream_interpretation_of_the_html_standard(project: Path) -> None:
    """WHATWG HTML 9.2.6: CR, LF and CRLF line ends, a leading BOM, comments, a field without
    a colon, one space after the colon removed, data lines joined, an event without data not
    dispatched, an id with NUL ignored, a non-numeric retry ignored, an unfinished last event
    dropped."""
    import httpx

    text = ("\ufeffdata: a\r\ndata:b\rdata\n\n: comment\nevent: x\n\n"
            "id: 7\nretry: 12s\ndata:  two\n\nid: bad\0\ndata: c\n\ndata: unfinished")  # fmt: skip
    with imported(project, "feed_client") as module:
        response = httpx.Response(200, content=text.encode(), request=httpx.Request("GET", "x"))
        events = list(module.Stream(response))
    assert [(e.event, e.text, e.id, e.retry) for e in events] == [
        ("message", "a\nb\n", "", None), ("message", " two", "7", None),
        ("message", "c", "7", None)]  # fmt: skip


def test_json_data_that_is_not_json_is_an_invalid_response(project: Path) -> None:
    import httpx

    with imported(project, "feed_client") as module:
        response = httpx.Response(200, content=b"data: [DONE]\n\n",
                                  request=httpx.Request("GET", "http://x/y"))  # fmt: skip
        [event] = list(module.Stream(response, json=True))
        assert event.text == "[DONE]"
        with pytest.raises(module.InvalidResponseError, match="not JSON"):
            _ = event.data


def test_project_is_checked(project: Path, static_checks: StaticChecks) -> None:
    static_checks.add(project, "feed_client", ruff=False)


DOCUMENT_32 = """
openapi: 3.2.0
info: {title: Chat, version: '1'}
paths:
  /chats:
    post:
      operationId: streamChat
      responses:
        "200":
          description: a delta per token, then one summary
          content:
            text/event-stream:
              itemSchema:
                type: object
                required: [event]
                oneOf:
                  - properties:
                      event: {const: delta}
                      data:
                        type: string
                        contentMediaType: application/json
                        contentSchema: {$ref: '#/components/schemas/delta'}
                  - $ref: '#/components/schemas/summaryEvent'
  /logs:
    get:
      operationId: streamLogs
      responses:
        "200":
          description: log lines
          content:
            text/event-stream:
              itemSchema:
                type: object
                properties: {data: {type: string}, id: {type: string}}
components:
  schemas:
    delta:
      type: object
      required: [index]
      properties: {index: {type: integer}, text: {type: string}}
    summaryEvent:
      properties:
        event: {const: summary}
        data:
          type: string
          contentMediaType: application/json
          contentSchema: {type: object, title: summary, properties: {tokens: {type: integer}}}
"""


@pytest.fixture(scope="module")
def project_32(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory, DOCUMENT_32, "chat")


def test_openapi_32_item_schema_types_the_events_data(
    project_32: Path, server: EventServer
) -> None:
    """OpenAPI 3.2's ``itemSchema`` of an event stream: each event's ``data`` typed by its
    ``contentSchema`` where ``contentMediaType`` is JSON (one per kind of event: a union);
    text where the data is a plain string."""
    server.reset()
    with imported(project_32, "chat_client") as module:
        client = module.Client(api_key="k", base_url=server.url, max_retries=0)
        chat = inspect.signature(client.chats.create).return_annotation
        assert chat == "Stream[Delta | Summary]"
        assert inspect.signature(client.logs.list).return_annotation == "Stream[str]"
        with client.chats.create() as stream:
            first = next(iter(stream))
        assert first.data == {"index": 0, "text": "t0"}  # parsed: the data is JSON
        assert server.closed.wait(10)
        server.reset()
        with client.logs.list() as stream:
            assert next(iter(stream)).data == '{"index": 0, "text": "t0"}'  # text


def test_openapi_32_project_is_checked(project_32: Path, static_checks: StaticChecks) -> None:
    static_checks.add(project_32, "chat_client", ruff=False)


def test_event_data_schema_of_item_schemas() -> None:
    json_data = {"type": "string", "contentMediaType": "application/json"}
    targets = {"#/e": {"properties": {"data": {**json_data, "contentSchema": {"type": "integer"}}}},
               "#/loop": {"$ref": "#/loop"}}  # fmt: skip
    resolve = targets.get
    assert event_data_schema({"properties": {"data": {"type": "string"}}}, resolve) == TEXT
    assert event_data_schema({"properties": {"data": json_data}}, resolve) == {}  # any JSON
    assert event_data_schema({"$ref": "#/e"}, resolve) == {"type": "integer"}
    both = {"oneOf": [{"$ref": "#/e"}, {"properties": {"data": {
        **json_data, "contentMediaType": "application/vnd.x+json", "contentSchema": {"const": 1}}}}]}
    assert event_data_schema(both, resolve) == {"anyOf": [{"type": "integer"}, {"const": 1}]}
    # one kind of event with text data: every event's data is read as text
    mixed = {"anyOf": [{"$ref": "#/e"}, {"properties": {"data": {"type": "string"}}}]}
    assert event_data_schema(mixed, resolve) == TEXT
    # branches without their own data take the item's; a $ref loop is cut
    shared = {"properties": {"data": {**json_data, "contentSchema": {"type": "array"}}},
              "oneOf": [{"properties": {"event": {"const": "a"}}}, {"$ref": "#/loop"}]}
    assert event_data_schema(shared, resolve) == {"type": "array"}

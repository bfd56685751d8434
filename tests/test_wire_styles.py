"""Wire styles (issue 11, item 1): the bytes that reach a server on 127.0.0.1 for each OpenAPI
style, against the specification's "Style Examples" table (OpenAPI 3.0.3, Parameter Object)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from generator.model.shapes import WireStyle
from generator.options import Overrides
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import ScriptedServer, running_server

DOCUMENT = """
openapi: 3.0.3
info: {title: Styles, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /colors:
    get:
      operationId: ListColors
      parameters:
        - {name: exploded, in: query, schema: {type: array, items: {type: string}}}
        - {name: commas, in: query, explode: false, schema: {type: array, items: {type: string}}}
        - {name: spaces, in: query, style: spaceDelimited, schema: {type: array, items: {type: string}}}
        - {name: pipes, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
        - name: deep
          in: query
          style: deepObject
          explode: true
          schema: {type: object, properties: {R: {type: integer}, G: {type: integer}}}
        - name: flat
          in: query
          schema: {type: object, properties: {R: {type: integer}, G: {type: integer}}}
        - name: packed
          in: query
          explode: false
          schema: {type: object, properties: {R: {type: integer}, G: {type: integer}}}
      responses: {"200": {description: ok}}
  /flags/{on}:
    get:
      operationId: GetFlag
      parameters:
        - {name: on, in: path, required: true, schema: {type: boolean}}
        - {name: X-Dry-Run, in: header, schema: {type: boolean}}
        - {name: X-Colors, in: header, schema: {type: array, items: {type: string}}}
        - name: X-Color
          in: header
          schema: {type: object, properties: {R: {type: integer}, G: {type: integer}}}
        - name: X-Rgb
          in: header
          explode: true
          schema: {type: object, properties: {R: {type: integer}, G: {type: integer}}}
        - {name: X-Count, in: header, schema: {type: integer}}
      responses: {"200": {description: ok}}
  /labels/{color}:
    get:
      operationId: GetLabel
      parameters:
        - {name: color, in: path, required: true, style: label, explode: true,
           schema: {type: array, items: {type: string}}}
      responses: {"200": {description: ok}}
  /matrices/{color}:
    get:
      operationId: GetMatrix
      parameters:
        - {name: color, in: path, required: true, style: matrix,
           schema: {type: object, properties: {R: {type: integer}, G: {type: integer}}}}
      responses: {"200": {description: ok}}
  /session:
    get:
      operationId: GetSession
      parameters:
        - {name: theme, in: cookie, schema: {type: string}}
        - {name: ids, in: cookie, explode: false, schema: {type: array, items: {type: integer}}}
        - {name: tags, in: cookie, schema: {type: array, items: {type: string}}}
        - {name: dark, in: cookie, schema: {type: boolean}}
      responses: {"200": {description: ok}}
  /messages:
    post:
      operationId: CreateMessage
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                To: {type: string}
                Event: {type: array, items: {type: string}}
                Tags: {type: array, items: {type: string}}
            encoding:
              Tags: {style: pipeDelimited}
      responses: {"200": {description: ok}}
  /uploads:
    post:
      operationId: CreateUpload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
                ids: {type: array, items: {type: string}}
                names[]: {type: array, items: {type: string}}
      responses: {"200": {description: ok}}
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("styles")
    reporter = Reporter()
    api = build_api(folder, DOCUMENT, "styles", reporter)
    assert not reporter.has_errors, [str(d) for d in reporter.items]
    with imported(write_package(folder, api), "styles_client") as module:
        yield module


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


def client(package: Any, server: ScriptedServer) -> Any:
    return package.Client(api_key="k", base_url=server.url, max_retries=0)


@pytest.mark.parametrize(("argument", "value", "query"), [
    ("exploded", ["blue", "black", "brown"], "exploded=blue&exploded=black&exploded=brown"),
    ("commas", ["blue", "black", "brown"], "commas=blue,black,brown"),
    ("spaces", ["blue", "black", "brown"], "spaces=blue%20black%20brown"),
    ("pipes", ["blue", "black", "brown"], "pipes=blue|black|brown"),
    ("deep", {"R": 100, "G": 200}, "deep[R]=100&deep[G]=200"),
    ("flat", {"R": 100, "G": 200}, "R=100&G=200"),
    ("packed", {"R": 100, "G": 200}, "packed=R,100,G,200"),
    ("commas", ["a,b", "c d"], "commas=a%2Cb,c+d"),
])  # fmt: skip
def test_query_styles_send_the_specification_bytes(
    package: Any, server: ScriptedServer, argument: str, value: Any, query: str
) -> None:
    server.play()
    client(package, server).colors.list(**{argument: value})
    (request,) = server.requests
    assert request.raw_query == query


def test_header_and_path_values_are_in_the_simple_style(
    package: Any, server: ScriptedServer
) -> None:
    """Headers and path segments carry OpenAPI's ``simple`` style ("Style Examples": array
    ``blue,black,brown``, object ``R,100,G,200``), and booleans as JSON writes them."""
    server.play()
    client(package, server).flags.retrieve(
        False, x_dry_run=True, x_colors=["blue", "black", "brown"], x_color={"R": 100, "G": 200},
        x_count=3, x_rgb={"R": 100, "G": 200})  # fmt: skip
    (request,) = server.requests
    assert request.path == "/flags/false"
    assert [request.headers[h] for h in ("x-dry-run", "x-colors", "x-color", "x-count", "x-rgb")
            ] == ["true", "blue,black,brown", "R,100,G,200", "3", "R=100,G=200"]


COLORS, RGB = ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}


@pytest.mark.parametrize(("expression", "value", "expanded"), [
    ("{color}", "blue", "blue"),
    ("{color}", COLORS, "blue,black,brown"),
    ("{color}", RGB, "R,100,G,200,B,150"),
    ("{color*}", RGB, "R=100,G=200,B=150"),
    ("{.color}", "blue", ".blue"),
    ("{.color}", COLORS, ".blue,black,brown"),
    ("{.color*}", COLORS, ".blue.black.brown"),
    ("{.color}", RGB, ".R,100,G,200,B,150"),
    ("{.color*}", RGB, ".R=100.G=200.B=150"),
    ("{;color}", "blue", ";color=blue"),
    ("{;color}", COLORS, ";color=blue,black,brown"),
    ("{;color*}", COLORS, ";color=blue;color=black;color=brown"),
    ("{;color}", RGB, ";color=R,100,G,200,B,150"),
    ("{;color*}", RGB, ";R=100;G=200;B=150"),
])  # fmt: skip
def test_path_styles_expand_as_the_specification_table(
    package: Any, expression: str, value: Any, expanded: str
) -> None:
    """OpenAPI 3.0.3's "Style Examples" for ``simple``, ``label`` and ``matrix``."""
    format_path = importlib.import_module(f"{package.__name__}._encoding").format_path
    assert format_path(f"/c/{expression}", color=value) == f"/c/{expanded}"


def test_a_placeholder_named_like_an_operator_is_filled_as_given(package: Any) -> None:
    format_path = importlib.import_module(f"{package.__name__}._encoding").format_path
    assert format_path("/a/{.hidden}/{;x*}", **{".hidden": "h", ";x*": "y"}) == "/a/h/y"


def test_declared_path_styles_reach_the_server(package: Any, server: ScriptedServer) -> None:
    server.play()
    client(package, server).labels.retrieve(["blue", "black"])
    assert server.requests[0].path == "/labels/.blue.black"
    server.play()
    client(package, server).matrices.retrieve({"R": 100, "G": 200})
    assert server.requests[0].path == "/matrices/;color=R,100,G,200"


def test_cookie_parameters_are_one_cookie_header(package: Any, server: ScriptedServer) -> None:
    """``in: cookie`` parameters are sent as one ``Cookie`` header (RFC 6265 section 4.2.1),
    in OpenAPI's ``form`` style: a list exploded into pairs unless ``explode: false``; a value
    percent-encoded where a cookie-octet may not stand (space, ``;``, ``,``)."""
    server.play()
    client(package, server).session.retrieve(
        theme="dark; blue", ids=[3, 4, 5], tags=["a", "b"], dark=True)
    (given,) = server.requests
    assert given.headers["cookie"] == "theme=dark%3B%20blue; ids=3,4,5; tags=a; tags=b; dark=true"
    server.play()
    client(package, server).session.retrieve()
    (none,) = server.requests
    assert "cookie" not in none.headers


def test_cookies_given_by_the_caller_join_the_cookie_parameters(
    package: Any, server: ScriptedServer
) -> None:
    """One ``Cookie`` header (RFC 6265 section 5.4) whichever way the caller's cookies come:
    ``request_options`` headers in any case, or the client's ``default_headers``."""
    for options, defaults in (({"Cookie": "a=1"}, {}), ({"cookie": "a=1"}, {}),
                              ({}, {"COOKIE": "a=1"})):  # fmt: skip
        server.play()
        api = package.Client(api_key="k", base_url=server.url, max_retries=0,
                             default_headers=defaults)  # fmt: skip
        api.session.retrieve(theme="dark", request_options={"headers": options})
        (given,) = server.requests
        assert given.all("cookie") == ["a=1; theme=dark"], (options, defaults)


def test_a_header_parameter_replaces_the_callers_header_of_its_name_in_any_case(
    package: Any, server: ScriptedServer
) -> None:
    server.play()
    client(package, server).flags.retrieve(True, x_count=3,
                                           request_options={"headers": {"x-count": "9"}})
    (given,) = server.requests
    assert given.all("x-count") == ["3"]


def test_flat_form_body_repeats_keys_and_honours_encoding(
    package: Any, server: ScriptedServer
) -> None:
    server.play()
    client(package, server).messages.create(to="+1 555", event=["initiated", "ringing"],
                                            tags=["a", "b"])  # fmt: skip
    (request,) = server.requests
    assert request.body == b"To=%2B1+555&Event=initiated&Event=ringing&Tags=a|b"


def test_flat_api_default_is_form_exploded(package: Any, server: ScriptedServer) -> None:
    reporter = Reporter()
    api = build_api(Path(package.__file__).parents[2], DOCUMENT, "again", reporter)
    assert api.conventions.wire == WireStyle("form", explode=True)
    assert "flat" in api.conventions.wire_reason


def test_multipart_array_is_repeated_parts(package: Any, server: ScriptedServer) -> None:
    server.play()
    client(package, server).uploads.create(file=b"\x00\x01", ids=["1", "2"], names=["x", "y"])
    (request,) = server.requests
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.body
    )
    parts = [(p.get_param("name", header="content-disposition"), p.get_payload(decode=True))
             for p in message.iter_parts()]  # fmt: skip
    assert parts == [("ids", b"1"), ("ids", b"2"), ("names[]", b"x"), ("names[]", b"y"),
                     ("file", b"\x00\x01")]  # fmt: skip


def test_configured_style_overrides_what_the_input_leaves_open(tmp_path: Path) -> None:
    reporter = Reporter()
    api = build_api(tmp_path, DOCUMENT, "conf", reporter,
                    overrides=Overrides(wire_style="deepObject"))  # fmt: skip
    assert api.conventions.wire == WireStyle("deepObject")
    assert api.conventions.wire_reason == "configured (wire_style)"
    message = next(op for op in api.operations if op.operation_id == "CreateMessage")
    assert message.body is not None
    wires = {e.name: e.wire for e in message.body.encoding}
    assert wires == {"Event": WireStyle("deepObject"), "Tags": WireStyle("pipeDelimited", False),
                     "To": WireStyle("deepObject")}  # fmt: skip
    colors = next(op for op in api.operations if op.operation_id == "ListColors")
    assert {p.name: p.wire for p in colors.query_params}["exploded"] == WireStyle("form")


def test_a_nesting_form_body_means_brackets(tmp_path: Path) -> None:
    nested = DOCUMENT.replace("To: {type: string}", "To: {type: object, properties: {n: {type: string}}}")
    api = build_api(tmp_path, nested, "nested", Reporter())
    assert api.conventions.wire == WireStyle("deepObject")
    assert api.conventions.wire_reason.startswith("form bodies nest objects (CreateMessage: To)")

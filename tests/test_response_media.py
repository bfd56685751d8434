"""Each call's `Accept` is its operation's declared success media types, and its method is
annotated with what the runtime returns for them (`str` for text, `bytes` for binary)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import Reply, ScriptedServer, running_server

DOCUMENT = """
openapi: 3.0.3
info: {title: Reports, version: '1'}
paths:
  /report.csv:
    get:
      operationId: exportReport
      responses:
        "200": {description: ok, content: {text/csv: {schema: {type: string}}}}
  /logo:
    get:
      operationId: getLogo
      responses:
        "200": {description: ok, content: {image/png: {schema: {type: string, format: binary}}}}
  /either:
    get:
      operationId: getEither
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}
        "202": {description: queued, content: {application/xml: {schema: {type: string}}}}
  /thing:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}
  /bare:
    get:
      operationId: getBare
      responses: {"200": {description: ok}}
"""


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("media")
    api = build_api(folder, DOCUMENT, "media", Reporter())
    with imported(write_package(folder, api), "media_client") as module:
        yield module


@pytest.mark.parametrize(("call", "accept", "reply", "returned"), [
    ("report", "text/csv", Reply(raw=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"}),
     "a,b\n1,2\n"),
    ("logo", "image/png", Reply(raw=b"\x89PNG", headers={"Content-Type": "image/png"}),
     b"\x89PNG"),
    ("either", "application/json, application/xml", Reply(body={"a": "x"}), {"a": "x"}),
    ("thing", "application/json", Reply(body={"a": "y"}), {"a": "y"}),
    ("bare", "application/json", Reply(body=[1]), None),  # no content declared: None
])  # fmt: skip
def test_accept_is_the_declared_media_types(
    package: Any, server: ScriptedServer, call: str, accept: str, reply: Reply, returned: Any
) -> None:
    server.play(reply)
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    assert getattr(client, call).retrieve() == returned
    (request,) = server.requests
    assert request.headers["accept"] == accept


@pytest.mark.parametrize(("call", "annotation"), [
    ("report", "str"), ("logo", "bytes"), ("bare", "None"),  # a 200 declared without content
    ("either", "GetEitherResponse200 | str"),
])  # fmt: skip
def test_text_returns_str_and_binary_bytes(package: Any, call: str, annotation: str) -> None:
    for client in (package.Client, package.AsyncClient):
        method = getattr(client(api_key="k", base_url="http://127.0.0.1:9"), call).retrieve
        assert inspect.signature(method).return_annotation == annotation


def test_request_options_headers_still_override_accept(
    package: Any, server: ScriptedServer
) -> None:
    server.play(Reply(raw=b"x", headers={"Content-Type": "text/csv"}))
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    client.report.retrieve(request_options={"headers": {"Accept": "text/plain"}})
    (request,) = server.requests
    assert request.headers["accept"] == "text/plain"


def test_generated_source_passes_accept_only_when_not_json(tmp_path: Path) -> None:
    api = build_api(tmp_path, DOCUMENT, "media2", Reporter())
    folder = write_package(tmp_path, api)
    text = (folder / "media2_client" / "resources" / "report.py").read_text(encoding="utf-8")
    assert text.count("accept='text/csv'") + text.count('accept="text/csv"') == 2  # sync, async
    assert "accept=\"application/json\"" not in text


def test_a_generated_binary_call_streams_past_max_response_bytes(
    package: Any, server: ScriptedServer, tmp_path: Path
) -> None:
    png = b"\x89PNG" + bytes(range(256)) * 8
    server.play(Reply(raw=png, headers={"Content-Type": "image/png"}))
    client = package.Client(api_key="k", base_url=server.url, max_retries=0, max_response_bytes=100)
    with pytest.raises(package.InvalidResponseError, match="with_streaming_response"):
        client.logo.retrieve()
    with client.logo.with_streaming_response.retrieve() as response:
        assert b"".join(response.iter_bytes(100)) == png
    with client.logo.with_streaming_response.retrieve() as response:
        response.write_to_file(tmp_path / "logo.png")
    assert (tmp_path / "logo.png").read_bytes() == png

    async def main() -> bytes:
        async with package.AsyncClient(api_key="k", base_url=server.url,
                                       max_response_bytes=100) as async_client:  # fmt: skip
            async with async_client.logo.with_streaming_response.retrieve() as streamed:
                return b"".join([chunk async for chunk in streamed.aiter_bytes()])

    assert asyncio.run(main()) == png

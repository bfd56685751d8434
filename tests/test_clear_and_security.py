"""Clearing a field with an empty list or object, and each operation's own ``security``
(issue 11, items 1 and 2): what reaches a server on 127.0.0.1."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from generator.model.conventions import summary
from generator.options import Overrides
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import ScriptedServer, running_server

CLEARABLE_LIST = '{anyOf: [{type: array, items: {type: string}}, {type: string, enum: [""]}]}'
CLEARABLE_MAP = '{anyOf: [{type: object, additionalProperties: {type: string}}, ' \
    '{type: string, enum: [""]}]}'
PROPERTIES = f"""
                tags: {CLEARABLE_LIST}
                meta: {CLEARABLE_MAP}
                nested: {{type: object, properties: {{labels: {CLEARABLE_LIST}}}}}
                items: {{type: array, items: {{type: object, properties: {{rates: {CLEARABLE_LIST}}}}}}}
                ids: {{type: array, items: {{type: string}}}}
                opts: {{type: object, properties: {{a: {{type: string}}}}}}"""
CLEARING = f"""
openapi: 3.0.3
info: {{title: Clearing, version: "1"}}
paths:
  /things:
    post:
      operationId: UpdateThing
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:{PROPERTIES}
      responses: {{"200": {{description: ok}}}}
  /uploads:
    post:
      operationId: CreateUpload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {{type: string, format: binary}}
                tags: {CLEARABLE_LIST}
                ids: {{type: array, items: {{type: string}}}}
      responses: {{"200": {{description: ok}}}}
  /flat:
    get:
      operationId: ListFlat
      parameters:
        - {{name: ids, in: query, schema: {{type: array, items: {{type: string}}}}}}
        - {{name: pipes, in: query, style: pipeDelimited, schema: {{type: array, items: {{type: string}}}}}}
        - name: clearable
          in: query
          style: pipeDelimited
          schema: {CLEARABLE_LIST}
      responses: {{"200": {{description: ok}}}}
"""

SECURITY = """
openapi: 3.0.3
info: {title: Scoped, version: "1"}
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
    key: {type: apiKey, in: header, name: X-API-Key}
security: [{basic: []}, {key: []}]
paths:
  /things:
    get:
      operationId: ListThings
      responses: {"200": {description: ok}}
  /public:
    get:
      operationId: ListPublic
      security: []
      responses: {"200": {description: ok}}
  /optional:
    get:
      operationId: ListOptional
      security: [{}]
      responses: {"200": {description: ok}}
  /keyed:
    get:
      operationId: ListKeyed
      security: [{key: []}]
      responses: {"200": {description: ok}}
"""


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


def _package(folder: Path, document: str, name: str) -> Any:
    reporter = Reporter()
    api = build_api(folder, document, name, reporter)
    assert not reporter.has_errors, [str(d) for d in reporter.items]
    return imported(write_package(folder, api), f"{name}_client")


@pytest.fixture(scope="module")
def clearing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with _package(tmp_path_factory.mktemp("clearing"), CLEARING, "clearing") as module:
        yield module


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with _package(tmp_path_factory.mktemp("scoped"), SECURITY, "scoped") as module:
        yield module


def _client(package: Any, server: ScriptedServer, **credentials: Any) -> Any:
    return package.Client(base_url=server.url, max_retries=0, **credentials)


# --- item 1: an empty list or object for a field that can be cleared ---------------------


@pytest.mark.parametrize(("arguments", "body"), [
    ({"tags": []}, b"tags="),
    ({"meta": {}}, b"meta="),
    ({"nested": {"labels": []}}, b"nested[labels]="),
    ({"items": [{"rates": []}, {"rates": ["r"]}]}, b"items[0][rates]=&items[1][rates][0]=r"),
    ({"tags": "", "meta": {"k": "v"}}, b"tags=&meta[k]=v"),
])  # fmt: skip
def test_empty_list_or_object_is_sent_as_the_clear_value(
    clearing: Any, server: ScriptedServer, arguments: dict[str, Any], body: bytes
) -> None:
    server.play()
    _client(clearing, server, api_key="k").things.create(**arguments)
    (request,) = server.requests
    assert request.body == body


@pytest.mark.parametrize(("arguments", "where"), [
    ({"ids": []}, "ids: an empty list"),
    ({"opts": {}}, "opts: an empty object"),
    ({"items": [{"rates": ["r"]}, {}]}, "items[1]: an empty object"),
])  # fmt: skip
def test_empty_value_the_style_cannot_carry_is_refused_before_sending(
    clearing: Any, server: ScriptedServer, arguments: dict[str, Any], where: str
) -> None:
    server.play()
    with pytest.raises(clearing.ValidationError, match="^" + re.escape(where)):
        _client(clearing, server, api_key="k").things.create(**arguments)
    assert server.requests == []


def test_multipart_clears_with_an_empty_part_and_refuses_an_empty_repeat(
    clearing: Any, server: ScriptedServer
) -> None:
    server.play()
    client = _client(clearing, server, api_key="k")
    client.uploads.create(file=b"x", tags=[])
    (request,) = server.requests
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.body
    )
    parts = [(p.get_param("name", header="content-disposition"), p.get_payload(decode=True))
             for p in message.iter_parts()]  # fmt: skip
    assert parts == [("tags", b""), ("file", b"x")]
    with pytest.raises(clearing.ValidationError, match=r"^ids: an empty list"):
        client.uploads.create(file=b"x", ids=[])


def test_query_styles_with_and_without_an_empty_value(
    clearing: Any, server: ScriptedServer
) -> None:
    server.play()
    client = _client(clearing, server, api_key="k")
    client.flat.retrieve(ids=[], clearable=[])  # form writes empty as `ids=` (the style examples)
    assert server.requests[0].raw_query == "ids=&clearable="
    with pytest.raises(clearing.ValidationError, match=r"^pipes: .*\(pipeDelimited has no"):
        client.flat.retrieve(pipes=[])


# --- item 2: each operation's own security ----------------------------------------------


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


BASIC = {"username": "u", "password": "p"}


@pytest.mark.parametrize(("method", "credentials", "authorization", "key"), [
    ("things", BASIC, _basic("u", "p"), None),
    ("things", {**BASIC, "api_key": "k"}, None, "k"),  # the way most operations accept first
    ("public", {**BASIC, "api_key": "k"}, None, None),
    ("optional", {**BASIC, "api_key": "k"}, None, None),
    ("keyed", {**BASIC, "api_key": "k"}, None, "k"),
    ("keyed", BASIC, None, None),  # basic is not a way this operation accepts
])  # fmt: skip
def test_each_operation_sends_what_its_security_names(
    scoped: Any, server: ScriptedServer, method: str, credentials: dict[str, str],
    authorization: str | None, key: str | None,
) -> None:  # fmt: skip
    server.play()
    resource = getattr(_client(scoped, server, **credentials), method)
    (resource.list if method == "things" else resource.retrieve)()
    (request,) = server.requests
    assert request.headers.get("authorization") == authorization
    assert request.headers.get("x-api-key") == key


def test_operation_security_in_the_model_and_the_summary(tmp_path: Path) -> None:
    api = build_api(tmp_path, SECURITY, "model", Reporter())
    ways = {op.operation_id: op.auth for op in api.operations}
    key_way = next(a.requirement for a in api.conventions.auth if a.method == "header")
    assert ways == {"ListThings": None, "ListPublic": (), "ListOptional": (),
                    "ListKeyed": (key_way,)}  # fmt: skip
    assert "1 operation with only some of these, 2 operations with none (security: [])" in summary(
        api)
    configured = build_api(tmp_path, SECURITY, "conf", Reporter(),
                           overrides=Overrides(auth=("bearer",)))  # fmt: skip
    assert {op.operation_id: op.auth for op in configured.operations}["ListKeyed"] is None


def test_nothing_declared_means_every_way(tmp_path: Path) -> None:
    text = SECURITY.replace("security: []", "").replace("security: [{}]", "")
    api = build_api(tmp_path, text.replace("      security: [{key: []}]\n", ""), "all",
                    Reporter())  # fmt: skip
    assert {op.auth for op in api.operations} == {None}

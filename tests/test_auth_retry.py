"""Authentication from ``securitySchemes`` and retry safety (issue 11, items 2 and 3): what
reaches a server on 127.0.0.1."""

from __future__ import annotations

import base64
import logging
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from generator.model.shapes import Auth
from generator.options import Overrides
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import Reply, ScriptedServer, running_server

PATHS = """
paths:
  /things:
    get:
      operationId: ListThings
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
    post:
      operationId: CreateThing
      parameters: [PARAMETERS]
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
"""

SCHEMES = {
    "bearer": "{bearer: {type: http, scheme: bearer}}",
    "basic": "{basic: {type: http, scheme: basic}}",
    "header": "{key: {type: apiKey, in: header, name: X-API-Key}}",
    "query": "{key: {type: apiKey, in: query, name: api_key}, "
             "secret: {type: apiKey, in: query, name: api_secret}}",
    "either": "{basic: {type: http, scheme: basic}, "
              "key: {type: apiKey, in: header, name: X-API-Key}}",
    "oauth": "{oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: /t, scopes: {}}}}}",
    "cookie": "{session: {type: apiKey, in: cookie, name: SESSIONID}}",
}
SECURITY = {
    "bearer": "[{bearer: []}]", "basic": "[{basic: []}]", "header": "[{key: []}]",
    "query": "[{key: [], secret: []}]", "either": "[{basic: []}, {key: []}]",
    "oauth": "[{oauth: []}]", "cookie": "[{session: []}]",
}


def document(kind: str, parameters: str = "") -> str:
    return (f"openapi: 3.0.3\ninfo: {{title: A, version: '1'}}\n"
            f"components: {{securitySchemes: {SCHEMES[kind]}}}\nsecurity: {SECURITY[kind]}\n"
            + PATHS.replace("[PARAMETERS]", f"[{parameters}]"))  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One generated package per security document, imported under its own name."""
    out: dict[str, Any] = {}
    stack = []
    for kind in SCHEMES:
        folder = tmp_path_factory.mktemp(kind)
        api = build_api(folder, document(kind), f"auth_{kind}", Reporter())
        context = imported(write_package(folder, api), f"auth_{kind}_client")
        out[kind] = context.__enter__()
        stack.append(context)
    yield out
    for context in reversed(stack):
        context.__exit__(None, None, None)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(("kind", "credentials", "header", "value", "query"), [
    ("bearer", {"api_key": "k1"}, "authorization", "Bearer k1", ""),
    ("oauth", {"api_key": "tok"}, "authorization", "Bearer tok", ""),
    ("basic", {"username": "ACxx", "password": "pw"}, "authorization", _basic("ACxx", "pw"), ""),
    ("header", {"api_key": "k2"}, "x-api-key", "k2", ""),
    ("query", {"api_key": "k3", "credentials": {"api_secret": "s3"}}, None, None,
     "api_key=k3&api_secret=s3"),
    ("either", {"api_key": "k4"}, "x-api-key", "k4", ""),
    ("either", {"username": "u", "password": "p"}, "authorization", _basic("u", "p"), ""),
    ("cookie", {"api_key": "c5"}, "cookie", "SESSIONID=c5", ""),
])  # fmt: skip
def test_credentials_are_sent_as_the_document_says(
    packages: dict[str, Any], server: ScriptedServer, kind: str, credentials: dict[str, Any],
    header: str | None, value: str | None, query: str,
) -> None:  # fmt: skip
    server.play()
    client = packages[kind].Client(base_url=server.url, max_retries=0, **credentials)
    client.things.list()
    (request,) = server.requests
    if header is not None:
        assert request.headers[header] == value
    assert request.raw_query == query
    if kind != "bearer" and kind != "oauth" and header != "authorization":
        assert "authorization" not in request.headers


def test_a_cookie_key_joins_the_cookie_parameters(
    tmp_path: Path, server: ScriptedServer
) -> None:
    """An ``apiKey`` in a cookie and ``in: cookie`` parameters share one ``Cookie`` header."""
    parameters = "{name: theme, in: cookie, schema: {type: string}}"
    api = build_api(tmp_path, document("cookie", parameters), "auth_cookie2", Reporter())
    with imported(write_package(tmp_path, api), "auth_cookie2_client") as package:
        server.play()
        client = package.Client(api_key="c6", base_url=server.url, max_retries=0)
        client.things.create(theme="dark")
    (request,) = server.requests
    assert request.headers["cookie"] == "theme=dark; SESSIONID=c6"


def test_environment_variables_are_named_after_the_api(
    packages: dict[str, Any], server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_BASIC_USERNAME", "env-user")
    monkeypatch.setenv("AUTH_BASIC_PASSWORD", "env-pass")
    server.play()
    packages["basic"].Client(base_url=server.url).things.list()
    assert server.requests[0].headers["authorization"] == _basic("env-user", "env-pass")


def test_credentials_never_shown(packages: dict[str, Any], server: ScriptedServer,
                                 caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    server.play(Reply(400, {"error": "bad key k3 and s3"}))
    client = packages["query"].Client(api_key="k3", credentials={"api_secret": "s3"},
                                       base_url=server.url, max_retries=0)  # fmt: skip
    caplog.set_level(logging.DEBUG)
    with pytest.raises(packages["query"].APIError) as caught:
        client.things.list()
    shown = f"{caught.value!s} {caught.value!r} {client!r} {caplog.text}"
    assert "k3" not in shown and "s3" not in shown
    assert "api_key=k3" in server.requests[0].target


def test_configured_auth_overrides(tmp_path: Path) -> None:
    api = build_api(tmp_path, document("bearer"), "conf", Reporter(),
                    overrides=Overrides(auth=("basic", "header:X-Token")))  # fmt: skip
    assert api.conventions.auth == (Auth("basic", credential="username"),
                                    Auth("header", "X-Token", requirement=1))  # fmt: skip


def test_pages_default_to_bearer(tmp_path: Path) -> None:
    text = document("bearer").replace("security: [{bearer: []}]", "")
    api = build_api(tmp_path, text.replace("components: {securitySchemes: {bearer: {type: http, "
                                           "scheme: bearer}}}", ""), "plain", Reporter())
    assert api.conventions.auth == (Auth("bearer"),)
    assert api.conventions.auth_reason == "the input declares no security: bearer by default"


# --- retry safety ------------------------------------------------------------------------


def test_post_without_idempotency_mechanism_is_not_retried(
    packages: dict[str, Any], server: ScriptedServer
) -> None:
    server.play(Reply(503), Reply(200, {}))
    client = packages["bearer"].Client(api_key="k", base_url=server.url, max_retries=2)
    with pytest.raises(packages["bearer"].APIError):
        client.things.create(name="message")
    (request,) = server.requests
    assert not any(h.startswith("idempotency") for h in request.headers)


def test_get_is_still_retried(packages: dict[str, Any], server: ScriptedServer) -> None:
    server.play(Reply(503), Reply(200, {}))
    client = packages["bearer"].Client(api_key="k", base_url=server.url, max_retries=2)
    client.backoff_base = 0.001
    assert client.things.list() == {}
    assert len(server.requests) == 2


def test_post_is_retried_when_it_never_left(packages: dict[str, Any],
                                            caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = packages["bearer"].Client(api_key="k", base_url=f"http://127.0.0.1:{port}",
                                       max_retries=2)  # fmt: skip
    client.backoff_base = 0.001
    caplog.set_level(logging.INFO)
    with pytest.raises(packages["bearer"].APIConnectionError):
        client.things.create(name="message")
    assert caplog.text.count("retrying POST /things") == 2


def test_declared_idempotency_header_makes_post_retried_with_one_key(
    tmp_path: Path, server: ScriptedServer
) -> None:
    parameter = "{name: Idempotency-Key, in: header, schema: {type: string}}"
    api = build_api(tmp_path, document("bearer", parameter), "idem", Reporter())
    assert api.conventions.idempotency_header == "Idempotency-Key"
    server.play(Reply(503), Reply(200, {}))
    with imported(write_package(tmp_path, api), "idem_client") as package:
        client = package.Client(api_key="k", base_url=server.url, max_retries=2)
        client.backoff_base = 0.001
        assert client.things.create(name="message") == {}
    first, second = server.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len(first.headers["idempotency-key"]) == 36


TODOS = """
openapi: 3.0.3
info: {title: Todos, version: '1'}
paths:
  /todos:
    post:
      operationId: createTodo
      parameters: [{name: Idempotency-Key, in: header, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /todos/{id}:
    patch:
      operationId: updateTodo
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
"""


@pytest.mark.parametrize(("configured", "update_keyed"), [(None, False), ("Idempotency-Key", True)])
def test_declared_idempotency_header_applies_where_declared(
    tmp_path: Path, server: ScriptedServer, configured: str | None, update_keyed: bool
) -> None:
    """Read from the document, the key goes with the operations that declare the header;
    configured, with every POST and PATCH."""
    name = "todos" if configured is None else "todos_configured"
    overrides = Overrides(idempotency_header=configured)
    api = build_api(tmp_path, TODOS, name, Reporter(), overrides=overrides)
    assert api.conventions.idempotency_header == "Idempotency-Key"
    server.play(Reply(200, {}), Reply(503), Reply(200, {}))
    with imported(write_package(tmp_path, api), f"{name}_client") as package:
        client = package.Client(api_key="k", base_url=server.url, max_retries=1)
        client.backoff_base = 0.001
        client.todos.create()
        failing: AbstractContextManager[object] = (
            nullcontext() if update_keyed else pytest.raises(package.APIError))
        with failing:
            client.todos.update("t1")
    create, *updates = server.requests
    assert len(create.headers["idempotency-key"]) == 36
    assert ("idempotency-key" in updates[0].headers) == update_keyed
    assert len(updates) == (2 if update_keyed else 1)  # a PATCH without a key is not retried

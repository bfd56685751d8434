"""Issue 16, the client: what a hostile or broken server, or a sloppy caller, cannot do.

Every test runs the rendered runtime (tests/test_runtime.py's `pkg`) against servers on
127.0.0.1, sync and async where the client has both paths.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from generator.model.shapes import Auth, Conventions
from tests.runtime_server import HEADER_DRIP, Reply, running_server
from tests.test_runtime import (
    KEY,
    KINDS,
    STRIPE_LIKE,
    invoke,
    pkg,
    raises,
    render_runtime,
    server,
    srv,
    update,
)

__all__ = ["pkg", "server", "srv"]  # fixtures used here by name


# --- 1. a path value never reaches another endpoint ---------------------------------------


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_format_path_refuses_values_that_are_not_a_segment(pkg, bad):
    fmt = pkg._encoding.format_path
    with pytest.raises(ValueError, match=r"^source must be a non-empty id"):
        fmt("/v1/customers/{customer}/sources/{source}", customer="cus_1", source=bad)


def test_format_path_keeps_every_other_value_one_segment(pkg):
    fmt = pkg._encoding.format_path
    assert fmt("/v1/c/{x}", x="...") == "/v1/c/..."
    assert fmt("/v1/c/{x}", x="a/..") == "/v1/c/a%2F.."
    assert fmt("/v1/c/{x}", x=" .") == "/v1/c/%20."


# --- 2. a timeout is a deadline for each attempt --------------------------------------------

SLOW_BODY = b'{"id": "cus_123", "padding": "' + b"x" * 200 + b'"}'


@pytest.mark.parametrize("kind", KINDS)
def test_a_dripping_body_ends_at_the_deadline(pkg, srv, kind):
    srv.play(Reply(200, raw=SLOW_BODY, drip=0.5))
    error = raises(pkg, kind, update, timeout=1.0, max_retries=0)
    assert type(error) is pkg.APITimeoutError
    assert len(srv.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_that_never_ends_ends_at_the_deadline_of_each_attempt(pkg, srv, kind):
    srv.play(Reply(200, raw=b"x", drip=0.3, endless=True))
    error = raises(pkg, kind, update, timeout=0.8, max_retries=1)
    assert type(error) is pkg.APITimeoutError
    assert len(srv.requests) == 2  # both attempts made, each cut at its own deadline


@pytest.mark.parametrize("kind", KINDS)
def test_headers_sent_a_byte_at_a_time_end_at_the_deadline_on_a_reused_connection(pkg, srv, kind):
    """The server would take HEADER_DRIP (60) seconds to finish its headers; the call, the
    second on its connection, raises a timeout and the server sees the client hang up."""
    srv.play(Reply(200, {"id": "cus_1"}), Reply(200, header_drip=0.5))

    def two_calls(client: Any) -> Any:
        if kind == "sync":
            update(client)
            return update(client)

        async def both() -> Any:
            await update(client)
            return await update(client)

        return both()

    error = raises(pkg, kind, two_calls, timeout=1.0, max_retries=0)
    assert type(error) is pkg.APITimeoutError
    assert srv.hung_up.wait(timeout=HEADER_DRIP / 2)  # long before the headers would end
    first, second = srv.requests
    assert first.peer == second.peer  # the pooled connection was reused


def test_a_client_whose_pools_are_elsewhere_keeps_per_read_timeouts(pkg):
    deadline = importlib.import_module(f"{pkg.__name__}._deadline")
    with httpx.Client() as http:
        assert deadline.bound_to_attempts(http) == 1
        assert deadline.bound_to_attempts(http) == 0  # bound once only
    assert deadline.bound_to_attempts(types.SimpleNamespace(_transport=object(), _mounts=[])) == 0


# --- 3. credentials stay with their origin; a bad key is refused unseen ---------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("auth", [("X-Api-Key", ""), ("Authorization", "Bearer"), ("Api-Token", "Token")])
def test_a_redirect_to_another_origin_gets_no_credentials(pkg, srv, kind, auth):
    header, scheme = auth
    with running_server() as other:
        other.play(Reply(200, {"moved": True}))
        srv.play(Reply(307, headers={"Location": f"{other.url}/v1/elsewhere"}), Reply(200, {"same": True}))

        def op(client: Any) -> Any:
            return update(client)

        http = httpx.Client(follow_redirects=True) if kind == "sync" else httpx.AsyncClient(follow_redirects=True)
        options = {"auth_header": header, "auth_scheme": scheme, "http_client": http,
                   "default_headers": {"Cookie": "session=1"}}
        assert invoke(pkg, kind, op, **options) == {"moved": True}
        (moved,) = other.requests
    assert srv.requests[0].headers[header.lower()].endswith(KEY)
    assert moved.path == "/v1/elsewhere"
    sent = {name: value for name, value in moved.headers.items() if KEY in value or name == "cookie"}
    assert sent == {}


@pytest.fixture(scope="module")
def keyed(server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.ModuleType]:
    """The runtime of an API whose key goes in an `X-Api-Key` header and a `key` query
    parameter together (OpenAPI apiKey schemes), imported as `keyed_client`."""
    api = replace(STRIPE_LIKE, conventions=Conventions(auth=(
        Auth("header", "X-Api-Key"), Auth("query", "key"))))
    root = tmp_path_factory.mktemp("keyed")
    render_runtime(root, "keyed_client", server.url, api)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("keyed_client")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == "keyed_client"]:
            del sys.modules[name]


@pytest.mark.parametrize("kind", KINDS)
def test_a_redirect_to_another_origin_gets_no_header_or_query_key(keyed, srv, kind):
    with running_server() as other:
        echo = f"{other.url}/v1/elsewhere?key={KEY}&echo={KEY}&page=2"
        srv.play(Reply(307, headers={"Location": echo}))

        def op(client: Any) -> Any:
            return client.request("GET", "/v1/customers")

        http = httpx.Client(follow_redirects=True) if kind == "sync" else httpx.AsyncClient(follow_redirects=True)
        invoke(keyed, kind, op, http_client=http)
        (moved,) = other.requests
    first = srv.requests[0]
    assert (first.headers["x-api-key"], first.query["key"]) == (KEY, KEY)
    assert moved.query == {"page": "2"}
    assert [name for name, value in moved.headers.items() if KEY in value] == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_redirect_within_the_origin_keeps_the_key(pkg, srv, kind):
    srv.play(Reply(307, headers={"Location": "/v1/customers/cus_9"}), Reply(200, {"id": "cus_9"}))
    http = httpx.Client(follow_redirects=True) if kind == "sync" else httpx.AsyncClient(follow_redirects=True)
    assert invoke(pkg, kind, update, auth_header="X-Api-Key", auth_scheme="", http_client=http) == {"id": "cus_9"}
    assert [r.headers["x-api-key"] for r in srv.requests] == [KEY, KEY]


@pytest.mark.parametrize("kind", KINDS)
def test_a_redirect_is_not_followed_unless_the_http_client_says_so(pkg, srv, kind):
    srv.play(Reply(307, headers={"Location": "/v1/x"}))
    error = raises(pkg, kind, update, max_retries=0)
    assert error.status_code == 307
    assert len(srv.requests) == 1


def test_a_key_read_with_its_newline_is_stripped(pkg, srv, monkeypatch):
    with pkg.Client(KEY + "\n") as client:
        update(client)
    monkeypatch.setenv("STRIPE_API_KEY", f"  {KEY}\r\n")
    with pkg.Client() as client:
        update(client)
    assert [r.headers["authorization"] for r in srv.requests] == [f"Bearer {KEY}"] * 2


@pytest.mark.parametrize("bad", [f"{KEY}\nX-Injected: 1", f"sk\x00{KEY}", f"{KEY[:5]}\r{KEY[5:]}"])
def test_a_key_with_a_control_character_inside_is_refused_unseen(pkg, bad):
    with pytest.raises(ValueError) as info:
        pkg.Client(bad)
    assert "control character" in str(info.value)
    assert KEY[5:] not in str(info.value) and KEY[5:] not in repr(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_a_header_that_cannot_be_sent_is_refused_before_sending_and_not_retried(pkg, srv, kind, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "tok_SECRETvalue"
    error = raises(pkg, kind, lambda c: update(c, request_options={"headers": {"X-Trace": f"{secret}\n"}}))
    assert type(error) is pkg.RequestBuildError
    assert "'X-Trace'" in str(error)
    assert srv.requests == []
    assert secret not in caplog.text and secret not in str(error)


@pytest.mark.parametrize("kind", KINDS)
def test_a_request_httpx_cannot_build_is_not_retried(pkg, kind, caplog):
    calls: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.LocalProtocolError("Illegal header value b'Bearer sk_test_SECRET'")

    transport = httpx.MockTransport(refuse)
    http = httpx.Client(transport=transport) if kind == "sync" else httpx.AsyncClient(transport=transport)
    error = raises(pkg, kind, lambda c: c.request("GET", "/v1/x"), http_client=http, max_retries=3)
    assert type(error) is pkg.RequestBuildError
    assert len(calls) == 1
    assert "SECRET" not in str(error) and error.__cause__ is None


# --- 4. sloppy responses ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_2xx_that_claims_json_but_is_not_raises_with_the_response(pkg, srv, kind):
    srv.play(Reply(200, raw=b"<html>maintenance</html>", headers={"Content-Type": "application/json"}))
    error = raises(pkg, kind, update)
    assert type(error) is pkg.InvalidResponseError
    assert "not valid JSON" in str(error) and "application/json" in str(error)
    assert error.http_response.content == b"<html>maintenance</html>"
    assert error.status_code == 200
    assert len(srv.requests) == 1


def test_a_raw_response_that_claims_json_but_is_not_raises_on_parse(pkg, srv):
    srv.play(Reply(200, raw=b"{oops", headers={"Content-Type": "application/json; charset=utf-8"}))
    with pkg.Client(KEY) as client:
        raw = client.request("POST", "/v1/customers/cus_1", raw=True)
        with pytest.raises(pkg.InvalidResponseError):
            raw.parse()
    assert raw.http_response.text == "{oops"


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_over_the_size_limit_raises(pkg, srv, kind):
    srv.play(Reply(200, raw=b'"' + b"x" * 5000 + b'"'))
    error = raises(pkg, kind, update, max_response_bytes=1000)
    assert type(error) is pkg.InvalidResponseError
    assert "max_response_bytes=1000" in str(error)
    srv.play(Reply(200, raw=b"x", drip=0.001, endless=True))  # no Content-Length: counted as read
    error = raises(pkg, kind, update, max_response_bytes=100)
    assert type(error) is pkg.InvalidResponseError
    srv.play(Reply(200, raw=b'"' + b"x" * 5000 + b'"'))
    assert invoke(pkg, kind, update, max_response_bytes=None) == "x" * 5000


@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_error_keeps_httpx_detail_as_its_cause(pkg, srv, kind):
    srv.play(Reply(reset=True))
    error = raises(pkg, kind, update, max_retries=0)
    assert type(error) is pkg.APIConnectionError
    assert isinstance(error.__cause__, httpx.TransportError)
    srv.play(Reply(200, {}, delay=0.5))
    error = raises(pkg, kind, update, max_retries=0, timeout=0.1)
    assert isinstance(error.__cause__, httpx.TimeoutException | TimeoutError)


@pytest.mark.parametrize("kind", KINDS)
def test_a_204_with_a_body_does_not_poison_the_next_call(pkg, srv, kind):
    srv.play(Reply(204, raw=b'{"leftover": true}'), Reply(200, {"id": "cus_2"}))

    def two_calls(client: Any) -> Any:
        if kind == "sync":
            return [client.request("DELETE", "/v1/x"), update(client)]

        async def both() -> Any:
            return [await client.request("DELETE", "/v1/x"), await update(client)]

        return both()

    assert invoke(pkg, kind, two_calls, max_retries=0) == [None, {"id": "cus_2"}]
    assert len(srv.requests) == 2


# --- 5. an operation declared multipart always sends multipart ---------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("body", "parts"),
    [({"file": "file_123", "purpose": "dispute_evidence"},
      [b'name="file"\r\n\r\nfile_123', b'name="purpose"\r\n\r\ndispute_evidence']),
     ({"meta": {"k": ["v", True]}}, [b'name="meta[k][0]"\r\n\r\nv', b'name="meta[k][1]"\r\n\r\ntrue']),
     ({}, [])],
)
def test_multipart_without_a_file_is_still_multipart(pkg, srv, kind, body, parts):
    def op(client: Any) -> Any:
        return client.request("POST", "/v1/files", body=body, media_type="multipart/form-data")

    invoke(pkg, kind, op)
    (sent,) = srv.requests
    content_type = sent.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    assert sent.body.endswith(b"--" + boundary + b"--\r\n")
    assert sent.body.count(b"Content-Disposition: form-data;") == len(parts)
    assert all(part in sent.body for part in parts)
    assert b"filename=" not in sent.body


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_the_transport_gives_already_read_is_served_and_capped(pkg, kind):
    def http() -> Any:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"id": "x" * 50}))
        return httpx.Client(transport=transport) if kind == "sync" else httpx.AsyncClient(transport=transport)

    assert invoke(pkg, kind, update, http_client=http()) == {"id": "x" * 50}
    error = raises(pkg, kind, update, http_client=http(), max_response_bytes=10)
    assert type(error) is pkg.InvalidResponseError

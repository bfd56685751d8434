"""Issue 16, item 4: a body read as byte chunks through `with_streaming_response`.

The rendered runtime (tests/test_runtime.py's `pkg`) against servers on 127.0.0.1, sync and
async: `max_response_bytes` does not apply to a streamed body, leaving the block closes the
connection, a non-2xx raises its `APIError` before any chunk, and the attempt's deadline
bounds the wait for the headers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.runtime_server import Reply
from tests.test_runtime import KINDS, invoke, pkg, raises, server, srv, update

__all__ = ["pkg", "server", "srv"]  # fixtures used here by name

BINARY = {"Content-Type": "application/octet-stream"}
PAYLOAD = bytes(range(256)) * 40  # 10 KiB, every byte value


def streaming_update(pkg: Any, client: Any) -> Any:
    """`client.customers.with_streaming_response.update`, made as the generated resources make
    it: the resource with `raw="stream"`, its method wrapped by `streaming_method` (sync) or
    `async_streaming_method` (async)."""
    resource = type(client.customers)(client, raw="stream")
    sync = isinstance(client, pkg.Client)
    wrap = pkg._streaming.streaming_method if sync else pkg._streaming.async_streaming_method
    return wrap(resource.update)


def streamed(pkg: Any, kind: str, consume: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An operation for `invoke`: `update` through `with_streaming_response`, in a `with`
    block, its response given to `consume` (for async, `consume` returns an awaitable)."""
    if kind == "sync":

        def sync_op(client: Any) -> Any:
            with streaming_update(pkg, client)("cus_123", email="a@b.c") as response:
                return consume(response)

        return sync_op

    async def async_op(client: Any) -> Any:
        async with streaming_update(pkg, client)("cus_123", email="a@b.c") as response:
            return await consume(response)

    return async_op


def chunks(kind: str, size: int | None = None) -> Callable[[Any], Any]:
    if kind == "sync":
        return lambda response: list(response.iter_bytes(size))

    async def read(response: Any) -> Any:
        return [chunk async for chunk in response.aiter_bytes(size)]

    return read


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_over_max_response_bytes_streams_whole_in_chunks(pkg, srv, kind):
    srv.play(Reply(200, raw=PAYLOAD, headers=BINARY))
    error = raises(pkg, kind, update, max_response_bytes=1000)
    assert type(error) is pkg.InvalidResponseError
    srv.play(Reply(200, raw=PAYLOAD, headers=BINARY))
    got = invoke(pkg, kind, streamed(pkg, kind, chunks(kind, 256)), max_response_bytes=1000)
    assert b"".join(got) == PAYLOAD
    assert len(got) == len(PAYLOAD) // 256
    assert {len(chunk) for chunk in got} == {256}


@pytest.mark.parametrize("kind", KINDS)
def test_a_streamed_body_parses_and_writes_to_a_file(pkg, srv, kind, tmp_path: Path):
    target = tmp_path / "body.bin"

    def both(response: Any) -> Any:
        if kind == "sync":
            response.write_to_file(target)
            return [response.http_response.is_closed]

        async def write() -> Any:
            await response.write_to_file(target)
            return [response.http_response.is_closed]

        return write()

    srv.play(Reply(200, raw=PAYLOAD, headers=BINARY))
    assert invoke(pkg, kind, streamed(pkg, kind, both), max_response_bytes=1000) == [True]
    assert target.read_bytes() == PAYLOAD

    def parse(response: Any) -> Any:
        return response.parse()  # a list for sync, an awaitable for async

    srv.play(Reply(200, {"id": "cus_123"}))
    assert invoke(pkg, kind, streamed(pkg, kind, parse)) == {"id": "cus_123"}


@pytest.mark.parametrize("kind", KINDS)
def test_leaving_the_block_early_closes_the_connection(pkg, srv, kind):
    def first(response: Any) -> Any:
        if kind == "sync":
            return next(iter(response.iter_bytes()))

        async def one() -> Any:
            async for chunk in response.aiter_bytes():
                return chunk
            return None

        return one()

    srv.play(Reply(200, raw=b"x", drip=0.01, endless=True))  # a body that never ends
    assert invoke(pkg, kind, streamed(pkg, kind, first), max_retries=0) == b"x"
    assert srv.hung_up.wait(10)


@pytest.mark.parametrize("kind", KINDS)
def test_a_404_raises_its_api_error_before_any_chunk(pkg, srv, kind):
    seen: list[bytes] = []

    def record(response: Any) -> Any:  # never reached
        seen.append(b"called")
        return chunks(kind)(response)

    srv.play(Reply(404, {"error": {"message": "No such customer"}}))
    error = raises(pkg, kind, streamed(pkg, kind, record))
    assert isinstance(error, pkg.APIError)
    assert error.status_code == 404
    assert seen == []
    assert len(srv.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_the_attempt_deadline_bounds_the_headers(pkg, srv, kind):
    srv.play(Reply(header_drip=0.05))
    error = raises(pkg, kind, streamed(pkg, kind, chunks(kind)), timeout=0.5, max_retries=0)
    assert type(error) is pkg.APITimeoutError


def test_an_awaited_async_call_gives_the_response_to_close_by_hand(pkg, srv):
    srv.play(Reply(200, raw=PAYLOAD, headers=BINARY))

    async def op(client: Any) -> Any:
        response = await streaming_update(pkg, client)("cus_123")
        assert type(response) is pkg._streaming.AsyncStreamedResponse
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/octet-stream"
        body = await response.aread()
        await response.aclose()
        return body, response.http_response.is_closed

    assert invoke(pkg, "async", op, max_response_bytes=1000) == (PAYLOAD, True)

"""The runtime of the generated client (templates/runtime), run against a real local server."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import textwrap
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from runtime_server import Recorded, Reply, ScriptedServer, running_server

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "templates" / "runtime"
KEY = "sk_test_51SECRETkeyNEVERshown"
PACKAGE = "rt_stripe_client"

FAKE_CLIENT = '''
"""A hand-written stand-in for the generated _client.py and resources."""

from __future__ import annotations

from typing import Any

from ._base import (
    NOT_GIVEN, AsyncBaseClient, AsyncPage, AsyncResource, BaseClient, NotGiven, Page,
    RequestOptions, SyncResource, strip_not_given,
)
from ._encoding import format_path
from ._errors import ValidationError


def customers_update(value: Any) -> list[tuple[str, str]]:
    problems = []
    email = value.get("email")
    if isinstance(email, str) and len(email) > 512:
        problems.append(("email", "longer than 512 characters"))
    if value.get("tax_exempt", "none") not in ("", "exempt", "none", "reverse"):
        problems.append(("tax_exempt", f"{value['tax_exempt']!r} is not one of '', 'exempt', 'none', 'reverse'"))
    return problems


class Customers(SyncResource):
    def update(self, customer: str, /, *, email: Any = NOT_GIVEN, address: Any = NOT_GIVEN,
               metadata: Any = NOT_GIVEN, shipping: Any = NOT_GIVEN, tax_exempt: Any = NOT_GIVEN,
               request_options: RequestOptions | None = None) -> Any:
        body = strip_not_given({"email": email, "address": address, "metadata": metadata,
                                "shipping": shipping, "tax_exempt": tax_exempt})
        if self._client.validate:
            problems = customers_update(body)
            if problems:
                raise ValidationError(problems)
        return self._client.request("POST", format_path("/v1/customers/{customer}", customer=customer),
                                    body=body, media_type="application/x-www-form-urlencoded",
                                    options=request_options, raw=self._raw)

    def list(self, *, limit: Any = NOT_GIVEN, email: Any = NOT_GIVEN, starting_after: Any = NOT_GIVEN,
             ending_before: Any = NOT_GIVEN, request_options: RequestOptions | None = None) -> Page:
        query = strip_not_given({"limit": limit, "email": email, "starting_after": starting_after,
                                 "ending_before": ending_before})
        return self._client.request_page("GET", "/v1/customers", query=query, options=request_options)


class AsyncCustomers(AsyncResource):
    async def update(self, customer: str, /, *, email: Any = NOT_GIVEN, address: Any = NOT_GIVEN,
                     metadata: Any = NOT_GIVEN, shipping: Any = NOT_GIVEN, tax_exempt: Any = NOT_GIVEN,
                     request_options: RequestOptions | None = None) -> Any:
        body = strip_not_given({"email": email, "address": address, "metadata": metadata,
                                "shipping": shipping, "tax_exempt": tax_exempt})
        if self._client.validate:
            problems = customers_update(body)
            if problems:
                raise ValidationError(problems)
        return await self._client.request("POST", format_path("/v1/customers/{customer}", customer=customer),
                                          body=body, media_type="application/x-www-form-urlencoded",
                                          options=request_options, raw=self._raw)

    async def list(self, *, limit: Any = NOT_GIVEN, email: Any = NOT_GIVEN, starting_after: Any = NOT_GIVEN,
                   ending_before: Any = NOT_GIVEN, request_options: RequestOptions | None = None) -> AsyncPage:
        query = strip_not_given({"limit": limit, "email": email, "starting_after": starting_after,
                                 "ending_before": ending_before})
        return await self._client.request_page("GET", "/v1/customers", query=query, options=request_options)


class Client(BaseClient):
    @property
    def customers(self) -> Customers:
        return Customers(self)


class AsyncClient(AsyncBaseClient):
    @property
    def customers(self) -> AsyncCustomers:
        return AsyncCustomers(self)
'''

FAKE_INIT = '''
from ._base import NOT_GIVEN, AsyncPage, NotGiven, Page, RawResponse, RequestOptions
from ._client import AsyncClient, Client
from ._errors import (
    APIConnectionError, APIError, APITimeoutError, AuthenticationError, BadRequestError,
    ClientError, ConflictError, InternalServerError, NotFoundError, PermissionDeniedError,
    RateLimitError, UnprocessableEntityError, ValidationError,
)
'''


def render_runtime(dest: Path, package: str, base_url: str) -> Path:
    """Render templates/runtime/*.py.jinja into dest/package/, with the fake client beside them."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(RUNTIME), trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )
    context = {
        "package": package, "api_name": "stripe", "base_url": base_url,
        "user_agent": f"doc2client/0.1.0 {package}",
        "version_line": "# Generated by doc2client 0.1.0 from specs/stripe. Do not edit.",
    }
    out = dest / package
    out.mkdir(parents=True)
    for template in sorted(RUNTIME.glob("*.py.jinja")):
        name = template.name.removesuffix(".jinja")
        (out / name).write_text(env.get_template(template.name).render(**context))
    (out / "_client.py").write_text(FAKE_CLIENT)
    (out / "__init__.py").write_text(FAKE_INIT)
    (out / "py.typed").write_text("")
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def pkg(server: ScriptedServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.ModuleType]:
    """The rendered runtime, imported as `rt_stripe_client`, its default base URL the server."""
    root = tmp_path_factory.mktemp("runtime")
    render_runtime(root, PACKAGE, server.url)
    sys.path.insert(0, str(root))
    try:
        module = __import__(PACKAGE)
        yield module
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def srv(server: ScriptedServer) -> ScriptedServer:
    server.play()
    return server


KINDS = ["sync", "async"]


def invoke(pkg: types.ModuleType, kind: str, op: Callable[[Any], Any], **options: Any) -> Any:
    """Run `op(client)` with a Client (sync) or an AsyncClient (awaited), tiny backoffs."""
    if kind == "sync":
        with pkg.Client(KEY, **options) as client:
            client.backoff_base = 0.001
            return op(client)

    async def main() -> Any:
        async with pkg.AsyncClient(KEY, **options) as client:
            client.backoff_base = 0.001
            return await op(client)

    return asyncio.run(main())


def update(client: Any, **kwargs: Any) -> Any:
    return client.customers.update("cus_123", email="jenny@example.com", **kwargs)


def raises(pkg: types.ModuleType, kind: str, op: Callable[[Any], Any], **options: Any) -> Exception:
    with pytest.raises(pkg.ClientError) as info:
        invoke(pkg, kind, op, **options)
    return info.value


# --- retries -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_two_500s_then_200_retries_with_one_idempotency_key(pkg, srv, kind):
    srv.play(Reply(500, {"error": {"message": "boom"}}), Reply(502), Reply(200, {"id": "cus_123"}))
    assert invoke(pkg, kind, update) == {"id": "cus_123"}
    assert len(srv.requests) == 3
    keys = {r.headers.get("idempotency-key") for r in srv.requests}
    assert len(keys) == 1
    assert re.fullmatch(r"[0-9a-f-]{36}", keys.pop() or "")
    assert srv.requests[0].body == b"email=jenny%40example.com"
    assert srv.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert srv.requests[0].headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("kind", KINDS)
def test_each_call_gets_its_own_key_and_a_given_key_is_kept(pkg, srv, kind):
    def op(client):
        if kind == "sync":
            update(client)
            return update(client, request_options={"idempotency_key": "mine", "max_retries": 1})

        async def both():
            await update(client)
            return await update(client, request_options={"idempotency_key": "mine", "max_retries": 1})

        return both()

    srv.play(Reply(200, {}), Reply(503), Reply(200, {}))
    invoke(pkg, kind, op)
    keys = [r.headers["idempotency-key"] for r in srv.requests]
    assert keys[1:] == ["mine", "mine"]
    assert keys[0] != "mine"


@pytest.mark.parametrize("kind", KINDS)
def test_429_retry_after_is_honoured(pkg, srv, kind):
    srv.play(Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"}), Reply(200, {"ok": True}))
    started = time.monotonic()
    assert invoke(pkg, kind, update) == {"ok": True}
    assert len(srv.requests) == 2
    gap = srv.requests[1].at - srv.requests[0].at
    assert gap >= 0.95, gap
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("kind", KINDS)
def test_400_is_not_retried(pkg, srv, kind):
    body = {"error": {"message": "No such customer: 'cus_123'", "type": "invalid_request_error"}}
    srv.play(Reply(400, body, {"Request-Id": "req_42"}))
    error = raises(pkg, kind, update)
    assert type(error) is pkg.BadRequestError
    assert len(srv.requests) == 1
    assert error.status_code == 400
    assert error.body == body
    assert error.request_id == "req_42"
    assert error.method == "POST"
    assert error.url == f"{srv.url}/v1/customers/cus_123"
    assert error.message == "No such customer: 'cus_123'"
    assert str(error) == f"400 POST {srv.url}/v1/customers/cus_123: No such customer: 'cus_123' (request id req_42)"


@pytest.mark.parametrize(
    ("status", "name"),
    [(401, "AuthenticationError"), (403, "PermissionDeniedError"), (404, "NotFoundError"),
     (409, "ConflictError"), (422, "UnprocessableEntityError"), (429, "RateLimitError"),
     (503, "InternalServerError"), (418, "APIError")],
)
def test_status_maps_to_error_class(pkg, srv, status, name):
    srv.play(Reply(status, raw=b"plain text", headers={"Content-Type": "text/plain", "X-Request-Id": "r1"}))
    error = raises(pkg, "sync", update, max_retries=0)
    assert type(error) is getattr(pkg, name)
    assert error.body == "plain text"
    assert error.request_id == "r1"


@pytest.mark.parametrize("kind", KINDS)
def test_connection_reset_is_retried(pkg, srv, kind):
    srv.play(Reply(reset=True), Reply(200, {"id": "cus_123"}))
    assert invoke(pkg, kind, update) == {"id": "cus_123"}
    assert len(srv.requests) == 2
    assert srv.requests[0].headers["idempotency-key"] == srv.requests[1].headers["idempotency-key"]


@pytest.mark.parametrize("kind", KINDS)
def test_connection_reset_exhausted(pkg, srv, kind):
    srv.play(Reply(reset=True))
    error = raises(pkg, kind, update, max_retries=1)
    assert type(error) is pkg.APIConnectionError
    assert len(srv.requests) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_slow_response_times_out_after_retries(pkg, srv, kind):
    srv.play(Reply(200, {}, delay=0.5))
    error = raises(pkg, kind, update, timeout=0.15, max_retries=1)
    assert isinstance(error, pkg.APITimeoutError)
    assert isinstance(error, pkg.APIConnectionError)
    assert len(srv.requests) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_per_call_timeout_overrides_client(pkg, srv, kind):
    srv.play(Reply(200, {"slow": True}, delay=0.3))
    options = {"timeout": 5.0, "max_retries": 0}
    result = invoke(pkg, kind, lambda c: update(c, request_options=options), timeout=0.1)
    assert result == {"slow": True}


@pytest.mark.parametrize("kind", KINDS)
def test_retries_exhausted_raise_last_error(pkg, srv, kind):
    srv.play(Reply(500), Reply(502), Reply(503, {"error": {"message": "last"}}))
    error = raises(pkg, kind, update, max_retries=2)
    assert type(error) is pkg.InternalServerError
    assert error.status_code == 503
    assert error.message == "last"
    assert len(srv.requests) == 3


@pytest.mark.parametrize("kind", KINDS)
def test_per_call_max_retries_zero(pkg, srv, kind):
    srv.play(Reply(500), Reply(200, {}))
    raises(pkg, kind, lambda c: update(c, request_options={"max_retries": 0}))
    assert len(srv.requests) == 1


def test_post_without_idempotency_key_is_not_retried(pkg, srv):
    srv.play(Reply(500), Reply(200, {}))
    with pkg.Client(KEY) as client:
        with pytest.raises(pkg.InternalServerError):
            client.request("PATCH", "/v1/things/1", body={"a": 1})
        srv.play(Reply(500), Reply(200, {}))
        client.backoff_base = 0.001
        assert client.request("GET", "/v1/things/1") == {}
    assert len(srv.requests) == 2


def test_retry_delays_are_bounded(pkg):
    client = pkg.Client(KEY)
    delays = [client._backoff(attempt) for attempt in range(1, 12) for _ in range(50)]
    assert all(0 <= d <= 8.0 for d in delays)
    assert max(delays) > 4.0
    first = [client._backoff(1) for _ in range(200)]
    assert max(first) <= 0.5
    base = sys.modules[PACKAGE + "._base"]
    assert base._retry_after("2.5") == 2.5
    assert base._retry_after("soon") is None
    assert base._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= base._retry_after(future) <= 31
    client.close()


def test_retry_after_is_capped(pkg, srv):
    srv.play(Reply(429, {}, {"Retry-After": "3600"}), Reply(200, {}))
    with pkg.Client(KEY) as client:
        client.retry_after_cap = 0.05
        assert update(client) == {}
    assert len(srv.requests) == 2

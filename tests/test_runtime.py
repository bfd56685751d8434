"""The runtime of the generated client (templates/runtime), run against a real local server."""

from __future__ import annotations

import asyncio
import importlib
import logging
import re
import sys
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.emit.environment import make_environment
from generator.emit.render import conventions_context, shared_constants
from generator.model.shapes import Api, Conventions, WireStyle
from tests.conftest import ROOT, examples, imported
from tests.runtime_server import Recorded, Reply, ScriptedServer, running_server

RUNTIME = ROOT / "templates" / "runtime"
KEY = "sk_test_51SECRETkeyNEVERshown"
PACKAGE = "stripe_client"

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
    @property
    def with_raw_response(self) -> Customers:
        return Customers(self._client, raw=True)

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
             ending_before: Any = NOT_GIVEN, request_options: RequestOptions | None = None) -> Page[Any]:
        query = strip_not_given({"limit": limit, "email": email, "starting_after": starting_after,
                                 "ending_before": ending_before})
        page: Page[Any] = self._client.request_page("GET", "/v1/customers", query=query,
                                                    options=request_options, raw=self._raw)
        return page


class AsyncCustomers(AsyncResource):
    @property
    def with_raw_response(self) -> AsyncCustomers:
        return AsyncCustomers(self._client, raw=True)

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
                   ending_before: Any = NOT_GIVEN, request_options: RequestOptions | None = None) -> AsyncPage[Any]:
        query = strip_not_given({"limit": limit, "email": email, "starting_after": starting_after,
                                 "ending_before": ending_before})
        page: AsyncPage[Any] = await self._client.request_page(
            "GET", "/v1/customers", query=query, options=request_options, raw=self._raw)
        return page


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
    ClientError, ConflictError, InternalServerError, InvalidResponseError, NotFoundError,
    PermissionDeniedError, RateLimitError, RequestBuildError, UnprocessableEntityError,
    ValidationError,
)
'''


FAKE_TYPES = "from typing import Any, TypeAlias\n\nErrorBody: TypeAlias = Any\n"

STRIPE_LIKE = Api("stripe", "", (), (), conventions=Conventions(
    WireStyle("deepObject"), idempotency_header="Idempotency-Key"))
"""The conventions the runtime tests assume: Stripe's, as the project's configuration sets."""


def render_runtime(dest: Path, package: str, base_url: str, api: Api = STRIPE_LIKE) -> Path:
    """Render templates/runtime/*.py.jinja into dest/package/, with the fake client beside them."""
    env = make_environment()  # the pipeline's own: its filters and globals
    context = {
        "package": package, "api_name": "stripe", "base_url": base_url,
        "user_agent": f"doc2client/0.1.0 {package}",
        "version_line": "# Generated by doc2client 0.1.0 from specs/stripe. Do not edit.",
        **conventions_context(api),
        **shared_constants(),
    }
    out = dest / package
    out.mkdir(parents=True)
    for template in sorted(RUNTIME.glob("*.py.jinja")):
        name = template.name.removesuffix(".jinja")
        (out / name).write_text(env.get_template(f"runtime/{template.name}").render(**context))
    (out / "_client.py").write_text(FAKE_CLIENT)
    (out / "__init__.py").write_text(FAKE_INIT)
    (out / "_types.py").write_text(FAKE_TYPES)
    (out / "py.typed").write_text("")
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def pkg(server: ScriptedServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.ModuleType]:
    """The rendered runtime, imported as `stripe_client`, its default base URL the server.

    Any `stripe_client` imported before (the committed generated one) is put back afterwards.
    """
    root = tmp_path_factory.mktemp("runtime")
    render_runtime(root, PACKAGE, server.url)
    with imported(root, PACKAGE) as module:
        yield module


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
def test_429_retry_after_is_honoured(pkg, srv, kind, monkeypatch):
    srv.play(Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"}), Reply(200, {"ok": True}))
    waits: list[float] = []
    real_sleep, real_async_sleep = time.sleep, asyncio.sleep

    async def async_wait(delay: float) -> None:
        waits.append(delay)
        await real_async_sleep(0)

    monkeypatch.setattr(time, "sleep", lambda delay: (waits.append(delay), real_sleep(0))[1])
    monkeypatch.setattr(asyncio, "sleep", async_wait)
    assert invoke(pkg, kind, update) == {"ok": True}
    assert len(srv.requests) == 2
    assert waits == [1.0], waits  # the Retry-After the server sent, waited before retrying


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


@pytest.mark.parametrize(("body", "message"), [
    ({"type": "about:blank", "title": "Out of stock", "detail": "Item 7 is gone"}, "Item 7 is gone"),
    ({"type": "about:blank", "title": "Out of stock", "status": 422}, "Out of stock"),
])
def test_a_problem_details_body_gives_the_message(pkg, srv, body, message):
    """RFC 9457 problem details (``application/problem+json``): ``detail``, else ``title``."""
    srv.play(Reply(422, body, {"Content-Type": "application/problem+json"}))
    error = raises(pkg, "sync", update)
    assert error.message == message


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


def test_patch_is_retried_with_one_key_when_the_api_has_an_idempotency_header(pkg, srv):
    srv.play(Reply(500), Reply(200, {}))
    with pkg.Client(KEY) as client:
        client.backoff_base = 0.001
        assert client.request("PATCH", "/v1/things/1", body={"a": 1}) == {}
    first, second = srv.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


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


# --- pagination ----------------------------------------------------------------------------

CUSTOMERS = [{"id": f"cus_{n}", "object": "customer"} for n in range(1, 8)]


def paged(request: Recorded) -> Reply:
    """A list endpoint over CUSTOMERS honouring limit, starting_after and ending_before."""
    query = request.query
    limit = int(query.get("limit", "10"))
    ids = [c["id"] for c in CUSTOMERS]
    if "starting_after" in query:
        start = ids.index(query["starting_after"]) + 1
        chunk = CUSTOMERS[start:start + limit]
        more = start + limit < len(CUSTOMERS)
    elif "ending_before" in query:
        end = ids.index(query["ending_before"])
        chunk = CUSTOMERS[max(0, end - limit):end]
        more = end - limit > 0
    else:
        chunk, more = CUSTOMERS[:limit], limit < len(CUSTOMERS)
    return Reply(200, {"object": "list", "data": chunk, "has_more": more, "url": "/v1/customers"})


def collect(kind: str, **params: Any) -> Callable[[Any], Any]:
    if kind == "sync":
        return lambda c: list(c.customers.list(**params).auto_paging_iter())

    async def run(c: Any) -> list[Any]:
        page = await c.customers.list(**params)
        return [item async for item in page.auto_paging_iter()]

    return run


@pytest.mark.parametrize("kind", KINDS)
def test_auto_paging_fetches_pages_lazily_with_cursors(pkg, srv, kind):
    srv.play(paged)
    items = invoke(pkg, kind, collect(kind, limit=3, email="a b@x"))
    assert [i["id"] for i in items] == [c["id"] for c in CUSTOMERS]
    assert [r.query.get("starting_after") for r in srv.requests] == [None, "cus_3", "cus_6"]
    assert all(r.query["limit"] == "3" and r.query["email"] == "a b@x" for r in srv.requests)
    assert all(r.method == "GET" and "idempotency-key" not in r.headers for r in srv.requests)


@pytest.mark.parametrize("kind", KINDS)
def test_auto_paging_backwards_with_ending_before(pkg, srv, kind):
    srv.play(paged)
    items = invoke(pkg, kind, collect(kind, limit=3, ending_before="cus_7"))
    assert [i["id"] for i in items] == ["cus_4", "cus_5", "cus_6", "cus_1", "cus_2", "cus_3"]
    assert [r.query.get("ending_before") for r in srv.requests] == ["cus_7", "cus_4"]
    assert all("starting_after" not in r.query for r in srv.requests)


def test_auto_paging_stops_early_without_fetching(pkg, srv):
    srv.play(paged)
    with pkg.Client(KEY) as client:
        page = client.customers.list(limit=3)
        assert isinstance(page, pkg.Page) and page.has_more and len(page.data) == 3
        assert page["object"] == "list"
        first_four = [item["id"] for _, item in zip(range(4), page.auto_paging_iter(), strict=False)]
    assert first_four == ["cus_1", "cus_2", "cus_3", "cus_4"]
    assert len(srv.requests) == 2


# --- raw responses, bodies, configuration ----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_with_raw_response(pkg, srv, kind):
    srv.play(Reply(200, {"id": "cus_123"}, {"Request-Id": "req_9"}))

    def op(client):
        return client.customers.with_raw_response.update("cus_123", email="a@b.c")

    raw = invoke(pkg, kind, op)
    assert isinstance(raw, pkg.RawResponse)
    assert (raw.status_code, raw.request_id, raw.parse()) == (200, "req_9", {"id": "cus_123"})
    assert raw.headers["content-type"] == "application/json"
    assert raw.http_response.status_code == 200


def test_bodies_empty_and_text(pkg, srv):
    with pkg.Client(KEY) as client:
        srv.play(Reply(204))
        assert client.request("DELETE", "/v1/x") is None
        srv.play(Reply(200, raw=b"hello", headers={"Content-Type": "text/plain"}))
        assert client.request("GET", "/v1/x") == "hello"


def test_json_and_multipart_bodies(pkg, srv, tmp_path):
    import datetime as dt
    from decimal import Decimal

    upload = tmp_path / "receipt.pdf"
    upload.write_bytes(b"%PDF-1.4 fake")
    with pkg.Client(KEY) as client:
        client.request("POST", "/v2/things", media_type="application/json",
                       body={"a": pkg.NOT_GIVEN, "when": dt.datetime(2020, 1, 1), "n": Decimal("1.50"), "z": None})
        client.request("POST", "/v1/files", media_type="multipart/form-data",
                       body={"purpose": "dispute_evidence", "file": upload, "file_link_data": {"create": True}})
    json_req, multi = srv.requests
    assert json_req.headers["content-type"] == "application/json"
    assert json_req.body == b'{"when": 1577836800, "n": "1.50", "z": null}'
    assert multi.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="receipt.pdf"' in multi.body
    assert b"%PDF-1.4 fake" in multi.body
    assert b'name="file_link_data[create]"\r\n\r\ntrue' in multi.body
    assert b'name="purpose"\r\n\r\ndispute_evidence' in multi.body


def test_query_is_bracket_encoded(pkg, srv):
    with pkg.Client(KEY) as client:
        client.request("GET", "/v1/search", query={"expand": ["data.customer"], "created": {"gt": 5}, "q": "a b"})
    assert srv.requests[0].raw_query == "expand[0]=data.customer&created[gt]=5&q=a+b"


def test_headers_auth_and_options(pkg, srv, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_from_env")
    with pkg.Client(default_headers={"Stripe-Version": "2024-06-20"}) as client:
        update(client, request_options={"headers": {"X-Extra": "1"}})
    with pkg.Client(KEY, auth_header="X-Api-Key", auth_scheme="") as client:
        client.request("GET", "/v1/x")
    monkeypatch.delenv("STRIPE_API_KEY")
    with pkg.Client() as client:
        client.request("GET", "/v1/x")
    env, custom, anonymous = (r.headers for r in srv.requests)
    assert env["authorization"] == "Bearer sk_from_env"
    assert (env["stripe-version"], env["x-extra"]) == ("2024-06-20", "1")
    assert env["user-agent"] == f"doc2client/0.1.0 {PACKAGE}"
    assert custom["x-api-key"] == KEY and "authorization" not in custom
    assert "authorization" not in anonymous and "x-api-key" not in anonymous


def test_base_url_and_path_encoding(pkg, srv):
    with pkg.Client(KEY, base_url=srv.url + "/") as client:
        client.customers.update("cus/../1 ?", email="e@x.y")
    assert srv.requests[0].target == "/v1/customers/cus%2F..%2F1%20%3F"


def test_passed_http_client_is_not_closed(pkg, srv):
    import httpx

    http = httpx.Client()
    with pkg.Client(KEY, http_client=http) as client:
        client.request("GET", "/v1/x")
    assert not http.is_closed
    http.close()


@pytest.mark.parametrize("kind", KINDS)
def test_validation_error_sends_nothing(pkg, srv, kind):
    error = raises(pkg, kind, lambda c: c.customers.update("cus_1", email="x" * 600, tax_exempt="maybe"))
    assert isinstance(error, pkg.ValidationError)
    assert str(error) == ("email: longer than 512 characters; "
                          "tax_exempt: 'maybe' is not one of '', 'exempt', 'none', 'reverse'")
    assert error.problems[0] == ("email", "longer than 512 characters")
    assert srv.requests == []
    srv.play(Reply(200, {}))
    invoke(pkg, kind, lambda c: c.customers.update("cus_1", tax_exempt="maybe"), validate=False)
    assert srv.requests[0].body == b"tax_exempt=maybe"


def test_validation_error_formats_root_problems(pkg):
    error = pkg.ValidationError([("", "expected an object"), ("items.0.price", "required")])
    assert str(error) == "expected an object; items.0.price: required"


def test_not_given_sentinel(pkg):
    assert not pkg.NOT_GIVEN
    assert repr(pkg.NOT_GIVEN) == "NOT_GIVEN"
    assert pkg.NotGiven() is pkg.NOT_GIVEN
    base = sys.modules[PACKAGE + "._base"]
    assert base.strip_not_given({"a": pkg.NOT_GIVEN, "b": None, "c": ""}) == {"b": None, "c": ""}


# --- the key never leaks ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_key_never_in_repr_logs_or_errors(pkg, srv, kind, caplog):
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"message": f"Invalid API Key provided: {KEY}", "key": KEY}}
    srv.play(Reply(500), Reply(401, echo))
    errors = [raises(pkg, kind, update)]
    srv.play(Reply(reset=True))
    errors.append(raises(pkg, kind, update, max_retries=1))
    srv.play(Reply(200, {}, delay=0.3))
    errors.append(raises(pkg, kind, update, max_retries=0, timeout=0.1))
    errors.append(raises(pkg, kind, lambda c: c.customers.update("cus_1", email="x" * 600)))
    client = pkg.Client(KEY) if kind == "sync" else pkg.AsyncClient(KEY)
    texts = [repr(client), str(client)]
    texts += [f"{e!s} {e!r} {e.args!r} {getattr(e, 'body', '')!r}" for e in errors]
    texts += [r.getMessage() + repr(r.args) + repr(r.__dict__) for r in caplog.records]
    assert any("POST /v1/customers/cus_123 -> 500 (attempt 1" in r.getMessage() for r in caplog.records)
    assert any(r.levelno == logging.INFO and "retrying" in r.getMessage() for r in caplog.records)
    assert repr(client) == f"{type(client).__name__}(base_url={srv.url!r}, api_key='***')"
    assert errors[0].message == "Invalid API Key provided: ***"
    leaks = [text for text in texts if KEY in text or KEY[8:20] in text]
    assert leaks == []


def test_a_key_is_redacted_as_a_whole_token_only(pkg):
    """A key echoed back is replaced wherever it stands alone; a short key that is also
    part of a word (`k` in `about:blank`) does not mangle the body that holds the word."""
    redacted = importlib.import_module(f"{pkg.__name__}._auth").redacted
    assert redacted(f"Invalid API Key provided: {KEY}.", [KEY]) == "Invalid API Key provided: ***."
    assert redacted(f'{{"key": "{KEY}"}} ?api_key={KEY}&x=1', [KEY]) == '{"key": "***"} ?api_key=***&x=1'
    assert redacted("about:blank", ["k"]) == "about:blank"
    assert redacted("key k given", ["k", "ke"]) == "key *** given"


# --- wire encoding ---------------------------------------------------------------------------

FORM_BODY = {
    "email": "jenny@example.com",
    "address": {"city": "Berlin", "line1": "Unter den Linden 1", "postal_code": "10117", "country": "DE"},
    "metadata": {"order_id": "6735"},
    "expand": ["default_source", "invoice_settings.default_payment_method"],
    "invoice_settings": {"custom_fields": [{"name": "VAT", "value": "DE123"}], "footer": "Thanks"},
    "tax_exempt": "none",
    "preferred_locales": ["de", "en"],
    "balance": 1200,
}


def stripe_encode(data: dict[str, Any]) -> str:
    """The reference: what the stripe package puts on the wire."""
    from urllib.parse import urlencode

    from stripe._encode import _api_encode

    return urlencode(list(_api_encode(data))).replace("%5B", "[").replace("%5D", "]")


def hand_picked() -> list[dict[str, Any]]:
    import datetime as dt
    from decimal import Decimal

    utc = dt.UTC
    return [
        FORM_BODY,
        {"items": [{"price": "p", "quantity": 2}, {"price": "q", "tax_rates": ["a", "b"]}]},
        {"shipping": "", "metadata": {"a b": "c&d=e", "ümlaut": "€", "x[y]": "[z]"}},
        {"flag": True, "off": False, "nested": {"on": True}},
        {"when": dt.datetime(2024, 5, 1, 12, 30, 15, 999, tzinfo=utc), "old": dt.datetime(1960, 1, 1, tzinfo=utc)},
        {"amount": Decimal("12.3400"), "rate": 0.25, "neg": -3, "big": 10**20},
        {"skip": None, "nested": {"skip": None, "keep": 0}},
        {"grid": [[1, 2], [{"a": "b"}]], "tup": ("x", "y")},
        {"path/like": "a/b?c#d", "plus": "1+1", "pct": "100%25", "tilde": "~._-"},
    ]


@pytest.mark.parametrize("data", hand_picked())
def test_encode_form_matches_stripe(pkg, data):
    assert pkg._encoding.encode_form(data) == stripe_encode(data)


def test_encode_form_seed_bytes(pkg):
    assert pkg._encoding.encode_form(FORM_BODY) == (
        "email=jenny%40example.com&address[city]=Berlin&address[line1]=Unter+den+Linden+1"
        "&address[postal_code]=10117&address[country]=DE&metadata[order_id]=6735"
        "&expand[0]=default_source&expand[1]=invoice_settings.default_payment_method"
        "&invoice_settings[custom_fields][0][name]=VAT&invoice_settings[custom_fields][0][value]=DE123"
        "&invoice_settings[footer]=Thanks&tax_exempt=none&preferred_locales[0]=de"
        "&preferred_locales[1]=en&balance=1200"
    )


def test_encoding_where_it_departs_from_stripe(pkg):
    import datetime as dt

    enc = pkg._encoding
    naive = dt.datetime(2020, 1, 1, 0, 0, 1)
    data = {"flags": [True, False], "at": [naive], "naive": naive, "gone": pkg.NOT_GIVEN,
            "list": [None, pkg.NOT_GIVEN, "kept"]}
    assert enc.encode_form(data) == (
        "flags[0]=true&flags[1]=false&at[0]=1577836801&naive=1577836801&list[2]=kept"
    )
    assert enc.encode_query({"a": {"b c": ["d e", True]}}) == [("a[b c][0]", "d e"), ("a[b c][1]", "true")]


def test_empty_lists_and_objects_are_the_clear_value_or_refused(pkg):
    enc = pkg._encoding
    data = {"a": 1, "tags": [], "sub": {"labels": [], "gone": pkg.NOT_GIVEN}, "items": [{"r": {}}]}
    clear = ("tags", "sub[labels]", "items[][r]")
    assert enc.encode_form(data, clear=clear) == "a=1&tags=&sub[labels]=&items[0][r]="
    assert enc.encode_query({"o": {}}, clear=("o",)) == [("o", "")]
    for empty in ({"x": []}, {"x": {}}, {"x": {"gone": None}}, {"x": [{"y": []}]}):
        with pytest.raises(pkg.ValidationError, match=r"an empty .* cannot be sent"):
            enc.encode_form(empty, clear=("tags",))
    # OpenAPI's style examples: form writes an empty value as `color=`; delimited have none
    assert enc.encode_form({"x": [], "o": {}}, {"x": "form*", "o": "form"}) == "x=&o="
    with pytest.raises(pkg.ValidationError, match=r"\(pipeDelimited has no empty value\)"):
        enc.encode_form({"x": []}, {"x": "pipeDelimited"})
    fields, files = enc.to_multipart({"tags": [], "meta": {}, "n": "1"}, None, ("tags", "meta"))
    assert (fields, files) == ({"tags": "", "meta": "", "n": "1"}, [])


def test_format_path(pkg):
    fmt = pkg._encoding.format_path
    assert fmt("/v1/customers/{customer}", customer="cus_1") == "/v1/customers/cus_1"
    assert fmt("/v1/a/{x}/b/{y}", x="a/b", y="ä %") == "/v1/a/a%2Fb/b/%C3%A4%20%25"


def test_to_multipart_streams_files_lazily(pkg, tmp_path):
    import io

    enc = pkg._encoding
    path = tmp_path / "big.bin"
    path.write_bytes(b"0123456789")
    fields, files = enc.to_multipart({
        "purpose": "identity_document", "file": path, "raw": b"abc",
        "named": ("n.txt", io.BytesIO(b"x"), "text/plain"), "meta": {"k": ["v", True]}, "skip": None,
    })
    assert fields == {"purpose": "identity_document", "meta[k][0]": "v", "meta[k][1]": "true"}
    names = {name: part for name, part in files}
    assert list(names) == ["file", "raw", "named"]
    lazy = names["file"][1]
    assert names["file"][0] == "big.bin" and lazy._file is None
    assert lazy.seek(0, 2) == 10 and lazy._file is None
    assert lazy.read() == b"0123456789"
    lazy.close()
    assert names["raw"] == ("upload", b"abc", None)
    assert names["named"][0] == "n.txt" and names["named"][2] == "text/plain"


def wire_values():
    import datetime as dt

    from hypothesis import strategies as st

    text = st.text(max_size=12)
    scalars = st.one_of(
        text, st.integers(-(10**12), 10**12), st.booleans(),
        st.decimals(allow_nan=False, allow_infinity=False, places=4),
        st.datetimes(timezones=st.just(dt.UTC)),
    )
    keys = st.text(min_size=1, max_size=8)
    # Stripe writes scalars directly inside a list differently (x[0]=True); that case has its
    # own test above, so lists here hold objects or lists. Empty lists and objects are no
    # value here (stripe sends nothing; this client the clear value or ValidationError: their
    # own test below).
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.dictionaries(keys, inner, min_size=1, max_size=4),
            st.lists(st.dictionaries(keys, inner, min_size=1, max_size=3), min_size=1, max_size=3),
            st.lists(st.lists(inner, min_size=1, max_size=3), min_size=1, max_size=2),
            st.lists(st.one_of(text, st.integers()), min_size=1, max_size=3),
        ),
        max_leaves=8,
    )


@pytest.mark.fuzz
def test_encode_form_matches_stripe_hypothesis(pkg):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=examples(50, 1000), derandomize=True, deadline=None, database=None)
    @given(st.dictionaries(st.text(min_size=1, max_size=8), wire_values(), max_size=5))
    def check(data: dict[str, Any]) -> None:
        assert pkg._encoding.encode_form(data) == stripe_encode(data)

    check()


def test_encoder_speed_against_stripe(pkg, capsys):
    """Not a timed test: prints the figures (see the report); asserts only the same bytes."""
    import timeit

    ours = min(timeit.repeat(lambda: pkg._encoding.encode_form(FORM_BODY), number=1000, repeat=3)) / 1000
    ref = min(timeit.repeat(lambda: stripe_encode(FORM_BODY), number=1000, repeat=3)) / 1000
    with capsys.disabled():
        print(f"\nencode_form {ours * 1e6:.1f} us, stripe {ref * 1e6:.1f} us, x{ref / ours:.2f}")
    assert pkg._encoding.encode_form(FORM_BODY) == stripe_encode(FORM_BODY)


# --- the rendered runtime is clean code --------------------------------------------------------


def test_rendered_runtime_is_checked(tmp_path_factory, static_checks):
    """mypy --strict and ruff (the generated project's rule set) at the end of the session."""
    out = render_runtime(tmp_path_factory.mktemp("runtime_checked"), "stripe_client", "https://api.stripe.com")
    fakes = ("_client.py", "__init__.py", "_types.py")
    runtime = sorted(p.name for p in out.glob("_*.py") if p.name not in fakes)
    assert {"_base.py", "_encoding.py", "_errors.py", "_pages.py"} <= set(runtime)
    for name in runtime:
        first = (out / name).read_text().splitlines()[0]
        assert first == "# Generated by doc2client 0.1.0 from specs/stripe. Do not edit."
    static_checks.add(out.parent, out.name, ruff=False)


# --- README.md: every example runs, and prints what the page says -------------------------

NOT_FOUND = {"error": {"message": "No such customer: 'cus_missing'", "type": "invalid_request_error"}}
CUSTOMER = {"id": "cus_123", "object": "customer", "email": "jenny@example.com"}
DOC_SCRIPTS: list[list[Any]] = [
    [Reply(200, CUSTOMER)],                                             # five minutes
    [Reply(200, CUSTOMER)],                                             # quick start
    [Reply(200, CUSTOMER)],                                             # configuration
    [Reply(404, NOT_FOUND, {"Request-Id": "req_123"})],                 # errors
    [Reply(500), Reply(200, CUSTOMER)],                                 # retries
    [paged],                                                            # pagination
    [Reply(200, CUSTOMER, {"Request-Id": "req_123"})],                  # raw responses
    [Reply(200, CUSTOMER), paged],                                      # async
]


def doc_examples() -> list[tuple[str, str | None]]:
    """Each ```python block of README.md with the ```text block right after it, if any."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(python|text)\n(.*?)```", text, re.S)
    examples: list[tuple[str, str | None]] = []
    for kind, body in blocks:
        if kind == "python":
            examples.append((body, None))
        else:
            examples[-1] = (examples[-1][0], body)
    return examples


def test_doc_examples_are_all_scripted():
    assert len(doc_examples()) == len(DOC_SCRIPTS)


@pytest.mark.parametrize("index", range(len(DOC_SCRIPTS)))
def test_doc_example_runs(pkg, srv, index, capsys):
    code, expected = doc_examples()[index]
    srv.play(*DOC_SCRIPTS[index])
    logger = logging.getLogger(PACKAGE)
    level = logger.level
    try:
        exec(compile(code, f"README.md example {index + 1}", "exec"), {"__name__": "__doc__"})
    finally:
        logger.setLevel(level)
    printed = capsys.readouterr().out.replace(srv.url, "https://api.stripe.com")
    if expected is not None:
        assert printed == expected
    assert srv.requests, "the example sent nothing"
    assert all(r.headers.get("authorization") == "Bearer sk_test_123" for r in srv.requests)

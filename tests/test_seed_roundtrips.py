"""Round trips 4 and 5 of DESIGN.md on the seed page, against the committed generated client.

4. Wire: what the client sends decodes back (server side) to the value given, that value
   validates against the page's schema, and the bytes equal what ``stripe`` would send.
5. Live: the generated client, sync and async, talks over loopback to a real HTTP server
   that decodes each request and validates it against the page's schema.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis_jsonschema import from_schema

from generator.diagnostics import Reporter
from generator.scrape import scrape_page
from tests.conftest import ROOT, SEED_PAGE, examples
from tests.wire import coerce, decode_form, stripe_bytes, wire_value

PACKAGE_ROOT = ROOT / "generated" / "stripe_client"


def _seed_schema() -> dict[str, Any]:
    page = scrape_page(SEED_PAGE, Reporter())
    assert page is not None and page.schema is not None
    return page.schema


SCHEMA = _seed_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _typed_view(schema: Any) -> Any:
    """The schema as the typed client sees it: objects with properties take no other keys.

    The TypedDicts of the client name every field, so the parameter sets a user can pass
    have no extra keys (whose types the form wire could not carry).
    """
    if isinstance(schema, list):
        return [_typed_view(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    view = {k: _typed_view(v) for k, v in schema.items()}
    if "properties" in view:
        view.setdefault("additionalProperties", False)
    return view


@pytest.fixture(scope="module")
def client_pkg() -> Any:
    sys.path.insert(0, str(PACKAGE_ROOT))
    try:
        import stripe_client
    finally:
        sys.path.remove(str(PACKAGE_ROOT))
    return stripe_client


HAND_PICKED: list[dict[str, Any]] = [
    {"email": "jenny@example.com", "address": {"city": "Berlin", "line1": "Unter den Linden 1"}},
    {"metadata": {"order_id": "6735", "note": "a b&c=d"}, "shipping": ""},
    {"invoice_settings": {"custom_fields": [{"name": "VAT", "value": "DE1"}], "footer": "Thanks"}},
    {"expand": ["default_source", "sources"], "preferred_locales": ["de", "en"], "balance": -50},
    {"tax": {"ip_address": ""}, "tax_exempt": "", "address": ""},
    {"card": {"exp_month": 12, "exp_year": 2030, "number": "4242424242424242"}},
    {"bank_account": "btok_123", "cash_balance": {"settings": {"reconciliation_mode": "manual"}}},
    {"invoice_settings": {"rendering_options": {"amount_tax_display": "exclude_tax"}}},
    {"name": "Ünïcødé ✓ [brackets] +plus", "next_invoice_sequence": 3},
]


def _encode(client_pkg: Any, value: dict[str, Any]) -> str:
    from stripe_client._encoding import encode_form

    return encode_form(value)


@pytest.mark.parametrize("value", HAND_PICKED)
def test_hand_picked_values_round_trip_on_the_wire(client_pkg: Any, value: dict[str, Any]) -> None:
    assert VALIDATOR.is_valid(value)
    body = _encode(client_pkg, value)
    assert body == stripe_bytes(value)
    decoded = coerce(decode_form(body), SCHEMA)
    assert decoded == wire_value(value)
    assert VALIDATOR.is_valid(decoded)


@pytest.mark.slow
@pytest.mark.fuzz
@settings(max_examples=examples(50, 1000), derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(from_schema(_typed_view(SCHEMA)))
def test_generated_values_round_trip_on_the_wire(client_pkg: Any, value: dict[str, Any]) -> None:
    assume(_wire_safe(value))
    body = _encode(client_pkg, value)
    if not _has_scalar_in_list(value):  # there DESIGN.md's table, not stripe, is the reference
        assert body == stripe_bytes(value)
    decoded = coerce(decode_form(body), SCHEMA)
    assert decoded == coerce(wire_value(value), SCHEMA)
    assert VALIDATOR.is_valid(decoded)


def _wire_safe(value: Any) -> bool:
    """A value the form wire can carry at all: no null, no empty container, plain keys.

    (An empty dict or list sends nothing, as with ``stripe``; ``None`` is not a value.)
    """
    if value is None or value in ({}, []):
        return False
    if isinstance(value, dict):
        plain = all(k and "[" not in k and "]" not in k for k in value)
        return plain and all(_wire_safe(v) for v in value.values())
    if isinstance(value, list):
        return all(_wire_safe(v) for v in value)
    return True


def _has_scalar_in_list(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_scalar_in_list(v) for v in value.values())
    if isinstance(value, list):
        return any(isinstance(v, bool) or _has_scalar_in_list(v) for v in value)
    return False


class _CheckingHandler(BaseHTTPRequestHandler):
    """Decodes the form, validates it against the page's schema, answers JSON."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        value = coerce(decode_form(body), SCHEMA)
        errors = [e.message for e in VALIDATOR.iter_errors(value)]
        status = 400 if errors else 200
        reply = (
            {"error": {"message": "; ".join(errors)}}
            if errors
            else {"id": self.path.rsplit("/", 1)[-1], "object": "customer", **value}
        )
        type(self).seen.append(
            {
                "path": self.path,
                "value": value,
                "content_type": self.headers["Content-Type"],
                "auth": self.headers.get("Authorization"),
            }
        )
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CheckingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


CALL = {
    "email": "jenny@example.com",
    "address": {"city": "Berlin", "line1": "Unter den Linden 1"},
    "metadata": {"order_id": "6735"},
    "shipping": "",
    "tax_exempt": "none",
    "invoice_settings": {"custom_fields": [{"name": "VAT", "value": "DE1"}]},
}


def test_live_sync_client(client_pkg: Any, live_server: str) -> None:
    _CheckingHandler.seen.clear()
    with client_pkg.Client(api_key="sk_test_123", base_url=live_server) as client:
        customer = client.customers.update("cus_123", **CALL)
    assert customer["id"] == "cus_123" and customer["email"] == CALL["email"]
    (seen,) = _CheckingHandler.seen
    assert seen["path"] == "/v1/customers/cus_123"
    assert seen["value"] == CALL
    assert seen["content_type"] == "application/x-www-form-urlencoded"
    assert seen["auth"] == "Bearer sk_test_123"


def test_live_async_client(client_pkg: Any, live_server: str) -> None:
    _CheckingHandler.seen.clear()

    async def run() -> Any:
        async with client_pkg.AsyncClient(api_key="sk_test_123", base_url=live_server) as client:
            return await client.customers.update("cus 1/2", **CALL)

    customer = asyncio.run(run())
    assert customer["object"] == "customer"
    (seen,) = _CheckingHandler.seen
    assert seen["path"] == "/v1/customers/cus%201%2F2"  # one segment, percent-encoded
    assert seen["value"] == CALL


def test_live_server_rejection_raises_with_status_and_body(
    client_pkg: Any, live_server: str
) -> None:
    client = client_pkg.Client(
        api_key="sk_test_123", base_url=live_server, validate=False, max_retries=0
    )
    with pytest.raises(client_pkg.APIError) as caught:
        client.customers.update("cus_123", tax_exempt="maybe")  # type: ignore[arg-type]
    assert caught.value.status_code == 400
    assert "maybe" in caught.value.body["error"]["message"]


def test_validator_lists_every_problem_before_sending(client_pkg: Any, live_server: str) -> None:
    _CheckingHandler.seen.clear()
    client = client_pkg.Client(api_key="sk_test_123", base_url=live_server)
    with pytest.raises(client_pkg.ValidationError) as caught:
        client.customers.update("cus_123", email="x" * 600, address={"city": "y" * 5001}, tax_exempt="maybe")  # type: ignore[arg-type]
    message = str(caught.value)
    assert "email: longer than 512 characters" in message
    assert "address.city: longer than 5000 characters" in message
    assert "tax_exempt: 'maybe' is not one of" in message
    assert _CheckingHandler.seen == []

"""Generated validators against jsonschema and fastjsonschema, on the same payloads.

Reads the Stripe pages from the corpus (``DOC2CLIENT_CORPUS``, default ``../shared/corpus``),
normalises them into one API, renders ``_validators.py`` and loads it. The page schemas are
given to jsonschema (a prepared ``Draft202012Validator``; ``iter_errors`` listed in full) and
to fastjsonschema (compiled; it stops at the first error), with ``enum`` dropped where
``x-stripeBypassValidation`` opens it, as the validators read it.
"""

from __future__ import annotations

import os
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema  # type: ignore[import-untyped]

from generator.diagnostics import Reporter
from generator.model.normalise import normalise
from generator.scrape.page import scrape_page
from tests.conftest import load_validators

ROOT = Path(__file__).resolve().parents[1]

CUSTOMER_VALID: dict[str, Any] = {
    "email": "jenny@example.com",
    "name": "Jenny Rosen",
    "description": "A customer",
    "address": {"city": "Berlin", "line1": "Unter den Linden 1", "postal_code": "10117"},
    "metadata": {"order_id": "6735", "channel": "web"},
    "expand": ["default_source", "invoice_settings.default_payment_method"],
    "tax_exempt": "none",
    "invoice_settings": {"custom_fields": [{"name": "VAT", "value": "DE123"}], "footer": "Thanks"},
    "shipping": "",
    "balance": 1200,
}

CUSTOMER_INVALID: dict[str, Any] = {
    **CUSTOMER_VALID,
    "email": "x" * 600,
    "tax_exempt": "maybe",
    "address": {"city": 5},
    "balance": "12",
    "foo": 1,
}

PAYMENT_INTENT_VALID: dict[str, Any] = {
    "amount": 2000,
    "currency": "eur",
    "customer": "cus_123",
    "description": "Order 6735",
    "automatic_payment_methods": {"enabled": True},
    "capture_method": "automatic",
    "confirm": True,
    "metadata": {"order_id": "6735"},
    "payment_method_types": ["card", "sepa_debit"],
    "payment_method_options": {
        "card": {
            "capture_method": "manual",
            "installments": {
                "enabled": True,
                "plan": {"count": 3, "interval": "month", "type": "fixed_count"},
            },
            "network": "visa",
            "request_three_d_secure": "automatic",
        },
        "sepa_debit": {"mandate_options": {}},
    },
    "receipt_email": "jenny@example.com",
    "return_url": "https://example.com/return",
    "setup_future_usage": "off_session",
    "shipping": {
        "name": "Jenny Rosen",
        "address": {"city": "Berlin", "line1": "Unter den Linden 1", "country": "DE"},
    },
    "statement_descriptor": "EXAMPLE",
    "transfer_data": {"destination": "acct_123", "amount": 1500},
    "expand": ["latest_charge"],
}

CASES = [
    ("customer update, valid", "PostCustomersCustomer", CUSTOMER_VALID),
    ("customer update, invalid", "PostCustomersCustomer", CUSTOMER_INVALID),
    ("payment intent create, valid", "PostPaymentIntents", PAYMENT_INTENT_VALID),
]

# Discord (OpenAPI 3.1: null in type lists, const, oneOf, integer enums, bounds, maxItems)
GUILD_CHANNEL_VALID: dict[str, Any] = {
    "name": "general-chat",
    "type": 0,
    "topic": None,
    "position": 3,
    "nsfw": False,
    "rate_limit_per_user": 10,
    "parent_id": None,
    "permission_overwrites": [{"id": "123456789012345678", "type": 0, "allow": 1024}],
}
GUILD_ROLE_VALID: dict[str, Any] = {
    "name": "moderators", "permissions": 8, "color": 16711680, "hoist": True,
    "mentionable": False, "icon": None, "unicode_emoji": None,
}  # fmt: skip
DISCORD_CASES = [
    ("discord channel create, valid", "create_guild_channel", GUILD_CHANNEL_VALID),
    ("discord role create, valid", "create_guild_role", GUILD_ROLE_VALID),
]


def corpus_path() -> Path:
    return Path(os.environ.get("DOC2CLIENT_CORPUS", ROOT.parent / "shared" / "corpus")).resolve()


def bypass_open(schema: Any) -> Any:
    """The page schema with ``enum`` dropped where ``x-stripeBypassValidation`` opens it."""
    if isinstance(schema, list):
        return [bypass_open(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: bypass_open(v) for k, v in schema.items() if k != "format"}
    if out.get("x-stripeBypassValidation") and "enum" in out:
        del out["enum"]
    return out


def load_stripe(pages: Path) -> tuple[dict[str, Any], dict[str, Callable[[Any], Any]]]:
    """Page schema and generated validator, by operation id, for every Stripe page."""
    reporter = Reporter()
    scraped = (scrape_page(f, reporter) for f in sorted(pages.glob("*.html")))
    raw = [page for page in scraped if page is not None]
    api = normalise("stripe", raw, reporter)
    namespace = load_validators(api, "# bench")
    schemas = {p.operation_id: bypass_open(p.schema) for p in raw if p.schema is not None}
    ops = [op for op in api.operations if op.body is not None]
    validators = {op.operation_id: namespace[op.validator] for op in ops}
    return schemas, validators


def load_discord(document: Path) -> tuple[dict[str, Any], dict[str, Callable[[Any], Any]]]:
    """Request schema (as plain JSON Schema) and generated validator, by operation id."""
    from generator.scrape import read_openapi
    from tests.schema_instances import plain_schema

    reporter = Reporter()
    doc = read_openapi(document, reporter)
    assert doc is not None, reporter.sorted()
    wanted = {op_id for _, op_id, _ in DISCORD_CASES}
    pages = [p for p in doc.pages if p.operation_id in wanted]
    api = normalise("discord", pages, reporter)
    namespace = load_validators(api, "# bench")
    schemas = {p.operation_id: plain_schema(p.schema, openapi_30=False) for p in pages}
    return schemas, {op.operation_id: namespace[op.validator] for op in api.operations}


def per_call(function: Callable[[], object]) -> float:
    """Microseconds per call: the best of seven timed runs (the machine may be busy)."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(7, number)) / number * 1e6


def fast_call(compiled: Callable[[Any], Any], payload: Any) -> Callable[[], object]:
    def call() -> object:
        try:
            return compiled(payload)
        except fastjsonschema.JsonSchemaValueException as exc:
            return exc
    return call


def measure(
    schema: Any, validate: Callable[[Any], Any], payload: Any
) -> tuple[float, float, float]:
    """Microseconds per call of the generated validator, jsonschema and fastjsonschema."""
    prepared = jsonschema.Draft202012Validator(schema)
    assert bool(validate(payload)) == bool(list(prepared.iter_errors(payload)))
    compiled = fastjsonschema.compile(schema)
    ours = per_call(lambda: validate(payload))
    theirs = per_call(lambda: list(prepared.iter_errors(payload)))
    fast = per_call(fast_call(compiled, payload))
    return ours, theirs, fast


def main() -> None:
    pages = corpus_path() / "pages" / "stripe"
    if not pages.is_dir():
        print(f"validation: corpus not found at {pages} (set DOC2CLIENT_CORPUS)")
        return
    schemas, validators = load_stripe(pages)
    print("validation: microseconds per call (lower is better)")
    names = ("generated", "jsonschema", "fastjsonschema", "js/gen", "fast/gen")
    head = f"{'payload':<30} " + " ".join(f"{name:>{len(name) + 2}}" for name in names)
    print(head)
    print("-" * len(head))
    discord = corpus_path() / "openapi" / "discord" / "openapi.json"
    more = load_discord(discord) if discord.is_file() else ({}, {})
    schemas, validators = {**schemas, **more[0]}, {**validators, **more[1]}
    for label, op_id, payload in [*CASES, *(c for c in DISCORD_CASES if c[1] in more[0])]:
        ours, theirs, fast = measure(schemas[op_id], validators[op_id], payload)
        cells = (f"{ours:.2f}", f"{theirs:.1f}", f"{fast:.2f}", f"{theirs / ours:.1f}x",
                 f"{fast / ours:.2f}x")
        row = " ".join(f"{cell:>{len(name) + 2}}" for cell, name in zip(cells, names, strict=True))
        print(f"{label:<30} {row}")

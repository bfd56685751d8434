"""Stripe's example objects against the generated response types (issue 13, Tests).

``stripe-openapi/fixtures3.json`` holds one example object per kind, keyed by the component's
name in ``spec3.json`` (``customer``, ``apps.secret``); a kind whose component is a union
(``external_account``: ``anyOf`` bank account or card) is the branch whose ``object`` property,
Stripe's discriminator, lists the example's ``object``. Each kind is typed by the object the
model reads from that component (named after the schema's ``title``, ``Object.title``), and
every example must be valid against the JSON Schema that object implies
(``to_schema.defs_schema``), and come back unchanged from a call of the generated client to a
server on 127.0.0.1 that answers with it: from an operation whose success response is the
kind, one of its variants, or a list of it (then the page's ``data`` holds it).

One client is generated for the whole module, from the operations that carry the kinds; each
call is the docs' example call for the operation (``emit/examples.py``), so the example calls
pass the generated validators too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.emit.examples import example_call
from generator.model import normalise
from generator.model.shapes import Api, Operation, Ref
from generator.model.to_schema import defs_schema
from tests.conftest import imported, shared_document, write_files
from tests.runtime_server import Reply, ScriptedServer, running_server

JSON = "application/json"
PREFIX = "#/components/schemas/"

# Examples that disagree with spec3.json itself, each with the one error the model's schema
# gives for it (the generated type is right to reject them).
DISAGREES = {
    # outbound_payments_payment_method_details requires billing_details; the example has none
    "treasury.outbound_payment": (
        ["destination_payment_method_details"], "'billing_details' is a required property"),
}


@dataclass(frozen=True)
class Carrier:
    """An operation whose success response holds a kind: as itself, a variant, or a list."""

    operation_id: str
    method: str
    path: str
    status: str
    how: str  # "itself", "variant" or the name of the list's array property
    schema: dict[str, Any]  # the response's schema in the document


@dataclass(frozen=True)
class Stripe:
    document: dict[str, Any]
    examples: dict[str, dict[str, Any]]
    carriers: dict[str, Carrier]
    api: Api
    client: Any  # the generated Client, at the server's URL
    server: ScriptedServer


def _refs(schema: dict[str, Any]) -> list[str]:
    return [b["$ref"].removeprefix(PREFIX) for b in schema.get("anyOf", []) if "$ref" in b]


def _holds(kind: str, schema: dict[str, Any]) -> str | None:
    """How ``schema`` (a response's) holds ``kind``, or ``None``."""
    if schema.get("$ref") == PREFIX + kind:
        return "itself"
    if kind in _refs(schema):
        return "variant"
    arrays = [name for name, prop in schema.get("properties", {}).items()
              if prop.get("type") == "array" and prop.get("items", {}).get("$ref") == PREFIX + kind]
    return arrays[0] if len(arrays) == 1 else None


def _carriers(document: dict[str, Any], kinds: list[str]) -> dict[str, Carrier]:
    """For each kind, the carrier a test call is easiest with: the kind itself before a variant
    before a list, GET first, the fewest required parameters, then by operation id."""
    found: dict[str, list[tuple[tuple[Any, ...], Carrier]]] = {k: [] for k in kinds}
    for path, item in document["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            required = sum(1 for p in op.get("parameters", []) if p.get("required"))
            for status, response in op["responses"].items():
                schema = response.get("content", {}).get(JSON, {}).get("schema")
                if not status.startswith("2") or not isinstance(schema, dict):
                    continue
                for kind in kinds:
                    how = _holds(kind, schema)
                    if how is not None:
                        rank = (["itself", "variant"].index(how) if how in ("itself", "variant")
                                else 2, method != "get", required, op["operationId"])
                        found[kind].append((rank, Carrier(op["operationId"], method, path,
                                                          status, how, schema)))
    missing = [k for k, c in found.items() if not c]
    assert not missing, f"no operation returns these kinds: {missing}"
    return {k: min(c, key=lambda rc: rc[0])[1] for k, c in found.items()}


@pytest.fixture(scope="module")
def stripe(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stripe]:
    folder = corpus / "stripe-openapi"
    document = json.loads((folder / "spec3.json").read_text(encoding="utf-8"))
    examples = json.loads((folder / "fixtures3.json").read_text(encoding="utf-8"))["resources"]
    carriers = _carriers(document, list(examples))
    read, diagnostics = shared_document(folder / "spec3.json")
    reporter = Reporter()
    reporter.items.extend(diagnostics)
    wanted = {c.operation_id for c in carriers.values()}
    api = normalise("stripe", [p for p in read.pages if p.operation_id in wanted], reporter,
                    base_url="http://127.0.0.1:9")
    assert not reporter.has_errors, reporter.sorted()
    out = write_files(tmp_path_factory.mktemp("fixtures3"),
                      render_api(api, source_label="spec3.json"))
    with running_server() as server, imported(out, api.package) as package:
        client = package.Client(api_key="sk_test_123", base_url=server.url, max_retries=0)
        yield Stripe(document, examples, carriers, api, client, server)
        client.close()


def component(stripe: Stripe, kind: str) -> str:
    """The component that types the example of ``kind``: itself, or for a union the branch
    whose ``object`` property lists the example's ``object``."""
    schemas = stripe.document["components"]["schemas"]
    branches = _refs(schemas[kind])
    if not branches:
        return kind
    tag = stripe.examples[kind]["object"]
    [branch] = [b for b in branches
                if tag in schemas[b].get("properties", {}).get("object", {}).get("enum", [])]
    return branch


def object_name(stripe: Stripe, name: str) -> str:
    """The model's object read from component ``name`` (the one named from its title)."""
    title = stripe.document["components"]["schemas"][name].get("title", name)
    [found] = [o.name for o in stripe.api.shapes if o.title == title]
    return found


def operation(stripe: Stripe, operation_id: str) -> Operation:
    [op] = [o for o in stripe.api.operations if o.operation_id == operation_id]
    return op


def test_every_kind_has_a_carrier(stripe: Stripe) -> None:
    assert set(stripe.carriers) == set(stripe.examples)
    hows = {c.how for c in stripe.carriers.values()}
    assert {"itself", "variant", "data"} <= hows  # each way of holding a kind is exercised


def schema_errors(stripe: Stripe, kind: str) -> list[tuple[list[Any], str]]:
    """Where and why the example of ``kind`` is invalid against its object's schema."""
    schema = defs_schema(Ref(object_name(stripe, component(stripe, kind))), stripe.api)
    validator = jsonschema.Draft202012Validator(schema)
    found = []
    for error in validator.iter_errors(stripe.examples[kind]):
        deepest = jsonschema.exceptions.best_match([error])
        while deepest.context:  # a union's branches: the nearest branch's own error
            deepest = jsonschema.exceptions.best_match(deepest.context)
        found.append((list(error.absolute_path), deepest.message))
    return found


def test_examples_conform_to_their_generated_types(stripe: Stripe) -> None:
    failures = {}
    for kind in stripe.examples:
        errors = schema_errors(stripe, kind)
        if errors != ([DISAGREES[kind]] if kind in DISAGREES else []):
            failures[kind] = errors
    assert not failures, failures


def answer(carrier: Carrier, example: dict[str, Any]) -> dict[str, Any]:
    """The response body that holds ``example`` as ``carrier``'s schema says: the example, or a
    list object with it as the only item (its other required properties from their schema)."""
    if carrier.how in ("itself", "variant"):
        return example
    body: dict[str, Any] = {}
    for name in carrier.schema.get("required", []):
        prop = carrier.schema["properties"][name]
        body[name] = ([example] if name == carrier.how else prop["enum"][0] if "enum" in prop
                      else {"boolean": False, "string": carrier.path, "integer": 0}[prop["type"]])
    return {**body, carrier.how: [example]}


def test_calls_return_the_examples_unchanged(stripe: Stripe) -> None:
    failures = {}
    for kind, example in stripe.examples.items():
        carrier = stripe.carriers[kind]
        body = answer(carrier, example)
        stripe.server.play(Reply(int(carrier.status), body))
        call = example_call(operation(stripe, carrier.operation_id), stripe.api)
        got = eval(call, {"client": stripe.client})  # the docs' example call, as source
        [request] = stripe.server.requests
        assert request.method == carrier.method.upper(), (kind, call)
        if carrier.how in ("itself", "variant"):
            ok = got == example and type(got) is dict
        else:
            ok = got.data == [example] and dict(got) == body
        if not ok:
            failures[kind] = (call, got)
    assert not failures, failures

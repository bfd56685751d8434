"""Responses in the model: each status with its media type and shape (issue 13, item 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from generator.model import normalise
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Integer,
    Object,
    Operation,
    Ref,
    String,
    Union,
)
from generator.scrape import read_openapi, scrape_page
from tests.conftest import shared_document


def read_document(tmp_path: Path, doc: dict[str, Any]) -> tuple[Api, Reporter]:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    reporter = Reporter()
    read = read_openapi(path, reporter)
    assert read is not None
    return normalise("demo", read.pages, reporter), reporter


def operation(api: Api, op_id: str) -> Operation:
    return next(op for op in api.operations if op.operation_id == op_id)


def shape(api: Api, name: str) -> Object:
    return next(s for s in api.shapes if s.name == name)


NODE = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "secret": {"type": "string", "writeOnly": True},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/node"}},
    },
}
PET = {"type": "object", "properties": {"kind": {"type": "string"}, "age": {"type": "integer"}}}


def document() -> dict[str, Any]:
    json_content = {"application/json": {"schema": {"$ref": "#/components/schemas/node"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Demo", "version": "1"},
        "paths": {
            "/nodes": {
                "post": {
                    "operationId": "createNode",
                    "requestBody": {"content": json_content},
                    "responses": {
                        "201": {"description": "Created", "content": json_content},
                        "4XX": {"description": "Client error", "content": {
                            "application/problem+json": {"schema": {
                                "$ref": "#/components/schemas/problem"}},
                            "text/plain": {"schema": {"type": "string"}}}},
                        "204": {"description": "Nothing"},
                    },
                },
            },
            "/pets": {
                "post": {
                    "operationId": "createPet",
                    "requestBody": {"content": {"application/json": {"schema": PET}}},
                    "responses": {"200": {"description": "OK", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/pet"}}}}},
                },
            },
        },
        "components": {"schemas": {
            "node": NODE,
            "pet": PET,
            "problem": {"type": "object", "properties": {"title": {"type": "string"}}},
        }},
    }  # fmt: skip


def test_each_status_has_its_media_type_and_shape(tmp_path: Path) -> None:
    api, _ = read_document(tmp_path, document())
    op = operation(api, "createNode")
    statuses = [(r.status, r.description, r.media_type) for r in op.responses]
    assert statuses == [
        ("201", "Created", "application/json"),
        ("4XX", "Client error", "application/problem+json"),  # JSON preferred over text/plain
        ("204", "Nothing", ""),
    ]
    created, problem, nothing = (r.shape for r in op.responses)
    assert created == Ref("Node") and problem == Ref("Problem") and nothing is None


def test_read_only_in_write_only_out_and_recursion_named(tmp_path: Path) -> None:
    api, reporter = read_document(tmp_path, document())
    node = shape(api, "Node")
    fields = {f.wire_name: f for f in node.fields}
    assert set(fields) == {"id", "name", "children"}  # writeOnly "secret" is never returned
    assert fields["id"].required and fields["id"].shape == String()
    assert fields["children"].shape == Array(Ref("Node"))  # the recursion is the named type
    assert not [d for d in reporter.items if "/responses/" in d.pointer]


def test_request_leaves_read_only_out(tmp_path: Path) -> None:
    api, _ = read_document(tmp_path, document())
    body = operation(api, "createNode").body
    assert body is not None and isinstance(body.shape, Ref)
    request = shape(api, body.shape.name)
    assert {f.wire_name for f in request.fields} == {"name", "secret", "children"}


def test_response_shares_the_request_shape_where_equal(tmp_path: Path) -> None:
    api, _ = read_document(tmp_path, document())
    op = operation(api, "createPet")
    assert op.body is not None and op.responses[0].shape == op.body.shape == Ref("Pet")
    assert [f.shape for f in shape(api, "Pet").fields] == [String(), Integer()]


def test_unresolvable_response_ref_is_any_with_a_located_warning(tmp_path: Path) -> None:
    doc = document()
    doc["paths"]["/pets"]["post"]["responses"]["200"]["content"]["application/json"] = {
        "schema": {"$ref": "#/components/schemas/missing"}}
    api, reporter = read_document(tmp_path, doc)
    assert operation(api, "createPet").responses[0].shape == AnyShape("unchecked")
    [warning] = [d for d in reporter.items if d.message.startswith("response 200: unresolvable")]
    assert warning.pointer == (
        "/paths/~1pets/post/responses/200/content/application~1json/schema/$ref")


def test_pages_give_media_types_only(corpus: Path) -> None:
    page = scrape_page(corpus / "pages" / "stripe" / "GetCustomersCustomer.html", Reporter())
    assert page is not None
    api = normalise("stripe", [page], Reporter())
    [op] = api.operations
    assert [(r.status, r.media_type, r.shape) for r in op.responses] == [
        ("200", "application/json", None), ("default", "application/json", None)]


@pytest.fixture(scope="module")
def stripe(corpus: Path) -> Api:
    read, diagnostics = shared_document(corpus / "stripe-openapi" / "spec3.json")
    reporter = Reporter()
    reporter.items.extend(diagnostics)
    return normalise("stripe", read.pages, reporter)


def test_stripe_responses(stripe: Api) -> None:
    retrieve = operation(stripe, "GetCustomersCustomer")
    assert [r.status for r in retrieve.responses] == ["200", "default"]
    assert retrieve.responses[0].shape == Union((Ref("Customer"), Ref("DeletedCustomer")))
    assert retrieve.responses[1].shape == Ref("Error")
    assert operation(stripe, "PostCustomersCustomer").responses[0].shape == Ref("Customer")
    listed = operation(stripe, "GetCustomers").responses[0].shape
    assert isinstance(listed, Ref)
    data = next(f for f in shape(stripe, listed.name).fields if f.wire_name == "data")
    assert data.required and data.shape == Array(Ref("Customer"))
    customer = {f.wire_name: f.shape for f in shape(stripe, "Customer").fields}
    source = customer["default_source"]  # expandable: the id, or the object when expanded
    variants = flat_variants(source)
    assert any(isinstance(v, String) for v in variants) and Ref("Card") in variants


def flat_variants(shape: Any) -> list[Any]:
    if isinstance(shape, Union):
        return [v for variant in shape.variants for v in flat_variants(variant)]
    return [shape]


def test_every_stripe_operation_has_a_typed_success_response(stripe: Api) -> None:
    untyped = [op.operation_id for op in stripe.operations
               if not any(r.status.startswith("2") and not isinstance(r.shape, AnyShape | None)
                          for r in op.responses)]  # fmt: skip
    assert untyped == []


# --------------------------------------------------------------------------- diff of responses


def changed_document(edit: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(document()))
    edit(doc["components"]["schemas"])
    return doc


def response_changes(tmp_path: Path, edit: Any) -> dict[tuple[str, str], bool]:
    from generator.diff import diff_apis

    (tmp_path / "old").mkdir(parents=True)
    (tmp_path / "new").mkdir()
    old, _ = read_document(tmp_path / "old", document())
    new, _ = read_document(tmp_path / "new", changed_document(edit))
    report = diff_apis(old, new)
    return {(c.kind, c.field_path): c.breaking for c in report.changes
            if c.operation_id == "createPet" and c.field_path.startswith("response")}  # fmt: skip


def test_diff_judges_response_changes_from_the_reader_side(tmp_path: Path) -> None:
    def edit(schemas: dict[str, Any]) -> None:
        pet = schemas["pet"]
        del pet["properties"]["kind"]  # a reader of `kind` breaks
        pet["properties"]["age"] = {"type": "number"}  # widened: a reader of int breaks
        pet["properties"]["name"] = {"type": "string"}  # added: nothing breaks

    assert response_changes(tmp_path, edit) == {
        ("field-removed", "response 200.kind"): True,
        ("type-changed", "response 200.age"): True,
        ("field-added", "response 200.name"): False,
    }


def test_diff_response_required_and_narrowed(tmp_path: Path) -> None:
    def required(schemas: dict[str, Any]) -> None:
        schemas["pet"]["required"] = ["kind"]  # now always there: not breaking for a reader
        schemas["pet"]["properties"]["age"] = {"type": "integer", "enum": [1, 2]}

    changes = response_changes(tmp_path / "a", required)
    assert changes[("required-changed", "response 200.kind")] is False

    def optional(schemas: dict[str, Any]) -> None:
        schemas["node"]["required"] = []  # a reader counting on `id` may now miss it

    (tmp_path / "b").mkdir()
    old, _ = read_document(tmp_path / "b", document())
    (tmp_path / "c").mkdir()
    new, _ = read_document(tmp_path / "c", changed_document(optional))
    from generator.diff import diff_apis

    found = {(c.kind, c.field_path): c.breaking for c in diff_apis(old, new).changes
             if c.operation_id == "createNode"}  # fmt: skip
    assert found[("required-changed", "response 201.id")] is True


def test_a_response_without_content_has_no_media_type_after_a_round_trip(tmp_path: Path) -> None:
    """The pages' one accept type is every response's, but never a 204's (RFC 9110, 15.3.5)."""
    from generator.emit.environment import make_environment
    from generator.emit.page import render_pages
    from tests.test_docs import model_of, write_pages

    json_200 = {"description": "ok", "content": {"application/json": {"schema": PET}}}
    doc = {"openapi": "3.1.0", "info": {"title": "demo", "version": "1"},
           "servers": [{"url": "https://api.example.com"}],
           "paths": {"/pets": {
               "get": {"operationId": "getPet", "responses": {"200": json_200}},
               "delete": {"operationId": "deletePet",
                          "responses": {"200": json_200, "204": {"description": "gone"}}}}}}  # fmt: skip
    api, reporter = read_document(tmp_path, doc)
    assert not reporter.has_errors, reporter.sorted()
    write_pages(render_pages(api, make_environment()), tmp_path / "demo")
    back = model_of(tmp_path / "demo", "demo", like=api)
    for model in (api, back):
        responses = operation(model, "deletePet").responses
        assert [(r.status, r.media_type) for r in responses] == [
            ("200", "application/json"), ("204", "")]

"""``allOf`` with value sets: a schema's own ``enum``/``const`` beside an ``allOf`` member that
is a ``oneOf`` of ``const``s keeps only the values both allow (JSON Schema 2020-12, 10.2.1.1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.diagnostics import Reporter
from generator.model import Api, normalise
from generator.model.merge import merge_all_of
from generator.model.shapes import Const, Ref
from generator.scrape import read_openapi
from tests.conftest import load_validators, shared_document

KIND = {"type": "integer", "format": "int32",
        "oneOf": [{"title": "A", "const": 1}, {"title": "B", "const": 2}, {"title": "C", "const": 3}]}
THING = {"type": "object", "required": ["kind"], "properties": {
    "kind": {"type": "integer", "enum": [1], "allOf": [{"$ref": "#/components/schemas/Kind"}]}}}


def document(thing: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "things.create",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}},
            "responses": {"204": {"description": "done"}}}}},
        "components": {"schemas": {"Kind": KIND, "Thing": thing}},
    }


def read(doc: dict[str, Any], tmp_path: Path) -> tuple[Api, Reporter]:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    reporter = Reporter()
    raw = read_openapi(path, reporter)
    assert raw is not None, reporter.sorted()
    return normalise("t", list(raw.pages), reporter), reporter


def kind_shape(api: Api) -> Any:
    [op] = api.operations
    assert op.body is not None and isinstance(op.body.shape, Ref)
    obj = {o.name: o for o in api.shapes}[op.body.shape.name]
    return {f.wire_name: f.shape for f in obj.fields}["kind"]


def test_own_enum_beside_a_one_of_of_consts_is_their_intersection(tmp_path: Path) -> None:
    api, reporter = read(document(THING), tmp_path)
    assert not reporter.has_errors, reporter.sorted()
    assert kind_shape(api) == Const((1,))
    validate = load_validators(api)[api.operations[0].validator]
    plain = jsonschema.Draft202012Validator({**THING, "$defs": {"Kind": KIND}}
                                            | {"properties": {"kind": {
                                                **THING["properties"]["kind"],  # type: ignore[index]
                                                "allOf": [{"$ref": "#/$defs/Kind"}]}}})
    for kind in (1, 2, 3, 4, "1"):
        ours = validate({"kind": kind})
        assert (ours == []) == plain.is_valid({"kind": kind}), (kind, ours)
    assert validate({"kind": 1}) == []
    assert validate({"kind": 2}) != []


@pytest.mark.parametrize(("holder", "expected"), [
    ({"const": 2, "allOf": [{"enum": [1, 2]}]}, {"const": 2}),
    ({"enum": [1, 2, 3], "allOf": [{"const": 3}]}, {"enum": [3]}),
    ({"type": "string", "allOf": [{"enum": [1, "a"]}]}, {"type": "string", "enum": ["a"]}),
    ({"enum": [1, 2], "allOf": [{"oneOf": [{"const": 2}, {"const": 2}, {"const": 1}]}]},
     {"enum": [1]}),  # 2 matches two oneOf branches: never valid
    ({"enum": [1, 2], "allOf": [{"anyOf": [{"const": 2}, {"const": 2}]}]}, {"enum": [2]}),
])
def test_value_sets_intersect(holder: dict[str, Any], expected: dict[str, Any]) -> None:
    merged = merge_all_of(holder, "#/x")
    assert merged.conflicts == []
    assert merged.schema == expected
    values = expected.get("enum", [expected.get("const")])
    for value in (1, 2, 3, "a", None):
        assert jsonschema.Draft202012Validator(holder).is_valid(value) == (value in values)


@pytest.mark.parametrize("holder", [
    {"enum": [5], "allOf": [KIND]},
    {"const": 1, "allOf": [{"const": 2}]},
    {"type": "string", "allOf": [{"enum": [1, 2]}]},
])
def test_an_empty_intersection_is_a_contradiction(holder: dict[str, Any]) -> None:
    assert merge_all_of(holder, "#/x").conflicts


def test_an_empty_intersection_is_a_located_error(tmp_path: Path) -> None:
    thing = {**THING, "properties": {"kind": {"enum": [5], "allOf": [
        {"$ref": "#/components/schemas/Kind"}]}}}
    _, reporter = read(document(thing), tmp_path)
    errors = [d for d in reporter.items if d.level == "error"]
    assert [d.code for d in errors] == ["all-of-conflict"]
    assert errors[0].pointer.endswith("/properties/kind"), errors[0].pointer
    assert "openapi.json" in str(errors[0]), str(errors[0])


def test_discord_auto_moderation_rule_request_validates(corpus: Path) -> None:
    path = corpus / "openapi" / "discord" / "openapi.json"
    raw, diagnostics = shared_document(path)
    reporter = Reporter()
    reporter.items.extend(diagnostics)
    api = normalise("discord", list(raw.pages), reporter)
    assert not reporter.has_errors, [str(d) for d in reporter.sorted() if d.level == "error"]
    [op] = [o for o in api.operations if o.operation_id == "create_auto_moderation_rule"]
    validate = load_validators(api)[op.validator]
    body = {"name": "x", "event_type": 1, "trigger_type": 1,
            "trigger_metadata": {"keyword_filter": ["a"]}}
    assert validate(body) == []
    assert validate({**body, "trigger_type": 9}) != []

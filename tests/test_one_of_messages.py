"""A ``oneOf`` that fails says why: which variants matched when more than one did (JSON
Schema 2020-12, 10.2.1.3: exactly one must), or each near variant's first problem when none
did, each variant named by its schema (objects) or its type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.model.shapes import Api, Ref, Union
from tests.conftest import load_validators
from tests.test_all_of_values import read

CAT = {"type": "object", "required": ["meows"], "properties": {"meows": {"type": "boolean"}}}
DOG = {"type": "object", "required": ["barks"], "properties": {"barks": {"type": "integer"}}}


def document() -> dict[str, Any]:
    body = {"type": "object", "properties": {
        "amount": {"oneOf": [{"type": "integer"}, {"type": "number", "maximum": 10}]},
        "pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"},
                          {"$ref": "#/components/schemas/Dog"}]},
    }}  # fmt: skip
    return {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/pets": {"post": {
            "operationId": "pets.create",
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {"204": {"description": "done"}}}}},
        "components": {"schemas": {"Cat": CAT, "Dog": DOG}},
    }


def test_one_of_messages_name_the_variants(tmp_path: Path) -> None:
    api, reporter = read(document(), tmp_path)
    assert not reporter.has_errors, reporter.sorted()
    validate = load_validators(api)[api.operations[0].validator]
    assert validate({"amount": 12}) == []  # an integer, but above the number's maximum
    assert validate({"amount": 3}) == [
        ("amount", "matches more than one of: an integer, a number (oneOf takes exactly one)")]
    cat, dog = variant_names(api)  # the TypedDicts the user writes
    [(path, message)] = validate({"pet": {"meows": 1, "barks": "loud"}})
    assert path == "pet"
    assert message.startswith("matches none of: an object (")
    assert f"{cat}: meows: expected a boolean" in message
    assert f"{dog}: barks: expected an integer" in message
    assert validate({"pet": {"meows": True, "barks": 1}}) == [
        ("pet", f"matches more than one of: {cat}, {dog} (oneOf takes exactly one)")]


def variant_names(api: Api) -> list[str]:
    [op] = api.operations
    assert op.body is not None and isinstance(op.body.shape, Ref)
    [body] = [o for o in api.shapes if o.name == op.body.shape.name]
    [pet] = [f.shape for f in body.fields if f.wire_name == "pet"]
    assert isinstance(pet, Union)
    names = [v.name for v in pet.variants if isinstance(v, Ref)]
    assert len(names) == 2
    return names

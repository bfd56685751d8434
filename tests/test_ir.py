"""The IR as JSON: exact inverse, deterministic, and valid against its own published schema."""

from __future__ import annotations

import json
import random
from pathlib import Path

import jsonschema
import pytest

from generator.diagnostics import Reporter
from generator.model import MODEL_VERSION, api_from_json, api_to_json, ir_json_schema, normalise
from generator.model.shapes import Api
from tests.test_normalise import stripe_api, stripe_pages


def seed_api(corpus: Path) -> Api:
    seed = [p for p in stripe_pages(corpus) if p.operation_id == "PostCustomersCustomer"]
    return normalise("stripe", seed, Reporter())


def test_schema_carries_id_and_version() -> None:
    schema = ir_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["version"] == MODEL_VERSION and MODEL_VERSION in schema["$id"]
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["$defs"]["Object"]["properties"]) == {
        "kind", "name", "fields", "additional", "title", "description", "extra", "keys"}


def test_seed_round_trips_and_validates(corpus: Path) -> None:
    api = seed_api(corpus)
    data = api_to_json(api)
    assert data["kind"] == "api" and data["operations"][0]["kind"] == "operation"
    assert api_from_json(json.loads(json.dumps(data))) == api
    jsonschema.Draft202012Validator(ir_json_schema()).validate(data)


@pytest.mark.slow
def test_corpus_round_trips_validates_and_is_deterministic(corpus: Path) -> None:
    api = stripe_api(corpus)
    data = api_to_json(api)
    assert api_from_json(data) == api
    errors = list(jsonschema.Draft202012Validator(ir_json_schema()).iter_errors(data))
    assert errors == []
    shuffled = list(stripe_pages(corpus))
    random.Random(11).shuffle(shuffled)
    again = api_to_json(normalise("stripe", shuffled, Reporter()))
    assert json.dumps(again) == json.dumps(data)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d.pop("operations"),
        lambda d: d["operations"][0].update(method=3),
        lambda d: d["shapes"][0].update(kind="thing"),
        lambda d: d["shapes"][0]["fields"][0].update(shape={"kind": "string"}),
        lambda d: d.update(extra=1),
    ],
)
def test_schema_rejects_broken_ir(corpus: Path, break_it: object) -> None:
    data = api_to_json(seed_api(corpus))
    break_it(data)  # type: ignore[operator]
    assert not jsonschema.Draft202012Validator(ir_json_schema()).is_valid(data)

"""The share of ``Any`` in a model (issue 12's goal), and why each ``Any`` is there.

``AnyShape.origin`` tells an exact ``Any`` (the source's schema admits any value) from one
where the source gives no schema and from a loss (something the model does not check); the
census (``generator.model.census``) counts them. Over the corpus's OpenAPI documents, losses
stay under 1% of the nodes where the source gives a schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.model.census import census
from generator.model.shapes import AnyShape, Array, Map, Ref, Shape, Union
from tests.test_all_of_values import read
from tests.test_schema_vocabulary import DOCUMENTS, loaded

PROPERTIES: dict[str, Any] = {
    "free": {"description": "anything at all"},  # exact
    "open": {"type": "object"},  # values: no schema given
    "list": {"type": "array"},  # items: no schema given
    "typed_map": {"type": "object", "additionalProperties": {"type": "integer"}},
    "true_map": {"type": "object", "additionalProperties": True},  # exact
    "odd": {"type": "bogus"},  # unchecked (warned)
    "no_type": {"minLength": 2},  # unchecked: minLength without a type (warned)
    "tuple": {"type": "array", "prefixItems": [{"type": "string"}]},  # unchecked (warned)
    "nullable": {"type": ["string", "null"]},
}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "things.create",
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": PROPERTIES}}}},
            "responses": {"204": {"description": "done"}}}}},
    }


def origins(shape: Shape) -> list[str]:
    match shape:
        case AnyShape():
            return [shape.origin]
        case Array():
            return origins(shape.items)
        case Map():
            return origins(shape.values)
        case Union():
            return [o for v in shape.variants for o in origins(v)]
        case _:
            return []


def test_each_any_says_why_it_is_there(tmp_path: Path) -> None:
    api, reporter = read(document(), tmp_path)
    [op] = api.operations
    assert op.body is not None and isinstance(op.body.shape, Ref)
    [obj] = [o for o in api.shapes if o.name == op.body.shape.name]
    found = {f.wire_name: origins(f.shape) for f in obj.fields}
    assert found == {
        "free": ["schema"], "open": ["absent"], "list": ["absent"], "typed_map": [],
        "true_map": ["schema"], "odd": ["unchecked"], "no_type": ["unchecked"],
        "tuple": ["unchecked"], "nullable": [],
    }
    warned = {d.pointer.split("/")[-2] for d in reporter.items if d.level == "warning"}
    assert {"odd", "no_type", "tuple"} <= warned | {d.pointer.split("/")[-1]
                                                   for d in reporter.items}


def test_census_counts_nodes_where_the_source_gives_a_schema(tmp_path: Path) -> None:
    api, _ = read(document(), tmp_path)
    counted = census(api)
    # the body Ref; nine fields; the values and items of three maps and two arrays; two
    # variants of the nullable union
    assert counted.nodes == 1 + 9 + 5 + 2
    assert dict(counted.any_nodes) == {"schema": 2, "absent": 2, "unchecked": 3}
    assert counted.given == counted.nodes - 2
    assert counted.share("unchecked") == 3 / counted.given


@pytest.mark.slow
@pytest.mark.parametrize("document_path", [d for d in DOCUMENTS if d.startswith("openapi/")])
def test_losses_stay_under_one_percent_of_the_given_nodes(corpus: Path, document_path: str) -> None:
    api, _schemas, _openapi_30 = loaded(document_path)
    counted = census(api)
    assert counted.given > 0
    assert counted.share("unchecked") <= 0.01, dict(counted.any_nodes)

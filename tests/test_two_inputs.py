"""Round trip 6: the pages and the OpenAPI document they were written from give equal models.

"Equal model" for one operation: the same method and path; the same path, query and header
parameters by (name, location, required) (pages carry no parameter schemas, so parameter
shapes are not compared); and the same body: media type, required, and the body shape with
every ``Ref`` resolved through ``Api.shapes`` into its fields (wire name, Python name,
required, description, shape) and ``additional`` flag. Shape *names* are not compared: they
depend on which other operations share a shape, and the two inputs hold different sets.

Compared are the operations whose page schema equals the document's, ignoring key order and
the empty ``"properties": {}`` that the pages drop, and whose page lists the same parameters
(name, location, required) as the document (four Stripe pages have the same body but another
API version's query parameters). The others are listed with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from generator.model import normalise
from generator.model.shapes import (
    Api,
    Array,
    Emptyable,
    Map,
    Operation,
    Ref,
    Shape,
    Union,
)
from generator.scrape.records import RawPage
from generator.scrape.refs import REF_NAME
from tests.conftest import shared_document, shared_pages


def without_empty_properties(schema: Any) -> Any:
    """``schema`` without the empty ``"properties": {}`` the pages drop, nor the ``REF_NAME``
    marks of the ``$ref``s a document's objects were inlined from (they name types; a page
    holds its schema inlined, without them)."""
    if isinstance(schema, list):
        return [without_empty_properties(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    return {
        k: without_empty_properties(v)
        for k, v in schema.items()
        if not (k == "properties" and v == {}) and k != REF_NAME
    }


def resolved(shape: Shape, api: Api, seen: tuple[str, ...] = ()) -> Any:
    """``shape`` as plain data with named objects inlined (names dropped)."""
    if isinstance(shape, Ref):
        obj = next(o for o in api.shapes if o.name == shape.name)
        if shape.name in seen:
            return ("cycle", obj.title)
        fields = tuple(
            (
                f.wire_name,
                f.python_name,
                f.required,
                f.description,
                resolved(f.shape, api, (*seen, shape.name)),
            )
            for f in obj.fields
        )
        return ("object", fields, obj.additional)
    if isinstance(shape, Array):
        return ("array", resolved(shape.items, api, seen))
    if isinstance(shape, Map):
        return ("map", resolved(shape.values, api, seen))
    if isinstance(shape, Emptyable):
        return ("emptyable", resolved(shape.shape, api, seen))
    if isinstance(shape, Union):
        return ("union", tuple(resolved(v, api, seen) for v in shape.variants))
    return shape


def operation_view(op: Operation, api: Api) -> dict[str, Any]:
    params = (*op.path_params, *op.query_params, *op.header_params)
    body = op.body and (op.body.media_type, op.body.required, resolved(op.body.shape, api))
    return {
        "method": op.method,
        "path": op.path,
        "parameters": sorted((p.name, p.location, p.required) for p in params),
        "body": body,
    }


def first_difference(a: Any, b: Any, where: str = "") -> str:
    """Where two views first differ, as a readable path."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if a[key] != b.get(key):
                return first_difference(a[key], b.get(key), f"{where}/{key}")
    if isinstance(a, tuple | list) and isinstance(b, tuple | list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{where}/{i}")
    return f"{where or '/'}: {str(a)[:80]} != {str(b)[:80]}"


def compare(pages: list[RawPage], document: list[RawPage], name: str) -> tuple[int, list[str]]:
    """(operations with equal models, lines for the others); asserts equal schemas agree."""
    api_p, api_d = normalise(name, pages, Reporter()), normalise(name, document, Reporter())
    ops_p = {op.operation_id: op for op in api_p.operations}
    ops_d = {op.operation_id: op for op in api_d.operations}
    raw_d = {p.operation_id: p for p in document}
    equal, others, broken = 0, [], []
    for raw in sorted(pages, key=lambda p: p.operation_id):
        op_id = raw.operation_id or "post_speakers"
        if op_id not in ops_d:
            others.append(f"{op_id}: not in the document")
            continue
        if without_empty_properties(raw.schema) != without_empty_properties(raw_d[op_id].schema):
            others.append(f"{op_id}: page schema differs from the document's")
            continue
        if raw_parameters(raw) != raw_parameters(raw_d[op_id]):
            others.append(
                f"{op_id}: parameters differ: {raw_parameters(raw) ^ raw_parameters(raw_d[op_id])}"
            )
            continue
        view_p, view_d = operation_view(ops_p[op_id], api_p), operation_view(ops_d[op_id], api_d)
        if view_p == view_d:
            equal += 1
        elif view_p == {**view_d, "body": _body_required_as(view_d["body"], view_p["body"])}:
            # requestBody.required has no place on a page (a page's body is required when its
            # schema lists required properties): equal in everything the page can say
            others.append(f"{op_id}: equal but for requestBody.required, which a page cannot say")
            equal += 1
        else:
            broken.append(f"{op_id}: {first_difference(view_p, view_d)}")
    assert not broken, "\n".join(broken)
    return equal, others


def _body_required_as(body: Any, page_body: Any) -> Any:
    """The document's body view with the page's ``required``."""
    if body is None or page_body is None:
        return body
    return (body[0], page_body[1], *body[2:])


def raw_parameters(page: RawPage) -> frozenset[tuple[str, str, bool]]:
    """What a page lists of each parameter (the document lists the same, with schemas)."""
    return frozenset((p.name, p.location, p.required) for p in page.parameters)


def document(path: Path) -> list[RawPage]:
    return list(shared_document(path)[0].pages)


def report(name: str, equal: int, others: list[str]) -> None:
    print(f"\nround trip 6, {name}: {equal} operations give equal models; {len(others)} others:")
    for line in others:
        print(f"  {line}")


@pytest.mark.slow
def test_stripe_pages_and_spec3(corpus: Path) -> None:
    pages = list(shared_pages(corpus / "pages" / "stripe")[0])
    equal, others = compare(pages, document(corpus / "stripe-openapi" / "spec3.json"), "stripe")
    report("stripe pages vs spec3.json", equal, others)
    assert equal + len(others) == len(pages) == 446
    assert equal >= 300  # SOURCES.md: about 80 pages differ from spec3


@pytest.mark.parametrize(
    ("folder", "spec"), [("sample", "sample"), ("apis-io-maintainers", "apis-io-maintainers")]
)
def test_small_apis_pages_and_documents(corpus: Path, folder: str, spec: str) -> None:
    pages = list(shared_pages(corpus / "pages" / folder)[0])
    equal, others = compare(pages, document(corpus / "specs" / f"{spec}.yaml"), folder)
    report(f"{folder} pages vs {spec}.yaml", equal, others)
    assert equal >= len(pages) - 1  # sample/.html has no operation id in the document

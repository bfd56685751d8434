"""Normalisation: every schema idiom, diagnostics, order independence, round trips 1 and 2."""

from __future__ import annotations

import copy
import dataclasses
import random
import time
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.diagnostics import Reporter
from generator.model import (
    AnyShape,
    Api,
    Array,
    Binary,
    Body,
    Bounds,
    Const,
    Discriminator,
    Emptyable,
    Enum,
    Integer,
    Keys,
    Map,
    Null,
    Number,
    PatternField,
    Ref,
    String,
    Union,
    body_schema,
    normalise,
    shape_schema,
)
from generator.scrape import scrape_page
from generator.scrape.records import RawPage, RawParameter, RawResponse
from tests.conftest import shared_document


@cache
def stripe_pages(corpus: Path) -> tuple[RawPage, ...]:
    reporter = Reporter()
    found = (scrape_page(p, reporter, display=p.name)
             for p in sorted((corpus / "pages" / "stripe").glob("*.html")))
    return tuple(p for p in found if p is not None)


@cache
def spec_pages(corpus: Path) -> tuple[RawPage, ...]:
    return tuple(shared_document(corpus / "stripe-openapi" / "spec3.json")[0].pages)


@cache
def stripe_api(corpus: Path) -> Api:
    return normalise("stripe", stripe_pages(corpus), Reporter())


def page(schema: Any = None, *, path: str = "/v1/things/{thing}", method: str = "POST",
         op_id: str = "PostThing", params: tuple[RawParameter, ...] | None = None,
         file: str | None = None) -> RawPage:
    if params is None:
        params = tuple(RawParameter(n, "path", "string", True, "", 3)
                       for n in path.replace("}", "{").split("{")[1::2])
    return RawPage(
        file=file or f"{op_id}.html", operation_id=op_id, title="", summary="", description="",
        method=method, path=path, query_template=(), host="api.example.com:443", headers=(),
        parameters=params, media_type="application/x-www-form-urlencoded" if schema else "",
        schema=schema, responses=(RawResponse("200", "ok"),), line=2, schema_line=7,
        has_body=schema is not None,
    )


def body(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"additionalProperties": False, "properties": props, "type": "object", **extra}


def field_shape(prop: Any, reporter: Reporter | None = None) -> tuple[Any, Api]:
    api = normalise("t", [page(body({"f": prop}))], reporter or Reporter())
    op = api.operations[0]
    assert op.body is not None and isinstance(op.body.shape, Ref)
    obj = {o.name: o for o in api.shapes}[op.body.shape.name]
    return obj.fields[0].shape, api


EMPTY = {"enum": [""], "type": "string"}
OBJ = {"properties": {"a": {"type": "string"}}, "title": "thing_params", "type": "object"}


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ({"anyOf": [{"type": "integer"}, EMPTY]}, Emptyable(Integer())),
        ({"anyOf": [EMPTY, {"type": "integer"}]}, Emptyable(Integer())),
        ({"anyOf": [{"type": "integer"}, {"enum": ["now"], "type": "string"}]},
         Union((Integer(), Enum(("now",))))),
        ({"anyOf": [{"type": "integer"}, EMPTY, {"maxLength": 5, "type": "string"}]},
         Emptyable(Union((Integer(), String(max_length=5))))),
        ({"enum": ["", "a", "b"], "maxLength": 9, "type": "string"},
         Emptyable(Enum(("a", "b"), max_length=9))),
        ({"enum": ["a"], "type": "string", "x-stripeBypassValidation": True},
         Enum(("a",), open=True)),
        ({"anyOf": [{"enum": ["a"], "type": "string"}, {"type": "integer"}],
          "x-stripeBypassValidation": True}, Union((Enum(("a",), open=True), Integer()))),
        ({"maxLength": 9, "type": "string", "x-stripeBypassValidation": True}, String(9)),
        ({"additionalProperties": {"type": "string"}, "type": "object"}, Map(String())),
        ({"additionalProperties": True, "type": "object"}, Map(AnyShape())),
        ({"format": "unix-time", "type": "integer"}, Integer(format="unix-time")),
        ({"format": "decimal", "type": "string"}, String(format="decimal")),
        ({"format": "binary", "type": "string"}, Binary()),
        ({"pattern": "^a+$", "type": "string"}, String(pattern="^a+$")),
        ({"items": {"type": "integer"}, "type": "array"}, Array(Integer())),
        ({"type": ["string", "integer"]}, Union((String(), Integer()))),
        ({"description": "only words"}, AnyShape()),
    ],
)
def test_idioms(prop: dict[str, Any], expected: Any) -> None:
    reporter = Reporter()
    assert field_shape(prop, reporter)[0] == expected
    assert reporter.items == []


def test_object_field_and_union_with_string() -> None:
    shape, api = field_shape({"anyOf": [OBJ, {"maxLength": 5000, "type": "string"}]})
    assert shape == Union((Ref("ThingParams"), String(5000)))
    obj = {o.name: o for o in api.shapes}["ThingParams"]
    assert obj.title == "thing_params" and obj.additional is True
    assert [(f.wire_name, f.required) for f in obj.fields] == [("a", False)]


def test_empty_objects_with_and_without_properties_agree() -> None:
    with_props, api1 = field_shape({"properties": {}, "title": "param", "type": "object"})
    _without, api2 = field_shape({"title": "param", "type": "object"})
    assert api1 == api2
    assert with_props == Map(AnyShape("absent"))  # an open map (metadata: {type: object}), not an empty TypedDict


def test_top_level_body_without_properties_takes_no_keys() -> None:
    api = normalise("t", [page({"additionalProperties": False, "type": "object"})], Reporter())
    assert api.shapes[0].fields == () and api.shapes[0].additional is False


@pytest.mark.parametrize(
    ("prop", "pointer", "expected"),
    [
        ({"not": {"type": "string"}}, "/properties/f/not", AnyShape("unchecked")),
        ({"type": "string", "if": {"maxLength": 1}}, "/properties/f/if", String()),
        ({"type": "array", "contains": {"type": "string"}}, "/properties/f/contains",
         Array(AnyShape("absent"))),
        ({"type": "strange"}, "/properties/f/type", AnyShape("unchecked")),
        ({"anyOf": [{"type": "string"}, {"not": {}}]}, "/properties/f/anyOf/1/not",
         Union((String(), AnyShape("unchecked")))),
        ({"type": "string", "pattern": "\\p{L}+"}, "/properties/f/pattern", String()),
    ],
)
def test_unchecked_constructs_warn_with_pointer(prop: Any, pointer: str, expected: Any) -> None:
    reporter = Reporter()
    shape, api = field_shape(prop, reporter)
    assert len(api.operations) == 1
    assert shape == expected
    [diag] = reporter.items
    assert (diag.level, diag.file, diag.line, diag.pointer) == ("warning", "PostThing.html", 7,
                                                                  pointer)


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ({"type": "string", "nullable": True}, Union((String(), Null()))),
        ({"type": ["string", "null"]}, Union((String(), Null()))),
        ({"type": "null"}, Null()),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]},
         Union((String(), Integer()), exclusive=True)),
        ({"const": "v1"}, Enum(("v1",))),
        ({"const": 3}, Const((3,))),
        ({"type": "integer", "enum": [512, 4096]}, Const((512, 4096))),
        ({"enum": [1, True, "a", None]}, Union((Enum(("a",)), Const((1, True)), Null()))),
        ({"type": "string", "enum": ["a", None], "nullable": True}, Union((Enum(("a",)), Null()))),
        ({"type": "string", "enum": ["a", None]}, Enum(("a",))),  # null is not a string
        ({"type": "string", "enum": ["a"], "nullable": True}, Union((Enum(("a",)), Null()))),
        ({"const": 3, "nullable": True}, Union((Const((3,)), Null()))),
        ({"type": ["string", "null"], "enum": ["a"]}, Enum(("a",))),  # 3.1: the enum decides
        ({"type": "integer", "minimum": 0, "exclusiveMaximum": 10, "multipleOf": 2},
         Integer(bounds=Bounds(minimum=0, exclusive_maximum=10, multiple_of=2))),
        ({"type": "number", "minimum": 1.5, "exclusiveMinimum": True},  # OpenAPI 3.0 form
         Number(bounds=Bounds(exclusive_minimum=1.5))),
        ({"type": "string", "minLength": 2, "maxLength": 4, "format": "uuid"},
         String(max_length=4, format="uuid", min_length=2)),
        ({"type": "string", "contentMediaType": "image/png"}, Binary()),
        ({"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3,
          "uniqueItems": True}, Array(String(), min_items=1, max_items=3, unique_items=True)),
        ({"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 2,
          "propertyNames": {"pattern": "^[a-z]+$"}},
         Map(Integer(), Keys(max_properties=2, names=String(pattern="^[a-z]+$")))),
        ({"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
         Map(AnyShape("absent"), Keys(patterns=(PatternField("^x-", String()),)))),
        ({"allOf": [{"type": "string"}, {"maxLength": 3}]}, String(max_length=3)),
        ({"allOf": [{"type": "integer", "minimum": 1}, {"minimum": 5, "maximum": 9}]},
         Integer(bounds=Bounds(minimum=5, maximum=9))),
        ({"allOf": [{"type": "string"}], "nullable": True}, Union((String(), Null()))),
    ],
)
def test_json_schema_vocabulary(prop: dict[str, Any], expected: Any) -> None:
    reporter = Reporter()
    assert field_shape(prop, reporter)[0] == expected
    assert reporter.items == []


def test_all_of_merges_objects_and_a_contradiction_is_a_located_error() -> None:
    a = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    b = {"properties": {"b": {"type": "integer"}, "a": {"maxLength": 3}}}
    shape, api = field_shape({"allOf": [a, b]})
    [obj] = [o for o in api.shapes if Ref(o.name) == shape]
    assert [(f.wire_name, f.shape, f.required) for f in obj.fields] == [
        ("a", String(max_length=3), True), ("b", Integer(), False)]
    reporter = Reporter()
    shape, _ = field_shape({"allOf": [{"type": "string"}, {"type": "integer"}]}, reporter)
    [diag] = reporter.items
    assert (diag.level, diag.code, diag.pointer) == ("error", "all-of-conflict",
                                                     "/properties/f/allOf/1/type")


def test_discriminator_tags_variants_by_mapping_and_by_schema_name() -> None:
    cat = {"type": "object", "properties": {"kind": {"type": "string"}, "meow": {"type": "boolean"}},
           "x-doc2client-ref": "#/components/schemas/Cat"}
    dog = {"type": "object", "properties": {"kind": {"type": "string"}, "bark": {"type": "boolean"}},
           "x-doc2client-ref": "#/components/schemas/Dog"}
    prop = {"oneOf": [cat, dog], "discriminator": {
        "propertyName": "kind", "mapping": {"kitty": "#/components/schemas/Cat"}}}
    shape, _ = field_shape(prop)
    assert isinstance(shape, Union) and shape.exclusive
    assert shape.discriminator == Discriminator("kind", (("Dog", 1), ("kitty", 0)))


def test_recursive_reference_is_a_named_recursive_type() -> None:
    category = {"type": "object", "x-doc2client-recursive": "#/components/schemas/Category",
                "properties": {"name": {"type": "string"},
                               "parent": {"$ref": "#/components/schemas/Category"}}}
    shape, api = field_shape(category)
    assert isinstance(shape, Ref)
    [obj] = [o for o in api.shapes if o.name == shape.name]
    assert [f.shape for f in obj.fields] == [String(), shape]


def test_read_only_out_of_requests_deprecated_and_default_kept_on_fields() -> None:
    _, api = field_shape({"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string", "readOnly": True},
        "old": {"type": "integer", "deprecated": True, "default": 3}}})
    [obj] = [o for o in api.shapes if o.fields and o.fields[0].wire_name == "old"]
    assert [(f.wire_name, f.required, f.deprecated, f.default) for f in obj.fields] == [
        ("old", False, True, "3")]  # readOnly "id" is not sent, so not required either


def test_field_clash_is_a_note_and_disambiguated() -> None:
    """Names made distinct by the documented rule are a note (the input is not at fault)."""
    reporter = Reporter()
    api = normalise("t", [page(body({"a-b": {"type": "string"}, "a_b": {"type": "string"}}))],
                    reporter)
    fields = {f.wire_name: f.python_name for f in api.shapes[0].fields}
    assert fields == {"a-b": "a_b_2", "a_b": "a_b"}
    [diag] = reporter.items
    assert diag.level == "note" and "'a-b'" in diag.message and "'a_b'" in diag.message


def test_has_body_without_schema_gives_any() -> None:
    raw = dataclasses.replace(page(), has_body=True, media_type="application/json")
    assert normalise("t", [raw], Reporter()).operations[0].body == Body("application/json",
                                                                        AnyShape("absent"))


def test_parameters_from_page_types_and_path_order() -> None:
    params = (
        RawParameter("b", "path", "string", True, "", 3),
        RawParameter("a", "path", "string", True, "", 4),
        RawParameter("limit", "query", "integer", False, "", 5),
        RawParameter("expand", "query", "array", False, "", 6),
        RawParameter("x", "query", "", False, "", 7),
        RawParameter("Stripe-Version", "header", "string", False, "", 8),
    )
    op = normalise("t", [page(path="/v1/{a}/x/{b}", params=params)], Reporter()).operations[0]
    assert [p.name for p in op.path_params] == ["a", "b"]
    assert [p.shape for p in op.query_params] == [
        Integer(), Array(AnyShape("absent")), AnyShape("absent")]
    assert op.header_params[0].python_name == "stripe_version"


def test_path_placeholder_mismatches_are_errors_and_repaired() -> None:
    reporter = Reporter()
    params = (RawParameter("ghost", "path", "string", True, "", 3),)
    op = normalise("t", [page(path="/v1/things/{thing}", params=params)], reporter).operations[0]
    assert [(p.name, p.shape, p.required) for p in op.path_params] == [("thing", String(), True)]
    messages = sorted(d.message for d in reporter.items if d.level == "error")
    assert len(messages) == 2
    assert "'ghost'" in messages[0] and "'{thing}'" in messages[1]
    assert "required string parameter is assumed" in messages[1]


def test_duplicate_and_missing_operation_ids() -> None:
    reporter = Reporter()
    pages = [page(op_id="Same", file="b.html"), page(op_id="Same", file="a.html"),
             page(op_id="", path="/speakers", method="GET", file="c.html")]
    api = normalise("t", pages, reporter)
    assert [op.operation_id for op in api.operations] == ["Same", "get_speakers"]
    assert api.operations[0].source.file == "a.html"
    errors = [d for d in reporter.items if d.level == "error"]
    assert [d.file for d in errors] == ["b.html"]
    assert any(d.level == "warning" and "get_speakers" in d.message for d in reporter.items)


def test_seed_shares_optional_fields_address(corpus: Path) -> None:
    api = stripe_api(corpus)
    op = next(o for o in api.operations if o.operation_id == "PostCustomersCustomer")
    assert (op.resource, op.method_name) == (("customers",), "update")
    titled = [o for o in api.shapes if o.title == "optional_fields_address"]
    assert len(titled) == 1
    text = repr([o for o in api.shapes if o.name.startswith("PostCustomersCustomer")])
    assert text.count(f"Ref(name='{titled[0].name}'") >= 1
    names = [o.name for o in api.shapes]
    assert names == sorted(names) and len(set(names)) == len(names)
    same = {o for o in api.shapes if o.title == "param"}
    assert len(same) > 1 and all(o.name.endswith("Param") for o in same)


def test_order_independent_and_fast(corpus: Path) -> None:
    pages = list(stripe_pages(corpus))
    assert len(pages) == 446
    start = time.perf_counter()
    api = normalise("stripe", pages, Reporter())
    elapsed = time.perf_counter() - start
    print(f"normalise: {len(pages)} pages in {elapsed * 1000:.0f} ms")
    shuffled = pages[:]
    random.Random(7).shuffle(shuffled)
    assert normalise("stripe", shuffled, Reporter()) == api
    assert api.base_url == "https://api.stripe.com"
    assert len({(op.resource, op.method_name) for op in api.operations}) == 446


@pytest.mark.parametrize("source", ["pages", "spec3"])
def test_round_trip_1_page_model_page_model(corpus: Path, source: str) -> None:
    pages = stripe_pages(corpus) if source == "pages" else spec_pages(corpus)
    api = normalise("stripe", pages, Reporter())
    by_id = {op.operation_id: op for op in api.operations}
    rewritten = []
    for raw in pages:
        op = by_id[raw.operation_id]
        params = tuple(
            dataclasses.replace(p, schema=shape_schema(_param(op, p).shape, api))
            if p.schema is not None else p for p in raw.parameters)
        rewritten.append(dataclasses.replace(raw, schema=body_schema(op, api), parameters=params))
    assert normalise("stripe", rewritten, Reporter()) == api


def _param(op: Any, raw: RawParameter) -> Any:
    every = (*op.path_params, *op.query_params, *op.header_params)
    return next(p for p in every if (p.name, p.location) == (raw.name, raw.location))


# Round trip 2: the implied schema gives the page schema's verdict.


def instances(schema: Any, depth: int = 0) -> list[Any]:
    """A few deterministic instances of ``schema``: valid ones, and near misses."""
    if not isinstance(schema, dict) or depth > 6:
        return [None]
    if "anyOf" in schema:
        return [v for b in schema["anyOf"] for v in instances(b, depth + 1)[:2]]
    if "enum" in schema:
        return [*schema["enum"], "not-a-listed-value"]
    kind = schema.get("type")
    if kind == "string":
        return ["x", "y" * (schema.get("maxLength", 10) + 1), 3]
    if kind in ("integer", "number"):
        return [2, "2", 1.5]
    if kind == "boolean":
        return [True, "true"]
    if kind == "array":
        return [[v] for v in instances(schema.get("items", {}), depth + 1)[:3]] + ["a"]
    if kind == "object":
        return objects(schema, depth)
    return [None, {}]


def objects(schema: dict[str, Any], depth: int) -> list[Any]:
    props = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    if not props and isinstance(extra, dict):
        return [{"k": v} for v in instances(extra, depth + 1)[:3]] + [[]]
    full = {k: instances(v, depth + 1)[0] for k, v in props.items()}
    result: list[Any] = [full, {"unknown_key": 1}, "string"]
    required = schema.get("required", [])
    result.append({k: full[k] for k in required})
    result.extend({k: v for k, v in full.items() if k != r} for r in required[:2])
    for key, sub in list(props.items())[:8]:
        result.extend({**full, key: v} for v in instances(sub, depth + 1)[1:3])
    return result


def test_round_trip_2_same_verdicts(corpus: Path) -> None:
    api = stripe_api(corpus)
    by_id = {op.operation_id: op for op in api.operations}
    verdicts = {True: 0, False: 0}
    for raw in stripe_pages(corpus):
        if raw.schema is None:
            continue
        implied = body_schema(by_id[raw.operation_id], api)
        page_v = jsonschema.Draft202012Validator(raw.schema)
        model_v = jsonschema.Draft202012Validator(implied)
        for instance in instances(copy.deepcopy(raw.schema)):
            verdict = page_v.is_valid(instance)
            assert model_v.is_valid(instance) == verdict, (raw.operation_id, instance)
            verdicts[verdict] += 1
    print(f"round trip 2: {verdicts[True]} valid, {verdicts[False]} invalid instances agree")
    assert verdicts[True] > 300 and verdicts[False] > 2000


def test_round_trip_2_hypothesis_instances(corpus: Path) -> None:
    api = stripe_api(corpus)
    by_id = {op.operation_id: op for op in api.operations}
    chosen = [p for p in stripe_pages(corpus) if p.schema][::25]
    start = time.perf_counter()
    for raw in chosen:
        implied = body_schema(by_id[raw.operation_id], api)
        assert raw.schema is not None and implied is not None
        accepts_generated(raw.schema, implied)()
    print(f"hypothesis: {len(chosen)} operations in {time.perf_counter() - start:.1f} s")


def accepts_generated(page_schema: dict[str, Any], implied: dict[str, Any]) -> Any:
    """A hypothesis test: instances of the page's schema are valid under both schemas."""
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis_jsonschema import from_schema

    page_v = jsonschema.Draft202012Validator(page_schema)
    model_v = jsonschema.Draft202012Validator(implied)

    @seed(0)
    @settings(max_examples=3, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(from_schema(page_schema))
    def check(instance: Any) -> None:
        assert page_v.is_valid(instance) and model_v.is_valid(instance)

    return check


def test_a_type_that_is_an_object_is_a_located_warning(tmp_path: Path) -> None:
    """``"type": {...}`` (not a string) is reported where it stands, never a traceback."""
    import re as regex

    from generator.scrape.page import scrape_page
    from tests.conftest import SEED_PAGE

    bad = '{&quot;type&quot;: {&quot;type&quot;: &quot;object&quot;}}'
    text = regex.sub(r'(<pre\s+class="schema">).*?(</pre>)', lambda m: m[1] + bad + m[2],
                     SEED_PAGE.read_text(encoding="utf-8"), count=1, flags=regex.S)  # fmt: skip
    page = tmp_path / SEED_PAGE.name
    page.write_text(text, encoding="utf-8")
    reporter = Reporter()
    raw = scrape_page(page, reporter)
    assert raw is not None
    normalise("stripe", [raw], reporter)
    assert [(d.pointer, d.code) for d in reporter.sorted()] == [("/type", "unsupported")]

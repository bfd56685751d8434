"""The change report: unit tests on hand-built models, edits of copied pages, real drift."""

from __future__ import annotations

import contextlib
import html
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator.diff import (
    DOC_KINDS,
    Change,
    ChangeReport,
    describe,
    diff_apis,
    render_json,
    render_markdown,
)
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Body,
    Boolean,
    Const,
    Emptyable,
    Enum,
    Field,
    Integer,
    Keys,
    Map,
    Null,
    Number,
    Object,
    Operation,
    Parameter,
    Ref,
    Shape,
    String,
    Union,
)
from tests.conftest import ROOT, SEED_OPERATION

# --- hand-built models ------------------------------------------------------------------



def diff_command(old: Path, new: Path, *, as_json: bool, name: str | None) -> int:
    """``doc2client diff OLD NEW`` as the command line runs it."""
    from generator.cli import main

    flags = [*(["--json"] if as_json else []), *(["--name", name] if name else [])]
    return main(["diff", str(old), str(new), *flags])


def field(name: str, shape: Shape, *, required: bool = False, description: str = "") -> Field:
    return Field(name, name, shape, required, description)


def operation(
    op_id: str = "PostThingsThing", path: str = "/v1/things/{thing}", **kw: object
) -> Operation:
    defaults: dict[str, object] = {
        "resource": ("things",),
        "method_name": "update",
        "path_params": (Parameter("thing", "thing", "path", String(), required=True),),
        "body": Body("application/x-www-form-urlencoded", Ref("Body")),
    }
    defaults.update(kw)
    return Operation(op_id, "POST", path, **defaults)  # type: ignore[arg-type]


def api(
    *fields: Field, ops: tuple[Operation, ...] | None = None, extra: tuple[Object, ...] = ()
) -> Api:
    shapes = (Object("Body", tuple(fields)), *extra)
    return Api(
        "things",
        "",
        ops if ops is not None else (operation(),),
        tuple(sorted(shapes, key=lambda s: s.name)),
    )


def only(report: ChangeReport) -> Change:
    assert len(report.changes) == 1, report.changes
    return report.changes[0]


def change_of(old: Shape, new: Shape) -> ChangeReport:
    return diff_apis(api(field("x", old)), api(field("x", new)))


def kinds(report: ChangeReport) -> list[tuple[str, str, bool]]:
    return [(c.kind, c.field_path, c.breaking) for c in report.changes]


def test_equal_models_have_no_changes() -> None:
    base = api(
        field("a", Emptyable(String(max_length=10))),
        field("b", Array(Ref("Item"))),
        extra=(Object("Item", (field("c", Integer()),)),),
    )
    assert diff_apis(base, base).changes == ()


def test_field_removed_is_breaking_and_added_optional_is_not() -> None:
    old, new = api(field("a", String())), api(field("b", String()))
    assert kinds(diff_apis(old, new)) == [("field-removed", "a", True), ("field-added", "b", False)]


def test_field_added_required_is_breaking() -> None:
    change = only(diff_apis(api(), api(field("b", String(), required=True))))
    assert (change.kind, change.after, change.breaking) == ("field-added", "required", True)


@pytest.mark.parametrize(
    ("before", "after", "breaking"), [(False, True, True), (True, False, False)]
)
def test_required_changed(before: bool, after: bool, breaking: bool) -> None:
    change = only(
        diff_apis(
            api(field("a", String(), required=before)), api(field("a", String(), required=after))
        )
    )
    assert (change.kind, change.field_path, change.breaking) == ("required-changed", "a", breaking)
    assert (
        change.message == f"POST /v1/things/{{thing}} a: now {change.after} (was {change.before})"
    )


@pytest.mark.parametrize(
    ("old", "new", "breaking"),
    [
        (String(), Emptyable(String()), False),
        (Emptyable(String()), String(), True),
        (Enum(("a",)), Enum(("a",), open=True), False),
        (Enum(("a",), open=True), Enum(("a",)), True),
        (Enum(("a",)), String(), False),
        (String(), Enum(("a",)), True),
        (Integer(), Number(), False),
        (Number(), Integer(), True),
        (String(), AnyShape(), False),
        (AnyShape(), String(), True),
        (String(), Integer(), True),
        (Ref("Item"), String(), True),
        (Array(String()), String(), True),
    ],
)
def test_type_changes_break_unless_widening(old: Shape, new: Shape, breaking: bool) -> None:
    report = change_of(old, new)
    assert report.changes, "no change reported"
    assert {c.breaking for c in report.changes} == {breaking}
    assert all(c.field_path == "x" for c in report.changes)


def test_union_variant_added_is_not_breaking_and_removed_is() -> None:
    narrow, wide = Integer(), Union((Integer(), Enum(("now",))))
    added, removed = change_of(narrow, wide), change_of(wide, narrow)
    assert kinds(added) == [("type-changed", "x", False)]
    assert "also enum" in added.changes[0].message
    assert kinds(removed) == [("type-changed", "x", True)]


def test_union_variants_are_compared_inside() -> None:
    old = Union((Ref("Item"), String(max_length=5000)))
    new = Union((String(max_length=100), Ref("Item2")))
    items = (Object("Item", (field("c", Integer()),)), Object("Item2", (field("d", Integer()),)))
    report = diff_apis(api(field("x", old), extra=items), api(field("x", new), extra=items))
    assert kinds(report) == [
        ("max-length-lowered", "x", True),
        ("field-removed", "x.c", True),
        ("field-added", "x.d", False),
    ]


def test_named_variants_are_told_apart_and_paired_by_name() -> None:
    """``Cat | Dog``: a change to a field both have is reported once for each, at
    ``x<Cat>.weight`` and ``x<Dog>.weight``; variants in another order pair by name."""

    def pets(weight: Shape) -> tuple[Object, ...]:
        return tuple(Object(n, (field("weight", weight), field(n.lower(), Integer())))
                     for n in ("Cat", "Dog"))  # fmt: skip

    old = api(field("x", Union((Ref("Cat"), Ref("Dog")))), extra=pets(Integer()))
    new = api(field("x", Union((Ref("Dog"), Ref("Cat")))), extra=pets(Number()))
    assert kinds(diff_apis(old, new)) == [
        ("type-changed", "x<Cat>.weight", False),
        ("type-changed", "x<Dog>.weight", False),
    ]


def test_enum_values_added_and_removed() -> None:
    report = change_of(Enum(("a", "b")), Enum(("b", "c")))
    assert kinds(report) == [("enum-value-added", "x", False), ("enum-value-removed", "x", True)]
    assert [(c.before, c.after) for c in report.changes] == [("", "'c'"), ("'a'", "")]


def test_enum_value_removed_from_open_enum_is_not_breaking() -> None:
    assert kinds(change_of(Enum(("a", "b"), open=True), Enum(("a",), open=True))) == [
        ("enum-value-removed", "x", False)
    ]


def test_emptyable_enum_values_are_compared_through_the_wrapper() -> None:
    report = change_of(Emptyable(Enum(("a",))), Emptyable(Enum(("a", "b"))))
    assert kinds(report) == [("enum-value-added", "x", False)]


@pytest.mark.parametrize(
    ("old", "new", "kind", "breaking"),
    [
        (5000, 100, "max-length-lowered", True),
        (100, 5000, "max-length-raised", False),
        (None, 100, "max-length-lowered", True),
        (100, None, "max-length-raised", False),
    ],
)
def test_max_length(old: int | None, new: int | None, kind: str, breaking: bool) -> None:
    change = only(change_of(String(max_length=old), String(max_length=new)))
    assert (change.kind, change.breaking) == (kind, breaking)


def test_format_lost_that_took_a_richer_type_is_breaking() -> None:
    assert kinds(change_of(Integer("unix-time"), Integer())) == [("format-changed", "x", True)]
    assert kinds(change_of(Integer(), Integer("unix-time"))) == [("format-changed", "x", False)]


def test_nested_fields_by_dotted_path_through_arrays_maps_and_refs() -> None:
    def shapes(city: Shape) -> tuple[Object, ...]:
        return (
            Object("Address", (field("city", city),)),
            Object("Line", (field("address", Ref("Address")),)),
        )

    old = api(
        field("lines", Array(Ref("Line"))), field("meta", Map(String())), extra=shapes(String())
    )
    new = api(
        field("lines", Array(Ref("Line"))), field("meta", Map(Integer())), extra=shapes(Integer())
    )
    assert kinds(diff_apis(old, new)) == [
        ("type-changed", "lines[].address.city", True),
        ("type-changed", "meta.*", True),
    ]


def test_recursive_shapes_terminate() -> None:
    node = Object("Node", (field("child", Ref("Node")), field("v", String())))
    new_node = Object("Node", (field("child", Ref("Node")), field("v", Integer())))
    report = diff_apis(
        api(field("n", Ref("Node")), extra=(node,)), api(field("n", Ref("Node")), extra=(new_node,))
    )
    assert kinds(report) == [("type-changed", "n.v", True)]


def test_parameters_are_compared_by_location() -> None:
    expand = Parameter("expand", "expand", "query", Array(String()))
    old = api(ops=(operation(query_params=(expand,)),))
    new = api(
        ops=(
            operation(
                query_params=(replace(expand, required=True),),
                header_params=(Parameter("Idem", "idem", "header", String()),),
            ),
        )
    )
    assert kinds(diff_apis(old, new)) == [
        ("field-added", "header:Idem", False),
        ("required-changed", "query:expand", True),
    ]


def test_operations_added_removed_and_matched_by_path_then_id() -> None:
    moved = operation(path="/v2/things/{id}")  # same route: placeholder names do not count
    renamed = operation(op_id="UpdateThing")  # same route, new id
    gone = operation(op_id="PostOther", path="/v1/other")
    new_id_path = operation(op_id="PostOther", path="/v1/others")  # id matches
    added = operation(op_id="GetThing", path="/v1/things", method_name="list")
    old = api(ops=(operation(), gone))
    assert kinds(diff_apis(old, api(ops=(renamed, new_id_path)))) == [
        ("operation-renamed", "", False)
    ]
    report = diff_apis(old, api(ops=(moved, added)))
    assert [(c.operation_id, c.kind, c.breaking) for c in report.changes] == [
        ("GetThing", "operation-added", False),
        ("PostOther", "operation-removed", True),
    ]


def test_body_changes() -> None:
    no_body = api(ops=(operation(body=None),))
    with_body = api(field("a", String(), required=True))
    assert kinds(diff_apis(with_body, no_body)) == [("body-removed", "", True)]
    assert kinds(diff_apis(no_body, with_body)) == [("body-added", "", False)]
    json_body = api(
        field("a", String(), required=True),
        ops=(operation(body=Body("application/json", Ref("Body"))),),
    )
    assert kinds(diff_apis(with_body, json_body)) == [("media-type-changed", "", False)]


def test_descriptions_and_titles_are_reported_never_breaking() -> None:
    old = api(field("a", String(), description="old"))
    new = api(field("a", String(), description="new"))
    assert kinds(diff_apis(old, new)) == [("description-changed", "a", False)]


def test_order_is_deterministic() -> None:
    old = api(*(field(n, String()) for n in "dcba"))
    new = api(*(field(n, Integer()) for n in "abcd"))
    report = diff_apis(old, new)
    assert [c.field_path for c in report.changes] == ["a", "b", "c", "d"]
    assert report.changes == tuple(sorted(report.changes))


def test_render_markdown_sections_and_counts() -> None:
    old = api(
        field("a", String()),
        field("b", String()),
        ops=(operation(), operation("PostGone", "/v1/gone")),
    )
    new = api(
        field("b", String()),
        field("c", String()),
        ops=(operation(), operation("GetNew", "/v1/new")),
    )
    text = render_markdown(diff_apis(old, new))
    assert "things → things: 2 breaking, 1 other changes; 1 operations added, 1 removed" in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Breaking changes",
        "## Other changes",
        "## Operations added",
        "## Operations removed",
    ]
    assert "- `a`: field removed (was string)" in text
    assert "### POST /v1/things/{thing} (PostThingsThing)" in text
    assert "- POST /v1/gone (PostGone)" in text


def test_render_json_is_stable_and_complete() -> None:
    report = diff_apis(api(field("a", String())), api(field("a", Integer())))
    text = render_json(report)
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["summary"] == {
        "breaking": 1,
        "changes": 1,
        "operations_added": 0,
        "operations_removed": 0,
    }
    assert data["changes"][0]["field_path"] == "a"
    assert data["changes"][0]["before"] == "string"


# --- edits of copied pages --------------------------------------------------------------

SCHEMA = re.compile(r'(<pre  class="schema">)(.*?)(</pre>)', re.S)
DOC = frozenset({"description", "title"})


def edit_schema(page: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit the schema of a page as the page tool writes it (entity-encoded JSON)."""
    text = page.read_text(encoding="utf-8")
    match = SCHEMA.search(text)
    assert match is not None
    schema = json.loads(html.unescape(match.group(2)))
    edit(schema)
    encoded = html.escape(json.dumps(schema, indent=2), quote=True).replace("\n", "&#xA;")
    page.write_text(text[: match.start(2)] + encoded + text[match.end(2) :], encoding="utf-8")


def copy_pages(corpus: Path, folder: Path, names: Sequence[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(corpus / "pages" / "stripe" / f"{name}.html", folder)
    return folder


def props(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["properties"]  # type: ignore[no-any-return]


def drop_empty_branch(schema: dict[str, Any]) -> None:
    branches = props(schema)["address"].pop("anyOf")
    props(schema)["address"].update(next(b for b in branches if b.get("enum") != [""]))


PAGE_EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], tuple[str, str, bool]]] = {
    "remove a field": (lambda s: props(s).pop("email"), ("field-removed", "email", True)),
    "add an enum value": (
        lambda s: props(s)["tax_exempt"]["enum"].append("partial"),
        ("enum-value-added", "tax_exempt", False),
    ),
    "make a field required": (
        lambda s: s.update(required=["email"]),
        ("required-changed", "email", True),
    ),
    "drop the empty branch": (drop_empty_branch, ("clearable-removed", "address", True)),
    "change a type": (
        lambda s: props(s)["balance"].update(type="string"),
        ("type-changed", "balance", True),
    ),
    "raise a maximum length": (
        lambda s: props(s)["email"].update(maxLength=1024),
        ("max-length-raised", "email", False),
    ),
    "lower a nested maximum length": (
        lambda s: props(s)["shipping"]["anyOf"][0]["properties"]["phone"].update(maxLength=10),
        ("max-length-lowered", "shipping.phone", True),
    ),
    "change a description": (
        lambda s: props(s)["email"].update(description="Where we write."),
        ("description-changed", "email", False),
    ),
}


def run_json(old: Path, new: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str]:
    code = diff_command(old, new, as_json=True, name=None)
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else None, err


def triples(data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    return [(c["kind"], c["field_path"], c["breaking"]) for c in data["changes"]]


@pytest.mark.parametrize("edit", sorted(PAGE_EDITS))
def test_page_edit_is_reported(
    edit: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = copy_pages(corpus, tmp_path / "old" / "stripe", [SEED_OPERATION])
    new = copy_pages(corpus, tmp_path / "new" / "stripe", [SEED_OPERATION])
    function, expected = PAGE_EDITS[edit]
    edit_schema(new / f"{SEED_OPERATION}.html", function)
    code, data, err = run_json(old, new, capsys)
    assert triples(data) == [expected], err
    assert data["changes"][0]["operation_id"] == SEED_OPERATION
    assert code == (1 if expected[2] else 0)


def test_page_deleted_and_added(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = copy_pages(corpus, tmp_path / "old", [SEED_OPERATION, "DeleteCustomersCustomer"])
    new = copy_pages(corpus, tmp_path / "new", [SEED_OPERATION, "GetCustomers"])
    code, data, _ = run_json(old, new, capsys)
    assert [(c["operation_id"], c["kind"], c["breaking"]) for c in data["changes"]] == [
        ("DeleteCustomersCustomer", "operation-removed", True),
        ("GetCustomers", "operation-added", False),
    ]
    assert code == 1
    (old / "DeleteCustomersCustomer.html").unlink()
    code, data, _ = run_json(old, new, capsys)
    assert (code, triples(data)) == (0, [("operation-added", "", False)])


def test_unchanged_copy_reports_nothing(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = copy_pages(corpus, tmp_path / "a", [SEED_OPERATION, "GetCustomers"])
    new = copy_pages(corpus, tmp_path / "b", [SEED_OPERATION, "GetCustomers"])
    assert diff_command(old, new, as_json=False, name=None) == 0
    out, _ = capsys.readouterr()
    assert "0 breaking, 0 other changes; 0 operations added, 0 removed" in out
    assert "No changes." in out


def test_markdown_report_of_a_page_edit(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = copy_pages(corpus, tmp_path / "old" / "stripe", [SEED_OPERATION])
    new = copy_pages(corpus, tmp_path / "new" / "stripe", [SEED_OPERATION])
    edit_schema(new / f"{SEED_OPERATION}.html", lambda s: props(s).pop("phone"))
    assert diff_command(old, new, as_json=False, name=None) == 1
    out, _ = capsys.readouterr()
    assert "## Breaking changes" in out
    assert (
        f"### POST /v1/customers/{{customer}} ({SEED_OPERATION})\n\n- `phone`: field removed (was string)"
        in out
    )


def test_apis_matched_by_name(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_pages(corpus, tmp_path / "old" / "stripe", [SEED_OPERATION])
    copy_pages(corpus, tmp_path / "old" / "other", ["GetCustomers"])
    copy_pages(corpus, tmp_path / "new" / "stripe", [SEED_OPERATION])
    copy_pages(corpus, tmp_path / "new" / "third", ["GetCustomers"])
    code, data, _ = run_json(tmp_path / "old", tmp_path / "new", capsys)
    assert [(r["old"], r["new"], triples(r)) for r in data] == [
        ("other", "other", [("operation-removed", "", True)]),
        ("stripe", "stripe", []),
        ("third", "third", [("operation-added", "", False)]),
    ]
    assert code == 1
    code, data, _ = run_json(tmp_path / "old", tmp_path / "new" / "third", capsys)
    assert [(r["old"], triples(r)) for r in data] == [
        ("other", [("operation-removed", "", True)]),
        ("stripe", [("operation-removed", "", True)]),
        ("third", [("operation-added", "", False)]),
    ]
    assert code == 1  # two APIs against one: matched by name, and none matches
    assert diff_command(tmp_path / "old", tmp_path / "new" / "third", as_json=True, name="other") == 0


def test_nothing_to_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = diff_command(tmp_path / "missing", tmp_path, as_json=False, name=None)
    _, err = capsys.readouterr()
    assert code == 2
    assert "missing: error: no such file or folder" in err


# --- the real drift: the Stripe pages against Stripe's OpenAPI document ------------------


def _without_empty_properties(value: Any) -> Any:
    """The pages drop an empty ``"properties": {}``; so does the comparison."""
    if isinstance(value, dict):
        return {
            k: _without_empty_properties(v)
            for k, v in value.items()
            if (k, v) != ("properties", {})
        }
    if isinstance(value, list):
        return [_without_empty_properties(v) for v in value]
    return value


def _inline(value: Any, components: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.split("/")[-1] not in seen:
            name = ref.split("/")[-1]
            return _inline(components[name], components, (*seen, name))
        return {k: _inline(v, components, seen) for k, v in value.items()}
    if isinstance(value, list):
        return [_inline(v, components, seen) for v in value]
    return value


def _without(value: Any, keys: frozenset[str]) -> Any:
    """``value`` without the schema keywords ``keys`` (property names are kept)."""
    if isinstance(value, dict):
        return {
            k: (
                {n: _without(p, keys) for n, p in v.items()}
                if k == "properties"
                else _without(v, keys)
            )
            for k, v in value.items()
            if k not in keys
        }
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def _spec_schemas(spec: dict[str, Any]) -> dict[str, Any]:
    """Operation id → the first media type's request body schema, with ``$ref``s inlined."""
    components = spec["components"]["schemas"]
    found: dict[str, Any] = {}
    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "operationId" in op:
                content = op.get("requestBody", {}).get("content", {})
                schema = next(iter(content.values()), {}).get("schema")
                found[op["operationId"]] = _inline(schema, components)
    return found


def _page_schema(page: Path) -> Any:
    match = SCHEMA.search(page.read_text(encoding="utf-8"))
    return json.loads(html.unescape(match.group(2))) if match and match.group(2).strip() else None


def _branches(schema: dict[str, Any]) -> list[Any]:
    """The branches of an ``anyOf`` other than ``""`` (the schema itself when it has none)."""
    if "anyOf" not in schema:
        return [schema]
    return [b for b in schema["anyOf"] if not (isinstance(b, dict) and b.get("enum") == [""])]


def _property_moves(old: Any, new: Any, path: str = "") -> list[tuple[str, str]]:
    """Properties and enum values present on one side only, as (kind, dotted field path)."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return []
    moves: list[tuple[str, str]] = []
    if "anyOf" in old or "anyOf" in new:  # an emptyable on one side only is looked through
        old_branches, new_branches = _branches(old), _branches(new)
        if len(old_branches) == len(new_branches):
            for a, b in zip(old_branches, new_branches, strict=True):
                moves += _property_moves(a, b, path)
        return moves
    before, after = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(before) | set(after)):
        sub = f"{path}.{name}" if path else name
        if name not in after:
            moves.append(("field-removed", sub))
        elif name not in before:
            moves.append(("field-added", sub))
        else:
            moves += _property_moves(before[name], after[name], sub)
    moves += _property_moves(old.get("items"), new.get("items"), f"{path}[]")
    old_values, new_values = set(old.get("enum", ())) - {""}, set(new.get("enum", ())) - {""}
    if old_values and new_values:
        moves += [("enum-value-added", path) for _ in new_values - old_values][:1]
        moves += [("enum-value-removed", path) for _ in old_values - new_values][:1]
    return moves


@pytest.fixture(scope="module")
def stripe_drift(corpus: Path) -> tuple[dict[str, tuple[Any, Any]], list[dict[str, Any]], int]:
    """(page schema, spec schema) by operation id, the report's changes, and the exit code."""
    spec_path = corpus / "stripe-openapi" / "spec3.json"
    spec_schemas = _spec_schemas(json.loads(spec_path.read_text(encoding="utf-8")))
    pairs = {
        page.stem: (
            _without_empty_properties(_page_schema(page)),
            _without_empty_properties(spec_schemas.get(page.stem)),
        )
        for page in sorted((corpus / "pages" / "stripe").glob("*.html"))
    }
    capture = io.StringIO()
    with contextlib.redirect_stdout(capture), contextlib.redirect_stderr(io.StringIO()):
        code = diff_command(corpus / "pages" / "stripe", spec_path, as_json=True, name=None)
    return pairs, json.loads(capture.getvalue())["changes"], code


def _body_changes(changes: list[dict[str, Any]], op_id: str) -> list[dict[str, Any]]:
    """Changes to one operation's body (not to its parameters, its id or its description)."""
    operation_kinds = {"operation-renamed", "method-renamed", "operation-description-changed"}
    return [
        c
        for c in changes
        if c["operation_id"] == op_id
        and not c["field_path"].startswith(("path:", "query:", "header:"))
        and c["kind"] not in operation_kinds
    ]


@pytest.mark.slow
def test_drift_every_differing_schema_is_reported(stripe_drift: Any) -> None:
    pairs, changes, code = stripe_drift
    differing = {op for op, (page, spec) in pairs.items() if page != spec}
    doc_only = {
        op for op in differing if _without(pairs[op][0], DOC) == _without(pairs[op][1], DOC)
    }
    assert 60 <= len(differing) <= 100  # SOURCES.md: "about 80 other pages differ"
    for op in sorted(differing - doc_only):
        found = [c for c in _body_changes(changes, op) if c["kind"] not in DOC_KINDS]
        assert found, (
            f"{op}: its schema differs from spec3's, but no change to its body is reported"
        )
    for op in sorted(doc_only):
        found = _body_changes(changes, op)
        assert found, f"{op}: only descriptions or titles differ, and nothing is reported"
        assert {c["kind"] for c in found} <= DOC_KINDS, (op, found)
    assert code == 1


def test_drift_equal_schemas_report_no_body_change(stripe_drift: Any) -> None:
    pairs, changes, _ = stripe_drift
    equal = sorted(op for op, (page, spec) in pairs.items() if page == spec)
    assert len(equal) > 300
    assert {op: _body_changes(changes, op) for op in equal if _body_changes(changes, op)} == {}


def test_drift_fields_and_enum_values_added_and_removed_are_named(stripe_drift: Any) -> None:
    pairs, changes, _ = stripe_drift
    reported = {(c["operation_id"], c["kind"], c["field_path"]) for c in changes}
    expected = {
        (op, kind, path)
        for op, (page, spec) in pairs.items()
        for kind, path in _property_moves(page, spec)
    }
    assert len(expected) > 50
    assert sorted(expected - reported) == []
    assert {k for _, k, _ in expected} == {
        "field-added",
        "field-removed",
        "enum-value-added",
        "enum-value-removed",
    }
    for change in changes:
        if change["kind"] in {"field-removed", "enum-value-added"}:
            assert change["breaking"] is (change["kind"] == "field-removed"), change
        if change["kind"] == "field-added":
            assert change["breaking"] is (change["after"] == "required"), change


def test_report_bytes_do_not_depend_on_the_hash_seed(corpus: Path, tmp_path: Path) -> None:
    old = copy_pages(corpus, tmp_path / "old" / "stripe", [SEED_OPERATION, "PostCustomers", "GetCustomers"])
    new = copy_pages(corpus, tmp_path / "new" / "stripe", [SEED_OPERATION, "PostCustomers"])
    for page in (new / f"{SEED_OPERATION}.html", new / "PostCustomers.html"):
        edit_schema(page, lambda s: [props(s).pop(k) for k in ("email", "phone", "name")])
    script = "import sys; from generator.cli import main; " + (
        "sys.exit(main(['diff', *sys.argv[1:3], *(['--json'] if sys.argv[3] == 'json' else [])]))"
    )
    outputs = set()
    for seed, form in itertools.product(("0", "1"), ("json", "markdown")):
        result = subprocess.run(
            [sys.executable, "-c", script, str(old), str(new), form],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert result.returncode == 1, result.stderr
        outputs.add((form, result.stdout))
    assert len(outputs) == 2  # one text per form, whatever the seed


def test_a_broken_page_is_diagnosed_and_the_rest_compared(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = copy_pages(corpus, tmp_path / "old" / "stripe", [SEED_OPERATION, "GetCustomers"])
    new = copy_pages(corpus, tmp_path / "new" / "stripe", [SEED_OPERATION, "GetCustomers"])
    (new / "GetCustomers.html").write_text(
        "<html><body>nothing here</body></html>", encoding="utf-8"
    )
    code, data, err = run_json(old, new, capsys)
    assert re.search(r"GetCustomers\.html(:\d+)?: error: ", err), err
    assert (code, triples(data)) == (1, [("operation-removed", "", True)])


def test_array_and_map_key_limits_are_compared() -> None:
    unique = only(change_of(Array(String()), Array(String(), unique_items=True)))
    assert (unique.kind, unique.breaking) == ("limit-changed", True)
    fewer = only(change_of(Map(String(), Keys(max_properties=5)),
                           Map(String(), Keys(max_properties=3))))
    assert (fewer.kind, fewer.breaking) == ("limit-changed", True)
    more = only(change_of(Map(String(), Keys(min_properties=2)), Map(String())))
    assert (more.kind, more.breaking) == ("limit-changed", False)


def test_null_and_const_are_described() -> None:
    assert describe(Union((String(), Null()))) == "string | null"
    assert describe(Const(("v1",))) == "const 'v1'"
    assert describe(Boolean()) == "boolean"
    changed = only(change_of(Const(("v1",)), Const(("v1", "v2"))))
    assert (changed.kind, changed.breaking) == ("enum-value-added", False)

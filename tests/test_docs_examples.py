"""Docs a reader can use (issue 13, item 6): example values from the schema, and an ``Args:``
section in every method's docstring."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import httpx

from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.emit.environment import docstring
from generator.emit.examples import example_call, example_value, python_literal
from generator.emit.python import argument_doc
from generator.model.shapes import (
    Api,
    Bounds,
    Emptyable,
    Enum,
    Field,
    Integer,
    Number,
    Object,
    Ref,
    String,
)
from tests.conftest import GENERATED
from tests.openapi_client import build_api, imported, write_package

API = Api("demo", "https://api.example.com", (), (
    Object("Item", (Field("quantity", "quantity", Integer(bounds=Bounds(minimum=1)),
                          required=True),
                    Field("currency", "currency", String(), required=True),
                    Field("mode", "mode", Enum(("live", "test")), required=True,
                          default='"test"'))),))  # fmt: skip


def value(source: str) -> object:
    return ast.literal_eval(source)


def test_values_come_from_format_name_enum_default_and_bounds() -> None:
    assert value(example_value(String(format="email"), API)) == "jenny@example.com"
    assert value(example_value(String(format="date"), API)) == "2024-01-01"
    assert value(example_value(String(format="uuid"), API)) == (
        "123e4567-e89b-12d3-a456-426614174000")
    assert value(example_value(String(), API, name="billing_email")) == "jenny@example.com"
    assert value(example_value(String(), API)) == "string"  # nothing said: the placeholder
    assert value(example_value(Enum(("b", "a")), API)) == "b"
    assert value(example_value(Enum((3, 4)), API)) == 3  # an integer enum stays an integer
    assert value(example_value(Integer(), API, default="25")) == 25
    assert value(example_value(Integer(bounds=Bounds(minimum=10, maximum=20)), API)) == 10
    assert value(example_value(Integer(bounds=Bounds(exclusive_minimum=0)), API)) == 1
    assert value(example_value(Number(bounds=Bounds(maximum=-1)), API)) == -1
    assert value(example_value(Integer(bounds=Bounds(multiple_of=7, minimum=1)), API)) == 7
    assert value(example_value(Ref("Item"), API)) == {
        "quantity": 1, "currency": "usd", "mode": "test"}  # fmt: skip


def test_values_fit_the_length_limits_and_the_pattern() -> None:
    assert value(example_value(String(format="email", max_length=5), API)) == "jenny"
    assert value(example_value(String(min_length=8), API)) == "stringxx"
    found = value(example_value(String(pattern="^(draft|open)$"), API))
    assert found in ("draft", "open")


def test_python_literal_of_json_values() -> None:
    assert python_literal(json.loads('{"a": [true, null, 1.5, "x"]}')) == (
        '{"a": [True, None, 1.5, "x"]}')


def test_argument_doc_gives_limits_and_default() -> None:
    assert argument_doc("The email.", String(max_length=512)) == (
        "The email. At most 512 characters.")
    assert argument_doc("", Integer(bounds=Bounds(minimum=1, maximum=100)), "10") == (
        "From 1 to 100. Defaults to 10.")
    assert argument_doc("Tax.", Emptyable(String())) == 'Tax. Pass "" to clear it.'


def test_docstring_has_an_args_section_with_hanging_lines() -> None:
    text = docstring("<p>Update it.</p>", 8, [("email", "The <b>email</b> " + "word " * 20),
                                                  ("name", "The name.")])  # fmt: skip
    lines = text.splitlines()
    start = lines.index("        Args:")
    assert lines[start + 1].startswith("            email: The email word")
    assert lines[start + 2].startswith("                word")  # continued, indented further
    assert any(line.strip() == "name: The name." for line in lines[start:])


def test_generated_methods_document_their_arguments() -> None:
    module = GENERATED / "stripe_client" / "stripe_client" / "resources" / "customers.py"
    tree = ast.parse(module.read_text(encoding="utf-8"))
    update = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                  and n.name == "update")  # fmt: skip
    doc = ast.get_docstring(update) or ""
    args = doc.split("Args:\n", 1)[1]
    assert "    email: Customer's email address." in args
    assert "At most 512 characters." in args
    assert '    tax_exempt: The customer\'s tax exemption.' in args
    assert 'Pass "" to clear it.' in args


def test_the_documents_own_example_comes_first_where_the_shape_accepts_it() -> None:
    assert value(example_value(String(), API, example='"cus_NffrFeUfNV2Hib"')) == (
        "cus_NffrFeUfNV2Hib")
    assert value(example_value(Integer(), API, default="25", example="3")) == 3
    assert value(example_value(Enum(("b", "a")), API, example='"a"')) == "a"
    item = {"quantity": 2, "currency": "eur", "mode": "live"}
    assert value(example_value(Ref("Item"), API, example=json.dumps(item))) == item
    # an example the generated validator would refuse is not shown: the schema decides
    assert value(example_value(Enum(("b", "a")), API, example='"c"')) == "b"
    assert value(example_value(String(max_length=3), API, example='"toolong"')) == "str"
    assert value(example_value(Integer(bounds=Bounds(minimum=1)), API, example="0")) == 1
    assert value(example_value(Integer(), API, example='"3"')) == 0
    assert value(example_value(String(format="date"), API, example='"Jan 1"')) == "2024-01-01"
    assert value(example_value(Ref("Item"), API, example='{"quantity": 2}')) == {
        "quantity": 1, "currency": "usd", "mode": "test"}  # required fields missing


EXAMPLES_DOCUMENT = """
openapi: 3.1.0
info: {title: Shop, version: '1'}
paths:
  /orders/{order}:
    post:
      operationId: UpdateOrder
      parameters:
        - {name: order, in: path, required: true, schema: {type: string}, example: ord_8Kd2}
        - name: channel
          in: query
          required: true
          schema: {type: string, enum: [web, store]}
          examples: {in_store: {value: store}}
        - {name: limit, in: query, required: true, schema: {type: integer, example: 20}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [note, count, status]
              properties:
                note: {type: string, example: Leave at the door}
                count: {type: integer, minimum: 1, examples: [4, 5]}
                status: {type: string, enum: [open, closed], example: shipped}
      responses:
        "200": {description: ok}
"""


def test_example_calls_show_the_documents_examples(tmp_path: Path) -> None:
    reporter = Reporter()
    api = build_api(tmp_path, EXAMPLES_DOCUMENT, "shop", reporter)
    assert not reporter.has_errors, [str(d) for d in reporter.items]
    [op] = api.operations
    call = ast.parse(example_call(op, api), mode="eval").body
    assert isinstance(call, ast.Call)
    assert [ast.literal_eval(a) for a in call.args] == ["ord_8Kd2"]  # the parameter's example
    keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    assert keywords == {
        "channel": "store",  # the first of the parameter's examples
        "limit": 20,  # its schema's example
        "note": "Leave at the door",  # a property's example (3.0's keyword)
        "count": 4,  # the first of a property's examples (JSON Schema's list)
        "status": "open",  # "shipped" is not in the enum: the enum's first value instead
    }
    # the docs page shows the same call, and the generated client sends it as it is
    docs = render_api(api, source_label="shop.yaml")["docs/operations/UpdateOrder.md"]
    assert example_call(op, api) in docs
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with imported(write_package(tmp_path, api), api.package) as package:
        transport = httpx.Client(transport=httpx.MockTransport(answer))
        client = package.Client(api_key="k", base_url="http://127.0.0.1:9", http_client=transport)
        eval(example_call(op, api), {"client": client})  # raises ValidationError if refused
    [request] = sent
    assert request.url.path == "/orders/ord_8Kd2"
    assert dict(request.url.params) == {"channel": "store", "limit": "20"}
    assert json.loads(request.content) == {"note": "Leave at the door", "count": 4,
                                           "status": "open"}


def test_a_path_id_example_has_the_parameters_type(tmp_path: Path) -> None:
    """A made-up id (``order_123``) only where the parameter takes that string: an integer
    id gets an integer within its bounds, a uuid one a uuid."""
    document = """
openapi: 3.1.0
info: {title: Ids, version: '1'}
paths:
  /projects/{project_id}/tasks/{task_id}/notes/{note}:
    get:
      operationId: GetNote
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: integer, minimum: 1}}
        - {name: task_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: note, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
"""
    api = build_api(tmp_path, document, "ids", Reporter())
    [op] = api.operations
    call = ast.parse(example_call(op, api), mode="eval").body
    assert isinstance(call, ast.Call)
    project, task, note = (ast.literal_eval(a) for a in call.args)
    assert project == 1 and note == "note_123"
    assert isinstance(task, str) and task.count("-") == 4  # a uuid

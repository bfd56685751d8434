"""Docs a reader can use (issue 13, item 6): example values from the schema, and an ``Args:``
section in every method's docstring."""

from __future__ import annotations

import ast
import json

from generator.emit.environment import docstring
from generator.emit.examples import example_value, python_literal
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

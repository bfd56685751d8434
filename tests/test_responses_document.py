"""Pages plus a document: response types from an OpenAPI document, requests from the pages
(issue 13, item 3: ``responses =`` in the configuration, ``--responses`` on the command line)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.diagnostics import Reporter
from generator.model import normalise
from generator.model.shapes import Api, Operation, Ref
from generator.scrape import read_openapi, scrape_page
from generator.scrape.responses import path_key, take_responses
from tests.conftest import SEED_PAGE

CUSTOMER = {"type": "object", "required": ["id"],
            "properties": {"id": {"type": "string"}, "email": {"type": "string"}}}  # fmt: skip
ERROR = {"type": "object", "properties": {"message": {"type": "string"}}}


def content(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def document() -> dict[str, Any]:
    """The seed's operation under its own id; the retrieve page's under another id and another
    path parameter name, answering ``2XX`` (a class of statuses) rather than ``200``."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Billing", "version": "1"},
        "paths": {
            "/v1/customers/{customer}": {"post": {
                "operationId": "PostCustomersCustomer",
                "responses": {"200": {"description": "ok", "content": content("customer")},
                              "default": {"description": "error", "content": content("error")}},
            }},
            "/v1/customers/{id}": {"get": {
                "operationId": "fetchCustomer",
                "responses": {"2XX": {"description": "ok", "content": content("customer")}},
            }},
        },
        "components": {"schemas": {"customer": CUSTOMER, "error": ERROR}},
    }  # fmt: skip


@pytest.fixture
def pages(corpus: Path, tmp_path: Path) -> Path:
    """A folder of three Stripe pages: the seed, retrieve, and one the document lacks."""
    folder = tmp_path / "specs" / "billing"
    folder.mkdir(parents=True)
    shutil.copy(SEED_PAGE, folder)
    for name in ("GetCustomersCustomer.html", "GetBalance.html"):
        shutil.copy(corpus / "pages" / "stripe" / name, folder)
    (tmp_path / "openapi.json").write_text(json.dumps(document()), encoding="utf-8")
    return folder


def operation(api: Api, op_id: str) -> Operation:
    return next(op for op in api.operations if op.operation_id == op_id)


def test_path_key_ignores_parameter_names() -> None:
    assert path_key("get", "/v1/customers/{customer}") == path_key("GET", "/v1/customers/{id}")
    assert path_key("GET", "/v1/customers/{id}") != path_key("POST", "/v1/customers/{id}")
    assert path_key("GET", "/v1/a/{x}") != path_key("GET", "/v1/a/{x}/b")


def test_pages_take_response_shapes_by_id_then_by_method_and_path(
    pages: Path, tmp_path: Path
) -> None:
    reporter = Reporter()
    scraped = [scrape_page(p, reporter) for p in sorted(pages.iterdir())]
    doc = read_openapi(tmp_path / "openapi.json", reporter)
    assert doc is not None and all(p is not None for p in scraped)
    typed, unknown = take_responses([p for p in scraped if p is not None], doc.pages)
    assert [p.operation_id for p in unknown] == ["GetBalance"]
    api = normalise("billing", typed, reporter)
    assert not reporter.has_errors, reporter.sorted()
    update = operation(api, "PostCustomersCustomer")
    assert [(r.status, r.shape) for r in update.responses] == [
        ("200", Ref("Customer")),
        ("default", Ref("Error")),
    ]
    retrieve = operation(api, "GetCustomersCustomer")  # by method and path, from "2XX"
    assert retrieve.responses[0].shape == Ref("Customer")
    assert retrieve.responses[1].shape is None  # the document declares no error for it
    assert all(r.shape is None for r in operation(api, "GetBalance").responses)
    # the request stays the page's: its body schema is not in the document at all
    assert update.body is not None and update.body.media_type == (
        "application/x-www-form-urlencoded"
    )


def test_a_response_schema_problem_names_the_document(pages: Path, tmp_path: Path) -> None:
    doc = document()
    doc["components"]["schemas"]["customer"]["properties"]["email"] = {"type": "strnig"}
    (tmp_path / "openapi.json").write_text(json.dumps(doc), encoding="utf-8")
    reporter = Reporter()
    page = scrape_page(pages / SEED_PAGE.name, reporter)
    read = read_openapi(tmp_path / "openapi.json", reporter)
    assert page is not None and read is not None
    typed, _ = take_responses([page], read.pages)
    normalise("billing", typed, reporter)
    [found] = [d for d in reporter.items if "strnig" in d.message]
    assert found.file == str(tmp_path / "openapi.json")
    assert found.pointer == "/components/schemas/customer/properties/email/type"


def generated(out: Path, api: str, resource: str) -> str:
    return (out / f"{api}_client" / f"{api}_client" / "resources" / f"{resource}.py").read_text()


def test_command_line_option_types_the_methods_and_lists_the_rest(
    pages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["generate", str(pages), "-o", str(out), "--no-cache",
                 "--responses", str(tmp_path / "openapi.json")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    customers = generated(out, "billing", "customers")
    assert ") -> Customer:" in customers
    assert "-> Any:" not in customers
    assert ") -> Any:" in generated(out, "billing", "balance")
    assert "GetBalance.html:2: warning: GetBalance: no operation GET /v1/balance in " in err
    assert ": 2 of 3 operations typed (untyped: GetBalance)" in err


def test_configuration_key_types_the_methods(
    pages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.doc2client]\noutput = "out"\n[tool.doc2client.apis.billing]\n'
                         'source = "specs/billing"\nresponses = "openapi.json"\n')  # fmt: skip
    assert main(["--config", str(pyproject), "generate", "--no-cache"]) == 0
    assert ") -> Customer:" in generated(tmp_path / "out", "billing", "customers")
    assert "responses from " in capsys.readouterr().err


def test_without_the_document_pages_stay_untyped(
    pages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["generate", str(pages), "-o", str(out), "--no-cache"]) == 0
    assert ") -> Customer:" not in generated(out, "billing", "customers")
    assert "responses from" not in capsys.readouterr().err

"""Names are never fatal: operator suffixes, one name in two locations, names that collide once
converted, and names the generated method body uses (issue 11, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from tests.cli_run import doc2client
from tests.conftest import StaticChecks
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import running_server

DOCUMENT = """
openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /pets/{name}:
    get:
      operationId: RetrievePet
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: name, in: query, schema: {type: string}}
      responses: {"200": {description: ok}}
  /documents/{document}/convert:
    post:
      operationId: ConvertDocument
      parameters:
        - {name: document, in: path, required: true, schema: {type: string}}
        - {name: format_path, in: query, schema: {type: string}}
      responses: {"200": {description: ok}}
  /calls:
    get:
      operationId: ListCalls
      parameters:
        - {name: StartTime, in: query, schema: {type: string}}
        - {name: StartTime<, in: query, schema: {type: string}}
        - {name: StartTime>, in: query, schema: {type: string}}
        - {name: Price>=, in: query, schema: {type: integer}}
        - {name: Status!=, in: query, schema: {type: string}}
      responses: {"200": {description: ok}}
    post:
      operationId: CreateCall
      parameters:
        - {name: id, in: query, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                id: {type: string}
                _id: {type: string}
                banType: {type: string}
                ban_type: {type: string}
      responses: {"200": {description: ok}}
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reporter]:
    folder = tmp_path_factory.mktemp("names")
    reporter = Reporter()
    api = build_api(folder, DOCUMENT, "names", reporter)
    return write_package(folder, api), reporter


def test_clashes_are_notes_naming_the_rule(generated: tuple[Path, Reporter]) -> None:
    """A rename by the documented rule is a note: the input is not at fault."""
    _, reporter = generated
    assert not reporter.has_errors
    assert {d.level for d in reporter.items if d.code == "name-clash"} == {"note"}
    messages = sorted(d.message for d in reporter.items if d.code == "name-clash")
    assert messages == [
        "parameters renamed ('id_' is taken by another parameter or body field): "
        "'id' in query -> id_query",
        "parameters renamed ('name' is taken by another parameter or body field): "
        "'name' in query -> name_query",
        "properties renamed (they clash as Python names): 'ban_type' -> ban_type, "
        "'banType' -> ban_type_2",
        "properties renamed (they clash as Python names): 'id' -> id_, '_id' -> id_2",
    ]


def test_notes_are_counted_and_listed_with_verbose(tmp_path: Path) -> None:
    """The summary counts the notes; ``-v`` prints each, located; a note never fails a run."""
    (tmp_path / "pets.yaml").write_text(DOCUMENT, encoding="utf-8")
    quiet = doc2client("generate", "pets.yaml", "-o", "out", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert ": note: " not in quiet.stderr
    assert "0 errors, 0 warnings, 4 notes (4 note name-clash)" in quiet.stderr
    verbose = doc2client("generate", "pets.yaml", "-o", "out2", "-v", cwd=tmp_path)
    notes = [line for line in verbose.stderr.splitlines() if ": note: " in line]
    assert len(notes) == 4 and all(line.startswith("pets.yaml:") for line in notes), notes


def test_generated_package_is_checked(
    generated: tuple[Path, Reporter], static_checks: StaticChecks
) -> None:
    """mypy --strict at the end of the session (unformatted: no ruff)."""
    static_checks.add(generated[0], "names_client", ruff=False)


def test_every_name_reaches_its_place_on_the_wire(generated: tuple[Path, Reporter]) -> None:
    root, _ = generated
    with running_server() as server, imported(root, "names_client") as package:
        client = package.Client(api_key="k", base_url=server.url, max_retries=0)
        client.pets.retrieve("rex", name_query="max")
        client.documents.convert("d 1", format_path_="pdf")
        client.calls.list(start_time="a", start_time_before="b", start_time_after="c",
                          price_gte=3, status_ne="x")
        client.calls.create(id_query="q", id_="1", id_2="2", ban_type="b", ban_type_2="B")
        first, second, third, fourth = server.requests
    assert first.target == "/pets/rex?name=max"
    assert second.target == "/documents/d%201/convert?format_path=pdf"
    assert third.raw_query == ("StartTime=a&StartTime%3C=b&StartTime%3E=c&Price%3E%3D=3"
                               "&Status%21%3D=x")
    assert fourth.target == "/calls?id=q"
    assert fourth.body == b'{"id": "1", "_id": "2", "banType": "B", "ban_type": "b"}'

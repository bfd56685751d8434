"""A generated package passes the checks its own ``pyproject.toml`` declares (mypy --strict,
ruff E,F,I,UP,B) where the document has bodies that are not objects, methods named
like builtins (``list``, ``type``) whose names later annotations of the class use, and the
cases real documents broke the rules with (see ``LONG_PATH``). A required body is a required
argument."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from generator.emit.environment import header_line
from generator.emit.python import negated
from tests.cli_run import doc2client
from tests.conftest import StaticChecks, imported

LONG_PATH = "/pets/adoption/applications/submitted/by/prospective/owners/under/review/queue"
LONG_FIELD = "shield_information_barrier_segment_restriction"
LONG_REF = "#/components/schemas/ShieldInformationBarrierSegmentRestrictionsRestrictedSegment"
PET = {"type": "object", "properties": {"name": {"type": "string"},
                                        "tags": {"type": "array", "items": {"type": "string"}}}}
DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1"},
    "servers": [{"url": "https://pets.example"}],
    "components": {"schemas": {"Pet": PET}},
    "paths": {
        "/pets": {
            "get": {"operationId": "listPets",
                    "parameters": [{"name": "tag", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "the pets", "content": {
                        "application/json": {"schema": {"type": "array", "items": {
                            "$ref": "#/components/schemas/Pet"}}}}}}},
            "patch": {"operationId": "patchPets",
                      "requestBody": {"required": True, "content": {"application/json": {
                          "schema": {"type": "array", "items": {
                              "$ref": "#/components/schemas/Pet"}}}}},
                      "responses": {"200": {"description": "the pets", "content": {
                          "application/json": {"schema": {"type": "array", "items": {
                              "$ref": "#/components/schemas/Pet"}}}}}}},
        },
        "/pets/{pet}": {"get": {
            "operationId": "getPet",
            "parameters": [{"name": "pet", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "a pet", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}},
        "/pets/{pet}/type": {"post": {
            "operationId": "setPetType",
            "parameters": [{"name": "pet", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "string"}}}},
            "responses": {"200": {"description": "the types", "content": {"application/json": {
                "schema": {"type": "array", "items": {"type": "string"}}}}}}}},
        # what once broke the generated package's own rules: a discriminated body at the top
        # (F841), an integer enum (UP034), a date that takes datetime.date (E714), a validator
        # named after a long path (E501)
        LONG_PATH: {"post": {
            "operationId": "applyForAdoption",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind"}}}}},
            "responses": {"204": {"description": "applied"}}},
            # a long field of a long-named type: lines no formatter splits without parentheses
            "put": {"operationId": "restrictAdoption", "requestBody": {"content": {
                "application/json": {"schema": {"type": "object", "required": [LONG_FIELD],
                                                "properties": {LONG_FIELD: {"$ref": LONG_REF}}}}}},
                    "responses": {"204": {"description": "restricted"}}}},
    },
}
ANIMAL = {"size": {"type": "integer", "enum": [512, 4096]},
          "born": {"type": "string", "format": "date"}}
DOCUMENT["components"]["schemas"].update({  # type: ignore[attr-defined]
    LONG_REF.rsplit("/", 1)[1]: {"type": "object", "properties": {"id": {"type": "string"}}},
    "Cat": {"type": "object", "required": ["kind"],
            "properties": {"kind": {"const": "Cat"}, **ANIMAL}},
    "Dog": {"type": "object", "required": ["kind"],
            "properties": {"kind": {"const": "Dog"}, **ANIMAL}},
})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("checks")
    (folder / "pets.json").write_text(json.dumps(DOCUMENT), encoding="utf-8")
    run = doc2client("generate", "pets.json", "-o", "out", "--formatter", "ruff", "--no-cache",
                     cwd=folder)
    assert run.returncode == 0, run.stderr
    return folder / "out" / "pets_client"


def test_builtins_shadowed_by_methods_are_spelled_builtins(project: Path) -> None:
    text = (project / "pets_client" / "resources" / "pets.py").read_text(encoding="utf-8")
    assert "def list(" in text and "def type(" in text
    assert "import builtins" in text
    assert "-> builtins.list[Pet]:" in text
    assert "-> list[" not in text


def test_public_types_module(project: Path) -> None:
    with imported(project, "pets_client") as package:
        from importlib import import_module

        types = import_module("pets_client.types")
        assert types.Pet is package._types.Pet
        assert {"Pet", "FileInput", "ErrorBody"} <= set(types.__all__)
    assert "pets_client.types" in (project / "README.md").read_text(encoding="utf-8")


def test_generated_package_passes_its_own_checks(
    project: Path, static_checks: StaticChecks
) -> None:
    """mypy --strict and ruff (the project's own rules) at the end of the session."""
    static_checks.add(project, "pets_client")


def test_array_and_string_bodies_are_sent_as_json(project: Path) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=[])

    with imported(project, "pets_client") as package:
        http = httpx.Client(transport=httpx.MockTransport(answer))
        client = package.Client(api_key="k", http_client=http, max_retries=0)
        client.pets.update(body=[{"name": "rex"}])
        client.pets.type("rex", body="cat")
        with pytest.raises(package.RequestBuildError, match="mapping of field names"):
            client.request("POST", "/pets", body=["x"], media_type="multipart/form-data")
    assert [json.loads(r.content) for r in sent] == [[{"name": "rex"}], "cat"]
    assert sent[0].headers["Content-Type"] == "application/json"


def test_a_required_body_is_a_required_argument(project: Path) -> None:
    """OpenAPI ``requestBody.required``: the body of a whole-body method has no default."""
    text = (project / "pets_client" / "resources" / "pets.py").read_text(encoding="utf-8")
    assert re.search(r"def type\(\s*self,\s*pet: str,\s*/,\s*\*,\s*body: str,", text), text
    assert "body: str | NotGiven" not in text
    assert re.search(r"body: Sequence\[Pet\],", text)


def test_a_long_source_gets_a_header_of_short_lines() -> None:
    source = "../../shared/corpus/openapi/digitalocean/specification/DigitalOcean-public.v2.yaml"
    lines = header_line("pkg/_client.py", source).split("\n")
    assert lines[0].startswith("# Generated by doc2client") and lines[-1] == "# Do not edit."
    assert f"# {source}." in lines and all(len(line) <= 100 for line in lines)
    assert "\n" not in header_line("pkg/_client.py", "specs/pets.yaml")


def test_negated_tests_are_wrapped_once() -> None:
    assert negated("((a or b) and c)") == "not ((a or b) and c)"  # UP034 on not (((...)))
    assert negated("(type(x) is datetime.date)") == "type(x) is not datetime.date"  # E714
    assert negated("(a) or (b)") == "not ((a) or (b))"
    assert negated('(x == ")")') == 'not (x == ")")'

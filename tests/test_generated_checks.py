"""A generated package passes the checks its own ``pyproject.toml`` declares (mypy --strict,
ruff E,F,I,UP,B) where the document has bodies that are not objects and methods named
like builtins (``list``, ``type``) whose names later annotations of the class use."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.cli_run import doc2client
from tests.conftest import StaticChecks, imported

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
    },
}


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

"""A request body offered in several media types (issue 11, wire format): the media type
chosen by the documented rule (the configured one; multipart for a file; JSON; a form;
multipart), each with its own ``encoding``; what reaches a server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import ConfigError, load_config
from generator.diagnostics import Reporter
from generator.options import Overrides
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import ScriptedServer, running_server

MESSAGE = "{type: object, properties: {to: {type: object, properties: {name: {type: string}}}, " \
    "tags: {type: array, items: {type: string}}}}"
UPLOAD = "{type: object, properties: {file: {type: string, format: binary}, note: {type: string}}}"
DOCUMENT = f"""
openapi: 3.0.3
info: {{title: Media, version: "1"}}
paths:
  /messages:
    post:
      operationId: CreateMessage
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {MESSAGE}
            encoding: {{tags: {{style: form, explode: false}}}}
          multipart/form-data: {{schema: {MESSAGE}}}
          application/json: {{schema: {MESSAGE}}}
      responses: {{"200": {{description: ok}}}}
  /files:
    post:
      operationId: CreateFile
      requestBody:
        content:
          application/json: {{schema: {UPLOAD}}}
          multipart/form-data: {{schema: {UPLOAD}}}
      responses: {{"200": {{description: ok}}}}
  /forms:
    post:
      operationId: CreateForm
      requestBody:
        content:
          text/plain: {{schema: {{type: string}}}}
          multipart/form-data: {{schema: {MESSAGE}}}
          application/x-www-form-urlencoded: {{schema: {MESSAGE}}}
      responses: {{"200": {{description: ok}}}}
"""

FORM = "application/x-www-form-urlencoded"


def _media(overrides: Overrides | None, folder: Path) -> dict[str, str]:
    api = build_api(folder, DOCUMENT, "media", Reporter(), overrides=overrides)
    return {op.operation_id: op.body.media_type for op in api.operations if op.body is not None}


def test_json_if_offered_else_form_and_multipart_for_a_file(tmp_path: Path) -> None:
    assert _media(None, tmp_path) == {"CreateMessage": "application/json",
                                      "CreateFile": "multipart/form-data", "CreateForm": FORM}


def test_a_documents_multipart_parts_are_files_only_where_it_says_so(tmp_path: Path) -> None:
    """A document marks its file parts (``format: binary``); a plain string part stays a
    string. (Pages lose ``format: binary``, so there a plain string part takes a file too.)"""
    from generator.model.shapes import Binary, Object, String

    api = build_api(tmp_path, DOCUMENT, "media", Reporter())
    [body] = [op.body for op in api.operations if op.operation_id == "CreateFile"]
    assert body is not None and body.media_type == "multipart/form-data"
    [upload] = [s for s in api.shapes if isinstance(s, Object) and s.name.startswith("CreateFile")]
    assert {f.wire_name: f.shape for f in upload.fields} == {"file": Binary(), "note": String()}


def test_configuration_chooses_first_among_what_is_offered(tmp_path: Path) -> None:
    chosen = _media(Overrides(request_media_type=("text/csv", FORM)), tmp_path)
    assert chosen == {"CreateMessage": FORM, "CreateFile": "multipart/form-data",
                      "CreateForm": FORM}  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    found: dict[str, Any] = {}
    contexts = []
    for name, overrides in (("chosen", None), ("configured", Overrides(request_media_type=(FORM,)))):
        folder = tmp_path_factory.mktemp(name)
        api = build_api(folder, DOCUMENT, f"media_{name}", Reporter(), overrides=overrides)
        context = imported(write_package(folder, api), f"media_{name}_client")
        found[name] = context.__enter__()
        contexts.append(context)
    yield found
    for context in reversed(contexts):
        context.__exit__(None, None, None)


def test_the_chosen_media_type_reaches_the_server_with_its_encoding(
    packages: dict[str, Any], server: ScriptedServer
) -> None:
    arguments = {"to": {"name": "Ann"}, "tags": ["a", "b"]}
    server.play()
    packages["chosen"].Client(api_key="k", base_url=server.url).messages.create(**arguments)
    packages["configured"].Client(api_key="k", base_url=server.url).messages.create(**arguments)
    sent_json, sent_form = server.requests
    assert sent_json.headers["content-type"] == "application/json"
    assert json.loads(sent_json.body) == arguments
    assert sent_form.headers["content-type"] == FORM
    # the form's own encoding: `tags` form, not exploded; `to` the API's default (brackets:
    # this form nests an object)
    assert sent_form.body == b"to[name]=Ann&tags=a,b"


def test_request_media_type_is_read_from_the_configuration(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.doc2client.apis.lob]\nsource = "lob.yml"\n'
                         f'request_media_type = ["{FORM}", "multipart/form-data"]\n')  # fmt: skip
    config = load_config(pyproject)
    assert config is not None
    assert dict(config.overrides)["lob"].request_media_type == (FORM, "multipart/form-data")
    pyproject.write_text('[tool.doc2client.apis.lob]\nsource = "lob.yml"\n'
                         'request_media_type = "json"\n')  # fmt: skip
    with pytest.raises(ConfigError, match="request_media_type: media types"):
        load_config(pyproject)

"""An operation's own ``servers`` (OpenAPI 3, Operation and Path Item Objects): its calls go
there while the client keeps the API's default base URL; a ``base_url`` given to the client
takes every call (a test server, a proxy)."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Reporter
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import running_server


def _document(url: str) -> str:
    return f"""
openapi: 3.0.3
info: {{title: Files, version: "1"}}
servers: [{{url: "{url}/api"}}]
paths:
  /files:
    get:
      operationId: listFiles
      responses: {{"200": {{description: ok}}}}
  /files/content:
    servers: [{{url: "{url}/upload"}}]
    post:
      operationId: uploadFile
      responses: {{"201": {{description: ok}}}}
  /files/{{id}}:
    get:
      operationId: getFile
      servers: [{{url: "{url}/api/"}}]
      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
      responses: {{"200": {{description: ok}}}}
"""


def test_an_operations_own_server_takes_its_calls(tmp_path: Path) -> None:
    with running_server() as server:
        url = server.url.rstrip("/")
        api = build_api(tmp_path, _document(url), "files", Reporter())
        servers = {op.operation_id: op.server for op in api.operations}
        assert servers == {"listFiles": "", "uploadFile": f"{url}/upload", "getFile": ""}
        with imported(write_package(tmp_path, api), "files_client") as package:
            client = package.Client(api_key="k", max_retries=0)  # the API's default base URL
            server.play()
            client.files.list()
            client.files.content()
            client.files.retrieve("f1")
            assert [r.path for r in server.requests] == [
                "/api/files", "/upload/files/content", "/api/files/f1"]
            server.play()
            given = package.Client(api_key="k", base_url=f"{url}/proxy", max_retries=0)
            given.files.content()
            assert [r.path for r in server.requests] == ["/proxy/files/content"]

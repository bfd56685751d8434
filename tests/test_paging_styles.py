"""Paging as data (issue 11, item 4): each style detected from a small document and walked
against a server on 127.0.0.1; responses by media type (item 6)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.diagnostics import Reporter
from generator.model.shapes import Paging
from generator.options import Overrides
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import Recorded, Reply, ScriptedServer, running_server

ITEMS = [{"id": f"it_{n}"} for n in range(5)]
ITEM = "{type: object, properties: {id: {type: string}}}"


def op(name: str, path: str, params: str, schema: str, headers: str = "") -> str:
    return f"""
  {path}:
    get:
      operationId: {name}
      parameters: [{params}]
      responses:
        "200":
          description: ok{headers}
          content: {{application/json: {{schema: {schema}}}}}"""


def obj(props: str) -> str:
    return f"{{type: object, properties: {{{props}}}}}"


LIST = f"{{type: array, items: {ITEM}}}"
Q = "{{name: {0}, in: query, schema: {{type: {1}}}}}"
DOCUMENT = "openapi: 3.0.3\ninfo: {title: P, version: '1'}\npaths:" + "".join([
    op("ById", "/ids", ", ".join([Q.format("limit", "integer"), Q.format("starting_after", "string"),
                                     Q.format("ending_before", "string")]),
       obj(f"data: {LIST}, has_more: {{type: boolean}}")),
    op("ByToken", "/tokens", ", ".join([Q.format("page_size", "integer"), Q.format("page_token", "string")]),
       obj(f"items: {LIST}, next_page_token: {{type: string}}")),
    op("ByMarker", "/markers", ", ".join([Q.format("limit", "integer"), Q.format("marker", "string")]),
       obj(f"entries: {LIST}, next_marker: {{type: string, nullable: true}}")),
    op("ByUrl", "/urls", Q.format("limit", "integer"),
       obj(f"records: {LIST}, meta: {obj('next_url: {type: string}')}")),
    op("ByLink", "/links", Q.format("limit", "integer"), LIST,
       "\n          headers: {Link: {schema: {type: string}}}"),
    op("ByPage", "/pages", ", ".join([Q.format("page", "integer"), Q.format("per_page", "integer")]),
       obj(f"results: {LIST}, total: {{type: integer}}")),
    op("ByOffset", "/offsets", ", ".join([Q.format("offset", "integer"), Q.format("limit", "integer")]),
       obj(f"data: {LIST}")),
    op("NoStyle", "/plains", Q.format("q", "string"), obj(f"data: {LIST}")),
    op("OneAlbum", "/album", Q.format("market", "string"),
       obj(f"markets: {{type: array, items: {{type: string}}}}, "
           f"tracks: {obj(f'items: {LIST}, next: {{type: string}}, limit: {{type: integer}}')}")),
    op("Runs", "/model_evaluation_runs", ", ".join([Q.format("page", "integer"), Q.format("per_page", "integer")]),
       obj(f"candidate_types: {{type: array, items: {{type: string}}}}, links: {LIST}, runs: {LIST}")),
    op("Things", "/shop/things", Q.format("limit", "integer"),
       obj(f"tags: {{type: array, items: {{type: string}}}}, things: {LIST}, next: {{type: string}}")),
])  # fmt: skip


@pytest.fixture(scope="module")
def api_and_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    folder = tmp_path_factory.mktemp("paging")
    reporter = Reporter()
    api = build_api(folder, DOCUMENT, "paging", reporter)
    assert not reporter.has_errors, [str(d) for d in reporter.items]
    with imported(write_package(folder, api), "paging_client") as module:
        yield api, module


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


def test_each_style_is_detected(api_and_package: tuple[Any, Any]) -> None:
    api, _ = api_and_package
    found = {o.operation_id: o.paging for o in api.operations}
    assert found["ById"] == Paging("cursor_id", "starting_after", items="data", size="limit",
                                   backward="ending_before", has_more="has_more",
                                   reason="starting_after")  # fmt: skip
    assert found["ByToken"] == Paging("cursor", "page_token", next="next_page_token",
                                      items="items", size="page_size",
                                      reason="page_token -> next_page_token")  # fmt: skip
    assert found["ByMarker"] is not None and found["ByMarker"].next == "next_marker"
    assert found["ByUrl"] == Paging("next_url", next="meta.next_url", items="records",
                                    size="limit", reason="meta.next_url")  # fmt: skip
    assert found["ByLink"] == Paging("link_header", size="limit", reason="Link header")
    assert found["ByPage"] == Paging("page", "page", items="results", size="per_page",
                                     reason="page")  # fmt: skip
    assert found["ByOffset"] == Paging("offset", "offset", items="data", size="limit",
                                       reason="offset")  # fmt: skip
    assert found["NoStyle"] is None


def test_a_list_inside_one_object_does_not_make_it_a_page(api_and_package: tuple[Any, Any]) -> None:
    """An album holding a page of its tracks (``tracks.next`` beside ``tracks.items``) is one
    object: a next-page URL counts only as the response's own (top level, or in an object
    that holds no list, such as ``meta``)."""
    api, _ = api_and_package
    assert {o.operation_id: o.paging for o in api.operations}["OneAlbum"] is None


def test_the_item_list_is_the_one_the_path_names(
    api_and_package: tuple[Any, Any]
) -> None:
    api, _ = api_and_package
    found = {o.operation_id: o.paging for o in api.operations}
    assert found["Runs"] == Paging("page", "page", items="runs", size="per_page", reason="page")
    assert found["Things"] == Paging("next_url", next="next", items="things", size="limit",
                                     reason="next")  # fmt: skip


def _query(request: Recorded) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.target).query).items()}


def _serve(style: str, server: ScriptedServer) -> None:
    """A server that pages ITEMS two at a time in ``style``."""

    def reply(request: Recorded) -> Reply:
        q = _query(request)
        if style == "ById":
            start = next((i + 1 for i, it in enumerate(ITEMS) if it["id"] == q.get("starting_after")), 0)
            chunk = ITEMS[start:start + 2]
            return Reply(200, {"data": chunk, "has_more": start + 2 < len(ITEMS)})
        if style in ("ByToken", "ByMarker", "ByUrl", "ByLink"):
            key = {"ByToken": "page_token", "ByMarker": "marker"}.get(style, "at")
            start = int(q.get(key, "0"))
            chunk, more = ITEMS[start:start + 2], start + 2 < len(ITEMS)
            if style == "ByToken":
                return Reply(200, {"items": chunk, "next_page_token": str(start + 2) if more else ""})
            if style == "ByMarker":
                return Reply(200, {"entries": chunk, "next_marker": str(start + 2) if more else None})
            if style == "ByUrl":
                url = f"{server.url}/urls?at={start + 2}&limit=2" if more else None
                return Reply(200, {"records": chunk, "meta": {"next_url": url}})
            link = {"Link": f'</links?at={start + 2}&limit=2>; rel="next"'} if more else {}
            return Reply(200, chunk, headers=link)
        if style == "ByPage":
            page = int(q.get("page", "1"))
            return Reply(200, {"results": ITEMS[(page - 1) * 2:page * 2], "total": 5})
        start = int(q.get("offset", "0"))
        return Reply(200, {"data": ITEMS[start:start + 2]})

    server.play(reply)


CALLS = {
    "ById": ("ids", {"limit": 2}), "ByToken": ("tokens", {"page_size": 2}),
    "ByMarker": ("markers", {"limit": 2}), "ByUrl": ("urls", {"limit": 2}),
    "ByLink": ("links", {"limit": 2}), "ByPage": ("pages", {"per_page": 2}),
    "ByOffset": ("offsets", {"limit": 2}),
}


@pytest.mark.parametrize("style", sorted(CALLS))
def test_auto_paging_iter_walks_every_item(
    api_and_package: tuple[Any, Any], server: ScriptedServer, style: str
) -> None:
    _, package = api_and_package
    _serve(style, server)
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    resource, arguments = CALLS[style]
    page = getattr(client, resource).list(**arguments)
    assert [item["id"] for item in page.auto_paging_iter()] == [it["id"] for it in ITEMS]
    assert 3 <= len(server.requests) <= 4  # three pages (plus one empty for page and offset)


@pytest.mark.parametrize("style", ["ByToken", "ByLink"])
def test_async_auto_paging_iter(
    api_and_package: tuple[Any, Any], server: ScriptedServer, style: str
) -> None:
    _, package = api_and_package
    _serve(style, server)

    async def walk() -> list[str]:
        async with package.AsyncClient(api_key="k", base_url=server.url) as client:
            resource, arguments = CALLS[style]
            page = await getattr(client, resource).list(**arguments)
            return [item["id"] async for item in page.auto_paging_iter()]

    assert asyncio.run(walk()) == [it["id"] for it in ITEMS]


def test_next_url_on_another_origin_is_not_followed(
    api_and_package: tuple[Any, Any], server: ScriptedServer
) -> None:
    _, package = api_and_package
    server.play(Reply(200, {"records": ITEMS[:2], "meta": {"next_url": "https://elsewhere.invalid/x"}}))
    client = package.Client(api_key="k", base_url=server.url)
    assert len(list(client.urls.list(limit=2).auto_paging_iter())) == 2
    assert len(server.requests) == 1


def test_configured_pagination(tmp_path: Path) -> None:
    settings = (("style", "cursor"), ("parameter", "q"), ("next", "after"))
    api = build_api(tmp_path, DOCUMENT, "conf", Reporter(),
                    overrides=Overrides(pagination=settings))  # fmt: skip
    plain = next(o for o in api.operations if o.operation_id == "NoStyle")
    assert plain.paging == Paging("cursor", "q", next="after", reason="configured (pagination)")


MEDIA = """openapi: 3.0.3
info: {title: M, version: '1'}
paths:
  /file:
    get:
      operationId: GetFile
      responses: {"200": {description: ok, content: {application/octet-stream: {}}}}
"""


@pytest.mark.parametrize(("content_type", "payload", "expected"), [
    ("application/json", b'{"a": 1}', {"a": 1}),
    ("text/csv; charset=utf-8", b"a,b\n1,2\n", "a,b\n1,2\n"),
    ("audio/mpeg", b"ID3\x03\x00\xff\xfe", b"ID3\x03\x00\xff\xfe"),
    ("application/pdf", b"%PDF-1.4\n\x80\x81", b"%PDF-1.4\n\x80\x81"),
    ("image/png", b"\x89PNG\r\n\x1a\n", b"\x89PNG\r\n\x1a\n"),
])  # fmt: skip
def test_responses_by_media_type(
    tmp_path: Path, server: ScriptedServer, content_type: str, payload: bytes, expected: Any
) -> None:
    api = build_api(tmp_path, MEDIA, "media", Reporter())
    server.play(Reply(200, raw=payload, headers={"Content-Type": content_type}))
    with imported(write_package(tmp_path, api), "media_client") as package:
        result = package.Client(api_key="k", base_url=server.url).file.retrieve()
    assert result == expected and type(result) is type(expected)

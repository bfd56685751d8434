"""Paging where the response says little (issue 11, item 4): untyped responses, where the
parameters alone decide, link objects (``link.next.href``), ``next_<parameter>`` fields, a
page ``index``, bare lists, ``max_id``; each walked against a server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.diagnostics import Reporter
from generator.model.shapes import Paging
from tests.openapi_client import build_api, imported, write_package
from tests.runtime_server import Recorded, Reply, ScriptedServer, running_server

ITEMS = [{"id": f"it_{n}"} for n in range(5)]
ITEM = "{type: object, properties: {id: {type: string}}}"
LIST = f"{{type: array, items: {ITEM}}}"
NULLABLE_LIST = f"{{type: array, nullable: true, items: {ITEM}}}"
Q = "{{name: {0}, in: query, schema: {{type: {1}}}}}"


def op(name: str, path: str, params: list[str], schema: str | None) -> str:
    content = f"\n          content: {{application/json: {{schema: {schema}}}}}" if schema else ""
    return f"""
  {path}:
    get:
      operationId: {name}
      parameters: [{", ".join(params)}]
      responses:
        "200":
          description: ok{content}"""


def obj(props: str) -> str:
    return f"{{type: object, properties: {{{props}}}}}"


LIMIT = Q.format("limit", "integer")
DOCUMENT = "openapi: 3.0.3\ninfo: {title: P, version: '1'}\npaths:" + "".join([
    op("AfterUntyped", "/afters", [LIMIT, Q.format("after", "string")], "{type: object}"),
    op("TokenNoSchema", "/tokens", [LIMIT, Q.format("page_token", "string")], None),
    op("HalLinks", "/hals", [LIMIT, Q.format("cursor", "string")],
       obj(f"things: {LIST}, link: {obj('next: ' + obj('href: {type: string}'))}")),
    op("StreamPosition", "/streams", [LIMIT, Q.format("stream_position", "string")],
       obj(f"entries: {LIST}, next_stream_position: {{type: string}}")),
    op("PageIndex", "/indexes", [Q.format("size", "integer"), Q.format("index", "integer")],
       obj(f"numbers: {LIST}, count: {{type: integer}}")),
    op("BareToken", "/bares", [LIMIT, Q.format("page_token", "string")], LIST),
    op("OlderThan", "/olders", [LIMIT, Q.format("max_id", "string")], LIST),
    op("NullableAfter", "/nullables", [LIMIT, Q.format("after", "string")], NULLABLE_LIST),
    op("IndexWithoutSize", "/plain", [Q.format("index", "integer")], obj(f"data: {LIST}")),
])  # fmt: skip

EXPECTED = {
    "AfterUntyped": Paging("cursor_id", "after", size="limit", reason="after (last id)"),
    "TokenNoSchema": Paging("cursor", "page_token", next="next_page_token", size="limit",
                            reason="page_token (assumed -> next_page_token)"),
    "HalLinks": Paging("next_url", next="link.next.href", items="things", size="limit",
                       reason="link.next.href"),
    "StreamPosition": Paging("cursor", "stream_position", next="next_stream_position",
                             items="entries", size="limit",
                             reason="stream_position -> next_stream_position"),
    "PageIndex": Paging("page", "index", items="numbers", size="size", reason="index"),
    "BareToken": Paging("link_header", size="limit",
                        reason="page_token (a bare list: the Link header)"),
    "OlderThan": Paging("cursor_id", "max_id", size="limit", reason="max_id (last id)"),
    "NullableAfter": Paging("cursor_id", "after", size="limit", reason="after (last id)"),
    "IndexWithoutSize": None,
}  # fmt: skip


@pytest.fixture(scope="module")
def api_and_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    folder = tmp_path_factory.mktemp("inferred")
    reporter = Reporter()
    api = build_api(folder, DOCUMENT, "inferred", reporter)
    assert not reporter.has_errors, [str(d) for d in reporter.items]
    with imported(write_package(folder, api), "inferred_client") as module:
        yield api, module


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running_server() as srv:
        yield srv


def test_each_rule_is_detected(api_and_package: tuple[Any, Any]) -> None:
    api, _ = api_and_package
    assert {o.operation_id: o.paging for o in api.operations} == EXPECTED


def _query(request: Recorded) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.target).query).items()}


def _after_id(key: str) -> Callable[[dict[str, str]], int]:
    return lambda q: next((i + 1 for i, it in enumerate(ITEMS) if it["id"] == q.get(key)), 0)


def _reply(name: str, server: ScriptedServer) -> Callable[[Recorded], Reply]:
    """A server that pages ITEMS two at a time as operation ``name`` does."""
    start_of: Callable[[dict[str, str]], int] = {
        "AfterUntyped": _after_id("after"), "NullableAfter": _after_id("after"),
        "OlderThan": _after_id("max_id"),
        "PageIndex": lambda q: (int(q.get("index", "1")) - 1) * 2,
    }.get(name, lambda q: int(q.get("page_token") or q.get("cursor") or q.get("at")
                              or q.get("stream_position") or 0))  # fmt: skip

    def reply(request: Recorded) -> Reply:
        start = start_of(_query(request))
        chunk, more = ITEMS[start:start + 2], start + 2 < len(ITEMS)
        after = str(start + 2) if more else ""
        if name == "TokenNoSchema":
            return Reply(200, {"data": chunk, "next_page_token": after})
        if name == "HalLinks":
            href = f"{server.url}/hals?cursor={after}&limit=2" if more else None
            return Reply(200, {"things": chunk, "link": {"next": {"href": href}}})
        if name == "StreamPosition":
            return Reply(200, {"entries": chunk, "next_stream_position": after or None})
        if name == "PageIndex":
            return Reply(200, {"numbers": chunk, "count": 5})
        if name == "BareToken":
            link = {"Link": f'</bares?page_token={after}&limit=2>; rel="next"'} if more else {}
            return Reply(200, chunk, headers=link)
        return Reply(200, chunk if name != "AfterUntyped" else {"data": chunk})

    return reply


CALLS = {
    "AfterUntyped": ("afters", {"limit": 2}), "TokenNoSchema": ("tokens", {"limit": 2}),
    "HalLinks": ("hals", {"limit": 2}), "StreamPosition": ("streams", {"limit": 2}),
    "PageIndex": ("indexes", {"size": 2}), "BareToken": ("bares", {"limit": 2}),
    "OlderThan": ("olders", {"limit": 2}), "NullableAfter": ("nullables", {"limit": 2}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CALLS))
def test_auto_paging_iter_walks_every_item(
    api_and_package: tuple[Any, Any], server: ScriptedServer, name: str
) -> None:
    _, package = api_and_package
    server.play(_reply(name, server))
    client = package.Client(api_key="k", base_url=server.url, max_retries=0)
    resource, arguments = CALLS[name]
    page = getattr(client, resource).list(**arguments)
    assert [item["id"] for item in page.auto_paging_iter()] == [it["id"] for it in ITEMS]
    assert 3 <= len(server.requests) <= 4  # three pages (plus one empty for some styles)

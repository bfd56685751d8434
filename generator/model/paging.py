"""Paging as data: how a list operation reaches its next page (``detect_paging``).

The rules, in order (docs/conventions.md, "Paging"), for a GET without a body:

1. ``starting_after`` among the query parameters: a cursor by the last item's id
   (``cursor_id``), ``ending_before`` pages backwards, ``has_more`` says more follow.
2. A cursor parameter (``cursor``, ``page_token``, ``marker``, ``after`` ...) whose next value
   the response names (``next_cursor``, ``next_page_token``, ``next_marker``, ``cursors.after``,
   up to three levels deep): ``cursor``. ``after`` without such a field, on a list of items,
   is a cursor by the last item's id. Another cursor parameter whose response is a bare list
   (which has no field to carry the next value) gets it from the ``Link`` header. Any other
   query parameter whose next value the response names ``next_<parameter>`` (or
   ``next<Parameter>``: ``stream_position`` → ``next_stream_position``) is a cursor too.
3. A next-page URL in the response (``next_page_uri``, ``next_url``, ``next``,
   ``links.pages.next`` ..., or a link object's ``href`` under such a name, ``link.next.href``
   as HAL and JSON:API write links): ``next_url``.
4. A ``Link`` response header: ``link_header`` (RFC 8288, ``rel="next"``).
5. A page number (``page``, ``page_number``; ``index`` beside a page-size parameter): ``page``;
   6. ``offset``: ``offset``.
7. ``max_id`` (results older than an id, as Twitter and Mastodon have it): a cursor by the last
   item's id.

A response the model cannot see into is *untyped*: no schema (pages; a response without
``content``), ``Any``, a map, or an object without properties. Then the parameters alone
decide: ``starting_after`` and ``after`` page by the last item's id, another cursor parameter
by the usual field (``next_<parameter>``, assumed), then rules 5 to 7.

Anything else is no list this client pages through: its method returns the response as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import fields

from generator.model import shapes as s
from generator.scrape.records import RawPage

CURSOR_FIELDS: dict[str, tuple[str, ...]] = {
    "cursor": ("next_cursor", "nextCursor", "cursor"),
    "page_token": ("next_page_token",),
    "pageToken": ("nextPageToken",),
    "marker": ("next_marker",),
    "after": ("after", "next_cursor"),
    "next_token": ("next_token",),
    "continuation_token": ("continuation_token", "next_continuation_token"),
}
"""A cursor parameter and the response fields that may carry its next value."""

NEXT_URL_FIELDS = ("next_page_uri", "next_page_url", "next_url", "nextPageUrl", "next_link",
                   "nextLink", "next")
ITEM_FIELDS = ("data", "items", "results", "entries", "records")
SIZE_PARAMETERS = ("limit", "per_page", "page_size", "pageSize", "PageSize", "size")
PAGE_PARAMETERS = ("page", "Page", "page_number", "pageNumber")
SIZED_PAGE_PARAMETERS = ("index",)
"""Page numbers only beside a page-size parameter (``SIZE_PARAMETERS``): ``index`` + ``size``."""
ID_BOUND_PARAMETERS = ("max_id",)
"""Results older than an id (Twitter's and Mastodon's ``max_id``): the next is the last id."""
LINK_FIELDS = ("href",)
"""The URL of a link object (HAL ``_links.next.href``, JSON:API ``links.next.href``)."""
MAX_DEPTH = 3


def _empty_body(op: s.Operation, objects: Mapping[str, s.Object]) -> bool:
    """No body, or one without fields (Stripe's documents give every GET an empty form)."""
    body = op.body
    if body is None:
        return True
    found = objects.get(body.shape.name) if isinstance(body.shape, s.Ref) else None
    return found is not None and not found.fields


def takes_paging(op: s.Operation) -> bool:
    """Whether ``op`` returns one page of a list: it pages (``op.paging``), or it takes a
    page-size parameter (``SIZE_PARAMETERS``) though how it pages is not known."""
    return op.paging is not None or any(p.name in SIZE_PARAMETERS for p in op.query_params)


def detect_paging(
    op: s.Operation, raw: RawPage, objects: Mapping[str, s.Object]
) -> s.Paging | None:
    """``op``'s paging by the rules of the module docstring, or None."""
    if op.method != "GET" or not _empty_body(op, objects):
        return None
    names = [p.name for p in op.query_params]
    response = _list_response(op)
    if response is not None and _untyped(response, objects):
        response = None  # the parameters alone decide (the module docstring)
    found = dict(_walk(response, objects, "", 0)) if response is not None else {}
    items = _items(response, found, op.path)
    size = next((n for n in SIZE_PARAMETERS if n in names), "")
    if "starting_after" in names:
        has_more = "has_more" if "has_more" in found or response is None else ""
        return s.Paging("cursor_id", "starting_after", items=items or "data", size=size,
                      backward="ending_before" if "ending_before" in names else "",
                      has_more=has_more, reason="starting_after")  # fmt: skip
    for parameter, candidates in CURSOR_FIELDS.items():
        if parameter in names:
            paging = _cursor(parameter, candidates, found, response, items=items, size=size)
            if paging is not None:
                return paging
    for parameter in names:  # any parameter whose next value the response names next_<it>
        nexts = (f"next_{parameter}", f"next{parameter[:1].upper()}{parameter[1:]}")
        path = _next_field(nexts, found)
        if path:
            return s.Paging("cursor", parameter, next=path, items=items, size=size,
                          reason=f"{parameter} -> {path}")  # fmt: skip
    return _by_url_or_number(names, raw, found, items=items, size=size)


def _cursor(
    parameter: str, candidates: tuple[str, ...], found: dict[str, s.Shape],
    response: s.Shape | None, *, items: str, size: str,
) -> s.Paging | None:  # fmt: skip
    path = _next_field(candidates, found)
    if path:
        return s.Paging("cursor", parameter, next=path, items=items, size=size,
                      reason=f"{parameter} -> {path}")  # fmt: skip
    if parameter == "after" and (response is None or items
                                 or isinstance(_plain(response), s.Array)):
        return s.Paging("cursor_id", "after", items=items, size=size, reason="after (last id)")
    if response is None:
        return s.Paging("cursor", parameter, next=candidates[0], size=size,
                      reason=f"{parameter} (assumed -> {candidates[0]})")  # fmt: skip
    if isinstance(_plain(response), s.Array):
        return s.Paging("link_header", size=size,
                      reason=f"{parameter} (a bare list: the Link header)")  # fmt: skip
    return None


def _next_field(candidates: tuple[str, ...], found: dict[str, s.Shape]) -> str:
    """The first scalar response path whose last name is one of ``candidates`` ("": none)."""
    return next((p for p in found if p.rsplit(".", 1)[-1] in candidates
                 and _scalar(found[p])), "")  # fmt: skip


def _by_url_or_number(
    names: list[str], raw: RawPage, found: dict[str, s.Shape], *, items: str, size: str
) -> s.Paging | None:  # fmt: skip
    url = next((p for p in found if _scalar(found[p]) and _next_url(p) and _own(p, found)), "")
    if url and (items or size):
        return s.Paging("next_url", next=url, items=items, size=size, reason=url)
    if any("link" in r.headers for r in raw.responses if r.status.startswith("2")):
        return s.Paging("link_header", items=items, size=size, reason="Link header")
    numbers = PAGE_PARAMETERS + (SIZED_PAGE_PARAMETERS if size else ())
    page = next((n for n in numbers if n in names), "")
    if page:
        return s.Paging("page", page, items=items, size=size, reason=page)
    if "offset" in names:
        return s.Paging("offset", "offset", items=items, size=size, reason="offset")
    by_id = next((n for n in ID_BOUND_PARAMETERS if n in names), "")
    if by_id:
        return s.Paging("cursor_id", by_id, items=items, size=size, reason=f"{by_id} (last id)")
    return None


def _next_url(path: str) -> bool:
    """Whether a dotted response path names a next-page URL: ``next_url``, ``links.next``, or
    a link object's ``href`` under such a name (``link.next.href``)."""
    *parents, last = path.split(".")
    if last in LINK_FIELDS:
        return bool(parents) and parents[-1] in NEXT_URL_FIELDS
    return last in NEXT_URL_FIELDS


def _own(path: str, found: dict[str, s.Shape]) -> bool:
    """Whether a next-page URL at ``path`` is the response's own: a top-level field, or one
    inside a top-level object that holds no list (``meta.next_url``, ``links.next.href``).
    Under a field that holds a list (Spotify's ``tracks.next`` beside ``tracks.items`` in an
    album) it pages a list the response contains, and the response itself is one object."""
    head, dot, _ = path.partition(".")
    return not dot or not any(_list_field(p, shape) for p, shape in found.items()
                              if p.startswith(f"{head}."))  # fmt: skip


def _list_field(path: str, shape: s.Shape) -> bool:
    """Whether ``path`` holds a list: typed so, or named as item lists are (``ITEM_FIELDS``:
    a page object's ``items`` may be typed ``Any``)."""
    return isinstance(_plain(shape), s.Array) or path.rsplit(".", 1)[-1] in ITEM_FIELDS


def _untyped(response: s.Shape, objects: Mapping[str, s.Object]) -> bool:
    """Whether the model cannot see into a response: ``Any``, a map, an object without
    properties (or one it does not hold)."""
    shape = _plain(response)
    if isinstance(shape, s.Ref):
        found = objects.get(shape.name)
        return found is None or not found.fields
    return isinstance(shape, s.AnyShape | s.Map)


def _list_response(op: s.Operation) -> s.Shape | None:
    """The shape of the first 2xx response that has one."""
    return next((r.shape for r in op.responses
                 if r.status.startswith("2") and r.shape is not None), None)  # fmt: skip


def _items(response: s.Shape | None, found: dict[str, s.Shape], path: str) -> str:
    """The dotted path of the item list ("" when the body is the list or none is found): a
    list named as item lists are (``ITEM_FIELDS``); else, of the top-level lists, the one the
    operation's path ends with (``runs`` for ``/model_evaluation_runs``), else the first."""
    if response is None or isinstance(response, s.Array):
        return ""
    lists = [p for p, shape in found.items() if isinstance(_plain(shape), s.Array)]
    named = [p for p in lists if p.rsplit(".", 1)[-1] in ITEM_FIELDS]
    top = [p for p in lists if "." not in p]
    last = next((part for part in reversed(path.split("/")) if part and "{" not in part), "")
    by_path = [p for p in top if last.endswith(p)]
    return (named or by_path or top or [""])[0]


def _walk(
    shape: s.Shape, objects: Mapping[str, s.Object], prefix: str, depth: int
) -> Iterator[tuple[str, s.Shape]]:
    """Every (dotted wire path, shape) of an object response, breadth first within a level."""
    shape = _plain(shape)
    if not isinstance(shape, s.Ref) or depth >= MAX_DEPTH or shape.name not in objects:
        return
    obj = objects[shape.name]
    for f in obj.fields:
        yield f"{prefix}{f.wire_name}", f.shape
    for f in obj.fields:
        yield from _walk(f.shape, objects, f"{prefix}{f.wire_name}.", depth + 1)


def _plain(shape: s.Shape) -> s.Shape:
    """The shape without ``Emptyable`` and with a nullable union's one other variant."""
    if isinstance(shape, s.Emptyable):
        return _plain(shape.shape)
    if isinstance(shape, s.Union):
        refs = [v for v in shape.variants if isinstance(v, s.Ref | s.Array)]
        if len(refs) == 1:
            return refs[0]
    return shape


def _scalar(shape: s.Shape) -> bool:
    return not isinstance(_plain(shape), s.Ref | s.Array)


def configured_paging(op: s.Operation, settings: Mapping[str, str]) -> s.Paging | None:
    """The configured ``pagination`` for ``op`` when it has the configured parameter (or,
    for a style without one, the page-size parameter); None otherwise."""
    names = {p.name for p in op.query_params}
    known = {f.name for f in fields(s.Paging)} - {"style", "reason"}
    values = {k: v for k, v in settings.items() if k in known}
    key = values.get("parameter") or values.get("size", "")
    if op.method != "GET" or key not in names:
        return None
    return s.Paging(settings["style"], reason="configured (pagination)",  # type: ignore[arg-type]
                  **values)

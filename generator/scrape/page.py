"""Scrape one operation page (every build of the httpdoc page tool) into a ``RawPage``.

The page structure is read with BeautifulSoup and Python's ``html.parser`` (the
description ``<p>`` nests another ``<p>``, which lxml and html5lib close early). The
schema is cut out of the source first and parsed as JSON on its own (see ``source``),
and the description is sliced from the source so it survives byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag

from generator.diagnostics import Reporter
from generator.layouts import KEBAB_CLASSES, detect_layout
from generator.scrape.elements import (
    Index,
    PageSource,
    all_class,
    child,
    descendants,
    find_class,
    index_classes,
    inside,
    next_sibling_named,
)
from generator.scrape.records import RawPage, RawParameter, RawResponse
from generator.scrape.refs import RefError, Resolver, escape
from generator.scrape.source import (
    MAX_SCHEMA_DEPTH,
    SchemaCut,
    cut_schema,
    json_depth,
    line_at,
    looks_encoded,
    parse_schema,
    read_source,
)

LOCATIONS = ("path", "query", "header")
# RFC 9110 section 9.3: content in these requests has no defined semantics (TRACE: none allowed)
NO_BODY_METHODS = frozenset({"GET", "HEAD", "DELETE", "TRACE", "CONNECT"})
_TEMPLATE_GROUP = re.compile(r"\{([^}]*)\}")
_METHOD = re.compile(r"[A-Z]+")
_DESCRIPTION_OPEN = re.compile(
    r"<p\b[^>]*\bclass\s*=\s*\"request-?description\"[^>]*>", re.IGNORECASE
)
_DESCRIPTION_CLOSE = re.compile(r"</p\s*>\s*</section\s*>", re.I)


class PageError(Exception):
    """Nothing usable on the page; carries the line to report."""

    def __init__(self, line: int, message: str, code: str) -> None:
        super().__init__(message)
        self.line = line
        self.code = code


@dataclass(slots=True)
class _Context:
    file: str
    source: PageSource
    reporter: Reporter
    index: Index
    kebab: bool  # the page spells its classes in kebab case (the newest build)
    lines: dict[str, int] = field(default_factory=dict)

    def css(self, camel: str) -> str:
        """A class name as this page spells it, for messages."""
        return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", camel).lower() if self.kebab else camel


def scrape_page(
    path: Path, reporter: Reporter, *, display: str | None = None, max_bytes: int | None = None
) -> RawPage | None:
    """Scrape one page; ``None`` (after an error) when nothing usable is on it.

    A file over ``max_bytes`` is refused unread (the pipeline passes ``MAX_PAGE_BYTES``).
    """
    file = display if display is not None else str(path)
    try:
        text = read_source(path, file, reporter, max_bytes=max_bytes)
        return None if text is None else scrape_text(text, path.name, file, reporter)
    except PageError as exc:
        reporter.error(file, exc.line, str(exc), code=exc.code)
    except Exception as exc:  # never a traceback: anything unexpected becomes a diagnostic
        message = f"cannot scrape page: unexpected {type(exc).__name__}: {exc}"
        reporter.error(file, 0, message, code="internal")
    return None


def operation_id_from_name(name: str) -> str:
    """``PostCustomers.html`` → ``PostCustomers``; ``.html`` → ``""``."""
    for suffix in (".html", ".htm"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return Path(name).stem


def scrape_text(text: str, name: str, file: str, reporter: Reporter) -> RawPage | None:
    """Scrape page source ``text`` (file ``name``; ``file`` as shown in diagnostics)."""
    cut = cut_schema(text)
    rest, description, description_line = cut_description(cut.rest)
    soup = BeautifulSoup(rest, "html.parser")
    if soup.find() is None:
        raise PageError(1, "not an HTML page: no tags found", "not-html")
    index, spelt = index_classes(soup)
    ctx = _Context(file, PageSource(rest), reporter, index, bool(KEBAB_CLASSES & spelt))
    summary = _summary(ctx)
    request = _request_example(ctx)
    method, target, line = _request_line(ctx, request)
    path, query = _split_target(target)
    headers = _headers(ctx, request)
    parameters = _parameters(ctx)
    has_body, schema = _body(cut, method, headers, ctx)
    if has_body and schema is False:
        return None
    layout = detect_layout(
        spelt, target=target, locations=[p.location_as_written for p in parameters],
        etag=any(k.lower() == "etag" for k, _ in headers),
        raw_schema=bool(cut.raw and cut.raw.strip()) and not looks_encoded(cut.raw or ""),
    )  # fmt: skip
    return RawPage(
        file=file,
        operation_id=operation_id_from_name(name),
        title=ctx.source.text_of(soup.title) if soup.title else "",
        summary=summary,
        description=_description(ctx, description, description_line),
        method=method,
        path=path,
        query_template=query,
        host=_header(headers, "host"),
        headers=headers,
        parameters=tuple(p.record for p in parameters),
        media_type=_header(headers, "content-type"),
        schema=schema,
        responses=_responses(ctx),
        line=line,
        schema_line=cut.line,
        lines=ctx.lines,
        has_body=has_body,
        layout=layout,
        example=ctx.source.example_in(request) if has_body else None,
    )


def _summary(ctx: _Context) -> str:
    """The ``<h1>``; the newest build leaves it out when the operation has no summary or id."""
    h1 = find_class(ctx.index, "h1", "requestsummary")
    if h1 is None:
        if ctx.kebab:
            return ""
        raise PageError(1, 'not an operation page: no <h1 class="requestSummary">', "no-summary")
    ctx.lines["h1"] = h1.sourceline or 0
    return ctx.source.text_of(h1).strip()


def _request_example(ctx: _Context) -> Tag | None:
    """The request's ``<pre class="httpExample">`` (the newest build has one per response too)."""
    pres = (pre for pre in all_class(ctx.index, "pre", "httpexample") if not inside(pre, "li"))
    return next(pres, None)


def _request_line(ctx: _Context, example: Tag | None) -> tuple[str, str, int]:
    """Method, target (path and query template as written) and line of the request line."""
    where = (example.sourceline or 1) if example else ctx.lines.get("h1", 1)
    method_tag = _request_span(ctx, example, "requestline")
    if method_tag is None:
        message = f'no request line (<span class="{ctx.css("requestLine")}">)'
        raise PageError(where, message, "no-request-line")
    line = method_tag.sourceline or where
    method = ctx.source.text_of(method_tag).strip().upper()
    if not _METHOD.fullmatch(method):
        raise PageError(line, f"bad HTTP method {method!r} in the request line", "bad-method")
    target_tag = _request_span(ctx, example, "httptarget")
    if target_tag is not None:
        target = ctx.source.text_of(target_tag).strip()
    else:
        target = _prototype_target(ctx, example, line)
    if not target:
        message = f'no request target (<span class="{ctx.css("httpTarget")}">)'
        raise PageError(line, message, "no-target")
    return method, target, line


def _request_span(ctx: _Context, example: Tag | None, key: str) -> Tag | None:
    """A span of the request message: inside its ``<pre>`` when there is one."""
    found = child(example, key) if example is not None else None
    return found if found is not None else find_class(ctx.index, "span", key)


def _prototype_target(ctx: _Context, example: Tag | None, line: int) -> str:
    """``httpPath`` + ``httpQuery`` of a hand-run prototype page; ``""`` when neither is there."""
    path_tag = _request_span(ctx, example, "httppath")
    query_tag = _request_span(ctx, example, "httpquery")
    if path_tag is None and query_tag is None:
        return ""
    path = ctx.source.text_of(path_tag).strip()
    if not path:
        message = 'prototype page without a request path (<span class="httpPath">)'
        raise PageError(line, message, "no-target")
    query = ctx.source.text_of(query_tag).strip()
    names = ",".join(_query_names(query))
    return path + ("{?" + names + "}" if names else "")


def _split_target(target: str) -> tuple[str, tuple[str, ...]]:
    """Path with slashes and no ``+{baseUrl}``, and the decoded query template names."""
    path = target.replace("\\", "/")
    path = path.removeprefix("+{baseUrl}").removeprefix("{+baseUrl}")
    names: tuple[str, ...] = ()
    query_at = _query_start(path)
    if query_at >= 0:
        path, names = path[:query_at], _query_names(path[query_at:])
    if not path.startswith("/"):
        path = "/" + path
    return path, names


def _query_start(target: str) -> int:
    """Where the query part of a target starts (``{?``, ``?{`` or ``?``); -1 when none."""
    found = [i for i in (target.find("{?"), target.find("?")) if i >= 0]
    return min(found) if found else -1


def _query_names(query: str) -> tuple[str, ...]:
    """Parameter names of a query template: ``{?a*,b}``, ``?{a,b}`` or ``?a={a}&b={b}``.

    Names are percent-decoded (the tool escapes them as ``Uri.EscapeDataString`` does);
    ``*`` (explode) and ``:N`` (prefix) modifiers of RFC 6570 are dropped.
    """
    groups = _TEMPLATE_GROUP.findall(query)
    plain = "=" in query
    if plain:
        items = [part.split("=", 1)[0] for part in query.lstrip("?").split("&")]
    else:
        items = [item for group in groups for item in group.lstrip("?&").split(",")]
    names = (unquote(item.strip().rstrip("*").split(":", 1)[0]) for item in items)
    return tuple(dict.fromkeys(name for name in names if name))


def _headers(ctx: _Context, request: Tag | None) -> tuple[tuple[str, str], ...]:
    """The request's header lines, in order (the newest build also has them per response)."""
    if request is not None:
        names = list(descendants(request, "headerline"))
        values = list(descendants(request, "headervalue"))
    else:
        names = [t for t in all_class(ctx.index, "span", "headerline") if not inside(t, "li")]
        values = [t for t in all_class(ctx.index, "span", "headervalue") if not inside(t, "li")]
    return _pairs(ctx, names, values)


def _pairs(ctx: _Context, names: list[Tag], values: list[Tag]) -> tuple[tuple[str, str], ...]:
    text = ctx.source.text_of
    return tuple(
        (text(n).strip(), text(v).strip()) for n, v in zip(names, values, strict=False)
    )


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name), "")


def cut_description(text: str) -> tuple[str, str | None, int]:
    """Slice the description's inner HTML out of the source (nested ``<p>`` kept).

    Returns the text with the description blanked (line numbers kept), the description
    (``None`` when its tags are not found) and its line. Cutting it out spares the HTML
    parser a description of any size.
    """
    opening = _DESCRIPTION_OPEN.search(text)
    closing = _DESCRIPTION_CLOSE.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return text, None, 0
    inner = text[opening.end() : closing.start()]
    rest = text[: opening.end()] + "\n" * inner.count("\n") + text[closing.start() :]
    return rest, inner, line_at(text, opening.start())


def _description(ctx: _Context, sliced: str | None, line: int) -> str:
    """The sliced description, or the parsed one when the source slice failed."""
    tag = find_class(ctx.index, "p", "requestdescription")
    if sliced is not None:
        ctx.lines["description"] = line
        return sliced
    if tag is None:
        return ""
    ctx.lines["description"] = tag.sourceline or 0
    return str(tag.decode_contents())


@dataclass(frozen=True, slots=True)
class _Parameter:
    record: RawParameter
    location_as_written: str


def _parameters(ctx: _Context) -> list[_Parameter]:
    section = find_class(ctx.index, "dl", "parameters")
    if section is not None:
        ctx.lines["parameters"] = section.sourceline or 0
    found = (_parameter(dt, ctx) for dt in all_class(ctx.index, "dt", "parameter"))
    return [p for p in found if p is not None]


def _parameter(dt: Tag, ctx: _Context) -> _Parameter | None:
    line = dt.sourceline or 0
    text = ctx.source.text_of
    name = text(child(dt, "parametername"))
    written = text(child(dt, "parameterlocation")).strip()
    location = written.lower()
    if location not in LOCATIONS:
        message = f"parameter {name!r}: unknown location {location!r}; parameter skipped"
        ctx.reporter.warning(ctx.file, line, message, code="unknown-location")
        return None
    dd = next_sibling_named(dt, "dd")
    required = text(child(dd, "parameterrequired")).strip().lower()
    if required not in ("required", "optional"):
        message = f"parameter {name!r}: {required!r} is neither required nor optional"
        ctx.reporter.warning(ctx.file, line, message + "; taken as optional", code="bad-required")
    description = child(dd, "parameterdescription")
    record = RawParameter(
        name=name,
        location=location,
        type=text(child(dt, "parametertype")).strip(),
        required=required == "required",
        description=description.get_text() if description is not None else "",
        line=line,
    )
    return _Parameter(record, written)


def _responses(ctx: _Context) -> tuple[RawResponse, ...]:
    section = find_class(ctx.index, "ul", "responses")
    if section is not None:
        ctx.lines["responses"] = section.sourceline or 0
    return tuple(_response(ctx, li) for li in all_class(ctx.index, "li", "response"))


def _response(ctx: _Context, li: Tag) -> RawResponse:
    """One ``<li class="response">``: status and description; in the newest build also the
    content type and an example, inside the item's own ``<pre class="http-example">``."""
    text = ctx.source.text_of
    headers = _pairs(ctx, list(descendants(li, "headerline")), list(descendants(li, "headervalue")))
    pre = next((t for t in descendants(li, "httpexample") if t.name == "pre"), None)
    return RawResponse(
        status=text(child(li, "statusline")).strip(),
        description=text(child(li, "statusdescription")),
        media_type=_header(headers, "content-type"),
        example=ctx.source.example_in(pre),
    )


def _body(
    cut: SchemaCut, method: str, headers: tuple[tuple[str, str], ...], ctx: _Context
) -> tuple[bool, Any]:
    """``(has_body, schema)``: schema is a dict, ``None`` (empty) or ``False`` (error reported).

    An empty schema section with no content type on a method whose content has no defined
    semantics (``NO_BODY_METHODS``: some prototypes show one on a GET) means no body.
    """
    content_type = _header(headers, "content-type")
    if cut.raw is not None and not cut.raw.strip() and cut.closed:
        if not content_type and method in NO_BODY_METHODS:
            return False, None
    if cut.raw is None:
        if content_type:
            where = ctx.lines.get("parameters", 1)
            message = (
                f"the request has a body ({content_type}) but the page has no request body "
                'schema section (<pre class="schema">)'
            )
            ctx.reporter.error(ctx.file, where, message, code="no-schema")
            return True, False
        return False, None
    return True, _schema(cut, ctx)


def _schema(cut: SchemaCut, ctx: _Context) -> Any:
    raw = cut.raw or ""
    if not raw.strip():
        if not cut.closed:
            ctx.reporter.error(ctx.file, cut.line, "page ends inside the schema", code="truncated")
            return False
        message = "request body schema is empty: the body is typed Any"
        ctx.reporter.warning(ctx.file, cut.line, message, code="empty-schema")
        return None
    ok, schema = parse_schema(raw, cut.line, ctx.file, ctx.reporter)
    if not ok:
        return False
    if not isinstance(schema, dict):
        message = f"request body schema is not a JSON object (got {type(schema).__name__})"
        ctx.reporter.error(ctx.file, cut.line, message, code="schema-not-object")
        return False
    if json_depth(schema) > MAX_SCHEMA_DEPTH:
        message = f"request body schema is nested deeper than {MAX_SCHEMA_DEPTH} levels"
        ctx.reporter.error(ctx.file, cut.line, message, code="schema-too-deep")
        return False
    return False if _dangling_ref(schema, cut, ctx) else schema


def _dangling_ref(schema: dict[str, Any], cut: SchemaCut, ctx: _Context) -> bool:
    """Report the first ``$ref`` (in document order) that points nowhere in the schema."""
    resolver = Resolver(schema, ctx.file, ctx.reporter)
    for ref, pointer in _refs(schema):
        try:
            resolver.target(ref, pointer)
        except RefError as exc:
            raw = cut.raw or ""
            line = cut.line + raw.count("\n", 0, max(0, raw.find(ref)))
            message = f"{exc}; a page inlines its references, so the operation is skipped"
            ctx.reporter.error(ctx.file, line, message, pointer=pointer, code="unresolved-ref")
            return True
    return False


def _refs(schema: Any) -> list[tuple[str, str]]:
    """Every string ``$ref`` in ``schema`` with the JSON pointer of its object, in order."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(schema, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            found.append((node["$ref"], pointer))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        children = [(v, f"{pointer}/{escape(str(k))}") for k, v in items]
        stack.extend(c for c in reversed(children) if isinstance(c[0], dict | list))
    return found

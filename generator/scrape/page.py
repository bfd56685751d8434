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
from generator.scrape.records import RawPage, RawParameter, RawResponse
from generator.scrape.refs import RefError, Resolver, escape
from generator.scrape.source import (
    MAX_SCHEMA_DEPTH,
    SchemaCut,
    cut_schema,
    json_depth,
    line_at,
    parse_schema,
    read_source,
)

LOCATIONS = ("path", "query", "header")
_QUERY_TEMPLATE = re.compile(r"\{\?([^}]*)\}\s*$")
_METHOD = re.compile(r"[A-Z]+")
_DESCRIPTION_OPEN = re.compile(r"<p\b[^>]*\bclass\s*=\s*\"requestDescription\"[^>]*>", re.I)
_DESCRIPTION_CLOSE = re.compile(r"</p\s*>\s*</section\s*>", re.I)


class PageError(Exception):
    """Nothing usable on the page; carries the line to report."""

    def __init__(self, line: int, message: str, code: str) -> None:
        super().__init__(message)
        self.line = line
        self.code = code


Index = dict[str, list[Tag]]


@dataclass(slots=True)
class _Context:
    file: str
    text: str
    reporter: Reporter
    index: Index
    lines: dict[str, int] = field(default_factory=dict)


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
    ctx = _Context(file, text, reporter, index_classes(soup))
    summary = _summary(ctx)
    method, target, line = _request_line(ctx)
    path, query = _split_target(target)
    headers = _headers(ctx.index)
    parameters = _parameters(ctx)
    has_body, schema = _body(cut, headers, ctx)
    if has_body and schema is False:
        return None
    return RawPage(
        file=file,
        operation_id=operation_id_from_name(name),
        title=_text(soup.title),
        summary=summary,
        description=_description(ctx, description, description_line),
        method=method,
        path=path,
        query_template=query,
        host=_header(headers, "host"),
        headers=headers,
        parameters=parameters,
        media_type=_header(headers, "content-type"),
        schema=schema,
        responses=_responses(ctx),
        line=line,
        schema_line=cut.line,
        lines=ctx.lines,
        has_body=has_body,
    )


def _text(tag: Any) -> str:
    return tag.get_text() if isinstance(tag, Tag) else ""


def index_classes(root: BeautifulSoup | Tag) -> dict[str, list[Tag]]:
    """Every tag under ``root`` by CSS class, in document order (one pass, no searches)."""
    index: dict[str, list[Tag]] = {}
    for node in root.descendants:
        if isinstance(node, Tag):
            for css in node.get_attribute_list("class"):
                index.setdefault(css, []).append(node)
    return index


def _find_class(index: dict[str, list[Tag]], name: str, css: str) -> Tag | None:
    return next((tag for tag in index.get(css, ()) if tag.name == name), None)


def _all_class(index: dict[str, list[Tag]], name: str, css: str) -> list[Tag]:
    return [tag for tag in index.get(css, ()) if tag.name == name]


def _child(tag: Tag | None, css: str) -> Tag | None:
    """The first tag under ``tag`` with class ``css``."""
    if tag is None:
        return None
    for node in tag.descendants:
        if isinstance(node, Tag) and css in node.get_attribute_list("class"):
            return node
    return None


def _summary(ctx: _Context) -> str:
    h1 = _find_class(ctx.index, "h1", "requestSummary")
    if h1 is None:
        if "request-summary" in ctx.index:
            message = "unsupported page layout: kebab-case classes of the newest page tool"
            raise PageError(1, message, "unsupported-layout")
        raise PageError(1, 'not an operation page: no <h1 class="requestSummary">', "no-summary")
    ctx.lines["h1"] = h1.sourceline or 0
    return h1.get_text().strip()


def _request_line(ctx: _Context) -> tuple[str, str, int]:
    """Method, target and line of the request line."""
    example = _find_class(ctx.index, "pre", "httpExample")
    where = (example.sourceline or 1) if example else ctx.lines.get("h1", 1)
    method_tag = _find_class(ctx.index, "span", "requestLine")
    if method_tag is None:
        raise PageError(where, 'no request line (<span class="requestLine">)', "no-request-line")
    line = method_tag.sourceline or where
    method = method_tag.get_text().strip().upper()
    if not _METHOD.fullmatch(method):
        raise PageError(line, f"bad HTTP method {method!r} in the request line", "bad-method")
    target_tag = _find_class(ctx.index, "span", "httpTarget")
    target = target_tag.get_text().strip() if target_tag else ""
    if not target:
        raise PageError(line, 'no request target (<span class="httpTarget">)', "no-target")
    return method, target, line


def _split_target(target: str) -> tuple[str, tuple[str, ...]]:
    """Path with slashes and no ``+{baseUrl}``, and the decoded query template names."""
    path = target.replace("\\", "/")
    path = path.removeprefix("+{baseUrl}").removeprefix("{+baseUrl}")
    names: tuple[str, ...] = ()
    match = _QUERY_TEMPLATE.search(path)
    if match:
        path = path[: match.start()]
        items = (item.strip().rstrip("*") for item in match.group(1).split(","))
        names = tuple(unquote(item) for item in items if item)
    if not path.startswith("/"):
        path = "/" + path
    return path, names


def _headers(index: Index) -> tuple[tuple[str, str], ...]:
    names = _all_class(index, "span", "headerLine")
    values = _all_class(index, "span", "headerValue")
    return tuple(
        (n.get_text().strip(), v.get_text().strip()) for n, v in zip(names, values, strict=False)
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
    tag = _find_class(ctx.index, "p", "requestDescription")
    if sliced is not None:
        ctx.lines["description"] = line
        return sliced
    if tag is None:
        return ""
    ctx.lines["description"] = tag.sourceline or 0
    return str(tag.decode_contents())


def _parameters(ctx: _Context) -> tuple[RawParameter, ...]:
    section = _find_class(ctx.index, "dl", "parameters")
    if section is not None:
        ctx.lines["parameters"] = section.sourceline or 0
    found = (_parameter(dt, ctx) for dt in _all_class(ctx.index, "dt", "parameter"))
    return tuple(p for p in found if p is not None)


def _parameter(dt: Tag, ctx: _Context) -> RawParameter | None:
    line = dt.sourceline or 0
    name = _text(_child(dt, "parameterName"))
    location = _text(_child(dt, "parameterLocation")).strip().lower()
    if location not in LOCATIONS:
        message = f"parameter {name!r}: unknown location {location!r}; parameter skipped"
        ctx.reporter.warning(ctx.file, line, message, code="unknown-location")
        return None
    dd = dt.find_next_sibling("dd")
    dd = dd if isinstance(dd, Tag) else None
    required = _text(_child(dd, "parameterRequired")).strip().lower()
    if required not in ("required", "optional"):
        message = f"parameter {name!r}: {required!r} is neither required nor optional"
        ctx.reporter.warning(ctx.file, line, message + "; taken as optional", code="bad-required")
    return RawParameter(
        name=name,
        location=location,
        type=_text(_child(dt, "parameterType")).strip(),
        required=required == "required",
        description=_text(_child(dd, "parameterDescription")),
        line=line,
    )


def _responses(ctx: _Context) -> tuple[RawResponse, ...]:
    section = _find_class(ctx.index, "ul", "responses")
    if section is not None:
        ctx.lines["responses"] = section.sourceline or 0
    return tuple(
        RawResponse(_text(_child(li, "statusLine")).strip(), _text(_child(li, "statusDescription")))
        for li in _all_class(ctx.index, "li", "response")
    )


def _body(cut: SchemaCut, headers: tuple[tuple[str, str], ...], ctx: _Context) -> tuple[bool, Any]:
    """``(has_body, schema)``: schema is a dict, ``None`` (empty) or ``False`` (error reported)."""
    content_type = _header(headers, "content-type")
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

"""Each operation written back as a page in the source layout (``pages/<OperationId>.html``).

Round trip 1: scraping the page written here gives the model it came from. The schema is
entity-encoded as the page tool encodes it, the description is kept verbatim when it is safe,
and every other piece is escaped as little as HTML needs. The files of a rendered template,
each after its generated-by line, are made here too (``render_files``), for the docs as well.
"""

from __future__ import annotations

import html
import json
import pickle
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from typing import assert_never, cast
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup, escape

from generator.emit.environment import comment
from generator.emit.python import class_names
from generator.emit.sanitise import BAD_CHARS, dotnet_html_encode, visible
from generator.layouts import DEFAULT_LAYOUT, Layout, host_line, is_layout
from generator.memo import active, memoised, operation_keys
from generator.model import shapes as s
from generator.model.naming import file_stem
from generator.model.to_schema import body_schema
from generator.processes import Forked, ForkedError, can_fork

Header = Callable[[str, str], str]  # (path, source) -> the generated-by line
# (template, context, source, the memo keys of the operations the file shows)
Plan = tuple[str, Mapping[str, object], str, tuple[str, ...]]
Planned = dict[str, Plan]  # by output path

PAGE_EXAMPLE = '{ "example": "Example goes here" }'
UNSAFE_TAGS = frozenset(
    "script style iframe object embed applet param link meta base form input button textarea "
    "select option svg math template noscript noembed noframes xmp plaintext title frame "
    "frameset html head body section article pre dl dt dd h1 h2 h3 h4 h5 h6 img video audio "
    "source track canvas".split()
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "background"})


class _SafetyCheck(HTMLParser):
    """Finds anything in a description that could run or break the page around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.unsafe |= tag in UNSAFE_TAGS or any(_unsafe_attribute(k, v) for k, v in attrs)

    def handle_endtag(self, tag: str) -> None:
        self.unsafe |= tag in UNSAFE_TAGS

    def handle_comment(self, data: str) -> None:
        self.unsafe = True

    def handle_decl(self, decl: str) -> None:
        self.unsafe = True

    def handle_pi(self, data: str) -> None:
        self.unsafe = True

    def unknown_decl(self, data: str) -> None:
        self.unsafe = True


def _unsafe_attribute(name: str, value: str | None) -> bool:
    if name.startswith("on") or name in ("style", "srcdoc"):
        return True
    scheme = urlsplit((value or "").strip()).scheme.lower() if name in URL_ATTRIBUTES else ""
    return scheme not in ("", "http", "https", "mailto")


def page_description(fragment: str) -> Markup:
    """The description for the page written back: as the source had it, when that is safe.

    The model keeps the description as the page's HTML fragment and the source layout writes
    it unescaped, so round trip 1 needs it verbatim. A fragment that holds anything that could
    run (script, event handlers, javascript: links) or close the page's own elements is
    written escaped instead, as text.
    """
    check = _SafetyCheck()
    check.feed(fragment)
    check.close()
    if check.unsafe or BAD_CHARS.search(fragment):
        return escape(visible(fragment))
    # Deliberately unescaped: checked above to hold only harmless tags and attributes.
    return Markup(fragment)


@dataclass(frozen=True, slots=True)
class PageParameter:
    name: Markup
    location: str  # as the layout writes it: "path", or "Path" in the older build
    type: str
    description: Markup
    required: bool


@dataclass(frozen=True, slots=True)
class PageResponse:
    status: Markup
    description: Markup
    media_type: Markup  # "" when the model names none (then no content-type line is written)
    example: Markup  # what follows the content-type line (the newest layout only)


@dataclass(frozen=True, slots=True)
class PageView:
    """Everything a page of one layout shows, each piece ready to place."""

    layout: Layout
    title: Markup
    heading: Markup  # "" only in the newest layout, which leaves the <h1> out then
    description: Markup
    method: str
    target: Markup  # the whole request target (every layout but the prototype)
    path: Markup  # the prototype's httpPath: forward slashes
    query: Markup  # the prototype's httpQuery: "?{a,b}", "" without query parameters
    headers: tuple[tuple[Markup, Markup], ...]
    example: Markup | None  # the request body example, None when the layout writes none
    parameters: tuple[PageParameter, ...]
    schema: Markup | None  # the request body schema section, None without a body
    responses: tuple[PageResponse, ...]


def page_layout(op: s.Operation, api: s.Api) -> Layout:
    """The layout ``op`` is written back in: configured, else the one it was read from."""
    for name in (api.page_layout, op.source.layout):
        if is_layout(name):
            return cast(Layout, name)
    return DEFAULT_LAYOUT


def page_template(layout: Layout) -> str:
    """The template that writes pages of ``layout`` (``templates/pages/``)."""
    match layout:
        case "b56c85d" | "34ca9f8" | "34ca9f8-raw":
            return "pages/operation.html.jinja"
        case "61aca2d":
            return "pages/operation-61aca2d.html.jinja"
        case "prototype":
            return "pages/operation-prototype.html.jinja"
        case _:
            assert_never(layout)


def page_view(op: s.Operation, api: s.Api) -> PageView:
    layout = page_layout(op, api)
    text = encoded if layout == "61aca2d" else text_node
    heading = op.summary if layout == "61aca2d" else op.summary or op.operation_id
    target = op.path.replace("/", "\\") + query_template(op)
    return PageView(
        layout=layout,
        title=text("" if op.summary == op.operation_id else op.summary),
        heading=text(heading),
        description=page_description(op.description),
        method=op.method.upper(),
        target=text(("+{baseUrl}" if layout == "b56c85d" else "") + target),
        path=text(op.path),
        query=text("?{" + ",".join(query_names(op)) + "}" if op.query_params else ""),
        headers=tuple((text(k), text(v)) for k, v in page_headers(op, api, layout)),
        example=request_example(op, layout),
        parameters=page_parameters(op, layout),
        schema=page_schema(op, api, layout),
        responses=tuple(page_response(r, text) for r in op.responses),
    )


def page_response(response: s.Response, text: Callable[[str], Markup]) -> PageResponse:
    media_type = response.media_type
    return PageResponse(
        text(response.status), text(response.description), text(media_type),
        Markup("&#xA;null") if media_type else Markup(""),
    )  # fmt: skip


def request_example(op: s.Operation, layout: Layout) -> Markup | None:
    """The example after the request headers: the middle Stripe build's placeholder, the
    newest build's ``null`` (the model keeps no examples); the other layouts write none."""
    if op.body is None:
        return None
    match layout:
        case "34ca9f8":
            return Markup(dotnet_html_encode(PAGE_EXAMPLE))
        case "61aca2d":
            return Markup("null")
        case "b56c85d" | "34ca9f8-raw" | "prototype":
            return None
        case _:
            assert_never(layout)


def page_parameters(op: s.Operation, layout: Layout) -> tuple[PageParameter, ...]:
    """The parameters a page lists: path, query, header (the page tool never writes cookie
    ones: ``corpus/pages/GENERATOR.md``)."""
    params = (*op.path_params, *op.query_params, *op.header_params)
    capital = layout in ("b56c85d", "prototype")  # the older build writes "in: Path"
    return tuple(
        PageParameter(text_node(p.name), p.location.capitalize() if capital else p.location,
                      page_type(p.shape), text_node(p.description), p.required)
        for p in params
    )  # fmt: skip


def page_schema(op: s.Operation, api: s.Api, layout: Layout = DEFAULT_LAYOUT) -> Markup | None:
    """The body's JSON schema as the layout writes it; ``None`` without a body.

    Entity-encoded as the page tool encodes it (Stripe's middle build, the newest build); raw
    JSON with ``<``, ``>`` and ``&`` written as JSON escapes (``\\u003c``: the same JSON, and
    nothing HTML could read as markup) for the middle build of other APIs; empty in the older
    build and its prototypes, which never wrote the schema.
    """
    if op.body is None:
        return None
    text = json.dumps(body_schema(op, api), indent=2, ensure_ascii=False)
    match layout:
        case "34ca9f8" | "61aca2d":
            # The page tool entity-encodes the schema itself; the encoder escapes every
            # character HTML gives a meaning to, so the result is marked safe as it is.
            return Markup(dotnet_html_encode(visible(text)))
        case "34ca9f8-raw":
            return Markup(_JSON_HTML.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(text)))
        case "b56c85d" | "prototype":
            return Markup("")
        case _:
            assert_never(layout)


_JSON_HTML = re.compile("[<>&]")


def text_node(text: str) -> Markup:
    """Text escaped for an element's content, as little as HTML needs (``&``, ``<``, ``>``).

    Quotes stay as they are, as in the source pages; this is never used in an attribute.
    """
    return Markup(html.escape(visible(text), quote=False))


def encoded(text: str) -> Markup:
    """Text as the newest page tool writes it: .NET's ``HtmlEncoder.Default``."""
    return Markup(dotnet_html_encode(visible(text)))


def query_template(op: s.Operation) -> str:
    """``{?a*,b*}`` with names escaped as .NET's ``Uri.EscapeDataString`` and Kiota do."""
    if not op.query_params:
        return ""
    return "{?" + ",".join(f"{n}*" for n in query_names(op)) + "}"


def query_names(op: s.Operation) -> list[str]:
    """The query parameter names, escaped for a URI template, each once."""
    return list(dict.fromkeys(_escape_query_name(p.name) for p in op.query_params))


def _escape_query_name(name: str) -> str:
    escaped = quote(name, safe="")
    return escaped.replace("-", "%2D").replace(".", "%2E").replace("~", "%7E")


def page_headers(op: s.Operation, api: s.Api, layout: Layout) -> tuple[tuple[str, str], ...]:
    """The request's header lines as ``layout`` writes them (corpus pages/GENERATOR.md)."""
    headers = [("host", host)] if (host := host_line(api.base_url)) else []
    if layout == "34ca9f8":
        headers.append(("eTag", '"23423432"'))
    if accepted := accept(op):  # left out when no response names a media type
        headers.append(("accept", accepted))
    if op.body is not None and layout not in ("b56c85d", "prototype"):
        headers.append(("content-type", op.body.media_type))
    return tuple(headers)


def accept(op: s.Operation) -> str:
    """The responses' media types, each once, joined by ``,`` (the tool's ``accept`` line)."""
    return ",".join(dict.fromkeys(r.media_type for r in op.responses if r.media_type))


def page_type(shape: s.Shape) -> str:
    """The ``parameterType`` text: the schema's ``type``, empty where it has none."""
    match shape:
        case s.String() | s.Enum():
            return "string"
        case s.Map() | s.Ref():
            return "object"
        case s.Integer() | s.Number() | s.Boolean() | s.Array():
            return shape.kind
        case s.Null() | s.Const() | s.Union() | s.Emptyable() | s.Binary() | s.AnyShape():
            return ""  # no one type (or none a page names)
        case _:
            assert_never(shape)


# --------------------------------------------------------------------------- files


def render_pages(
    api: s.Api, env: jinja2.Environment, *, header: Header | None = None, sink: Sink | None = None
) -> dict[str, str]:
    """``pages/<OperationId>.html``: each operation written back in the source layout (given
    to ``sink`` as each is made, when there is one: see ``render_files``)."""
    return render_files(pages_plan(api), env, header, sink)


def pages_plan(api: s.Api) -> Planned:
    """The plan of ``render_pages``' files (rendered by ``render_files``)."""
    names = class_names(api)
    layouts = {op.operation_id: page_layout(op, api) for op in api.operations}
    return {  # the layout in the keys: three layouts share one template
        f"pages/{file_stem(op.operation_id)}.html": (
            page_template(layouts[op.operation_id]), _LazyPage(op, api), op.source.file,
            (*operation_keys(api, (op,), names), layouts[op.operation_id]))
        for op in api.operations
    }  # fmt: skip


class _LazyPage(Mapping[str, object]):
    """The page template's context ``{"page": page_view(op, api)}``, computed when rendered."""

    def __init__(self, op: s.Operation, api: s.Api) -> None:
        self.op, self.api = op, api

    def __getitem__(self, key: str) -> object:
        if key != "page":
            raise KeyError(key)
        return page_view(self.op, self.api)

    def __iter__(self) -> Iterator[str]:
        return iter(("page",))

    def __len__(self) -> int:
        return 1


Sink = Callable[[str, str], None]  # takes each file (path, text) as soon as it is made


def render_files(
    files: Planned, env: jinja2.Environment, header: Header | None, sink: Sink | None = None
) -> dict[str, str]:
    """Each planned file rendered from its template, after its generated-by line.

    With a ``sink``, each file goes to it as soon as it is made and none is returned: a
    large API's docs are never all held at once.
    """
    if sink is None:
        return {path: _render_file(env, path, plan, header) for path, plan in sorted(files.items())}
    for path, plan in sorted(files.items()):
        sink(path, _render_file(env, path, plan, header))
    return {}


PARALLEL_FILES = 200  # files to render: fewer than this, this process renders them sooner
BATCH_FILES = 50  # files the forked process sends back together


class Rendering:
    """``render_files(files, env, header, sink)`` begun now: with a ``sink`` and many files,
    in a forked process (``generator.processes.Forked``) while this one goes on (it renders
    the code meanwhile); ``finish`` gives them to ``sink`` (else returns them, as
    ``render_files`` does). Rendered here instead with an active memo (a forked process
    could not keep what it renders), where processes cannot be forked, and after the
    forked process failed (so a broken template raises here, as it would have)."""

    def __init__(
        self, files: Planned, env: jinja2.Environment, header: Header | None, sink: Sink | None
    ) -> None:
        self.files, self.env, self.header, self.sink = files, env, header, sink
        self.forked: Forked[bytes] | None = None
        if sink is not None and len(files) >= PARALLEL_FILES and not active().enabled \
                and can_fork():  # fmt: skip
            self.forked = Forked(partial(_render_batches, files, env, header))

    def __enter__(self) -> Rendering:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.forked is not None:
            self.forked.close()

    def finish(self) -> dict[str, str]:
        if self.forked is None or self.sink is None:
            return render_files(self.files, self.env, self.header, self.sink)
        left = dict(self.files)
        try:
            for batch in self.forked.items():
                for path, text in pickle.loads(zlib.decompress(batch)):
                    self.sink(path, text)
                    del left[path]
        except ForkedError:
            return render_files(left, self.env, self.header, self.sink)
        return {}


def _render_batches(
    files: Planned, env: jinja2.Environment, header: Header | None, send: Callable[[bytes], None]
) -> None:
    """In the forked process: ``files`` rendered in path order, sent in compressed batches
    (the caller holds what it has not taken yet at a fifth of its size)."""
    paths = sorted(files)
    for start in range(0, len(paths), BATCH_FILES):
        batch = [(path, _render_file(env, path, files[path], header))
                 for path in paths[start : start + BATCH_FILES]]  # fmt: skip
        send(zlib.compress(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL), 1))


def _file_key(env: jinja2.Environment, path: str, plan: Plan, header: Header | None) -> list[str]:
    """A file is kept by its template, path, source, header line and the operations it shows."""
    name, _, source, operations = plan
    return ["file", path, name, source, header(path, source) if header else "", *operations]


@memoised(_file_key)
def _render_file(env: jinja2.Environment, path: str, plan: Plan, header: Header | None) -> str:
    name, context, source, _ = plan
    return _with_header(path, env.get_template(name).render(context), source, header)


def _with_header(path: str, text: str, source: str, header: Header | None) -> str:
    """``text`` after a generated-by line, as a comment in the file's own syntax."""
    default = f"Generated by doc2client from {source or 'the model'}. Do not edit."
    line = (header(path, source) if header else default).strip()
    for opening, closing in (("<!--", "-->"), ("/*", "*/")):  # a header already a comment
        if line.startswith(opening) and line.endswith(closing):
            line = line[len(opening) : -len(closing)]
    flat = comment(line)
    if path.endswith(".css"):
        return f"/* {flat.replace('*/', '* /')} */\n{text}"
    return f"<!-- {flat} -->\n{text}"


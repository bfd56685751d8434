"""Each operation written back as a page in the source layout (``pages/<OperationId>.html``).

Round trip 1: scraping the page written here gives the model it came from. The schema is
entity-encoded as the page tool encodes it, the description is kept verbatim when it is safe,
and every other piece is escaped as little as HTML needs. The files of a rendered template,
each after its generated-by line, are made here too (``render_files``), for the docs as well.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup, escape

from generator.emit.environment import comment
from generator.emit.python import class_names
from generator.emit.sanitise import BAD_CHARS, dotnet_html_encode, visible
from generator.memo import memoised, operation_keys
from generator.model.naming import file_stem
from generator.model.shapes import (
    Api,
    Array,
    Boolean,
    Enum,
    Integer,
    Map,
    Number,
    Operation,
    Ref,
    Shape,
    String,
)
from generator.model.to_schema import body_schema

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
    location: str
    type: str
    description: Markup
    required: bool


@dataclass(frozen=True, slots=True)
class PageView:
    """Everything the source-layout page shows, each piece ready to place."""

    title: Markup
    heading: Markup
    description: Markup
    method: str
    target: Markup
    headers: tuple[tuple[Markup, Markup], ...]
    example: Markup | None
    parameters: tuple[PageParameter, ...]
    schema: Markup | None
    responses: tuple[tuple[Markup, Markup], ...]


def page_view(op: Operation, api: Api) -> PageView:
    return PageView(
        title=text_node("" if op.summary == op.operation_id else op.summary),
        heading=text_node(op.summary or op.operation_id),
        description=page_description(op.description),
        method=op.method.upper(),
        target=text_node(op.path.replace("/", "\\") + query_template(op)),
        headers=tuple((text_node(k), text_node(v)) for k, v in page_headers(op, api)),
        example=None if op.body is None else Markup(dotnet_html_encode(PAGE_EXAMPLE)),
        parameters=page_parameters(op),
        schema=page_schema(op, api),
        responses=tuple((text_node(r.status), text_node(r.description)) for r in op.responses),
    )


def page_parameters(op: Operation) -> tuple[PageParameter, ...]:
    params = (*op.path_params, *op.query_params, *op.header_params)
    return tuple(
        PageParameter(text_node(p.name), p.location, page_type(p.shape), text_node(p.description),
                      p.required)
        for p in params
    )


def page_schema(op: Operation, api: Api) -> Markup | None:
    """The body's JSON schema, entity-encoded as the page tool writes it; ``None`` without one."""
    if op.body is None:
        return None
    text = json.dumps(body_schema(op, api), indent=2, ensure_ascii=False)
    # The page tool entity-encodes the schema itself; the encoder escapes every character
    # that HTML gives a meaning to, so the result is marked safe rather than escaped twice.
    return Markup(dotnet_html_encode(text))


def text_node(text: str) -> Markup:
    """Text escaped for an element's content, as little as HTML needs (``&``, ``<``, ``>``).

    Quotes stay as they are, as in the source pages; this is never used in an attribute.
    """
    return Markup(html.escape(visible(text), quote=False))


def query_template(op: Operation) -> str:
    """``{?a*,b*}`` with names escaped as .NET's ``Uri.EscapeDataString`` and Kiota do."""
    if not op.query_params:
        return ""
    names = dict.fromkeys(_escape_query_name(p.name) for p in op.query_params)
    return "{?" + ",".join(f"{n}*" for n in names) + "}"


def _escape_query_name(name: str) -> str:
    escaped = quote(name, safe="")
    return escaped.replace("-", "%2D").replace(".", "%2E").replace("~", "%7E")


def page_headers(op: Operation, api: Api) -> tuple[tuple[str, str], ...]:
    headers = [("host", host)] if (host := host_line(api.base_url)) else []
    accept = ",".join(dict.fromkeys(r.media_type for r in op.responses if r.media_type))
    headers += [("eTag", '"23423432"'), *([("accept", accept)] if accept else [])]
    if op.body is not None:
        headers.append(("content-type", op.body.media_type))
    return tuple(headers)


def host_line(base_url: str) -> str:
    """``https://api.stripe.com`` → ``api.stripe.com:443``; empty when there is no host."""
    try:
        parts = urlsplit(base_url)
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower(), 443)
    except ValueError:
        return ""
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if host else ""


def page_type(shape: Shape) -> str:
    """The ``parameterType`` text: the schema's ``type``, empty where it has none."""
    match shape:
        case String() | Enum():
            return "string"
        case Map() | Ref():
            return "object"
    names = {Integer: "integer", Number: "number", Boolean: "boolean", Array: "array"}
    return names.get(type(shape), "")


# --------------------------------------------------------------------------- files


def render_pages(
    api: Api, env: jinja2.Environment, *, header: Header | None = None
) -> dict[str, str]:
    """``pages/<OperationId>.html``: each operation written back in the source layout."""
    names = class_names(api)
    files: Planned = {
        f"pages/{file_stem(op.operation_id)}.html": (
            "pages/operation.html.jinja", _LazyPage(op, api), op.source.file,
            operation_keys(api, (op,), names))
        for op in api.operations
    }  # fmt: skip
    return render_files(files, env, header)


class _LazyPage(Mapping[str, object]):
    """The page template's context ``{"page": page_view(op, api)}``, computed when rendered."""

    def __init__(self, op: Operation, api: Api) -> None:
        self.op, self.api = op, api

    def __getitem__(self, key: str) -> object:
        if key != "page":
            raise KeyError(key)
        return page_view(self.op, self.api)

    def __iter__(self) -> Iterator[str]:
        return iter(("page",))

    def __len__(self) -> int:
        return 1


def render_files(files: Planned, env: jinja2.Environment, header: Header | None) -> dict[str, str]:
    """Each planned file rendered from its template, after its generated-by line."""
    return {path: _render_file(env, path, plan, header) for path, plan in sorted(files.items())}


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


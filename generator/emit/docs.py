"""The docs of a generated package, and each operation written back as a page.

Everything a template shows is computed here: rows of parameters and body fields with
human-readable types, example calls, error classes, descriptions made safe (Markdown for
``docs/*.md``, sanitised HTML for ``docs/html/``), and the entity-encoded schema of the page
written back in the source layout (``pages/<OperationId>.html``, round trip 1).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup, escape

from generator.emit.environment import comment
from generator.emit.python import TypeWriter, class_names, object_shape
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Binary,
    Boolean,
    Emptyable,
    Enum,
    Integer,
    Map,
    Number,
    Object,
    Operation,
    Parameter,
    Ref,
    Shape,
    String,
    Union,
)
from generator.model.to_schema import body_schema

Header = Callable[[str, str], str]
EXAMPLE_OPTIONAL_FIELDS = 2  # optional arguments shown in an example call besides required ones
MAX_DEPTH = 8  # nested objects listed this deep at most (named shapes may be recursive)

# --------------------------------------------------------------------------- descriptions

KEPT = frozenset({"p", "code", "strong", "em", "a", "ul", "li"})
INLINE = frozenset({"code", "strong", "em", "a"})
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

Event = tuple[str, str, str]  # ("start" | "end" | "text", tag or text, href)


class _Fragment(HTMLParser):
    """Splits an HTML fragment into the events we keep; anything else becomes text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[Event] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KEPT:
            self.handle_data(self.get_starttag_text() or f"<{tag}>")
            return
        href = dict(attrs).get("href") or "" if tag == "a" else ""
        scheme = urlsplit(href).scheme.lower() if href else ""
        self.events.append(("start", tag, href if scheme in ("http", "https") else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in KEPT:
            self.events.append(("end", tag, ""))
        else:
            self.handle_data(f"</{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_data(self.get_starttag_text() or f"<{tag}/>")

    def handle_data(self, data: str) -> None:
        self.events.append(("text", _BAD_CHARS.sub("\ufffd", data), ""))

    def handle_comment(self, data: str) -> None:
        self.handle_data(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.handle_data(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.handle_data(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.handle_data(f"<![{data}]>")


def fragment_events(fragment: str) -> list[Event]:
    """Balanced events of the kept tags: p and ul never nest inside inline tags or p."""
    parser = _Fragment()
    parser.feed(fragment)
    parser.close()
    out: list[Event] = []
    stack: list[str] = []
    for kind, value, href in parser.events:
        if kind == "text" and ("code" in stack or "a" in stack or (stack and stack[-1] == "ul")):
            out.append((kind, value, href))
        elif kind == "text":
            out.extend(_inline_markup(value))
        elif kind == "start":
            _open(value, href, stack, out)
        elif value in stack:
            while stack:
                tag = stack.pop()
                out.append(("end", tag, ""))
                if tag == value:
                    break
    out.extend(("end", tag, "") for tag in reversed(stack))
    return out


_INLINE_MARKUP = re.compile(r"`([^`\n]+)`|\[([^\]\n]+)\]\((https?://[^\s()<>]+)\)")


def _inline_markup(text: str) -> Iterator[Event]:
    """Text events, with the Markdown in descriptions (`code`, [text](url)) made tags."""
    start = 0
    for match in _INLINE_MARKUP.finditer(text):
        yield ("text", text[start : match.start()], "")
        tag, inner, href = ("code", match[1], "") if match[1] else ("a", match[2], match[3])
        yield from (("start", tag, href), ("text", inner, ""), ("end", tag, ""))
        start = match.end()
    yield ("text", text[start:], "")


def _open(tag: str, href: str, stack: list[str], out: list[Event]) -> None:
    """Open ``tag``, closing what may not contain it; a misplaced tag is dropped."""
    if tag in ("p", "ul", "li"):
        stop = ("ul",) if tag == "li" else ("li",)
        while stack and stack[-1] not in stop:
            out.append(("end", stack.pop(), ""))
        if tag == "li" and not stack:
            return
    elif tag in stack or (stack and stack[-1] == "ul"):
        return  # no <a> in <a>, no <code> in <code>, no text directly in <ul>
    stack.append(tag)
    out.append(("start", tag, href))


def description_html(fragment: str) -> Markup:
    """Sanitised HTML: only p, code, strong, em, a (http/https), ul, li; the rest as text."""
    parts: list[str] = []
    for kind, value, href in fragment_events(fragment):
        if kind == "text":
            parts.append(str(escape(value)))
        elif kind == "end":
            parts.append(f"</{value}>")
        elif value == "a":
            parts.append(f'<a href="{escape(href)}">' if href else "<a>")
        else:
            parts.append(f"<{value}>")
    # Safe by construction: every text piece above is escaped and every tag is one we wrote.
    return Markup("".join(parts))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|~!])")


def description_markdown(fragment: str) -> str:
    """Markdown of a description; no raw HTML survives (``<`` and ``&`` are escaped)."""
    stack: list[list[str]] = [[]]
    hrefs: list[str] = []
    for kind, value, href in fragment_events(fragment):
        if kind == "text":
            code = any(tag == "code" for tag in _md_tags(stack))
            stack[-1].append(value if code else _md_text(value))
        elif kind == "start" and value in INLINE:
            stack.append([value])
            hrefs.append(href)
        elif kind == "start":
            stack[-1].append("\n\n" if value != "li" else "\n- ")
        elif value in INLINE:
            frame = stack.pop()
            stack[-1].append(_md_inline(frame[0], "".join(frame[1:]), hrefs.pop()))
        else:
            stack[-1].append("\n\n" if value != "li" else "")
    text = "".join(stack[0])
    text = re.sub(r"[ \t]*\n[ \t]*(?=\n)", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _md_tags(stack: list[list[str]]) -> Iterator[str]:
    return (frame[0] for frame in stack[1:])


def _md_text(text: str) -> str:
    flat = re.sub(r"\r\n?|[\x85\u2028\u2029]", "\n", text)
    flat = re.sub(r"\s*\n\s*\n\s*", "\n\n", flat)
    flat = re.sub(r"[ \t]*\n(?!\n)[ \t]*", " ", flat)
    return _MD_SPECIAL.sub(r"\\\1", flat)


def _md_inline(tag: str, inner: str, href: str) -> str:
    if not inner.strip():
        return inner
    if tag == "code":
        return code_span(inner)
    if tag == "a":
        return f"[{inner}]({quote(href, safe=':/?#=&%@+,;!$*-._~')})" if href else inner
    mark = "**" if tag == "strong" else "*"
    return f"{mark}{inner}{mark}"


def code_span(text: str) -> str:
    """A Markdown code span holding ``text`` literally, whatever backticks it contains."""
    flat = " ".join(text.split("\n"))
    runs = [len(r) for r in re.findall(r"`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


@dataclass(frozen=True, slots=True)
class Text:
    """One description, ready for each output: Markdown and sanitised HTML."""

    markdown: str
    html: Markup

    @staticmethod
    def of(fragment: str) -> Text:
        return Text(description_markdown(fragment), description_html(fragment))

    @staticmethod
    def plain(text: str) -> Text:
        """Plain text (a summary, a status line): every character shown as itself."""
        clean = _BAD_CHARS.sub("\ufffd", text)
        return Text(_md_text(clean), escape(clean))


# --------------------------------------------------------------------------- types and rows


@dataclass(frozen=True, slots=True)
class Row:
    """A parameter or body field as the docs list it."""

    name: str  # wire name; dotted for nested body fields (``address.city``)
    location: str  # "path", "query", "header" or "body"
    type_text: str
    python_type: str
    constraints: tuple[str, ...]
    required: bool
    clearable: bool
    description: Text

    @property
    def name_md(self) -> str:
        return code_span(self.name)

    @property
    def type_md(self) -> str:
        return code_span(self.type_text)

    @property
    def python_type_md(self) -> str:
        return code_span(self.python_type)

    @property
    def constraints_md(self) -> str:
        return "; ".join(_md_text(_BAD_CHARS.sub("\ufffd", c)) for c in self.constraints)


class Typer:
    """Human-readable type text and constraints of shapes, with the API's class names."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.names = class_names(api)
        self.writer = TypeWriter(self.names)

    def type_text(self, shape: Shape) -> str:
        match shape:
            case String() | Enum() | Integer():
                return _scalar_text(shape)
            case Number():
                return "number" + (f" ({shape.format})" if shape.format else "")
            case Array():
                return f"array of {self._inner(shape.items)}"
            case Map():
                return f"map of {self._inner(shape.values)}"
            case Union():
                return " or ".join(self._inner(v) for v in shape.variants)
            case Emptyable():
                return f'{self.type_text(shape.shape)} or "" to clear'
            case Ref():
                return f"object {self.names.get(shape.name, shape.name)}"
        return {Boolean: "boolean", Binary: "file", AnyShape: "any"}.get(type(shape), "any")

    def _inner(self, shape: Shape) -> str:
        text = self.type_text(shape)
        return f"({text})" if isinstance(shape, Union | Emptyable) else text

    def constraints(self, shape: Shape, prefix: str = "") -> list[str]:
        match shape:
            case Emptyable():
                return self.constraints(shape.shape, prefix)
            case Union():
                return [c for v in shape.variants for c in self.constraints(v, prefix)]
            case Array():
                return self.constraints(shape.items, prefix + "items: ")
            case Map():
                return self.constraints(shape.values, prefix + "values: ")
            case String() | Enum():
                return [prefix + c for c in _string_constraints(shape)]
        return []


def _scalar_text(shape: String | Enum | Integer) -> str:
    if isinstance(shape, Integer):
        return "integer (unix time)" if shape.format == "unix-time" else "integer"
    notes = [f"max {shape.max_length}"] if shape.max_length is not None else []
    if isinstance(shape, Enum):
        return ("open enum" if shape.open else "enum") + (f" ({notes[0]})" if notes else "")
    notes = ([shape.format] if shape.format else []) + notes
    return "string" + (f" ({', '.join(notes)})" if notes else "")


def _string_constraints(shape: String | Enum) -> list[str]:
    found = [f"max length {shape.max_length}"] if shape.max_length is not None else []
    if isinstance(shape, Enum):
        found.append("one of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in shape.values))
        if shape.open:
            found.append("other strings accepted (open enum)")
    else:
        found += [f"format {shape.format}"] if shape.format else []
        found += [f"pattern {shape.pattern}"] if shape.pattern else []
    return found


def parameter_rows(op: Operation, typer: Typer) -> list[Row]:
    params = (*op.path_params, *op.query_params, *op.header_params)
    return [
        _row(p.name, p.location, p.shape, required=p.required, text=p.description, typer=typer)
        for p in params
    ]


def _row(name: str, where: str, shape: Shape, *, required: bool, text: str, typer: Typer) -> Row:
    return Row(
        name=name,
        location=where,
        type_text=typer.type_text(shape),
        python_type=typer.writer.annotation(shape, "field"),
        constraints=tuple(typer.constraints(shape)),
        required=required,
        clearable=isinstance(shape, Emptyable),
        description=Text.of(text),
    )


def body_rows(op: Operation, typer: Typer) -> list[Row]:
    """Every body field, nested ones after their parent with dotted names."""
    if op.body is None:
        return []
    root = object_shape(typer.api, op.body.shape)
    if root is None:
        body = op.body
        return [_row("body", "body", body.shape, required=body.required, text="", typer=typer)]
    return list(_field_rows(root, "", typer, (root.name,)))


def _field_rows(obj: Object, prefix: str, typer: Typer, seen: tuple[str, ...]) -> Iterator[Row]:
    for f in obj.fields:
        name = prefix + f.wire_name
        yield _row(name, "body", f.shape, required=f.required, text=f.description, typer=typer)
        nested_objects = dict.fromkeys(_nested_objects(f.shape, typer.api))
        for suffix, nested in nested_objects:
            if nested.name not in seen and len(seen) < MAX_DEPTH:
                yield from _field_rows(nested, f"{name}{suffix}.", typer, (*seen, nested.name))


def _nested_objects(shape: Shape, api: Api, suffix: str = "") -> Iterator[tuple[str, Object]]:
    """Named objects reachable in a field's shape, with the name suffix that leads to them."""
    match shape:
        case Ref():
            found = object_shape(api, shape)
            if found is not None:
                yield suffix, found
        case Emptyable():
            yield from _nested_objects(shape.shape, api, suffix)
        case Union():
            for variant in shape.variants:
                yield from _nested_objects(variant, api, suffix)
        case Array():
            yield from _nested_objects(shape.items, api, suffix + "[]")
        case Map():
            yield from _nested_objects(shape.values, api, suffix + ".<key>")


# --------------------------------------------------------------------------- examples


def example_value(shape: Shape, api: Api, seen: tuple[str, ...] = ()) -> str:
    """Python source of a value the shape accepts: required nested fields filled in."""
    match shape:
        case String():
            return _str_example(shape)
        case Enum():
            return json.dumps(shape.values[0] if shape.values else "string")
        case Array():
            return f"[{example_value(shape.items, api, seen)}]"
        case Map():
            return f'{{"key": {example_value(shape.values, api, seen)}}}'
        case Union():
            return example_value(shape.variants[0], api, seen) if shape.variants else '"value"'
        case Emptyable():
            return example_value(shape.shape, api, seen)
        case Ref():
            return _object_example(shape, api, seen)
    literals = {Integer: "0", Number: "0.5", Boolean: "True", Binary: 'open("file.bin", "rb")'}
    return literals.get(type(shape), '"value"')


PATTERN_CANDIDATES = ("string", "https://example.com", "example", "a", "A", "0", "1.5", "")


def _str_example(shape: String) -> str:
    text = {"decimal": "1.5", "date-time": "2024-01-01T00:00:00Z"}.get(shape.format or "", "string")
    if shape.pattern:
        words = re.findall(r"[A-Za-z0-9_]+", shape.pattern)  # often a literal alternative
        candidates = (*PATTERN_CANDIDATES, *words)
        text = next((c for c in candidates if _matches(shape.pattern, c)), text)
    return json.dumps(text if shape.max_length is None else text[: shape.max_length])


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:  # an ECMA-262 pattern Python does not read
        return False


def _object_example(shape: Ref, api: Api, seen: tuple[str, ...]) -> str:
    obj = object_shape(api, shape)
    if obj is None or shape.name in seen or len(seen) >= MAX_DEPTH:
        return "{}"
    chosen = [f for f in obj.fields if f.required] or list(obj.fields[:1])
    items = (f"{json.dumps(f.wire_name)}: {example_value(f.shape, api, (*seen, shape.name))}"
             for f in chosen)
    return "{" + ", ".join(items) + "}"


@dataclass(frozen=True, slots=True)
class Argument:
    """A keyword argument of the Python method: a query/header parameter or a body field."""

    python_name: str
    shape: Shape
    required: bool


def keyword_arguments(op: Operation, api: Api) -> list[Argument]:
    params: tuple[Parameter, ...] = (*op.query_params, *op.header_params)
    found = [Argument(p.python_name, p.shape, p.required) for p in params]
    if op.body is not None:
        root = object_shape(api, op.body.shape)
        if root is None:
            found.append(Argument("body", op.body.shape, op.body.required))
        else:
            found += [Argument(f.python_name, f.shape, f.required) for f in root.fields]
    return found


def call_path(op: Operation) -> str:
    return ".".join(("client", *op.resource, op.method_name))


def example_call(op: Operation, api: Api) -> str:
    """``client.customers.update("customer_123", address={...}, balance=0)``."""
    args = [json.dumps(f"{p.python_name}_123") for p in op.path_params]
    keywords = keyword_arguments(op, api)
    chosen = [a for a in keywords if a.required]
    chosen += [a for a in keywords if not a.required][:EXAMPLE_OPTIONAL_FIELDS]
    args += [f"{a.python_name}={example_value(a.shape, api)}" for a in chosen]
    return _call(call_path(op), args)


def signature(op: Operation, api: Api) -> str:
    """The method's arguments: path parameters positional, the rest keyword-only."""
    args = [p.python_name for p in op.path_params]
    args += ["/"] if args else []
    keywords = keyword_arguments(op, api)
    ordered = [a for a in keywords if a.required] + [a for a in keywords if not a.required]
    args += ["*", *(a.python_name + ("" if a.required else "=...") for a in ordered)]
    return _call(call_path(op), [*args, "request_options=None"])


def _call(name: str, args: list[str]) -> str:
    one_line = f"{name}({', '.join(args)})"
    if len(one_line) <= 88:
        return one_line
    return name + "(\n" + "".join(f"    {a},\n" for a in args) + ")"


STATUS_ERRORS = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
}


@dataclass(frozen=True, slots=True)
class ErrorRow:
    name: str
    when: Text


def error_rows(op: Operation) -> list[ErrorRow]:
    """The errors a call can raise: validation, each documented error status, connection."""
    rows = [ErrorRow("ValidationError", Text.plain("the arguments break the documented "
                                                    "schema; nothing is sent"))]
    for response in op.responses:
        if response.status[:1] not in ("1", "2", "3"):
            when = f"{response.status}: {response.description}".rstrip(": ")
            rows.append(ErrorRow(status_error(response.status), Text.plain(when)))
    rows.append(ErrorRow("APIConnectionError", Text.plain("no response (connection, timeout)")))
    return list(dict.fromkeys(rows))


def status_error(status: str) -> str:
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    return "InternalServerError" if status[:1] == "5" else "APIError"


# --------------------------------------------------------------------------- the page written back

PAGE_EXAMPLE = '{ "example": "Example goes here" }'
_NAMED = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}
UNSAFE_TAGS = frozenset(
    "script style iframe object embed applet param link meta base form input button textarea "
    "select option svg math template noscript noembed noframes xmp plaintext title frame "
    "frameset html head body section article pre dl dt dd h1 h2 h3 h4 h5 h6 img video audio "
    "source track canvas".split()
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "background"})


_ENCODED = re.compile("[\"'+<>&\x00-\x1f\x7f-\U0010ffff]")


def dotnet_html_encode(text: str) -> str:
    """What .NET's ``HtmlEncoder.Default`` writes: ``"'+<>&``, controls, non-ASCII as entities."""
    return _ENCODED.sub(_encode_char, text)


def _encode_char(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"&#x{ord(char):X};"


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
    if check.unsafe or _BAD_CHARS.search(fragment):
        return escape(_BAD_CHARS.sub("\ufffd", fragment))
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
    params = (*op.path_params, *op.query_params, *op.header_params)
    page_params = tuple(
        PageParameter(text_node(p.name), p.location, page_type(p.shape), text_node(p.description),
                      p.required)
        for p in params
    )
    schema = None
    if op.body is not None:
        text = json.dumps(body_schema(op, api), indent=2, ensure_ascii=False)
        # The page tool entity-encodes the schema itself; the encoder escapes every character
        # that HTML gives a meaning to, so the result is marked safe rather than escaped twice.
        schema = Markup(dotnet_html_encode(text))
    return PageView(
        title=text_node("" if op.summary == op.operation_id else op.summary),
        heading=text_node(op.summary or op.operation_id),
        description=page_description(op.description),
        method=op.method.upper(),
        target=text_node(op.path.replace("/", "\\") + query_template(op)),
        headers=tuple((text_node(k), text_node(v)) for k, v in page_headers(op, api)),
        example=None if op.body is None else Markup(dotnet_html_encode(PAGE_EXAMPLE)),
        parameters=page_params,
        schema=schema,
        responses=tuple((text_node(r.status), text_node(r.description)) for r in op.responses),
    )


def text_node(text: str) -> Markup:
    """Text escaped for an element's content, as little as HTML needs (``&``, ``<``, ``>``).

    Quotes stay as they are, as in the source pages; this is never used in an attribute.
    """
    return Markup(html.escape(_BAD_CHARS.sub("\ufffd", text), quote=False))


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
    headers += [("eTag", '"23423432"'), ("accept", "application/json")]
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


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class OperationView:
    """One operation as the docs show it."""

    operation_id: str
    source: str  # the file the operation came from
    stem: str  # file name without extension
    resource: str  # "customers.sources"
    title: Text
    summary: Text
    description: Text
    method: str
    path: str
    http_md: str  # the method and path as a Markdown code span
    media_type: str
    call: str
    signature: str
    example: str
    parameters: tuple[Row, ...]
    fields: tuple[Row, ...]
    errors: tuple[ErrorRow, ...]

    @property
    def id_md(self) -> str:
        return code_span(self.operation_id)

    @property
    def signature_md(self) -> str:
        return code_block(self.signature)

    @property
    def example_md(self) -> str:
        return code_block(self.example)


@dataclass(frozen=True, slots=True)
class Group:
    key: str  # "customers.sources"; "api" for operations on no resource
    operations: tuple[OperationView, ...]


def operation_view(op: Operation, typer: Typer) -> OperationView:
    return OperationView(
        operation_id=op.operation_id,
        source=op.source.file,
        stem=file_stem(op.operation_id),
        resource=resource_key(op),
        title=Text.plain(" ".join((op.summary or op.operation_id).split())),
        summary=Text.plain(" ".join(op.summary.split())),
        description=Text.of(op.description),
        method=op.method.upper(),
        path=op.path,
        http_md=code_span(f"{op.method.upper()} {op.path}"),
        media_type=op.body.media_type if op.body else "",
        call=call_path(op),
        signature=signature(op, typer.api),
        example=example_call(op, typer.api),
        parameters=tuple(parameter_rows(op, typer)),
        fields=tuple(body_rows(op, typer)),
        errors=tuple(error_rows(op)),
    )


def resource_key(op: Operation) -> str:
    return file_stem(".".join(op.resource) or "api")


def file_stem(name: str) -> str:
    """A name safe as a file name on every system (``..`` and separators replaced)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip(".")
    return stem or "_"


def groups(api: Api, typer: Typer) -> list[Group]:
    by_key: dict[str, list[OperationView]] = {}
    for op in sorted(api.operations, key=lambda o: o.operation_id):
        view = operation_view(op, typer)
        by_key.setdefault(view.resource, []).append(view)
    return [Group(key, tuple(by_key[key])) for key in sorted(by_key)]


def code_block(text: str, language: str = "python") -> str:
    """A fenced Markdown code block whose fence no line of ``text`` can close."""
    runs = [len(r) for r in re.findall(r"`{3,}", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def render_docs(
    api: Api, env: jinja2.Environment, *, header: Header | None = None
) -> dict[str, str]:
    """Relative path → text of every docs file and every page written back."""
    typer = Typer(api)
    all_groups = groups(api, typer)
    context = {"api_title": Text.plain(api.title or api.name), "groups": all_groups, "root": ""}
    source = api_source(api)
    files: Planned = {
        "docs/index.md": ("docs/index.md.jinja", context, source),
        "docs/html/index.html": ("docs/html/index.html.jinja", context, source),
        "docs/html/style.css": ("docs/html/style.css.jinja", context, source),
    }
    for group in all_groups:
        group_context = {**context, "group": group}
        files[f"docs/{group.key}.md"] = ("docs/resource.md.jinja", group_context, source)
        files[f"docs/html/{group.key}.html"] = (
            "docs/html/resource.html.jinja", group_context, source)
        for view in group.operations:
            op_context = {**context, "group": group, "op": view, "root": "../"}
            files[f"docs/operations/{view.stem}.md"] = (
                "docs/operation.md.jinja", op_context, view.source)
            files[f"docs/html/operations/{view.stem}.html"] = (
                "docs/html/operation.html.jinja", op_context, view.source)
    docs = _render(files, env, header)
    return dict(sorted({**docs, **render_pages(api, env, header=header)}.items()))


def render_pages(
    api: Api, env: jinja2.Environment, *, header: Header | None = None
) -> dict[str, str]:
    """``pages/<OperationId>.html``: each operation written back in the source layout."""
    files: Planned = {
        f"pages/{file_stem(op.operation_id)}.html": (
            "pages/operation.html.jinja", {"page": page_view(op, api)}, op.source.file)
        for op in api.operations
    }
    return _render(files, env, header)


Planned = dict[str, tuple[str, dict[str, object], str]]  # path → (template, context, source)


def _render(files: Planned, env: jinja2.Environment, header: Header | None) -> dict[str, str]:
    return {
        path: _with_header(path, env.get_template(name).render(context), source, header)
        for path, (name, context, source) in sorted(files.items())
    }


def api_source(api: Api) -> str:
    """The folder the operations came from (common to all their sources), or ``""``."""
    folders = sorted({os.path.dirname(op.source.file) for op in api.operations if op.source.file})
    try:
        return os.path.commonpath(folders) if folders else ""
    except ValueError:  # mixed absolute and relative paths
        return folders[0]


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

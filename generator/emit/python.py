"""Python text computed from the model: identifiers, literals and type strings.

Templates only place the strings made here; they never build a type or quote a value.
A ``TypeWriter`` turns shapes into annotation text and records the names that text
needs, so a template can write exactly the imports a module uses.
"""

from __future__ import annotations

import builtins
import html
import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Literal, assert_never

from generator.emit.streams import event_shapes, stream_kind
from generator.model import shapes as s
from generator.model.naming import class_name
from generator.model.refs import object_refs, shape_refs

Context = Literal["param", "field"]
LINE_LENGTH = 100  # of the generated code (black and ruff settings in its pyproject.toml)

# Names the generated modules bind at top level; a TypedDict class may not take one of them.
RESERVED_NAMES = frozenset(dir(builtins)) | frozenset(
    {
        "Any", "AsyncPage", "AsyncResource", "AsyncStream", "Decimal", "ErrorBody", "FileInput",
        "Literal", "ServerSentEvent", "Stream",
        "Mapping", "NOT_GIVEN", "NotGiven", "Page", "Path", "RequestOptions", "Required",
        "Resource", "Sequence", "TYPE_CHECKING", "TypeAlias", "TypedDict", "IO", "annotations",
        "cached_property", "datetime", "date", "UUID", "format_path", "strip_not_given",
        "encode_simple", "cookie_header", "header_params", "with_headers",
        "ValidationError",
    }
)  # fmt: skip

# Where each name used in an annotation is imported from.
IMPORT_SOURCES = {
    "Any": "typing",
    "Literal": "typing",
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "Decimal": "decimal",
    "datetime": "datetime",
    "date": "datetime",
    "UUID": "uuid",
    "builtins": "import builtins",  # a module imported whole: ``builtins.list``
}

# The builtins an annotation may name; a class attribute (a method ``list``) shadows them in
# the annotations of that class, which then spell them ``builtins.list``.
ANNOTATION_BUILTINS = frozenset({"bool", "float", "int", "list", "str"})


def pyrepr(text: str) -> str:
    """A Python string literal for any text (quotes, backslashes, NUL, U+2028 included).

    Double-quoted where that needs no escapes, as black would write it.
    """
    literal = repr(str(text))
    if literal.startswith("'") and text.count('"') <= text.count("'"):
        # black's rule: double quotes unless they would need more escapes than single ones
        body = literal[1:-1].replace("\\'", "'").replace('"', '\\"')
        return f'"{body}"'
    return literal


def pattern_literal(pattern: str) -> str:
    """A regular expression as a Python literal: raw (``r"..."``) where a raw string can hold
    it (no quote or line break, no backslash at the end), else ``pyrepr``."""
    raw_safe = not re.search(r'["\n\r]', pattern) and not pattern.endswith("\\")
    return f'r"{pattern}"' if raw_safe else pyrepr(pattern)


def tuple_literal(texts: Iterable[str]) -> str:
    """``("a", "b")``: a tuple of strings as Python text."""
    return _tuple_text(pyrepr(t) for t in texts)


MAX_CLASS_NAME = 60  # keeps `class Name(TypedDict, total=False):` within the line length


def shorten(name: str, limit: int = MAX_CLASS_NAME) -> str:
    """A CamelCase name cut to its longest tail of whole words within ``limit`` characters."""
    if len(name) <= limit:
        return name
    words = re.findall(r"[A-Z]+[a-z0-9]*|[a-z0-9]+|_", name)
    tail = ""
    for word in reversed(words):
        if len(word) + len(tail) > limit:
            break
        tail = word + tail
    return class_name(tail or name[-limit:])


def is_plain_key(name: str) -> bool:
    """True when ``name`` can be a field in a class-syntax TypedDict."""
    return name.isidentifier() and not keyword.iskeyword(name) and name not in RESERVED_NAMES


def class_names(api: s.Api) -> dict[str, str]:
    """Model shape name → TypedDict class name, unique and clear of reserved names."""
    taken: set[str] = set()
    names: dict[str, str] = {}
    for shape in api.shapes:  # sorted by name in the model, so the result is stable
        candidate = shorten(class_name(shape.name))
        while candidate in taken or candidate in RESERVED_NAMES:
            candidate += "_"
        taken.add(candidate)
        names[shape.name] = candidate
    return names


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


@dataclass
class TypeWriter:
    """Annotation text for shapes, recording the names that text refers to."""

    names: dict[str, str]
    used: set[str] = field(default_factory=set)
    shadowed: frozenset[str] = frozenset()  # builtins a class attribute hides: ``builtins.x``

    def annotation(self, shape: s.Shape, context: Context = "param") -> str:
        return " | ".join(unique(self._parts(shape, context)))

    def in_class(self, attributes: Iterable[str]) -> TypeWriter:
        """A writer for the annotations of a class with ``attributes`` (sharing ``used``)."""
        return TypeWriter(self.names, self.used, ANNOTATION_BUILTINS & frozenset(attributes))

    def _use(self, name: str) -> str:
        self.used.add(name)
        return name

    def _builtin(self, name: str) -> str:
        """``name``, or ``builtins.name`` where the class has an attribute of that name."""
        return f"{self._use('builtins')}.{name}" if name in self.shadowed else name

    def any(self) -> str:
        return self._use("Any")

    def _parts(self, shape: s.Shape, context: Context) -> list[str]:
        """The members of the union this shape's annotation is (one for most shapes)."""
        match shape:
            case s.String(format="decimal") | s.Number(format="decimal"):
                base = self._builtin("str" if isinstance(shape, s.String) else "float")
                return [base, self._use("Decimal")]
            case s.String(format="date"):
                return [self._builtin("str"), self._use("date")]
            case s.String(format="uuid"):
                return [self._builtin("str"), self._use("UUID")]
            case s.String():
                return [self._builtin("str")]
            case s.Integer(format="unix-time"):
                return [self._builtin("int"), self._use("datetime")]
            case s.Integer():
                return [self._builtin("int")]
            case s.Number():
                return [self._builtin("float")]
            case s.Boolean():
                return [self._builtin("bool")]
            case s.Null():
                return ["None"]
            case s.Const():
                return self._const(shape)
            case s.Enum():
                return self._enum(shape)
            case s.Emptyable():
                return [*self._parts(shape.shape, context), self._literal(("",))]
            case s.Union():
                return [part for v in shape.variants for part in self._parts(v, context)]
            case s.Array() | s.Map() | s.Binary() | s.Ref() | s.AnyShape():
                return [self._container(shape, context)]
            case _:
                assert_never(shape)

    def _container(
        self, shape: s.Array | s.Map | s.Binary | s.Ref | s.AnyShape, context: Context,
    ) -> str:
        match shape:
            case s.Array():
                outer = self._builtin("list") if context == "field" else self._use("Sequence")
                return f"{outer}[{self.annotation(shape.items, context)}]"
            case s.Map():
                key = self._builtin("str")
                return f"{self._use('Mapping')}[{key}, {self.annotation(shape.values, context)}]"
            case s.Binary():
                return self._use("FileInput")
            case s.Ref():
                name = self.names.get(shape.name)
                return self._use(name) if name else self._use("Any")
            case s.AnyShape():
                return self._use("Any")
            case _:
                assert_never(shape)

    def _const(self, shape: s.Const) -> list[str]:
        """``Literal`` of the values Python's typing allows there (not floats: ``float``)."""
        exact = [v for v in shape.values if not isinstance(v, float)]
        parts = [f"{self._use('Literal')}[{', '.join(map(repr, exact))}]"] if exact else []
        return parts + ([self._builtin("float")] if len(exact) < len(shape.values) else [])

    def _enum(self, shape: s.Enum) -> list[str]:
        if not shape.values:
            return [self._builtin("str")]
        literal = self._literal(shape.values)
        return [literal, self._builtin("str")] if shape.open else [literal]

    def _literal(self, values: Iterable[str]) -> str:
        return f"{self._use('Literal')}[{', '.join(pyrepr(v) for v in values)}]"

    def imports(self, types_module: str) -> dict[str, list[str]]:
        """Module → names for every name used; other than stdlib ones, from ``types_module``."""
        modules: dict[str, list[str]] = {}
        for name in sorted(self.used):
            modules.setdefault(IMPORT_SOURCES.get(name, types_module), []).append(name)
        return modules


def member_key(name: str) -> tuple[int, list[tuple[int, str | int]], str]:
    """Sort key for imported names as ruff's isort orders them: CONSTANTS, Classes, others;
    within each, case-insensitive with numbers in natural order (a number with a leading
    zero compared digit by digit, as the ``natord`` ordering ruff uses does)."""
    natural = [_natural_part(p) for p in re.split(r"(\d+)", name.lower()) if p]
    if name.isupper() and len(name) > 1:
        return (0, natural, name)
    return (1, natural, name) if name[:1].isupper() else (2, natural, name)


def _natural_part(part: str) -> tuple[int, str | int]:
    if not part.isdigit():
        return (2, part)
    return (0, part) if part.startswith("0") else (1, int(part))


def object_shape(api: s.Api, shape: s.Shape) -> s.Object | None:
    """The named object a ``Ref`` points to, or ``None``."""
    if not isinstance(shape, s.Ref):
        return None
    return _shapes_by_name(api.shapes).get(shape.name)


_BY_NAME: dict[int, tuple[tuple[s.Object, ...], dict[str, s.Object]]] = {}


def _shapes_by_name(shapes: tuple[s.Object, ...]) -> dict[str, s.Object]:
    """``shapes`` by name, the first of a name winning (built once per tuple of shapes: a
    run renders one or a few APIs, each asked thousands of times)."""
    entry = _BY_NAME.get(id(shapes))
    if entry is None or entry[0] is not shapes:
        if len(_BY_NAME) >= 8:
            _BY_NAME.clear()
        index: dict[str, s.Object] = {}
        for obj in shapes:
            index.setdefault(obj.name, obj)
        entry = _BY_NAME[id(shapes)] = (shapes, index)
    return entry[1]


def reachable(api: s.Api, roots: Iterable[s.Shape]) -> set[str]:
    """The names of the objects that ``roots`` reach, through fields and ``Ref``s."""
    objects = _shapes_by_name(api.shapes)
    found: set[str] = set()
    todo = [name for shape in roots for name in shape_refs(shape)]
    while todo:
        name = todo.pop()
        if name not in found and name in objects:
            found.add(name)
            todo.extend(object_refs(objects[name]))
    return found


def request_shapes(api: s.Api) -> set[str]:
    """The objects that requests use (parameters and bodies): what validators check."""
    roots = [p.shape for op in api.operations
             for p in op.parameters]  # fmt: skip
    roots += [op.body.shape for op in api.operations if op.body is not None]
    return reachable(api, roots)


def import_lines(modules: Mapping[str, Iterable[str]]) -> str:
    """The import block for ``modules`` (module → names), in ruff's isort order.

    Absolute modules (the standard library) come first, then relative ones from the
    furthest to the closest; a blank line separates the two sections.
    """
    whole = sorted(m for m in modules if m.startswith("import "))  # ``import m`` first
    absolute = sorted(m for m in modules if not m.startswith((".", "import ")))
    relative = sorted((m for m in modules if m.startswith(".")), key=_relative_key)
    sections = [[*whole, *(_from_line(m, modules[m]) for m in absolute)],
                [_from_line(m, modules[m]) for m in relative]]  # fmt: skip
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def _relative_key(module: str) -> tuple[int, str]:
    dots = len(module) - len(module.lstrip("."))
    return (-dots, module.lstrip(".").lower())


def _from_line(module: str, names: Iterable[str]) -> str:
    members = sorted(set(names), key=member_key)
    return f"from {module} import {', '.join(members)}"


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_``, ``name__`` ... whichever is not in ``taken``; then taken."""
    while name in taken:
        name += "_"
    taken.add(name)
    return name


_OPERATORS = {"simple": "", "label": ".", "matrix": ";"}  # RFC 6570 section 3.2


def expansion_template(op: s.Operation) -> str:
    """``op.path`` with each path parameter's style as an RFC 6570 expression, as
    ``format_path`` reads it: ``{id}`` (simple), ``{.id}`` (label), ``{;id}`` (matrix),
    with ``*`` where the parameter is exploded (``{;id*}``)."""
    styles = {p.name: p.wire for p in op.path_params}

    def expression(match: re.Match[str]) -> str:
        wire = styles.get(match[1])
        if wire is None:
            return match[0]
        return f"{{{_OPERATORS.get(wire.style, '')}{match[1]}{'*' if wire.explode else ''}}}"

    return re.sub(r"\{([^{}]+)\}", expression, op.path)


def call_kwargs(pairs: Iterable[tuple[str, str]], avoid: frozenset[str] = frozenset()) -> str:
    """Keyword arguments ``a=x, b=y``; a dict splat when a key cannot be a keyword argument."""
    items = list(pairs)
    if all(k.isidentifier() and not keyword.iskeyword(k) and k not in avoid for k, _ in items):
        return ", ".join(f"{k}={v}" for k, v in items)
    return "**{" + ", ".join(f"{pyrepr(k)}: {v}" for k, v in items) + "}"


DICT_ENTRY_INDENT = 16  # an entry of a method's body or query dict, one a line


def dict_expr(pairs: Iterable[tuple[str, str]]) -> str:
    """A dict display ``{"wire": python_name, ...}``; a value in parentheses where its entry
    would be longer than a line, so that the formatter can split it (black and ruff alike)."""
    entries = []
    for key, value in pairs:
        entry = f"{pyrepr(key)}: {value}"
        too_long = DICT_ENTRY_INDENT + len(entry) + 1 > LINE_LENGTH
        entries.append(f"{pyrepr(key)}: ({value})" if too_long else entry)
    return "{" + ", ".join(entries) + "}"


@dataclass(frozen=True, slots=True)
class MethodText:
    """A generated operation method, as ready-made code fragments (see ``method_text``)."""

    name: str
    doc: str  # plain or HTML text; the template passes it through the ``docstring`` filter
    args: tuple[tuple[str, str], ...]  # the docstring's ``Args:``: (argument, its doc), in order
    params: tuple[str, ...]  # signature after ``self``, including ``/`` and ``*``
    lines: tuple[str, ...]  # statements before the request (body, query, headers)
    validate: str | None  # the validator call, e.g. ``_validators.customers_update(body)``
    request: str  # ``request(...)`` or ``request_page(...)``, called on ``self._client``
    path: str  # the path expression
    paged: bool
    streamed: bool  # returns a ``Stream`` of Server-Sent Events (``emit/streams.py``)
    kwargs: bool  # some argument defaults to NOT_GIVEN
    body: bool
    query: bool
    problems: str  # the local name for the validator's result
    result: str  # the local name for the call's result, typed by ``returns``
    returns: str  # the return annotation: the response type, ``Page[Item]`` for a list
    async_returns: str  # the same for the async method (``AsyncPage[Item]``)

    @property
    def body_stream(self) -> bool:
        """Whether ``with_streaming_response`` offers it: it returns a body (not a page,
        which is read whole, nor events, which stream already)."""
        return not (self.paged or self.streamed)


NO_BODY_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


@dataclass
class _Args:
    """The arguments of one method while they are collected."""

    taken: set[str] = field(default_factory=lambda: {"self", "request_options"})
    required: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    docs: dict[str, str] = field(default_factory=dict)  # the docstring's Args, by name

    def add_positional(self, name: str, doc: str = "") -> str:
        name = free_name(name, self.taken)
        self.docs[name] = doc
        return name

    def add(self, name: str, annotation: str, required: bool, doc: str = "") -> str:
        """A keyword parameter for the model's ``python_name`` (unique in the method)."""
        name = free_name(name, self.taken)
        self.docs[name] = doc
        if required:
            self.required.append(parameter(name, annotation))
        else:
            self.optional.append(parameter(name, f"{annotation} | NotGiven", "NOT_GIVEN"))
        return name


PARAMETER_INDENT = 8  # a method's parameters, one a line, inside a class


def parameter(name: str, annotation: str, default: str | None = None) -> str:
    """``name: annotation = default``; the annotation in parentheses when the line is too long.

    That is where black puts them around a union; ruff keeps them there but would split the
    union at ``|`` instead, so writing them here gives both formatters the same output; a long
    name of one type, which neither can split, gets them too (a subscripted one splits at its
    brackets in both).
    """
    tail = f" = {default}" if default is not None else ""
    line = f"{name}: {annotation}{tail},"
    splits = is_union(annotation) or "[" not in annotation
    if PARAMETER_INDENT + len(line) > LINE_LENGTH and splits:
        return f"{name}: ({annotation}){tail}"
    return f"{name}: {annotation}{tail}"


_TOKENS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[\[\]]| \| ")


def is_union(annotation: str) -> bool:
    """True when ``annotation`` is ``A | B`` at its top level (not only inside brackets)."""
    depth = 0
    for token in _TOKENS.findall(annotation):
        if token in ("[", "]"):
            depth += 1 if token == "[" else -1
        elif token == " | " and depth == 0:
            return True
    return False


def method_text(api: s.Api, op: s.Operation, writer: TypeWriter) -> MethodText:
    """The code fragments of ``op``'s method (which calls its validator, ``op.validator``)."""
    args = _Args()
    path_names = [(p.name, args.add_positional(p.python_name, argument_doc(p.description, p.shape)))
                  for p in op.path_params]  # fmt: skip
    positional = [
        parameter(n, writer.annotation(p.shape))
        for (_, n), p in zip(path_names, op.path_params, strict=True)
    ]
    def keywords(params: tuple[s.Parameter, ...]) -> list[tuple[str, str]]:
        """(wire name, Python name) of each keyword argument ``params`` add, in order."""
        return [(p.name, args.add(p.python_name, writer.annotation(p.shape), p.required,
                                  argument_doc(p.description, p.shape)))
                for p in params]  # fmt: skip

    query = keywords(op.query_params)
    headers = keywords(op.header_params)
    cookies = keywords(op.cookie_params)
    packed = tuple(p.name for p in op.cookie_params if not p.wire.explode)
    exploded = tuple(p.name for p in op.header_params if p.wire.explode)
    body_pairs, body_whole = _body_args(api, op, writer, args)
    has_body = op.body is not None and (bool(body_pairs) or body_whole is not None
                                        or op.method not in NO_BODY_METHODS)  # fmt: skip
    paged = op.paging is not None and not has_body
    names = _Locals(args.taken)
    whole_required = op.body is not None and op.body.required
    lines = _statements(names, body_pairs if has_body else None, body_whole, query, headers,
                        whole_required=whole_required, cookies=cookies, packed=packed,
                        exploded=exploded)
    params = [*positional, *(["/"] if positional else []), "*", *args.required, *args.optional,
              "request_options: RequestOptions | None = None"]  # fmt: skip
    path = pyrepr(expansion_template(op))
    if path_names:
        path = f"format_path({path}, {call_kwargs(path_names, frozenset({'template'}))})"
    stream = "" if paged else stream_kind(op)
    if paged:  # only what the annotation names is imported (F401 otherwise)
        item = page_item_annotation(api, op, writer)
        returns, async_returns = f"Page[{item}]", f"AsyncPage[{item}]"
    elif stream:
        item = event_annotation(op, writer)
        returns, async_returns = f"Stream[{item}]", f"AsyncStream[{item}]"
    else:
        returns = async_returns = response_annotation(api, op, writer)
    named = [p.split(":", 1)[0] for p in params if ":" in p]
    return MethodText(
        name=op.method_name, doc=_method_doc(op), params=tuple(params), lines=tuple(lines),
        args=tuple((n, args.docs[n]) for n in named if args.docs.get(n)),
        validate=_validate_call(op.validator, op, names, has_body, bool(query)),
        request=_request_call(op, path, names, has_body, bool(query), paged=paged,
                              styles=styles_expr(api, op, has_body), keyed=keyed(api, op),
                              stream=stream),
        path=path, paged=paged, streamed=bool(stream),
        kwargs=bool(args.optional), body=has_body and body_whole is None, query=bool(query),
        problems=names.problems, result=names.result, returns=returns, async_returns=async_returns,
    )  # fmt: skip


def is_json(media_type: str) -> bool:
    """``application/json`` and the ``+json`` types (RFC 6839): what the client parses."""
    kind = media_type.split(";", maxsplit=1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/")
                                          and kind.endswith("+json"))  # fmt: skip


def success_responses(op: s.Operation) -> list[s.Response]:
    """The 2xx responses (``200``, ``2XX`` ...): what a call returns."""
    return [r for r in op.responses if r.status.startswith("2")]


def error_responses(op: s.Operation) -> list[s.Response]:
    """The responses a call raises for: 4xx, 5xx, ``4XX``, ``default``."""
    return [r for r in op.responses if r.status[:1] in ("4", "5") or r.status == "default"]


def typed_shape(response: s.Response) -> s.Shape | None:
    """The shape the client gives for ``response``: its schema where it is parsed JSON."""
    if response.shape is None or not is_json(response.media_type):
        return None
    return None if isinstance(response.shape, s.AnyShape) else response.shape


def response_annotation(api: s.Api, op: s.Operation, writer: TypeWriter) -> str:
    """What a call returns: its 2xx responses' types (``None`` for 204 and 205, which have no
    content: RFC 9110, 15.3.5-6); ``str`` for a text media type and ``bytes`` for a binary one
    (as the runtime returns them); ``Any`` where a JSON one has no schema, one names no media
    type (pages), or the operation lists no 2xx response."""
    parts: list[str] = []
    for response in success_responses(op):
        if not s.has_content(response.status) or response.empty:
            parts.append("None")
            continue
        shape = typed_shape(response)
        kind = unparsed_kind(response.media_type) if shape is None else None
        if shape is not None:
            parts.append(writer.annotation(shape, "field"))
        elif kind is not None:
            parts.append(kind)
        else:
            return writer.any()
    return " | ".join(unique(parts)) if parts else writer.any()


# The bodies the runtime gives as `str` (its `_TEXT_MEDIA`, written from this one).
TEXT_MEDIA = re.compile(
    r"text/.*|application/(?:[\w.-]+\+)?(?:xml|yaml|x-yaml|javascript|x-www-form-urlencoded)",
    re.IGNORECASE,
)


def unparsed_kind(media_type: str) -> str | None:
    """``"str"`` or ``"bytes"``: what the runtime returns for a body of ``media_type`` that is
    not JSON (``text/*``, XML, YAML as text; any other type as the exact bytes); ``None`` for
    JSON or no media type (the schema, or ``Any``, says)."""
    kind = media_type.split(";", maxsplit=1)[0].strip()
    if not kind or "json" in kind.lower():
        return None
    return "str" if TEXT_MEDIA.fullmatch(kind) else "bytes"


def error_body_annotation(api: s.Api, writer: TypeWriter) -> str:
    """``APIError.body``: the union of every declared error response's type; ``Any`` when one
    has none (or no operation declares any)."""
    parts: list[str] = []
    for op in api.operations:
        for response in error_responses(op):
            shape = typed_shape(response)
            if shape is None:
                return writer.any()
            parts.append(writer.annotation(shape, "field"))
    return " | ".join(sorted(set(parts))) if parts else writer.any()


def event_annotation(op: s.Operation, writer: TypeWriter) -> str:
    """The type of a streamed event's ``data``: its schema's type where the data is JSON,
    else ``str`` (``emit/streams.py``)."""
    if stream_kind(op) != "json":
        return "str"
    return " | ".join(unique(writer.annotation(e, "field") for e in event_shapes(op)))


def page_item_annotation(api: s.Api, op: s.Operation, writer: TypeWriter) -> str:
    """The item type of a list call: the array at the paging's ``items`` path of its 2xx
    type (without one: the body itself, or its only array field)."""
    shapes = [typed_shape(r) for r in success_responses(op)]
    path = op.paging.items if op.paging is not None else ""
    items = _page_items(api, shapes[0] if len(shapes) == 1 else None, path)
    return writer.annotation(items, "field") if items is not None else writer.any()


def _page_items(api: s.Api, shape: s.Shape | None, path: str) -> s.Shape | None:
    for key in path.split(".") if path else ():
        obj = object_shape(api, shape) if shape is not None else None
        shape = next((f.shape for f in obj.fields if f.wire_name == key), None) if obj else None
    page = object_shape(api, shape) if shape is not None and not path else None
    if page is not None:
        arrays = [f.shape for f in page.fields if isinstance(f.shape, s.Array)]
        shape = arrays[0] if len(arrays) == 1 else None
    return shape.items if isinstance(shape, s.Array) else None


@dataclass
class _Locals:
    """Local variable names of a method, clear of its parameter names."""

    taken: set[str]
    body: str = ""
    query: str = ""
    problems: str = ""
    result: str = ""
    options: str = "request_options"

    def __post_init__(self) -> None:
        self.body = free_name("body", self.taken)
        self.query = free_name("query", self.taken)
        self.problems = free_name("problems", self.taken)
        self.result = free_name("result", self.taken)


def _body_args(
    api: s.Api, op: s.Operation, writer: TypeWriter, args: _Args
) -> tuple[list[tuple[str, str]], str | None]:
    """Body fields as (wire name, parameter) pairs; or the one parameter for a non-object body."""
    if op.body is None:
        return [], None
    obj = object_shape(api, op.body.shape)
    if obj is None:
        return [], args.add("body", writer.annotation(op.body.shape), op.body.required,
                            f"The request body ({op.body.media_type}).")
    fields = sorted(obj.fields, key=lambda f: not f.required)  # stable: required first
    pairs = [(f.wire_name, args.add(f.python_name, writer.annotation(f.shape), f.required,
                                    argument_doc(f.description, f.shape, f.default)))
             for f in fields]  # fmt: skip
    return sorted(pairs, key=lambda pair: [f.wire_name for f in fields].index(pair[0])), None


def _statements(
    names: _Locals, body: list[tuple[str, str]] | None, whole: str | None,
    query: list[tuple[str, str]], headers: list[tuple[str, str]], *, whole_required: bool,
    cookies: Sequence[tuple[str, str]] = (), packed: tuple[str, ...] = (),
    exploded: tuple[str, ...] = (),
) -> list[str]:  # fmt: skip
    """The method body's statements before the call: query, body, headers (header
    parameters: ``_encoding.header_params``; cookie parameters: one ``Cookie`` header,
    ``_encoding.cookie_header``; ``packed``: the cookie parameters not exploded;
    ``exploded``: the header parameters that are). No comprehension: the layout
    (``emit/layout.py``) lays the lines out, black is not needed."""
    lines = []
    if query:
        lines.append(f"{names.query} = strip_not_given({dict_expr(query)})")
    if whole is not None and whole_required:
        lines.append(f"{names.body} = {whole}")
    elif whole is not None:
        lines.append(f"{names.body} = None if isinstance({whole}, NotGiven) else {whole}")
    elif body is not None:
        lines.append(f"{names.body} = strip_not_given({dict_expr(body)})")
    given = []
    if headers:
        listed = f", exploded={exploded!r}" if exploded else ""
        given.append(f"**header_params({dict_expr(headers)}{listed})")
    if cookies:
        listed = f", packed={packed!r}" if packed else ""
        given.append(f"**cookie_header({dict_expr(cookies)}{listed})")
    if given:
        added = given[0][2:] if len(given) == 1 else f"{{{', '.join(given)}}}"
        lines.append(f"{names.options} = with_headers(request_options, {added})")
    return lines


def _validate_call(
    validator: str, op: s.Operation, names: _Locals, body: bool, query: bool
) -> str | None:
    """The validator call; its arguments follow the validators' signature for ``op``."""
    if not validator or not (body or query):
        return None
    values = [names.body if body else "{}"] if op.body is not None else []
    if query:
        values.append(names.query)
    return f"_validators.{validator}({', '.join(values)})"


def auth_literal(auth: Sequence[s.Auth]) -> str:
    """The runtime's ``AUTH``: a tuple of ways, each a tuple of (kind, parameter, credential)."""
    ways: dict[int, list[tuple[str, str, str]]] = {}
    for a in auth:
        ways.setdefault(a.requirement, []).append((a.method, a.parameter, a.credential))
    return _tuple_text(
        _tuple_text(tuple_literal(entry) for entry in way) for _, way in sorted(ways.items())
    )


def _tuple_text(items: Iterable[str]) -> str:
    """A tuple of Python expressions as black writes it: ``()``, ``(a,)``, ``(a, b)``."""
    texts = list(items)
    return f"({texts[0]},)" if len(texts) == 1 else f"({', '.join(texts)})"


_AUTH_TEXT = {
    "bearer": "`api_key` as a bearer token (`Authorization: Bearer ...`)",
    "basic": "`username` and `password` (HTTP basic)",
    "header": "`{credential}` in the `{parameter}` header",
    "query": "`{credential}` as the `{parameter}` query parameter",
    "cookie": "`{credential}` as the `{parameter}` cookie",
}


def auth_doc(auth: Sequence[s.Auth], reason: str) -> str:
    """What the runtime's ``_auth`` module docstring says: the ways, and why."""
    ways: dict[int, list[str]] = {}
    for a in auth:
        text = _AUTH_TEXT[a.method].format(credential=a.credential, parameter=a.parameter)
        ways.setdefault(a.requirement, []).append(text)
    lines = [f"- {' and '.join(way)}" for _, way in sorted(ways.items())]
    return "\n".join([f"Any one of these ({reason}):", "", *lines])


def paging_expr(paging: s.Paging) -> str:
    """``PagingSpec("cursor", parameter="page_token", ...)``: the runtime's spec of ``paging``."""
    values = [(name, getattr(paging, name)) for name in PAGING_FIELDS]
    given = [f"{name}={pyrepr(value)}" for name, value in values if value]
    return f"PagingSpec({', '.join([pyrepr(paging.style), *given])})"


# The runtime's `PagingSpec` after its `style` (written from this): `Paging` but its `reason`.
PAGING_FIELDS = tuple(f.name for f in fields(s.Paging) if f.name not in ("style", "reason"))


def style_token(wire: s.WireStyle) -> str:
    """The runtime's name of a wire style: the OpenAPI style, ``*`` when exploded."""
    return wire.style + ("*" if wire.explode else "")


def styles_expr(api: s.Api, op: s.Operation, body: bool) -> str | None:
    """``{"wire": "style", ...}`` for the query and body keys whose style is not the API's."""
    default = style_token(api.conventions.wire)
    wires = [(p.name, p.wire) for p in op.query_params]
    if body and op.body is not None:
        wires += [(e.name, e.wire) for e in op.body.encoding]
    differ = sorted({(name, style_token(w)) for name, w in wires if style_token(w) != default})
    return dict_expr((name, pyrepr(token)) for name, token in differ) if differ else None


def _request_call(
    op: s.Operation, path: str, names: _Locals, body: bool, query: bool, *, paged: bool,
    styles: str | None, keyed: bool = True, stream: str = "",
) -> str:  # fmt: skip
    method = pyrepr(op.method)
    tail = [f"styles={styles}"] if styles else []
    if op.server:
        tail.append(f"server={pyrepr(op.server)}")
    if not keyed:
        tail.append("keyed=False")
    clear = op.clear if body else tuple(k for k in op.clear if _query_key(op, k))
    if clear:
        tail.append(f"clear={tuple_expr(pyrepr(k) for k in clear)}")
    if op.auth is not None:
        tail.append(f"auth={tuple_expr(str(i) for i in op.auth)}")
    accept = accept_value(op)
    if accept != DEFAULT_ACCEPT:
        tail.append(f"accept={pyrepr(accept)}")
    if paged and op.paging is not None:
        query_arg = names.query if query else "{}"
        parts = [method, path, f"query={query_arg}", f"options={names.options}", *tail,
                 f"paging={paging_expr(op.paging)}", "raw=self._raw"]  # fmt: skip
        return f"request_page({', '.join(parts)})"
    parts = [method, path]
    if query:
        parts.append(f"query={names.query}")
    if body and op.body is not None:
        parts += [f"body={names.body}", f"media_type={pyrepr(op.body.media_type)}"]
    parts += [f"options={names.options}", "raw=self._raw", *tail]
    if stream:
        parts.append(f"stream={pyrepr(stream)}")
    if bodiless(op):
        parts.append("discard=True")
    return f"request({', '.join(parts)})"


def bodiless(op: s.Operation) -> bool:
    """Whether ``op``'s input declares a body for none of its 2xx responses, saying so for
    one at least (a document's response without ``content``): the call returns None."""
    success = success_responses(op)
    return any(r.empty for r in success) and all(
        r.empty or not s.has_content(r.status) for r in success)


def tuple_expr(items: Iterable[str]) -> str:
    """A tuple display of ready-made expressions: ``()``, ``(a,)``, ``(a, b)``."""
    listed = list(items)
    return f"({listed[0]},)" if len(listed) == 1 else f"({', '.join(listed)})"


def _query_key(op: s.Operation, key: str) -> bool:
    """Whether a key of ``op.clear`` starts at a query parameter (not only the body)."""
    return any(key == p.name or key.startswith(p.name + "[") for p in op.query_params)


DEFAULT_ACCEPT = "application/json"  # the runtime's `DEFAULT_ACCEPT`
KEYED_METHODS = frozenset({"POST", "PATCH"})  # the runtime's `_KEYED_METHODS`


def keyed(api: s.Api, op: s.Operation) -> bool:
    """Whether ``op``'s POST or PATCH gets a fresh idempotency key: always for a configured
    ``idempotency_header``; for one read from the document, only where ``op`` declares it."""
    header = api.conventions.idempotency_header
    unkeyed = op.method.upper() not in KEYED_METHODS
    if unkeyed or not header or not api.conventions.idempotency_declared:
        return True
    return any(p.name.lower() == header.lower() for p in op.header_params)


def accept_value(op: s.Operation) -> str:
    """The ``Accept`` header of ``op``'s calls (RFC 9110, 12.5.1): the media types its 2xx
    responses declare, in order; ``application/json`` when they declare none."""
    declared = unique(r.media_type.split(";", maxsplit=1)[0].strip()
                      for r in success_responses(op) if r.media_type.strip())  # fmt: skip
    return ", ".join(declared) if declared else DEFAULT_ACCEPT


def argument_doc(description: str, shape: s.Shape, default: str = "") -> str:
    """An argument's line in ``Args:``: its description (HTML or text), then its limits and
    its default as the schema gives them (JSON Schema ``maxLength``, ``minimum`` ...)."""
    notes = [*_limits(shape), *([f"Defaults to {default}."] if default else [])]
    return " ".join(part for part in (description.strip(), *notes) if part)


def _limits(shape: s.Shape) -> list[str]:
    match shape:
        case s.String(max_length=int(most), min_length=least):
            return [f"{least} to {most} characters." if least else f"At most {most} characters."]
        case s.String(min_length=int(least)):
            return [f"At least {least} characters."]
        case s.Integer(bounds=b) | s.Number(bounds=b):
            low = b.minimum if b.minimum is not None else b.exclusive_minimum
            high = b.maximum if b.maximum is not None else b.exclusive_maximum
            if low is not None and high is not None:
                return [f"From {low} to {high}."]
            return [f"At least {low}."] if low is not None else (
                [f"At most {high}."] if high is not None else [])
        case s.Emptyable(shape=inner):
            return [*_limits(inner), 'Pass "" to clear it.']
    return []


def _method_doc(op: s.Operation) -> str:
    """Summary (unless it only repeats the operation id), description, then method and path."""
    head = op.summary if op.summary and op.summary != op.operation_id else ""
    where = html.escape(f"{op.method} {op.path} ({op.operation_id})")
    head = f"<p>{html.escape(head)}</p>" if head else ""
    return f"{head}{op.description or ''}<p>{where}</p>"


_IDENTITY_TEST = re.compile(r"^(type\([\w.]+\)|[\w.]+) is ([\w.]+)$")


def negated(test: str) -> str:
    """The Python expression that is true where ``test`` is false.

    ``type(x) is bool`` becomes ``type(x) is not bool`` (pycodestyle E714); any other test is
    wrapped as ``not (test)``, once (a test already in parentheses is not wrapped again).
    """
    if _enclosed(test):
        return negated(test[1:-1])
    identity = _IDENTITY_TEST.match(test)
    return f"{identity[1]} is not {identity[2]}" if identity else f"not ({test})"


def _enclosed(test: str) -> bool:
    """Whether ``test`` is one parenthesised expression, ``(a or b)`` (not ``(a) or (b)``):
    ``not`` then needs no parentheses of its own (pyupgrade UP034)."""
    if not test.startswith("("):
        return False
    depth = 0
    for token in _BRACKETS.finditer(test):
        depth += 1 if token[0] in "([{" else -1 if token[0] in ")]}" else 0
        if depth == 0:
            return token.end() == len(test)
    return False


_BRACKETS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[()\[\]{}]")


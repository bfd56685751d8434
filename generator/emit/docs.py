"""The docs of a generated package: Markdown (``docs/*.md``) and HTML (``docs/html/``).

Everything a template shows is computed here: rows of parameters and body fields with
human-readable types, example calls, error classes, and descriptions made safe
(``generator/emit/sanitise.py``). The pages written back in the source layout come from
``generator/emit/page.py`` and are rendered along with the docs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import assert_never

import jinja2

from generator.emit.examples import call_path, call_text, example_call
from generator.emit.page import Header, Planned, Rendering, Sink, pages_plan
from generator.emit.python import (
    object_shape,
    success_responses,
    typed_shape,
)
from generator.emit.sanitise import Text, code_block, code_span, plain_markdown
from generator.emit.shape_text import Typer
from generator.memo import operation_keys
from generator.model import shapes as s
from generator.model.naming import file_stem

MAX_DEPTH = 8  # nested objects listed this deep at most (named shapes may be recursive)

# --------------------------------------------------------------------------- types and rows


@dataclass(frozen=True, slots=True)
class Row:
    """A parameter or body field as the docs list it."""

    name: str  # wire name; dotted for nested body fields (``address.city``)
    location: str  # "path", "query", "header", "cookie" or "body"
    type_text: str
    python_type: str
    constraints: tuple[str, ...]
    required: bool
    clearable: bool
    description: Text
    default: str = ""  # the schema's ``default`` as JSON text ("" when it gives none)
    deprecated: bool = False

    @property
    def name_md(self) -> str:
        return code_span(self.name)

    @property
    def default_md(self) -> str:
        return code_span(self.default)

    @property
    def type_md(self) -> str:
        return code_span(self.type_text)

    @property
    def python_type_md(self) -> str:
        return code_span(self.python_type)

    @property
    def constraints_md(self) -> str:
        return "; ".join(plain_markdown(c) for c in self.constraints)


def parameter_rows(op: s.Operation, typer: Typer) -> list[Row]:
    params = op.parameters
    return [
        _row(p.name, p.location, p.shape, required=p.required, text=p.description, typer=typer)
        for p in params
    ]


def _row(name: str, where: str, shape: s.Shape, *, required: bool, text: str, typer: Typer) -> Row:
    return _described(name, where, shape, required=required, text=text, typer=typer)


def _field_row(name: str, where: str, f: s.Field, typer: Typer) -> Row:
    """A field's row, with its ``default`` and ``deprecated`` (JSON Schema annotations).

    Made once per field object, name and place: the fields of a shared object (a returned
    ``Customer``) are listed on many pages."""
    key = (name, where, id(f))
    kept = typer.rows.get(key)
    if kept is None or kept[0] is not f:
        row = _described(name, where, f.shape, required=f.required, text=f.description,
                         typer=typer, default=f.default, deprecated=f.deprecated)  # fmt: skip
        kept = typer.rows[key] = (f, row)
    return kept[1]


def _described(
    name: str, where: str, shape: s.Shape, *, required: bool, text: str, typer: Typer,
    default: str = "", deprecated: bool = False,
) -> Row:  # fmt: skip
    return Row(
        name=name,
        location=where,
        type_text=typer.type_text(shape),
        python_type=typer.writer.annotation(shape, "field"),
        constraints=tuple(typer.constraints(shape)),
        required=required,
        clearable=isinstance(shape, s.Emptyable),
        description=Text.of(text),
        default=default,
        deprecated=deprecated,
    )


def body_rows(op: s.Operation, typer: Typer) -> list[Row]:
    """Every body field, nested ones after their parent with dotted names."""
    if op.body is None:
        return []
    root = object_shape(typer.api, op.body.shape)
    if root is None:
        body = op.body
        return [_row("body", "body", body.shape, required=body.required, text="", typer=typer)]
    return list(_field_rows(root, "", typer, (root.name,)))


def _field_rows(obj: s.Object, prefix: str, typer: Typer, seen: tuple[str, ...]) -> Iterator[Row]:
    for f in obj.fields:
        name = prefix + f.wire_name
        yield _field_row(name, "body", f, typer)
        nested_objects = dict.fromkeys(_nested_objects(f.shape, typer.api))
        for suffix, nested in nested_objects:
            if nested.name not in seen and len(seen) < MAX_DEPTH:
                yield from _field_rows(nested, f"{name}{suffix}.", typer, (*seen, nested.name))


def _nested_objects(shape: s.Shape, api: s.Api, suffix: str = "") -> Iterator[tuple[str, s.Object]]:
    """Named objects reachable in a field's shape, with the name suffix that leads to them."""
    match shape:
        case s.Ref():
            found = object_shape(api, shape)
            if found is not None:
                yield suffix, found
        case s.Emptyable():
            yield from _nested_objects(shape.shape, api, suffix)
        case s.Union():
            for variant in shape.variants:
                yield from _nested_objects(variant, api, suffix)
        case s.Array():
            yield from _nested_objects(shape.items, api, suffix + "[]")
        case s.Map():
            yield from _nested_objects(shape.values, api, suffix + ".<key>")
        case s.String() | s.Integer() | s.Number() | s.Boolean() | s.Null() | s.Const() | s.Enum() \
                | s.Binary() | s.AnyShape():  # fmt: skip
            pass  # no object inside
        case _:
            assert_never(shape)


def signature(op: s.Operation, typer: Typer) -> str:
    """The method's signature exactly as generated (``python.method_text``), less ``self``."""
    text = typer.method(op)
    return call_text(call_path(op), list(text.params)) + f" -> {text.returns}"


@dataclass(frozen=True, slots=True)
class Returns:
    """What a call returns, as the docs show it: the type, the media type, the fields."""

    python_type: str
    media_type: str
    shape_text: str  # "object Customer", "array of ..."; "" where the input gives no schema
    fields: tuple[Row, ...]  # the returned object's own fields (not nested ones)

    @property
    def python_type_md(self) -> str:
        return code_span(self.python_type)


def returns(op: s.Operation, typer: Typer) -> Returns:
    """The 2xx response of ``op`` (the first with a schema) for the "Returns" section."""
    text = typer.method(op)
    typed = [r for r in success_responses(op) if typed_shape(r) is not None]
    media = next((r.media_type for r in success_responses(op) if r.media_type), "")
    if not typed:
        return Returns(text.returns, media, "", ())
    shape = typed_shape(typed[0])
    assert shape is not None
    obj = object_shape(typer.api, shape)
    rows = tuple(_field_row(f.wire_name, "response", f, typer) for f in obj.fields) if obj else ()
    return Returns(text.returns, typed[0].media_type, typer.type_text(shape), rows)


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
    body: str = ""  # the type of the error's body where the document declares it


def error_rows(op: s.Operation, typer: Typer) -> list[ErrorRow]:
    """The errors a call can raise: validation, each documented error status (with the type
    of its body where declared), connection."""
    rows = [ErrorRow("ValidationError", Text.plain("the arguments break the documented "
                                                    "schema; nothing is sent"))]
    for response in op.responses:
        if response.status[:1] not in ("1", "2", "3"):
            when = f"{response.status}: {response.description}".rstrip(": ")
            shape = typed_shape(response)
            body = typer.writer.annotation(shape, "field") if shape is not None else ""
            rows.append(ErrorRow(status_error(response.status), Text.plain(when), body))
    rows.append(ErrorRow("APIConnectionError", Text.plain("no response (connection, timeout)")))
    return list(dict.fromkeys(rows))


def status_error(status: str) -> str:
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    return "InternalServerError" if status[:1] == "5" else "APIError"


# --------------------------------------------------------------------------- rendering


class OperationView:
    """One operation as the docs show it; the costly parts are computed when first shown."""

    def __init__(self, op: s.Operation, typer: Typer) -> None:
        self.op = op
        self.typer = typer
        self.operation_id = op.operation_id
        self.source = op.source.file  # the file the operation came from
        self.stem = file_stem(op.operation_id)  # file name without extension
        self.resource = resource_key(op)  # "customers.sources"
        self.title = Text.plain(" ".join((op.summary or op.operation_id).split()))
        self.summary = Text.plain(" ".join(op.summary.split()))
        self.method = op.method.upper()
        self.path = op.path
        self.http_md = code_span(f"{self.method} {op.path}")
        self.media_type = op.body.media_type if op.body else ""
        self.call = call_path(op)

    @cached_property
    def description(self) -> Text:
        return Text.of(self.op.description)

    @cached_property
    def signature(self) -> str:
        return signature(self.op, self.typer)

    @cached_property
    def example(self) -> str:
        return example_call(self.op, self.typer.api)

    @cached_property
    def parameters(self) -> tuple[Row, ...]:
        return tuple(parameter_rows(self.op, self.typer))

    @cached_property
    def fields(self) -> tuple[Row, ...]:
        return tuple(body_rows(self.op, self.typer))

    @cached_property
    def errors(self) -> tuple[ErrorRow, ...]:
        return tuple(error_rows(self.op, self.typer))

    @cached_property
    def returns(self) -> Returns:
        return returns(self.op, self.typer)

    @property
    def subtitle(self) -> bool:
        """Whether the operation id is shown under the title (not when it is the title)."""
        return bool(self.op.summary.strip()) and self.op.summary.strip() != self.operation_id

    @property
    def call_md(self) -> str:
        return code_span(self.call)

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


@dataclass(frozen=True, slots=True)
class GroupLink:
    """The group an operation's page links back to (its key only: the page shows no other)."""

    key: str


def resource_key(op: s.Operation) -> str:
    return file_stem(".".join(op.resource) or "api")


def groups(api: s.Api, typer: Typer) -> list[Group]:
    by_key: dict[str, list[OperationView]] = {}
    for op in sorted(api.operations, key=lambda o: o.operation_id):
        view = OperationView(op, typer)
        by_key.setdefault(view.resource, []).append(view)
    return [Group(key, tuple(by_key[key])) for key in sorted(by_key)]


def render_docs(
    api: s.Api, env: jinja2.Environment, *, header: Header | None = None, source_label: str = "",
    sink: Sink | None = None,
) -> dict[str, str]:  # fmt: skip
    """Relative path → text of every docs file and every page written back (each given to
    ``sink`` instead, as it is made, when there is one).

    The index and resource pages name ``source_label`` (as the package's other files do),
    or without one the folder the operations came from."""
    with start_docs(api, env, header=header, source_label=source_label, sink=sink) as docs:
        return docs.finish()


def start_docs(
    api: s.Api, env: jinja2.Environment, *, header: Header | None = None, source_label: str = "",
    sink: Sink | None = None,
) -> Rendering:  # fmt: skip
    """``render_docs`` begun now and finished by the result's ``finish`` (with a ``sink``, a
    large API's docs render in another process meanwhile: ``page.Rendering``)."""
    typer = Typer(api)
    all_groups = groups(api, typer)
    context = {"api_title": Text.plain(api.title or api.name), "groups": all_groups, "root": "",
               "package": api.package}
    shown = partial(operation_keys, api, names=typer.names)
    plan = docs_plan(all_groups, context, source_label or api_source(api), shown)
    return Rendering({**plan, **pages_plan(api)}, env, header, sink)


Shown = Callable[[Sequence[s.Operation]], tuple[str, ...]]  # the memo keys of operations shown


def docs_plan(
    all_groups: list[Group], context: dict[str, object], source: str, shown: Shown
) -> Planned:
    """The index files, then each resource's page, each followed by its operations' pages.

    Each file names the operations it shows (``shown``), so an unchanged file is kept.
    """
    every = shown([view.op for group in all_groups for view in group.operations])
    files: Planned = {
        "docs/index.md": ("docs/index.md.jinja", context, source, every),
        "docs/html/index.html": ("docs/html/index.html.jinja", context, source, every),
        "docs/html/style.css": ("docs/html/style.css.jinja", context, source, ()),
    }
    for group in all_groups:
        group_context = {**context, "group": group}
        keys = shown([view.op for view in group.operations])
        files[f"docs/{group.key}.md"] = ("docs/resource.md.jinja", group_context, source, keys)
        files[f"docs/html/{group.key}.html"] = (
            "docs/html/resource.html.jinja", group_context, source, keys)
        files.update(_operations_plan(group, context, shown))
    return files


def _operations_plan(group: Group, context: dict[str, object], shown: Shown) -> Planned:
    files: Planned = {}
    link = GroupLink(group.key)
    for view in group.operations:
        op_context = {"api_title": context["api_title"], "group": link, "op": view, "root": "../"}
        keys = shown([view.op])
        files[f"docs/operations/{view.stem}.md"] = (
            "docs/operation.md.jinja", op_context, view.source, keys)
        files[f"docs/html/operations/{view.stem}.html"] = (
            "docs/html/operation.html.jinja", op_context, view.source, keys)
    return files


def api_source(api: s.Api) -> str:
    """The folder the operations came from (common to all their sources), or ``""``."""
    folders = sorted({os.path.dirname(op.source.file) for op in api.operations if op.source.file})
    try:
        return os.path.commonpath(folders) if folders else ""
    except ValueError:  # mixed absolute and relative paths
        return folders[0]

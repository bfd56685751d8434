"""Raw page records in, the model out (``normalise``).

Pure and order-independent: records are first sorted by file name and operation id, shape names
and method names are derived from sets of uses, and everything in the result is sorted. Schema
idioms are read by ``generator.model.reader`` (its docstring lists what each becomes and which
keys are ignored); names come from ``generator.model.naming``.
"""

from __future__ import annotations

import pickle
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar, assert_never

from generator.cache import digest
from generator.diagnostics import Diagnostic, Level, Reporter
from generator.memo import memoised
from generator.model import shapes as s
from generator.model.conventions import (
    api_auth,
    api_idempotency,
    api_wire,
    clear_keys,
    operation_auth,
    operation_wire,
    request_body,
)
from generator.model.naming import (
    class_name,
    collections_of,
    derived_operation_id,
    file_stem,
    placeholders,
    python_identifier,
    resource_method,
    shape_names,
    unique_methods,
    unique_names,
    validator_name,
)
from generator.model.paging import configured_paging, detect_paging, takes_paging
from generator.model.reader import Added, Reader, Registry
from generator.options import Overrides
from generator.scrape.records import RawPage, RawParameter, RawResponse

# a host line: a DNS name or a bracketed IPv6 address, and an optional port
_HOST = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")

_PAGE_TYPES: dict[str, s.Shape] = {
    "string": s.String(),
    "integer": s.Integer(),
    "number": s.Number(),
    "boolean": s.Boolean(),
    "array": s.Array(s.AnyShape("absent")),
    "object": s.Map(s.AnyShape("absent")),
    "": s.AnyShape("absent"),
}
_LOCATIONS: tuple[s.ParameterLocation, ...] = ("path", "query", "header", "cookie")


@dataclass(frozen=True, slots=True)
class _Page:
    """A record with its operation id settled."""

    op_id: str
    raw: RawPage


HOST_LINE = ("the pages' host line: only a host; set base_url in [tool.doc2client.apis.NAME] "
             "or --base-url to add a path")  # the base URL's reason when the pages give it


def normalise(
    name: str, pages: Sequence[RawPage], reporter: Reporter, *,
    base_url: str | None = None, base_url_reason: str = "given", overrides: Overrides | None = None,
    page_layout: str = "",
) -> s.Api:  # fmt: skip
    """The model of one API from its page records (see the module docstring).

    ``base_url`` is the base URL given for it and ``base_url_reason`` where it is from
    (``loading.chosen_base_url``); None: the pages' host lines give it. ``page_layout`` is the
    layout its pages are written back in ("": each page's own).
    """
    preferred = (overrides or Overrides()).request_media_type
    chosen = [request_body(page, preferred) for page in pages]
    settled = _settle_ids(sorted(chosen, key=lambda p: (p.file, p.operation_id, p.path)), reporter)
    registry = Registry()
    drafts = [_operation(page, registry, reporter) for page in settled]
    url, url_reason = ((base_url, base_url_reason) if base_url is not None
                       else (_base_url(settled, reporter), HOST_LINE))  # fmt: skip
    conventions = _conventions(drafts, settled, registry, overrides or Overrides(), reporter,
                               base_url_reason=url_reason)
    drafts = [_operation_conventions(op, page.raw, conventions, registry.objects, reporter)
              for op, page in zip(drafts, settled, strict=True)]  # fmt: skip
    drafts = [replace(op, paging=_paging(op, page.raw, registry, overrides or Overrides()))
              for op, page in zip(drafts, settled, strict=True)]  # fmt: skip
    names = _component_names(
        shape_names({k: o.title for k, o in registry.objects.items()}, registry.uses), registry
    )
    operations = _place_methods([_rename_op(op, names) for op in drafts])
    shapes = sorted(
        (_rename_object(o, names[k], names) for k, o in registry.objects.items()),
        key=lambda o: o.name,
    )
    return s.Api(
        name=name,
        base_url=url,
        operations=tuple(sorted(operations, key=lambda op: op.operation_id)),
        shapes=tuple(shapes),
        page_layout=page_layout,
        conventions=conventions,
    )


def _conventions(
    drafts: list[s.Operation], settled: list[_Page], registry: Registry, overrides: Overrides,
    reporter: Reporter, *, base_url_reason: str,
) -> s.Conventions:  # fmt: skip
    """The API's conventions (``generator.model.conventions``) from all of its operations."""
    raws = [page.raw for page in settled]
    bodies = [(op.operation_id, op.body.media_type, registry.objects[op.body.shape.name])
              for op in drafts
              if op.body is not None and isinstance(op.body.shape, s.Ref)
              and op.body.shape.name in registry.objects]  # fmt: skip
    wire, wire_reason = api_wire(raws, bodies, registry.objects, overrides, reporter)
    first = raws[0].file if raws else ""
    auth, auth_reason = api_auth(raws, overrides, first, reporter)
    headers = (p.name for op in drafts for p in op.header_params)
    idempotency, idempotency_reason = api_idempotency(headers, overrides)
    return s.Conventions(wire, wire_reason, auth, auth_reason, idempotency, idempotency_reason,
                         base_url_reason, overrides.idempotency_header is None)


def _operation_conventions(
    op: s.Operation, raw: RawPage, conventions: s.Conventions, objects: Mapping[str, s.Object],
    reporter: Reporter,
) -> s.Operation:  # fmt: skip
    """``op`` with its wire styles, the keys it can clear, and the ways it authenticates."""
    op = operation_wire(op, raw, conventions.wire, objects, reporter)
    return replace(op, clear=clear_keys(op, objects), auth=operation_auth(raw, conventions.auth))


def _paging(
    op: s.Operation, raw: RawPage, registry: Registry, overrides: Overrides
) -> s.Paging | None:
    """The configured paging where it applies, else the detected (``generator.model.paging``)."""
    if overrides.pagination is not None:
        configured = configured_paging(op, dict(overrides.pagination))
        if configured is not None:
            return configured
    return detect_paging(op, raw, registry.objects)


def _component_names(names: dict[str, str], registry: Registry) -> dict[str, str]:
    """A document's named schema (``#/components/schemas/address``) keeps its own name
    (``Address``) where only other shapes of the same title were qualified away from it.
    Where a schema reads differently in requests and responses (``readOnly`` fields left
    out), the response's reading keeps the name and the request's is ``<Name>Request``."""
    by_title: dict[str, list[str]] = {}
    for key, title in registry.components.items():
        by_title.setdefault(class_name(title), []).append(key)
    taken = set(names.values())
    for plain, named in sorted(by_title.items()):
        keys = [k for k in named if k not in registry.requested] or named
        sent = [k for k in named if k in registry.requested and k not in keys]
        for group, name in ((keys, plain), (sent, f"{plain}Request")):
            if len(group) == 1 and name not in taken and plain:
                taken.discard(names[group[0]])
                names[group[0]] = name
                taken.add(name)
    return names


def _settle_ids(pages: list[RawPage], reporter: Reporter) -> list[_Page]:
    """Fill in missing operation ids; drop (with an error) a later file reusing an id."""
    seen: dict[str, tuple[str, str]] = {}  # file-name key -> (operation id, file)
    result: list[_Page] = []
    for page in pages:
        op_id = page.operation_id
        if not op_id:
            op_id = derived_operation_id(page.method, page.path)
            reporter.warning(page.file, page.line, f"no operation id; using '{op_id}'",
                             code="no-operation-id")
        key = file_stem(op_id).lower()
        if key in seen:
            _report_duplicate(page, op_id, seen[key], reporter)
            continue
        seen[key] = (op_id, page.file)
        result.append(_Page(op_id, page))
    return result


def _report_duplicate(
    page: RawPage, op_id: str, first: tuple[str, str], reporter: Reporter
) -> None:
    other_id, other_file = first
    same = f"is also used by {other_file}" if other_id == op_id else (
        f"names the same files as {other_id!r} ({other_file}): both are {file_stem(op_id)!r}")
    reporter.error(page.file, page.line, f"operation id {op_id!r} {same}; this operation is "
                   "skipped", code="duplicate-id")


def _operation(page: _Page, registry: Registry, reporter: Reporter) -> s.Operation:
    """The operation of ``page``, its objects added to ``registry``.

    An operation whose schemas hold no ``$ref`` target (``RawPage.definitions`` is empty)
    is read on its own (``_read_alone``, kept in the active memo): its objects are keyed
    by their content, so what it adds does not depend on the operations read before.
    """
    if not page.raw.definitions:
        alone = _read_alone(page)
        if alone is not None:
            op, added, items = alone
            registry.replay(added)
            reporter.items.extend(items)
            return op
    return _read_operation(page, registry, reporter)


Alone = tuple[s.Operation, tuple[Added, ...], tuple[Diagnostic, ...]]


def _page_key(page: _Page) -> list[str]:
    """What ``_read_alone`` reads: the settled id and the record (pickled: equal bytes are
    equal records; ``definitions`` is empty where it is called)."""
    return ["operation", page.op_id, digest(pickle.dumps(page.raw, pickle.HIGHEST_PROTOCOL))]


@memoised(_page_key)
def _read_alone(page: _Page) -> Alone | None:
    """``page``'s operation read into a registry of its own: the operation, every object
    added (``Registry.log``) and its diagnostics; None when a ``$ref`` target was read
    (then objects are keyed by reference and the shared registry must read it)."""
    registry = Registry(log=[])
    local = Reporter()
    op = _read_operation(page, registry, local)
    if not registry.content_keyed or registry.log is None:
        return None
    return op, tuple(registry.log), tuple(local.items)


def _read_operation(page: _Page, registry: Registry, reporter: Reporter) -> s.Operation:
    raw = page.raw

    def report(level: Level, message: str, pointer: str, code: str) -> None:
        where = raw.schema_pointer + pointer
        reporter.add(level, raw.file, raw.schema_line or raw.line, message, pointer=where,
                     code=code)  # fmt: skip

    reader = Reader(registry, page.op_id, report)
    body = _body(raw, reader, reporter)
    params = _parameters(raw, page.op_id, registry, reporter, _field_names(body, registry))
    return s.Operation(
        operation_id=page.op_id,
        method=raw.method.upper(),
        path=raw.path if raw.path.startswith("/") else "/" + raw.path,
        resource=(),
        method_name="",
        summary=raw.summary,
        description=raw.description,
        path_params=params["path"],
        query_params=params["query"],
        header_params=params["header"],
        cookie_params=params["cookie"],
        body=body,
        responses=_responses(page, registry, reporter),
        source=s.Source(raw.file, raw.line, layout=raw.layout),
        server=raw.server,
    )


def _body(raw: RawPage, reader: Reader, reporter: Reporter) -> s.Body | None:
    if raw.schema is None and not raw.has_body and not raw.media_type:
        return None
    media_type = raw.media_type or _default_media_type(raw, reporter)
    if raw.schema is None:
        return s.Body(media_type, s.AnyShape("absent"), required=_body_required(raw))
    schema = raw.schema
    if media_type.split(";")[0].strip().lower() == MULTIPART and raw.layout:
        schema = _file_or_text(schema)  # a page: the page tool drops ``format: binary``
    shape = reader.shape(schema, "", ())
    return s.Body(media_type, shape, required=_body_required(raw))


def _body_required(raw: RawPage) -> bool:
    """Whether the body must be sent: OpenAPI's ``requestBody.required``; a page does not
    say, so there a body whose schema lists required properties is required."""
    if raw.declared:
        return raw.body_required
    return isinstance(raw.schema, dict) and bool(raw.schema.get("required"))


def _responses(page: _Page, registry: Registry, reporter: Reporter) -> tuple[s.Response, ...]:
    """Each response with its media type and shape.

    Pages name no media type per response, only the ``accept`` header (every response's
    types together): where it names one type, each response that may carry content gets it
    (a 204 has none: ``has_content``); where it names several, which response has which is
    unknown and none gets one. A document's response without ``content`` is ``empty``: it
    has no body.
    """
    raw = page.raw
    accept = [t.strip() for t in next((v for k, v in raw.headers if k.lower() == "accept"),
                                      "").split(",") if t.strip()]  # fmt: skip
    per_response = any(r.media_type for r in raw.responses)
    fallback = accept[0] if len(accept) == 1 and not per_response else ""
    return tuple(
        s.Response(r.status, r.description,
                   r.media_type or (fallback if s.has_content(r.status) else ""),
                   _response_shape(page, r, registry, reporter),
                   empty=not r.media_type and (raw.declared or bool(r.file)))
        for r in raw.responses
    )


def _response_shape(
    page: _Page, response: RawResponse, registry: Registry, reporter: Reporter
) -> s.Shape | None:
    if response.schema is None:
        return None

    def report(level: Level, message: str, pointer: str, code: str) -> None:
        reporter.add(level, response.file or page.raw.file, response.line or page.raw.line,
                     f"response {response.status}: {message}", pointer=pointer, code=code)

    reader = Reader(registry, page.op_id, report, definitions=page.raw.definitions,
                    direction="response")
    return reader.shape(response.schema, response.pointer, ("response", response.status))


MULTIPART = "multipart/form-data"
# A body whose page names no content type (the older page tool never wrote one) is sent as
# JSON: the one encoding that carries any value; a form carries only flat keys and strings.
DEFAULT_BODY_MEDIA_TYPE = "application/json"


def _default_media_type(raw: RawPage, reporter: Reporter) -> str:
    message = (f"the request body has no content type; it is sent as {DEFAULT_BODY_MEDIA_TYPE}")
    reporter.warning(raw.file, raw.schema_line or raw.line, message, code="no-content-type")
    return DEFAULT_BODY_MEDIA_TYPE


_PLAIN_STRING_KEYS = frozenset({"type", "description", "title", "x-stripeBypassValidation"})


def _file_or_text(schema: dict[str, Any]) -> dict[str, Any]:
    """A multipart body schema whose plain-string top-level fields also take a file.

    The page tool drops ``format: binary`` (``PostFiles``: ``file`` is ``type: string`` on the
    page, ``format: binary`` in the OpenAPI document), and any part of a multipart body may be
    a file, so a field that says nothing beyond ``type: string`` becomes
    ``anyOf: [binary, string]``: ``Union(Binary, String)``. An OpenAPI document says which
    parts are files (``format: binary``, ``contentMediaType``) and is read as it is.
    """
    props = schema.get("properties")
    if not isinstance(props, dict):
        return schema
    changed = {
        name: {"anyOf": [{"format": "binary", "type": "string"}, {"type": "string"}],
               **({"description": sub["description"]} if "description" in sub else {})}
        for name, sub in props.items()
        if isinstance(sub, dict) and sub.get("type") == "string" and set(sub) <= _PLAIN_STRING_KEYS
    }
    return {**schema, "properties": {**props, **changed}} if changed else schema


def _field_names(body: s.Body | None, registry: Registry) -> frozenset[str]:
    """The Python names of a body's top-level fields (they become method arguments too)."""
    if body is None or not isinstance(body.shape, s.Ref) or body.shape.name not in registry.objects:
        return frozenset()
    return frozenset(f.python_name for f in registry.objects[body.shape.name].fields)


def _parameters(
    raw: RawPage, op_id: str, registry: Registry, reporter: Reporter, fields: frozenset[str]
) -> dict[str, tuple[s.Parameter, ...]]:
    kept = _kept_parameters(raw, reporter)
    clean = _parameter_names(kept, reporter, raw, fields)
    result: dict[str, list[s.Parameter]] = {loc: [] for loc in _LOCATIONS}
    for p in kept:
        location = next(where for where in _LOCATIONS if where == p.location)
        shape = _parameter_shape(p, op_id, registry, reporter, raw.file)
        required = p.required or p.location == "path"
        wire = _parameter_wire(p, location)
        result[p.location].append(s.Parameter(p.name, clean[(p.location, p.name)], location,
                                            shape, required, p.description, wire, p.example))
    order = {n: i for i, n in enumerate(placeholders(raw.path))}
    result["path"] = _check_path(raw, result["path"], order, reporter)
    return {loc: tuple(ps) for loc, ps in result.items()}


_PATH_STYLES: dict[str, s.StyleName] = {"simple": "simple", "label": "label", "matrix": "matrix"}


def _parameter_wire(p: RawParameter, location: s.ParameterLocation) -> s.WireStyle:
    """The wire style, by OpenAPI 3's defaults (Parameter Object): query parameters ``form``
    exploded (a declared style is set by ``conventions``); path ones their declared
    ``simple``, ``label`` or ``matrix`` (else ``simple``), header ones ``simple``, both
    exploded only where ``explode: true``; cookie ones ``form``, exploded unless
    ``explode: false``."""
    if location == "query":
        return s.WireStyle()
    if location == "cookie":
        return s.WireStyle("form", explode=p.explode is not False)
    style = _PATH_STYLES.get(p.style, "simple") if location == "path" else "simple"
    return s.WireStyle(style, explode=p.explode is True)


def _kept_parameters(raw: RawPage, reporter: Reporter) -> list[RawParameter]:
    """Parameters with a known location, first of each (location, name)."""
    kept: dict[tuple[str, str], RawParameter] = {}
    for p in raw.parameters:
        if p.location not in _LOCATIONS:
            reporter.warning(raw.file, p.line, f"parameter '{p.name}' in '{p.location}' is not "
                             "supported; it is skipped", code="parameter-location")
        elif (p.location, p.name) in kept:
            reporter.error(raw.file, p.line, f"parameter '{p.name}' in {p.location} is listed "
                           "twice; the first is kept", code="duplicate-parameter")
        else:
            kept[(p.location, p.name)] = p
    return list(kept.values())


def _parameter_names(
    kept: list[RawParameter], reporter: Reporter, raw: RawPage, fields: frozenset[str]
) -> dict[tuple[str, str], str]:
    """Python names for the parameters of one operation, unique among them and the body fields.

    The rule (docs/conventions.md, "Names"): within one location, names that clean to the same
    identifier follow ``unique_names``. Across locations the body's fields keep their names
    (they belong to a shared shape), then path, query and header parameters in that order; a
    parameter whose name is taken gets ``_<location>`` (``name`` in path and query: ``name``
    and ``name_query``; a query ``email`` beside a body field ``email``: ``email_query``).
    Each renaming is a warning.
    """
    within: dict[tuple[str, str], str] = {}
    for location in _LOCATIONS:
        here = [p.name for p in kept if p.location == location]
        names, clashes = unique_names({wire: wire for wire in here})
        for group in clashes:
            _warn_clash(raw, reporter, [(w, location, names[w]) for w in group])
        within.update({(location, wire): names[wire] for wire in here})
    taken = set(fields)
    result: dict[tuple[str, str], str] = {}
    for location in _LOCATIONS:
        for p in (p for p in kept if p.location == location):
            name = within[(location, p.name)]
            if name in taken:
                renamed = _free_name(f"{name.rstrip('_')}_{location}", taken)
                _warn_clash(raw, reporter, [(p.name, location, renamed)], other=name)
                name = renamed
            taken.add(name)
            result[(location, p.name)] = name
    return result


def _warn_clash(
    raw: RawPage, reporter: Reporter, renamed: list[tuple[str, str, str]], other: str = ""
) -> None:
    """A warning that names were made distinct: (wire name, location, Python name) each."""
    listed = ", ".join(f"'{wire}' in {where} -> {name}" for wire, where, name in renamed)
    why = f"'{other}' is taken by another parameter or body field" if other else (
        "they clash as Python names")
    reporter.note(raw.file, raw.lines.get("parameters", raw.line),
                  f"parameters renamed ({why}): {listed}", code="name-clash")


def _parameter_shape(
    p: RawParameter, op_id: str, registry: Registry, reporter: Reporter, file: str
) -> s.Shape:
    if p.schema is not None:
        def report(level: Level, message: str, pointer: str, code: str) -> None:
            reporter.add(level, file, p.line, f"parameter '{p.name}': {message}",
                         pointer=pointer, code=code)

        return Reader(registry, op_id, report).shape(p.schema, "", (p.name,))
    shape = _PAGE_TYPES.get(p.type.strip().lower())
    if shape is None:
        reporter.warning(file, p.line, f"parameter '{p.name}' has unknown type '{p.type}'; "
                         "any value is accepted", code="parameter-type")
        return s.AnyShape("unchecked")
    return shape


def _check_path(
    raw: RawPage, params: list[s.Parameter], order: Mapping[str, int], reporter: Reporter
) -> list[s.Parameter]:
    """Path parameters in placeholder order; report (and repair) mismatches."""
    listed = {p.name for p in params}
    for p in params:
        if p.name not in order:
            reporter.error(raw.file, raw.line, f"path parameter '{p.name}' has no placeholder "
                           f"in {raw.path}; it is skipped", code="path-parameter")
    kept = [p for p in params if p.name in order]
    taken = {p.python_name for p in kept}
    for placeholder in order:
        if placeholder not in listed:
            reporter.error(raw.file, raw.line, f"placeholder '{{{placeholder}}}' in {raw.path} "
                           "has no path parameter; a required string parameter is assumed",
                           code="path-parameter")
            python = _free_name(placeholder, taken)
            kept.append(s.Parameter(placeholder, python, "path", s.String(), True,
                                  wire=s.WireStyle("simple", explode=False)))
    return sorted(kept, key=lambda p: order[p.name])


def _free_name(wire: str, taken: set[str]) -> str:
    name = python_identifier(wire)
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _place_methods(operations: list[s.Operation]) -> list[s.Operation]:
    paths = Counter(op.path for op in operations)
    collections = collections_of(
        ((op.method, op.path) for op in operations),
        paged=((op.method, op.path) for op in operations if takes_paging(op)),
    )
    wanted = {op.operation_id: resource_method(op.method, op.path, collections, paths[op.path])
              for op in operations}
    placed = unique_methods(wanted)
    taken: set[str] = set()
    return [_placed(op, *placed[op.operation_id], taken) for op in operations]


def _placed(
    op: s.Operation, resource: tuple[str, ...], method_name: str, taken: set[str]
) -> s.Operation:
    """``op`` on its resource, with its method name and (for a body or query) validator's,
    numbered where an abbreviated one clashes with one ``taken``."""
    validator = ""
    if op.body is not None or op.query_params:
        base = validator = validator_name(resource, method_name)
        n = 2
        while validator in taken:
            validator, n = f"{base}_{n}", n + 1
        taken.add(validator)
    return replace(op, resource=resource, method_name=method_name, validator=validator)


def _base_url(pages: list[_Page], reporter: Reporter) -> str:
    hosts = Counter(p.raw.host for p in pages if p.raw.host)
    for bad in sorted(h for h in hosts if not _HOST.fullmatch(h)):
        first = min(p.raw.file for p in pages if p.raw.host == bad)
        reporter.warning(first, 0, f"host {bad!r} is not a host name; it is ignored", code="host")
        del hosts[bad]
    if not hosts:
        return ""
    host = min(hosts, key=lambda h: (-hosts[h], h))
    if len(hosts) > 1:
        first = min(p.raw.file for p in pages if p.raw.host in hosts and p.raw.host != host)
        reporter.warning(first, 0, f"pages name several hosts; using '{host}'", code="host")
    name, _, port = host.rpartition(":") if ":" in host else (host, "", "")
    if port == "443":
        return f"https://{name}"
    if port == "80":
        return f"http://{name}"
    return f"https://{host}"


def _rename(shape: s.Shape, names: Mapping[str, str]) -> s.Shape:
    """``shape`` with every content-key ``Ref`` replaced by the shape's final name (``shape``
    itself where it holds no ``Ref``: most shapes, and a warm run renames every one)."""
    match shape:
        case s.Ref():
            return s.Ref(names[shape.name])
        case s.Array():
            items = _rename(shape.items, names)
            return shape if items is shape.items else replace(shape, items=items)
        case s.Map():
            values, keys = _rename(shape.values, names), _rename_keys(shape.keys, names)
            same = values is shape.values and keys is shape.keys
            return shape if same else replace(shape, values=values, keys=keys)
        case s.Union():
            variants = tuple(_rename(v, names) for v in shape.variants)
            same = all(a is b for a, b in zip(variants, shape.variants, strict=True))
            return shape if same else replace(shape, variants=variants)
        case s.Emptyable():
            inner = _rename(shape.shape, names)
            return shape if inner is shape.shape else s.Emptyable(inner)
        case s.String() | s.Integer() | s.Number() | s.Boolean() | s.Null() | s.Const() | s.Enum() \
                | s.Binary() | s.AnyShape():
            return shape
        case _:
            assert_never(shape)


Shaped = TypeVar("Shaped", s.Field, s.Parameter, s.PatternField, s.Body, s.Response)


def _reshaped(node: Shaped, names: Mapping[str, str]) -> Shaped:
    """``node`` with its shape renamed (``node`` itself when that changes nothing)."""
    if node.shape is None:
        return node
    shape = _rename(node.shape, names)
    return node if shape is node.shape else replace(node, shape=shape)


def _rename_keys(keys: s.Keys, names: Mapping[str, str]) -> s.Keys:
    if keys == s.ANY_KEYS:
        return keys
    return replace(
        keys,
        names=None if keys.names is None else _rename(keys.names, names),
        patterns=tuple(_reshaped(p, names) for p in keys.patterns),
    )


def _rename_object(obj: s.Object, name: str, names: Mapping[str, str]) -> s.Object:
    return replace(
        obj, name=name,
        fields=tuple(_reshaped(f, names) for f in obj.fields),
        extra=None if obj.extra is None else _rename(obj.extra, names),
        keys=_rename_keys(obj.keys, names),
    )


def _rename_op(op: s.Operation, names: Mapping[str, str]) -> s.Operation:
    def params(ps: tuple[s.Parameter, ...]) -> tuple[s.Parameter, ...]:
        return tuple(_reshaped(p, names) for p in ps)

    body = op.body and _reshaped(op.body, names)
    responses = tuple(_reshaped(r, names) for r in op.responses)
    return replace(op, path_params=params(op.path_params), query_params=params(op.query_params),
                   header_params=params(op.header_params), body=body, responses=responses,
                   cookie_params=params(op.cookie_params))

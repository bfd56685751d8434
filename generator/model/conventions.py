"""The conventions of one API, read from its records, with defaults and configuration.

Each function returns its choice and the reason, which the run summary prints
(``docs/conventions.md`` is the user's version of these rules).

- Wire style (``api_wire``): the style of query parameters and form fields whose input declares
  none. URL-encoded form bodies that nest objects (a field that is an object, a map or a list
  of objects) can only mean brackets, ``deepObject`` (Stripe); otherwise the OpenAPI default,
  ``form`` with ``explode`` (multipart carries an object as a JSON part). Declared
  ``style``/``explode`` (OpenAPI) always win; query parameters of an OpenAPI document without
  ``style`` get the specification's default, ``form``.
- Authentication (``api_auth``): every scheme that some operation's ``security`` names;
  pages declare none, so bearer. Each operation accepts the ways its own ``security`` names
  (``operation_auth``): all of them, some, or none (``security: []``).
- Clearing (``clear_keys``): the keys where an empty list or object is sent as ``""``.
- Request media type (``request_body``): of a body offered in several media types, the
  configured one (``request_media_type``); else multipart where a field is a file; else JSON;
  else a URL-encoded form; else multipart; else the first listed.
- Idempotency (``api_idempotency``): a header parameter whose name holds ``idempotency``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, assert_never, get_args

from generator.diagnostics import Reporter, counted
from generator.model import shapes as s
from generator.model.naming import python_identifier
from generator.options import Overrides
from generator.scrape.media import JSON_MEDIA
from generator.scrape.records import RawBody, RawPage, RawSecurity

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
STYLES: tuple[str, ...] = get_args(s.StyleName)
QUERY_STYLES = frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"})
AUTH_WORDS = ("bearer", "basic", "header:NAME", "query:NAME", "cookie:NAME")


def media(media_type: str) -> str:
    """A media type without parameters, lower case."""
    return media_type.split(";", maxsplit=1)[0].strip().lower()


def wire_style(style: str, explode: bool | None, default: s.WireStyle) -> s.WireStyle | None:
    """A declared ``style``/``explode`` pair; ``explode`` defaults as the specification says
    (true for ``form`` only), and ``deepObject`` is always exploded (its only defined form);
    None when ``style`` is not a style a query or form takes."""
    if not style:
        return default if explode is None else s.WireStyle(default.style, explode)
    if style not in QUERY_STYLES:
        return None
    checked: s.StyleName = style  # type: ignore[assignment]  # checked against QUERY_STYLES
    if checked == "deepObject":
        return s.WireStyle(checked, True)
    return s.WireStyle(checked, style == "form" if explode is None else explode)


def nests(shape: s.Shape, objects: Mapping[str, s.Object]) -> bool:
    """Whether a field of this shape holds an object somewhere (not only scalars)."""
    match shape:
        case s.Ref() | s.Map():
            return True
        case s.Array():
            return nests(shape.items, objects)
        case s.Union():
            return any(nests(v, objects) for v in shape.variants)
        case s.Emptyable():
            return nests(shape.shape, objects)
        case s.String() | s.Integer() | s.Number() | s.Boolean() | s.Null() | s.Const() | s.Enum() \
                | s.Binary() | s.AnyShape():  # fmt: skip
            return False
        case _:
            assert_never(shape)


def api_wire(
    pages: Sequence[RawPage], bodies: Iterable[tuple[str, str, s.Object]],
    objects: Mapping[str, s.Object], overrides: Overrides, reporter: Reporter,
) -> tuple[s.WireStyle, str]:  # fmt: skip
    """The API's default wire style and why: ``bodies`` is (operation id, media type, object)."""
    if overrides.wire_style is not None:
        chosen = wire_style(overrides.wire_style, overrides.wire_explode, s.WireStyle())
        assert chosen is not None  # the configuration checks the name
        return chosen, "configured (wire_style)"
    forms = [(op_id, obj) for op_id, media_type, obj in bodies if media(media_type) == FORM]
    for op_id, obj in forms:  # multipart has its own way for objects: a JSON part
        nested = next((f for f in obj.fields if nests(f.shape, objects)), None)
        if nested is not None:
            return s.WireStyle("deepObject"), (
                f"form bodies nest objects ({op_id}: {nested.wire_name}), which only brackets "
                "carry")
    declared = any(p.declared for p in pages)
    where = "declared styles; elsewhere " if declared else ""
    flat = "form bodies are flat: " if forms else ""
    return s.WireStyle(), f"{where}{flat}the OpenAPI default (form, explode)"


def api_auth(
    pages: Sequence[RawPage], overrides: Overrides, file: str, reporter: Reporter
) -> tuple[tuple[s.Auth, ...], str]:
    """The ways to authenticate, and why."""
    if overrides.auth is not None:
        configured = tuple(_configured(word, i) for i, word in enumerate(overrides.auth))
        return configured, "configured (auth)"
    uses: Counter[tuple[RawSecurity, ...]] = Counter()
    for page in pages:
        uses.update(r for r in dict.fromkeys(page.security) if r)
    first = {r: i for i, r in reversed(list(enumerate(r for p in pages for r in p.security)))}
    # the way most operations accept comes first (the client uses the first it has credentials
    # for); among equals a key in a header before one in the URL (which logs keep: RFC 6750
    # section 5.3), then document order
    requirements = sorted(uses, key=lambda r: (-uses[r], _in_query(r), first[r]))
    if not requirements:
        return (s.Auth("bearer"),), "the input declares no security: bearer by default"
    found: list[s.Auth] = []
    for index, requirement in enumerate(requirements):
        found.extend(_requirement(requirement, index, file, reporter))
    if not found:
        return (s.Auth("bearer"),), "no declared scheme is supported: bearer by default"
    names = ", ".join(sorted({a.scheme for a in found}))
    return _dedupe(found), f"securitySchemes ({names})"


def _in_query(requirement: tuple[RawSecurity, ...]) -> bool:
    return any(r.type == "apiKey" and r.location == "query" for r in requirement)


def _configured(word: str, index: int) -> s.Auth:
    kind, _, parameter = word.partition(":")
    if kind in ("header", "query", "cookie"):
        return s.Auth(kind, parameter, requirement=index)  # type: ignore[arg-type]
    return s.Auth("basic" if kind == "basic" else "bearer", credential=_credential(kind),
                requirement=index)


def _credential(kind: str) -> str:
    return "username" if kind == "basic" else "api_key"


def _requirement(
    requirement: tuple[RawSecurity, ...], index: int, file: str, reporter: Reporter
) -> list[s.Auth]:
    """The schemes of one requirement; the first key-like one holds ``api_key``, further ones
    are named after their parameter (``api_secret``)."""
    out: list[s.Auth] = []
    for scheme in requirement:
        auth = _scheme(scheme, index)
        if auth is None:
            reporter.warning(file, 0, f"security scheme '{scheme.name}' ({scheme.type}"
                             f"{' ' + scheme.location if scheme.location else ''}) is not "
                             "supported; the client does not send it", code="auth")
            continue
        taken = {a.credential for a in out}
        if auth.credential in taken:
            name = python_identifier(auth.parameter or auth.scheme)
            auth = s.Auth(auth.method, auth.parameter, auth.scheme, name, index)
        out.append(auth)
    return out


def _scheme(scheme: RawSecurity, index: int) -> s.Auth | None:
    """One scheme: HTTP bearer and OAuth 2 / OpenID Connect tokens are bearer (RFC 6750)."""
    if scheme.type == "http" and scheme.scheme == "basic":
        return s.Auth("basic", "", scheme.name, "username", index)
    if (scheme.type == "http" and scheme.scheme == "bearer") or scheme.type in (
            "oauth2", "openIdConnect"):
        return s.Auth("bearer", "", scheme.name, "api_key", index)
    if scheme.type == "apiKey" and scheme.location in ("header", "query", "cookie") and \
            scheme.parameter:
        return s.Auth(scheme.location, scheme.parameter, scheme.name,  # type: ignore[arg-type]
                      "api_key", index)
    return None


def _dedupe(found: list[s.Auth]) -> tuple[s.Auth, ...]:
    """Requirements that send the same thing only once, renumbered in order."""
    groups: dict[int, tuple[tuple[str, str, str], ...]] = {}
    for auth in found:
        groups[auth.requirement] = (*groups.get(auth.requirement, ()),
                                    (auth.method, auth.parameter, auth.credential))
    kept: list[int] = []
    for index, sent in groups.items():
        if all(groups[k] != sent for k in kept):
            kept.append(index)
    return tuple(s.Auth(a.method, a.parameter, a.scheme, a.credential, kept.index(a.requirement))
                 for a in found if a.requirement in kept)


def api_idempotency(
    header_names: Iterable[str], overrides: Overrides
) -> tuple[str, str]:
    """The idempotency header and why ("" when there is none: POST/PATCH are not retried)."""
    if overrides.idempotency_header is not None:
        return overrides.idempotency_header, "configured (idempotency_header)"
    declared = sorted({n for n in header_names if "idempotency" in n.lower()})
    if declared:
        return declared[0], f"declared header parameter {declared[0]}"
    return "", "none declared: POST and PATCH are retried only when the request never left"


def operation_wire(
    op: s.Operation, raw: RawPage, default: s.WireStyle, objects: Mapping[str, s.Object],
    reporter: Reporter,
) -> s.Operation:  # fmt: skip
    """``op`` with the wire style of each query parameter and each form or multipart field."""
    declared = {p.name: p for p in raw.parameters if p.location == "query"}

    def query(p: s.Parameter) -> s.Parameter:
        given = declared.get(p.name)
        if given is None or not raw.declared:
            return replace(p, wire=default)
        wire = wire_style(given.style, given.explode, s.WireStyle())
        if wire is None:
            reporter.warning(raw.file, given.line, f"parameter '{p.name}': style "
                             f"'{given.style}' is not a query style; form is used",
                             code="wire-style")
            wire = s.WireStyle()
        return replace(p, wire=wire)

    body = op.body
    if body is not None and media(body.media_type) in (FORM, MULTIPART):
        obj = objects.get(body.shape.name) if isinstance(body.shape, s.Ref) else None
        names = [f.wire_name for f in obj.fields] if obj is not None else [
            e.name for e in raw.encoding]  # a body the model cannot see into: what encoding names
        body = replace(body, encoding=_encoding(names, raw, default, reporter))
    return replace(op, query_params=tuple(query(p) for p in op.query_params), body=body)


def _encoding(
    names: Iterable[str], raw: RawPage, default: s.WireStyle, reporter: Reporter
) -> tuple[s.Encoding, ...]:
    given = {e.name: e for e in raw.encoding}
    out: list[s.Encoding] = []
    for name in sorted(set(names)):
        entry = given.get(name)
        wire = default if entry is None else wire_style(entry.style, entry.explode, default)
        if wire is None:
            assert entry is not None
            reporter.warning(raw.file, raw.line, f"encoding of '{name}': style "
                             f"'{entry.style}' is not a form style; {default.style} is used",
                             code="wire-style")
            wire = default
        out.append(s.Encoding(name, wire))
    return tuple(out)


def operation_auth(raw: RawPage, auth: tuple[s.Auth, ...]) -> tuple[int, ...] | None:
    """The ways of ``auth`` (``Auth.requirement``) that ``raw``'s own ``security`` accepts.

    None when it accepts every way or declares nothing (pages; a document without
    ``security``), or names only schemes the client cannot send; ``()`` when it needs no
    credentials (``security: []``, or only ``{}``: OpenAPI 3, "Security Requirement Object").
    A way matches a requirement that sends the same things (method and parameter).
    """
    if not raw.security:
        return None
    wanted = [r for r in raw.security if r]
    if not wanted:
        return ()
    if not any(a.scheme for a in auth):  # configured, or the default: it applies everywhere
        return None
    groups: dict[int, set[tuple[str, str]]] = {}
    for a in auth:
        groups.setdefault(a.requirement, set()).add((a.method, a.parameter))
    sends = [{(x.method, x.parameter) for one in r if (x := _scheme(one, 0)) is not None}
             for r in wanted]  # fmt: skip
    if not any(sends):
        return None
    ways = sorted({index for sent in sends for index, group in groups.items() if group == sent})
    return None if len(ways) == len(groups) else tuple(ways)


def clear_keys(op: s.Operation, objects: Mapping[str, s.Object]) -> tuple[str, ...]:
    """The query and form/multipart keys of ``op`` (``Operation.clear``) where an empty list
    or object is sent as the clear value ``""``: a field that is ``Emptyable`` and may hold a
    container, nested as brackets write it (``a[b]``, a list index ``[]``)."""
    out: set[str] = set()
    for p in op.query_params:
        _clearable(p.name, p.shape, objects, out, frozenset())
    body = op.body
    if body is not None and media(body.media_type) in (FORM, MULTIPART) and isinstance(
            body.shape, s.Ref) and body.shape.name in objects:  # fmt: skip
        for f in objects[body.shape.name].fields:
            _clearable(f.wire_name, f.shape, objects, out, frozenset())
    return tuple(sorted(out))


def _clearable(
    key: str, shape: s.Shape, objects: Mapping[str, s.Object], out: set[str], seen: frozenset[str]
) -> None:
    if isinstance(shape, s.Emptyable):
        if any(isinstance(v, s.Array | s.Map | s.Ref) for v in _variants(shape.shape)):
            out.add(key)
        shape = shape.shape
    for variant in _variants(shape):
        if isinstance(variant, s.Array):
            _clearable(f"{key}[]", variant.items, objects, out, seen)
        elif isinstance(variant, s.Ref) and variant.name in objects and variant.name not in seen:
            for f in objects[variant.name].fields:
                _clearable(f"{key}[{f.wire_name}]", f.shape, objects, out, seen | {variant.name})


def _variants(shape: s.Shape) -> tuple[s.Shape, ...]:
    """A union's variants (an ``Emptyable`` inside one unwrapped), else the shape itself."""
    if isinstance(shape, s.Union):
        return tuple(v.shape if isinstance(v, s.Emptyable) else v for v in shape.variants)
    return (shape,)


def request_body(raw: RawPage, preferred: Sequence[str] | None) -> RawPage:
    """``raw`` with its body in the media type chosen among those offered (module docstring),
    each with its own schema and ``encoding``."""
    if len(raw.bodies) < 2:
        return raw
    chosen = choose_body(raw.bodies, preferred or ())
    if chosen.media_type == raw.media_type:
        return raw
    headers = tuple((k, chosen.media_type if k == "content-type" else v) for k, v in raw.headers)
    return replace(raw, media_type=chosen.media_type, schema=chosen.schema, headers=headers,
                   schema_pointer=chosen.schema_pointer, schema_line=chosen.schema_line,
                   encoding=chosen.encoding)  # fmt: skip


def choose_body(bodies: Sequence[RawBody], preferred: Sequence[str]) -> RawBody:
    """The media type a body offered in several is sent in (the module docstring's order)."""
    offered = {media(b.media_type): b for b in reversed(bodies)}  # the first of each wins
    wanted = [offered[media(m)] for m in preferred if media(m) in offered]
    files = MULTIPART in offered and any(_has_file(b.schema) for b in bodies)
    json = [b for b in bodies if JSON_MEDIA.match(b.media_type)]
    ranked = [*wanted, *([offered[MULTIPART]] if files else []), *json,
              *(offered[m] for m in (FORM, MULTIPART) if m in offered), bodies[0]]
    return ranked[0]


def _has_file(schema: Mapping[str, Any] | None) -> bool:
    """Whether a body schema has a file field at its top (``format: binary``, or OpenAPI 3.1's
    ``contentMediaType`` without ``contentEncoding``), alone or in an array, or in ``allOf``."""
    if not isinstance(schema, Mapping):
        return False
    members = [schema, *(m for m in schema.get("allOf") or () if isinstance(m, Mapping))]
    properties = [p for m in members if isinstance(m.get("properties"), Mapping)
                  for p in m["properties"].values() if isinstance(p, Mapping)]  # fmt: skip
    return any(_is_file(p) or (isinstance(p.get("items"), Mapping) and _is_file(p["items"]))
               for p in properties)  # fmt: skip


def _is_file(schema: Mapping[str, Any]) -> bool:
    return schema.get("format") == "binary" or (
        "contentMediaType" in schema and "contentEncoding" not in schema)


def summary(api: s.Api) -> str:
    """One line of the run summary: each convention the API got, and why."""
    c = api.conventions
    wire = f"{c.wire.style}{'' if c.wire.explode else ', not exploded'}"
    groups: dict[int, list[str]] = {}
    for a in c.auth:
        groups.setdefault(a.requirement, []).append(a.method + (f" {a.parameter}" if a.parameter
                                                                 else ""))  # fmt: skip
    ways = [" and ".join(group) for _, group in sorted(groups.items())]
    anonymous = sum(op.auth == () for op in api.operations)
    scoped = sum(bool(op.auth) for op in api.operations)
    per_op = ", ".join(part for part in (
        f"{counted(scoped, 'operation')} with only some of these" if scoped else "",
        f"{counted(anonymous, 'operation')} with none (security: [])" if anonymous else "")
        if part)  # fmt: skip
    retry = (f"POST/PATCH retried with {c.idempotency_header} ({c.idempotency_reason})"
             if c.idempotency_header else f"POST/PATCH not retried ({c.idempotency_reason})")
    styles = Counter(op.paging.style for op in api.operations if op.paging is not None)
    paged = ", ".join(f"{style} {n}" for style, n in sorted(styles.items()))
    return (f"wire style {wire} ({c.wire_reason}); auth {' or '.join(ways)} ({c.auth_reason}"
            f"{'; ' + per_op if per_op else ''}); "
            f"{retry}; paging: {counted(sum(styles.values()), 'list')}"
            + (f" ({paged})" if paged else "")
            + (f"; base URL {api.base_url} ({c.base_url_reason})" if api.base_url else
               "; no base URL (the input names no server): pass base_url= to the Client or set "
               "base_url in [tool.doc2client.apis.NAME]"))

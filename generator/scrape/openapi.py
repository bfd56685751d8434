"""Read an OpenAPI 3.0/3.1 document (JSON or YAML) into ``RawPage`` records.

One record per operation, as the page tool would write it: summary or operationId as the
heading, the first request media type's schema with local ``$ref``s inlined (and, where the
body is offered in several, each of them: the normaliser chooses), parameters
ordered path, query, header. Unlike the page tool, path-item parameters are included
(the operation's own win by name and location).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Reporter
from generator.files import MAX_DOCUMENT_BYTES, file_digest
from generator.layouts import host_line
from generator.scrape.lint import PointerLines, find_key, lint_document, lint_files
from generator.scrape.media import event_data_schema, is_event_stream, preferred_media_type
from generator.scrape.records import (
    RawBody,
    RawEncoding,
    RawPage,
    RawParameter,
    RawResponse,
    RawSecurity,
)
from generator.scrape.refs import RefError, Resolver, escape, pointer_to
from generator.scrape.source import MAX_SCHEMA_DEPTH, json_depth, read_source

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LOCATION_ORDER = {"path": 0, "query": 1, "header": 2, "cookie": 3}


@dataclass(frozen=True, slots=True)
class OpenApiInput:
    """A whole OpenAPI document: its info, servers and one record per operation."""

    title: str
    version: str
    servers: tuple[str, ...]
    pages: tuple[RawPage, ...]
    files: tuple[tuple[str, str], ...] = ()  # other files $refs named: (path, sha256 or "")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader (C when available) that reads what JSON would.

    Dates stay strings; only ``true``/``false`` are booleans (YAML 1.2's core schema, which
    OpenAPI 3.1 names: YAML 1.1 would read a property called ``on``, ``off``, ``yes`` or ``no``
    as a boolean); and every mapping key is a string (``200:`` under ``responses`` is the
    status ``"200"``), as in a JSON object.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        return {_json_key(key): value for key, value in mapping.items()}


def _json_key(key: object) -> str:
    """A YAML mapping key as the string a JSON document would hold."""
    if isinstance(key, str):
        return key
    return json.dumps(key) if isinstance(key, bool) or key is None else str(key)


_BOOL_TAG = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] not in ("tag:yaml.org,2002:timestamp", _BOOL_TAG)]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_openapi(path: Path, reporter: Reporter) -> OpenApiInput | None:
    """Read one document; ``None`` (after an error) when it is not a usable OpenAPI 3 document."""
    file = str(path)
    try:
        return _read(path, file, reporter)
    except Exception as exc:  # never a traceback: anything unexpected becomes a diagnostic
        message = f"cannot read OpenAPI document: unexpected {type(exc).__name__}: {exc}"
        reporter.error(file, 0, message, code="internal")
    return None


def _read(path: Path, file: str, reporter: Reporter) -> OpenApiInput | None:
    text = read_source(
        path, file, reporter, expected="an OpenAPI document", max_bytes=MAX_DOCUMENT_BYTES
    )
    if text is None:
        return None
    doc = _load(text, path, file, reporter)
    if doc is None:
        return None
    info = _dict(doc.get("info"))
    servers = tuple(server_url(s) for s in _list(doc.get("servers")) if isinstance(s, dict))
    lines = PointerLines(text)
    refs = Resolver(doc, file, reporter, root=path, load=_load_file)
    reader = _Reader(file, reporter, refs, _Locator(text), lines)
    reader.host = host_line(servers[0]) if servers else ""
    reader.servers = servers
    reader.schemes = _schemes(reader.refs, _dict(doc.get("components")).get("securitySchemes"))
    reader.security = doc.get("security")
    pages = reader.pages(doc.get("paths"))
    reported = frozenset(d.pointer for d in reporter.items if d.file == file and d.pointer)
    lint_document(doc, lines, file, reporter, reported=reported, resolver=refs)
    lint_files(refs, path, file, reporter)
    files = tuple((name, file_digest(path.parent / name)) for name in sorted(refs.named))
    title, version = str(info.get("title", "")), str(info.get("version", ""))
    return OpenApiInput(title, version, servers, pages, files)


def _load_file(path: Path) -> Any:
    """A file that a ``$ref`` names, parsed as JSON or YAML (``ValueError`` when it is neither)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).splitlines()[0]) from exc


def _load(text: str, path: Path, file: str, reporter: Reporter) -> dict[str, Any] | None:
    """Parse JSON or YAML and check that it is an OpenAPI 3 document."""
    is_json = path.suffix.lower() == ".json" or text.lstrip().startswith("{")
    try:
        doc = json.loads(text) if is_json else yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as exc:
        reporter.error(file, exc.lineno, f"not valid JSON: {exc.msg}", code="openapi-syntax",
                       column=exc.colno)
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        problem = getattr(exc, "problem", None) or str(exc)
        reporter.error(file, line, f"not valid YAML: {problem}", code="openapi-syntax",
                       column=column)
        return None
    version = str(doc.get("openapi", "")) if isinstance(doc, dict) else ""
    if not version.startswith("3."):
        swagger = doc.get("swagger") if isinstance(doc, dict) and not version else None
        found = f"openapi: {version}" if version else "no 'openapi' field"
        message = f"not an OpenAPI 3.0/3.1 document ({found})"
        if swagger is not None:  # Swagger 2.0: https://swagger.io/specification/v2/
            message = (f"a Swagger {swagger} document: doc2client reads OpenAPI 3.0/3.1; "
                       "convert it first (for example with swagger2openapi)")
        reporter.error(file, 1, message, pointer="/swagger" if swagger is not None
                       else "/openapi", code="not-openapi")  # fmt: skip
        return None
    return doc if isinstance(doc, dict) else None


def example_text(schema: Any) -> str:
    """JSON text of a schema's example: OpenAPI 3.0's ``example``, else the first of JSON
    Schema's ``examples`` list (2020-12, 9.5; OpenAPI 3.1); ``""`` when it gives none."""
    if not isinstance(schema, dict):
        return ""
    if "example" in schema:
        return json.dumps(schema["example"], sort_keys=True)
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return json.dumps(examples[0], sort_keys=True)
    return ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def server_url(server: dict[str, Any]) -> str:
    """A Server Object's ``url`` with each ``{variable}`` replaced by its ``default``.

    OpenAPI 3 "Server Object": every variable has a ``default``; one that does not is left as
    written.
    """
    url = str(server.get("url", ""))
    for name, variable in _dict(server.get("variables")).items():
        default = _dict(variable).get("default")
        if default is not None:
            url = url.replace(f"{{{name}}}", str(default))
    return url


def _schemes(refs: Resolver, raw: Any) -> dict[str, RawSecurity]:
    """``components.securitySchemes`` by name (``$ref``s followed)."""
    schemes: dict[str, RawSecurity] = {}
    for name, value in _dict(raw).items():
        try:
            scheme = _dict(refs.follow(value, pointer_to("components", "securitySchemes", name)))
        except RefError:
            continue
        schemes[str(name)] = RawSecurity(
            name=str(name),
            type=str(scheme.get("type", "")),
            scheme=str(scheme.get("scheme", "")).lower(),
            location=str(scheme.get("in", "")).lower(),
            parameter=str(scheme.get("name", "")),
        )
    return schemes


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


class _Locator:
    """Finds the line of ``paths → path → method`` in the document text, cheaply."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.position = 0

    def line(self, path: str, method: str) -> int:
        found = self._key(path, self.position)
        found = self._key(path, 0) if found is None else found
        if found is None:
            return 0
        self.position = found
        at = self._key(method, found)
        return bisect.bisect_right(self.newlines, (found if at is None else at) - 1) + 1

    def _key(self, key: str, start: int) -> int | None:
        return find_key(self.text, key, start, objects_only=True)


@dataclass(slots=True)
class _Reader:
    """Builds the records of one document."""

    file: str
    reporter: Reporter
    refs: Resolver
    locate: _Locator
    pointer_lines: PointerLines
    host: str = ""
    servers: tuple[str, ...] = ()  # the document's, their variables' defaults filled in
    schemes: dict[str, RawSecurity] = field(default_factory=dict)
    security: Any = None  # the document's top-level ``security``
    definitions: dict[str, Any] = field(default_factory=dict)  # shared by every record

    def pages(self, paths: Any) -> tuple[RawPage, ...]:
        if not isinstance(paths, dict):
            self.reporter.error(
                self.file, 0, "no 'paths' object", pointer="/paths", code="no-paths"
            )
            return ()
        found: list[RawPage] = []
        for key, item in paths.items():
            found.extend(self._path_item(str(key), item))
        return tuple(found)

    def _path_item(self, path: str, item: Any) -> list[RawPage]:
        pointer = pointer_to("paths", path)
        try:
            item = _dict(self.refs.follow(item, pointer))
        except RefError as exc:
            self.reporter.error(self.file, 0, str(exc), pointer=exc.pointer, code="bad-ref")
            return []
        pages = (self._operation(path, m, item, f"{pointer}/{m}") for m in METHODS if m in item)
        return [page for page in pages if page is not None]

    def _own_server(self, op: dict[str, Any], item: dict[str, Any]) -> str:
        """The first absolute URL of the operation's ``servers``, else its path item's (they
        override the document's: OpenAPI 3, Operation and Path Item Objects), where it
        differs from the document's first server; "" otherwise."""
        for servers in (op.get("servers"), item.get("servers")):
            urls = [server_url(s) for s in _list(servers) if isinstance(s, dict)]
            if urls:
                url = urls[0].rstrip("/")
                absolute = url.startswith(("http://", "https://"))
                first = self.servers[0].rstrip("/") if self.servers else ""
                return url if absolute and url != first else ""
        return ""

    def _operation(self, path: str, method: str, item: dict[str, Any], ptr: str) -> RawPage | None:
        line = self.locate.line(path, method)
        try:
            return self._page(path, method, item, ptr, line)
        except RefError as exc:
            message = f"{exc!s}; operation skipped"
            self.reporter.error(self.file, line, message, pointer=exc.pointer, code="bad-ref")
        return None

    def _page(self, path: str, method: str, item: dict[str, Any], ptr: str, line: int) -> RawPage:
        op = _dict(self.refs.follow(item[method], ptr))  # a $ref here is not OpenAPI, but used
        params = self._parameters(item, op, ptr, line)
        bodies, body_types = self._bodies(op.get("requestBody"), ptr, line)
        first = bodies[0] if bodies else RawBody("", None)
        media_type, schema, encoding = first.media_type, first.schema, first.encoding
        schema_pointer = f"{ptr}/requestBody/content/{escape(media_type)}/schema"
        responses = self._responses(op.get("responses"), ptr, line)
        operation_id = str(op.get("operationId") or "")
        headers = self._headers(responses[1], media_type)
        return RawPage(
            file=self.file,
            operation_id=operation_id,
            title=str(op.get("summary") or ""),
            summary=str(op.get("summary") or operation_id),
            description=str(op.get("description") or ""),
            method=method.upper(),
            path=path,
            query_template=tuple(p.name for p in params if p.location == "query"),
            host=self.host,
            server=self._own_server(op, item),
            headers=headers,
            parameters=params,
            media_type=media_type,
            schema=schema,
            responses=responses[0],
            line=line,
            schema_line=self.pointer_lines.line(schema_pointer) if schema is not None else 0,
            schema_pointer=schema_pointer if schema is not None else "",
            lines={"operation": line},
            has_body=body_types,
            body_required=self._body_required(op.get("requestBody"), ptr),
            encoding=encoding,
            bodies=bodies if len(bodies) > 1 else (),
            declared=True,
            security=self._security(op.get("security", self.security)),
            definitions=self.definitions,
        )

    def _security(self, requirements: Any) -> tuple[tuple[RawSecurity, ...], ...]:
        """The Security Requirement Objects: alternatives, each a tuple of schemes all needed.

        An empty requirement (``{}``: authentication is optional) is kept as ``()``, and so
        is an empty list (``security: []``: no authentication), which is ``((),)``; names
        that ``securitySchemes`` does not define are left out. Nothing declared is ``()``.
        """
        if requirements == []:
            return ((),)
        found: list[tuple[RawSecurity, ...]] = []
        for requirement in _list(requirements):
            group = tuple(self.schemes[n] for n in _dict(requirement) if n in self.schemes)
            if group not in found:
                found.append(group)
        return tuple(found)

    def _headers(self, accept: list[str], media_type: str) -> tuple[tuple[str, str], ...]:
        """The header lines the page tool writes (without its fixed eTag)."""
        headers = [("host", self.host)] if self.host else []
        if accept:
            headers.append(("accept", ",".join(accept)))
        if media_type:
            headers.append(("content-type", media_type))
        return tuple(headers)

    def _parameters(
        self, item: dict[str, Any], op: dict[str, Any], ptr: str, line: int
    ) -> tuple[RawParameter, ...]:
        """Path-item and operation parameters (the operation's win), path/query/header order."""
        item_ptr = ptr.rsplit("/", 1)[0]
        merged: dict[tuple[str, str], RawParameter] = {}
        for where, source in ((item_ptr, item), (ptr, op)):
            for i, raw in enumerate(_list(source.get("parameters"))):
                param = self._parameter(raw, f"{where}/parameters/{i}", line)
                if param is not None:
                    merged[(param.name, param.location)] = param
        ordered = sorted(merged.values(), key=lambda p: LOCATION_ORDER[p.location])
        return tuple(ordered)

    def _parameter(self, raw: Any, pointer: str, line: int) -> RawParameter | None:
        param = _dict(self.refs.follow(raw, pointer))
        name, location = str(param.get("name", "")), str(param.get("in", "")).lower()
        if location not in LOCATION_ORDER:
            message = f"parameter {name!r} in {location!r} is not supported; parameter skipped"
            self.reporter.warning(
                self.file, line, message, pointer=pointer, code="unknown-location"
            )
            return None
        schema = self._parameter_schema(param, pointer, line)
        return RawParameter(
            name=name,
            location=location,
            type=_type_name(schema),
            required=bool(param.get("required", False)),
            description=str(param.get("description") or ""),
            line=line,
            schema=schema,
            style=str(param.get("style") or ""),
            explode=_bool(param.get("explode")),
            example=self._parameter_example(param, pointer, schema),
        )

    def _parameter_example(self, param: dict[str, Any], pointer: str, schema: Any) -> str:
        """The parameter's ``example``, else its first ``examples`` entry's ``value``
        (OpenAPI 3.x Parameter Object), else its schema's example (``example_text``)."""
        if "example" in param:
            return json.dumps(param["example"], sort_keys=True)
        for name, raw in _dict(param.get("examples")).items():
            entry = _dict(self.refs.follow(raw, f"{pointer}/examples/{escape(str(name))}"))
            if "value" in entry:
                return json.dumps(entry["value"], sort_keys=True)
        return example_text(schema)

    def _parameter_schema(self, param: dict[str, Any], pointer: str, line: int) -> Any:
        if "schema" in param:
            return self._schema(param["schema"], f"{pointer}/schema", line)
        for media, content in self._content(param, pointer, line).items():
            where = f"{pointer}/content/{escape(str(media))}/schema"
            return self._schema(_dict(content).get("schema"), where, line)
        return None

    def _schema(self, raw: Any, pointer: str, line: int) -> dict[str, Any] | None:
        schema = self.refs.inline(raw, pointer, line)
        if not isinstance(schema, dict):
            return None
        if json_depth(schema) > MAX_SCHEMA_DEPTH:
            message = f"schema is nested deeper than {MAX_SCHEMA_DEPTH} levels; typed Any"
            self.reporter.error(self.file, line, message, pointer=pointer, code="schema-too-deep")
            return None
        return schema

    def _bodies(self, raw: Any, ptr: str, line: int) -> tuple[tuple[RawBody, ...], bool]:
        """Each media type the request body is offered in, in document order; and whether
        there is a request body at all."""
        if raw is None:
            return (), False
        body = _dict(self.refs.follow(raw, f"{ptr}/requestBody"))
        found: list[RawBody] = []
        for media, content in self._content(body, f"{ptr}/requestBody", line).items():
            where = f"{ptr}/requestBody/content/{escape(str(media))}/schema"
            schema = self._schema(_dict(content).get("schema"), where, line)
            found.append(RawBody(str(media), schema, where if schema is not None else "",
                                 self.pointer_lines.line(where) if schema is not None else 0,
                                 _encoding(_dict(content).get("encoding"))))  # fmt: skip
        return tuple(found), True

    def _body_required(self, raw: Any, ptr: str) -> bool:
        """OpenAPI ``requestBody.required`` (``false`` when not given)."""
        return raw is not None and _dict(self.refs.follow(raw, f"{ptr}/requestBody")).get(
            "required") is True

    def _content(self, owner: dict[str, Any], ptr: str, line: int) -> dict[str, Any]:
        """``owner``'s ``content`` map, media type → media type object.

        Two quirks of documents in the wild are located and read anyway: a ``$ref`` directly
        under ``content`` (OpenAPI has no reusable content maps; followed, so carried as
        meant: a note), and a key that is not a media type (``type/subtype``; skipped: a
        warning).
        """
        content = owner.get("content")
        where = f"{ptr}/content"
        if isinstance(content, dict) and isinstance(content.get("$ref"), str):
            message = "a $ref directly under 'content' is not OpenAPI (content maps media " \
                "types to media type objects); it is followed"
            self.reporter.note(self.file, line, message, pointer=where, code="content-ref")
            content = self.refs.follow(content, where)
        found: dict[str, Any] = {}
        for media, value in _dict(content).items():
            if "/" in str(media):
                found[str(media)] = value
                continue
            message = f"{str(media)!r} under 'content' is not a media type; it is skipped"
            self.reporter.warning(self.file, line, message, pointer=f"{where}/{escape(str(media))}",
                                  code="content-key")
        return found

    def _responses(
        self, raw: Any, ptr: str, line: int
    ) -> tuple[tuple[RawResponse, ...], list[str]]:
        """The responses, and the distinct response media types (for ``accept``)."""
        found: list[RawResponse] = []
        accept: list[str] = []
        for status, value in _dict(raw).items():
            where = f"{ptr}/responses/{escape(str(status))}"
            response = _dict(self.refs.follow(value, where))
            content = self._content(response, where, line)
            media = preferred_media_type([str(m) for m in content])
            schema, pointer = self._response_schema(_dict(content.get(media)), media, where)
            if isinstance(schema, dict):
                self._define(schema, pointer)
            headers = tuple(sorted(str(h).lower() for h in _dict(response.get("headers"))))
            found.append(RawResponse(str(status), str(response.get("description") or ""),
                                     media, schema if isinstance(schema, dict) else None, pointer,
                                     headers))
            accept.extend(str(m) for m in content if str(m) not in accept)
        return tuple(found), accept

    def _response_schema(self, media_object: dict[str, Any], media: str, where: str
                         ) -> tuple[Any, str]:  # fmt: skip
        """A response's schema and its pointer: the media type's ``schema``; for an event
        stream with only an OpenAPI 3.2 ``itemSchema``, the schema of one event's data."""
        pointer = f"{where}/content/{escape(media)}" if media else ""
        if "schema" in media_object or not is_event_stream(media) \
                or "itemSchema" not in media_object:  # fmt: skip
            return media_object.get("schema"), f"{pointer}/schema" if media else ""

        def resolve(ref: str) -> Any:
            try:
                return self.refs.target(ref, f"{pointer}/itemSchema")
            except RefError:
                return None

        return event_data_schema(media_object["itemSchema"], resolve), f"{pointer}/itemSchema"

    def _define(self, schema: dict[str, Any], pointer: str) -> None:
        """Put every ``$ref`` target reachable from ``schema`` into ``definitions``.

        A target that does not resolve is left out: the normaliser reports the ``$ref`` where
        it stands, and types that part ``Any``.
        """
        todo: list[Any] = [schema]
        while todo:
            node = todo.pop()
            if isinstance(node, list):
                todo.extend(node)
            elif isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref not in self.definitions:
                    try:
                        self.definitions[ref] = self.refs.target(ref, pointer)
                    except RefError:
                        continue
                    todo.append(self.definitions[ref])
                todo.extend(v for k, v in node.items() if k != "$ref")




def _encoding(raw: Any) -> tuple[RawEncoding, ...]:
    """A Media Type Object's ``encoding`` map, sorted by property name."""
    return tuple(
        RawEncoding(
            name=str(name),
            style=str(_dict(value).get("style") or ""),
            explode=_bool(_dict(value).get("explode")),
            content_type=str(_dict(value).get("contentType") or ""),
        )
        for name, value in sorted(_dict(raw).items())
    )


def _type_name(schema: dict[str, Any] | None) -> str:
    """``schema.type`` as the page tool writes it; the first non-null type of a 3.1 list."""
    kind = (schema or {}).get("type", "")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "")
    return kind if isinstance(kind, str) else ""

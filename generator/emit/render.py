"""Render one ``Api`` into the text files of its client project.

``render_api`` returns relative path → text (unformatted) under the project root
``<api>_client/``. Every context value a template sees is a ready-made, safe string or
plain data; type strings, literals and signatures are computed here and in ``python.py``.

Templates (``make_environment`` searches user folders first, then the built-in ``templates/``):

- ``package/*.jinja``: the project files (``pyproject.toml``, ``README.md``, the package's
  ``__init__``, ``_client``, ``_types``, ``resources/...``); a user file with the same name
  replaces the built-in one.
- ``runtime/*.py.jinja``: every file there becomes ``<pkg>/<name>.py`` (users may add more).
- ``api/**.jinja`` and ``operation/**.jinja`` (user folders only): overlays that add
  outputs, once per API or once per operation, with the model as JSON in their context
  (``overlays.py``; the contract is docs/templates.md).
"""

from __future__ import annotations

import hashlib
import keyword
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator import __version__
from generator.emit.docs import start_docs
from generator.emit.environment import header_line, is_html, make_environment
from generator.emit.overlays import overlay_files
from generator.emit.page import Sink
from generator.emit.python import (
    PAGING_FIELDS,
    TEXT_MEDIA,
    MethodText,
    TypeWriter,
    auth_doc,
    auth_literal,
    class_names,
    error_body_annotation,
    import_lines,
    member_key,
    method_text,
    pattern_literal,
    pyrepr,
    style_token,
    tuple_literal,
)
from generator.emit.readme import readme_context
from generator.emit.validators import render_validators
from generator.memo import memoised, operation_keys
from generator.model.naming import abbreviated, attribute_name, class_name
from generator.model.paging import ITEM_FIELDS
from generator.model.shapes import Api, Object, Operation

PACKAGE_FILES = {  # template → output path ("{pkg}" is the package folder)
    "package/pyproject.toml.jinja": "pyproject.toml",
    "package/README.md.jinja": "README.md",
    "package/__init__.py.jinja": "{pkg}/__init__.py",
    "package/py.typed.jinja": "{pkg}/py.typed",
    "package/_client.py.jinja": "{pkg}/_client.py",
    "package/_types.py.jinja": "{pkg}/_types.py",
    "package/types.py.jinja": "{pkg}/types.py",
    "package/resources/__init__.py.jinja": "{pkg}/resources/__init__.py",
}
RESOURCE_TEMPLATE = "package/resources/resource.py.jinja"
LINE_LENGTH = 100  # of the generated code (black and ruff settings in its pyproject.toml)


def render_api(
    api: Api, *, templates: Sequence[Path] = (), source_label: str, sink: Sink | None = None,
    code: Callable[[dict[str, str]], None] | None = None,
) -> dict[str, str]:  # fmt: skip
    """Relative path → text of every file of ``api``'s client project (see the module doc).

    ``source_label`` is how the generated files name their source (``specs/stripe``).
    ``sink``: takes the docs files (``docs/``, ``pages/``) one by one as they are made, and
    they are left out of the result (the bulk of a large API's text is never all held).
    ``code``: given the package's modules once they are made, before the docs are all made
    (so that the caller can begin formatting them); they stay in the result. With a
    ``sink``, a large API's docs render in another process while the modules render here
    (``page.Rendering``).
    """
    env = make_environment(templates)
    with start_docs(api, env, header=header_line, source_label=source_label, sink=sink) as docs:
        files = code_files(env, api, source_label)
        if code is not None:
            code(dict(files))
        files.update(docs.finish())
    files.update(overlay_files(env, api, base_context(api, source_label)))
    return dict(sorted(files.items()))


def code_files(env: jinja2.Environment, api: Api, source_label: str) -> dict[str, str]:
    """The package's files: its modules, ``pyproject.toml`` and ``README.md``."""
    base = base_context(api, source_label)
    names = class_names(api)
    files: dict[str, str] = {}
    context = package_context(api, names)
    for name, target in PACKAGE_FILES.items():
        path = target.format(pkg=api.package)
        files[path] = render(env, name, base, path, context)
    files.update(resource_files(env, api, base, names))
    files.update(runtime_files(env, api, base))
    validators = f"{api.package}/_validators.py"
    files[validators] = render_validators(api, header_line(validators, source_label), env)
    return files


def named_api(title: str) -> str:
    """``title`` as prose names an API: ``Stripe API``, and ``Spotify Web API`` as it is."""
    return title if re.search(r"\bAPIs?\b", title, re.IGNORECASE) else f"{title} API"


def base_context(api: Api, source_label: str) -> dict[str, Any]:
    """What every template gets: names, URLs and the source label (no model objects)."""
    return {
        "api_name": api.name,
        "package": api.package,
        "project": api.name.lower().replace("_", "-") + "-client",
        "base_url": api.base_url,
        "user_agent": f"{api.package}/{__version__} (doc2client)",
        "title": api.title or api.name,
        "api_title": named_api(api.title or api.name),
        "api_version": api.version,
        "generator_version": __version__,
        "source": source_label,
        **conventions_context(api),
        **shared_constants(),
    }


def shared_constants() -> dict[str, Any]:
    """Rules the runtime modules apply that the generator also reads, as literals: one
    definition each (the media types given as text, a list response's item fields, the
    fields of a ``PagingSpec``)."""
    return {
        "text_media": pattern_literal(TEXT_MEDIA.pattern),
        "item_fields": tuple_literal(ITEM_FIELDS),
        "paging_fields": PAGING_FIELDS,
    }


def conventions_context(api: Api) -> dict[str, Any]:
    """The API's conventions as ready-made literals for the runtime modules."""
    conventions = api.conventions
    return {
        "wire_style": style_token(conventions.wire),
        "idempotency_header": conventions.idempotency_header,
        "env_prefix": api.name.upper().replace("-", "_") + "_",
        "auth_literal": auth_literal(conventions.auth),
        "auth_doc": auth_doc(conventions.auth, conventions.auth_reason),
    }


def render(
    env: jinja2.Environment, name: str, base: Mapping[str, Any], target: str,
    extra: Mapping[str, Any], *, source: str | None = None,
) -> str:  # fmt: skip
    """Render template ``name`` for output ``target``, with its generated-file header line."""
    line: str = header_line(target, source or base["source"])
    if is_html(target):
        line = Markup(line)
    return env.get_template(name).render({**base, **extra, "version_line": line})


def package_context(api: Api, names: dict[str, str]) -> dict[str, Any]:
    """Context for the package-wide templates: resources, TypedDicts, imports."""
    writer = TypeWriter(names)
    tds = typed_dicts(api, writer)
    error_body = error_body_annotation(api, writer)
    resources = [
        {"attr": top, "module": attribute_name(top), "cls": resource_class((top,))}
        for top in sorted({op.resource[0] for op in api.operations if op.resource})
    ]
    modules = writer.imports("")
    modules.pop("", None)
    typing_names = ["IO", "TypeAlias"]
    typing_names += ["TypedDict"] if tds else []
    typing_names += ["Required"] if any(f.required for s in api.shapes for f in s.fields) else []
    extra = {"typing": typing_names, "pathlib": ["Path"]}
    for module, members in extra.items():
        modules[module] = sorted({*modules.get(module, []), *members})
    lazy = {f".resources.{r['module']}": [r["cls"], "Async" + r["cls"]] for r in resources}
    return {
        "resources": resources,
        "resource_imports": import_lines(lazy),
        "typed_dicts": tds,
        "types_imports": import_lines(modules),
        **public_types(tds),
        "error_body": error_body,
        "operations": [
            {"id": op.operation_id, "method": op.method, "path": op.path,
             "call": ".".join((*op.resource, op.method_name))}
            for op in api.operations
        ],
        "version": pep440_version(api.version),
        **readme_context(api),
    }  # fmt: skip


def public_types(tds: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """``types.py``'s import of every public type from ``_types`` and its ``__all__``."""
    exported = sorted({"ErrorBody", "FileInput", *(td["name"] for td in tds)}, key=member_key)
    return {
        "public_types_import": import_lines({"._types": exported}),
        "public_types_all": "[" + ", ".join(pyrepr(name) for name in exported) + "]",
    }


def pep440_version(version: str) -> str:
    """``version`` when it is a plain release number, else ``0.1.0``."""
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.1.0"


RESOURCE_NAME_LIMIT = 56
"""The longest resource class name before its hash suffix: ``return Async<name>WithRawResponse(``
then fits a 100-character line (eight spaces in)."""


def resource_class(path: tuple[str, ...], is_async: bool = False) -> str:
    """``CustomersSourcesResource`` / ``AsyncCustomersSourcesResource`` for a resource path;
    a long one ``abbreviated``, with a digest of the whole path that keeps it unique."""
    snake = "_".join((*path, "resource"))
    short = abbreviated(snake, RESOURCE_NAME_LIMIT)
    if short != snake:
        digest = hashlib.sha1(snake.encode()).hexdigest()[:6]
        short = f"{short.removesuffix('_resource')}_{digest}_resource"
    name = class_name(short)
    return f"Async{name}" if is_async else name


@dataclass(frozen=True, slots=True)
class ResourceNode:
    """One resource class: its methods and the sub-resources it exposes as properties."""

    path: tuple[str, ...]
    doc: str
    children: tuple[tuple[str, str], ...]  # (attribute, class name without Async)
    methods: tuple[MethodText, ...]

    @property
    def cls(self) -> str:
        return resource_class(self.path)


def resource_files(
    env: jinja2.Environment, api: Api, base: Mapping[str, Any], names: dict[str, str]
) -> dict[str, str]:
    """One module per top-level resource: every class of its tree, sync and async."""
    groups: dict[str, list[Operation]] = {}
    for op in api.operations:
        groups.setdefault(op.resource[0] if op.resource else "default", []).append(op)
    files: dict[str, str] = {}
    for top, ops in sorted(groups.items()):
        target = f"{api.package}/resources/{attribute_name(top)}.py"
        files[target] = resource_module(env, base, target, (api, top, ops, names))
    return files


Resource = tuple[Api, str, list[Operation], dict[str, str]]  # api, top-level name, ops, names


def _resource_key(
    env: jinja2.Environment, base: Mapping[str, Any], target: str, resource: Resource
) -> list[str]:
    api, _, ops, names = resource
    return ["resource", target, *operation_keys(api, ops, names)]


@memoised(_resource_key)
def resource_module(
    env: jinja2.Environment, base: Mapping[str, Any], target: str, resource: Resource
) -> str:
    """The text of one resource module (kept by its operations and what they reach)."""
    return render(env, RESOURCE_TEMPLATE, base, target, resource_context(*resource))


def resource_context(
    api: Api, top: str, ops: list[Operation], names: dict[str, str]
) -> dict[str, Any]:
    """Context of one resource module: its classes in tree order, and its imports."""
    writer = TypeWriter(names)
    by_path: dict[tuple[str, ...], list[Operation]] = {}
    for op in ops:
        path = op.resource or (top,)
        for i in range(1, len(path) + 1):
            by_path.setdefault(path[:i], [])
        by_path[path].append(op)
    nodes = [resource_node(api, path, by_path, writer) for path in sorted(by_path)]
    modules = module_imports(writer, nodes)
    types = {".._types": modules.pop(".._types")} if ".._types" in modules else {}
    if types:
        modules.setdefault("typing", []).append("TYPE_CHECKING")
    return {
        "module": top,
        "nodes": nodes,
        "imports": import_lines(modules),
        "type_imports": import_lines(types),  # only for annotations: never imported at run time
        "types_imported": sorted(writer.used),
    }


def resource_node(
    api: Api, path: tuple[str, ...], by_path: Mapping[tuple[str, ...], list[Operation]],
    writer: TypeWriter,
) -> ResourceNode:  # fmt: skip
    children = tuple(
        (child[-1], resource_class(child))
        for child in sorted(by_path) if len(child) == len(path) + 1 and child[:-1] == path
    )  # fmt: skip
    attributes = [op.method_name for op in by_path[path]] + [attr for attr, _ in children]
    in_class = writer.in_class(attributes)  # a method `list` hides the builtin `list` there
    methods = tuple(method_text(api, op, in_class) for op in by_path[path])
    doc = f"Operations on {'.'.join(path)}."
    return ResourceNode(path, doc, children, tuple(sorted(methods, key=lambda m: m.name)))


def module_imports(writer: TypeWriter, nodes: Sequence[ResourceNode]) -> dict[str, list[str]]:
    """Every import a resource module needs, by module."""
    modules = writer.imports(".._types")
    methods = [m for node in nodes for m in node.methods]
    base = {"AsyncResource", "SyncResource", "async_raw_method", "raw_method"}
    if any(m.paged for m in methods):
        base |= {"AsyncPage", "Page"}
    if any(m.kwargs for m in methods):
        base |= {"NOT_GIVEN", "NotGiven"}
    for helper in ("strip_not_given", "with_headers"):  # body and query; header parameters
        if any(f"{helper}(" in line for m in methods for line in m.lines):
            base.add(helper)
    modules[".._base"] = sorted(base | {"RequestOptions"})
    encoding = {"format_path"} if any("format_path(" in m.path for m in methods) else set()
    for helper in ("header_params", "cookie_header"):  # header and cookie parameters
        if any(f"{helper}(" in line for m in methods for line in m.lines):
            encoding.add(helper)
    if encoding:
        modules[".._encoding"] = sorted(encoding)
    if any(m.paged for m in methods):
        modules[".._pages"] = ["PagingSpec"]
    streaming = {"AsyncStream", "Stream"} if any(m.streamed for m in methods) else set()
    if any(m.body_stream for m in methods):  # with_streaming_response
        streaming |= {"async_streaming_method", "streaming_method"}
    if streaming:
        modules[".._streaming"] = sorted(streaming)
    if any(m.validate for m in methods):
        modules[".."] = ["_validators"]
        modules[".._errors"] = ["ValidationError"]
    modules["functools"] = ["cached_property"]  # with_raw_response
    return modules


def runtime_files(env: jinja2.Environment, api: Api, base: Mapping[str, Any]) -> dict[str, str]:
    """Every ``runtime/*.py.jinja`` (built-in or user) as ``<pkg>/<name>.py``."""
    names = env.list_templates(filter_func=_is_runtime)
    files: dict[str, str] = {}
    for name in sorted(names):
        target = f"{api.package}/{name.removeprefix('runtime/').removesuffix('.jinja')}"
        files[target] = render(env, name, base, target, {})
    return files


def _is_runtime(name: str) -> bool:
    return name.startswith("runtime/") and name.endswith(".py.jinja") and name.count("/") == 1


_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|'(?:[^'\\]|\\.)*'")
_WORD = re.compile(r"[A-Za-z_]\w*")


def annotation_words(text: str) -> set[str]:
    """The names an annotation refers to (not the words inside its string literals)."""
    return set(_WORD.findall(_STRING_LITERAL.sub("", text)))


def typed_dicts(api: Api, writer: TypeWriter) -> list[dict[str, Any]]:
    """Template data of every TypedDict: class syntax first, then the functional ones.

    Functional TypedDicts evaluate their types at import, so they come last; a type that
    names a functional TypedDict not defined yet is written as a string.
    """
    items = [typed_dict(shape, writer) for shape in api.shapes]
    defined = {item["name"] for item in items if not item["functional"]}
    for item in (i for i in items if i["functional"]):
        for f in item["fields"]:
            local = annotation_words(f["type"]) & set(writer.names.values())
            f["value"] = f["type"] if local <= defined else pyrepr(f["type"])
        defined.add(item["name"])
    return [i for i in items if not i["functional"]] + [i for i in items if i["functional"]]


def typed_dict(shape: Object, writer: TypeWriter) -> dict[str, Any]:
    """Template data of one TypedDict: class name, doc, fields, and which syntax to use.

    Class syntax unless a key is no identifier, or would hide a name the class's own
    annotations use (``int: int``); the latter gets ``noqa: UP013`` for ruff.
    """
    fields = []
    for f in shape.fields:
        text = writer.annotation(f.shape, "field")
        text = f"Required[{text}]" if f.required else text
        noqa = "  # noqa: E501" if len(f"    {f.wire_name}: {text}") > LINE_LENGTH else ""
        fields.append({"key": f.wire_name, "literal": pyrepr(f.wire_name), "type": text,
                       "noqa": noqa})  # fmt: skip
    keys = [f.wire_name for f in shape.fields]
    words = {w for f in fields for w in annotation_words(f["type"])}
    needed = not all(k.isidentifier() and not keyword.iskeyword(k) for k in keys)
    shadows = any(k in words for k in keys)
    return {
        "name": writer.names[shape.name],
        "doc": shape.description or f"The ``{shape.title or shape.name}`` object.",
        "fields": fields,
        "functional": needed or shadows,
        "noqa": "" if needed else "  # noqa: UP013",
    }

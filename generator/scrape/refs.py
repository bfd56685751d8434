"""Resolve and inline the ``$ref``s of an OpenAPI document, local and to other files.

A reference is local (``#/components/schemas/X``) or names another file relative to the file
it stands in, with an optional fragment (``models/droplet.yml#/properties/id``; OpenAPI 3.x
"Reference Object", RFC 3986 relative resolution). Each other file is read once, and every
``$ref`` in it is rewritten to be relative to the root document's folder, so one reference
string means one target wherever it appears. Remote (``http:``) references are not fetched.

Each inlined ``$ref`` target carries ``REF_NAME`` (its canonical reference: an object is named
after it, a discriminator's tags are matched by it) unless keywords that constrain it stand
beside the ``$ref``; a ``discriminator``'s ``mapping`` values are canonical references too (a
bare name is a schema of ``#/components/schemas``).

A cyclic ``$ref`` is cut: left as ``{"$ref": ...}`` (with the reference in its canonical
form), and the inlined target it points back to carries ``RECURSIVE`` naming that reference,
so the normaliser can make it a named recursive type. A ``$ref`` that does not resolve raises
``RefError`` so the caller can report it and skip the operation.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Reporter

RECURSIVE = "x-doc2client-recursive"  # on an inlined target that a cut $ref points back to
REF_NAME = "x-doc2client-ref"  # on an inlined $ref target: the $ref it was
# keywords that do not constrain a value: beside a $ref they leave it that schema
ANNOTATIONS = frozenset({"description", "title", "default", "example", "examples", "deprecated",
                         "readOnly", "writeOnly", "externalDocs", "$comment"})

FileLoader = Callable[[Path], Any]  # parses one referenced file (JSON or YAML); raises on failure


class RefError(Exception):
    """A ``$ref`` that cannot be resolved; ``pointer`` is where the ``$ref`` stands."""

    def __init__(self, ref: str, pointer: str, reason: str) -> None:
        super().__init__(f"unresolvable $ref {ref!r}: {reason}")
        self.ref = ref
        self.pointer = pointer


def escape(token: str) -> str:
    """One JSON pointer token (``/`` → ``~1``, ``~`` → ``~0``)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_to(*tokens: object) -> str:
    return "".join("/" + escape(str(token)) for token in tokens)


def _rebase(ref: str, file: str = "") -> str:
    """``ref`` as written in ``file`` (a path relative to the root's folder; "" for the root
    document) in canonical form: ``<path relative to the root's folder>#<fragment>``, the
    path empty for the root document. Canonical references are left as they are."""
    name, _, fragment = ref.partition("#")
    if "://" in name or name.startswith("/"):
        return ref
    target = posixpath.normpath(posixpath.join(posixpath.dirname(file), unquote(name))) if name \
        else file
    return f"{target}#{fragment}"


def _rebased(node: Any, file: str) -> Any:
    """A copy of ``node`` (read from ``file``) with every ``$ref`` in canonical form."""
    if isinstance(node, list):
        return [_rebased(v, file) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _rebased(v, file) for k, v in node.items()}
    if isinstance(out.get("$ref"), str):
        out["$ref"] = _rebase(out["$ref"], file)
    if isinstance(out.get("discriminator"), dict):
        out["discriminator"] = _canonical_mapping(out["discriminator"], file)
    return out


def _canonical_mapping(discriminator: dict[str, Any], file: str) -> dict[str, Any]:
    """A discriminator whose ``mapping`` values are canonical references (OpenAPI 3.x: a
    value is a schema name or a reference)."""
    mapping = discriminator.get("mapping")
    if not isinstance(mapping, dict):
        return discriminator
    canonical = {
        key: _rebase(value, file) if "#" in value or "/" in value or "." in value
        else f"#/components/schemas/{value}"
        for key, value in mapping.items() if isinstance(value, str)
    }
    return {**discriminator, "mapping": canonical}


def _object_schema(value: dict[str, Any]) -> bool:
    """Whether an inlined target reads as an object schema (what is named after its ``$ref``),
    not a cut cycle's bare ``$ref`` or another map (``properties: {$ref: ...}``, examples)."""
    typ = value.get("type")
    if "$ref" in value or not (typ is None or typ == "object"
                               or (isinstance(typ, list) and "object" in typ)):  # fmt: skip
        return False
    return typ is not None or isinstance(value.get("properties"), dict) or isinstance(
        value.get("allOf"), list)


def _named(branch: Any, inlined: Any) -> Any:
    """An inlined discriminator branch, marked with the ``$ref`` it was (``REF_NAME``), also
    where keywords beside the ``$ref`` constrain it."""
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    if isinstance(ref, str) and isinstance(inlined, dict):
        return {**inlined, REF_NAME: _rebase(ref)}
    return inlined


class Resolver:
    """Resolves and inlines the references of one document (``root``: its file, if any)."""

    def __init__(
        self, doc: dict[str, Any], file: str, reporter: Reporter, *,
        root: Path | None = None, load: FileLoader | None = None,
    ) -> None:  # fmt: skip
        self.doc = doc
        self.file = file
        self.reporter = reporter
        self.root = root
        self.load = load
        self.merge_siblings = str(doc.get("openapi", "")).startswith("3.1")
        self.files: dict[str, Any] = {}  # other files read, by path relative to the root's folder
        self.named: set[str] = set()  # every other file a $ref named, read or not (a cached
        # read of the document holds while each keeps its digest: also one missing or broken)
        self._done: dict[str, Any] = {}  # fully inlined targets that cut no cycle
        self._cut: set[str] = set()  # references cut since the current target began

    def target(self, ref: str, pointer: str) -> Any:
        """The value a ``$ref`` points at (not inlined)."""
        file, _, fragment = ref.partition("#")
        node = self._file(file, ref, pointer) if file else self.doc
        for raw in fragment.split("/")[1:] if fragment else []:
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise RefError(ref, pointer, f"no {token!r} in {file or 'the document'}")
        return node

    def _file(self, file: str, ref: str, pointer: str) -> Any:
        if file in self.files:
            return self.files[file]
        if "://" in file:
            raise RefError(ref, pointer, "remote references are not fetched")
        if self.root is None or self.load is None or file.startswith("/"):
            raise RefError(ref, pointer, "only references within the document's folder resolve")
        self.named.add(file)
        try:
            parsed = self.load(self.root.parent / file)
        except OSError as exc:
            raise RefError(ref, pointer, f"cannot read {file}: {exc.strerror or exc}") from exc
        except ValueError as exc:  # JSON and YAML syntax errors
            raise RefError(ref, pointer, f"{file} is not valid JSON or YAML: {exc}") from exc
        self.files[file] = _rebased(parsed, file)
        return self.files[file]

    def follow(self, node: Any, pointer: str) -> Any:
        """``node`` with a top-level ``$ref`` chain followed (path items, operations,
        parameters, bodies, responses, headers)."""
        seen: list[str] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = _rebase(node["$ref"])
            if ref in seen:
                raise RefError(ref, pointer, "the reference refers to itself")
            seen.append(ref)
            node = self.target(ref, pointer)
        return node

    def inline(self, node: Any, pointer: str, line: int) -> Any:
        """A copy of ``node`` with every ``$ref`` replaced by its target."""
        return self._inline(node, pointer, line, ())

    def _inline(self, node: Any, pointer: str, line: int, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._inline(v, f"{pointer}/{i}", line, stack) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._inline_ref(node, _rebase(ref), pointer, line, stack)
        out = {k: self._inline(v, f"{pointer}/{escape(k)}", line, stack) for k, v in node.items()}
        if isinstance(node.get("discriminator"), dict):
            out["discriminator"] = _canonical_mapping(node["discriminator"], "")
            for key in ("oneOf", "anyOf"):  # the tags match a branch by its $ref
                if isinstance(node.get(key), list) and isinstance(out.get(key), list):
                    out[key] = [_named(b, v) for b, v in zip(node[key], out[key], strict=True)]
        return out

    def _inline_ref(
        self, node: dict[str, Any], ref: str, pointer: str, line: int, stack: tuple[str, ...]
    ) -> Any:
        siblings = {k: v for k, v in node.items() if k != "$ref"} if self.merge_siblings else {}
        if ref in stack:
            self._cut.add(ref)
            value: Any = {"$ref": ref}
        elif ref in self._done:
            value = self._done[ref]
        else:
            value = self._inline_target(ref, pointer, line, stack)
        if not isinstance(value, dict):
            return value
        if _object_schema(value):
            value = {**value, REF_NAME: ref}
        if not siblings:
            return value
        merged = {**value, **self._inline(siblings, pointer, line, stack)}
        if not all(k in ANNOTATIONS or k.startswith("x-") for k in siblings):
            merged.pop(REF_NAME, None)  # constrained beside the $ref: no longer that schema
        return merged

    def _inline_target(self, ref: str, pointer: str, line: int, stack: tuple[str, ...]) -> Any:
        outer, self._cut = self._cut, set()
        value = self._inline(self.target(ref, pointer), pointer, line, (*stack, ref))
        if ref in self._cut and isinstance(value, dict):
            value = {**value, RECURSIVE: ref}
        self._cut.discard(ref)
        if not self._cut:
            self._done[ref] = value
        self._cut |= outer
        return value

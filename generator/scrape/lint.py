"""Checks over a whole OpenAPI document that no operation's reading would make.

- Keys the specification does not define, in the document's top level, a path item or an
  operation object (``x-`` extensions aside), are reported with the closest known key
  ("did you mean 'servers'?"): a misspelled ``sevrers`` must not pass as silence.
- Every local ``$ref`` (``#/...``) anywhere in the document must resolve; one that does not
  is an error at its own line, with the JSON pointer of the ``$ref``. So must every ``$ref``
  in the other files the document's ``$ref``s reached (``lint_files``): an error at its line
  in that file.

Key sets: OpenAPI 3.1.0 §4.8.1 (OpenAPI Object), §4.8.9 (Path Item), §4.8.10 (Operation);
3.0 has the same keys less ``jsonSchemaDialect`` and ``webhooks``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import Reporter, did_you_mean
from generator.scrape.refs import RefError, Resolver, escape

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPENAPI_KEYS = frozenset({"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
                          "components", "security", "tags", "externalDocs"})  # fmt: skip
PATH_ITEM_KEYS = frozenset({"$ref", "summary", "description", "servers", "parameters", *METHODS})
OPERATION_KEYS = frozenset({"tags", "summary", "description", "externalDocs", "operationId",
                            "parameters", "requestBody", "responses", "callbacks", "deprecated",
                            "security", "servers"})  # fmt: skip
_KEY_END = re.compile(r"([\"']?)[ \t]*:[ \t]*(?:\{|\[|\S|\r?$)", re.MULTILINE)
_OBJECT_KEY_END = re.compile(r"([\"']?)[ \t]*:[ \t]*(?:\{|\r?$)", re.MULTILINE)


def find_key(text: str, key: str, start: int = 0, *, objects_only: bool = False) -> int | None:
    """Offset of ``key`` written as a mapping key (JSON or YAML, quoted or not) at or after
    ``start``, or None; with ``objects_only``, only a key whose value is an object."""
    end = _OBJECT_KEY_END if objects_only else _KEY_END
    at = text.find(key, start)
    while at >= 0:
        quote = text[at - 1] if at > 0 and text[at - 1] in "\"'" else ""
        begin = at - len(quote)
        after = end.match(text, at + len(key))
        if after and after.group(1) == quote and _starts_key(text, begin):
            return begin
        at = text.find(key, at + 1)
    return None


def _starts_key(text: str, begin: int) -> bool:
    """Whether only blanks stand between ``begin`` and a line start, ``{`` or ``,``."""
    k = begin - 1
    while k >= 0 and text[k] in " \t\r":
        k -= 1
    return k < 0 or text[k] in "\n{,"


class PointerLines:
    """Lines of JSON pointers in a document's text, found key by key (array steps skipped)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, pointer: str) -> int:
        """1-based line of the last key of ``pointer`` found in order (0: none found)."""
        at: int | None = None
        for raw in pointer.split("/")[1:]:
            token = raw.replace("~1", "/").replace("~0", "~")
            if token.isdigit():
                continue
            found = find_key(self.text, token, 0 if at is None else at + 1)
            if found is None:
                break
            at = found
        return 0 if at is None else bisect.bisect_right(self.newlines, at - 1) + 1


def lint_document(
    doc: dict[str, Any], lines: PointerLines, file: str, reporter: Reporter, *,
    reported: frozenset[str] = frozenset(), resolver: Resolver | None = None,
) -> None:  # fmt: skip
    """Report unknown keys and dangling ``$ref``s of ``doc`` (pointers in ``reported`` were
    already reported by the reader and are not reported again): the local ones, and with the
    reader's ``resolver`` (which reads the document's folder) those to other files too."""
    linter = _Linter(file, reporter, lines)
    linter.keys(doc, OPENAPI_KEYS, "", "the OpenAPI object")
    paths = doc.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            linter.path_item(str(path), item)
    refs = local_refs(doc, "") if resolver is None else all_refs(doc, "")
    resolver = resolver if resolver is not None else Resolver(doc, file, reporter)
    for pointer, ref in refs:
        where = f"{pointer}/$ref"
        if where in reported or pointer in reported:
            continue
        try:
            resolver.target(ref, pointer)
        except RefError as exc:
            reporter.error(file, lines.line(where), str(exc), pointer=where, code="bad-ref")


@dataclass(frozen=True, slots=True)
class _Linter:
    file: str
    reporter: Reporter
    lines: PointerLines

    def path_item(self, path: str, item: dict[str, Any]) -> None:
        at = f"/paths/{escape(path)}"
        self.keys(item, PATH_ITEM_KEYS, at, f"path item {path!r}")
        for method in METHODS:
            # an operation that is a $ref (to another file, as DigitalOcean writes them) is
            # followed by the reader; its target is not linted here
            if isinstance(item.get(method), dict) and "$ref" not in item[method]:
                what = f"operation {method.upper()} {path}"
                self.keys(item[method], OPERATION_KEYS, f"{at}/{method}", what)

    def keys(self, node: dict[str, Any], known: frozenset[str], at: str, what: str) -> None:
        """A warning for each key of ``node`` not in ``known`` (``x-`` extensions aside); an
        object holding a ``$ref`` stands for what it refers to, and is not checked."""
        if "$ref" in node:
            return
        for key in sorted(str(k) for k in node):
            if key in known or key.startswith("x-"):
                continue
            message = f"unknown key {key!r} in {what}{did_you_mean(key, known)}; it is ignored"
            where = f"{at}/{escape(key)}"
            line = self.lines.line(where)
            self.reporter.warning(self.file, line, message, pointer=where, code="unknown-key")


def local_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """``(pointer of the object holding it, ref)`` for every local ``$ref`` below ``node``."""
    return ((at, ref) for at, ref in all_refs(node, pointer) if ref.startswith("#"))


def lint_files(resolver: Resolver, root: Path, shown: str, reporter: Reporter) -> None:
    """Report each ``$ref`` that does not resolve in the other files ``resolver`` read for a
    document (``root``, shown as ``shown``), at its own line in its own file; the files its
    targets bring in are checked too. A file that cannot be read was reported where a
    ``$ref`` named it."""
    done: set[str] = set()
    while pending := sorted(set(resolver.files) - done):
        for name in pending:
            done.add(name)
            try:
                lines = PointerLines((root.parent / name).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
            where_file = str(Path(shown).parent / name)
            for pointer, ref in all_refs(resolver.files[name], ""):
                try:
                    resolver.target(ref, pointer)
                except RefError as exc:
                    where = f"{pointer}/$ref"
                    reporter.error(where_file, lines.line(where), str(exc), pointer=where,
                                   code="bad-ref")  # fmt: skip


def all_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """``(pointer of the object holding it, ref)`` for every ``$ref`` below ``node``."""
    stack: list[tuple[Any, str]] = [(node, pointer)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                yield at, ref
            stack.extend((v, f"{at}/{escape(str(k))}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{at}/{i}") for i, v in enumerate(value))

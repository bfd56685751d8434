"""Inline local ``$ref``s of an OpenAPI document, as the page tool does.

A cyclic ``$ref`` is cut (left as ``{"$ref": ...}``) with a warning; a ``$ref`` that does
not resolve raises ``RefError`` so the caller can report it and skip the operation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Reporter


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


class Resolver:
    """Resolves and inlines local references of one document."""

    def __init__(self, doc: dict[str, Any], file: str, reporter: Reporter) -> None:
        self.doc = doc
        self.file = file
        self.reporter = reporter
        self.merge_siblings = str(doc.get("openapi", "")).startswith("3.1")
        self._done: dict[str, Any] = {}  # fully inlined targets that cut no cycle
        self._cuts = 0

    def target(self, ref: str, pointer: str) -> Any:
        """The value a local ``$ref`` points at (not inlined)."""
        if not ref.startswith("#"):
            raise RefError(ref, pointer, "only local references (#/...) are supported")
        node: Any = self.doc
        for raw in ref[1:].split("/")[1:] if ref != "#" else []:
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise RefError(ref, pointer, f"no {token!r} in the document")
        return node

    def follow(self, node: Any, pointer: str) -> Any:
        """``node`` with a top-level ``$ref`` chain followed (parameters, bodies, responses)."""
        seen: list[str] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise RefError(ref, pointer, "the reference refers to itself")
            seen.append(ref)
            node = self.target(ref, pointer)
        return node

    def inline(self, node: Any, pointer: str, line: int) -> Any:
        """A copy of ``node`` with every local ``$ref`` replaced by its target."""
        return self._inline(node, pointer, line, ())

    def _inline(self, node: Any, pointer: str, line: int, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._inline(v, f"{pointer}/{i}", line, stack) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._inline_ref(node, ref, pointer, line, stack)
        return {k: self._inline(v, f"{pointer}/{escape(k)}", line, stack) for k, v in node.items()}

    def _inline_ref(
        self, node: dict[str, Any], ref: str, pointer: str, line: int, stack: tuple[str, ...]
    ) -> Any:
        siblings = {k: v for k, v in node.items() if k != "$ref"} if self.merge_siblings else {}
        if ref in stack:
            self._cuts += 1
            message = f"cyclic $ref {ref!r} cut: left as a reference"
            self.reporter.warning(self.file, line, message, pointer=pointer, code="cyclic-ref")
            value: Any = {"$ref": ref}
        elif ref in self._done:
            value = self._done[ref]
        else:
            cuts = self._cuts
            value = self._inline(self.target(ref, pointer), pointer, line, (*stack, ref))
            if cuts == self._cuts:
                self._done[ref] = value
        if not (siblings and isinstance(value, dict)):
            return value
        return {**value, **self._inline(siblings, pointer, line, stack)}

"""A page's element tree, built from Python's ``html.parser`` as BeautifulSoup builds it.

The scraper needs little of a parsed page: each element's name, classes, source position,
parent, children and text. BeautifulSoup with ``html.parser`` gives all of that, but its
tree building cost twice the tokenising; this module builds the same tree from the same
tokeniser with none of the rest (scraping the 446 Stripe pages: 3.0 CPU-seconds with
BeautifulSoup, 1.6 with this). The tree follows BeautifulSoup's rules
(``tests/test_scrape_tree.py`` compares the two on the corpus and on fuzzed pages):

- a start tag opens an element inside the innermost open one (no implied end tags: a
  ``<p>`` inside a ``<p>`` nests, as the description of a middle-build page needs);
- a void element (``<br>``, ``<meta>``, ...; ``VOID``) or one written ``<x/>`` is closed
  at once, and the next ``</x>`` after a void ``<x>`` is ignored;
- an end tag closes the innermost open element of its name and every element opened
  inside it; an end tag with no open element of its name is ignored;
- a repeated attribute keeps its last value; an attribute without a value is ``""``;
- all-white-space text outside ``<pre>`` and ``<textarea>`` becomes one newline or space;
- text is stored with its character references decoded by ``html.unescape`` (where
  BeautifulSoup drops the ``;`` of an unknown one); comments, the doctype and processing
  instructions are kept apart from the text (``Special``).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

# BeautifulSoup's ``HTMLTreeBuilder.empty_element_tags``: elements that hold nothing
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem",
    "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame",
    "image", "isindex", "nextid", "spacer",
})  # fmt: skip
KEEP_SPACE = frozenset({"pre", "textarea"})  # elements whose white space is kept as it is
CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})  # text of its own kind
RAW_TEXT = frozenset({"script", "style"})  # text written back unescaped
ASCII_SPACE = " \n\t\f\r"
MARKUP = {  # how BeautifulSoup writes the strings that are not plain text
    "comment": ("<!--", "-->"), "doctype": ("<!DOCTYPE ", ">\n"), "pi": ("<?", ">"),
    "declaration": ("<?", "?>"), "cdata": ("<![CDATA[", "]]>"),
}  # fmt: skip


class Special:
    """A string that is not plain text: a comment (``kind`` ``comment``), the doctype
    (``doctype``), a processing instruction (``pi``), a declaration (``declaration``),
    a CDATA section (``cdata``: text), or text inside ``<script>``, ``<style>``,
    ``<template>``, ``<rt>`` or ``<rp>`` (``kind`` is that element's name: text only to
    that element, as BeautifulSoup's ``Script``, ``Stylesheet``, ... strings)."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind
        self.text = text

    def markup(self) -> str:
        before, after = MARKUP.get(self.kind, ("", ""))
        return before + self.text + after


class Element:
    """An element: its tag name (lower case), attributes, where its start tag is in the
    source (``sourceline`` 1-based, ``sourcepos`` the 0-based column of its ``<``), its
    parent and its children (elements and strings of text)."""

    __slots__ = ("attrs", "children", "classes", "name", "parent", "sourceline", "sourcepos")

    def __init__(
        self, name: str, attrs: dict[str, str], line: int, column: int, parent: Element | None
    ) -> None:
        self.name = name
        self.attrs = attrs
        self.classes: list[str] = attrs["class"].split() if "class" in attrs else []
        self.sourceline = line
        self.sourcepos = column
        self.parent = parent
        self.children: list[Element | str | Special] = []

    def __repr__(self) -> str:
        return f"<{self.name} line {self.sourceline}>"

    @property
    def descendants(self) -> Iterator[Element]:
        """Every element below this one, in document order."""
        stack = [c for c in reversed(self.children) if isinstance(c, Element)]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(c for c in reversed(node.children) if isinstance(c, Element))

    def get_text(self) -> str:
        """All the text below this element, in document order (BeautifulSoup's: plain text
        and CDATA; in a ``<script>``, ``<style>``, ... element, only the text of its kind)."""
        kinds = {self.name} if self.name in CONTAINERS else {"cdata"}
        parts: list[str] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            if isinstance(node, Element):
                stack.extend(reversed(node.children))
            elif isinstance(node, Special):
                if node.kind in kinds:
                    parts.append(node.text)
            elif "cdata" in kinds:
                parts.append(node)
        return "".join(parts)

    def decode_contents(self) -> str:
        """The inner HTML of this element, written as BeautifulSoup writes it (``minimal``
        formatter: ``&``, ``<`` and ``>`` escaped in text and attribute values, attributes
        in alphabetical order, a void element as ``<br/>``)."""
        return "".join(_markup(child, self.name) for child in self.children)

    def find(self, name: str | None = None) -> Element | None:
        """The first element below this one named ``name`` (any name when ``None``)."""
        return next((e for e in self.descendants if name is None or e.name == name), None)

    def find_parent(self, name: str) -> Element | None:
        """The nearest enclosing element named ``name``."""
        node = self.parent
        while node is not None and node.name != name:
            node = node.parent
        return node

    def find_next_sibling(self, name: str) -> Element | None:
        """The first later element of the same parent named ``name``."""
        if self.parent is None:
            return None
        siblings = self.parent.children
        later = siblings[_index(siblings, self) + 1 :]
        return next((e for e in later if isinstance(e, Element) and e.name == name), None)


def _markup(node: Element | str | Special, parent: str) -> str:
    if isinstance(node, str) or (isinstance(node, Special) and node.kind in CONTAINERS):
        text = node if isinstance(node, str) else node.text
        return text if parent in RAW_TEXT else _escape(text)
    if isinstance(node, Special):
        return node.markup()
    attrs = "".join(
        f" {key}={_quoted(_escape(' '.join(node.classes) if key == 'class' else value))}"
        for key, value in sorted(node.attrs.items())
    )
    if node.name in VOID and not node.children:
        return f"<{node.name}{attrs}/>"
    return f"<{node.name}{attrs}>{node.decode_contents()}</{node.name}>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoted(value: str) -> str:
    """An attribute value in quotes, as BeautifulSoup quotes it."""
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', "&quot;") + '"'


def _index(children: list[Element | str | Special], element: Element) -> int:
    return next(i for i, child in enumerate(children) if child is element)


def parse(text: str) -> Element:
    """The tree of page source ``text``, under a root element named ``[document]``."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("[document]", {}, 0, 0, None)
        self._open: list[Element] = [self.root]
        self._closed_void: list[str] = []  # void elements whose end tag is to be ignored
        self._data: list[str] = []  # text since the last tag, comment or declaration
        self._keep_space = 0  # open <pre> and <textarea> elements
        self._containers: list[Element] = []  # open elements whose text is of their own kind

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        if tag in VOID:
            self._pop()
            self._closed_void.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        self._end(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._closed_void:
            self._closed_void.remove(tag)
        else:
            self._end(tag)

    def handle_data(self, data: str) -> None:
        self._data.append(data)

    def handle_comment(self, data: str) -> None:
        self._special("comment", data)

    def handle_decl(self, decl: str) -> None:
        self._special("doctype", decl[len("DOCTYPE ") :])

    def unknown_decl(self, data: str) -> None:
        if data.upper().startswith("CDATA["):
            self._special("cdata", data[len("CDATA[") :])
        else:
            self._special("declaration", data)

    def handle_pi(self, data: str) -> None:
        self._special("pi", data)

    def close(self) -> None:
        super().close()
        self._flush()
        while len(self._open) > 1:
            self._pop()

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        line, column = self.getpos()
        values = {key: "" if value is None else value for key, value in attrs}
        element = Element(tag, values, line, column, self._open[-1])
        self._open[-1].children.append(element)
        self._open.append(element)
        self._keep_space += tag in KEEP_SPACE
        if tag in CONTAINERS:
            self._containers.append(element)

    def _end(self, tag: str) -> None:
        self._flush()
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].name == tag:
                while len(self._open) > depth:
                    self._pop()
                return

    def _pop(self) -> None:
        element = self._open.pop()
        self._keep_space -= element.name in KEEP_SPACE
        if self._containers and self._containers[-1] is element:
            self._containers.pop()

    def _special(self, kind: str, text: str) -> None:
        self._flush()
        self._data.append(text)
        self._flush(kind)

    def _flush(self, kind: str = "") -> None:
        """The text gathered so far into the tree: all white space (ASCII) outside
        ``<pre>`` and ``<textarea>`` becomes one newline, or one space, as in BeautifulSoup."""
        if not self._data:
            return
        text = "".join(self._data)
        self._data.clear()
        if not self._keep_space and not text.strip(ASCII_SPACE):
            text = "\n" if "\n" in text else " "
        if not kind and self._containers:
            kind = self._containers[-1].name
        self._open[-1].children.append(Special(kind, text) if kind else text)

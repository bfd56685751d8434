"""Finding a page's elements by class, and taking their text from the page source.

Classes are indexed by ``class_key`` (``requestSummary`` and ``request-summary`` are one), so
every generation of the layout is found by the same lookups. The text of a one-line element
(a name, a location, a header value) is sliced from the source and its entities decoded,
rather than taken from the parsed tree: where a generation writes text raw, a parameter
named ``StartTime<`` or a value holding ``<Say>`` would otherwise be eaten by the parser.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from bs4 import BeautifulSoup, Tag

from generator.layouts import class_key
from generator.scrape.records import RawExample

Index = dict[str, list[Tag]]

# what the older and middle builds write where a message has a body but no example
PLACEHOLDER_EXAMPLE = '{ "example": "Example goes here" }'
_SPAN_CLOSE = re.compile(r"</span\s*>", re.IGNORECASE)


def index_classes(root: BeautifulSoup | Tag) -> tuple[Index, frozenset[str]]:
    """Every tag under ``root`` by class key, in document order, and the classes as spelt."""
    index: Index = {}
    spelt: set[str] = set()
    for node in root.descendants:
        if isinstance(node, Tag):
            for css in node.get_attribute_list("class"):
                spelt.add(css)
                index.setdefault(class_key(css), []).append(node)
    return index, frozenset(spelt)


def find_class(index: Index, name: str, key: str) -> Tag | None:
    """The first ``<name>`` with class ``key`` (a ``class_key``)."""
    return next((tag for tag in index.get(key, ()) if tag.name == name), None)


def all_class(index: Index, name: str, key: str) -> list[Tag]:
    return [tag for tag in index.get(key, ()) if tag.name == name]


def descendants(tag: Tag | None, key: str) -> Iterator[Tag]:
    """Tags under ``tag`` with class ``key``, in document order."""
    if tag is None:
        return
    for node in tag.descendants:
        if isinstance(node, Tag) and key in map(class_key, node.get_attribute_list("class")):
            yield node


def child(tag: Tag | None, key: str) -> Tag | None:
    """The first tag under ``tag`` with class ``key``."""
    return next(descendants(tag, key), None)


def inside(tag: Tag, name: str) -> bool:
    """Whether ``tag`` has an ancestor ``<name>``."""
    return any(parent.name == name for parent in tag.parents)


def next_sibling_named(tag: Tag, name: str) -> Tag | None:
    """The first tag ``<name>`` after ``tag`` among its siblings (``find_next_sibling(name)``
    without BeautifulSoup's filter machinery, which costs more than the walk)."""
    return next((s for s in tag.next_siblings if isinstance(s, Tag) and s.name == name), None)


class PageSource:
    """The source the parser read, to slice an element's inner text out of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def inner(self, tag: Tag) -> str | None:
        """The source between ``tag``'s opening and closing tags; ``None`` if not found."""
        line, column = tag.sourceline, tag.sourcepos
        if line is None or column is None or line > len(self.starts):
            return None
        opening_end = self.text.find(">", self.starts[line - 1] + column)
        if opening_end < 0:
            return None
        closing = _closing(tag.name).search(self.text, opening_end + 1)
        return None if closing is None else self.text[opening_end + 1 : closing.start()]

    def text_of(self, tag: Tag | None) -> str:
        """The text of a one-line element, entities decoded, ``<`` and ``>`` kept as written."""
        if tag is None:
            return ""
        raw = self.inner(tag)
        return tag.get_text() if raw is None else html.unescape(raw)

    def example_in(self, pre: Tag | None) -> RawExample | None:
        """The example body after the last element of an HTTP message ``<pre>``."""
        raw = self.inner(pre) if pre is not None else None
        if raw is None:
            return None
        end = max((m.end() for m in _SPAN_CLOSE.finditer(raw)), default=0)
        return parse_example(html.unescape(raw[end:]))


@cache
def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)


def parse_example(text: str) -> RawExample | None:
    """An example's text read as JSON where it is JSON; ``null``, the tool's placeholder and
    nothing at all are no example."""
    stripped = text.strip()
    if stripped in ("", "null") or " ".join(stripped.split()) == PLACEHOLDER_EXAMPLE:
        return None
    try:
        value: Any = json.loads(stripped)
    except (ValueError, RecursionError):
        return RawExample(stripped)
    return RawExample(stripped, value, json=True)

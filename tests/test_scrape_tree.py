"""The scraper's element tree (``generator/scrape/tree.py``) is the tree BeautifulSoup builds
with ``html.parser``: the same elements, attributes, source positions and text, on every page
of the corpus, on hand-written edge cases and on fuzzed pages.

One difference is meant: text is decoded as ``html.unescape`` decodes it (html.parser's
``convert_charrefs``), where BeautifulSoup decodes references itself and drops the ``;`` of
an unknown one (``&foo;`` becomes ``&foo``). Outside the corpus, the tree is compared with
BeautifulSoup's given html.parser's decoding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from bs4.builder._htmlparser import HTMLParserTreeBuilder
from bs4.element import NavigableString, PreformattedString, Tag
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.scrape.page import cut_description
from generator.scrape.source import cut_schema
from generator.scrape.tree import MARKUP, Element, Special, parse
from tests.test_fuzz_pages import MUTATIONS, PAGES

Shape = tuple[Any, ...]


def soup_shape(node: Tag) -> Shape:
    """An element of BeautifulSoup's tree (attributes unsplit: ``multi_valued_attributes``
    None) as comparable tuples (adjacent texts joined, as comments and the doctype are no
    text)."""
    children: list[Any] = []
    for child in node.children:
        if isinstance(child, Tag):
            children.append(soup_shape(child))
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            if children and isinstance(children[-1], str):
                children[-1] += str(child)
            elif str(child):
                children.append(str(child))
    return (node.name, dict(node.attrs), node.sourceline, node.sourcepos, tuple(children))


def tree_shape(node: Element) -> Shape:
    children: list[Any] = []
    for child in node.children:
        if isinstance(child, Element):
            children.append(tree_shape(child))
        elif isinstance(child, str) and children and isinstance(children[-1], str):
            children[-1] += child
        elif isinstance(child, str) and child:
            children.append(child)
        elif isinstance(child, Special) and child.kind not in MARKUP:
            children.append(child.text)  # BeautifulSoup's Script, Stylesheet, ...
    assert node.classes == node.attrs.get("class", "").split()
    attrs = node.attrs
    return (node.name, attrs, node.sourceline, node.sourcepos, tuple(children))


def decoding_soup(text: str) -> BeautifulSoup:
    """BeautifulSoup's tree with the text decoded by html.parser (``html.unescape``)."""
    builder = HTMLParserTreeBuilder(multi_valued_attributes=None)
    builder.parser_args[1]["convert_charrefs"] = True
    return BeautifulSoup(text, builder=builder)


def assert_same_tree(text: str, soup: BeautifulSoup | None = None, every: bool = True) -> None:
    """``parse(text)`` is ``soup`` (by default ``decoding_soup(text)``); the text and inner
    HTML of each element (``every``) or of each element with a class are the same too
    (but the inner HTML around a ``<meta>``, whose charset BeautifulSoup rewrites)."""
    soup = decoding_soup(text) if soup is None else soup
    ours = parse(text)
    assert tuple(tree_shape(c) for c in ours.children if isinstance(c, Element)) == tuple(
        soup_shape(c) for c in soup.children if isinstance(c, Tag)
    )
    for tag, element in zip(soup.find_all(True), ours.descendants, strict=True):
        if not every and not element.classes:
            continue
        assert element.get_text() == tag.get_text()
        if tag.find("meta") is None:
            assert element.decode_contents() == tag.decode_contents()
        sibling = tag.find_next_sibling("dd")
        found = element.find_next_sibling("dd")
        assert (found.sourceline if found else None) == (sibling.sourceline if sibling else None)


CORPUS_STRIDE = 5  # every fifth page of each folder: all layouts, a fifth of the time


def test_corpus_pages_give_beautifulsoups_tree(corpus: Path) -> None:
    folders = sorted({path.parent for path in corpus.rglob("*.htm*")})
    pages = [page for folder in folders for page in sorted(folder.glob("*.htm*"))[::CORPUS_STRIDE]]
    assert len(folders) >= 5 and len(pages) > 200
    for path in pages:
        text = cut_description(cut_schema(path.read_text("utf-8", "replace")).rest)[0]
        soup = BeautifulSoup(text, "html.parser", multi_valued_attributes=None)
        assert_same_tree(text, soup, every=False)


def test_text_is_decoded_as_html_unescape_decodes_it() -> None:
    root = parse("<i>&amp;&lt;Say&gt; &foo; &#xA;&#0;&copy</i>")
    assert root.get_text() == "&<Say> &foo; \n\ufffd\xa9"


@pytest.mark.parametrize(
    "text",
    [
        "<p>a<p>b</p>c</p>",  # nested paragraphs stay nested
        "<div><span>x</div>y</span>z",  # an end tag closes what was opened inside
        "<br>a</br><br/>b<img src=x></img>",  # void elements, stray end tags
        "<a></b>text</a>",  # an end tag with nothing to close
        '<x class=" a  b " class="c" flag>t</x>',  # repeated attribute, no value
        "<span>StartTime<</span> <i>&amp;&lt;Say&gt; &foo; &#xA; &#0;</i>",  # raw text, entities
        "<!DOCTYPE html><!-- c --><?pi?><![CDATA[x]]><p>a<!--b-->c</p>",
        "<script>if (a < b) { x = '</p>' }</script><style>p>a{}</style>",
        "<P CLASS=Upper>mixed case</P>",
        '<a title=\'say "hi"\' alt="it\'s" q=\'"\'"\'\'>quotes</a>',
        "no tags at all & text",
        "<p>unclosed <b>tags <i>everywhere",
    ],
)
def test_edge_cases_give_beautifulsoups_tree(text: str) -> None:
    assert_same_tree(text)


def test_void_end_tag_is_ignored_once() -> None:
    root = parse("<p><br></br></p></br><q></q>")
    assert [e.name for e in root.descendants] == ["p", "br", "q"]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)  # fmt: skip
@given(st.data())
def test_fuzzed_pages_give_beautifulsoups_tree(data: st.DataObject) -> None:
    from tests.conftest import require_corpus

    page = require_corpus() / "pages" / data.draw(st.sampled_from(PAGES))
    raw = page.read_bytes()
    for _ in range(data.draw(st.integers(1, 3))):
        raw = data.draw(st.sampled_from(MUTATIONS))(data.draw, raw)
    assert_same_tree(raw.decode("utf-8", "replace"), every=False)


"""Fuzzing: mutated corpus pages go through the whole pipeline without a traceback.

Each example takes a real page and applies one to three mutations: byte flips,
truncation, insertions (random bytes or page-like snippets), deleted or renamed tags,
deleted or changed attributes, and edits of the JSON inside the schema (keys deleted,
values of the wrong type, wrong nesting, deep nesting). The mutated page runs through
``generator.pipeline.build`` (scrape, normalise, render, format) in-process. The test
fails when an exception escapes, when a stage turns one into an ``internal``
diagnostic, or when a generated ``.py`` file does not compile.

CI runs a few hundred examples with a fixed seed. ``DOC2CLIENT_FUZZ=long`` (``make fuzz``)
runs ``DOC2CLIENT_FUZZ_EXAMPLES`` examples (default 10,000) with a random seed.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cache import Cache
from generator.diagnostics import Reporter
from generator.options import Options
from generator.pipeline import build
from tests.conftest import LONG_FUZZ as LONG

PAGES = (
    "stripe/PostCustomersCustomer.html",
    "stripe/DeleteCustomersCustomer.html",
    "stripe/GetCustomers.html",
    "stripe/PostRefunds.html",
    "stripe/PostFiles.html",
    "stripe/PostCustomersCustomerTaxIds.html",
    "_variants/b56c85d/stripe/PostCustomersCustomer.html",
    "sample/createSpeaker.html",
    "sample/listSpeakers.html",
    "apis-io-maintainers/updateMaintainer.html",
    "apis-io-maintainers/getMaintainers.html",
)
EXAMPLES = int(os.environ.get("DOC2CLIENT_FUZZ_EXAMPLES", "10000")) if LONG else 300
SNIPPETS = (
    b"<",
    b">",
    b"</pre>",
    b'<pre  class="schema">',
    b"</section>",
    b'<span  class="requestLine">',
    b'<span  class="httpTarget">{x}/{y}</span>',
    b'<h1  class="requestSummary">',
    b'<dt  class="parameter">',
    b"<p>",
    b"<!--",
    b"<![CDATA[",
    b"&#x",
    b"&quot;",
    b"&#xA;",
    b"&#0;",
    b"{",
    b"}",
    b'"',
    b"\\",
    b"\x00",
    b"\xff",
    b"\xe2\x80\xa8",
    b"{{ x }}",
    b"{% raw %}",
    b'"""',
)
CLASSES = (
    "requestSummary",
    "requestDescription",
    "requestLine",
    "httpTarget",
    "headerLine",
    "headerValue",
    "parameter",
    "parameterName",
    "parameterLocation",
    "parameterType",
    "parameterRequired",
    "schema",
    "response",
    "statusLine",
    "",
)
JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    10**30,
    "",
    "x",
    "string",
    "object",
    "array",
    [],
    {},
    ["string", "null"],
    [""],
    {"$ref": "#"},
    {"$ref": "#/properties"},
    {"$ref": "#/nowhere"},
    {"type": "object", "additionalProperties": {}},
    {"enum": ["", "a", 1, None]},
    {"anyOf": [{"type": "string", "enum": [""]}]},
)
JSON_KEYS = (
    "type",
    "enum",
    "anyOf",
    "allOf",
    "oneOf",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "$ref",
    "format",
    "maxLength",
    "nullable",
    "x-stripeBypassValidation",
    "title",
    "pattern",
    "description",
    "class",
    "__init__",
    "",
)
_TAG = re.compile(rb"<[^<>]*>")
_ATTRIBUTE = re.compile(rb"\s+[\w-]+\s*=\s*\"[^\"]*\"")
_SCHEMA = re.compile(rb"(<pre\s+class=\"schema\">)(.*?)(</pre>)", re.S)

Draw = Callable[[st.SearchStrategy[Any]], Any]
Mutation = Callable[[Draw, bytes], bytes]


def _pos(draw: Draw, data: bytes) -> int:
    return int(draw(st.integers(0, max(len(data) - 1, 0))))


def flip_byte(draw: Draw, data: bytes) -> bytes:
    if not data:
        return data
    at = _pos(draw, data)
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


def truncate(draw: Draw, data: bytes) -> bytes:
    return data[: _pos(draw, data)]


def insert(draw: Draw, data: bytes) -> bytes:
    at = _pos(draw, data)
    snippet: bytes = draw(st.one_of(st.sampled_from(SNIPPETS), st.binary(max_size=8)))
    return data[:at] + snippet + data[at:]


def delete_range(draw: Draw, data: bytes) -> bytes:
    at = _pos(draw, data)
    return data[:at] + data[at + draw(st.integers(1, 200)) :]


def _pick(draw: Draw, pattern: re.Pattern[bytes], data: bytes) -> re.Match[bytes] | None:
    found = list(pattern.finditer(data))
    return draw(st.sampled_from(found)) if found else None


def delete_tag(draw: Draw, data: bytes) -> bytes:
    tag = _pick(draw, _TAG, data)
    return data if tag is None else data[: tag.start()] + data[tag.end() :]


def rename_tag(draw: Draw, data: bytes) -> bytes:
    tag = _pick(draw, _TAG, data)
    if tag is None:
        return data
    name = draw(st.sampled_from((b"div", b"span", b"pre", b"p", b"h1", b"dd", b"x-y", b"")))
    renamed = re.sub(rb"^(</?)[\w-]*", rb"\g<1>" + name, tag.group())
    return data[: tag.start()] + renamed + data[tag.end() :]


def change_attribute(draw: Draw, data: bytes) -> bytes:
    attr = _pick(draw, _ATTRIBUTE, data)
    if attr is None:
        return data
    css = draw(st.sampled_from(CLASSES)).encode()
    new: bytes = draw(st.sampled_from((b"", b' class="' + css + b'"', b" klass=x", b' class="a b"')))
    return data[: attr.start()] + new + data[attr.end() :]


def _nodes(value: Any, limit: int = 400) -> list[Any]:
    """Every dict and list inside ``value`` (breadth first, at most ``limit``)."""
    found: list[Any] = []
    queue = [value]
    while queue and len(found) < limit:
        node = queue.pop(0)
        if isinstance(node, dict | list):
            found.append(node)
            queue.extend(node.values() if isinstance(node, dict) else node)
    return found


def _edit_json(draw: Draw, schema: Any) -> Any:
    """One structural edit somewhere in the parsed schema (in place where possible)."""
    nodes = _nodes(schema)
    if not nodes:
        return draw(st.sampled_from(JSON_VALUES))
    node = draw(st.sampled_from(nodes))
    keys: list[Any] = list(node) if isinstance(node, dict) else list(range(len(node)))
    action = draw(st.sampled_from(("delete", "retype", "wrap", "deep", "set")))
    if action == "set" or not keys:
        value: Any = draw(st.sampled_from(JSON_VALUES))
        if isinstance(node, dict):
            node[draw(st.sampled_from(JSON_KEYS))] = value
        else:
            node.append(value)
        return schema
    key = draw(st.sampled_from(keys))
    if action == "delete":
        del node[key]
    elif action == "retype":
        node[key] = draw(st.sampled_from(JSON_VALUES))
    elif action == "wrap":
        node[key] = draw(st.sampled_from(([node[key]], {"type": node[key]}, {"items": node[key]})))
    else:
        for _ in range(draw(st.integers(20, 150))):
            node[key] = {"anyOf": [node[key]]} if draw(st.booleans()) else {"items": node[key]}
    return schema


def mutate_schema(draw: Draw, data: bytes) -> bytes:
    match = _SCHEMA.search(data)
    if match is None:
        return data
    raw = match.group(2).decode("utf-8", "replace")
    encoded = "&quot;" in raw
    try:
        schema = json.loads(html.unescape(raw) if encoded else raw)
    except (ValueError, RecursionError):
        return data
    text = json.dumps(_edit_json(draw, schema), indent=2, ensure_ascii=False)
    if encoded:
        text = html.escape(text).replace("\n", "&#xA;")
    return data[: match.start(2)] + text.encode() + data[match.end(2) :]


MUTATIONS: tuple[Mutation, ...] = (
    flip_byte,
    truncate,
    insert,
    delete_range,
    delete_tag,
    rename_tag,
    change_attribute,
    mutate_schema,
    mutate_schema,
    mutate_schema,
)


@st.composite
def mutated_pages(draw: Draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(PAGES))
    data = _source(name)
    for _ in range(draw(st.integers(1, 3))):
        data = draw(st.sampled_from(MUTATIONS))(draw, data)
    return name, data


_SOURCES: dict[str, bytes] = {}


def _source(name: str) -> bytes:
    if name not in _SOURCES:
        from tests.conftest import require_corpus

        _SOURCES[name] = (require_corpus() / "pages" / name).read_bytes()
    return _SOURCES[name]


def check_page(root: Path, name: str, data: bytes, cache: Cache) -> None:
    """Run the pipeline over one mutated page: no exception, no internal error, valid Python."""
    folder = Path(tempfile.mkdtemp(dir=root)) / "fuzzed"
    folder.mkdir()
    (folder / Path(name).name).write_bytes(data)
    reporter = Reporter()
    files = build([(folder, Options())], reporter, cache=cache)
    internal = [str(d) for d in reporter.items if d.code == "internal"]
    assert internal == [], internal
    for rel, text in files.items():
        if rel.endswith(".py"):
            compile(text, rel, "exec", dont_inherit=True)


def _settings() -> settings:
    return settings(
        max_examples=EXAMPLES,
        derandomize=not LONG,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _run(root: Path) -> None:
    cache = Cache(root / "cache")

    @_settings()
    @given(mutated_pages())
    def fuzz(case: tuple[str, bytes]) -> None:
        check_page(root, *case, cache)

    fuzz()


@pytest.mark.slow
@pytest.mark.skipif(LONG, reason="the long run replaces it")
def test_fuzz_pages(fuzz_root: Path) -> None:
    _run(fuzz_root)


@pytest.mark.fuzz
@pytest.mark.skipif(not LONG, reason="set DOC2CLIENT_FUZZ=long (make fuzz)")
def test_fuzz_pages_long(fuzz_root: Path) -> None:
    _run(fuzz_root)


def test_mutations_change_pages(corpus: Path) -> None:
    """Every mutation kind changes the seed page in some examples (the fuzzer explores)."""
    data = _source(PAGES[0])
    changed: set[str] = set()

    @settings(max_examples=40, derandomize=True, deadline=None, database=None)
    @given(st.data())
    def each(chosen: st.DataObject) -> None:
        for mutation in MUTATIONS:
            if mutation(chosen.draw, data) != data:
                changed.add(mutation.__name__)

    each()
    assert changed == {m.__name__ for m in MUTATIONS}

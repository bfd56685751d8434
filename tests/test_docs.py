"""Docs and the page written back: content, well-formed HTML, injection, round trip 1."""

from __future__ import annotations

import ast
import dataclasses
import html
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import jsonschema
import pytest

from generator.diagnostics import Reporter
from generator.emit.docs import example_call, render_docs
from generator.emit.environment import make_environment
from generator.emit.page import page_description, query_template, render_pages
from generator.emit.python import object_shape
from generator.emit.sanitise import description_html, description_markdown, dotnet_html_encode
from generator.layouts import host_line
from generator.model import normalise
from generator.model.shapes import (
    Api,
    Body,
    Emptyable,
    Enum,
    Field,
    Object,
    Operation,
    Parameter,
    Ref,
    Response,
    Source,
    String,
)
from generator.scrape.page import scrape_page
from generator.scrape.records import RawPage
from tests.conftest import SEED_PAGE

VOID = {"meta", "link", "br", "hr", "img", "input"}


# --------------------------------------------------------------------------- helpers


def scrape_folder(folder: Path) -> list[RawPage]:
    reporter = Reporter()
    pages = [scrape_page(f, reporter, display=f.name) for f in sorted(folder.glob("*.html"))]
    return [p for p in pages if p is not None]


def base_url_of(api: Api) -> dict[str, str]:
    """``normalise``'s arguments giving ``api``'s base URL (a host line carries no path) and
    its reason, for a model read back from pages to equal ``api``."""
    return {"base_url": api.base_url, "base_url_reason": api.conventions.base_url_reason}


def model_of(folder: Path, name: str, like: Api | None = None) -> Api:
    """The model of the pages in ``folder``, with ``like``'s base URL."""
    given = {} if like is None else base_url_of(like)
    return normalise(name, scrape_folder(folder), Reporter(), **given)


def without_sources(api: Api) -> Api:
    ops = tuple(dataclasses.replace(op, source=Source("")) for op in api.operations)
    return dataclasses.replace(api, operations=ops)


def write_pages(files: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        if path.startswith("pages/"):
            (folder / path.removeprefix("pages/")).write_text(text, encoding="utf-8")


def assert_round_trip(folder: Path, tmp_path: Path, env: jinja2.Environment) -> None:
    pages = scrape_folder(folder)
    api = normalise(folder.name, pages, Reporter())
    assert_examples_validate(api, pages)
    out = tmp_path / folder.name
    write_pages(render_pages(api, env), out)
    assert len(list(out.glob("*.html"))) == len(api.operations)
    back = model_of(out, folder.name, like=api)
    assert without_sources(back) == without_sources(api)


def assert_examples_validate(api: Api, pages: list[RawPage]) -> None:
    """The body arguments of every example call validate against the page's own schema."""
    schemas = {Path(p.file).stem: p.schema for p in pages}
    for op in api.operations:
        root = object_shape(api, op.body.shape) if op.body else None
        schema = schemas.get(op.operation_id)
        if root is None or schema is None:
            continue
        wire = {f.python_name: f.wire_name for f in root.fields}
        call = ast.parse(example_call(op, api), mode="eval").body
        assert isinstance(call, ast.Call)
        assert len(call.args) == len(op.path_params)
        body = {wire[k.arg]: k.value for k in call.keywords if k.arg in wire}
        if not any(isinstance(v, ast.Call) for v in body.values()):  # open(...) for a file
            literal = {k: ast.literal_eval(v) for k, v in body.items()}
            jsonschema.validate(literal, schema)


def page_schema(path: Path) -> dict[str, Any]:
    page = scrape_page(path, Reporter())
    assert page is not None and page.schema is not None
    return page.schema


def schema_fields(schema: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every property of a body schema by dotted name, found independently of the model."""
    found: dict[str, dict[str, Any]] = {}
    for name, prop in schema.get("properties", {}).items():
        found[prefix + name] = prop
        for suffix, nested in _objects(prop):
            found.update(schema_fields(nested, f"{prefix}{name}{suffix}."))
    return found


def _objects(schema: dict[str, Any], suffix: str = "") -> list[tuple[str, dict[str, Any]]]:
    if "properties" in schema:
        return [(suffix, schema)]
    if "items" in schema:
        return _objects(schema["items"], suffix + "[]")
    return [pair for branch in schema.get("anyOf", []) for pair in _objects(branch, suffix)]


def clearable(prop: dict[str, Any]) -> bool:
    branches = prop.get("anyOf", [])
    return "" in prop.get("enum", []) or any(b.get("enum") == [""] for b in branches)


def field_line(markdown: str, name: str) -> str:
    match = re.search(rf"^- \*\*`{re.escape(name)}`\*\* \(body\): .*$", markdown, re.M)
    assert match, f"no row for {name}"
    return match.group()


class Strict(HTMLParser):
    """Checks nesting and collects tags, attributes, text and comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}> at {self.getpos()}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse_html(text: str) -> Strict:
    parser = Strict()
    parser.feed(text)
    parser.close()
    assert not parser.errors, parser.errors[:3]
    assert not parser.stack, f"unclosed: {parser.stack}"
    return parser


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return make_environment()


@pytest.fixture(scope="module")
def seed_api() -> Api:
    return model_of(SEED_PAGE.parent, "stripe")


@pytest.fixture(scope="module")
def seed_files(seed_api: Api, env: jinja2.Environment) -> dict[str, str]:
    return render_docs(seed_api, env)


@pytest.fixture(scope="module")
def seed_md(seed_files: dict[str, str]) -> str:
    return seed_files["docs/operations/PostCustomersCustomer.md"]


# --------------------------------------------------------------------------- Markdown content


def test_files_are_the_documented_set(seed_files: dict[str, str]) -> None:
    assert sorted(seed_files) == [
        "docs/customers.md",
        "docs/html/customers.html",
        "docs/html/index.html",
        "docs/html/operations/PostCustomersCustomer.html",
        "docs/html/style.css",
        "docs/index.md",
        "docs/operations/PostCustomersCustomer.md",
        "pages/PostCustomersCustomer.html",
    ]


def test_every_file_starts_with_the_header_line(seed_api: Api, env: jinja2.Environment) -> None:
    files = render_docs(seed_api, env, header=lambda path, src: f"made by test for {path} --> x")
    for path, text in files.items():
        first = text.split("\n", 1)[0]
        assert "made by test for " + path in first.replace("- -", "--").replace("--> x", "")
        assert first.startswith("/* " if path.endswith(".css") else "<!-- ")
        assert "-->" not in first[4:-3], "the header text must not end the comment early"


def test_every_body_field_is_listed_with_type(seed_md: str) -> None:
    fields = schema_fields(page_schema(SEED_PAGE))
    assert {"address.city", "invoice_settings.custom_fields[].name", "tax.ip_address"} <= set(fields)
    for name, prop in fields.items():
        line = field_line(seed_md, name)
        limit = prop.get("maxLength")
        if limit is not None and "enum" not in prop:
            assert f"max {limit}" in line, line
        assert ("required" in line.split("`, ")[-1]) == (
            name.rpartition(".")[2] in _required_of(fields, name)
        ), line


def _required_of(fields: dict[str, dict[str, Any]], name: str) -> list[str]:
    parent = name.rpartition(".")[0].removesuffix("[]")
    if not parent:
        return page_schema(SEED_PAGE).get("required", [])
    return [r for _, obj in _objects(fields[parent]) for r in obj.get("required", [])]


def test_clearable_fields_match_the_schema(seed_md: str) -> None:
    fields = schema_fields(page_schema(SEED_PAGE))
    named = {"address", "metadata", "shipping", "invoice_settings.custom_fields",
             "invoice_settings.rendering_options", "tax.ip_address"}
    assert named <= {n for n, p in fields.items() if clearable(p)}
    for name, prop in fields.items():
        line = field_line(seed_md, name)
        assert ("clearable" in line) == clearable(prop), line
        assert ('or "" to clear`' in line) == clearable(prop), line


def test_enum_values_and_types_are_shown(seed_md: str) -> None:
    block = seed_md[seed_md.index("- **`tax_exempt`**"):]
    block = block[: block.index("\n- **", 5)] if "\n- **" in block[5:] else block
    assert 'one of "exempt", "none", "reverse"' in block
    quoted = r"""['"]exempt['"], ['"]none['"], ['"]reverse['"]"""
    assert re.search(rf"`Literal\[{quoted}\] \| Literal\[(''|\"\")\]`", block), block
    assert "`object OptionalFieldsAddress or \"\" to clear`" in field_line(seed_md, "address")
    assert "`array of string (max 5000)`" in field_line(seed_md, "expand")


def test_example_call_is_valid_python_and_valid_body(seed_api: Api, seed_md: str) -> None:
    op = seed_api.operations[0]
    code = re.search(r"Example:\n\n```python\n(.*?)\n```", seed_md, re.S)
    assert code, "no example block"
    call = ast.parse(code.group(1), mode="eval").body
    assert isinstance(call, ast.Call)
    assert ast.unparse(call.func) == "client.customers.update"
    assert [ast.literal_eval(a) for a in call.args] == ["customer_123"]
    body = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    assert body, "the example should show some fields"
    jsonschema.validate(body, page_schema(SEED_PAGE))
    assert op.body is not None


def test_errors_come_from_the_responses(env: jinja2.Environment) -> None:
    op = Operation("GetThing", "GET", "/things/{id}", ("things",), "retrieve",
                   responses=(Response("200", "OK"), Response("404", "Not found"),
                              Response("429", "Slow down"), Response("503", "Down")))
    md = render_docs(Api("t", "", (op,), ()), env)["docs/operations/GetThing.md"]
    errors = md[md.index("## Errors"):]
    for line in ("`ValidationError`", "`NotFoundError`: 404: Not found",
                 "`RateLimitError`: 429: Slow down", "`InternalServerError`: 503: Down"):
        assert line in errors
    assert "200" not in errors


# --------------------------------------------------------------------------- HTML docs


def check_html_docs(files: dict[str, str]) -> None:
    for path, text in files.items():
        if not path.startswith("docs/html/") or not path.endswith(".html"):
            continue
        assert "<!DOCTYPE html>" in text.split("\n", 2)[1]
        parsed = parse_html(text)
        for tag, attrs in parsed.tags:
            assert not any(a.startswith("on") or a == "style" for a in attrs), (path, tag)
            assert tag not in ("script", "iframe", "object", "embed", "img"), (path, tag)
            link = attrs.get("href") or ""
            if tag == "a" and link.startswith(("http://", "https://")):
                continue
            if tag == "link" and attrs.get("rel") == "icon" and link == "data:,":
                continue  # the empty icon that stops the browser asking for /favicon.ico
            if link:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
                assert target in files, f"{path}: {link} does not resolve"
            assert "src" not in attrs, "no external resources"


def test_seed_html_docs_are_well_formed_and_links_resolve(seed_files: dict[str, str]) -> None:
    check_html_docs(seed_files)
    page = parse_html(seed_files["docs/html/operations/PostCustomersCustomer.html"])
    text = "".join(page.text)
    assert "invoice_settings.custom_fields[].name" in text
    assert "customer\u2019s active source" in text


def test_corpus_html_docs(corpus: Path, env: jinja2.Environment) -> None:
    for name in ("apis-io-maintainers", "sample"):
        check_html_docs(render_docs(model_of(corpus / "pages" / name, name), env))


# --------------------------------------------------------------------------- injection

HOSTILE = 'a """ b </script><script>alert(1)</script> <!-- c {{ x }} {% if %} \x00 d \u2028 e'


def hostile_api() -> Api:
    address = Object("Addr", (Field("city", "city", String(max_length=5), description=HOSTILE),))
    body = Object("Body", (
        Field("address", "address", Emptyable(Ref("Addr")), description=HOSTILE),
        Field("kind", "kind", Enum(('"""', "</script>", "{{ x }}")), description=HOSTILE),
    ))
    op = Operation(
        "PostThing", "POST", "/things/{id}", ("things",), "update",
        summary=HOSTILE, description=f"<p>{HOSTILE}</p><a href=\"javascript:alert(1)\">x</a>",
        path_params=(Parameter("id", "id", "path", String(), True, HOSTILE),),
        query_params=(Parameter("q</script>", "q", "query", String(), False, HOSTILE),),
        body=Body("application/x-www-form-urlencoded", Ref("Body")),
        responses=(Response("200", HOSTILE), Response("400", HOSTILE)),
    )
    return Api("hostile", "https://api.example.com", (op,), (address, body), title=HOSTILE)


def test_hostile_text_is_shown_literally_in_html(env: jinja2.Environment) -> None:
    files = render_docs(hostile_api(), env)
    check_html_docs(files)
    shown = HOSTILE.replace("\x00", "\ufffd")
    for path in ("docs/html/index.html", "docs/html/operations/PostThing.html"):
        parsed = parse_html(files[path])
        assert [t for t, _ in parsed.tags if t == "script"] == []
        assert len(parsed.comments) == 1, "only the generated-by line is a comment"
        assert shown in "".join(parsed.text)
        assert "\x00" not in files[path]
    text = "".join(parse_html(files["docs/html/operations/PostThing.html"]).text)
    assert '"""' in text and "{{ x }}" in text
    assert "javascript:" not in files["docs/html/operations/PostThing.html"]


def test_hostile_text_is_escaped_in_markdown(env: jinja2.Environment) -> None:
    md = render_docs(hostile_api(), env)["docs/operations/PostThing.md"]
    prose = re.sub(r"```.*?```|`[^`\n]*`", "", md, flags=re.S)  # code shows text literally
    assert re.search(r"(?<!\\)<(/?)script", prose) is None
    assert re.search(r"(?<!\\)<(?!!-- Generated)", prose) is None, "every < is escaped"
    assert "\\</script\\>" in md and "\x00" not in md and "\u2028" not in md


def test_hostile_page_is_escaped_and_scrapes_back(env: jinja2.Environment, tmp_path: Path) -> None:
    api = hostile_api()
    write_pages(render_docs(api, env), tmp_path)
    text = (tmp_path / "PostThing.html").read_text(encoding="utf-8")
    assert "<script" not in text and "javascript:" not in html.unescape(text).split("</p>")[-1]
    reporter = Reporter()
    page = scrape_page(tmp_path / "PostThing.html", reporter)
    assert page is not None, reporter.sorted()
    op = api.operations[0]
    assert html.unescape(page.description) == op.description.replace("\x00", "\ufffd")
    assert page.summary == HOSTILE.replace("\x00", "\ufffd").strip()
    assert [p.description for p in page.parameters] == [HOSTILE.replace("\x00", "\ufffd")] * 2


# --------------------------------------------------------------------------- helpers in isolation


def test_description_sanitiser_keeps_only_the_safe_tags() -> None:
    out = description_html('<p>x <b>y</b> <a href="https://e.com/?a=1&b=2" onclick="z">l</a>'
                           '<a href="/rel">r</a><ul><li>i</li></ul><code><em>c</em></code></p>')
    assert out == ('<p>x &lt;b&gt;y&lt;/b&gt; <a href="https://e.com/?a=1&amp;b=2">l</a>'
                   "<a>r</a></p><ul><li>i</li></ul><code><em>c</em></code>")
    assert description_markdown("<p>a <code>x`y</code> <strong>b</strong> [l](https://e.com)"
                                "</p><ul><li>one</li><li>two_</li></ul>") == (
        "a ``x`y`` **b** [l](https://e.com)\n\n- one\n- two\\_")


def test_page_pieces_follow_the_page_tool() -> None:
    assert dotnet_html_encode("a\"'+<>&\n\u2019é\U0001f600") == (
        "a&quot;&#x27;&#x2B;&lt;&gt;&amp;&#xA;&#x2019;&#xE9;&#x1F600;")
    assert host_line("https://api.stripe.com") == "api.stripe.com:443"
    assert host_line("http://localhost:8080/v1") == "localhost:8080"
    assert host_line("") == ""
    assert host_line("http://[::1]/v1") == "[::1]:80"  # the scraper reads it back
    assert host_line("wss://stream.example.com") == "stream.example.com"
    op = Operation("X", "GET", "/x", ("x",), "list", query_params=(
        Parameter("created.gte-x~", "c", "query", String()), Parameter("a b", "a", "query", String())))
    assert query_template(op) == "{?created%2Egte%2Dx%7E*,a%20b*}"
    assert page_description('<p>ok <a href="/docs">x</a><currency></p>') == (
        '<p>ok <a href="/docs">x</a><currency></p>')
    assert page_description("<p onclick=x>no</p>") == "&lt;p onclick=x&gt;no&lt;/p&gt;"


# --------------------------------------------------------------------------- round trip 1


def test_seed_page_scrapes_back_to_an_equal_model(env: jinja2.Environment, tmp_path: Path) -> None:
    assert_round_trip(SEED_PAGE.parent, tmp_path, env)


def test_seed_page_keeps_the_source_layout(seed_files: dict[str, str]) -> None:
    written = seed_files["pages/PostCustomersCustomer.html"].split("\n", 1)[1]
    source = SEED_PAGE.read_text(encoding="utf-8")
    cut = source.index('<pre  class="schema">')
    assert written[:cut] == source[:cut]  # all but the schema, whose key order may differ
    assert written.endswith(source[source.index("</pre></section><section  class=\"responses\""):])
    schema_text = written[cut:].split(">", 1)[1].split("</pre>")[0]
    assert "\n" not in schema_text and '"' not in schema_text  # entity-encoded, one line
    assert json.loads(html.unescape(schema_text))["type"] == "object"


@pytest.mark.parametrize("name", ["sample", "apis-io-maintainers"])
def test_small_corpus_round_trip(name: str, corpus: Path, env: jinja2.Environment,
                                 tmp_path: Path) -> None:
    assert_round_trip(corpus / "pages" / name, tmp_path, env)


@pytest.mark.slow
def test_stripe_corpus_round_trip(corpus: Path, env: jinja2.Environment, tmp_path: Path) -> None:
    assert_round_trip(corpus / "pages" / "stripe", tmp_path, env)

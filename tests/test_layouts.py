"""Every generation of the page layout (generator/layouts.py, corpus pages/GENERATOR.md).

- The newest layout (``_variants/61aca2d/``) read completely, responses included; round trips 1
  and 4 over its Stripe pages.
- One model whatever the layout: the middle (34ca9f8) and newest (61aca2d) pages of the same
  operations give equal models, except for ``LAYOUT_DIFFERENCES`` (what one layout does not
  carry) and ``DATA_DIFFERENCES`` (where the newest build ran on a later document).
- The older build's package passes ``mypy --strict``; its bodies get a content type with a warning.
- Layouts the corpus lacks (hand-run prototypes, the middle build of other APIs with raw JSON
  schemas) from small pages written here; each layout written back and read again (round trip 1
  as a fixpoint); a folder that mixes layouts.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from generator.cli import main
from generator.config import ConfigError, load_config
from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.emit.environment import make_environment
from generator.emit.page import render_pages
from generator.layouts import LAYOUTS, Layout
from generator.model import normalise
from generator.model.normalise import DEFAULT_BODY_MEDIA_TYPE
from generator.model.shapes import AnyShape, Api, Body, Operation, Response, Source
from generator.scrape import RawPage, scrape_page
from generator.scrape.page import NO_BODY_METHODS
from tests.conftest import StaticChecks
from tests.test_corpus import FORM, build, call, check_wire
from tests.test_docs import base_url_of
from tests.test_scrape import FORM as FORM_HEADERS
from tests.test_scrape import TWIML, make_page, scrape

NEWEST = Path("_variants") / "61aca2d"
OLDER = Path("_variants") / "b56c85d"
FOLDERS = ("stripe", "sample", "apis-io-maintainers")

# What the middle layout (34ca9f8) cannot carry that the newest (61aca2d) does, as found on the
# same operations: a media type per response (the middle build writes only the ``accept`` line,
# so each response gets its first type). Besides these, pages differ in their source (file,
# line, layout) only.
LAYOUT_DIFFERENCES = {
    ("stripe", "GetQuotesQuotePdf"): "responses: 'default' is application/json in the newest "
    "layout; the middle layout's accept line 'application/pdf,application/json' gives every "
    "response application/pdf",
}
# Where the two builds ran on different documents (not a layout difference): the sample API's
# createSpeaker answers 201 Created without content in the newest build, 200 OK with JSON in the
# middle build; and the middle build wrote ``sample/.html`` for an operation without an id,
# which the newest build did not write at all (so the middle model's method names are compared
# without it).
DATA_DIFFERENCES = {("sample", "createSpeaker"): "responses: 200 OK, application/json -> 201 Created"}
MIDDLE_ONLY = {("sample", ".html")}


def read(folder: Path, reporter: Reporter, skip: frozenset[str] = frozenset()) -> list[RawPage]:
    found = (scrape_page(p, reporter, display=p.name) for p in sorted(folder.glob("*.html"))
             if p.name not in skip)  # fmt: skip
    return [page for page in found if page is not None]


def model(name: str, pages: list[RawPage], reporter: Reporter | None = None, **kw: Any) -> Api:
    return normalise(name, pages, reporter if reporter is not None else Reporter(), **kw)


def without_sources(api: Api) -> Api:
    ops = tuple(dataclasses.replace(op, source=Source("")) for op in api.operations)
    return dataclasses.replace(api, operations=ops, page_layout="")


# --- 1. the newest layout, read completely -----------------------------------------------------


@pytest.fixture(scope="module")
def newest(corpus: Path) -> dict[str, tuple[list[RawPage], Api, Reporter]]:
    loaded = {}
    for folder in FOLDERS:
        reporter = Reporter()
        pages = read(corpus / "pages" / NEWEST / folder, reporter)
        loaded[folder] = (pages, model(folder, pages, reporter), reporter)
    return loaded


def test_newest_pages_every_operation_without_errors(corpus: Path, newest: Any) -> None:
    counts = {}
    for folder, (pages, api, reporter) in newest.items():
        files = len(list((corpus / "pages" / NEWEST / folder).glob("*.html")))
        kinds = Counter(d.code for d in reporter.items)
        counts[folder] = (files, len(api.operations), dict(kinds))
        assert not reporter.has_errors and len(pages) == len(api.operations) == files
        assert {p.layout for p in pages} == {"61aca2d"}
    print(f"\nnewest layout: pages, operations, warnings by kind: {counts}")
    assert {k: v[:2] for k, v in counts.items()} == {
        "stripe": (446, 446), "sample": (2, 2), "apis-io-maintainers": (6, 6)}


def test_newest_response_section(newest: Any) -> None:
    pages = {p.operation_id: p for p in newest["sample"][0]}
    listing, create = pages["listSpeakers"], pages["createSpeaker"]
    (ok,) = listing.responses
    assert (ok.status, ok.description, ok.media_type) == ("200", "OK", "application/json")
    assert ok.example is not None and ok.example.json
    assert [s["name"] for s in ok.example.value] == ["John Doe", "Jane Doe"]
    assert ok.example.text.startswith('[\n  {\n    "name": "John Doe"')
    (created,) = create.responses
    assert (created.status, created.media_type, created.example) == ("201", "", None)
    assert create.example is not None and create.example.value["name"] == "John Doe"
    stripe = {p.operation_id: p for p in newest["stripe"][0]}
    seed = stripe["PostCustomersCustomer"]
    assert [(r.status, r.media_type, r.example) for r in seed.responses] == [
        ("200", "application/json", None), ("default", "application/json", None)]  # "null"
    assert seed.example is None and seed.media_type == FORM  # the request's "null" example
    assert ("accept", "application/json") in seed.headers and len(seed.headers) == 3


def test_newest_layout_synthetic_page(tmp_path: Path) -> None:
    """No <h1>, no description, no parameters; a response without content and one with text."""
    text = (
        '<!DOCTYPE html><html><head><title></title><link rel="stylesheet" href="./OpenApi.css"/>'
        '</head><body><article><section class="requestOverview"></section><section class="http">'
        '<h3>HTTP Request</h3><pre class="http-example"><span class="request-line">POST</span> '
        '<span class="http-target">&#x2B;{baseUrl}\\ping</span> <span class="http-version">'
        'HTTP/1.1</span>&#xA;<span class="header-line">accept</span>: <span class="header-value">'
        'text/plain</span>&#xA;</pre></section><section class="responses"><h2>Responses</h2>'
        '<ul class="responses"><li class="response"><pre class="http-example"><span class="'
        'status-line">204</span> <span class="status-description">Gone &amp; done</span>\n</pre>'
        '</li><li class="response"><pre class="http-example"><span class="status-line">200</span>'
        ' <span class="status-description">caf&#xE9;</span>\n<span class="header-line">'
        'content-type</span>: <span class="header-value">text/plain</span>&#xA;&#xA;pong &lt;3'
        "</pre></li></ul></section></article></body></html>"
    )
    page, reporter = scrape(tmp_path, text, "Ping.html")
    assert reporter.items == [] and page is not None
    assert (page.summary, page.description, page.parameters) == ("", "", ())
    assert (page.method, page.path, page.layout, page.has_body) == ("POST", "/ping", "61aca2d",
                                                                     False)
    gone, pong = page.responses
    assert (gone.status, gone.description, gone.media_type, gone.example) == (
        "204", "Gone & done", "", None)
    assert (pong.description, pong.media_type) == ("café", "text/plain")
    assert pong.example is not None and (pong.example.text, pong.example.json) == ("pong <3", False)


# --- 2. one model whatever the layout ----------------------------------------------------------


def test_middle_and_newest_give_one_model(corpus: Path, newest: Any) -> None:
    compared = Counter[str]()
    for folder in FOLDERS:
        skip = frozenset(name for f, name in MIDDLE_ONLY if f == folder)
        middle = model(folder, read(corpus / "pages" / folder, Reporter(), skip))
        new = newest[folder][1]
        assert (middle.base_url, middle.shapes) == (new.base_url, new.shapes)
        by_id = {op.operation_id: op for op in without_sources(new).operations}
        assert sorted(by_id) == sorted(op.operation_id for op in middle.operations)
        for op in without_sources(middle).operations:
            other = by_id[op.operation_id]
            differs = {f.name for f in dataclasses.fields(op) if getattr(op, f.name) !=
                       getattr(other, f.name)}  # fmt: skip
            listed = {**LAYOUT_DIFFERENCES, **DATA_DIFFERENCES}.get((folder, op.operation_id))
            assert differs == ({"responses"} if listed else set()), (op.operation_id, differs)
            compared[folder] += 1
    print(f"\noperations compared, middle against newest: {dict(compared)}")
    assert compared == {"stripe": 446, "sample": 2, "apis-io-maintainers": 6}


def test_middle_layout_gives_every_response_the_first_accepted_type(corpus: Path) -> None:
    """The listed layout difference, checked from the pages themselves."""
    name = "GetQuotesQuotePdf.html"
    middle = scrape_page(corpus / "pages" / "stripe" / name, Reporter())
    new = scrape_page(corpus / "pages" / NEWEST / "stripe" / name, Reporter())
    assert middle is not None and new is not None
    assert ("accept", "application/pdf,application/json") in middle.headers
    assert [r.media_type for r in middle.responses] == ["", ""]
    assert [r.media_type for r in new.responses] == ["application/pdf", "application/json"]


# --- the older build: a package that passes mypy --strict, bodies with a content type ----------


@pytest.mark.slow
def test_older_build_bodies_and_mypy_strict(
    corpus: Path, tmp_path: Path, static_checks: StaticChecks
) -> None:
    reporter = Reporter()
    api = model("stripe", read(corpus / "pages" / OLDER / "stripe", reporter), reporter)
    with_body = [op for op in api.operations if op.body is not None]
    assert with_body and not any(op.method in NO_BODY_METHODS for op in with_body)
    assert {op.body.media_type for op in with_body if op.body} == {DEFAULT_BODY_MEDIA_TYPE}
    kinds = Counter(d.code for d in reporter.items)
    assert kinds == {"empty-schema": len(with_body), "no-content-type": len(with_body)}
    message = f"the request body has no content type; it is sent as {DEFAULT_BODY_MEDIA_TYPE}"
    assert {d.message for d in reporter.items if d.code == "no-content-type"} == {message}
    files = {k: v for k, v in render_api(api, source_label="older").items() if k.endswith(".py")}
    root = tmp_path / "stripe_client"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert not any('media_type=""' in text for text in files.values())
    static_checks.add(root, "stripe_client", ruff=False)  # mypy --strict; unformatted: no ruff


# --- 3. prototypes and the middle build of other APIs, from pages written here ----------------


def prototype_page(*, path: str = "/v1/things/{id}/discount", query: str | None = "?{expand}",
                   method: str = "GET", body: bool = True) -> str:  # fmt: skip
    """A hand-run prototype of the older build: split target, forward slashes, ./OpenApi.css,
    an empty body section (on a GET too)."""
    target = f'<span  class="httpPath">{path}</span>' if path else ""
    if query is not None:
        target += f'<span  class="httpQuery">{query}</span>'
    section = ('<section  class="requestContent"><h3>Request Body Schema</h3><pre  class="schema">'
               "</pre></section>") if body else ""  # fmt: skip
    return (
        '<!DOCTYPE html><html><head><title></title><link rel="stylesheet" href="./OpenApi.css"/>'
        '</head><body><article><section  class="requestOverview"><h1  class="requestSummary">'
        'GetThingsIdDiscount</h1><p  class="requestDescription"></p></section><section  class='
        f'"http"><h3>HTTP Request</h3><pre  class="httpExample"><span  class="requestLine">{method}'
        f"</span> {target} <span  class=\"httpVersion\">HTTP/1.1</span>\n"
        '<span  class="headerLine">host</span>: <span  class="headerValue">example.org:443</span>\n'
        '</pre></section><dl  class="parameters"><h3>Parameters</h3><dt  class="parameter"><span  '
        'class="parameterName">id</span> [ in: <span  class="parameterLocation">Path</span> type: '
        '<span  class="parameterType">string</span> ]</dt><dd  class="parameter"><span  class='
        '"parameterDescription"></span> <span  class="parameterRequired">required</span></dd>'
        '<dt  class="parameter"><span  class="parameterName">expand</span> [ in: <span  class='
        '"parameterLocation">Query</span> type: <span  class="parameterType">array</span> ]</dt>'
        '<dd  class="parameter"><span  class="parameterDescription">Fields</span> <span  class='
        f'"parameterRequired">optional</span></dd></dl>{section}<section  class="responses"><h2>'
        'Responses</h2><ul  class="responses"><li  class="response"><span  class="statusLine">200'
        '</span> <span  class="statusDescription">OK</span></li></ul></section></article></body>'
        "</html>"
    )


def test_prototype_page_is_read(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, prototype_page(), "GetThingsIdDiscount.html")
    assert reporter.items == [] and page is not None
    assert (page.method, page.path, page.query_template) == ("GET", "/v1/things/{id}/discount",
                                                             ("expand",))
    assert page.layout == "prototype" and not page.has_body  # empty body section on a GET
    assert [(p.name, p.location) for p in page.parameters] == [("id", "path"), ("expand", "query")]
    api = model("things", [page])
    (op,) = api.operations
    assert op.body is None and [p.name for p in op.query_params] == ["expand"]


@pytest.mark.parametrize(("query", "names"), [
    ("{?expand*,limit}", ("expand", "limit")), ("?expand={expand}&limit={limit}", ("expand", "limit")),
    ("?{created%2Egte,a%20b}", ("created.gte", "a b")), ("", ()),
])  # fmt: skip
def test_prototype_query_forms(tmp_path: Path, query: str, names: tuple[str, ...]) -> None:
    page, _ = scrape(tmp_path, prototype_page(query=query))
    assert page is not None and page.query_template == names


def test_prototype_post_with_empty_body_section_keeps_a_body(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, prototype_page(method="POST", query=None))
    assert page is not None and page.has_body and page.schema is None
    assert [d.code for d in reporter.items] == ["empty-schema"]


def test_prototype_without_path_names_what_is_missing(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, prototype_page(path=""))
    assert page is None
    assert [str(d) for d in reporter.sorted()] == [
        'Page.html:1: error: prototype page without a request path (<span class="httpPath">)']
    page, reporter = scrape(tmp_path, prototype_page(path="", query=None))
    assert page is None
    assert [str(d) for d in reporter.sorted()] == [
        'Page.html:1: error: no request target (<span class="httpTarget">)']


def test_raw_json_middle_build(tmp_path: Path) -> None:
    """Raw JSON schema, sentence <h1> with a newline, percent-encoded query names that the
    parameter list holds with raw ``<`` and ``>``, a multipart body."""
    target = "\\2010-04-01\\Calls.json{?StartTime%3C*,StartTime%3E*}"
    params = (("StartTime<", "query", "", "optional"), ("StartTime>", "query", "", "optional"))
    text = make_page(h1="Create a call\n", target=target, params=params, headers=FORM_HEADERS,
                     schema=json.dumps(TWIML, indent=2))  # fmt: skip
    page, reporter = scrape(tmp_path, text)
    assert reporter.items == [] and page is not None and page.layout == "34ca9f8-raw"
    assert [p.name for p in page.parameters] == ["StartTime<", "StartTime>"]
    assert page.query_template == ("StartTime<", "StartTime>") and page.schema == TWIML
    assert page.summary == "Create a call"


# --- 5. each layout written back, read again: round trip 1 as a fixpoint ---------------------


@pytest.fixture(scope="module")
def small_apis(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Api]:
    """The two small corpus APIs, and a raw-JSON middle-build page with text HTML would eat."""
    folder = tmp_path_factory.mktemp("calls")
    target = "\\2010-04-01\\Accounts\\{AccountSid}\\Calls.json{?StartTime%3C*}"
    params = (("AccountSid", "path", "", "required"), ("StartTime<", "query", "a < b", "optional"))
    (folder / "CreateCall.html").write_text(make_page(
        h1="Create a call", target=target, params=params, headers=FORM_HEADERS,
        schema=json.dumps(TWIML, indent=2)), encoding="utf-8")  # fmt: skip
    apis = [model(f, read(corpus / "pages" / f, Reporter())) for f in ("sample", "apis-io-maintainers")]
    return [*apis, model("calls", read(folder, Reporter()))]


def carried(api: Api, layout: Layout) -> Api:
    """``api`` as much as pages of ``layout`` carry of it (the differences listed by layout):

    - ``b56c85d``, ``prototype``: no body schema and no content type (a body is typed Any and
      sent as JSON; none on a GET or DELETE), so no named shapes either, and no form bodies for
      the run summary's wire-style reason to speak of.
    - ``34ca9f8``, ``34ca9f8-raw``: one ``accept`` line, no media type per response (each
      response gets the first type).
    - ``61aca2d``: everything the model holds.
    """
    change: Callable[[Operation], Operation]
    if layout in ("b56c85d", "prototype"):
        reason = api.conventions.wire_reason.replace("form bodies are flat: ", "")
        api = dataclasses.replace(api, shapes=(), conventions=dataclasses.replace(
            api.conventions, wire_reason=reason))  # fmt: skip
        change = _untyped_body
    elif layout in ("34ca9f8", "34ca9f8-raw"):
        change = _first_accepted
    else:
        return api
    return dataclasses.replace(api, operations=tuple(change(op) for op in api.operations))


def _untyped_body(op: Operation) -> Operation:
    body = None if op.body is None or op.method in NO_BODY_METHODS else Body(
        DEFAULT_BODY_MEDIA_TYPE, AnyShape("absent"))  # fmt: skip
    return dataclasses.replace(op, body=body)


def _first_accepted(op: Operation) -> Operation:
    first = next((r.media_type for r in op.responses if r.media_type), "")
    return dataclasses.replace(op, responses=tuple(
        Response(r.status, r.description, first, r.shape) for r in op.responses))  # fmt: skip


def written(api: Api, layout: Layout, folder: Path) -> dict[str, str]:
    files = render_pages(dataclasses.replace(api, page_layout=layout), make_environment())
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        (folder / path.removeprefix("pages/")).write_text(text, encoding="utf-8")
    return files


def bodies(files: dict[str, str]) -> dict[str, str]:
    """Pages without their generated-by line (it names the source file)."""
    return {path: text.split("\n", 1)[1] for path, text in files.items()}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_round_trip_1_in_every_layout(small_apis: list[Api], layout: Layout,
                                      tmp_path: Path) -> None:  # fmt: skip
    for api in small_apis:
        first = written(api, layout, tmp_path / api.name / "1")
        pages = read(tmp_path / api.name / "1", Reporter())
        assert {p.layout for p in pages} == {layout}
        once = model(api.name, pages, **base_url_of(api))
        assert without_sources(once) == without_sources(carried(api, layout)), api.name
        again = written(once, layout, tmp_path / api.name / "2")
        assert bodies(again) == bodies(first)  # the same pages: a fixpoint
        twice = model(api.name, read(tmp_path / api.name / "2", Reporter()), **base_url_of(api))
        assert without_sources(twice) == without_sources(once)


# --- round trips 1 and 4 over the newest Stripe pages ------------------------------------------


def test_round_trip_1_newest_stripe(newest: Any, tmp_path: Path) -> None:
    api = newest["stripe"][1]
    first = written(api, "61aca2d", tmp_path / "1")
    back = model("stripe", read(tmp_path / "1", Reporter()), **base_url_of(api))
    assert without_sources(back) == without_sources(api)
    source = {op.operation_id: op.source.layout for op in api.operations}
    assert set(source.values()) == {"61aca2d"}
    assert bodies(written(back, "61aca2d", tmp_path / "2")) == bodies(first)


@pytest.fixture(scope="module")
def newest_package(newest: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The client generated from the newest Stripe pages, imported (unformatted: the code is
    the same Python)."""
    root = tmp_path_factory.mktemp("newest")
    for rel, text in render_api(newest["stripe"][1], source_label="newest").items():
        if rel.endswith(".py"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    _drop("stripe_client")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("stripe_client")
    finally:
        sys.path.remove(str(root))
        _drop("stripe_client")


def _drop(package: str) -> None:
    for name in [n for n in sys.modules if n.split(".")[0] == package]:
        del sys.modules[name]


class _Streamed(httpx.SyncByteStream):
    """A body the client reads as it would from the network (not already in memory)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self.data


def answer(seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        data = json.dumps({"object": "thing", "data": [], "has_more": False}).encode()
        return httpx.Response(200, headers={"content-type": "application/json"},
                              stream=_Streamed(data))  # fmt: skip

    return handle


def test_round_trip_4_newest_stripe(newest: Any, newest_package: Any) -> None:
    pages, api, _ = newest["stripe"]
    by_id = {op.operation_id: op for op in api.operations}
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(answer(seen)))
    client = newest_package.Client(api_key="sk_test_x", http_client=http, max_retries=0)
    checked = Counter[str]()
    for raw in pages:
        op = by_id[raw.operation_id]
        if raw.schema is None or op.body is None or op.body.media_type != FORM:
            continue
        validator = jsonschema.Draft202012Validator(raw.schema)
        for mode in ("first", "empty"):
            value = build(raw.schema, mode)
            validator.validate(value)
            seen.clear()
            call(client, api, op, value)
            check_wire(seen[-1].content.decode(), value, op.operation_id)
            checked[mode] += 1
    print(f"\nround trip 4 (newest layout): {dict(checked)} form bodies")
    assert checked["first"] == sum(1 for r in pages if r.schema and r.media_type == FORM) > 200


# --- 4. a folder that mixes generations; the layout chosen in configuration --------------------

MIXED = {  # file -> the folder of the corpus it comes from
    "PostCustomersCustomer.html": Path("stripe"),
    "GetCustomersCustomer.html": NEWEST / "stripe",
    "PostCustomers.html": NEWEST / "stripe",
    "DeleteCustomersCustomer.html": OLDER / "stripe",
}


def mixed_folder(corpus: Path, folder: Path) -> dict[str, str]:
    """Corpus pages of three builds and a prototype; file -> the layout it was written in."""
    folder.mkdir(parents=True)
    for name, where in MIXED.items():
        shutil.copy(corpus / "pages" / where / name, folder / name)
    (folder / "GetCustomersCustomerDiscount.html").write_text(prototype_page(
        path="/v1/customers/{id}/discount", query="?{expand}"), encoding="utf-8")  # fmt: skip
    return {"PostCustomersCustomer.html": "34ca9f8", "GetCustomersCustomer.html": "61aca2d",
            "PostCustomers.html": "61aca2d", "DeleteCustomersCustomer.html": "b56c85d",
            "GetCustomersCustomerDiscount.html": "prototype"}  # fmt: skip


def test_mixed_folder(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = mixed_folder(corpus, tmp_path / "mixed")
    assert main(["generate", str(tmp_path / "mixed"), "-o", str(tmp_path / "out"), "--no-cache",
                 "--formatter", "ruff"]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "0 errors" in err and "5 operations" in err, err
    written_back = tmp_path / "out" / "mixed_client" / "pages"
    layouts = {p.file: p.layout for p in read(written_back, Reporter())}
    assert layouts == expected


def test_mixed_folder_written_in_the_configured_layout(corpus: Path, tmp_path: Path) -> None:
    """Each run with the same cache: a change of layout is never served stale (the older and
    middle layouts share one template)."""
    mixed_folder(corpus, tmp_path / "mixed")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        for layout in ("61aca2d", "b56c85d", "34ca9f8"):
            (tmp_path / "pyproject.toml").write_text(
                '[tool.doc2client]\noutput = "out"\n[tool.doc2client.apis.mixed]\n'
                f'source = "mixed"\npage_layout = "{layout}"\n', encoding="utf-8")  # fmt: skip
            config = load_config(tmp_path / "pyproject.toml")
            assert config is not None and config.jobs[0].options.page_layout == layout
            assert main(["generate", "--cache-dir", "cache", "--formatter", "ruff", "-q"]) == 0
            pages = read(tmp_path / "out" / "mixed_client" / "pages", Reporter())
            assert len(pages) == 5 and {p.layout for p in pages} == {layout}
    finally:
        os.chdir(cwd)


def test_unknown_page_layout_in_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.doc2client.apis.x]\nsource = "x"\npage_layout = "newest"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "pyproject.toml")
    layouts = ", ".join(repr(name) for name in LAYOUTS)
    assert str(caught.value) == (f"{tmp_path / 'pyproject.toml'}: error: "
                                 f"[tool.doc2client.apis.x] page_layout must be one of {layouts}")

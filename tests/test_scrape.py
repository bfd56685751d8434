"""The page scraper: every page of the corpus, hand-written layouts, and broken pages."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.diagnostics import Reporter
from generator.scrape import RawPage, discover, scrape_page

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# --- the corpus ----------------------------------------------------------------------------


def scrape_folder(folder: Path) -> tuple[dict[str, RawPage], Reporter]:
    reporter = Reporter()
    pages: dict[str, RawPage] = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".html"):
            page = scrape_page(path, reporter, display=path.name)
            assert page is not None, [str(d) for d in reporter.items]
            pages[path.name] = page
    return pages, reporter


@pytest.fixture(scope="module")
def stripe_pages(corpus: Path) -> dict[str, RawPage]:
    pages, reporter = scrape_folder(corpus / "pages" / "stripe")
    assert reporter.items == []
    return pages


@pytest.fixture(scope="module")
def spec_operations(corpus: Path) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId → (METHOD, path, operation) from Stripe's own OpenAPI document."""
    spec = json.loads((corpus / "stripe-openapi" / "spec3.json").read_text(encoding="utf-8"))
    return operations_of(spec)


def operations_of(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                found[item[method].get("operationId", "")] = (method.upper(), path, item[method])
    return found


def param_key(params: Any) -> list[tuple[str, str, bool]]:
    return [(p["name"], p["in"], bool(p.get("required", False))) for p in params]


def page_param_key(page: RawPage) -> list[tuple[str, str, bool]]:
    return [(p.name, p.location, p.required) for p in page.parameters]


# The pages were written from a slightly older spec: these query parameters came later.
ADDED_IN_SPEC = {
    "GetCreditNotesPreview": {"effective_at"},
    "GetCreditNotesPreviewLines": {"effective_at"},
    "GetSubscriptions": {"automatic_tax"},
    "GetTerminalReaders": {"serial_number"},
}


def test_every_stripe_page_matches_the_spec(
    stripe_pages: dict[str, RawPage], spec_operations: Any
) -> None:
    assert len(stripe_pages) == 446
    for name, page in stripe_pages.items():
        assert page.operation_id == name.removesuffix(".html")
        method, path, operation = spec_operations[page.operation_id]
        assert (page.method, page.path) == (method, path), name
        added = ADDED_IN_SPEC.get(page.operation_id, set())
        params = [p for p in operation.get("parameters", []) if p["name"] not in added]
        order = {"path": 0, "query": 1, "header": 2}
        expected = sorted(param_key(params), key=lambda k: order[k[1]])
        assert page_param_key(page) == expected, name
        query = [p["name"] for p in params if p["in"] == "query"]
        assert list(page.query_template) == query, name
        assert page.host == "api.stripe.com:443"
        body = operation.get("requestBody", {}).get("content", {})
        assert page.media_type == next(iter(body), "") and page.has_body == bool(body)
        assert page.schema is None or page.schema.get("type") == "object"


def test_the_seed_page(
    corpus: Path, stripe_pages: dict[str, RawPage], spec_operations: Any
) -> None:
    page = stripe_pages["PostCustomersCustomer.html"]
    assert page.summary == "PostCustomersCustomer" and page.title == ""
    assert page.description.startswith("<p>Updates the specified customer by setting")
    assert page.description.endswith(
        "<p>This request accepts mostly the same arguments as the customer creation call.</p>"
    )
    assert page.headers[1] == ("eTag", '"23423432"')
    assert [(r.status, r.description) for r in page.responses] == [
        ("200", "Successful response."),
        ("default", "Error response."),
    ]
    operation = spec_operations["PostCustomersCustomer"][2]
    media = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert page.schema == media["schema"]
    text = (corpus / "pages" / "stripe" / "PostCustomersCustomer.html").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert 'class="requestLine">POST<' in lines[page.line - 1]
    assert 'class="schema">' in lines[page.schema_line - 1]
    assert 'class="parameterName">customer<' in lines[page.parameters[0].line - 1]
    assert 'class="requestSummary"' in lines[page.lines["h1"] - 1]


def test_every_old_build_page_has_no_schema_and_a_warning(
    corpus: Path, stripe_pages: dict[str, RawPage]
) -> None:
    pages, reporter = scrape_folder(corpus / "pages" / "_variants" / "b56c85d" / "stripe")
    assert sorted(pages) == sorted(stripe_pages)
    bodyless = {n for n, p in pages.items() if p.method in ("GET", "DELETE")}
    assert bodyless and len(reporter.items) == len(pages) - len(bodyless)
    for diagnostic in reporter.items:
        assert diagnostic.level == "warning" and diagnostic.code == "empty-schema"
        assert diagnostic.message == "request body schema is empty: the body is typed Any"
    for name, page in pages.items():
        new = stripe_pages[name]
        assert (page.method, page.path, page.query_template) == (
            new.method,
            new.path,
            new.query_template,
        )
        assert page_param_key(page) == page_param_key(new)
        # an empty body section on a GET or DELETE (no content type either) is no body
        assert page.schema is None and page.has_body == (name not in bodyless)
        assert page.host == "example.org:443" and page.layout == "b56c85d"
        assert page.media_type == "" and page.description == new.description


@pytest.mark.parametrize(
    ("folder", "spec"), [("sample", "sample"), ("apis-io-maintainers", "apis-io-maintainers")]
)
def test_small_apis_match_their_specs(corpus: Path, folder: str, spec: str) -> None:
    pages, reporter = scrape_folder(corpus / "pages" / folder)
    assert reporter.items == []
    document = yaml.safe_load((corpus / "specs" / f"{spec}.yaml").read_text(encoding="utf-8"))
    operations = operations_of(document)
    for name, page in pages.items():
        method, path, operation = operations[page.operation_id or "createSpeaker"]
        assert (page.method, page.path) == (method, path), name
        assert page_param_key(page) == param_key(operation.get("parameters", [])), name
        assert page.summary == (operation.get("summary") or page.operation_id)


def test_a_page_named_dot_html_has_an_empty_operation_id(corpus: Path) -> None:
    pages, _ = scrape_folder(corpus / "pages" / "sample")
    unnamed, named = pages[".html"], pages["createSpeaker.html"]
    assert unnamed.operation_id == "" and named.operation_id == "createSpeaker"
    assert unnamed.schema == named.schema and unnamed.schema is not None
    assert unnamed.title == unnamed.summary == "Create a new speaker"


def test_query_template_of_a_small_api(corpus: Path) -> None:
    page = scrape_page(corpus / "pages" / "apis-io-maintainers" / "getMaintainers.html", Reporter())
    assert page is not None and page.path == "/maintainers"
    assert page.query_template == ("search", "limit", "page") and page.media_type == ""
    assert not page.has_body and page.schema is None


# --- hand-written pages: the middle build of other APIs ---------------------------------------

PARAM = (
    '<dt  class="parameter"><span  class="parameterName">{name}</span> [ in: <span  '
    'class="parameterLocation">{loc}</span> type: <span  class="parameterType">string</span> ]</dt>'
    '<dd  class="parameter"><span  class="parameterDescription">{desc}</span> <span  '
    'class="parameterRequired">{req}</span></dd>'
)


def make_page(
    *,
    h1: str = "Create a call",
    description: str = "Makes a call.",
    method: str = "POST",
    target: str = "\\2010-04-01\\Accounts\\{AccountSid}\\Calls.json",
    headers: tuple[tuple[str, str], ...] = (("host", "api.twilio.com:443"),),
    params: tuple[tuple[str, str, str, str], ...] = (("AccountSid", "path", "", "required"),),
    schema: str | None = None,
) -> str:
    """A page as the middle build writes for other APIs (raw JSON schema, no eTag)."""
    head = (
        '<!DOCTYPE html><html><head><title></title><link rel="stylesheet" href="../OpenApi.css"/>'
        '<meta charset="utf-8"/></head><body><article><section  class="requestOverview">'
        f'<h1  class="requestSummary">{h1}</h1><p  class="requestDescription">{description}</p>'
        '</section><section  class="http"><h3>HTTP Request</h3><pre  class="httpExample">'
        f'<span  class="requestLine">{method}</span> <span  class="httpTarget">{target}</span> '
        '<span  class="httpVersion">HTTP/1.1</span>\n'
    )
    lines = "".join(
        f'<span  class="headerLine">{n}</span>: <span  class="headerValue">{v}</span>\n'
        for n, v in headers
    )
    plist = "".join(PARAM.format(name=n, loc=loc, desc=d, req=r) for n, loc, d, r in params)
    body = (
        ""
        if schema is None
        else f'<section  class="requestContent"><h3>Request Body Schema</h3><pre  class="schema">{schema}</pre></section>'
    )
    tail = (
        '<section  class="responses"><h2>Responses</h2><ul  class="responses"><li  class="response">'
        '<span  class="statusLine">201</span> <span  class="statusDescription">Created</span></li>'
        "</ul></section></article></body></html>"
    )
    return f'{head}{lines}</pre></section><dl  class="parameters"><h3>Parameters</h3>{plist}</dl>{body}{tail}'


FORM = (("host", "api.twilio.com:443"), ("content-type", "application/x-www-form-urlencoded"))
TWIML = {
    "type": "object",
    "required": ["To"],
    "properties": {
        "To": {"type": "string", "description": "Phone number & more"},
        "Twiml": {"type": "string", "description": "TwiML such as <Say>Hello</Say> &amp; <Play/>"},
    },
}


def scrape(
    tmp_path: Path, text: str | bytes, name: str = "Page.html"
) -> tuple[RawPage | None, Reporter]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    reporter = Reporter()
    return scrape_page(path, reporter, display=name), reporter


def test_raw_json_schema_keeps_tag_like_text_and_ampersands(tmp_path: Path) -> None:
    raw = json.dumps(TWIML, indent=2)
    page, reporter = scrape(tmp_path, make_page(headers=FORM, schema=raw))
    assert reporter.items == [] and page is not None
    assert page.schema == TWIML
    assert page.media_type == "application/x-www-form-urlencoded"
    assert page.path == "/2010-04-01/Accounts/{AccountSid}/Calls.json"
    text = (tmp_path / "Page.html").read_text(encoding="utf-8")
    assert text.splitlines()[page.schema_line - 1].endswith('<pre  class="schema">{')


def test_entity_encoded_schema_with_escaped_ampersand(tmp_path: Path) -> None:
    encoded = html.escape(json.dumps(TWIML, indent=2)).replace("\n", "&#xA;")
    page, reporter = scrape(tmp_path, make_page(headers=FORM, schema=encoded))
    assert reporter.items == [] and page is not None and page.schema == TWIML


def test_sentence_heading_with_trailing_newline(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, make_page(h1="Create a new outgoing call\n"))
    assert reporter.items == [] and page is not None
    assert page.summary == "Create a new outgoing call"
    assert page.lines["h1"] == 1 and page.line == 2  # the request line comes after the newline


def test_no_host_line_no_etag(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, make_page(headers=(("accept", "application/json"),)))
    assert reporter.items == [] and page is not None
    assert page.host == "" and page.headers == (("accept", "application/json"),)
    assert not page.has_body and page.schema is None


def test_multipart_body(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
    headers = (("host", "api.openai.com:443"), ("content-type", "multipart/form-data"))
    page, reporter = scrape(
        tmp_path,
        make_page(target="\\v1\\files", headers=headers, params=(), schema=json.dumps(schema)),
    )
    assert reporter.items == [] and page is not None
    assert page.media_type == "multipart/form-data" and page.schema == schema and page.has_body


def test_percent_encoded_query_names_and_raw_angle_brackets(tmp_path: Path) -> None:
    target = "\\Calls.json{?StartTime%3C*,StartTime%3E*,Page%2DSize*,To*}"
    params = (
        ("StartTime<", "query", "Only calls before <date>", "optional"),
        ("StartTime>", "query", "", "optional"),
        ("Page-Size", "query", "", "optional"),
        ("To", "query", "", "required"),
    )
    page, reporter = scrape(tmp_path, make_page(method="GET", target=target, params=params))
    assert reporter.items == [] and page is not None
    assert page.path == "/Calls.json"
    assert page.query_template == ("StartTime<", "StartTime>", "Page-Size", "To")
    assert [p.name for p in page.parameters] == list(page.query_template)
    assert [p.required for p in page.parameters] == [False, False, False, True]


def test_description_is_kept_as_written(tmp_path: Path) -> None:
    description = "<p>Use <Say> &amp; <code>x < 5</code>.</p>\n\n<p>Second.</p>"
    page, _ = scrape(tmp_path, make_page(description=description))
    assert page is not None and page.description == description
    assert page.line == 3  # two newlines in the description before the request line


# --- broken pages: every diagnostic, whole -----------------------------------------------------


def diagnostics(reporter: Reporter) -> list[str]:
    return [str(d) for d in reporter.sorted()]


def test_empty_file(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, "  \n")
    assert page is None
    assert diagnostics(reporter) == [
        "Page.html:1: error: empty file: expected an HTML operation page"
    ]


@pytest.mark.parametrize("text", ["just some words\nand more", '{"openapi": "3.0.0"}'])
def test_not_html(tmp_path: Path, text: str) -> None:
    page, reporter = scrape(tmp_path, text)
    assert page is None
    assert diagnostics(reporter) == ["Page.html:1: error: not an HTML page: no tags found"]


def test_missing_heading(tmp_path: Path) -> None:
    text = make_page().replace('<h1  class="requestSummary">Create a call</h1>', "")
    page, reporter = scrape(tmp_path, text)
    assert page is None
    assert diagnostics(reporter) == [
        'Page.html:1: error: not an operation page: no <h1 class="requestSummary">'
    ]


def test_newest_layout_without_request_line_names_it_as_spelt(tmp_path: Path) -> None:
    text = '<html><body><h1 class="request-summary">X</h1></body></html>'
    page, reporter = scrape(tmp_path, text)
    assert page is None
    assert diagnostics(reporter) == [
        'Page.html:1: error: no request line (<span class="request-line">)'
    ]


def test_missing_request_line(tmp_path: Path) -> None:
    text = make_page(h1="A\n").replace('<span  class="requestLine">POST</span>', "")
    page, reporter = scrape(tmp_path, text)
    assert page is None
    assert diagnostics(reporter) == [
        'Page.html:2: error: no request line (<span class="requestLine">)'
    ]


def test_missing_target(tmp_path: Path) -> None:
    text = make_page(h1="A\n").replace('class="httpTarget"', 'class="other"')
    page, reporter = scrape(tmp_path, text)
    assert page is None
    assert diagnostics(reporter) == [
        'Page.html:2: error: no request target (<span class="httpTarget">)'
    ]


def test_bad_method(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, make_page(method="PO ST"))
    assert page is None
    assert diagnostics(reporter) == [
        "Page.html:1: error: bad HTTP method 'PO ST' in the request line"
    ]


def test_missing_schema_section(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, make_page(headers=FORM))
    assert page is None
    assert diagnostics(reporter) == [
        "Page.html:4: error: the request has a body (application/x-www-form-urlencoded) but the "
        'page has no request body schema section (<pre class="schema">)'
    ]


def test_schema_not_an_object(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, make_page(headers=FORM, schema="[1, 2]"))
    assert page is None
    assert diagnostics(reporter) == [
        "Page.html:4: error: request body schema is not a JSON object (got list)"
    ]


def test_truncated_raw_schema_names_the_failing_line(tmp_path: Path) -> None:
    text = make_page(headers=FORM, schema=json.dumps(TWIML, indent=2))
    cut = text.index('"Twiml"')  # the page ends on schema line 11
    page, reporter = scrape(tmp_path, text[:cut])
    assert page is None
    # the schema starts on page line 4; JSON fails on schema line 11 → page line 14
    assert diagnostics(reporter) == [
        "Page.html:14: error: request body schema is not valid JSON: Expecting property name "
        "enclosed in double quotes at schema line 11 column 5 (the schema is cut off: truncated page?)"
    ]


def test_truncated_seed_page(tmp_path: Path, corpus: Path) -> None:
    text = (corpus / "pages" / "stripe" / "PostCustomersCustomer.html").read_text(encoding="utf-8")
    whole, _ = scrape(tmp_path, text)
    assert whole is not None and whole.schema_line > 1
    cut = text.index("&quot;tax_exempt&quot;")
    page, reporter = scrape(tmp_path, text[:cut])
    assert page is None
    [diagnostic] = reporter.items
    # the encoded schema is one line of the page, whatever its JSON line
    assert diagnostic.line == whole.schema_line and diagnostic.code == "schema-json"
    assert "at schema line 444 column 5" in diagnostic.message
    assert diagnostic.message.endswith("(the schema is cut off: truncated page?)")


def test_bad_json_inside_an_encoded_schema_gives_its_line(tmp_path: Path) -> None:
    encoded = "{&#xA;&quot;type&quot;: &quot;object&quot;,&#xA;&quot;x&quot; 1}"
    page, reporter = scrape(tmp_path, make_page(headers=FORM, schema=encoded))
    assert page is None
    assert diagnostics(reporter) == [
        "Page.html:4: error: request body schema is not valid JSON: Expecting ':' delimiter "
        "at schema line 3 column 5"
    ]


def test_unknown_parameter_location_is_skipped(tmp_path: Path) -> None:
    params = (("AccountSid", "path", "", "required"), ("session", "Cookie", "", "optional"))
    page, reporter = scrape(tmp_path, make_page(params=params))
    assert page is not None and [p.name for p in page.parameters] == ["AccountSid"]
    assert page.parameters[0].location == "path"
    assert diagnostics(reporter) == [
        "Page.html:3: warning: parameter 'session': unknown location 'cookie'; parameter skipped"
    ]


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    data = make_page(h1="A\nB\n").encode()
    offset = data.index(b"B")
    page, reporter = scrape(tmp_path, data[:offset] + b"\xff" + data[offset + 1 :])
    assert page is None
    assert diagnostics(reporter) == [
        f"Page.html:2: error: invalid UTF-8 at byte offset {offset} (byte 0xff)"
    ]


def test_deeply_nested_schema_is_reported(tmp_path: Path) -> None:
    nested = '{"type": "object", "x": ' * 500 + "{}" + "}" * 500
    page, reporter = scrape(tmp_path, make_page(headers=FORM, schema=nested))
    assert page is None
    assert diagnostics(reporter) == [
        "Page.html:4: error: request body schema is nested deeper than 100 levels"
    ]


def test_schema_too_deep_for_the_json_parser_is_reported(tmp_path: Path) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    page, reporter = scrape(tmp_path, make_page(headers=FORM, schema=nested))
    assert page is None
    assert diagnostics(reporter) == [
        "Page.html:4: error: request body schema is nested too deeply to parse"
    ]


def test_a_20_megabyte_page(tmp_path: Path) -> None:
    properties = {
        f"field_{i}": {"type": "string", "description": "<b>x</b> & y" * 4} for i in range(150_000)
    }
    schema = json.dumps({"type": "object", "properties": properties}, indent=1)
    description = "<p>A <code>long</code> description.</p>\n" * 100_000
    text = make_page(headers=FORM, description=description, schema=schema)
    assert len(text) > 20_000_000
    page, reporter = scrape(tmp_path, text)
    assert reporter.items == [] and page is not None
    assert page.schema is not None and len(page.schema["properties"]) == 150_000
    assert page.description == description and page.line == 100_001


def test_any_truncation_of_the_seed_page_is_reported_not_raised(
    tmp_path: Path, corpus: Path
) -> None:
    text = (corpus / "pages" / "stripe" / "PostCustomersCustomer.html").read_text(encoding="utf-8")
    for cut in range(0, len(text), len(text) // 60):
        page, reporter = scrape(tmp_path, text[:cut])
        if page is None:
            assert reporter.has_errors, cut
        assert all(d.file == "Page.html" for d in reporter.items)


# --- discover ----------------------------------------------------------------------------------


def test_discover_finds_api_folders(tmp_path: Path) -> None:
    for folder, names in {
        "Stripe": ["b.html", "a.html", ".html", "notes.txt"],
        "apis-io-maintainers": ["x.html"],
        "_variants": ["y.html"],
        ".hidden": ["z.html"],
        "empty": ["readme.md"],
        "3d": ["p.html"],
    }.items():
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_text("<html></html>")
    found = [(folder.name, [p.name for p in pages]) for folder, pages in discover(tmp_path)]
    assert found == [
        ("3d", ["p.html"]),
        ("Stripe", [".html", "a.html", "b.html"]),
        ("apis-io-maintainers", ["x.html"]),
    ]
    own = tmp_path / "_variants"
    assert discover(own) == [(own.resolve(), [own / "y.html"])]


def test_discover_the_corpus(corpus: Path) -> None:
    found = {folder.name: pages for folder, pages in discover(corpus / "pages")}
    assert sorted(found) == ["apis-io-maintainers", "sample", "stripe"]
    assert len(found["stripe"]) == 446 and found["sample"][0].name == ".html"
    [(folder, pages)] = discover(corpus / "pages" / "_variants" / "b56c85d")
    assert folder.name == "stripe" and len(pages) == 446


def test_a_folder_is_not_a_page(tmp_path: Path) -> None:
    (tmp_path / "Folder.html").mkdir()
    reporter = Reporter()
    assert scrape_page(tmp_path / "Folder.html", reporter, display="Folder.html") is None
    assert [str(d) for d in reporter.items] == [
        "Folder.html: error: a folder, not a regular file"
    ]


def test_unclear_required_text_is_a_warning(tmp_path: Path) -> None:
    page, reporter = scrape(tmp_path, make_page(params=(("AccountSid", "path", "", "maybe"),)))
    assert page is not None and page.parameters[0].required is False
    assert diagnostics(reporter) == [
        "Page.html:3: warning: parameter 'AccountSid': 'maybe' is neither required nor optional; "
        "taken as optional"
    ]

"""OpenAPI documents read into the same raw records as the pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Reporter
from generator.scrape import OpenApiInput, RawPage, read_openapi, scrape_page
from generator.scrape.refs import RECURSIVE, REF_NAME
from tests.cli_run import doc2client
from tests.conftest import shared_document

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def stripe_spec(corpus: Path) -> tuple[OpenApiInput, Reporter, dict[str, Any]]:
    path = corpus / "stripe-openapi" / "spec3.json"
    document, diagnostics = shared_document(path)
    reporter = Reporter()
    reporter.items.extend(diagnostics)
    return document, reporter, json.loads(path.read_text(encoding="utf-8"))


def test_stripe_spec_reads_every_operation(stripe_spec: Any) -> None:
    document, reporter, raw = stripe_spec
    assert reporter.items == []
    assert (document.title, document.version) == ("Stripe API", "2023-08-16")
    assert document.servers == ("https://api.stripe.com/",)
    expected = [
        (method.upper(), path, item[method]["operationId"])
        for path, item in raw["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]
    assert len(expected) == 468
    assert [(p.method, p.path, p.operation_id) for p in document.pages] == expected
    assert all(p.host == "api.stripe.com:443" for p in document.pages)


def test_seed_operation_schema_equals_the_seed_page(stripe_spec: Any, corpus: Path) -> None:
    document, _, _ = stripe_spec
    [record] = [p for p in document.pages if p.operation_id == "PostCustomersCustomer"]
    page = scrape_page(corpus / "pages" / "stripe" / "PostCustomersCustomer.html", Reporter())
    assert page is not None and record.schema is not None
    assert record.schema == page.schema
    assert (record.method, record.path, record.media_type) == (
        page.method,
        page.path,
        page.media_type,
    )
    assert record.description == page.description and record.summary == page.summary
    assert record.headers == tuple(h for h in page.headers if h[0] != "eTag")
    text = (corpus / "stripe-openapi" / "spec3.json").read_text(encoding="utf-8").splitlines()
    assert text[record.line - 1].strip() == '"post": {'
    path_keys = [line for line in text[: record.line] if line.startswith('    "/')]
    assert path_keys[-1].strip() == '"/v1/customers/{customer}": {'


def test_stripe_records_agree_with_the_pages(stripe_spec: Any, corpus: Path) -> None:
    document, _, _ = stripe_spec
    records = {p.operation_id: p for p in document.pages}
    reporter = Reporter()
    same_schema = 0
    for path in sorted((corpus / "pages" / "stripe").glob("*.html")):
        page = scrape_page(path, reporter)
        assert page is not None
        record = records[page.operation_id]
        assert (record.method, record.path, record.media_type) == (
            page.method,
            page.path,
            page.media_type,
        )
        assert set(page.query_template) <= set(record.query_template)
        assert [r.status for r in record.responses] == [r.status for r in page.responses]
        same_schema += record.schema == page.schema
    assert reporter.items == []
    assert same_schema > 100  # most others differ only in "properties": {} the pages drop


def test_parameter_schemas_are_kept(stripe_spec: Any) -> None:
    document, _, _ = stripe_spec
    [record] = [p for p in document.pages if p.operation_id == "GetCustomers"]
    by_name = {p.name: p for p in record.parameters}
    assert by_name["limit"].schema == {"type": "integer"} and by_name["limit"].type == "integer"
    assert by_name["expand"].type == "array" and by_name["expand"].location == "query"
    assert record.query_template == tuple(p.name for p in record.parameters)


def _unnamed(schema: Any) -> Any:
    """``schema`` without the ``REF_NAME`` marks of the ``$ref``s it was inlined from (a
    page, which holds its schema inlined, has none)."""
    if isinstance(schema, dict):
        return {k: _unnamed(v) for k, v in schema.items() if k != REF_NAME}
    if isinstance(schema, list):
        return [_unnamed(v) for v in schema]
    return schema


@pytest.mark.parametrize(
    ("spec", "folder"), [("sample", "sample"), ("apis-io-maintainers", "apis-io-maintainers")]
)
def test_small_specs_agree_with_their_pages(corpus: Path, spec: str, folder: str) -> None:
    reporter = Reporter()
    document = read_openapi(corpus / "specs" / f"{spec}.yaml", reporter)
    assert document is not None and reporter.items == []
    records = {p.operation_id: p for p in document.pages}
    for path in sorted((corpus / "pages" / folder).glob("*.html")):
        page = scrape_page(path, reporter)
        assert page is not None
        if not page.operation_id:
            continue  # the page of an operation that had no operationId then
        record = records[page.operation_id]
        assert (record.method, record.path, _unnamed(record.schema)) == (
            page.method, page.path, page.schema)  # fmt: skip
        assert record.query_template == page.query_template and record.host == page.host
        assert [(p.name, p.location, p.required, p.type) for p in record.parameters] == [
            (p.name, p.location, p.required, p.type) for p in page.parameters
        ]
        assert (record.summary, record.title, record.description) == (
            page.summary,
            page.title,
            page.description,
        )


def test_small_spec_lines_point_at_the_operation(corpus: Path) -> None:
    path = corpus / "specs" / "sample.yaml"
    document = read_openapi(path, Reporter())
    assert document is not None
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [lines[p.line - 1].strip() for p in document.pages] == ["get:", "post:"]


# --- hand-written documents --------------------------------------------------------------------

DOC = """\
openapi: 3.1.0
info: {title: Demo, version: "2"}
servers: [{url: "http://demo.example:8080/api"}, {url: "https://other.example"}]
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: verbose, in: query, schema: {type: boolean}}
    post:
      operationId: UpdateItem
      parameters:
        - {name: verbose, in: query, required: true, schema: {type: [integer, "null"]}}
        - {name: X-Trace, in: header, schema: {type: string}}
        - {name: session, in: cookie, schema: {type: string}}
        - {$ref: "#/components/parameters/Page"}
      requestBody:
        content:
          multipart/form-data:
            schema: {$ref: "#/components/schemas/Item"}
          application/json:
            schema: {type: object}
      responses:
        "200": {description: OK, content: {application/json: {schema: {type: object}}}}
        default: {$ref: "#/components/responses/Error"}
components:
  parameters:
    Page: {name: page, in: query, schema: {type: integer, default: 2020-01-01}}
  responses:
    Error: {description: Error response.}
  schemas:
    Item:
      type: object
      properties:
        file: {type: string, format: binary}
        parent: {$ref: "#/components/schemas/Item", description: the parent}
        tag: {$ref: "#/components/schemas/Tag"}
    Tag: {type: string, maxLength: 10}
"""


def read(tmp_path: Path, text: str, name: str = "api.yaml") -> tuple[OpenApiInput | None, Reporter]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    reporter = Reporter()
    return read_openapi(path, reporter), reporter


def test_hand_written_document(tmp_path: Path) -> None:
    document, reporter = read(tmp_path, DOC)
    assert document is not None
    [page] = document.pages
    assert (page.operation_id, page.summary, page.title) == ("UpdateItem", "UpdateItem", "")
    assert (page.method, page.path, page.host) == ("POST", "/items/{id}", "demo.example:8080")
    assert [(p.name, p.location, p.required, p.type) for p in page.parameters] == [
        ("id", "path", True, "string"),
        ("verbose", "query", True, "integer"),  # the operation's own wins
        ("page", "query", False, "integer"),
        ("X-Trace", "header", False, "string"),
        ("session", "cookie", False, "string"),  # sent in the Cookie header (RFC 6265)
    ]
    assert page.parameters[2].schema == {"type": "integer", "default": "2020-01-01"}
    assert page.query_template == ("verbose", "page")
    assert page.media_type == "multipart/form-data" and page.has_body
    assert page.headers == (
        ("host", "demo.example:8080"),
        ("accept", "application/json"),
        ("content-type", "multipart/form-data"),
    )
    assert [(r.status, r.description) for r in page.responses] == [
        ("200", "OK"),
        ("default", "Error response."),
    ]
    assert page.schema == {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "parent": {"$ref": "#/components/schemas/Item", "description": "the parent"},
            "tag": {"type": "string", "maxLength": 10},
        },
        RECURSIVE: "#/components/schemas/Item",  # the cut $ref above points back here
        REF_NAME: "#/components/schemas/Item",  # the requestBody's $ref: the type's name
    }
    assert page.line == 9
    assert [str(d) for d in reporter.sorted()] == []


def test_unresolvable_ref_skips_the_operation(tmp_path: Path) -> None:
    text = DOC.replace('{$ref: "#/components/schemas/Tag"}', '{$ref: "#/components/schemas/Nope"}')
    document, reporter = read(tmp_path, text)
    assert document is not None and document.pages == ()
    errors = [str(d) for d in reporter.sorted() if d.level == "error"]
    assert errors == [
        f"{tmp_path / 'api.yaml'}:9: error: unresolvable $ref '#/components/schemas/Nope': no 'Nope' "
        "in the document; operation skipped "
        "[/paths/~1items~1{id}/post/requestBody/content/multipart~1form-data/schema/properties/tag]",
        f"{tmp_path / 'api.yaml'}:{_line_of(text, 'Nope')}: error: unresolvable $ref "
        "'#/components/schemas/Nope': no 'Nope' in the document "
        "[/components/schemas/Item/properties/tag/$ref]",  # where the $ref itself stands
    ]


def test_a_dangling_response_ref_is_reported_once_as_the_error(tmp_path: Path) -> None:
    schema = {"$ref": "#/components/schemas/Gone"}
    doc = {"openapi": "3.1.0", "info": {"title": "Pets", "version": "1"},
           "servers": [{"url": "https://pets.example"}],
           "paths": {"/pets": {"get": {"operationId": "listPets", "responses": {"200": {
               "description": "the pets", "content": {"application/json": {"schema": schema}}}}}}}}
    (tmp_path / "api.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    run = doc2client("generate", "api.json", "-o", "out", "--no-cache", cwd=tmp_path)
    pointer = "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref"
    assert run.returncode == 2
    assert [line for line in run.stderr.splitlines() if "Gone" in line] == [
        f"api.json:{_line_of(json.dumps(doc, indent=2), 'Gone')}: error: unresolvable $ref "
        f"'#/components/schemas/Gone': no 'components' in the document [{pointer}]"]
    assert "; 1 error, 0 warnings (1 error bad-ref);" in run.stderr


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_json_document_with_3_0_sibling_rules(tmp_path: Path) -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "J", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "GetA",
                    "summary": "Get an A",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {
                                "$ref": "#/components/schemas/Q",
                                "description": "ignored in 3.0",
                            },
                        }
                    ],
                    "responses": {"200": {"description": "OK"}},
                }
            }
        },
        "components": {"schemas": {"Q": {"type": "string"}}},
    }
    document, reporter = read(tmp_path, json.dumps(doc, indent=2), "api.json")
    assert reporter.items == [] and document is not None
    [page] = document.pages
    assert page.parameters[0].schema == {"type": "string"}
    assert (page.summary, page.title, page.host, page.headers) == ("Get an A", "Get an A", "", ())
    assert not page.has_body and page.schema is None and page.media_type == ""
    assert page.line == 9  # "get": { under "/a" under "paths"
    document, _ = read(tmp_path, json.dumps(doc), "min.json")
    assert document is not None and document.pages[0].line == 1


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("", "api.yaml", "{file}:1: error: empty file: expected an OpenAPI document"),
        (
            '{"openapi": "3.0.0",\n "paths": {',
            "api.json",
            "{file}:2:12: error: not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "swagger: '2.0'\npaths: {}\n",
            "api.yaml",
            "{file}:1: error: a Swagger 2.0 document: doc2client reads OpenAPI 3.0/3.1; convert "
            "it first (for example with swagger2openapi) [/swagger]",
        ),
        (
            "openapi: 2.0\n",
            "api.yaml",
            "{file}:1: error: not an OpenAPI 3.0/3.1 document (openapi: 2.0) [/openapi]",
        ),
        (
            "- a\n- b\n",
            "api.yaml",
            "{file}:1: error: not an OpenAPI 3.0/3.1 document (no 'openapi' field) [/openapi]",
        ),
        ("openapi: 3.0.0\ninfo: {}\n", "api.yaml", "{file}: error: no 'paths' object [/paths]"),
    ],
)
def test_broken_documents(tmp_path: Path, text: str, name: str, expected: str) -> None:
    document, reporter = read(tmp_path, text, name)
    file = tmp_path / name
    assert [str(d) for d in reporter.sorted()] == [expected.format(file=file)]
    if reporter.has_errors and "paths" not in expected:
        assert document is None


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    document, reporter = read(tmp_path, "openapi: 3.0.0\npaths: [a\n")
    assert document is None
    [diagnostic] = reporter.items
    assert (diagnostic.level, diagnostic.line, diagnostic.code) == ("error", 3, "openapi-syntax")
    assert str(diagnostic).startswith(f"{tmp_path / 'api.yaml'}:3:1: error: not valid YAML: ")
    assert diagnostic.message.startswith("not valid YAML: ") and "']'" in diagnostic.message


def test_self_referencing_parameter_is_an_error_not_a_loop(tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters:\n"
        '        - $ref: "#/components/parameters/P"\n      responses: {}\n'
        'components:\n  parameters:\n    P: {$ref: "#/components/parameters/P"}\n'
    )
    document, reporter = read(tmp_path, text)
    assert document is not None and document.pages == ()
    [diagnostic] = reporter.items
    assert diagnostic.code == "bad-ref" and diagnostic.line == 4
    assert diagnostic.pointer == "/paths/~1a/get/parameters/0"


def test_deep_schema_is_reported(tmp_path: Path) -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(300):
        schema = {"type": "array", "items": schema}
    doc = {
        "openapi": "3.0.0",
        "paths": {
            "/a": {"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}}}
        },
    }
    document, reporter = read(tmp_path, json.dumps(doc), "api.json")
    assert document is not None
    [page] = document.pages
    assert page.schema is None and page.has_body
    [diagnostic] = reporter.items
    assert diagnostic.message == "schema is nested deeper than 100 levels; typed Any"
    assert diagnostic.pointer == "/paths/~1a/post/requestBody/content/application~1json/schema"


def test_record_type_is_the_page_record(tmp_path: Path) -> None:
    document, _ = read(tmp_path, DOC)
    assert document is not None and all(isinstance(p, RawPage) for p in document.pages)


# --- documents as they are in the wild ----------------------------------------------------------

MULTI_FILE = {
    "root/api.yaml": """\
openapi: 3.0.0
info: {title: Droplet Cloud API (Beta), version: "1"}
paths:
  /v2/droplets/{droplet_id}:
    $ref: "paths/droplet.yml"
""",
    "root/paths/droplet.yml": """\
parameters:
  - $ref: "../shared/parameters.yml#/droplet_id"
get:
  $ref: "../resources/droplets/get.yml"
""",
    "root/resources/droplets/get.yml": """\
operationId: droplets_get
parameters:
  - {name: verbose, in: query, schema: {$ref: "models/flag.yml"}}
responses:
  "200":
    $ref: "../../shared/responses.yml#/ok"
""",
    "root/resources/droplets/models/flag.yml": "type: boolean\n",
    "root/shared/parameters.yml": """\
droplet_id:
  name: droplet_id
  in: path
  required: true
  schema: {$ref: "#/id"}
id: {type: integer, minimum: 1}
""",
    "root/shared/responses.yml": """\
ok:
  description: The droplet.
  content:
    application/json:
      schema: {type: object}
""",
}


def write_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / next(iter(files))


def test_external_refs_on_path_items_operations_parameters_and_responses(tmp_path: Path) -> None:
    reporter = Reporter()
    document = read_openapi(write_tree(tmp_path, MULTI_FILE), reporter)
    assert document is not None and not reporter.items
    [page] = document.pages
    assert page.operation_id == "droplets_get"
    assert [(p.name, p.location, p.schema) for p in page.parameters] == [
        ("droplet_id", "path", {"type": "integer", "minimum": 1}),  # path item's, via two files
        ("verbose", "query", {"type": "boolean"}),  # relative to the operation's file
    ]
    assert [(r.status, r.description) for r in page.responses] == [("200", "The droplet.")]
    assert [name for name, _ in document.files] == [
        "paths/droplet.yml", "resources/droplets/get.yml", "resources/droplets/models/flag.yml",
        "shared/parameters.yml", "shared/responses.yml",
    ]


def test_missing_external_file_skips_the_operation_with_a_located_error(tmp_path: Path) -> None:
    files = {**MULTI_FILE, "root/paths/droplet.yml": "get: {$ref: 'nowhere.yml'}\n"}
    reporter = Reporter()
    document = read_openapi(write_tree(tmp_path, files), reporter)
    assert document is not None and document.pages == ()
    diagnostic, at_the_ref = reporter.items  # the operation skipped; the $ref, where it stands
    for found in (diagnostic, at_the_ref):
        assert (found.level, found.code) == ("error", "bad-ref")
        assert "unresolvable $ref 'paths/nowhere.yml#': cannot read paths/nowhere.yml" in found.message
    assert diagnostic.pointer == "/paths/~1v2~1droplets~1{droplet_id}/get"
    assert Path(at_the_ref.file).parts[-2:] == ("paths", "droplet.yml")
    assert (at_the_ref.line, at_the_ref.pointer) == (1, "/get/$ref")


def test_a_dangling_ref_in_another_file_is_an_error_at_its_own_line(tmp_path: Path) -> None:
    """Also in a response schema, which an operation's reading only warns about (its
    responses go untyped): every ``$ref`` of the files the document reached must resolve."""
    model = "type: object\nproperties:\n  name: {type: string}\n  author: {$ref: 'common.yaml#/Autor'}\n"
    get = MULTI_FILE["root/resources/droplets/get.yml"].replace("responses:\n", (
        "responses:\n  '201': {description: made, content: {application/json: "
        "{schema: {$ref: '../../models/note.yaml'}}}}\n"), 1)
    files = {**MULTI_FILE, "root/models/note.yaml": model, "root/models/common.yaml": "Author: {}\n",
             "root/resources/droplets/get.yml": get}  # fmt: skip
    reporter = Reporter()
    read_openapi(write_tree(tmp_path, files), reporter)
    errors = [d for d in reporter.items if d.level == "error"]
    assert [(Path(d.file).parts[-2:], d.line, d.pointer) for d in errors] == [
        (("models", "note.yaml"), 4, "/properties/author/$ref")]
    assert "no 'Autor' in models/common.yaml" in errors[0].message


def test_package_is_named_after_the_title(tmp_path: Path) -> None:
    from generator.options import Options
    from generator.pipeline import find_sources, load_api

    root = write_tree(tmp_path, MULTI_FILE)
    reporter = Reporter()
    [source] = find_sources(root, reporter)
    api = load_api(source, reporter, Options())
    assert api is not None and api.name == "droplet_cloud"
    assert (api.title, api.version) == ("Droplet Cloud API (Beta)", "1")  # info, for the docs
    from generator.emit.render import named_api

    assert named_api(api.title) == "Droplet Cloud API (Beta)" and named_api("stripe") == "stripe API"
    [named] = find_sources(root, reporter, name="mine")
    api = load_api(named, reporter, Options())
    assert api is not None and api.name == "mine"


def test_documents_are_found_in_api_folders_by_their_openapi_key(tmp_path: Path) -> None:
    """Given a folder, its API folders' documents are found (a vendor's checkout holds its
    document one folder down), and only the files whose root has an ``openapi`` key: the
    fragments beside them are not read as documents."""
    from generator.pipeline import find_sources

    write_tree(tmp_path / "vendor", MULTI_FILE)  # vendor/root/api.yaml and its fragments
    (tmp_path / "vendor/root/description.yml").write_text("intro: text\n", encoding="utf-8")
    (tmp_path / "box").mkdir()
    (tmp_path / "box/openapi.json").write_text(
        json.dumps({"info": {"title": "Box"}, "openapi": "3.1.0", "paths": {}}), encoding="utf-8"
    )
    (tmp_path / "box/package.json").write_text('{"name": "box"}', encoding="utf-8")
    reporter = Reporter()
    assert [s.openapi for s in find_sources(tmp_path / "vendor", reporter)] == [
        tmp_path / "vendor/root/api.yaml"]
    assert [s.openapi for s in find_sources(tmp_path, reporter)] == [
        tmp_path / "box/openapi.json"]  # not package.json, nor vendor's: two folders down
    assert [s.openapi for s in find_sources(tmp_path / "box", reporter)] == [
        tmp_path / "box/openapi.json", tmp_path / "box/package.json"]  # given: each is read
    assert not reporter.has_errors, reporter.sorted()


def test_ref_directly_under_content_is_followed_with_a_note(tmp_path: Path) -> None:
    text = """\
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    post:
      operationId: A
      requestBody:
        content: {$ref: "#/components/mediaTypes/thing"}
      responses:
        "200":
          description: OK
          content:
            $ref: "#/components/mediaTypes/thing"
        "201":
          description: Created
          content:
            json: {schema: {type: object}}
components:
  mediaTypes:
    thing:
      application/json:
        schema: {type: object, properties: {n: {type: integer}}}
"""
    document, reporter = read(tmp_path, text)
    assert document is not None
    [page] = document.pages
    assert page.media_type == "application/json"
    assert page.schema == {"type": "object", "properties": {"n": {"type": "integer"}}}
    assert ("accept", "application/json") in page.headers
    assert [(d.line, d.level, d.code, d.pointer) for d in reporter.sorted()] == [
        (5, "note", "content-ref", "/paths/~1a/post/requestBody/content"),  # followed
        (5, "note", "content-ref", "/paths/~1a/post/responses/200/content"),
        (5, "warning", "content-key", "/paths/~1a/post/responses/201/content/json"),  # skipped
    ]


def test_ref_directly_under_properties_reads_the_map_it_names(tmp_path: Path) -> None:
    """``properties: {$ref: ...}`` (DigitalOcean's load balancer) is a map of properties kept
    elsewhere: read as that map, in requests and responses alike, with a note."""
    from tests.openapi_client import build_api

    text = """\
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    post:
      operationId: A
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
      responses:
        "200":
          description: OK
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
components:
  schemas:
    Thing:
      allOf:
        - {type: object, properties: {name: {type: string}}}
        - {type: object, properties: {$ref: "#/components/attributes/ids"}}
  attributes:
    ids: {ids: {type: array, items: {type: integer}}}
"""
    reporter = Reporter()
    api = build_api(tmp_path, text, "t", reporter)
    assert not reporter.has_errors
    fields = {o.name: sorted(f.wire_name for f in o.fields) for o in api.shapes}
    assert fields and all(names == ["ids", "name"] for names in fields.values()), fields
    assert {(d.level, d.code) for d in reporter.items} == {("note", "properties-ref")}


YAML_1_1_TRAPS = """\
openapi: 3.1.0
info: {title: Switches, version: "1"}
paths:
  /switches:
    post:
      operationId: setSwitch
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                on: {type: boolean, default: false}
                mode: {type: string, enum: [yes, no, auto]}
      responses:
        200: {description: switched}
        404: {description: no such switch}
"""


def test_yaml_reads_as_json_would(tmp_path: Path) -> None:
    """YAML 1.2 core booleans and string keys: ``on:`` is a property, ``200:`` a status."""
    document, reporter = read(tmp_path, YAML_1_1_TRAPS)
    assert document is not None, [str(d) for d in reporter.sorted()]
    [page] = document.pages
    assert page.schema is not None
    assert page.schema["properties"]["on"] == {"type": "boolean", "default": False}
    assert page.schema["properties"]["mode"]["enum"] == ["yes", "no", "auto"]
    assert [r.status for r in page.responses] == ["200", "404"]
    assert not reporter.sorted()


def test_a_problem_in_a_returned_component_is_at_the_components_line(tmp_path: Path) -> None:
    """A response's kept ``$ref`` target is read where an operation uses it; its problem is
    reported at its own line in ``components``, not the operation's."""
    from generator.options import Options
    from generator.pipeline import find_sources, load_api

    text = """openapi: 3.0.3
info: {title: Tracker, version: '1'}
paths:
  /issues:
    get:
      operationId: listIssues
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Issue'}}}}
components:
  schemas:
    Issue:
      type: object
      properties:
        number: {type: int}
"""
    (tmp_path / "tracker.yaml").write_text(text, encoding="utf-8")
    reporter = Reporter()
    [source] = find_sources(tmp_path / "tracker.yaml", reporter)
    assert load_api(source, reporter, Options()) is not None
    [warning] = reporter.items
    assert warning.pointer == "/components/schemas/Issue/properties/number/type"
    assert warning.line == 14 == text.splitlines().index("        number: {type: int}") + 1

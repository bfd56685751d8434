"""The whole corpus: every page of both generations, round trips 1, 2 and 4, the generated client.

What other test files already cover over the corpus, and is not repeated here:

- round trip 1 (page -> model -> page -> model) for ``stripe/``, ``sample/`` and
  ``apis-io-maintainers/``: ``tests/test_docs.py`` (``assert_round_trip``) and
  ``tests/test_normalise.py`` (pages and spec3). Here: the older-build variants.
- round trip 2 for every Stripe page: ``tests/test_normalise.py`` (``instances`` on every
  schema, hypothesis on every 25th). Here: the two small APIs, same instance builder.
- round trip 3 on every Stripe operation (filled instance, hypothesis instances and their
  mutations): ``tests/test_validators.py`` (marked ``fuzz``, run by default). Here, it runs
  again implicitly: every client call below goes through the generated validator.

Round trip 4 here covers every operation with a body: two values built from the page's own
schema (every field filled, first ``anyOf`` branch; and ``""`` / last branch wherever the schema
allows), sent through the generated client's method, decoded server side from the bracket form,
compared with the value, validated with jsonschema, and compared byte for byte with what the
``stripe`` package sends. Bracket forms cannot carry empty objects or lists (nothing is sent for
them, by either encoder), so the decoded value is compared with the value without those.

The generated client (the whole Stripe corpus) is rendered once per module and formatted as a
default run formats it (laid out by ``emit/layout.py``, black where that declines); black is
then run over it once to show it changes nothing; the client is imported and handed to the
session's ``mypy --strict`` and ``ruff check``.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import jsonschema
import pytest

from generator.cli import _summary
from generator.diagnostics import Reporter
from generator.emit import format_files, render_api
from generator.emit.python import object_shape
from generator.memo import Memo
from generator.model import normalise
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Boolean,
    Integer,
    Map,
    Number,
    Operation,
    String,
)
from generator.options import RunStats
from generator.pipeline import display_path, find_sources, format_kept
from generator.progress import Progress
from generator.scrape import scrape_page
from generator.scrape.records import RawPage
from tests.conftest import StaticChecks, imported, write_files
from tests.test_docs import assert_round_trip
from tests.test_normalise import instances

FOLDERS = ("stripe", "sample", "apis-io-maintainers")
VARIANT = Path("_variants") / "b56c85d"
EXPLAINED = {  # every diagnostic code the corpus gives, and why it is a warning
    "dropped-keyword": "minLength etc.: the client checks less than the server",
    "no-operation-id": "sample/.html: the page tool wrote a page for an operation without id",
    "empty-schema": "older-build pages never wrote the body schema: the body is typed Any",
    "no-content-type": "older-build pages never wrote a content type: bodies are sent as JSON",
}
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Loaded:
    """One API of the corpus: its records, its model, its diagnostics, its file count."""

    raws: tuple[RawPage, ...]
    api: Api
    diagnostics: Reporter
    files: int


def load(folder: Path, reporter: Reporter) -> dict[str, Loaded]:
    """Every API under ``folder``, as ``doc2client generate`` reads it."""
    result: dict[str, Loaded] = {}
    for source in find_sources(folder, reporter):
        own = Reporter()
        scraped = (scrape_page(p, own, display=display_path(p)) for p in source.pages)
        raws = tuple(r for r in scraped if r is not None)
        api = normalise(source.name, raws, own)
        reporter.extend(own)
        result[source.name] = Loaded(raws, api, own, len(source.pages))
    return result


@pytest.fixture(scope="module")
def pages(corpus: Path) -> tuple[dict[str, Loaded], Reporter]:
    reporter = Reporter()
    start = time.perf_counter()
    loaded = load(corpus / "pages", reporter)
    print(f"\nscrape+normalise pages/: {time.perf_counter() - start:.1f} s")
    return loaded, reporter


@pytest.fixture(scope="module")
def variants(corpus: Path) -> tuple[dict[str, Loaded], Reporter]:
    reporter = Reporter()
    return load(corpus / "pages" / VARIANT, reporter), reporter


# --- 1. every page: an operation, zero errors, every warning explained -----------------------


def test_every_page_gives_an_operation_without_errors(pages: Any) -> None:
    loaded, reporter = pages
    assert sorted(loaded) == sorted(f.replace("-", "_") for f in FOLDERS)
    counts = {name: (item.files, len(item.api.operations)) for name, item in loaded.items()}
    print(f"pages and operations per API: {counts}")
    assert counts == {"stripe": (446, 446), "sample": (3, 3), "apis_io_maintainers": (6, 6)}
    assert_explained(reporter)
    assert not reporter.has_errors


def test_older_build_pages_give_every_operation_with_any_bodies(pages: Any, variants: Any) -> None:
    (name, item), = variants[0].items()
    reporter = variants[1]
    assert (name, item.files, len(item.api.operations)) == ("stripe", 446, 446)
    assert_explained(reporter)
    assert not reporter.has_errors
    with_body = [op for op in item.api.operations if op.body is not None]
    assert with_body and all(op.body.shape == AnyShape("absent") for op in with_body if op.body)
    empty = [d for d in reporter.items if d.code == "empty-schema"]
    assert len(empty) == len(with_body)
    assert item.api.base_url == "https://example.org"
    main = {op.operation_id: (op.method, op.path, op.resource, op.method_name)
            for op in pages[0]["stripe"].api.operations}
    assert {op.operation_id: (op.method, op.path, op.resource, op.method_name)
            for op in item.api.operations} == main


def assert_explained(reporter: Reporter) -> None:
    """Every diagnostic has a code the run summary counts, a message, a file and a line."""
    counts = Counter((d.level, d.code) for d in reporter.items)
    print(f"diagnostics by kind: {dict(sorted(counts.items()))}")
    codes = {code for _, code in counts}
    assert codes <= set(EXPLAINED), codes - set(EXPLAINED)
    assert all(d.message and d.file and d.line > 0 for d in reporter.items)
    summary = _summary(reporter, RunStats(), "")
    for (level, code), n in counts.items():
        assert f"{n} {level} {code}" in summary


# --- round trip 1 on the older build, round trip 2 on the small APIs --------------------------


def test_round_trip_1_older_build(corpus: Path, tmp_path: Path) -> None:
    from generator.emit.environment import make_environment

    assert_round_trip(corpus / "pages" / VARIANT / "stripe", tmp_path, make_environment())


@pytest.mark.parametrize("name", ["sample", "apis_io_maintainers"])
def test_round_trip_2_small_apis(pages: Any, name: str) -> None:
    from generator.model.to_schema import body_schema

    item: Loaded = pages[0][name]
    by_id = {op.operation_id: op for op in item.api.operations}
    checked = 0
    for raw in item.raws:
        if raw.schema is None:
            continue
        implied = body_schema(by_id[raw.operation_id or "post_speakers"], item.api)
        page = typed_objects(raw.schema)
        page_v, model_v = (jsonschema.Draft202012Validator(s) for s in (page, implied))
        for instance in instances(page):
            assert model_v.is_valid(instance) == page_v.is_valid(instance), instance
            checked += 1
    assert checked > 10


def typed_objects(schema: Any) -> Any:
    """``schema`` with ``type: object`` where ``properties`` come without a type (apis-io's
    bodies): the model reads those as objects (generator/model/reader.py), while JSON Schema
    would also accept any non-object there."""
    if isinstance(schema, list):
        return [typed_objects(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: typed_objects(v) if k != "properties" else
           {n: typed_objects(p) for n, p in v.items()} for k, v in schema.items()}
    if "type" not in out and ("properties" in out or "additionalProperties" in out):
        out["type"] = "object"
    return out


# --- names at scale ---------------------------------------------------------------------------


def test_resource_grouped_names(pages: Any) -> None:
    api: Api = pages[0]["stripe"].api
    placed = {(*op.resource, op.method_name): op.operation_id for op in api.operations}
    assert len(placed) == len(api.operations)
    for path, op_id in [
        (("customers", "update"), "PostCustomersCustomer"),
        (("customers", "sources", "create"), "PostCustomersCustomerSources"),
        (("payment_intents", "confirm"), "PostPaymentIntentsIntentConfirm"),
        (("customers", "search"), "GetCustomersSearch"),
        (("invoices", "upcoming"), "GetInvoicesUpcoming"),
        (("treasury", "financial_accounts", "features", "retrieve"),
         "GetTreasuryFinancialAccountsFinancialAccountFeatures"),
        (("treasury", "financial_accounts", "features", "update"),
         "PostTreasuryFinancialAccountsFinancialAccountFeatures"),
    ]:
        assert placed.get(path) == op_id, path


def test_shuffled_pages_give_identical_output(pages: Any) -> None:
    item: Loaded = pages[0]["stripe"]
    titles = Counter(s.title for s in item.api.shapes if s.title)
    print(f"titles naming two or more shapes: {sum(1 for n in titles.values() if n > 1)}")
    shuffled = list(item.raws)
    random.Random(11).shuffle(shuffled)
    again = normalise("stripe", shuffled, Reporter())
    assert again == item.api
    assert render_api(again, source_label="specs/stripe") == render_api(item.api, source_label="specs/stripe")


# --- the generated client: imports, mypy --strict, ruff ---------------------------------------


@pytest.fixture(scope="module")
def client_files(pages: Any) -> dict[str, str]:
    """The generated Stripe client as a default run writes it: rendered, then formatted by the
    pipeline (emitted modules laid out by ``emit/layout.py``, black for the rest)."""
    start = time.perf_counter()
    files = render_api(pages[0]["stripe"].api, source_label="specs/stripe")
    rendered = time.perf_counter()
    formatted = format_kept(files, Reporter(), Memo(None), Progress(enabled=False))
    print(f"\nrender: {rendered - start:.1f} s, format: {time.perf_counter() - rendered:.1f} s")
    return formatted


@pytest.fixture(scope="module")
def project(client_files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("corpus") / "stripe_client", client_files)


@pytest.mark.slow
def test_black_changes_nothing_in_the_client(client_files: dict[str, str]) -> None:
    """The default formatter's promise on the largest input: black, given each module the
    pipeline wrote, gives it back unchanged (``tests/test_layout.py`` checks the other inputs
    of the corpus the same way)."""
    python = {p: text for p, text in client_files.items() if p.endswith(".py")}
    black = format_files(python)
    assert [p for p in sorted(python) if black[p] != python[p]] == []


@pytest.fixture(scope="module")
def package(project: Path) -> Iterator[Any]:
    with imported(project, "stripe_client") as module:
        yield module


def test_client_is_checked(project: Path, static_checks: StaticChecks) -> None:
    """mypy --strict and ruff (the project's own rule set) at the end of the session."""
    static_checks.add(project, "stripe_client")


def test_client_has_every_operation(package: Any, pages: Any) -> None:
    client = package.Client(api_key="sk_test_x")
    for op in pages[0]["stripe"].api.operations:
        assert callable(method_of(client, op)), op.operation_id


def test_no_path_value_reaches_another_endpoint(package: Any, pages: Any) -> None:
    """Every path parameter of every operation, sync and async: "", "." and ".." are refused
    before anything is sent (they would remove a segment: RFC 3986 section 5.2.4)."""
    seen: list[httpx.Request] = []
    options = {"api_key": "sk_test_x", "max_retries": 0, "validate": False}
    client = package.Client(**options, http_client=httpx.Client(
        transport=httpx.MockTransport(answer(seen))))
    aclient = package.AsyncClient(**options, http_client=httpx.AsyncClient(
        transport=httpx.MockTransport(answer(seen))))
    checked = 0
    for op in pages[0]["stripe"].api.operations:
        required = {name: "x" for name, p in inspect.signature(method_of(client, op)).parameters.items()
                    if p.kind is p.KEYWORD_ONLY and p.default is p.empty}
        for index, param in enumerate(op.path_params):
            for bad in ("", ".", ".."):
                args = [f"p{i}" if i != index else bad for i in range(len(op.path_params))]
                with pytest.raises(ValueError, match=re.escape(param.name)):
                    method_of(client, op)(*args, **required)
                with pytest.raises(ValueError, match=re.escape(param.name)):
                    asyncio.run(method_of(aclient, op)(*args, **required))
                checked += 1
    assert seen == []
    assert checked > 3 * 300, checked


def method_of(client: Any, op: Operation) -> Any:
    target = client
    for name in op.resource:
        target = getattr(target, name)
    return getattr(target, op.method_name)


# --- round trip 4: every operation with a body -------------------------------------------------


def test_round_trip_4_every_form_body(package: Any, pages: Any) -> None:
    item: Loaded = pages[0]["stripe"]
    by_id = {op.operation_id: op for op in item.api.operations}
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(answer(seen)))
    client = package.Client(api_key="sk_test_x", http_client=http, max_retries=0)
    checked = Counter[str]()
    for raw in item.raws:
        op = by_id[raw.operation_id]
        if raw.schema is None or op.body is None or op.body.media_type != FORM:
            continue
        for mode in ("first", "empty"):
            value = build(raw.schema, mode)
            jsonschema.validate(value, raw.schema)
            seen.clear()
            call(client, item.api, op, value)
            check_wire(seen[-1].content.decode(), value, op.operation_id)
            checked[mode] += 1
    print(f"\nround trip 4: {dict(checked)} form bodies")
    assert checked["first"] == sum(1 for r in item.raws if r.schema and r.media_type == FORM)


def answer(seen: list[httpx.Request]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={"object": "thing", "data": [], "has_more": False})

    return handle


def call(client: Any, api: Api, op: Operation, value: dict[str, Any]) -> Any:
    """Call the generated method with ``value`` as keyword arguments (path parameters: ``p``)."""
    root = object_shape(api, op.body.shape) if op.body else None
    python = {f.wire_name: f.python_name for f in root.fields} if root else {}
    kwargs = {python[k]: v for k, v in value.items()}
    kwargs |= {p.python_name: PARAM_VALUES[type(p.shape)] for p in op.query_params if p.required}
    return method_of(client, op)(*(f"p{i}" for i in range(len(op.path_params))), **kwargs)


PARAM_VALUES: dict[type, Any] = {String: "x", Integer: 1, Number: 1.5, Boolean: True,
                                 Array: ["x"], Map: {"k": "v"}, AnyShape: "x"}


def check_wire(sent: str, value: dict[str, Any], op_id: str) -> None:
    """Decoded server side, the body is the value; its bytes are what ``stripe`` sends."""
    assert decode(sent) == wire_view(value), op_id
    order = list(dict.fromkeys(k.split("[", 1)[0] for k, _ in parse_qsl(sent, True)))
    ordered = {k: value[k] for k in order} | {k: v for k, v in value.items() if k not in order}
    assert sent == stripe_encode(ordered), op_id


def decode(body: str) -> Any:
    """A bracket-form body (``a[b][0]=c``) back to nested dicts and lists of strings."""
    root: dict[str, Any] = {}
    for key, text in parse_qsl(body, keep_blank_values=True, strict_parsing=bool(body)):
        head, _, rest = key.partition("[")
        tokens = [head, *(rest[:-1].split("][") if rest else [])]
        put(root, tokens, text)
    return lists(root)


def put(node: dict[str, Any], tokens: list[str], text: str) -> None:
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    assert tokens[-1] not in node, f"key sent twice: {tokens}"
    node[tokens[-1]] = text


def lists(node: Any) -> Any:
    """Dicts keyed 0, 1, ... n-1 become lists (the bracket form does not tell them apart)."""
    if not isinstance(node, dict):
        return node
    out = {k: lists(v) for k, v in node.items()}
    if out and sorted(out) == sorted(str(i) for i in range(len(out))):
        return [out[str(i)] for i in range(len(out))]
    return out


def wire_view(value: Any) -> Any:
    """``value`` as the server sees it: strings, without empty objects and lists."""
    if isinstance(value, dict):
        kept = {k: wire_view(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [v for v in (wire_view(i) for i in value) if v not in ({}, [])]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def stripe_encode(data: dict[str, Any]) -> str:
    """The reference bytes: ``stripe._encode._api_encode``, then ``urlencode`` with ``[]`` left
    alone; scalars inside lists are given as their wire text first (``[True]`` would be sent as
    ``True`` by it; DESIGN.md, "Wire encoding")."""
    from stripe._encode import _api_encode

    return urlencode(list(_api_encode(scalars_in_lists(data)))).replace(
        "%5B", "[").replace("%5D", "]")  # fmt: skip


def scalars_in_lists(value: Any, in_list: bool = False) -> Any:
    if isinstance(value, dict):
        return {k: scalars_in_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scalars_in_lists(v, True) for v in value]
    if in_list and isinstance(value, bool):
        return "true" if value else "false"
    return value


TEXT = "a b&c=d+e/f[g]~ü"


def build(schema: Any, mode: str, depth: int = 0) -> Any:
    """A value of the page schema: every property filled; in mode ``empty``, ``""`` wherever
    the schema allows it and otherwise the last ``anyOf`` branch."""
    if not isinstance(schema, dict) or depth > 14:
        return TEXT
    if "anyOf" in schema:
        branches = [b for b in schema["anyOf"] if b != {"type": "string", "enum": [""]}]
        clearable = len(branches) < len(schema["anyOf"])
        if mode == "empty" and clearable:
            return ""
        built = build(branches[0] if mode == "first" else branches[-1], mode, depth + 1)
        # an empty list or object there is sent as the clear value (docs/conventions.md)
        return "" if clearable and built in ({}, []) else built
    if "enum" in schema:
        values = [v for v in schema["enum"] if v != ""]
        return "" if not values or (mode == "empty" and "" in schema["enum"]) else values[0]
    return _typed(schema, mode, depth)


def _typed(schema: dict[str, Any], mode: str, depth: int) -> Any:
    kind = schema.get("type")
    if kind == "object":
        built = {k: build(s, mode, depth + 1) for k, s in schema.get("properties", {}).items()}
        # an object without properties is left out: brackets have no empty object, so the
        # client refuses one where it is not the clear value (docs/conventions.md)
        props = {k: v for k, v in built.items() if v != {}}
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict):
            return {"key one": build(extra, mode, depth + 1), "k2": build(extra, mode, depth + 1)}
        return props
    if kind == "array":
        return [build(schema.get("items"), mode, depth + 1) for _ in range(2)]
    if kind == "integer":
        return 1700000000 if schema.get("format") == "unix-time" else 7
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return mode == "first"
    if schema.get("format") == "decimal":
        return "12.50"
    return TEXT[: schema.get("maxLength", len(TEXT))]

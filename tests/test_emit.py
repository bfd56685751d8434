"""Emit stage: render a hand-built model of the seed operation, format it, run the client.

The model mirrors the schema of ``specs/stripe/PostCustomersCustomer.html`` (built by hand
here so this test does not depend on the normaliser), plus a list operation with a nested
resource, to exercise pages and sub-resources.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from generator import __version__
from generator.emit import format_files, make_environment, render_api
from generator.emit.environment import docstring, html_to_text
from generator.emit.format import FormatError
from generator.emit.python import TypeWriter, import_lines, pyrepr
from generator.model.shapes import (
    AnyShape,
    Api,
    Array,
    Binary,
    Body,
    Boolean,
    Conventions,
    Emptyable,
    Enum,
    Field,
    Integer,
    Map,
    Number,
    Object,
    Operation,
    Paging,
    Parameter,
    Ref,
    Response,
    Source,
    String,
    Union,
    WireStyle,
)
from tests.conftest import ROOT, StaticChecks, imported, write_files

BIN = ROOT / ".venv" / "bin"
RUNTIME = ROOT / "templates" / "runtime"
HAS_RUNTIME = all((RUNTIME / f"{m}.py.jinja").is_file() for m in ("_base", "_encoding", "_errors"))
needs_runtime = pytest.mark.skipif(not HAS_RUNTIME, reason="templates/runtime not there yet")

S5000 = String(max_length=5000)
DESCRIPTION = (
    "<p>Updates the specified customer by setting the values of the parameters passed. Any "
    "parameters not provided will be left unchanged. For example, if you pass the "
    "<strong>source</strong> parameter, that becomes the customer\u2019s active source.</p>\n\n"
    "<p>This request accepts mostly the same arguments as the customer creation call.</p>"
)


def _f(name: str, shape: Any, required: bool = False, description: str = "") -> Field:
    return Field(name, name, shape, required, description)


def _address() -> Object:
    names = ("city", "country", "line1", "line2", "postal_code", "state")
    return Object("optional_fields_address", tuple(_f(n, S5000) for n in names),
                  title="optional_fields_address")  # fmt: skip


def _shapes() -> tuple[Object, ...]:
    card = Object("customer_payment_source_card", (
        *(_f(n, S5000) for n in ("address_city", "address_country", "address_line1", "cvc")),
        _f("exp_month", Integer(), True), _f("exp_year", Integer(), True),
        _f("metadata", Map(String())), _f("number", S5000, True),
        _f("object", Enum(("card",), max_length=5000)),
    ), title="customer_payment_source_card")  # fmt: skip
    shipping = Object("customer_shipping", (
        _f("address", Ref("optional_fields_address"), True), _f("name", S5000, True),
        _f("phone", S5000),
    ), title="customer_shipping")  # fmt: skip
    custom_field = Object("custom_field_params", (_f("name", String(30), True),
                                                  _f("value", String(30), True)))  # fmt: skip
    invoice = Object("customer_param", (
        _f("custom_fields", Emptyable(Array(Ref("custom_field_params")))),
        _f("default_payment_method", S5000), _f("footer", S5000),
    ))  # fmt: skip
    odd = Object("odd_keys", (_f("from", String()), _f("x-y", Number(format="decimal")),
                              _f("file", Binary())))  # fmt: skip
    shadow = Object("shadow", (_f("int", Integer()), _f("name", String())))
    return tuple(sorted((card, shipping, custom_field, invoice, odd, shadow, _address()),
                        key=lambda s: s.name))  # fmt: skip


def _body() -> Object:
    return Object("customers_update_body", (
        _f("address", Emptyable(Ref("optional_fields_address")), description="The address."),
        _f("balance", Integer()),
        _f("card", Union((Ref("customer_payment_source_card"), String(max_length=5000)))),
        _f("description", S5000),
        _f("email", String(max_length=512), description="Customer's email address."),
        _f("expand", Array(S5000)),
        _f("invoice_settings", Ref("customer_param")),
        _f("metadata", Emptyable(Map(String()))),
        _f("next_invoice_sequence", Integer()),
        _f("odd", Ref("odd_keys")),
        _f("shipping", Emptyable(Ref("customer_shipping"))),
        _f("source", String(max_length=5000)),
        _f("tax_exempt", Emptyable(Enum(("exempt", "none", "reverse")))),
        _f("trial_end", Union((Enum(("now",)), Integer(format="unix-time")))),
        _f("preferred_locales", Array(S5000)),
        _f("tax_id_type", Enum(("eu_vat", "us_ein"), open=True)),
        _f("extra", AnyShape()),
        _f("flag", Boolean()),
    ))  # fmt: skip


def _update() -> Operation:
    path_param = Parameter("customer", "customer", "path", String(max_length=5000), True)
    return Operation(
        "PostCustomersCustomer", "POST", "/v1/customers/{customer}", ("customers",), "update",
        summary="PostCustomersCustomer", description=DESCRIPTION, path_params=(path_param,),
        body=Body("application/x-www-form-urlencoded", Ref("customers_update_body")),
        responses=(Response("200", "Successful response."), Response("default", "Error response.")),
        source=Source("specs/stripe/PostCustomersCustomer.html", 1), validator="customers_update",
    )  # fmt: skip


def _list_sources() -> Operation:
    def q(name: str, shape: Any) -> Parameter:
        return Parameter(name, name, "query", shape)

    params = (q("ending_before", S5000), q("expand", Array(S5000)), q("limit", Integer()),
              q("object", S5000), q("starting_after", S5000))  # fmt: skip
    return Operation(
        "GetCustomersCustomerSources", "GET", "/v1/customers/{customer}/sources",
        ("customers", "sources"), "list", summary='List "sources" \\ of a """customer"""',
        path_params=(Parameter("customer", "customer", "path", S5000, True),),
        query_params=params, source=Source("specs/stripe/GetCustomersCustomerSources.html"),
        paging=Paging("cursor_id", "starting_after", items="data", size="limit",
                      backward="ending_before", has_more="has_more"),
        validator="customers_sources_list",
    )  # fmt: skip


def _search() -> Operation:
    params = (Parameter("query", "query", "query", String(), True),
              Parameter("page", "page", "query", String()),
              Parameter("Stripe-Account", "stripe_account", "header", String()))  # fmt: skip
    return Operation(
        "GetCustomersSearch", "GET", "/v1/customers/search", ("customers",), "search",
        query_params=params[:2], header_params=params[2:], validator="customers_search",
    )  # fmt: skip


def seed_api() -> Api:
    shapes = tuple(sorted((*_shapes(), _body()), key=lambda s: s.name))
    ops = tuple(sorted((_update(), _list_sources(), _search()), key=lambda o: o.operation_id))
    stripe = Conventions(WireStyle("deepObject"), idempotency_header="Idempotency-Key")
    return Api("stripe", "https://api.stripe.com", ops, shapes, title="Stripe", version="2023-08-16",
               conventions=stripe)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_api(seed_api(), source_label="specs/stripe")


@pytest.fixture(scope="module")
def project(rendered: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("out") / "stripe_client", format_files(rendered))


# --- the files --------------------------------------------------------------------------


def test_layout(rendered: dict[str, str]) -> None:
    for rel in ("pyproject.toml", "README.md", "stripe_client/__init__.py", "stripe_client/py.typed",
                "stripe_client/_client.py", "stripe_client/_types.py", "stripe_client/_validators.py",
                "stripe_client/resources/__init__.py", "stripe_client/resources/customers.py"):  # fmt: skip
        assert rel in rendered, rel
    if HAS_RUNTIME:
        for name in sorted(p.name.removesuffix(".jinja") for p in RUNTIME.glob("*.py.jinja")):
            assert f"stripe_client/{name}" in rendered


def test_every_file_starts_with_generated_line(rendered: dict[str, str]) -> None:
    for rel, text in rendered.items():
        first = text.splitlines()[0]
        assert f"doc2client {__version__}" in first and "Generated" in first, rel
        if rel.endswith((".md", ".html")):
            assert first.startswith("<!--"), rel
        elif rel.endswith((".py", ".toml", ".typed")):
            assert first.startswith("#"), rel


def test_deterministic(rendered: dict[str, str]) -> None:
    again = render_api(seed_api(), source_label="specs/stripe")
    assert list(again) == list(rendered)
    assert again == rendered


def test_deterministic_across_hash_seeds() -> None:
    code = (
        f"import hashlib, json, sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]; "
        "from test_emit import seed_api; from generator.emit import render_api; "
        "print(hashlib.sha256(json.dumps(render_api(seed_api(), source_label='specs/stripe')).encode()).hexdigest())"
    )
    digests = set()
    for seed in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=env)  # fmt: skip
        digests.add(run.stdout)
    assert len(digests) == 1


def test_signature_of_update(project: Path) -> None:
    text = (project / "stripe_client/resources/customers.py").read_text()
    assert "def update(\n        self,\n        customer: str,\n        /,\n        *," in text
    assert 'address: OptionalFieldsAddress | Literal[""] | NotGiven = NOT_GIVEN' in text
    assert "metadata: Mapping[str, str] | Literal[\"\"] | NotGiven = NOT_GIVEN" in text
    assert "trial_end: Literal[\"now\"] | int | datetime | NotGiven = NOT_GIVEN" in text
    assert "tax_id_type: Literal[\"eu_vat\", \"us_ein\"] | str | NotGiven" in text
    assert "request_options: RequestOptions | None = None" in text
    assert "class CustomersResource(SyncResource):" in text
    assert "class AsyncCustomersSourcesResource(AsyncResource):" in text


def test_typed_dicts(project: Path) -> None:
    text = (project / "stripe_client/_types.py").read_text()
    assert "class OptionalFieldsAddress(TypedDict, total=False):" in text
    assert "    exp_month: Required[int]" in text
    assert "custom_fields: list[CustomFieldParams] | Literal[\"\"]" in text
    assert 'OddKeys = TypedDict(' in text and '"from": str,' in text
    assert "FileInput: TypeAlias" in text
    assert "Shadow = TypedDict(  # noqa: UP013" in text


def test_client_imports_resources_lazily(project: Path) -> None:
    text = (project / "stripe_client/_client.py").read_text()
    top, _, body = text.partition("class Client")
    assert "if TYPE_CHECKING:" in top
    assert "        from .resources.customers import CustomersResource" in body


def test_every_py_file_compiles(project: Path) -> None:
    for path in sorted(project.rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


# --- safe text ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ['a"""b', "ends with quote\"", "back\\slash\\", "nul\x00x",
                                  "line\u2028sep", "<p>x &amp; <b>y</b></p>", '""""""'])  # fmt: skip
def test_docstring_is_safe(text: str) -> None:
    source = f'def f() -> None:\n    """{docstring(text)}"""\n'
    namespace: dict[str, Any] = {}
    exec(compile(source, "<doc>", "exec"), namespace)
    doc = namespace["f"].__doc__
    assert doc is not None
    assert "\x00" not in doc
    assert doc.strip() == " ".join(html_to_text(text).split()).strip() or "\n" in doc


@pytest.mark.parametrize("text", ["a'b\"c", "\\", "\x00", "\u2028", "é\n\t"])
def test_pyrepr_round_trips(text: str) -> None:
    assert eval(pyrepr(text)) == text


def test_html_to_text() -> None:
    assert html_to_text(DESCRIPTION).split("\n\n")[1].startswith("This request accepts")
    assert html_to_text("<p>a<p>b</p></p>") == "a\n\nb"
    assert html_to_text("x &lt;Say&gt; &amp;amp;") == "x <Say> &amp;"


def test_type_strings() -> None:
    writer = TypeWriter({"optional_fields_address": "OptionalFieldsAddress"})
    assert writer.annotation(String(format="decimal")) == "str | Decimal"
    assert writer.annotation(Array(Map(Integer())), "field") == "list[Mapping[str, int]]"
    assert writer.annotation(Emptyable(Ref("optional_fields_address"))) == (
        'OptionalFieldsAddress | Literal[""]')
    assert writer.annotation(Binary()) == "FileInput"
    assert writer.annotation(Ref("missing")) == "Any"
    assert import_lines(writer.imports(".._types")) == (
        "from collections.abc import Mapping\nfrom decimal import Decimal\n"
        "from typing import Any, Literal\n\nfrom .._types import FileInput, OptionalFieldsAddress")


def test_user_templates(tmp_path: Path) -> None:
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "README.md.jinja").write_text("{{ version_line }}\nmine\n")
    (tmp_path / "operation").mkdir()
    (tmp_path / "operation" / "ops" ).mkdir()
    (tmp_path / "operation" / "ops" / "{operation}.txt.jinja").write_text(
        "{{ version_line }}\n{{ operation.method }} {{ operation.path }}\n")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "count.txt.jinja").write_text("{{ api.operations | length }}\n")
    files = render_api(seed_api(), templates=[tmp_path], source_label="specs/stripe")
    assert files["README.md"].endswith("\nmine\n")
    page = files["ops/PostCustomersCustomer.txt"]
    assert page.startswith("# Generated") and "PostCustomersCustomer.html" in page.splitlines()[0]
    assert page.endswith("POST /v1/customers/{customer}\n")
    assert files["count.txt"] == "3\n"


def test_html_templates_autoescape(tmp_path: Path) -> None:
    (tmp_path / "x.html.jinja").write_text("{{ v }}")
    (tmp_path / "x.py.jinja").write_text("{{ v }}")
    env = make_environment([tmp_path])
    assert env.get_template("x.html.jinja").render(v="<b>") == "&lt;b&gt;"
    assert env.get_template("x.py.jinja").render(v="<b>") == "<b>"


def test_format_error_names_the_file() -> None:
    with pytest.raises(FormatError, match=r"pkg/bad\.py: generated code is not valid Python"):
        format_files({"pkg/ok.py": "x=1\n", "pkg/bad.py": "def (:\n", "a.md": "# x\n"})


def test_format_parallel_equals_sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"m{i}.py": f"def f{i}( a,b ):\n  return {{'a':a,'b':b}}\n" * 20 for i in range(5)}
    sequential = format_files(files, workers=1)
    monkeypatch.setattr("generator.emit.format.PARALLEL_LINES", 0)
    assert format_files(files, workers=2) == sequential
    assert list(sequential) == list(files) and "return {\"a\": a" in sequential["m0.py"]


# --- the generated package, run -------------------------------------------------------------


def _run(tool: str, *args: str, cwd: Path) -> None:
    result = subprocess.run([str(BIN / tool), *args], cwd=cwd, capture_output=True, text=True,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@needs_runtime
def test_project_is_checked(project: Path, static_checks: StaticChecks) -> None:
    """mypy --strict and ruff (the project's own rule set) at the end of the session."""
    static_checks.add(project, "stripe_client")


@pytest.fixture(scope="module")
def client_module(project: Path) -> Iterator[Any]:
    if not HAS_RUNTIME:
        pytest.skip("templates/runtime not there yet")
    with imported(project, "stripe_client") as module:
        yield module


Seen = list[httpx.Request]


def _handler(seen: Seen) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "cus_123", "object": "customer"})

    return handle


def _form(request: httpx.Request) -> str:
    return unquote(request.content.decode())


def test_import_is_lazy(client_module: Any) -> None:
    assert "stripe_client.resources.customers" not in sys.modules
    client = client_module.Client(api_key="sk_test_x", http_client=httpx.Client())
    assert client.customers is client.customers
    assert "stripe_client.resources.customers" in sys.modules


def test_update_sends_form(client_module: Any) -> None:
    seen: Seen = []
    http = httpx.Client(transport=httpx.MockTransport(_handler(seen)))
    client = client_module.Client(api_key="sk_test_x", http_client=http)
    result = client.customers.update("cus_123", email="jenny@example.com",
                                     address={"city": "Berlin"}, metadata={"k": "v"})  # fmt: skip
    assert result["id"] == "cus_123"
    (request,) = seen
    assert request.method == "POST"
    assert request.url.path == "/v1/customers/cus_123"
    assert _form(request) == "address[city]=Berlin&email=jenny@example.com&metadata[k]=v"
    client.customers.update("cus_123", shipping="")
    assert _form(seen[1]) == "shipping="


def test_path_param_is_one_segment(client_module: Any) -> None:
    seen: Seen = []
    http = httpx.Client(transport=httpx.MockTransport(_handler(seen)))
    client_module.Client(api_key="k", http_client=http).customers.update("a/b c")
    assert seen[0].url.raw_path.startswith(b"/v1/customers/a%2Fb")


def test_list_returns_page_and_query(client_module: Any) -> None:
    seen: Seen = []
    http = httpx.Client(transport=httpx.MockTransport(_handler(seen)))
    client = client_module.Client(api_key="k", http_client=http)
    page = client.customers.sources.list("cus_1", limit=3)
    assert isinstance(page, client_module.Page)
    assert seen[0].method == "GET" and seen[0].url.path == "/v1/customers/cus_1/sources"
    assert dict(seen[0].url.params) == {"limit": "3"}
    client.customers.search(query="email:'x'", request_options={"headers": {"X-A": "1"}})
    assert seen[1].url.params["query"] == "email:'x'" and "page" not in seen[1].url.params
    assert seen[1].headers["X-A"] == "1"


def test_async_update(client_module: Any) -> None:
    seen: Seen = []

    async def go() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(_handler(seen)))
        client = client_module.AsyncClient(api_key="k", http_client=http)
        await client.customers.update("cus_123", email="a@b.c", metadata={"k": "v"})
        page = await client.customers.sources.list("cus_1", limit=1)
        assert isinstance(page, client_module.AsyncPage)

    asyncio.run(go())
    assert seen[0].url.path == "/v1/customers/cus_123"
    assert _form(seen[0]) == "email=a@b.c&metadata[k]=v"


def test_raw_response(client_module: Any) -> None:
    seen: Seen = []
    http = httpx.Client(transport=httpx.MockTransport(_handler(seen)))
    client = client_module.Client(api_key="k", http_client=http)
    raw = client.customers.with_raw_response.update("cus_1", email="x@y.z")
    assert raw.status_code == 200 and raw.parse()["id"] == "cus_123"


def test_format_in_pieces_equals_whole(rendered: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import black

    from generator.emit import format as fmt

    monkeypatch.setattr(fmt, "PIECE_LINES", 20)
    module = rendered["stripe_client/resources/customers.py"]
    assert len(fmt.split_module(module)) > 1
    pieces = fmt.format_files({"m.py": module}, workers=1)["m.py"]
    assert pieces == black.format_str(module, mode=fmt.black_mode())

"""Query strings and multipart, through a client generated from the corpus's Stripe pages.

Only the operations these tests call are rendered (the model is the whole corpus's, so names
and types are those of the full client), under the package name ``corpus_mq_client`` so that
it never meets another test's ``stripe_client`` in ``sys.modules``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.model import normalise
from tests.conftest import imported, shared_pages, write_files

WANTED = ("GetCustomers", "PostFiles", "GetCustomersSearch", "GetInvoicesUpcoming")


@pytest.fixture(scope="module")
def package(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    api = normalise("stripe", shared_pages(corpus / "pages" / "stripe")[0], Reporter())
    ops = tuple(op for op in api.operations if op.operation_id in WANTED)
    root = tmp_path_factory.mktemp("mq")
    write_files(root, render_api(replace(api, name="corpus_mq", operations=ops), source_label="specs/stripe"))
    with imported(root, "corpus_mq_client") as module:
        yield module


@pytest.fixture
def sent(package: Any) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={"object": "list", "data": [], "has_more": False})

    http = httpx.Client(transport=httpx.MockTransport(handle))
    return package.Client(api_key="sk_test_x", http_client=http, max_retries=0), seen


def test_list_sends_bracket_query(sent: Any) -> None:
    client, seen = sent
    client.customers.list(created={"gt": 1, "lte": 9}, expand=["a", "b c"], limit=3)
    (request,) = seen
    assert request.method == "GET" and request.url.path == "/v1/customers"
    assert request.content == b""
    pairs = parse_qsl(request.url.query.decode(), keep_blank_values=True)
    assert pairs == [("created[gt]", "1"), ("created[lte]", "9"), ("expand[0]", "a"),
                     ("expand[1]", "b c"), ("limit", "3")]
    raw = request.url.query.decode()
    assert "created[gt]=1" in raw and "expand[0]=a" in raw  # brackets are not escaped


def test_query_values_like_the_form(sent: Any) -> None:
    client, seen = sent
    with pytest.raises(package_error(client), match="expand: an empty list cannot be sent"):
        client.customers.search(query="email:'a+b@x.com'", expand=[])  # brackets carry no []
    client.customers.search(query="email:'a+b@x.com'")
    client.invoices.upcoming(customer="cus_1", subscription_items=[{"price": "p", "quantity": 2}])
    first = parse_qsl(seen[0].url.query.decode())
    assert first == [("query", "email:'a+b@x.com'")]
    second = dict(parse_qsl(seen[1].url.query.decode()))
    assert second == {"customer": "cus_1", "subscription_items[0][price]": "p",
                      "subscription_items[0][quantity]": "2"}


def package_error(client: Any) -> type[Exception]:
    """The generated package's ``ValidationError``."""
    module = __import__(type(client).__module__.split(".")[0])
    return module.ValidationError  # type: ignore[no-any-return]


def multipart(request: httpx.Request) -> dict[str, tuple[str | None, bytes]]:
    """The parts of a multipart body: name -> (file name, content)."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    assert message.is_multipart()
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        parts[name] = (part.get_filename(), payload)
    return parts


def test_file_upload_is_multipart(sent: Any, tmp_path: Path) -> None:
    client, seen = sent
    client.files.create(file=("evidence.pdf", b"%PDF-1.4 \x00\xff"), purpose="dispute_evidence",
                        file_link_data={"create": True, "metadata": {"k": "v"}})
    (request,) = seen
    assert request.method == "POST" and request.url.path == "/v1/files"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    parts = multipart(request)
    assert parts == {
        "purpose": (None, b"dispute_evidence"),
        "file_link_data[create]": (None, b"true"),
        "file_link_data[metadata][k]": (None, b"v"),
        "file": ("evidence.pdf", b"%PDF-1.4 \x00\xff"),
    }


def test_file_upload_from_a_path(sent: Any, tmp_path: Path) -> None:
    client, seen = sent
    path = tmp_path / "id.png"
    path.write_bytes(b"\x89PNG data")
    client.files.create(file=path, purpose="identity_document")
    assert multipart(seen[0])["file"] == ("id.png", b"\x89PNG data")


def test_file_field_is_checked(package: Any) -> None:
    client = package.Client(api_key="sk_test_x")
    with pytest.raises(package.ValidationError, match="file"):
        client.files.create(file=3, purpose="identity_document")

"""A user's program type-checked against generated clients (issue 13, item 2 and "Done when"):
``mypy --strict`` infers concrete types for what calls return, where the document has schemas.

The clients are generated from Stripe's ``spec3.json`` and from Spotify's document (whose
responses hold discriminated unions), each limited to the operations the program calls, so
that one mypy run stays short (the whole Stripe client is 90,000 lines).

The Stripe program states its types with ``typing.assert_type``, not ``reveal_type``: mypy
prints a revealed TypedDict with every nested TypedDict written out in full, cutting only
cycles, so ``reveal_type(customer)`` writes out every path through the 523 shapes a
``Customer`` reaches (about ten million TypedDicts): mypy ran for minutes at 2 GB and did
not finish, while checking the same program with ``assert_type`` takes seconds.
``assert_type`` is mypy's exact check (the same type, not a subtype nor ``Any``); a mismatch
is an error naming both types, and ``--warn-unreachable`` makes a skipped line an error too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.model import normalise
from tests.conftest import BIN, shared_document, write_files

STRIPE_PROGRAM = '''
from typing import assert_type

from stripe_client import APIError, AsyncClient, AsyncPage, Client, Page
from stripe_client.types import Customer, DeletedCustomer, Error

client = Client(api_key="sk_test_123")
customer = client.customers.retrieve("cus_123")
assert_type(customer, Customer | DeletedCustomer)  # retrieve: the schema's anyOf
page = client.customers.list(limit=3)
assert_type(page, Page[Customer])
for item in page.auto_paging_iter():
    assert_type(item, Customer)
    assert_type(item["email"], str | None)
    item["emial"]
raw = client.customers.with_raw_response.update("cus_123", email="a@example.com")
assert_type(raw.parse(), Customer)  # the raw response parses to what the method returns
try:
    client.customers.update("cus_123")
except APIError as error:
    assert_type(error.body, Error | str)  # the declared error schema, or text


async def main() -> None:
    async_client = AsyncClient(api_key="sk_test_123")
    async_page = await async_client.customers.list()
    assert_type(async_page, AsyncPage[Customer])
    async for each in async_page.auto_paging_iter():
        assert_type(each, Customer)
'''

SPOTIFY_PROGRAM = '''
from spotify_client import Client

queue = Client(api_key="token").me.player.queue()
playing = queue["currently_playing"]
reveal_type(playing)
if playing["type"] == "track":
    reveal_type(playing)
else:
    reveal_type(playing)
'''


def generate(document: Path, name: str, operations: set[str], out: Path) -> Path:
    read, diagnostics = shared_document(document)
    reporter = Reporter()
    reporter.items.extend(diagnostics)
    pages = [p for p in read.pages if p.operation_id in operations]
    assert {p.operation_id for p in pages} == operations
    api = normalise(name, pages, reporter, base_url="https://api.example.com")
    assert not reporter.has_errors, reporter.sorted()
    return write_files(out, render_api(api, source_label=document.name))


def revealed(project: Path, program: str) -> tuple[list[str], list[str]]:
    """The revealed types, in order, and every other error mypy --strict reports."""
    (project / "program.py").write_text(program, encoding="utf-8")
    result = subprocess.run(
        [BIN / "mypy", "--strict", "--warn-unreachable", "--follow-imports=silent", "--no-incremental",
         "--cache-dir", str(project / ".mypy"), "program.py"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    notes = re.findall(r'note: Revealed type is "(.*)"', result.stdout)
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    return notes, errors


def short(type_text: str) -> str:
    """A revealed type with module paths dropped, a TypedDict as its class name
    (``TypedDict(stripe_client._types.Customer, {...})`` as ``Customer``) and unions written
    ``A | B`` (mypy writes ``Union[A, B]`` or ``A | B`` by version)."""
    text, out, i = type_text, [], 0
    while i < len(text):
        if text.startswith("TypedDict(", i):
            name_end = text.index(",", i)
            out.append(text[i + len("TypedDict("):name_end].strip("'"))
            depth, k = 1, i + len("TypedDict(")
            while depth:
                depth += (text[k] in "([{") - (text[k] in ")]}")
                k += 1
            i = k
        else:
            out.append(text[i])
            i += 1
    flat = re.sub(r"\b(?:[A-Za-z_]\w*\.)+(\w+)", r"\1", "".join(out)).replace("?", "")
    while (union := re.search(r"Union\[([^\[\]]*)\]", flat)) is not None:
        flat = flat[: union.start()] + union.group(1).replace(", ", " | ") + flat[union.end():]
    return flat


@pytest.mark.slow
def test_stripe_calls_have_concrete_types(corpus: Path, tmp_path: Path) -> None:
    document = corpus / "stripe-openapi" / "spec3.json"
    ops = {"GetCustomers", "GetCustomersCustomer", "PostCustomersCustomer"}
    project = generate(document, "stripe", ops, tmp_path)
    notes, errors = revealed(project, STRIPE_PROGRAM)
    assert notes == []
    # every assert_type holds (a wrong, Any or unchecked type would be an error here) and the
    # typo is caught
    assert len(errors) == 1 and 'TypedDict "Customer" has no key "emial"' in errors[0], errors


@pytest.mark.slow
def test_discriminated_unions_narrow_by_their_tag(corpus: Path, tmp_path: Path) -> None:
    document = corpus / "openapi" / "spotify" / "fixed-spotify-open-api.yml"
    project = generate(document, "spotify", {"get-queue"}, tmp_path)
    notes, errors = revealed(project, SPOTIFY_PROGRAM)
    assert errors == []
    assert [short(n) for n in notes] == [
        "TrackObject | EpisodeObject", "TrackObject", "EpisodeObject"]

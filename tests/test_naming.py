"""Identifiers, class names, resource/method placement and shape names."""

from __future__ import annotations

import keyword
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diagnostics import Reporter
from generator.model import normalise
from generator.model.naming import (
    api_name,
    class_name,
    python_identifier,
    shape_names,
    title_api_name,
    unique_methods,
    unique_names,
)
from generator.scrape.records import RawPage, RawParameter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customer", "customer"),
        ("invoiceSettings", "invoice_settings"),
        ("HTTPStatus", "http_status"),
        ("Stripe-Version", "stripe_version"),
        ("class", "class_"),
        ("list", "list_"),
        ("match", "match_"),
        ("self", "self_"),
        ("request_options", "request_options_"),
        ("client", "client_"),
        ("__init__", "init"),
        ("3d_secure", "field_3d_secure"),
        ("", "field_"),
        ("日本", "field_"),
        ("naïve café", "naive_cafe"),
        ('a"b\n(c)', "a_b_c"),
        ("__import__('os').system('x')", "import_os_system_x"),
    ],
)
def test_python_identifier(text: str, expected: str) -> None:
    assert python_identifier(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("optional_fields_address", "OptionalFieldsAddress"),
        ("PostCustomersCustomer", "PostCustomersCustomer"),
        ("none", "None_"),
        ("client", "Client_"),
        ("3ds", "Model3ds"),
        ("", "Model"),
        ("__import__('os')", "ImportOs"),
    ],
)
def test_class_name(text: str, expected: str) -> None:
    assert class_name(text) == expected


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text())
def test_any_text_gives_a_safe_identifier(text: str) -> None:
    for name in (python_identifier(text), class_name(text)):
        assert name.isidentifier() and name.isascii()
        assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
        assert not (name.startswith("__") and name.endswith("__"))


ROUTES = [
    ("POST", "/v1/customers/{customer}", ("customers",), "update"),
    ("POST", "/v1/customers", ("customers",), "create"),
    ("GET", "/v1/customers", ("customers",), "list"),
    ("GET", "/v1/customers/{customer}", ("customers",), "retrieve"),
    ("DELETE", "/v1/customers/{customer}", ("customers",), "delete"),
    ("GET", "/v1/customers/search", ("customers",), "search"),
    ("POST", "/v1/payment_intents/{intent}/confirm", ("payment_intents",), "confirm"),
    ("GET", "/v1/payment_intents/{intent}", ("payment_intents",), "retrieve"),
    ("GET", "/v1/invoices/upcoming", ("invoices",), "upcoming"),
    ("GET", "/v1/invoices/{invoice}", ("invoices",), "retrieve"),
    ("POST", "/v1/customers/{customer}/sources", ("customers", "sources"), "create"),
    ("GET", "/v1/customers/{customer}/sources/{id}", ("customers", "sources"), "retrieve"),
    ("GET", "/v1/balance", ("balance",), "retrieve"),
    ("GET", "/speakers", ("speakers",), "list"),
    ("POST", "/speakers", ("speakers",), "create"),
    ("GET", "/v1/invoices/{invoice}/lines", ("invoices", "lines"), "list"),
    ("POST", "/v1/accounts/{account}/login_links", ("accounts",), "login_links"),
    ("POST", "/v2/checkout/sessions", ("checkout", "sessions"), "create"),
    ("GET", "/v2/checkout/sessions/{session}", ("checkout", "sessions"), "retrieve"),
    ("GET", "/api/conversations.list", ("api", "conversations"), "list"),  # RPC-style methods
    ("POST", "/api/chat.postMessage", ("api", "chat"), "post_message"),
    ("POST", "/api/admin.users.invite", ("api", "admin", "users"), "invite"),
    ("GET", "/2010-04-01/Accounts/{sid}/Calls.json", ("accounts", "calls"), "list"),  # a format
    ("GET", "/guilds/{guild}/widget.png", ("guilds",), "widget_png"),  # a file, no method
    ("GET", "/me/following/contains", ("me", "following"), "contains"),  # a verb, no plural
    ("GET", "/jobs/{job}/status", ("jobs",), "status"),  # a singular in "s"
    ("GET", "/reports/{report}/analysis", ("reports",), "analysis"),
    ("GET", "/guilds/{guild}/emojis", ("guilds", "emojis"), "list"),  # a plural in "is"
]


def raw(method: str, path: str, op_id: str) -> RawPage:
    names = path.replace("}", "{").split("{")[1::2]
    params = tuple(RawParameter(n, "path", "string", True, "", 1) for n in names)
    return RawPage(f"{op_id}.html", op_id, "", "", "", method, path, (), "", (), params, "",
                   None, ())


def test_resource_methods_from_paths() -> None:
    pages = [raw(m, p, f"Op{i:02}") for i, (m, p, _, _) in enumerate(ROUTES)]
    random.Random(3).shuffle(pages)
    api = normalise("t", pages, Reporter())
    got = {op.operation_id: (op.resource, op.method_name) for op in api.operations}
    assert got == {f"Op{i:02}": (r, n) for i, (_, _, r, n) in enumerate(ROUTES)}


def test_clashing_methods_fall_back_to_operation_ids_for_both() -> None:
    wanted = {"GetThingsA": (("things",), "list"), "ListThings": (("things",), "list"),
              "PostThings": (("things",), "create")}
    expected = {"GetThingsA": (("things",), "get_things_a"),
                "ListThings": (("things",), "list_things"),
                "PostThings": (("things",), "create")}
    assert unique_methods(wanted) == expected
    assert unique_methods(dict(reversed(wanted.items()))) == expected


def test_method_named_like_a_subresource_is_renamed() -> None:
    wanted = {"Lines": (("invoices",), "lines"), "LinesList": (("invoices", "lines"), "list")}
    assert unique_methods(wanted)["Lines"] == (("invoices",), "lines_")


def test_unique_names_exact_identifier_keeps_it_others_suffixed() -> None:
    names, clashes = unique_names({"b": "a_b", "a": "a-b", "c": "c"})
    assert names == {"a": "a_b_2", "b": "a_b", "c": "c"}
    assert clashes == [("b", "a")]
    names, _ = unique_names({"x": "_id", "y": "id", "z": "banType", "w": "ban_type"})
    assert names == {"y": "id_", "x": "id_2", "w": "ban_type", "z": "ban_type_2"}


def test_unique_names_without_exact_match_suffix_by_sorted_wire_name() -> None:
    names, clashes = unique_names({"b": "a--b", "a": "a-b"})
    assert names == {"a": "a_b_2", "b": "a_b"}
    assert clashes == [("b", "a")]


@pytest.mark.parametrize(("wire", "python"), [
    ("StartTime<", "start_time_before"), ("StartTime>", "start_time_after"),
    ("Price>=", "price_gte"), ("Price<=", "price_lte"), ("Status!=", "status_ne"),
    ("StartTime", "start_time"), ("<", "field_"),
])  # fmt: skip
def test_operator_suffixes_become_words(wire: str, python: str) -> None:
    assert python_identifier(wire) == python


def test_names_the_method_body_uses_are_not_taken() -> None:
    assert python_identifier("format_path") == "format_path_"
    assert python_identifier("strip_not_given") == "strip_not_given_"


def test_shape_names_qualify_colliding_titles_stably() -> None:
    titles = {"#1": "address", "#2": "address", "#3": "", "#4": "other"}
    uses = {"#1": {("PostB", ("x",)), ("PostA", ("y", "\x000"))}, "#2": {("PostC", ("z",))},
            "#3": {("PostD", ())}, "#4": {("PostE", ("f",))}}
    expected = {"#1": "PostAYAddress", "#2": "PostCZAddress", "#3": "PostDBody", "#4": "Other"}
    assert shape_names(titles, uses) == expected
    assert shape_names(dict(reversed(titles.items())), uses) == expected


def test_a_use_path_part_may_start_with_a_digit_after_the_operation() -> None:
    titles = {"#1": "", "#2": ""}
    uses = {"#1": {("get-album", ("response", "200", "meta"))}, "#2": {("3ds", ())}}
    assert shape_names(titles, uses) == {"#1": "GetAlbumResponse200Meta", "#2": "Model3dsBody"}


def test_shape_names_fall_back_to_a_hash_when_still_colliding() -> None:
    titles = {"#aa11": "", "#bb22": ""}
    uses = {"#aa11": {("Op", ("f", "\x000"))}, "#bb22": {("Op", ("f", "\x001"))}}
    names = shape_names(titles, uses)
    assert names == {"#aa11": "OpFAA11", "#bb22": "OpFBB22"}


def test_date_versions_and_format_suffixes_do_not_reach_names() -> None:
    pages = [
        raw("GET", "/2010-04-01/Accounts/{AccountSid}/Calls.json", "ListCall"),
        raw("POST", "/2010-04-01/Accounts/{AccountSid}/Calls.json", "CreateCall"),
        raw("GET", "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json", "FetchCall"),
        raw("DELETE", "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json", "DeleteCall"),
    ]
    api = normalise("twilio", pages, Reporter())
    got = {op.operation_id: (op.resource, op.method_name) for op in api.operations}
    assert got == {
        "ListCall": (("accounts", "calls"), "list"),
        "CreateCall": (("accounts", "calls"), "create"),
        "FetchCall": (("accounts", "calls"), "retrieve"),
        "DeleteCall": (("accounts", "calls"), "delete"),
    }


@pytest.mark.parametrize(("title", "expected"), [
    ("Discord HTTP API (Preview)", "discord_http"),  # a parenthesised remark
    ("Spotify Web API with fixes and improvements from sonallux", "spotify_web"),  # after API
    ("Box Platform API", "box_platform"),
    ("API for Pets", "for_pets"),  # "API" first: the rest is the name
    ("Lob", "lob"),
    ("API", "fallback"),
])  # fmt: skip
def test_api_name_from_a_title(title: str, expected: str) -> None:
    assert title_api_name(title, fallback="fallback") == expected


@pytest.mark.parametrize(
    ("folder", "name"),
    [("Stripe", "stripe"), ("my api.v2", "my_api_v2"), ("class", "class_"), ("--", "api"), ("2fa", "api_2fa"), ("list", "list")],
)
def test_api_name_from_a_folder_or_file(folder: str, name: str) -> None:
    assert api_name(folder) == name

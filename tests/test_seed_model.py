"""The seed page's model holds every idiom issue 2 names, at the right places."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import Reporter
from generator.model import normalise
from generator.model.shapes import (
    Api,
    Array,
    Emptyable,
    Enum,
    Map,
    Object,
    Ref,
    Shape,
    String,
    Union,
)
from generator.scrape import scrape_page
from tests.conftest import SEED_PAGE


def _seed() -> Api:
    reporter = Reporter()
    page = scrape_page(SEED_PAGE, reporter)
    assert page is not None
    api = normalise("stripe", [page], reporter)
    assert reporter.items == []
    return api


API = _seed()
SHAPES = {o.name: o for o in API.shapes}


def _walk(shape: Shape, path: str, depth: int) -> Iterator[tuple[str, Shape, int]]:
    yield path, shape, depth
    if isinstance(shape, Ref):
        for f in SHAPES[shape.name].fields:
            yield from _walk(f.shape, f"{path}.{f.wire_name}".lstrip("."), depth + 1)
    elif isinstance(shape, Emptyable):
        yield from _walk(shape.shape, path, depth)
    elif isinstance(shape, Union):
        for variant in shape.variants:
            yield from _walk(variant, path, depth)
    elif isinstance(shape, Array):
        yield from _walk(shape.items, f"{path}[]", depth)
    elif isinstance(shape, Map):
        yield from _walk(shape.values, f"{path}.*", depth)


(OPERATION,) = API.operations
assert OPERATION.body is not None
NODES = list(_walk(OPERATION.body.shape, "", 0))


def _paths(predicate: type | tuple[type, ...], inner: object = None) -> set[str]:
    return {p for p, s, _ in NODES if isinstance(s, predicate) and (inner is None or inner(s))}


def test_six_emptyable_unions_around_shapes() -> None:
    emptyable = _paths(Emptyable, lambda s: not isinstance(s.shape, Enum))
    assert emptyable == {
        "address",
        "metadata",
        "shipping",
        "invoice_settings.custom_fields",
        "invoice_settings.rendering_options",
        "tax.ip_address",
    }


def test_two_object_or_string_unions() -> None:
    def object_or_string(s: Union) -> bool:
        kinds = sorted(type(v).__name__ for v in s.variants)
        return kinds == ["Ref", "String"]

    assert _paths(Union, object_or_string) == {"card", "bank_account"}


def test_two_enums_with_empty_string_become_emptyable_enums() -> None:
    assert _paths(Emptyable, lambda s: isinstance(s.shape, Enum)) == {
        "tax_exempt",
        "invoice_settings.rendering_options.amount_tax_display",
    }
    values = {
        p: s.shape.values
        for p, s, _ in NODES
        if isinstance(s, Emptyable) and isinstance(s.shape, Enum)
    }
    assert "" not in values["tax_exempt"] and set(values["tax_exempt"]) == {
        "exempt",
        "none",
        "reverse",
    }


def test_maps_arrays_depth_and_constraints() -> None:
    assert _paths(Map) == {"metadata", "card.metadata"}
    arrays = {p: type(s.items).__name__ for p, s, _ in NODES if isinstance(s, Array)}
    assert arrays["expand"] == "String" and arrays["invoice_settings.custom_fields"] == "Ref"
    # four levels: the body, invoice_settings, rendering_options, amount_tax_display
    deepest = max(depth for _, _, depth in NODES)
    assert deepest == 3
    assert "invoice_settings.rendering_options.amount_tax_display" in {
        p for p, _, d in NODES if d == deepest
    }
    email = next(s for p, s, _ in NODES if p == "email")
    assert isinstance(email, String) and email.max_length == 512
    card = next(SHAPES[s.name] for p, s, _ in NODES if p == "card" and isinstance(s, Ref))
    assert {f.wire_name for f in card.fields if f.required} == {"exp_month", "exp_year", "number"}


def test_closed_objects_and_shared_address() -> None:
    body = SHAPES[OPERATION.body.shape.name] if isinstance(OPERATION.body.shape, Ref) else None
    assert isinstance(body, Object) and body.additional is False  # additionalProperties: false
    uses = [
        s.name for p, s, _ in NODES if isinstance(s, Ref) and p in ("address", "shipping.address")
    ]
    assert len(uses) == 2 and len(set(uses)) == 1  # optional_fields_address is one named shape

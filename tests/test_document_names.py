"""A document's own schema names become the type names.

``#/components/schemas/AlbumObject`` is the type ``AlbumObject`` wherever it is used, also
when it is an ``allOf`` composition, and also where a property refers to it through the
description idiom of OpenAPI 3.0 (``{"description": ..., "allOf": [{"$ref": ...}]}``) rather
than a name made from the first operation that happened to use it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.diagnostics import Reporter
from generator.model import Api, normalise
from generator.model.shapes import Object, Ref
from generator.scrape import read_openapi

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Albums", "version": "1"},
    "paths": {
        "/albums/{id}": {
            "get": {
                "operationId": "get-an-album",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "an album", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/AlbumObject"}}
                }}},
            }
        },
        "/artists/{id}/top": {
            "get": {
                "operationId": "get-top-artist-id",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "an id", "content": {
                    "application/json": {"schema": {
                        "description": "the artist's ids", "x-kind": "ids",
                        "allOf": [{"$ref": "#/components/schemas/ExternalIdObject"}],
                    }}
                }}},
            }
        },
    },
    "components": {"schemas": {
        "AlbumBase": {"type": "object", "properties": {"name": {"type": "string"}}},
        "AlbumObject": {"allOf": [
            {"$ref": "#/components/schemas/AlbumBase"},
            {"type": "object", "properties": {
                "external_ids": {"description": "Known external IDs of the album.",
                                 "allOf": [{"$ref": "#/components/schemas/ExternalIdObject"}]},
                "label": {"type": "string"},
            }},
        ]},
        "ExternalIdObject": {"type": "object", "properties": {"isrc": {"type": "string"}}},
    }},
}


def _api(tmp_path: Path, document: dict[str, Any]) -> Api:
    path = tmp_path / "albums.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    reporter = Reporter()
    doc = read_openapi(path, reporter)
    assert doc is not None, reporter.sorted()
    api = normalise("albums", list(doc.pages), reporter)
    assert not reporter.has_errors, reporter.sorted()
    return api


def _field(api: Api, owner: str, name: str) -> Any:
    objects = {o.name: o for o in api.shapes if isinstance(o, Object)}
    return next(f for f in objects[owner].fields if f.wire_name == name).shape


def test_an_all_of_component_keeps_its_name(tmp_path: Path) -> None:
    names = {o.name for o in _api(tmp_path, DOCUMENT).shapes}
    assert "AlbumObject" in names, sorted(names)
    assert not any(n.startswith("GetAnAlbum") for n in names), sorted(names)


def test_a_described_reference_is_the_named_schema_itself(tmp_path: Path) -> None:
    api = _api(tmp_path, DOCUMENT)
    assert _field(api, "AlbumObject", "external_ids").name == "ExternalIdObject"
    assert {o.name for o in api.shapes} == {"AlbumObject", "ExternalIdObject"}


def test_a_reference_with_constraints_beside_it_is_not_taken_for_the_named_schema(
    tmp_path: Path,
) -> None:
    album = DOCUMENT["components"]["schemas"]["AlbumObject"]["allOf"][1]["properties"]
    changed = json.loads(json.dumps(DOCUMENT))
    changed["components"]["schemas"]["AlbumObject"]["allOf"][1]["properties"] = {
        **album, "external_ids": {**album["external_ids"], "required": ["isrc"]},
    }
    api = _api(tmp_path, changed)
    merged = _field(api, "AlbumObject", "external_ids")
    assert merged.name != "ExternalIdObject"  # another shape: isrc is required in this one
    assert {o.name for o in api.shapes} >= {"AlbumObject", "ExternalIdObject"}


def _team_document(parent: dict[str, Any]) -> dict[str, Any]:
    """A recursive ``Team`` beside ``User`` in a discriminated ``oneOf``, sent and returned."""
    assignee = {"oneOf": [{"$ref": "#/components/schemas/User"},
                          {"$ref": "#/components/schemas/Team"}],
                "discriminator": {"propertyName": "kind"}}
    task = {"type": "object", "properties": {"assignee": assignee}}
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Task"}}}
    return {
        "openapi": "3.1.0", "info": {"title": "Tasks", "version": "1"},
        "paths": {"/tasks": {"post": {
            "operationId": "createTask", "requestBody": {"content": content},
            "responses": {"201": {"description": "created", "content": content}},
        }}},
        "components": {"schemas": {
            "Task": task,
            "User": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"const": "user"}, "login": {"type": "string"}}},
            "Team": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"const": "team"}, "parent": parent}},
        }},
    }  # fmt: skip


def test_a_recursive_component_sent_and_returned_is_one_type(tmp_path: Path) -> None:
    """The request copy of a recursive schema (inlined, its cycle cut) and the response's
    (read through its ``$ref``) are one type, named by the document, where no field under
    it is ``readOnly``/``writeOnly``."""
    api = _api(tmp_path, _team_document({"$ref": "#/components/schemas/Team"}))
    teams = [o for o in api.shapes if isinstance(o, Object) and "parent" in
             {f.wire_name for f in o.fields}]
    assert [t.name for t in teams] == ["Team"]
    assert _field(api, "Team", "parent") == Ref("Team")


def test_a_recursive_request_copy_of_its_own_gets_a_python_name(tmp_path: Path) -> None:
    """With a ``readOnly`` field the request's copy differs from the response's; among the
    request's branches it is named from its use, qualified by digits: an identifier."""
    parent = {"$ref": "#/components/schemas/Team"}
    document = _team_document(parent)
    document["components"]["schemas"]["Team"]["properties"]["id"] = {
        "type": "string", "readOnly": True}
    api = _api(tmp_path, document)
    teams = sorted(o.name for o in api.shapes if isinstance(o, Object) and "parent" in
                   {f.wire_name for f in o.fields})
    assert len(teams) == 2 and "Team" in teams, teams
    assert all(name.isidentifier() for name in teams), teams


def test_a_component_kept_in_a_file_of_its_own_is_named_after_the_file() -> None:
    """``$ref: models/load_balancer.yml`` names ``load_balancer`` (``LoadBalancer``), not
    ``load_balancer.yml``; a fragment's last part wins where there is one."""
    from generator.model.reader import component_name

    assert component_name("models/load_balancer.yml") == "load_balancer"
    assert component_name("models/load_balancer.yml#") == "load_balancer"
    assert component_name("shared.json#/components/schemas/Error") == "Error"
    assert component_name("#/components/schemas/Address") == "Address"


def _pet_document(variant_title: str | None = None) -> dict[str, Any]:
    """``Pet``: its own fields beside a discriminated ``oneOf`` of ``Cat`` and ``Dog``, the
    parent-and-variants idiom of OpenAPI's examples."""
    cat: dict[str, Any] = {"type": "object", "required": ["kind"], "properties": {
        "kind": {"const": "cat"}, "lives": {"type": "integer"}}}
    if variant_title is not None:
        cat["title"] = variant_title
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
    return {
        "openapi": "3.1.0", "info": {"title": "Pets", "version": "1"},
        "paths": {"/pets": {"post": {
            "operationId": "createPet", "requestBody": {"content": content},
            "responses": {"201": {"description": "created", "content": content}},
        }}},
        "components": {"schemas": {
            "Pet": {"type": "object", "required": ["id"],
                    "properties": {"id": {"type": "string"}, "kind": {"type": "string"}},
                    "discriminator": {"propertyName": "kind"},
                    "oneOf": [{"$ref": "#/components/schemas/Cat"},
                              {"$ref": "#/components/schemas/Dog"}]},
            "Cat": cat,
            "Dog": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"const": "dog"}, "good": {"type": "boolean"}}},
        }},
    }  # fmt: skip


def test_each_variant_with_the_parents_fields_is_named_after_its_schema(tmp_path: Path) -> None:
    """A parent's fields merged into each ``oneOf`` variant make the variant's type, named
    by the variant's schema (``Cat``), not by the operation and digits."""
    api = _api(tmp_path, _pet_document())
    names = {o.name for o in api.shapes if isinstance(o, Object)}
    assert names == {"Cat", "Dog"}, sorted(names)
    assert {f.wire_name for f in next(o for o in api.shapes if o.name == "Cat").fields} == {
        "id", "kind", "lives"}


def test_a_variants_own_title_names_it_first(tmp_path: Path) -> None:
    names = {o.name for o in _api(tmp_path, _pet_document("House cat")).shapes}
    assert names == {"HouseCat", "Dog"}, sorted(names)


def _request_document(place: dict[str, Any]) -> dict[str, Any]:
    """``NewThing`` (holding ``Place``) sent only, never returned."""
    return {
        "openapi": "3.0.3", "info": {"title": "Things", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "createThing",
            "requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/NewThing"}}}},
            "responses": {"204": {"description": "created"}},
        }}},
        "components": {"schemas": {
            "NewThing": {"type": "object", "properties": {"name": {"type": "string"},
                                                          "where": place}},
            "Place": {"type": "object", "properties": {"lat": {"type": "number"}}},
        }},
    }  # fmt: skip


def test_a_schema_only_sent_keeps_its_name(tmp_path: Path) -> None:
    """Request schemas are inlined when the document is read; each object still carries the
    ``$ref`` it came from, so it is named by the document, not by its first use."""
    api = _api(tmp_path, _request_document({"$ref": "#/components/schemas/Place"}))
    assert {o.name for o in api.shapes} == {"NewThing", "Place"}
    described = {"description": "where it is", "allOf": [{"$ref": "#/components/schemas/Place"}]}
    api = _api(tmp_path, _request_document(described))
    assert {o.name for o in api.shapes} == {"NewThing", "Place"}


def test_a_sent_reference_constrained_beside_it_is_not_that_schema(tmp_path: Path) -> None:
    constrained = {"allOf": [{"$ref": "#/components/schemas/Place"}], "required": ["lat"]}
    names = {o.name for o in _api(tmp_path, _request_document(constrained)).shapes}
    assert "Place" not in names and "NewThing" in names, sorted(names)


def test_the_response_reading_keeps_the_name_where_a_read_only_field_splits_it(
    tmp_path: Path,
) -> None:
    """``Item`` with a ``readOnly`` id reads as two objects: the returned one is ``Item``, the
    sent one (without ``id``) ``ItemRequest``."""
    item = {"type": "object", "properties": {"id": {"type": "string", "readOnly": True},
                                             "name": {"type": "string"}}}
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}
    document = {
        "openapi": "3.0.3", "info": {"title": "Items", "version": "1"},
        "paths": {"/items": {"post": {
            "operationId": "createItem", "requestBody": {"content": content},
            "responses": {"201": {"description": "created", "content": content}},
        }}},
        "components": {"schemas": {"Item": item}},
    }  # fmt: skip
    objects = {o.name: o for o in _api(tmp_path, document).shapes if isinstance(o, Object)}
    assert set(objects) == {"Item", "ItemRequest"}, sorted(objects)
    assert {f.wire_name for f in objects["Item"].fields} == {"id", "name"}
    assert {f.wire_name for f in objects["ItemRequest"].fields} == {"name"}


def test_a_sent_composition_keeps_its_name(tmp_path: Path) -> None:
    """``ResizeAction: allOf [Action, {size}]`` sent among a union's branches is the type
    ``ResizeAction``; ``Action``, merged into it, is a type only where it is sent alone."""
    schemas = {
        "Action": {"type": "object", "required": ["type"],
                   "properties": {"type": {"type": "string"}}},
        "ResizeAction": {"allOf": [{"$ref": "#/components/schemas/Action"},
                                   {"type": "object", "properties": {"size": {"type": "string"}}}]},
    }  # fmt: skip
    body = {"anyOf": [{"$ref": "#/components/schemas/Action"},
                      {"$ref": "#/components/schemas/ResizeAction"}]}  # fmt: skip
    document = {
        "openapi": "3.0.3", "info": {"title": "Actions", "version": "1"},
        "paths": {"/actions": {"post": {
            "operationId": "postAction",
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {"204": {"description": "done"}},
        }}},
        "components": {"schemas": schemas},
    }  # fmt: skip
    objects = {o.name: o for o in _api(tmp_path, document).shapes if isinstance(o, Object)}
    assert set(objects) == {"Action", "ResizeAction"}, sorted(objects)
    assert {f.wire_name for f in objects["ResizeAction"].fields} == {"type", "size"}


def test_an_object_inside_a_returned_schema_is_named_after_it(tmp_path: Path) -> None:
    """``Order.shipping_address`` (an object without a name of its own) is
    ``OrderShippingAddress`` whichever operations return an ``Order``: removing one does not
    rename it."""
    order = {"type": "object", "properties": {"id": {"type": "string"}, "shipping_address": {
        "type": "object", "properties": {"city": {"type": "string"}}}}}
    returned = {"200": {"description": "the order", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Order"}}}}}

    def document(*op_ids: str) -> dict[str, Any]:
        return {
            "openapi": "3.0.3", "info": {"title": "Shop", "version": "1"},
            "paths": {f"/{op_id}": {"get": {"operationId": op_id, "responses": returned}}
                      for op_id in op_ids},
            "components": {"schemas": {"Order": order}},
        }  # fmt: skip

    for op_ids in (("cancelOrder", "getOrder"), ("getOrder",)):
        names = {o.name for o in _api(tmp_path, document(*op_ids)).shapes}
        assert names == {"Order", "OrderShippingAddress"}, (op_ids, sorted(names))

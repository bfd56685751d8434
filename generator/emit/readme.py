"""The package README's and docstring's API-specific sentences, computed from the model.

``client_example`` shows the credentials the API's first way to authenticate takes (as the
generated ``Client`` reads them: ``api_key``, ``username``/``password`` or ``credentials``);
``clearing_text`` says how a field is cleared, only for the ways the API's fields allow
(``""`` for an ``Emptyable`` field, ``None`` for a nullable one); ``paging_example`` is a
list call for the paging section (none when nothing pages).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from generator.model.shapes import Api, Auth, Emptyable, Null, Operation, Shape, Union

_CLIENT_ARGUMENTS = ("api_key", "username", "password")  # the Client's own keyword arguments


def client_example(auth: Sequence[Auth]) -> str:
    """``Client(api_key="...")``: the constructor call with the credentials of the API's
    first way to authenticate (``Conventions.auth``, by requirement)."""
    first = min((a.requirement for a in auth), default=0)
    names: list[str] = []
    for a in auth:
        if a.requirement != first:
            continue
        wanted = ("username", "password") if a.method == "basic" else (a.credential,)
        names += [n for n in wanted if n not in names]
    own = [f'{n}="..."' for n in names if n in _CLIENT_ARGUMENTS]
    other = [f'"{n}": "..."' for n in names if n not in _CLIENT_ARGUMENTS]
    arguments = own + ([f"credentials={{{', '.join(other)}}}"] if other else [])
    return f"Client({', '.join(arguments)})"


def clearing_text(api: Api) -> str:
    """The README's sentence on arguments left out, and how a field is cleared where the
    API's fields allow it: ``""`` (``Emptyable``), ``None`` (nullable: JSON Schema ``null``)."""
    shapes = list(_field_shapes(api))
    ways = []
    if any(_holds(s, Emptyable) for s in shapes):
        ways.append('`""` to clear a field that allows it')
    if any(_holds(s, Null) for s in shapes):
        ways.append("`None` to send `null` for a nullable field")
    head = "An argument left out is not sent"
    return f"{head}; pass {' and '.join(ways)}." if ways else f"{head}."


def paging_example(api: Api) -> str:
    """A list call for the README's paging example, as the client spells it
    (``client.pets.list()``; ``(...)`` when it takes required arguments): the first operation
    by id that pages, one without required arguments first; ``""`` when none pages."""
    paged = [op for op in api.operations if op.paging is not None]
    if not paged:
        return ""

    def required(op: Operation) -> bool:
        params = (*op.path_params, *op.query_params, *op.header_params, *op.cookie_params)
        return any(p.required for p in params) or (op.body is not None and op.body.required)

    op = min(paged, key=lambda o: (required(o), o.operation_id))
    return f"client.{'.'.join((*op.resource, op.method_name))}({'...' if required(op) else ''})"


def readme_context(api: Api) -> dict[str, Any]:
    """What ``README.md.jinja`` and ``__init__.py.jinja`` place."""
    return {"client_example": client_example(api.conventions.auth),
            "clearing_text": clearing_text(api), "paging_example": paging_example(api)}  # fmt: skip


def _field_shapes(api: Api) -> Iterator[Shape]:
    """Every object field's and every operation parameter's shape."""
    for obj in api.shapes:
        yield from (f.shape for f in obj.fields)
    for op in api.operations:
        for params in (op.path_params, op.query_params, op.header_params, op.cookie_params):
            yield from (p.shape for p in params)


def _holds(shape: Shape, kind: type[Emptyable] | type[Null]) -> bool:
    """Whether the field's own value may be of ``kind`` (not an item of it)."""
    if isinstance(shape, kind):
        return True
    if isinstance(shape, Emptyable):
        return _holds(shape.shape, kind)
    if isinstance(shape, Union):
        return any(_holds(v, kind) for v in shape.variants)
    return False

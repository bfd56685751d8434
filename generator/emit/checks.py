"""The plan of ``_validators.py``: one function plan per object and per operation, one
check node per shape in them (``check_nodes.py``), every name and literal ready.

Objects, operations, unions and containers are planned here; scalars and size limits in
``check_scalars.py``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import assert_never

from generator.emit.check_messages import describe
from generator.emit.check_nodes import (
    ArrayCheck,
    At,
    Check,
    EmptyableCheck,
    FunctionPlan,
    MapCheck,
    Member,
    OneOfCheck,
    PatternCheck,
    Planner,
    RefCheck,
    ScalarCheck,
    Segment,
    UnionCheck,
    constant_stem,
    frozenset_text,
)
from generator.emit.check_scalars import array_limits, compiled_pattern, count_limits, scalar_check
from generator.emit.python import pyrepr
from generator.model import shapes as s
from generator.model.naming import python_identifier

_PLAIN = re.compile(r"[\w\-. ]*")  # path segments an f-string can hold as they are


def object_plan(obj: s.Object, check_names: dict[str, str]) -> FunctionPlan:
    name = check_names[obj.name]
    p = Planner(check_names, name.removeprefix("_check_").upper())
    p.use("_expected")
    members = tuple(m for f in obj.fields if (m := _member(f, "value", p)) is not None)
    fields = None
    if not obj.additional:
        keys = frozenset_text(f.wire_name for f in obj.fields)
        fields = p.constant(f"_{p.owner}_FIELDS", keys)
        p.use("_unknown")
    at = At("value", '""', "problems")
    limits = count_limits(obj.keys, at, p)
    others = _others(obj, at, p) if fields is None else None
    doc = f"The problems of a ``{obj.name}`` object."
    signature = "value: Any, problems: _Problems"
    return FunctionPlan("object", name, signature, doc, members, fields, limits=limits,
                        others=others, needs=p.needs())


def _others(obj: s.Object, at: At, p: Planner) -> MapCheck | None:
    """The check of an open object's keys beside its fields, where the schema has one."""
    if obj.extra is None and obj.keys.names is None and not obj.keys.patterns:
        return None
    known = p.constant(f"_{p.owner}_FIELDS", frozenset_text(f.wire_name for f in obj.fields))
    keys = replace(obj.keys, min_properties=None, max_properties=None)  # counted above
    return _entries(s.Map(obj.extra or s.AnyShape(), keys), at, (), p, known=known)


def operation_plan(op: s.Operation, name: str, check_names: dict[str, str]) -> FunctionPlan:
    p = Planner(check_names, python_identifier(name).upper())
    body = None
    if op.body is not None:
        body = _check(op.body.shape, At("value", '""', "problems"), (), p)
    source = "query" if op.body is not None else "value"
    query = tuple(m for q in op.query_params if (m := _member(q, source, p)) is not None)
    # a body that is not a named object is passed whole (None when not given): any value
    whole = op.body is not None and not isinstance(op.body.shape, s.Ref)
    signature = "value: Any" if whole else "value: Mapping[str, Any]"
    if op.body is not None and op.query_params:
        signature += ", query: Mapping[str, Any] | None = None"
    return FunctionPlan("operation", name, signature, _operation_doc(op), body=body,
                        query=query, query_optional=op.body is not None,
                        needs=p.needs())  # fmt: skip


def _operation_doc(op: s.Operation) -> str:
    what = "body" if op.body is not None else "query parameters"
    if op.body is not None and op.query_params:
        what = "body and query parameters"
    return f"The problems of the {what} of {op.method} {op.path} ({op.operation_id})."


def _member(member: s.Field | s.Parameter, source: str, p: Planner) -> Member | None:
    """The member's check; None when any value (or none) will do."""
    name = member.wire_name if isinstance(member, s.Field) else member.name
    what = "field" if isinstance(member, s.Field) else "parameter"
    local = python_identifier(name)
    while local in p.taken:
        local += "_"
    check = _check(member.shape, At(local, "", "problems"), (("lit", name),), p)
    missing = None
    if check is None and not member.required:
        return None
    if member.required:
        p.use("_missing")
        missing = f"_missing({pyrepr(what)}, {pyrepr(name)})"
    return Member(pyrepr(name), local, source, check, missing, '""')


def _check(shape: s.Shape, at: At, path: tuple[Segment, ...], p: Planner) -> Check | None:
    """The check of ``at.value`` against ``shape``; None when anything is accepted."""
    at = At(at.value, _path_expr(path, p), at.problems)
    match shape:
        case s.AnyShape():
            return None
        case s.Ref():
            p.use("_prefix") if path else None
            return RefCheck(at, p.check_names[shape.name], bool(path))
        case s.Emptyable():
            return _emptyable(shape, at, path, p)
        case s.Union():
            return _union(shape, at, p)
        case s.Array() | s.Map():
            return _container(shape, at, path, p)
        case (s.String() | s.Enum() | s.Integer() | s.Number() | s.Boolean() | s.Binary() | s.Null()
              | s.Const()):
            return scalar_check(shape, at, path, p, empty=False)
        case s.Object():
            raise AssertionError("an object in a field is a Ref by normalisation")
        case _:
            assert_never(shape)


def _emptyable(shape: s.Emptyable, at: At, path: tuple[Segment, ...], p: Planner) -> Check | None:
    inner = shape.shape
    if isinstance(inner, s.String | s.Enum):  # "" is one of their values already
        return scalar_check(inner, at, path, p, empty=True)
    check: Check | None
    if isinstance(inner, s.Integer | s.Number | s.Boolean | s.Binary | s.Null | s.Const):
        check = scalar_check(inner, at, path, p, empty=True)
    else:
        check = _check(inner, at, path, p)
    return EmptyableCheck(at, check) if check is not None else None


def _union(shape: s.Union, at: At, p: Planner) -> Check | None:
    """Each variant checks into a list of its own; one problem when none accepts the value."""
    if shape.exclusive or shape.discriminator is not None:
        return _one_of(shape, at, p)
    p.use("_union")
    variants = []
    for n, variant in enumerate(shape.variants, start=1):
        tried = At(at.value, '""', p.unique(f"{at.value.rstrip('_')}_variant_{n}"))
        check = _check(variant, tried, (), p)
        if check is None:
            return None  # a variant that accepts anything: so does the union
        variants.append(check)
    description = p.literal(describe(shape), f"_{constant_stem(at, p)}_EXPECTED")
    return UnionCheck(at, description, tuple(variants), _labels(shape, at, p))


def _one_of(shape: s.Union, at: At, p: Planner) -> OneOfCheck:
    """``oneOf`` (JSON Schema 2020-12, 10.2.1.3), or any union tagged by a discriminator."""
    p.use("_union")
    variants = []
    for n, variant in enumerate(shape.variants, start=1):
        tried = At(at.value, '""', p.unique(f"{at.value.rstrip('_')}_variant_{n}"))
        variants.append(_check(variant, tried, (), p) or ScalarCheck(tried, '""', "const", "True"))
    description = p.literal(describe(shape), f"_{constant_stem(at, p)}_EXPECTED")
    labels = _labels(shape, at, p)
    tail = ",)" if len(variants) == 1 else ")"  # a trailing comma black would explode
    lists = "(" + ", ".join(v.at.problems for v in variants) + tail
    many = None
    if shape.exclusive:
        p.use("_matched")
        many = f"_matched({labels}, {', '.join(v.at.problems for v in variants)})"
    passed = " + ".join(f"(not {v.at.problems})" for v in variants)
    check = OneOfCheck(at, description, tuple(variants), labels, p.unique("accepted"), passed,
                       many, lists=lists)  # fmt: skip
    tagged = shape.discriminator
    if tagged is None:
        return check
    p.use("_prefix")
    tags = "{" + ", ".join(f"{pyrepr(t)}: {i}" for t, i in tagged.mapping) + "}"
    return replace(check, tag=p.unique("tag"), property=pyrepr(tagged.property),
                   tags=p.constant(f"_{constant_stem(at, p)}_TAGS", tags), nested=at.path != '""')


def _labels(shape: s.Union, at: At, p: Planner) -> str:
    """A constant naming each variant for messages: an object by its schema's name, any
    other shape as ``describe`` says it (``("Cat", "Dog", "a string")``)."""
    names = [_label(v.name if isinstance(v, s.Ref) else describe(v)) for v in shape.variants]
    tail = ",)" if len(names) == 1 else ")"
    literal = "(" + ", ".join(map(pyrepr, names)) + tail
    return p.constant(f"_{constant_stem(at, p)}_VARIANTS", literal)


LABEL_WIDTH = 60  # a variant's label, so a tuple of them fits the generated lines


def _label(text: str) -> str:
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 3] + "..."


def _container(
    shape: s.Array | s.Map, at: At, path: tuple[Segment, ...], p: Planner
) -> ArrayCheck | MapCheck:
    p.use("_expected")
    if isinstance(shape, s.Map):
        return _entries(shape, at, path, p, known="")
    index, item = p.fresh("index"), p.fresh("item")
    p.depth += 1
    check = _check(shape.items, At(item, "", at.problems), (*path, ("var", index)), p)
    p.depth -= 1
    return ArrayCheck(at, index, item, check, array_limits(shape, at, p))


def _entries(
    shape: s.Map, at: At, path: tuple[Segment, ...], p: Planner, *, known: str
) -> MapCheck:
    """A map's entries (or an object's other keys, ``known`` naming its fields)."""
    key, item = p.fresh("key"), p.fresh("item")
    p.depth += 1
    where = (*path, ("var", key))
    values = _check(shape.values, At(item, "", at.problems), where, p)
    names = None if shape.keys.names is None else _check(
        shape.keys.names, At(key, "", at.problems), where, p)
    patterns = []
    skip = [f"{key} not in {known}"] if known else []
    for rule in shape.keys.patterns:
        regex = compiled_pattern(rule.pattern, constant_stem(at, p), p)
        test = f"isinstance({key}, str) and {regex}.search({key}) is not None"
        patterns.append(PatternCheck(test, _check(rule.shape, At(item, "", at.problems), where, p)))
        skip.append(f"not ({test})")
    p.depth -= 1
    limits = count_limits(shape.keys, at, p)
    return MapCheck(at, key, item, values, limits, names, tuple(patterns), " and ".join(skip))


def _path_expr(path: tuple[Segment, ...], p: Planner) -> str:
    """A Python expression for a dotted path; evaluated only where a problem is reported."""
    if all(kind == "lit" for kind, _ in path):
        wanted = f"_{python_identifier(path[-1][1]).upper()}_PATH" if path else ""
        return p.literal(".".join(text for _, text in path), wanted)
    if all(_PLAIN.fullmatch(text) for kind, text in path if kind == "lit"):
        joined = ".".join(text if kind == "lit" else "{" + text + "}" for kind, text in path)
        return f'f"{joined}"'
    parts = [pyrepr(text) if kind == "lit" else f"str({text})" for kind, text in path]
    return '".".join((' + ", ".join(parts) + ",))"

"""The JSON Schema vocabulary of real API documents, end to end (issue 12).

Differential test (round trip 3 beyond Stripe's idioms): for request bodies of every OpenAPI
document in the corpus (``corpus/openapi/``) and of Stripe's ``spec3.json``, the generated
validator and ``jsonschema.Draft202012Validator`` (with format checking for the formats the
model checks) give the same verdict, and name the same places, on a valid instance built from
the model and on instances that break one keyword each (type, bounds, lengths, pattern,
format, enum/const, null, array and object limits, required, unknown keys).

Round trip 2 over the same bodies: the schema the model implies (``shape_schema``) accepts and
rejects those instances exactly as the source schema does.

CI runs a fixed-seed sample of each document's operations; ``DOC2CLIENT_FUZZ=long``
(``make fuzz``) runs every operation with more seeds.

Paths: ``jsonschema`` reports a failed ``anyOf``/``oneOf`` once, at the union; the validator
does the same, except where a discriminator picks the branch (its problems are then reported
inside it) and for the "emptyable" idiom. So paths are compared up to that: every path one
side names is at or below a path the other names.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import random
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.diagnostics import Reporter
from generator.model import Api, normalise, shape_schema
from generator.model.refs import object_refs, operation_refs
from tests.conftest import LONG_FUZZ as LONG
from tests.conftest import load_validators, require_corpus, shared_document
from tests.schema_instances import Builder, mutations, plain_schema

DOCUMENTS = [
    "openapi/box/openapi.json",
    "openapi/spotify/fixed-spotify-open-api.yml",
    "openapi/discord/openapi.json",
    "openapi/digitalocean/specification/DigitalOcean-public.v2.yaml",
    "openapi/adyen/BalancePlatformService-v2.json",
    "openapi/vonage/numbers.yml",
    "openapi/lob/lob-api-bundled.yml",
    "openapi/mastodon/schema.json",
    "openapi/ory/api.json",
    "stripe-openapi/spec3.json",
]
SAMPLE = 1000 if LONG else 12  # operations with a body, per document
SEEDS = range(6) if LONG else range(2)


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", value,
                        re.ASCII):
        return False
    try:
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return value[17:19] == "60"  # a leap second (RFC 3339)
    return True


def _byte(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except binascii.Error:
        return False
    return len(value) % 4 == 0


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value)) and not re.search(
        r"[\s<>\"{}|\\^`]", value)


def format_checker() -> jsonschema.FormatChecker:
    """The formats the model checks: jsonschema's own date, uuid, email; date-time, byte and
    uri written here from their RFCs (jsonschema needs extra packages for those)."""
    checker = jsonschema.FormatChecker(["date", "uuid", "email"])
    checker.checks("date-time")(_date_time)
    checker.checks("byte")(_byte)
    checker.checks("uri")(_uri)
    return checker


@cache
def loaded(document: str) -> tuple[Api, dict[str, Any], bool]:
    """The model of one document and its raw request body schemas by operation id."""
    path = require_corpus() / document
    doc, diagnostics = shared_document(path)
    reporter = Reporter()
    reporter.items.extend(diagnostics)
    api = normalise("corpus", list(doc.pages), reporter)
    assert not reporter.has_errors, [str(d) for d in reporter.sorted() if d.level == "error"]
    text = path.read_text(encoding="utf-8")[:200]
    openapi_30 = re.search(r"openapi['\"]?\s*:\s*['\"]?3\.0", text) is not None
    return api, {p.operation_id: p.schema for p in doc.pages if p.schema is not None}, openapi_30


def _reachable(api: Api, names: list[str]) -> set[str]:
    objects = {o.name: o for o in api.shapes}
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen and name in objects:
            seen.add(name)
            todo += object_refs(objects[name])
    return seen


@cache
def sampled(document: str) -> tuple[Api, dict[str, Any], dict[str, Any], bool]:
    """A fixed sample of the operations with a JSON-like body, and their validators."""
    api, schemas, openapi_30 = loaded(document)
    ops = [op for op in api.operations if op.body is not None and op.operation_id in schemas]
    ops = sorted(random.Random(12).sample(ops, min(SAMPLE, len(ops))), key=lambda o: o.operation_id)
    keep = _reachable(api, [n for op in ops for n in operation_refs(op)])
    small = replace(api, operations=tuple(ops),
                    shapes=tuple(o for o in api.shapes if o.name in keep))  # fmt: skip
    namespace = load_validators(small, "# test")
    validators = {op.operation_id: namespace[op.validator] for op in ops}
    return small, schemas, validators, openapi_30


def _paths(errors: list[str]) -> set[str]:
    return set(errors)


def _covered(paths: set[str], by: set[str]) -> bool:
    """Every path in ``paths`` is at or below one in ``by``, or holds one of ``by`` below it."""
    def near(p: str, q: str) -> bool:
        return p == q or q == "" or p == "" or p.startswith(q + ".") or q.startswith(p + ".")

    return all(any(near(p, q) for q in by) for p in paths)


def _cases(document: str) -> list[tuple[str, str, Any]]:
    api, _, _, _ = sampled(document)
    cases: list[tuple[str, str, Any]] = []
    for seed in SEEDS:
        builder = Builder(api, seed)
        for op in api.operations:
            assert op.body is not None
            valid = builder.value(op.body.shape)
            cases.append((op.operation_id, "valid", valid))
            cases += [(op.operation_id, what, bad) for what, bad in
                      mutations(builder, op.body.shape, valid)]  # fmt: skip
    return cases


@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("document", DOCUMENTS)
def test_validator_agrees_with_jsonschema(corpus: Path, document: str) -> None:
    _api, schemas, validators, openapi_30 = sampled(document)
    checker = format_checker()
    plain = {op: jsonschema.Draft202012Validator(plain_schema(schemas[op], openapi_30=openapi_30),
                                                 format_checker=checker)
             for op in validators}  # fmt: skip
    disagreements = []
    checked = 0
    for op_id, what, instance in _cases(document):
        if not isinstance(instance, dict):
            continue  # the client's body is a mapping of arguments
        ours = validators[op_id](instance)
        theirs = list(plain[op_id].iter_errors(instance))
        checked += 1
        ours_paths = {path for path, _ in ours}
        their_paths = {".".join(map(str, e.absolute_path)) for e in theirs}
        if bool(ours) != bool(theirs) or not (
                _covered(ours_paths, their_paths) and _covered(their_paths, ours_paths)):
            disagreements.append((op_id, what, ours[:3], [(list(e.absolute_path), e.message[:80])
                                                          for e in theirs[:3]]))
    assert checked > 0
    assert disagreements == [], disagreements[:5]


@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("document", DOCUMENTS)
def test_round_trip_2_implied_schema_agrees_with_the_source(corpus: Path, document: str) -> None:
    api, schemas, _validators, openapi_30 = sampled(document)
    checker = format_checker()
    ops = {op.operation_id: op for op in api.operations}
    disagreements = []
    for op_id, what, instance in _cases(document):
        body = ops[op_id].body
        assert body is not None
        implied = plain_schema(shape_schema(body.shape, api), openapi_30=False)
        source = plain_schema(schemas[op_id], openapi_30=openapi_30)
        a = jsonschema.Draft202012Validator(implied, format_checker=checker).is_valid(instance)
        b = jsonschema.Draft202012Validator(source, format_checker=checker).is_valid(instance)
        if a != b:
            disagreements.append((op_id, what, a, b))
    assert disagreements == [], disagreements[:5]

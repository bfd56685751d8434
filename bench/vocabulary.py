"""The OpenAPI documents of the corpus: diagnostics by kind and the share of ``Any`` shapes.

For each document of ``openapi/`` in the corpus (``DOC2CLIENT_CORPUS``, default
``../shared/corpus``): errors, warnings by code, shape nodes, and ``Any`` nodes by origin
(``generator.model.census``): "exact" where the source's schema admits any value,
"unchecked" where it says something the model does not check; nodes where the source gives
no schema (an array without ``items``, an object without ``additionalProperties``) are not
counted; and the share of operations whose methods return a concrete type (issue 13: the
annotation ``response_annotation`` gives is not ``Any`` nor a union with ``Any``). Run alone:
``python -m bench.vocabulary``.
"""

from __future__ import annotations

from collections import Counter

from bench.generation import corpus
from generator.diagnostics import Reporter
from generator.emit.python import (
    TypeWriter,
    response_annotation,
    success_responses,
    typed_shape,
)
from generator.model import normalise
from generator.model import shapes as s
from generator.model.census import census
from generator.scrape import read_openapi

DOCUMENTS = {
    "Box": "box/openapi.json",
    "Spotify": "spotify/fixed-spotify-open-api.yml",
    "Discord": "discord/openapi.json",
    "DigitalOcean": "digitalocean/specification/DigitalOcean-public.v2.yaml",
    "Adyen": "adyen/BalancePlatformService-v2.json",
    "Vonage": "vonage/numbers.yml",
    "Lob": "lob/lob-api-bundled.yml",
    "Mastodon": "mastodon/schema.json",
    "Ory": "ory/api.json",
}


def document_row(name: str, rel: str) -> str:
    """One table row: the document's diagnostics and ``Any`` shares."""
    path = corpus() / "openapi" / rel
    if not path.is_file():
        return f"| {name} | not in the corpus |"
    reporter = Reporter()
    doc = read_openapi(path, reporter)
    if doc is None:
        return f"| {name} | not read: {len(reporter.items)} diagnostics |"
    api = normalise(name.lower(), list(doc.pages), reporter)
    counted = census(api)
    errors = sum(1 for d in reporter.items if d.level == "error")
    warnings = Counter(d.code for d in reporter.items if d.level == "warning")
    by_kind = ", ".join(f"{code} {n}" for code, n in sorted(warnings.items())) or "-"
    exact, unchecked = counted.any_nodes["schema"], counted.any_nodes["unchecked"]
    typed, total = typed_operations(api), max(1, len(api.operations))
    schemas = sum(1 for op in api.operations if any(typed_shape(r) for r in success_responses(op)))
    return (
        f"| {name} | {errors} | {by_kind} | {counted.given} | {exact} "
        f"({counted.share('schema'):.2%}) | {unchecked} ({counted.share('unchecked'):.2%}) | "
        f"{typed}/{len(api.operations)} ({typed / total:.0%}) | {schemas} ({schemas / total:.0%}) |"
    )


def typed_operations(api: s.Api) -> int:
    """How many operations return a concrete type (no ``Any`` in their return annotation)."""
    writer = TypeWriter({shape.name: shape.name for shape in api.shapes})
    returns = (response_annotation(api, op, writer) for op in api.operations)
    return sum(1 for text in returns if "Any" not in text.split(" | "))


def main() -> None:
    print("OpenAPI documents: diagnostics and the share of Any (of nodes with a source schema)")
    print("| document | errors | warnings by kind | nodes | Any, exact | Any, unchecked "
          "| concrete return type | a 2xx schema |")
    print("|---|---|---|---|---|---|---|---|")
    for name, rel in DOCUMENTS.items():
        print(document_row(name, rel))


if __name__ == "__main__":
    main()

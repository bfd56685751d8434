"""A kept result that read other files holds only while they are as they were: the files a
document's ``$ref``s name, also one that was missing or broken when it was read."""

from __future__ import annotations

from pathlib import Path

from generator.cache import Cache
from generator.diagnostics import Reporter
from generator.options import Options, RunStats
from generator.pipeline import build

DOCUMENT = """openapi: 3.0.3
info: {title: Multi, version: "1"}
paths:
  /a:
    post:
      operationId: makeA
      requestBody:
        content:
          application/json:
            schema: {$ref: "models/a.yaml"}
      responses: {"204": {description: done}}
"""


def _run(doc: Path, cache: Cache) -> tuple[list[str], list[str]]:
    """The diagnostics (by code) and the names of the generated types."""
    reporter, stats = Reporter(), RunStats()
    files = build([(doc, Options())], reporter, stats, cache=cache)
    types = next((files[rel] for rel in files if rel.endswith("/_types.py")), b"")
    classes = [line.split()[1].split("(")[0] for line in types.decode().splitlines()
               if line.startswith("class ")]  # fmt: skip
    return [d.code or "" for d in reporter.sorted()], classes


def _project(tmp_path: Path) -> Path:
    doc = tmp_path / "api" / "api.yaml"
    (doc.parent / "models").mkdir(parents=True)
    doc.write_text(DOCUMENT, encoding="utf-8")
    (doc.parent / "models" / "a.yaml").write_text(
        'type: object\nproperties:\n  x: {$ref: "b.yaml"}\n', encoding="utf-8")
    return doc


def test_a_referenced_file_made_after_a_failed_run_is_read(tmp_path: Path) -> None:
    doc, cache = _project(tmp_path), Cache(tmp_path / "cache")
    assert _run(doc, cache)[0] == ["bad-ref"] * 2  # the operation; the $ref, where it stands
    assert _run(doc, cache)[0] == ["bad-ref"] * 2  # replayed: nothing changed
    (doc.parent / "models" / "b.yaml").write_text("type: integer\n", encoding="utf-8")
    assert _run(doc, cache) == ([], ["A"]) == _run(doc, Cache(None))


def test_a_referenced_file_broken_then_mended_is_read_again(tmp_path: Path) -> None:
    doc, cache = _project(tmp_path), Cache(tmp_path / "cache")
    target = doc.parent / "models" / "b.yaml"
    target.write_text("type: [integer\n", encoding="utf-8")  # not YAML
    assert _run(doc, cache)[0] == ["bad-ref"] * 2
    target.write_text("type: integer\n", encoding="utf-8")
    assert _run(doc, cache) == ([], ["A"])
    target.write_text("type: object\nproperties: {n: {type: string}}\n", encoding="utf-8")
    assert _run(doc, cache) == _run(doc, Cache(None))

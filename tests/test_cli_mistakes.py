"""Mistakes are loud: each is named, located and, where it loses work, an error (exit 2).
Run as a user runs ``doc2client`` (a subprocess)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli_run import doc2client
from tests.conftest import SEED_PAGE

DOC = """\
openapi: 3.0.3
info: {title: Shop, version: "1"}
sevrers:
  - url: https://shop.example/v1
paths:
  /items/{id}:
    post:
      operationId: updateItem
      sumary: Update an item
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                count:
                  type: integr
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Itme"}
components:
  schemas:
    Item: {type: object}
"""


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _pages(tmp_path: Path) -> Path:
    folder = tmp_path / "specs" / "stripe"
    folder.mkdir(parents=True)
    shutil.copy(SEED_PAGE, folder)
    return tmp_path / "specs"


def test_an_include_that_matches_nothing_is_named_and_generates_nothing(tmp_path: Path) -> None:
    _pages(tmp_path)
    args = ("generate", "specs", "-o", "out", "--no-cache")
    assert doc2client(*args, cwd=tmp_path).returncode == 0
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "out").rglob("*"))
    done = doc2client(*args, "--include", "PostCustomer", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert (
        "specs/stripe: warning: include 'PostCustomer' matches no operation "
        "(did you mean 'PostCustomersCustomer'?)"
    ) in lines
    assert "specs/stripe: error: no operations left to generate (after include ['PostCustomer'])" in lines
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "out").rglob("*")) == before


def test_an_exclude_that_matches_nothing_warns(tmp_path: Path) -> None:
    _pages(tmp_path)
    done = doc2client("generate", "specs", "-o", "out", "--no-cache", "--exclude", "NoSuchOp",
                      cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "specs/stripe: warning: exclude 'NoSuchOp' matches no operation" in done.stderr


def test_openapi_mistakes_are_located(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(DOC)
    done = doc2client("generate", "shop.yaml", "-o", "out", "--no-cache", "--base-url",
                      "https://shop.example", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2  # the dangling $ref is an error
    lines = done.stderr.splitlines()
    assert (
        f"shop.yaml:{_line(DOC, 'sevrers')}: warning: unknown key 'sevrers' in the OpenAPI object "
        "(did you mean 'servers'?); it is ignored [/sevrers]"
    ) in lines
    assert (
        f"shop.yaml:{_line(DOC, 'sumary')}: warning: unknown key 'sumary' in operation POST "
        "/items/{id} (did you mean 'summary'?); it is ignored [/paths/~1items~1{id}/post/sumary]"
    ) in lines
    assert (
        f"shop.yaml:{_line(DOC, 'Itme')}: error: unresolvable $ref '#/components/schemas/Itme': "
        "no 'Itme' in the document "
        "[/paths/~1items~1{id}/post/responses/200/content/application~1json/schema/$ref]"
    ) in lines
    schema = "/paths/~1items~1{id}/post/requestBody/content/application~1json/schema"
    typo = [line for line in lines if "integr" in line]
    assert typo and all(
        line.startswith(f"shop.yaml:{_line(DOC, 'schema:' + chr(10) + ' ' * 14 + 'type: object')}: ")
        and line.endswith(f"[{schema}/properties/count/type]")
        for line in typo
    ), typo
    assert not (tmp_path / "out").exists()


def test_unknown_configuration_keys_suggest_the_right_one(tmp_path: Path) -> None:
    _pages(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.doc2client]\noutput = "out"\nformater = "ruff"\n'
        '[tool.doc2client.apis.stripe]\nsource = "specs/stripe"\nexlude = ["X"]\n'
    )
    done = doc2client("generate", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "pyproject.toml: error: unknown key(s) in [tool.doc2client]: formater "
        "(did you mean 'formatter'?)"
    ]


def test_an_object_that_is_a_ref_is_not_checked_for_keys(tmp_path: Path) -> None:
    from generator.diagnostics import Reporter
    from generator.scrape import read_openapi

    doc = DOC.replace("      operationId: updateItem\n", "      $ref: 'ops.yaml#/update'\n      operationId: updateItem\n")
    (tmp_path / "shop.yaml").write_text(doc)
    reporter = Reporter()
    read_openapi(tmp_path / "shop.yaml", reporter)
    unknown = [d.pointer for d in reporter.items if d.code == "unknown-key"]
    assert unknown == ["/sevrers"]  # the operation's 'sumary' stands beside a $ref

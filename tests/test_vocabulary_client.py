"""The cases issue 12 names, through a generated client: typed (mypy --strict on small user
programs) and validated at run time.

A nullable field takes ``None`` (JSON null, not "not given"); a tagged union member is typed
by its own TypedDict; a recursive category is typed and checked at every depth; an integer
enum ``[512, 4096]`` refuses ``100``; ``const: "v1"`` refuses ``"v2"``; ``minimum: 0`` refuses
``-1``; ``metadata: {type: object}`` is an open map.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent

DOC = """\
openapi: 3.1.0
info: {title: Pet Shop API, version: "1"}
servers: [{url: "https://pets.example"}]
paths:
  /pets:
    post:
      operationId: CreatePet
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [pet]
              properties:
                nickname: {type: [string, "null"]}
                pet: {$ref: "#/components/schemas/Pet"}
                category: {$ref: "#/components/schemas/Category"}
                size: {type: integer, enum: [512, 4096]}
                version: {const: v1}
                age: {type: integer, minimum: 0}
                metadata: {type: object}
      responses:
        "200": {description: OK}
components:
  schemas:
    Pet:
      oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
      discriminator: {propertyName: kind}
    Cat:
      type: object
      required: [kind]
      properties: {kind: {const: Cat}, meows: {type: boolean}}
    Dog:
      type: object
      required: [kind]
      properties: {kind: {const: Dog}, barks: {type: integer, maximum: 10}}
    Category:
      type: object
      properties:
        name: {type: string}
        parent: {$ref: "#/components/schemas/Category"}
"""

GOOD = """\
from pet_shop_client import Client

client = Client(api_key="k", validate=True)
client.pets.create(
    pet={"kind": "Cat", "meows": True},
    nickname=None,
    category={"name": "a", "parent": {"name": "b", "parent": {"name": "c"}}},
    size=4096,
    version="v1",
    age=0,
    metadata={"team": "a"},
)
"""

BAD = {
    "size=100": 'client.pets.create(pet={"kind": "Cat"}, size=100)',
    "version": 'client.pets.create(pet={"kind": "Cat"}, version="v2")',
    "deep": 'client.pets.create(pet={"kind": "Cat"}, category={"parent": {"name": 1}})',
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vocabulary")
    (root / "pets.yaml").write_text(DOC, encoding="utf-8")
    done = subprocess.run(
        [BIN / "doc2client", "generate", str(root / "pets.yaml"), "-o", str(root / "out"),
         "--no-cache", "-q"], capture_output=True, text=True, cwd=root, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root / "out" / "pet_shop_client"  # named after info.title


def program(case: str) -> str:
    """The user program of ``case``: ``GOOD``, or its call replaced by ``BAD[case]``."""
    if case == "good":
        return GOOD
    return GOOD.split("client.pets.create(", maxsplit=1)[0] + BAD[case] + "\n"


@pytest.fixture(scope="module")
def mypy_errors(package: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """One ``mypy --strict`` run over every user program (a module each, beside the client):
    its error lines by case; an error in any other file is listed under ``""``."""
    root = tmp_path_factory.mktemp("programs")
    files = {f"user_{n}.py": case for n, case in enumerate(["good", *sorted(BAD)])}
    for name, case in files.items():
        (root / name).write_text(program(case), encoding="utf-8")
    done = subprocess.run(
        [BIN / "mypy", "--strict", "--no-incremental", "--cache-dir", str(root / ".mypy"),
         *files], capture_output=True, text=True, check=False, cwd=root,
        env={"MYPYPATH": str(package), "PATH": str(BIN)},
    )  # fmt: skip
    errors: dict[str, list[str]] = {case: [] for case in ["", *files.values()]}
    for line in done.stdout.splitlines():
        if ": error:" in line:
            errors[files.get(line.partition(":")[0], "")].append(line)
    return errors


def test_user_program_type_checks(mypy_errors: dict[str, list[str]]) -> None:
    assert mypy_errors["good"] == [] and mypy_errors[""] == [], mypy_errors


@pytest.mark.parametrize("case", sorted(BAD))
def test_wrong_values_are_type_errors(mypy_errors: dict[str, list[str]], case: str) -> None:
    assert mypy_errors[case], mypy_errors


def validate(package: Path, body: dict[str, Any]) -> list[tuple[str, str]]:
    sys.path.insert(0, str(package))
    try:
        from pet_shop_client import _validators  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(package))
    problems: list[tuple[str, str]] = _validators.pets_create(body)
    return problems


def test_validator_checks_the_vocabulary_at_run_time(package: Path) -> None:
    cat = {"kind": "Cat"}
    assert validate(package, {"pet": cat, "nickname": None, "metadata": {"team": "a"}}) == []
    assert validate(package, {"pet": cat, "size": 100}) == [
        ("size", "expected one of 512, 4096, got 100")]
    assert validate(package, {"pet": cat, "version": "v2"}) == [
        ("version", "'v2' is not one of 'v1'")]
    assert validate(package, {"pet": cat, "age": -1}) == [("age", "less than minimum 0")]
    assert validate(package, {"pet": cat, "category": {"parent": {"parent": {"name": 1}}}}) == [
        ("category.parent.parent.name", "expected a string, got 1")]
    assert validate(package, {"pet": {"kind": "Dog", "barks": 11}}) == [
        ("pet.barks", "greater than maximum 10")]  # the tag's branch speaks
    assert validate(package, {"pet": cat, "nickname": 3})[0][0] == "nickname"

"""Template overlays: the examples in examples/ generated and checked, and the contract.

The context of ``api/`` and ``operation/`` templates is the model as ``doc2client ir`` prints
it; its JSON Schema is pinned here together with ``MODEL_VERSION``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.cli import main
from generator.diagnostics import Reporter
from generator.emit import render_api
from generator.emit.overlays import output_path
from generator.model.ir import api_to_json, ir_json_schema
from generator.model.naming import class_name
from generator.model.shapes import MODEL_VERSION, Api
from generator.options import Options
from generator.pipeline import build
from tests.conftest import ROOT, load_model

EXAMPLES = ROOT / "examples"
TYPESCRIPT = EXAMPLES / "typescript-overlay"
PYTEST = EXAMPLES / "pytest-overlay"

# The hash of the model's JSON Schema (without descriptions, $id and version) per version.
# Changing the model changes the schema: bump MODEL_VERSION and add the new line here.
SCHEMA_HASHES = {
    "1.0": "76e891013f0cc3d62039f69c4e6c49aa332de6578663eb647214d529bbcafeaf",
    "1.1": "cd6c11125561b0f03902fd025a926f93c350b28748847ffcccf5b1492b286d56",
    "2.0": "71b63cb28b115e92c5be0abff07bfb06494e25a7dd9acde282a5f4d15ce63b5c",
    "2.1": "839955efc24b46b4f4dd8e81d8fd6108c5cf3beece15d2860e368e12ae795285",
    "2.2": "0fb43926fd6161bd26ef7764bd68a6df97a2ad4f37f511cf0644db7e246e23b8",
    "2.3": "4ddde6a045c93423b17f1a23f66b4f91634a7108516361e8113a4b9bedee3151",
    "2.4": "d52c4859c591d34e5fc98028ea18a7de1aec15ad04a81fe5ed4b0e2506eb7b52",
    "2.5": "06ed6658e29910780fb16cc285d841180117da577abe701d1a6461528eb9d379",
    "2.6": "6519988018cecedb91acf9308f9a1f1fd9b53cb29567d958b3ed72e296109d0f",
}


@pytest.fixture(scope="module")
def seed() -> Api:
    return load_model(ROOT / "specs" / "stripe")


def sample_apis(corpus: Path) -> list[Api]:
    """Two small corpus APIs and every 40th Stripe page (12 operations)."""
    pages = corpus / "pages"
    return [load_model(pages / "sample"), load_model(pages / "apis-io-maintainers", "maintainers"),
            load_model(pages / "stripe", every=40)]  # fmt: skip


# --- the contract ---------------------------------------------------------------------------


def structural(value: Any) -> Any:
    """The schema without what does not change its meaning (descriptions, $id, version)."""
    if isinstance(value, dict):
        skip = {"description", "$id", "version"}
        return {k: structural(v) for k, v in sorted(value.items()) if k not in skip}
    if isinstance(value, list):
        return [structural(v) for v in value]
    return value


def test_schema_hash_is_pinned_with_the_model_version() -> None:
    schema = ir_json_schema()
    assert schema["version"] == MODEL_VERSION and MODEL_VERSION in schema["$id"]
    text = json.dumps(structural(schema), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()
    pinned = SCHEMA_HASHES.get(MODEL_VERSION)
    assert pinned == digest, (
        f"the model's JSON Schema changed (sha256 {digest}) but MODEL_VERSION is still "
        f"{MODEL_VERSION!r} (pinned {pinned!r}). A model change is a versioned change for "
        "template authors: bump MODEL_VERSION in generator/model/shapes.py, add "
        f'"<new version>": "{digest}" to SCHEMA_HASHES in tests/test_overlays.py, and note the '
        "change in docs/templates.md."
    )


def test_overlay_context_is_the_ir_json(seed: Api, tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "operation").mkdir()
    (tmp_path / "api" / "ir.json.jinja").write_text("{{ api | tojson }}")
    (tmp_path / "api" / "names.txt.jinja").write_text(
        "{{ shapes | list | join(',') }} {{ model_version }} {{ package }}"
    )
    (tmp_path / "operation" / "{operation}.json.jinja").write_text("{{ operation | tojson }}")
    files = render_api(seed, templates=[tmp_path], source_label="specs/stripe")
    model = api_to_json(seed)
    assert json.loads(files["ir.json"]) == model
    jsonschema.validate(json.loads(files["ir.json"]), ir_json_schema())
    for op in model["operations"]:
        assert json.loads(files[f"{op['operation_id']}.json"]) == op
    names = ",".join(s["name"] for s in model["shapes"])
    assert files["names.txt"] == f"{names} {MODEL_VERSION} stripe_client"


def test_same_name_replaces_the_builtin_and_partials_are_not_outputs(
    seed: Api, tmp_path: Path
) -> None:
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "README.md.jinja").write_text("{{ version_line }}\n# {{ title }}\n")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "_partial.md.jinja").write_text("never an output\n")
    builtin = render_api(seed, source_label="specs/stripe")
    mine = render_api(seed, templates=[tmp_path], source_label="specs/stripe")
    assert mine["README.md"].splitlines()[1:] == ["# stripe"] != builtin["README.md"].splitlines()
    assert mine["README.md"].startswith("<!-- Generated by doc2client")
    assert {k: v for k, v in mine.items() if k != "README.md"} == {
        k: v for k, v in builtin.items() if k != "README.md"
    }


def test_output_paths() -> None:
    assert output_path("{package}/x.txt.jinja", "p_client") == "p_client/x.txt"
    assert (
        output_path("t/test_{operation}.py.jinja", "p", "Get/Items..x") == "t/test_Get_Items..x.py"
    )
    assert output_path("../../{operation}.txt.jinja", "p", "../up") == "_up.txt"
    assert output_path("{operation}.txt.jinja", "p", "") == "operation.txt"


def test_a_broken_template_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "operation").mkdir()
    bad = tmp_path / "operation" / "{operation}.txt.jinja"
    bad.write_text("line one\n{{ operation.no_such_key }}\n")
    reporter = Reporter()
    files = build([(ROOT / "specs", Options(templates=(tmp_path,)))], reporter)
    assert files == {}
    assert [str(d) for d in reporter.sorted()] == [
        f"{bad}:2: error: template error: 'dict object' has no attribute 'no_such_key'"
    ]
    bad.write_text("{% for x in %}\n")
    reporter = Reporter()
    build([(ROOT / "specs", Options(templates=(tmp_path,)))], reporter)
    (diagnostic,) = reporter.sorted()
    assert (diagnostic.file, diagnostic.line, diagnostic.level) == (str(bad), 1, "error")


# --- examples/typescript-overlay --------------------------------------------------------------


def check_declarations(api: Api, text: str) -> None:
    """What the model says must be in types.d.ts, checked without a TypeScript compiler."""
    assert text.startswith("/* Generated by doc2client")
    assert text.count("{") == text.count("}")
    for op in api.operations:
        name = class_name(op.operation_id)
        assert f"export interface {name} {{" in text
        assert f"{json.dumps(op.operation_id)}: Requests.{name};" in text
    for shape in api.shapes:
        block = text.split(f"export interface {class_name(shape.name)} {{\n", 1)[1].split(
            "\n  }\n", 1
        )[0]
        for f in shape.fields:
            mark = "" if f.required else "?"
            assert re.search(rf"^    {re.escape(json.dumps(f.wire_name) + mark)}: ", block, re.M)


def run_tsc(files: list[Path]) -> None:
    tsc = shutil.which("tsc")
    if tsc is None:
        return  # the structural check above still ran
    args = [tsc, "--noEmit", "--strict", *map(str, files)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_typescript_overlay(seed: Api, corpus: Path, tmp_path: Path) -> None:
    written = []
    for i, api in enumerate([seed, *sample_apis(corpus)]):
        files = render_api(api, templates=[TYPESCRIPT], source_label="specs/stripe")
        check_declarations(api, files["types.d.ts"])
        target = tmp_path / f"{i}-{api.name}" / "types.d.ts"
        target.parent.mkdir()
        target.write_text(files["types.d.ts"])
        written.append(target)
    run_tsc(written)


# --- examples/pytest-overlay ------------------------------------------------------------------


def run_stubs(files: dict[str, bytes], projects: list[str], tmp_path: Path) -> str:
    """Write the output tree and run pytest on every project's tests/ folder."""
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    path = os.pathsep.join(str(tmp_path / p) for p in projects)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
            "-o", "addopts=", "--import-mode=importlib",
            *(str(tmp_path / p / "tests") for p in projects)]  # fmt: skip
    cwd = tmp_path / "run"  # where no project folder hides its package
    cwd.mkdir()
    result = subprocess.run(args, cwd=cwd, env={**os.environ, "PYTHONPATH": path},
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_pytest_overlay_stubs_compile_and_pass(corpus: Path, tmp_path: Path) -> None:
    jobs = [
        (ROOT / "specs", Options(templates=(PYTEST,))),
        (corpus / "pages" / "apis-io-maintainers", Options(templates=(PYTEST,), name="m")),
    ]
    reporter = Reporter()
    files = build(jobs, reporter)
    assert not reporter.has_errors, reporter.sorted()
    stubs = [rel for rel in files if re.fullmatch(r"\w+_client/tests/test_\w+\.py", rel)]
    assert sorted({rel.split("/")[0] for rel in stubs}) == ["m_client", "stripe_client"]
    ops = len(stubs)
    assert ops == 1 + 6
    for rel in stubs:
        compile(files[rel], rel, "exec")
    summary = run_stubs(files, ["stripe_client", "m_client"], tmp_path)
    assert f"{2 * ops} passed, {ops} skipped" in summary, summary


def test_the_template_guide_names_every_kind_and_field() -> None:
    guide = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for definition in ir_json_schema()["$defs"].values():
        properties = definition["properties"]
        assert f"`{properties['kind']['const']}`" in guide
        for name in properties:
            assert f"`{name}`" in guide, f"docs/templates.md does not document `{name}`"


def test_the_guide_config_generates_both_overlays(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```toml\n(.*?)```", guide, re.S)
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(block))
    for name in ("examples", "specs"):
        (tmp_path / name).symlink_to(ROOT / name)
    args = ["--config", str(tmp_path / "pyproject.toml"), "generate", "-q", "--no-cache"]
    assert main(args) == 0
    project = tmp_path / "generated" / "stripe_client"
    assert "export interface PostCustomersCustomer {" in (project / "types.d.ts").read_text()
    assert (project / "tests" / "test_PostCustomersCustomer.py").is_file()

"""The command line: exit codes, --check, configuration, diagnostics format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import SEED_PAGE


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    folder = tmp_path / "specs" / "stripe"
    folder.mkdir(parents=True)
    shutil.copy(SEED_PAGE, folder)
    return tmp_path / "specs"


def test_generate_then_check_is_current(
    specs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["generate", str(specs), "-o", str(out)]) == 0
    assert (out / "stripe_client" / "stripe_client" / "_client.py").is_file()
    assert main(["generate", str(specs), "-o", str(out), "--check"]) == 0
    assert "up to date" in capsys.readouterr().err


def test_check_reports_a_change_with_a_diff(
    specs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    main(["generate", str(specs), "-o", str(out)])
    client = out / "stripe_client" / "stripe_client" / "_client.py"
    client.write_text(client.read_text() + "# edited by hand\n")
    capsys.readouterr()
    assert main(["generate", str(specs), "-o", str(out), "--check"]) == 1
    captured = capsys.readouterr()
    assert "-# edited by hand" in captured.out and "would change" in captured.err


def test_errors_exit_2_and_leave_output_as_it_was(
    specs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    main(["generate", str(specs), "-o", str(out)])
    assert "wire style" in capsys.readouterr().err  # a written client's conventions are said
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    (specs / "stripe" / "Broken.html").write_text("<html><body>no operation here</body></html>")
    assert main(["generate", str(specs), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Broken.html" in err and ": error: " in err and "nothing written" in err
    assert "wire style" not in err  # the conventions of a client not written go unsaid
    after = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    assert after == before


def test_configuration_from_pyproject(specs: Path, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.doc2client]\noutput = "out"\n'
        '[tool.doc2client.apis.billing]\nsource = "specs/stripe"\nbase_url = "http://127.0.0.1:9"\n'
    )
    assert main(["--config", str(pyproject), "generate"]) == 0
    client = (tmp_path / "out" / "billing_client" / "billing_client" / "_base.py").read_text()
    assert "http://127.0.0.1:9" in client


@pytest.mark.parametrize(
    ("arguments", "url", "reason"),
    [([], "http://127.0.0.1:9", "base_url in [tool.doc2client.apis.stripe]"),
     (["--base-url", "http://127.0.0.1:8"], "http://127.0.0.1:8", "--base-url")],
)  # fmt: skip
def test_a_configured_base_url_applies_when_specs_are_given(
    specs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str],
    url: str, reason: str,
) -> None:  # fmt: skip
    """The API's table fills what the command line leaves out; the summary says where from."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.doc2client.apis.stripe]\nsource = "specs/stripe"\nbase_url = "http://127.0.0.1:9"\n'
    )
    out = tmp_path / "out"
    assert main(["--config", str(pyproject), "generate", str(specs / "stripe"), "-o", str(out),
                 *arguments]) == 0  # fmt: skip
    client = (out / "stripe_client" / "stripe_client" / "_base.py").read_text()
    assert f'DEFAULT_BASE_URL = "{url}"' in client
    assert f"base URL {url} ({reason})" in capsys.readouterr().err


def test_the_configured_api_of_specs_gives_its_options(specs: Path, tmp_path: Path) -> None:
    """SPECS that a configured API's ``source`` names gets that API's table (here its name
    and page layout); another folder gets only the configuration's own settings."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.doc2client.apis.billing]\nsource = "specs/stripe"\npage_layout = "61aca2d"\n'
    )
    out = tmp_path / "out"
    assert main(["--config", str(pyproject), "generate", str(specs / "stripe"), "-o", str(out)]) == 0
    page = out / "billing_client" / "pages" / "PostCustomersCustomer.html"
    assert 'class="request-summary"' in page.read_text(encoding="utf-8")
    other = tmp_path / "other"
    shutil.copytree(specs / "stripe", other / "stripe")
    assert main(["--config", str(pyproject), "generate", str(other), "-o", str(out)]) == 0
    assert (out / "stripe_client").is_dir() and not (out / "billing_client").exists()


def test_unknown_configuration_keys_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[tool.doc2client]\noutptu = "out"\n[tool.doc2client.apis.x]\nsource = "s"\nbase = 1\n'
    )
    assert main(["--config", str(pyproject), "generate"]) == 2
    err = capsys.readouterr().err
    assert f"{pyproject}: error: unknown key(s) in [tool.doc2client]: outptu" in err


def test_ir_prints_the_model_and_its_schema(
    specs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    import jsonschema

    assert main(["ir", "--schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert main(["ir", str(specs)]) == 0
    model = json.loads(capsys.readouterr().out)
    jsonschema.validate(model, schema)
    assert [op["operation_id"] for op in model["operations"]] == ["PostCustomersCustomer"]


def test_missing_specs_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 2
    assert "nope: error: no such file or folder" in capsys.readouterr().err


def test_pages_without_a_host_need_a_base_url(corpus: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "out"
    assert main(["generate", str(corpus / "pages" / "sample"), "-o", str(out), "-q"]) == 0
    code = (
        "import sample_client as s\n"
        "try:\n    s.Client()\nexcept ValueError as e:\n    print(e)\n"
        "print(s.Client(base_url='http://127.0.0.1:9').base_url)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=out / "sample_client",
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "base_url must be an http(s) URL, got '' (the API's pages name no host: pass base_url=...)",
        "http://127.0.0.1:9",
    ]


def test_exclude_skips_a_broken_page_and_include_selects(
    specs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (specs / "stripe" / "Broken.html").write_text("<html><body>no operation here</body></html>")
    out = tmp_path / "out"
    assert main(["generate", str(specs), "-o", str(out), "--exclude", "Broken"]) == 0
    assert "Broken.html" not in capsys.readouterr().err
    assert main(["generate", str(specs), "-o", str(out), "--include", "Post*"]) == 0
    docs = out / "stripe_client" / "docs" / "operations"
    assert sorted(p.name for p in docs.iterdir()) == ["PostCustomersCustomer.md"]


def test_a_project_of_an_earlier_run_removed_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o`` is the run's whole output: another API generated into it replaces the first's
    project, and the run says so by name."""
    doc = ("openapi: 3.0.3\ninfo: {title: %s, version: '1'}\npaths:\n  /a:\n    get:\n"
           "      operationId: getA\n      responses: {'204': {description: ok}}\n")
    for title in ("Tracker", "Notes"):
        (tmp_path / f"{title}.yaml").write_text(doc % title, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", str(tmp_path / "Tracker.yaml"), "-o", str(out)]) == 0
    assert "warning: removed" not in capsys.readouterr().err
    assert main(["generate", str(tmp_path / "Notes.yaml"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"warning: removed tracker_client/ from {out}" in err
    assert not (out / "tracker_client").exists() and (out / "notes_client").is_dir()

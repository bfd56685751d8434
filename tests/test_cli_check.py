"""``generate --check`` as CI runs it: the file list and a complete diff on stdout, exit codes,
and the same verdict from any working folder; the output folder shared with the user."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import ROOT, doc2client

API = "apis-io-maintainers"


@pytest.fixture(scope="module")
def generated_project(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder: pyproject.toml, specs/<api>/ (six corpus pages), generated/ (and the
    cache the run filled), generated once for the module."""
    root = tmp_path_factory.mktemp("cli-check") / "project"
    shutil.copytree(corpus / "pages" / API, root / "specs" / API)
    (root / "pyproject.toml").write_text("[project]\nname = 'mine'\n")
    done = doc2client("generate", "specs", "-o", "generated", "--cache-dir", root / ".cache", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def project(generated_project: Path, tmp_path: Path) -> Path:
    """A copy of the generated project of this test's own, to change."""
    return Path(shutil.copytree(generated_project, tmp_path / "project", symlinks=True))


def _check(project: Path, *extra: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return doc2client(
        "generate", project / "specs", "-o", project / "generated", "--check",
        "--cache-dir", project / ".cache",
        *extra, cwd=cwd or project,
    )  # fmt: skip


def test_check_from_another_folder_is_current(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    for cwd in (project, elsewhere, project / "specs"):
        done = _check(project, cwd=cwd)
        assert (done.returncode, done.stdout) == (0, ""), done.stderr
        assert "up to date" in done.stderr
    header = next((project / "generated").rglob("_client.py")).read_text().splitlines()[0]
    assert f"from specs/{API}." in header  # relative to the project, not to where it ran


def test_check_lists_then_prints_a_complete_diff_on_stdout(project: Path) -> None:
    out = project / "generated"
    package = out / "apis_io_maintainers_client"
    client = package / "apis_io_maintainers_client" / "_client.py"
    client.write_text(client.read_text().replace("class Client", "class Cliant"))
    readme = (package / "README.md").read_text()
    (package / "README.md").unlink()
    _add_to_manifest(out, "apis_io_maintainers_client/stale.py", b"x = 1\n")
    done = _check(project)
    assert done.returncode == 1, done.stderr
    listing = done.stdout.split("--- ", 1)[0].splitlines()
    assert listing == [
        f"would change {client}",
        f"would add {package / 'README.md'}",
        f"would remove {package / 'stale.py'}",
    ]
    assert "-class Cliant" in done.stdout and "+class Client" in done.stdout
    assert "+++ b/apis_io_maintainers_client/README.md" in done.stdout
    assert done.stdout.count("\n+") >= readme.count("\n")  # complete, not cut
    assert "1 changed, 1 added, 1 removed" in done.stderr
    no_diff = _check(project, "--no-diff")
    assert (no_diff.returncode, no_diff.stdout.splitlines()) == (1, listing)


def test_the_diff_applies_with_patch(project: Path) -> None:
    out = project / "generated"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    client = next(out.rglob("_client.py"))
    client.write_text("edited\n")
    diff = _check(project, "--no-diff").stdout  # listing only
    assert diff.strip()
    patch = _check(project).stdout
    shutil.which("patch") or pytest.skip("no patch(1)")
    subprocess.run(["patch", "-p1", "-s", "-d", str(out)], input=patch, text=True, check=True)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_users_file_stops_the_run_unless_forced(project: Path) -> None:
    out = project / "generated"
    notes = out / "apis_io_maintainers_client" / "NOTES.md"
    notes.write_text("my notes")
    before = sorted(p.name for p in out.rglob("*"))
    done = doc2client("generate", "specs", "-o", "generated", "--cache-dir", ".cache", cwd=project)
    assert done.returncode == 2
    assert str(Path("generated") / "apis_io_maintainers_client" / "NOTES.md") in done.stderr
    assert "--force" in done.stderr and sorted(p.name for p in out.rglob("*")) == before
    assert _check(project).returncode == 2
    forced = doc2client("generate", "specs", "-o", "generated", "--force", "--cache-dir", ".cache", cwd=project)
    assert forced.returncode == 0, forced.stderr
    assert notes.read_text() == "my notes"
    assert _check(project, "--force").returncode == 0


def test_build_leftovers_stay_and_check_ignores_them(project: Path) -> None:
    package = project / "generated" / "apis_io_maintainers_client"
    leftovers = [
        package / "build" / "lib" / "x.py",
        package / "apis_io_maintainers_client.egg-info" / "PKG-INFO",
        package / "apis_io_maintainers_client" / "__pycache__" / "_client.cpython-311.pyc",
        package / ".pytest_cache" / "README.md",
        package / ".mypy_cache" / "3.11" / "x.json",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left over")
    assert _check(project).returncode == 0
    (project / "specs" / API / "getMaintainer.html").unlink()
    done = doc2client("generate", "specs", "-o", "generated", "--cache-dir", ".cache", cwd=project)
    assert done.returncode == 0, done.stderr
    assert all(p.read_bytes() == b"left over" for p in leftovers)


def _add_to_manifest(out: Path, rel: str, data: bytes) -> None:
    """Make ``rel`` look like a file an earlier run wrote (and this one no longer would)."""
    (out / rel).write_bytes(data)
    marker = out / ".doc2client"
    marker.write_text(marker.read_text() + rel + "\n")


def test_the_pre_commit_hooks_run_doc2client_commands_that_parse() -> None:
    import shlex

    import yaml

    from generator.cli import _parser

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"doc2client", "doc2client-check"}
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        program, *argv = shlex.split(hook["entry"])
        assert program == "doc2client"
        args = _parser().parse_args(argv)
        assert args.command == "generate" and args.check == (hook["id"] == "doc2client-check")

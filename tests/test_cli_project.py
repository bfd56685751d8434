"""The project's ``[tool.doc2client]`` and cache found from any working folder, as a user runs
``doc2client`` (a subprocess): the configuration is the first pyproject.toml with the table
walking up from SPECS (from the working folder for the bare command); the cache lives beside
it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_run import ROOT, doc2client

CACHE = ".doc2client-cache"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this repository's project: pyproject.toml, specs/ and the golden generated/."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "specs", root / "specs")
    shutil.copytree(ROOT / "generated", root / "generated")
    return root


@pytest.fixture
def xdg(tmp_path: Path) -> dict[str, str]:
    """The user's cache folder, kept inside the test's folder."""
    return {"XDG_CACHE_HOME": str(tmp_path / "xdg")}


def test_check_is_current_from_elsewhere_and_from_specs(
    project: Path, tmp_path: Path, xdg: dict[str, str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    runs = [
        (elsewhere, (project / "specs", "-o", project / "generated")),
        (project / "specs", (".", "-o", "../generated")),
    ]
    for cwd, where in runs:
        done = doc2client("generate", *where, "--check", cwd=cwd, env=xdg)
        assert done.returncode == 0, (cwd, done.stdout[-2000:], done.stderr)
    assert not (project / "specs" / CACHE).exists()
    assert not (elsewhere / CACHE).exists()
    assert (project / CACHE).is_dir()  # beside the configuration


def test_the_bare_command_from_the_project_root(project: Path, xdg: dict[str, str]) -> None:
    done = doc2client("generate", "--check", cwd=project, env=xdg)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr


def test_no_cache_inside_the_output_folder(project: Path, xdg: dict[str, str]) -> None:
    out = project / "generated"
    done = doc2client("generate", "../specs", "-o", ".", "--check", cwd=out, env=xdg)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert not (out / CACHE).exists()
    assert (project / CACHE).is_dir()


def test_without_a_configuration_the_cache_is_the_users(
    project: Path, tmp_path: Path, xdg: dict[str, str]
) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(project / "specs", bare / "specs")
    done = doc2client("generate", "specs", "-o", "out", cwd=bare, env=xdg)
    assert done.returncode == 0, done.stderr
    assert not (bare / CACHE).exists()
    assert (tmp_path / "xdg" / "doc2client").is_dir()


def test_a_project_configuration_does_not_reach_specs_outside_it(
    project: Path, tmp_path: Path, xdg: dict[str, str]
) -> None:
    """Pages outside the project, in a folder named like one of its APIs (``stripe``): the
    same output run from the project as from elsewhere (the project's table for its own
    ``specs/stripe`` does not apply to them)."""
    outside = tmp_path / "outside" / "stripe"
    shutil.copytree(project / "specs" / "stripe", outside)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    trees = []
    for n, cwd in enumerate((project, elsewhere)):
        out = tmp_path / f"out{n}"
        done = doc2client("generate", outside, "-o", out, "--no-cache", "-q", cwd=cwd, env=xdg)
        assert done.returncode == 0, done.stderr
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0] == trees[1]
    assert trees[0]

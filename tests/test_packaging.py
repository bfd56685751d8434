"""The distribution lists every generator subpackage and templates folder (the list is
explicit, for templates/; a folder left out is a build warning and, worse, a missing file)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_generator_package_is_in_the_distribution() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "generator").rglob("__init__.py")
    }
    templates = {
        ".".join(("generator", *p.relative_to(ROOT).parts))
        for p in [ROOT / "templates", *(ROOT / "templates").rglob("*")]
        if p.is_dir() and "__pycache__" not in p.parts
    }
    assert on_disk | templates == set(config["packages"])
    assert config["package-dir"]["generator.templates"] == "templates"

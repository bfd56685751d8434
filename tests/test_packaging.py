"""The distribution lists every generator subpackage (the list is explicit, for templates/)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_generator_package_is_in_the_distribution() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "generator").rglob("__init__.py")
    }
    assert on_disk | {"generator.templates"} == set(config["packages"])
    assert config["package-dir"]["generator.templates"] == "templates"

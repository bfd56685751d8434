"""Shared fixtures. The corpus is test data read from DOC2CLIENT_CORPUS (never copied here)."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from generator.model.shapes import Api

ROOT = Path(__file__).resolve().parents[1]


def corpus_path() -> Path:
    return Path(os.environ.get("DOC2CLIENT_CORPUS", ROOT.parent / "shared" / "corpus")).resolve()


def require_corpus() -> Path:
    """The corpus folder; skip (fail under CI) when it is absent."""
    path = corpus_path()
    if not (path / "pages").is_dir():
        message = f"corpus not found at {path} (set DOC2CLIENT_CORPUS)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    return require_corpus()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: long-running fuzz/differential tests (make fuzz)")
    config.addinivalue_line("markers", "slow: tests over the whole corpus")


def load_validators(api: Api, header: str = "# test") -> dict[str, Any]:
    """``_validators.py`` of ``api`` loaded as a module of a package (with the runtime module
    ``_encoding.py`` beside it, which it imports): its namespace."""
    from generator.emit.environment import make_environment
    from generator.emit.validators import render_validators

    package = f"validators_{len(sys.modules)}"
    sys.modules[package] = types.ModuleType(package)
    sys.modules[package].__path__ = []
    from generator.emit.render import style_token

    env = make_environment()
    context = {"version_line": "# test", "wire_style": style_token(api.conventions.wire),
               "api_name": api.name}
    errors = env.get_template("runtime/_errors.py.jinja").render(context)
    encoding = env.get_template("runtime/_encoding.py.jinja").render(context)
    modules = (("_errors", errors), ("_encoding", encoding),
               ("_validators", render_validators(api, header)))
    for name, text in modules:
        module = types.ModuleType(f"{package}.{name}")
        module.__package__ = package
        sys.modules[module.__name__] = module
        exec(compile(text, f"{name}.py", "exec"), module.__dict__)
    return sys.modules[f"{package}._validators"].__dict__

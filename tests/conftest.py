"""Shared fixtures. The corpus is test data read from DOC2CLIENT_CORPUS (never copied here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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

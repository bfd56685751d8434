"""The suite's two tiers: a test that takes the ``corpus`` fixture is marked ``corpus`` (run by
``make check``); any other test (run by ``make test``) may not read the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_corpus


def test_a_test_without_the_corpus_fixture_may_not_read_the_corpus(
    request: pytest.FixtureRequest,
) -> None:
    assert request.node.get_closest_marker("corpus") is None
    with pytest.raises(pytest.fail.Exception, match="without the `corpus` fixture"):
        require_corpus()


def test_the_corpus_fixture_marks_its_test(corpus: Path, request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("corpus") is not None
    assert require_corpus() == corpus


@pytest.fixture
def through_a_fixture(corpus: Path) -> Path:
    return corpus / "pages"


def test_a_fixture_that_takes_the_corpus_marks_its_test(
    through_a_fixture: Path, request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("corpus") is not None

"""Work done in a forked process (``generator.processes.Forked``) gives what this process
would: the docs rendered there while the code renders here are the same bytes."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

import generator.emit.page as page
from generator.diagnostics import Reporter
from generator.options import Options
from generator.pipeline import build
from generator.processes import Forked, ForkedError, can_fork
from tests.conftest import SPECS

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this platform")


def _count(send: Callable[[int], None]) -> None:
    for i in range(300):
        send(i)


def _fail(send: Callable[[int], None]) -> None:
    send(1)
    raise ValueError("broken")


def _die(send: Callable[[int], None]) -> None:
    os._exit(3)


def test_items_come_back_in_order() -> None:
    forked = Forked(_count)
    try:
        assert list(forked.items()) == list(range(300))
    finally:
        forked.close()


@pytest.mark.parametrize(("work", "message"), [(_fail, "ValueError: broken"),
                                               (_die, "exit status 3")])  # fmt: skip
def test_a_failure_is_raised_to_the_caller(
    work: Callable[[Callable[[int], None]], None], message: str
) -> None:
    forked = Forked(work)
    try:
        with pytest.raises(ForkedError, match=message):
            list(forked.items())
    finally:
        forked.close()


def test_docs_rendered_in_a_forked_process_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page, "PARALLEL_FILES", 10**9)
    alone = build([(SPECS, Options())], Reporter())
    here: list[str] = []
    real = page.render_files

    def watched(files: page.Planned, *args: object) -> dict[str, str]:
        here.extend(path for path in files if path.startswith(("docs/", "pages/")))
        return real(files, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(page, "PARALLEL_FILES", 0)
    monkeypatch.setattr(page, "render_files", watched)
    assert dict(build([(SPECS, Options())], Reporter())) == dict(alone)
    assert here == [], "docs rendered in this process"


def test_a_failed_forked_process_leaves_the_docs_to_this_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alone = build([(SPECS, Options())], Reporter())
    real = page._render_batches

    def half(files: page.Planned, *args: object) -> None:  # sends one batch, then fails
        real(dict(sorted(files.items())[:3]), *args)  # type: ignore[arg-type]
        raise RuntimeError("lost")

    monkeypatch.setattr(page, "PARALLEL_FILES", 0)
    monkeypatch.setattr(page, "BATCH_FILES", 1)
    monkeypatch.setattr(page, "_render_batches", half)
    assert dict(build([(SPECS, Options())], Reporter())) == dict(alone)

"""``format_to`` gives each module to its sink as soon as it is formatted and lets go of it.

A large API's modules are never all held twice (as rendered and as formatted): each one leaves
the rendered files (and the early layouts' copies) when the sink takes it, and a module laid out
is given before the next one's layout is collected.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import generator.pipeline.workers as workers
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.options import Options
from generator.pipeline import find_sources, format_kept, format_to, load_api, render
from generator.pipeline.formatting import start_layout
from generator.progress import Progress
from tests.conftest import SPECS


def rendered() -> dict[str, str]:
    reporter = Reporter()
    source = find_sources(SPECS, reporter)[0]
    api = load_api(source, reporter, Options())
    assert api is not None and not reporter.has_errors
    return render(api, source, Options(), reporter)


def test_each_module_is_given_once_and_let_go_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    files = rendered()
    expected = format_kept(files, Reporter(), Memo(None), Progress(enabled=False))
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    started = start_layout(python, Memo(None), ())
    assert started.texts, "nothing was laid out early: the test would prove nothing"
    events: list[str] = []
    real_results = workers.Layout.results

    def results(self: workers.Layout, progress: Progress) -> Iterator[workers.Laid]:
        for part in real_results(self, progress):
            events.extend(f"laid {path}" for path in part)
            yield part

    monkeypatch.setattr(workers.Layout, "results", results)
    given: dict[str, str] = {}
    left = dict(python)
    total = len(left)

    def sink(path: str, text: str) -> None:
        assert path not in given, f"{path} given twice"
        given[path] = text
        events.append(f"given {path}")
        # Every module given before this one is held nowhere any more.
        assert len(left) == total - len(given) + 1
        assert not (set(given) - {path}) & set(started.texts)

    format_to(sink, left, Reporter(), Memo(None), Progress(enabled=False), started=[started])
    assert given == {path: expected[path] for path in python}
    assert not left and not started.texts
    laid = [e for e in events if e.startswith("laid ")]
    assert len(laid) > 1
    for event in laid:  # each module laid out is given before the next one is collected
        following = events[events.index(event) + 1]
        assert following == event.replace("laid ", "given ", 1), events


def test_format_kept_leaves_its_files_as_they_were() -> None:
    files = rendered()
    before = dict(files)
    formatted = format_kept(files, Reporter(), Memo(None), Progress(enabled=False))
    assert files == before
    assert list(formatted) == list(files)
    assert formatted != files  # the modules were formatted (black splits the long lines)

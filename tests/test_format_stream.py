"""``format_to`` gives each module to its sink as soon as it is formatted and lets go of it.

A large API's modules are never all held twice (as rendered and as formatted): each one leaves
the rendered files (and the early layouts' copies) when the sink takes it, and a module laid out
is given before the next one's layout is collected.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import generator.pipeline.workers as workers
from generator.cache import Cache
from generator.diagnostics import Reporter
from generator.memo import Memo
from generator.options import Options
from generator.pipeline import (
    build,
    find_sources,
    format_kept,
    format_to,
    load_api,
    render,
    split_pieces,
    tree,
)
from generator.pipeline.formatting import start_layout
from generator.pipeline.tree import OutputTree
from generator.progress import Progress
from tests.conftest import SPECS
from tests.test_cache import STRIPE_PAGES, edit_page


@pytest.fixture()
def specs(corpus: Path, tmp_path: Path) -> Path:
    """A few Stripe pages copied from the corpus (so a test may edit one)."""
    root = tmp_path / "specs"
    (root / "stripe").mkdir(parents=True)
    for name in STRIPE_PAGES:
        shutil.copy(corpus / "pages" / "stripe" / f"{name}.html", root / "stripe")
    return root


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


def test_an_edited_page_lays_out_only_the_pieces_it_changed(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.emit.layout as layout

    cache = Cache(tmp_path / "cache")
    before = build([(specs, Options())], Reporter(), cache=cache)
    old = pieces_of(specs)
    edit_page(specs)
    new = pieces_of(specs)
    changed = new - old
    assert changed, "the edit changed no module: the test would prove nothing"
    laid: list[str] = []
    real = layout.layout_module

    def counted(text: str) -> str:
        laid.append(text)
        return real(text)

    monkeypatch.setattr(layout, "layout_module", counted)
    after = build([(specs, Options())], Reporter(), cache=cache)
    assert laid and set(laid) <= changed, [p[:80] for p in set(laid) - changed]
    assert len(new) > len(changed) + 2  # the module's other pieces came from the cache
    monkeypatch.setattr(layout, "layout_module", real)
    assert dict(after.items()) == dict(build([(specs, Options())], Reporter()).items())
    assert dict(after.items()) != dict(before.items())


def pieces_of(specs: Path) -> set[str]:
    """Every piece of every module the APIs under ``specs`` render (``split_pieces``)."""
    reporter = Reporter()
    out: set[str] = set()
    for source in find_sources(specs, reporter):
        api = load_api(source, reporter, Options())
        assert api is not None
        files = render(api, source, Options(), reporter)
        out.update(p for path, text in files.items() if path.endswith(".py")
                   for p in split_pieces(text))  # fmt: skip
    return out


class Store:
    """File contents by SHA-256, as a cache keeps them; ``lose`` forgets them all."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.asked = 0

    def has_blob(self, name: str) -> bool:
        return name in self.blobs

    def get_blob(self, name: str) -> bytes | None:
        self.asked += 1
        return self.blobs.get(name)


def test_a_file_the_store_holds_is_read_from_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tree, "PACK_ABOVE", 0)
    texts = {"a.py": "a = 1\n", "b.md": "# b\n", "c.html": "<p>c</p>\n"}
    store = Store()
    store.blobs[hashlib.sha256(b"# b\n").hexdigest()] = b"# b\n"
    rebuilt: list[int] = []

    def rebuild() -> dict[str, bytes]:
        rebuilt.append(1)
        return {rel: text.encode() for rel, text in texts.items()}

    made = OutputTree(store, rebuild)
    made.expect(1)
    for rel, text in texts.items():
        made.add(rel, text)
    assert made._files["b.md"] == (tree.STORED, b"")
    assert made._files["a.py"][0] == tree.PACKED
    assert made["b.md"] == b"# b\n" and store.asked == 1
    assert dict(made.items()) == rebuild() and not rebuilt[1:]
    rebuilt.clear()
    store.blobs.clear()  # pruned meanwhile: the tree is made again, once
    again = OutputTree(store, rebuild)
    again.expect(1)
    store.blobs[hashlib.sha256(b"# b\n").hexdigest()] = b"# b\n"
    for rel, text in texts.items():
        again.add(rel, text)
    store.blobs.clear()
    assert dict(again.items()) == rebuild() and len(rebuilt) == 2  # once by the tree

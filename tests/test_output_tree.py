"""The output tree a build returns holds files compressed past a size, with the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.options import Options
from generator.pipeline import build, tree
from generator.pipeline.tree import OutputTree
from generator.write import read_tree, write_tree

TEXTS = {"b/x.py": "x = 1\n" * 50, "a.md": "# é\n" * 40, "c.html": "<p>ü</p>" * 30, "d": ""}


def test_a_packed_tree_gives_back_the_bytes_added_in_sorted_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tree, "PACK_ABOVE", 100)
    packed = OutputTree()
    packed.expect(sum(map(len, TEXTS.values())))
    assert packed.packing
    for rel, text in TEXTS.items():
        packed.add(rel, text)
    expected = {rel: TEXTS[rel].encode("utf-8") for rel in sorted(TEXTS)}
    assert list(packed) == list(expected) and len(packed) == len(expected)
    assert "a.md" in packed and "zz" not in packed
    for rel in [*expected, *reversed(expected), "a.md", "a.md"]:
        assert packed[rel] == expected[rel]
    assert dict(packed.items()) == expected
    plain = OutputTree()
    for rel, text in TEXTS.items():
        plain.add(rel, text)
    assert not plain.packing and plain == packed


def test_a_build_held_compressed_writes_the_same_files(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(corpus / "pages" / "sample", specs / "sample")
    plain = build([(specs, Options())], Reporter())
    monkeypatch.setattr(tree, "PACK_ABOVE", 0)
    packed = build([(specs, Options())], Reporter())
    assert isinstance(packed, OutputTree) and packed.packing
    assert dict(packed.items()) == dict(plain.items())
    write_tree(tmp_path / "a", plain)
    write_tree(tmp_path / "b", packed)
    assert read_tree(tmp_path / "a") == read_tree(tmp_path / "b")


class CountingTree(OutputTree):
    """An ``OutputTree`` that counts the contents asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.read = 0

    def __getitem__(self, rel: str) -> bytes:
        self.read += 1
        return super().__getitem__(rel)


def test_files_already_kept_or_written_are_compared_by_digest_unread(tmp_path: Path) -> None:
    """Recording a run and writing a folder read only the files that changed."""
    import hashlib

    from generator.cache import Cache
    from generator.pipeline.replay import record

    def tree_of(texts: dict[str, str]) -> CountingTree:
        made = CountingTree()
        for rel, text in texts.items():
            made.add(rel, text)
        return made

    first = tree_of(TEXTS)
    assert first.digests == {r: hashlib.sha256(t.encode()).hexdigest() for r, t in TEXTS.items()}
    cache = Cache(tmp_path / "cache")
    record(cache, "run", first, [], [])
    write_tree(tmp_path / "out", first)
    changed = tree_of({**TEXTS, "a.md": "other\n"})
    record(cache, "run", changed, [], [])
    assert changed.read == 1
    write_tree(tmp_path / "out", changed)
    assert changed.read == 2  # the one changed file, written; the others linked unread
    assert cache.get_blob(changed.digests["a.md"]) == b"other\n"
    assert (tmp_path / "out" / "a.md").read_bytes() == b"other\n"
    assert (tmp_path / "out" / "b" / "x.py").read_text() == TEXTS["b/x.py"]

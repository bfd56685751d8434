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

"""The writer: atomic swap, unchanged files kept, foreign folders refused, diffs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.write import MARKER, OutputError, diff_tree, read_tree, write_tree


def test_write_creates_tree_with_marker(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = write_tree(out, {"a/b.py": b"x = 1\n", "c.txt": b"hi\n"})
    assert read_tree(out) == {"a/b.py": b"x = 1\n", "c.txt": b"hi\n", MARKER: (out / MARKER).read_bytes()}
    assert result.written == ("a/b.py", "c.txt")


def test_unchanged_files_keep_their_mtime_and_removed_files_go(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"keep.py": b"k\n", "change.py": b"1\n", "gone.py": b"g\n"})
    old = 1_000_000_000
    os.utime(out / "keep.py", (old, old))
    result = write_tree(out, {"keep.py": b"k\n", "change.py": b"2\n"})
    assert (out / "keep.py").stat().st_mtime == old
    assert (out / "change.py").read_bytes() == b"2\n"
    assert not (out / "gone.py").exists()
    assert result.written == ("change.py",) and result.removed == ("gone.py",)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_noop_write_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.py": b"a\n"})
    inode = (out / "a.py").stat().st_ino
    assert write_tree(out, {"a.py": b"a\n"}).written == ()
    assert (out / "a.py").stat().st_ino == inode


def test_refuses_a_foreign_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match="not written by doc2client"):
        write_tree(out, {"a.py": b""})
    assert (out / "thesis.tex").read_text() == "years of work"


def test_recovers_a_half_done_two_rename_swap(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.py": b"old\n"})
    out.rename(tmp_path / "out.doc2client-old")  # killed between the two renames
    write_tree(out, {"a.py": b"new\n"})
    assert (out / "a.py").read_bytes() == b"new\n"
    assert not (tmp_path / "out.doc2client-old").exists()


def test_diff_tree_lists_changes_and_is_empty_when_current(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.py": b"x = 1\n"})
    assert diff_tree(out, {"a.py": b"x = 1\n"}) == []
    diff = "".join(diff_tree(out, {"a.py": b"x = 2\n", "b.py": b"new\n"}))
    assert "-x = 1" in diff and "+x = 2" in diff and "+++ b/b.py" in diff

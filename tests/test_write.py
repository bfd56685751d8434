"""The writer: atomic swap, unchanged files kept, foreign folders refused, diffs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.write import (
    MARKER,
    ForeignFilesError,
    OutputError,
    diff_tree,
    foreign_files,
    lock_path,
    read_kept,
    read_manifest,
    read_tree,
    write_tree,
)


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
    # no staging folder left behind; the lock file stays (output_lock: never removed, no race)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".doc2client-out.lock", "out"]


def test_noop_write_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.py": b"a\n"})
    inode = (out / "a.py").stat().st_ino
    assert write_tree(out, {"a.py": b"a\n"}).written == ()
    assert (out / "a.py").stat().st_ino == inode


def test_a_write_with_nothing_to_do_takes_no_lock_and_one_with_work_waits(tmp_path: Path) -> None:
    """A no-op run reads the folder without the lock; a run that writes, or that finds a
    staging folder beside the output (another run's, or a killed one's), waits for it."""
    from filelock import FileLock

    out = tmp_path / "out"
    write_tree(out, {"a.py": b"a\n"})

    def waited(message: str) -> None:
        raise TimeoutError(message)

    with FileLock(lock_path(out)):
        assert write_tree(out, {"a.py": b"a\n"}, on_wait=waited).written == ()
        with pytest.raises(TimeoutError, match="another run is writing"):
            write_tree(out, {"a.py": b"b\n"}, on_wait=waited)
        (tmp_path / ".out.doc2client-1-x.tmp").mkdir()
        with pytest.raises(TimeoutError, match="another run is writing"):
            write_tree(out, {"a.py": b"a\n"}, on_wait=waited)
    assert (out / "a.py").read_bytes() == b"a\n"


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
    assert not diff_tree(out, {"a.py": b"x = 1\n"})
    result = diff_tree(out, {"a.py": b"x = 2\n", "b.py": b"new\n"})
    assert (result.changed, result.added, result.removed) == (("a.py",), ("b.py",), ())
    diff = "".join(result.lines)
    assert "-x = 1" in diff and "+x = 2" in diff and "+++ b/b.py" in diff


def test_the_marker_is_a_manifest_of_what_was_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"p/a.py": b"a\n", "b.txt": b"b\n"})
    assert read_manifest(out) == {"p/a.py", "b.txt"}
    assert (out / MARKER).read_text().splitlines()[-2:] == ["b.txt", "p/a.py"]


def test_a_users_file_stops_the_run_and_force_keeps_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"p/a.py": b"a\n", "p/old.py": b"o\n"})
    (out / "p" / "notes.md").write_text("mine")
    with pytest.raises(ForeignFilesError) as info:
        write_tree(out, {"p/a.py": b"a2\n"})
    assert info.value.paths == ("p/notes.md",) and str(out / "p" / "notes.md") in str(info.value)
    assert (out / "p" / "a.py").read_bytes() == b"a\n"  # nothing written
    result = write_tree(out, {"p/a.py": b"a2\n"}, force=True)
    assert (out / "p" / "notes.md").read_text() == "mine"
    assert result.removed == ("p/old.py",) and not (out / "p" / "old.py").exists()
    assert "p/notes.md" not in read_manifest(out)  # still the user's, never removed


def test_a_file_kept_by_force_is_accepted_by_later_runs_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"p/a.py": b"a\n"})
    (out / "p" / "notes.md").write_text("mine")
    write_tree(out, {"p/a.py": b"a2\n"}, force=True)
    assert read_kept(out) == {"p/notes.md"}
    assert foreign_files(out, read_tree(out), {"p/a.py": b"a2\n"}) == []
    assert not diff_tree(out, {"p/a.py": b"a2\n"})  # --check: up to date
    assert write_tree(out, {"p/a.py": b"a3\n"}).written == ("p/a.py",)  # no --force needed
    assert (out / "p" / "notes.md").read_text() == "mine" and read_kept(out) == {"p/notes.md"}
    with pytest.raises(ForeignFilesError):  # doc2client now writes that name: ask again
        write_tree(out, {"p/a.py": b"a3\n", "p/notes.md": b"generated\n"})
    (out / "p" / "notes.md").unlink()  # gone: no longer listed
    write_tree(out, {"p/a.py": b"a4\n"})
    assert read_kept(out) == set()


@pytest.mark.parametrize(
    "leftover",
    ["p/build/lib/p/a.py", "p/p.egg-info/PKG-INFO", "p/p/__pycache__/a.cpython-311.pyc",
     "p/.pytest_cache/v/x", "p/.mypy_cache/3.11/a.json"],
)
def test_build_leftovers_are_kept_and_not_compared(tmp_path: Path, leftover: str) -> None:
    out = tmp_path / "out"
    write_tree(out, {"p/a.py": b"a\n"})
    (out / leftover).parent.mkdir(parents=True, exist_ok=True)
    (out / leftover).write_bytes(b"built")
    assert not diff_tree(out, {"p/a.py": b"a\n"})
    write_tree(out, {"p/a.py": b"a2\n"})  # no ForeignFilesError, no --force needed
    assert (out / leftover).read_bytes() == b"built"
    assert not diff_tree(out, {"p/a.py": b"a2\n"})


def test_a_marker_without_a_manifest_counts_every_file_as_ours(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("This folder is written by doc2client; it is replaced on every run.\n")
    (out / "old.py").write_text("x")
    assert write_tree(out, {"new.py": b"n\n"}).removed == ("old.py",)


def test_an_unlisted_file_with_the_bytes_doc2client_writes_is_not_the_users(tmp_path: Path) -> None:
    out = tmp_path / "out"  # as after merging a generated tree from another branch
    write_tree(out, {"a.py": b"a\n"})
    (out / "b.py").write_bytes(b"b\n")
    assert write_tree(out, {"a.py": b"a\n", "b.py": b"b\n"}).written == ()
    assert read_manifest(out) == {"a.py", "b.py"}
    (out / "c.py").write_bytes(b"mine\n")
    with pytest.raises(ForeignFilesError):  # same name, other bytes: the user's
        write_tree(out, {"a.py": b"a\n", "b.py": b"b\n", "c.py": b"generated\n"})


def test_an_output_under_a_file_is_refused_in_words(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"cannot write .*afile/out: .*afile is a file, not a "
                                          "folder"):  # fmt: skip
        write_tree(tmp_path / "afile" / "out", {"p/a.py": b"a\n"})


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_place_where_no_lock_can_be_made_is_refused_not_waited_on() -> None:
    """``/proc`` takes no new files: the lock's own failure, not another run holding it."""
    heard: list[str] = []
    with pytest.raises(OutputError, match=r"cannot write /proc/doc2client-out: "):
        write_tree(Path("/proc/doc2client-out"), {"p/a.py": b"a\n"}, on_wait=heard.append)
    assert heard == []

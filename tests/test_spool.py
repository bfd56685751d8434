"""Files written ahead into a new output folder (``generator.spool``) end up exactly as
``write_tree`` writes them, and nothing is left beside the folder."""

from __future__ import annotations

from pathlib import Path

from generator.spool import Spool
from generator.write import read_tree, write_tree
from tests.cli_run import doc2client
from tests.conftest import SPECS

FILES = {"pkg/a.py": b"a = 1\n", "pkg/sub/b.md": b"# b\n", "README.md": b"read me\n"}


def _beside(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name != target.name
                  and not p.name.endswith(".lock"))  # fmt: skip


def test_a_spooled_new_folder_is_what_write_tree_writes(tmp_path: Path) -> None:
    plain, spooled = tmp_path / "plain" / "out", tmp_path / "spooled" / "out"
    write_tree(plain, FILES)
    spool = Spool.ahead(spooled)
    assert spool is not None
    for rel, data in FILES.items():
        spool.put(rel, data.decode())
    result = write_tree(spooled, FILES, spool=spool)
    assert read_tree(spooled) == read_tree(plain)
    assert sorted(result.written) == sorted(FILES)
    assert _beside(spooled) == []


def test_what_was_spooled_but_differs_or_went_is_written_as_given(tmp_path: Path) -> None:
    target = tmp_path / "out"
    spool = Spool.ahead(target)
    assert spool is not None
    spool.put("pkg/a.py", "a = 0\n")  # made again since
    spool.put("gone.txt", "dropped\n")  # not in the tree at all
    spool.put("README.md", "read me\n")
    write_tree(target, FILES, spool=spool)
    assert read_tree(target) == {**FILES, ".doc2client": read_tree(target)[".doc2client"]}
    assert _beside(target) == []


def test_a_folder_written_meanwhile_is_written_as_usual(tmp_path: Path) -> None:
    target = tmp_path / "out"
    spool = Spool.ahead(target)
    assert spool is not None
    spool.put("pkg/a.py", "a = 1\n")
    write_tree(target, {"pkg/a.py": b"a = 1\n"})  # another run, first
    before = (target / "pkg" / "a.py").stat().st_ino
    write_tree(target, FILES, spool=spool)
    assert (target / "pkg" / "a.py").stat().st_ino == before  # unchanged: linked, not spooled
    assert read_tree(target).keys() == {*FILES, ".doc2client"}
    assert _beside(target) == []


def test_no_spool_for_a_folder_that_holds_files(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", FILES)
    assert Spool.ahead(tmp_path / "out") is None
    assert Spool.ahead(tmp_path / "new") is not None


def test_a_spool_let_go_leaves_nothing(tmp_path: Path) -> None:
    spool = Spool.ahead(tmp_path / "out")
    assert spool is not None
    spool.put("a.txt", "a\n")
    spool.close()
    assert list(tmp_path.iterdir()) == []


def test_a_run_into_a_new_folder_writes_it_all(tmp_path: Path) -> None:
    """The command line spools into a new folder: the same files as into an existing one,
    and no staging folder left beside either, also when the run fails."""
    new, again = tmp_path / "new", tmp_path / "again"
    write_tree(again, {"old.txt": b"from an earlier run\n"})  # not new: written as usual
    for target in (new, again):
        run = doc2client("generate", SPECS, "-o", target, "--no-cache", "-q", cwd=tmp_path)
        assert run.returncode == 0, run.stderr
    assert read_tree(new) == read_tree(again)
    assert "old.txt" not in read_tree(again)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.html").write_text("<html><body>no operation</body></html>")
    failed = doc2client("generate", broken, "-o", tmp_path / "failed", "--no-cache", "-q",
                        cwd=tmp_path)  # fmt: skip
    assert failed.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "again", "broken", "new"]  # fmt: skip

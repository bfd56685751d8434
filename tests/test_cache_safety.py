"""Issue 16, the cache: it runs nothing it finds, refuses folders others can write, stays bounded."""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

import jinja2.bccache
import pytest

from generator import cache as cache_module
from generator import cache_admin
from generator.cache import Cache, open_cache
from generator.cli import main
from generator.diagnostics import Reporter
from generator.options import Options, RunStats
from generator.pipeline import build
from tests.conftest import SPECS


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache key for this test alone (the process keeps the key it read: forget it)."""
    path = tmp_path / "key" / "cache-key"
    monkeypatch.setenv("DOC2CLIENT_CACHE_KEY", str(path))
    monkeypatch.setattr(cache_module, "_KEY", {})
    return path


def generate(cache: Cache) -> dict[str, bytes]:
    reporter = Reporter()
    files = build([(SPECS, Options(formatter="ruff"))], reporter, RunStats(), cache=cache)
    assert not reporter.has_errors
    return files


class Payload:
    """Runs a command when unpickled: what an attacker plants."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def plant_everywhere(root: Path, evil: bytes) -> int:
    """Replace every entry with ``evil`` under a checksum that matches it, keeping the
    entry's own first line; Jinja entries get Jinja's bytecode header first."""
    planted = 0
    for path in root.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        magic = path.read_bytes().split(b"\n", 1)[0] + b"\n"
        body = jinja2.bccache.bc_magic + evil if path.parts[-3] == "jinja" else evil
        path.write_bytes(magic + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        planted += 1
    return planted


def test_a_planted_pickle_is_never_run(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cold = generate(Cache(None))
    assert generate(Cache(root)) == cold
    marker = tmp_path / "pwned"
    assert plant_everywhere(root, pickle.dumps(Payload(marker))) > 20
    assert generate(Cache(root)) == cold
    assert not marker.exists()


def test_entries_written_under_another_key_are_misses(tmp_path: Path, own_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cache"
    generate(Cache(root))
    monkeypatch.setenv("DOC2CLIENT_CACHE_KEY", str(tmp_path / "other-key"))
    monkeypatch.setattr(cache_module, "_KEY", {})
    cache = Cache(root)
    generate(cache)
    assert cache.hits == 0 and cache.misses > 0
    assert own_key.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_a_cache_folder_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    root = tmp_path / "cache"
    root.mkdir()
    root.chmod(mode)
    cache, warning = open_cache(root)
    assert cache.root is None
    assert warning == f"cache off: {root} is owned or writable by another user"
    root.chmod(0o755)
    cache, warning = open_cache(root)
    assert (cache.root, warning) == (root, None)


def test_a_key_others_can_read_is_refused(tmp_path: Path, own_key: Path) -> None:
    own_key.parent.mkdir()
    own_key.write_bytes(os.urandom(32))
    own_key.chmod(0o644)
    cache, warning = open_cache(tmp_path / "cache")
    assert cache.root is None
    assert warning is not None and str(own_key) in warning


def test_a_cache_dir_that_is_a_file_turns_the_cache_off_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("x")
    out = tmp_path / "out"
    assert main(["generate", str(SPECS), "-o", str(out), "--cache-dir", str(not_a_folder)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"doc2client: warning: cache off: {not_a_folder} is not a folder"
    assert lines[1].startswith("doc2client: stripe:")  # then the run summary, no traceback
    assert sum("cache off" in line for line in lines) == 1 and "Traceback" not in "\n".join(lines)
    assert not_a_folder.read_text() == "x"
    assert (out / "stripe_client" / "pyproject.toml").is_file()


# --- pruning ----------------------------------------------------------------------------------


def age(paths: list[Path], days: float) -> None:
    when = time.time() - days * 86400
    for path in paths:
        os.utime(path, (when, when))


def entry_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_prune_by_age_keeps_entries_in_use(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    generate(Cache(root))
    files = entry_files(root)
    age(files, 40)
    generate(Cache(root))  # a warm run uses (and so marks) what it reads
    used = {p for p in files if time.time() - p.stat().st_mtime < 86400}
    assert used and len(used) < len(files)
    removed, _ = cache_admin.prune(root)
    assert set(entry_files(root)) == used
    assert removed == len(files) - len(used)
    assert generate(Cache(root)) == generate(Cache(None))


def test_prune_by_size_removes_the_least_recently_used(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    generate(Cache(root))
    files = sorted(entry_files(root))
    for days, path in enumerate(files):
        age([path], days / 100)
    limit = sum(p.stat().st_size for p in files[:5])
    cache_admin.prune(root, max_bytes=limit)
    assert sorted(entry_files(root)) == files[:5]


def test_generate_prunes_once_a_day_to_the_configured_size(tmp_path: Path) -> None:
    root, out = tmp_path / "cache", tmp_path / "out"
    assert main(["generate", str(SPECS), "-o", str(out), "--cache-dir", str(root), "-q",
                 "--cache-max-size", "1K", "--formatter", "ruff"]) == 0  # fmt: skip
    assert sum(p.stat().st_size for p in entry_files(root)) <= 1024
    generate(Cache(root))
    assert main(["generate", str(SPECS), "-o", str(out), "--cache-dir", str(root), "-q",
                 "--cache-max-size", "1K", "--formatter", "ruff"]) == 0  # fmt: skip
    full = len(entry_files(root))
    assert full > 20  # pruned less than a day ago: not again
    age([root / ".last-prune"], 2)
    assert main(["generate", str(SPECS), "-o", str(out), "--cache-dir", str(root), "-q",
                 "--cache-max-size", "1K", "--formatter", "ruff"]) == 0  # fmt: skip
    assert len(entry_files(root)) < full


def test_cache_info_prune_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "cache"
    generate(Cache(root))
    count = len(entry_files(root))
    assert main(["cache", "info", "--cache-dir", str(root)]) == 0
    info = capsys.readouterr().out.splitlines()
    assert info[0].startswith(f"{root}: {count} entries, ")
    assert {line.split(":")[0].strip() for line in info[1:]} >= {"blobs", "jinja", "packs", "runs"}
    assert main(["cache", "prune", "--cache-dir", str(root), "--max-size", "0"]) == 0
    assert capsys.readouterr().out.startswith(f"doc2client: removed {count} entries")
    assert entry_files(root) == []
    assert main(["cache", "clear", "--cache-dir", str(root)]) == 0
    assert not root.exists()

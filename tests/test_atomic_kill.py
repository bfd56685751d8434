"""Atomic output: a run killed at any moment leaves the old tree or the new one, whole.

An output folder holds a complete tree generated from 20 Stripe pages; generation of 100
pages (a different input) starts in a subprocess and is killed with SIGKILL at moments
drawn with a fixed seed over measured durations: over a cold run (scraping, modelling,
rendering, formatting), over a run served from a warm cache, and over the write phase of
such a run (from the moment its staging folder appears to its end). After each kill the folder must be,
byte for byte, the old tree or the new one. Staging folders left by killed runs must
be cleaned by the next run.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from generator.write import clean_stale_staging, read_tree
from tests.conftest import ROOT

NEW_PAGES, OLD_PAGES = 100, 20
COLD_KILLS, WARM_KILLS, WRITE_KILLS = 3, 10, 15
RANDOM_SEED = 20240607


def _copy_pages(corpus: Path, dest: Path, names: list[str]) -> Path:
    folder = dest / "stripe"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(corpus / "pages" / "stripe" / name, folder / name)
    return folder


def _command(pages: Path, out: Path, cache: Path | None) -> list[str]:
    extra = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    return [sys.executable, "-m", "generator", "generate", str(pages), "-o", str(out), "-q", *extra]


def _run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=_env())
    return time.perf_counter() - start


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _kill_at(command: list[str], cwd: Path, delay: float, writing: Path | None = None) -> None:
    """Start ``command``; SIGKILL its process group ``delay`` seconds after it starts, or
    after it starts writing (its staging folder beside ``writing`` appears)."""
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    before = set(_stale(writing)) if writing else set()
    while writing and proc.poll() is None and not set(_stale(writing)) - before:
        time.sleep(0.0002)
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # already finished (and reaped by nobody yet is fine too)
    proc.wait()


def _restore(old_ref: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(old_ref, out)


def _write_window(command: list[str], cwd: Path, out: Path) -> tuple[float, float]:
    """When (seconds after start) a run's staging folder appears, and when the run ends."""
    proc = subprocess.Popen(command, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    first = None
    while proc.poll() is None:
        if first is None and _stale(out):
            first = time.perf_counter() - start
        time.sleep(0.0005)
    end = time.perf_counter() - start
    assert proc.returncode == 0
    return (first if first is not None else end * 0.8), end


def _stale(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.mark.slow
def test_sigkill_leaves_old_or_new_tree(corpus: Path, tmp_path: Path) -> None:
    names = sorted(p.name for p in (corpus / "pages" / "stripe").glob("*.html"))
    new_pages = _copy_pages(corpus, tmp_path / "new", names[:NEW_PAGES])
    old_pages = _copy_pages(corpus, tmp_path / "old", names[NEW_PAGES // 2 :: 20][:OLD_PAGES])
    cache = tmp_path / "cache"
    _run(_command(old_pages, tmp_path / "old_ref", None), tmp_path)
    cold = _run(_command(new_pages, tmp_path / "new_ref", cache), tmp_path)
    warm = _run(_command(new_pages, tmp_path / "scratch", cache), tmp_path)
    old_tree, new_tree = read_tree(tmp_path / "old_ref"), read_tree(tmp_path / "new_ref")
    assert old_tree != new_tree and len(new_tree) > 400
    rng = random.Random(RANDOM_SEED)
    out = tmp_path / "site" / "generated"
    out.parent.mkdir()
    _restore(tmp_path / "old_ref", out)
    begin, end = _write_window(_command(new_pages, out, cache), tmp_path, out)
    plan: list[tuple[float, Path | None, bool]] = [
        (rng.uniform(0, cold), None, False) for _ in range(COLD_KILLS)
    ]
    plan += [(rng.uniform(0, warm * 1.15), cache, False) for _ in range(WARM_KILLS)]
    plan += [(rng.uniform(0, (end - begin) * 1.1), cache, True) for _ in range(WRITE_KILLS)]
    seen: Counter[str] = Counter()
    interrupted_writes = 0  # kills that left a staging folder: the write phase was hit
    for delay, kill_cache, in_write in plan:
        _restore(tmp_path / "old_ref", out)
        before = set(_stale(out))
        _kill_at(_command(new_pages, out, kill_cache), tmp_path, delay, out if in_write else None)
        tree = read_tree(out)
        state = "old" if tree == old_tree else "new" if tree == new_tree else "broken"
        assert state != "broken", f"killed after {delay:.3f}s: output is neither tree"
        assert not (out.parent / f"{out.name}.doc2client-old").exists()
        seen[state] += 1
        interrupted_writes += bool(set(_stale(out)) - before)
    print(
        f"cold run {cold:.2f}s, warm run {warm:.2f}s, writing {begin:.3f}-{end:.3f}s, "
        f"outcomes {dict(seen)}, "
        f"kills inside the write phase: {interrupted_writes}"
    )
    assert seen["old"] and sum(seen.values()) == len(plan)
    _run(_command(new_pages, out, cache), tmp_path)  # a complete run cleans up after them
    assert read_tree(out) == new_tree
    assert _stale(out) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_our_stale_staging_folders_of_dead_runs_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    dead, alive = _dead_pid(), os.getpid()
    names = {
        f".generated.doc2client-{dead}-abc_123.tmp": True,  # ours, process gone
        f".generated.doc2client-{alive}-xyz.tmp": False,  # a run still going
        ".generated.abc123.tmp": False,  # not our pattern
        f".other.doc2client-{dead}-abc.tmp": False,  # another target's
        f".generated.doc2client-{dead}-abc.tmp.bak": False,
    }
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "file.py").write_text("x = 1\n")
    (tmp_path / f".generated.doc2client-{dead}-file.tmp").write_text("a file, not a folder")
    removed = clean_stale_staging(target)
    assert removed == [name for name, gone in names.items() if gone]
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {n for n, gone in names.items() if not gone} | {
        f".generated.doc2client-{dead}-file.tmp"
    }

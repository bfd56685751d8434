"""Progress as a user sees it: on a terminal (a pseudo-terminal here) every stage that
lasts over a second shows done/total, a bar and the time left; on a pipe, or with ``-q``,
nothing."""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import ROOT, doc2client

PAGES = 120  # enough Stripe pages that scraping and formatting each take over a second


@pytest.fixture(scope="module")
def specs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress")
    folder = root / "specs" / "stripe"
    folder.mkdir(parents=True)
    for page in sorted((corpus / "pages" / "stripe").glob("*.html"))[:PAGES]:
        shutil.copy(page, folder)
    return root


def _on_a_terminal(*args: str, cwd: Path) -> tuple[int, str]:
    """Run doc2client with stderr on a pseudo-terminal; its exit code and what it drew."""
    master, slave = os.openpty()
    # tqdm's own variables draw every step of every stage, however fast this machine is
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120", "TQDM_DELAY": "0",
           "TQDM_MININTERVAL": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=slave,
    )  # fmt: skip
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 600)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_sees_counts_bars_and_time_left(specs: Path) -> None:
    code, drawn = _on_a_terminal("generate", "specs", "-o", "out", "--no-cache", cwd=specs)
    assert code == 0, drawn
    counted = re.compile(r"doc2client: (scraping pages|laying out): +\d+%\|[^|\r]*\| "
                         r"(\d+)/(\d+) \[\d\d:\d\d<\d\d:\d\d\]")  # fmt: skip
    seen = {m.group(1): int(m.group(3)) for m in counted.finditer(drawn)}
    assert seen.get("scraping pages") == PAGES, drawn[-2000:]
    assert seen.get("laying out", 0) > 0, drawn[-2000:]  # a default run lays out, not black


def test_quiet_on_a_terminal_draws_nothing(specs: Path) -> None:
    code, drawn = _on_a_terminal("generate", "specs", "-o", "out", "--no-cache", "-q", cwd=specs)
    assert (code, drawn) == (0, "")


def test_a_pipe_gets_no_progress(specs: Path) -> None:
    done = doc2client("generate", "specs", "-o", "out", "--no-cache", cwd=specs)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "%|" not in done.stderr

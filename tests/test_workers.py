"""Issue 16: a run killed while its workers scrape leaves no process behind holding the pipes.

``doc2client generate`` scrapes the 446 Stripe pages of the corpus in worker processes; the
test waits until they exist, sends the signal to the parent alone (as a CI runner or a
timeout does), and then reads the parent's stdout and stderr to their end, as
``subprocess.run(capture_output=True)`` does: that only returns when every process holding
the pipes has ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")


def children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid`` (from /proc/*/stat)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            state = _stat(int(entry))
            if state is not None and state[1] == pid and state[0] != "Z":
                found.add(int(entry))
    return found


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of ``pid``, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    state = _stat(pid)
    return state is not None and state[0] != "Z"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT, signal.SIGHUP])
def test_a_signal_to_the_parent_during_scraping_ends_every_worker(
    corpus: Path, tmp_path: Path, sig: int
) -> None:
    pages = corpus / "pages" / "stripe"
    command = [str(BIN / "doc2client"), "generate", str(pages), "-o", str(tmp_path / "out"),
               "--no-cache", "-q"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    workers: set[int] = set()
    while len(workers) < 2 and proc.poll() is None:
        workers |= children(proc.pid)
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before its workers were seen"
    proc.send_signal(sig)
    try:
        proc.communicate(timeout=60)  # returns once no process holds the pipes
    except subprocess.TimeoutExpired:
        for pid in [proc.pid, *workers]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"after {signal.Signals(sig).name}, processes still hold the pipes: {workers}")
    for _ in range(200):  # ended processes are reaped by init; give it a moment
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.05)
    assert [pid for pid in workers if alive(pid)] == []

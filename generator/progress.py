"""A one-line progress display on stderr, for runs long enough to want one.

Nothing is drawn unless the stream is a terminal and the run has lasted ``delay``
seconds (about one): short runs and pipes stay silent. A background thread redraws the
line (stage, count, elapsed time) a few times a second; ``close`` erases it.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

DELAY = 1.0  # seconds before the first draw
INTERVAL = 0.2  # seconds between redraws
WIDTH = 30  # characters of the bar


class Progress:
    """Stages and counts of a run; thread-safe, drawn from a background thread."""

    def __init__(
        self, *, enabled: bool | None = None, stream: TextIO | None = None, delay: float = DELAY
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.delay = delay
        self.name, self.done, self.total = "starting", 0, 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._drawn = False
        self._thread: threading.Thread | None = None
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
            self._thread.start()

    def stage(self, name: str, total: int = 0) -> None:
        """Start a stage; ``total`` items to ``advance`` through (0: no count shown)."""
        with self._lock:
            self.name, self.done, self.total = name, 0, total

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.done += count

    def line(self) -> str:
        """The text drawn now."""
        with self._lock:
            name, done, total = self.name, self.done, self.total
        elapsed = f"{time.monotonic() - self.started:5.1f}s"
        if total <= 0:
            return f"doc2client: {name}... {elapsed}"
        filled = min(WIDTH, WIDTH * done // total)
        bar = "#" * filled + "-" * (WIDTH - filled)
        return f"doc2client: {name} [{bar}] {done}/{total} {elapsed}"

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self._write("\r\x1b[2K" + self.line())
            self._drawn = True
            self._stop.wait(INTERVAL)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away
            self._stop.set()

    def close(self) -> None:
        """Stop drawing and erase the line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._drawn:
            self._write("\r\x1b[2K")
            self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

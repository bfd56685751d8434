"""Progress on stderr for stages long enough to want it, drawn by tqdm.

A stage that lasts over ``delay`` seconds (about one) shows a line: with a count, its name,
a bar, done/total, the time taken and an estimate of the time left (tqdm's estimate from
the recent rate); without one, its name and the time taken. Nothing is drawn unless the
stream is a terminal (and ``-q`` turns it off): pipes, files and CI logs stay clean. A
finished stage's line is erased.

tqdm rather than rich: it has no dependencies, imports in a few milliseconds (doc2client
keeps start-up fast; rich pulls in pygments and markdown-it), and its one line with an
estimate is all a stage needs. A background thread redraws a few times a second, so a
stage whose count does not move (modelling, one long request) still shows its time.

tqdm's own environment variables win over the defaults here, as its documentation says of
every parameter: ``TQDM_DELAY=0 TQDM_MININTERVAL=0`` draws every stage at every step.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

DELAY = 1.0  # seconds a stage runs before it is drawn
INTERVAL = 0.2  # seconds between redraws
COUNTED = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]"
UNCOUNTED = "{desc}... {elapsed}"


class Progress:
    """Stages and counts of a run; thread-safe (``advance`` may come from worker threads)."""

    def __init__(
        self, *, enabled: bool | None = None, stream: TextIO | None = None, delay: float = DELAY
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.delay = _env_seconds("TQDM_DELAY", delay)
        self._bar: tqdm[Any] | None = None
        self._started = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
            self._thread.start()

    def stage(self, name: str, total: int = 0) -> None:
        """Start a stage; ``total`` items to ``advance`` through (0: no count shown)."""
        if not self.enabled:
            return
        from tqdm import tqdm

        with self._lock:
            self._close_bar()
            timing: dict[str, Any] = {"delay": self.delay, "mininterval": INTERVAL}
            timing = {k: v for k, v in timing.items() if f"TQDM_{k.upper()}" not in os.environ}
            self._bar = tqdm(
                desc=f"doc2client: {name}", total=total or None, file=_Flushed(self.stream),
                bar_format=COUNTED if total else UNCOUNTED, leave=False, dynamic_ncols=True,
                smoothing=0.1, **timing,
            )  # fmt: skip
            self._started = time.monotonic()

    def advance(self, count: int = 1) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.update(count)

    def line(self) -> str:
        """The text drawn now ("" when nothing is)."""
        with self._lock:
            return str(self._bar) if self._bar is not None else ""

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL):
            with self._lock:
                shown = self._bar is not None and time.monotonic() - self._started >= self.delay
                if shown and self._bar is not None:
                    self._bar.refresh()

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def close(self) -> None:
        """Stop drawing and erase the line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            self._close_bar()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _env_seconds(variable: str, default: float) -> float:
    """Seconds from the environment variable ``variable``; ``default`` when unset or not a
    number."""
    try:
        return float(os.environ[variable])
    except (KeyError, ValueError):
        return default


class _Flushed:
    """``stream`` flushed after every write (tqdm's own handling of ``sys.stderr`` drew
    nothing on a pseudo-terminal here)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        written = self.stream.write(text)
        self.stream.flush()
        return written

    def flush(self) -> None:
        self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

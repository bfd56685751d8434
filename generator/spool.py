"""A new output folder's files written ahead, while the run still makes them.

Writing some two thousand files costs the kernel up to a second, and at the end of a run
nothing else is left to do meanwhile. Into a new output folder (missing or empty) every
file is written fresh, so it can as well be written as soon as it is made: ``Spool.ahead``
makes the staging folder ``write_tree`` would make (named as it names it, beside the
target, so a killed run's is cleaned as stale), and a thread writes each file ``put``
gives it while the run goes on. ``write_tree`` takes the folder when the target is still
new under its lock and writes only what is missing (``take``); otherwise, and when the run
writes nothing (an error, ``--check``), the folder goes (``close``, at the latest when the
process ends). The files written are the same either way, and still swapped in atomically.
"""

from __future__ import annotations

import hashlib
import queue
import shutil
import stat
import threading
import weakref
from collections.abc import Mapping
from pathlib import Path

QUEUED = 256  # files given and not written yet, at most (then ``put`` waits): memory stays flat
Work = queue.Queue[tuple[str, str] | None]


class Spool:
    """Files written ahead into a staging folder for ``target`` (see the module's text)."""

    def __init__(self, target: Path, folder: Path) -> None:
        self.target, self.folder = target, folder
        self.written: dict[str, str] = {}  # path → SHA-256 (hex) of what was written there
        self.failed = False  # a write failed: write_tree writes every file again
        self._queue: Work = queue.Queue(QUEUED)
        self._thread: list[threading.Thread] = []  # the writing thread, once started
        self._cleanup = weakref.finalize(self, _discard, folder, self._queue, self._thread)

    @classmethod
    def ahead(cls, target: Path) -> Spool | None:
        """A spool for ``target`` when it is a new folder (missing or empty), else None."""
        from generator.write import new_staging

        try:
            if target.exists() and (not target.is_dir() or any(target.iterdir())):
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            folder = new_staging(target)
        except OSError:
            return None  # write_tree says what is wrong with the folder
        return cls(target, folder)

    def put(self, rel: str, text: str) -> None:
        """Write file ``rel`` (a relative POSIX path) with ``text`` soon, in the background."""
        if not self._thread:
            self._thread.append(threading.Thread(target=self._run, name="spool", daemon=True))
            self._thread[0].start()
        self._queue.put((rel, text))

    def _run(self) -> None:
        from generator.write import write_file

        made: set[str] = set()
        while (item := self._queue.get()) is not None:
            rel, text = item
            data = text.encode("utf-8")
            try:
                write_file(self.folder, rel, data, made)
            except Exception:  # (OSError, ...) write_tree writes every file itself then
                self.failed = True
                continue
            self.written[rel] = hashlib.sha256(data).hexdigest()

    def finish(self) -> None:
        """Wait until every file given is written."""
        _stop(self._queue, self._thread)

    def take(self, digests: Mapping[str, str]) -> tuple[Path, set[str]]:
        """The staging folder, now the caller's, and the files in it written as ``digests``
        (path → SHA-256) has them; anything else written there is removed."""
        self.finish()
        self._cleanup.detach()
        done = {rel for rel, digest in self.written.items() if digests.get(rel) == digest}
        for rel in self.written.keys() - done:
            _remove(self.folder / rel)
        if self.failed:
            done.clear()
        return self.folder, done

    def close(self) -> None:
        """Stop writing and remove the folder (unless ``take`` has taken it)."""
        self.finish()
        self._cleanup()


def _stop(work: Work, thread: list[threading.Thread]) -> None:
    if thread:
        work.put(None)
        thread.pop().join()


def _discard(folder: Path, work: Work, thread: list[threading.Thread]) -> None:
    _stop(work, thread)
    shutil.rmtree(folder, ignore_errors=True)


def _remove(path: Path) -> None:
    try:
        if stat.S_ISREG(path.lstat().st_mode):
            path.unlink()
    except OSError:
        pass

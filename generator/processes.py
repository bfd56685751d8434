"""Worker processes that end with the run that started them, however it ends.

A worker of a ``ProcessPoolExecutor`` outlives a parent killed by a signal: it is re-parented
to init and keeps the caller's stdout and stderr open, so ``subprocess.run(capture_output=True)``
or a CI step waits for it. Each worker here asks the kernel to kill it when its parent dies
(Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere a thread that watches ``getppid``),
and a pool left by an exception (``KeyboardInterrupt``) kills its workers instead of waiting
for their tasks. ``Forked`` is one such process that sends items back while the caller goes on.
"""

from __future__ import annotations

import ctypes
import gc
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL = 0.5  # seconds between getppid checks where prctl is not available
T = TypeVar("T")


@contextmanager
def worker_pool(count: int, context: BaseContext | None = None) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``count`` workers bound to this process (see the module's text)."""
    pool = ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=end_with_parent, initargs=(os.getpid(),)
    )
    try:
        yield pool
    except BaseException:
        _kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def end_with_parent(parent: int) -> None:
    """In a worker: die when process ``parent`` ends (also when it is already gone)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # died before prctl took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's processes now (``shutdown`` alone waits for running tasks)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        try:
            process.kill()
        except (OSError, ValueError):
            pass


def can_fork() -> bool:
    """Whether processes can be forked here (they inherit this one's memory, nothing is sent)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


class ForkedError(Exception):
    """The work of a ``Forked`` process failed or the process died (the message says which)."""


_ITEM, _DONE, _FAILED = 0, 1, 2


class Forked(Generic[T]):
    """``work(send)`` run at once in one forked process bound to this one (see the module's
    text), which inherits what this process holds (nothing is pickled but what it sends);
    ``items`` gives what it sent, in order, when the caller is ready for them. The process
    never waits for the caller: its queue's thread sends in the background. ``close`` ends
    it if it still runs. Only where ``can_fork()``.
    """

    def __init__(self, work: Callable[[Callable[[T], None]], None]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._queue: Any = context.Queue()
        self._process = context.Process(target=_run_forked, args=(work, self._queue, os.getpid()),
                                        daemon=True)  # fmt: skip
        gc.freeze()  # the child's collector leaves the inherited heap alone (no copy-on-write)
        try:
            self._process.start()
        finally:
            gc.unfreeze()

    def items(self) -> Iterator[T]:
        """What ``work`` sent, in order; ``ForkedError`` when it raised or its process died."""
        while True:
            try:
                kind, value = self._queue.get(timeout=WATCH_INTERVAL)
            except queue.Empty:
                if self._process.is_alive():
                    continue
                try:  # it may have sent its last items just before it ended
                    kind, value = self._queue.get(timeout=WATCH_INTERVAL)
                except queue.Empty:
                    raise ForkedError(f"exit status {self._process.exitcode}") from None
            if kind == _DONE:
                break
            if kind == _FAILED:
                raise ForkedError(value)
            yield value
        self._process.join()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._queue.close()


def _run_forked(work: Callable[[Callable[[Any], None]], None], out: Any, parent: int) -> None:
    end_with_parent(parent)
    try:
        work(lambda value: out.put((_ITEM, value)))
        out.put((_DONE, None))
    except BaseException as exc:  # the caller is told, and does the work itself
        out.put((_FAILED, f"{type(exc).__name__}: {exc}"))
    out.close()
    out.join_thread()  # everything sent before the process ends

"""Worker processes that end with the run that started them, however it ends.

A worker of a ``ProcessPoolExecutor`` outlives a parent killed by a signal: it is re-parented
to init and keeps the caller's stdout and stderr open, so ``subprocess.run(capture_output=True)``
or a CI step waits for it. Each worker here asks the kernel to kill it when its parent dies
(Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere a thread that watches ``getppid``),
and a pool left by an exception (``KeyboardInterrupt``) kills its workers instead of waiting
for their tasks.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL = 0.5  # seconds between getppid checks where prctl is not available


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

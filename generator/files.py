"""Reading input files safely: regular files only, their size checked before reading.

A specs folder is input from anyone: a ``*.html`` symbolic link to ``/dev/zero`` would be read
forever, a FIFO blocks ``open`` until someone writes to it, and a sparse file of 95 MB costs
its whole size before a limit applied afterwards. Every input file is opened without
blocking (``O_NONBLOCK``), checked with ``fstat`` on that very descriptor (no race with a
file swapped in between), and read only when it is a regular file within the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # one OpenAPI document; Stripe's spec3.json is 7 MB

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotReadable(OSError):
    """An input file that is not read: ``reason`` says why, in words for a diagnostic."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def kind_of(mode: int) -> str:
    """What a file of ``mode`` is, in words: ``a FIFO``, ``a character device``..."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def special_reason(path: Path) -> str | None:
    """Why ``path`` (followed if a symbolic link) is not a regular file, or None if it is."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    link = " (a symbolic link to it)" if path.is_symlink() else ""
    return f"{kind_of(mode)}{link}, not a regular file"


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``; ``NotReadable`` when it is not a regular file or is larger
    than ``max_bytes`` (checked before reading), ``OSError`` when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"{kind_of(info.st_mode)}, not a regular file", "special-file")
        if max_bytes is not None and info.st_size > max_bytes:
            message = f"file is too large: {info.st_size:,} bytes, over the limit of {max_bytes:,}"
            raise NotReadable(message, "too-large")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    finally:
        os.close(fd)
    if max_bytes is not None and len(data) > max_bytes:  # it grew while being read
        raise NotReadable(f"file is too large: over the limit of {max_bytes:,} bytes", "too-large")
    return data


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex; "" when it cannot be read): a kept result that read
    the file holds while the file keeps its digest (also while it stays missing)."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""

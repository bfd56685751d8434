"""Write an output tree atomically, and compare one with what is on disk.

The new tree is built in a temporary folder beside the target: files whose bytes are
unchanged are hard-linked from the old tree (so their modification times stay), the
rest are written fresh. Then the two folders are exchanged in one step
(``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, with recovery of a
half-finished swap on the next run). A failed or killed run leaves the target as it was.

A target folder is ours when it holds the ``MARKER`` file; we refuse to replace a
non-empty folder that is not, so a mistyped ``-o`` never deletes someone's work.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

MARKER = ".doc2client"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutputError(Exception):
    """The output folder cannot be written (the message says why and where)."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: tuple[str, ...]  # new or changed files
    unchanged: int
    removed: tuple[str, ...]


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (relative POSIX path → bytes); empty if it does not exist."""
    if not root.is_dir():
        return {}
    out: dict[str, bytes] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath, name)
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _check_ours(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise OutputError(
            f"{target}: folder is not empty and was not written by doc2client "
            f"(no {MARKER} file); choose another output folder or empty it"
        )


def recover(target: Path) -> None:
    """Finish a swap that a killed run left half-done (only on the two-rename fallback)."""
    backup = target.with_name(target.name + ".doc2client-old")
    if backup.is_dir() and not target.exists():
        backup.rename(target)
    elif backup.is_dir():
        shutil.rmtree(backup, ignore_errors=True)


def _exchange(new: Path, target: Path) -> None:
    """Swap ``new`` into ``target`` in one step where the OS allows it."""
    if not target.exists():
        new.rename(target)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        rc = renameat2(
            _AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE
        )
        if rc == 0:
            return
    backup = target.with_name(target.name + ".doc2client-old")
    target.rename(backup)
    new.rename(target)


def _fill(
    staging: Path, target: Path, files: Mapping[str, bytes], old: Mapping[str, bytes]
) -> list[str]:
    written: list[str] = []
    for rel in sorted(files):
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if old.get(rel) == files[rel]:
            try:
                os.link(target / rel, dest)
                continue
            except OSError:
                pass
        else:
            written.append(rel)
        dest.write_bytes(files[rel])
    (staging / MARKER).write_text(
        "This folder is written by doc2client; it is replaced on every run.\n"
    )
    return written


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.doc2client-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a pid we can ask about: keep it
    return True


def clean_stale_staging(target: Path) -> list[str]:
    """Remove staging folders that killed runs left beside ``target``; their names.

    Only folders named exactly as ``_staging_dir`` names them
    (``.<target>.doc2client-<pid>-<random>.tmp``) and whose process is gone are removed.
    """
    pattern = re.compile(re.escape(_staging_prefix(target)) + r"([0-9]+)-[A-Za-z0-9_]+\.tmp")
    removed: list[str] = []
    for entry in sorted(target.parent.iterdir()) if target.parent.is_dir() else []:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            if not _pid_alive(int(match.group(1))):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
    return removed


@contextlib.contextmanager
def _staging_dir(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_staging(target)
    prefix = f"{_staging_prefix(target)}{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=target.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_tree(target: Path, files: Mapping[str, bytes]) -> WriteResult:
    """Replace ``target`` with exactly ``files`` (plus the marker), atomically."""
    recover(target)
    _check_ours(target)
    old = read_tree(target)
    old.pop(MARKER, None)
    if old == dict(files) and (target / MARKER).exists():
        return WriteResult((), len(files), ())
    with _staging_dir(target) as staging:
        written = _fill(staging, target, files, old)
        _exchange(staging, target)
    recover(target)
    removed = tuple(sorted(set(old) - set(files)))
    return WriteResult(tuple(written), len(files) - len(written), removed)


def diff_tree(target: Path, files: Mapping[str, bytes], *, max_lines: int = 60) -> list[str]:
    """A short unified diff between what is on disk and ``files`` (empty when equal)."""
    old = read_tree(target)
    old.pop(MARKER, None)
    lines: list[str] = []
    for rel in sorted(set(old) | set(files)):
        before, after = old.get(rel), files.get(rel)
        if before == after:
            continue
        a = (
            before.decode("utf-8", "replace").splitlines(keepends=True)
            if before is not None
            else []
        )
        b = after.decode("utf-8", "replace").splitlines(keepends=True) if after is not None else []
        name_a = f"a/{rel}" if before is not None else "/dev/null"
        name_b = f"b/{rel}" if after is not None else "/dev/null"
        lines.extend(difflib.unified_diff(a, b, name_a, name_b, n=1))
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"... ({len(lines) - max_lines} more diff lines)\n"]
    return lines

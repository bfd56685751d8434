"""Keeping the generation cache in bounds: ``doc2client cache info|prune|clear``.

Every entry's modification time is the last time a run used it (``generator.cache``
moves it forward, to within a day), so pruning removes entries unused for longer than
``max_age`` and then the least recently used ones until the cache holds at most
``max_bytes``. ``generate`` prunes with the defaults at most once a day (``maybe_prune``),
so a cache nobody manages stays bounded.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_AGE = 30 * 86400.0  # seconds
PRUNE_EVERY = 86400.0  # seconds between automatic prunes
_STAMP = ".last-prune"


@dataclass(frozen=True, slots=True)
class Entry:
    path: str
    size: int
    used: float  # seconds since the epoch


@dataclass(frozen=True, slots=True)
class Usage:
    """What the cache holds: entries and bytes, per kind."""

    entries: int
    size: int
    kinds: tuple[tuple[str, int, int], ...]  # (kind, entries, bytes), sorted by kind


def entries(root: Path) -> list[Entry]:
    """Every entry file below ``root`` (not following symbolic links)."""
    found = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if name != _STAMP:
                found.append(Entry(path, info.st_size, info.st_mtime))
    return found


def usage(root: Path) -> Usage:
    """Counts and bytes per kind (the first folder level)."""
    per_kind: dict[str, list[int]] = {}
    for entry in entries(root):
        kind = Path(entry.path).relative_to(root).parts[0]
        counts = per_kind.setdefault(kind, [0, 0])
        counts[0] += 1
        counts[1] += entry.size
    kinds = tuple((k, n, size) for k, (n, size) in sorted(per_kind.items()))
    return Usage(sum(k[1] for k in kinds), sum(k[2] for k in kinds), kinds)


def prune(
    root: Path, max_bytes: int = DEFAULT_MAX_BYTES, max_age: float = DEFAULT_MAX_AGE
) -> tuple[int, int]:
    """Remove entries unused for ``max_age`` seconds, then the least recently used until at
    most ``max_bytes`` remain; returns (entries removed, bytes removed)."""
    now = time.time()
    found = sorted(entries(root), key=lambda e: e.used, reverse=True)  # newest first
    kept = 0
    removed = [0, 0]
    for entry in found:
        if now - entry.used <= max_age and kept + entry.size <= max_bytes:
            kept += entry.size
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed[0] += 1
        removed[1] += entry.size
    _touch(root / _STAMP)
    return removed[0], removed[1]


def maybe_prune(root: Path, max_bytes: int | None = None) -> None:
    """``prune`` (to ``max_bytes``, default ``DEFAULT_MAX_BYTES``, and ``DEFAULT_MAX_AGE``)
    when the last prune was over a day ago: one ``stat`` otherwise."""
    try:
        last = (root / _STAMP).stat().st_mtime
    except FileNotFoundError:
        last = 0.0
    except OSError:
        return
    if time.time() - last > PRUNE_EVERY and root.is_dir():
        prune(root, DEFAULT_MAX_BYTES if max_bytes is None else max_bytes, DEFAULT_MAX_AGE)


def clear(root: Path) -> None:
    """Remove the whole cache folder."""
    shutil.rmtree(root, ignore_errors=True)


def _touch(path: Path) -> None:
    try:
        path.touch()
        now = time.time()
        os.utime(path, (now, now))
    except OSError:
        pass

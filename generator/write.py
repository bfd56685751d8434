"""Write an output tree atomically, and compare one with what is on disk.

The new tree is built in a temporary folder beside the target: files whose bytes are
unchanged are hard-linked from the old tree (so their modification times stay), the
rest are written fresh. Then the two folders are exchanged in one step
(``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, with recovery of a
half-finished swap on the next run). A failed or killed run leaves the target as it was.

A target folder is ours when it holds the ``MARKER`` file; we refuse to replace a
non-empty folder that is not, so a mistyped ``-o`` never deletes someone's work. The marker
is also the manifest: it lists every file doc2client wrote. Only those are ever replaced
or removed. Build leftovers (``LEFTOVERS``: ``build/``, ``*.egg-info``, ``__pycache__``, ...)
are carried over untouched and ignored by ``--check``; any other file not in the manifest
is the user's: a run stops (``ForeignFilesError``) unless forced, and a forced run keeps it
and records it in the manifest as kept, so later runs and ``--check`` accept it as it is
(until doc2client itself would write a file of that name: then it is foreign again).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from generator.spool import Spool

MARKER = ".doc2client"
LOCK_WAIT = 600.0  # seconds a run waits for another one writing the same output folder
MANIFEST_HEADER = (
    "This folder is written by doc2client. The files listed below are replaced on every run;\n"
    "doc2client never removes any other file.\n\n"
)
KEPT_HEADER = "\nThe user's files, kept here with --force (never replaced or removed):\n"
# Folders that building, installing or testing a generated project leaves inside it.
LEFTOVER_DIRS = frozenset({"build", "dist", "__pycache__", ".pytest_cache", ".mypy_cache",
                           ".ruff_cache", ".hypothesis", ".tox", ".venv"})  # fmt: skip
LEFTOVER_SUFFIXES = (".egg-info",)
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutputError(Exception):
    """The output folder cannot be written (the message says why and where)."""


class ForeignFilesError(OutputError):
    """Files in the output folder that doc2client did not write; ``paths`` lists them."""

    def __init__(self, target: Path, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        listed = "".join(f"\n  {target / rel}" for rel in self.paths)
        super().__init__(
            f"{target}: {len(self.paths)} file(s) not written by doc2client (not in {MARKER}):"
            f"{listed}\nmove them elsewhere, or pass --force to keep them and write the rest"
        )


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: tuple[str, ...]  # new or changed files
    unchanged: int
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TreeDiff:
    """What writing would change: file lists (relative POSIX paths) and a unified diff."""

    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    lines: tuple[str, ...]  # complete unified diff, ``a/``/``b/`` prefixed like ``git diff``

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)


@runtime_checkable
class DigestedFiles(Protocol):
    """A tree of files (``Mapping[str, bytes]``) that knows each file's SHA-256 (hex) before
    reading it, as a replayed run's does: compared with a folder by digests alone."""

    @property
    def digests(self) -> Mapping[str, str]: ...


def holds(files: Mapping[str, bytes]) -> Callable[[str, bytes | None], bool]:
    """A test of whether ``files`` has given bytes at a path (None: has no such file), by
    digest when ``files`` knows them (``DigestedFiles``), so that no content is read."""
    if not isinstance(files, DigestedFiles):
        return lambda rel, data: files.get(rel) == data
    digests = files.digests

    def by_digest(rel: str, data: bytes | None) -> bool:
        want = digests.get(rel)
        return want is None if data is None else want == hashlib.sha256(data).hexdigest()

    return by_digest


def is_leftover(rel: str) -> bool:
    """Whether ``rel`` lies in a build, test or cache folder (``LEFTOVER_DIRS``, ``*.egg-info``)."""
    folders = rel.split("/")[:-1]
    return any(p in LEFTOVER_DIRS or p.endswith(LEFTOVER_SUFFIXES) for p in folders)


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (relative POSIX path → bytes) but build leftovers."""
    if not root.is_dir():
        return {}
    out: dict[str, bytes] = {}
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in LEFTOVER_DIRS and not d.endswith(LEFTOVER_SUFFIXES)]
        prefix = _relative_dir(root, dirpath)
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as handle:
                out[prefix + name] = handle.read()
    return out


def _relative_dir(root: Path, dirpath: str) -> str:
    """``dirpath`` (from ``os.walk(root)``) relative to ``root`` as POSIX, ending in ``/``
    unless it is ``root`` itself; string work, as ``Path.relative_to`` per file is slow."""
    rel = os.path.relpath(dirpath, root)
    return "" if rel == os.curdir else rel.replace(os.sep, "/") + "/"


def leftovers(root: Path) -> list[str]:
    """The leftover folders below ``root`` (relative POSIX paths), outermost only."""
    found: list[str] = []
    for dirpath, dirs, _names in os.walk(root):
        for d in sorted(dirs):
            if d in LEFTOVER_DIRS or d.endswith(LEFTOVER_SUFFIXES):
                found.append(Path(dirpath, d).relative_to(root).as_posix())
        dirs[:] = [d for d in dirs if d not in LEFTOVER_DIRS and not d.endswith(LEFTOVER_SUFFIXES)]
    return found


def read_manifest(target: Path) -> frozenset[str] | None:
    """The files doc2client wrote into ``target`` (None: a marker from before manifests)."""
    parts = _manifest_parts(target)
    return None if parts is None else parts[0]


def read_kept(target: Path) -> frozenset[str]:
    """The user's files a ``--force`` run kept in ``target`` (recorded in its manifest)."""
    parts = _manifest_parts(target)
    return frozenset() if parts is None else parts[1]


def _manifest_parts(target: Path) -> tuple[frozenset[str], frozenset[str]] | None:
    try:
        text = (target / MARKER).read_text(encoding="utf-8")
    except OSError:
        return frozenset(), frozenset()
    if not text.startswith(MANIFEST_HEADER):
        return None  # an older doc2client wrote every file in the folder
    ours, _, kept = text[len(MANIFEST_HEADER) :].partition(KEPT_HEADER)
    return (frozenset(line for line in ours.splitlines() if line),
            frozenset(line for line in kept.splitlines() if line))  # fmt: skip


def manifest_text(files: Iterable[str], kept: Iterable[str] = ()) -> str:
    """The manifest listing ``files`` (doc2client's) and ``kept`` (the user's, kept)."""
    listed = MANIFEST_HEADER + "".join(f"{rel}\n" for rel in sorted(files))
    kept = sorted(kept)
    return listed + (KEPT_HEADER + "".join(f"{rel}\n" for rel in kept) if kept else "")


def foreign_files(
    target: Path, old: Mapping[str, bytes], files: Mapping[str, bytes] | None = None
) -> list[str]:
    """Files in ``old`` (read from ``target``) that are not in its manifest, but for those
    ``files`` holds byte for byte (writing them loses nothing: a merged generated tree) and
    those an earlier forced run kept that ``files`` does not write over."""
    parts = _manifest_parts(target)
    if parts is None:
        return []
    manifest, kept = parts
    same = files or {}
    return sorted(
        rel
        for rel in old
        if rel not in manifest and rel != MARKER and same.get(rel) != old[rel]
        and (rel not in kept or rel in same)
    )


def _kept(
    target: Path, old: Mapping[str, bytes], files: Mapping[str, bytes], foreign: Iterable[str]
) -> list[str]:
    """The user's files a write keeps: ``foreign`` (``foreign_files(target, old, files)``,
    kept only when forced: the caller has checked) and those an earlier forced run kept,
    but for any that ``files`` writes over."""
    return sorted(set(foreign) | (read_kept(target) & set(old)) - set(files))


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
    import ctypes  # only when a folder is swapped

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
    staging: Path, target: Path, files: Mapping[str, bytes], unchanged: Collection[str],
    kept: Iterable[str], *, done: Collection[str] = (),
) -> list[str]:  # fmt: skip
    """Write ``files`` into ``staging``, linking the ``unchanged`` ones from ``target``
    (``done``: written there already, by a ``Spool``)."""
    written: list[str] = []
    made: set[str] = set()  # the folders made so far
    for rel in sorted(files):
        if rel in done:
            written.append(rel)
            continue
        if rel in unchanged:
            try:
                os.link(os.path.join(target, rel), _place(staging, rel, made))
                continue
            except OSError:
                pass
        else:
            written.append(rel)
        write_file(staging, rel, files[rel], made)
    (staging / MARKER).write_text(manifest_text(files, kept), encoding="utf-8")
    return written


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _carry_over(staging: Path, target: Path, kept: Iterable[str]) -> None:
    """Put the user's files and the build leftovers of ``target`` into ``staging`` unchanged."""
    for rel in sorted(kept):
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(str(target / rel), str(staging / rel))
    for rel in leftovers(target):
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(target / rel, staging / rel, symlinks=True, copy_function=_link_or_copy)


def _place(root: Path, rel: str, made: set[str]) -> str:
    """The path of ``rel`` under ``root``, its folder made (``made``: the folders made so far,
    each made once)."""
    dest = os.path.join(root, rel)
    folder = os.path.dirname(dest)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    return dest


def write_file(root: Path, rel: str, data: bytes, made: set[str]) -> None:
    """``data`` into ``rel`` (a relative POSIX path) under ``root`` (``made``: see ``_place``)."""
    with open(_place(root, rel, made), "wb") as handle:
        handle.write(data)


def new_staging(target: Path) -> Path:
    """A new staging folder beside ``target``, named as ``clean_stale_staging`` knows them, with
    the mode ``target`` would have."""
    prefix = f"{_staging_prefix(target)}{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=target.parent))
    try:
        staging.chmod(_folder_mode(target))  # mkdtemp makes it 0700
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


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
def _staging_dir(
    target: Path, files: Mapping[str, bytes], spool: Spool | None
) -> Iterator[tuple[Path, set[str]]]:
    """A staging folder beside ``target`` and the files written there already: ``spool``'s
    (when given, ``target`` is still new: see ``generator.spool``), else a new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_staging(target)
    staging, done = spool.take(_digests(files)) if spool is not None else (new_staging(target),
                                                                            set())  # fmt: skip
    try:
        yield staging, done
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _digests(files: Mapping[str, bytes]) -> Mapping[str, str]:
    """Each file's SHA-256 (hex), known already when ``files`` is ``DigestedFiles``."""
    if isinstance(files, DigestedFiles):
        return files.digests
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}


def _folder_mode(target: Path) -> int:
    """The permission bits the output folder keeps: its own, or for a new folder what
    ``mkdir`` gives under the process's umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o777 & ~umask


def unwritable(exc: OSError) -> str:
    """Why a path cannot be written, in words: ``out is a file, not a folder``."""
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return f"{exc.filename} is a file, not a folder"
    return f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc.strerror or exc)


def lock_path(target: Path) -> Path:
    """The lock file of an output folder: beside it (the folder itself is swapped)."""
    return target.with_name(f".doc2client-{target.name}.lock")


@contextlib.contextmanager
def output_lock(
    target: Path, *, wait: float = LOCK_WAIT, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold ``target``'s lock: one run at a time writes an output folder.

    Another run holding it is waited for, at most ``wait`` seconds (``on_wait`` is told
    first), then ``OutputError``; ``OutputError`` at once where the lock cannot be made. The
    lock is ``filelock.FileLock`` (``flock``/``fcntl`` on POSIX, ``msvcrt`` on Windows): the
    kernel releases it when its process ends, however.
    """
    from filelock import FileLock, Timeout

    try:  # a place that cannot be written is said now, not waited on as if it were locked
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(lock_path(target), os.O_WRONLY | os.O_CREAT, 0o666))
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {unwritable(exc)}") from None
    lock = FileLock(lock_path(target))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(f"another run is writing {target}; waiting for it (at most {wait:.0f} s)")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            message = f"{target}: another doc2client run is still writing it ({lock_path(target)})"
            raise OutputError(message) from None
    try:
        yield
    finally:
        lock.release()


def write_tree(
    target: Path, files: Mapping[str, bytes], *, force: bool = False,
    on_wait: Callable[[str], None] | None = None, spool: Spool | None = None,
) -> WriteResult:  # fmt: skip
    """Make the files doc2client writes in ``target`` exactly ``files``, atomically, holding
    ``target``'s lock (``output_lock``: ``on_wait`` hears when another run holds it). The
    folder keeps its permission bits. ``spool``: files written ahead for a new ``target``
    (``generator.spool``), taken when it is still new, else let go.

    Raises ``ForeignFilesError`` when ``target`` holds files that are not in its manifest
    (unless ``force``: then they are kept, as are build leftovers), ``OutputError`` when
    ``target`` is not a folder doc2client wrote or another run holds the lock too long.
    """
    try:
        if _finished(target, files):  # a no-op run takes no lock (and imports no filelock)
            return WriteResult((), len(files), ())
        with output_lock(target, on_wait=on_wait):
            return _write_locked(target, files, force=force, spool=spool)
    finally:
        if spool is not None:
            spool.close()


def _finished(target: Path, files: Mapping[str, bytes]) -> bool:
    """Whether ``target`` already holds exactly ``files`` as a finished run left it: its
    manifest lists them and no kept file, and no half-done swap or staging folder lies
    beside it, so a locked write would change nothing. Read without the lock: a run that
    swaps the folder meanwhile leaves it whole either way (``_exchange``), and one that
    wrote other files is then simply the later run."""
    parts = _manifest_parts(target) if (target / MARKER).is_file() else None
    if parts is None or parts[1] or parts[0] != frozenset(files):
        return False
    prefix = _staging_prefix(target)
    backup = target.name + ".doc2client-old"
    if any(n.startswith(prefix) or n == backup for n in os.listdir(target.parent)):
        return False
    old = read_tree(target)
    old.pop(MARKER, None)
    has = holds(files)
    return old.keys() == files.keys() and all(has(rel, data) for rel, data in old.items())


def _write_locked(
    target: Path, files: Mapping[str, bytes], *, force: bool, spool: Spool | None
) -> WriteResult:
    recover(target)
    clean_stale_staging(target)  # also when nothing is written: a killed run's leftovers go
    _check_ours(target)
    old = read_tree(target)
    old.pop(MARKER, None)
    foreign = foreign_files(target, old, files)
    if foreign and not force:
        raise ForeignFilesError(target, foreign)
    kept = _kept(target, old, files, foreign)
    has = holds(files)
    ours = {rel for rel in old if rel not in kept}
    unchanged = {rel for rel in ours if has(rel, old.pop(rel))}  # each old file let go once read
    same = ours == files.keys() == unchanged
    if same and _manifest_parts(target) == (frozenset(files), frozenset(kept)):
        return WriteResult((), len(files), ())
    new = spool if spool is not None and not old and not ours and not kept else None
    with _staging_dir(target, files, new) as (staging, done):
        written = _fill(staging, target, files, unchanged, kept, done=done)
        _carry_over(staging, target, kept)
        _exchange(staging, target)
    recover(target)
    removed = tuple(sorted(set(ours) - set(files)))
    return WriteResult(tuple(written), len(files) - len(written), removed)


def diff_tree(
    target: Path, files: Mapping[str, bytes], old: Mapping[str, bytes] | None = None
) -> TreeDiff:
    """What ``write_tree(target, files, force=True)`` would change, with a complete diff.

    Build leftovers and files not in the manifest (which a write keeps) are not compared.
    ``old``: ``read_tree(target)``, when the caller has read it.
    """
    old = {rel: data for rel, data in (read_tree(target) if old is None else old).items()
           if rel != MARKER}  # fmt: skip
    kept = _kept(target, old, files, foreign_files(target, old, files))
    ours = {rel: data for rel, data in old.items() if rel not in kept}
    changed: list[str] = []
    added: list[str] = []
    removed: list[str] = []
    lines: list[str] = []
    has = holds(files)
    for rel in sorted(set(ours) | set(files)):
        before = ours.get(rel)
        if has(rel, before):
            continue
        after = files.get(rel)
        (added if before is None else removed if after is None else changed).append(rel)
        lines.extend(_file_diff(rel, before, after))
    return TreeDiff(tuple(changed), tuple(added), tuple(removed), tuple(lines))


def _file_diff(rel: str, before: bytes | None, after: bytes | None) -> list[str]:
    """The unified diff of one file, for ``patch -p1`` or ``git apply`` (``/dev/null``: absent)."""
    a = _lines(before)
    b = _lines(after)
    name_a = f"a/{rel}" if before is not None else "/dev/null"
    name_b = f"b/{rel}" if after is not None else "/dev/null"
    out: list[str] = []
    for line in difflib.unified_diff(a, b, name_a, name_b, n=3):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return out


def _lines(data: bytes | None) -> list[str]:
    return data.decode("utf-8", "replace").splitlines(keepends=True) if data is not None else []

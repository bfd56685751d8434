"""A content-addressed cache for incremental generation, in ``.doc2client-cache/``.

Every entry is named by a digest of everything its value depends on: the generator's own
code and built-in templates (``code_fingerprint``), the input bytes, the options, user
template folders and the formatter's name and version. So a hit can only ever give what
a cold run would compute, and stale entries are simply never asked for again.

Entries are written to a temporary file and moved into place (``os.replace``), and each
carries the SHA-256 of its payload: a partial, truncated or corrupted entry fails that
check and counts as a miss. Deleting the folder at any time is safe. Writes that fail
(read-only disk, full disk) are ignored: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

DEFAULT_DIR = Path(".doc2client-cache")
_MAGIC = b"doc2client-cache 1\n"
_DIGEST_LEN = 64  # hex SHA-256
INPUT_SUFFIXES = (".html", ".json", ".yaml", ".yml")
_ROOT = Path(__file__).resolve().parent  # the generator package
_FINGERPRINT: dict[str, str] = {}  # computed once per process


def digest(*parts: str | bytes) -> str:
    """SHA-256 (hex) of ``parts``, each length-prefixed so no two lists collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _files_under(root: Path, suffixes: Sequence[str] | None = None) -> Iterator[Path]:
    """Files below ``root`` in a stable order (``suffixes``: lower-case name endings)."""
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if suffixes is None or name.lower().endswith(tuple(suffixes)):
                yield Path(dirpath, name)


def tree_fingerprint(roots: Iterable[Path], suffixes: Sequence[str] | None = None) -> str:
    """Digest of the relative names and bytes of every file below each root (or the file)."""
    parts: list[str | bytes] = []
    for root in roots:
        parts.append(str(root))
        paths = [root] if root.is_file() else list(_files_under(root, suffixes))
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError:
                data = b"\0unreadable"
            parts += [path.relative_to(root).as_posix() if path != root else "", data]
    return digest(*parts)


def code_fingerprint() -> str:
    """Digest of the generator's version, its source and its built-in templates."""
    if "code" not in _FINGERPRINT:
        from generator import __version__

        code = tree_fingerprint([_ROOT], (".py",))
        templates = tree_fingerprint([_ROOT.parent / "templates"])
        _FINGERPRINT["code"] = digest(__version__, code, templates)
    return _FINGERPRINT["code"]


def formatter_id(name: str) -> str:
    """The formatter's name and installed version, without importing it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} (unknown version)"


class Cache:
    """Entries by (kind, key) under ``root``; ``Cache(None)`` is a cache that never hits."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _path(self, kind: str, key: str) -> Path:
        return Path(self._name(kind, key))

    def _name(self, kind: str, key: str) -> str:
        assert self.root is not None
        return os.path.join(self.root, kind, key[:2], key)

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload stored under (kind, key), or None if absent or damaged."""
        if self.root is None:
            return None
        try:
            with open(self._name(kind, key), "rb") as handle:
                raw = handle.read()
        except OSError:
            self.misses += 1
            return None
        head = len(_MAGIC) + _DIGEST_LEN + 1
        payload = raw[head:]
        ok = raw.startswith(_MAGIC) and raw[len(_MAGIC) : head - 1] == _sha(payload).encode()
        if ok:
            self.hits += 1
        else:
            self.misses += 1
        return payload if ok else None

    def put(self, kind: str, key: str, payload: bytes) -> None:
        """Store ``payload`` atomically (temporary file, then ``os.replace``)."""
        if self.root is None:
            return
        path = self._path(kind, key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(_MAGIC + _sha(payload).encode() + b"\n" + payload)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)

    def get_object(self, kind: str, key: str) -> object | None:
        """An object stored with ``put_object``; None when absent, damaged or unreadable."""
        payload = self.get(kind, key)
        if payload is None:
            return None
        try:
            value: object = pickle.loads(payload)
        except Exception:  # written by another version of a class: a miss
            return None
        return value

    def put_object(self, kind: str, key: str, value: object) -> None:
        if self.root is not None:
            self.put(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def get_blob(self, name: str) -> bytes | None:
        """File content stored with ``put_blob``, checked against its name."""
        data = self.get("blobs", name)
        return data if data is not None and _sha(data) == name else None

    def put_blob(self, data: bytes) -> str:
        """Store file content under its own SHA-256; returns that name."""
        name = _sha(data)
        if self.root is not None and not self._path("blobs", name).exists():
            self.put("blobs", name, data)
        return name


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

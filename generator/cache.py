"""A content-addressed cache for incremental generation, in ``.doc2client-cache/``.

Every entry is named by a digest of everything its value depends on: the generator's own
code and built-in templates (``code_fingerprint``), the input bytes, the options, user
template folders and the formatter's name and version. So a hit can only ever give what
a cold run would compute, and stale entries are simply never asked for again.

Entries are written to a temporary file and moved into place (``os.replace``), and each
carries an HMAC-SHA256 of its kind, name and payload under a key that only this user can
read (``key_path()``, outside the cache folder): a partial, truncated, corrupted or planted
entry fails that check and counts as a miss, so nothing is unpickled or run that this user's
own doc2client did not write. A cache folder that another user owns or can write is refused
(``refusal``). Deleting the folder at any time is safe. Writes that fail (read-only disk,
full disk) are ignored: the cache only ever saves time. ``prune`` keeps it within a size and
an age (``generator/cache_admin.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.cache_pack import Pack

DEFAULT_DIR = Path(".doc2client-cache")
_MAGIC = b"doc2client-cache 2\n"
_DIGEST_LEN = 64  # hex HMAC-SHA256
_KEY: dict[str, bytes] = {}  # the key, read once per process
INPUT_SUFFIXES = (".html", ".json", ".yaml", ".yml")
_ROOT = Path(__file__).resolve().parent  # the generator package
_FINGERPRINT: dict[str, str] = {}  # computed once per process
PACKED = frozenset({"unit", "page", "format"})  # kinds kept in a run's pack (``Cache.packed``)


def digest(*parts: str | bytes) -> str:
    """SHA-256 (hex) of ``parts``, each length-prefixed so no two lists collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _files_under(root: Path, suffixes: Sequence[str] | None = None) -> Iterator[str]:
    """Files below ``root`` in a stable order (``suffixes``: lower-case name endings), but
    those in ``__pycache__`` folders: compiled copies (Python's, and the built-in templates'
    that a run without the cache keeps there), which are not input."""
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if suffixes is None or name.lower().endswith(tuple(suffixes)):
                yield os.path.join(dirpath, name)  # a Path per file costs a third of a run key


def tree_fingerprint(roots: Iterable[Path], suffixes: Sequence[str] | None = None) -> str:
    """Digest of the relative names and bytes of every file below each root (or the file)."""
    parts: list[str | bytes] = []
    for root in roots:
        parts.append(str(root))
        if root.is_file():
            parts += ["", _input(root)]
            continue
        start = len(os.path.join(root, ""))  # relative names by slicing: relative_to is slow
        for path in _files_under(root, suffixes):
            parts += [path[start:].replace(os.sep, "/"), _input(path)]
    return digest(*parts)


def _input(path: str | Path) -> bytes:
    """The bytes of an input file, or a marker for one that is not read (a FIFO, a link to
    ``/dev/zero``, a file over the size limit): nothing here blocks or reads without end."""
    from generator.files import MAX_DOCUMENT_BYTES, NotReadable, read_regular

    try:
        return read_regular(path, MAX_DOCUMENT_BYTES)
    except NotReadable as exc:
        return b"\0not read: " + exc.reason.encode()
    except OSError:
        return b"\0unreadable"


def code_fingerprint() -> str:
    """Digest of the generator's version, its source and its built-in templates."""
    if "code" not in _FINGERPRINT:
        from generator import __version__

        code = tree_fingerprint([_ROOT], (".py",))
        templates = tree_fingerprint([_ROOT.parent / "templates"])
        _FINGERPRINT["code"] = digest(__version__, code, templates)
    return _FINGERPRINT["code"]


def formatter_id(name: str) -> str:
    """The formatter's name and installed version, without importing it.

    The version is read from the name of the first ``NAME-VERSION.dist-info`` folder on
    ``sys.path`` (the PyPA's "Recording installed projects" names it so), which costs
    a folder listing where ``importlib.metadata`` costs its import; other installs ask
    ``importlib.metadata``.
    """
    prefix = name.replace("-", "_").lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or os.curdir)
        except OSError:
            continue
        for found in names:
            if found.lower().startswith(prefix) and found.endswith(".dist-info"):
                return f"{name} {found[len(prefix) : -len('.dist-info')]}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} (unknown version)"


def key_path() -> Path:
    """The file holding this user's cache key: ``$XDG_CONFIG_HOME/doc2client/cache-key``
    (``~/.config`` when unset), or ``$DOC2CLIENT_CACHE_KEY`` when set."""
    if os.environ.get("DOC2CLIENT_CACHE_KEY"):
        return Path(os.environ["DOC2CLIENT_CACHE_KEY"])
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(config, "doc2client", "cache-key")


def _private(info: os.stat_result) -> bool:
    """Owned by this user, and no one else may write it (POSIX permission bits)."""
    uid = getattr(os, "getuid", lambda: info.st_uid)()
    return info.st_uid == uid and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _load_key() -> bytes:
    """This user's 32-byte cache key, created on first use (mode 0600); OSError if unusable."""
    if "key" not in _KEY:
        path = key_path()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(32))
        info = path.stat()
        if not _private(info) or info.st_mode & stat.S_IRWXO or not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path}: must be a file that only this user can read and write")
        _KEY["key"] = path.read_bytes()
        if len(_KEY["key"]) < 16:
            del _KEY["key"]
            raise OSError(f"{path}: too short to be a cache key")
    return _KEY["key"]


def refusal(root: Path) -> str | None:
    """Why ``root`` cannot be the cache folder, or None when it can.

    Refused: something that is not a folder; a folder that another user owns or that
    its group or everyone may write (they could plant entries); no usable key.
    """
    try:
        info = root.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        return f"{root}: {exc.strerror}"
    if info is not None and not stat.S_ISDIR(info.st_mode):
        return f"{root} is not a folder"
    if info is not None and not _private(info):
        return f"{root} is owned or writable by another user"
    try:
        _load_key()
    except OSError as exc:
        return f"no cache key: {exc}"
    return None


def open_cache(root: Path | None) -> tuple[Cache, str | None]:
    """The cache in ``root`` (None: off), or an off cache and a warning saying why."""
    if root is None:
        return Cache(None), None
    reason = refusal(root)
    if reason is not None:
        return Cache(None), f"cache off: {reason}"
    return Cache(root), None


class Cache:
    """Entries by (kind, key) under ``root``; ``Cache(None)`` is a cache that never hits.

    Use ``open_cache`` for a folder given by a user: it refuses one others could write.
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0
        self._pack: Pack | None = None

    @contextmanager
    def packed(self, name: str) -> Iterator[None]:
        """Within the block, entries of the ``PACKED`` kinds are read from and written to one
        pack file, ``packs/<name>``, instead of one file each (``generator/cache_pack.py``).

        ``name`` says whose pack it is (one per kind of run: a run reads the pack its last
        run wrote). The new pack holds every such entry this run used, and replaces the old
        one when the block ends without an error.
        """
        if self.root is None or self._pack is not None:
            yield
            return
        from generator.cache_pack import Pack

        pack = Pack.open(os.path.join(self.root, "packs", name), _load_key)
        self._pack = pack
        try:
            yield
        except BaseException:
            pack.abandon()
            raise
        else:
            pack.close()
        finally:
            self._pack = None

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
        if self._pack is not None and kind in PACKED:
            return self._packed_get(self._pack, kind, key)
        return self._file_get(kind, key)

    def _file_get(self, kind: str, key: str) -> bytes | None:
        """The payload of (kind, key) in its own file, or None if absent or damaged."""
        name = self._name(kind, key)
        try:
            with open(name, "rb") as handle:
                raw = handle.read()
                modified = os.fstat(handle.fileno()).st_mtime
            secret = _load_key()
        except OSError:
            self.misses += 1
            return None
        head = len(_MAGIC) + _DIGEST_LEN + 1
        payload = raw[head:]
        expected = _mac(secret, kind, key, payload).encode()
        ok = raw.startswith(_MAGIC) and hmac.compare_digest(raw[len(_MAGIC) : head - 1], expected)
        if ok:
            self.hits += 1
            _mark_used(name, modified)
        else:
            self.misses += 1
        return payload if ok else None

    def put(self, kind: str, key: str, payload: bytes) -> None:
        """Store ``payload`` atomically (temporary file, then ``os.replace``)."""
        if self.root is None:
            return
        if self._pack is not None and kind in PACKED:
            self._pack.add(kind, key, payload)
            return
        path = self._path(kind, key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            mac = _mac(_load_key(), kind, key, payload).encode()
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp.write_bytes(_MAGIC + mac + b"\n" + payload)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)

    def _packed_get(self, pack: Pack, kind: str, key: str) -> bytes | None:
        """An entry from the pack, else from its own file (kept in the new pack either way)."""
        payload = pack.take(kind, key)
        if payload is not None:
            self.hits += 1
            return payload
        payload = self._file_get(kind, key)  # its own file, as without a pack
        if payload is not None:
            pack.add(kind, key, payload)
        return payload

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
        """File content stored with ``put_blob`` under its SHA-256 ``name``.

        Not hashed again: the entry's HMAC covers its name and content, and only
        ``put_blob`` (which names content by its SHA-256) writes this kind.
        """
        return self.get("blobs", name)

    def has_blob(self, name: str) -> bool:
        """Whether content named ``name`` (its SHA-256) is stored (``put_blob``); marks it
        used, so that pruning by age keeps it (``get_blob`` may still miss: a damaged entry)."""
        if self.root is None:
            return False
        path = self._name("blobs", name)
        try:
            modified = os.stat(path).st_mtime
        except OSError:
            return False
        _mark_used(path, modified)
        return True

    def put_blob(self, data: bytes | Callable[[], bytes], sha256: str | None = None) -> str:
        """Store file content under its own SHA-256; returns that name.

        ``data`` may be a function giving the content, called only when the content is not
        stored yet; ``sha256`` is then its SHA-256 (hex), which the caller has computed.
        """
        if callable(data):
            assert sha256 is not None, "content given by a function needs its sha256"
            name = sha256
        else:
            name = _sha(data)
        if self.root is not None and not self.has_blob(name):
            content = data() if callable(data) else data
            assert _sha(content) == name, "put_blob: content does not match its sha256"
            self.put("blobs", name, content)
        return name


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mac(secret: bytes, kind: str, key: str, payload: bytes) -> str:
    """HMAC-SHA256 (hex) of an entry's kind, name and payload (RFC 2104)."""
    mac = hmac.new(secret, f"{kind}/{key}\n".encode(), hashlib.sha256)
    mac.update(payload)
    return mac.hexdigest()


USED_RESOLUTION = 86400.0  # seconds: an entry's "last used" time is kept to within a day


def _mark_used(name: str, modified: float) -> None:
    """Move an entry's modification time forward when it was last marked over a day ago, so
    pruning by age (which reads it) keeps entries in use, at one ``utime`` per entry a day."""
    now = time.time()
    if now - modified > USED_RESOLUTION:
        try:
            os.utime(name, (now, now))
        except OSError:
            pass

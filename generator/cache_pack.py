"""A run's pack: the small cache entries one run uses, in one file instead of thousands.

A warm run reads some 4,000 small entries (scraped pages, rendered pieces, formatted
pieces); one file each costs an open, a read and a stat apiece, and a cold run writes as
many. Inside ``Cache.packed`` those kinds (``cache.PACKED``) are read from the pack the
last run of the same kind wrote and every entry used is written to the new one, which
replaces the old when the run ends well (a temporary file, then ``os.replace``: a killed run
leaves the old pack as it was). An entry taken from the old pack is copied at the end, with
its neighbours, by ``os.copy_file_range``: a warm run keeps tens of megabytes it did not
change, which then never pass through Python.

The file: ``MAGIC``, then entries one after another, each a header line
``<kind> <key> <length> <mac>`` and ``length`` bytes of payload. ``mac`` is the HMAC of the
entry's kind, key and payload under this user's key, exactly as for an entry in a file of
its own (``cache._mac``): an entry that fails it, or a header that does not parse, is a
miss (and a header that does not parse ends the reading), so a damaged, truncated or planted
pack never gives a payload this user's doc2client did not write. Only the headers are read
at first (``os.pread``); a payload is read when it is asked for.
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Callable
from typing import BinaryIO

from generator.cache import PACKED, _mac

MAGIC = b"doc2client-pack 1\n"
Place = tuple[int, int, int, bytes]  # an entry's header offset, payload offset and length, MAC
_HEADER = re.compile(rb"([a-z]+) ([0-9a-f]{64}) ([0-9]{1,10}) ([0-9a-f]{64})\n")


class Pack:
    """The old pack (read) and the new one (being written) of one run."""

    def __init__(self, path: str, *, secret: bytes, old: int | None,
                 index: dict[tuple[str, str], Place], out: BinaryIO | None,
                 tmp: str) -> None:  # fmt: skip
        self.path = path
        self._secret = secret
        self._old = old
        self._index = index  # (kind, key) → its ``Place`` in ``old`` (a descriptor)
        self._out = out
        self._tmp = tmp
        self._written: set[tuple[str, str]] = set()
        self._taken: list[tuple[int, int]] = []  # old entries to copy at ``close``: byte ranges
        self._bytes = 0  # payload bytes written or to be copied

    @classmethod
    def open(cls, path: str, key: Callable[[], bytes]) -> Pack:
        """The pack at ``path`` (none, or one that cannot be read: empty) and a new one
        beside it; a pack that cannot be written keeps nothing (the run goes on)."""
        try:
            secret = key()
        except OSError:
            return cls(path, secret=b"", old=None, index={}, out=None, tmp="")
        old, index = _read(path)
        tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            opened = open(tmp, "wb")  # closed by close or abandon
            opened.write(MAGIC)
            out: BinaryIO | None = opened
        except OSError:
            out = None
        return cls(path, secret=secret, old=old, index=index, out=out, tmp=tmp)

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload of (kind, key) in the old pack, if there and intact."""
        found = self._index.get((kind, key))
        if found is None or self._old is None:
            return None
        _, offset, length, mac = found
        payload = _read_at(self._old, offset, length)
        if payload is None:
            return None
        expected = _mac(self._secret, kind, key, payload).encode()
        return payload if hmac.compare_digest(mac, expected) else None

    def take(self, kind: str, key: str) -> bytes | None:
        """``get``, and an entry found (its MAC just checked) kept for the new pack: its bytes
        are copied there from the old one at ``close``, most of a run's entries in a few
        ranges of the file, not written one by one."""
        payload = self.get(kind, key)
        if payload is not None and self._out is not None and (kind, key) not in self._written:
            self._written.add((kind, key))
            head, start, length, _ = self._index[(kind, key)]
            self._taken.append((head, start + length))
            self._bytes += length
        return payload

    def add(self, kind: str, key: str, payload: bytes) -> None:
        """Put (kind, key) in the new pack (once)."""
        if self._out is None or (kind, key) in self._written:
            return
        self._written.add((kind, key))
        self._write(kind, key, _mac(self._secret, kind, key, payload).encode(), payload)

    def _write(self, kind: str, key: str, mac: bytes, payload: bytes) -> None:
        assert self._out is not None
        try:
            self._out.write(f"{kind} {key} {len(payload)} ".encode() + mac + b"\n" + payload)
        except OSError:
            self._drop()
        self._bytes += len(payload)

    def close(self) -> None:
        """Put the new pack in place of the old: what this run used, and what the old pack
        held that it did not use (what a run kept whole did not ask for: another API of the
        same run, say) while that is no larger than what it used; else only what it used."""
        if self._out is not None and self._old is not None:
            self._carry_over()
            self._copy(self._old)
        self._release()
        if self._out is None:
            return
        try:
            self._out.close()
            os.replace(self._tmp, self.path)
        except OSError:
            self._drop()
        self._out = None

    def _carry_over(self) -> None:
        unused = [place for k, place in self._index.items() if k not in self._written]
        if sum(length for _, _, length, _ in unused) > self._bytes:
            return  # mostly stale: let it go
        self._taken += [(head, start + length) for head, start, length, _ in unused]

    def _copy(self, old: int) -> None:
        """The old pack's entries in ``_taken`` copied to the new one, adjacent ones as one
        range (``os.copy_file_range``: the kernel copies, no bytes pass through here)."""
        assert self._out is not None
        ranges: list[tuple[int, int]] = []
        for start, end in sorted(self._taken):
            if ranges and ranges[-1][1] == start:
                ranges[-1] = (ranges[-1][0], end)
            else:
                ranges.append((start, end))
        try:
            self._out.flush()
            out = self._out.fileno()
            for start, end in ranges:
                _copy_range(old, out, start, end)
        except OSError:
            self._drop()

    def abandon(self) -> None:
        """Keep the old pack; forget the new one."""
        self._release()
        self._drop()

    def _release(self) -> None:
        if self._old is not None:
            os.close(self._old)
            self._old = None

    def _drop(self) -> None:
        if self._out is not None:
            try:
                self._out.close()
            except OSError:
                pass
            self._out = None
        try:
            os.unlink(self._tmp)
        except OSError:
            pass


def _copy_range(source: int, dest: int, start: int, end: int) -> None:
    """Bytes ``start`` to ``end`` of ``source`` appended to ``dest`` (at its position);
    ``OSError`` when ``source`` holds fewer."""
    while start < end:
        try:
            done = os.copy_file_range(source, dest, end - start, start)
        except (AttributeError, OSError):  # not on this system or between these files
            data = os.pread(source, min(end - start, 1 << 20), start)
            done = os.write(dest, data) if data else 0
        if done == 0:
            raise OSError(f"pack: {end - start} bytes missing at {start}")
        start += done


def _read_at(fd: int, offset: int, length: int) -> bytes | None:
    """``length`` bytes at ``offset`` of ``fd``, or None when it holds fewer."""
    try:
        data = os.pread(fd, length, offset)
    except OSError:
        return None
    return data if len(data) == length else None


def _read(path: str) -> tuple[int | None, dict[tuple[str, str], Place]]:
    """The pack at ``path`` opened (a descriptor) and its entries' places, read from their
    headers alone; nothing when it is absent or not a pack."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None, {}
    try:
        size = os.fstat(fd).st_size
        ok = _read_at(fd, 0, len(MAGIC)) == MAGIC
    except OSError:
        ok = False
    if not ok:
        os.close(fd)
        return None, {}
    index: dict[tuple[str, str], Place] = {}
    at = len(MAGIC)
    while at < size:
        head = _read_at(fd, at, min(200, size - at)) or b""
        line_end = head.find(b"\n")
        header = _HEADER.fullmatch(head[: line_end + 1]) if line_end >= 0 else None
        if header is None:
            break
        kind, key, length, mac = header.groups()
        start = at + line_end + 1
        if start + int(length) > size:
            break
        if kind.decode() in PACKED:
            index[(kind.decode(), key.decode())] = (at, start, int(length), mac)
        at = start + int(length)
    return fd, index

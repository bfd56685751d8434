"""The output tree a build returns: file bytes by POSIX path, held compressed when large.

A run of thousands of operations writes hundreds of megabytes of text; held as it is, that
text is most of the run's peak memory. Past ``PACK_ABOVE`` characters the tree keeps each
file zlib-compressed (the fastest level: HTML, Markdown and Python shrink about fivefold)
and gives its bytes back when asked, keeping only the last file asked for, which is how a
write reads it (compare, then write). A small tree (a few dozen operations) is held as it
is: there compressing would cost more time than the memory it saves. The limit is low enough
(what some 15 operations write) that every large run packs alike: what is held as it is,
a fixed amount, is a small part of any large run, so memory per operation stays flat from
hundreds of operations to thousands.

With a ``store`` (the run's cache, where the last run kept its files by content), a file
the store already holds is not even compressed: the tree keeps its digest alone and reads
the store when asked, which in a run after a small edit is seldom (the write compares the
output folder by digest, and the record keeps only new content). Should the store have lost
the file meanwhile (pruned), ``rebuild`` gives the whole tree again.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Protocol

PACK_ABOVE = 512 * 1024  # characters of text held before files are kept compressed


class Store(Protocol):
    """Where file contents are kept by SHA-256 (hex) name (``generator.cache.Cache``)."""

    def has_blob(self, name: str) -> bool: ...

    def get_blob(self, name: str) -> bytes | None: ...


RAW, PACKED, STORED = 0, 1, 2  # how a file is held: as is, compressed, or in the store


class OutputTree(Mapping[str, bytes]):
    """Files by path (iterated in sorted order), each added as text once; ``digests`` holds
    each file's SHA-256 (hex), so a write compares a folder with it without unpacking
    (``generator.write.DigestedFiles``). ``store`` and ``rebuild``: see the module's text."""

    def __init__(
        self, store: Store | None = None, rebuild: Callable[[], Mapping[str, bytes]] | None = None
    ) -> None:
        self._files: dict[str, tuple[int, bytes]] = {}  # path → (RAW/PACKED/STORED, data)
        self.digests: dict[str, str] = {}
        self._held = 0  # characters added so far
        self._order: list[str] | None = None
        self._last: tuple[str, bytes] | None = None
        self._store: Store | None = store if rebuild is not None else None
        self._rebuild = rebuild
        self._rebuilt: Mapping[str, bytes] | None = None

    @property
    def packing(self) -> bool:
        """Whether files added now are kept compressed."""
        return self._held > PACK_ABOVE

    def expect(self, characters: int) -> None:
        """Count ``characters`` of text about to be added (so packing starts before them)."""
        self._held += characters

    def put(self, rel: str, text: str) -> None:
        """``expect`` then ``add``: a file made alone (``emit.render_api``'s ``sink``)."""
        self.expect(len(text))
        self.add(rel, text)

    def add(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        name = self.digests[rel] = hashlib.sha256(data).hexdigest()
        if not self.packing:
            self._files[rel] = (RAW, data)
        elif self._store is not None and self._store.has_blob(name):
            self._files[rel] = (STORED, b"")
        else:
            self._files[rel] = (PACKED, zlib.compress(data, 1))
        self._order = None

    def discard_under(self, folder: str) -> None:
        """Forget every file whose path starts with ``folder`` (``"stripe_client/"``)."""
        for rel in [rel for rel in self._files if rel.startswith(folder)]:
            del self._files[rel], self.digests[rel]
        self._order = self._last = None

    def __getitem__(self, rel: str) -> bytes:
        if self._last is not None and self._last[0] == rel:
            return self._last[1]
        held, data = self._files[rel]
        if held == RAW:
            return data
        if held == PACKED:
            data = zlib.decompress(data)
        else:
            data = self._stored(rel)
        self._last = (rel, data)
        return data

    def _stored(self, rel: str) -> bytes:
        assert self._store is not None and self._rebuild is not None
        if self._rebuilt is None:
            data = self._store.get_blob(self.digests[rel])
            if data is not None:
                return data
            self._rebuilt = self._rebuild()  # lost from the store: made again, once
        return self._rebuilt[rel]

    def __iter__(self) -> Iterator[str]:
        if self._order is None:
            self._order = sorted(self._files)
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, rel: object) -> bool:
        return rel in self._files

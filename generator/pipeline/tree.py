"""The output tree a build returns: file bytes by POSIX path, held compressed when large.

A run of thousands of operations writes hundreds of megabytes of text; held as it is, that
text is most of the run's peak memory. Past ``PACK_ABOVE`` characters the tree keeps each
file zlib-compressed (the fastest level: HTML, Markdown and Python shrink about fivefold)
and gives its bytes back when asked, keeping only the last file asked for, which is how a
write reads it (compare, then write). A small tree (a few dozen operations) is held as it
is: there compressing would cost more time than the memory it saves. The limit is low enough
that every large run packs alike, so memory per operation stays flat from hundreds of
operations to thousands.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Mapping

PACK_ABOVE = 4 * 1024 * 1024  # characters of text held before files are kept compressed


class OutputTree(Mapping[str, bytes]):
    """Files by path (iterated in sorted order), each added as text once; ``digests`` holds
    each file's SHA-256 (hex), so a write compares a folder with it without unpacking
    (``generator.write.DigestedFiles``)."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[bool, bytes]] = {}  # path → (compressed, data)
        self.digests: dict[str, str] = {}
        self._held = 0  # characters added so far
        self._order: list[str] | None = None
        self._last: tuple[str, bytes] | None = None

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
        self.digests[rel] = hashlib.sha256(data).hexdigest()
        self._files[rel] = (True, zlib.compress(data, 1)) if self.packing else (False, data)
        self._order = None

    def discard_under(self, folder: str) -> None:
        """Forget every file whose path starts with ``folder`` (``"stripe_client/"``)."""
        for rel in [rel for rel in self._files if rel.startswith(folder)]:
            del self._files[rel], self.digests[rel]
        self._order = self._last = None

    def __getitem__(self, rel: str) -> bytes:
        if self._last is not None and self._last[0] == rel:
            return self._last[1]
        packed, data = self._files[rel]
        if packed:
            data = zlib.decompress(data)
            self._last = (rel, data)
        return data

    def __iter__(self) -> Iterator[str]:
        if self._order is None:
            self._order = sorted(self._files)
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, rel: object) -> bool:
        return rel in self._files

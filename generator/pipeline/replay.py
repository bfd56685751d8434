"""Run replay: a run whose inputs, options, templates and generator are all unchanged is
answered from a manifest of the output's file hashes, without importing the scraper, the
model, jinja or black at all. The files' contents are read from the cache only when they
are needed: an output folder that already holds them is recognised by their digests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path

from generator.cache import (
    INPUT_SUFFIXES,
    Cache,
    code_fingerprint,
    digest,
    formatter_id,
    tree_fingerprint,
)
from generator.diagnostics import Diagnostic, Reporter
from generator.files import file_digest
from generator.options import Options, RunStats
from generator.pipeline.sources import display_path
from generator.write import DigestedFiles


def run_key(jobs: Sequence[tuple[Path, Options]]) -> str:
    """Digest of everything a run's output depends on: code, options, inputs, templates."""
    parts = [code_fingerprint()]
    for spec, options in jobs:
        parts += [
            display_path(spec),
            repr(options),
            tree_fingerprint([spec, *([options.responses] if options.responses else [])],
                             INPUT_SUFFIXES),
            tree_fingerprint(options.templates),
            formatter_id(options.formatter),
        ]
    return digest(*parts)


def pack_name(jobs: Sequence[tuple[Path, Options]]) -> str:
    """The name of the cache pack of runs like this one (``Cache.packed``): the same code,
    specs paths and options, whatever the inputs hold, so an edited run reads the pack its
    last run wrote."""
    parts = [code_fingerprint()]
    for spec, options in jobs:
        parts += [display_path(spec), repr(options)]
    return digest(*parts)


class StoredTree(Mapping[str, bytes]):
    """A replayed output tree: names and SHA-256 digests (hex) known at once, contents read
    from the cache on first use. If any content is missing or damaged there, ``rebuild``
    (a cold build of the same run) gives them all."""

    def __init__(
        self, digests: dict[str, str], cache: Cache, rebuild: Callable[[], Mapping[str, bytes]]
    ) -> None:
        self.digests: Mapping[str, str] = digests
        self._cache = cache
        self._rebuild = rebuild
        self._files: Mapping[str, bytes] | None = None

    def contents(self) -> Mapping[str, bytes]:
        """Every file's bytes (read once)."""
        if self._files is None:
            files: Mapping[str, bytes] = {}
            read: dict[str, bytes] = {}
            for rel, name in self.digests.items():
                data = self._cache.get_blob(name)
                if data is None:
                    files = self._rebuild()
                    break
                read[rel] = data
            else:
                files = read
            self._files = files
        return self._files

    def __getitem__(self, rel: str) -> bytes:
        return self.contents()[rel]

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)

    def __contains__(self, rel: object) -> bool:
        return rel in self.digests


def replay(
    cache: Cache, key: str, reporter: Reporter, stats: RunStats,
    rebuild: Callable[[], Mapping[str, bytes]],
) -> StoredTree | None:  # fmt: skip
    """The output, diagnostics and stats of an identical earlier run, if it was recorded and
    the other files it read (``RunStats.inputs``: a document's ``$ref`` targets, outside the
    run key) still have the digests they had."""
    manifest = cache.get_object("runs", key)
    if not (isinstance(manifest, tuple) and len(manifest) == 4):
        return None
    names, items, apis, inputs = manifest
    if any(file_digest(Path(path)) != sha for path, sha in inputs):
        return None
    reporter.items.extend(items)
    stats.apis.extend(apis)
    stats.inputs.extend(inputs)
    return StoredTree(dict(names), cache, rebuild)


def record(
    cache: Cache, key: str, files: Mapping[str, bytes], items: Sequence[Diagnostic],
    apis: Sequence[tuple[str, int, int, str]], *, inputs: Sequence[tuple[str, str]] = (),
) -> None:  # fmt: skip
    """Keep the run's files (by content) and a manifest of them for ``replay``, with the
    other files the run read (``inputs``: path, SHA-256)."""
    known = files.digests if isinstance(files, DigestedFiles) else {}
    names = [(rel, cache.put_blob(partial(files.__getitem__, rel), known[rel]) if rel in known
              else cache.put_blob(files[rel])) for rel in files]  # fmt: skip

    cache.put_object("runs", key, (names, list(items), list(apis), list(inputs)))

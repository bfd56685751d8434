"""Run replay: a run whose inputs, options, templates and generator are all unchanged is
answered from a manifest of the output's file hashes, without importing the scraper, the
model, jinja or black at all."""

from __future__ import annotations

from collections.abc import Sequence
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
from generator.options import Options, RunStats
from generator.pipeline.sources import display_path


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


def replay(cache: Cache, key: str, reporter: Reporter, stats: RunStats) -> dict[str, bytes] | None:
    """The output, diagnostics and stats of an identical earlier run, if all are cached."""
    manifest = cache.get_object("runs", key)
    if not (isinstance(manifest, tuple) and len(manifest) == 3):
        return None
    names, items, apis = manifest
    files: dict[str, bytes] = {}
    for rel, name in names:
        data = cache.get_blob(name)
        if data is None:
            return None
        files[rel] = data
    reporter.items.extend(items)
    stats.apis.extend(apis)
    return files


def record(
    cache: Cache, key: str, files: dict[str, bytes], items: Sequence[Diagnostic],
    apis: Sequence[tuple[str, int, int, str]],
) -> None:  # fmt: skip
    """Keep the run's files (by content) and a manifest of them for ``replay``."""
    names = [(rel, cache.put_blob(data)) for rel, data in files.items()]
    cache.put_object("runs", key, (names, list(items), list(apis)))

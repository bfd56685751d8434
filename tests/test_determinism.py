"""Determinism: the same pages give the same bytes, whatever the hash seed or page order.

Over about 60 Stripe pages (every eighth page plus the customer and payment-intent pages,
whose shapes share titles and so need qualified names): two CLI runs in subprocesses
with ``PYTHONHASHSEED=0`` and ``1``, and one in-process run in which discovery hands the
pipeline the pages in reverse order, must give byte-identical trees.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.scrape
from generator.cache import Cache
from generator.diagnostics import Reporter
from generator.options import Options
from generator.pipeline import build
from generator.write import MARKER, read_tree
from tests.conftest import ROOT

PAGES = Path("pages") / "stripe"  # relative to the working folder: headers name it
NAMED = (
    "PostCustomers.html",
    "PostCustomersCustomer.html",
    "GetCustomersCustomer.html",
    "PostPaymentIntents.html",
    "PostPaymentIntentsIntent.html",
    "PostPaymentIntentsIntentConfirm.html",
    "PostSubscriptions.html",
    "PostSubscriptionsSubscriptionExposedId.html",
)


def _subset(corpus: Path, work: Path) -> list[str]:
    names = sorted(p.name for p in (corpus / "pages" / "stripe").glob("*.html"))
    chosen = sorted(set(names[::8]) | {n for n in NAMED if n in names})
    (work / PAGES).mkdir(parents=True)
    for name in chosen:
        shutil.copy(corpus / "pages" / "stripe" / name, work / PAGES / name)
    return chosen


def _start(work: Path, out: str, seed: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "generator", "generate", str(PAGES), "-o", out]
    return subprocess.Popen(
        [*command, "--no-cache", "-q"], cwd=work, env=env, stderr=subprocess.PIPE
    )


def _differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def _reversed_discover(seen: list[int]) -> Callable[[Path], list[tuple[str, list[Path]]]]:
    original = generator.scrape.discover

    def discover(spec: Path) -> list[tuple[str, list[Path]]]:
        found = original(spec)
        seen.extend(len(pages) for _, pages in found)
        return [(name, pages[::-1]) for name, pages in found]

    return discover


@pytest.mark.slow
def test_hash_seed_and_page_order_do_not_change_a_byte(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = _subset(corpus, tmp_path)
    assert len(chosen) >= 60
    runs = {seed: _start(tmp_path, f"out{seed}", seed) for seed in ("0", "1")}
    monkeypatch.chdir(tmp_path)
    seen: list[int] = []
    monkeypatch.setattr(generator.scrape, "discover", _reversed_discover(seen))
    reporter = Reporter()
    reversed_tree = build([(PAGES, Options())], reporter, cache=Cache(None))
    assert seen == [len(chosen)]  # the pipeline really got the reversed list
    for seed, proc in runs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"PYTHONHASHSEED={seed}: {err.decode()}"
    trees = {seed: read_tree(tmp_path / f"out{seed}") for seed in runs}
    for tree in trees.values():
        tree.pop(MARKER)
    assert len(trees["0"]) > 300
    assert _differences(trees["0"], trees["1"]) == []
    assert _differences(trees["0"], reversed_tree) == []

"""Cost per operation at scale: cold default runs on 500, 2,000 and 5,000 operations.

The operations are the Stripe corpus pages cloned under new ids and paths (``PostCustomersC3``
at ``/v1/c3customers``) into a temporary folder, so each size is the same mix of pages.
Printed per size: wall and CPU time, peak resident memory of the process tree, and both
per operation; then how much the per-operation figures vary across the sizes (goal: less
than 20%) and whether the peak at 5,000 is within 300 MB. A run on one page measures the
fixed cost of any run (interpreter, imports, the runtime modules); the figures above it,
per operation, are printed beside and their spread too, as the fixed cost alone makes the
plain per-operation figure of a small run larger; and the memory per operation added from
one size to the next, whose spread shows whether memory grows linearly. A failed run's
stderr ends its row.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from bench.generation import Figure, corpus, doc2client, measure

SIZES = (500, 2000, 5000)
PEAK_GOAL_MB = 300
SPREAD_GOAL = 0.20
_TARGET = 'class="httpTarget">\\v1\\'


def clone_pages(pages: Path, out: Path, count: int) -> int:
    """``count`` pages in ``out``: the corpus pages, then copies with new ids and paths."""
    sources = sorted(pages.glob("*.html"))
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sources]
    out.mkdir(parents=True)
    for i in range(count):
        stem, text = texts[i % len(texts)]
        copy = i // len(texts)
        if copy:
            stem = f"{stem}C{copy}"
            text = text.replace(_TARGET, f"{_TARGET}c{copy}")
        (out / f"{stem}.html").write_text(text, encoding="utf-8")
    return count


def spread(values: list[float]) -> float:
    """(largest - smallest) / smallest."""
    return (max(values) - min(values)) / min(values)


def main() -> None:
    pages = corpus() / "pages" / "stripe"
    print("Scale: cold default runs (black) on cloned Stripe pages")
    if not pages.is_dir():
        print(f"  corpus not found at {pages}")
        return
    figures: dict[int, Figure] = {}
    with tempfile.TemporaryDirectory(prefix="doc2client-scale-") as tmp:
        for size in (1, *SIZES):
            specs = Path(tmp) / f"specs{size}" / "api"
            clone_pages(pages, specs, size)
            cmd = doc2client(str(specs), "-o", str(Path(tmp) / f"out{size}"), "--no-cache")
            figures[size] = measure(cmd, Path(tmp))
    report(figures)


def marginal(figures: dict[int, Figure]) -> dict[tuple[int, int], float]:
    """KB of peak memory per operation added between consecutive sizes: the per-operation
    cost without any fixed cost (which a one-operation run does not show whole: the worker
    pools, the caches that fill up to their bound, what the allocator keeps)."""
    sizes = sorted(figures)
    return {(a, b): (figures[b].peak_mb - figures[a].peak_mb) * 1024 / (b - a)
            for a, b in itertools.pairwise(sizes)}  # fmt: skip


def report(figures: dict[int, Figure]) -> None:
    base = figures.pop(1)
    print(f"      1 operation  {base.wall:7.2f} s wall {base.cpu:7.2f} s CPU"
          f" {base.peak_mb:7.1f} MB  (the fixed cost of a run)")  # fmt: skip
    for size, f in figures.items():
        status = "" if f.status == 0 else f"  (exit {f.status})\n{f.error}"
        print(
            f"  {size:>5} operations {f.wall:7.2f} s wall {f.cpu:7.2f} s CPU {f.peak_mb:7.1f} MB"
            f"  | {f.cpu / size * 1000:6.2f} ms CPU, {f.peak_mb * 1024 / size:6.1f} KB per"
            f" operation; above the fixed cost {(f.cpu - base.cpu) / size * 1000:6.2f} ms,"
            f" {(f.peak_mb - base.peak_mb) * 1024 / size:6.1f} KB{status}"
        )
    sizes = figures.items()
    spreads = {
        "CPU ms per operation": [f.cpu / size for size, f in sizes],
        "KB per operation": [f.peak_mb / size for size, f in sizes],
        "CPU ms per operation above the fixed cost": [(f.cpu - base.cpu) / n for n, f in sizes],
        "KB per operation above the fixed cost": [(f.peak_mb - base.peak_mb) / n for n, f in sizes],
    }
    for name, values in spreads.items():
        verdict = "met" if spread(values) < SPREAD_GOAL else "NOT met"
        print(f"  spread of {name}: {spread(values):.0%} (goal < 20%: {verdict})")
    steps = marginal(figures)
    shown = ", ".join(f"{a:,} -> {b:,}: {kb:.1f} KB" for (a, b), kb in steps.items())
    print(f"  memory per operation added ({shown}): spread {spread(list(steps.values())):.0%}")
    peak = figures[max(figures)].peak_mb
    verdict = "met" if peak <= PEAK_GOAL_MB else "NOT met"
    print(f"  peak at {max(figures):,} operations: {peak:.0f} MB (goal <= 300 MB: {verdict})")


if __name__ == "__main__":
    main()

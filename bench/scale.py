"""Cost per operation at scale: cold default runs on 500, 2,000 and 5,000 operations.

The operations are the Stripe corpus pages cloned under new ids and paths (``PostCustomersC3``
at ``/v1/c3customers``) into a temporary folder, so each size is the same mix of pages.
Printed per size: wall and CPU time, peak resident memory of the process tree, and both
per operation, and above the fixed cost of a run (a run on one page: interpreter, imports,
the runtime modules). The goals (issue 18): the cost of each operation added, CPU and peak
memory from one size to the next, varies by less than 20% (flat: the run grows linearly);
the peak at 5,000 is within 300 MB. The spreads of the plain per-operation figures are
printed too: they fall with size, as the fixed cost (worker pools a one-page run does not
start included) is shared by more operations. A failed run's stderr ends its row.
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


def marginal(figures: dict[int, Figure]) -> dict[tuple[int, int], tuple[float, float]]:
    """CPU ms and KB of peak memory per operation added between consecutive sizes: the
    per-operation cost without any fixed cost (which a one-operation run does not show whole:
    the worker pools, the caches that fill up to their bound, what the allocator keeps)."""
    sizes = sorted(figures)
    return {(a, b): ((figures[b].cpu - figures[a].cpu) * 1000 / (b - a),
                     (figures[b].peak_mb - figures[a].peak_mb) * 1024 / (b - a))
            for a, b in itertools.pairwise(sizes)}  # fmt: skip


def report(figures: dict[int, Figure]) -> None:
    """The rows, then the goals: the cost of an operation added is flat (its spread across
    the steps between sizes under ``SPREAD_GOAL``), the peak at the largest size within
    ``PEAK_GOAL_MB``. The spreads of the plain per-operation figures are printed as well;
    they fall with size as the fixed cost is shared by more operations."""
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
    plain = {
        "CPU ms per operation": [f.cpu / size for size, f in sizes],
        "KB per operation": [f.peak_mb / size for size, f in sizes],
        "CPU ms per operation above the fixed cost": [(f.cpu - base.cpu) / n for n, f in sizes],
        "KB per operation above the fixed cost": [(f.peak_mb - base.peak_mb) / n for n, f in sizes],
    }
    for name, values in plain.items():
        print(f"  spread of {name}: {spread(values):.0%}")
    steps = marginal(figures)
    for i, what in enumerate(("CPU ms", "KB of peak memory")):
        values = [step[i] for step in steps.values()]
        shown = ", ".join(f"{a:,} -> {b:,}: {step[i]:.1f}" for (a, b), step in steps.items())
        verdict = "met" if spread(values) < SPREAD_GOAL else "NOT met"
        print(f"  goal flat cost, {what} per operation added ({shown}): spread "
              f"{spread(values):.0%} (goal < {SPREAD_GOAL:.0%}: {verdict})")
    peak = figures[max(figures)].peak_mb
    verdict = "met" if peak <= PEAK_GOAL_MB else "NOT met"
    print(f"  goal peak at {max(figures):,} operations: {peak:.0f} MB (<= {PEAK_GOAL_MB} MB: "
          f"{verdict})")


if __name__ == "__main__":
    main()

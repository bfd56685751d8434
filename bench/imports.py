"""Import cost of the generated Stripe client against the official ``stripe`` package.

The client is generated from the whole Stripe corpus into a temporary folder (with
``--formatter ruff`` to save time: formatting does not change what is imported). Each
import runs in a fresh interpreter (bytecode cached after a warm-up, best of ``REPEAT``):
the time of the ``import`` statement, and the growth of the resident set it causes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.generation import bench_env, corpus

REPEAT = 7
_PROBE = (  # resident set from /proc (Linux), else the peak from getrusage
    "import resource, sys, time\n"
    "def rss():\n"
    "    try:\n"
    "        with open('/proc/self/statm') as f:\n"
    "            return int(f.read().split()[1]) * resource.getpagesize() / 1024\n"
    "    except OSError:\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "before = rss()\n"
    "t = time.perf_counter()\n"
    "{statement}\n"
    "took = time.perf_counter() - t\n"
    "print(took, (rss() - before) / 1024, len(sys.modules))\n"
)


def probe(statement: str, path: Path | None) -> tuple[float, float, int]:
    """Best time (s), memory growth (MB) and module count of ``statement``, fresh each time."""
    env = bench_env()
    if path is not None:
        env["PYTHONPATH"] = str(path)
    runs = []
    for _ in range(REPEAT + 1):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE.format(statement=statement)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        took, grew, modules = out.stdout.split()
        runs.append((float(took), float(grew), int(modules)))
    return min(runs[1:])


def generate(work: Path) -> Path | None:
    pages = corpus() / "pages" / "stripe"
    out = work / "out"
    cmd = [sys.executable, "-m", "generator", "generate", str(pages), "-o", str(out),
           "--no-cache", "--formatter", "ruff", "-q"]  # fmt: skip
    done = subprocess.run(
        cmd, env=bench_env(), cwd=work, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"  generation failed: {done.stderr.strip()[-300:]}")
        return None
    return out / "stripe_client"


def main() -> None:
    print("Import: the generated Stripe client against `import stripe` (fresh interpreter)")
    if not (corpus() / "pages" / "stripe").is_dir():
        print(f"  corpus not found at {corpus()} (set DOC2CLIENT_CORPUS)")
        return
    with tempfile.TemporaryDirectory(prefix="doc2client-bench-") as tmp:
        project = generate(Path(tmp))
        if project is None:
            return
        ours = probe("import stripe_client", project)
        used = probe("import stripe_client; stripe_client.Client(api_key='sk').customers", project)
    try:
        theirs: tuple[float, float, int] | None = probe("import stripe", None)
    except subprocess.CalledProcessError:
        theirs = None
    rows = [("import stripe_client (generated)", ours), ("  + Client().customers", used)]
    rows += [("import stripe (official)", theirs)] if theirs is not None else []
    for name, (took, grew, modules) in rows:
        print(f"  {name:<36} {took * 1000:8.1f} ms {grew:7.1f} MB  {modules} modules loaded")
    if theirs is not None:
        ratio = ours[0] / theirs[0]
        verdict = "met" if ratio <= 0.5 else "NOT met"
        print(f"  ratio generated / stripe: {ratio:.2f} of the time (goal <= 0.5: {verdict}), "
              f"{ours[1] / max(theirs[1], 0.1):.2f} of the memory")  # fmt: skip


if __name__ == "__main__":
    main()
